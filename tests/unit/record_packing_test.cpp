// A journal record's body packed for the file and read back (storage/record_packing.hpp).
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "storage/record_packing.hpp"

using loyalty::storage::pack_record_body;
using loyalty::storage::unpack_record_body;

namespace {

std::string packed(const std::string& text) {
    std::string out;
    pack_record_body(text, out);
    return out;
}

}  // namespace

TEST_CASE("a record's keys are stored as codes and read back as they were written", "[journal]") {
    const std::string sale =
        R"([{"t":"sale","id":"t1:S7","member_id":"t1:M3","receipt":"R-1","branch":"b1",)"
        R"("total":486875,"explanation":"id=4:base;points=2:40;","lines":[{"line_no":1,)"
        R"("sku":"SKU-93","category":"cat-39","quantity_milli":1000,"unit_price":45000,)"
        R"("discount":0,"amount":42750,"points":4,"benefit_discount":0,"coupon_discount":2250}],)"
        R"("tenders":[]},{"t":"entry","id":"t1:L9","kind":1,"points":40,"lots":[{"points":40,)"
        R"("available_at":1795242600000,"expires_at":1826829000000}]}])";
    const std::string p = packed(sale);
    CHECK(unpack_record_body(p) == sale);
    CHECK(p.size() * 2 < sale.size());  // 26 keys of one byte, 3 of two
    CHECK(p.find("\"points\":") == std::string::npos);
    CHECK(p.find("\"sku\":") == std::string::npos);
    CHECK(p.find("\"tenders\":") == std::string::npos);
    // The values are left as they are, keys' names among them.
    CHECK(p.find("\"SKU-93\"") != std::string::npos);
    CHECK(p.find("id=4:base;points=2:40;") != std::string::npos);
}

TEST_CASE("the codes are the file's: a key's code never changes", "[journal]") {
    // Stored bodies are read with the dictionary of the library that reads them: these codes
    // were written by schema 17 and must read so for ever (a new key goes at the end).
    CHECK(packed(R"({"points":1})") ==
          "{\x01"
          "1}");
    CHECK(packed(R"({"explanation":"x"})") == "{\x1d\"x\"}");
    CHECK(packed(R"({"absorbed_id":1})") ==
          "{\x1e\x20"
          "1}");
    CHECK(packed(R"({"tax":1})") ==
          "{\x1e\x74"
          "1}");
    CHECK(packed(R"({"tenders":[]})") == "{\x1e\x75[]}");
    CHECK(packed(R"({"wallet_topup":1})") ==
          "{\x1f\x2b"
          "1}");
    CHECK(unpack_record_body("{\x1f\x2b"
                             "1}") == R"({"wallet_topup":1})");
}

TEST_CASE("only a key of the dictionary, outside a string, is coded", "[journal]") {
    // A value that reads like a key, a key with an escape, a key outside the dictionary, a
    // string holding a quote and a colon, whitespace between the tokens.
    for (const std::string text :
         {R"({"reason":"points","x":"\"points\":1"})", R"({"poi\u006ets":1})",
          R"({"not_a_key_of_ours":1,"points":2})", "{\"points\" :\t1,\n\"sku\":\r\"a\\\\\"}",
          R"(["points",":","\\","points:"])", R"({"reason":"a\\":"points":1})"}) {
        INFO(text);
        CHECK(unpack_record_body(packed(text)) == text);
    }
    CHECK(packed(R"({"reason":"points"})").find("points") != std::string::npos);
    CHECK(packed(R"({"poi\u006ets":1})") == R"({"poi\u006ets":1})");
    CHECK(packed(R"({"not_a_key_of_ours":1})") == R"({"not_a_key_of_ours":1})");
    CHECK(packed(R"({"points" :1})") == R"({"points" :1})");
}

TEST_CASE("a body written before the packing, or one it leaves alone, reads as itself",
          "[journal]") {
    // JSON holds no raw control character: a stored body without one is plain text.
    const std::string plain = R"([{"t":"member","id":"t1:M1","status":0}])";
    CHECK(unpack_record_body(plain) == plain);
    // A body holding one (not JSON) is stored as it is: what it holds is never taken for a code.
    const std::string odd = std::string("[{\"points\":\"a") + '\x01' + "b\"}]";
    CHECK(packed(odd) == odd);
    // A damaged stored body: a lone prefix, a second byte no key has, a code with no key.
    CHECK(unpack_record_body(std::string("[\x1e")) == std::string("[\x1e"));
    CHECK(unpack_record_body(std::string("[\x1f\x7e]")) == std::string("[\x1f\x7e]"));
    CHECK(unpack_record_body(std::string("[\x1f\x01")) == "[\x1f\"points\":");
    CHECK(unpack_record_body("") == "");
}

TEST_CASE("any text without control characters is read back as it was packed", "[journal]") {
    // Texts made of keys, quotes, backslashes, colons and other characters in any order.
    const char* pieces[] = {"\"points\":", "\"sku\"", ":",           "\"", "\\",  "\\\"",
                            "\"status\":", "\"zz\":", "{",           "}",  "[",   ",",
                            "a",           " ",       "\"tenders\"", "\t", "نان", "\"t\":"};
    std::mt19937 rng(20261205);
    std::uniform_int_distribution<std::size_t> pick(0, sizeof pieces / sizeof pieces[0] - 1);
    std::uniform_int_distribution<int> length(0, 40);
    int coded = 0;
    for (int round = 0; round < 20000; ++round) {
        std::string text;
        for (int n = length(rng); n > 0; --n)
            text += pieces[pick(rng)];
        const std::string p = packed(text);
        REQUIRE(p.size() <= text.size());
        REQUIRE(unpack_record_body(p) == text);
        if (p.size() < text.size()) ++coded;
    }
    CHECK(coded > 1000);  // the texts did put keys in the places they are coded
}
