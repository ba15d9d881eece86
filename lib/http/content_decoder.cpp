// Content codings with zlib. Each coding is one stage; the output of stage i, in blocks of
// block_size, is the input of stage i+1, so memory stays bounded however much a stage inflates.
#include <corofetch/http/content_decoder.hpp>
#include <corofetch/http/syntax.hpp>

#include <zlib.h>

#include <array>
#include <vector>

namespace corofetch::http {
namespace detail {

constexpr std::size_t block_size = std::size_t{16} * 1024;

enum class coding : unsigned char { gzip, deflate };

// RFC 1950 2.2: CM = 8 and the header checksum; anything else is taken as raw deflate.
inline bool looks_like_zlib(unsigned char b0, unsigned char b1) noexcept {
  return (b0 & 0x0f) == 8 && (b0 >> 4) <= 7 && ((b0 << 8) | b1) % 31 == 0;
}

struct stage {
  coding kind;
  z_stream z{};
  bool initialized = false;
  bool ended = false;            // the (last) stream ended; later bytes are ignored
  bool between_members = false;  // gzip: a member ended with the input; another may follow
  bool got_input = false;
  std::string header;  // deflate: the first bytes, until the wrapper can be told
  std::uint64_t produced = 0;

  explicit stage(coding k) : kind(k) {}
  stage(const stage&) = delete;
  stage& operator=(const stage&) = delete;
  ~stage() {
    if (initialized) inflateEnd(&z);
  }

  bool init(int window_bits) {
    initialized = inflateInit2(&z, window_bits) == Z_OK;
    return initialized;
  }
};

}  // namespace detail

using detail::block_size;
using detail::coding;
using detail::stage;

struct content_decoder::impl {
  decoder_options options;
  std::vector<std::unique_ptr<stage>> stages;  // in decoding order
  std::uint64_t decoded = 0;
  std::error_code error;

