#include "dns_test_server.hpp"

#include "dns_wire.hpp"

#include <asio.hpp>
#include <asio/experimental/as_tuple.hpp>

#include <algorithm>
#include <array>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <utility>
#include <variant>

#include <sys/socket.h>

namespace corofetch::test {
namespace {

using asio::ip::tcp;
using asio::ip::udp;
constexpr auto use_tuple = asio::experimental::as_tuple(asio::use_awaitable);

constexpr std::size_t header_size = 12;
constexpr std::uint16_t class_in = 1;
constexpr std::uint16_t class_any = 255;
constexpr std::size_t plain_udp_limit = 512;    // RFC 1035 4.2.1
constexpr std::uint16_t edns_udp_limit = 4096;  // the most this server answers in one datagram
constexpr std::size_t max_cname_chain = 8;

// Header flag bits (RFC 1035 4.1.1).
constexpr std::uint16_t flag_qr = 0x8000;
constexpr std::uint16_t flag_aa = 0x0400;
constexpr std::uint16_t flag_tc = 0x0200;
constexpr std::uint16_t flag_rd = 0x0100;

enum class rcode : std::uint16_t {
  noerror = 0,
  formerr = 1,
  servfail = 2,
  nxdomain = 3,
  notimp = 4,
  refused = 5
};

// Part of an RDATA: raw bytes, or a name written compressed (RFC 1035 types) or not (RFC 3597
// 4: SRV and newer types must not be compressed).
struct name_piece {
  wire::labels name;
  bool compress = true;
};
using rdata_piece = std::variant<std::vector<std::uint8_t>, name_piece>;

struct record {
  wire::labels owner;
  rr_type type = rr_type::a;
  std::uint32_t ttl = 0;
  std::vector<rdata_piece> rdata;
  std::string cname_target;  // name_key of the target, for CNAME records
};

struct name_rule {
  std::optional<behaviour> what;
  std::optional<negative_soa> soa;
  std::optional<std::chrono::milliseconds> delay;
};

struct type_rule {
  behaviour what = behaviour::answer;
  std::optional<negative_soa> soa;
};

struct parsed_query {
  std::uint16_t id = 0;
  std::uint16_t flags = 0;
  wire::labels qname;
  std::uint16_t qtype = 0;
  std::uint16_t qclass = 0;
  bool edns = false;
  std::uint16_t edns_udp_size = 512;
};

struct reply {
  std::vector<std::uint8_t> bytes;
  std::chrono::milliseconds delay{0};
};

std::vector<std::uint8_t> be16(std::uint16_t v) {
  return {static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v & 0xFF)};
}

void append_be32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

// Reads the header, the one question and the additional section (for an OPT record, RFC 6891
// 6.1.2). nullopt: not even a header, or a response; the error code: FORMERR or NOTIMP.
std::variant<std::monostate, parsed_query, rcode> parse_query(std::span<const std::uint8_t> msg,
                                                              std::uint16_t& id_out) {
  wire::reader in(msg);
  auto id = in.u16();
  auto flags = in.u16();
  auto qd = in.u16();
  auto an = in.u16();
  auto ns = in.u16();
  auto ar = in.u16();
  if (!ar) return std::monostate{};
  id_out = *id;
  if (*flags & flag_qr) return std::monostate{};  // a response: never answer one
  if (((*flags >> 11) & 0xF) != 0) return rcode::notimp;
  if (*qd != 1) return rcode::formerr;
  parsed_query q;
  q.id = *id;
  q.flags = *flags;
  auto qname = in.name();
  auto qtype = in.u16();
  auto qclass = in.u16();
  if (!qname || !qclass) return rcode::formerr;
  q.qname = std::move(*qname);
  q.qtype = *qtype;
  q.qclass = *qclass;
  std::size_t records = std::size_t{*an} + *ns + *ar;
  for (std::size_t i = 0; i < records; ++i) {
    auto owner = in.name();
    auto type = in.u16();
    auto cls = in.u16();
    auto ttl = in.u32();
    auto rdlength = in.u16();
    if (!owner || !rdlength || !in.skip(*rdlength)) return rcode::formerr;
    if (i >= std::size_t{*an} + *ns && *type == static_cast<std::uint16_t>(rr_type::opt)) {
      q.edns = true;
      q.edns_udp_size = std::max<std::uint16_t>(*cls, 512);
    }
    (void)ttl;
  }
  return q;
}

std::uint32_t parse_ipv4(std::string_view text) {
  std::error_code ec;
  auto address = asio::ip::make_address_v4(std::string(text), ec);
  if (ec) throw std::invalid_argument("bad IPv4 address: " + std::string(text));
  return address.to_uint();
}

asio::ip::address_v6::bytes_type parse_ipv6(std::string_view text) {
  std::error_code ec;
  auto address = asio::ip::make_address_v6(std::string(text), ec);
  if (ec) throw std::invalid_argument("bad IPv6 address: " + std::string(text));
  return address.to_bytes();
}

}  // namespace

