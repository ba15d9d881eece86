#pragma once
// Client options for tests that must never leave the host: no hosts file, and a loopback DNS
// server that refuses (port 9 of 127.0.0.1, where nothing listens), so a name a test did not
// map fails at once instead of reaching a real resolver.

#include <corofetch/client/options.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace corofetch::test {

inline client::client_options loopback_client_options() {
  using namespace std::chrono_literals;
  client::client_options o;
  o.resolver.hosts_file = "";
  o.resolver.servers = {"127.0.0.1:9"};
  o.resolver.timeout = 500ms;
  o.resolver.tries = 1;
  o.resolver.search_domains = std::vector<std::string>{};
  return o;
}

}  // namespace corofetch::test
