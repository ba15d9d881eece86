#pragma once
// The phases of one exchange of a resource as HAR and the waterfall show them: the first
// exchange's queue time includes the wait in the loader for a slot, and a failed exchange's
// time in the phase that failed (which the client does not record) is added to that phase, so
// the phases cover the resource from queued to finished. Internal to the page module.

#include <corofetch/page/loader.hpp>

#include <cstddef>

namespace corofetch::page::detail {

/// Exchange `k` of `r`: its phases, and its start from the start of the load.
struct exchange_phases {
  client::timing timing;
  std::chrono::nanoseconds start{0};
};

[[nodiscard]] exchange_phases phases_of(const resource& r, std::size_t k);

}  // namespace corofetch::page::detail
