#pragma once

// A real DNS server for the system tests: NSD (Debian package nsd), authoritative for zones the
// test gives, started on a free 127.0.0.1 port in a private temporary folder and stopped by the
// destructor. Its answers are BIND-independent ground truth for cf-lookup and the resolver.
//
//   if (!corofetch::test::real_dns_server::installed()) { WARN("nsd not installed"); return; }
//   corofetch::test::real_dns_server nsd(corofetch::test::example_zones());
//   ... dig @127.0.0.1 -p nsd.port() ..., resolver servers = {nsd.endpoint()} ...

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <sys/types.h>

namespace corofetch::test {

/// One zone NSD serves: its origin ("example.test") and the zone file text (RFC 1035 5).
struct zone {
  std::string origin;
  std::string text;
};

/// Where NSD listens.
struct real_dns_server_options {
  std::string address = "127.0.0.1";  ///< a loopback IPv4 address (127.0.0.x)
  /// 0: a port found free at start (the default); else this one, as every server of a DNS
  /// hierarchy on loopback shares one (see shared_port.hpp). NSD failing to bind it is a start
  /// failure (std::runtime_error).
  std::uint16_t port = 0;
};

/// Runs `nsd -d` with a generated nsd.conf (no chroot, no privilege drop, no control socket,
/// one server process) serving `zones` on 127.0.0.1 (or the address of the options). Not
/// copyable or movable.
class real_dns_server {
 public:
  /// Where NSD is installed (/usr/sbin/nsd).
  [[nodiscard]] static const std::string& binary();
  /// True when the NSD binary is there; tests skip with a message otherwise.
  [[nodiscard]] static bool installed();

  /// Starts NSD and waits (at most `startup`) until it answers the SOA query of the first zone.
  /// Throws std::runtime_error with NSD's log when it fails to start or to answer.
  explicit real_dns_server(std::vector<zone> zones,
                           std::chrono::milliseconds startup = std::chrono::seconds(15));
  /// The same, listening where `where` says.
  real_dns_server(std::vector<zone> zones, real_dns_server_options where,
                  std::chrono::milliseconds startup = std::chrono::seconds(15));
  /// Stops NSD (SIGTERM, SIGKILL after 5 s) and removes its folder.
  ~real_dns_server();
  real_dns_server(const real_dns_server&) = delete;
  real_dns_server& operator=(const real_dns_server&) = delete;

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  [[nodiscard]] const std::string& address() const noexcept { return address_; }
  /// "ADDRESS:PORT", the form a resolver's server list takes.
  [[nodiscard]] std::string endpoint() const;
  /// The temporary folder with nsd.conf, the zone files and NSD's log.
  [[nodiscard]] const std::string& directory() const noexcept { return directory_; }
  /// NSD's log so far (for a failing test's message).
  [[nodiscard]] std::string log() const;

 private:
  bool start_once(const std::vector<zone>& zones, std::chrono::milliseconds startup);
  void stop() noexcept;

  std::string address_ = "127.0.0.1";
  std::string directory_;
  std::uint16_t fixed_port_ = 0;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

/// The zones of the system tests, every record type cf-lookup knows:
/// example.test (SOA, two NS, A, AAAA, three MX preferences, CNAME, TXT with spaces, quotes and
/// a backslash, two SRV, glue), 0.0.127.in-addr.arpa and 8.b.d.0.1.0.0.2.ip6.arpa (PTR).
[[nodiscard]] std::vector<zone> example_zones();

}  // namespace corofetch::test
