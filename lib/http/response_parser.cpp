// The response parser: llhttp does the byte-level work; this file adds what llhttp 8.1.0 does
// not know or does not check. llhttp stops ("pauses") where a check needs the position in the
// input: the end of the head, the last chunk's size line, the end of the message. No user code
// runs inside an llhttp callback (STYLE 4): callbacks only record and check bytes.
//
// Speed (bench/README.md, "HTTP response parsing"): llhttp gets no per-field callback. A head
// that arrives in whole lines takes scan_head: each line is checked and indexed 16 bytes at a
// time (field_line.hpp), and llhttp reads only the status line, the fields it acts on and the
// end of the head. A head that does not (a line split across reads, anything unusual) is kept
// raw as llhttp reads it byte by byte and indexed once complete (fields_access::index_raw);
// the indexing makes the checks llhttp 8.1.0 lacks (bare CR, obs-fold, spaces in names). Both
// ways give the same outcome. Trailers go the second way. The CRLF after each chunk's data is
// checked in on_body, or at the start of the next input when it is split off, so chunks cost
// no pause; a read inside a body that goes on past it skips llhttp (parse()).
#include <corofetch/http/response_parser.hpp>
#include <corofetch/http/status.hpp>
#include <corofetch/http/syntax.hpp>

#include "http/field_line.hpp"
#include "http/fields_access.hpp"
#include "http/llhttp_errors.hpp"

#include <llhttp.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <span>

namespace corofetch::http {
namespace detail {

// Where llhttp paused, recorded by the callback that asked for the pause.
enum class pause_point : unsigned char {
  none,
  head,           // after the blank line ending the head
  chunk_framing,  // after the last chunk's size line
  message,        // the message is complete
};

// What scan_head did with an input.
enum class head_scan : unsigned char {
  more,     // took every byte: the head goes on in the next input
  ran,      // gave llhttp the end of the head, or llhttp failed: see its result
  gave_up,  // met a line it does not vouch for: the general loop takes over from there
  failed,   // a limit: the error is set
};

// The body pieces of one parse() call. Appending stays a compare and a store: growing is out
// of line, so the callers that append (on_body, parse()'s short path) need no spill code.
class piece_list {
 public:
  void clear() noexcept { size_ = 0; }
  void push(std::string_view piece) {
    if (size_ == capacity_) [[unlikely]] {
      grow();
    }
    data_[size_++] = piece;
  }
  // push() for a caller that returns right after it: false when the list must grow first
  // (push() then), so that the caller's common path makes no call.
  [[nodiscard]] bool try_push(std::string_view piece) noexcept {
    if (size_ == capacity_) [[unlikely]] {
      return false;
    }
    data_[size_++] = piece;
    return true;
  }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] std::string_view back() const noexcept { return data_[size_ - 1]; }
  [[nodiscard]] std::span<const std::string_view> view() const noexcept {
    return {data_.get(), size_};
  }

 private:
  [[gnu::noinline]] void grow() {
    auto bigger = std::make_unique<std::string_view[]>(capacity_ * 2);
    std::copy(data_.get(), data_.get() + size_, bigger.get());
    data_ = std::move(bigger);
    capacity_ *= 2;
  }
  std::size_t size_ = 0;
  std::size_t capacity_ = 8;
  std::unique_ptr<std::string_view[]> data_ = std::make_unique<std::string_view[]>(capacity_);
};

}  // namespace detail

using detail::fields_access;
using detail::head_scan;
using detail::parse_stage;
using detail::pause_point;

struct response_parser::impl {
  llhttp_t parser{};
  llhttp_settings_t settings{};
  parser_options options;

  // The request this response answers.
  bool head_request = false;
  bool connect_request = false;
  bool upgrade_requested = false;

  // The response in progress.
  response_head head;
  std::vector<response_head> interim;
  fields trailers;
  detail::piece_list pieces;
  std::string body;
  std::uint64_t body_size = 0;
  bool started = false;
  bool head_done = false;
  bool in_trailers = false;
  bool complete = false;
  bool keep_alive = false;
  bool upgraded = false;
  bool closing = false;  // a response ended the connection
  bool finishing = false;
  bool fresh = true;           // llhttp is at the start of a message: no reset needed
  bool chunk_starts = false;   // the next body byte is the first of a chunk
  bool body_open = false;      // llhttp stopped inside a body's bytes (content_length left)
  bool body_checks = false;    // on_body has more to do than record the piece: one of
  bool chunked = false;        // ... a chunked body's framing checks
  bool limit_body = false;     // ... parser_options::max_body_bytes or collect_body (check_body)
  unsigned char crlf_due = 0;  // bytes of a chunk's data CRLF to check in the next input (2, 1)

