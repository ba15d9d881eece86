#include <corofetch/net/connect.hpp>
#include <corofetch/smtp/exchangers.hpp>
#include <corofetch/smtp/reply.hpp>
#include <corofetch/smtp/sender.hpp>

#include "smtp/session.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <random>
#include <utility>

#include <fmt/format.h>
#include <asio/this_coro.hpp>

namespace corofetch::smtp {

bool detail::valid_mailbox(std::string_view address) {
  const auto at = address.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size()) return false;
  return std::none_of(address.begin(), address.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f || c == '<' || c == '>' || c == ' ';
  });
}

namespace {

using detail::valid_mailbox;

using asio::ip::tcp;

std::string domain_of(std::string_view address) {
  std::string domain(address.substr(address.rfind('@') + 1));
  for (auto& c : domain) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return domain;
}

std::mt19937_64 make_random(const send_options& options) {
  if (options.shuffle_seed) return std::mt19937_64(*options.shuffle_seed);
  std::random_device device;
  return std::mt19937_64((static_cast<std::uint64_t>(device()) << 32) | device());
}

void note(const send_options& options, const std::string& line) {
  if (options.log) options.log(line);
}

std::string describe(const attempt& a) {
  std::string s = fmt::format("MX {} {}", a.preference, a.exchanger);
  if (a.address.port() == 0) return s;
  const auto ip = a.address.address();
  if (ip.is_v6()) return fmt::format("{} ([{}]:{})", s, ip.to_string(), a.address.port());
  return fmt::format("{} ({}:{})", s, ip.to_string(), a.address.port());
}

// The exchangers of a domain (RFC 5321 5.1): its MX records in order, or, when it has none
// (NODATA), the domain itself as the implicit MX.
asio::awaitable<result<std::vector<exchanger>>> find_exchangers(dns::resolver& resolver,
                                                                const std::string& domain,
                                                                const send_options& options) {
  auto records = co_await resolver.async_query(domain, dns::record_type::mx);
  if (!records && records.error() == dns::errc::nodata) {
    note(options, fmt::format("* {} has no MX record: the domain itself is its exchanger", domain));
    co_return std::vector<exchanger>{exchanger{domain, 0, true}};
  }
  if (!records) co_return records.error();
  auto random = make_random(options);
  auto ordered = order_exchangers(*records, random);
  if (!ordered) co_return ordered.error();
  if (ordered->empty()) co_return std::vector<exchanger>{exchanger{domain, 0, true}};
  co_return std::move(*ordered);
}

struct sender_state {
  const detail::envelope& mail;
  const send_options& options;
  const net::tls_context* tls;
  delivery& out;
};

enum class next_step : std::uint8_t { next_address, next_exchanger, stop };

// One address of one exchanger: connect, run the transaction, and say what comes next.
asio::awaitable<next_step> try_address(sender_state& s, attempt a) {
  std::array<tcp::endpoint, 1> endpoints{a.address};
  net::connect_options co;
  co.timeout = s.options.connect_timeout;
  auto executor = co_await asio::this_coro::executor;
  auto socket = co_await net::async_connect(executor, endpoints, co);
  if (!socket) {
    a.error = socket.error();
    note(s.options, fmt::format("* {}: {}, next address", describe(a), a.error.message()));
    s.out.attempts.push_back(std::move(a));
    co_return next_step::next_address;
  }
  note(s.options, fmt::format("* {}: connected", describe(a)));
  // Arguments of co_await calls are named: g++ 12 can destroy their temporaries twice.
  net::stream stream(std::move(*socket));
  std::string host = a.exchanger;
  auto result = co_await detail::run_transaction(std::move(stream), std::move(host), s.mail,
                                                 s.options, s.tls);
  a.error = result.error;
  a.server_reply = result.server_reply;
  s.out.server_reply = result.server_reply;
  s.out.tls = result.tls;
  const std::string why = result.server_reply.empty()
                              ? result.error.message()
                              : result.error.message() + ": " + result.server_reply;
  next_step step = next_step::stop;
  if (!result.error) {
    note(s.options, fmt::format("* {}: accepted: {}", describe(a), result.server_reply));
  } else if (result.error == errc::rejected) {
    note(s.options, fmt::format("* {}: {}, giving up", describe(a), why));
  } else if (result.error == errc::deferred || result.error == errc::starttls_unavailable) {
    note(s.options, fmt::format("* {}: {}, next exchanger", describe(a), why));
    step = next_step::next_exchanger;
  } else {
    note(s.options, fmt::format("* {}: {}, next address", describe(a), why));
    step = next_step::next_address;
  }
  s.out.attempts.push_back(std::move(a));
  co_return step;
}

// Every address of one exchanger in turn, until one takes the message or says to stop.
asio::awaitable<next_step> try_exchanger(sender_state& s, dns::resolver& resolver,
                                         const exchanger& x) {
  auto addresses = co_await resolver.async_resolve(x.host, s.options.port);
  if (!addresses) {
    attempt a{x.host, x.preference, {}, addresses.error(), {}};
    note(s.options, fmt::format("* {}: lookup failed: {}, next exchanger", describe(a),
                                addresses.error().message()));
    s.out.attempts.push_back(std::move(a));
    co_return next_step::next_exchanger;
  }
  for (const auto& address : *addresses) {
    attempt a{x.host, x.preference, address.endpoint, {}, {}};
    auto step = co_await try_address(s, std::move(a));
    if (step != next_step::next_address) co_return step;
  }
  co_return next_step::next_exchanger;
}

result<detail::envelope> make_envelope(const url::url& mailto, const std::string& message,
                                       const send_options& options) {
  auto recipients = recipients_of(mailto);
  if (!recipients) return recipients.error();
  if (!options.from.empty() && !valid_mailbox(options.from)) return errc::invalid_address;
  const std::string domain = domain_of(recipients->front());
  for (const auto& r : *recipients) {
    if (domain_of(r) != domain) return errc::multiple_domains;
  }
  detail::envelope e;
  e.reverse_path = options.from;
  e.recipients = std::move(*recipients);
  e.data = encode_data(message);
  e.eight_bit = std::any_of(message.begin(), message.end(),
                            [](char c) { return static_cast<unsigned char>(c) > 127; });
  return e;
}

}  // namespace

