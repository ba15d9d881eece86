// One question from a client resolver to a name server, as dig asks it: over the iterative
// resolver's transport (authority_exchange.cpp), with RD set, the reply read whole.
#include <corofetch/dns/error.hpp>
#include <corofetch/dns/server_query.hpp>

#include "dns/authority_exchange.hpp"
#include "dns/full_message.hpp"

#include <ares.h>

#include <asio/error.hpp>
#include <asio/ip/address_v4.hpp>
#include <asio/ip/address_v6.hpp>

#include <algorithm>
#include <cstring>
#include <memory>
#include <random>
#include <utility>

namespace corofetch::dns {
namespace {

// RFC 5452 9.2: an id an off-path attacker cannot guess (the fresh socket adds a random port).
std::uint16_t random_id() {
  thread_local std::mt19937 generator{std::random_device{}()};
  return static_cast<std::uint16_t>(generator() & 0xffffU);
}

// The reply of one exchange, read: its error, or the message.
void read_reply(server_reply& out, detail::exchange_reply reply) {
  out.elapsed = reply.elapsed;
  out.bytes_received = reply.message.size();
  if (reply.error) {
    out.error = reply.error;
    return;
  }
  auto message = detail::read_full_message(reply.message, true);
  if (!message) {
    out.error = message.error();
    return;
  }
  out.error.clear();
  out.message = std::move(*message);
}

// One server asked once: UDP, then TCP when the reply is truncated (RFC 7766 5); or TCP.
asio::awaitable<void> ask_once(server_reply& out, const asio::ip::udp::endpoint& server,
                               const std::vector<std::uint8_t>& query,
                               const server_query_options& options) {
  out.server = server;
  out.transport = options.tcp ? query_transport::tcp : query_transport::udp;
  read_reply(out, co_await detail::async_exchange(server, query, out.transport, options.timeout));
  if (out.error || !out.message.truncated() || out.transport == query_transport::tcp) co_return;
  out.transport = query_transport::tcp;
  out.retried_over_tcp = true;
  read_reply(out, co_await detail::async_exchange(server, query, out.transport, options.timeout));
}

// Worth asking the next server: any failure but our own cancellation (no reply, a closed port,
// a reply that cannot be read, an address this host cannot reach).
bool try_next(std::error_code ec) {
  return ec && ec != asio::error::operation_aborted;
}

}  // namespace

asio::awaitable<server_reply> async_query_server(std::vector<asio::ip::udp::endpoint> servers,
                                                 std::string name, record_type type,
                                                 server_query_options options) {
  server_reply out;
  if (servers.empty() || options.tries < 1) {
    out.error = errc::bad_options;
    co_return out;
  }
  const bool absolute = name.size() > 1 && name.ends_with('.') && !name.ends_with("\\.");
  if (absolute) name.pop_back();
  if (name == ".") name.clear();
  auto query = detail::make_query(random_id(), name, static_cast<std::uint16_t>(type),
                                  options.udp_payload_size, options.recursion_desired);
  if (!query) {
    out.error = query.error();
    co_return out;
  }
  out.bytes_sent = query->size();
  // TCP does not lose datagrams: one round is enough (dig asks once over TCP too).
  const int rounds = options.tcp ? 1 : options.tries;
  for (int round = 0; round < rounds; ++round) {
    for (const auto& server : servers) {
      co_await ask_once(out, server, *query, options);
      if (!try_next(out.error)) co_return out;
    }
  }
  co_return out;
}

result<std::vector<asio::ip::udp::endpoint>> system_name_servers() {
  ares_channel channel = nullptr;
  ares_options options{};
  if (ares_init_options(&channel, &options, 0) != ARES_SUCCESS) return errc::bad_options;
  const std::unique_ptr<ares_channeldata, decltype(&ares_destroy)> owned(channel, &ares_destroy);
  ares_addr_port_node* list = nullptr;
  if (ares_get_servers_ports(channel, &list) != ARES_SUCCESS) return errc::bad_options;
  const std::unique_ptr<ares_addr_port_node, decltype(&ares_free_data)> owned_list(list,
                                                                                   &ares_free_data);
  std::vector<asio::ip::udp::endpoint> out;
  for (const auto* node = list; node != nullptr; node = node->next) {
    const auto port = static_cast<std::uint16_t>(node->udp_port != 0 ? node->udp_port : 53);
    if (node->family == AF_INET) {
      asio::ip::address_v4::bytes_type b{};
      std::memcpy(b.data(), &node->addr.addr4, b.size());
      out.emplace_back(asio::ip::address_v4(b), port);
    } else if (node->family == AF_INET6) {
      asio::ip::address_v6::bytes_type b{};
      std::memcpy(b.data(), &node->addr.addr6, b.size());
      out.emplace_back(asio::ip::address_v6(b), port);
    }
  }
  if (out.empty()) return errc::bad_options;
  return out;
}

}  // namespace corofetch::dns
