#pragma once

#include <system_error>

namespace corofetch::ftp {

/// Why an FTP transfer failed; the category is "corofetch.ftp". The server's own reply is in
/// transfer::server_reply. Socket errors keep their system codes, connect and TLS errors their
/// corofetch.net codes, name lookups their corofetch.dns codes.
enum class errc {
  not_an_ftp_url = 1,   ///< the URL's scheme is not "ftp"
  invalid_argument,     ///< a user, password or path with CR, LF or NUL (RFC 959 5.3 Telnet lines)
  reply_timeout,        ///< the server did not send a whole reply within reply_timeout
  data_timeout,         ///< the data connection stalled: nothing came for data_idle_timeout
  malformed_reply,      ///< a reply line that is not "NNN text" / "NNN-text" (RFC 959 4.2)
  reply_too_long,       ///< a reply line or a multi-line reply over the bounds
  connection_closed,    ///< the server closed the control connection
  service_unavailable,  ///< the server refused the session (421, or a greeting other than 220)
  login_failed,         ///< USER/PASS refused (530)
  account_required,     ///< the server asks for ACCT (332), which is not supported
  file_unavailable,     ///< the file or folder is missing or not accessible (550)
  passive_failed,       ///< neither EPSV (RFC 2428) nor PASV gave a data port
  data_connect_failed,  ///< the data connection to the port the server gave failed
  transfer_aborted,     ///< the server aborted the transfer (426, 451, ...)
  resume_unsupported,   ///< REST (RFC 3659 5) was refused
  resume_beyond_end,    ///< the resume offset is past the end of the file (SIZE)
  unexpected_reply,     ///< another reply than the command allows
  sink_failed,          ///< the data sink refused a chunk
};

const std::error_category& ftp_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), ftp_category()};
}

}  // namespace corofetch::ftp

template <>
struct std::is_error_code_enum<corofetch::ftp::errc> : std::true_type {};
