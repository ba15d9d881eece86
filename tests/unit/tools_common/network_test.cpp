// examples/common's network options: the command line parsed into network_options, then into
// the client's options, with the same meaning in every tool; bad values rejected with a clear
// message.
#include "common/network.hpp"

#include <CLI/CLI.hpp>
#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace tool = corofetch::tool;
namespace client = corofetch::client;
using namespace std::chrono_literals;

namespace {

// Parses `args` as a tool's command line with the options in `which`; the parse error's
// message, or "" when it parsed.
std::string parse(const std::vector<std::string>& args, tool::network_options& out,
                  unsigned which = tool::all_network_options) {
  CLI::App app{"test"};
  std::vector<std::string> positional;
  tool::add_network_options(app, out, which);
  app.add_option("url", positional);
  std::vector<const char*> argv{"tool"};
  for (const auto& a : args) argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    return e.what();
  }
  return {};
}

struct applied {
  std::optional<std::string> problem;
  client::client_options options;
  client::fetch_options fetch;
  tool::header_settings headers;
};

applied apply(const std::vector<std::string>& args) {
  tool::network_options in;
  REQUIRE(parse(args, in).empty());
  applied out;
  out.problem = tool::parse_headers(in, out.headers);
  if (!out.problem) {
    out.problem = tool::apply_network_options(in, out.headers, out.options, out.fetch);
  }
  return out;
}

}  // namespace

TEST_CASE("flag --resolve HOST:PORT:ADDR, repeatable, in every form curl takes", "[unit]") {
  const auto a = apply({"--resolve", "www.test:8080:127.0.0.1", "--resolve", "v6.test:443:[::1]",
                        "--resolve", "bare.test:0:::1", "http://www.test:8080/"});
  REQUIRE_FALSE(a.problem);
  REQUIRE(a.options.resolve_overrides.size() == 3);
  CHECK(a.options.resolve_overrides[0].host == "www.test");
  CHECK(a.options.resolve_overrides[0].port == 8080);
  CHECK(a.options.resolve_overrides[0].address == "127.0.0.1");
  CHECK(a.options.resolve_overrides[1].host == "v6.test");
  CHECK(a.options.resolve_overrides[1].port == 443);
  CHECK(a.options.resolve_overrides[1].address == "[::1]");
  CHECK(a.options.resolve_overrides[2].port == 0);
  CHECK(a.options.resolve_overrides[2].address == "::1");
}

TEST_CASE("flag --resolve: a value that is not HOST:PORT:ADDR is refused, named", "[unit]") {
  for (const std::string bad : {"nonsense", "h:80", "h:80:", ":80:127.0.0.1", "h:port:127.0.0.1",
                                "h:65536:127.0.0.1", "h::127.0.0.1"}) {
    INFO(bad);
    const auto a = apply({"--resolve", bad});
    REQUIRE(a.problem);
    CHECK(*a.problem ==
          "invalid --resolve '" + bad + "': expected HOST:PORT:ADDR with a port 0-65535");
  }
  tool::network_options in;
  in.resolves = {"ok.test:1:127.0.0.1", "bad"};
  std::vector<client::resolve_override> out;
  const auto problem = tool::parse_resolves(in, out);
  REQUIRE(problem);
  CHECK(problem->find("'bad'") != std::string::npos);
}

TEST_CASE("a repeatable option takes one value, leaving the URL positional", "[unit]") {
  tool::network_options in;
  REQUIRE(parse({"--resolve", "a:1:127.0.0.1", "http://a:1/", "-H", "X-A: 1", "http://b/"}, in)
              .empty());
  CHECK(in.resolves == std::vector<std::string>{"a:1:127.0.0.1"});
  CHECK(in.headers == std::vector<std::string>{"X-A: 1"});
}

TEST_CASE("TLS, proxy, DNS servers and times go into the client's options", "[unit]") {
  const auto a = apply({"--cacert", "/tmp/ca.pem", "-k", "-x", "http://127.0.0.1:3128",
                        "--dns-server", "127.0.0.1:5353", "--dns-server", "[::1]:53", "-m", "2.5",
                        "--connect-timeout", "0.0001"});
  REQUIRE_FALSE(a.problem);
  CHECK(a.options.tls.ca_file == "/tmp/ca.pem");
  CHECK(a.options.tls.insecure_skip_verify);
  CHECK(a.options.proxy == "http://127.0.0.1:3128");
  CHECK(a.options.resolver.servers == std::vector<std::string>{"127.0.0.1:5353", "[::1]:53"});
  CHECK(a.options.timeouts.total == 2500ms);
  CHECK(a.fetch.timeouts.total == 2500ms);
  CHECK(a.fetch.timeouts.connect == 1ms);  // rounded up: a tiny bound is still a bound

  const auto none = apply({});
  REQUIRE_FALSE(none.problem);
  CHECK_FALSE(none.options.tls.insecure_skip_verify);
  CHECK(none.options.proxy.empty());
  CHECK(none.fetch.timeouts.total == client::client_options{}.timeouts.total);
}