// Everything shared between the test's thread (scripting, counters) and the server thread.
struct dns_test_server::state {
  explicit state(dns_test_server_options o) : options(std::move(o)) {}

  dns_test_server_options options;
  asio::io_context io{1};
  udp::socket udp_socket{io};
  tcp::acceptor acceptor{io};
  std::uint16_t port = 0;
  std::thread thread;
  // Sockets and timers of running coroutines, touched on the server thread only: stop() closes
  // and cancels them so that every coroutine ends and io.run() returns.
  std::set<tcp::socket*> tcp_sockets;
  std::set<asio::steady_timer*> timers;

  mutable std::mutex mutex;
  mutable std::condition_variable received_cv;
  std::unordered_map<std::string, std::vector<record>> records;
  std::unordered_map<std::string, name_rule> name_rules;
  std::map<std::pair<std::string, std::uint16_t>, type_rule> type_rules;
  // Zone cuts: child zone key -> its name servers and their NS TTL (add_delegation()).
  std::map<std::string, std::vector<std::pair<wire::labels, std::uint32_t>>> delegations;
  negative_soa default_soa;
  std::chrono::milliseconds default_delay{0};

  std::size_t total = 0;
  std::size_t udp_total = 0;
  std::size_t tcp_total = 0;
  std::size_t tcp_connections = 0;
  std::vector<received_query> log;

  void add(std::string_view name, rr_type type, std::uint32_t ttl, std::vector<rdata_piece> rdata,
           std::string cname_target = {}) {
    record r{wire::parse_name(name), type, ttl, std::move(rdata), std::move(cname_target)};
    auto key = wire::name_key(r.owner);
    std::lock_guard lock(mutex);
    records[key].push_back(std::move(r));
  }

  void bind();
  void start();
  void stop();
  asio::awaitable<void> serve_udp();
  asio::awaitable<void> send_later(reply r, udp::endpoint to);
  asio::awaitable<void> accept_tcp();
  asio::awaitable<void> serve_tcp(tcp::socket socket);

  std::optional<reply> respond(std::span<const std::uint8_t> message, transport via);
  void count(const parsed_query* q, transport via);
  behaviour behaviour_for(const std::string& key, std::uint16_t qtype) const;
  negative_soa soa_for(const std::string& key, std::uint16_t qtype) const;
  std::chrono::milliseconds delay_for(const std::string& key) const;
  bool has_descendant(const std::string& key) const;
  std::vector<std::uint8_t> build(const parsed_query& q, behaviour what, transport via) const;
  void write_answer(wire::writer& out, const parsed_query& q, std::uint16_t& ancount,
                    std::uint16_t& nscount, rcode& code) const;
  const std::string* delegation_for(const std::string& key) const;
  void write_referral(wire::writer& out, const std::string& child, std::uint16_t& nscount,
                      std::uint16_t& arcount) const;
  void write_addresses(wire::writer& out, const std::vector<wire::labels>& hosts,
                       std::uint16_t& arcount) const;
  std::vector<wire::labels> ns_targets(const std::string& key) const;
  void write_negative_soa(wire::writer& out, negative_soa soa) const;
};

namespace {

void write_header(wire::writer& out, std::uint16_t id, std::uint16_t flags, std::uint16_t qd) {
  out.u16(id);
  out.u16(flags);
  out.u16(qd);
  out.u16(0);
  out.u16(0);
  out.u16(0);
}

void write_question(wire::writer& out, const parsed_query& q) {
  out.name(q.qname);
  out.u16(q.qtype);
  out.u16(q.qclass);
}

// An OPT pseudo-record (RFC 6891 6.1.2) advertising this server's UDP payload size.
void write_opt(wire::writer& out) {
  out.u8(0);
  out.u16(static_cast<std::uint16_t>(rr_type::opt));
  out.u16(edns_udp_limit);
  out.u32(0);
  out.u16(0);
}

void write_record(wire::writer& out, const wire::labels& owner, const record& r) {
  out.name(owner);
  out.u16(static_cast<std::uint16_t>(r.type));
  out.u16(class_in);
  out.u32(r.ttl);
  std::size_t rdlength_at = out.size();
  out.u16(0);
  for (const auto& piece : r.rdata) {
    if (const auto* raw = std::get_if<std::vector<std::uint8_t>>(&piece)) {
      out.bytes(*raw);
    } else {
      const auto& n = std::get<name_piece>(piece);
      out.name(n.name, n.compress);
    }
  }
  out.patch_u16(rdlength_at, static_cast<std::uint16_t>(out.size() - rdlength_at - 2));
}

std::uint16_t response_flags(const parsed_query& q, rcode code, bool truncated,
                             bool authoritative = true) {
  auto flags = static_cast<std::uint16_t>(flag_qr | (authoritative ? flag_aa : 0) |
                                          (q.flags & flag_rd) | static_cast<std::uint16_t>(code));
  if (truncated) flags = static_cast<std::uint16_t>(flags | flag_tc);
  return flags;
}

}  // namespace

