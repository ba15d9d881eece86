#include <corofetch/nntp/client.hpp>

#include <charconv>

namespace corofetch::nntp {
namespace {

bool safe_argument(std::string_view s) {
  return !s.empty() && s.find_first_of(std::string_view(" \t\r\n\0", 5)) == std::string_view::npos;
}

template <class Int>
bool parse_number(std::string_view text, Int& out) {
  if (text.empty()) return false;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc{} && ptr == end;
}

}  // namespace

result<news_target> parse_news_url(const url::url& u) {
  if (u.scheme() != "news" && u.scheme() != "nntp") return errc::not_a_news_url;
  news_target t;
  std::string_view path = u.pathname();
  if (!u.hostname().empty()) {
    t.server = std::string(u.hostname());
    t.server.append(":").append(std::to_string(u.port().value_or(119)));
    if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  }
  std::string name = url::percent_decode(path);
  t.article = name.find('@') != std::string::npos;
  if (t.article && name.front() != '<') name = "<" + name + ">";
  if (!safe_argument(name) || (t.article && name.back() != '>')) return errc::invalid_argument;
  t.name = std::move(name);
  return t;
}

result<overview> parse_overview_line(std::string_view line) {
  std::vector<std::string_view> fields;
  while (true) {
    const auto tab = line.find('\t');
    fields.push_back(line.substr(0, tab));
    if (tab == std::string_view::npos) break;
    line.remove_prefix(tab + 1);
  }
  if (fields.size() < 8) return errc::malformed_reply;
  overview o;
  if (!parse_number(fields[0], o.number)) return errc::malformed_reply;
  o.subject = fields[1];
  o.from = fields[2];
  o.date = fields[3];
  o.message_id = fields[4];
  o.references = fields[5];
  if (!fields[6].empty() && !parse_number(fields[6], o.bytes)) return errc::malformed_reply;
  if (!fields[7].empty() && !parse_number(fields[7], o.lines)) return errc::malformed_reply;
  return o;
}

std::string to_text(const group_listing& group) {
  std::string out;
  for (const auto& a : group.articles) {
    out.append(std::to_string(a.number)).append("\t").append(a.date).append("\t");
    out.append(a.from).append("\t").append(a.subject).append("\n");
  }
  return out;
}

}  // namespace corofetch::nntp
