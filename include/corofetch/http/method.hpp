#pragma once

#include <corofetch/http/error.hpp>
#include <corofetch/result.hpp>

#include <string>
#include <string_view>

namespace corofetch::http {

/// A request method (RFC 9110 9): always a valid token, compared case-sensitively. The eight
/// methods of the seed's table are constants; any other token ("PATCH", "PROPFIND") is made
/// with method::parse.
class method {
 public:
  /// GET, the default.
  method() : name_("GET") {}

  /// Validates `token` as an RFC 9110 5.6.2 token. Errors: errc::invalid_method (empty, or a
  /// space, CR, LF, NUL or separator in it). Never throws.
  static result<method> parse(std::string_view token);

  /// The method as written on the request line, e.g. "GET".
  [[nodiscard]] std::string_view name() const noexcept { return name_; }

  /// True for methods whose requests carry content by definition (POST, PUT, PATCH): the
  /// serializer then writes "Content-Length: 0" for an empty body (RFC 9110 8.6).
  [[nodiscard]] bool expects_content() const noexcept;

  friend bool operator==(const method& a, const method& b) noexcept { return a.name_ == b.name_; }

  static const method get;
  static const method post;
  static const method head;
  static const method options;
  static const method put;
  static const method delete_;
  static const method trace;
  static const method connect;

 private:
  struct trusted {};
  method(trusted, std::string_view name) : name_(name) {}
  std::string name_;
};

inline const method method::get{trusted{}, "GET"};
inline const method method::post{trusted{}, "POST"};
inline const method method::head{trusted{}, "HEAD"};
inline const method method::options{trusted{}, "OPTIONS"};
inline const method method::put{trusted{}, "PUT"};
inline const method method::delete_{trusted{}, "DELETE"};
inline const method method::trace{trusted{}, "TRACE"};
inline const method method::connect{trusted{}, "CONNECT"};

}  // namespace corofetch::http
