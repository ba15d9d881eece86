// The answer-handling path: c-ares' parse functions give the record data, our own reader
// (message.cpp) gives what they drop: owner names and TTLs of non-address records, and the
// authority-section SOA for the negative TTL (ares_parse_soa_reply reads the answer section
// only). A and AAAA, the lookups that matter for speed, are read from our reader's offsets
// exactly as c-ares would read them (address_answer.cpp), c-ares only for unusual messages.
#include <corofetch/dns/detail/address_answer.hpp>
#include <corofetch/dns/detail/answer_conversion.hpp>
#include <corofetch/dns/detail/message.hpp>
#include <corofetch/dns/error.hpp>
#include <corofetch/dns/response.hpp>

#include "dns/full_message.hpp"

#include <ares.h>
#include <netdb.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <utility>

namespace corofetch::dns::detail {
namespace {

constexpr std::uint16_t class_in = 1;

struct ares_data_deleter {
  void operator()(void* p) const noexcept { ares_free_data(p); }
};
struct hostent_deleter {
  void operator()(hostent* h) const noexcept { ares_free_hostent(h); }
};
template <class T>
using ares_ptr = std::unique_ptr<T, ares_data_deleter>;
using hostent_ptr = std::unique_ptr<hostent, hostent_deleter>;

// What one conversion works on: the raw bytes as c-ares wants them and our view of them.
struct input {
  std::span<const std::uint8_t> message;
  const unsigned char* buf;
  int len;
  const message_view& view;
  record_type type;
  std::string_view asked;       // the name the query was sent for, without a trailing dot
  std::string_view asked_wire;  // its plain_wire_name(), or empty
  std::string* asked_storage;   // holds `asked` (maybe with a dot), free to take; or null

  [[nodiscard]] bool wanted(const rr_view& rr) const noexcept {
    return rr.type == static_cast<std::uint16_t>(type) && rr.rclass == class_in;
  }
  [[nodiscard]] std::size_t count_wanted() const noexcept {
    std::size_t n = 0;
    for (const auto& rr : view.answers) n += wanted(rr) ? 1U : 0U;
    return n;
  }
  [[nodiscard]] const rr_view* first_wanted() const noexcept {
    for (const auto& rr : view.answers) {
      if (wanted(rr)) return &rr;
    }
    return nullptr;
  }
};

std::uint32_t to_ttl(int ttl) noexcept {
  return ttl < 0 ? 0 : static_cast<std::uint32_t>(ttl);
}

// Owner names as name_at() gives them, the question's decoded at most once per conversion: most
// owners are a compression pointer to the question (RFC 1035 4.1.4), and the question usually
// holds exactly the bytes of the name asked (servers echo it), which then needs no decoding.
class owner_names {
 public:
  // With `may_take`, the first owner that is the question takes in.asked_storage's buffer: the
  // caller assigns owners of records that stay where they are (no vector growth meanwhile).
  explicit owner_names(const input& in, bool may_take = false)
      : in_(in), take_(may_take ? in.asked_storage : nullptr) {}

  void assign(std::string& to, std::uint32_t offset) {
    if (!is_question(offset)) {
      to = name_at(in_.message, offset);
      return;
    }
    const std::string_view q = question();
    if (take_ == nullptr || q.data() != in_.asked.data()) {
      to.assign(q);
      return;
    }
    const std::size_t size = q.size();
    to = std::move(*std::exchange(take_, nullptr));
    to.resize(size);  // without the asked name's trailing dot
    question_ = to;   // the storage is gone: later owners copy this one
  }
  std::string_view question() {
    if (!known_) {
      known_ = true;
      const std::size_t q = in_.view.question_offset;
      const std::string_view wire = in_.asked_wire;
      if (!wire.empty() && in_.message.size() - q >= wire.size() &&
          std::memcmp(in_.message.data() + q, wire.data(), wire.size()) == 0) {
        question_ = in_.asked;
      } else {
        decoded_ = name_at(in_.message, in_.view.question_offset);
        question_ = decoded_;
      }
    }
    return question_;
  }

