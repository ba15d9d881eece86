#include "report.hpp"

#include <corofetch/dns/error.hpp>
#include <corofetch/dns/trace.hpp>

#include <asio/error.hpp>

#include <algorithm>
#include <chrono>

namespace cf_lookup {
namespace {

namespace dns = corofetch::dns;
using nlohmann::json;

std::error_code rcode_error(unsigned rcode) {
  switch (rcode) {
    case 0:
      return {};
    case 1:
      return dns::errc::format_error;
    case 2:
      return dns::errc::servfail;
    case 3:
      return dns::errc::nxdomain;
    case 4:
      return dns::errc::not_implemented;
    case 5:
      return dns::errc::refused;
    default:
      return dns::errc::other;
  }
}

// A chain that leaves the server's data: CNAMEs and nothing else, and no SOA saying the
// target has no such record (an authority answers for its own zones only, RFC 1034 4.3.2).
bool chain_leaves_server(const dns::server_reply& reply, const dns::cname_chain& chain) {
  if (chain.cnames.empty()) return false;
  return std::none_of(reply.message.authority.begin(), reply.message.authority.end(),
                      [](const dns::record& r) { return r.type == dns::record_type::soa; });
}

double milliseconds(std::chrono::microseconds us) {
  return static_cast<double>(us.count()) / 1000.0;
}

json flags_json(std::uint16_t flags) {
  json out = json::array();
  const std::string names = dns::flag_names(flags);
  std::size_t start = 0;
  while (start < names.size()) {
    const auto end = std::min(names.find(' ', start), names.size());
    out.push_back(names.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

json step_json(const dns::trace_step& step) {
  json out{{"depth", step.depth},
           {"zone", dns::fully_qualified(step.zone)},
           {"server", step.server_name.empty() ? step.server.address().to_string()
                                               : dns::fully_qualified(step.server_name)},
           {"address", step.server.address().to_string()},
           {"port", step.server.port()},
           {"query", dns::fully_qualified(step.query_name)},
           {"query_type", dns::to_string(step.query_type)},
           {"transport", step.transport == dns::query_transport::tcp ? "tcp" : "udp"},
           {"outcome", dns::to_string(step.outcome)},
           {"ms", milliseconds(step.elapsed)},
           {"bytes", step.bytes_received}};
  if (step.error) out["error"] = error_name(step.error);
  if (step.bytes_received == 0) return out;
  out["rcode"] = step.rcode;
  out["aa"] = step.authoritative;
  out["answer"] = to_json(step.answer);
  out["authority"] = to_json(step.authority);
  out["additional"] = to_json(step.additional);
  return out;
}

}  // namespace

void judge(outcome& o) {
  auto& message = o.reply.message;
  dns::sort_by_preference(message.answer);
  if (o.reply.error) {
    o.error = o.reply.error;
    return;
  }
  o.chain = dns::follow_cnames(message.answer, message.question_name, o.asked.type);
  if (auto e = rcode_error(message.rcode())) {
    o.error = e;
  } else if (o.chain.error) {
    o.error = o.chain.error;
  } else if (o.chain.records.empty() && !chain_leaves_server(o.reply, o.chain)) {
    o.error = dns::errc::nodata;
  }
}

int exit_status(std::error_code error) {
  if (!error) return 0;
  return dns::is_negative(error) ? 1 : 2;
}

std::string error_name(std::error_code ec) {
  using dns::errc;
  if (ec == errc::nxdomain) return "NXDOMAIN";
  if (ec == errc::nodata) return "NODATA";
  if (ec == errc::servfail) return "SERVFAIL";
  if (ec == errc::refused) return "REFUSED";
  if (ec == errc::timeout) return "TIMEOUT";
  if (ec == errc::bad_name) return "BADNAME";
  if (ec == errc::malformed_answer) return "MALFORMED";
  if (ec == errc::connection_refused) return "CONNREFUSED";
  if (ec == errc::format_error) return "FORMERR";
  if (ec == errc::not_implemented) return "NOTIMP";
  if (ec == errc::lame_delegation) return "LAME";
  if (ec == errc::resolution_loop) return "LOOP";
  if (ec == errc::query_limit) return "LIMIT";
  return "ERROR";
}

std::string to_text(const outcome& o, const dig_request& how, const std::string& banner) {
  if (o.reply.error) return {};  // no reply: the one line on stderr says why
  if (how.short_output) return dns::to_dig_short(o.reply.message);
  std::string out = banner;
  out += dns::to_dig_text(o.reply, how.sections, o.server_label, std::chrono::system_clock::now());
  return out;
}

json to_json(const std::vector<dns::record>& records) {
  auto out = json::array();
  for (const auto& rec : records) {
    out.push_back({{"name", dns::fully_qualified(rec.name)},
                   {"type", dns::to_string(rec.type)},
                   {"ttl", rec.ttl},
                   {"data", dns::to_presentation(rec.data)}});
  }
  return out;
}

json to_json(const outcome& o) {
  const auto& r = o.reply;
  json out{{"name", o.asked.name},
           {"type", dns::to_string(o.asked.type)},
           {"server",
            {{"address", r.server.address().to_string()},
             {"port", r.server.port()},
             {"label", o.server_label}}},
           {"transport", r.transport == dns::query_transport::tcp ? "tcp" : "udp"},
           {"query_time_ms", milliseconds(r.elapsed)},
           {"msg_size", r.bytes_received}};
  if (!r.error) {
    const auto& m = r.message;
    out["status"] = dns::rcode_name(m.rcode());
    out["id"] = m.id;
    out["flags"] = flags_json(m.flags);
    out["answer"] = to_json(m.answer);
    out["authority"] = to_json(m.authority);
    out["additional"] = to_json(m.additional);
    out["cnames"] = to_json(o.chain.cnames);
  }
  if (o.error) {
    out["error"] = error_name(o.error);
    out["message"] = o.error.message();
  } else {
    out["records"] = to_json(o.chain.records);
  }
  return out;
}

json to_json(const lookup& asked, const dns::resolution& resolution) {
  json out{{"name", asked.name}, {"type", dns::to_string(asked.type)}};
  if (resolution.error) {
    out["error"] = error_name(resolution.error);
    out["message"] = resolution.error.message();
    out["cnames"] = to_json(resolution.records);
  } else {
    out["records"] = to_json(resolution.records);
  }
  out["steps"] = json::array();
  for (const auto& step : resolution.steps) out["steps"].push_back(step_json(step));
  return out;
}

std::string to_text(const dns::resolution& resolution) {
  std::string out;
  for (const auto& step : resolution.steps) out += dns::to_dig_trace(step);
  if (resolution.error) return out;
  out += ";; ANSWER after " + std::to_string(resolution.steps.size()) + " queries\n";
  for (const auto& rec : resolution.records) {
    out += dns::to_dig_line(rec);
    out += '\n';
  }
  return out;
}

}  // namespace cf_lookup