TEST_CASE("flags --dns-server and -x: a bad address or port is refused, named", "[unit]") {
  for (const std::string bad :
       {"127.0.0.1:99999", "127.0.0.1:0", "[::1", "[::1]:70000", "not an address", "127.0.0.1:"}) {
    INFO(bad);
    const auto a = apply({"--dns-server", "127.0.0.1", "--dns-server", bad});
    REQUIRE(a.problem);
    CHECK(a.problem->find("invalid --dns-server '" + bad + "'") == 0);
  }
  for (const std::string bad :
       {"http://127.0.0.1:99999", "socks5://127.0.0.1:1080", "127.0.0.1:99999", "http://"}) {
    INFO(bad);
    const auto a = apply({"-x", bad});
    REQUIRE(a.problem);
    CHECK(a.problem->find("invalid -x '" + bad + "'") == 0);
  }
  tool::network_options in;
  in.dns_servers = {"::1", "127.0.0.1#5353", "[::1]:53"};
  in.proxy = "http://user:pw@[::1]:3128";
  CHECK_FALSE(tool::check_addresses(in));
  const auto bare = apply({"-x", "127.0.0.1:3128"});  // curl's reading: http://
  REQUIRE_FALSE(bare.problem);
  CHECK(bare.options.proxy == "http://127.0.0.1:3128");
}

TEST_CASE("flags -m and --connect-timeout: seconds, or wrk's units, nothing else", "[unit]") {
  CHECK(tool::parse_seconds("2") == 2.0);
  CHECK(tool::parse_seconds("0.5") == 0.5);
  CHECK(tool::parse_seconds("2s") == 2.0);
  CHECK(tool::parse_seconds("500ms") == Approx(0.5));
  CHECK(tool::parse_seconds("250us") == Approx(0.00025));
  CHECK(tool::parse_seconds("2m") == 120.0);
  CHECK(tool::parse_seconds("1h") == 3600.0);
  std::string problem;
  CHECK_FALSE(tool::parse_seconds("soon", &problem));
  CHECK(problem == "'soon' is not a time: give seconds, or 250us, 500ms, 2s, 1m, 1h");
  CHECK_FALSE(tool::parse_seconds("3 days", &problem));
  CHECK_FALSE(tool::parse_seconds("-1", &problem));
  CHECK(problem == "'-1': a time cannot be negative");
  CHECK_FALSE(tool::parse_seconds("inf", &problem));
  // Issue 16 item 9: 1e300 was accepted (and overflowed); a tiny positive limit stays a limit.
  CHECK_FALSE(tool::parse_seconds("1e300", &problem));
  CHECK(problem == "'1e300' is too long: at most 1000000000 seconds");
  CHECK_FALSE(tool::parse_seconds("20000000m", &problem));
  CHECK(tool::parse_seconds("1000000000") == 1e9);
  CHECK(tool::parse_seconds("0.0004") == Approx(0.0004));
  CHECK(tool::seconds_to_ms(0.0004) == std::chrono::milliseconds(1));

  tool::network_options in;
  const std::string error = parse({"-m", "soon"}, in);
  CHECK(error.find("-m") != std::string::npos);
  CHECK(error.find("'soon' is not a time") != std::string::npos);
  CHECK_FALSE(parse({"--connect-timeout", "-2"}, in).empty());
  REQUIRE(parse({"-m", "1500ms", "--connect-timeout", "3"}, in).empty());
  CHECK(in.max_time == Approx(1.5));
  CHECK(in.connect_timeout == 3.0);
}