void dns_test_server::state::write_negative_soa(wire::writer& out, negative_soa soa) const {
  soa_data data;
  data.minimum = soa.minimum;
  record r;
  r.type = rr_type::soa;
  r.ttl = soa.ttl;
  std::vector<std::uint8_t> fixed;
  for (auto v : {data.serial, data.refresh, data.retry, data.expire, data.minimum}) {
    append_be32(fixed, v);
  }
  r.rdata = {name_piece{wire::parse_name(data.mname)}, name_piece{wire::parse_name(data.rname)},
             std::move(fixed)};
  write_record(out, wire::parse_name(options.zone), r);
}

behaviour dns_test_server::state::behaviour_for(const std::string& key, std::uint16_t qtype) const {
  if (auto t = type_rules.find({key, qtype}); t != type_rules.end()) return t->second.what;
  if (auto n = name_rules.find(key); n != name_rules.end() && n->second.what)
    return *n->second.what;
  return behaviour::answer;
}

negative_soa dns_test_server::state::soa_for(const std::string& key, std::uint16_t qtype) const {
  if (auto t = type_rules.find({key, qtype}); t != type_rules.end() && t->second.soa) {
    return *t->second.soa;
  }
  if (auto n = name_rules.find(key); n != name_rules.end() && n->second.soa) return *n->second.soa;
  return default_soa;
}

std::chrono::milliseconds dns_test_server::state::delay_for(const std::string& key) const {
  if (auto n = name_rules.find(key); n != name_rules.end() && n->second.delay) {
    return *n->second.delay;
  }
  return default_delay;
}

bool dns_test_server::state::has_descendant(const std::string& key) const {
  const std::string suffix = "." + key;
  return std::any_of(records.begin(), records.end(), [&](const auto& entry) {
    return !entry.second.empty() && entry.first.size() > suffix.size() &&
           entry.first.compare(entry.first.size() - suffix.size(), suffix.size(), suffix) == 0;
  });
}

// The authoritative answer from the records (RFC 1034 4.3.2): the records of the type asked
// (every record for ANY), CNAMEs followed inside the server's data, NODATA when the name has
// records of other types only, NXDOMAIN when it has none. Negative answers carry the SOA.
void dns_test_server::state::write_answer(wire::writer& out, const parsed_query& q,
                                          std::uint16_t& ancount, std::uint16_t& nscount,
                                          rcode& code) const {
  const bool any = q.qtype == static_cast<std::uint16_t>(rr_type::any);
  const auto qkey = wire::name_key(q.qname);
  std::string key = qkey;
  for (std::size_t hop = 0; hop <= max_cname_chain; ++hop) {
    auto found = records.find(key);
    if (found == records.end() || found->second.empty()) {
      if (hop > 0) return;  // a CNAME out of the server's data: the CNAME alone is the answer
      // A name with no record but names below it exists (an empty non-terminal, RFC 8020 2):
      // NODATA, not NXDOMAIN.
      if (!has_descendant(key)) code = rcode::nxdomain;
      write_negative_soa(out, soa_for(qkey, q.qtype));
      nscount = 1;
      return;
    }
    // The first owner is the question name as received (same case, a pointer to it).
    auto owner_for = [&](const record& r) -> const wire::labels& {
      return hop == 0 ? q.qname : r.owner;
    };
    const record* cname = nullptr;
    std::size_t matched = 0;
    for (const auto& r : found->second) {
      if (any || static_cast<std::uint16_t>(r.type) == q.qtype) {
        write_record(out, owner_for(r), r);
        ++matched;
      } else if (r.type == rr_type::cname) {
        cname = &r;
      }
    }
    ancount = static_cast<std::uint16_t>(ancount + matched);
    if (matched > 0) return;
    if (cname == nullptr) {
      if (ancount == 0) {
        write_negative_soa(out, soa_for(qkey, q.qtype));
        nscount = 1;
      }
      return;
    }
    write_record(out, owner_for(*cname), *cname);
    ++ancount;
    key = cname->cname_target;
  }
}

