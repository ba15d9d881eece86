// examples/common's exit codes: curl's numbers for the failures curl names, the table --help
// ends with.
#include "common/exit_codes.hpp"

#include <corofetch/client/error.hpp>
#include <corofetch/dns/error.hpp>
#include <corofetch/http/error.hpp>
#include <corofetch/net/error.hpp>
#include <corofetch/url/error.hpp>

#include <asio/error.hpp>
#include <catch2/catch.hpp>

#include <array>
#include <string>

namespace tool = corofetch::tool;
namespace client = corofetch::client;

TEST_CASE("exit_codes_table: a heading, then one aligned line per code", "[unit]") {
  constexpr std::array<tool::exit_code_row, 3> rows{{
      {0, "done"},
      {2, "bad usage"},
      {130, "interrupted"},
  }};
  CHECK(tool::exit_codes_table(rows) ==
        "Exit codes:\n"
        "  0   done\n"
        "  2   bad usage\n"
        "  130 interrupted\n");
  CHECK(tool::exit_codes_table(rows, "Exit status:").rfind("Exit status:\n  0   done\n", 0) == 0);
  CHECK(tool::exit_codes_table({}) == "Exit codes:\n");
}

TEST_CASE("exit_codes_help: curl's codes the tools use, each once", "[unit]") {
  const std::string help = tool::exit_codes_help();
  CHECK(help.rfind("Exit codes (curl's):\n", 0) == 0);
  for (const char* line :
       {"\n  0   success\n", "\n  2   bad usage", "\n  6   could not resolve the host\n",
        "\n  7   could not connect\n", "\n  28  timeout\n", "\n  52  empty reply from the server\n",
        "\n  60  the server's certificate is not trusted\n", "\n  70  internal error",
        "\n  77  the CA file"}) {
    INFO(line);
    CHECK(help.find(line) != std::string::npos);
  }
  CHECK(help.back() == '\n');
}

TEST_CASE("exit_code_for: curl's number for each kind of failure", "[unit]") {
  CHECK(tool::exit_code_for({}) == tool::exit_ok);
  CHECK(tool::exit_code_for(corofetch::dns::errc::nxdomain) == tool::exit_resolve);
  CHECK(tool::exit_code_for(asio::error::connection_refused) == tool::exit_connect);
  CHECK(tool::exit_code_for(asio::error::connection_reset) == tool::exit_recv_error);
  CHECK(tool::exit_code_for(asio::error::timed_out) == tool::exit_timeout);
  CHECK(tool::exit_code_for(client::errc::too_many_redirects) == tool::exit_too_many_redirects);
  CHECK(tool::exit_code_for(client::errc::redirect_loop) == tool::exit_too_many_redirects);
  CHECK(tool::exit_code_for(client::errc::total_timeout) == tool::exit_timeout);
  CHECK(tool::exit_code_for(client::errc::body_too_large) == tool::exit_file_too_large);
  CHECK(tool::exit_code_for(corofetch::net::errc::tls_certificate_untrusted) ==
        tool::exit_tls_certificate);
  CHECK(tool::exit_code_for(corofetch::net::errc::connect_timeout) == tool::exit_timeout);
  CHECK(tool::exit_code_for(corofetch::http::errc::empty_response) == tool::exit_empty_reply);
  CHECK(tool::exit_code_for(corofetch::http::errc::truncated) == tool::exit_partial_file);
  CHECK(tool::exit_code_for(corofetch::url::errc::host_missing) == tool::exit_bad_url);
}
