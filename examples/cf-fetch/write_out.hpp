#pragma once
// -w/--write-out: curl's variables over a finished transfer.

#include <corofetch/client/response.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace cf_fetch {

/// What -w (and --json) report about one transfer.
struct transfer_report {
  const corofetch::client::response* response = nullptr;  ///< the final exchange (or partial)
  std::string method;
  std::chrono::nanoseconds wall{0};  ///< the whole transfer, retries included
  std::uint64_t size_upload = 0;     ///< request body bytes
  std::size_t num_connects = 0;      ///< connections opened for it
  int exit_code = 0;
  std::string error_message;
};

/// curl's cumulative times (man curl, --write-out): each from the start of the transfer to the
/// end of its phase, summed over the redirects followed.
struct cumulative_times {
  std::chrono::nanoseconds namelookup{0};
  std::chrono::nanoseconds connect{0};
  std::chrono::nanoseconds appconnect{0};  ///< zero without TLS
  std::chrono::nanoseconds pretransfer{0};
  std::chrono::nanoseconds starttransfer{0};
  std::chrono::nanoseconds redirect{0};  ///< the redirect exchanges, whole
  std::chrono::nanoseconds total{0};
};

[[nodiscard]] cumulative_times times_of(const transfer_report& r);

/// Expands a -w format: %{variable}, %header{name}, %%, and the escapes \n \r \t \\. Unknown
/// variables expand to nothing and are named in `unknown`. `to_stderr` receives what follows
/// %{stderr} (until %{stdout}).
[[nodiscard]] std::string expand_write_out(const std::string& format, const transfer_report& r,
                                           std::vector<std::string>& unknown,
                                           std::string& to_stderr);

/// The variables -w knows, for --help.
[[nodiscard]] std::string write_out_variables();

}  // namespace cf_fetch
