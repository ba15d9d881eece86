#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace corofetch::test {

/// What a finished child process left behind.
struct process_result {
  int exit_code = -1;  ///< exit status, or 128 + signal number when killed by a signal
  std::string out;     ///< everything written to stdout
  std::string err;     ///< everything written to stderr
};

/// Runs argv[0] (a path, no shell) with the given arguments, captures stdout and stderr, and
/// waits for it; kills it (SIGKILL) and fails the current test if it runs past `limit`.
process_result run_process(const std::vector<std::string>& argv,
                           std::chrono::milliseconds limit = std::chrono::seconds(30));

/// Starts this test binary again as a child process that runs only the test cases matching
/// `filter` (a hidden tag such as "[crawl_resume_child]"), with this process' environment plus
/// `extra_env` ("NAME=value" each), its stdout and stderr written to `output`: a crawl worker
/// the test can kill with SIGKILL. Everything is built before fork(), the child only calls
/// execve. Returns the child's pid; fails the current test when it cannot start.
pid_t start_self_as_child(const std::string& filter, const std::vector<std::string>& extra_env,
                          const std::filesystem::path& output);

/// The path of a command-line tool built from examples/ (e.g. "cf-url").
std::string example_tool(const std::string& name);

/// The lines of a text, without their '\n'.
std::vector<std::string> split_lines(const std::string& text);

}  // namespace corofetch::test
