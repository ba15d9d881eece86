#include "dig_args.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <string_view>

namespace cf_lookup {
namespace {

namespace dns = corofetch::dns;

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

// The +options that switch something on or off ("+short", "+noshort").
struct switch_option {
  std::string_view name;
  void (*apply)(dig_request&, bool);
};

void set_all(dig_request& r, bool on) {
  r.sections = {on, on, on, on, on, on};
  r.banner = on;
}

constexpr std::array<switch_option, 16> switches{{
    {"short", [](dig_request& r, bool on) { r.short_output = on; }},
    {"trace", [](dig_request& r, bool on) { r.trace = on; }},
    {"all", set_all},
    {"answer", [](dig_request& r, bool on) { r.sections.answer = on; }},
    {"question", [](dig_request& r, bool on) { r.sections.question = on; }},
    {"authority", [](dig_request& r, bool on) { r.sections.authority = on; }},
    {"additional", [](dig_request& r, bool on) { r.sections.additional = on; }},
    {"comments", [](dig_request& r, bool on) { r.sections.comments = on; }},
    {"stats", [](dig_request& r, bool on) { r.sections.stats = on; }},
    {"cmd", [](dig_request& r, bool on) { r.banner = on; }},
    {"tcp", [](dig_request& r, bool on) { r.tcp = on; }},
    {"vc", [](dig_request& r, bool on) { r.tcp = on; }},
    {"recurse", [](dig_request& r, bool on) { r.recurse = on; }},
    {"rec", [](dig_request& r, bool on) { r.recurse = on; }},
    {"edns", [](dig_request& r, bool on) { r.udp_size = on ? 1232 : 0; }},
    // No cookie is ever sent, so +nocookie is what happens anyway (RFC 7873 is not done).
    {"cookie", [](dig_request&, bool) {}},
}};

std::optional<int> whole_number(std::string_view text, int low, int high) {
  int n = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, n);
  if (text.empty() || ec != std::errc{} || ptr != end || n < low || n > high) return std::nullopt;
  return n;
}

// "+time=N", "+tries=N", "+retry=N", "+bufsize=N", "+edns=0".
std::optional<std::string> apply_valued(std::string_view name, std::string_view value,
                                        dig_request& out) {
  const auto bad = [&](std::string_view range) {
    return fmt::format("+{}={}: needs a whole number {}", name, value, range);
  };
  if (name == "time") {
    const auto n = whole_number(value, 1, 600);
    if (!n) return bad("of seconds, 1 to 600");
    out.time_seconds = *n;
  } else if (name == "tries" || name == "retry") {
    const auto n = whole_number(value, name == "tries" ? 1 : 0, 20);
    if (!n) return bad(name == "tries" ? "from 1 to 20" : "from 0 to 19");
    out.tries = name == "tries" ? *n : *n + 1;
  } else if (name == "bufsize") {
    const auto n = whole_number(value, 512, 65535);
    if (!n) return bad("from 512 to 65535");
    out.udp_size = static_cast<std::uint16_t>(*n);
  } else if (name == "edns") {
    if (value != "0") return fmt::format("+edns={}: only EDNS version 0 exists (RFC 6891)", value);
    if (out.udp_size.value_or(0) == 0) out.udp_size = 1232;
  } else {
    return fmt::format("+{}={} is not supported", name, value);
  }
  return std::nullopt;
}

std::optional<std::string> apply_option(std::string_view word, dig_request& out) {
  std::string_view text = word.substr(1);
  if (const auto eq = text.find('='); eq != std::string_view::npos) {
    return apply_valued(text.substr(0, eq), text.substr(eq + 1), out);
  }
  const bool on = !text.starts_with("no");
  const std::string_view name = on ? text : text.substr(2);
  for (const auto& s : switches) {
    if (s.name != name) continue;
    if (name == "cookie" && on) return std::string("+cookie is not supported (no DNS cookies)");
    s.apply(out, on);
    return std::nullopt;
  }
  return fmt::format("{} is not supported", word);
}

bool is_class(std::string_view word) {
  return iequals(word, "IN") || iequals(word, "CH") || iequals(word, "CHAOS") ||
         iequals(word, "HS") || iequals(word, "HESIOD") ||
         (word.size() > 5 && iequals(word.substr(0, 5), "CLASS"));
}

// Types dig knows by name that have no converter here: asked by number (RFC 3597) they work.
struct other_type {
  std::string_view name;
  unsigned number;
};
constexpr std::array<other_type, 16> other_types{{
    {"HINFO", 13},
    {"NAPTR", 35},
    {"DNAME", 39},
    {"DS", 43},
    {"SSHFP", 44},
    {"RRSIG", 46},
    {"NSEC", 47},
    {"DNSKEY", 48},
    {"NSEC3", 50},
    {"TLSA", 52},
    {"SVCB", 64},
    {"HTTPS", 65},
    {"SPF", 99},
    {"IXFR", 251},
    {"AXFR", 252},
    {"URI", 256},
}};

}  // namespace

