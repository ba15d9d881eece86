// The host scheduler: per-host FIFO queues, a min-heap of hosts by the time they may start a
// request, and a min-heap of entries waiting for a backoff. Heap items are never removed from
// the middle: a host's item goes stale when the host leaves the heap or moves in it, and stale
// items are dropped when they reach the top, so every operation stays O(log hosts).
#include <corofetch/crawl/host_scheduler.hpp>

#include <algorithm>
#include <utility>

namespace corofetch::crawl {
namespace {

template <class Item, class Key>
auto later_first(Key key) {
  return [key](const Item& a, const Item& b) { return key(a) > key(b); };
}

}  // namespace

host_scheduler::host_scheduler(politeness_options options) : options_(options) {
  options_.per_host = std::max<std::size_t>(1, options_.per_host);
}

std::uint32_t host_scheduler::host_of(std::string_view key) {
  if (const auto it = index_.find(key); it != index_.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(hosts_.size());
  host_state& h = hosts_.emplace_back();
  h.key = std::string(key);
  h.spacing = options_.delay;
  index_.emplace(h.key, id);
  return id;
}

bool host_scheduler::active(const host_state& h) noexcept {
  return !h.queue.empty() || h.in_flight > 0 || h.delayed > 0;
}

void host_scheduler::count_activity(const host_state& h, bool was_active) noexcept {
  const bool now_active = active(h);
  if (now_active && !was_active) ++active_hosts_;
  if (!now_active && was_active) --active_hosts_;
}

// Puts `host` in the ready heap at its next start when it may take another request (queued
// work, room under per_host), and out of it otherwise.
void host_scheduler::schedule(std::uint32_t host) {
  host_state& h = hosts_[host];
  const bool eligible = !h.queue.empty() && h.in_flight < options_.per_host;
  if (!eligible) {
    h.in_heap = false;
    return;
  }
  if (h.in_heap && h.heap_at == h.next_start) return;
  h.in_heap = true;
  h.heap_at = h.next_start;
  ++h.heap_generation;
  ready_.push_back({h.next_start, host, h.heap_generation});
  std::push_heap(ready_.begin(), ready_.end(),
                 later_first<ready_item>([](const ready_item& i) { return i.at; }));
}

void host_scheduler::pop_stale() {
  const auto order = later_first<ready_item>([](const ready_item& i) { return i.at; });
  while (!ready_.empty()) {
    const ready_item& top = ready_.front();
    const host_state& h = hosts_[top.host];
    if (h.in_heap && h.heap_generation == top.generation) return;
    std::pop_heap(ready_.begin(), ready_.end(), order);
    ready_.pop_back();
  }
}

void host_scheduler::enqueue(std::uint32_t host, frontier_entry entry, bool front) {
  host_state& h = hosts_[host];
  const bool was_active = active(h);
  if (front) {
    h.queue.push_front(std::move(entry));
  } else {
    h.queue.push_back(std::move(entry));
  }
  ++queued_;
  count_activity(h, was_active);
  schedule(host);
}

void host_scheduler::push(frontier_entry entry) {
  const std::uint32_t host = host_of(host_key(entry.url));
  enqueue(host, std::move(entry), false);
}

// Entries whose backoff has passed go back to the front of their host's queue: a retry is
// older than anything queued behind it.
void host_scheduler::release_due(time_point now) {
  const auto order = later_first<delayed_item>([](const delayed_item& i) { return i.due; });
  while (!delayed_.empty() && delayed_.front().due <= now) {
    std::pop_heap(delayed_.begin(), delayed_.end(), order);
    delayed_item item = std::move(delayed_.back());
    delayed_.pop_back();
    --hosts_[item.host].delayed;  // still active: the entry is queued again at once
    enqueue(item.host, std::move(item.entry), true);
  }
}

take_status host_scheduler::take(time_point now, std::size_t max,
                                 std::vector<frontier_lease>& out) {
  out.clear();
  release_due(now);
  const auto order = later_first<ready_item>([](const ready_item& i) { return i.at; });
  while (out.size() < max) {
    pop_stale();
    if (ready_.empty() || ready_.front().at > now) break;
    const std::uint32_t host = ready_.front().host;
    std::pop_heap(ready_.begin(), ready_.end(), order);
    ready_.pop_back();
    host_state& h = hosts_[host];
    h.in_heap = false;
    frontier_lease& lease = out.emplace_back();
    lease.entry = std::move(h.queue.front());
    h.queue.pop_front();
    --queued_;
    lease.token = ++next_token_;
    lease.handle = host;
    h.last_token = lease.token;
    h.start_before_last = h.next_start;
    h.last_start = now;
    h.next_start = now + h.spacing;
    ++h.in_flight;
    ++leased_;
    schedule(host);
  }
  pop_stale();
  return status(now);
}

void host_scheduler::started(const frontier_lease& lease, time_point now) {
  const auto host = static_cast<std::uint32_t>(lease.handle);
  host_state& h = hosts_[host];
  if (h.last_token != lease.token || now <= h.last_start) return;
  h.last_start = now;
  h.next_start = std::max(h.next_start, now + h.spacing);
  schedule(host);
}

take_status host_scheduler::status(time_point now) const {
  take_status s;
  s.exhausted = queued_ == 0 && delayed_.empty() && leased_ == 0;
  time_point next = time_point::max();
  if (!ready_.empty()) next = ready_.front().at;
  if (!delayed_.empty()) next = std::min(next, delayed_.front().due);
  if (next != time_point::max()) s.next_in = next <= now ? duration::zero() : next - now;
  return s;
}

void host_scheduler::end_lease(host_state& h, const frontier_lease& lease,
                               bool requested) noexcept {
  --h.in_flight;
  --leased_;
  // A lease that sent nothing gives its start back, unless another start came after it: the
  // spacing then runs from that one.
  if (!requested && h.last_token == lease.token) h.next_start = h.start_before_last;
}

void host_scheduler::finish(const frontier_lease& lease, bool requested) {
  const auto host = static_cast<std::uint32_t>(lease.handle);
  host_state& h = hosts_[host];
  const bool was_active = active(h);
  end_lease(h, lease, requested);
  count_activity(h, was_active);
  schedule(host);
}

void host_scheduler::retry(const frontier_lease& lease, retry_kind kind, duration delay,
                           bool requested, time_point now) {
  const auto host = static_cast<std::uint32_t>(lease.handle);
  host_state& h = hosts_[host];
  const bool was_active = active(h);
  end_lease(h, lease, requested);
  frontier_entry entry = lease.entry;
  switch (kind) {
    case retry_kind::again:
      break;
    case retry_kind::backoff: {
      ++entry.attempt;
      ++h.delayed;
      delayed_.push_back({now + delay, host, std::move(entry)});
      std::push_heap(delayed_.begin(), delayed_.end(),
                     later_first<delayed_item>([](const delayed_item& i) { return i.due; }));
      count_activity(h, was_active);
      schedule(host);
      return;
    }
    case retry_kind::host_busy:
      ++entry.attempt;
      h.next_start = std::max(h.next_start, now + delay);
      break;
  }
  count_activity(h, was_active);  // enqueue counts from here on
  enqueue(host, std::move(entry), true);
}

void host_scheduler::set_crawl_delay(std::string_view host, duration crawl_delay) {
  const std::uint32_t id = host_of(host);
  host_state& h = hosts_[id];
  const duration capped = std::min<duration>(crawl_delay, options_.max_crawl_delay);
  h.spacing = std::max<duration>(options_.delay, capped);
  if (h.last_start != time_point::min()) {
    h.next_start = std::max(h.next_start, h.last_start + h.spacing);
  }
  schedule(id);
}

host_scheduler::duration host_scheduler::spacing(std::string_view host) const {
  const auto it = index_.find(host);
  if (it == index_.end()) return options_.delay;
  return hosts_[it->second].spacing;
}

}  // namespace corofetch::crawl
