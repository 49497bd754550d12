#include <catch2/catch.hpp>

#include <set>

#include "loyalty/coupons.hpp"

using namespace loyalty;

TEST_CASE("generated codes are unambiguous, unique and carry a valid check symbol", "[coupons]") {
    std::set<std::string> seen;
    for (int i = 0; i < 2000; ++i) {
        std::string c = coupon::generate();
        REQUIRE(c.size() == 10);
        REQUIRE(coupon::well_formed(c));
        REQUIRE(c.find_first_of("01OI") == std::string::npos);
        seen.insert(c);
    }
    CHECK(seen.size() == 2000);
    CHECK(coupon::display("ABCDEFGHJK") == "ABCDE-FGHJK");
    CHECK(coupon::normalize(" abcde-fghjk ") == "ABCDEFGHJK");
}

TEST_CASE("every single-symbol typo and every neighbour swap but 2<->Z is caught", "[coupons]") {
    const std::string alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    for (int round = 0; round < 50; ++round) {
        const std::string code = coupon::generate();
        for (std::size_t pos = 0; pos < code.size(); ++pos)
            for (char c : alphabet) {
                if (c == code[pos]) continue;
                std::string typo = code;
                typo[pos] = c;
                REQUIRE_FALSE(coupon::well_formed(typo));
            }
        for (std::size_t pos = 0; pos + 1 < code.size(); ++pos) {
            if (code[pos] == code[pos + 1]) continue;
            if ((code[pos] == '2' && code[pos + 1] == 'Z') ||
                (code[pos] == 'Z' && code[pos + 1] == '2'))
                continue;  // Luhn's one blind spot
            std::string swapped = code;
            std::swap(swapped[pos], swapped[pos + 1]);
            REQUIRE_FALSE(coupon::well_formed(swapped));
        }
        REQUIRE_FALSE(coupon::well_formed(code.substr(1)));
        REQUIRE_FALSE(coupon::well_formed(code + "2"));
    }
    CHECK_FALSE(coupon::well_formed("ABCDEFGH0K"));  // 0 is not in the alphabet
}
