#pragma once

#include <system_error>

namespace corofetch::load {

/// Why a load run, a histogram log or a targets file was refused; the category is
/// "corofetch.load".
enum class errc {
  invalid_options = 1,  ///< connections, threads, rate, duration or pipeline depth out of range
  invalid_targets,      ///< a targets file line that is not `METHOD URL`, a header or `@file`
  invalid_histogram,    ///< a histogram encoding that is truncated, corrupt or not version 2
  histogram_mismatch,   ///< histograms of different ranges or precision cannot be added
  invalid_hdr_log,      ///< a line of an HDR interval log that cannot be read
  invalid_histogram_layout,  ///< histogram lowest, highest or significant digits out of range
};

/// The category of errc, named "corofetch.load"; one instance for the program's lifetime.
const std::error_category& load_category() noexcept;

/// An errc as a std::error_code in load_category() (found by argument-dependent lookup).
inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), load_category()};
}

}  // namespace corofetch::load

template <>
struct std::is_error_code_enum<corofetch::load::errc> : std::true_type {};
