// The Redis frontier's operations against a real redis-server: deduplication, global
// politeness, leases and their tokens, expiry, retries, the job's status and its reset, and the
// seen-set's memory per URL.
#include <corofetch/crawl/error.hpp>
#include <corofetch/crawl/redis_frontier.hpp>
#include <corofetch/redis/error.hpp>
#include <corofetch/url/url.hpp>

#include "support/net/run.hpp"
#include "support/redis/redis_server.hpp"

#include <catch2/catch.hpp>

#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <algorithm>

using namespace std::chrono_literals;
namespace crawl = corofetch::crawl;
namespace redis = corofetch::redis;
using corofetch::test::redis_server;
using corofetch::test::run_coro;

namespace {

crawl::redis_frontier_options options_for(const redis_server& server, std::string job) {
  crawl::redis_frontier_options o;
  o.url = server.url();
  o.job = std::move(job);
  o.politeness.per_host = 1;
  o.politeness.delay = 0ms;
  o.lease = 60s;
  o.unavailable_for = 2s;
  return o;
}

asio::awaitable<std::unique_ptr<crawl::redis_frontier>> make(crawl::redis_frontier_options o) {
  std::string detail;
  auto f = co_await crawl::redis_frontier::async_create(std::move(o), &detail);
  INFO(detail);
  REQUIRE(f);
  co_return std::move(*f);
}

std::vector<crawl::frontier_entry> entries(const std::vector<std::string>& urls) {
  std::vector<crawl::frontier_entry> out;
  for (const auto& u : urls) {
    crawl::frontier_entry& e = out.emplace_back();
    e.url = u;
    e.referrer = "http://ref.test/";
    e.depth = 2;
  }
  return out;
}

redis::client_options plain_client(const redis_server& server) {
  redis::client_options o;
  o.server = *redis::parse_url(server.url());
  return o;
}

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  const auto executor = co_await asio::this_coro::executor;
  asio::steady_timer t(executor, d);
  co_await t.async_wait(asio::use_awaitable);
}

std::vector<std::string> urls_of(const std::vector<crawl::frontier_lease>& leases) {
  std::vector<std::string> out;
  for (const auto& l : leases) out.push_back(l.entry.url);
  return out;
}

}  // namespace

TEST_CASE("redis frontier: pushes deduplicated, hosts taken FIFO within their limits", "[system]") {
  redis_server server;
  run_coro([&]() -> asio::awaitable<void> {
    auto o = options_for(server, "fifo");
    o.batch_pushes = false;  // each push answers how many it queued
    auto f = co_await make(o);
    auto batch = entries({"http://a.test/1", "http://a.test/2", "http://b.test/1",
                          "http://a.test/1", "http://a.test/3"});
    auto pushed = co_await f->async_push(batch);
    REQUIRE(pushed);
    CHECK(*pushed == 4);
    batch = entries({"http://a.test/2", "http://b.test/1"});
    pushed = co_await f->async_push(batch);
    REQUIRE(pushed);
    CHECK(*pushed == 0);
    const auto seen = co_await f->async_seen(corofetch::url::fingerprint("http://a.test/3"));
    CHECK(seen.value());
    const auto unseen = co_await f->async_seen(corofetch::url::fingerprint("http://a.test/9"));
    CHECK_FALSE(unseen.value());

    std::vector<crawl::frontier_lease> out;
    auto taken = co_await f->async_take(10, out);
    REQUIRE(taken);
    // per_host 1: one URL of each host, each queue's first.
    std::vector<std::string> got = urls_of(out);
    std::sort(got.begin(), got.end());
    CHECK(got == std::vector<std::string>{"http://a.test/1", "http://b.test/1"});
    CHECK_FALSE(taken->exhausted);
    const auto first = out;
    CHECK(first[0].entry.referrer == "http://ref.test/");
    CHECK(first[0].entry.depth == 2);
    CHECK(first[0].token != first[1].token);
    CHECK(f->stats().leased == 2);
    CHECK(f->stats().queued == 2);

    taken = co_await f->async_take(10, out);
    REQUIRE(taken);
    CHECK(out.empty());  // a.test has one in flight, b.test nothing queued
    for (const auto& l : first) {
      const auto ended = co_await f->async_finish(l, crawl::finish_kind::fetched, true);
      CHECK_FALSE(ended);
    }
    taken = co_await f->async_take(10, out);  // carries the two acks
    REQUIRE(taken);
    CHECK(urls_of(out) == std::vector<std::string>{"http://a.test/2"});
    CHECK(f->stats().fetched == 2);
    CHECK(f->stats().hosts == 1);  // b.test has nothing left
  });
}

