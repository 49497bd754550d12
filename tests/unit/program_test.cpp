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
    CHECK(p.promotions[0].schedule.weekdays == ((1u << 3) | (1u << 4)));
    CHECK(p.promotions[0].schedule.end_minute == 19 * 60 + 30);
    CHECK(p.negative == NegativePolicy::Clamp);
    std::string canonical = program_to_json(p);
    CHECK(program_to_json(parse_program(canonical)) == canonical);
    CHECK(canonical.find("\"to\": \"2026-04-02\"") != std::string::npos);
}

TEST_CASE("programme mistakes are named precisely", "[programme]") {
    CHECK(error_of(R"({"spend": [{"id": "b", "points": 1, "pionts": 10, "per": 1}]})")
              .find("pionts") != std::string::npos);
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
    // Found by fuzzing: a missing amount loaded as 0, which its own export then refused.
    CHECK(error_of(R"({"campaigns": [{"id": "c", "effect": "amount"}]})")
              .find("'amount' is required") != std::string::npos);
    CHECK(error_of(R"({"spend": [{"id": "b", "points": 10}]})").find("'per' is required") !=
          std::string::npos);
    CHECK(error_of("{").find("not valid JSON") != std::string::npos);
}

TEST_CASE("a field given twice is refused, naming it and where it is", "[programme]") {
    // JSON itself allows it and most parsers keep the last value silently.
    CHECK(error_of(R"({"spend": [{"id": "b", "points": 1, "points": 5, "per": 1}]})") ==
          "programme: spend[0] has the field 'points' twice");
    CHECK(error_of(R"({"spend": [{"id": "a", "points": 1, "per": 1},
                                 {"id": "b", "per": 1, "points": 2, "per": 3}]})") ==
          "programme: spend[1] has the field 'per' twice");
    CHECK(error_of(R"({"currency": "IRR", "name": "x", "currency": "USD"})") ==
          "programme: the programme has the field 'currency' twice");
    CHECK(error_of(R"({"redeem": {"min_points": 1, "min_points": 2}})") ==
          "programme: redeem has the field 'min_points' twice");
    CHECK(error_of(R"({"segments": [{"id": "s", "branches": ["a", "b"]}],
                       "messages": {"triggers": [{"trigger": "welcome",
                                    "text": {"en": "a", "fa": "b", "en": "c"}}]}})") ==
          "programme: messages.triggers[0].text has the field 'en' twice");
    // The same name in different objects is fine.
    CHECK_NOTHROW(parse_program(R"({"spend": [{"id": "a", "points": 1, "per": 1},
                                             {"id": "b", "points": 2, "per": 1}]})"));
}

TEST_CASE("campaigns, rewards, cashback, referral, partners and draws round-trip", "[programme]") {
    const char* text = R"({
      "tiers": {"levels": [{"id": "base", "threshold": 0}, {"id": "gold", "threshold": 100}]},
      "partners": [{"id": "cinema", "name": "Azadi Cinema"}],
      "campaigns": [
        {"id": "norooz", "effect": "percent", "percent": "0.1", "cap": 500000, "code": "norooz1405",
         "from": "2027-03-21", "to": "2027-04-02", "max_uses": 1000, "max_uses_per_member": 1,
         "combinable": true, "priority": 5, "categories": ["food"], "tiers": ["gold"]},
        {"id": "next", "effect": "amount", "amount": 50000, "valid_days": 30,
         "issue_on_purchase_min_spend": 1000000},
        {"id": "film", "effect": "free_item", "sku": "POPCORN", "partner": "cinema", "partner_share": "0.5"},
        {"id": "bonus", "effect": "bonus_points", "points": 100, "weekdays": ["fri"], "start": "16:00", "end": "19:00"},
        {"id": "x3", "effect": "multiplier", "factor": "3", "tag": "vip", "members_only": true}],
      "rewards": [
        {"id": "coffee", "type": "product", "points": 300, "sku": "LATTE", "stock": 50, "per_member": 2},
        {"id": "voucher", "type": "coupon", "points": 500, "campaign": "next"},
        {"id": "credit", "type": "wallet", "points": 1000, "amount": 100000},
        {"id": "trees", "type": "donation", "points": 100, "cause": "Plant a tree in Hyrcanian forests"}],
      "cashback": {"percent": "0.02", "pending_days": 14, "exclude_categories": ["tobacco"]},
      "referral": {"on": "first_purchase", "referrer_points": 100, "referee_points": 50,
                   "referee_campaign": "next"},
      "draws": [{"id": "yalda", "from": "2026-12-01", "to": "2026-12-21", "per_purchase": 1,
                 "per_amount": 1000000, "points_per_entry": 200}]
    })";
    Program p = parse_program(text);
    REQUIRE(p.campaigns.size() == 5);
    CHECK(p.campaigns[0].code == "NOROOZ1405");  // codes are case-insensitive, stored upper-case
    CHECK(p.campaigns[0].rate == Ratio{1, 10});
    CHECK(p.campaigns[2].partner_share == Ratio{1, 2});
    CHECK(p.campaigns[3].schedule.start_minute == 16 * 60);
    CHECK(p.rewards[3].type == Reward::Type::Donation);
    CHECK(p.cashback.pending_days == 14);
    CHECK(p.referral.referee_campaign == "next");
    CHECK(p.draws[0].points_per_entry == 200);
    std::string canonical = program_to_json(p);
    CHECK(program_to_json(parse_program(canonical)) == canonical);
}

