// detail::phases_of: the phases of a resource's exchanges, for HAR and the waterfall.
#include "page/phases.hpp"

#include <cstdint>

namespace corofetch::page::detail {
namespace {

enum class phase : std::uint8_t { queued, dns, connect, tls, wait, receive };

// The phase a failed exchange was in: the client records dns, connect and tls even when they
// fail, so the last phase with a duration if it is one of those, else the one after it.
phase failed_phase(const client::timing& t) {
  if (t.done.count() > 0 || t.first_byte.count() > 0) return phase::receive;
  if (t.sent.count() > 0) return phase::wait;
  if (t.tls.count() > 0) return phase::tls;
  if (t.connect.count() > 0) return phase::connect;
  if (t.dns.count() > 0) return phase::dns;
  return phase::queued;
}

std::chrono::nanoseconds& duration_of(client::timing& t, phase p) {
  switch (p) {
    case phase::queued:
      return t.queued;
    case phase::dns:
      return t.dns;
    case phase::connect:
      return t.connect;
    case phase::tls:
      return t.tls;
    case phase::wait:
      return t.first_byte;
    case phase::receive:
      break;
  }
  return t.done;
}

}  // namespace

exchange_phases phases_of(const resource& r, std::size_t k) {
  exchange_phases out;
  if (k >= r.exchanges.size()) {
    out.start = r.queued;
    out.timing.queued = r.finished > r.queued ? r.finished - r.queued : std::chrono::nanoseconds(0);
    return out;
  }
  const exchange& e = r.exchanges[k];
  out.timing = e.timing;
  out.start = e.started;
  if (k == 0 && r.started > r.queued) {  // waiting in the loader for a slot
    out.timing.queued += r.started - r.queued;
    out.start = r.queued;
  }
  if (k + 1 == r.exchanges.size() && r.error) {
    const auto spent = r.finished - (e.started + e.timing.total());
    if (spent.count() > 0) duration_of(out.timing, failed_phase(e.timing)) += spent;
  }
  return out;
}

}  // namespace corofetch::page::detail
