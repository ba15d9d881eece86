#include <corofetch/dns/record.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <utility>

namespace corofetch::dns {
namespace {

constexpr std::array<std::pair<record_type, std::string_view>, 11> type_names{{
    {record_type::a, "A"},
    {record_type::ns, "NS"},
    {record_type::cname, "CNAME"},
    {record_type::soa, "SOA"},
    {record_type::ptr, "PTR"},
    {record_type::mx, "MX"},
    {record_type::txt, "TXT"},
    {record_type::aaaa, "AAAA"},
    {record_type::srv, "SRV"},
    {record_type::any, "ANY"},
    {record_type::caa, "CAA"},
}};

// Bytes of unknown data per space-separated word: what dig (BIND 9.18) writes on one line.
constexpr std::size_t generic_word_bytes = 28;

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
  std::string operator()(const caa_data& d) const {
    std::string out = fmt::format("{} {} ", d.flags, d.tag);
    append_character_string(out, d.value);
    return out;
  }
  std::string operator()(const unknown_data& d) const {
    std::string out = fmt::format("\\# {}", d.rdata.size());
    for (std::size_t i = 0; i < d.rdata.size(); ++i) {
      if (i % generic_word_bytes == 0) out += ' ';
      fmt::format_to(std::back_inserter(out), "{:02X}", d.rdata[i]);
    }
    return out;
  }
};

// RFC 3597 5: "TYPE" and the decimal number, 1 to 65535.
std::optional<record_type> parse_type_number(std::string_view text) noexcept {
  if (text.size() < 5 || !iequals(text.substr(0, 4), "TYPE")) return std::nullopt;
  const auto digits = text.substr(4);
  std::uint16_t number = 0;
  const auto* end = digits.data() + digits.size();
  const auto [ptr, ec] = std::from_chars(digits.data(), end, number);
  if (ec != std::errc{} || ptr != end || number == 0 || digits.front() == '+') return std::nullopt;
  return static_cast<record_type>(number);
}

bool same_name(std::string_view a, std::string_view b) noexcept {
  if (a.ends_with('.')) a.remove_suffix(1);
  if (b.ends_with('.')) b.remove_suffix(1);
  return iequals(a, b);
}

// a goes before b in a run of one owner's MX or SRV records.
bool tried_first(const record& a, const record& b) noexcept {
  if (const auto* x = std::get_if<mx_data>(&a.data)) {
    return x->preference < std::get<mx_data>(b.data).preference;
  }
  const auto& x = std::get<srv_data>(a.data);
  const auto& y = std::get<srv_data>(b.data);
  if (x.priority != y.priority) return x.priority < y.priority;
  return x.weight > y.weight;
}

bool sortable(const record& r) noexcept {
  return std::holds_alternative<mx_data>(r.data) || std::holds_alternative<srv_data>(r.data);
}

}  // namespace

std::string to_string(record_type type) {
  for (const auto& [t, name] : type_names) {
    if (t == type) return std::string(name);
  }
  return fmt::format("TYPE{}", static_cast<unsigned>(type));
}

std::optional<record_type> parse_record_type(std::string_view text) noexcept {
  for (const auto& [t, name] : type_names) {
    if (iequals(text, name)) return t;
  }
  return parse_type_number(text);
}

bool has_known_data(record_type type) noexcept {
  return type != record_type::any &&
         std::any_of(type_names.begin(), type_names.end(),
                     [type](const auto& entry) { return entry.first == type; });
}

void sort_by_preference(std::vector<record>& records) {
  auto run = records.begin();
  while (run != records.end()) {
    auto end = std::next(run);
    if (sortable(*run)) {
      while (end != records.end() && end->type == run->type && sortable(*end) &&
             same_name(end->name, run->name)) {
        ++end;
      }
      std::stable_sort(run, end, tried_first);
    }
    run = end;
  }
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
