#pragma once

// Single flight: one query in flight per (name, type), and the coroutines waiting for it.

#include <corofetch/dns/answer.hpp>
#include <corofetch/dns/record.hpp>

#include <cstddef>
#include <memory>
#include <string>

namespace corofetch::dns {

class channel;

using answer_ptr = std::shared_ptr<const answer>;

// One coroutine waiting for a flight; a node of the flight's intrusive list.
struct waiter {
  waiter* prev = nullptr;
  waiter* next = nullptr;
  struct flight* owner = nullptr;
  waiter() = default;
  waiter(const waiter&) = delete;
  waiter& operator=(const waiter&) = delete;
  virtual ~waiter() = default;
  // Posts the resumption to the waiter's executor; `from_slot` when called by its own
  // cancellation handler (which must not clear the slot it is running from).
  virtual void complete(answer_ptr a, bool from_slot) = 0;
  // Disconnects the cancellation slot: the waiter is about to be resumed by resume().
  virtual void detach() noexcept = 0;
  // Runs the completion handler here and now; only from a handler running on the resolver's
  // executor (never inside c-ares), and only for a waiter with `batchable` set.
  virtual void resume(answer_ptr a) = 0;
  bool batchable = false;  // the handler's executor is the resolver's: resumed in a batch
};

// One distinct (name, type) query, shared by every lookup that wants it (single flight).
struct flight {
  void* owner = nullptr;  // the resolver::impl that runs it
  // The cache key (detail::scan_query_name()), given to the cache at the end.
  std::string key;
  std::size_t hash = 0;  // of `key`, computed once per lookup
  std::string name;      // as asked, for c-ares; the answer's first owner name may take it
  std::string wire;      // detail::plain_wire_name(name), or empty when it has none
  record_type type = record_type::a;
  channel* sent_on = nullptr;
  bool queued = false;
  waiter* head = nullptr;
  waiter* tail = nullptr;
  std::size_t waiters = 0;

  void link(waiter* w) noexcept {
    w->owner = this;
    w->prev = tail;
    if (tail != nullptr)
      tail->next = w;
    else
      head = w;
    tail = w;
    ++waiters;
  }
  void unlink(waiter* w) noexcept {
    if (w->prev != nullptr)
      w->prev->next = w->next;
    else
      head = w->next;
    if (w->next != nullptr)
      w->next->prev = w->prev;
    else
      tail = w->prev;
    w->prev = w->next = nullptr;
    w->owner = nullptr;
    --waiters;
  }
  // Resumes every waiter with `a` (posted, never run here).
  void complete_all(const answer_ptr& a) {
    while (head != nullptr) {
      waiter* w = head;
      // The analyzer misses that head->prev is null, so unlink() advances head past w.
      unlink(w);  // NOLINT(clang-analyzer-cplusplus.NewDelete)
      w->complete(a, false);
      delete w;  // NOLINT: owned by the list
    }
  }
};

}  // namespace corofetch::dns
