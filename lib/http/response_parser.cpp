// The response parser: llhttp does the byte-level work; this file adds what llhttp 8.1.0 does
// not know or does not check. llhttp stops ("pauses") where a check needs the position in the
// input: the end of the head, the end of each chunk's data, the last chunk's size line, the end
// of the message. No user code runs inside an llhttp callback (STYLE 4): callbacks only record.
//
// Speed: llhttp gets no per-field callback. The head's bytes are kept raw (one memcpy per read)
// and indexed once when llhttp says the head is complete; the indexing also makes the checks
// llhttp 8.1.0 lacks (bare CR, obs-fold, spaces in names). Trailers go the same way.
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
  chunk_framing,  // after the last chunk's size line, or after a chunk's data CRLF / trailers
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
  bool fresh = true;          // llhttp is at the start of a message: no reset needed
  bool chunk_starts = false;  // the next body byte is the first of a chunk

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
  void remember_tail(const char* begin, const char* end) noexcept;
  std::error_code keep_raw(fields& section, const char* from, const char* to, std::size_t limit,
                           errc too_big);
  std::error_code index_section(fields& section, bool is_head, std::size_t max_lines);

  std::error_code check_head();
  std::error_code on_head(bool& stop);
  std::error_code on_message(const char* pos, const char* end, bool& stop);
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

int on_body(llhttp_t* p, const char* at, std::size_t n) {
  auto& s = self(p);
  if (s.chunk_starts) {
    // The first byte of a chunk's data: the size line before it must end in LF (llhttp 8.1.0
    // takes any byte after its CR, "3\rXabc").
    s.chunk_starts = false;
    if (s.byte_back(at, 1) != '\n') return s.fail_in_callback(errc::bare_cr);
  }
  s.body_size += n;
  if (s.options.max_body_bytes && s.body_size > *s.options.max_body_bytes) {
    return s.fail_in_callback(errc::body_too_large);
  }
  s.pieces.emplace_back(at, n);
  if (s.options.collect_body) s.body.append(at, n);
  return 0;
}

int on_chunk_header(llhttp_t* p) {
  auto& s = self(p);
  if (p->content_length != 0) {  // data follows: checked at its first byte, no pause needed
    s.chunk_starts = true;
    return 0;
  }
  s.in_trailers = true;  // the last chunk: trailer fields follow, kept from here on
  s.paused = pause_point::chunk_framing;
  return HPE_PAUSED;
}

int on_chunk_complete(llhttp_t* p) {
  self(p).paused = pause_point::chunk_framing;
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
  settings.on_chunk_complete = &on_chunk_complete;
  settings.on_message_complete = &on_message_complete;
  llhttp_init(&parser, HTTP_RESPONSE, &settings);
  parser.data = this;
}

