// A request parser over llhttp in request mode: the peer of the serializer in round-trip tests
// and the parser of the loopback test servers. Callbacks only record (STYLE 4).
#include <corofetch/http/request_parser.hpp>

#include "http/char_table.hpp"
#include "http/fields_access.hpp"
#include "http/llhttp_errors.hpp"

#include <llhttp.h>

namespace corofetch::http {

struct request_parser::impl {
  llhttp_t parser{};
  llhttp_settings_t settings{};
  parser_options options;
  received_request request;
  bool complete = false;
  bool in_trailers = false;
  bool in_name = false;
  std::size_t head_bytes = 0;
  bool has_pending = false;
  errc pending = errc::malformed_message;
  std::error_code error;
  std::string reason;

  explicit impl(parser_options opts);
  fields& current() noexcept { return in_trailers ? request.trailers : request.fields; }
  int fail(errc e) noexcept {
    pending = e;
    has_pending = true;
    return HPE_USER;
  }
  int grow_head(std::size_t n) noexcept {
    head_bytes += n;
    return head_bytes > options.max_head_bytes ? fail(errc::head_too_large) : 0;
  }
};

namespace {

request_parser::impl& self(llhttp_t* p) noexcept {
  return *static_cast<request_parser::impl*>(p->data);
}

int on_method(llhttp_t* p, const char* at, std::size_t n) {
  self(p).request.method.append(at, n);
  return self(p).grow_head(n);
}

int on_url(llhttp_t* p, const char* at, std::size_t n) {
  self(p).request.target.append(at, n);
  return self(p).grow_head(n);
}

int on_header_field(llhttp_t* p, const char* at, std::size_t n) {
  auto& s = self(p);
  fields& fs = s.current();
  if (!s.in_name) {
    if (s.request.fields.size() + s.request.trailers.size() >= s.options.max_fields) {
      return s.fail(errc::too_many_fields);
    }
    detail::fields_access::start_field(fs);
    s.in_name = true;
  }
  detail::fields_access::append_name(fs, std::string_view(at, n));
  if (detail::fields_access::last_size(fs) > s.options.max_field_bytes) {
    return s.fail(errc::field_too_large);
  }
  return s.grow_head(n);
}

int on_header_field_complete(llhttp_t* p) {
  auto& s = self(p);
  s.in_name = false;
  for (char c : detail::fields_access::last_name(s.current())) {
    if (!detail::is_tchar(c)) return s.fail(errc::invalid_header);
  }
  return 0;
}

int on_header_value(llhttp_t* p, const char* at, std::size_t n) {
  auto& s = self(p);
  fields& fs = s.current();
  detail::fields_access::append_value(fs, std::string_view(at, n));
  if (detail::fields_access::last_size(fs) > s.options.max_field_bytes) {
    return s.fail(errc::field_too_large);
  }
  return s.grow_head(n);
}

int on_header_value_complete(llhttp_t* p) {
  detail::fields_access::trim_value(self(p).current());
  return 0;
}

int on_headers_complete(llhttp_t* p) {
  auto& s = self(p);
  s.in_trailers = true;
  s.request.version = version{llhttp_get_http_major(p), llhttp_get_http_minor(p)};
  return 0;
}

int on_body(llhttp_t* p, const char* at, std::size_t n) {
  auto& s = self(p);
  s.request.body.append(at, n);
  if (s.options.max_body_bytes && s.request.body.size() > *s.options.max_body_bytes) {
    return s.fail(errc::body_too_large);
  }
  return 0;
}

int on_message_complete(llhttp_t* p) {
  auto& s = self(p);
  s.complete = true;
  s.request.keep_alive = llhttp_should_keep_alive(p) != 0;
  return HPE_PAUSED;
}

}  // namespace

request_parser::impl::impl(parser_options opts) : options(opts) {
  llhttp_settings_init(&settings);
  settings.on_method = &on_method;
  settings.on_url = &on_url;
  settings.on_header_field = &on_header_field;
  settings.on_header_field_complete = &on_header_field_complete;
  settings.on_header_value = &on_header_value;
  settings.on_header_value_complete = &on_header_value_complete;
  settings.on_headers_complete = &on_headers_complete;
  settings.on_body = &on_body;
  settings.on_message_complete = &on_message_complete;
  llhttp_init(&parser, HTTP_REQUEST, &settings);
  parser.data = this;
}

request_parser::request_parser(parser_options options) : impl_(std::make_unique<impl>(options)) {}
request_parser::~request_parser() = default;
request_parser::request_parser(request_parser&&) noexcept = default;
request_parser& request_parser::operator=(request_parser&&) noexcept = default;

result<std::size_t> request_parser::parse(std::string_view data) {
  impl& s = *impl_;
  if (s.error) return s.error;
  if (s.complete) return std::size_t{0};
  const llhttp_errno_t err = llhttp_execute(&s.parser, data.data(), data.size());
  if (err == HPE_OK) return data.size();
  if (err == HPE_PAUSED && s.complete) {
    return static_cast<std::size_t>(llhttp_get_error_pos(&s.parser) - data.data());
  }
  if (s.has_pending) {
    s.error = s.pending;
    s.reason = make_error_code(s.pending).message();
  } else {
    const auto stage = s.in_trailers ? detail::parse_stage::body : detail::parse_stage::head;
    s.error = detail::map_llhttp_error(err, stage, s.request.fields.contains("Transfer-Encoding"));
    const char* why = llhttp_get_error_reason(&s.parser);
    s.reason = why != nullptr ? why : "";
  }
  return s.error;
}

void request_parser::next() {
  impl& s = *impl_;
  if (s.error) return;
  llhttp_resume(&s.parser);
  s.request = received_request{};
  s.complete = s.in_trailers = s.in_name = false;
  s.head_bytes = 0;
}

bool request_parser::complete() const noexcept {
  return impl_->complete;
}
const received_request& request_parser::get() const noexcept {
  return impl_->request;
}
std::string_view request_parser::error_reason() const noexcept {
  return impl_->reason;
}

result<received_request> parse_request(std::string_view bytes, parser_options options) {
  request_parser parser(options);
  auto consumed = parser.parse(bytes);
  if (!consumed) return consumed.error();
  if (!parser.complete()) return errc::truncated;
  if (*consumed != bytes.size()) return errc::malformed_message;
  return parser.get();
}

}  // namespace corofetch::http