  // The head's fast path (scan_head).
  bool head_fast = true;          // every line of this head so far was vouched for by scan_head
  bool status_line_seen = false;  // scan_head gave llhttp the status line
  bool head_indexed = false;      // scan_head indexed the whole head
  std::size_t index_from = 0;     // where index_section starts once scan_head gave up
  std::size_t unfed_begin = 0;    // the last line llhttp did not see, when it was the last one
  std::size_t unfed_size = 0;     // scan_head took (offsets in the head's bytes; 0: none)

  // Where llhttp's current input lies, for the callbacks.
  const char* data_end = nullptr;  // end of the current parse() input

  // Scratch shared with the callbacks.
  pause_point paused = pause_point::none;
  const char* data_begin = nullptr;         // start of the current parse() input
  char tail[4] = {'\n', '\n', '\n', '\n'};  // the last bytes before this input, newest last

  // Errors.
  std::error_code error;
  errc pending = errc::malformed_message;
  bool has_pending = false;
  std::string reason;

  explicit impl(parser_options opts);
  void start_response(bool reset_llhttp);

  int fail_in_callback(errc e) noexcept;
  std::error_code fail(errc e, const char* why);
  std::error_code fail_from_llhttp(llhttp_errno_t err, const char* segment);
  char byte_back(const char* pos, std::ptrdiff_t k) const noexcept;

  // The last bytes of an input, for the checks that look back across inputs.
  void remember_tail(const char* begin, const char* end) noexcept {
    const std::ptrdiff_t n = end - begin;
    if (n >= 4) [[likely]] {
      std::memcpy(tail, end - 4, 4);
    } else if (n > 0) {
      const auto keep = static_cast<std::size_t>(4 - n);
      std::memmove(tail, tail + n, keep);
      std::memcpy(tail + keep, begin, static_cast<std::size_t>(n));
    }
  }

  // After llhttp took a whole input: whether it stopped inside a body's bytes, in the state
  // that only counts them down (the last piece reaches the end and content_length is left,
  // which for a chunked body is what is left of the chunk). Not with a body limit or the
  // collecting mode: those look at every piece.
  [[nodiscard]] bool stopped_in_body(const char* end) const noexcept {
    return !limit_body && !pieces.empty() && pieces.back().data() + pieces.back().size() == end &&
           parser.content_length != 0;
  }

  // The internal steps return false once they have set `error` (through fail()).
  bool keep_raw(fields& section, const char* from, const char* to, std::size_t limit, errc too_big);
  bool index_section(fields& section, std::size_t from, bool has_start_line, std::size_t max_lines);
  void start_head() noexcept {
    head_fast = true;
    status_line_seen = head_indexed = false;
    index_from = unfed_size = 0;
  }
  head_scan scan_head(const char*& p, const char* end, llhttp_errno_t& err);
  head_scan scan_head_stop(const char*& p, const char* input_from, const char* at, const char* feed,
                           llhttp_errno_t& err);
  head_scan scan_head_failed(const char* input_from, const char* end);
  bool run_llhttp(const char* from, const char* to, llhttp_errno_t& err) noexcept {
    err = llhttp_execute(&parser, from, static_cast<std::size_t>(to - from));
    return err == HPE_OK;
  }
  bool check_split_crlf(std::string_view data);
  [[gnu::noinline]] int check_body(const char* at, std::size_t n);
  [[gnu::noinline]] int record_piece(const char* at, std::size_t n);
  [[gnu::noinline]] int chunk_end_split(const char* at, std::size_t n);
  int check_split_chunk_end(const char* e) noexcept;

  bool check_head();
  bool on_head(bool& stop);
  bool on_pause(const char* pos, const char* end, bool& stop);
  bool on_message(const char* pos, const char* end, bool& stop);

  [[gnu::noinline]] result<std::size_t> parse_input(std::string_view data);
  [[gnu::noinline]] result<std::size_t> parse_edge(std::string_view data);
  result<std::size_t> parse_more(std::string_view data);
  [[gnu::noinline]] result<std::size_t> parse_loop(const char* begin, const char* end,
                                                   const char* p, llhttp_errno_t first);
};