result<std::vector<std::string>> recipients_of(const url::url& mailto) {
  if (mailto.scheme() != "mailto") return errc::not_a_mailto_url;
  std::vector<std::string> out;
  std::string_view path = mailto.pathname();
  while (!path.empty()) {
    const auto comma = path.find(',');
    std::string address = url::percent_decode(path.substr(0, comma));
    if (!address.empty()) {
      if (!valid_mailbox(address)) return errc::invalid_address;
      out.push_back(std::move(address));
    }
    if (comma == std::string_view::npos) break;
    path.remove_prefix(comma + 1);
  }
  if (out.empty()) return errc::no_recipient;
  return out;
}

asio::awaitable<delivery> async_send(url::url mailto, std::string message, dns::resolver& resolver,
                                     send_options options) {
  delivery out;
  auto mail = make_envelope(mailto, message, options);
  if (!mail) {
    out.error = mail.error();
    co_return out;
  }
  out.recipients = mail->recipients;
  const std::string domain = domain_of(mail->recipients.front());
  auto exchangers = co_await find_exchangers(resolver, domain, options);
  if (!exchangers) {
    out.error = exchangers.error();
    note(options, fmt::format("* MX lookup for {} failed: {}", domain, out.error.message()));
    co_return out;
  }
  out.implicit_mx = exchangers->front().implicit;
  std::optional<net::tls_context> tls;
  if (options.starttls != starttls_policy::never) {
    auto ctx = net::tls_context::create(options.tls);
    if (ctx) tls = std::move(*ctx);
  }
  sender_state state{*mail, options, tls ? &*tls : nullptr, out};
  for (const auto& x : *exchangers) {
    auto step = co_await try_exchanger(state, resolver, x);
    if (step == next_step::stop) {
      out.error = out.attempts.back().error;
      co_return out;
    }
  }
  out.error = errc::all_exchangers_failed;
  co_return out;
}

}  // namespace corofetch::smtp
