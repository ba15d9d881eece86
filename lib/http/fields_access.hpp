#pragma once

#include <corofetch/http/fields.hpp>

#include "http/char_table.hpp"

#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace corofetch::http::detail {

// How the parsers fill a `fields` while llhttp hands them a name or value in pieces (any split
// of the input): bytes are appended to the one buffer and the last entry grows.
struct fields_access {
  static void start_field(fields& f) {
    const auto at = static_cast<std::uint32_t>(f.bytes_.size());
    f.entries_.push_back({at, 0, at, 0});
  }
  static void append_name(fields& f, std::string_view piece) {
    f.bytes_.append(piece);
    auto& e = f.entries_.back();
    e.name_size += static_cast<std::uint32_t>(piece.size());
    e.value_begin = static_cast<std::uint32_t>(f.bytes_.size());
  }
  static void append_value(fields& f, std::string_view piece) {
    f.bytes_.append(piece);
    f.entries_.back().value_size += static_cast<std::uint32_t>(piece.size());
  }
  // RFC 9112 5: surrounding whitespace is not part of the value; llhttp strips the leading
  // part, this strips the trailing part.
  static void trim_value(fields& f) {
    auto& e = f.entries_.back();
    while (e.value_size > 0) {
      const char c = f.bytes_[e.value_begin + e.value_size - 1];
      if (c != ' ' && c != '\t') break;
      --e.value_size;
    }
    f.bytes_.resize(e.value_begin + e.value_size);
  }
  // --- the response parser: a head or trailer section is kept as its raw bytes, then indexed.
  enum class line_problem : unsigned char {
    none,
    bare_cr,    // a CR that does not end a line, or a section not ended by a blank line
    obs_fold,   // a line starting with SP or HTAB (RFC 9112 5.2)
    bad_name,   // an empty name, or a space in it (RFC 9112 5.1)
    too_many,   // more lines than allowed
    too_large,  // one line over the limit
    malformed,  // bytes after the blank line (cannot happen after llhttp)
  };

  // Indexes the field lines of a raw section held in the buffer from offset `from` on: a head
  // (status line first, after any empty lines llhttp skips) or a trailer section. llhttp has
  // already checked the grammar it knows (token names up to ':', values without CR or LF); this
  // adds what llhttp 8.1.0 lets through. The usual line takes a shortcut (one 16-byte look);
  // anything else the exact steps, which name the problem.
  static line_problem index_raw(fields& f, std::size_t from, bool has_start_line,
                                std::size_t max_lines, std::size_t max_line) {
    const char* const base = f.bytes_.data();
    const char* p = base + from;
    const char* const end = base + f.bytes_.size();
    if (has_start_line) {
      while (p < end && (*p == '\r' || *p == '\n')) ++p;
      const char* eol = find_byte(base, p, end, '\n');
      if (eol == nullptr) return line_problem::bare_cr;
      const char* cr = find_byte(base, p, eol, '\r');
      if (cr != nullptr && cr != eol - 1) return line_problem::bare_cr;  // "200 OK\rX"
      p = eol + 1;
    }
    for (;;) {
#if defined(__SSE2__)
      // The usual line, "Name: value" with a name under 32 bytes, from one look at its first
      // 16 bytes (32 when the name is longer): its colon, the spaces before it, often its end.
      // Any doubt (no colon there, SP or HTAB in the name, blanks around the value, limits)
      // leaves the line to the exact steps below, which decide as if this shortcut did not
      // exist.
      if (end - p >= 16) {
        const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        std::uint64_t lfs = mask_of(block, '\n');
        std::uint64_t colons = mask_of(block, ':');
        std::uint64_t blanks = mask_of(block, ' ') | mask_of(block, '\t');
        unsigned width = 16;
        if (colons == 0 && end - p >= 32) {
          const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16));
          lfs |= std::uint64_t{mask_of(next, '\n')} << 16;
          colons |= std::uint64_t{mask_of(next, ':')} << 16;
          blanks |= std::uint64_t{mask_of(next, ' ') | mask_of(next, '\t')} << 16;
          width = 32;
        }
        const auto at = static_cast<unsigned>(__builtin_ctzll(colons | std::uint64_t{1} << width));
        const std::uint64_t name_bits = (std::uint64_t{1} << at) - 1U;  // bytes before the ':'
        // A name of 1..width-1 bytes without LF, SP or HTAB (HTAB first is obs-fold).
        if (((lfs | blanks) & name_bits) == 0 && at - 1U < width - 1U &&
            f.entries_.size() < max_lines) {
          const std::uint64_t lfs_after = lfs & ~name_bits;
          const char* eol = lfs_after != 0 ? p + __builtin_ctzll(lfs_after)
                                           : find_byte(base, p + width, end, '\n');
          if (eol != nullptr) {
            const char* line_end = eol - static_cast<int>(eol[-1] == '\r');
            const char* v = p + at + 1;        // v <= eol: the colon is before the LF
            v += static_cast<int>(*v == ' ');  // one SP after the colon, as servers send
            const auto value_size = static_cast<std::size_t>(line_end - v);
            if (v < line_end && !is_blank(*v) && !is_blank(line_end[-1]) &&
                at + value_size <= max_line) {
              f.entries_.push_back({static_cast<std::uint32_t>(p - base), at,
                                    static_cast<std::uint32_t>(v - base),
                                    static_cast<std::uint32_t>(value_size)});
              p = eol + 1;
              continue;
            }
          }
        }
      }
#endif
      const char* eol = find_byte(base, p, end, '\n');
      if (eol == nullptr) return line_problem::bare_cr;  // llhttp ended it on "\r" + any byte
      const char* line_end = (eol > p && eol[-1] == '\r') ? eol - 1 : eol;
      if (line_end == p) return eol + 1 == end ? line_problem::none : line_problem::malformed;
      if (*p == ' ' || *p == '\t') return line_problem::obs_fold;
      if (f.entries_.size() >= max_lines) return line_problem::too_many;
      const char* colon = find_byte(base, p, line_end, ':');
      if (colon == nullptr || colon == p) return line_problem::bad_name;
      const auto name_size = static_cast<std::size_t>(colon - p);
      if (has_space(p, name_size)) return line_problem::bad_name;
      const char* v = colon + 1;
      while (v < line_end && (*v == ' ' || *v == '\t')) ++v;
      const char* ve = line_end;
      while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t')) --ve;
      if (name_size + static_cast<std::size_t>(ve - v) > max_line) return line_problem::too_large;
      f.entries_.push_back(
          {static_cast<std::uint32_t>(p - base), static_cast<std::uint32_t>(name_size),
           static_cast<std::uint32_t>(v - base), static_cast<std::uint32_t>(ve - v)});
      p = eol + 1;
    }
  }

