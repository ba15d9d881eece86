#include <corofetch/detail/error_category.hpp>
#include <corofetch/html/error.hpp>

namespace corofetch::html {
namespace {

const char* describe(int code) noexcept {
  switch (static_cast<errc>(code)) {
    case errc::input_too_large:
      return "HTML document is larger than the configured maximum input size";
    case errc::invalid_options:
      return "HTML extraction options are out of range (a device pixel ratio or viewport size "
             "that is not a positive finite number)";
    case errc::parser_failed:
      return "HTML parser returned no document (out of memory)";
    case errc::nesting_too_deep:
      return "HTML document nests elements too deeply (more than the configured maximum depth, "
             "or deep nesting too often for parsing in bounded time)";
  }
  return "unknown HTML error";
}

const detail::module_category category("corofetch.html", &describe);

}  // namespace

const std::error_category& html_category() noexcept {
  return category;
}

}  // namespace corofetch::html
