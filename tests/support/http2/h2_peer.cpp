#include "support/http2/h2_peer.hpp"

#include <stdexcept>

namespace corofetch::test {

bool h2_peer::available() {
  return python_module_available("h2");
}

h2_peer::h2_peer(const std::string& scenario, const std::vector<std::string>& args) {
  if (!available()) throw std::runtime_error("python3-h2 is not installed (Debian: python3-h2)");
  std::vector<std::string> argv{system_python(), CF_SOURCE_DIR "/tests/support/http2/h2_peer.py",
                                scenario};
  argv.insert(argv.end(), args.begin(), args.end());
  process_ = std::make_unique<background_process>(argv, "PORT");
  port_ = static_cast<std::uint16_t>(std::stoi(process_->ready_line()));
}

}  // namespace corofetch::test
