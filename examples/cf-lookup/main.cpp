// cf-lookup: DNS lookups as dig does them, over corofetch::dns.
//
//   cf-lookup @127.0.0.1#5353 example.test MX
//   cf-lookup @127.0.0.1 -p 5353 www.example.test +short
//   cf-lookup -x 127.0.0.1 --server 127.0.0.1:5353 --json
//   cf-lookup www.example.test AAAA +trace --root 127.0.0.2:5353
//
// Asks one name server (each @SERVER or --server in turn, else /etc/resolv.conf's) and prints
// its reply as dig does: header, sections (a CNAME chain hop by hop, MX by preference, SRV by
// priority then weight), and the footer with the query time, server, date and message size;
// +short prints the answer's data only. +trace (--trace) resolves from the root servers down
// instead. --json prints one JSON document. Exit status in --help.
#include "dig_args.hpp"
#include "report.hpp"

#include <corofetch/dns/error.hpp>
#include <corofetch/dns/iterative_resolver.hpp>
#include <corofetch/dns/resolver.hpp>
#include <corofetch/dns/reverse_name.hpp>
#include <corofetch/dns/root_hints.hpp>
#include <corofetch/dns/server_query.hpp>
#include <corofetch/version.hpp>

#include <CLI/CLI.hpp>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/this_coro.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace dns = corofetch::dns;
using cf_lookup::dig_request;
using cf_lookup::lookup;

