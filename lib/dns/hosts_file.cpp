#include "dns/hosts_file.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>

namespace corofetch::dns {
namespace {

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r';
}

std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_space(line[i])) ++i;
    const std::size_t start = i;
    while (i < line.size() && !is_space(line[i])) ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

}  // namespace

hosts_file hosts_file::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return {};
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str());
}

hosts_file hosts_file::parse(std::string_view text) {
  hosts_file h;
  while (!text.empty()) {
    const auto eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
    if (const auto hash = line.find('#'); hash != std::string_view::npos)
      line = line.substr(0, hash);
    const auto f = fields(line);
    if (f.size() < 2) continue;
    std::error_code ec;
    auto address = asio::ip::make_address(std::string(f[0]), ec);
    if (ec) continue;
    for (std::size_t i = 1; i < f.size(); ++i) {
      auto& list = h.names_[lowercase(f[i])];
      if (std::find(list.begin(), list.end(), address) == list.end()) list.push_back(address);
    }
  }
  return h;
}

const std::vector<asio::ip::address>* hosts_file::find(std::string_view name) const {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (names_.empty() || name.size() > 255) return nullptr;
  // Lowercased on the stack: async_resolve() asks on every call.
  std::array<char, 255> lower{};
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    lower[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  const auto it = names_.find(std::string_view(lower.data(), name.size()));
  return it == names_.end() ? nullptr : &it->second;
}

}  // namespace corofetch::dns
