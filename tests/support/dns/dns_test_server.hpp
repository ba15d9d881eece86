#pragma once

// A scriptable DNS server on loopback for the resolver's integration tests: it speaks RFC 1035
// over UDP and TCP on one port number, serves whatever records a test adds, and misbehaves on
// request (NXDOMAIN, SERVFAIL, REFUSED, silence, TC bit, delays, malformed answers). It runs on
// its own thread and io_context, so the client under test runs on the test's own io_context.
//
//   corofetch::test::dns_test_server server;
//   server.add_a("www.example.test", "127.0.0.1", 300)
//         .add_mx("example.test", 10, "mx1.example.test")
//         .set_behaviour("bad.example.test", corofetch::test::behaviour::servfail);
//   ... resolver options: servers = {server.endpoint()} ...
//   CHECK(server.query_count("www.example.test", corofetch::test::rr_type::a) == 1);
//
// Names are case-insensitive and a trailing dot is optional everywhere ("a.test" == "A.test.").
// Every member function is thread-safe: a test may script the server while it serves queries.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace corofetch::test {

/// RR TYPE values (RFC 1035 3.2.2, RFC 3596, RFC 2782). Any other type is a cast:
/// `static_cast<rr_type>(257)` (CAA); add_raw() serves it.
enum class rr_type : std::uint16_t {
  a = 1,
  ns = 2,
  cname = 5,
  soa = 6,
  ptr = 12,
  mx = 15,
  txt = 16,
  aaaa = 28,
  srv = 33,
  opt = 41,
  any = 255,
};

/// What the server does with a query for a name (or a name and type). `answer` is the normal,
/// authoritative behaviour: the records added for the name; NODATA (NOERROR, no answer, the
/// zone's SOA in the authority section) when the name has records of other types only;
/// NXDOMAIN with the zone's SOA when the name has no record at all (NODATA when names below
/// it have records: an empty non-terminal, RFC 8020).
enum class behaviour : std::uint8_t {
  answer,            ///< normal authoritative answer (the default)
  nxdomain,          ///< RCODE 3, SOA in the authority section (RFC 2308 2.1)
  nxdomain_no_soa,   ///< RCODE 3, empty authority section (must not be cached, RFC 2308 5)
  nodata,            ///< NOERROR, empty answer, SOA in the authority section (RFC 2308 2.2)
  nodata_no_soa,     ///< NOERROR, empty answer, empty authority section
  servfail,          ///< RCODE 2
  refused,           ///< RCODE 5
  silence,           ///< no answer at all (over UDP and TCP: the client must time out)
  truncate_udp,      ///< over UDP: TC bit and an empty answer section; over TCP: the full answer
  malformed_answer,  ///< right id and question, but an answer record that runs past the message
  cut_short,         ///< the right answer cut in the middle of its first record, no TC bit
  wrong_id,          ///< the right answer with another message id (a client must ignore it)
  garbage,           ///< bytes that are not a DNS message at all (a client must ignore them)
};

/// The SOA a negative answer carries in its authority section. RFC 2308 5: the negative TTL is
/// min(ttl, minimum).
struct negative_soa {
  std::uint32_t ttl = 60;      ///< TTL of the SOA record itself
  std::uint32_t minimum = 60;  ///< the SOA MINIMUM field
};

/// The RDATA of an SOA record (RFC 1035 3.3.13).
struct soa_data {
  std::string mname = "ns1.test";
  std::string rname = "hostmaster.test";
  std::uint32_t serial = 1;
  std::uint32_t refresh = 3600;
  std::uint32_t retry = 600;
  std::uint32_t expire = 86400;
  std::uint32_t minimum = 60;
};

/// How a query reached the server.
enum class transport : std::uint8_t { udp, tcp };

/// One query as the server received it (name lowercased, without its trailing dot).
struct received_query {
  std::string name;
  rr_type type = rr_type::a;
  transport via = transport::udp;
  std::uint16_t id = 0;
};