#if defined(__SSE2__)
  static unsigned mask_of(__m128i block, char c) noexcept {
    return static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, _mm_set1_epi8(c))));
  }
#endif

  static bool is_blank(char c) noexcept {
    return c == ' ' || c == '\t';
  }

  // The first `c` in [from, to), or nullptr; `base` is the start of the buffer holding them,
  // so the last block may be read from before `from` instead of past `to`.
  static const char* find_byte(const char* base, const char* from, const char* to,
                               char c) noexcept {
#if defined(__SSE2__)
    const __m128i needle = _mm_set1_epi8(c);
    while (to - from >= 16) {
      const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(from));
      const auto hits = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, needle)));
      if (hits != 0) return from + __builtin_ctz(hits);
      from += 16;
    }
    if (from >= to) return nullptr;
    if (to - base >= 16) {  // one last block ending at `to`, the bytes before `from` masked
      const char* q = to - 16;
      const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
      auto hits = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, needle)));
      hits &= ~0U << static_cast<unsigned>(from - q);
      return hits != 0 ? q + __builtin_ctz(hits) : nullptr;
    }
#else
    (void)base;
#endif
    return find(from, to, c);
  }

  static const char* find(const char* from, const char* to, char c) noexcept {
    if (from >= to) return nullptr;
    return static_cast<const char*>(std::memchr(from, c, static_cast<std::size_t>(to - from)));
  }

  // Whether a raw section has a line named `name` (ASCII case-insensitive), indexed or not.
  static bool raw_has_line(const fields& f, std::string_view name) {
    std::string_view rest(f.bytes_);
    while (!rest.empty()) {
      const std::size_t eol = rest.find('\n');
      const std::string_view line = rest.substr(0, eol);
      const std::size_t colon = line.find(':');
      if (colon != std::string_view::npos && iequals_ascii(line.substr(0, colon), name))
        return true;
      if (eol == std::string_view::npos) break;
      rest.remove_prefix(eol + 1);
    }
    return false;
  }

  static bool iequals_ascii(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    }
    return true;
  }

  // fields::clear(), inline for the parser's per-response reset.
  static void clear(fields& f) noexcept {
    f.bytes_.clear();
    f.entries_.clear();
  }

  // A line of a raw section, indexed by its offsets (the response parser's fast path).
  static void add_line(fields& f, std::size_t name_begin, std::size_t name_size,
                       std::size_t value_begin, std::size_t value_size) {
    f.entries_.push_back(
        {static_cast<std::uint32_t>(name_begin), static_cast<std::uint32_t>(name_size),
         static_cast<std::uint32_t>(value_begin), static_cast<std::uint32_t>(value_size)});
  }
  static const char* raw_data(const fields& f) noexcept {
    return f.bytes_.data();
  }

  // Appends raw bytes (a block of field lines); returns the offset where they start.
  static std::size_t append_block(fields& f, std::string_view block) {
    const std::size_t at = f.bytes_.size();
    f.bytes_.append(block);
    return at;
  }
  static std::string_view last_name(const fields& f) {
    const auto& e = f.entries_.back();
    return std::string_view(f.bytes_).substr(e.name_begin, e.name_size);
  }
  static std::size_t last_size(const fields& f) {
    const auto& e = f.entries_.back();
    return std::size_t{e.name_size} + e.value_size;
  }
};

}  // namespace corofetch::http::detail
