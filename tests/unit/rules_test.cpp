// Rule evaluation is pure: these tests need no database.
#include <catch2/catch.hpp>

#include <numeric>
#include <random>

#include "loyalty/rules.hpp"

using namespace loyalty;

namespace {

constexpr std::int64_t kDay = 86400000;
// Saturday 2026-11-21 10:00 in Tehran (+03:30).
constexpr std::int64_t kSat10 = 1795242600000LL;

Program seed_programme() {
    return parse_program(R"({
      "currency": "IRT",
      "spend": [{"id": "base", "name": "Every 100,000 toman = 10 points", "points": 10, "per": 100000}],
      "challenges": [{"id": "three", "name": "3 purchases in one month", "purchases": 3,
                      "window": "month", "bonus": 20}],
      "redeem": {"point_value": "100", "min_points": 50, "max_share": "0.5"}
    })");
}

Basket basket(std::initializer_list<std::int64_t> prices) {
    Basket b;
    b.member_id = 1;
    int i = 0;
    for (auto p : prices)
        b.lines.push_back({"SKU" + std::to_string(i++), "general", 1000, p, 0, {}});
    return b;
}

MemberState member(std::int64_t available = 0) {
    MemberState m;
    m.is_member = true;
    m.available = available;
    m.balance = available;
    m.challenges.push_back({"three", 0, false});
    return m;
}

}  // namespace

TEST_CASE("seed: every 100,000 toman = 10 points", "[rules][seed]") {
    Program p = seed_programme();
    CHECK(evaluate(basket({100000}), member(), p, kSat10).points == 10);
    // "Every 100,000": whole blocks only, rounded down when earning.
    CHECK(evaluate(basket({350000}), member(), p, kSat10).points == 30);
    CHECK(evaluate(basket({99999}), member(), p, kSat10).points == 0);
    CHECK(evaluate(basket({199999}), member(), p, kSat10).points == 10);
    CHECK(evaluate(basket({200000}), member(), p, kSat10).points == 20);
    auto ev = evaluate(basket({350000}), member(), p, kSat10);
    REQUIRE(ev.rules.size() == 1);
    CHECK(ev.rules[0].rule_id == "base");
    CHECK(ev.rules[0].explanation ==
          "Every 100,000 toman = 10 points: 350,000 IRT eligible → 30 points");
}

TEST_CASE("seed: 3 purchases in one month = 20 extra points, once per window", "[rules][seed]") {
    Program p = seed_programme();
    MemberState m = member();
    m.challenges[0].purchases = 1;  // this is the second purchase
    CHECK(evaluate(basket({100000}), m, p, kSat10).points == 10);
    m.challenges[0].purchases = 2;  // the third
    auto ev = evaluate(basket({100000}), m, p, kSat10);
    CHECK(ev.points == 30);
    REQUIRE(ev.bonuses.size() == 1);
    CHECK(ev.bonuses[0].key == "challenge:three:2026-11");
    m.challenges[0].awarded = true;  // already given this month
    m.challenges[0].purchases = 5;
    CHECK(evaluate(basket({100000}), m, p, kSat10).points == 10);
}

TEST_CASE("anonymous sales earn nothing and cannot redeem", "[rules]") {
    Program p = seed_programme();
    Basket b = basket({500000});
    b.member_id = 0;
    b.redeem_points = 60;
    auto ev = evaluate(b, MemberState{}, p, kSat10);
    CHECK(ev.points == 0);
    CHECK(ev.redeem_status == Status::RedemptionNotAllowed);
    CHECK(ev.amount_due == 500000);
}

TEST_CASE("property: a basket split into lines earns what the whole earns", "[rules][property]") {
    Program p = seed_programme();
    std::mt19937_64 rng(20261121);
    for (int round = 0; round < 500; ++round) {
        std::int64_t total = std::uniform_int_distribution<std::int64_t>(0, 50000000)(rng);
        int parts = std::uniform_int_distribution<int>(1, 12)(rng);
        std::vector<std::int64_t> cuts;
        for (int i = 0; i < parts - 1; ++i)
            cuts.push_back(std::uniform_int_distribution<std::int64_t>(0, total)(rng));
        std::sort(cuts.begin(), cuts.end());
        Basket split;
        split.member_id = 1;
        std::int64_t prev = 0;
        for (auto c : cuts) {
            split.lines.push_back({"S", "general", 1000, c - prev, 0, {}});
            prev = c;
        }
        split.lines.push_back({"S", "general", 1000, total - prev, 0, {}});
        auto whole = evaluate(basket({total}), member(), p, kSat10);
        auto parts_ev = evaluate(split, member(), p, kSat10);
        INFO("total " << total << " in " << parts << " lines");
        REQUIRE(parts_ev.points == whole.points);
        REQUIRE(parts_ev.points == total / 100000 * 10);
        // The per-line attribution adds up exactly.
        REQUIRE(std::accumulate(parts_ev.line_points.begin(), parts_ev.line_points.end(),
                                std::int64_t{0}) == parts_ev.points);
    }
}

