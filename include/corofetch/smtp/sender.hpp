#pragma once

#include <corofetch/dns/resolver.hpp>
#include <corofetch/net/tls.hpp>
#include <corofetch/smtp/error.hpp>
#include <corofetch/url/url.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>

namespace corofetch::smtp {

/// When the session is encrypted with STARTTLS (RFC 3207).
enum class starttls_policy : std::uint8_t {
  opportunistic,  ///< when the server offers it (EHLO lists STARTTLS)
  required,       ///< always: an exchanger without it is left (errc::starttls_unavailable)
  never,          ///< never, even when offered
};

/// Receives the trace of a delivery, one line each: "* MX 10 mx1.example (127.0.0.2:25):
/// connection refused, next address", and with trace_dialogue the commands and replies
/// ("> MAIL FROM:<>", "< 250 OK").
using trace_log = std::function<void(std::string_view line)>;

/// How async_send() delivers. Every wait has a bound; zero means none.
struct send_options {
  /// The reverse-path of MAIL FROM; empty: the null reverse-path "<>" (RFC 5321 4.5.5).
  std::string from;
  /// The name EHLO/HELO gives for this client (RFC 5321 4.1.1.1).
  std::string helo_name = "localhost";
  /// The port of every exchanger (25; another for tests and for relays on other ports).
  std::uint16_t port = 25;
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(30)};
  /// The bound of each reply (RFC 5321 4.5.3.2 suggests 2 to 10 minutes per command).
  std::chrono::milliseconds reply_timeout{std::chrono::minutes(2)};
  /// The bound on sending the message and receiving the reply to its final dot.
  std::chrono::milliseconds data_timeout{std::chrono::minutes(10)};
  starttls_policy starttls = starttls_policy::opportunistic;
  /// Certificate checks of STARTTLS sessions (verified against the exchanger's name).
  net::tls_options tls;
  /// Seeds the shuffle of equal preferences; nullopt: std::random_device.
  std::optional<std::uint64_t> shuffle_seed;
  trace_log log;
  /// Also send the commands and replies to log.
  bool trace_dialogue = false;
};

/// One exchanger address tried, and why it was left.
struct attempt {
  std::string exchanger;            ///< the host name
  std::uint16_t preference = 0;     ///< its MX preference
  asio::ip::tcp::endpoint address;  ///< unspecified when its lookup failed
  std::error_code error;            ///< none for the one that took the message
  std::string server_reply;         ///< its last reply, "" when none came
};

/// What a delivery did.
struct delivery {
  /// None when an exchanger accepted the message.
  std::error_code error;
  /// The last reply of the last server talked to ("250 OK queued as ...").
  std::string server_reply;
  std::vector<std::string> recipients;
  /// Every address tried, in order; the last one took the message on success.
  std::vector<attempt> attempts;
  /// True when the domain had no MX and its own address was used (RFC 5321 5.1).
  bool implicit_mx = false;
  /// True when the accepting session ran over TLS.
  bool tls = false;
};

/// The recipients of a mailto: URL (RFC 6068 2): the addresses of its path, separated by ',',
/// percent-decoded. Errors: not_a_mailto_url, no_recipient, invalid_address.
[[nodiscard]] result<std::vector<std::string>> recipients_of(const url::url& mailto);

/// Sends `message` (a whole RFC 5322 message, headers and body, as `curl -T` sends a file) to
/// the recipients of a mailto: URL, as a mail transfer agent does (RFC 5321 5): the domain's MX
/// records through `resolver`, tried by order_exchangers() (no MX record: the domain itself;
/// a null MX, RFC 7505: refused), each exchanger's addresses in turn; on each, EHLO (HELO when
/// EHLO is refused), STARTTLS per the policy then EHLO again, MAIL FROM, RCPT TO for each
/// recipient, DATA with encode_data(), QUIT. A connection failure or timeout moves on to the
/// next address, a 4xx reply to the next exchanger; a 5xx reply ends the delivery (rejected).
///
/// Errors (delivery::error): recipients_of()'s, multiple_domains, null_mx, rejected,
/// all_exchangers_failed, dns errors of the MX lookup (nxdomain, timeout, ...). Cancellation:
/// the awaiting coroutine's cancellation slot closes the connection.
asio::awaitable<delivery> async_send(url::url mailto, std::string message, dns::resolver& resolver,
                                     send_options options = {});

}  // namespace corofetch::smtp
