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

std::string_view next_list_element(std::string_view& rest) noexcept {
  const std::size_t comma = rest.find(',');
  std::string_view item = rest.substr(0, comma);
  rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
  while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
  while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
  return item;
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
