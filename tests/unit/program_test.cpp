#include <catch2/catch.hpp>

#include "loyalty/program.hpp"

using namespace loyalty;

namespace {
std::string error_of(const std::string& json) {
    try {
        parse_program(json);
    } catch (const Error& e) {
        CHECK(e.status() == Status::InvalidProgram);
        return e.what();
    }
    return "";
}
}  // namespace

TEST_CASE("a programme file round-trips through its canonical JSON", "[programme]") {
    const char* text = R"({
      "name": "Club", "currency": "IRT", "utc_offset_minutes": 210, "week_start": "sat",
      "min_basket": 50000, "visit_points": 1, "expiry_days": 365, "pending_days": 14,
      "negative_balance": "clamp",
      "spend": [{"id": "b", "name": "Base", "points": 10, "per": 100000, "rounding": "half_even",
                 "include_tax": true, "exclude_categories": ["tobacco"]}],
      "multipliers": [{"id": "m", "factor": "1.5", "skus": ["A"]}],
      "items": [{"id": "i", "points": 5, "categories": ["cake"]}],
      "promotions": [{"id": "p", "factor": "2", "from": "2026-03-20", "to": "2026-04-02",
                      "weekdays": ["fri", "thu"], "start": "16:00", "end": "19:30"}],
      "events": [{"action": "review", "points": 5, "cap": 1, "per": "day"}],
      "challenges": [{"id": "c", "purchases": 3, "window": "month", "bonus": 20}],
      "birthday": {"points": 50, "when": "month"},
      "redeem": {"point_value": "1000", "min_points": 100, "max_share": "0.5"}
    })";
    Program p = parse_program(text);
    CHECK(p.spend[0].rounding == Rounding::HalfEven);
    CHECK(p.multipliers[0].factor == Ratio{3, 2});
    CHECK(p.promotions[0].weekdays == ((1u << 3) | (1u << 4)));
    CHECK(p.promotions[0].end_minute == 19 * 60 + 30);
    CHECK(p.negative == NegativePolicy::Clamp);
    std::string canonical = program_to_json(p);
    CHECK(program_to_json(parse_program(canonical)) == canonical);
    CHECK(canonical.find("\"to\": \"2026-04-02\"") != std::string::npos);
}

TEST_CASE("programme mistakes are named precisely", "[programme]") {
    CHECK(error_of(R"({"spend": [{"id": "b", "pionts": 10, "per": 1}]})").find("pionts") !=
          std::string::npos);
    CHECK(error_of(R"({"spend": [{"id": "b", "points": 10, "per": 0}]})").find("spend[0]") !=
          std::string::npos);
    CHECK(error_of(R"({"spend": [{"id": "b", "points": 1.5, "per": 10}]})").find("whole number") !=
          std::string::npos);
    CHECK(error_of(R"({"redeem": {"point_value": 1000}})").find("decimal string") !=
          std::string::npos);
    CHECK(error_of(R"({"redeem": {"max_share": "1.5"}})").find("at most 1") != std::string::npos);
    CHECK(error_of(R"({"promotions": [{"id": "p", "start": "25:00"}]})").find("HH:MM") !=
          std::string::npos);
    CHECK(error_of(R"({"promotions": [{"id": "p", "from": "2026-02-30"}]})").find("YYYY-MM-DD") !=
          std::string::npos);
    CHECK(
        error_of(R"({"spend": [{"id": "x", "points": 1, "per": 1}], "multipliers": [{"id": "x"}]})")
            .find("used twice") != std::string::npos);
    CHECK(error_of(R"({"negative_balance": "sometimes"})").find("allow, clamp or refuse") !=
          std::string::npos);
    CHECK(error_of("[1, 2]").find("object") != std::string::npos);
    CHECK(error_of("{").find("not valid JSON") != std::string::npos);
}