/// Where and how the server listens.
struct dns_test_server_options {
  /// A loopback address: "127.0.0.1" (default), another 127.0.0.0/8 address, or "::1".
  std::string address = "127.0.0.1";
  /// The zone whose SOA negative answers carry (owner name of that SOA record).
  std::string zone = "test";
  /// The port for UDP and TCP; 0 (the default) takes an ephemeral one. A test hierarchy puts
  /// every server on one port, as a referral's glue carries an address only; the constructor
  /// throws std::system_error when the port is taken.
  std::uint16_t port = 0;
  /// False makes a lame server (RFC 1034 4.2.2): every reply has the AA bit clear.
  bool authoritative = true;
  /// NS answers carry the A/AAAA records the server holds for the NS targets in the additional
  /// section (RFC 1034 4.3.2 step 6), as a root server's answer to a priming query does.
  bool additional_section = false;
};

/// A DNS server on a loopback address, UDP and TCP on the same ephemeral port. Started by the
/// constructor (throws std::system_error when it cannot bind), stopped and joined by the
/// destructor. Not copyable, not movable.
class dns_test_server {
 public:
  dns_test_server();
  explicit dns_test_server(dns_test_server_options options);
  ~dns_test_server();
  dns_test_server(const dns_test_server&) = delete;
  dns_test_server& operator=(const dns_test_server&) = delete;

  /// The port number, the same for UDP and TCP.
  [[nodiscard]] std::uint16_t port() const noexcept;
  /// The address the server listens on, e.g. "127.0.0.1" or "::1".
  [[nodiscard]] const std::string& address() const noexcept;
  /// "127.0.0.1:PORT" (or "[::1]:PORT"): the form a resolver's server list takes.
  [[nodiscard]] std::string endpoint() const;

  // ---- records (each returns *this so calls chain) ----------------------------------------

  /// An A record; `ipv4` is dotted-decimal ("127.0.0.1"). Throws std::invalid_argument on a bad
  /// address.
  dns_test_server& add_a(std::string_view name, std::string_view ipv4, std::uint32_t ttl = 300);
  /// An AAAA record; `ipv6` in any RFC 4291 text form ("::1", "2001:db8::1").
  dns_test_server& add_aaaa(std::string_view name, std::string_view ipv6, std::uint32_t ttl = 300);
  /// An MX record (RFC 1035 3.3.9).
  dns_test_server& add_mx(std::string_view name, std::uint16_t preference,
                          std::string_view exchange, std::uint32_t ttl = 300);
  dns_test_server& add_ns(std::string_view name, std::string_view host, std::uint32_t ttl = 300);
  /// A CNAME: queries of other types for `name` get the CNAME followed by the target's records
  /// when the server has them (RFC 1034 4.3.2 step 3.a), as an authoritative server answers.
  dns_test_server& add_cname(std::string_view name, std::string_view target,
                             std::uint32_t ttl = 300);
  /// A TXT record with one character-string per element (each at most 255 bytes).
  dns_test_server& add_txt(std::string_view name, std::vector<std::string> strings,
                           std::uint32_t ttl = 300);
  /// A TXT record holding `text`, split into 255-byte character-strings when longer.
  dns_test_server& add_txt(std::string_view name, std::string_view text, std::uint32_t ttl = 300);
  dns_test_server& add_soa(std::string_view name, const soa_data& soa, std::uint32_t ttl = 300);
  /// An SRV record (RFC 2782), e.g. name "_http._tcp.example.test".
  dns_test_server& add_srv(std::string_view name, std::uint16_t priority, std::uint16_t weight,
                           std::uint16_t port, std::string_view target, std::uint32_t ttl = 300);
  /// A PTR record for `name` (e.g. "1.0.0.127.in-addr.arpa").
  dns_test_server& add_ptr(std::string_view name, std::string_view target, std::uint32_t ttl = 300);
  /// A PTR record for the reverse name of an IPv4 or IPv6 address (RFC 1035 3.5, RFC 3596 2.5).
  dns_test_server& add_reverse(std::string_view address, std::string_view target,
                               std::uint32_t ttl = 300);
  /// A record of any type with the given RDATA bytes, served as they are.
  dns_test_server& add_raw(std::string_view name, rr_type type, std::vector<std::uint8_t> rdata,
                           std::uint32_t ttl = 300);
  /// A zone cut (RFC 1034 4.2.2): `child_zone` is delegated to name server `host`, so a query
  /// for a name at or below it gets a referral (NOERROR, AA clear, the NS records in the
  /// authority section, the A/AAAA records this server holds for the hosts in the additional
  /// section, in or out of bailiwick) unless a behaviour says otherwise. Call once per host.
  dns_test_server& add_delegation(std::string_view child_zone, std::string_view host,
                                  std::uint32_t ttl = 86400);
  /// Removes every record of `name` (its behaviours stay).
  dns_test_server& remove_records(std::string_view name);

