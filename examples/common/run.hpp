#pragma once
// Running a tool: its coroutine on one io_context, and a crash (an exception escaping it or
// main) reported as one line with exit status 70 instead of std::terminate's abort.

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>

#include <functional>
#include <string>

namespace corofetch::tool {

/// Runs `body` as a coroutine on `io` until `io` has no more work, and returns what it
/// returned. An exception escaping it is reported as "NAME: internal error: what" on stderr
/// (with `json`, also as the error document on stdout: the caller prints nothing more) and
/// gives exit_internal (70).
int run_coroutine(asio::io_context& io, const std::string& tool_name,
                  const std::function<asio::awaitable<int>()>& body, bool json = false);

/// Calls `tool_main` and returns its status; an exception escaping it (out of memory, a bug) is
/// reported as run_coroutine does. Pass wants_json(argc, argv) as `json`.
int guarded_main(const std::string& tool_name, const std::function<int()>& tool_main,
                 bool json = false);

}  // namespace corofetch::tool
