#include <corofetch/dns/record.hpp>

#include <fmt/format.h>

#include <array>
#include <utility>

namespace corofetch::dns {
namespace {

constexpr std::array<std::pair<record_type, std::string_view>, 9> type_names{{
    {record_type::a, "A"},
    {record_type::ns, "NS"},
    {record_type::cname, "CNAME"},
    {record_type::soa, "SOA"},
    {record_type::ptr, "PTR"},
    {record_type::mx, "MX"},
    {record_type::txt, "TXT"},
    {record_type::aaaa, "AAAA"},
    {record_type::srv, "SRV"},
}};

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 'a' + 'A');
    if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 'a' + 'A');
    if (x != y) return false;
  }
  return true;
}

// RFC 1035 5.1 character-string: quoted, '"' and '\' escaped, other non-printables as \DDD.
void append_character_string(std::string& out, std::string_view bytes) {
  out += '"';
  for (char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u >= 0x7f) {
      fmt::format_to(std::back_inserter(out), "\\{:03}", u);
    } else {
      out += c;
    }
  }
  out += '"';
}

struct presenter {
  std::string operator()(const a_data& d) const { return d.address.to_string(); }
  std::string operator()(const aaaa_data& d) const { return d.address.to_string(); }
  std::string operator()(const ns_data& d) const { return fully_qualified(d.host); }
  std::string operator()(const cname_data& d) const { return fully_qualified(d.target); }
  std::string operator()(const ptr_data& d) const { return fully_qualified(d.host); }
  std::string operator()(const mx_data& d) const {
    return fmt::format("{} {}", d.preference, fully_qualified(d.exchange));
  }
  std::string operator()(const txt_data& d) const {
    std::string out;
    for (const auto& s : d.strings) {
      if (!out.empty()) out += ' ';
      append_character_string(out, s);
    }
    return out;
  }
  std::string operator()(const soa_data& d) const {
    return fmt::format("{} {} {} {} {} {} {}", fully_qualified(d.mname), fully_qualified(d.rname),
                       d.serial, d.refresh, d.retry, d.expire, d.minimum);
  }
  std::string operator()(const srv_data& d) const {
    return fmt::format("{} {} {} {}", d.priority, d.weight, d.port, fully_qualified(d.target));
  }
};

}  // namespace

std::string_view to_string(record_type type) noexcept {
  for (const auto& [t, name] : type_names) {
    if (t == type) return name;
  }
  return "TYPE?";
}

std::optional<record_type> parse_record_type(std::string_view text) noexcept {
  for (const auto& [t, name] : type_names) {
    if (iequals(text, name)) return t;
  }
  return std::nullopt;
}

std::string fully_qualified(std::string_view name) {
  if (name.empty() || name == ".") return ".";
  const bool escaped_last = name.size() >= 2 && name[name.size() - 2] == '\\';
  if (name.back() == '.' && !escaped_last) return std::string(name);
  std::string out(name);
  out += '.';
  return out;
}

std::string to_presentation(const record_data& data) {
  return std::visit(presenter{}, data);
}

std::string to_zone_line(const record& r) {
  return fmt::format("{} {} IN {} {}", fully_qualified(r.name), r.ttl, to_string(r.type),
                     to_presentation(r.data));
}

}  // namespace corofetch::dns
