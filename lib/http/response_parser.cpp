// The response parser: llhttp does the byte-level work; this file adds what llhttp 8.1.0 does
// not know or does not check. llhttp stops ("pauses") where a check needs the position in the
// input: the end of the head, the last chunk's size line, the end of the message. No user code
// runs inside an llhttp callback (STYLE 4): callbacks only record and check bytes.
//
// Speed (bench/README.md, "HTTP response parsing"): llhttp gets no per-field callback. The
// head's bytes are kept raw (one memcpy per read) and indexed once when llhttp says the head is
// complete (fields_access::index_raw, 16 bytes at a time); the indexing also makes the checks
// llhttp 8.1.0 lacks (bare CR, obs-fold, spaces in names). Trailers go the same way. The CRLF
// after each chunk's data is checked in on_body, or at the start of the next input when it is
// split off, so chunks cost no pause; a read inside a body takes parse()'s short path.
#include <corofetch/http/response_parser.hpp>
#include <corofetch/http/status.hpp>
#include <corofetch/http/syntax.hpp>

#include "http/fields_access.hpp"
#include "http/llhttp_errors.hpp"

#include <llhttp.h>

#include <algorithm>
#include <cstring>

namespace corofetch::http {
namespace detail {

// Where llhttp paused, recorded by the callback that asked for the pause.
enum class pause_point : unsigned char {
  none,
  head,           // after the blank line ending the head
  chunk_framing,  // after the last chunk's size line
  message,        // the message is complete
};

}  // namespace detail

using detail::fields_access;
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
  std::vector<std::string_view> pieces;
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
  bool body_checks = false;    // on_body has more to do than record the piece: one of
  bool chunked = false;        // ... a chunked body's framing checks
  bool limit_body = false;     // ... parser_options::max_body_bytes or collect_body (check_body)
  unsigned char crlf_due = 0;  // bytes of a chunk's data CRLF to check in the next input (2, 1)

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

  // The internal steps return false once they have set `error` (through fail()).
  bool keep_raw(fields& section, const char* from, const char* to, std::size_t limit, errc too_big);
  bool index_section(fields& section, bool is_head, std::size_t max_lines);
  bool check_split_crlf(std::string_view data);
  [[gnu::cold]] int undo_piece(std::size_t n, errc e) noexcept;
  [[gnu::noinline]] int check_body(const char* at, std::size_t n);
  [[gnu::noinline]] int chunk_end_split(const char* e) noexcept;

  bool check_head();
  bool on_head(bool& stop);
  bool on_pause(const char* pos, const char* end, bool& stop);
  bool on_message(const char* pos, const char* end, bool& stop);

  [[gnu::noinline]] result<std::size_t> parse_edge(std::string_view data);
  result<std::size_t> parse_more(std::string_view data);
  [[gnu::noinline]] result<std::size_t> parse_loop(const char* begin, const char* end,
                                                   const char* p, llhttp_errno_t first);
};

