#pragma once

#include <corofetch/dns/response.hpp>
#include <corofetch/dns/server_query.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace corofetch::dns {

/// Which parts of a reply dig prints (its +[no]comments, +[no]question, ... options; +noall
/// clears them all).
struct dig_sections {
  bool comments = true;  ///< ";; Got answer:", the header, flags and EDNS lines, section titles
  bool question = true;
  bool answer = true;
  bool authority = true;
  bool additional = true;
  bool stats = true;  ///< the footer: query time, server, when, message size
};

/// A reply as dig prints it (BIND 9.18's layout): with comments, ";; Got answer:", the
/// ";; ->>HEADER<<-" line (opcode, status, id), the flags and section counts, dig's warning when
/// recursion was asked and is not available, the EDNS pseudo-section; each section that has
/// records, one to_dig_line() each; then the footer ";; Query time: N msec",
/// ";; SERVER: ADDR#PORT(LABEL) (UDP|TCP)", ";; WHEN: <local time as date(1)>",
/// ";; MSG SIZE  rcvd: N" and an empty line. `server_label` is the server as the user named it
/// (dig shows the address when given one). `reply.error` must be empty.
[[nodiscard]] std::string to_dig_text(const server_reply& reply, const dig_sections& sections,
                                      std::string_view server_label,
                                      std::chrono::system_clock::time_point when);

/// The answer section as dig +short prints it: each record's data, one a line (the CNAMEs of a
/// chain first, as they come), each line ending with a newline.
[[nodiscard]] std::string to_dig_short(const response& message);

/// ";" and the question as dig prints it: the name padded to dig's class column (the ';' not
/// counted), the class and the type (";example.test.\t\t\tIN\tA"), no newline.
[[nodiscard]] std::string to_dig_question(const response& message);

}  // namespace corofetch::dns
