// A user of the installed package: parses the URL given and prints host, port and path.
#include <corofetch/url/url.hpp>
#include <cstdio>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  auto parsed = corofetch::url::parse(argv[1]);
  if (!parsed) {
    std::fprintf(stderr, "%s\n", parsed.error().message().c_str());
    return 1;
  }
  std::printf("%s %u %s\n", std::string(parsed->hostname()).c_str(),
              static_cast<unsigned>(parsed->effective_port().value_or(0)),
              std::string(parsed->pathname()).c_str());
  return 0;
}