// The closest zone cut at or above `key` (the name itself, then its parents), or null.
const std::string* dns_test_server::state::delegation_for(const std::string& key) const {
  std::string_view name = key;
  while (true) {
    if (auto it = delegations.find(std::string(name)); it != delegations.end()) return &it->first;
    const auto dot = name.find('.');
    if (dot == std::string_view::npos) return nullptr;
    name.remove_prefix(dot + 1);
  }
}

// Every A and AAAA record held for `hosts`, in the additional section (RFC 1034 4.3.2 step 6).
void dns_test_server::state::write_addresses(wire::writer& out,
                                             const std::vector<wire::labels>& hosts,
                                             std::uint16_t& arcount) const {
  for (const auto& host : hosts) {
    auto found = records.find(wire::name_key(host));
    if (found == records.end()) continue;
    for (const auto& r : found->second) {
      if (r.type != rr_type::a && r.type != rr_type::aaaa) continue;
      write_record(out, r.owner, r);
      ++arcount;
    }
  }
}

// A referral to `child` (RFC 1034 4.3.2 step 3.b): its NS records in the authority section,
// the addresses held for them in the additional section.
void dns_test_server::state::write_referral(wire::writer& out, const std::string& child,
                                            std::uint16_t& nscount, std::uint16_t& arcount) const {
  std::vector<wire::labels> hosts;
  const auto owner = wire::parse_name(child);
  for (const auto& [host, ttl] : delegations.at(child)) {
    record r;
    r.type = rr_type::ns;
    r.ttl = ttl;
    r.rdata = {name_piece{host}};
    write_record(out, owner, r);
    ++nscount;
    hosts.push_back(host);
  }
  write_addresses(out, hosts, arcount);
}

std::vector<wire::labels> dns_test_server::state::ns_targets(const std::string& key) const {
  std::vector<wire::labels> hosts;
  auto found = records.find(key);
  if (found == records.end()) return hosts;
  for (const auto& r : found->second) {
    if (r.type != rr_type::ns) continue;
    hosts.push_back(std::get<name_piece>(r.rdata.front()).name);
  }
  return hosts;
}

std::vector<std::uint8_t> dns_test_server::state::build(const parsed_query& q, behaviour what,
                                                        transport via) const {
  wire::writer out;
  write_header(out, q.id, 0, 1);
  write_question(out, q);
  const std::size_t question_end = out.size();
  std::uint16_t ancount = 0;
  std::uint16_t nscount = 0;
  std::uint16_t arcount = 0;
  rcode code = rcode::noerror;
  const bool truncate = what == behaviour::truncate_udp && via == transport::udp;
  const std::string* cut = delegation_for(wire::name_key(q.qname));

  switch (what) {
    case behaviour::servfail:
      code = rcode::servfail;
      break;
    case behaviour::refused:
      code = rcode::refused;
      break;
    case behaviour::nxdomain:
    case behaviour::nodata:
      code = what == behaviour::nxdomain ? rcode::nxdomain : rcode::noerror;
      write_negative_soa(out, soa_for(wire::name_key(q.qname), q.qtype));
      nscount = 1;
      break;
    case behaviour::nxdomain_no_soa:
      code = rcode::nxdomain;
      break;
    case behaviour::nodata_no_soa:
      break;
    case behaviour::malformed_answer:
      // An A-sized record whose RDLENGTH claims 64 bytes where 4 follow.
      out.u16(0xC000 | header_size);
      out.u16(q.qtype);
      out.u16(class_in);
      out.u32(300);
      out.u16(64);
      out.u32(0x7F000001);
      ancount = 1;
      break;
    default:
      if (truncate) break;
      if (cut != nullptr) {
        write_referral(out, *cut, nscount, arcount);
        break;
      }
      write_answer(out, q, ancount, nscount, code);
      if (options.additional_section && q.qtype == static_cast<std::uint16_t>(rr_type::ns)) {
        write_addresses(out, ns_targets(wire::name_key(q.qname)), arcount);
      }
      break;
  }

  std::size_t limit =
      q.edns ? std::clamp<std::size_t>(q.edns_udp_size, plain_udp_limit, edns_udp_limit)
             : plain_udp_limit;
  bool tc = truncate;
  if (via == transport::udp && out.size() + (q.edns ? 11 : 0) > limit) {
    // Too big for the datagram (RFC 1035 4.2.1, RFC 2181 9): the question alone and TC, so the
    // client repeats the query over TCP.
    out.truncate(question_end);
    ancount = 0;
    nscount = 0;
    arcount = 0;
    tc = true;
  }
  if (q.edns) write_opt(out);
  // A referral is not an authoritative answer (RFC 1034 4.3.2 step 3.b); a lame server has
  // no authority at all.
  const bool referral =
      cut != nullptr && (what == behaviour::answer || what == behaviour::truncate_udp);
  out.patch_u16(2, response_flags(q, code, tc, options.authoritative && !referral));
  out.patch_u16(6, ancount);
  out.patch_u16(8, nscount);
  out.patch_u16(10, static_cast<std::uint16_t>(arcount + (q.edns ? 1 : 0)));

  if (what == behaviour::cut_short) {
    // Cut inside the first answer record (after its owner pointer and one byte of its type), or
    // inside the question when there is no answer; no TC bit: the message is simply broken.
    out.truncate(ancount > 0 ? question_end + 3 : question_end - 1);
  }
  if (what == behaviour::wrong_id) out.patch_u16(0, static_cast<std::uint16_t>(q.id + 1));
  return std::move(out.data());
}

