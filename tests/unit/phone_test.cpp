#include <catch2/catch.hpp>

#include "loyalty/status.hpp"
#include "text.hpp"

using namespace loyalty;

TEST_CASE("every form a cashier types is the same Iranian mobile", "[phone]") {
    const char* forms[] = {
        "09121234567",
        "+989121234567",
        "00989121234567",
        "9121234567",
        "0912 123 4567",
        "0912-123-4567",
        "(0912) 123 4567",
        "+98 912 123 4567",
        "989121234567",
        "\xDB\xB0\xDB\xB9\xDB\xB1\xDB\xB2\xDB\xB1\xDB\xB2\xDB\xB3\xDB\xB4\xDB\xB5\xDB\xB6\xDB"
        "\xB7",  // ۰۹۱۲۱۲۳۴۵۶۷
        "\xD9\xA0\xD9\xA9\xD9\xA1\xD9\xA2\xD9\xA1\xD9\xA2\xD9\xA3\xD9\xA4\xD9\xA5\xD9\xA6\xD9"
        "\xA7",                                                                   // Arabic-Indic
        "\xDB\xB0\xDB\xB9\xDB\xB1\xDB\xB2 123 \xDB\xB4\xDB\xB5\xDB\xB6\xDB\xB7",  // mixed
                                                                                  // digits
    };
    for (const char* f : forms) {
        INFO(f);
        CHECK(text::normalize_phone(f, "IR") == "+989121234567");
    }
}

TEST_CASE("invalid phone numbers are refused with a reason", "[phone]") {
    for (const char* bad : {"", "0912", "091212345678", "abc", "0912 123 456x", "++989121234567",
                            "+0123456789", "+98 0912 123 4567", "+1234", "0912*1234567"}) {
        INFO(bad);
        try {
            text::normalize_phone(bad, "IR");
            FAIL("accepted");
        } catch (const Error& e) {
            CHECK(e.status() == Status::InvalidPhone);
            CHECK(std::string(e.what()).find("invalid phone number") == 0);
        }
    }
    try {
        text::normalize_phone("\xff", "IR");
        FAIL("accepted");
    } catch (const Error& e) {
        CHECK(e.status() == Status::InvalidUtf8);
    }
}

TEST_CASE("other countries and international numbers", "[phone]") {
    CHECK(text::normalize_phone("(415) 555-2671", "US") == "+14155552671");
    CHECK(text::normalize_phone("1 415 555 2671", "US") == "+14155552671");
    CHECK(text::normalize_phone("020 7946 0958", "GB") == "+442079460958");
    CHECK(text::normalize_phone("+44 20 7946 0958", "IR") == "+442079460958");
    CHECK(text::normalize_phone("0021 4567 8901", "IR") ==
          "+2145678901");  // unknown country: E.164 length only
    CHECK(text::normalize_phone("021 2222 3333", "IR") == "+982122223333");  // Tehran landline
}

TEST_CASE("phone search prefixes follow the same rules", "[phone]") {
    CHECK(text::phone_search_prefix("0912", "IR") == "+98912");
    CHECK(text::phone_search_prefix("+98 93", "IR") == "+9893");
    CHECK(text::phone_search_prefix("0098912", "IR") == "+98912");
}

TEST_CASE("UTF-8 validation refuses overlongs, surrogates and NUL", "[text]") {
    CHECK(text::is_valid_utf8("abc"));
    CHECK(text::is_valid_utf8("\xD8\xB3\xD8\xA7\xD8\xB1\xD8\xA7"));  // سارا
    CHECK(text::is_valid_utf8("\xF0\x9F\x98\x80"));
    CHECK_FALSE(text::is_valid_utf8("\xC0\xAF"));          // overlong '/'
    CHECK_FALSE(text::is_valid_utf8("\xED\xA0\x80"));      // surrogate
    CHECK_FALSE(text::is_valid_utf8("\xF4\x90\x80\x80"));  // > U+10FFFF
    CHECK_FALSE(text::is_valid_utf8("\xE2\x82"));          // truncated
    CHECK_FALSE(text::is_valid_utf8(std::string_view("a\0b", 3)));
    CHECK(text::parse_tags(" b, a,,b ") == std::vector<std::string>{"a", "b"});
}

TEST_CASE("a JSON string escapes quotes, backslashes and control characters, and only those",
          "[text]") {
    using text::json_string;
    CHECK(json_string("") == "\"\"");
    CHECK(json_string("plain text") == "\"plain text\"");
    CHECK(json_string("a\"b\\c") == "\"a\\\"b\\\\c\"");
    CHECK(json_string("\"") == "\"\\\"\"");
    CHECK(json_string(std::string_view("\x01x\n\x1f", 4)) == "\"\\u0001x\\u000a\\u001f\"");
    CHECK(json_string(std::string_view("a\0b", 3)) == "\"a\\u0000b\"");
    // UTF-8 passes through as it is.
    CHECK(json_string("\xD8\xB3\xD9\x84\xD8\xA7\xD9\x85") ==
          "\"\xD8\xB3\xD9\x84\xD8\xA7\xD9\x85\"");
    // <, > and & only in the form for a <script>.
    CHECK(json_string("<a&b>") == "\"<a&b>\"");
    CHECK(json_string("<a&b>", true) == "\"\\u003ca\\u0026b\\u003e\"");
    // Appended to what is there.
    std::string out = "x:";
    text::append_json_string(out, "q\"");
    CHECK(out == "x:\"q\\\"\"");
}

TEST_CASE("an empty view with no characters behind it is an empty JSON string", "[text]") {
    CHECK(text::json_string(std::string_view()) == "\"\"");
}