namespace {

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

// The hot path of a body: record the piece. Chunked bodies check their framing here; limits and
// the collecting mode go through check_body. Flags set with the head tell which.
int on_body(llhttp_t* p, const char* at, std::size_t n) {
  auto& s = self(p);
  s.body_size += n;
  s.pieces.emplace_back(at, n);
  if (!s.body_checks) [[likely]] {
    return 0;
  }
  if (s.chunk_starts) {
    // The first byte of a chunk's data: the size line before it must end in LF (llhttp 8.1.0
    // takes any byte after its CR, "3\rXabc").
    s.chunk_starts = false;
    if ((at != s.data_begin ? at[-1] : s.tail[3]) != '\n') [[unlikely]] {
      return s.undo_piece(n, errc::bare_cr);
    }
  }
  if (s.limit_body) [[unlikely]] {
    if (const int err = s.check_body(at, n)) return err;
  }
  if (s.chunked && p->content_length == 0) {
    // The chunk's data ends here. llhttp 8.1.0 skips the two bytes after it unchecked
    // ("abcXY"): they must be CRLF; what the next input holds is checked when it comes.
    s.chunk_starts = true;
    const char* e = at + n;
    if (s.data_end - e < 2) [[unlikely]] {
      return s.chunk_end_split(e);
    }
    if (e[0] != '\r' || e[1] != '\n') [[unlikely]] {
      return s.fail_in_callback(errc::bare_cr);
    }
  }
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
  body_checks = chunked = limit_body = false;
  crlf_due = 0;
  paused = pause_point::none;
}

// on_body's piece was recorded; a failed check takes it back.
int response_parser::impl::undo_piece(std::size_t n, errc e) noexcept {
  pieces.pop_back();
  body_size -= n;
  return fail_in_callback(e);
}

// The body limit and the collecting mode (parser_options).
int response_parser::impl::check_body(const char* at, std::size_t n) {
  if (options.max_body_bytes && body_size > *options.max_body_bytes) {
    pieces.pop_back();
    return fail_in_callback(errc::body_too_large);
  }
  if (options.collect_body) body.append(at, n);
  return 0;
}

// A chunk's data ended less than two bytes before the end of the input: check what is here,
// the rest at the start of the next input.
int response_parser::impl::chunk_end_split(const char* e) noexcept {
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

// Indexes a complete section and turns what llhttp 8.1.0 let through into errors.
bool response_parser::impl::index_section(fields& section, bool is_head, std::size_t max_lines) {
  using problem = fields_access::line_problem;
  switch (fields_access::index_raw(section, 0, is_head, max_lines, options.max_field_bytes)) {
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
  if (!index_section(head.fields, true, options.max_fields)) return false;
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
    if (!index_section(trailers, false, room)) return false;
  }
  if (head.status < 200) {  // interim: keep it, and parse the final response from here on
    if (interim.size() >= options.max_interim) {
      fail(errc::too_many_interim, "Too many interim responses");
      return false;
    }
    interim.push_back(std::move(head));
    head = response_head{};
    head_done = in_trailers = false;
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

// The common case stays small: a read inside a body, which llhttp takes whole. The rest (a head
// or trailers to keep, pauses, errors) is parse_loop's.
result<std::size_t> response_parser::parse(std::string_view data) {
  impl& s = *impl_;
  s.pieces.clear();
  if (s.error || s.closing || s.complete || data.empty() || s.crlf_due != 0) [[unlikely]] {
    return s.parse_edge(data);
  }
  const char* const begin = data.data();
  const char* const end = begin + data.size();
  s.data_begin = begin;
  s.data_end = end;
  s.fresh = false;
  if (s.head_done && !s.in_trailers) {
    const llhttp_errno_t err = llhttp_execute(&s.parser, begin, data.size());
    if (err == HPE_OK) [[likely]] {
      s.remember_tail(begin, end);
      return data.size();
    }
    return s.parse_loop(begin, end, begin, err);
  }
  return s.parse_loop(begin, end, begin, HPE_OK);
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
// at each pause.
result<std::size_t> response_parser::impl::parse_loop(const char* begin, const char* end,
                                                      const char* p, llhttp_errno_t first) {
  bool ran = first != HPE_OK;
  for (;;) {
    // What this stretch of input is, before llhttp moves on: head or trailer bytes are kept.
    // (When parse() already ran llhttp, the stretch was body.)
    const bool in_head = !ran && !head_done;
    const bool in_trailer_section = !ran && in_trailers;
    const llhttp_errno_t err =
        ran ? first : llhttp_execute(&parser, p, static_cast<std::size_t>(end - p));
    ran = false;
    if (err != HPE_OK && err != HPE_PAUSED) return fail_from_llhttp(err, p);
    const char* const pos = err == HPE_OK ? end : llhttp_get_error_pos(&parser);
    if (in_head) {
      if (!keep_raw(head.fields, p, pos, options.max_head_bytes, errc::head_too_large)) {
        return error;
      }
    } else if (in_trailer_section) {
      if (!keep_raw(trailers, p, pos, options.max_trailer_bytes, errc::trailers_too_large)) {
        return error;
      }
    }
    if (err == HPE_OK) {
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
  return impl_->pieces;
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