namespace {

// True when every Transfer-Encoding line lists chunked only (RFC 9112 6.1: a comma-separated
// list of codings, empty elements allowed, names case-insensitive).
bool only_chunked(const fields& f) {
  for (const std::string_view line : f.find_all("Transfer-Encoding")) {
    std::string_view rest = line;
    while (!rest.empty()) {
      const std::string_view coding = next_list_element(rest);
      if (!coding.empty() && !iequals(coding, "chunked")) return false;
    }
  }
  return true;
}

response_parser::impl& self(llhttp_t* p) noexcept {
  return *static_cast<response_parser::impl*>(p->data);
}

int on_message_begin(llhttp_t* p) {
  self(p).started = true;
  return 0;
}

int on_status(llhttp_t* p, const char* at, std::size_t n) {
  auto& s = self(p);
  s.head.reason.append(at, n);
  if (s.head.reason.size() > s.options.max_head_bytes) {
    return s.fail_in_callback(errc::head_too_large);
  }
  return 0;
}

int on_headers_complete(llhttp_t* p) {
  self(p).paused = pause_point::head;
  return HPE_PAUSED;
}

// The hot path of a body: record the piece. Chunked bodies check their framing first; limits and
// the collecting mode take check_body. Flags set with the head tell which. Checks come before
// the piece is recorded, so a failed one leaves nothing to take back; every call out of the
// common path is a tail call, so that path saves no registers.
int on_body(llhttp_t* p, const char* at, std::size_t n) {
  auto& s = self(p);
  if (s.body_checks) [[unlikely]] {
    if (s.limit_body) [[unlikely]] {
      return s.check_body(at, n);
    }
    if (s.chunk_starts) {
      // The first byte of a chunk's data: the size line before it must end in LF (llhttp 8.1.0
      // takes any byte after its CR, "3\rXabc").
      s.chunk_starts = false;
      if ((at != s.data_begin ? at[-1] : s.tail[3]) != '\n') [[unlikely]] {
        return s.fail_in_callback(errc::bare_cr);
      }
    }
    if (p->content_length == 0) {
      // The chunk's data ends here. llhttp 8.1.0 skips the two bytes after it unchecked
      // ("abcXY"): they must be CRLF; what the next input holds is checked when it comes.
      s.chunk_starts = true;
      const char* e = at + n;
      if (s.data_end - e < 2) [[unlikely]] {
        return s.chunk_end_split(at, n);
      }
      if (e[0] != '\r' || e[1] != '\n') [[unlikely]] {
        return s.fail_in_callback(errc::bare_cr);
      }
    }
  }
  if (!s.pieces.try_push(std::string_view(at, n))) [[unlikely]] {
    return s.record_piece(at, n);
  }
  s.body_size += n;
  return 0;
}

int on_chunk_header(llhttp_t* p) {
  if (p->content_length != 0) [[likely]] {
    return 0;  // data follows: its first byte checks the size line (check_body), no pause
  }
  auto& s = self(p);
  s.in_trailers = true;  // the last chunk: trailer fields follow, kept from here on
  s.paused = pause_point::chunk_framing;
  return HPE_PAUSED;
}

int on_message_complete(llhttp_t* p) {
  auto& s = self(p);
  s.keep_alive = llhttp_should_keep_alive(p) != 0;
  if (s.finishing) {  // EOF ended a body without length: the last response on the connection
    s.complete = true;
    s.keep_alive = false;
    return 0;
  }
  s.paused = pause_point::message;
  return HPE_PAUSED;
}

}  // namespace

response_parser::impl::impl(parser_options opts) : options(opts) {
  llhttp_settings_init(&settings);
  settings.on_message_begin = &on_message_begin;
  settings.on_status = &on_status;
  settings.on_headers_complete = &on_headers_complete;
  settings.on_body = &on_body;
  settings.on_chunk_header = &on_chunk_header;
  settings.on_message_complete = &on_message_complete;
  llhttp_init(&parser, HTTP_RESPONSE, &settings);
  parser.data = this;
}

void response_parser::impl::start_response(bool reset_llhttp) {
  if (reset_llhttp) llhttp_reset(&parser);
  head.status = 0;
  head.reason.clear();
  head.version = http_1_1;
  fields_access::clear(head.fields);
  if (!interim.empty()) interim.clear();
  fields_access::clear(trailers);
  pieces.clear();
  body.clear();
  body_size = 0;
  started = head_done = in_trailers = complete = keep_alive = upgraded = chunk_starts = false;
  body_open = false;
  body_checks = chunked = limit_body = false;
  crlf_due = 0;
  start_head();
  paused = pause_point::none;
}

// on_body with a body limit or the collecting mode (parser_options): the limit, the checks of
// a chunked body, then the piece.
int response_parser::impl::check_body(const char* at, std::size_t n) {
  if (options.max_body_bytes && body_size + n > *options.max_body_bytes) {
    return fail_in_callback(errc::body_too_large);
  }
  if (chunked) {
    if (chunk_starts) {
      chunk_starts = false;
      if ((at != data_begin ? at[-1] : tail[3]) != '\n') return fail_in_callback(errc::bare_cr);
    }
    if (parser.content_length == 0) {
      chunk_starts = true;
      const char* e = at + n;
      if (data_end - e < 2) {
        if (const int err = check_split_chunk_end(e)) return err;
      } else if (e[0] != '\r' || e[1] != '\n') {
        return fail_in_callback(errc::bare_cr);
      }
    }
  }
  if (options.collect_body) body.append(at, n);
  return record_piece(at, n);
}

