// One pass over a name to look up: the single-flight/cache key, the check of its labels, and
// its wire form for comparing with the question of the answer. 16 bytes at a time with SSE2:
// done byte by byte, these three walks cost about 25 instructions a character of every lookup.
#include <corofetch/dns/detail/query_name.hpp>

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace corofetch::dns::detail {
namespace {

constexpr std::size_t max_name = 253;  // characters without the final dot (RFC 1035 2.3.4)
constexpr std::size_t block = 16;

// Per-position facts about a name of at most 256 bytes, one bit a byte.
struct name_masks {
  std::array<std::uint64_t, 4> dots{};
  bool backslash = false;
  bool unprintable = false;  // a byte outside 0x21-0x7e
};

void set_bits(std::array<std::uint64_t, 4>& bits, std::size_t at, std::uint32_t mask16) {
  // `at` is a multiple of 16: the 16 bits never straddle two words.
  bits[at / 64] |= std::uint64_t{mask16} << (at % 64);
}

// Lowercases `n` bytes of `in` (padded to a multiple of 16) into `lower` and records the dots,
// backslashes and unprintable bytes among them.
name_masks scan(const char* in, std::size_t n, char* lower) {
  name_masks m;
#if defined(__SSE2__)
  const __m128i before_a = _mm_set1_epi8('A' - 1);
  const __m128i after_z = _mm_set1_epi8('Z' + 1);
  const __m128i case_bit = _mm_set1_epi8(0x20);
  const __m128i dot = _mm_set1_epi8('.');
  const __m128i slash = _mm_set1_epi8('\\');
  const __m128i first_printable = _mm_set1_epi8(0x21);
  const __m128i del = _mm_set1_epi8(0x7f);
  std::uint32_t slashes = 0;
  std::uint32_t unprintable = 0;
  for (std::size_t i = 0; i < n; i += block) {
    const std::uint32_t valid = n - i >= block ? 0xffffU : (1U << (n - i)) - 1U;
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i));  // NOLINT
    // Signed compares: bytes 0x80-0xff are negative, so neither upper case nor printable.
    const __m128i upper = _mm_and_si128(_mm_cmpgt_epi8(v, before_a), _mm_cmplt_epi8(v, after_z));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(lower + i),  // NOLINT
                     _mm_or_si128(v, _mm_and_si128(upper, case_bit)));
    const auto mask = [&](__m128i x) {
      return static_cast<std::uint32_t>(_mm_movemask_epi8(x)) & valid;
    };
    set_bits(m.dots, i, mask(_mm_cmpeq_epi8(v, dot)));
    slashes |= mask(_mm_cmpeq_epi8(v, slash));
    unprintable |= mask(_mm_or_si128(_mm_cmplt_epi8(v, first_printable), _mm_cmpeq_epi8(v, del)));
  }
  m.backslash = slashes != 0;
  m.unprintable = unprintable != 0;
#else
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(in[i]);
    lower[i] = static_cast<char>(c >= 'A' && c <= 'Z' ? c | 0x20U : c);
    if (c == '.') m.dots[i / 64] |= std::uint64_t{1} << (i % 64);
    m.backslash = m.backslash || c == '\\';
    m.unprintable = m.unprintable || c < 0x21 || c > 0x7e;
  }
#endif
  return m;
}

}  // namespace

bool scan_query_name(std::string_view name, record_type type, bool mark_relative, std::string& key,
                     wire_buffer& wire) {
  const bool absolute = !name.empty() && name.back() == '.';
  if (absolute) name.remove_suffix(1);
  const std::size_t n = name.size();
  const bool root = absolute && n == 0;
  if (!root && (n == 0 || n > max_name)) return false;

  // The wire form is the name one byte later, each label's length where the dot before it
  // (or that first byte) is, and a zero at the end: the name is copied there, with room after
  // it for the 16-byte loads that run past its end (zeroed, and masked off by scan()).
  static_assert(sizeof(wire.bytes) >= 1 + max_name + block);
  auto& buffer = wire.bytes;
  wire.size = 0;
  char* const in = buffer.data() + 1;
  std::memcpy(in, name.data(), n);
  std::memset(in + n, 0, block);
  alignas(16) std::array<char, max_name + block> lower;  // NOLINT: written by scan()
  const name_masks m = scan(in, n, lower.data());

  const bool mark = mark_relative && !absolute;
  const auto t = static_cast<std::uint16_t>(type);
  key.resize(2 + n + (mark ? 1U : 0U));
  key[0] = static_cast<char>(t >> 8U);
  key[1] = static_cast<char>(t & 0xffU);
  std::memcpy(key.data() + 2, lower.data(), n);
  if (mark) key[2 + n] = ' ';

  // Labels: 1-63 bytes between dots; their lengths go into the buffer, in place.
  const bool plain = !m.backslash && !m.unprintable;
  if (root) {
    buffer[0] = '\0';  // one zero byte
    wire.size = 1;
    return true;
  }
  std::size_t start = 0;  // the current label's first byte
  const std::size_t words = (n + 63) / 64;
  for (std::size_t word = 0; word < words; ++word) {
    for (std::uint64_t bits = m.dots[word]; bits != 0; bits &= bits - 1) {
      const std::size_t dot = word * 64 + static_cast<std::size_t>(std::countr_zero(bits));
      if (dot - start - 1 >= 63) return m.backslash;  // empty (wraps around) or too long
      buffer[start] = static_cast<char>(dot - start);
      start = dot + 1;
    }
  }
  if (n - start - 1 >= 63) return m.backslash;
  buffer[start] = static_cast<char>(n - start);
  if (plain) wire.size = n + 2;  // the zero after the name is there already
  return true;
}

}  // namespace corofetch::dns::detail