TEST_CASE("multipliers, item points and exclusions are attributed per rule", "[rules]") {
    Program p = parse_program(R"({
      "spend": [{"id": "base", "points": 1, "per": 10000, "exclude_categories": ["tobacco"]}],
      "multipliers": [{"id": "coffee", "name": "Coffee x2", "factor": "2", "categories": ["coffee"]},
                      {"id": "cake", "name": "Cake x1.5", "factor": "1.5", "skus": ["CAKE"]}],
      "items": [{"id": "bag", "name": "Reusable bag", "points": 3, "skus": ["BAG"]}]
    })");
    Basket b;
    b.member_id = 1;
    b.lines = {{"LATTE", "coffee", 2000, 50000, 0, {}},  // 100,000 → 10, x2 → 20
               {"CAKE", "bakery", 1000, 40000, 0, {}},   // 40,000 → 4, x1.5 → 6
               {"CIG", "tobacco", 1000, 200000, 0, {}},  // excluded
               {"BAG", "bags", 2500, 0, 0, {}}};         // 2.5 bags x 3 = 7 (floor)
    auto ev = evaluate(b, member(), p, kSat10);
    CHECK(ev.points == 20 + 6 + 7);
    REQUIRE(ev.rules.size() == 4);
    CHECK(ev.rules[0].rule_id == "base");
    CHECK(ev.rules[0].points == 14);
    CHECK(ev.rules[1].rule_id == "coffee");
    CHECK(ev.rules[1].points == 10);
    CHECK(ev.rules[2].rule_id == "cake");
    CHECK(ev.rules[2].points == 2);
    CHECK(ev.rules[3].rule_id == "bag");
    CHECK(ev.rules[3].points == 7);
    CHECK(ev.line_points == std::vector<std::int64_t>{20, 6, 0, 7});
}

TEST_CASE("discounts, tax, service and tips count only where the rule says", "[rules]") {
    Program p = parse_program(R"({"spend": [
      {"id": "net", "points": 1, "per": 1000},
      {"id": "gross", "points": 1, "per": 1000, "after_discounts": false,
       "include_tax": true, "include_service": true, "include_tips": true}]})");
    Basket b;
    b.member_id = 1;
    b.lines = {{"A", "x", 1000, 10000, 3000, {}}};
    b.tax = 1000;
    b.service = 2000;
    b.tip = 500;
    auto ev = evaluate(b, member(), p, kSat10);
    CHECK(ev.rules[0].points == 7);       // 7,000 net of the discount
    CHECK(ev.rules[1].points == 10 + 3);  // 10,000 gross + 3,500 charges (floor)
    CHECK(ev.charge_points == 3);
    CHECK(ev.total == 7000 + 3500);
}

TEST_CASE("minimum basket: below it nothing is earned, and the quote says why", "[rules]") {
    Program p = parse_program(R"({"min_basket": 200000, "visit_points": 2,
      "spend": [{"id": "base", "points": 10, "per": 100000}]})");
    auto low = evaluate(basket({199999}), member(), p, kSat10);
    CHECK(low.points == 0);
    REQUIRE(low.rules.size() == 1);
    CHECK(low.rules[0].rule_id == "min_basket");
    auto ok = evaluate(basket({200000}), member(), p, kSat10);
    CHECK(ok.points == 20 + 2);
}

TEST_CASE("a Friday happy-hour promotion applies only in its local hours", "[rules]") {
    Program p = parse_program(R"({"spend": [{"id": "base", "points": 1, "per": 1000}],
      "promotions": [{"id": "hh", "name": "Happy hour", "factor": "2", "weekdays": ["fri"],
                      "start": "16:00", "end": "19:00"}]})");
    const std::int64_t fri = kSat10 - kDay;  // Friday 10:00 Tehran
    const std::int64_t hour = 3600000;
    CHECK(evaluate(basket({10000}), member(), p, fri).points == 10);
    CHECK(evaluate(basket({10000}), member(), p, fri + 6 * hour).points == 20);          // 16:00
    CHECK(evaluate(basket({10000}), member(), p, fri + 9 * hour - 60000).points == 20);  // 18:59
    CHECK(evaluate(basket({10000}), member(), p, fri + 9 * hour).points == 10);          // 19:00
    CHECK(evaluate(basket({10000}), member(), p, kSat10 + 6 * hour).points == 10);       // Saturday
}

