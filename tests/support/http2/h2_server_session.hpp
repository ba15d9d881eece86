#pragma once
// An in-memory HTTP/2 server (an nghttp2 server session) for the session's unit tests: it
// records each request's fields and body, and the test answers with nghttp2's own submit
// functions. pump() moves bytes both ways between it and a client session until both are quiet.

#include <corofetch/http2/session.hpp>

#include <nghttp2/nghttp2.h>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace corofetch::test {

class h2_server_session {
 public:
  struct request {
    std::vector<std::pair<std::string, std::string>> fields;  ///< pseudo-headers included
    std::string body;
    bool complete = false;
    std::uint32_t reset_code = 0;  ///< the client's RST_STREAM code, when it sent one
    bool reset = false;
    [[nodiscard]] std::string field(const std::string& name) const;
  };

  /// A server session that has queued its SETTINGS (`settings` entries).
  explicit h2_server_session(std::vector<nghttp2_settings_entry> settings = {});
  ~h2_server_session();
  h2_server_session(const h2_server_session&) = delete;
  h2_server_session& operator=(const h2_server_session&) = delete;

  [[nodiscard]] nghttp2_session* get() const noexcept { return ng_; }
  std::map<std::int32_t, request>& requests() noexcept { return requests_; }

  /// Answers stream `id` with `status`, `fields` and `body` (END_STREAM after the body, or
  /// after trailers when given).
  void respond(std::int32_t id, int status, std::string body,
               std::vector<std::pair<std::string, std::string>> fields = {},
               std::vector<std::pair<std::string, std::string>> trailers = {});
  /// Bytes the server has to send (nghttp2_session_mem_send until empty).
  std::string output();
  /// Feeds the client's bytes; returns nghttp2_session_mem_recv's result.
  long input(const std::string& bytes);

  /// Moves bytes between `client` and this server until neither has anything to say (at most
  /// `rounds` exchanges), or until the client reports a connection error.
  void pump(http2::session& client, int rounds = 1000);

  struct body_state {
    std::string bytes;
    std::size_t offset = 0;
    std::vector<std::pair<std::string, std::string>> trailers;
    h2_server_session* owner = nullptr;
    std::int32_t id = 0;
  };

 private:
  nghttp2_session* ng_ = nullptr;
  std::map<std::int32_t, request> requests_;
  std::map<std::int32_t, body_state> bodies_;
};

}  // namespace corofetch::test
