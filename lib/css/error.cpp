#include <corofetch/css/error.hpp>
#include <corofetch/detail/error_category.hpp>

namespace corofetch::css {
namespace {

const char* describe(int code) noexcept {
  switch (static_cast<errc>(code)) {
    case errc::input_too_large:
      return "stylesheet is larger than the configured maximum input size";
    case errc::nesting_too_deep:
      return "stylesheet nests blocks and functions deeper than the configured maximum depth";
  }
  return "unknown CSS error";
}

const detail::module_category category("corofetch.css", &describe);

}  // namespace

const std::error_category& css_category() noexcept {
  return category;
}

}  // namespace corofetch::css
