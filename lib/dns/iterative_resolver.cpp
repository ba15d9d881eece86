// Resolution from the root (RFC 1034 5.3.3): the steps are named functions, from the outside in.
//   resolve_chain   a name and the CNAMEs it leads to, each from its own closest delegation
//   resolve_name    one name: ask a zone's servers, follow referrals down until an answer
//   ask_zone        one zone: its servers in turn until one gives an authoritative reply
//   ask_server      one server: a query over UDP (TCP when truncated), traced and judged
//   find_addresses  a name server without glue: its A (and AAAA) records, one level deeper
#include <corofetch/dns/detail/message.hpp>
#include <corofetch/dns/iterative_resolver.hpp>

#include "dns/authority_exchange.hpp"
#include "dns/full_message.hpp"
#include "dns/reply_judgement.hpp"

#include <asio/cancellation_state.hpp>
#include <asio/error.hpp>
#include <asio/this_coro.hpp>

#include <algorithm>
#include <limits>
#include <random>
#include <utility>

namespace corofetch::dns {
namespace {

using asio::ip::udp;
using cache_clock = delegation_cache::clock;
using real_clock = std::chrono::steady_clock;

// One name server ready to be asked: its name and the endpoints known for it.
struct server_choice {
  std::string name;  // "" for a root server given by address
  std::vector<udp::endpoint> endpoints;
};

// A zone's servers, those with addresses first (RFC 1034 5.3.3 step 3: prefer servers whose
// addresses are known; the others cost a look-up of their own).
struct zone_servers {
  std::string zone;
  std::vector<server_choice> servers;
};

// What one async_resolve() has spent and learned; shared by its sub-resolutions.
struct run_state {
  resolution& out;
  std::size_t queries_left;
  real_clock::time_point deadline;
  std::vector<std::string> finding;  // name servers whose addresses are being looked up
  std::error_code stop;              // set once the whole resolution must end
};

// How one name (or one link of a CNAME chain) ended.
struct name_outcome {
  std::error_code error;
  std::vector<record> records;
  std::string cname_target;  // not empty: the chain goes on there
  std::optional<std::uint32_t> negative_ttl;
  bool from_cache = false;
};

// Addresses a name server can be asked on.
struct found_addresses {
  std::error_code error;  // why there are none
  std::vector<udp::endpoint> endpoints;
};

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

class iterative_resolver::impl {
 public:
  impl(executor_type executor, iterative_resolver_options options);

  asio::awaitable<resolution> resolve(std::string name, record_type type);

  executor_type executor_;
  iterative_resolver_options options_;
  delegation_cache cache_;

 private:
  asio::awaitable<void> prime_root(run_state& run);
  asio::awaitable<name_outcome> resolve_chain(run_state& run, std::string name, record_type type,
                                              std::size_t depth);
  asio::awaitable<name_outcome> resolve_name(run_state& run, std::string name, record_type type,
                                             std::size_t depth);
  asio::awaitable<detail::reply_judgement> ask_zone(run_state& run, zone_servers zone,
                                                    std::string name, record_type type,
                                                    std::size_t depth);
  asio::awaitable<detail::reply_judgement> ask_server(run_state& run, const server_choice& server,
                                                      udp::endpoint endpoint, std::string zone,
                                                      std::string name, record_type type,
                                                      std::size_t depth);
  asio::awaitable<found_addresses> find_addresses(run_state& run, std::string host,
                                                  std::size_t depth);

  [[nodiscard]] zone_servers start_for(const std::string& name) const;
  [[nodiscard]] zone_servers servers_of(const detail::reply_judgement& referral) const;
  void learn(const detail::reply_judgement& judged, const std::string& zone);
  [[nodiscard]] bool usable(const asio::ip::address& a) const noexcept {
    return a.is_v4() || options_.use_ipv6;
  }
  [[nodiscard]] cache_clock::time_point now() const {
    return options_.clock ? options_.clock() : cache_clock::now();
  }

