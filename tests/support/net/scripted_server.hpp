#pragma once
// A scriptable loopback TCP server (plain or TLS) for integration tests. It runs on its own
// thread and io_context; each accepted connection plays a script of steps: read until a
// delimiter or a byte count, send bytes (whole, or split into delayed pieces), wait, read
// slowly, then close, reset or stall. It counts connections and keeps every byte received.

#include <asio/ip/tcp.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace corofetch::test {

/// What one accepted connection does, step by step. After the last step the server closes the
/// connection cleanly (FIN), unless the script ended with reset() or stall().
class script {
 public:
  struct step {
    enum class kind {
      expect_until,
      expect_bytes,
      send,
      delay,
      close,
      close_raw,
      reset,
      stall,
      read_slowly
    };
    kind what = kind::delay;
    std::string bytes;                      // expect_until: the delimiter; send: the bytes
    std::size_t count = 0;                  // expect_bytes: how many; read_slowly: bytes per read
    std::chrono::milliseconds interval{0};  // delay, and the gap of read_slowly and send pieces
    std::size_t pieces = 1;                 // send: into how many pieces
    std::size_t total = 0;                  // read_slowly: bytes to read in all
  };

  /// Reads until `delimiter` has been received (a request head by default). The bytes read are
  /// kept; a read past the delimiter keeps the surplus for the next expect.
  script& expect_until(std::string delimiter = "\r\n\r\n");
  /// Reads exactly n more bytes (a request body).
  script& expect_bytes(std::size_t n);
  /// Sends bytes in one write.
  script& send(std::string bytes);
  /// Sends bytes in `pieces` writes of about equal size with `gap` between them (TCP_NODELAY
  /// is set, so each piece goes out as its own segment).
  script& send_split(std::string bytes, std::size_t pieces, std::chrono::milliseconds gap);
  /// Waits.
  script& delay(std::chrono::milliseconds d);
  /// Closes the connection (FIN) and ends the script.
  script& close();
  /// Closes the TCP connection (FIN) without a TLS close_notify: a truncated TLS stream.
  script& close_raw();
  /// Resets the connection (SO_LINGER 0, then close: the peer sees ECONNRESET) and ends.
  script& reset();
  /// Never answers: reads and keeps what arrives until the peer closes or the server stops.
  script& stall();
  /// Reads at most `bytes_per_read` bytes every `interval` until `total` bytes were read: a
  /// slow reader, whose peer's writes block once the socket buffers are full. (The receive
  /// buffer is left as it is: on loopback, whose MSS is 64 KiB, a small one stalls the sender
  /// in zero-window probes with exponential backoff.)
  script& read_slowly(std::size_t bytes_per_read, std::chrono::milliseconds interval,
                      std::size_t total);

  [[nodiscard]] const std::vector<step>& steps() const noexcept { return steps_; }

 private:
  std::vector<step> steps_;
};

/// A loopback server playing scripts. Connection i plays scripts[i], or the last script once
/// they run out. Stops (closing everything) when destroyed.
class scripted_server {
 public:
  struct options {
    bool ipv6 = false;  ///< listen on ::1 instead of 127.0.0.1
    /// TLS: the server's certificate chain and key (PEM); empty means plain TCP.
    std::filesystem::path cert_file;
    std::filesystem::path key_file;

    /// Plain TCP on ::1.
    static options loopback_v6() {
      options o;
      o.ipv6 = true;
      return o;
    }
    /// TLS with this certificate and key.
    static options tls(std::filesystem::path cert, std::filesystem::path key) {
      options o;
      o.cert_file = std::move(cert);
      o.key_file = std::move(key);
      return o;
    }
  };

  explicit scripted_server(std::vector<script> scripts);
  scripted_server(std::vector<script> scripts, const options& opts);
  ~scripted_server();
  scripted_server(const scripted_server&) = delete;
  scripted_server& operator=(const scripted_server&) = delete;

  [[nodiscard]] asio::ip::tcp::endpoint endpoint() const;
  [[nodiscard]] std::uint16_t port() const;
  /// Connections accepted so far.
  [[nodiscard]] std::size_t accepted() const;
  /// Connections whose script has finished (closed, reset, peer gone, TLS failed).
  [[nodiscard]] std::size_t finished() const;
  /// The bytes received on connection i so far (after TLS decryption); "" if there is none.
  [[nodiscard]] std::string received(std::size_t i) const;
  /// The TLS handshake error message of connection i, "" when it succeeded or was plain.
  [[nodiscard]] std::string tls_error(std::size_t i) const;
  /// Waits until at least n connections were accepted, or `timeout` passes; true if they were.
  /// (A client's connect completes in the kernel before the server thread accepts.)
  bool wait_accepted(std::size_t n, std::chrono::milliseconds timeout) const;
  /// Waits until at least n connections have finished, or `timeout` passes; true if they did.
  bool wait_finished(std::size_t n, std::chrono::milliseconds timeout) const;

  /// Stops accepting, closes every connection, and joins the thread. Idempotent.
  void stop();

  struct state;  // scripted_server.cpp

 private:
  std::shared_ptr<state> state_;
};

/// A loopback listener that never completes a handshake: its accept queue is full (listen
/// backlog 0, filled by its own connections, never accepted), so Linux drops every further SYN
/// and a connect to endpoint() hangs until the connector gives up. Loopback only.
class blackhole_listener {
 public:
  explicit blackhole_listener(bool ipv6 = false);
  ~blackhole_listener();
  blackhole_listener(const blackhole_listener&) = delete;
  blackhole_listener& operator=(const blackhole_listener&) = delete;

  [[nodiscard]] asio::ip::tcp::endpoint endpoint() const;

 private:
  int listener_ = -1;
  std::vector<int> fillers_;
  asio::ip::tcp::endpoint endpoint_;
};

/// A loopback port where nothing listens: a socket is bound to it but never listens, so a
/// connect gets ECONNREFUSED at once, and no other process can take the port meanwhile.
class refusing_port {
 public:
  explicit refusing_port(bool ipv6 = false);
  ~refusing_port();
  refusing_port(const refusing_port&) = delete;
  refusing_port& operator=(const refusing_port&) = delete;

  [[nodiscard]] asio::ip::tcp::endpoint endpoint() const { return endpoint_; }

 private:
  int socket_ = -1;
  asio::ip::tcp::endpoint endpoint_;
};

}  // namespace corofetch::test