TEST_CASE("redis frontier: a page's links and its ack ride on the next take, one round trip",
          "[system]") {
  redis_server server;
  run_coro([&]() -> asio::awaitable<void> {
    auto o = options_for(server, "batched");
    o.politeness.per_host = 10;
    o.ack_delay = 5s;  // only takes send the batch here
    auto f = co_await make(o);
    const auto trips = [&] { return f->client_stats().round_trips; };
    std::vector<crawl::frontier_lease> warm;  // loads the take script (NOSCRIPT, then EVAL)
    const auto warmed = co_await f->async_take(0, warm);
    REQUIRE(warmed);
    auto batch = entries({"http://b.test/0", "http://b.test/1"});
    auto pushed = co_await f->async_push(batch);
    REQUIRE(pushed);
    CHECK(*pushed == 2);  // accepted, not sent yet
    const auto before = trips();
    std::vector<crawl::frontier_lease> out;
    auto t = co_await f->async_take(10, out);
    REQUIRE(t);
    CHECK(trips() - before == 1);
    REQUIRE(out.size() == 2);
    const auto leases = out;
    // Each page: its links, then its ack; nothing goes to Redis until the take.
    batch = entries({"http://b.test/2", "http://b.test/0"});
    pushed = co_await f->async_push(batch);
    REQUIRE(pushed);
    const auto r1 = co_await f->async_finish(leases[0], crawl::finish_kind::fetched, true);
    CHECK_FALSE(r1);
    batch = entries({"http://b.test/3", "http://b.test/2"});
    pushed = co_await f->async_push(batch);
    REQUIRE(pushed);
    const auto r2 = co_await f->async_finish(leases[1], crawl::finish_kind::fetched, true);
    CHECK_FALSE(r2);
    CHECK(trips() - before == 1);
    t = co_await f->async_take(10, out);
    REQUIRE(t);
    CHECK(trips() - before == 2);
    std::vector<std::string> got = urls_of(out);
    CHECK(got == std::vector<std::string>{"http://b.test/2", "http://b.test/3"});  // seen dropped
    CHECK(f->stats().fetched == 2);
    CHECK(f->stats().seen == 4);
    CHECK(f->stats().leased == 2);
  });
}

TEST_CASE("redis frontier: politeness counts the starts of every worker together", "[system]") {
  redis_server server;
  run_coro([&]() -> asio::awaitable<void> {
    auto o = options_for(server, "polite");
    o.politeness.per_host = 3;
    o.politeness.delay = 300ms;
    auto one = co_await make(o);
    o.politeness.per_host = 50;  // a later worker's own options do not change the job's
    o.politeness.delay = 0ms;
    auto two = co_await make(o);
    CHECK(two->options().politeness.per_host == 3);
    CHECK(two->options().politeness.delay == 300ms);
    auto batch = entries({"http://h.test/1", "http://h.test/2", "http://h.test/3"});
    const auto r3 = co_await one->async_push(batch);
    REQUIRE(r3);
    std::vector<crawl::frontier_lease> a;
    std::vector<crawl::frontier_lease> b;
    auto ta = co_await one->async_take(10, a);
    REQUIRE(ta);
    CHECK(a.size() == 1);
    auto tb = co_await two->async_take(10, b);
    REQUIRE(tb);
    CHECK(b.empty());  // the host's spacing runs for both workers
    CHECK(tb->next_in > 0ms);
    CHECK(tb->next_in <= 300ms);
    co_await sleep_for(320ms);
    tb = co_await two->async_take(10, b);
    REQUIRE(tb);
    CHECK(b.size() == 1);

    // A Crawl-delay stretches the spacing for everyone, up to max_crawl_delay.
    const auto set = co_await two->async_set_crawl_delay("h.test", 5s);
    CHECK_FALSE(set);
    co_await sleep_for(350ms);
    ta = co_await one->async_take(10, a);
    REQUIRE(ta);
    CHECK(a.empty());
  });
}

