#include "dns/reply_judgement.hpp"

#include <corofetch/dns/delegation_cache.hpp>
#include <corofetch/dns/error.hpp>

#include <algorithm>
#include <limits>

namespace corofetch::dns::detail {
namespace {

constexpr unsigned rcode_noerror = 0;
constexpr unsigned rcode_nxdomain = 3;

std::error_code rcode_error(unsigned rcode) {
  switch (rcode) {
    case 1:
      return errc::format_error;
    case 2:
      return errc::servfail;
    case 4:
      return errc::not_implemented;
    case 5:
      return errc::refused;
    default:
      return errc::other;
  }
}

struct chain_end {
  std::string name;
  bool found_data = false;
};

// RFC 1034 4.3.2 step 3.a as a resolver reads it back: from `name`, the records of `type`, else
// the CNAME to follow, within the bailiwick only (a server for example.test may add records of
// other.test, which it has no authority to vouch for, RFC 2181 5.4.1). Stops at a name met
// before: the caller's CNAME chain check reports the loop.
chain_end follow_chain(const std::vector<record>& answer, const std::string& zone, std::string name,
                       record_type type, std::vector<record>& out) {
  std::vector<std::string> visited{name};
  for (std::size_t hop = 0; hop <= answer.size(); ++hop) {
    bool found = false;
    const record* cname = nullptr;
    for (const auto& r : answer) {
      const std::string owner = canonical_name(r.name);
      if (owner != name || !is_at_or_below(owner, zone)) continue;
      if (r.type == type) {
        out.push_back(r);
        found = true;
      } else if (r.type == record_type::cname && cname == nullptr) {
        cname = &r;
      }
    }
    if (found || cname == nullptr) return {name, found};
    out.push_back(*cname);
    name = canonical_name(std::get<cname_data>(cname->data).target);
    if (std::find(visited.begin(), visited.end(), name) != visited.end()) return {name, false};
    visited.push_back(name);
  }
  return {name, false};
}

// The deepest NS owner in the authority section strictly below `zone` and at or above `name`:
// the only referral a server for `zone` may give (RFC 1034 4.2.2); nullopt when there is none.
std::optional<std::string> referral_zone(const full_message& reply, const std::string& zone,
                                         const std::string& name) {
  std::optional<std::string> best;
  for (const auto& r : reply.authority) {
    if (r.type != record_type::ns) continue;
    std::string owner = canonical_name(r.name);
    if (owner == zone || !is_at_or_below(owner, zone) || !is_at_or_below(name, owner)) continue;
    if (!best || owner.size() > best->size()) best = std::move(owner);
  }
  return best;
}

// A/AAAA records of `hosts` from the additional section, those within `zone` only: glue for a
// name outside it could point a whole other zone at an attacker's server (RFC 2181 5.4.1).
std::vector<record> glue_for(const full_message& reply, const std::string& zone,
                             const std::vector<std::string>& hosts) {
  std::vector<record> glue;
  for (const auto& r : reply.additional) {
    if (r.type != record_type::a && r.type != record_type::aaaa) continue;
    const std::string owner = canonical_name(r.name);
    if (!is_at_or_below(owner, zone)) continue;
    if (std::find(hosts.begin(), hosts.end(), owner) != hosts.end()) glue.push_back(r);
  }
  return glue;
}

void take_referral(const full_message& reply, const std::string& zone, std::string child,
                   reply_judgement& out) {
  out.outcome = step_outcome::referral;
  out.name_server_ttl = std::numeric_limits<std::uint32_t>::max();
  for (const auto& r : reply.authority) {
    if (r.type != record_type::ns || canonical_name(r.name) != child) continue;
    auto host = canonical_name(std::get<ns_data>(r.data).host);
    if (std::find(out.name_servers.begin(), out.name_servers.end(), host) ==
        out.name_servers.end()) {
      out.name_servers.push_back(std::move(host));
    }
    out.name_server_ttl = std::min(out.name_server_ttl, r.ttl);
  }
  out.child_zone = std::move(child);
  out.glue = glue_for(reply, zone, out.name_servers);
}

// RFC 2308 5: the negative TTL is min(SOA TTL, SOA MINIMUM) of an SOA of the zone that holds
// the name (at or above it, and within the bailiwick).
std::optional<std::uint32_t> negative_ttl_of(const full_message& reply, const std::string& zone,
                                             const std::string& name) {
  for (const auto& r : reply.authority) {
    if (r.type != record_type::soa) continue;
    const std::string owner = canonical_name(r.name);
    if (!is_at_or_below(owner, zone) || !is_at_or_below(name, owner)) continue;
    return std::min(r.ttl, std::get<soa_data>(r.data).minimum);
  }
  return std::nullopt;
}

reply_judgement lame(std::error_code why) {
  reply_judgement out;
  out.outcome = step_outcome::lame;
  out.error = why;
  return out;
}

}  // namespace

reply_judgement judge_reply(const full_message& reply, const std::string& zone,
                            const std::string& question_name, record_type question_type) {
  const unsigned rcode = reply.rcode();
  if (rcode != rcode_noerror && rcode != rcode_nxdomain) return lame(rcode_error(rcode));
  reply_judgement out;
  const std::string asked = canonical_name(question_name);  // sent in the caller's case
  const auto end = follow_chain(reply.answer, zone, asked, question_type, out.records);
  out.final_name = end.name;
  const bool chain = !out.records.empty();
  if (end.found_data || (chain && rcode == rcode_noerror)) {
    if (!reply.authoritative()) return lame(errc::lame_delegation);
    out.outcome = end.found_data ? step_outcome::answer : step_outcome::cname;
    if (question_type == record_type::ns && end.found_data) {
      std::vector<std::string> hosts;
      for (const auto& r : out.records) {
        if (r.type == record_type::ns)
          hosts.push_back(canonical_name(std::get<ns_data>(r.data).host));
      }
      out.glue = glue_for(reply, zone, hosts);
    }
    return out;
  }
  if (!chain && rcode == rcode_noerror) {
    if (auto child = referral_zone(reply, zone, asked)) {
      take_referral(reply, zone, std::move(*child), out);
      return out;
    }
  }
  // A negative answer counts only from the zone's own servers; from anyone else (a referral
  // up or sideways, a cache) it is lame.
  if (!reply.authoritative()) return lame(errc::lame_delegation);
  out.outcome = rcode == rcode_nxdomain ? step_outcome::nxdomain : step_outcome::nodata;
  out.error = rcode == rcode_nxdomain ? errc::nxdomain : errc::nodata;
  out.negative_ttl = negative_ttl_of(reply, zone, out.final_name);
  return out;
}

}  // namespace corofetch::dns::detail