 private:
  // The name at `offset` is the question's: it is the question, or a pointer to it (a pointer
  // ends a name, so nothing follows it).
  [[nodiscard]] bool is_question(std::uint32_t offset) const noexcept {
    const std::uint32_t q = in_.view.question_offset;
    if (offset == q) return true;
    if (q > 0x3fffU || std::size_t{offset} + 1 >= in_.message.size()) return false;
    return in_.message[offset] == (0xc0U | (q >> 8U)) && in_.message[offset + 1] == (q & 0xffU);
  }

  const input& in_;
  std::string* take_;
  bool known_ = false;
  std::string_view question_;
  std::string decoded_;
};

// Owner names and TTLs from our reading of the answer section. c-ares lists the records of the
// type in message order; when it skipped some (names off the CNAME chain), the counts differ and
// every record gets the question name and the smallest TTL of the type, a safe bound.
void assign_owners(const input& in, std::vector<record>& records, bool keep_ttl) {
  owner_names owners(in, true);
  const std::size_t wanted = in.count_wanted();
  if (wanted == records.size()) {
    std::size_t i = 0;
    for (const auto& rr : in.view.answers) {
      if (!in.wanted(rr)) continue;
      owners.assign(records[i].name, rr.name_offset);
      records[i].ttl = rr.ttl;
      ++i;
    }
    return;
  }
  std::uint32_t ttl = std::numeric_limits<std::uint32_t>::max();
  for (const auto& rr : in.view.answers) {
    if (in.wanted(rr)) ttl = std::min(ttl, rr.ttl);
  }
  for (auto& r : records) {
    owners.assign(r.name, in.view.question_offset);
    if (!keep_ttl) r.ttl = wanted == 0 ? 0 : ttl;
  }
}

// Room for the addresses of an answer: on the stack for the usual few, else on the heap.
template <class T>
class ttl_buffer {
 public:
  explicit ttl_buffer(std::size_t answers) {
    if (answers > local_.size()) heap_.resize(answers);
  }
  T* data() noexcept { return heap_.empty() ? local_.data() : heap_.data(); }
  [[nodiscard]] int capacity() const noexcept {
    return static_cast<int>(heap_.empty() ? local_.size() : heap_.size());
  }
  [[nodiscard]] std::size_t size() const noexcept {
    return heap_.empty() ? local_.size() : heap_.size();
  }
  T& operator[](std::size_t i) noexcept { return data()[i]; }

