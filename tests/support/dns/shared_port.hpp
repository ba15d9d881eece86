#pragma once

// One port number for a DNS hierarchy on loopback: every server of it listens on its own
// 127.0.0.x address and on the same port, because a referral's glue gives an address only and
// the resolver asks every server on one port (as on the Internet, where it is 53).

#include <cstdint>
#include <string>
#include <vector>

namespace corofetch::test {

/// A port free for both UDP and TCP on every one of `addresses` (loopback IPv4 addresses,
/// "127.0.0.2", ...) at the time of the call. Another process may take it before the servers
/// bind it: callers retry with a new port when a server fails to start. Throws
/// std::runtime_error when none is found in 100 tries.
[[nodiscard]] std::uint16_t port_free_on(const std::vector<std::string>& addresses);

}  // namespace corofetch::test
