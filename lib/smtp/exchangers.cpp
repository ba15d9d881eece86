#include <corofetch/smtp/exchangers.hpp>

#include <algorithm>
#include <variant>

namespace corofetch::smtp {

result<std::vector<exchanger>> order_exchangers(const std::vector<dns::record>& records,
                                                std::mt19937_64& random) {
  std::vector<exchanger> out;
  for (const auto& r : records) {
    const auto* mx = std::get_if<dns::mx_data>(&r.data);
    if (r.type != dns::record_type::mx || mx == nullptr) continue;
    // RFC 7505 3: a single MX whose exchange is the root ("."); a resolver gives it as "".
    if (mx->exchange.empty() || mx->exchange == ".") return errc::null_mx;
    out.push_back(exchanger{mx->exchange, mx->preference, false});
  }
  std::shuffle(out.begin(), out.end(), random);
  std::stable_sort(out.begin(), out.end(), [](const exchanger& a, const exchanger& b) {
    return a.preference < b.preference;
  });
  return out;
}

}  // namespace corofetch::smtp