TEST_CASE("birthday bonus in the birthday month, once a year, 29 February in common years",
          "[rules]") {
    Program p = parse_program(R"({"birthday": {"points": 50, "when": "day"}})");
    MemberState m = member();
    m.birth_month = 11;
    m.birth_day = 21;
    CHECK(evaluate(basket({1000}), m, p, kSat10).points == 50);
    CHECK(evaluate(basket({1000}), m, p, kSat10 + kDay).points == 0);
    m.birthday_awarded = true;
    CHECK(evaluate(basket({1000}), m, p, kSat10).points == 0);
    MemberState leap = member();
    leap.birth_month = 2;
    leap.birth_day = 29;
    const std::int64_t feb28_2027 = 1803796200000LL;  // 2027-02-28 10:00 Tehran
    CHECK(evaluate(basket({1000}), leap, p, feb28_2027).points == 50);
}

TEST_CASE("redemption: minimum, available balance and the basket share", "[rules]") {
    Program p = seed_programme();  // 1 point = 100 toman, at least 50, at most half the basket
    Basket b = basket({100000});
    b.redeem_points = 49;
    CHECK(evaluate(b, member(1000), p, kSat10).redeem_status == Status::RedemptionNotAllowed);
    b.redeem_points = 500;  // 50,000: exactly half
    auto ok = evaluate(b, member(1000), p, kSat10);
    CHECK(ok.redeem_status == Status::Ok);
    CHECK(ok.redeem_value == 50000);
    CHECK(ok.amount_due == 50000);
    CHECK(ok.redeemable_points == 500);
    b.redeem_points = 501;
    CHECK(evaluate(b, member(1000), p, kSat10).redeem_status == Status::RedemptionNotAllowed);
    b.redeem_points = 300;
    CHECK(evaluate(b, member(299), p, kSat10).redeem_status == Status::InsufficientPoints);
    CHECK(evaluate(basket({100000}), member(40), p, kSat10).redeemable_points == 0);  // under min
}

TEST_CASE("bad baskets are refused with a specific status", "[rules]") {
    Program p = seed_programme();
    auto status = [&](Basket b) {
        try {
            evaluate(b, member(), p, kSat10);
        } catch (const Error& e) {
            return e.status();
        }
        return Status::Ok;
    };
    CHECK(status(Basket{}) == Status::EmptyBasket);
    Basket neg = basket({1000});
    neg.lines[0].quantity_milli = -1000;
    CHECK(status(neg) == Status::InvalidAmount);
    Basket zero = basket({0});
    CHECK(status(zero) == Status::Ok);  // a free item is allowed and earns nothing
    Basket huge = basket({INT64_MAX, INT64_MAX});
    CHECK(status(huge) == Status::Overflow);
    Basket disc = basket({1000});
    disc.lines[0].discount = 1001;
    CHECK(status(disc) == Status::InvalidAmount);
}

TEST_CASE("windows follow local calendar months and weeks", "[calendar]") {
    // 2026-11-30 23:59 Tehran is still November; 2026-12-01 00:00 Tehran is December.
    const std::int64_t dec1 = 1796070600000LL;  // 2026-12-01 00:00 +03:30
    CHECK(window_of(Period::Month, dec1 - 60000, 210, 5).key == "2026-11");
    CHECK(window_of(Period::Month, dec1, 210, 5).key == "2026-12");
    CHECK(window_of(Period::Month, dec1, 210, 5).start_ms == dec1);
    Window w = window_of(Period::Week, kSat10, 210, 5);  // weeks start on Saturday
    CHECK(w.start_ms == kSat10 - 10 * 3600000);
    CHECK(w.end_ms - w.start_ms == 7 * kDay);
    Window leap = window_of(Period::Month, 1709188200000LL, 210, 5);  // 2024-02-29 Tehran
    CHECK(leap.key == "2024-02");
    CHECK(leap.end_ms - leap.start_ms == 29 * kDay);
}