// Records a body piece (on_body's path when the list must grow, and the rarer paths).
int response_parser::impl::record_piece(const char* at, std::size_t n) {
  body_size += n;
  pieces.push(std::string_view(at, n));
  return 0;
}

// A chunk's data [at, at + n) ended less than two bytes before the end of the input (no limit
// set): check what is here, then record the piece.
int response_parser::impl::chunk_end_split(const char* at, std::size_t n) {
  if (const int err = check_split_chunk_end(at + n)) return err;
  return record_piece(at, n);
}

// A chunk's data ended at `e`, less than two bytes before the end of the input: check what is
// here, the rest at the start of the next input.
int response_parser::impl::check_split_chunk_end(const char* e) noexcept {
  if (e == data_end) {
    crlf_due = 2;
    return 0;
  }
  if (*e != '\r') return fail_in_callback(errc::bare_cr);
  crlf_due = 1;
  return 0;
}

// The CRLF after a chunk's data when an input ended before it: it starts this input.
bool response_parser::impl::check_split_crlf(std::string_view data) {
  for (std::size_t i = 0; crlf_due != 0 && i < data.size(); ++i, --crlf_due) {
    if (data[i] != (crlf_due == 2 ? '\r' : '\n')) {
      fail(errc::bare_cr, "Bare CR in chunk framing");
      return false;
    }
  }
  return true;
}

int response_parser::impl::fail_in_callback(errc e) noexcept {
  pending = e;
  has_pending = true;
  return HPE_USER;
}

std::error_code response_parser::impl::fail(errc e, const char* why) {
  error = e;
  reason = why;
  return error;
}

std::error_code response_parser::impl::fail_from_llhttp(llhttp_errno_t err, const char* segment) {
  if (has_pending) {  // one of our checks failed inside a callback
    has_pending = false;
    error = pending;
    reason = make_error_code(pending).message();
    return error;
  }
  const char* why = llhttp_get_error_reason(&parser);
  if (!head_done && segment != nullptr) {  // keep the head so far: which framing fields it had
    const char* at = llhttp_get_error_pos(&parser);
    if (at != nullptr && at >= segment &&
        at - segment <= static_cast<std::ptrdiff_t>(options.max_head_bytes)) {
      fields_access::append_block(
          head.fields, std::string_view(segment, static_cast<std::size_t>(at - segment)));
    }
  }
  const bool saw_te = fields_access::raw_has_line(head.fields, "Transfer-Encoding");
  const parse_stage stage = !head_done    ? parse_stage::head
                            : in_trailers ? parse_stage::trailers
                                          : parse_stage::body;
  return fail(detail::map_llhttp_error(err, stage, saw_te), why != nullptr ? why : "");
}

// The byte k positions before `pos` in the stream, looking into earlier inputs (up to 4).
char response_parser::impl::byte_back(const char* pos, std::ptrdiff_t k) const noexcept {
  const std::ptrdiff_t in_input = pos - data_begin;
  if (k <= in_input) return pos[-k];
  const std::ptrdiff_t back = k - in_input;  // 1 = the newest byte of the earlier inputs
  return back <= 4 ? tail[4 - back] : '\n';
}

// Keeps the raw bytes [from, to) of a head or trailer section, within its limit.
bool response_parser::impl::keep_raw(fields& section, const char* from, const char* to,
                                     std::size_t limit, errc too_big) {
  const auto n = static_cast<std::size_t>(to - from);
  if (section.byte_size() + n > limit) {
    fail(too_big, "Header section too large");
    return false;
  }
  fields_access::append_block(section, std::string_view(from, n));
  return true;
}

