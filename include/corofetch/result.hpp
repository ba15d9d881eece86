#pragma once

#include <cassert>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

namespace corofetch {

/// The outcome of a pure operation (a parser, a validator): a value or an error code, never an
/// exception. A small stand-in for C++23's std::expected<T, std::error_code>, which g++ 12 in
/// C++20 mode does not have.
template <class T>
class [[nodiscard]] result {
 public:
  using value_type = T;

  result(T value)
      : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  result(std::error_code error) : state_(std::in_place_index<1>, error) {  // NOLINT
    assert(error && "a result holds a value or a real error");
  }
  template <class ErrorEnum>
  requires std::is_error_code_enum_v<ErrorEnum> result(ErrorEnum e)
      : result(std::error_code(make_error_code(e))) {}  // NOLINT

  [[nodiscard]] bool has_value() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  /// The value; throws std::system_error carrying the error when there is none.
  T& value() & {
    check();
    return std::get<0>(state_);
  }
  const T& value() const& {
    check();
    return std::get<0>(state_);
  }
  T&& value() && {
    check();
    return std::get<0>(std::move(state_));
  }

  /// The error; a default (success) error_code when there is a value.
  [[nodiscard]] std::error_code error() const noexcept {
    return has_value() ? std::error_code{} : std::get<1>(state_);
  }

  T& operator*() & noexcept { return *std::get_if<0>(&state_); }
  const T& operator*() const& noexcept { return *std::get_if<0>(&state_); }
  T* operator->() noexcept { return std::get_if<0>(&state_); }
  const T* operator->() const noexcept { return std::get_if<0>(&state_); }

 private:
  void check() const {
    if (!has_value()) throw std::system_error(std::get<1>(state_));
  }
  std::variant<T, std::error_code> state_;
};

}  // namespace corofetch
