// Fuzzes what cf-load reads from other machines: HdrHistogram interval logs and the V2 and
// compressed V2 encodings inside them. Bad input must be refused, never crash or allocate without
// bound; what decodes must survive a round trip unchanged (the same counts, bucket by bucket).
// The first byte says how the rest is read: as a whole log, as a V2 encoding, or as a
// compressed one.
#include <corofetch/load/hdr_log.hpp>
#include <corofetch/load/histogram.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>

namespace load = corofetch::load;

namespace {

void same_or_abort(const load::histogram& a, const load::histogram& b) {
  if (a.total_count() != b.total_count() || a.min() != b.min() || a.max() != b.max()) {
    std::abort();
  }
  for (const double p : {50.0, 99.0, 99.99, 100.0}) {
    if (a.value_at_percentile(p) != b.value_at_percentile(p)) std::abort();
  }
}

void round_trip(const load::histogram& h) {
  const auto plain = load::decode_v2(load::encode_v2(h));
  if (!plain) std::abort();
  same_or_abort(h, *plain);
  const auto packed = load::decode_compressed_base64(load::encode_compressed_base64(h));
  if (!packed) std::abort();
  same_or_abort(h, *packed);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::span<const std::uint8_t> rest(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0: {
      const std::string_view text(reinterpret_cast<const char*>(rest.data()), rest.size());
      load::hdr_log_reader reader(text);
      // Every line is read once: the reader goes on after a bad line, and must end.
      for (std::size_t lines = 0; lines <= text.size() + 1; ++lines) {
        auto next = reader.next();
        if (next && !*next) return 0;
        if (next) round_trip((*next)->hist);
      }
      std::abort();  // more intervals or errors than the log has lines
    }
    case 1:
      if (auto h = load::decode_v2(rest)) round_trip(*h);
      return 0;
    default:
      if (auto h = load::decode_v2_compressed(rest)) round_trip(*h);
      return 0;
  }
}
