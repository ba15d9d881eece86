// Lua (Redis 7.0's Lua 5.1). Every script starts with the prelude: the job must exist (its meta
// hash), or it answers {1} (job missing); time is Redis' own (TIME, in ms), so every worker's
// politeness is measured by one clock. Numbers stay below 2^53: milliseconds since 1970 are
// exact in Lua's doubles.
#include "crawl/redis_frontier_scripts.hpp"

#include <string>

namespace corofetch::crawl::detail {
namespace {

constexpr const char* prelude = R"lua(
local P = ARGV[1]
if redis.call('EXISTS', P .. 'meta') == 0 then return {1} end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local meta = redis.call('HMGET', P .. 'meta', 'per_host', 'delay', 'max_cd', 'lease')
local per_host = tonumber(meta[1])
local delay = tonumber(meta[2])
local max_cd = tonumber(meta[3])
local lease_ms = tonumber(meta[4])
local S = P .. 'stats'

-- entries of a host queued, delayed or leased; stats.hosts counts the hosts with any
local function active(host, delta)
  local a = redis.call('HINCRBY', P .. 'h:' .. host, 'a', delta)
  if delta > 0 and a == delta then redis.call('HINCRBY', S, 'hosts', 1)
  elseif delta < 0 and a == 0 then redis.call('HINCRBY', S, 'hosts', -1) end
end

-- a host is in 'ready' when it has a queued URL and a free slot, scored by when it may start
local function schedule(host)
  local st = redis.call('HMGET', P .. 'h:' .. host, 'n', 'next')
  if tonumber(st[1] or '0') < per_host and redis.call('LLEN', P .. 'q:' .. host) > 0 then
    redis.call('ZADD', P .. 'ready', tonumber(st[2] or '0'), host)
  else
    redis.call('ZREM', P .. 'ready', host)
  end
end

-- a host's field counting the leases of worker `wid` on it (fair claims, see take)
local function holder(wid)
  return 'w' .. wid
end

local function split(v)
  local sp = string.find(v, ' ', 1, true)
  return string.sub(v, 1, sp - 1), string.sub(v, sp + 1)
end

local function bump(entry)
  local kind, attempt, rest = string.match(entry, '^(%d+) (%d+) (.*)$')
  return kind .. ' ' .. (tonumber(attempt) + 1) .. ' ' .. rest
end

local function new_host(host)
  if redis.call('SADD', P .. 'hosts', host) == 1 then
    redis.call('HSET', P .. 'h:' .. host, 'n', 0, 'next', 0, 'prev', 0, 'sp', delay, 'a', 0)
  end
end

-- ends the lease `token` if it is still out; returns its host and entry
local function end_lease(token, requested)
  local v = redis.call('HGET', P .. 'lease', token)
  if not v then return nil end
  redis.call('HDEL', P .. 'lease', token)
  redis.call('ZREM', P .. 'leases', token)
  redis.call('HINCRBY', S, 'leased', -1)
  local wid, rest = split(v)
  local host, entry = split(rest)
  local hk = P .. 'h:' .. host
  redis.call('HINCRBY', hk, 'n', -1)
  if redis.call('HINCRBY', hk, holder(wid), -1) <= 0 then redis.call('HDEL', hk, holder(wid)) end
  if not requested and redis.call('HGET', hk, 'lt') == token then
    redis.call('HSET', hk, 'next', redis.call('HGET', hk, 'prev') or '0')
  end
  return host, entry
end

-- queues an entry unless its fingerprint (bucket, field) is in the seen-set
local function push(bucket, field, host, entry)
  if redis.call('HSETNX', P .. 's:' .. bucket, field, '') == 0 then return false end
  new_host(host)
  redis.call('RPUSH', P .. 'q:' .. host, entry)
  active(host, 1)
  schedule(host)
  redis.call('HINCRBY', S, 'queued', 1)
  redis.call('HINCRBY', S, 'seen', 1)
  return true
end
)lua";

constexpr const char* init_body = R"lua(
local P = ARGV[1]
local M = P .. 'meta'
local names = {'per_host', 'delay', 'max_cd', 'lease', 'bits', 'version'}
for i, name in ipairs(names) do redis.call('HSETNX', M, name, ARGV[i + 1]) end
local t = redis.call('TIME')
redis.call('HSETNX', M, 'created', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
local out = {0}
for i, name in ipairs(names) do out[i + 1] = tonumber(redis.call('HGET', M, name)) end
out[#out + 1] = redis.call('INCR', P .. 'wid')
return out
)lua";

constexpr const char* push_body = R"lua(
local queued = 0
for i = 2, #ARGV, 4 do
  if push(ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]) then queued = queued + 1 end
end
return {0, queued}
)lua";