void response_parser::impl::start_response(bool reset_llhttp) {
  if (reset_llhttp) llhttp_reset(&parser);
  head.status = 0;
  head.reason.clear();
  head.version = http_1_1;
  head.fields.clear();
  if (!interim.empty()) interim.clear();
  trailers.clear();
  pieces.clear();
  body.clear();
  body_size = 0;
  started = head_done = in_trailers = complete = keep_alive = upgraded = chunk_starts = false;
  paused = pause_point::none;
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

// The last bytes of an input, for the checks that look back across inputs.
void response_parser::impl::remember_tail(const char* begin, const char* end) noexcept {
  const std::ptrdiff_t n = end - begin;
  if (n <= 0) return;
  if (n >= 4) {
    std::memcpy(tail, end - 4, 4);
  } else {
    const auto keep = static_cast<std::size_t>(4 - n);
    std::memmove(tail, tail + n, keep);
    std::memcpy(tail + keep, begin, static_cast<std::size_t>(n));
  }
}

// Keeps the raw bytes [from, to) of a head or trailer section, within its limit.
std::error_code response_parser::impl::keep_raw(fields& section, const char* from, const char* to,
                                                std::size_t limit, errc too_big) {
  const auto n = static_cast<std::size_t>(to - from);
  if (section.byte_size() + n > limit) return fail(too_big, "Header section too large");
  fields_access::append_block(section, std::string_view(from, n));
  return {};
}

// Indexes a complete section and turns what llhttp 8.1.0 let through into errors.
std::error_code response_parser::impl::index_section(fields& section, bool is_head,
                                                     std::size_t max_lines) {
  using problem = fields_access::line_problem;
  switch (fields_access::index_raw(section, 0, is_head, max_lines, options.max_field_bytes)) {
    case problem::none:
      return {};
    case problem::bare_cr:
      return fail(errc::bare_cr, "Bare CR: a line does not end in LF");
    case problem::obs_fold:
      return fail(errc::obsolete_line_folding, "Obsolete line folding");
    case problem::bad_name:
      return fail(errc::invalid_header, "Field name is not a token");
    case problem::too_many:
      return fail(errc::too_many_fields, "Too many header fields");
    case problem::too_large:
      return fail(errc::field_too_large, "Header field too large");
    case problem::malformed:
      break;
  }
  return fail(errc::malformed_message, "Bytes after the end of the header section");
}

// The head is complete: index its fields (with the checks llhttp 8.1.0 lacks), then the status
// line: RFC 9112 4 wants a three-digit code (llhttp stops at 999 but takes "2" or "099") and
// this parser speaks HTTP/1.0 and 1.1 only.
std::error_code response_parser::impl::check_head() {
  head.status = llhttp_get_status_code(&parser);
  head.version = version{llhttp_get_http_major(&parser), llhttp_get_http_minor(&parser)};
  if (auto ec = index_section(head.fields, true, options.max_fields)) return ec;
  if (head.status < 100) return fail(errc::invalid_status_line, "Status code below 100");
  if (head.version != http_1_1 && head.version != http_1_0) {
    return fail(errc::invalid_version, "Not an HTTP/1.0 or HTTP/1.1 response");
  }
  return {};
}

std::error_code response_parser::impl::on_head(bool& stop) {
  head_done = true;
  const int status = head.status;
  if (status == 101) {
    if (!upgrade_requested) return fail(errc::unexpected_upgrade, "Unrequested 101");
    upgraded = complete = true;
    keep_alive = false;
    stop = true;
    return {};
  }
  if (connect_request && status >= 200 && status < 300) {  // RFC 9110 9.3.6: a tunnel
    upgraded = complete = true;
    keep_alive = false;
    stop = true;
    return {};
  }
  // RFC 9112 6.3 items 1 and 2: whatever the fields say, these responses have no content.
  // llhttp 8.1.0 would read a body after 1xx codes other than 100..103.
  if (head_request || status_is_bodiless(status)) {
    parser.flags = static_cast<std::uint16_t>(parser.flags | F_SKIPBODY);
  }
  return {};
}

std::error_code response_parser::impl::on_message(const char* pos, const char* end, bool& stop) {
  if (in_trailers) {
    const std::size_t room = options.max_fields - std::min(options.max_fields, head.fields.size());
    if (auto ec = index_section(trailers, false, room)) return ec;
  }
  if (head.status < 200) {  // interim: keep it, and parse the final response from here on
    if (interim.size() >= options.max_interim) {
      return fail(errc::too_many_interim, "Too many interim responses");
    }
    interim.push_back(std::move(head));
    head = response_head{};
    head_done = in_trailers = false;
    llhttp_reset(&parser);
    return {};
  }
  complete = true;
  stop = true;
  if (!keep_alive) {
    closing = true;
    if (pos != end) {
      return fail(errc::data_after_close, "Data after a response that closes the connection");
    }
  }
  return {};
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
  llhttp_init(&s.parser, HTTP_RESPONSE, &s.settings);
  s.parser.data = &s;
  std::memset(s.tail, '\n', sizeof s.tail);
  s.fresh = true;
  expect(request_method, upgrade_requested);
}

result<std::size_t> response_parser::parse(std::string_view data) {
  impl& s = *impl_;
  s.pieces.clear();
  if (s.error) return s.error;
  if (s.closing && !data.empty()) {
    return s.fail(errc::data_after_close, "Data after a response that closes the connection");
  }
  if (s.complete || data.empty()) return std::size_t{0};
  const char* const begin = data.data();
  const char* const end = begin + data.size();
  s.data_begin = begin;
  s.fresh = false;
  const char* p = begin;
  for (;;) {
    // What this stretch of input is, before llhttp moves on: head or trailer bytes are kept.
    const bool in_head = !s.head_done;
    const bool in_trailers = s.in_trailers;
    const llhttp_errno_t err = llhttp_execute(&s.parser, p, static_cast<std::size_t>(end - p));
    const char* const pos = err == HPE_OK ? end : llhttp_get_error_pos(&s.parser);
    if (err != HPE_OK && err != HPE_PAUSED) return s.fail_from_llhttp(err, p);
    if (in_head) {
      if (auto ec =
              s.keep_raw(s.head.fields, p, pos, s.options.max_head_bytes, errc::head_too_large)) {
        return ec;
      }
    } else if (in_trailers) {
      if (auto ec = s.keep_raw(s.trailers, p, pos, s.options.max_trailer_bytes,
                               errc::trailers_too_large)) {
        return ec;
      }
    }
    if (err == HPE_OK) {
      s.remember_tail(begin, end);
      return data.size();
    }

    llhttp_resume(&s.parser);
    const pause_point where = s.paused;
    s.paused = pause_point::none;
    bool stop = false;
    std::error_code ec;
    switch (where) {
      case pause_point::head:
        ec = s.check_head();
        if (!ec) ec = s.on_head(stop);
        break;
      case pause_point::chunk_framing:
        // llhttp 8.1.0 takes any byte after a CR as its LF ("3\rX"): every chunk-size line
        // and the CRLF after chunk data must really end in LF.
        if (s.byte_back(pos, 1) != '\n') return s.fail(errc::bare_cr, "Bare CR in chunk framing");
        break;
      case pause_point::message:
        ec = s.on_message(pos, end, stop);
        break;
      case pause_point::none:
        break;
    }
    if (ec) return ec;
    if (stop) {
      s.remember_tail(begin, pos);
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