TEST_CASE("redis frontier: a lease not renewed expires; the late ack of its token is ignored",
          "[system]") {
  redis_server server;
  run_coro(
      [&]() -> asio::awaitable<void> {
        auto o = options_for(server, "leases");
        o.lease = 300ms;
        auto dead = co_await make(o);
        auto alive = co_await make(o);
        auto batch = entries({"http://x.test/a"});
        const auto r4 = co_await dead->async_push(batch);
        REQUIRE(r4);
        std::vector<crawl::frontier_lease> held;
        const auto r5 = co_await dead->async_take(1, held);
        REQUIRE(r5);
        REQUIRE(held.size() == 1);
        // `dead` vanishes as a killed worker does: no renewal, no ack.
        const crawl::frontier_lease lost = held.front();
        dead.reset();
        std::vector<crawl::frontier_lease> again;
        auto t = co_await alive->async_take(1, again);
        REQUIRE(t);
        CHECK(again.empty());
        CHECK_FALSE(t->exhausted);  // a lease is out
        co_await sleep_for(400ms);
        t = co_await alive->async_take(1, again);
        REQUIRE(t);
        REQUIRE(again.size() == 1);
        CHECK(again[0].entry.url == "http://x.test/a");
        CHECK(again[0].entry.attempt == 0);
        CHECK(again[0].token != lost.token);

        // The dead worker's ack, arriving late, ends nothing.
        auto late = co_await make(o);
        const auto r6 = co_await late->async_finish(lost, crawl::finish_kind::fetched, true);
        CHECK_FALSE(r6);
        const auto r7 = co_await late->async_flush();
        CHECK_FALSE(r7);
        CHECK(late->stats().leased == 1);
        CHECK(late->stats().fetched == 0);

        // A worker that keeps working renews: its lease outlives several lease periods.
        co_await sleep_for(700ms);
        std::vector<crawl::frontier_lease> none;
        t = co_await late->async_take(1, none);
        REQUIRE(t);
        CHECK(none.empty());  // still held by `alive`
        const auto r8 = co_await alive->async_finish(again[0], crawl::finish_kind::fetched, true);
        CHECK_FALSE(r8);
        const auto r9 = co_await alive->async_flush();
        CHECK_FALSE(r9);
        t = co_await late->async_take(1, none);
        REQUIRE(t);
        CHECK(t->exhausted);
        CHECK(late->stats().fetched == 1);

        const auto executor = co_await asio::this_coro::executor;
        redis::client c(executor, plain_client(server));
        auto status = co_await crawl::async_job_status(c, "leases");
        REQUIRE(status);
        CHECK(status->exists);
        CHECK(status->expired == 1);
        CHECK(status->counters.fetched == 1);
        CHECK(status->lease == 300ms);
      },
      20s);
}

TEST_CASE("redis frontier: retries wait their backoff, Retry-After holds the host", "[system]") {
  redis_server server;
  run_coro([&]() -> asio::awaitable<void> {
    auto f = co_await make(options_for(server, "retries"));
    auto batch = entries({"http://r.test/1", "http://r.test/2"});
    const auto r10 = co_await f->async_push(batch);
    REQUIRE(r10);
    std::vector<crawl::frontier_lease> out;
    const auto r11 = co_await f->async_take(1, out);
    REQUIRE(r11);
    REQUIRE(out.size() == 1);
    const auto r12 = co_await f->async_retry(out[0], crawl::retry_kind::backoff, 300ms, true);
    CHECK_FALSE(r12);
    auto t = co_await f->async_take(5, out);
    REQUIRE(t);
    CHECK(urls_of(out) == std::vector<std::string>{"http://r.test/2"});
    CHECK(f->stats().delayed == 1);
    const auto r13 = co_await f->async_retry(out[0], crawl::retry_kind::host_busy, 300ms, true);
    CHECK_FALSE(r13);
    t = co_await f->async_take(5, out);
    REQUIRE(t);
    CHECK(out.empty());  // the host waits
    co_await sleep_for(350ms);
    t = co_await f->async_take(1, out);
    REQUIRE(t);
    REQUIRE(out.size() == 1);
    CHECK(out[0].entry.url == "http://r.test/1");  // due again, at the front
    CHECK(out[0].entry.attempt == 1);
    const auto r14 = co_await f->async_retry(out[0], crawl::retry_kind::again, 0ms, false);
    CHECK_FALSE(r14);
    t = co_await f->async_take(5, out);
    REQUIRE(t);
    REQUIRE(out.size() == 1);
    CHECK(out[0].entry.url ==
          "http://r.test/1");  // again: no attempt counted, its start given back
    CHECK(out[0].entry.attempt == 1);
  });
}

