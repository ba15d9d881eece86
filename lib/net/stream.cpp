#include <corofetch/net/address.hpp>
#include <corofetch/net/stream.hpp>

#include "net/tls_impl.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <variant>

#include <openssl/bio.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/ssl/error.hpp>
#include <asio/ssl/stream.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

namespace corofetch::net {

using asio::ip::tcp;
using ssl_stream = asio::ssl::stream<tcp::socket>;

using clock = stream::clock;

struct stream::impl {
  explicit impl(tcp::socket s) : io(std::in_place_index<0>, std::move(s)) {}
  impl(tcp::socket s, const std::shared_ptr<tls_context::impl>& tls)
      : io(std::in_place_index<1>, std::move(s), tls->context), context(tls) {}

  tcp::socket& socket() noexcept {
    if (auto* plain = std::get_if<0>(&io)) return *plain;
    return std::get<1>(io).next_layer();
  }

  // The deadline. The timer is made on first use (a stream that never gets a deadline, such as
  // cf-load's, carries none) and re-armed only when it fires early or the deadline moves
  // earlier than its expiry.
  static void set_deadline(const std::shared_ptr<impl>& self, clock::time_point when,
                           std::error_code reason);
  static void arm(const std::shared_ptr<impl>& self, clock::time_point when);
  static void on_timer(const std::shared_ptr<impl>& self, std::uint64_t generation,
                       std::error_code ec);
  // No deadline and no timer pending (a system call, unlike expires_never()).
  void disarm() noexcept;

  std::variant<tcp::socket, ssl_stream> io;
  std::shared_ptr<tls_context::impl> context;  // the SSL_CTX outlives every SSL made from it
  std::string detail;
  std::unique_ptr<asio::steady_timer> timer;  // not inline: cf-load keeps 10,000 streams
  asio::cancellation_signal expiry;
  clock::time_point deadline = clock::time_point::max();
  clock::time_point armed_at = clock::time_point::max();
  std::error_code reason;
  std::error_code fired;
  std::uint64_t generation = 0;
  bool timer_pending = false;
};

void stream::impl::set_deadline(const std::shared_ptr<impl>& self, clock::time_point when,
                                std::error_code reason) {
  self->deadline = when;
  self->reason = reason;
  self->fired.clear();
  if (when == clock::time_point::max()) return;
  if (self->timer_pending && self->armed_at <= when) return;  // fires early, re-armed then
  arm(self, when);
}

void stream::impl::arm(const std::shared_ptr<impl>& self, clock::time_point when) {
  if (!self->timer)
    self->timer = std::make_unique<asio::steady_timer>(self->socket().get_executor());
  self->armed_at = when;
  const std::uint64_t generation = ++self->generation;
  self->timer->expires_at(when);  // cancels a pending wait, whose handler sees an old generation
  self->timer_pending = true;
  self->timer->async_wait([weak = std::weak_ptr<impl>(self), generation](std::error_code ec) {
    if (auto locked = weak.lock()) on_timer(locked, generation, ec);
  });
}

void stream::impl::on_timer(const std::shared_ptr<impl>& self, std::uint64_t generation,
                            std::error_code ec) {
  if (generation != self->generation) return;
  self->timer_pending = false;
  if (ec || self->deadline == clock::time_point::max()) return;
  if (clock::now() < self->deadline) {
    arm(self, self->deadline);
    return;
  }
  self->fired = self->reason;
  self->deadline = clock::time_point::max();
  std::error_code ignored;
  self->socket().cancel(ignored);  // pending reads, writes, handshakes: operation_aborted
  self->expiry.emit(asio::cancellation_type::terminal);
}

void stream::impl::disarm() noexcept {
  deadline = clock::time_point::max();
  fired.clear();
  if (!timer_pending) return;
  ++generation;
  timer_pending = false;
  timer->cancel();
}

namespace {

constexpr auto use_tuple = asio::experimental::as_tuple(asio::use_awaitable);

// X509_V_ERR_* (OpenSSL's verification results) grouped into the errors a user acts on.
errc classify_verify_result(long result) {  // NOLINT(google-runtime-int): OpenSSL's type
  switch (result) {
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      return errc::tls_hostname_mismatch;
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return errc::tls_certificate_expired;
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_CERT_UNTRUSTED:
      return errc::tls_certificate_untrusted;
    default:
      return errc::tls_certificate_invalid;
  }
}

// Translates an error of the TLS layer, keeping OpenSSL's reason in `detail`; errors of the
// socket below (reset, eof before the handshake) pass through.
std::error_code translate_tls_error(const std::error_code& ec, errc otherwise,
                                    std::string& detail) {
  if (ec == asio::ssl::error::stream_truncated) {
    detail = ec.message();
    return errc::tls_stream_truncated;
  }
  if (ec.category() != asio::error::get_ssl_category()) return ec;
  detail = ec.message();
  return otherwise;
}

std::string_view strip_host(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);  // "example.com." (FQDN)
  return host;
}

// SNI for names, never for address literals (RFC 6066 3); the name or address the
// certificate must match (RFC 6125 6.4, 6.2.1 for IP SANs), checked by OpenSSL's verifier.
std::error_code prepare_handshake(ssl_stream& tls, std::string_view host, bool verify) {
  const std::string name(strip_host(host));
  const bool is_ip = parse_address(name).has_value();
  SSL* ssl = tls.native_handle();
  if (!is_ip && !name.empty() &&
      SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
               const_cast<char*>(name.c_str())) != 1) {
    return errc::tls_handshake_failed;
  }
  if (!verify) return {};
  if (name.empty()) return std::make_error_code(std::errc::invalid_argument);
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  const int ok = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str())
                       : X509_VERIFY_PARAM_set1_host(param, name.data(), name.size());
  return ok == 1 ? std::error_code{} : std::error_code(errc::tls_handshake_failed);
}

