// bench_dns_resolve: one measurement per run, printed as one "key=value" line for run.sh.
//
//   bench_dns_resolve --mode corofetch   --server 127.53.0.1:53 --names names.txt --total 100000
//   bench_dns_resolve --mode cares       ...   raw c-ares ares_query, same outstanding count
//   bench_dns_resolve --mode cares-deferred    the same, next query started outside c-ares
//   bench_dns_resolve --mode getaddrinfo ...   glibc from --threads threads (resolv.conf's server)
//   bench_dns_resolve --mode resolve     ...   corofetch async_resolve (IPv4), what a client calls
//   bench_dns_resolve --mode cached      ...   lookups answered by the resolver's cache
//   bench_dns_resolve --mode burst       ...   --total lookups of distinct names started at once
//
// names.txt is dnsperf's input ("name A" a line); every name must have an A record.
#include "bench_stats.hpp"

#include <corofetch/dns/resolver.hpp>

#include <CLI/CLI.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>

#include <netdb.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace dns = corofetch::dns;
using dns_bench::run_stats;

namespace {

struct settings {
  std::string mode;
  std::string server;
  std::string names_file;
  std::uint64_t total = 100000;
  std::size_t outstanding = 100;
  std::size_t threads = 64;
  std::size_t max_in_flight = 256;
};

std::vector<std::string> read_names(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + file);
  std::vector<std::string> names;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string name;
    if (fields >> name) names.push_back(name);
  }
  if (names.empty()) throw std::runtime_error(file + " has no name");
  return names;
}

// The measured part ends when the last lookup completes, not when io.run() returns: the
// resolver may still hold a timer then, and that idle time is not lookup time.
struct finish_line {
  asio::io_context& io;
  std::uint64_t total;
  double cpu0 = dns_bench::process_cpu_seconds();
  std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();

  void check(run_stats& s) const {
    if (s.queries != total) return;
    s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    s.cpu_seconds = dns_bench::process_cpu_seconds() - cpu0;
    io.stop();
  }
};

void count(run_stats& s, const corofetch::result<std::vector<dns::record>>& r) {
  ++s.queries;
  if (r && !r->empty()) {
    ++s.ok;
  } else if (!r && r.error() == dns::errc::timeout) {
    ++s.timeouts;
  } else {
    ++s.errors;
  }
}

dns::resolver_options resolver_options(const settings& cfg, bool cache) {
  dns::resolver_options o;
  o.servers = {cfg.server};
  o.hosts_file.clear();
  o.search_domains = std::vector<std::string>{};
  o.max_in_flight = cfg.max_in_flight;
  o.cache.max_entries = cache ? 1'000'000 : 0;
  return o;
}

// `outstanding` coroutines, each taking the next name until `total` lookups are done: the
// same load shape as dnsperf -q and the c-ares baseline.
asio::awaitable<void> worker(dns::resolver& r, const std::vector<std::string>& names,
                             std::uint64_t& next, const finish_line& finish, bool use_resolve,
                             run_stats& s) {
  while (next < finish.total) {
    const auto& name = names[next++ % names.size()];
    if (use_resolve) {
      auto a = co_await r.async_resolve(name, 80, dns::address_family::ipv4);
      ++s.queries;
      if (a && !a->empty()) {
        ++s.ok;
      } else if (!a && a.error() == dns::errc::timeout) {
        ++s.timeouts;
      } else {
        ++s.errors;
      }
    } else {
      // co_await kept out of the call's arguments: g++ 12 miscompiles some such forms.
      auto answer = co_await r.async_query(name, dns::record_type::a);
      count(s, answer);
    }
    finish.check(s);
  }
}

run_stats run_workers(dns::resolver& r, asio::io_context& io, const std::vector<std::string>& names,
                      std::uint64_t total, std::size_t outstanding, bool use_resolve) {
  run_stats s;
  std::uint64_t next = 0;
  const finish_line finish{io, total};
  for (std::size_t i = 0; i < outstanding; ++i) {
    asio::co_spawn(io, worker(r, names, next, finish, use_resolve, s), asio::detached);
  }
  io.run();
  io.restart();
  return s;
}

run_stats run_corofetch(const settings& cfg, const std::vector<std::string>& names,
                        bool use_resolve) {
  asio::io_context io(1);
  dns::resolver r(io.get_executor(), resolver_options(cfg, false));
  return run_workers(r, io, names, cfg.total, cfg.outstanding, use_resolve);
}

// Cache hits: every name looked up once (misses, real queries), then `total` lookups of the
// same names from one coroutine, each answered from the cache.
run_stats run_cached(const settings& cfg, const std::vector<std::string>& names) {
  asio::io_context io(1);
  dns::resolver r(io.get_executor(), resolver_options(cfg, true));
  auto warm = run_workers(r, io, names, names.size(), cfg.outstanding, false);
  if (warm.ok != names.size()) throw std::runtime_error("warm-up lookups failed");
  const auto sent = r.stats().queries_sent;
  auto s = run_workers(r, io, names, cfg.total, 1, false);
  if (r.stats().queries_sent != sent) {
    throw std::runtime_error("cached lookups sent queries: the cache did not answer them");
  }
  return s;
}

