// A Redis crawl job seen from outside its workers: its state (cf-crawl --status) and its
// removal (cf-crawl --reset).
#include <corofetch/crawl/error.hpp>
#include <corofetch/crawl/redis_frontier.hpp>
#include <corofetch/redis/error.hpp>

#include <algorithm>

namespace corofetch::crawl {
namespace {

bool valid_job(const std::string& job) {
  return !job.empty() && job.size() <= 64 && std::all_of(job.begin(), job.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

std::uint64_t field_of(const redis::reply& hash, std::string_view name) {
  for (std::size_t i = 0; i + 1 < hash.elements.size(); i += 2) {
    if (hash.elements[i].text == name) {
      const auto v = hash.elements[i + 1].as_integer();
      return v && *v > 0 ? static_cast<std::uint64_t>(*v) : 0;
    }
  }
  return 0;
}

}  // namespace

asio::awaitable<result<job_status>> async_job_status(redis::client& c, std::string job) {
  if (!valid_job(job)) co_return errc::invalid_options;
  const std::string p = job_prefix(job);
  std::vector<std::vector<std::string>> commands;
  commands.push_back({"HGETALL", p + "meta"});
  commands.push_back({"HGETALL", p + "stats"});
  commands.push_back({"SCARD", p + "hosts"});
  commands.push_back({"ZCARD", p + "leases"});
  commands.push_back({"ZCARD", p + "delayed"});
  auto r = co_await c.async_pipeline(std::move(commands));
  if (!r) co_return r.error();
  for (const redis::reply& x : *r) {
    if (x.is_error()) co_return redis::errc::server_error;
  }
  const redis::reply& meta = (*r)[0];
  const redis::reply& stats = (*r)[1];
  job_status s;
  s.exists = !meta.elements.empty();
  if (!s.exists) co_return s;
  s.counters.queued = field_of(stats, "queued");
  s.counters.delayed = (*r)[4].integer > 0 ? static_cast<std::uint64_t>((*r)[4].integer) : 0;
  s.counters.leased = (*r)[3].integer > 0 ? static_cast<std::uint64_t>((*r)[3].integer) : 0;
  s.counters.hosts = field_of(stats, "hosts");
  s.counters.seen = field_of(stats, "seen");
  s.counters.fetched = field_of(stats, "fetched");
  s.counters.failed = field_of(stats, "failed");
  s.counters.skipped = field_of(stats, "skipped");
  s.hosts_met = (*r)[2].integer > 0 ? static_cast<std::uint64_t>((*r)[2].integer) : 0;
  s.expired = field_of(stats, "expired");
  const std::uint64_t first = field_of(stats, "first");
  const std::uint64_t last = field_of(stats, "last");
  if (first != 0 && last > first) {
    s.pages_per_second = static_cast<double>(s.counters.fetched + s.counters.failed) * 1000.0 /
                         static_cast<double>(last - first);
  }
  s.politeness.per_host = field_of(meta, "per_host");
  s.politeness.delay = std::chrono::milliseconds(field_of(meta, "delay"));
  s.politeness.max_crawl_delay = std::chrono::milliseconds(field_of(meta, "max_cd"));
  s.lease = std::chrono::milliseconds(field_of(meta, "lease"));
  co_return s;
}

asio::awaitable<result<std::uint64_t>> async_reset_job(redis::client& c, std::string job) {
  if (!valid_job(job)) co_return errc::invalid_options;
  // The hash tag's braces are glob specials: escaped, they match themselves.
  const std::string pattern = "cf:\\{" + job + "\\}:*";
  std::uint64_t removed = 0;
  std::string cursor = "0";
  do {
    std::vector<std::string> scan{"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"};
    auto r = co_await c.async_command(std::move(scan));
    if (!r) co_return r.error();
    if (r->type != redis::reply_type::array || r->elements.size() != 2)
      co_return redis::errc::unexpected_reply;
    cursor = r->elements[0].text;
    std::vector<std::string> unlink{"UNLINK"};
    for (const redis::reply& k : r->elements[1].elements) unlink.push_back(k.text);
    if (unlink.size() > 1) {
      auto u = co_await c.async_command(std::move(unlink));
      if (!u) co_return u.error();
      removed += static_cast<std::uint64_t>(std::max<std::int64_t>(0, u->integer));
    }
  } while (cursor != "0");
  co_return removed;
}

}  // namespace corofetch::crawl