TEST_CASE("coupon and reward mistakes are named", "[programme]") {
    CHECK(error_of(R"({"campaigns": [{"id": "a", "effect": "percent", "percent": "10"}]})")
              .find("at most 1") != std::string::npos);
    CHECK(error_of(R"({"campaigns": [{"id": "a", "effect": "gift"}]})").find("effect") !=
          std::string::npos);
    CHECK(
        error_of(R"({"rewards": [{"id": "r", "type": "coupon", "points": 5, "campaign": "nope"}]})")
            .find("nope") != std::string::npos);
    CHECK(
        error_of(R"({"campaigns": [{"id": "a", "effect": "amount", "amount": 5, "partner": "x"}]})")
            .find("partner") != std::string::npos);
    CHECK(error_of(R"({"campaigns": [{"id": "a", "effect": "amount", "amount": 5, "code": "X"},
                                     {"id": "b", "effect": "amount", "amount": 5, "code": "x"}]})")
              .find("two campaigns") != std::string::npos);
    CHECK(error_of(R"({"draws": [{"id": "d", "from": "2026-12-21", "to": "2026-12-01"}]})")
              .find("in order") != std::string::npos);
}

TEST_CASE("segments, RFM thresholds and messages round-trip and are checked", "[programme]") {
    const char* text = R"({"currency": "IRR", "language": "fa",
      "rfm": {"window_days": 180, "recency_days": [7, 30, 60, 120]},
      "tiers": {"levels": [{"id": "base", "threshold": 0}, {"id": "gold", "threshold": 100}]},
      "segments": [{"id": "gold-lapsed", "tiers": ["gold"], "not_bought_for_days": 60,
                    "rfm_groups": ["at_risk", "lost"], "consent": "sms"}],
      "messages": {"quiet_start": "22:00", "quiet_end": "08:00", "cap_count": 2, "amounts": "toman",
        "triggers": [{"trigger": "expiring", "days": 14,
                      "text": {"fa": "{points} امتیاز تا {expiry_date}", "en": "{points} by {expiry_date}"}}],
        "campaigns": [{"id": "back", "segment": "gold-lapsed", "holdout_percent": 10,
                       "text": {"fa": "برگردید {name}"}}]}})";
    const Program p = parse_program(text);
    CHECK(p.language == "fa");
    CHECK(p.rfm.window_days == 180);
    CHECK(p.rfm.recency_days.size() == 4);
    REQUIRE(p.segments.size() == 1);
    CHECK(p.segments[0].rfm_groups.size() == 2);
    CHECK(p.messages.quiet_start == 22 * 60);
    CHECK(p.messages.triggers[0].days == 14);
    CHECK(p.messages.campaign("back")->holdout_percent == 10);
    const std::string once = program_to_json(p);
    CHECK(program_to_json(parse_program(once)) == once);

    CHECK(
        error_of(
            R"({"messages": {"triggers": [{"trigger": "welcome", "text": {"en": "Hi {nmae}"}}]}})")
            .find("placeholders") != std::string::npos);
    CHECK(error_of(R"({"messages": {"triggers": [{"trigger": "expiring", "text": {"en": "x"}}]}})")
              .find("'days' is required") != std::string::npos);
    CHECK(error_of(R"({"messages": {"triggers": [{"trigger": "tweet", "text": {"en": "x"}}]}})")
              .find("welcome earned") != std::string::npos);
    CHECK(
        error_of(
            R"({"messages": {"campaigns": [{"id": "c", "segment": "nobody", "text": {"en": "x"}}]}})")
            .find("'nobody'") != std::string::npos);
    CHECK(error_of(R"({"messages": {"quiet_start": "22:00"}})").find("quiet_end") !=
          std::string::npos);
    CHECK(error_of(R"({"currency": "USD", "messages": {"amounts": "toman"}})").find("toman") !=
          std::string::npos);
    CHECK(error_of(R"({"segments": [{"id": "s", "rfm_groups": ["vip"]}]})").find("champions") !=
          std::string::npos);
    CHECK(error_of(R"({"segments": [{"id": "s", "tiers": ["gold"]}]})").find("not a tier level") !=
          std::string::npos);
    CHECK(error_of(R"({"rfm": {"frequency": [3, 2, 4, 5]}})").find("ascending") !=
          std::string::npos);
    CHECK(error_of(R"({"tiers": {"window": "lunar", "levels": [{"id": "a", "threshold": 0}]}})")
              .find("jalali_year") != std::string::npos);
}

TEST_CASE("display names per language for the programme, tiers and branches", "[programme]") {
    const Program p = parse_program(R"({
      "name": "Club", "names": {"fa": "باشگاه", "en": "Club"},
      "branches": [{"id": "north", "names": {"fa": "شمال"}}, {"id": "south"}],
      "tiers": {"levels": [{"id": "gold", "name": "Gold", "names": {"fa": "طلایی"}}]}})");
    CHECK(display_name(p.names, "fa", p.name) == "باشگاه");
    CHECK(display_name(p.names, "fa-IR", p.name) == "باشگاه");  // the primary language
    CHECK(display_name(p.names, "de", p.name) == "Club");       // else the name
    CHECK(display_name(p.tiers.levels[0].names, "fa", "Gold") == "طلایی");
    REQUIRE(p.branches.size() == 2);
    CHECK(display_name(p.branches[0].names, "fa", "north") == "شمال");
    CHECK(p.branches[1].names.empty());
    const std::string canonical = program_to_json(p);
    CHECK(program_to_json(parse_program(canonical)) == canonical);
    CHECK(canonical.find("\"names\"") != std::string::npos);
    CHECK(error_of(R"({"names": {"fa": ""}})").find("names") != std::string::npos);
    CHECK(error_of(R"({"names": ["x"]})").find("names") != std::string::npos);
    CHECK(error_of(R"({"branches": [{"id": "a"}, {"id": "a"}]})").find("used twice") !=
          std::string::npos);
    CHECK(error_of(R"({"branches": [{"names": {"fa": "x"}}]})").find("'id' is required") !=
          std::string::npos);
}
