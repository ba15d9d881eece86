#include <corofetch/detail/error_category.hpp>
#include <corofetch/redis/error.hpp>

namespace corofetch::redis {
namespace {

const char* describe(int code) noexcept {
  switch (static_cast<errc>(code)) {
    case errc::invalid_url:
      return "not a redis://[[user]:password@]host[:port][/db] URL";
    case errc::connect_failed:
      return "could not connect to Redis";
    case errc::timeout:
      return "Redis did not answer in time";
    case errc::disconnected:
      return "the connection to Redis was lost before the reply";
    case errc::unavailable:
      return "Redis stayed unreachable for longer than allowed";
    case errc::auth_failed:
      return "Redis refused AUTH or SELECT";
    case errc::server_error:
      return "Redis answered with an error";
    case errc::unexpected_reply:
      return "unexpected reply from Redis";
    case errc::closed:
      return "the Redis client is closed";
    case errc::job_missing:
      return "the crawl job's keys are not in Redis (reset, or lost in a restart)";
    case errc::loading:
      return "Redis is loading its data set";
  }
  return "unknown Redis error";
}

const detail::module_category category("corofetch.redis", &describe);

}  // namespace

const std::error_category& redis_category() noexcept {
  return category;
}

bool is_link_error(std::error_code ec) noexcept {
  return ec == errc::connect_failed || ec == errc::timeout || ec == errc::disconnected ||
         ec == errc::loading;
}

}  // namespace corofetch::redis
