#pragma once

#include <corofetch/dns/resolver.hpp>
#include <corofetch/ftp/error.hpp>
#include <corofetch/ftp/reply.hpp>
#include <corofetch/url/url.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include <asio/awaitable.hpp>

namespace corofetch::ftp {

/// The command a URL ending in '/' is listed with.
enum class listing_command : std::uint8_t {
  list,  ///< LIST (RFC 959 4.1.3): the server's long format, as `ls -l` (curl's default)
  nlst,  ///< NLST: names only, one a line (curl's --list-only)
  mlsd,  ///< MLSD (RFC 3659 7): machine-readable facts, one entry a line
};

/// Takes each chunk of the file or the listing; an error stops the transfer (errc::sink_failed).
using data_sink = std::function<std::error_code(std::string_view chunk)>;
/// Receives each line of the dialogue: "> USER anonymous", "< 331 Password required" (the
/// password is written as "PASS ****").
using dialogue_log = std::function<void(std::string_view line)>;

/// How async_fetch() runs. Every wait has a bound; zero means none.
struct fetch_options {
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(15)};  ///< control and data
  std::chrono::milliseconds reply_timeout{std::chrono::seconds(30)};    ///< each reply
  /// The longest the data connection may stay silent: a stalled transfer ends with
  /// errc::data_timeout instead of hanging.
  std::chrono::milliseconds data_idle_timeout{std::chrono::seconds(30)};
  /// Resume at this byte (REST, RFC 3659 5; curl's -C): the sink gets the rest of the file.
  std::uint64_t resume_from = 0;
  /// Try EPSV (RFC 2428) first; on refusal, PASV. false: PASV only.
  bool epsv = true;
  listing_command listing = listing_command::list;
  /// The password of an anonymous login, when the URL names no user (RFC 1635: by custom the
  /// user's e-mail address). A URL with a user and no password logs in with an empty one.
  std::string anonymous_password = "corofetch@";
  dialogue_log log;
};

/// What a transfer did.
struct transfer {
  /// None on success; otherwise why it failed (server_reply says what the server answered).
  std::error_code error;
  /// The last reply of the server ("226 Transfer complete", "550 No such file or directory").
  std::string server_reply;
  /// On failure, the verb of the last command sent ("CWD": a folder of the path was refused,
  /// "RETR": the file was); "" when none was sent or the transfer succeeded.
  std::string failed_command;
  /// Bytes given to the sink.
  std::uint64_t bytes = 0;
  /// The file's size by SIZE (RFC 3659 4), when the server told it.
  std::optional<std::uint64_t> size;
  /// The byte the transfer started at (REST).
  std::uint64_t resumed_from = 0;
  /// True when the URL named a folder and the data is its listing.
  bool listing = false;
};

/// Fetches an ftp: URL (RFC 1738 3.2, RFC 959): connects to the host (names through
/// `resolver`, Happy Eyeballs), logs in with the URL's user and password, percent-decoded, or
/// as "anonymous" (RFC 1635), changes into each folder of the path (CWD), then for a path
/// ending in '/' lists it (TYPE A, the listing command), otherwise reads the file in binary
/// (TYPE I, SIZE, REST when resuming, RETR), through a data connection opened passively
/// (EPSV, then PASV; the address in a PASV reply is ignored in favour of the control
/// connection's, as a PASV reply can point anywhere). Ends with QUIT.
///
/// Errors (in transfer::error): not_an_ftp_url, invalid_argument, login_failed (530),
/// file_unavailable (550), reply_timeout, data_timeout, passive_failed, data_connect_failed,
/// transfer_aborted, resume_unsupported, resume_beyond_end (nothing is fetched when the offset
/// equals the size), malformed_reply, connection_closed, sink_failed; dns, net and system
/// errors. Cancellation: the awaiting coroutine's cancellation slot closes both connections
/// and gives asio::error::operation_aborted.
asio::awaitable<transfer> async_fetch(url::url u, dns::resolver& resolver, data_sink sink,
                                      fetch_options options = {});

}  // namespace corofetch::ftp