 private:
  std::array<T, 16> local_;  // NOLINT: c-ares writes the entries it reports, nothing reads more
  std::vector<T> heap_;
};

record make_record(record_type type, record_data data, std::uint32_t ttl = 0) {
  return record{std::string{}, type, ttl, std::move(data)};
}

// What c-ares' ares_parse_a_reply / ares_parse_aaaa_reply give, for a message not of the plain
// shape parse_addresses() reads.
int ask_cares(const input& in, ttl_buffer<address_ttl>& found, std::size_t& count) {
  count = 0;
  if (in.type == record_type::a) {
    ttl_buffer<ares_addrttl> ttls(in.view.answers.size());
    int n = ttls.capacity();
    const int st = ares_parse_a_reply(in.buf, in.len, nullptr, ttls.data(), &n);
    if (st != ARES_SUCCESS) return st;
    for (; count < static_cast<std::size_t>(n); ++count) {
      std::memcpy(found[count].bytes.data(), &ttls[count].ipaddr, 4);
      found[count].ttl = to_ttl(ttls[count].ttl);
    }
    return ARES_SUCCESS;
  }
  ttl_buffer<ares_addr6ttl> ttls(in.view.answers.size());
  int n = ttls.capacity();
  const int st = ares_parse_aaaa_reply(in.buf, in.len, nullptr, ttls.data(), &n);
  if (st != ARES_SUCCESS) return st;
  for (; count < static_cast<std::size_t>(n); ++count) {
    std::memcpy(found[count].bytes.data(), &ttls[count].ip6addr, 16);
    found[count].ttl = to_ttl(ttls[count].ttl);
  }
  return ARES_SUCCESS;
}

// A and AAAA: our reading of the plain message shape (address_answer.cpp), c-ares for the rest;
// both give exactly what c-ares gives.
int parse_address_records(const input& in, std::vector<record>& out) {
  ttl_buffer<address_ttl> found(in.view.answers.size());
  std::size_t n = 0;
  const std::optional<int> plain =
      parse_addresses(in.message, in.view, in.type, {found.data(), found.size()}, n);
  const int st = plain ? *plain : ask_cares(in, found, n);
  if (st != ARES_SUCCESS) return st;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& f = found[i];
    auto& r = out.emplace_back();  // built in place: no record moved
    r.type = in.type;
    r.ttl = f.ttl;
    if (in.type == record_type::a) {
      asio::ip::address_v4::bytes_type b;
      std::memcpy(b.data(), f.bytes.data(), b.size());
      r.data.emplace<a_data>(a_data{asio::ip::address_v4(b)});
    } else {
      r.data.emplace<aaaa_data>(aaaa_data{asio::ip::address_v6(f.bytes)});
    }
  }
  assign_owners(in, out, true);
  return ARES_SUCCESS;
}

int parse_mx(const input& in, std::vector<record>& out) {
  ares_mx_reply* raw = nullptr;
  const int st = ares_parse_mx_reply(in.buf, in.len, &raw);
  ares_ptr<ares_mx_reply> list(raw);
  if (st != ARES_SUCCESS) return st;
  for (auto* p = raw; p != nullptr; p = p->next)
    out.push_back(make_record(in.type, mx_data{p->priority, p->host}));
  assign_owners(in, out, false);
  // RFC 5321 5.1 / the seed's 3-1: a mail sender tries the lowest preference first.
  std::stable_sort(out.begin(), out.end(), [](const record& a, const record& b) {
    return std::get<mx_data>(a.data).preference < std::get<mx_data>(b.data).preference;
  });
  return ARES_SUCCESS;
}

int parse_srv(const input& in, std::vector<record>& out) {
  ares_srv_reply* raw = nullptr;
  const int st = ares_parse_srv_reply(in.buf, in.len, &raw);
  ares_ptr<ares_srv_reply> list(raw);
  if (st != ARES_SUCCESS) return st;
  for (auto* p = raw; p != nullptr; p = p->next)
    out.push_back(make_record(in.type, srv_data{p->priority, p->weight, p->port, p->host}));
  assign_owners(in, out, false);
  return ARES_SUCCESS;
}

int parse_txt(const input& in, std::vector<record>& out) {
  ares_txt_ext* raw = nullptr;
  const int st = ares_parse_txt_reply_ext(in.buf, in.len, &raw);
  ares_ptr<ares_txt_ext> list(raw);
  if (st != ARES_SUCCESS) return st;
  for (auto* p = raw; p != nullptr; p = p->next) {
    // Each record's character-strings come as chunks; record_start opens the next record.
    if (p->record_start != 0 || out.empty()) out.push_back(make_record(in.type, txt_data{}));
    std::get<txt_data>(out.back().data)
        .strings.emplace_back(reinterpret_cast<const char*>(p->txt), p->length);
  }
  assign_owners(in, out, false);
  return ARES_SUCCESS;
}

int parse_soa(const input& in, std::vector<record>& out) {
  ares_soa_reply* raw = nullptr;
  const int st = ares_parse_soa_reply(in.buf, in.len, &raw);
  ares_ptr<ares_soa_reply> soa(raw);
  if (st != ARES_SUCCESS) return st;
  out.push_back(make_record(in.type, soa_data{raw->nsname, raw->hostmaster, raw->serial,
                                              raw->refresh, raw->retry, raw->expire, raw->minttl}));
  // c-ares returns the first SOA only: take its owner and TTL.
  const rr_view* first = in.first_wanted();
  if (first == nullptr) return ARES_EBADRESP;
  owner_names(in).assign(out.back().name, first->name_offset);
  out.back().ttl = first->ttl;
  return ARES_SUCCESS;
}

// NS and PTR come back as a hostent whose aliases are the names.
int parse_names(const input& in, std::vector<record>& out) {
  hostent* raw = nullptr;
  int st = ARES_SUCCESS;
  if (in.type == record_type::ns) {
    st = ares_parse_ns_reply(in.buf, in.len, &raw);
  } else {
    const unsigned char any_address[4] = {0, 0, 0, 0};  // only copied into the hostent
    st = ares_parse_ptr_reply(in.buf, in.len, any_address, 4, AF_INET, &raw);
  }
  hostent_ptr host(raw);
  if (st != ARES_SUCCESS) return st;
  for (char** alias = raw->h_aliases; alias != nullptr && *alias != nullptr; ++alias) {
    if (in.type == record_type::ns)
      out.push_back(make_record(in.type, ns_data{*alias}));
    else
      out.push_back(make_record(in.type, ptr_data{*alias}));
  }
  if (out.empty() && raw->h_name != nullptr && in.type == record_type::ptr)
    out.push_back(make_record(in.type, ptr_data{raw->h_name}));
  if (out.empty()) return ARES_ENODATA;
  assign_owners(in, out, false);
  return ARES_SUCCESS;
}

// c-ares 1.18.1 has no CNAME parser: our reader finds the records, ares_expand_name reads the
// target so it is escaped exactly as c-ares' other names.
int parse_cname(const input& in, std::vector<record>& out) {
  owner_names owners(in);
  for (const auto& rr : in.view.answers) {
    if (!in.wanted(rr)) continue;
    char* name = nullptr;
    long used = 0;
    const int st = ares_expand_name(in.buf + rr.rdata_offset, in.buf, in.len, &name, &used);
    std::unique_ptr<char, decltype(&ares_free_string)> owned(name, &ares_free_string);
    if (st != ARES_SUCCESS) return ARES_EBADRESP;
    out.push_back(make_record(in.type, cname_data{name}, rr.ttl));
    owners.assign(out.back().name, rr.name_offset);
  }
  return out.empty() ? ARES_ENODATA : ARES_SUCCESS;
}

// CAA, ANY and types without a struct (RFC 3597), which c-ares 1.18.1 has no parser for: the
// whole message read by our own reader, the CNAME chain followed from the question.
int parse_generic(const input& in, std::vector<record>& out) {
  auto message = read_full_message(in.message, true);
  if (!message) return ARES_EBADRESP;
  auto chain = follow_cnames(message->answer, message->question_name, in.type);
  if (chain.error) return ARES_ENODATA;  // convert_answer() names the loop
  out = std::move(chain.records);
  return out.empty() ? ARES_ENODATA : ARES_SUCCESS;
}

// A reply with no record of the type asked whose CNAMEs go round in a circle: the name has no
// answer at all, which is not what NODATA says (RFC 1034 3.6.2).
bool cname_loop(std::span<const std::uint8_t> message, record_type type) {
  auto full = read_full_message(message, true);
  if (!full || full->answer.empty()) return false;
  return follow_cnames(full->answer, full->question_name, type).error == errc::resolution_loop;
}

int parse_records(const input& in, std::vector<record>& out) {
  switch (in.type) {
    case record_type::a:
    case record_type::aaaa:
      return parse_address_records(in, out);
    case record_type::mx:
      return parse_mx(in, out);
    case record_type::srv:
      return parse_srv(in, out);
    case record_type::txt:
      return parse_txt(in, out);
    case record_type::soa:
      return parse_soa(in, out);
    case record_type::ns:
    case record_type::ptr:
      return parse_names(in, out);
    case record_type::cname:
      return parse_cname(in, out);
    default:
      return parse_generic(in, out);
  }
}

}  // namespace