void dns_test_server::state::count(const parsed_query* q, transport via) {
  std::lock_guard lock(mutex);
  ++total;
  ++(via == transport::udp ? udp_total : tcp_total);
  if (q != nullptr) {
    log.push_back({wire::name_key(q->qname), static_cast<rr_type>(q->qtype), via, q->id});
  }
  received_cv.notify_all();
}

std::optional<reply> dns_test_server::state::respond(std::span<const std::uint8_t> message,
                                                     transport via) {
  std::uint16_t id = 0;
  auto parsed = parse_query(message, id);
  if (std::holds_alternative<std::monostate>(parsed)) {
    count(nullptr, via);
    return std::nullopt;
  }
  if (const auto* error = std::get_if<rcode>(&parsed)) {
    count(nullptr, via);
    wire::writer out;
    write_header(out, id, static_cast<std::uint16_t>(flag_qr | static_cast<std::uint16_t>(*error)),
                 0);
    return reply{std::move(out.data()), std::chrono::milliseconds{0}};
  }
  const auto& q = std::get<parsed_query>(parsed);
  count(&q, via);
  std::lock_guard lock(mutex);
  const auto key = wire::name_key(q.qname);
  reply r;
  r.delay = delay_for(key);
  if (q.qclass != class_in && q.qclass != class_any) {
    wire::writer out;
    write_header(out, q.id, response_flags(q, rcode::refused, false), 1);
    write_question(out, q);
    r.bytes = std::move(out.data());
    return r;
  }
  auto what = behaviour_for(key, q.qtype);
  if (what == behaviour::silence) return std::nullopt;
  if (what == behaviour::garbage) {
    // The query's id, so a client does look at it, then bytes that cannot be a response to it:
    // 65535 questions and records announced, none present.
    r.bytes = be16(q.id);
    for (int i = 0; i < 30; ++i) r.bytes.push_back(0xFF);
    return r;
  }
  r.bytes = build(q, what, via);
  return r;
}

void dns_test_server::state::bind() {
  const auto address = asio::ip::make_address(options.address);
  if (!address.is_loopback()) {
    throw std::invalid_argument("dns_test_server listens on loopback addresses only");
  }
  // UDP takes an ephemeral port, then TCP must get the same number; another process may hold
  // it for TCP, so a few attempts.
  std::error_code last;
  for (int attempt = 0; attempt < (options.port != 0 ? 1 : 50); ++attempt) {
    udp::socket u(io);
    std::error_code bind_error;
    u.open(address.is_v4() ? udp::v4() : udp::v6(), bind_error);
    if (!bind_error) u.bind(udp::endpoint(address, options.port), bind_error);
    if (bind_error) {
      last = bind_error;
      continue;
    }
    std::uint16_t p = u.local_endpoint().port();
    tcp::acceptor a(io);
    std::error_code ec;
    a.open(address.is_v4() ? tcp::v4() : tcp::v6(), ec);
    if (!ec) a.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) a.bind(tcp::endpoint(address, p), ec);
    if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      last = ec;
      continue;
    }
    // Thousands of queries may arrive at once: a large receive buffer keeps the kernel from
    // dropping them while this one thread answers. SO_RCVBUFFORCE passes rmem_max as root;
    // otherwise the plain option gives what the system allows.
    int size = 8 << 20;
    if (::setsockopt(u.native_handle(), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0) {
      u.set_option(asio::socket_base::receive_buffer_size(size), ec);
    }
    udp_socket = std::move(u);
    acceptor = std::move(a);
    port = p;
    return;
  }
  throw std::system_error(last, "dns_test_server: no port free for both UDP and TCP");
}

void dns_test_server::state::start() {
  bind();
  asio::co_spawn(io, serve_udp(), asio::detached);
  asio::co_spawn(io, accept_tcp(), asio::detached);
  thread = std::thread([this] { io.run(); });
}