namespace {

constexpr int exit_usage = 2;
const char* const exit_codes_help =
    "Exit codes:\n"
    "  0  every name had an answer\n"
    "  1  some name had none: NXDOMAIN or NODATA\n"
    "  2  bad usage, or any other failure (no reply, SERVFAIL, REFUSED, a CNAME loop, ...)";

// The long options; dig's words go to `words`.
struct options {
  std::vector<std::string> words;
  std::vector<std::string> reverse;
  std::vector<std::string> servers;
  std::string type_text = "A";
  std::uint16_t port = 53;
  bool json = false;
  bool trace = false;
  bool short_output = false;
  bool tcp = false;
  std::vector<std::string> roots;
  int timeout_ms = 2000;
  int tries = 2;
};

// With --json, a failure is a JSON document on stdout too; the line on stderr is for people.
int usage_error(const std::string& problem, bool json) {
  std::cerr << "cf-lookup: " << problem << " (see --help)\n";
  if (json) {
    const nlohmann::json doc{{"error", {{"message", problem}, {"exit_code", exit_usage}}}};
    std::cout << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  }
  return exit_usage;
}

void add_options(CLI::App& app, options& o) {
  app.add_option("words", o.words,
                 "dig's words: [@SERVER] NAME [TYPE] ... [+option ...]; a SERVER is ADDR, "
                 "ADDR#PORT, ADDR:PORT or [IPv6]:PORT");
  app.add_option("-t,--type", o.type_text,
                 "Type of the names without one: A AAAA MX NS CNAME TXT SOA SRV PTR CAA ANY, "
                 "or any as TYPEnnn (RFC 3597)");
  // One value per occurrence (repeatable), so "--server ADDR NAME..." leaves the names alone.
  app.add_option("-x,--reverse", o.reverse, "Reverse lookup (PTR) of an IPv4 or IPv6 address")
      ->allow_extra_args(false);
  app.add_option("--server,--dns-server", o.servers,
                 "DNS server ADDR[:PORT] (IPv6 as [ADDR]:PORT; repeatable), as @SERVER")
      ->allow_extra_args(false);
  app.add_option("-p,--port", o.port, "Port of servers given without one (dig -p)")
      ->check(CLI::Range(1, 65535));
  app.add_flag("--json", o.json, "One JSON document on stdout, also on failure");
  app.add_flag("--short", o.short_output, "The answer's data only, as +short");
  app.add_flag("--tcp", o.tcp, "Ask over TCP, as +tcp");
  app.add_flag("--trace", o.trace, "Resolve from the root servers down, as +trace");
  app.add_option("--root", o.roots,
                 "With --trace: a root server ADDR[:PORT] instead of the root hints (repeatable);"
                 " its port is also the one every server below is asked on")
      ->allow_extra_args(false);
  app.add_option("--timeout", o.timeout_ms, "Milliseconds per try (+time=SECONDS)")
      ->check(CLI::Range(1, 600000));
  app.add_option("--tries", o.tries, "Tries per server (+tries=N)")->check(CLI::Range(1, 20));
  app.set_version_flag("--version", std::string("cf-lookup ") + corofetch::version_string);
  app.footer(cf_lookup::dig_options_help() + "\n\n" + exit_codes_help);
}

// The questions: dig's words, then each -x address as its PTR name.
std::optional<std::string> plan(const options& o, dig_request& request) {
  const auto type = dns::parse_record_type(o.type_text);
  if (!type) {
    if (auto problem = cf_lookup::unsupported_type(o.type_text)) return problem;
    return "unknown record type '" + o.type_text + "' (a name, or TYPEnnn)";
  }
  if (auto problem = cf_lookup::parse_dig_words(o.words, *type, request)) return problem;
  for (const auto& address : o.reverse) {
    auto name = dns::reverse_name(std::string_view(address));
    if (!name) return "-x needs an IPv4 or IPv6 address, not '" + address + "'";
    request.lookups.push_back({name.value(), dns::record_type::ptr});
  }
  if (request.lookups.empty()) return std::string("nothing to look up (give a NAME or -x ADDR)");
  request.short_output = request.short_output || o.short_output;
  request.trace = request.trace || o.trace;
  return std::nullopt;
}

struct server {
  asio::ip::udp::endpoint endpoint;
  std::string label;  // as dig shows it in ";; SERVER: ADDR#PORT(LABEL)"
  std::string host;   // a server named by host name (@localhost): looked up first
};

// A host name, not a mistyped address: letters in it, no port or bracket.
bool is_host_name(const std::string& text) {
  const bool has_letter =
      std::any_of(text.begin(), text.end(), [](unsigned char c) { return std::isalpha(c) != 0; });
  return has_letter && text.find_first_of(":[]#/ ") == std::string::npos;
}

// @SERVER and --server, checked (a bad address or port is bad usage); /etc/resolv.conf's when
// none is given.
std::optional<std::string> pick_servers(const options& o, const dig_request& request,
                                        std::vector<server>& out) {
  std::vector<std::string> given = request.servers;
  given.insert(given.end(), o.servers.begin(), o.servers.end());
  for (const auto& text : given) {
    const auto endpoint = dns::parse_server_address(text, o.port);
    if (!endpoint && is_host_name(text)) {
      out.push_back({asio::ip::udp::endpoint(asio::ip::udp::v4(), o.port), text, text});
      continue;
    }
    if (!endpoint) {
      return "bad server '" + text +
             "': give ADDR, ADDR#PORT, ADDR:PORT, [IPv6]:PORT or a host name, a port from 1 to "
             "65535";
    }
    out.push_back({*endpoint, endpoint->address().to_string(), {}});
  }
  if (!out.empty() || request.trace) return std::nullopt;
  auto system = dns::system_name_servers();
  if (!system) return std::string("no name server in /etc/resolv.conf: give @SERVER");
  for (auto endpoint : *system) {
    if (o.port != 53) endpoint.port(o.port);
    out.push_back({endpoint, endpoint.address().to_string(), {}});
  }
  return std::nullopt;
}

dns::server_query_options query_options(const options& o, const dig_request& request) {
  dns::server_query_options q;
  q.timeout = request.time_seconds ? std::chrono::milliseconds(*request.time_seconds * 1000)
                                   : std::chrono::milliseconds(o.timeout_ms);
  q.tries = request.tries.value_or(o.tries);
  q.tcp = request.tcp.value_or(o.tcp);
  q.recursion_desired = request.recurse.value_or(true);
  q.udp_payload_size = request.udp_size.value_or(1232);
  return q;
}

struct run_state {
  dig_request request;
  std::vector<server> servers;
  dns::server_query_options query;
  std::string banner;  // dig's "; <<>> ... <<>> ARGS" line, before the first reply
  bool json = false;
  nlohmann::json document = {{"queries", nlohmann::json::array()}};
};

void report_failure(const lookup& l, std::error_code error) {
  std::cerr << "cf-lookup: " << l.name << " " << dns::to_string(l.type) << ": "
            << cf_lookup::error_name(error) << " (" << error.message() << ")\n";
}

// Servers given by host name, as dig finds them: the system's resolver (hosts file, then
// /etc/resolv.conf's servers), every address of each tried in turn.
asio::awaitable<std::error_code> find_servers(std::vector<server>& servers) {
  std::optional<dns::resolver> system;
  std::vector<server> found;
  for (auto& sv : servers) {
    if (sv.host.empty()) {
      found.push_back(sv);
      continue;
    }
    if (!system) system.emplace(co_await asio::this_coro::executor);
    auto addresses = co_await system->async_resolve(sv.host, sv.endpoint.port());
    if (!addresses) {
      std::cerr << "cf-lookup: cannot find server '" << sv.host
                << "': " << cf_lookup::error_name(addresses.error()) << " ("
                << addresses.error().message() << ")\n";
      co_return addresses.error();
    }
    for (const auto& a : *addresses) {
      found.push_back({{a.endpoint.address(), a.endpoint.port()}, sv.label, {}});
    }
  }
  servers = std::move(found);
  co_return std::error_code{};
}

asio::awaitable<int> ask_servers(run_state& s) {
  int status = 0;
  if (auto error = co_await find_servers(s.servers)) {
    s.document["error"] = {{"message", "cannot find a server: " + error.message()},
                           {"exit_code", 2}};
    co_return 2;
  }
  std::vector<asio::ip::udp::endpoint> endpoints;
  for (const auto& sv : s.servers) endpoints.push_back(sv.endpoint);
  for (const auto& l : s.request.lookups) {
    auto reply = co_await dns::async_query_server(endpoints, l.name, l.type, s.query);
    cf_lookup::outcome o;
    o.asked = l;
    o.reply = std::move(reply);
    for (const auto& sv : s.servers) {
      if (sv.endpoint == o.reply.server) o.server_label = sv.label;
    }
    cf_lookup::judge(o);
    if (s.json) {
      s.document["queries"].push_back(cf_lookup::to_json(o));
    } else {
      std::cout << cf_lookup::to_text(o, s.request, s.banner);
      s.banner.clear();
      if (o.error) report_failure(l, o.error);
    }
    status = std::max(status, cf_lookup::exit_status(o.error));
  }
  co_return status;
}

asio::awaitable<int> trace_from_root(run_state& s, dns::iterative_resolver& resolver) {
  int status = 0;
  for (const auto& l : s.request.lookups) {
    auto r = co_await resolver.async_resolve(l.name, l.type);
    if (s.json) {
      s.document["queries"].push_back(cf_lookup::to_json(l, r));
    } else {
      std::cout << cf_lookup::to_text(r);
      if (r.error) report_failure(l, r.error);
    }
    status = std::max(status, cf_lookup::exit_status(r.error));
  }
  co_return status;
}

// Runs the lookups on one event loop; a failure of the loop itself is exit status 2.
template <class Start>
int run_loop(run_state& s, Start start) {
  asio::io_context io;
  int status = 2;
  asio::co_spawn(io, start(io), [&status](const std::exception_ptr& e, int st) {
    if (e) std::rethrow_exception(e);
    status = st;
  });
  io.run();
  if (s.json)
    std::cout << s.document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  std::cout.flush();
  return status;
}

int trace(run_state& s, const options& o) {
  dns::iterative_resolver_options options;
  options.root_servers = o.roots;
  for (const auto& sv : s.request.servers) options.root_servers.push_back(sv);  // +trace @ROOT
  options.query_timeout = s.query.timeout;
  if (!options.root_servers.empty()) {
    const auto first = dns::parse_server_address(options.root_servers.front(), o.port);
    if (!first) {
      return usage_error("--root needs ADDR[:PORT], not '" + options.root_servers.front() + "'",
                         s.json);
    }
    options.port = first->port();  // as dig +trace -p: one port for the whole hierarchy
  }
  return run_loop(s, [&](asio::io_context& io) {
    auto resolver = std::make_shared<dns::iterative_resolver>(io.get_executor(), options);
    return [](run_state& st, std::shared_ptr<dns::iterative_resolver> r) -> asio::awaitable<int> {
      co_return co_await trace_from_root(st, *r);
    }(s, resolver);
  });
}

std::string banner_text(int argc, char** argv) {
  std::string out = std::string("\n; <<>> cf-lookup ") + corofetch::version_string + " <<>>";
  for (int i = 1; i < argc; ++i) out += std::string(" ") + argv[i];
  return out + "\n;; global options: +cmd\n";
}

bool wants_json(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--json") return true;
  }
  return false;
}

int run(int argc, char** argv) {
  CLI::App app{
      "cf-lookup: DNS lookups as dig does them (A, AAAA, MX, NS, CNAME, TXT, SOA, SRV, "
      "PTR, CAA, any type by number)"};
  options o;
  add_options(app, o);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    return usage_error(e.what(), wants_json(argc, argv));
  }
  run_state s;
  s.json = o.json;
  if (auto problem = plan(o, s.request)) return usage_error(*problem, o.json);
  if (auto problem = pick_servers(o, s.request, s.servers)) return usage_error(*problem, o.json);
  s.query = query_options(o, s.request);
  if (s.request.banner && s.request.sections.comments) s.banner = banner_text(argc, argv);
  if (s.request.trace) return trace(s, o);
  return run_loop(s, [&s](asio::io_context&) { return ask_servers(s); });
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {  // e.g. out of memory: still one clear line
    std::fprintf(stderr, "cf-lookup: %s\n", e.what());
    if (wants_json(argc, argv)) {
      const nlohmann::json doc{{"error", {{"message", e.what()}, {"exit_code", 2}}}};
      std::printf("%s\n",
                  doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    }
    return 2;
  }
}
