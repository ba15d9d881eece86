#include "support/smtp/smtp_server.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace corofetch::test {
namespace {

const char* mode_name(smtp_server::mode m) {
  switch (m) {
    case smtp_server::mode::tempfail:
      return "tempfail";
    case smtp_server::mode::reject:
      return "reject";
    case smtp_server::mode::accept:
      break;
  }
  return "accept";
}

}  // namespace

bool smtp_server::available() {
  return python_module_available("aiosmtpd");
}

smtp_server::smtp_server(options opts) {
  if (!available())
    throw std::runtime_error("python3-aiosmtpd is not installed (scripts/setup.sh)");
  std::string templ = (std::filesystem::temp_directory_path() / "cf_smtp_XXXXXX").string();
  if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = templ;
  std::vector<std::string> argv{
      system_python(), std::string(CF_SOURCE_DIR) + "/tests/support/smtp/smtp_server.py",
      "--host",        opts.address,
      "--port",        std::to_string(opts.port),
      "--mode",        mode_name(opts.behaviour),
      "--out",         (dir_ / "received").string()};
  if (!opts.cert_file.empty()) {
    argv.insert(argv.end(), {"--cert", opts.cert_file.string(), "--key", opts.key_file.string()});
  }
  try {
    process_ = std::make_unique<background_process>(argv, "READY");
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
    throw;
  }
}

smtp_server::~smtp_server() {
  process_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::optional<std::string> smtp_server::message() const {
  std::ifstream in(dir_ / "received.eml", std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> smtp_server::envelope() const {
  std::ifstream in(dir_ / "received.env");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace corofetch::test