asio::awaitable<void> one_lookup(dns::resolver& r, std::string name, const finish_line& finish,
                                 run_stats& s) {
  auto answer = co_await r.async_query(std::move(name), dns::record_type::a);
  count(s, answer);
  finish.check(s);
}

// Every lookup started at once: the resolver must queue what exceeds its in-flight bound and
// lose none to a timeout (the kernel drops replies above ~300 on one UDP socket).
run_stats run_burst(const settings& cfg, const std::vector<std::string>& names) {
  asio::io_context io(1);
  dns::resolver r(io.get_executor(), resolver_options(cfg, false));
  run_stats s;
  const finish_line finish{io, cfg.total};
  for (std::uint64_t i = 0; i < cfg.total; ++i) {
    asio::co_spawn(io, one_lookup(r, names[i % names.size()], finish, s), asio::detached);
  }
  io.run();
  return s;
}

// glibc's stub resolver, blocking, one lookup per thread at a time: how a program without an
// asynchronous resolver does it. Its server is resolv.conf's (run.sh gives it a private one).
run_stats run_getaddrinfo(const settings& cfg, const std::vector<std::string>& names) {
  std::atomic<std::uint64_t> next{0};
  std::atomic<std::uint64_t> ok{0};
  std::atomic<std::uint64_t> failed{0};
  const double cpu0 = dns_bench::process_cpu_seconds();
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (std::size_t t = 0; t < cfg.threads; ++t) {
    pool.emplace_back([&] {
      addrinfo hints{};
      hints.ai_family = AF_INET;
      hints.ai_socktype = SOCK_STREAM;
      for (auto i = next++; i < cfg.total; i = next++) {
        addrinfo* res = nullptr;
        if (::getaddrinfo(names[i % names.size()].c_str(), "80", &hints, &res) == 0) {
          ++ok;
          ::freeaddrinfo(res);
        } else {
          ++failed;
        }
      }
    });
  }
  for (auto& t : pool) t.join();
  run_stats s;
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  s.cpu_seconds = dns_bench::process_cpu_seconds() - cpu0;
  s.ok = ok;
  s.errors = failed;
  s.queries = ok + failed;
  return s;
}

void print(const std::string& mode, const run_stats& s) {
  const double qps = s.seconds > 0 ? static_cast<double>(s.queries) / s.seconds : 0;
  const double cpu_us = s.queries > 0 ? s.cpu_seconds * 1e6 / static_cast<double>(s.queries) : 0;
  std::printf(
      "mode=%s queries=%llu ok=%llu timeouts=%llu errors=%llu seconds=%.4f qps=%.0f "
      "cpu_us_per_query=%.3f\n",
      mode.c_str(), static_cast<unsigned long long>(s.queries),
      static_cast<unsigned long long>(s.ok), static_cast<unsigned long long>(s.timeouts),
      static_cast<unsigned long long>(s.errors), s.seconds, qps, cpu_us);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_dns_resolve: DNS lookups per second, corofetch and its baselines"};
  settings cfg;
  app.add_option("--mode", cfg.mode,
                 "corofetch, resolve, cares, cares-deferred, getaddrinfo, cached, burst")
      ->required()
      ->check(CLI::IsMember(
          {"corofetch", "resolve", "cares", "cares-deferred", "getaddrinfo", "cached", "burst"}));
  app.add_option("--server", cfg.server, "DNS server ADDR:PORT")->required();
  app.add_option("--names", cfg.names_file, "dnsperf input file: 'name A' a line")->required();
  app.add_option("--total", cfg.total, "Lookups to make");
  app.add_option("--outstanding", cfg.outstanding, "Lookups in flight (dnsperf -q)");
  app.add_option("--threads", cfg.threads, "getaddrinfo threads");
  app.add_option("--max-in-flight", cfg.max_in_flight, "resolver_options::max_in_flight");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    const auto names = read_names(cfg.names_file);
    run_stats s;
    if (cfg.mode == "corofetch") s = run_corofetch(cfg, names, false);
    if (cfg.mode == "resolve") s = run_corofetch(cfg, names, true);
    if (cfg.mode == "cares" || cfg.mode == "cares-deferred") {
      s = dns_bench::run_cares(cfg.server, names, cfg.total, cfg.outstanding,
                               cfg.mode == "cares-deferred");
    }
    if (cfg.mode == "getaddrinfo") s = run_getaddrinfo(cfg, names);
    if (cfg.mode == "cached") s = run_cached(cfg, names);
    if (cfg.mode == "burst") s = run_burst(cfg, names);
    print(cfg.mode, s);
    return s.queries == s.ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "bench_dns_resolve: " << e.what() << '\n';
    return 2;
  }
}