// The head's fast path. llhttp 8.1.0 reads a head a byte at a time, about 13 instructions a
// byte, and most of a head is lines it only reads through: names it does not act on, values it
// takes as they are. scan_head checks each line 16 bytes at a time (field_line.hpp: llhttp's
// own rules for such a line, or stricter) and indexes it; llhttp is given the status line, the
// lines it acts on (Content-Length, Transfer-Encoding, Connection, Proxy-Connection, Upgrade)
// and the end of the head, so it ends the head in the very state reading every byte would
// have left it in. The first line scan_head does not vouch for (anything unusual, a line split
// across inputs, a limit reached) ends the fast path for this head: llhttp is given the last
// line it skipped, which puts it where it would have been, and the general loop takes the rest
// byte by byte, index_section indexing from there, exactly as without this path. So the
// outcome is the same either way; the tests and the fuzz target compare heads fed whole with
// the same heads fed a byte at a time, which never takes this path.
head_scan response_parser::impl::scan_head(const char*& p, const char* end, llhttp_errno_t& err) {
  const char* const input_from = p;  // this input's head bytes, not yet kept, start here
  const std::size_t kept = head.fields.byte_size();
  // A byte's offset in the head's bytes once this input's are appended: its address - shift.
  const std::uintptr_t shift = reinterpret_cast<std::uintptr_t>(input_from) - kept;
  const auto offset = [shift](const char* at) {
    return static_cast<std::size_t>(reinterpret_cast<std::uintptr_t>(at) - shift);
  };
  // Whether every byte of this input fits in the head's limit (no check a line then).
  const bool fits = kept + static_cast<std::size_t>(end - input_from) <= options.max_head_bytes;
  // Field lines this head may still have; whether a line of this input can be over its limit.
  std::size_t fields_left = options.max_fields - std::min(options.max_fields, head.fields.size());
  const bool lines_fit = static_cast<std::size_t>(end - input_from) <= options.max_field_bytes;
  const char* const base = data_begin;
  const char* feed = nullptr;  // the lines from here on are for llhttp to read
  const char* q = p;
  if (!status_line_seen) {
    const char* s = q;
    while (s < end && (*s == '\r' || *s == '\n')) ++s;  // llhttp skips empty lines before it
    const char* eol = fields_access::find_byte(base, s, end, '\n');
    if (eol == nullptr || offset(eol + 1) > options.max_head_bytes) {
      return scan_head_stop(p, input_from, q, nullptr, err);
    }
    const char* cr = fields_access::find_byte(base, s, eol, '\r');
    if (cr != nullptr && cr != eol - 1) return scan_head_stop(p, input_from, q, nullptr, err);
    status_line_seen = true;
    feed = q;
    q = eol + 1;
  }
  detail::plain_line line;
  for (;;) {
    if (q == end) {  // the input ends between two lines
      if (feed != nullptr && !run_llhttp(feed, end, err)) return scan_head_failed(input_from, end);
      fields_access::append_block(
          head.fields, std::string_view(input_from, static_cast<std::size_t>(end - input_from)));
      p = end;
      return head_scan::more;
    }
    if (*q == '\r' || *q == '\n') {  // the blank line ending the head
      if (*q == '\r' && (end - q < 2 || q[1] != '\n')) {
        return scan_head_stop(p, input_from, q, feed, err);
      }
      const char* from = feed != nullptr ? feed : q;
      err = llhttp_execute(&parser, from, static_cast<std::size_t>(end - from));
      if (err == HPE_PAUSED) {
        if (!keep_raw(head.fields, input_from, llhttp_get_error_pos(&parser),
                      options.max_head_bytes, errc::head_too_large)) {
          return head_scan::failed;
        }
        head_indexed = true;
        return head_scan::ran;
      }
      if (err != HPE_OK) return scan_head_failed(input_from, end);
      // llhttp always pauses at the end of a head; were it not to, the general loop goes on.
      head_fast = false;
      index_from = offset(q);
      if (!keep_raw(head.fields, input_from, end, options.max_head_bytes, errc::head_too_large)) {
        return head_scan::failed;
      }
      return head_scan::ran;
    }
    if (!detail::scan_plain_line(base, q, end, line) || fields_left == 0 ||
        (!lines_fit && line.name_size + line.value_size > options.max_field_bytes) ||
        (!fits && offset(line.next) > options.max_head_bytes)) {
      return scan_head_stop(p, input_from, q, feed, err);
    }
    --fields_left;
    fields_access::add_line(head.fields, offset(q), line.name_size, offset(line.value),
                            line.value_size);
    if (detail::llhttp_acts_on(q, line.name_size)) {
      if (feed == nullptr) feed = q;
      unfed_size = 0;
    } else {
      if (feed != nullptr && !run_llhttp(feed, q, err)) return scan_head_failed(input_from, end);
      feed = nullptr;
      unfed_begin = offset(q);
      unfed_size = static_cast<std::size_t>(line.next - q);
    }
    q = line.next;
  }
}

// scan_head met, at `at`, a line it does not vouch for: llhttp reads what it still has to (the
// pending lines, then the last line it skipped), and the general loop goes on from `at`.
head_scan response_parser::impl::scan_head_stop(const char*& p, const char* input_from,
                                                const char* at, const char* feed,
                                                llhttp_errno_t& err) {
  if (feed != nullptr && !run_llhttp(feed, at, err)) return scan_head_failed(input_from, at);
  fields_access::append_block(
      head.fields, std::string_view(input_from, static_cast<std::size_t>(at - input_from)));
  if (unfed_size != 0) {
    // A line llhttp accepts as it is (scan_plain_line said so), kept in the head's bytes.
    const char* skipped = fields_access::raw_data(head.fields) + unfed_begin;
    const std::size_t size = unfed_size;
    unfed_size = 0;
    if (!run_llhttp(skipped, skipped + size, err)) return head_scan::ran;
  }
  index_from = head.fields.byte_size();
  head_fast = false;
  p = at;
  return head_scan::gave_up;
}

