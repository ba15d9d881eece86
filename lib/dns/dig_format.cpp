// dig's presentation of a reply (BIND 9.18's dig: its header and footer, and the master-file
// style that puts the fields of a record at columns 24, 32, 40 and 48 with 8-wide tabs).
#include <corofetch/dns/dig_format.hpp>
#include <corofetch/dns/trace.hpp>

#include <fmt/format.h>

#include <array>
#include <ctime>
#include <iterator>

namespace corofetch::dns {
namespace {

constexpr std::size_t tab_width = 8;
constexpr std::size_t ttl_column = 24;
constexpr std::size_t class_column = 32;
constexpr std::size_t type_column = 40;
constexpr std::size_t rdata_column = 48;

// A line built field by field, each field starting at its column: tabs up to it, or one space
// when the line already reaches past it (BIND's masterdump indent()).
class columns {
 public:
  columns& field(std::string_view text, std::size_t column) {
    if (!line_.empty()) pad_to(column);
    line_ += text;
    width_ += text.size();
    return *this;
  }
  [[nodiscard]] std::string take() { return std::move(line_); }

 private:
  void pad_to(std::size_t column) {
    if (width_ >= column) {
      line_ += ' ';
      ++width_;
      return;
    }
    while (width_ < column) {
      line_ += '\t';
      width_ = (width_ / tab_width + 1) * tab_width;
    }
  }
  std::string line_;
  std::size_t width_ = 0;
};

std::string class_name(std::uint16_t rclass) {
  return rclass == 1 ? std::string("IN") : fmt::format("CLASS{}", rclass);
}

std::string opcode_name(unsigned opcode) {
  static constexpr std::array<std::string_view, 7> names{
      "QUERY", "IQUERY", "STATUS", "RESERVED3", "NOTIFY", "UPDATE", "RESERVED6"};
  return opcode < names.size() ? std::string(names[opcode]) : fmt::format("RESERVED{}", opcode);
}

// dig's WHEN: the local time as date(1) writes it.
std::string local_time(std::chrono::system_clock::time_point when) {
  const std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm parts{};
  localtime_r(&t, &parts);
  std::array<char, 64> text{};
  const auto n = std::strftime(text.data(), text.size(), "%a %b %d %H:%M:%S %Z %Y", &parts);
  return {text.data(), n};
}

void append_header(std::string& out, const server_reply& reply) {
  const auto& m = reply.message;
  auto to = std::back_inserter(out);
  if (reply.retried_over_tcp) out += ";; Truncated, retrying in TCP mode.\n";
  out += ";; Got answer:\n";
  fmt::format_to(to, ";; ->>HEADER<<- opcode: {}, status: {}, id: {}\n", opcode_name(m.opcode()),
                 rcode_name(m.rcode() | (m.edns ? m.edns->extended_rcode << 4U : 0U)), m.id);
  fmt::format_to(to, ";; flags: {}; QUERY: {}, ANSWER: {}, AUTHORITY: {}, ADDITIONAL: {}\n",
                 flag_names(m.flags), m.questions, m.answer_count, m.authority_count,
                 m.additional_count);
  if (m.recursion_desired() && !m.recursion_available()) {
    out += ";; WARNING: recursion requested but not available\n";
  }
  out += '\n';
  if (m.edns) {
    fmt::format_to(to, ";; OPT PSEUDOSECTION:\n; EDNS: version: {}, flags:{}; udp: {}\n",
                   m.edns->version, (m.edns->flags & 0x8000U) != 0 ? " do" : "",
                   m.edns->udp_payload);
  }
}

void append_section(std::string& out, std::string_view title, const std::vector<record>& records,
                    bool comments) {
  if (records.empty()) return;
  if (comments) fmt::format_to(std::back_inserter(out), ";; {} SECTION:\n", title);
  for (const auto& r : records) {
    out += to_dig_line(r);
    out += '\n';
  }
  if (comments) out += '\n';
}

void append_footer(std::string& out, const server_reply& reply, std::string_view server_label,
                   std::chrono::system_clock::time_point when) {
  auto to = std::back_inserter(out);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(reply.elapsed).count();
  fmt::format_to(to, ";; Query time: {} msec\n", ms);
  fmt::format_to(to, ";; SERVER: {}#{}({}) ({})\n", reply.server.address().to_string(),
                 reply.server.port(), server_label,
                 reply.transport == query_transport::tcp ? "TCP" : "UDP");
  fmt::format_to(to, ";; WHEN: {}\n", local_time(when));
  fmt::format_to(to, ";; MSG SIZE  rcvd: {}\n\n", reply.bytes_received);
}

}  // namespace

std::string to_dig_line(const record& r) {
  columns line;
  line.field(fully_qualified(r.name), 0)
      .field(std::to_string(r.ttl), ttl_column)
      .field("IN", class_column)
      .field(to_string(r.type), type_column)
      .field(to_presentation(r.data), rdata_column);
  return line.take();
}

std::string to_dig_question(const response& message) {
  // The ';' that makes the question a comment takes no column: the name's width alone decides.
  columns line;
  line.field(fully_qualified(message.question_name), 0)
      .field(class_name(message.question_class), class_column)
      .field(to_string(static_cast<record_type>(message.question_type)), type_column);
  return ";" + line.take();
}

std::string to_dig_text(const server_reply& reply, const dig_sections& sections,
                        std::string_view server_label, std::chrono::system_clock::time_point when) {
  const auto& m = reply.message;
  std::string out;
  if (sections.comments) append_header(out, reply);
  if (sections.question && m.questions > 0) {
    if (sections.comments) out += ";; QUESTION SECTION:\n";
    out += to_dig_question(m);
    out += '\n';
    if (sections.comments) out += '\n';
  }
  if (sections.answer) append_section(out, "ANSWER", m.answer, sections.comments);
  if (sections.authority) append_section(out, "AUTHORITY", m.authority, sections.comments);
  if (sections.additional) append_section(out, "ADDITIONAL", m.additional, sections.comments);
  if (sections.stats) append_footer(out, reply, server_label, when);
  return out;
}

std::string to_dig_short(const response& message) {
  std::string out;
  for (const auto& r : message.answer) {
    out += to_presentation(r.data);
    out += '\n';
  }
  return out;
}

}  // namespace corofetch::dns