  std::vector<server_choice> roots_;  // from root_servers or the hints file
  std::mt19937 random_{std::random_device{}()};
};

iterative_resolver::impl::impl(executor_type executor, iterative_resolver_options options)
    : executor_(std::move(executor)), options_(std::move(options)), cache_(options_.cache) {
  auto fail = [](const std::string& what) {
    throw std::system_error(make_error_code(errc::bad_options), what);
  };
  for (const auto& text : options_.root_servers) {
    const auto endpoint = parse_server_address(text, options_.port);
    if (!endpoint) fail("root server is not ADDR[:PORT]: " + text);
    roots_.push_back({"", {*endpoint}});
  }
  if (!roots_.empty()) return;
  const auto hints = read_root_hints(options_.root_hints_file, options_.use_ipv6);
  if (!hints) fail("cannot read root hints from " + options_.root_hints_file);
  for (const auto& server : hints->servers) {
    server_choice choice{server.name, {}};
    for (const auto& a : server.addresses) choice.endpoints.emplace_back(a, options_.port);
    roots_.push_back(std::move(choice));
  }
}

// RFC 1034 5.3.3 step 2: start from the closest enclosing delegation known; at the root, the
// hint servers follow the primed ones, should those all fail.
zone_servers iterative_resolver::impl::start_for(const std::string& name) const {
  zone_servers out{"", {}};
  if (const auto known = cache_.closest_enclosing(name, now())) {
    out.zone = known->zone;
    for (const auto& server : known->servers) {
      server_choice choice{server.name, {}};
      for (const auto& a : server.addresses) {
        if (usable(a)) choice.endpoints.emplace_back(a, options_.port);
      }
      out.servers.push_back(std::move(choice));
    }
  }
  if (out.zone.empty()) {
    for (const auto& root : roots_) {
      const bool asked_already =
          std::all_of(root.endpoints.begin(), root.endpoints.end(), [&](const udp::endpoint& e) {
            return std::any_of(out.servers.begin(), out.servers.end(), [&](const server_choice& s) {
              return std::find(s.endpoints.begin(), s.endpoints.end(), e) != s.endpoints.end();
            });
          });
      if (!asked_already) out.servers.push_back(root);
    }
  }
  std::stable_partition(out.servers.begin(), out.servers.end(),
                        [](const server_choice& s) { return !s.endpoints.empty(); });
  return out;
}

// The child zone's servers as the referral names them, with the glue it carried and whatever
// addresses are cached for them.
zone_servers iterative_resolver::impl::servers_of(const detail::reply_judgement& referral) const {
  zone_servers out{referral.child_zone, {}};
  for (const auto& host : referral.name_servers) {
    server_choice choice{host, {}};
    for (const auto& a : cache_.addresses(host, now())) {
      if (usable(a)) choice.endpoints.emplace_back(a, options_.port);
    }
    for (const auto& r : referral.glue) {
      if (canonical_name(r.name) != host) continue;
      const auto address = r.type == record_type::a
                               ? asio::ip::address(std::get<a_data>(r.data).address)
                               : asio::ip::address(std::get<aaaa_data>(r.data).address);
      const udp::endpoint endpoint(address, options_.port);
      const bool known = std::find(choice.endpoints.begin(), choice.endpoints.end(), endpoint) !=
                         choice.endpoints.end();
      if (usable(address) && !known) choice.endpoints.push_back(endpoint);
    }
    out.servers.push_back(std::move(choice));
  }
  std::stable_partition(out.servers.begin(), out.servers.end(),
                        [](const server_choice& s) { return !s.endpoints.empty(); });
  return out;
}

// Keeps an NS set and its in-bailiwick glue (a referral, or the root's own NS answer when
// priming) for their TTLs: the seed's 3-4, so the next name in the zone starts there.
void iterative_resolver::impl::learn(const detail::reply_judgement& judged,
                                     const std::string& zone) {
  const auto at = now();
  if (judged.outcome == step_outcome::referral) {
    cache_.store_delegation(judged.child_zone, judged.name_servers, judged.name_server_ttl, at);
  } else {
    std::vector<std::string> hosts;
    std::uint32_t ttl = std::numeric_limits<std::uint32_t>::max();
    for (const auto& r : judged.records) {
      if (r.type != record_type::ns) continue;
      hosts.push_back(canonical_name(std::get<ns_data>(r.data).host));
      ttl = std::min(ttl, r.ttl);
    }
    cache_.store_delegation(zone, hosts, hosts.empty() ? 0 : ttl, at);
  }
  for (const auto& r : judged.glue) {
    if (r.type == record_type::a)
      cache_.store_address(r.name, std::get<a_data>(r.data).address, r.ttl, at);
    if (r.type == record_type::aaaa && options_.use_ipv6) {
      cache_.store_address(r.name, std::get<aaaa_data>(r.data).address, r.ttl, at);
    }
  }
}

namespace {

trace_step make_step(const server_choice& server, const udp::endpoint& endpoint,
                     const std::string& zone, const std::string& name, record_type type,
                     std::size_t depth, query_transport transport) {
  trace_step step;
  step.depth = depth;
  step.zone = zone;
  step.server_name = server.name;
  step.server = endpoint;
  step.query_name = name;
  step.query_type = type;
  step.transport = transport;
  return step;
}

detail::reply_judgement failure(std::error_code why) {
  detail::reply_judgement out;
  out.outcome = step_outcome::failed;
  out.error = why;
  return out;
}

void fill_sections(trace_step& step, const detail::full_message& reply) {
  step.rcode = reply.rcode();
  step.authoritative = reply.authoritative();
  step.answer = reply.answer;
  step.authority = reply.authority;
  step.additional = reply.additional;
}

}  // namespace

// One query to one server (RFC 1034 5.3.3 step 3), again over TCP when the UDP reply is
// truncated (RFC 7766 5), each try a step of the trace. Sets run.stop when the resolution must
// end: budget spent, deadline passed, cancelled.
asio::awaitable<detail::reply_judgement> iterative_resolver::impl::ask_server(
    run_state& run, const server_choice& server, udp::endpoint endpoint, std::string zone,
    std::string name, record_type type, std::size_t depth) {
  auto transport = query_transport::udp;
  for (;;) {
    const auto left = run.deadline - real_clock::now();
    if (run.queries_left == 0) run.stop = errc::query_limit;
    if (left <= real_clock::duration::zero()) run.stop = errc::timeout;
    if (run.stop) co_return failure(run.stop);
    const auto id = static_cast<std::uint16_t>(random_() & 0xffffU);
    auto query =
        detail::make_query(id, name, static_cast<std::uint16_t>(type), options_.udp_payload_size);
    if (!query) co_return failure(query.error());  // a target name with no wire form: not sent
    --run.queries_left;
    const auto timeout = std::min(options_.query_timeout,
                                  std::chrono::duration_cast<std::chrono::milliseconds>(left));
    auto reply = co_await detail::async_exchange(endpoint, std::move(*query), transport, timeout);
    trace_step step = make_step(server, endpoint, zone, name, type, depth, transport);
    step.elapsed = reply.elapsed;
    step.bytes_received = reply.message.size();
    const auto state = co_await asio::this_coro::cancellation_state;
    if (state.cancelled() != asio::cancellation_type::none) {
      run.stop = asio::error::operation_aborted;
    }
    auto parsed = detail::read_full_message(reply.message);
    if (!reply.error && !parsed) reply.error = parsed.error();
    if (reply.error || run.stop) {
      step.error = run.stop ? run.stop : reply.error;
      if (!run.stop && real_clock::now() >= run.deadline) run.stop = errc::timeout;
      run.out.steps.push_back(std::move(step));
      co_return failure(reply.error ? reply.error : run.stop);
    }
    fill_sections(step, *parsed);
    if (parsed->truncated() && transport == query_transport::udp) {
      step.outcome = step_outcome::truncated;
      run.out.steps.push_back(std::move(step));
      transport = query_transport::tcp;
      continue;
    }
    auto judged = detail::judge_reply(*parsed, zone, name, type);
    step.outcome = judged.outcome;
    if (judged.outcome == step_outcome::lame) step.error = judged.error;
    run.out.steps.push_back(std::move(step));
    co_return judged;
  }
}

// A zone's servers in turn, each of its addresses in turn, until one gives an authoritative
// reply or a referral (RFC 1034 5.3.3 step 4.b/4.d: a lame or silent server is passed over).
// Without any, the last server's error; errc::lame_delegation when no server could be asked.
asio::awaitable<detail::reply_judgement> iterative_resolver::impl::ask_zone(
    run_state& run, zone_servers zone, std::string name, record_type type, std::size_t depth) {
  std::error_code last = errc::lame_delegation;
  for (auto& server : zone.servers) {
    if (server.endpoints.empty()) {
      auto found = co_await find_addresses(run, server.name, depth);
      if (run.stop) co_return failure(run.stop);
      server.endpoints = std::move(found.endpoints);
      if (server.endpoints.empty()) last = found.error;
    }
    for (const auto& endpoint : server.endpoints) {
      auto judged = co_await ask_server(run, server, endpoint, zone.zone, name, type, depth);
      if (run.stop) co_return judged;
      if (judged.outcome != step_outcome::lame && judged.outcome != step_outcome::failed) {
        co_return judged;
      }
      last = judged.error;
    }
  }
  co_return failure(last);
}

// RFC 1034 5.3.3 step 4.c: a name server without glue is looked up like any name, from the
// closest delegation known for it, one level deeper; never one whose look-up is already under
// way further up (its zone's servers would be needed to find it: a cycle).
asio::awaitable<found_addresses> iterative_resolver::impl::find_addresses(run_state& run,
                                                                          std::string host,
                                                                          std::size_t depth) {
  found_addresses out;
  if (depth + 1 > options_.max_depth) {
    out.error = errc::query_limit;
    co_return out;
  }
  if (contains(run.finding, host)) {
    out.error = errc::lame_delegation;
    co_return out;
  }
  run.finding.push_back(host);
  std::vector<record_type> types{record_type::a};
  if (options_.use_ipv6) types.push_back(record_type::aaaa);
  for (const auto type : types) {
    auto found = co_await resolve_chain(run, host, type, depth + 1);
    if (run.stop) break;
    if (found.error) out.error = found.error;
    for (const auto& r : found.records) {
      if (r.type != type) continue;
      const auto address = type == record_type::a
                               ? asio::ip::address(std::get<a_data>(r.data).address)
                               : asio::ip::address(std::get<aaaa_data>(r.data).address);
      cache_.store_address(host, address, r.ttl, now());
      out.endpoints.emplace_back(address, options_.port);
    }
  }
  run.finding.pop_back();
  if (!out.endpoints.empty()) out.error.clear();
  co_return out;
}

// One name, from its closest known delegation down the referrals (each to a zone strictly below
// the last, so this ends) to an authoritative answer, CNAME or negative answer, which is kept
// in the cache (RFC 2308 5).
asio::awaitable<name_outcome> iterative_resolver::impl::resolve_name(run_state& run,
                                                                     std::string name,
                                                                     record_type type,
                                                                     std::size_t depth) {
  zone_servers zone = start_for(name);
  for (;;) {
    auto judged = co_await ask_zone(run, zone, name, type, depth);
    name_outcome out;
    if (run.stop) {
      out.error = run.stop;
      co_return out;
    }
    if (judged.outcome == step_outcome::referral) {
      learn(judged, zone.zone);
      zone = servers_of(judged);
      continue;
    }
    if (judged.outcome == step_outcome::answer && type == record_type::ns &&
        canonical_name(name) == zone.zone) {
      learn(judged, zone.zone);  // the zone's own NS set: a primed root, or an NS question
    }
    out.records = std::move(judged.records);
    if (judged.outcome == step_outcome::cname) out.cname_target = judged.final_name;
    if (judged.outcome == step_outcome::nxdomain || judged.outcome == step_outcome::nodata) {
      out.negative_ttl = judged.negative_ttl;
      cache_.store_negative(judged.final_name, type, judged.error, judged.negative_ttl.value_or(0),
                            now());
    }
    if (judged.outcome != step_outcome::answer && judged.outcome != step_outcome::cname) {
      out.error = judged.error;
    }
    co_return out;
  }
}

// A name and the CNAMEs it leads to (RFC 1034 3.6.2, 5.3.3 step 4.c), each target from its own
// closest delegation (it may be in another zone); a negative answer cached for a link ends the
// chain without a query. A name met twice is a loop.
asio::awaitable<name_outcome> iterative_resolver::impl::resolve_chain(run_state& run,
                                                                      std::string name,
                                                                      record_type type,
                                                                      std::size_t depth) {
  name_outcome total;
  std::vector<std::string> seen{canonical_name(name)};
  for (;;) {
    if (const auto cached = cache_.find_negative(name, type, now())) {
      total.error = cached->error;
      total.negative_ttl = cached->ttl_left;
      total.from_cache = true;
      co_return total;
    }
    auto link = co_await resolve_name(run, name, type, depth);
    for (const auto& r : link.records) {
      if (r.type == record_type::cname) seen.push_back(canonical_name(r.name));
    }
    total.records.insert(total.records.end(), link.records.begin(), link.records.end());
    if (link.error || link.cname_target.empty()) {
      total.error = link.error;
      total.negative_ttl = link.negative_ttl;
      co_return total;
    }
    const auto cnames = std::count_if(total.records.begin(), total.records.end(),
                                      [](const record& r) { return r.type == record_type::cname; });
    if (contains(seen, link.cname_target) ||
        static_cast<std::size_t>(cnames) > options_.max_cname_chain) {
      total.error = contains(seen, link.cname_target) ? errc::resolution_loop : errc::query_limit;
      co_return total;
    }
    name = link.cname_target;
    seen.push_back(name);
  }
}

// RFC 8109: ask a root server (from the hints) for the root's NS set and keep it with its glue,
// so resolution starts from the current root servers; should every root server fail, the hints
// are used as they are.
asio::awaitable<void> iterative_resolver::impl::prime_root(run_state& run) {
  const auto primed = co_await resolve_name(run, "", record_type::ns, 0);
  (void)primed;  // resolve_name() keeps the NS set; a failure leaves the hints in use
}

// Checks the name, primes the root when its NS set is not known (or expired), resolves the
// chain, and fills the resolution.
asio::awaitable<resolution> iterative_resolver::impl::resolve(std::string name, record_type type) {
  resolution out;
  std::string wire;
  if (!detail::plain_wire_name(wire, name)) {
    out.error = errc::bad_name;
    co_return out;
  }
  // A cancelled resolution returns its trace instead of throwing from its next co_await; the
  // caller's own setting is put back before returning.
  const bool caller_throws = co_await asio::this_coro::throw_if_cancelled();
  co_await asio::this_coro::throw_if_cancelled(false);
  run_state run{out, options_.max_queries, real_clock::now() + options_.resolve_timeout, {}, {}};
  // The name is asked in the case it was given (RFC 4343 4.1: servers echo it), and compared
  // and cached in lowercase.
  if (name.size() > 1 && name.back() == '.' && name[name.size() - 2] != '\\') name.pop_back();
  if (name == ".") name.clear();
  const bool root_known = cache_.closest_enclosing("", now()).has_value();
  const bool cached_negative = cache_.find_negative(name, type, now()).has_value();
  if (options_.prime_root && !root_known && !cached_negative) {
    co_await prime_root(run);
    if (run.stop != asio::error::operation_aborted) run.stop.clear();  // the hints will do
  }
  if (!run.stop) {
    auto found = co_await resolve_chain(run, name, type, 0);
    out.error = found.error;
    out.records = std::move(found.records);
    out.negative_ttl = found.negative_ttl;
    out.from_cache = found.from_cache && out.steps.empty();
  } else {
    out.error = run.stop;
  }
  co_await asio::this_coro::throw_if_cancelled(caller_throws);
  co_return out;
}

iterative_resolver::iterative_resolver(executor_type executor, iterative_resolver_options options)
    : impl_(std::make_unique<impl>(std::move(executor), std::move(options))) {}

iterative_resolver::~iterative_resolver() = default;

iterative_resolver::executor_type iterative_resolver::get_executor() const noexcept {
  return impl_->executor_;
}

asio::awaitable<resolution> iterative_resolver::async_resolve(std::string name, record_type type) {
  return impl_->resolve(std::move(name), type);
}

const delegation_cache& iterative_resolver::cache() const noexcept {
  return impl_->cache_;
}

void iterative_resolver::clear_cache() noexcept {
  impl_->cache_.clear();
}

}  // namespace corofetch::dns