TEST_CASE(
    "flag -H adds, 'Name:' removes, 'Name' and a semicolon sends empty, -A sets the User-Agent",
    "[unit]") {
  const auto a = apply({"-H", "X-Trace: 42 ", "-H", "Accept:", "-H", "Referer:", "-H", "X-Empty;",
                        "-A", "probe/1.0"});
  REQUIRE_FALSE(a.problem);
  CHECK(a.headers.fields.find("X-Trace") == "42");
  CHECK(a.headers.fields.find("X-Empty") == "");
  CHECK(a.headers.empty_values);
  CHECK(a.headers.fields.find("User-Agent") == "probe/1.0");
  CHECK(a.headers.removed == std::vector<std::string>{"Accept", "Referer"});
  CHECK(a.headers.drop_accept);
  CHECK_FALSE(a.options.send_accept);
  CHECK_FALSE(a.headers.drop_user_agent);

  // -H wins over -A, as in curl; -A '' and -H 'User-Agent:' send none.
  const auto both = apply({"-H", "User-Agent: mine", "-A", "theirs"});
  CHECK(both.headers.fields.find_all("User-Agent") == std::vector<std::string_view>{"mine"});
  const auto none = apply({"-A", ""});
  CHECK(none.headers.drop_user_agent);
  CHECK(none.options.user_agent.empty());
  const auto removed = apply({"-H", "User-Agent:"});
  CHECK(removed.options.user_agent.empty());
  const auto encoding = apply({"-H", "Accept-Encoding:"});
  CHECK(encoding.headers.drop_accept_encoding);
}

TEST_CASE("flags -H and -A: a bad field is refused with a message naming it", "[unit]") {
  CHECK(*apply({"-H", "no colon"}).problem == "invalid -H 'no colon': expected 'Name: value'");
  CHECK(*apply({"-H", "Bad Name: x"}).problem ==
        "invalid -H 'Bad Name: x': the name is not a token");
  CHECK(*apply({"-H", ": x"}).problem == "invalid -H ': x': the name is not a token");
  CHECK(*apply({"-H", ";"}).problem == "invalid -H ';': the name is not a token");
  CHECK(*apply({"-H", "X-A: 1\r\nX-B: 2"}).problem ==
        "invalid -H 'X-A: 1\r\nX-B: 2': a control character");
  CHECK(*apply({"-A", "a\nb"}).problem == "invalid -A value: a control character");
}

TEST_CASE("a tool offers only the network options it honours", "[unit]") {
  tool::network_options in;
  const std::string error =
      parse({"-x", "http://127.0.0.1:3128"}, in, tool::all_network_options & ~tool::opt_proxy);
  CHECK(error.find("-x") != std::string::npos);
  CHECK(parse({"-H", "X: 1"}, in, tool::opt_resolve).find("-H") != std::string::npos);
  CHECK(parse({"--resolve", "a:1:127.0.0.1"}, in, tool::opt_resolve).empty());
}

TEST_CASE("flags --http1.1, --http2 and --http2-prior-knowledge choose the HTTP version",
          "[unit]") {
  using choice = client::http_version_choice;
  CHECK(apply({"https://a.test/"}).options.http_version == choice::negotiate);
  CHECK(apply({"--http1.1", "https://a.test/"}).options.http_version == choice::http1_1);
  CHECK(apply({"--http2", "https://a.test/"}).options.http_version == choice::negotiate);
  CHECK(apply({"--http2-prior-knowledge", "http://a.test/"}).options.http_version ==
        choice::http2_prior_knowledge);
  // Two choices at once are bad usage, named.
  tool::network_options in;
  const std::string both = parse({"--http1.1", "--http2-prior-knowledge", "http://a.test/"}, in);
  CHECK(both.find("--http1.1") != std::string::npos);
  // A tool without HTTP/2 (cf-load) does not offer them.
  const std::string absent =
      parse({"--http2", "http://a.test/"}, in, tool::all_network_options & ~tool::opt_http_version);
  CHECK(absent.find("--http2") != std::string::npos);
}

TEST_CASE("flags --refuse-private and --allow-private set the private-address guard", "[unit]") {
  using corofetch::net::address_class;
  CHECK_FALSE(apply({"http://a.test/"}).options.public_addresses_only);
  const auto on = apply({"--refuse-private", "--allow-private", "loopback,private", "http://a/"});
  CHECK(on.options.public_addresses_only);
  CHECK(on.options.allowed_address_classes ==
        std::vector<address_class>{address_class::loopback, address_class::private_use});
  CHECK_FALSE(apply({"--refuse-private", "--allow-private", "all", "http://a/"})
                  .options.public_addresses_only);
  const auto bad = apply({"--allow-private", "intranet", "http://a/"});
  REQUIRE(bad.problem.has_value());
  CHECK(bad.problem->find("'intranet' is not an address class") != std::string::npos);
}
