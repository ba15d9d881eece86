// dns, client, page and load (and crawl's robots.txt once fetched) against a loopback server.
// No query leaves the machine: names come from a hosts file or --resolve style overrides, and
// the only DNS server named is loopback's discard port.
#include "checks.hpp"
#include "site_server.hpp"

#include <corofetch/client/client.hpp>
#include <corofetch/crawl/robots.hpp>
#include <corofetch/dns/resolver.hpp>
#include <corofetch/load/generator.hpp>
#include <corofetch/page/loader.hpp>

#include <fmt/core.h>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <chrono>
#include <exception>
#include <fstream>

namespace consumer {
namespace {

using namespace std::chrono_literals;

std::map<std::string, site_file> site() {
  return {{"/", {"text/html; charset=utf-8", std::string(index_html)}},
          {"/robots.txt", {"text/plain", std::string(robots_txt)}},
          {"/img/a.png", {"image/png", std::string(100, 'a')}},
          {"/img/b.png", {"image/png", std::string(200, 'b')}},
          {"/img/c.png", {"image/png", std::string(300, 'c')}}};
}

corofetch::dns::resolver_options offline_resolver(const std::string& work_dir) {
  corofetch::dns::resolver_options o;
  o.hosts_file = work_dir + "/hosts";
  std::ofstream(o.hosts_file) << "127.0.0.1 localhost gallery.test\n";
  o.servers = {"127.0.0.1:9"};
  o.timeout = 500ms;
  o.tries = 1;
  return o;
}

asio::awaitable<void> check_resolver(corofetch::dns::resolver& resolver) {
  const auto found =
      co_await resolver.async_resolve("localhost", 80, corofetch::dns::address_family::ipv4);
  const asio::ip::tcp::endpoint expected(asio::ip::make_address("127.0.0.1"), 80);
  expect(found && found->size() == 1 && found->front().endpoint == expected,
         "dns: localhost is 127.0.0.1 in the hosts file");
}

asio::awaitable<void> check_client(corofetch::client::client& http, std::string origin) {
  const auto robots = co_await http.async_get(origin + "/robots.txt");
  expect(robots && robots->status == 200 && robots->body == robots_txt, "client: GET /robots.txt");
  if (!robots) co_return;
  const auto rules = corofetch::crawl::robots::parse(robots->body).rules_for("corofetch");
  expect(!rules.allowed("/private/x"), "crawl: the fetched robots.txt disallows /private/");
}

asio::awaitable<void> check_page(corofetch::client::client& http, std::string origin) {
  corofetch::page::loader pages(http, {.concurrency = 4, .per_host = 2});
  const auto page = co_await pages.async_load(origin + "/");
  expect(page && page->document.status == 200 && page->title == "Consumer page",
         "page: the document");
  expect(page && page->images.size() == 3 && page->failed() == 0 &&
             page->bytes() == index_html.size() + 600,
         "page: its three images");
}

asio::awaitable<void> check_event_loop(corofetch::dns::resolver& resolver,
                                       corofetch::client::client& http, std::string origin) {
  co_await check_resolver(resolver);
  co_await check_client(http, origin);
  co_await check_page(http, origin);
  http.close_idle();
}

void check_load(std::uint16_t port) {
  corofetch::load::options o;
  o.connections = 1;
  o.threads = 1;
  o.duration = 0s;
  o.requests = 10;
  o.timeout = 5s;
  o.connect_timeout = 5s;
  o.resolve_overrides = {{"gallery.test", port, "127.0.0.1"}};
  o.dns_servers = {"127.0.0.1:9"};
  const std::vector<corofetch::load::target> targets{
      {.url = fmt::format("http://gallery.test:{}/", port)}};
  std::string detail;
  auto generator = corofetch::load::generator::create(o, targets, &detail);
  expect(generator.has_value(), "load: a generator (" + detail + ")");
  if (!generator) return;
  const auto report = (*generator)->run();
  const auto ok = report.total.status.find(200);
  expect(report.total.requests == 10 && ok != report.total.status.end() && ok->second == 10,
         "load: 10 requests, 10 responses 200");
}

}  // namespace

void check_network(const std::string& work_dir) {
  const site_server server(site());
  const std::string origin = fmt::format("http://gallery.test:{}", server.port());
  {
    asio::io_context io;
    corofetch::dns::resolver resolver(io.get_executor(), offline_resolver(work_dir));
    corofetch::client::client http(resolver);
    bool finished = false;
    asio::co_spawn(io, check_event_loop(resolver, http, origin), [&](const std::exception_ptr& e) {
      if (e) std::rethrow_exception(e);
      finished = true;
    });
    io.run();
    expect(finished, "the event loop ran every check");
  }
  check_load(server.port());
}

}  // namespace consumer