TEST_CASE("redis frontier: robots.txt fetched by one worker of the job, read by the others",
          "[system]") {
  redis_server server;
  run_coro([&]() -> asio::awaitable<void> {
    using state = crawl::shared_robots::state;
    auto o = options_for(server, "robots");
    o.lease = 300ms;  // a claim lasts a lease
    auto one = co_await make(o);
    auto two = co_await make(o);
    const std::string origin = "http://a.test:8080";
    auto r = co_await one->async_robots(origin);
    REQUIRE(r);
    CHECK(r->what == state::fetch);  // one claims the fetch
    r = co_await two->async_robots(origin);
    REQUIRE(r);
    CHECK(r->what == state::wait);  // the other waits for it
    const std::string body = "User-agent: *\nDisallow: /private/ # with spaces\n";
    const auto stored = co_await one->async_store_robots(origin, 200, body, 24h);
    CHECK_FALSE(stored);
    r = co_await two->async_robots(origin);
    REQUIRE(r);
    CHECK(r->what == state::stored);
    CHECK(r->status == 200);
    CHECK(r->body == body);
    CHECK(r->age >= 0ms);
    CHECK(r->age < 5s);

    // Kept for its 24 hours (RFC 9309 2.4), as Redis' own expiry.
    const auto executor = co_await asio::this_coro::executor;
    redis::client c(executor, plain_client(server));
    std::vector<std::string> ttl{"PTTL", "cf:{robots}:r:" + origin};
    auto left = co_await c.async_command(std::move(ttl));
    REQUIRE(left);
    CHECK(left->integer > std::chrono::milliseconds(23h).count());
    CHECK(left->integer <= std::chrono::milliseconds(24h).count());

    // No response (status 0), an empty body; and a claim whose worker died expires.
    const std::string other = "https://b.test";
    r = co_await one->async_robots(other);
    REQUIRE(r);
    CHECK(r->what == state::fetch);
    one.reset();  // dies holding the claim
    r = co_await two->async_robots(other);
    REQUIRE(r);
    CHECK(r->what == state::wait);
    co_await sleep_for(400ms);
    r = co_await two->async_robots(other);
    REQUIRE(r);
    CHECK(r->what == state::fetch);
    const auto failed = co_await two->async_store_robots(other, 0, "", 5min);
    CHECK_FALSE(failed);
    r = co_await two->async_robots(other);
    REQUIRE(r);
    CHECK(r->what == state::stored);
    CHECK(r->status == 0);
    CHECK(r->body.empty());
  });
}

TEST_CASE("redis frontier: leases released at the end of a run go back at once, not renewed",
          "[system]") {
  redis_server server;
  run_coro([&]() -> asio::awaitable<void> {
    auto o = options_for(server, "released");
    o.politeness.per_host = 5;
    auto f = co_await make(o);
    auto batch = entries({"http://l.test/1", "http://l.test/2", "http://l.test/3"});
    const auto pushed = co_await f->async_push(batch);
    REQUIRE(pushed);
    std::vector<crawl::frontier_lease> out;
    auto t = co_await f->async_take(2, out);
    REQUIRE(t);
    REQUIRE(out.size() == 2);
    f->release_leases();
    const auto flushed = co_await f->async_flush();
    CHECK_FALSE(flushed);
    auto other = co_await make(o);
    std::vector<crawl::frontier_lease> again;
    t = co_await other->async_take(5, again);
    REQUIRE(t);
    // Back at the front of the queue, before the third, no attempt counted.
    auto got = urls_of(again);
    REQUIRE(got.size() == 3);
    CHECK(got[2] == "http://l.test/3");
    std::sort(got.begin(), got.end());
    CHECK(got == std::vector<std::string>{"http://l.test/1", "http://l.test/2", "http://l.test/3"});
    for (const auto& l : again) CHECK(l.entry.attempt == 0);
    CHECK(other->stats().leased == 3);
    const auto executor = co_await asio::this_coro::executor;
    redis::client c(executor, plain_client(server));
    auto status = co_await crawl::async_job_status(c, "released");
    REQUIRE(status);
    CHECK(status->expired == 0);
  });
}

TEST_CASE("redis frontier: skipped URLs recorded once; reset removes the job", "[system]") {
  redis_server server;
  run_coro([&]() -> asio::awaitable<void> {
    auto o = options_for(server, "skips");
    o.batch_pushes = false;
    auto f = co_await make(o);
    auto skipped = entries({"http://s.test/1", "http://s.test/2"});
    const auto r15 = co_await f->async_record_skipped(skipped);
    CHECK_FALSE(r15);
    CHECK(skipped.size() == 2);
    skipped = entries({"http://s.test/2", "http://s.test/3"});
    const auto r16 = co_await f->async_record_skipped(skipped);
    CHECK_FALSE(r16);
    REQUIRE(skipped.size() == 1);
    CHECK(skipped[0].url == "http://s.test/3");
    auto pushed_batch = entries({"http://s.test/1", "http://s.test/4"});
    auto pushed = co_await f->async_push(pushed_batch);
    REQUIRE(pushed);
    CHECK(*pushed == 1);

    const auto executor = co_await asio::this_coro::executor;
    redis::client c(executor, plain_client(server));
    auto status = co_await crawl::async_job_status(c, "skips");
    REQUIRE(status);
    CHECK(status->counters.skipped == 3);
    CHECK(status->counters.seen == 4);
    CHECK(status->counters.queued == 1);
    auto removed = co_await crawl::async_reset_job(c, "skips");
    REQUIRE(removed);
    CHECK(*removed >= 5);
    status = co_await crawl::async_job_status(c, "skips");
    REQUIRE(status);
    CHECK_FALSE(status->exists);
    std::vector<crawl::frontier_lease> out;
    auto t = co_await f->async_take(1, out);
    REQUIRE_FALSE(t);
    CHECK(t.error() == redis::errc::job_missing);
    auto bad = co_await crawl::async_job_status(c, "no spaces");
    CHECK(bad.error() == crawl::errc::invalid_options);
  });
}

