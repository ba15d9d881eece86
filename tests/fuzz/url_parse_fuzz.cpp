// libFuzzer target for the URL parser: any input parses or fails cleanly, alone and against a
// base, and whatever parses is a fixed point: parsing its href gives the same href (URL
// Standard: the serializer's output reparses to an equal URL). Aborts otherwise.
#include <corofetch/url/url.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace {

void check_idempotent(const corofetch::result<corofetch::url::url>& parsed, const char* what) {
  if (!parsed) return;
  const corofetch::url::url& u = parsed.value();
  const auto again = corofetch::url::parse(u.href());
  if (!again || again.value().href() != u.href()) {
    std::fprintf(stderr, "%s: href <%.*s> does not reparse to itself\n", what,
                 static_cast<int>(u.href().size()), u.href().data());
    std::abort();
  }
  // Every accessor stays inside href.
  if (u.pathname().size() > u.href().size() || u.host().size() > u.href().size() ||
      u.path_and_query().size() > u.href_without_fragment().size()) {
    std::abort();
  }
  (void)u.origin();
  (void)corofetch::url::local_file_name(u);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_idempotent(corofetch::url::parse(input), "parse");
  static const auto base = corofetch::url::parse("http://user:pw@example.com:8080/a/b/c?q=1#f");
  check_idempotent(corofetch::url::parse(input, base.value()), "resolve");
  static const auto file_base = corofetch::url::parse("file:///C:/dir/file");
  check_idempotent(corofetch::url::parse(input, file_base.value()), "resolve against file");
  static const auto opaque_base = corofetch::url::parse("sc:/.//p/q");
  check_idempotent(corofetch::url::parse(input, opaque_base.value()), "resolve against host-less");
  return 0;
}
