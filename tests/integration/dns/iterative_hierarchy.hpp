#pragma once

// A DNS hierarchy on loopback for the iterative resolver's integration tests, one scriptable
// dns_test_server per zone, each on its own 127.0.0.x address and all on one port:
//
//   .             127.0.0.2   root; NS a.root.test (glue); delegates test. and net. with glue
//   test.         127.0.0.3   example.test: lame.example.test (first) and ns1.example.test,
//                             with glue; other.test with glue; noglue.test to ns.dns-host.net
//                             (no glue); badglue.test to ns2.dns-host.net with a forged,
//                             out-of-bailiwick glue record (127.0.0.99: nothing listens);
//                             lame.test to the lame server only; cycle-a.test and
//                             cycle-b.test, each served by a host of the other, no glue
//   net.          127.0.0.4   dns-host.net to ns.dns-host.net, glue in bailiwick
//   dns-host.net  127.0.0.6   its own names, and the zones noglue.test and badglue.test
//   example.test  127.0.0.10  www, mail, alias (CNAME to web.other.test, with a forged
//                             out-of-bailiwick A for web.other.test), loop1/loop2 (a CNAME
//                             loop), big (TC over UDP); negative answers: SOA TTL 30, MINIMUM 20
//   (lame)        127.0.0.11  answers without authority (AA clear)
//   other.test    127.0.0.12  web

#include <corofetch/dns/iterative_resolver.hpp>

#include <dns/dns_test_server.hpp>
#include <dns/shared_port.hpp>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace corofetch::dns::testing {

using test::dns_test_server;
using test::dns_test_server_options;

class hierarchy {
 public:
  /// Starts every server on a port free on all their addresses (a few tries: another process
  /// may take the port first).
  hierarchy() {
    for (int attempt = 0;; ++attempt) {
      try {
        start(test::port_free_on(addresses()));
        break;
      } catch (const std::system_error&) {
        if (attempt == 4) throw;
      }
    }
    script();
  }

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  [[nodiscard]] std::string root_endpoint() const { return "127.0.0.2:" + std::to_string(port_); }

  /// Options starting from the root server, short time bounds.
  [[nodiscard]] iterative_resolver_options options() const {
    iterative_resolver_options o;
    o.root_servers = {root_endpoint()};
    o.port = port_;
    o.query_timeout = std::chrono::milliseconds(400);
    o.resolve_timeout = std::chrono::seconds(8);
    return o;
  }

  std::unique_ptr<dns_test_server> root, tld_test, tld_net, dns_host, example, lame, other;

 private:
  static std::vector<std::string> addresses() {
    return {"127.0.0.2",  "127.0.0.3",  "127.0.0.4", "127.0.0.6",
            "127.0.0.10", "127.0.0.11", "127.0.0.12"};
  }

  static std::unique_ptr<dns_test_server> server(std::string address, std::string zone,
                                                 std::uint16_t port, bool authoritative = true) {
    dns_test_server_options o;
    o.address = std::move(address);
    o.zone = std::move(zone);
    o.port = port;
    o.authoritative = authoritative;
    o.additional_section = true;
    return std::make_unique<dns_test_server>(o);
  }

  void start(std::uint16_t port) {
    root.reset();  // a failed try leaves nothing bound
    root = server("127.0.0.2", "", port);
    tld_test = server("127.0.0.3", "test", port);
    tld_net = server("127.0.0.4", "net", port);
    dns_host = server("127.0.0.6", "dns-host.net", port);
    example = server("127.0.0.10", "example.test", port);
    lame = server("127.0.0.11", "example.test", port, false);
    other = server("127.0.0.12", "other.test", port);
    port_ = port;
  }

  void script() {
    root->add_ns(".", "a.root.test", 518400)
        .add_a("a.root.test", "127.0.0.2", 518400)
        .add_delegation("test", "ns1.nic.test", 172800)
        .add_a("ns1.nic.test", "127.0.0.3", 172800)
        .add_delegation("net", "ns.nic.net", 172800)
        .add_a("ns.nic.net", "127.0.0.4", 172800);
    tld_test->add_delegation("example.test", "lame.example.test")
        .add_delegation("example.test", "ns1.example.test")
        .add_a("lame.example.test", "127.0.0.11", 86400)
        .add_a("ns1.example.test", "127.0.0.10", 86400)
        .add_delegation("other.test", "ns.other.test")
        .add_a("ns.other.test", "127.0.0.12", 86400)
        .add_delegation("noglue.test", "ns.dns-host.net")
        .add_delegation("badglue.test", "ns2.dns-host.net")
        .add_a("ns2.dns-host.net", "127.0.0.99", 86400)  // forged: outside test.
        .add_delegation("lame.test", "lame.example.test")
        .add_delegation("cycle-a.test", "ns.cycle-b.test")  // each zone's server in the other
        .add_delegation("cycle-b.test", "ns.cycle-a.test");
    tld_net->add_delegation("dns-host.net", "ns.dns-host.net")
        .add_a("ns.dns-host.net", "127.0.0.6", 86400);
    dns_host->add_a("ns.dns-host.net", "127.0.0.6", 3600)
        .add_a("ns2.dns-host.net", "127.0.0.6", 3600)
        .add_a("www.noglue.test", "127.0.0.82", 300)
        .add_a("www.badglue.test", "127.0.0.83", 300);
    example->add_a("www.example.test", "127.0.0.80", 300)
        .add_a("mail.example.test", "127.0.0.25", 300)
        .add_cname("alias.example.test", "web.other.test", 600)
        .add_a("web.other.test", "127.0.0.66", 300)  // forged: outside example.test.
        .add_cname("loop1.example.test", "loop2.example.test", 60)
        .add_cname("loop2.example.test", "loop1.example.test", 60)
        .add_a("big.example.test", "127.0.0.90", 300)
        .set_behaviour("big.example.test", test::behaviour::truncate_udp)
        .set_default_negative_soa({30, 20});
    other->add_a("web.other.test", "127.0.0.81", 120);
  }

  std::uint16_t port_ = 0;
};

}  // namespace corofetch::dns::testing
