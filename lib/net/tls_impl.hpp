#pragma once
// Private to lib/net: what a tls_context holds. Includes OpenSSL through asio::ssl.

#include <corofetch/net/tls.hpp>

#include <asio/ssl/context.hpp>

namespace corofetch::net {

struct tls_context::impl {
  explicit impl(tls_options o) : options(std::move(o)), context(asio::ssl::context::tls_client) {}

  tls_options options;
  asio::ssl::context context;
};

}  // namespace corofetch::net
