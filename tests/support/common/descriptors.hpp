#pragma once
// The file descriptors this process holds now (the entries of /proc/self/fd): the fault suites
// count them before and after a fault, so that a socket left open fails the test.

#include <cstddef>
#include <filesystem>

namespace corofetch::test {

inline std::size_t open_descriptors() {
  std::size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    (void)entry;
    ++n;
  }
  return n;
}

}  // namespace corofetch::test