// X509_NAME as one line (OpenSSL's XN_FLAG_ONELINE: "C = US, O = Test, CN = localhost").
std::string name_text(const X509_NAME* name) {
  if (name == nullptr) return {};
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return {};
  std::string text;
  if (X509_NAME_print_ex(bio, name, 0, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);  // NOLINT(google-runtime-int): OpenSSL's
    if (size > 0) text.assign(data, static_cast<std::size_t>(size));
  }
  BIO_free(bio);
  return text;
}

std::error_code handshake_failure(ssl_stream& tls, const std::error_code& ec, bool verify,
                                  std::string& detail) {
  const auto verify_result = SSL_get_verify_result(tls.native_handle());
  if (verify && verify_result != X509_V_OK && ec.category() == asio::error::get_ssl_category()) {
    detail = X509_verify_cert_error_string(verify_result);
    return classify_verify_result(verify_result);
  }
  return translate_tls_error(ec, errc::tls_handshake_failed, detail);
}

}  // namespace

stream::stream() noexcept = default;
// The public signature takes the executor by value (as tested); a const reference is the
// better one for the next header change.
// NOLINTNEXTLINE(performance-unnecessary-value-param)
stream::stream(asio::any_io_executor executor)
    : impl_(std::make_shared<impl>(tcp::socket(executor))) {}
stream::stream(tcp::socket socket) : impl_(std::make_shared<impl>(std::move(socket))) {}
stream::stream(tcp::socket socket, const tls_context& tls)
    : impl_(std::make_shared<impl>(std::move(socket), tls.impl_)) {}
stream::stream(stream&&) noexcept = default;
stream& stream::operator=(stream&&) noexcept = default;
stream::~stream() = default;

bool stream::is_open() const noexcept {
  return impl_ && impl_->socket().is_open();
}
bool stream::is_tls() const noexcept {
  return impl_ && impl_->io.index() == 1;
}
tcp::socket& stream::socket() noexcept {
  return impl_->socket();
}
asio::any_io_executor stream::get_executor() const noexcept {
  return impl_->socket().get_executor();
}

void stream::expires_at(clock::time_point when, std::error_code reason) {
  impl::set_deadline(impl_, when, reason);
}

void stream::expires_after(clock::duration after, std::error_code reason) {
  impl::set_deadline(impl_, clock::now() + after, reason);
}

void stream::expires_never() noexcept {
  if (!impl_) return;
  impl_->deadline = clock::time_point::max();
  impl_->fired.clear();
}

std::error_code stream::expired() const noexcept {
  return impl_ ? impl_->fired : std::error_code{};
}

asio::cancellation_signal& stream::expiry_signal() noexcept {
  return impl_->expiry;
}

void stream::start_tls(const tls_context& tls) {
  if (!impl_ || impl_->io.index() != 0 || !impl_->socket().is_open()) return;
  tcp::socket plain = std::move(std::get<0>(impl_->io));
  impl_->io.emplace<1>(std::move(plain), tls.impl_->context);
  impl_->context = tls.impl_;
}

