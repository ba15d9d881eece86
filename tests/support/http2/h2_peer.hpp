#pragma once
// The scripted HTTP/2 peer (h2_peer.py over Debian's python3-h2) as a fixture: started on a
// free loopback port with a scenario, stopped when destroyed (it also ends by itself once its
// one connection is over, or after its lifetime).

#include "common/background_process.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

/// Skips the current test case (with a warning) when python3-h2 is missing.
#define CF_REQUIRE_H2_PEER()                                             \
  do {                                                                   \
    if (!::corofetch::test::h2_peer::available()) {                      \
      WARN("python3-h2 is not installed: scripted HTTP/2 peer skipped"); \
      return;                                                            \
    }                                                                    \
  } while (false)

namespace corofetch::test {

class h2_peer {
 public:
  /// Starts `scenario` (see h2_peer.py) with more arguments; throws std::runtime_error when
  /// python3-h2 is missing or the peer does not start.
  explicit h2_peer(const std::string& scenario, const std::vector<std::string>& args = {});

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }

  /// True when Debian's python3-h2 is installed.
  static bool available();

 private:
  std::unique_ptr<background_process> process_;
  std::uint16_t port_ = 0;
};

}  // namespace corofetch::test