std::error_code from_ares_status(int status) noexcept {
  switch (status) {
    case ARES_SUCCESS:
      return {};
    case ARES_ENODATA:
      return errc::nodata;
    case ARES_EFORMERR:
      return errc::format_error;
    case ARES_ESERVFAIL:
      return errc::servfail;
    case ARES_ENOTFOUND:
      return errc::nxdomain;
    case ARES_ENOTIMP:
      return errc::not_implemented;
    case ARES_EREFUSED:
      return errc::refused;
    case ARES_EBADQUERY:
    case ARES_EBADNAME:
    case ARES_EBADSTR:
      return errc::bad_name;
    case ARES_EBADFAMILY:
      return errc::bad_family;
    case ARES_EBADRESP:
      return errc::malformed_answer;
    case ARES_ECONNREFUSED:
    case ARES_EOF:
      return errc::connection_refused;
    case ARES_ETIMEOUT:
      return errc::timeout;
    case ARES_ENOMEM:
      return errc::out_of_memory;
    case ARES_ECANCELLED:
    case ARES_EDESTRUCTION:
      return errc::cancelled;
    default:
      return errc::other;
  }
}

answer convert_answer(std::span<const std::uint8_t> message, record_type type, int ares_status) {
  message_view scratch;
  return convert_answer(message, type, ares_status, scratch);
}

