#include <corofetch/http/method.hpp>
#include <corofetch/http/syntax.hpp>

#include "http/char_table.hpp"

namespace corofetch::http {

bool is_token(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s) {
    if (!detail::is_tchar(c)) return false;
  }
  return true;
}

bool is_field_value(std::string_view s) noexcept {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && u != '\t') || u == 0x7f) return false;
  }
  return true;
}

bool is_request_target(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return false;
  }
  return true;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (detail::ascii_lower(a[i]) != detail::ascii_lower(b[i])) return false;
  }
  return true;
}

result<method> method::parse(std::string_view token) {
  if (!is_token(token)) return errc::invalid_method;
  return method(trusted{}, token);
}

bool method::expects_content() const noexcept {
  return name_ == "POST" || name_ == "PUT" || name_ == "PATCH";
}

}  // namespace corofetch::http