  // ---- behaviours -----------------------------------------------------------------------------

  /// How queries for `name` (any type) are handled; see `behaviour`.
  dns_test_server& set_behaviour(std::string_view name, behaviour what);
  /// How queries for `name` and `type` are handled; wins over the name-wide behaviour.
  dns_test_server& set_behaviour(std::string_view name, rr_type type, behaviour what);
  /// NXDOMAIN for `name` with an SOA of the given TTL and MINIMUM in the authority section.
  dns_test_server& set_nxdomain(std::string_view name, negative_soa soa);
  /// NODATA for `name` and `type` with an SOA of the given TTL and MINIMUM.
  dns_test_server& set_nodata(std::string_view name, rr_type type, negative_soa soa);
  /// The SOA TTL and MINIMUM of negative answers that no set_nxdomain/set_nodata gave one.
  dns_test_server& set_default_negative_soa(negative_soa soa);
  /// Waits `delay` before answering queries for `name` (any type); combines with behaviours.
  dns_test_server& set_delay(std::string_view name, std::chrono::milliseconds delay);
  /// Waits `delay` before answering every query (a name's own delay wins).
  dns_test_server& set_default_delay(std::chrono::milliseconds delay);
  /// Forgets every behaviour and delay set for `name`.
  dns_test_server& clear_behaviour(std::string_view name);

  // ---- counters ---------------------------------------------------------------------------

  /// Queries received, parsed or not, over UDP and TCP.
  [[nodiscard]] std::size_t query_count() const;
  /// Queries received for `name` (any type).
  [[nodiscard]] std::size_t query_count(std::string_view name) const;
  /// Queries received for `name` and `type`.
  [[nodiscard]] std::size_t query_count(std::string_view name, rr_type type) const;
  /// Queries received over UDP, parsed or not.
  [[nodiscard]] std::size_t udp_query_count() const;
  /// Queries received over TCP, parsed or not.
  [[nodiscard]] std::size_t tcp_query_count() const;
  /// Queries received for `name` and `type` over one transport.
  [[nodiscard]] std::size_t query_count(std::string_view name, rr_type type, transport via) const;
  /// TCP connections accepted.
  [[nodiscard]] std::size_t tcp_connection_count() const;
  /// Every parsed query, oldest first (kept until reset_counters()).
  [[nodiscard]] std::vector<received_query> received() const;
  /// Blocks until at least `count` queries were received or `timeout` passed; true if reached.
  bool wait_for_queries(std::size_t count, std::chrono::milliseconds timeout) const;
  /// Sets every counter back to zero and forgets the received queries.
  void reset_counters();

  /// The reverse-lookup name of an address: "4.3.2.1.in-addr.arpa" for 1.2.3.4, nibbles under
  /// ip6.arpa for IPv6. Throws std::invalid_argument on a bad address.
  [[nodiscard]] static std::string reverse_name(std::string_view address);

 private:
  struct state;
  std::unique_ptr<state> state_;
};

}  // namespace corofetch::test
