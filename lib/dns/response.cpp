#include <corofetch/dns/error.hpp>
#include <corofetch/dns/response.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

namespace corofetch::dns {
namespace {

bool same_name(std::string_view a, std::string_view b) noexcept {
  if (a.ends_with('.') && !a.ends_with("\\.")) a.remove_suffix(1);
  if (b.ends_with('.') && !b.ends_with("\\.")) b.remove_suffix(1);
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    return x == y;
  });
}

const record* cname_of(const std::vector<record>& answer, std::string_view owner) noexcept {
  for (const auto& r : answer) {
    if (r.type == record_type::cname && same_name(r.name, owner)) return &r;
  }
  return nullptr;
}

}  // namespace

std::string rcode_name(unsigned rcode) {
  // RFC 6895 2.3, the names dig prints.
  static constexpr std::array<std::string_view, 12> names{
      "NOERROR",  "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",  "REFUSED",
      "YXDOMAIN", "YXRRSET", "NXRRSET",  "NOTAUTH",  "NOTZONE", "DSOTYPENI"};
  if (rcode < names.size()) return std::string(names[rcode]);
  if (rcode == 16) return "BADVERS";
  return fmt::format("RCODE{}", rcode);
}

std::string flag_names(std::uint16_t flags) {
  static constexpr std::array<std::pair<std::uint16_t, std::string_view>, 7> bits{{
      {0x8000, "qr"},
      {0x0400, "aa"},
      {0x0200, "tc"},
      {0x0100, "rd"},
      {0x0080, "ra"},
      {0x0020, "ad"},
      {0x0010, "cd"},
  }};
  std::string out;
  for (const auto& [bit, name] : bits) {
    if ((flags & bit) == 0) continue;
    if (!out.empty()) out += ' ';
    out += name;
  }
  return out;
}

cname_chain follow_cnames(const std::vector<record>& answer, std::string_view name,
                          record_type type) {
  cname_chain out;
  out.final_name = std::string(name);
  if (out.final_name.ends_with('.') && !out.final_name.ends_with("\\.")) out.final_name.pop_back();
  // A CNAME asked for is the answer itself, not a link to follow.
  while (type != record_type::cname && type != record_type::any) {
    const record* link = cname_of(answer, out.final_name);
    if (link == nullptr) break;
    const auto& target = std::get<cname_data>(link->data).target;
    const auto seen = [&](const record& r) { return same_name(r.name, target); };
    out.cnames.push_back(*link);
    if (same_name(target, name) || std::any_of(out.cnames.begin(), out.cnames.end(), seen)) {
      out.error = errc::resolution_loop;  // RFC 1034 3.6.2: a chain must end
      return out;
    }
    out.final_name = target;
  }
  for (const auto& r : answer) {
    if ((r.type == type || type == record_type::any) && same_name(r.name, out.final_name)) {
      out.records.push_back(r);
    }
  }
  return out;
}

}  // namespace corofetch::dns