constexpr const char* skip_body = R"lua(
local flags = {}
local added = 0
for i = 2, #ARGV, 2 do
  if redis.call('HSETNX', P .. 's:' .. ARGV[i], ARGV[i + 1], '') == 1 then
    flags[#flags + 1] = '1'
    added = added + 1
  else
    flags[#flags + 1] = '0'
  end
end
if added > 0 then
  redis.call('HINCRBY', S, 'seen', added)
  redis.call('HINCRBY', S, 'skipped', added)
end
return {0, table.concat(flags)}
)lua";

constexpr const char* take_body = R"lua(
local max = tonumber(ARGV[2])
local wid = ARGV[3]
local window = tonumber(ARGV[4])
local ended = false
for i = 5, #ARGV, 5 do
  if ARGV[i] == 'P' then
    push(ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4])
  else
    local token, op = ARGV[i + 1], ARGV[i + 2]
    local requested, wait = ARGV[i + 3] == '1', tonumber(ARGV[i + 4])
    local host, entry = end_lease(token, requested)
    if host then
      if op == 'f' or op == 'x' or op == 's' then
        local counter = ({f = 'fetched', x = 'failed', s = 'skipped'})[op]
        redis.call('HINCRBY', S, counter, 1)
        active(host, -1)
        ended = true
      elseif op == 'a' then
        redis.call('LPUSH', P .. 'q:' .. host, entry)
        redis.call('HINCRBY', S, 'queued', 1)
      elseif op == 'b' then
        redis.call('ZADD', P .. 'delayed', now + wait, host .. ' ' .. bump(entry))
        redis.call('HINCRBY', S, 'delayed', 1)
      else -- 'h': the whole host waits
        redis.call('LPUSH', P .. 'q:' .. host, bump(entry))
        redis.call('HINCRBY', S, 'queued', 1)
        local hk = P .. 'h:' .. host
        if now + wait > tonumber(redis.call('HGET', hk, 'next') or '0') then
          redis.call('HSET', hk, 'next', now + wait)
        end
      end
      schedule(host)
    end
  end
end
if ended then redis.call('HSET', S, 'last', now) end

-- leases of workers gone quiet go back to the front of their hosts' queues
local expired = redis.call('ZRANGEBYSCORE', P .. 'leases', '-inf', now, 'LIMIT', 0, 256)
for _, token in ipairs(expired) do
  local host, entry = end_lease(token, true)
  if host then
    redis.call('LPUSH', P .. 'q:' .. host, entry)
    redis.call('HINCRBY', S, 'queued', 1)
    redis.call('HINCRBY', S, 'expired', 1)
    schedule(host)
  end
end

-- retries whose backoff has passed, to the front of their queues
local due = redis.call('ZRANGEBYSCORE', P .. 'delayed', '-inf', now, 'LIMIT', 0, 256)
for _, v in ipairs(due) do
  redis.call('ZREM', P .. 'delayed', v)
  local host, entry = split(v)
  redis.call('LPUSH', P .. 'q:' .. host, entry)
  redis.call('HINCRBY', S, 'delayed', -1)
  redis.call('HINCRBY', S, 'queued', 1)
  schedule(host)
end

-- Fair claims: while other workers wait for URLs (their last take came back short, within
-- `window` ms), a worker holds at most its share of a host's slots, so that a worker which
-- keeps a host's slots full, taking again with each ack, leaves the slots it ends to the
-- others; alone, it may hold them all.
local W = P .. 'want'
redis.call('ZREMRANGEBYSCORE', W, '-inf', now - window)
local others = redis.call('ZCARD', W)
if redis.call('ZSCORE', W, wid) then others = others - 1 end
local share = math.ceil(per_host / (others + 1))
local mine = holder(wid)