  std::error_code feed(std::size_t i, std::string_view in, std::string& out);
  std::error_code inflate_into(std::size_t i, std::string_view in, std::string& out);
  std::error_code start_stage(stage& st, std::string_view& in, bool& ready);
};

std::error_code content_decoder::impl::start_stage(stage& st, std::string_view& in, bool& ready) {
  ready = true;
  if (st.initialized) return {};
  if (st.kind == coding::gzip) {
    if (!st.init(16 + MAX_WBITS)) return errc::corrupt_coding;
    return {};
  }
  // deflate: two bytes tell a zlib wrapper from raw deflate, and they may come one at a time.
  while (st.header.size() < 2 && !in.empty()) {
    st.header += in.front();
    in.remove_prefix(1);
  }
  if (st.header.size() < 2) {
    ready = false;
    return {};
  }
  const bool zlib = detail::looks_like_zlib(static_cast<unsigned char>(st.header[0]),
                                            static_cast<unsigned char>(st.header[1]));
  if (!st.init(zlib ? MAX_WBITS : -MAX_WBITS)) return errc::corrupt_coding;
  return {};
}

std::error_code content_decoder::impl::feed(std::size_t i, std::string_view in, std::string& out) {
  if (in.empty()) return {};
  if (i == stages.size()) {
    decoded += in.size();
    if (decoded > options.max_decoded_bytes) return errc::decoded_too_large;
    out.append(in);
    return {};
  }
  stage& st = *stages[i];
  if (st.ended) return {};
  st.got_input = true;
  bool ready = false;
  if (auto ec = start_stage(st, in, ready)) return ec;
  if (!ready) return {};
  if (!st.header.empty()) {  // the deflate bytes held back to detect the wrapper
    std::string held;
    held.swap(st.header);
    if (auto ec = inflate_into(i, held, out)) return ec;
  }
  return inflate_into(i, in, out);
}

std::error_code content_decoder::impl::inflate_into(std::size_t i, std::string_view in,
                                                    std::string& out) {
  stage& st = *stages[i];
  if (st.between_members) {  // RFC 1952 2.2: the next member, or bytes to ignore
    if (in.empty()) return {};
    st.between_members = false;
    if (static_cast<unsigned char>(in.front()) != 0x1f) {
      st.ended = true;
      return {};
    }
    inflateReset(&st.z);
  }
  std::array<char, block_size> block;
  // zlib's API is not const-correct: it never writes through next_in.
  st.z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  st.z.avail_in = static_cast<uInt>(in.size());
  while (!st.ended) {
    st.z.next_out = reinterpret_cast<Bytef*>(block.data());
    st.z.avail_out = static_cast<uInt>(block.size());
    const int r = inflate(&st.z, Z_NO_FLUSH);
    if (r != Z_OK && r != Z_STREAM_END && r != Z_BUF_ERROR) return errc::corrupt_coding;
    const std::size_t n = block.size() - st.z.avail_out;
    st.produced += n;
    if (st.produced > options.max_decoded_bytes) return errc::decoded_too_large;
    if (auto ec = feed(i + 1, std::string_view(block.data(), n), out)) return ec;
    if (r == Z_STREAM_END) {
      // RFC 1952 2.2: a gzip file may hold several members; anything else after the end is
      // ignored.
      if (st.kind == coding::gzip && st.z.avail_in >= 1 && st.z.next_in[0] == 0x1f) {
        inflateReset(&st.z);
        continue;
      }
      if (st.kind == coding::gzip && st.z.avail_in == 0) {  // the next call may bring one
        st.between_members = true;
        break;
      }
      st.ended = true;
      break;
    }
    if (st.z.avail_in == 0 && st.z.avail_out != 0) break;
    if (r == Z_BUF_ERROR && n == 0) break;
  }
  return {};
}

content_decoder::content_decoder(std::unique_ptr<impl> state) : impl_(std::move(state)) {}
content_decoder::~content_decoder() = default;
content_decoder::content_decoder(content_decoder&&) noexcept = default;
content_decoder& content_decoder::operator=(content_decoder&&) noexcept = default;

result<content_decoder> content_decoder::create(std::string_view content_encoding,
                                                decoder_options options) {
  auto state = std::make_unique<impl>();
  state->options = options;
  std::vector<coding> listed;
  while (!content_encoding.empty()) {
    const std::string_view item = next_list_element(content_encoding);
    if (item.empty() || iequals(item, "identity")) continue;
    if (iequals(item, "gzip") || iequals(item, "x-gzip")) {
      listed.push_back(coding::gzip);
    } else if (iequals(item, "deflate")) {
      listed.push_back(coding::deflate);
    } else {
      return errc::unsupported_coding;
    }
    if (listed.size() > options.max_codings) return errc::too_many_codings;
  }
  // RFC 9110 8.4: codings are listed in the order they were applied; undo the last first.
  for (auto it = listed.rbegin(); it != listed.rend(); ++it) {
    state->stages.push_back(std::make_unique<stage>(*it));
  }
  return content_decoder(std::move(state));
}

std::error_code content_decoder::decode(std::string_view input, std::string& out) {
  impl& s = *impl_;
  if (s.error) return s.error;
  s.error = s.feed(0, input, out);
  return s.error;
}

std::error_code content_decoder::finish() {
  impl& s = *impl_;
  if (s.error) return s.error;
  for (const auto& st : s.stages) {
    if (st->got_input && !st->ended && !st->between_members) {
      s.error = errc::truncated_coding;
      return s.error;
    }
  }
  return {};
}

bool content_decoder::is_identity() const noexcept {
  return impl_->stages.empty();
}
std::uint64_t content_decoder::decoded_size() const noexcept {
  return impl_->decoded;
}

result<std::string> decode_content(std::string_view content_encoding, std::string_view body,
                                   decoder_options options) {
  auto decoder = content_decoder::create(content_encoding, options);
  if (!decoder) return decoder.error();
  std::string out;
  if (auto ec = decoder->decode(body, out)) return ec;
  if (auto ec = decoder->finish()) return ec;
  return out;
}

}  // namespace corofetch::http
