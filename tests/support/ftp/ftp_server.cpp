#include "support/ftp/ftp_server.hpp"

#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace corofetch::test {

bool ftp_server::available() {
  return python_module_available("pyftpdlib");
}

ftp_server::ftp_server(options opts) {
  if (!available()) {
    throw std::runtime_error("python3-pyftpdlib is not installed (scripts/setup.sh)");
  }
  std::string templ = (std::filesystem::temp_directory_path() / "cf_ftp_XXXXXX").string();
  if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  root_ = templ;
  std::vector<std::string> argv{
      system_python(), std::string(CF_SOURCE_DIR) + "/tests/support/ftp/ftp_server.py",
      "--root",        root_.string(),
      "--user",        opts.user,
      "--password",    opts.password};
  if (opts.anonymous) argv.emplace_back("--anonymous");
  if (!opts.epsv) argv.emplace_back("--no-epsv");
  try {
    process_ = std::make_unique<background_process>(argv, "PORT");
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
    throw;
  }
  port_ = static_cast<std::uint16_t>(std::stoi(process_->ready_line()));
}

ftp_server::~ftp_server() {
  process_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(root_, ignored);
}

void ftp_server::put(const std::string& relative, const std::string& content) const {
  const auto path = root_ / relative;
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
}

std::string ftp_server::base_url() const {
  return "ftp://127.0.0.1:" + std::to_string(port_);
}

}  // namespace corofetch::test
