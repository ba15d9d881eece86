#pragma once

#include <asio/ip/address.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace corofetch::dns {

/// /etc/hosts (hosts(5)), read once: "address name [aliases...]", '#' comments. c-ares 1.18.1
/// re-reads the file on every ares_getaddrinfo with lookups "fb"; we read it at construction
/// and query with lookups "b".
class hosts_file {
 public:
  hosts_file() = default;
  /// Reads `path`; a file that cannot be read gives an empty table (as a missing /etc/hosts).
  static hosts_file load(const std::string& path);
  /// Parses the text of a hosts file.
  static hosts_file parse(std::string_view text);

  /// The addresses listed for `name` (case-insensitive, trailing dot ignored), in file order.
  [[nodiscard]] const std::vector<asio::ip::address>* find(std::string_view name) const;

 private:
  struct name_hash {
    using is_transparent = void;
    // Not noexcept on purpose: libstdc++ then caches hash codes in the nodes, so a lookup
    // does not rehash every key of a bucket it walks.
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::vector<asio::ip::address>, name_hash, std::equal_to<>>
      names_;
};

}  // namespace corofetch::dns