// llhttp failed on a line scan_head gave it: keep the head up to the error, as the general loop
// does, for fail_from_llhttp.
head_scan response_parser::impl::scan_head_failed(const char* input_from, const char* end) {
  const char* at = llhttp_get_error_pos(&parser);
  if (at != nullptr && at >= input_from && at <= end &&
      at - input_from <= static_cast<std::ptrdiff_t>(options.max_head_bytes)) {
    fields_access::append_block(
        head.fields, std::string_view(input_from, static_cast<std::size_t>(at - input_from)));
  }
  return head_scan::ran;
}

// Indexes a complete section from offset `from` (the lines before are indexed) and turns what
// llhttp 8.1.0 let through into errors.
bool response_parser::impl::index_section(fields& section, std::size_t from, bool has_start_line,
                                          std::size_t max_lines) {
  using problem = fields_access::line_problem;
  switch (
      fields_access::index_raw(section, from, has_start_line, max_lines, options.max_field_bytes)) {
    case problem::none:
      return true;
    case problem::bare_cr:
      fail(errc::bare_cr, "Bare CR: a line does not end in LF");
      return false;
    case problem::obs_fold:
      fail(errc::obsolete_line_folding, "Obsolete line folding");
      return false;
    case problem::bad_name:
      fail(errc::invalid_header, "Field name is not a token");
      return false;
    case problem::too_many:
      fail(errc::too_many_fields, "Too many header fields");
      return false;
    case problem::too_large:
      fail(errc::field_too_large, "Header field too large");
      return false;
    case problem::malformed:
      break;
  }
  fail(errc::malformed_message, "Bytes after the end of the header section");
  return false;
}

// The head is complete: index its fields (with the checks llhttp 8.1.0 lacks), then the status
// line: RFC 9112 4 wants a three-digit code (llhttp stops at 999 but takes "2" or "099") and
// this parser speaks HTTP/1.0 and 1.1 only.
bool response_parser::impl::check_head() {
  head.status = llhttp_get_status_code(&parser);
  head.version = version{llhttp_get_http_major(&parser), llhttp_get_http_minor(&parser)};
  if (!head_indexed &&
      !index_section(head.fields, index_from, !status_line_seen, options.max_fields)) {
    return false;
  }
  if (head.status < 100) {
    fail(errc::invalid_status_line, "Status code below 100");
    return false;
  }
  if (head.version != http_1_1 && head.version != http_1_0) {
    fail(errc::invalid_version, "Not an HTTP/1.0 or HTTP/1.1 response");
    return false;
  }
  return true;
}

bool response_parser::impl::on_head(bool& stop) {
  head_done = true;
  const int status = head.status;
  if (status == 101) {
    if (!upgrade_requested) {
      fail(errc::unexpected_upgrade, "Unrequested 101");
      return false;
    }
    upgraded = complete = true;
    keep_alive = false;
    stop = true;
    return true;
  }
  if (connect_request && status >= 200 && status < 300) {  // RFC 9110 9.3.6: a tunnel
    upgraded = complete = true;
    keep_alive = false;
    stop = true;
    return true;
  }
  // RFC 9112 6.3 items 1 and 2: whatever the fields say, these responses have no content.
  // llhttp 8.1.0 would read a body after 1xx codes other than 100..103.
  if (head_request || status_is_bodiless(status)) {
    parser.flags = static_cast<std::uint16_t>(parser.flags | F_SKIPBODY);
  }
  // RFC 9112 7.4: a request without a TE field accepts chunked only. A body under any other
  // transfer coding (gzip, deflate...) would be handed on still coded, as if it were the
  // content: refused, as curl does (its error 61). So is a list llhttp did not frame as
  // chunked (it would read the chunk framing as the body, until the connection closes).
  if ((parser.flags & (F_TRANSFER_ENCODING | F_SKIPBODY)) == F_TRANSFER_ENCODING &&
      ((parser.flags & F_CHUNKED) == 0 || !only_chunked(head.fields))) {
    fail(errc::unsupported_transfer_coding, "Transfer coding other than chunked");
    return false;
  }
  chunked = chunk_starts = (parser.flags & F_CHUNKED) != 0;
  limit_body = options.max_body_bytes.has_value() || options.collect_body;
  body_checks = chunked || limit_body;
  return true;
}

