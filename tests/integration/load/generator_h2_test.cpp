// The load generator over HTTP/2 (h2c with prior knowledge) against the scripted peer: streams
// multiplexed on a connection, a GOAWAY's unprocessed streams sent again on a new connection,
// a reset stream counted as an error, the server's stream limit obeyed.
#include <corofetch/load/generator.hpp>

#include "http2/h2_peer.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using corofetch::client::http_version_choice;
using corofetch::load::error_kind;
using corofetch::load::generator;
using corofetch::load::options;
using corofetch::load::report;
using corofetch::load::target;
using corofetch::test::h2_peer;
using namespace std::chrono_literals;

namespace {

// create() opens one connection to check the target answers: the peer's first. The scenario
// plays on the second, the run's first.
std::vector<std::string> peer_args(int connections) {
  return {"--connections", std::to_string(connections), "--scenario-on", "2", "--lifetime", "20"};
}

target get(const h2_peer& peer, const std::string& path) {
  target t;
  t.url = "http://127.0.0.1:" + std::to_string(peer.port()) + path;
  return t;
}

options h2_run(std::uint64_t requests, std::size_t streams) {
  options o;
  o.connections = 1;
  o.threads = 1;
  o.requests = requests;
  o.duration = 0s;
  o.pipeline = streams;
  o.timeout = 10s;
  o.http_version = http_version_choice::http2_prior_knowledge;
  return o;
}

report run(const options& o, std::vector<target> targets) {
  std::string detail;
  auto g = generator::create(o, targets, &detail);
  INFO(detail);
  REQUIRE(g);
  return (*g)->run();
}

std::uint64_t errors(const report& r) {
  std::uint64_t n = 0;
  for (auto e : r.total.errors) n += e;
  return n;
}

}  // namespace

TEST_CASE("load h2: streams multiplexed on one connection, every response counted",
          "[integration]") {
  CF_REQUIRE_H2_PEER();
  h2_peer peer("normal", peer_args(2));
  const report r = run(h2_run(300, 10), {get(peer, "/size/100"), get(peer, "/size/2000")});
  CHECK(r.total.requests == 300);
  CHECK(r.total.status.at(200) == 300);
  CHECK(errors(r) == 0);
  CHECK(r.total.connects == 1);
  CHECK(r.total.http2_connects == 1);
  CHECK(r.total.latency.total_count() == 300);
  // Bodies of 100 and 2,000 bytes, each in DATA frames with 9-byte headers, and more.
  CHECK(r.total.bytes_read > 150 * 100 + 150 * 2000);
  CHECK(r.total.in_flight_at_end == 0);
}

TEST_CASE("load h2: a GOAWAY's unprocessed streams are sent again on a new connection",
          "[integration]") {
  CF_REQUIRE_H2_PEER();
  // The run's first connection answers 3 of 6 streams, then GOAWAY names the third.
  auto args = peer_args(3);
  args.insert(args.end(), {"--streams", "6", "--answer", "3"});
  h2_peer peer("goaway", args);
  const report r = run(h2_run(6, 6), {get(peer, "/a")});
  CHECK(r.total.requests == 6);
  CHECK(r.total.status.at(200) == 6);
  CHECK(errors(r) == 0);
  CHECK(r.total.connects == 2);
  CHECK(r.total.http2_connects == 2);
}

TEST_CASE("load h2: a stream the server resets is a protocol error; the others go on",
          "[integration]") {
  CF_REQUIRE_H2_PEER();
  h2_peer peer("rst", peer_args(2));
  const report r = run(h2_run(40, 4), {get(peer, "/ok"), get(peer, "/reset")});
  CHECK(r.total.requests == 20);
  CHECK(r.total.status.at(200) == 20);
  CHECK(r.total.errors[static_cast<std::size_t>(error_kind::protocol)] == 20);
  CHECK(errors(r) == 20);
  CHECK(r.total.connects == 1);  // a reset ends a stream, not the connection
}

TEST_CASE("load h2: never more streams than SETTINGS_MAX_CONCURRENT_STREAMS allow",
          "[integration]") {
  CF_REQUIRE_H2_PEER();
  // The peer allows one stream and refuses (REFUSED_STREAM) any beyond it: the streams sent
  // before its SETTINGS arrived are refused, unprocessed, and sent again one at a time.
  h2_peer peer("limit1", peer_args(2));
  const report r = run(h2_run(12, 8), {get(peer, "/x")});
  CHECK(r.total.requests == 12);
  CHECK(r.total.status.at(200) == 12);
  CHECK(errors(r) == 0);
  CHECK(r.total.connects == 1);
}

TEST_CASE("load h2: a server that never answers: every stream is a timeout", "[integration]") {
  CF_REQUIRE_H2_PEER();
  // "noack" never answers: the requests time out, and their connection is closed.
  h2_peer peer("noack", peer_args(2));
  options o = h2_run(2, 2);
  o.timeout = 300ms;
  const report r = run(o, {get(peer, "/x")});
  CHECK(r.total.requests == 0);
  CHECK(r.total.errors[static_cast<std::size_t>(error_kind::timeout)] == 2);
}

TEST_CASE("load h2: the open loop sends on schedule over streams, latency from intended times",
          "[integration]") {
  CF_REQUIRE_H2_PEER();
  h2_peer peer("normal", peer_args(2));
  options o = h2_run(0, 8);
  o.requests = 0;
  o.duration = 1s;
  o.rate = 200;  // 200 requests a second on one connection: about 200 in the second
  const report r = run(o, {get(peer, "/size/10")});
  CHECK(errors(r) == 0);
  CHECK(r.total.requests >= 120);  // the schedule holds; a slow (sanitized) build may lag
  CHECK(r.total.requests <= 201);
  CHECK(r.total.latency.total_count() == r.total.requests);
  CHECK(r.total.uncorrected_latency.total_count() == r.total.requests);
  CHECK(r.total.http2_connects == 1);
}
