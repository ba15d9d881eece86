#pragma once
// Everything extract_references returns, as one string, so that the link scanner's answer and the
// full parse's can be compared whole (the scanner test and the scanner's fuzz target). Free of
// Catch2: the fuzz target includes it too.
#include <corofetch/html/references.hpp>

#include <string>
#include <string_view>

namespace scan_test {

inline std::string fingerprint(const corofetch::html::reference& r) {
  using corofetch::html::reference_kind;
  std::string out(r.location.href());
  out.append(" text=").append(r.text).append(" kind=").append(to_string(r.kind));
  out.append(" image=").append(r.image ? to_string(*r.image) : "-");
  out.append(" as=").append(r.as).append(" type=").append(r.type).append(" media=").append(r.media);
  out += r.nofollow ? " nofollow" : "";
  out += r.module ? " module" : "";
  out += r.inline_data ? " data" : "";
  out.append(" rel=");
  for (int k = 0; k <= static_cast<int>(reference_kind::object); ++k) {
    out += r.rel.contains(static_cast<reference_kind>(k)) ? '1' : '0';
  }
  out.append(" source=").append(std::to_string(r.source.begin)).append("-");
  out.append(std::to_string(r.source.end)).append(r.source.exact ? " exact" : " whole");
  return out;
}

inline std::string fingerprint(const corofetch::html::references& r) {
  std::string out = "base=" + std::string(r.base.href()) + "\ntitle=" + r.title;
  out += r.noindex ? "\nnoindex" : "";
  out += r.nofollow ? "\nnofollow" : "";
  out += r.truncated ? "\ntruncated" : "";
  for (const auto& item : r.items) out.append("\n").append(fingerprint(item));
  for (const auto& s : r.skipped) {
    out.append("\nskip ").append(s.text).append(" kind=").append(to_string(s.kind));
    out.append(" image=").append(s.image ? to_string(*s.image) : "-");
    out.append(" reason=").append(to_string(s.reason));
    out.append(" error=").append(std::to_string(s.error.value()));
  }
  for (const auto& st : r.styles) out.append("\nstyle ").append(st.text);
  return out;
}

/// The outcome of one extraction: the fingerprint, or the error.
inline std::string outcome(const corofetch::result<corofetch::html::references>& r) {
  if (!r) return "error: " + r.error().message();
  return fingerprint(*r);
}

}  // namespace scan_test