bool response_parser::impl::on_message(const char* pos, const char* end, bool& stop) {
  if (in_trailers) {
    // llhttp 8.1.0 ends the trailer section on a CR and any byte ("\r\n\rX").
    if (byte_back(pos, 1) != '\n') {
      fail(errc::bare_cr, "Bare CR in chunk framing");
      return false;
    }
    const std::size_t room = options.max_fields - std::min(options.max_fields, head.fields.size());
    if (!index_section(trailers, 0, false, room)) return false;
  }
  if (head.status < 200) {  // interim: keep it, and parse the final response from here on
    if (interim.size() >= options.max_interim) {
      fail(errc::too_many_interim, "Too many interim responses");
      return false;
    }
    interim.push_back(std::move(head));
    head = response_head{};
    head_done = in_trailers = false;
    start_head();
    llhttp_reset(&parser);
    return true;
  }
  complete = true;
  stop = true;
  if (!keep_alive) {
    closing = true;
    if (pos != end) {
      fail(errc::data_after_close, "Data after a response that closes the connection");
      return false;
    }
  }
  return true;
}

// llhttp paused at `pos` (and was resumed): run the check that asked for it.
bool response_parser::impl::on_pause(const char* pos, const char* end, bool& stop) {
  const pause_point where = paused;
  paused = pause_point::none;
  switch (where) {
    case pause_point::head:
      return check_head() && on_head(stop);
    case pause_point::chunk_framing:
      // llhttp 8.1.0 takes any byte after a CR as its LF ("0\rX"): the last chunk's size
      // line must really end in LF (the others are checked at their data's first byte).
      if (byte_back(pos, 1) != '\n') {
        fail(errc::bare_cr, "Bare CR in chunk framing");
        return false;
      }
      return true;
    case pause_point::message:
      return on_message(pos, end, stop);
    case pause_point::none:
      break;
  }
  return true;
}

response_parser::response_parser(parser_options options) : impl_(std::make_unique<impl>(options)) {}

response_parser::~response_parser() = default;
response_parser::response_parser(response_parser&&) noexcept = default;
response_parser& response_parser::operator=(response_parser&&) noexcept = default;

void response_parser::expect(const method& request_method, bool upgrade_requested) {
  impl& s = *impl_;
  // After a keep-alive response llhttp already waits for the next one; otherwise restart it.
  const bool at_boundary = s.fresh || (s.complete && s.keep_alive && !s.upgraded);
  s.start_response(!at_boundary);
  s.fresh = false;
  s.head_request = request_method == method::head;
  s.connect_request = request_method == method::connect;
  s.upgrade_requested = upgrade_requested;
}

void response_parser::reset(const method& request_method, bool upgrade_requested) {
  impl& s = *impl_;
  s.error = {};
  s.reason.clear();
  s.has_pending = false;
  s.closing = false;
  s.crlf_due = 0;
  llhttp_init(&s.parser, HTTP_RESPONSE, &s.settings);
  s.parser.data = &s;
  std::memset(s.tail, '\n', sizeof s.tail);
  s.fresh = true;
  expect(request_method, upgrade_requested);
}

// The common case stays small: a read inside a body that goes on past it. Everything else is
// parse_input's.
result<std::size_t> response_parser::parse(std::string_view data) {
  impl& s = *impl_;
  const std::size_t n = data.size();
  if (s.body_open && n - 1 < s.parser.content_length - 1) [[likely]] {
    // Inside a body that goes on past this input (0 < n < content_length): llhttp would only
    // count the bytes down (its consume state: content_length -= n, on_body of the whole
    // input). Do exactly that here, without the call; llhttp's state stays where it is.
    // body_open is false once anything else happened (an error, the end, finish()), and
    // content_length is never 0 while it is true.
    s.parser.content_length -= n;
    s.body_size += n;
    s.pieces.clear();
    s.pieces.push(data);
    s.remember_tail(data.data(), data.data() + n);
    return n;
  }
  return s.parse_input(data);
}

// Then a read that llhttp takes whole inside a body; the rest (a head or trailers to keep,
// pauses, errors) is parse_loop's.
result<std::size_t> response_parser::impl::parse_input(std::string_view data) {
  const std::size_t n = data.size();
  pieces.clear();
  body_open = false;
  if (error || closing || complete || n == 0 || crlf_due != 0) [[unlikely]] {
    return parse_edge(data);
  }
  const char* const begin = data.data();
  const char* const end = begin + n;
  data_begin = begin;
  data_end = end;
  fresh = false;
  if (head_done && !in_trailers) {
    const llhttp_errno_t err = llhttp_execute(&parser, begin, n);
    if (err == HPE_OK) [[likely]] {
      body_open = stopped_in_body(end);
      remember_tail(begin, end);
      return n;
    }
    return parse_loop(begin, end, begin, err);
  }
  return parse_loop(begin, end, begin, HPE_OK);
}

// parse() before anything runs: a sticky error, a closed connection, a complete response,
// empty input, or the rest of a chunk's CRLF to check first.
result<std::size_t> response_parser::impl::parse_edge(std::string_view data) {
  if (error) return error;
  if (closing && !data.empty()) {
    return fail(errc::data_after_close, "Data after a response that closes the connection");
  }
  if (complete || data.empty()) return std::size_t{0};
  if (!check_split_crlf(data)) return error;
  return parse_more(data);
}

