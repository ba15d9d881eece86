// Fuzzes the robots.txt reader (RFC 9309) and its matcher: any text parses (parse never
// fails), the parsing bound holds, and every rule's own pattern and a few paths taken from the
// input get a decision without crashing. The first byte picks a small parsing bound sometimes,
// so the cut-a-line-in-two path is reached.
#include <corofetch/crawl/robots.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace crawl = corofetch::crawl;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  crawl::robots_options options;
  if ((data[0] & 1) != 0) options.max_bytes = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  const crawl::robots parsed = crawl::robots::parse(text, options);
  if (parsed.truncated() != (text.size() > options.max_bytes)) std::abort();

  for (const std::string_view agent : {"corofetch", "*", "Googlebot/2.1 (+x)"}) {
    const crawl::robots_rules rules = parsed.rules_for(agent);
    if (!rules.allowed("/robots.txt")) std::abort();  // RFC 9309 2.2.2
    for (const crawl::robots_rule& r : rules.rules()) {
      // A rule's decision comes from the most specific match, which may be another rule, but
      // whichever decides must match the path.
      const std::string_view path = r.pattern();
      if (const crawl::robots_rule* decided = rules.match(path)) {
        if (!decided->matches(path)) std::abort();
      }
    }
    // Paths cut from the input itself, so matching sees the same odd octets the rules hold.
    for (std::size_t at = 0; at < text.size(); at += 61) {
      const std::string_view path = text.substr(at, 40);
      const crawl::robots_rule* decided = rules.match(path);
      if ((decided == nullptr || decided->allow()) != rules.allowed(path)) std::abort();
    }
  }
  return 0;
}
