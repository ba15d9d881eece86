#include "support/nntp/nntp_server.hpp"

#include <unistd.h>

#include <fstream>
#include <stdexcept>

namespace corofetch::test {

nntp_server::nntp_server(options opts) {
  std::string templ = (std::filesystem::temp_directory_path() / "cf_nntp_XXXXXX").string();
  const int fd = ::mkstemp(templ.data());
  if (fd < 0) throw std::runtime_error("mkstemp failed");
  ::close(fd);
  log_ = templ;
  std::vector<std::string> argv{
      system_python(), std::string(CF_SOURCE_DIR) + "/tests/support/nntp/nntp_server.py",
      "--group",       opts.group,
      "--articles",    std::to_string(opts.articles),
      "--low",         std::to_string(opts.low),
      "--log",         log_.string()};
  if (!opts.over) argv.emplace_back("--no-over");
  process_ = std::make_unique<background_process>(argv, "PORT");
  port_ = static_cast<std::uint16_t>(std::stoi(process_->ready_line()));
}

nntp_server::~nntp_server() {
  process_.reset();
  std::error_code ignored;
  std::filesystem::remove(log_, ignored);
}

std::string nntp_server::address() const {
  return "127.0.0.1:" + std::to_string(port_);
}

std::vector<std::string> nntp_server::commands() const {
  std::ifstream in(log_);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace corofetch::test