void dns_test_server::state::stop() {
  asio::post(io, [this] {
    std::error_code ignored;
    udp_socket.close(ignored);
    acceptor.close(ignored);
    for (auto* s : tcp_sockets) s->close(ignored);
    for (auto* t : timers) t->cancel();
  });
  if (thread.joinable()) thread.join();
}

asio::awaitable<void> dns_test_server::state::serve_udp() {
  std::vector<std::uint8_t> buffer(65536);
  while (true) {
    udp::endpoint from;
    auto [ec, n] = co_await udp_socket.async_receive_from(asio::buffer(buffer), from, use_tuple);
    if (!udp_socket.is_open()) co_return;
    if (ec) continue;  // e.g. ECONNREFUSED from an earlier send to a client that went away
    auto r = respond(std::span(buffer.data(), n), transport::udp);
    if (!r) continue;
    if (r->delay.count() > 0) {
      asio::co_spawn(io, send_later(std::move(*r), from), asio::detached);
    } else {
      std::error_code ignored;
      udp_socket.send_to(asio::buffer(r->bytes), from, 0, ignored);
    }
  }
}

asio::awaitable<void> dns_test_server::state::send_later(reply r, udp::endpoint to) {
  asio::steady_timer timer(io, r.delay);
  timers.insert(&timer);
  auto [ec] = co_await timer.async_wait(use_tuple);
  timers.erase(&timer);
  if (!ec && udp_socket.is_open()) {
    std::error_code ignored;
    udp_socket.send_to(asio::buffer(r.bytes), to, 0, ignored);
  }
}

asio::awaitable<void> dns_test_server::state::accept_tcp() {
  while (true) {
    auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
    if (!acceptor.is_open()) co_return;
    if (ec) continue;
    {
      std::lock_guard lock(mutex);
      ++tcp_connections;
    }
    asio::co_spawn(io, serve_tcp(std::move(socket)), asio::detached);
  }
}

// RFC 1035 4.2.2 / RFC 7766: each message behind a two-byte length; queries on one connection
// are answered in order.
asio::awaitable<void> dns_test_server::state::serve_tcp(tcp::socket socket) {
  tcp_sockets.insert(&socket);
  asio::steady_timer timer(io);
  timers.insert(&timer);
  std::vector<std::uint8_t> message;
  while (true) {
    std::array<std::uint8_t, 2> length{};
    auto [ec1, n1] = co_await asio::async_read(socket, asio::buffer(length), use_tuple);
    if (ec1) break;
    message.resize(std::size_t{length[0]} << 8 | length[1]);
    auto [ec2, n2] = co_await asio::async_read(socket, asio::buffer(message), use_tuple);
    if (ec2) break;
    auto r = respond(message, transport::tcp);
    if (!r) continue;
    if (r->delay.count() > 0) {
      timer.expires_after(r->delay);
      auto [ec3] = co_await timer.async_wait(use_tuple);
      if (ec3) break;
    }
    auto framed = be16(static_cast<std::uint16_t>(r->bytes.size()));
    framed.insert(framed.end(), r->bytes.begin(), r->bytes.end());
    auto [ec4, n4] = co_await asio::async_write(socket, asio::buffer(framed), use_tuple);
    if (ec4) break;
  }
  timers.erase(&timer);
  tcp_sockets.erase(&socket);
}

// ---- dns_test_server ----------------------------------------------------------------------

dns_test_server::dns_test_server() : dns_test_server(dns_test_server_options{}) {}

dns_test_server::dns_test_server(dns_test_server_options options)
    : state_(std::make_unique<state>(std::move(options))) {
  state_->start();
}

dns_test_server::~dns_test_server() {
  state_->stop();
}

std::uint16_t dns_test_server::port() const noexcept {
  return state_->port;
}

const std::string& dns_test_server::address() const noexcept {
  return state_->options.address;
}

std::string dns_test_server::endpoint() const {
  const bool v6 = address().find(':') != std::string::npos;
  return (v6 ? "[" + address() + "]" : address()) + ":" + std::to_string(port());
}

dns_test_server& dns_test_server::add_a(std::string_view name, std::string_view ipv4,
                                        std::uint32_t ttl) {
  std::vector<std::uint8_t> rdata;
  append_be32(rdata, parse_ipv4(ipv4));
  state_->add(name, rr_type::a, ttl, {std::move(rdata)});
  return *this;
}

dns_test_server& dns_test_server::add_aaaa(std::string_view name, std::string_view ipv6,
                                           std::uint32_t ttl) {
  auto bytes = parse_ipv6(ipv6);
  state_->add(name, rr_type::aaaa, ttl, {std::vector<std::uint8_t>(bytes.begin(), bytes.end())});
  return *this;
}

