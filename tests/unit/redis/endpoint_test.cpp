#include <corofetch/redis/endpoint.hpp>
#include <corofetch/redis/error.hpp>
#include <corofetch/redis/reply.hpp>
#include <corofetch/redis/script.hpp>

#include <catch2/catch.hpp>

namespace redis = corofetch::redis;

TEST_CASE("redis url: host, port, database and credentials", "[unit]") {
  auto e = redis::parse_url("redis://127.0.0.1:6380/3");
  REQUIRE(e);
  CHECK(e->host == "127.0.0.1");
  CHECK(e->port == 6380);
  CHECK(e->db == 3);
  CHECK(e->username.empty());
  CHECK(e->password.empty());

  e = redis::parse_url("REDIS://cache.test");
  REQUIRE(e);
  CHECK(e->host == "cache.test");
  CHECK(e->port == 6379);
  CHECK(e->db == 0);

  e = redis::parse_url("redis://:s%40cret@[::1]:7000/");
  REQUIRE(e);
  CHECK(e->host == "::1");
  CHECK(e->port == 7000);
  CHECK(e->password == "s@cret");
  CHECK(e->username.empty());

  e = redis::parse_url("redis://crawler:pw@h:1/15");
  REQUIRE(e);
  CHECK(e->username == "crawler");
  CHECK(e->password == "pw");
  CHECK(e->db == 15);

  e = redis::parse_url("redis://onlypassword@h");
  REQUIRE(e);
  CHECK(e->password == "onlypassword");

  CHECK(redis::to_string(*redis::parse_url("redis://:pw@[::1]:7000/2")) == "redis://[::1]:7000/2");
}

TEST_CASE("redis url: what is refused", "[unit]") {
  for (const char* bad : {"http://h:6379/0", "redis://", "redis://:pw@/0", "redis://h:0/0",
                          "redis://h:65536", "redis://h:/1", "redis://h/x", "redis://h/1?a=b",
                          "redis://h#f", "redis://[::1", "redis://h:12ab", "redis://h/-1"}) {
    INFO(bad);
    auto e = redis::parse_url(bad);
    REQUIRE_FALSE(e);
    CHECK(e.error() == redis::errc::invalid_url);
  }
}

TEST_CASE("redis script: its SHA-1 is the one SCRIPT LOAD gives", "[unit]") {
  // echo -n "return 1" | sha1sum
  CHECK(redis::script("return 1").sha1() == "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
}

TEST_CASE("redis reply: integers from integer and string replies", "[unit]") {
  redis::reply r;
  r.type = redis::reply_type::string;
  r.text = "42";
  CHECK(r.as_integer() == 42);
  r.text = "4x";
  CHECK_FALSE(r.as_integer());
  r.text = "";
  CHECK_FALSE(r.as_integer());
  r.type = redis::reply_type::integer;
  r.integer = -3;
  CHECK(r.as_integer() == -3);
  r.type = redis::reply_type::nil;
  CHECK_FALSE(r.as_integer());
  CHECK(std::error_code(redis::errc::job_missing).category().name() ==
        std::string("corofetch.redis"));
  CHECK(redis::is_link_error(redis::errc::disconnected));
  CHECK_FALSE(redis::is_link_error(redis::errc::server_error));
}
