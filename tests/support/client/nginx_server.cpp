#include "support/client/nginx_server.hpp"

#include "common/loopback_port.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace corofetch::test {

namespace {

constexpr const char* nginx_binary = "/usr/sbin/nginx";

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string config(const std::filesystem::path& root, const std::filesystem::path& prefix,
                   std::uint16_t http_port, std::uint16_t https_port,
                   const nginx_server::options& o) {
  std::ostringstream c;
  if (::geteuid() == 0) c << "user root;\n";
  c << "worker_processes 1;\n"
    << "pid " << (prefix / "nginx.pid").string() << ";\n"
    << "error_log " << (prefix / "error.log").string() << " warn;\n"
    << "events { worker_connections 1024; }\n"
    << "http {\n"
    << "  access_log off;\n"
    << "  default_type application/octet-stream;\n"
    << "  types { text/html html; text/plain txt; application/json json; text/css css;\n"
    << "          image/png png; image/gif gif; image/jpeg jpg; image/svg+xml svg; }\n"
    << "  client_body_temp_path " << (prefix / "body").string() << ";\n"
    << "  proxy_temp_path " << (prefix / "proxy").string() << ";\n"
    << "  fastcgi_temp_path " << (prefix / "fastcgi").string() << ";\n"
    << "  uwsgi_temp_path " << (prefix / "uwsgi").string() << ";\n"
    << "  scgi_temp_path " << (prefix / "scgi").string() << ";\n"
    << "  keepalive_timeout 60s;\n"
    << "  keepalive_requests 100000;\n";
  if (o.gzip) {
    c << "  gzip on;\n  gzip_min_length 1;\n"
      << "  gzip_types text/plain text/css application/json;\n";  // text/html is implied
  }
  c << "  server {\n"
    << "    listen 127.0.0.1:" << http_port << (o.http2 ? " http2" : "") << ";\n";
  if (https_port != 0) {
    c << "    listen 127.0.0.1:" << https_port << (o.http2 ? " ssl http2" : " ssl") << ";\n"
      << "    ssl_certificate " << o.cert_file.string() << ";\n"
      << "    ssl_certificate_key " << o.key_file.string() << ";\n";
  }
  c << "    root " << root.string() << ";\n"
    << o.extra << "  }\n"
    << "}\n";
  return c.str();
}

}  // namespace

bool nginx_server::available() {
  return ::access(nginx_binary, X_OK) == 0;
}

nginx_server::nginx_server(std::filesystem::path root, options opts) : root_(std::move(root)) {
  if (!available()) throw std::runtime_error("nginx is not installed (Debian: nginx-light)");
  std::string last_error;
  for (int attempt = 0; attempt < 3; ++attempt) {
    try {
      start(opts);
      return;
    } catch (const std::runtime_error& e) {
      last_error = e.what();
      stop();
    }
  }
  throw std::runtime_error(last_error);
}

nginx_server::~nginx_server() {
  stop();
}

void nginx_server::start(const options& opts) {
  std::string templ = (std::filesystem::temp_directory_path() / "cf_nginx_XXXXXX").string();
  if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  prefix_ = templ;
  std::filesystem::create_directories(prefix_ / "logs");
  http_port_ = free_loopback_port();
  https_port_ = opts.cert_file.empty() ? 0 : free_loopback_port();
  const auto conf = prefix_ / "nginx.conf";
  std::ofstream(conf) << config(root_, prefix_, http_port_, https_port_, opts);

  const std::string prefix_arg = prefix_.string() + "/";
  std::vector<std::string> args{nginx_binary, "-c", conf.string(), "-p",
                                prefix_arg,   "-g", "daemon off;"};
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    const int null = ::open("/dev/null", O_RDWR);
    if (null >= 0) {
      ::dup2(null, 0);
      ::dup2(null, 1);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("nginx exited at start: " + read_file(prefix_ / "error.log"));
    }
    if (loopback_accepts(http_port_) && (https_port_ == 0 || loopback_accepts(https_port_))) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("nginx did not start listening: " + read_file(prefix_ / "error.log"));
}

void nginx_server::stop() noexcept {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 100; ++i) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      pid_ = -1;
    }
  }
  if (!prefix_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(prefix_, ignored);
    prefix_.clear();
  }
}

std::string nginx_server::http_url() const {
  return "http://127.0.0.1:" + std::to_string(http_port_);
}

std::string nginx_server::https_url() const {
  return "https://127.0.0.1:" + std::to_string(https_port_);
}

}  // namespace corofetch::test