TEST_CASE("expiry is the end of a local day, whatever the UTC date (Kademi#4759)",
          "[calendar][regression]") {
    // Earned at 23:30 Tehran on 2026-11-21 = 20:00 UTC the same day.
    const std::int64_t late = kSat10 + 13 * 3600000 + 30 * 60000;
    // Earned at 00:30 Tehran on 2026-11-22 = 21:00 UTC on the 21st: a different local day.
    const std::int64_t after_midnight = late + 3600000;
    const std::int64_t e1 = expiry_of(late, 30, 210);
    const std::int64_t e2 = expiry_of(after_midnight, 30, 210);
    CHECK(e2 - e1 == kDay);
    // Points earned on the 21st with 30 days expire when local 2026-12-21 ends.
    CHECK(e1 == 1797885000000LL);  // 2026-12-22 00:00 Tehran
}

TEST_CASE("a weighted tier score is exact and floored", "[rules][tiers]") {
    std::vector<ScoreTerm> terms(2);
    terms[0].weight = parse_rate("0.8");
    terms[1].weight = parse_rate("0.2");
    CHECK(weighted_score(terms, {500, 450}) == 490);
    CHECK(weighted_score(terms, {1, 1}) == 1);    // 0.8 + 0.2 is exactly 1, not 0.999…
    CHECK(weighted_score(terms, {1, 0}) == 0);    // 0.8 floors to 0
    CHECK(weighted_score(terms, {-1, 0}) == -1);  // floor, not truncation
}

TEST_CASE("explanations in the programme's language: Persian words, digits and currency",
          "[rules][phrases]") {
    Program p = parse_program(R"({
      "currency": "IRT", "language": "fa",
      "spend": [{"id": "base", "name": "Base", "names": {"fa": "پایه"}, "points": 10, "per": 100000}],
      "multipliers": [{"id": "x2", "name": "Double", "names": {"fa": "دوبرابر"}, "factor": "2",
                       "skus": ["SKU0"]}],
      "visit_points": 3,
      "tiers": {"levels": [{"id": "bronze", "name": "Bronze", "threshold": 0},
                           {"id": "gold", "name": "Gold", "names": {"fa": "طلایی"},
                            "threshold": 500}]}
    })");
    Evaluation ev = evaluate(basket({250000, 100000}), member(), p, kSat10, 0, {});
    REQUIRE(ev.rules.size() == 3);
    CHECK(ev.rules[0].explanation == "پایه: ۳۵۰٬۰۰۰ تومان مشمول ← ۳۰ امتیاز");
    CHECK(ev.rules[1].explanation == "دوبرابر (×۲) روی ۱ قلم: +۳۰ امتیاز");
    CHECK(ev.rules[2].explanation == "مراجعه: ۳ امتیاز");
    CHECK(progress_text(p, 0, 120, 0) == "۳۸۰ امتیاز تا طلایی");
    // The same programme in English keeps the English names and Latin digits.
    p.language = "en";
    ev = evaluate(basket({250000, 100000}), member(), p, kSat10, 0, {});
    CHECK(ev.rules[0].explanation == "Base: 350,000 IRT eligible → 30 points");
    CHECK(ev.rules[1].explanation == "Double (x2) on 1 line: +30 points");
    CHECK(progress_text(p, 0, 120, 0) == "380 points to Gold");
}