std::string_view stream::alpn_protocol() const noexcept {
  if (!impl_ || impl_->io.index() != 1) return {};
  const unsigned char* data = nullptr;
  unsigned int size = 0;
  SSL_get0_alpn_selected(std::get<1>(impl_->io).native_handle(), &data, &size);
  if (data == nullptr) return {};
  return {reinterpret_cast<const char*>(data), size};
}

std::string_view stream::tls_error_detail() const noexcept {
  return impl_ ? std::string_view(impl_->detail) : std::string_view();
}

tls_session_info stream::tls_session() const {
  tls_session_info info;
  if (!impl_ || impl_->io.index() != 1) return info;
  SSL* ssl = std::get<1>(impl_->io).native_handle();
  if (SSL_is_init_finished(ssl) != 1) return info;
  info.version = SSL_get_version(ssl);
  if (const char* cipher = SSL_get_cipher_name(ssl); cipher != nullptr) info.cipher = cipher;
  if (X509* cert = SSL_get1_peer_certificate(ssl); cert != nullptr) {
    info.subject = name_text(X509_get_subject_name(cert));
    info.issuer = name_text(X509_get_issuer_name(cert));
    X509_free(cert);
  }
  info.alpn = alpn_protocol();
  return info;
}

void stream::close() noexcept {
  if (!impl_) return;
  std::error_code ignored;
  impl_->socket().close(ignored);
  // A closed stream keeps no timer pending: io_context::run() may return.
  const std::error_code fired = impl_->fired;
  impl_->disarm();
  impl_->fired = fired;
}

asio::awaitable<std::error_code> stream::async_handshake(std::string_view host,
                                                         std::chrono::milliseconds timeout) {
  // The timeout is the deadline of this handshake alone; the stream's own is put back after.
  std::string name(host);
  if (timeout.count() <= 0 || !impl_) co_return co_await async_handshake(std::move(name));
  const auto deadline = impl_->deadline;
  const auto reason = impl_->reason;
  expires_after(timeout, errc::tls_handshake_timeout);
  const std::error_code ec = co_await async_handshake(std::move(name));
  if (deadline == clock::time_point::max()) {
    impl_->disarm();  // as the timer of its own it had before streams had deadlines
  } else {
    expires_at(deadline, reason);
  }
  co_return ec;
}

asio::awaitable<std::error_code> stream::async_handshake(std::string host) {
  if (!is_open()) co_return errc::stream_not_open;
  auto* tls = std::get_if<1>(&impl_->io);
  if (tls == nullptr) co_return std::error_code{};
  if (impl_->fired) co_return impl_->fired;
  const bool verify = !impl_->context->options.insecure_skip_verify;
  impl_->detail.clear();
  if (auto ec = prepare_handshake(*tls, host, verify); ec) co_return ec;
  auto [ec] = co_await tls->async_handshake(asio::ssl::stream_base::client, use_tuple);
  if (ec && impl_->fired) co_return impl_->fired;
  if (ec) co_return handshake_failure(*tls, ec, verify, impl_->detail);
  co_return std::error_code{};
}

asio::awaitable<std::error_code> stream::async_connect(std::span<const tcp::endpoint> endpoints,
                                                       connect_options options) {
  if (!impl_) co_return errc::stream_not_open;
  if (impl_->fired) co_return impl_->fired;
  auto connecting = net::async_connect(get_executor(), endpoints, options);
  auto connected = co_await async_bounded(std::move(connecting));
  if (!connected) co_return impl_->fired ? impl_->fired : connected.error();
  if (impl_->io.index() == 0) {
    std::get<0>(impl_->io) = std::move(*connected);
  } else {
    impl_->io.emplace<0>(std::move(*connected));
  }
  co_return std::error_code{};
}

asio::awaitable<io_result> stream::async_read_some(asio::mutable_buffer buffer) {
  if (!impl_) co_return io_result{errc::stream_not_open, 0};
  if (impl_->fired) co_return io_result{impl_->fired, 0};
  if (auto* plain = std::get_if<0>(&impl_->io)) {
    auto [ec, n] = co_await plain->async_read_some(buffer, use_tuple);
    if (ec && impl_->fired) ec = impl_->fired;
    co_return io_result{ec, n};
  }
  auto [ec, n] = co_await std::get<1>(impl_->io).async_read_some(buffer, use_tuple);
  if (ec)
    ec = impl_->fired ? impl_->fired
                      : translate_tls_error(ec, errc::tls_protocol_error, impl_->detail);
  co_return io_result{ec, n};
}

