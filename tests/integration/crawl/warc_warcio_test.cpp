// Our .warc.gz against the real peer, warcio (npm, installed in tests/npm; the reader behind
// replay tools): it finds the same records, target URIs, ids and links, the offsets and lengths
// our writer reported, digests that match the bytes it reads, and the payload after undoing
// chunking and gzip. Skipped (with a warning) when node or the package is missing.
#include <corofetch/crawl/warc.hpp>

#include "common/process.hpp"

#include <fmt/format.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <zlib.h>

#include <stdlib.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace crawl = corofetch::crawl;
using nlohmann::json;

namespace {

struct peer {
  std::string node;
  std::string modules;
  std::string script;
};

std::optional<peer> find_peer() {
  const auto found = corofetch::test::run_process({"/bin/sh", "-c", "command -v node"});
  const auto lines = corofetch::test::split_lines(found.out);
  if (found.exit_code != 0 || lines.empty()) {
    WARN("node is not installed: the warcio comparison is skipped");
    return std::nullopt;
  }
  const std::string modules = CF_SOURCE_DIR "/tests/npm/node_modules";
  if (!std::filesystem::exists(modules + "/warcio/package.json")) {
    WARN("warcio is not in tests/npm: the comparison is skipped");
    return std::nullopt;
  }
  return peer{lines.front(), modules, CF_TEST_DATA_DIR "/crawl/warcio_dump.mjs"};
}

std::string gzip(std::string_view data) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string chunked(std::string_view data, std::size_t size) {
  std::string out;
  for (std::size_t i = 0; i < data.size(); i += size) {
    const std::string_view piece = data.substr(i, size);
    out += fmt::format("{:x}\r\n{}\r\n", piece.size(), piece);
  }
  return out + "0\r\n\r\n";
}

}  // namespace

TEST_CASE("warc peer: warcio reads our .warc.gz as we wrote it", "[integration]") {
  const auto p = find_peer();
  if (!p) return;
  std::string dir = (std::filesystem::temp_directory_path() / "cf_warcio_XXXXXX").string();
  REQUIRE(::mkdtemp(dir.data()) != nullptr);
  const std::filesystem::path path = std::filesystem::path(dir) / "peer.warc.gz";

  std::string page;
  for (int i = 0; i < 300; ++i) page += "<p>line " + std::to_string(i) + " of the page</p>\n";
  const std::string wire_body = chunked(gzip(page), 1000);
  const std::string wire_head =
      "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n"
      "Transfer-Encoding: chunked\r\n\r\n";
  const std::string get_head = "GET /page HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n";
  const std::string post_head =
      "POST /form HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Length: 7\r\n\r\n";
  const std::string decoded_head =
      "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\n"
      "Transfer-Encoding: chunked\r\n\r\n";

  std::vector<crawl::warc_record_location> ours;
  {
    crawl::warc_writer_options options;
    options.info_fields = {{"operator", "corofetch tests"}};
    auto writer = crawl::warc_writer::open(path, options);
    REQUIRE(writer);
    ours.push_back({writer->warcinfo_id(), 0, writer->size()});
    crawl::warc_exchange e;
    e.target_uri = "http://127.0.0.1:8080/page";
    e.ip_address = "127.0.0.1";
    e.request_head = get_head;
    e.response_head = wire_head;
    e.response_body = wire_body;
    auto first = writer->write_exchange(e);
    REQUIRE(first);
    e.target_uri = "http://127.0.0.1:8080/form";
    e.request_head = post_head;
    e.request_body = "a=1&b=2";
    e.response_head = decoded_head;
    e.response_body = "not here";
    e.response_body_form = crawl::body_form::decoded;
    auto second = writer->write_exchange(e);
    REQUIRE(second);
    auto resource = writer->write_resource("dns:127.0.0.1", "text/dns", "127.0.0.1. 60 A");
    REQUIRE(resource);
    auto meta = writer->write_metadata("http://127.0.0.1:8080/page", {{"fetchTimeMs", "12"}},
                                       first->response.record_id);
    REQUIRE(meta);
    for (const auto* x : {&first->request, &first->response, &second->request, &second->response,
                          &*resource, &*meta}) {
      ours.push_back(*x);
    }
    REQUIRE_FALSE(writer->close());
  }

  const auto r = corofetch::test::run_process({p->node, p->script, p->modules, path.string()});
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  const json theirs = json::parse(r.out);
  std::filesystem::remove_all(dir);

  const std::vector<std::string> types{"warcinfo", "request",  "response", "request",
                                       "response", "resource", "metadata"};
  const std::vector<std::string> uris{"",
                                      "http://127.0.0.1:8080/page",
                                      "http://127.0.0.1:8080/page",
                                      "http://127.0.0.1:8080/form",
                                      "http://127.0.0.1:8080/form",
                                      "dns:127.0.0.1",
                                      "http://127.0.0.1:8080/page"};
  REQUIRE(theirs.size() == types.size());
  for (std::size_t i = 0; i < types.size(); ++i) {
    const json& t = theirs[i];
    INFO("record " << i << ": " << t.dump());
    CHECK(t.at("type") == types[i]);
    CHECK(t.at("uri") == (uris[i].empty() ? json() : json(uris[i])));
    CHECK(t.at("id") == ours[i].record_id);
    CHECK(t.at("offset") == ours[i].offset);
    CHECK(t.at("length") == ours[i].length);
    CHECK(t.at("warcinfoId") == (i == 0 ? json() : json(ours[0].record_id)));
    CHECK(t.at("blockDigest") == t.at("computedBlockDigest"));
    if (types[i] == "warcinfo" || types[i] == "metadata") {
      CHECK(t.at("payloadDigest").is_null());
    } else {
      CHECK(t.at("payloadDigest") == t.at("computedPayloadDigest"));
    }
  }
  CHECK(theirs[1].at("concurrentTo") == ours[2].record_id);
  CHECK(theirs[2].at("concurrentTo") == ours[1].record_id);
  CHECK(theirs[6].at("concurrentTo") == ours[2].record_id);
  CHECK(theirs[1].at("date") == theirs[2].at("date"));
  // What a replay tool serves: the page after undoing chunking and gzip, and the decoded body.
  CHECK(theirs[2].at("status") == 200);
  CHECK(theirs[2].at("content") == page);
  CHECK(theirs[4].at("status") == 404);
  CHECK(theirs[4].at("content") == "not here");
  CHECK(theirs[3].at("content") == "a=1&b=2");
}
