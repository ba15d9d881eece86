#include <corofetch/detail/error_category.hpp>
#include <corofetch/load/error.hpp>

namespace corofetch::load {
namespace {

const char* describe(int code) noexcept {
  switch (static_cast<errc>(code)) {
    case errc::invalid_options:
      return "load options out of range";
    case errc::invalid_targets:
      return "targets file line is not METHOD URL, a header line or @file";
    case errc::invalid_histogram:
      return "histogram encoding is truncated, corrupt or not HdrHistogram version 2";
    case errc::histogram_mismatch:
      return "histograms of different ranges or precision cannot be added";
    case errc::invalid_hdr_log:
      return "HDR histogram interval log line cannot be read";
    case errc::invalid_histogram_layout:
      return "histogram lowest, highest or significant digits out of range";
  }
  return "unknown load error";
}

const detail::module_category category("corofetch.load", &describe);

}  // namespace

const std::error_category& load_category() noexcept {
  return category;
}

}  // namespace corofetch::load