dns_test_server& dns_test_server::add_mx(std::string_view name, std::uint16_t preference,
                                         std::string_view exchange, std::uint32_t ttl) {
  state_->add(name, rr_type::mx, ttl, {be16(preference), name_piece{wire::parse_name(exchange)}});
  return *this;
}

dns_test_server& dns_test_server::add_ns(std::string_view name, std::string_view host,
                                         std::uint32_t ttl) {
  state_->add(name, rr_type::ns, ttl, {name_piece{wire::parse_name(host)}});
  return *this;
}

dns_test_server& dns_test_server::add_cname(std::string_view name, std::string_view target,
                                            std::uint32_t ttl) {
  state_->add(name, rr_type::cname, ttl, {name_piece{wire::parse_name(target)}},
              wire::name_key(target));
  return *this;
}

dns_test_server& dns_test_server::add_txt(std::string_view name, std::vector<std::string> strings,
                                          std::uint32_t ttl) {
  std::vector<std::uint8_t> rdata;
  for (const auto& s : strings) {
    if (s.size() > 255) throw std::invalid_argument("TXT character-string over 255 bytes");
    rdata.push_back(static_cast<std::uint8_t>(s.size()));
    rdata.insert(rdata.end(), s.begin(), s.end());
  }
  if (strings.empty()) rdata.push_back(0);  // RFC 1035 3.3.14: at least one string
  state_->add(name, rr_type::txt, ttl, {std::move(rdata)});
  return *this;
}

dns_test_server& dns_test_server::add_txt(std::string_view name, std::string_view text,
                                          std::uint32_t ttl) {
  std::vector<std::string> strings;
  do {
    strings.emplace_back(text.substr(0, 255));
    text.remove_prefix(std::min<std::size_t>(255, text.size()));
  } while (!text.empty());
  return add_txt(name, std::move(strings), ttl);
}

dns_test_server& dns_test_server::add_soa(std::string_view name, const soa_data& soa,
                                          std::uint32_t ttl) {
  std::vector<std::uint8_t> fixed;
  for (auto v : {soa.serial, soa.refresh, soa.retry, soa.expire, soa.minimum}) {
    append_be32(fixed, v);
  }
  state_->add(name, rr_type::soa, ttl,
              {name_piece{wire::parse_name(soa.mname)}, name_piece{wire::parse_name(soa.rname)},
               std::move(fixed)});
  return *this;
}

dns_test_server& dns_test_server::add_srv(std::string_view name, std::uint16_t priority,
                                          std::uint16_t weight, std::uint16_t port,
                                          std::string_view target, std::uint32_t ttl) {
  std::vector<std::uint8_t> fixed = be16(priority);
  for (auto v : {weight, port}) {
    auto b = be16(v);
    fixed.insert(fixed.end(), b.begin(), b.end());
  }
  state_->add(name, rr_type::srv, ttl,
              {std::move(fixed), name_piece{wire::parse_name(target), false}});
  return *this;
}

dns_test_server& dns_test_server::add_ptr(std::string_view name, std::string_view target,
                                          std::uint32_t ttl) {
  state_->add(name, rr_type::ptr, ttl, {name_piece{wire::parse_name(target)}});
  return *this;
}

dns_test_server& dns_test_server::add_reverse(std::string_view address, std::string_view target,
                                              std::uint32_t ttl) {
  return add_ptr(reverse_name(address), target, ttl);
}

dns_test_server& dns_test_server::add_raw(std::string_view name, rr_type type,
                                          std::vector<std::uint8_t> rdata, std::uint32_t ttl) {
  if (rdata.size() > 65535) throw std::invalid_argument("RDATA over 65535 bytes");
  state_->add(name, type, ttl, {std::move(rdata)});
  return *this;
}

dns_test_server& dns_test_server::add_delegation(std::string_view child_zone, std::string_view host,
                                                 std::uint32_t ttl) {
  auto key = wire::name_key(child_zone);
  auto host_name = wire::parse_name(host);
  std::lock_guard lock(state_->mutex);
  state_->delegations[key].emplace_back(std::move(host_name), ttl);
  return *this;
}

dns_test_server& dns_test_server::remove_records(std::string_view name) {
  auto key = wire::name_key(name);
  std::lock_guard lock(state_->mutex);
  state_->records.erase(key);
  return *this;
}

dns_test_server& dns_test_server::set_behaviour(std::string_view name, behaviour what) {
  auto key = wire::name_key(name);
  std::lock_guard lock(state_->mutex);
  state_->name_rules[key].what = what;
  return *this;
}

dns_test_server& dns_test_server::set_behaviour(std::string_view name, rr_type type,
                                                behaviour what) {
  auto key = wire::name_key(name);
  std::lock_guard lock(state_->mutex);
  state_->type_rules[{key, static_cast<std::uint16_t>(type)}] = type_rule{what, std::nullopt};
  return *this;
}

