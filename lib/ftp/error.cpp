#include <corofetch/detail/error_category.hpp>
#include <corofetch/ftp/error.hpp>

namespace corofetch::ftp {
namespace {

const char* describe(int code) noexcept {
  switch (static_cast<errc>(code)) {
    case errc::not_an_ftp_url:
      return "not an ftp: URL";
    case errc::invalid_argument:
      return "FTP user, password or path holds CR, LF or NUL";
    case errc::reply_timeout:
      return "FTP server reply timed out";
    case errc::data_timeout:
      return "FTP data connection stalled (idle timeout)";
    case errc::malformed_reply:
      return "malformed FTP reply";
    case errc::reply_too_long:
      return "FTP reply too long";
    case errc::connection_closed:
      return "FTP server closed the control connection";
    case errc::service_unavailable:
      return "FTP service not available";
    case errc::login_failed:
      return "FTP login failed (wrong user or password)";
    case errc::account_required:
      return "FTP server requires an account (ACCT), not supported";
    case errc::file_unavailable:
      return "FTP file or folder unavailable (missing or not accessible)";
    case errc::passive_failed:
      return "FTP server gave no passive data port (EPSV and PASV failed)";
    case errc::data_connect_failed:
      return "FTP data connection failed";
    case errc::transfer_aborted:
      return "FTP transfer aborted by the server";
    case errc::resume_unsupported:
      return "FTP server refused to resume (REST)";
    case errc::resume_beyond_end:
      return "FTP resume offset beyond the end of the file";
    case errc::unexpected_reply:
      return "unexpected FTP reply";
    case errc::sink_failed:
      return "FTP data sink failed";
  }
  return "unknown corofetch.ftp error";
}

const detail::module_category category{"corofetch.ftp", &describe};

}  // namespace

const std::error_category& ftp_category() noexcept {
  return category;
}

}  // namespace corofetch::ftp
