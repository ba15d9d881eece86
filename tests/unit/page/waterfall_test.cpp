// page::render_waterfall: rows on one time axis, each bar split into its phases, a failed
// fetch's time in the phase that failed; colours only when asked.
#include <corofetch/page/waterfall.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace std::chrono_literals;
namespace page = corofetch::page;

namespace {

page::page_result two_rows() {
  page::page_result p;
  p.total = 100ms;
  page::resource& d = p.document;
  d.url = "http://h.test/";
  d.kind = page::resource_kind::document;
  d.status = 200;
  d.finished = 100ms;
  page::exchange& e = d.exchanges.emplace_back();
  e.url = d.url;
  e.status = 200;
  e.timing.dns = 10ms;
  e.timing.connect = 10ms;
  e.timing.first_byte = 20ms;
  e.timing.done = 60ms;
  d.timing = e.timing;

  page::resource& f = p.images.emplace_back();
  f.url = "http://h.test/img/failed.png";
  f.error = std::make_error_code(std::errc::connection_refused);
  f.queued = 40ms;
  f.started = 50ms;
  f.finished = 85ms;
  page::exchange& x = f.exchanges.emplace_back();
  x.url = f.url;
  x.started = 50ms;
  x.timing.dns = 5ms;
  x.timing.connect = 20ms;  // the client records the failed phase's time until it failed
  return p;
}

std::string line_with(const std::string& text, const std::string& needle) {
  const auto at = text.find(needle);
  REQUIRE(at != std::string::npos);
  const auto begin = text.rfind('\n', at) == std::string::npos ? 0 : text.rfind('\n', at) + 1;
  return text.substr(begin, text.find('\n', at) - begin);
}

}  // namespace

TEST_CASE("the waterfall splits each bar into its phases on one axis", "[unit]") {
  const std::string w = page::render_waterfall(two_rows(), {80, false});
  // 80 columns: 10 offset, 4 status, 20 label, 2 spaces: 44 for 100 ms.
  const std::string doc = line_with(w, "200 /");
  CHECK(doc.rfind("      0.0 200 /                    ", 0) == 0);
  CHECK(doc.substr(35) ==
        std::string(4, 'd') + std::string(5, 'c') + std::string(9, 'w') + std::string(26, 'r'));
  // Queued at 40 ms, started at 50, failed in connect at 85 (10 ms after the client's record).
  const std::string failed = line_with(w, "/img/failed.png");
  CHECK(failed.rfind("     40.0 ERR /img/failed.png", 0) == 0);
  CHECK(failed.substr(35) ==
        std::string(18, ' ') + std::string(4, '.') + std::string(2, 'd') + std::string(13, 'c'));
  CHECK(w.find("0 ms .. 100.0 ms") != std::string::npos);
  CHECK(w.find(". queued  d dns  c connect  s tls  w wait  r receive") != std::string::npos);
  CHECK(w.find('\033') == std::string::npos);
}

TEST_CASE("the waterfall in colour: blocks and status classes", "[unit]") {
  const std::string w = page::render_waterfall(two_rows(), {80, true});
  CHECK(w.find("\033[32m200 \033[0m") != std::string::npos);
  CHECK(w.find("\033[31mERR \033[0m") != std::string::npos);
  CHECK(w.find("\033[44m" + std::string(26, ' ') + "\033[0m") != std::string::npos);
}