answer convert_answer(std::span<const std::uint8_t> message, record_type type, int ares_status,
                      message_view& scratch, std::string_view asked_name,
                      std::string_view asked_wire, std::string* asked_storage) {
  answer a;
  const bool readable = !message.empty() && message.size() <= static_cast<std::size_t>(INT_MAX);
  // Only NXDOMAIN and NODATA need the authority section (the SOA's negative TTL).
  const auto read_negative_ttl = [&] {
    if (readable && read_message(message, message_part::answers_and_authority, scratch))
      a.negative_ttl = negative_ttl(message, scratch);
  };
  if (ares_status != ARES_SUCCESS) {
    a.error = from_ares_status(ares_status);
    // c-ares says ENODATA for an answer of CNAMEs only; one that goes round is no NODATA.
    if (a.error == errc::nodata && readable && cname_loop(message, type)) {
      a.error = errc::resolution_loop;
      return a;
    }
    if (is_negative(a.error)) read_negative_ttl();
    return a;
  }
  if (!readable || !read_message(message, message_part::answers, scratch)) {
    a.error = errc::malformed_answer;
    return a;
  }
  const message_view& view = scratch;
  std::uint32_t min_ttl = std::numeric_limits<std::uint32_t>::max();
  for (const auto& rr : view.answers) min_ttl = std::min(min_ttl, rr.ttl);
  a.min_ttl = view.answers.empty() ? 0 : min_ttl;

  if (!asked_name.empty() && asked_name.back() == '.') asked_name.remove_suffix(1);
  const input in{message,    message.data(), static_cast<int>(message.size()),
                 view,       type,           asked_name,
                 asked_wire, asked_storage};
  const int st = parse_records(in, a.records);
  if (st == ARES_SUCCESS && !a.records.empty()) return a;
  a.records.clear();
  a.error = st == ARES_SUCCESS ? std::error_code(errc::nodata) : from_ares_status(st);
  if (a.error == errc::nodata && !view.answers.empty() && cname_loop(message, type)) {
    a.error = errc::resolution_loop;
    return a;
  }
  if (a.error == errc::nodata) read_negative_ttl();
  return a;
}

}  // namespace corofetch::dns::detail