asio::awaitable<io_result> stream::async_write_some(asio::const_buffer buffer) {
  if (!impl_) co_return io_result{errc::stream_not_open, 0};
  if (impl_->fired) co_return io_result{impl_->fired, 0};
  if (auto* plain = std::get_if<0>(&impl_->io)) {
    auto [ec, n] = co_await plain->async_write_some(buffer, use_tuple);
    if (ec && impl_->fired) ec = impl_->fired;
    co_return io_result{ec, n};
  }
  auto [ec, n] = co_await std::get<1>(impl_->io).async_write_some(buffer, use_tuple);
  if (ec)
    ec = impl_->fired ? impl_->fired
                      : translate_tls_error(ec, errc::tls_protocol_error, impl_->detail);
  co_return io_result{ec, n};
}

asio::awaitable<io_result> stream::async_write(asio::const_buffer buffer) {
  // A coroutine, not a plain forwarding call: the span must point into this frame, which lives
  // until the write completes.
  co_return co_await async_write(std::span<const asio::const_buffer>(&buffer, 1));
}

asio::awaitable<io_result> stream::async_write(std::span<const asio::const_buffer> buffers) {
  if (!impl_) co_return io_result{errc::stream_not_open, 0};
  if (impl_->fired) co_return io_result{impl_->fired, 0};
  if (auto* plain = std::get_if<0>(&impl_->io)) {
    // A request head fits the socket buffer: a non-blocking send almost always writes it all
    // at once, and then no completion goes through the scheduler (whose queued handler would
    // make the next epoll_wait a wasted non-blocking one). The rest, if any, is written async.
    std::size_t sent = 0;
    std::error_code ec;
    if (plain->non_blocking()) {
      // One buffer (the usual case: a request without a body) goes by send(), not sendmsg().
      if (buffers.size() == 1) {
        sent = plain->send(asio::buffer(buffers.front()), 0, ec);
      } else {
        sent = plain->send(buffers, 0, ec);
      }
      if (ec == asio::error::would_block || ec == asio::error::try_again) ec.clear();
      if (ec) co_return io_result{ec, sent};
    }
    if (sent == 0) {  // one gathered write, as for a blocking socket
      auto [wec, n] = co_await asio::async_write(*plain, buffers, use_tuple);
      if (wec && impl_->fired) wec = impl_->fired;
      co_return io_result{wec, n};
    }
    std::size_t skip = sent;
    for (const asio::const_buffer& b : buffers) {
      if (skip >= b.size()) {
        skip -= b.size();
        continue;
      }
      auto [wec, n] = co_await asio::async_write(*plain, b + skip, use_tuple);
      skip = 0;
      sent += n;
      if (wec) co_return io_result{impl_->fired ? impl_->fired : wec, sent};
    }
    co_return io_result{ec, sent};
  }
  auto [ec, n] = co_await asio::async_write(std::get<1>(impl_->io), buffers, use_tuple);
  if (ec)
    ec = impl_->fired ? impl_->fired
                      : translate_tls_error(ec, errc::tls_protocol_error, impl_->detail);
  co_return io_result{ec, n};
}

asio::awaitable<std::error_code> stream::async_shutdown(std::chrono::milliseconds timeout) {
  if (!is_open()) co_return errc::stream_not_open;
  std::error_code ec;
  if (auto* tls = std::get_if<1>(&impl_->io)) {
    using namespace asio::experimental::awaitable_operators;
    asio::steady_timer timer(get_executor(), timeout);
    auto outcome = co_await (tls->async_shutdown(use_tuple) || timer.async_wait(use_tuple));
    ec = outcome.index() == 1 ? std::error_code(errc::tls_handshake_timeout)
                              : std::get<0>(std::get<0>(outcome));
    // The peer's close_notify arriving as eof, or no answer at all, still ends the session.
    if (ec == asio::error::eof) ec = {};
    if (ec) ec = translate_tls_error(ec, errc::tls_protocol_error, impl_->detail);
  } else {
    impl_->socket().shutdown(tcp::socket::shutdown_send, ec);
  }
  close();
  co_return ec;
}

}  // namespace corofetch::net
