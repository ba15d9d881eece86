// cf-lookup: DNS lookups like dig and nslookup, over corofetch::dns::resolver.
//
//   cf-lookup -t MX example.test --server 127.0.0.1:5353
//   cf-lookup -x 127.0.0.1 --json
//   cf-lookup --trace www.example.test AAAA --root 127.0.0.2:5353
//
// Prints each record as a zone-file line "name TTL IN TYPE data" (MX sorted by preference);
// --json prints one object a line. --trace resolves from the root servers down instead of
// asking a recursive server, printing each step as dig +trace does (--json: the steps in the
// object). Exit status: 0 when every name had an answer, 1 when some had none (NXDOMAIN or
// NODATA), 2 on any other error.
#include <corofetch/dns/error.hpp>
#include <corofetch/dns/iterative_resolver.hpp>
#include <corofetch/dns/record.hpp>
#include <corofetch/dns/resolver.hpp>
#include <corofetch/dns/reverse_name.hpp>

#include <CLI/CLI.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

namespace dns = corofetch::dns;

namespace {

struct lookup {
  std::string name;
  dns::record_type type;
};

// The short names dig and nslookup users know.
std::string error_name(std::error_code ec) {
  if (ec == dns::errc::nxdomain) return "NXDOMAIN";
  if (ec == dns::errc::nodata) return "NODATA";
  if (ec == dns::errc::servfail) return "SERVFAIL";
  if (ec == dns::errc::refused) return "REFUSED";
  if (ec == dns::errc::timeout) return "TIMEOUT";
  if (ec == dns::errc::bad_name) return "BADNAME";
  if (ec == dns::errc::malformed_answer) return "MALFORMED";
  if (ec == dns::errc::connection_refused) return "CONNREFUSED";
  if (ec == dns::errc::format_error) return "FORMERR";
  if (ec == dns::errc::not_implemented) return "NOTIMP";
  if (ec == dns::errc::lame_delegation) return "LAME";
  if (ec == dns::errc::resolution_loop) return "LOOP";
  if (ec == dns::errc::query_limit) return "LIMIT";
  return "ERROR";
}

nlohmann::json to_json(const std::vector<dns::record>& records) {
  auto out = nlohmann::json::array();
  for (const auto& rec : records) {
    out.push_back({{"name", dns::fully_qualified(rec.name)},
                   {"type", dns::to_string(rec.type)},
                   {"ttl", rec.ttl},
                   {"data", dns::to_presentation(rec.data)}});
  }
  return out;
}

nlohmann::json to_json(const lookup& l, const corofetch::result<std::vector<dns::record>>& r) {
  nlohmann::json out{{"name", l.name}, {"type", dns::to_string(l.type)}};
  if (!r) {
    out["error"] = error_name(r.error());
    out["message"] = r.error().message();
    return out;
  }
  out["records"] = to_json(r.value());
  return out;
}

nlohmann::json to_json(const dns::trace_step& step) {
  nlohmann::json out{{"depth", step.depth},
                     {"zone", dns::fully_qualified(step.zone)},
                     {"server", step.server_name.empty() ? step.server.address().to_string()
                                                         : dns::fully_qualified(step.server_name)},
                     {"address", step.server.address().to_string()},
                     {"port", step.server.port()},
                     {"query", dns::fully_qualified(step.query_name)},
                     {"query_type", dns::to_string(step.query_type)},
                     {"transport", step.transport == dns::query_transport::tcp ? "tcp" : "udp"},
                     {"outcome", dns::to_string(step.outcome)},
                     {"ms", static_cast<double>(step.elapsed.count()) / 1000.0},
                     {"bytes", step.bytes_received}};
  if (step.error) out["error"] = error_name(step.error);
  if (step.bytes_received == 0) return out;
  out["rcode"] = step.rcode;
  out["aa"] = step.authoritative;
  out["answer"] = to_json(step.answer);
  out["authority"] = to_json(step.authority);
  out["additional"] = to_json(step.additional);
  return out;
}

// --trace: each lookup resolved from the root, its steps printed as dig +trace prints them.
asio::awaitable<int> run_trace(dns::iterative_resolver& resolver, std::vector<lookup> lookups,
                               bool json) {
  int status = 0;
  for (const auto& l : lookups) {
    auto r = co_await resolver.async_resolve(l.name, l.type);
    const auto result = r.error ? corofetch::result<std::vector<dns::record>>(r.error)
                                : corofetch::result<std::vector<dns::record>>(r.records);
    if (json) {
      auto out = to_json(l, result);
      out["steps"] = nlohmann::json::array();
      for (const auto& step : r.steps) out["steps"].push_back(to_json(step));
      std::cout << out.dump() << '\n';
    } else {
      for (const auto& step : r.steps) std::cout << dns::to_dig_trace(step);
      if (!r.error) std::cout << ";; ANSWER after " << r.steps.size() << " queries\n";
      for (const auto& rec : r.records) std::cout << dns::to_dig_line(rec) << '\n';
    }
    if (r.error && !json) {
      std::cerr << "cf-lookup: " << l.name << " " << dns::to_string(l.type) << ": "
                << error_name(r.error) << " (" << r.error.message() << ")\n";
    }
    if (r.error) status = std::max(status, dns::is_negative(r.error) ? 1 : 2);
  }
  std::cout.flush();
  co_return status;
}

asio::awaitable<int> run(dns::resolver& resolver, std::vector<lookup> lookups, bool json) {
  int status = 0;
  for (const auto& l : lookups) {
    auto r = co_await resolver.async_query(l.name, l.type);
    if (json) {
      std::cout << to_json(l, r).dump() << '\n';
    } else if (r) {
      for (const auto& rec : r.value()) std::cout << dns::to_zone_line(rec) << '\n';
    } else {
      std::cerr << "cf-lookup: " << l.name << " " << dns::to_string(l.type) << ": "
                << error_name(r.error()) << " (" << r.error().message() << ")\n";
    }
    if (!r) status = std::max(status, dns::is_negative(r.error()) ? 1 : 2);
  }
  std::cout.flush();
  co_return status;
}

int run_iterative(std::vector<lookup> lookups, const std::vector<std::string>& roots,
                  int timeout_ms, bool json) {
  dns::iterative_resolver_options options;
  options.root_servers = roots;
  options.query_timeout = std::chrono::milliseconds(timeout_ms);
  if (!roots.empty()) {
    const auto first = dns::parse_server_address(roots.front(), 53);
    if (!first) {
      std::cerr << "cf-lookup: --root needs ADDR[:PORT], not '" << roots.front() << "'\n";
      return 2;
    }
    options.port = first->port();  // as dig +trace -p: one port for the whole hierarchy
  }
  try {
    asio::io_context io;
    dns::iterative_resolver resolver(io.get_executor(), options);
    int status = 2;
    asio::co_spawn(io, run_trace(resolver, std::move(lookups), json),
                   [&status](const std::exception_ptr& e, int s) {
                     if (e) std::rethrow_exception(e);
                     status = s;
                   });
    io.run();
    return status;
  } catch (const std::exception& e) {
    std::cerr << "cf-lookup: " << e.what() << '\n';
    return 2;
  }
}

int run(int argc, char** argv) {
  CLI::App app{"cf-lookup: DNS lookups (A, AAAA, MX, NS, CNAME, TXT, SOA, SRV, PTR) like dig"};
  std::vector<std::string> names;
  std::vector<std::string> reverse;
  std::vector<std::string> servers;
  std::string type_text = "A";
  bool json = false;
  bool trace = false;
  std::vector<std::string> roots;
  int timeout_ms = 2000;
  int tries = 2;
  app.add_option("names", names, "Names to look up");
  app.add_option("-t,--type", type_text, "Record type: A AAAA MX NS CNAME TXT SOA SRV PTR");
  // One value per occurrence (repeatable), so "--server ADDR NAME..." leaves the names alone.
  app.add_option("-x,--reverse", reverse, "Reverse lookup (PTR) of an IPv4 or IPv6 address")
      ->allow_extra_args(false);
  app.add_option("--server,--dns-server", servers, "DNS server ADDR[:PORT] (IPv6 as [ADDR]:PORT)")
      ->allow_extra_args(false);
  app.add_flag("--json", json, "One JSON object a line");
  app.add_flag("--trace", trace, "Resolve from the root servers down, each step as dig +trace");
  app.add_option("--root", roots,
                 "With --trace: a root server ADDR[:PORT] instead of the root hints (repeatable);"
                 " its port is also the one every server below is asked on")
      ->allow_extra_args(false);
  app.add_option("--timeout", timeout_ms, "Milliseconds per try")->check(CLI::Range(1, 600000));
  app.add_option("--tries", tries, "Tries per server")->check(CLI::Range(1, 20));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  // dig's order for a trace: NAME [TYPE].
  if (trace && names.size() == 2 && dns::parse_record_type(names[1])) {
    type_text = names[1];
    names.pop_back();
  }
  const auto type = dns::parse_record_type(type_text);
  if (!type) {
    std::cerr << "cf-lookup: unknown record type '" << type_text << "'\n";
    return 2;
  }
  std::vector<lookup> lookups;
  lookups.reserve(names.size() + reverse.size());
  for (const auto& n : names) lookups.push_back({n, *type});
  for (const auto& address : reverse) {
    auto name = dns::reverse_name(std::string_view(address));
    if (!name) {
      std::cerr << "cf-lookup: -x needs an IPv4 or IPv6 address, not '" << address << "'\n";
      return 2;
    }
    lookups.push_back({name.value(), dns::record_type::ptr});
  }
  if (lookups.empty()) {
    std::cerr << "cf-lookup: nothing to look up (give a NAME or -x ADDR; --help)\n";
    return 2;
  }

  if (trace) return run_iterative(std::move(lookups), roots, timeout_ms, json);

  dns::resolver_options options;
  options.servers = servers;
  options.timeout = std::chrono::milliseconds(timeout_ms);
  options.tries = tries;
  options.hosts_file.clear();  // like dig: DNS only
  try {
    asio::io_context io;
    dns::resolver resolver(io.get_executor(), options);
    int status = 2;
    asio::co_spawn(io, run(resolver, std::move(lookups), json),
                   [&status](const std::exception_ptr& e, int s) {
                     if (e) std::rethrow_exception(e);
                     status = s;
                   });
    io.run();
    return status;
  } catch (const std::exception& e) {
    std::cerr << "cf-lookup: " << e.what() << '\n';
    return 2;
  }
}
}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {  // e.g. out of memory: still one clear line
    std::fprintf(stderr, "cf-lookup: %s\n", e.what());
    return 2;
  }
}
