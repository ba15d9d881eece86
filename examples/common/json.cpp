#include "common/json.hpp"

#include <cstdio>

namespace corofetch::tool {

bool print_json(const nlohmann::json& document) {
  const std::string text =
      document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  return std::fwrite(text.data(), 1, text.size(), stdout) == text.size() &&
         std::fflush(stdout) == 0;
}

nlohmann::json error_json(std::error_code ec, const std::string& message, int exit_code) {
  return {{"message", message},
          {"category", ec.category().name()},
          {"value", ec.value()},
          {"exit_code", exit_code}};
}

nlohmann::json error_json(const std::string& message, int exit_code) {
  return {{"message", message}, {"exit_code", exit_code}};
}

nlohmann::json failure_json(const std::string& message, int exit_code) {
  return {{"error", error_json(message, exit_code)}, {"exit_code", exit_code}};
}

}  // namespace corofetch::tool
