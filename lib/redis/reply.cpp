#include <corofetch/redis/reply.hpp>

#include <charconv>

namespace corofetch::redis {

std::optional<std::int64_t> reply::as_integer() const noexcept {
  if (type == reply_type::integer) return integer;
  if (type != reply_type::string && type != reply_type::status) return std::nullopt;
  std::int64_t v = 0;
  const char* end = text.data() + text.size();
  const auto [p, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || p != end || text.empty()) return std::nullopt;
  return v;
}

}  // namespace corofetch::redis
