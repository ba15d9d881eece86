#include "common/run.hpp"

#include "common/cli.hpp"
#include "common/exit_codes.hpp"

#include <asio/co_spawn.hpp>

#include <exception>
#include <stdexcept>

namespace corofetch::tool {

namespace {

std::string describe(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    return ex.what();
  } catch (...) {
    return "an exception that is not a std::exception";
  }
}

}  // namespace

int run_coroutine(asio::io_context& io, const std::string& tool_name,
                  const std::function<asio::awaitable<int>()>& body, bool json) {
  int status = exit_internal;
  std::exception_ptr crashed;
  asio::co_spawn(io, body(), [&](const std::exception_ptr& e, int s) {
    crashed = e;
    status = s;
  });
  try {
    io.run();
  } catch (...) {
    crashed = std::current_exception();
  }
  if (crashed) return fail(tool_name, "internal error: " + describe(crashed), exit_internal, json);
  return status;
}

int guarded_main(const std::string& tool_name, const std::function<int()>& tool_main, bool json) {
  try {
    return tool_main();
  } catch (...) {
    return fail(tool_name, "internal error: " + describe(std::current_exception()), exit_internal,
                json);
  }
}

}  // namespace corofetch::tool
