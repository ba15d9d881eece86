#include "cf-fetch/verbose.hpp"

#include "cf-fetch/output.hpp"
#include "common/format.hpp"

#include <cstdio>
#include <string>

namespace cf_fetch {

namespace client = corofetch::client;
using corofetch::tool::human_duration;

namespace {

std::string endpoint_text(const asio::ip::tcp::endpoint& e) {
  const std::string address = e.address().to_string();
  return (e.address().is_v6() ? "[" + address + "]" : address) + ":" + std::to_string(e.port());
}

void line(const std::string& text) {
  std::fprintf(stderr, "%s\n", text.c_str());
}

}  // namespace

void log_lines(std::string_view text, std::string_view prefix) {
  while (!text.empty()) {
    auto end = text.find('\n');
    auto one = text.substr(0, end);
    if (!one.empty() && one.back() == '\r') one.remove_suffix(1);
    std::fprintf(stderr, "%.*s %.*s\n", static_cast<int>(prefix.size()), prefix.data(),
                 static_cast<int>(one.size()), one.data());
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
}

void verbose_log::connection(const client::connection_event& e) {
  using stage = client::connection_event::stage;
  if (e.what == stage::resolved) {
    connected_ = true;
    if (e.addresses.empty()) return;
    first_ = e.addresses.front();
    line("*   Trying " + endpoint_text(first_) + "...");
    return;
  }
  if (e.remote != first_) line("*   Trying " + endpoint_text(e.remote) + "...");
  line("* Connected to " + e.host + " (" + e.remote.address().to_string() + ") port " +
       std::to_string(e.port) + " (#" + std::to_string(e.id) + ")");
  if (e.tls.version.empty()) return;
  line("* SSL connection using " + e.tls.version + " / " + e.tls.cipher);
  line("* Server certificate:");
  line("*  subject: " + e.tls.subject);
  line("*  issuer: " + e.tls.issuer);
}

void verbose_log::request_head(std::string_view head) {
  if (r_.status != 0) {
    // The exchange before this one was a redirect being followed.
    log_lines(head_text(r_), "<");
    line("* Following the redirect to " + std::string(r_.fields.find("Location").value_or("")));
  }
  if (!connected_ && r_.connection_id != 0) {
    line("* Re-using existing connection #" + std::to_string(r_.connection_id) + " with " +
         endpoint_text(r_.remote));
  }
  connected_ = false;
  // The head ends with an empty line, which curl shows as a lone ">".
  log_lines(head.substr(0, head.size() >= 2 ? head.size() - 2 : head.size()), ">");
}

void verbose_log::response_head(const client::response& r) {
  const std::string head = head_text(r);
  log_lines(std::string_view(head).substr(0, head.size() - 2), "<");
}

void verbose_log::summary(const client::response& r) {
  const auto& t = r.timing;
  line("* timing: queued " + human_duration(t.queued) + ", dns " + human_duration(t.dns) +
       ", connect " + human_duration(t.connect) + ", tls " + human_duration(t.tls) + ", sent " +
       human_duration(t.sent) + ", first byte " + human_duration(t.first_byte) + ", done " +
       human_duration(t.done) + ", total " + human_duration(t.total()) +
       (r.reused ? " (reused connection)" : ""));
}

}  // namespace cf_fetch
