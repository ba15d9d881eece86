#include <corofetch/dns/trace.hpp>

#include <fmt/format.h>

#include <iterator>

namespace corofetch::dns {
namespace {

std::string server_text(const trace_step& step) {
  // dig writes ADDR#PORT(NAME), NAME as it was given the server: the address when it had no name.
  const std::string address = step.server.address().to_string();
  return fmt::format("{}#{}({})", address, step.server.port(),
                     step.server_name.empty() ? address : step.server_name);
}

long long milliseconds(const trace_step& step) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(step.elapsed).count();
}

}  // namespace

std::string_view to_string(step_outcome outcome) noexcept {
  switch (outcome) {
    case step_outcome::answer:
      return "answer";
    case step_outcome::cname:
      return "cname";
    case step_outcome::referral:
      return "referral";
    case step_outcome::nxdomain:
      return "nxdomain";
    case step_outcome::nodata:
      return "nodata";
    case step_outcome::lame:
      return "lame";
    case step_outcome::truncated:
      return "truncated";
    case step_outcome::failed:
      return "failed";
  }
  return "failed";
}

std::string to_dig_trace(const trace_step& step) {
  std::string out;
  auto to = std::back_inserter(out);
  if (step.depth > 0) {
    fmt::format_to(to, ";; [name server address, depth {}] {} {}\n", step.depth,
                   fully_qualified(step.query_name), to_string(step.query_type));
  }
  if (step.bytes_received == 0) {
    fmt::format_to(to, ";; no reply from {} in {} ms: {}\n\n", server_text(step),
                   milliseconds(step), step.error.message());
    return out;
  }
  for (const auto* section : {&step.answer, &step.authority}) {
    for (const auto& r : *section) fmt::format_to(to, "{}\n", to_dig_line(r));
  }
  if (step.outcome == step_outcome::truncated) out += ";; Truncated, retrying in TCP mode.\n";
  if (step.outcome == step_outcome::lame || step.outcome == step_outcome::failed) {
    fmt::format_to(to, ";; not used ({}): {}\n", to_string(step.outcome), step.error.message());
  }
  fmt::format_to(to, ";; Received {} bytes from {} in {} ms\n\n", step.bytes_received,
                 server_text(step), milliseconds(step));
  return out;
}

}  // namespace corofetch::dns