TEST_CASE("a programme words the phrases its own way, per language", "[rules][phrases]") {
    const Program p = parse_program(R"({
      "currency": "IRT", "language": "fa-IR",
      "spend": [{"id": "base", "name": "Base", "points": 10, "per": 100000}],
      "phrases": {"fa": {"spend": "{points} امتیاز از {eligible} خرید"},
                  "en": {"visit": "Thanks for coming: {points} points"}}
    })");
    const Evaluation ev = evaluate(basket({200000}), member(), p, kSat10, 0, {});
    CHECK(ev.rules[0].explanation == "۲۰ امتیاز از ۲۰۰٬۰۰۰ تومان خرید");  // "fa-IR" finds "fa"
    // Kept in the programme's canonical form.
    CHECK(program_to_json(p).find("\"phrases\"") != std::string::npos);
    const auto error_of = [](const std::string& json) {
        try {
            parse_program(json);
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    CHECK(error_of(R"({"phrases": {"fa": {"spnd": "x"}}})").find("not a phrase") !=
          std::string::npos);
    CHECK(error_of(R"({"phrases": {"fa": {"spend": "{pionts}"}}})").find("{pionts}") !=
          std::string::npos);
    CHECK(error_of(R"({"phrases": {"fa": {"spend": "{points"}}})").find("without its") !=
          std::string::npos);
    CHECK(error_of(R"({"phrases": {"fa": "x"}})").find("phrases") != std::string::npos);
}

// Rules and coupons that other loyalty systems' test suites exercise (Odoo loyalty and
// pos_loyalty, ERPNext pricing rules, Open Loyalty earning rules).

TEST_CASE("peers: a spend rule that stops the rules after it", "[rules][peers]") {
    Program p = parse_program(R"({"currency": "IRT",
      "spend": [{"id": "coffee", "points": 5, "per": 10000, "categories": ["coffee"], "stop": true},
                {"id": "base", "points": 1, "per": 10000}]})");
    Basket b = basket({100000});
    b.lines[0].category = "coffee";
    auto coffee = evaluate(b, member(), p, kSat10);
    CHECK(coffee.points == 50);  // the base rule after it gives nothing
    REQUIRE(coffee.rules.size() == 1);
    CHECK(coffee.rules[0].rule_id == "coffee");
    auto other = evaluate(basket({100000}), member(), p, kSat10);
    CHECK(other.points == 10);  // the stop rule gave nothing, so the base rule applies
    // The programme file says so, and reads back equal.
    CHECK(program_to_json(parse_program(program_to_json(p))) == program_to_json(p));
    CHECK(program_to_json(p).find("\"stop\": true") != std::string::npos);
}

TEST_CASE("peers: rules limited to some branches and tills", "[rules][peers]") {
    Program p = parse_program(R"({"currency": "IRT",
      "spend": [{"id": "base", "points": 1, "per": 10000},
                {"id": "airport", "points": 2, "per": 10000, "branches": ["airport"]}],
      "multipliers": [{"id": "t9", "factor": "2", "terminals": ["T9"]}],
      "items": [{"id": "cake", "points": 7, "skus": ["CAKE"], "branches": ["north"]}]})");
    Basket b = basket({100000});
    b.lines[0].sku = "CAKE";
    CHECK(evaluate(b, member(), p, kSat10).points == 10);
    b.branch = "airport";
    CHECK(evaluate(b, member(), p, kSat10).points == 10 + 20);
    b.terminal = "T9";
    CHECK(evaluate(b, member(), p, kSat10).points == 2 * (10 + 20));
    b.branch = "north";
    CHECK(evaluate(b, member(), p, kSat10).points == 2 * 10 + 7);
    CHECK(program_to_json(p).find("\"terminals\": [\n        \"T9\"") != std::string::npos);
    CHECK_THROWS_AS(parse_program(R"({"spend": [{"id": "x", "points": 1, "per": 1,
        "branches": "airport"}]})"),
                    Error);
}

TEST_CASE("peers: a bonus on a member's first purchase ever", "[rules][peers]") {
    Program p = parse_program(R"({"currency": "IRT", "first_purchase_points": 100,
      "spend": [{"id": "base", "points": 1, "per": 10000}]})");
    auto first = evaluate(basket({100000}), member(), p, kSat10);
    CHECK(first.points == 110);
    REQUIRE(first.bonuses.size() == 1);
    CHECK(first.bonuses[0].rule_id == "first_purchase");
    MemberState again = member();
    again.has_purchased = true;
    CHECK(evaluate(basket({100000}), again, p, kSat10).points == 10);
    MemberState guest;
    CHECK(evaluate(basket({100000}), guest, p, kSat10).points == 0);
}

TEST_CASE("peers: redemption only in multiples of N points", "[rules][peers]") {
    Program p = parse_program(R"({"currency": "IRT",
      "spend": [{"id": "base", "points": 1, "per": 10000}],
      "redeem": {"point_value": "100", "multiple_of": 50}})");
    Basket b = basket({1000000});
    b.redeem_points = 120;
    auto refused = evaluate(b, member(180), p, kSat10);
    CHECK(refused.redeem_status == Status::RedemptionNotAllowed);
    CHECK(refused.redeem_message == "points are redeemed in multiples of 50");
    CHECK(refused.redeemable_points == 150);  // what may be offered: 180 down to a multiple
    b.redeem_points = 150;
    auto ok = evaluate(b, member(180), p, kSat10);
    CHECK(ok.redeem_status == Status::Ok);
    CHECK(ok.redeem_value == 15000);
}

