#include "html/text.hpp"

namespace corofetch::html {

std::size_t comment_end(std::string_view html, std::size_t body) noexcept {
  if (html.substr(body, 1) == ">") return body + 1;   // "<!-->": abrupt-closing-of-empty-comment
  if (html.substr(body, 2) == "->") return body + 2;  // "<!--->"
  for (std::size_t dash = html.find("--", body); dash != std::string_view::npos;
       dash = html.find("--", dash + 1)) {
    if (html.substr(dash + 2, 1) == ">") return dash + 3;
    if (html.substr(dash + 2, 2) == "!>") return dash + 4;  // incorrectly-closed-comment
  }
  return html.size();
}

std::string strip_and_collapse_whitespace(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  for (const char c : s) {
    if (is_ascii_whitespace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

}  // namespace corofetch::html