std::optional<std::string> unsupported_type(std::string_view word) {
  for (const auto& t : other_types) {
    if (!iequals(word, t.name)) continue;
    if (t.number == 251 || t.number == 252) {
      return fmt::format("{}: zone transfers are not supported", t.name);
    }
    return fmt::format("type {} is not known by name here: ask for TYPE{} (RFC 3597)", t.name,
                       t.number);
  }
  return std::nullopt;
}

namespace {

// True when a word after `i` can be a name: a type before it belongs to it.
bool name_follows(const std::vector<std::string>& words, std::size_t i) {
  for (++i; i < words.size(); ++i) {
    const auto& w = words[i];
    if (w.starts_with('@') || w.starts_with('+') || is_class(w)) continue;
    if (!dns::parse_record_type(w) && !unsupported_type(w)) return true;
  }
  return false;
}

// A name, a type, or a class: dig's rule is that a type sets the type of the name before it;
// one before the first name is the first name's.
// A type written before its name, waiting for it.
struct pending_type {
  dns::record_type type = dns::record_type::a;
  bool set = false;
};

std::optional<std::string> take_word(const std::vector<std::string>& words, std::size_t i,
                                     dig_request& out, std::vector<bool>& typed,
                                     pending_type& pending) {
  const std::string& word = words[i];
  if (is_class(word)) {
    if (iequals(word, "IN")) return std::nullopt;
    return fmt::format("class {}: only class IN is supported", word);
  }
  if (auto problem = unsupported_type(word)) return problem;
  const auto type = dns::parse_record_type(word);
  const bool type_of_last = type && !out.lookups.empty() && !typed.back();
  const bool type_of_next = type && !type_of_last && !pending.set && name_follows(words, i);
  if (type_of_last) {
    out.lookups.back().type = *type;
    typed.back() = true;
  } else if (type_of_next) {
    pending = {*type, true};
  } else if (type && !out.lookups.empty()) {
    return fmt::format("'{}': a second type for {}", word, out.lookups.back().name);
  } else {
    out.lookups.push_back({word, pending.type});
    typed.push_back(pending.set);
    pending = {};
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> parse_dig_words(const std::vector<std::string>& words,
                                           dns::record_type default_type, dig_request& out) {
  std::vector<bool> typed;  // per lookup: its type was written
  pending_type pending;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (word.starts_with('@')) {
      if (word.size() == 1) return std::string("@ needs a server address (@127.0.0.1)");
      out.servers.push_back(word.substr(1));
      continue;
    }
    if (word.starts_with('+')) {
      if (auto problem = apply_option(word, out)) return problem;
      continue;
    }
    if (word.empty()) return std::string("an empty name");
    if (auto problem = take_word(words, i, out, typed, pending)) return problem;
  }
  for (std::size_t i = 0; i < out.lookups.size(); ++i) {
    if (!typed[i]) out.lookups[i].type = default_type;
  }
  return std::nullopt;
}

std::string dig_options_help() {
  return "dig's +options: +short +trace +[no]all +[no]answer +[no]question +[no]authority\n"
         "  +[no]additional +[no]comments +[no]stats +[no]cmd +[no]tcp (+vc) +[no]recurse\n"
         "  +[no]edns +bufsize=N +time=SECONDS +tries=N +retry=N +nocookie";
}

}  // namespace cf_lookup