TEST_CASE("peers: a coupon needing a minimum quantity, and a minimum counted with tax",
          "[rules][peers]") {
    Program p = parse_program(R"({"currency": "IRT",
      "campaigns": [{"id": "two", "effect": "amount", "amount": 1000, "code": "TWO",
                     "skus": ["LATTE"], "min_quantity": 2},
                    {"id": "taxed", "effect": "amount", "amount": 1000, "code": "TAXED",
                     "min_basket": 110000, "min_basket_with_tax": true}]})");
    auto with = [&](const char* code, Basket b) {
        std::vector<CouponCandidate> c(1);
        c[0].code = code;
        c[0].campaign = p.campaign(code == std::string("TWO") ? "two" : "taxed");
        return evaluate(b, member(), p, kSat10, 0, c).coupons[0];
    };
    Basket one = basket({50000});
    one.lines[0].sku = "LATTE";
    auto refused = with("TWO", one);
    CHECK(refused.status == Status::CouponRejected);
    CHECK(refused.message == "1 eligible item in the basket, 2 needed");
    Basket two = one;
    two.lines[0].quantity_milli = 2000;
    CHECK(with("TWO", two).status == Status::Ok);
    // 100,000 of goods: below 110,000 without tax, above it with 10,000 of tax.
    Basket goods = basket({100000});
    CHECK(with("TAXED", goods).status == Status::CouponRejected);
    goods.tax = 10000;
    CHECK(with("TAXED", goods).status == Status::Ok);
}

TEST_CASE("peers: a discount on the cheapest eligible item", "[rules][peers]") {
    Program p = parse_program(R"({"currency": "IRT",
      "campaigns": [{"id": "half", "effect": "cheapest", "percent": "0.5", "code": "HALF",
                     "categories": ["bakery"]},
                    {"id": "free", "effect": "cheapest", "code": "FREE"}]})");
    Basket b = basket({90000, 15000, 10000});
    b.lines[0].category = b.lines[1].category = "bakery";
    b.lines[1].quantity_milli = 2000;  // two at 15,000 each: the cheapest bakery unit
    std::vector<CouponCandidate> c(1);
    c[0].code = "HALF";
    c[0].campaign = p.campaign("half");
    auto ev = evaluate(b, member(), p, kSat10, 0, c);
    CHECK(ev.coupons[0].status == Status::Ok);
    CHECK(ev.coupons[0].discount == 7500);
    CHECK(ev.line_coupon_discounts == std::vector<std::int64_t>{0, 7500, 0});
    c[0].code = "FREE";
    c[0].campaign = p.campaign("free");
    auto free = evaluate(b, member(), p, kSat10, 0, c);
    CHECK(free.coupons[0].discount == 10000);  // the cheapest item of all
    CHECK(free.line_coupon_discounts == std::vector<std::int64_t>{0, 0, 10000});
    CHECK(program_to_json(p).find("\"effect\": \"cheapest\"") != std::string::npos);
}

TEST_CASE("peers: a cap on the points a member earns a day", "[rules][peers]") {
    Program p = parse_program(R"({"currency": "IRT", "visit_points": 5,
      "spend": [{"id": "base", "points": 1, "per": 10000}],
      "earn_cap": {"points": 100, "per": "day"}})");
    auto capped = evaluate(basket({600000, 600000}), member(), p, kSat10);
    CHECK(capped.points == 100);  // 120 + 5 earned, 100 allowed
    std::int64_t lines = 0;
    for (auto x : capped.line_points)
        lines += x;
    std::int64_t bonus = 0;
    for (const auto& b : capped.bonuses)
        bonus += b.points;
    CHECK(lines + capped.charge_points + bonus == 100);
    std::int64_t explained = 0;
    for (const auto& r : capped.rules)
        explained += r.points;
    CHECK(explained == 100);  // the breakdown still adds up, with the cap's own line
    CHECK(capped.rules.back().rule_id == "earn_cap");
    CHECK(capped.rules.back().explanation == "At most 100 points a day: -25 points");
    MemberState busy = member();
    busy.earned_in_cap_period = 90;
    CHECK(evaluate(basket({600000}), busy, p, kSat10).points == 10);
    busy.earned_in_cap_period = 150;
    CHECK(evaluate(basket({600000}), busy, p, kSat10).points == 0);
    CHECK(evaluate(basket({100000}), member(), p, kSat10).points == 15);  // under the cap
    CHECK(program_to_json(p).find("\"earn_cap\"") != std::string::npos);
}
