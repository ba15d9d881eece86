#pragma once
// The client's private state, shared by client.cpp (opening connections, the fetch loop) and
// exchange.cpp (one request and its response on a connection).

#include <corofetch/client/client.hpp>
#include <corofetch/http/request.hpp>
#include <corofetch/http/serializer.hpp>
#include <corofetch/net/tls.hpp>

#include "client/connection.hpp"
#include "client/pool.hpp"

#include <memory>
#include <optional>
#include <string>
#include <system_error>

namespace corofetch::client::detail {

/// How one exchange ended.
struct exchange_outcome {
  std::error_code error;
  bool reusable = false;  // the connection may carry another request
  bool any_response_byte = false;
};

/// A bound for one phase: the phase's own timeout, or what is left of the total when that
/// comes first; `code` says which one it is.
struct phase_bound {
  clock::time_point deadline;
  errc code;
};
[[nodiscard]] phase_bound bound_phase(std::chrono::milliseconds phase, errc phase_code,
                                      clock::time_point total_deadline) noexcept;

}  // namespace corofetch::client::detail

namespace corofetch::client {

class client::impl {
 public:
  impl(asio::any_io_executor executor, dns::resolver* shared, client_options options);

  asio::awaitable<std::error_code> fetch(const request& req, response& out,
                                         const fetch_options& options);

  asio::any_io_executor executor_;
  client_options options_;
  std::unique_ptr<dns::resolver> own_resolver_;
  dns::resolver* resolver_;
  detail::pool pool_;

 private:
  asio::awaitable<std::error_code> exchange_with_retry(const request& req, response& out,
                                                       const fetch_options& options,
                                                       detail::clock::time_point total_deadline,
                                                       bool follow);
  asio::awaitable<std::pair<std::error_code, std::shared_ptr<detail::connection>>> open(
      const request& req, const std::string& key, timing& t, const fetch_options& options,
      detail::clock::time_point total_deadline, std::string& detail);
  asio::awaitable<std::pair<std::error_code, std::vector<asio::ip::tcp::endpoint>>> resolve(
      const std::string& host, std::uint16_t port, detail::phase_bound bound);
  asio::awaitable<std::error_code> tunnel(asio::ip::tcp::socket& socket, const request& req,
                                          detail::phase_bound bound, std::string& detail);
  asio::awaitable<detail::exchange_outcome> exchange(detail::connection& c, const request& req,
                                                     response& out, const fetch_options& options,
                                                     detail::clock::time_point total_deadline,
                                                     bool follow);

  std::error_code build_request(const request& req, const fetch_options& options, std::string& out);
  void pool_key(const request& req, std::string& key) const;
  result<net::tls_context*> tls(std::string& detail);

  std::optional<url::url> proxy_;
  std::error_code proxy_error_;
  std::optional<net::tls_context> tls_;
  http::request scratch_;  // rebuilt for every exchange, memory kept
  std::string key_scratch_;
  std::string cookie_scratch_;  // the Cookie field value, memory kept
  http::serialize_options serialize_decoding_;
  http::serialize_options serialize_identity_;
};

}  // namespace corofetch::client
