#pragma once
// dig's command line (BIND 9.18): `[@SERVER] NAME [TYPE] [NAME [TYPE]...] [+option...]`, a type
// in any position after its name (or before the first), `IN` accepted, the +options that mean
// something here.

#include <corofetch/dns/dig_format.hpp>
#include <corofetch/dns/record.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cf_lookup {

/// One question to ask.
struct lookup {
  std::string name;
  corofetch::dns::record_type type = corofetch::dns::record_type::a;
};

/// What dig's words asked for; unset optionals leave the long options' values.
struct dig_request {
  std::vector<lookup> lookups;
  std::vector<std::string> servers;  ///< each @SERVER, as written without the '@'
  bool short_output = false;         ///< +short
  bool trace = false;                ///< +trace
  bool banner = true;                ///< +cmd: the "; <<>> cf-lookup ... <<>>" line
  corofetch::dns::dig_sections sections;
  std::optional<bool> tcp;                ///< +tcp, +vc
  std::optional<int> time_seconds;        ///< +time=N
  std::optional<int> tries;               ///< +tries=N, +retry=N (N + 1)
  std::optional<bool> recurse;            ///< +[no]recurse
  std::optional<std::uint16_t> udp_size;  ///< +bufsize=N; 0 for +noedns
};

/// Reads dig's words (the positional arguments, in order) into `out`, each name getting the
/// type written after it (or before it, for the first), else `default_type`. Returns the
/// problem as one line ("+dnssec is not supported ...") on bad input.
[[nodiscard]] std::optional<std::string> parse_dig_words(const std::vector<std::string>& words,
                                                         corofetch::dns::record_type default_type,
                                                         dig_request& out);

/// For a type dig knows by name and this tool only by number (DS, HTTPS, ...) or not at all
/// (AXFR), the one-line problem; nullopt for any other word.
[[nodiscard]] std::optional<std::string> unsupported_type(std::string_view word);

/// The +options accepted, for --help.
[[nodiscard]] std::string dig_options_help();

}  // namespace cf_lookup
