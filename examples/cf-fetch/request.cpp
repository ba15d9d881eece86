#include "cf-fetch/request.hpp"

#include <corofetch/client/error.hpp>
#include <corofetch/http/request.hpp>
#include <corofetch/http/serializer.hpp>
#include <corofetch/http/syntax.hpp>

namespace cf_fetch {

namespace client = corofetch::client;
namespace http = corofetch::http;

std::variant<payload, payload_error> build_payload(const options& o) {
  payload p;
  p.data = join_data(o.data, p.warnings);
  if (!o.forms.empty()) {
    auto m = build_multipart(o.forms);
    if (auto* e = std::get_if<payload_error>(&m)) return std::move(*e);
    p.form = std::move(std::get<multipart>(m));
  }
  if (o.upload_file == "-") {
    auto all = read_file("-");
    if (!all) return payload_error{"can't read the standard input for -T", 26};
    p.stdin_upload = std::move(*all);
  }
  return p;
}

std::string method_of(const options& o, const payload& p) {
  if (!o.method.empty()) return o.method;
  if (o.head) return "HEAD";
  if (!o.upload_file.empty()) return "PUT";
  if (o.get) return "GET";
  if (!o.data.empty() || p.form) return "POST";
  return "GET";
}

std::string effective_url(const options& o, const payload& p, std::size_t index) {
  std::string url = o.urls[index];
  if (!o.upload_file.empty()) url = upload_url(url, o.upload_file);
  if (o.get && !o.data.empty()) url = append_query(url, p.data);
  return url;
}

namespace {

std::optional<payload_error> add_fields(const options& o, const corofetch::tool::header_settings& h,
                                        std::uint64_t range_from, http::fields& f) {
  if (!o.user.empty() && !h.fields.contains("Authorization")) {
    if (o.user.find(':') == std::string::npos) {
      return payload_error{"-u '" + o.user + "': give USER:PASSWORD (cf-fetch never prompts)", 2};
    }
    f.add("Authorization", "Basic " + http::base64_encode(o.user));
  }
  for (const http::field line : h.fields) f.add(line.name, line.value);
  if (!o.referer.empty() && !f.contains("Referer")) {
    if (o.referer.ends_with(";auto")) {
      return payload_error{"--referer ';auto' is not supported: give the Referer URL", 2};
    }
    f.add("Referer", o.referer);
  }
  std::string cookies;
  for (const std::string& c : o.cookies) {
    if (c.find('=') == std::string::npos) continue;  // a cookie file, read into the jar
    if (!cookies.empty()) cookies += "; ";
    cookies += c;
  }
  if (!cookies.empty() && !f.contains("Cookie")) f.add("Cookie", cookies);
  if (range_from > 0) f.set("Range", "bytes=" + std::to_string(range_from) + "-");
  return std::nullopt;
}

std::variant<http::request_body, payload_error> body_of(const options& o, const payload& p,
                                                        http::fields& f) {
  if (p.stdin_upload) {
    return http::request_body(std::make_shared<http::memory_source>(*p.stdin_upload, false));
  }
  if (!o.upload_file.empty()) return upload_body(o.upload_file);
  if (p.form) {
    if (!f.contains("Content-Type")) f.add("Content-Type", p.form->content_type());
    return http::request_body(p.form->body);
  }
  if (!o.data.empty() && !o.get) {
    if (!f.contains("Content-Type")) f.add("Content-Type", "application/x-www-form-urlencoded");
    return http::request_body(p.data);
  }
  return http::request_body();
}

}  // namespace

std::variant<client::request, payload_error> build_request(
    const options& o, const corofetch::tool::header_settings& headers, const payload& p,
    std::size_t index, std::uint64_t range_from) {
  const std::string url = effective_url(o, p, index);
  const std::string name = method_of(o, p);
  auto method = http::method::parse(name);
  if (!method)
    return payload_error{"invalid method '" + name + "': " + method.error().message(), 2};
  auto req = client::request::make(*method, url);
  if (!req) {
    if (req.error() == client::errc::unsupported_scheme) {
      return payload_error{"protocol of '" + url +
                               "' not supported (http, https, file, ftp, mailto and news are; "
                               "--dry-run prints HTTP requests only)",
                           1};
    }
    return payload_error{"invalid URL '" + url + "': " + req.error().message(), 3};
  }
  if (auto e = add_fields(o, headers, range_from, req->fields)) return std::move(*e);
  auto body = body_of(o, p, req->fields);
  if (auto* e = std::get_if<payload_error>(&body)) return std::move(*e);
  req->body = std::move(std::get<http::request_body>(body));
  return std::move(*req);
}

std::variant<std::string, payload_error> request_bytes(const client::request& req,
                                                       const http::serialize_options& options) {
  auto r = http::make_request(req.method, req.url);
  if (!r)
    return payload_error{
        "cannot request '" + std::string(req.url.href()) + "': " + r.error().message(), 3};
  for (const http::field f : req.fields) {
    if (http::iequals(f.name, "Host")) {
      r->fields().set("Host", f.value);
    } else {
      r->fields().add(f.name, f.value);
    }
  }
  r->set_body(req.body);
  auto bytes = http::serialize(*r, options);
  if (!bytes) return payload_error{"invalid request: " + bytes.error().message(), 2};
  return std::move(*bytes);
}

}  // namespace cf_fetch