TEST_CASE("redis frontier: bad URL, bad job name, Redis unreachable: clear errors", "[system]") {
  std::uint16_t port = 0;
  {
    redis_server gone;
    port = gone.port();
  }
  run_coro([&]() -> asio::awaitable<void> {
    crawl::redis_frontier_options o;
    o.url = "redis://127.0.0.1:" + std::to_string(port) + "/0";
    std::string detail;
    auto f = co_await crawl::redis_frontier::async_create(o, &detail);
    REQUIRE_FALSE(f);
    CHECK(f.error() == redis::errc::connect_failed);
    INFO(detail);
    CHECK(detail.starts_with("redis://127.0.0.1:" + std::to_string(port) +
                             "/0: could not connect to Redis: "));
    CHECK(detail.find("Connection refused") != std::string::npos);
    o.url = "http://127.0.0.1/";
    f = co_await crawl::redis_frontier::async_create(o, &detail);
    CHECK(f.error() == redis::errc::invalid_url);
    CHECK(detail.starts_with("--redis \"http://127.0.0.1/\""));
    o.url = "redis://127.0.0.1:" + std::to_string(port);
    o.job = "a{b}";
    f = co_await crawl::redis_frontier::async_create(o, &detail);
    CHECK(f.error() == crawl::errc::invalid_options);
  });
}

TEST_CASE("redis frontier: the seen-set costs at most 100 bytes of Redis memory a URL",
          "[system]") {
  redis_server server;
  run_coro(
      [&]() -> asio::awaitable<void> {
        auto o = options_for(server, "memory");
        constexpr std::size_t count = 50'000;
        o.expected_urls = count;
        auto f = co_await make(o);
        std::vector<crawl::frontier_entry> batch;
        for (std::size_t i = 0; i < count; ++i) {
          batch.emplace_back().url = "http://m.test/some/path/page-" + std::to_string(i) + ".html";
          if (batch.size() == 2000) {
            const auto r17 = co_await f->async_record_skipped(batch);
            CHECK_FALSE(r17);
            batch.clear();
          }
        }
        const auto executor = co_await asio::this_coro::executor;
        redis::client c(executor, plain_client(server));
        std::uint64_t bytes = 0;
        std::size_t keys = 0;
        std::string cursor = "0";
        do {
          std::vector<std::string> scan{"SCAN",  cursor, "MATCH", "cf:\\{memory\\}:s:*",
                                        "COUNT", "1000"};
          auto r = co_await c.async_command(std::move(scan));
          REQUIRE(r);
          cursor = r->elements[0].text;
          for (const auto& k : r->elements[1].elements) {
            std::vector<std::string> usage{"MEMORY", "USAGE", k.text, "SAMPLES", "0"};
            auto u = co_await c.async_command(std::move(usage));
            REQUIRE(u);
            bytes += static_cast<std::uint64_t>(u->integer);
            ++keys;
          }
        } while (cursor != "0");
        auto status = co_await crawl::async_job_status(c, "memory");
        REQUIRE(status);
        CHECK(status->counters.seen == count);
        const double per_url = static_cast<double>(bytes) / count;
        INFO("seen-set: " << bytes << " bytes in " << keys << " keys, " << per_url
                          << " bytes a URL");
        CHECK(per_url <= 100.0);
        CHECK(per_url >= 8.0);  // a fingerprint's 7 bytes and more: the measure is real
        // Each bucket kept the compact encoding.
        std::vector<std::string> enc{"OBJECT", "ENCODING", "cf:{memory}:s:0"};
        auto e = co_await c.async_command(std::move(enc));
        REQUIRE(e);
        CHECK(e->text == "listpack");
      },
      60s);
}
