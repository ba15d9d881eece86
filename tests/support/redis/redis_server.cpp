#include "support/redis/redis_server.hpp"

#include "common/loopback_port.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace corofetch::test {
namespace {

constexpr const char* server_binary = "/usr/bin/redis-server";

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

bool redis_server::available() {
  return ::access(server_binary, X_OK) == 0;
}

redis_server::redis_server(options opts) : options_(std::move(opts)) {
  if (!available())
    throw std::runtime_error("redis-server is not installed (Debian: redis-server)");
  std::string templ = (std::filesystem::temp_directory_path() / "cf_redis_XXXXXX").string();
  if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = templ;
  std::string last_error;
  for (int attempt = 0; attempt < 3; ++attempt) {  // another process may take the free port
    try {
      port_ = free_loopback_port();
      launch();
      return;
    } catch (const std::runtime_error& e) {
      last_error = e.what();
      stop();
    }
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
  throw std::runtime_error(last_error);
}

redis_server::~redis_server() {
  stop();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string redis_server::url(unsigned db) const {
  const std::string auth = options_.password.empty() ? "" : ":" + options_.password + "@";
  return "redis://" + auth + "127.0.0.1:" + std::to_string(port_) + "/" + std::to_string(db);
}

void redis_server::start() {
  stop();
  launch();
}

void redis_server::launch() {
  std::vector<std::string> args{server_binary,
                                "--bind",
                                "127.0.0.1",
                                "--port",
                                std::to_string(port_),
                                "--dir",
                                dir_.string(),
                                "--save",
                                "",
                                "--appendonly",
                                options_.append_only ? "yes" : "no",
                                "--appendfsync",
                                "always",
                                "--daemonize",
                                "no",
                                "--enable-debug-command",
                                "yes",
                                "--protected-mode",
                                "no",
                                "--logfile",
                                (dir_ / "redis.log").string()};
  if (!options_.password.empty()) {
    args.emplace_back("--requirepass");
    args.push_back(options_.password);
  }
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    const int null = ::open("/dev/null", O_RDWR);
    if (null >= 0) {
      ::dup2(null, 0);
      ::dup2(null, 1);
      ::dup2(null, 2);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("redis-server exited at start: " + read_file(dir_ / "redis.log"));
    }
    if (loopback_accepts(port_)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  throw std::runtime_error("redis-server did not start listening: " +
                           read_file(dir_ / "redis.log"));
}

void redis_server::stop() noexcept {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 250; ++i) {
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

}  // namespace corofetch::test