dns_test_server& dns_test_server::set_nxdomain(std::string_view name, negative_soa soa) {
  auto key = wire::name_key(name);
  std::lock_guard lock(state_->mutex);
  auto& rule = state_->name_rules[key];
  rule.what = behaviour::nxdomain;
  rule.soa = soa;
  return *this;
}

dns_test_server& dns_test_server::set_nodata(std::string_view name, rr_type type,
                                             negative_soa soa) {
  auto key = wire::name_key(name);
  std::lock_guard lock(state_->mutex);
  state_->type_rules[{key, static_cast<std::uint16_t>(type)}] = type_rule{behaviour::nodata, soa};
  return *this;
}

dns_test_server& dns_test_server::set_default_negative_soa(negative_soa soa) {
  std::lock_guard lock(state_->mutex);
  state_->default_soa = soa;
  return *this;
}

dns_test_server& dns_test_server::set_delay(std::string_view name,
                                            std::chrono::milliseconds delay) {
  auto key = wire::name_key(name);
  std::lock_guard lock(state_->mutex);
  state_->name_rules[key].delay = delay;
  return *this;
}

dns_test_server& dns_test_server::set_default_delay(std::chrono::milliseconds delay) {
  std::lock_guard lock(state_->mutex);
  state_->default_delay = delay;
  return *this;
}

dns_test_server& dns_test_server::clear_behaviour(std::string_view name) {
  auto key = wire::name_key(name);
  std::lock_guard lock(state_->mutex);
  state_->name_rules.erase(key);
  std::erase_if(state_->type_rules, [&](const auto& rule) { return rule.first.first == key; });
  return *this;
}

std::size_t dns_test_server::query_count() const {
  std::lock_guard lock(state_->mutex);
  return state_->total;
}

std::size_t dns_test_server::query_count(std::string_view name) const {
  auto key = wire::name_key(name);
  std::lock_guard lock(state_->mutex);
  return static_cast<std::size_t>(std::count_if(state_->log.begin(), state_->log.end(),
                                                [&](const auto& q) { return q.name == key; }));
}

std::size_t dns_test_server::query_count(std::string_view name, rr_type type) const {
  auto key = wire::name_key(name);
  std::lock_guard lock(state_->mutex);
  return static_cast<std::size_t>(
      std::count_if(state_->log.begin(), state_->log.end(),
                    [&](const auto& q) { return q.name == key && q.type == type; }));
}

std::size_t dns_test_server::query_count(std::string_view name, rr_type type, transport via) const {
  auto key = wire::name_key(name);
  std::lock_guard lock(state_->mutex);
  return static_cast<std::size_t>(std::count_if(
      state_->log.begin(), state_->log.end(),
      [&](const auto& q) { return q.name == key && q.type == type && q.via == via; }));
}

std::size_t dns_test_server::udp_query_count() const {
  std::lock_guard lock(state_->mutex);
  return state_->udp_total;
}

std::size_t dns_test_server::tcp_query_count() const {
  std::lock_guard lock(state_->mutex);
  return state_->tcp_total;
}

std::size_t dns_test_server::tcp_connection_count() const {
  std::lock_guard lock(state_->mutex);
  return state_->tcp_connections;
}

std::vector<received_query> dns_test_server::received() const {
  std::lock_guard lock(state_->mutex);
  return state_->log;
}

bool dns_test_server::wait_for_queries(std::size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(state_->mutex);
  return state_->received_cv.wait_for(lock, timeout, [&] { return state_->total >= count; });
}

void dns_test_server::reset_counters() {
  std::lock_guard lock(state_->mutex);
  state_->total = 0;
  state_->udp_total = 0;
  state_->tcp_total = 0;
  state_->tcp_connections = 0;
  state_->log.clear();
}

std::string dns_test_server::reverse_name(std::string_view address) {
  std::error_code ec;
  auto parsed = asio::ip::make_address(std::string(address), ec);
  if (ec) throw std::invalid_argument("bad IP address: " + std::string(address));
  std::string out;
  if (parsed.is_v4()) {
    auto b = parsed.to_v4().to_bytes();
    for (auto it = b.rbegin(); it != b.rend(); ++it) out += std::to_string(*it) + ".";
    return out + "in-addr.arpa";
  }
  constexpr std::string_view hex = "0123456789abcdef";
  auto b = parsed.to_v6().to_bytes();
  for (auto it = b.rbegin(); it != b.rend(); ++it) {
    out.push_back(hex[*it & 0xF]);
    out.push_back('.');
    out.push_back(hex[*it >> 4]);
    out.push_back('.');
  }
  return out + "ip6.arpa";
}

}  // namespace corofetch::test
