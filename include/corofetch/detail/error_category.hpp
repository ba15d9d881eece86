#pragma once

#include <string>
#include <system_error>

namespace corofetch::detail {

/// The std::error_category behind every corofetch module ("corofetch.url", "corofetch.http",
/// ...): a name and a function that describes each code of the module's errc. One instance per
/// module lives in that module's error.cpp.
class module_category final : public std::error_category {
 public:
  using describe_fn = const char* (*)(int code) noexcept;

  constexpr module_category(const char* name, describe_fn describe) noexcept
      : name_(name), describe_(describe) {}

  [[nodiscard]] const char* name() const noexcept override { return name_; }
  [[nodiscard]] std::string message(int code) const override { return describe_(code); }

 private:
  const char* name_;
  describe_fn describe_;
};

}  // namespace corofetch::detail
