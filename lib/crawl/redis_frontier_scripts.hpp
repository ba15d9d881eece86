// The Lua scripts of the Redis frontier, each run atomically by Redis (EVALSHA). Private to
// lib/crawl; the keys they use are listed in include/corofetch/crawl/redis_frontier.hpp.
#pragma once

#include <corofetch/redis/script.hpp>

namespace corofetch::crawl::detail {

// ARGV: prefix, per_host, delay, max_cd, lease, bits, version. Creates the job's meta when
// missing; returns {0, per_host, delay, max_cd, lease, bits, version} as stored, and a new
// worker id.
const redis::script& init_script();
// ARGV: prefix, then (bucket, field, host, entry) per URL. Queues the unseen; {0, queued}.
const redis::script& push_script();
// ARGV: prefix, then (bucket, field) per URL. Marks the unseen seen and skipped; {0, flags}
// with flags a string of '1' (new) and '0' (seen before), one per URL.
const redis::script& skip_script();
// ARGV: prefix, max, worker id, waiting window ms, then batched records of five, in the order
// they were made: ("P", bucket, field, host, entry) for a push, ("E", token, op, requested,
// delay ms) for the end of a lease. Applies them, requeues expired leases and due retries,
// takes up to max URLs (fairly: see the script); returns {0, next_in ms or -1, queued,
// delayed, leased, hosts, seen, fetched, failed, skipped, token, entry, ...}.
const redis::script& take_script();
// ARGV: prefix, tokens... Extends the leases still held; {0, renewed}.
const redis::script& renew_script();
// ARGV: prefix, origin, claim ms. {0, "stored", status, age ms, body}, {0, "fetch"} (the
// caller holds the claim to fetch it) or {0, "wait"}.
const redis::script& robots_script();
// ARGV: prefix, origin, status, ttl ms, body. {0}.
const redis::script& store_robots_script();
// ARGV: prefix, host, crawl-delay ms. {0}.
const redis::script& crawl_delay_script();

}  // namespace corofetch::crawl::detail
