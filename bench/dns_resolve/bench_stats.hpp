#pragma once

// What one benchmark run measured, printed as one "key=value ..." line that run.sh reads.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace dns_bench {

struct run_stats {
  std::uint64_t queries = 0;   ///< lookups completed
  std::uint64_t ok = 0;        ///< with the expected answer (an A record)
  std::uint64_t timeouts = 0;  ///< that ended in a timeout
  std::uint64_t errors = 0;    ///< that ended in any other error
  double seconds = 0;          ///< wall time of the measured part
  double cpu_seconds = 0;      ///< user + system CPU of this process over the same part
};

/// `total` A lookups over `names` (name i % names.size()), `outstanding` at a time, with raw
/// c-ares 1.18.1: ares_query + ares_parse_a_reply, its sockets watched by epoll through
/// ARES_OPT_SOCK_STATE_CB, the same timeout, tries and receive buffer as the resolver.
/// `deferred`: each answer's next query starts after ares_process_fd returns instead of inside
/// the c-ares callback, the way any library that never runs user code inside c-ares works.
run_stats run_cares(const std::string& server, const std::vector<std::string>& names,
                    std::uint64_t total, std::size_t outstanding, bool deferred);

/// User + system CPU time of this process so far, in seconds.
double process_cpu_seconds();

}  // namespace dns_bench
