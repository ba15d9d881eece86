#pragma once
// A test server run as a child process (a Python script over Debian's pyftpdlib or aiosmtpd, a
// scripted server): started with its stdout on a pipe, ready once it prints a line starting
// with a given word ("PORT 2121", "READY"), stopped (SIGTERM, then SIGKILL) when destroyed.
// Header-only: the support libraries of several modules use it, and a static library of
// tests/support/common would come before theirs on the link line.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace corofetch::test {

class background_process {
 public:
  /// Runs argv (argv[0] a path, no shell) and waits up to `limit` for a stdout line starting
  /// with `ready_word`; the rest of that line is ready_line(). Its stderr goes to a temporary
  /// file whose content is in the exception message when it exits or stays silent: throws
  /// std::runtime_error then.
  background_process(const std::vector<std::string>& argv, const std::string& ready_word,
                     std::chrono::milliseconds limit = std::chrono::seconds(15));
  ~background_process();
  background_process(const background_process&) = delete;
  background_process& operator=(const background_process&) = delete;

  /// What followed the ready word on its line ("2121" for "PORT 2121").
  [[nodiscard]] const std::string& ready_line() const noexcept { return ready_line_; }
  /// Stops the process (SIGTERM, SIGKILL after 2 s). Idempotent.
  void stop() noexcept;

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string err_path_;
  std::string ready_line_;
};

/// Debian's Python interpreter (/usr/bin/python3), whose dist-packages hold python3-pyftpdlib
/// and python3-aiosmtpd, whatever python3 comes first in PATH.
[[nodiscard]] std::string system_python();

/// True when Debian's Python can import `module`.
[[nodiscard]] bool python_module_available(const std::string& module);

namespace detail {

inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace detail

inline std::string system_python() {
  return "/usr/bin/python3";
}

inline bool python_module_available(const std::string& module) {
  const std::string command = system_python() + " -c 'import " + module + "' 2>/dev/null";
  return std::system(command.c_str()) == 0;  // NOLINT(cert-env33-c): a fixed test command
}

inline background_process::background_process(const std::vector<std::string>& argv,
                                              const std::string& ready_word,
                                              std::chrono::milliseconds limit) {
  std::string templ = "/tmp/cf_bg_XXXXXX";
  const int err_fd = ::mkstemp(templ.data());
  if (err_fd < 0) throw std::runtime_error("mkstemp failed");
  err_path_ = templ;
  std::array<int, 2> out_pipe{-1, -1};
  if (::pipe2(out_pipe.data(), O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  std::vector<std::string> args = argv;
  std::vector<char*> raw;
  for (auto& a : args) raw.push_back(a.data());
  raw.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    // A test binary that dies (a crash, a kill) takes its servers with it.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    ::dup2(out_pipe[1], 1);
    ::dup2(err_fd, 2);
    const int null = ::open("/dev/null", O_RDONLY);
    if (null >= 0) ::dup2(null, 0);
    ::execv(raw[0], raw.data());
    ::_exit(127);
  }
  ::close(err_fd);
  ::close(out_pipe[1]);
  out_fd_ = out_pipe[0];
  std::string seen;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{out_fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) > 0) {
      std::array<char, 1024> buffer{};
      const ssize_t n = ::read(out_fd_, buffer.data(), buffer.size());
      if (n <= 0) break;  // the child closed its stdout: it ended
      seen.append(buffer.data(), static_cast<std::size_t>(n));
    }
    std::size_t start = 0;
    for (auto nl = seen.find('\n'); nl != std::string::npos; nl = seen.find('\n', start)) {
      const std::string line = seen.substr(start, nl - start);
      start = nl + 1;
      if (line.rfind(ready_word, 0) == 0) {
        ready_line_ = line.substr(std::min(line.size(), ready_word.size() + 1));
        return;
      }
    }
  }
  stop();
  const std::string err = detail::read_text(err_path_);
  ::unlink(err_path_.c_str());
  throw std::runtime_error(argv.back() + " did not start: " + seen + err);
}

inline background_process::~background_process() {
  stop();
  if (!err_path_.empty()) ::unlink(err_path_.c_str());
}

inline void background_process::stop() noexcept {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    bool reaped = false;
    for (int i = 0; i < 100 && !reaped; ++i) {
      reaped = ::waitpid(pid_, &status, WNOHANG) == pid_;
      if (!reaped) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (!reaped) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
    pid_ = -1;
  }
  if (out_fd_ >= 0) ::close(out_fd_);
  out_fd_ = -1;
}

}  // namespace corofetch::test