result<std::size_t> response_parser::impl::parse_more(std::string_view data) {
  const char* const begin = data.data();
  const char* const end = begin + data.size();
  data_begin = begin;
  data_end = end;
  fresh = false;
  return parse_loop(begin, end, begin, HPE_OK);
}

// Runs llhttp from `p` to `end` (when `first` is HPE_OK; otherwise llhttp already ran from `p`
// over body bytes and returned `first`), keeping head and trailer bytes and running the checks
// at each pause. A head goes through scan_head while it vouches for its lines.
result<std::size_t> response_parser::impl::parse_loop(const char* begin, const char* end,
                                                      const char* p, llhttp_errno_t first) {
  bool ran = first != HPE_OK;
  for (;;) {
    llhttp_errno_t err = first;  // what parse() got when it already ran llhttp (ran)
    bool keep = false;           // this stretch is head or trailer bytes for keep_raw
    if (!ran && !head_done && head_fast) {
      switch (scan_head(p, end, err)) {
        case head_scan::more:
          remember_tail(begin, end);
          return static_cast<std::size_t>(end - begin);
        case head_scan::gave_up:
          continue;
        case head_scan::failed:
          return error;
        case head_scan::ran:
          break;
      }
    } else if (!ran) {
      keep = !head_done || in_trailers;
      err = llhttp_execute(&parser, p, static_cast<std::size_t>(end - p));
    }
    ran = false;
    if (err != HPE_OK && err != HPE_PAUSED) return fail_from_llhttp(err, keep ? p : nullptr);
    const char* const pos = err == HPE_OK ? end : llhttp_get_error_pos(&parser);
    if (keep) {
      const bool is_head = !head_done;
      if (!keep_raw(is_head ? head.fields : trailers, p, pos,
                    is_head ? options.max_head_bytes : options.max_trailer_bytes,
                    is_head ? errc::head_too_large : errc::trailers_too_large)) {
        return error;
      }
    }
    if (err == HPE_OK) {
      body_open = head_done && !in_trailers && stopped_in_body(end);
      remember_tail(begin, end);
      return static_cast<std::size_t>(end - begin);
    }
    llhttp_resume(&parser);
    bool stop = false;
    if (!on_pause(pos, end, stop)) return error;
    if (stop) {
      remember_tail(begin, pos);
      return static_cast<std::size_t>(pos - begin);
    }
    p = pos;
  }
}

std::error_code response_parser::finish() {
  impl& s = *impl_;
  s.pieces.clear();
  s.body_open = false;
  if (s.error) return s.error;
  if (s.complete) return {};
  if (!s.started) return s.fail(errc::empty_response, "Connection closed before a response");
  s.finishing = true;
  const llhttp_errno_t err = llhttp_finish(&s.parser);
  s.finishing = false;
  if (err != HPE_OK) return s.fail_from_llhttp(err, nullptr);
  if (!s.complete) return s.fail(errc::truncated, "Connection closed inside the response");
  s.closing = true;
  return {};
}

bool response_parser::head_complete() const noexcept {
  return impl_->head_done;
}
bool response_parser::complete() const noexcept {
  return impl_->complete;
}
const response_head& response_parser::head() const noexcept {
  return impl_->head;
}
std::span<const response_head> response_parser::interim() const noexcept {
  return impl_->interim;
}
std::span<const std::string_view> response_parser::body_pieces() const noexcept {
  return impl_->pieces.view();
}
std::string& response_parser::body() noexcept {
  return impl_->body;
}
std::uint64_t response_parser::body_size() const noexcept {
  return impl_->body_size;
}
const fields& response_parser::trailers() const noexcept {
  return impl_->trailers;
}
bool response_parser::keep_alive() const noexcept {
  return impl_->keep_alive;
}
bool response_parser::upgraded() const noexcept {
  return impl_->upgraded;
}
std::error_code response_parser::error() const noexcept {
  return impl_->error;
}
std::string_view response_parser::error_reason() const noexcept {
  return impl_->reason;
}

result<response> parse_response(std::string_view bytes, const method& request_method,
                                parser_options options) {
  options.collect_body = true;
  response_parser parser(options);
  parser.expect(request_method);
  auto consumed = parser.parse(bytes);
  if (!consumed) return consumed.error();
  if (*consumed != bytes.size()) return errc::data_after_close;
  if (auto ec = parser.finish()) return ec;
  response r;
  r.head = parser.head();
  r.interim.assign(parser.interim().begin(), parser.interim().end());
  r.body = std::move(parser.body());
  r.trailers = parser.trailers();
  r.keep_alive = parser.keep_alive();
  return r;
}

}  // namespace corofetch::http
