#pragma once
// The client's private state: the policy of a fetch (client.cpp: opening connections, the
// fetch loop, redirects, retries) and the request message it builds once (request.cpp) for
// whichever exchange carries it (exchange.hpp).

#include <corofetch/client/client.hpp>
#include <corofetch/http/request.hpp>
#include <corofetch/http/serializer.hpp>
#include <corofetch/net/tls.hpp>

#include "client/connection.hpp"
#include "client/exchange.hpp"
#include "client/pool.hpp"

#include <memory>
#include <optional>
#include <string>
#include <system_error>

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
      net::stream& s, const std::string& host, std::uint16_t port);
  [[nodiscard]] bool may_multiplex(const request& req) const noexcept;
  std::string guard(std::vector<asio::ip::tcp::endpoint>& endpoints) const;
  asio::awaitable<result<std::unique_ptr<detail::exchange>>> speak(
      net::stream s, const request& req, const fetch_options& options,
      detail::clock::time_point total_deadline);
  asio::awaitable<std::error_code> tunnel(net::stream& s, const request& req, std::string& detail);
  asio::awaitable<detail::exchange_outcome> exchange(detail::connection& c, const request& req,
                                                     response& out, const fetch_options& options,
                                                     detail::clock::time_point total_deadline,
                                                     bool follow);

  // The message for `req` in scratch_: target, Host, credentials, cookies, the user's fields.
  const http::request& build_request(const request& req);
  void pool_key(const request& req, std::string& key) const;
  result<net::tls_context*> tls(std::string& detail);

  std::optional<url::url> proxy_;
  std::error_code proxy_error_;
  std::optional<net::tls_context> tls_;
  http::request scratch_;       // rebuilt for every exchange, memory kept
  std::string decode_scratch_;  // decoded body pieces, memory kept
  std::string key_scratch_;
  std::string cookie_scratch_;  // the Cookie field value, memory kept
  http::serialize_options serialize_decoding_;
  http::serialize_options serialize_identity_;
};

}  // namespace corofetch::client