local out = {}
local taken, passed = 0, 0
while taken < max and passed < 64 do
  local top = redis.call('ZRANGEBYSCORE', P .. 'ready', '-inf', now, 'LIMIT', passed, 1)
  if #top == 0 then break end
  local host = top[1]
  local hk = P .. 'h:' .. host
  if tonumber(redis.call('HGET', hk, mine) or '0') >= share then
    passed = passed + 1 -- its free slots are the waiting workers'
  else
    local entry = redis.call('LPOP', P .. 'q:' .. host)
    if entry then
      -- the take's time and a counter's last digits: after Redis lost its latest writes (a
      -- restart from a snapshot) no token given again can be one a worker still holds
      local token = now .. string.format('%03d', redis.call('INCR', P .. 'tok') % 1000)
      redis.call('HSET', P .. 'lease', token, wid .. ' ' .. host .. ' ' .. entry)
      redis.call('ZADD', P .. 'leases', now + lease_ms, token)
      local st = redis.call('HMGET', hk, 'next', 'sp')
      redis.call('HSET', hk, 'prev', st[1] or '0', 'next', now + tonumber(st[2] or delay), 'lt', token)
      redis.call('HINCRBY', hk, 'n', 1)
      redis.call('HINCRBY', hk, mine, 1)
      redis.call('HINCRBY', S, 'queued', -1)
      redis.call('HINCRBY', S, 'leased', 1)
      out[#out + 1] = token
      out[#out + 1] = entry
      taken = taken + 1
    end
    schedule(host)
  end
end
if taken > 0 then redis.call('HSETNX', S, 'first', now) end
if max > 0 then
  if taken < max then redis.call('ZADD', W, now, wid) else redis.call('ZREM', W, wid) end
end

-- the hosts passed over are ready now but not for this worker: they do not make it ask again
-- at once (the waiting workers take them; this one polls)
local next_in = -1
local function sooner(first)
  if #first > 0 then
    local d = math.max(0, tonumber(first[2]) - now)
    if next_in < 0 or d < next_in then next_in = d end
  end
end
if taken >= max and max > 0 then
  sooner(redis.call('ZRANGE', P .. 'ready', 0, 0, 'WITHSCORES'))
else
  sooner(redis.call('ZRANGEBYSCORE', P .. 'ready', '(' .. now, '+inf', 'WITHSCORES', 'LIMIT', 0, 1))
end
sooner(redis.call('ZRANGE', P .. 'delayed', 0, 0, 'WITHSCORES'))
sooner(redis.call('ZRANGE', P .. 'leases', 0, 0, 'WITHSCORES'))
local c = redis.call('HMGET', S, 'queued', 'delayed', 'leased', 'hosts', 'seen', 'fetched',
                     'failed', 'skipped')
local reply = {0, next_in}
for i = 1, 8 do reply[#reply + 1] = tonumber(c[i] or '0') end
for i = 1, #out do reply[#reply + 1] = out[i] end
return reply
)lua";

constexpr const char* renew_body = R"lua(
local renewed = 0
for i = 2, #ARGV do
  if redis.call('ZADD', P .. 'leases', 'XX', 'CH', now + lease_ms, ARGV[i]) == 1 then
    renewed = renewed + 1
  end
end
return {0, renewed}
)lua";

constexpr const char* crawl_delay_body = R"lua(
local host = ARGV[2]
new_host(host)
local hk = P .. 'h:' .. host
local sp = math.max(delay, math.min(tonumber(ARGV[3]), max_cd))
local st = redis.call('HMGET', hk, 'sp', 'next')
local old, nx = tonumber(st[1] or delay), tonumber(st[2] or '0')
redis.call('HSET', hk, 'sp', sp)
if nx > 0 then redis.call('HSET', hk, 'next', nx - old + sp) end
schedule(host)
return {0}
)lua";

// ARGV: prefix, origin, claim ms. The stored robots.txt ("STATUS FETCHED_MS BODY") and its age,
// or the claim to fetch it (a key that expires), or word that another worker has the claim.
constexpr const char* robots_body = R"lua(
local key = P .. 'r:' .. ARGV[2]
local v = redis.call('GET', key)
if v then
  local status, rest = split(v)
  local fetched, body = split(rest)
  return {0, 'stored', tonumber(status), math.max(0, now - tonumber(fetched)), body}
end
if redis.call('SET', P .. 'rl:' .. ARGV[2], '1', 'NX', 'PX', tonumber(ARGV[3])) then
  return {0, 'fetch'}
end
return {0, 'wait'}
)lua";

// ARGV: prefix, origin, status, ttl ms, body. Stores the robots.txt for ttl, ends the claim.
constexpr const char* store_robots_body = R"lua(
local ttl = math.max(1, tonumber(ARGV[4]))
redis.call('SET', P .. 'r:' .. ARGV[2], ARGV[3] .. ' ' .. now .. ' ' .. ARGV[5], 'PX', ttl)
redis.call('DEL', P .. 'rl:' .. ARGV[2])
return {0}
)lua";

redis::script with_prelude(const char* body) {
  return redis::script(std::string(prelude) + body);
}

}  // namespace

const redis::script& init_script() {
  static const redis::script s{init_body};
  return s;
}
const redis::script& push_script() {
  static const redis::script s = with_prelude(push_body);
  return s;
}
const redis::script& skip_script() {
  static const redis::script s = with_prelude(skip_body);
  return s;
}
const redis::script& take_script() {
  static const redis::script s = with_prelude(take_body);
  return s;
}
const redis::script& renew_script() {
  static const redis::script s = with_prelude(renew_body);
  return s;
}
const redis::script& robots_script() {
  static const redis::script s = with_prelude(robots_body);
  return s;
}
const redis::script& store_robots_script() {
  static const redis::script s = with_prelude(store_robots_body);
  return s;
}
const redis::script& crawl_delay_script() {
  static const redis::script s = with_prelude(crawl_delay_body);
  return s;
}

}  // namespace corofetch::crawl::detail
