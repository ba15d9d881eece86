// The embedded frontier: the host scheduler and the seen-set in memory, each change also
// appended to the journal when there is one. A URL's records go in an order that keeps a
// restart right: the links a page queued are written before the page's "finished" record, so
// a kill between the two fetches the page again (and finds the links seen) rather than losing
// them.
#include <corofetch/crawl/embedded_frontier.hpp>
#include <corofetch/url/url.hpp>

#include <unordered_map>
#include <utility>

namespace corofetch::crawl {

embedded_frontier::embedded_frontier(embedded_frontier_options options)
    : options_(std::move(options)),
      scheduler_(options_.politeness),
      seen_(options_.expected_urls) {}

result<std::unique_ptr<embedded_frontier>> embedded_frontier::open(
    embedded_frontier_options options, std::string* detail) {
  std::unique_ptr<embedded_frontier> f(new embedded_frontier(std::move(options)));
  if (!f->options_.state_file.empty()) {
    if (const std::error_code ec = f->replay(detail)) return ec;
  }
  return f;
}

// Rebuilds the seen-set and the queue from the journal, then compacts it when most of it is
// about URLs already finished.
std::error_code embedded_frontier::replay(std::string* detail) {
  std::vector<frontier_entry> pending;
  std::vector<bool> alive;
  std::unordered_map<std::uint64_t, std::size_t> pending_at;
  std::vector<std::pair<std::uint64_t, finish_kind>> finished;
  journal_visitor visitor;
  visitor.queued = [&](frontier_entry&& e) {
    const std::uint64_t f = url::fingerprint(e.url);
    seen_.insert(f);
    if (pending_at.emplace(f, pending.size()).second) {
      pending.push_back(std::move(e));
      alive.push_back(true);
    }
  };
  visitor.finished = [&](std::uint64_t f, finish_kind kind) {
    seen_.insert(f);
    count(kind);
    finished.emplace_back(f, kind);
    if (const auto it = pending_at.find(f); it != pending_at.end()) alive[it->second] = false;
  };
  auto opened = journal::open(options_.state_file, visitor, &resumed_.replay, detail);
  if (!opened) return opened.error();
  journal_.emplace(std::move(*opened));
  pending_at = {};
  std::size_t live = 0;
  for (std::size_t i = 0; i < pending.size(); ++i) {
    if (alive[i]) pending[live++] = std::move(pending[i]);
  }
  pending.resize(live);
  resumed_.pending = live;
  const std::size_t records = resumed_.replay.records;
  const std::size_t needed = finished.size() + live;
  if (records > options_.compact_after_records && (records - needed) * 3 >= records) {
    auto rewritten = journal::rewrite(options_.state_file, finished, pending);
    if (!rewritten) return rewritten.error();
    journal_.emplace(std::move(*rewritten));
    resumed_.compacted = true;
  }
  for (frontier_entry& e : pending) scheduler_.push(std::move(e));
  return {};
}

std::chrono::steady_clock::time_point embedded_frontier::now() const {
  return options_.clock ? options_.clock() : std::chrono::steady_clock::now();
}

void embedded_frontier::count(finish_kind kind) noexcept {
  switch (kind) {
    case finish_kind::fetched:
      ++fetched_;
      break;
    case finish_kind::failed:
      ++failed_;
      break;
    case finish_kind::skipped:
      ++skipped_;
      break;
  }
}

// Keeps in `entries` those whose fingerprint was new to the seen-set, adding them to it;
// their fingerprints go to fingerprints_.
namespace {
void keep_unseen(std::vector<frontier_entry>& entries, seen_set& seen,
                 std::vector<std::uint64_t>& fingerprints) {
  fingerprints.clear();
  std::size_t kept = 0;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::uint64_t f = url::fingerprint(entries[i].url);
    if (!seen.insert(f)) continue;
    if (kept != i) entries[kept] = std::move(entries[i]);
    fingerprints.push_back(f);
    ++kept;
  }
  entries.resize(kept);
}
}  // namespace

result<std::size_t> embedded_frontier::push(std::vector<frontier_entry>& entries) {
  keep_unseen(entries, seen_, fingerprints_);
  std::error_code ec;
  if (journal_) ec = journal_->append_queued(entries);
  for (frontier_entry& e : entries) scheduler_.push(std::move(e));
  if (ec) return ec;
  return entries.size();
}

std::error_code embedded_frontier::record_skipped(std::vector<frontier_entry>& entries) {
  keep_unseen(entries, seen_, fingerprints_);
  skipped_ += entries.size();
  if (journal_) return journal_->append_finished(fingerprints_, finish_kind::skipped);
  return {};
}

take_status embedded_frontier::take(std::size_t max, std::vector<frontier_lease>& out) {
  return scheduler_.take(now(), max, out);
}

std::error_code embedded_frontier::finish(const frontier_lease& lease, finish_kind kind,
                                          bool requested) {
  scheduler_.finish(lease, requested);
  count(kind);
  if (journal_) return journal_->append_finished(url::fingerprint(lease.entry.url), kind);
  return {};
}

asio::awaitable<result<std::size_t>> embedded_frontier::async_push(
    std::vector<frontier_entry>& entries) {
  co_return push(entries);
}

asio::awaitable<std::error_code> embedded_frontier::async_record_skipped(
    std::vector<frontier_entry>& entries) {
  co_return record_skipped(entries);
}

asio::awaitable<result<bool>> embedded_frontier::async_seen(std::uint64_t fingerprint) {
  co_return seen_.contains(fingerprint);
}

asio::awaitable<result<take_status>> embedded_frontier::async_take(
    std::size_t max, std::vector<frontier_lease>& out) {
  co_return take(max, out);
}

void embedded_frontier::note_request_start(const frontier_lease& lease) {
  scheduler_.started(lease, now());
}

asio::awaitable<std::error_code> embedded_frontier::async_finish(const frontier_lease& lease,
                                                                 finish_kind kind, bool requested) {
  co_return finish(lease, kind, requested);
}

asio::awaitable<std::error_code> embedded_frontier::async_retry(const frontier_lease& lease,
                                                                retry_kind kind, duration delay,
                                                                bool requested) {
  scheduler_.retry(lease, kind, delay, requested, now());
  co_return std::error_code();
}

asio::awaitable<std::error_code> embedded_frontier::async_set_crawl_delay(std::string host,
                                                                          duration crawl_delay) {
  scheduler_.set_crawl_delay(host, crawl_delay);
  co_return std::error_code();
}

frontier_stats embedded_frontier::stats() const {
  frontier_stats s;
  s.queued = scheduler_.queued();
  s.delayed = scheduler_.delayed();
  s.leased = scheduler_.leased();
  s.hosts = scheduler_.active_hosts();
  s.seen = seen_.size();
  s.fetched = fetched_;
  s.failed = failed_;
  s.skipped = skipped_;
  return s;
}

}  // namespace corofetch::crawl
