#pragma once
// The soak programs' memory figure: this process's resident set (VmRSS of /proc/self/status).

#include <cstddef>
#include <fstream>
#include <string>

namespace soak {

inline std::size_t rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "VmRSS:") {
      std::size_t kib = 0;
      status >> kib;
      return kib;
    }
    status.ignore(1 << 12, '\n');
  }
  return 0;
}

}  // namespace soak
