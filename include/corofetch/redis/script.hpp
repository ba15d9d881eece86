#pragma once

#include <string>
#include <string_view>

namespace corofetch::redis {

/// A Lua script run with EVALSHA by its SHA-1, and with EVAL (which also loads it into the
/// server's script cache) when the server answers NOSCRIPT: after a restart, a SCRIPT FLUSH or
/// on a new server. See client::async_eval.
class script {
 public:
  /// The script `source`; its SHA-1 is computed once, here.
  explicit script(std::string source);

  [[nodiscard]] const std::string& source() const noexcept { return source_; }
  /// The lowercase hexadecimal SHA-1 of the source, as SCRIPT LOAD returns it.
  [[nodiscard]] const std::string& sha1() const noexcept { return sha1_; }

 private:
  std::string source_;
  std::string sha1_;
};

}  // namespace corofetch::redis
