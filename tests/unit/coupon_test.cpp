// Coupons, wallet, rewards, referral, partners and draws through the C++ API.
#include <catch2/catch.hpp>

#ifndef _WIN32  // the two-process race below needs fork()
#include <sys/wait.h>
#include <unistd.h>
#endif

#include <numeric>
#include <set>

#include "db_fixture.hpp"
#include "loyalty/coupons.hpp"

using namespace loyalty;
using namespace fixture;

namespace {

// 10 points per whole 100,000 IRR; 1 point = 1,000 IRR.
std::string programme(const std::string& campaigns, const std::string& extra = "") {
    return R"({"currency": "IRR",
      "spend": [{"id": "base", "points": 10, "per": 100000}],
      "redeem": {"point_value": "1000", "max_share": "1"},
      "tiers": {"levels": [{"id": "basic", "threshold": 0}, {"id": "gold", "threshold": 1000}]},
      "partners": [{"id": "cinema", "name": "Azadi Cinema"}],
      "campaigns": [)" +
           campaigns + "]" + extra + "}";
}

Basket with_coupons(Basket b, std::initializer_list<const char*> codes) {
    for (auto c : codes)
        b.coupons.push_back(c);
    return b;
}

const CouponResult& only(const Quote& q) {
    REQUIRE(q.coupons.size() == 1);
    return q.coupons[0];
}

}  // namespace

TEST_CASE("a percent coupon with a cap, points are earned on what is paid", "[coupons]") {
    auto db = open(temp_path("c-percent.db"));
    db->load_program(programme(R"({"id": "ten", "name": "10% off", "effect": "percent",
        "percent": "0.1", "cap": 50000, "code": "TEN10"})"));
    auto m = db->enrol(phone("09121234567"));
    auto q = db->quote(with_coupons(basket(m.id, {400000}), {"ten10"}));
    CHECK(only(q).status == Status::Ok);
    CHECK(only(q).discount == 40000);
    CHECK(q.total == 360000);
    CHECK(q.points_earned == 30);  // 360,000 → 3 blocks
    auto capped = db->quote(with_coupons(basket(m.id, {900000}), {"TEN10"}));
    CHECK(only(capped).discount == 50000);  // 90,000 capped at 50,000
    auto r = db->commit(with_coupons(basket(m.id, {400000}), {"TEN10"}), "S1");
    CHECK(r.coupon_discount == 40000);
    REQUIRE(r.coupons.size() == 1);
    CHECK(r.coupons[0].campaign_id == "ten");
    CHECK(db->verify().ok());
}

TEST_CASE("conditions at their boundaries: minimum, dates, hours, branch, tier, segment",
          "[coupons]") {
    auto db = open(temp_path("c-conditions.db"));
    db->load_program(programme(R"(
        {"id": "min", "effect": "amount", "amount": 10000, "code": "MIN", "min_basket": 200000},
        {"id": "dates", "effect": "amount", "amount": 10000, "code": "DATES", "from": "2026-11-21", "to": "2026-11-22"},
        {"id": "hh", "effect": "amount", "amount": 10000, "code": "HH", "start": "10:00", "end": "11:00"},
        {"id": "north", "effect": "amount", "amount": 10000, "code": "NORTH", "branches": ["north"]},
        {"id": "gold", "effect": "amount", "amount": 10000, "code": "GOLD", "tiers": ["gold"]},
        {"id": "vip", "effect": "amount", "amount": 10000, "code": "VIP", "tag": "vip"},
        {"id": "food", "effect": "percent", "percent": "0.5", "code": "FOOD", "categories": ["food"]})"));
    auto m = db->enrol(phone("09121234567"));
    auto status = [&](const char* code, Basket b) {
        return only(db->quote(with_coupons(b, {code}))).status;
    };
    CHECK(status("MIN", basket(m.id, {199999})) == Status::CouponRejected);
    CHECK(status("MIN", basket(m.id, {200000})) == Status::Ok);
    CHECK(status("DATES", basket(m.id, {1000})) == Status::Ok);  // 21 November 10:00
    db->set_clock(1795379400000LL);                              // 23 November 00:00 Tehran
    CHECK(status("DATES", basket(m.id, {1000})) == Status::CouponRejected);
    db->set_clock(1795379400000LL - 1);  // the last millisecond of the 22nd
    CHECK(status("DATES", basket(m.id, {1000})) == Status::Ok);
    db->set_clock(kT0);  // 10:00 exactly
    CHECK(status("HH", basket(m.id, {1000})) == Status::Ok);
    db->set_clock(kT0 + 3600000);  // 11:00: the end is exclusive
    CHECK(status("HH", basket(m.id, {1000})) == Status::CouponRejected);
    db->set_clock(kT0);
    Basket north = basket(m.id, {1000});
    north.branch = "north";
    CHECK(status("NORTH", north) == Status::Ok);
    CHECK(status("NORTH", basket(m.id, {1000})) == Status::CouponRejected);
    CHECK(status("GOLD", basket(m.id, {1000})) == Status::CouponRejected);
    CHECK(status("VIP", basket(m.id, {1000})) == Status::CouponRejected);
    MemberFields tag;
    tag.tags = std::vector<std::string>{"vip"};
    db->update(m.id, tag);
    CHECK(status("VIP", basket(m.id, {1000})) == Status::Ok);
    Basket mixed;
    mixed.member_id = m.id;
    mixed.lines = {{"RICE", "food", 1000, 100000, 0, {}}, {"SOAP", "home", 1000, 100000, 0, {}}};
    auto q = db->quote(with_coupons(mixed, {"FOOD"}));
    CHECK(only(q).discount == 50000);  // half of the food line only
    auto r = db->commit(with_coupons(mixed, {"FOOD"}), "S1");
    // Returning the soap gives back its full price; the rice its discounted price.
    CHECK(db->refund(r.sale_id, {{2, 1000}}, "R1").refund_amount == 100000);
    CHECK(db->refund(r.sale_id, {{1, 1000}}, "R2").refund_amount == 50000);
}

TEST_CASE("limits: total uses, uses per member, single-use codes and the budget", "[coupons]") {
    auto db = open(temp_path("c-limits.db"));
    db->load_program(programme(R"(
        {"id": "two", "effect": "amount", "amount": 1000, "code": "TWO", "max_uses": 2},
        {"id": "once", "effect": "amount", "amount": 1000, "code": "ONCE", "max_uses_per_member": 1},
        {"id": "batch", "effect": "amount", "amount": 1000},
        {"id": "budget", "effect": "amount", "amount": 60000, "code": "BUDGET", "budget": 100000})"));
    auto a = db->enrol(phone("09121234567"));
    auto b = db->enrol(phone("09121234568"));
    db->commit(with_coupons(basket(a.id, {10000}), {"TWO"}), "T1");
    db->commit(with_coupons(basket(b.id, {10000}), {"TWO"}), "T2");
    CHECK(status_of([&] { db->commit(with_coupons(basket(a.id, {10000}), {"TWO"}), "T3"); }) ==
          Status::CouponRejected);
    db->commit(with_coupons(basket(a.id, {10000}), {"ONCE"}), "O1");
    CHECK(only(db->quote(with_coupons(basket(a.id, {10000}), {"ONCE"}))).message ==
          "the member has used this campaign already");
    CHECK(only(db->quote(with_coupons(basket(b.id, {10000}), {"ONCE"}))).status == Status::Ok);
    auto batch = db->create_coupon_batch("batch", 3, "B1");
    auto codes = db->coupon_batch_codes(batch);
    REQUIRE(codes.size() == 3);
    db->commit(with_coupons(basket(a.id, {10000}), {codes[0].c_str()}), "C1");
    CHECK(only(db->quote(with_coupons(basket(b.id, {10000}), {codes[0].c_str()}))).message ==
          "the coupon has been used");
    CHECK(db->coupon(codes[0]).uses == 1);
    // Budget 100,000 of 60,000 coupons: the second gives only the 40,000 left, the third nothing.
    CHECK(db->commit(with_coupons(basket(a.id, {100000}), {"BUDGET"}), "G1").coupon_discount ==
          60000);
    CHECK(db->commit(with_coupons(basket(b.id, {100000}), {"BUDGET"}), "G2").coupon_discount ==
          40000);
    CHECK(only(db->quote(with_coupons(basket(a.id, {100000}), {"BUDGET"}))).message ==
          "the campaign's budget is used up");
}

TEST_CASE("a member's uses of a campaign are counted through the member's sales",
          "[coupons][storage]") {
    const auto path = temp_path("c-member-uses.db");
    auto db = open(path);
    db->load_program(programme(
        R"({"id": "twice", "effect": "amount", "amount": 1000, "code": "TWICE",
            "max_uses_per_member": 2, "combinable": true},
           {"id": "other", "effect": "amount", "amount": 500, "code": "OTHER", "combinable": true})",
        R"(, "claims": {"window_days": 30})"));
    auto a = db->enrol(phone("09121234567"));
    auto b = db->enrol(phone("09121234568"));
    // Another member's uses are theirs, and another campaign's use in the same sale is not one.
    db->commit(with_coupons(basket(b.id, {10000}), {"TWICE"}), "B1");
    db->commit(with_coupons(basket(b.id, {10000}), {"TWICE"}), "B2");
    auto first = db->commit(with_coupons(basket(a.id, {10000}), {"TWICE", "OTHER"}), "A1");
    REQUIRE(first.coupons.size() == 2);
    for (int i = 0; i < 30; ++i)
        db->commit(basket(a.id, {10000}), "A-plain-" + std::to_string(i));
    CHECK(only(db->quote(with_coupons(basket(a.id, {10000}), {"TWICE"}))).status == Status::Ok);
    // An anonymous sale's use stays nobody's when a member claims the sale.
    auto anon = db->commit(with_coupons(basket(0, {10000}), {"TWICE"}), "N1");
    db->claim_sale(anon.sale_id, a.id, "cashier", "C1");
    CHECK(only(db->quote(with_coupons(basket(a.id, {10000}), {"TWICE"}))).status == Status::Ok);
    db->commit(with_coupons(basket(a.id, {10000}), {"TWICE"}), "A2");
    CHECK(only(db->quote(with_coupons(basket(a.id, {10000}), {"TWICE"}))).message ==
          "the member has used this campaign already");
    // A refunded sale's use no longer counts.
    db->refund(first.sale_id, {}, "R1");
    CHECK(only(db->quote(with_coupons(basket(a.id, {10000}), {"TWICE"}))).status == Status::Ok);
    // No index of the uses by campaign is kept; the member's sales carry their ranges of uses.
    CHECK(raw_int(path,
                  "SELECT COUNT(*) FROM pragma_index_list('coupon_uses') l, "
                  "pragma_index_info(l.name) i WHERE i.name = 'campaign_id'") == 0);
    CHECK(raw_int(path, "SELECT COUNT(*) FROM member_sales WHERE member_id = " +
                            std::to_string(a.id) + " AND uses_from IS NOT NULL") == 3);
    CHECK(db->verify().ok());
}

TEST_CASE("a campaign's totals are kept for the campaigns a programme limits",
          "[coupons][storage]") {
    const auto path = temp_path("c-campaign-totals.db");
    auto db = open(path);
    const auto campaigns = [](const std::string& free_limit) {
        return programme(R"({"id": "free", "effect": "amount", "amount": 1000, "code": "FREE")" +
                         free_limit + R"(},
            {"id": "capped", "effect": "amount", "amount": 1000, "code": "CAP", "max_uses": 3,
             "combinable": true},
            {"id": "budget", "effect": "amount", "amount": 1000, "code": "BUD", "budget": 5000,
             "combinable": true})");
    };
    const auto rows = [&path](const char* campaign) {
        return raw_int(path, std::string("SELECT COUNT(*) FROM campaign_totals WHERE "
                                         "campaign_id = '") +
                                 campaign + "'");
    };
    const auto uses = [&path](const char* campaign) {
        return raw_int(path, std::string("SELECT uses FROM campaign_totals WHERE campaign_id = '") +
                                 campaign + "'");
    };
    db->load_program(campaigns(""));
    auto m = db->enrol(phone("09121234567"));
    // The limited campaigns have totals from the programme's load on; the other none, used or not.
    CHECK(rows("capped") == 1);
    CHECK(rows("budget") == 1);
    auto f1 = db->commit(with_coupons(basket(m.id, {10000}), {"FREE"}), "F1");
    db->commit(with_coupons(basket(m.id, {10000}), {"FREE"}), "F2");
    db->commit(with_coupons(basket(m.id, {10000}), {"CAP", "BUD"}), "C1");
    CHECK(rows("free") == 0);
    CHECK(uses("capped") == 1);
    CHECK(uses("budget") == 1);
    // A programme that limits it starts its totals from its uses so far: one more, then no more.
    db->load_program(campaigns(R"(, "max_uses": 3)"));
    CHECK(uses("free") == 2);
    db->commit(with_coupons(basket(m.id, {10000}), {"FREE"}), "F3");
    CHECK(only(db->quote(with_coupons(basket(m.id, {10000}), {"FREE"}))).message ==
          "the campaign's uses are used up");
    // A restore gives the use back, and a later programme without the limit keeps counting.
    db->refund(f1.sale_id, {}, "R1");
    CHECK(uses("free") == 2);
    db->load_program(campaigns(""));
    db->commit(with_coupons(basket(m.id, {10000}), {"FREE"}), "F4");
    CHECK(uses("free") == 3);
    CHECK(db->verify().ok());
    // Totals changed or taken away by hand: found, and written again by a rebuild; meanwhile
    // the limit counts the uses themselves.
    raw_exec(path, "UPDATE campaign_totals SET uses = 0 WHERE campaign_id = 'capped'");
    CHECK_FALSE(db->verify().ok());
    CHECK(db->rebuild() > 0);
    CHECK(uses("capped") == 1);
    raw_exec(path, "DELETE FROM campaign_totals WHERE campaign_id = 'free'");
    db->load_program(campaigns(R"(, "max_uses": 3)"));  // its totals start again
    CHECK(uses("free") == 3);
    raw_exec(path, "DELETE FROM campaign_totals WHERE campaign_id = 'free'");
    CHECK(only(db->quote(with_coupons(basket(m.id, {10000}), {"FREE"}))).message ==
          "the campaign's uses are used up");
    const auto report = db->verify();
    REQUIRE(report.problems.size() == 1);
    CHECK(report.problems[0] == "campaign free: a programme limits it, but it has no totals");
    CHECK(db->rebuild() > 0);
    CHECK(uses("free") == 3);
    CHECK(db->verify().ok());
}

TEST_CASE("stacking: priority order, exclusive and combinable coupons", "[coupons]") {
    auto db = open(temp_path("c-stack.db"));
    db->load_program(programme(R"(
        {"id": "big", "name": "Big exclusive", "effect": "percent", "percent": "0.2", "code": "BIG", "priority": 10},
        {"id": "a", "name": "A", "effect": "amount", "amount": 1000, "code": "A", "combinable": true, "priority": 5},
        {"id": "b", "name": "B", "effect": "amount", "amount": 2000, "code": "B", "combinable": true, "priority": 1},
        {"id": "small", "name": "Small exclusive", "effect": "amount", "amount": 500, "code": "SMALL"})"));
    auto m = db->enrol(phone("09121234567"));
    // The exclusive coupon comes first by priority; the others are rejected, whatever the order
    // typed.
    auto q = db->quote(with_coupons(basket(m.id, {100000}), {"A", "BIG"}));
    CHECK(q.coupons[1].status == Status::Ok);
    CHECK(q.coupons[0].status == Status::CouponRejected);
    CHECK(q.coupons[0].message == "not combinable with Big exclusive");
    // Two combinable coupons both apply, in priority order.
    auto q2 = db->quote(with_coupons(basket(m.id, {100000}), {"B", "A"}));
    CHECK(q2.coupons[0].status == Status::Ok);
    CHECK(q2.coupons[1].status == Status::Ok);
    CHECK(q2.coupon_discount == 3000);
    // An exclusive coupon after a combinable one is refused.
    auto q3 = db->quote(with_coupons(basket(m.id, {100000}), {"A", "SMALL"}));
    CHECK(q3.coupons[0].status == Status::Ok);
    CHECK(q3.coupons[1].message == "not combinable with A");
    // The same campaign twice.
    auto q4 = db->quote(with_coupons(basket(m.id, {100000}), {"A", "a"}));
    CHECK(q4.coupons[1].message == "this campaign is already applied to the basket");
}

TEST_CASE(
    "overlapping fixed-amount coupons: the same discount in any scan order, the most "
    "that can be given",
    "[coupons][regression]") {
    auto db = open(temp_path("c-overlap.db"));
    // -5.00 on A and B, -10.00 on A alone (amounts in rials here: 500 and 1000).
    db->load_program(programme(R"(
        {"id": "ab", "name": "5 off A or B", "effect": "amount", "amount": 500, "code": "AB",
         "skus": ["A", "B"], "combinable": true},
        {"id": "a", "name": "10 off A", "effect": "amount", "amount": 1000, "code": "ONLYA",
         "skus": ["A"], "combinable": true})"));
    auto m = db->enrol(phone("09121234567"));
    Basket b;
    b.member_id = m.id;
    b.lines = {{"A", "general", 1000, 1000, 0, {}}, {"B", "general", 1000, 200, 0, {}}};
    const auto one = db->quote(with_coupons(b, {"AB", "ONLYA"}));
    const auto other = db->quote(with_coupons(b, {"ONLYA", "AB"}));
    // 12.00 is the most: 10 off A, and the 5 off goes to B, which costs only 2.
    CHECK(one.coupon_discount == 1200);
    CHECK(other.coupon_discount == 1200);
    CHECK(one.coupons[0].discount == 200);
    CHECK(one.coupons[1].discount == 1000);
    CHECK(other.coupons[0].discount == 1000);
    CHECK(other.coupons[1].discount == 200);
    CHECK(one.total == 0);
    // Without contention each amount is still spread in proportion over its lines.
    Basket wide = b;
    wide.lines[1].unit_price = 5000;
    const auto spread = db->commit(with_coupons(wide, {"ONLYA", "AB"}), "S-wide");
    CHECK(spread.coupon_discount == 1500);
    // A refund of B returns B's share of the 5 off: (5000 / 5000) of what was left after A.
    REQUIRE(spread.coupons.size() == 2);
    CHECK(db->verify().ok());
}

TEST_CASE("any scan order of a basket's coupons gives the same discounts", "[coupons][property]") {
    auto db = open(temp_path("c-orders.db"));
    db->load_program(programme(R"(
        {"id": "p10", "name": "10% off drinks", "effect": "percent", "percent": "0.1", "code": "P10",
         "categories": ["drink"], "combinable": true},
        {"id": "a3", "name": "3,000 off food", "effect": "amount", "amount": 3000, "code": "A3",
         "categories": ["food"], "combinable": true},
        {"id": "a5", "name": "5,000 off", "effect": "amount", "amount": 5000, "code": "A5",
         "combinable": true},
        {"id": "a4", "name": "4,000 off cake", "effect": "amount", "amount": 4000, "code": "A4",
         "skus": ["CAKE"], "combinable": true},
        {"id": "x", "name": "Exclusive", "effect": "amount", "amount": 7000, "code": "X"})"));
    auto m = db->enrol(phone("09121234567"));
    fixture::Lcg next{12345};
    const char* skus[] = {"CAKE", "BREAD", "TEA", "LATTE"};
    const char* cats[] = {"food", "food", "drink", "drink"};
    for (int round = 0; round < 200; ++round) {
        Basket b;
        b.member_id = m.id;
        const auto lines = 1 + next(4);
        for (std::uint64_t i = 0; i < lines; ++i) {
            const auto k = next(4);
            b.lines.push_back(
                {skus[k], cats[k], 1000, static_cast<std::int64_t>(500 + next(6000)), 0, {}});
        }
        std::vector<std::string> codes = {"P10", "A3", "A5", "A4"};
        if (next(3) == 0) codes.push_back("X");
        codes.resize(1 + next(codes.size()));
        Basket first = b;
        for (const auto& c : codes)
            first.coupons.push_back(c);
        const auto reference = db->quote(first);
        std::int64_t gross = 0;
        for (const auto& l : b.lines)
            gross += l.unit_price;
        CHECK(reference.coupon_discount <= gross);
        for (int shuffle = 0; shuffle < 4; ++shuffle) {
            std::vector<std::size_t> perm(codes.size());
            std::iota(perm.begin(), perm.end(), 0);
            for (std::size_t i = perm.size(); i > 1; --i)
                std::swap(perm[i - 1], perm[next(i)]);
            Basket again = b;
            for (auto i : perm)
                again.coupons.push_back(codes[i]);
            const auto q = db->quote(again);
            CHECK(q.coupon_discount == reference.coupon_discount);
            CHECK(q.total == reference.total);
            for (std::size_t i = 0; i < perm.size(); ++i) {
                CHECK(q.coupons[i].status == reference.coupons[perm[i]].status);
                CHECK(q.coupons[i].discount == reference.coupons[perm[i]].discount);
            }
        }
    }
}

TEST_CASE("automatic promotions apply by the basket alone, within their limits",
          "[coupons][promotions]") {
    auto db = open(temp_path("c-auto.db"));
    db->load_program(programme(R"(
        {"id": "cake", "name": "2,000 off cake", "effect": "amount", "amount": 2000, "auto": true,
         "skus": ["CAKE"], "combinable": true, "max_uses_per_member": 2},
        {"id": "gold", "name": "50 points for gold", "effect": "bonus_points", "points": 50,
         "auto": true, "tiers": ["gold"], "combinable": true},
        {"id": "north", "name": "30 points up north", "effect": "bonus_points", "points": 30,
         "auto": true, "branches": ["north"], "combinable": true},
        {"id": "ten", "name": "10% off", "effect": "percent", "percent": "0.1", "code": "TEN",
         "combinable": true})"));
    auto m = db->enrol(phone("09121234567"));
    Basket b;
    b.member_id = m.id;
    b.lines = {{"CAKE", "bakery", 1000, 100000, 0, {}}};
    auto q = db->quote(b);
    REQUIRE(q.coupons.size() == 1);  // the cake promotion; the gold one does not apply
    CHECK(q.coupons[0].code.empty());
    CHECK(q.coupons[0].automatic);
    CHECK(q.coupons[0].campaign_id == "cake");
    CHECK(q.coupon_discount == 2000);
    // With a code presented: the code first (basket order), then the promotion.
    auto both = db->quote(with_coupons(b, {"TEN"}));
    REQUIRE(both.coupons.size() == 2);
    CHECK(both.coupons[0].code == "TEN");
    CHECK(both.coupons[1].campaign_id == "cake");
    CHECK(both.coupon_discount == 10000 + 2000);
    // Nothing eligible: no promotion, and the sale commits.
    Basket bread = b;
    bread.lines[0].sku = "BREAD";
    CHECK(db->quote(bread).coupons.empty());
    // Twice per member, then it stops applying (and is not refused).
    auto r1 = db->commit(b, "S1");
    CHECK(r1.coupon_discount == 2000);
    CHECK(db->commit(b, "S2").coupon_discount == 2000);
    auto r3 = db->commit(b, "S3");
    CHECK(r3.coupon_discount == 0);
    CHECK(r3.coupons.empty());
    // A refund gives the use back.
    db->refund(r1.sale_id, {}, "R1");
    CHECK(db->quote(b).coupon_discount == 2000);
    // +N points at one branch, as well as money off.
    Basket north = b;
    north.branch = "north";
    auto there = db->quote(north);
    REQUIRE(there.coupons.size() == 2);
    CHECK(there.coupons[1].campaign_id == "north");
    CHECK(there.points_earned == 30);
    CHECK(db->commit(north, "S4").points_earned == 30);
    CHECK(db->verify().ok());
}

TEST_CASE("a promotion limited per member per day (Square's trigger limit)",
          "[coupons][promotions]") {
    auto db = open(temp_path("c-auto-day.db"));
    db->load_program(programme(R"(
        {"id": "coffee", "name": "Coffee 1,000 off", "effect": "amount", "amount": 1000,
         "auto": true, "max_uses_per_member": 1, "max_uses_per_member_per": "day"})"));
    auto m = db->enrol(phone("09121234567"));
    CHECK(db->commit(basket(m.id, {50000}), "D1").coupon_discount == 1000);
    CHECK(db->commit(basket(m.id, {50000}), "D2").coupon_discount == 0);
    db->set_clock(db->now() + 86400000);  // the next day
    CHECK(db->commit(basket(m.id, {50000}), "D3").coupon_discount == 1000);
    CHECK(db->export_program().find("\"max_uses_per_member_per\": \"day\"") != std::string::npos);
}

TEST_CASE("free item, bonus points and multiplier coupons", "[coupons]") {
    auto db = open(temp_path("c-effects.db"));
    db->load_program(programme(R"(
        {"id": "free", "name": "Free latte", "effect": "free_item", "sku": "LATTE", "code": "LATTE"},
        {"id": "bonus", "name": "100 bonus points", "effect": "bonus_points", "points": 100, "code": "BONUS", "combinable": true},
        {"id": "triple", "name": "Triple points on coffee", "effect": "multiplier", "factor": "3",
         "categories": ["coffee"], "code": "TRIPLE", "combinable": true})"));
    auto m = db->enrol(phone("09121234567"));
    Basket b;
    b.member_id = m.id;
    b.lines = {{"LATTE", "coffee", 2000, 95000, 0, {}}, {"CAKE", "bakery", 1000, 110000, 0, {}}};
    auto q = db->quote(with_coupons(b, {"LATTE"}));
    CHECK(only(q).discount == 95000);  // one latte
    CHECK(q.total == 205000);
    auto q2 = db->quote(with_coupons(b, {"BONUS", "TRIPLE"}));
    // 300,000 → 30 points; coffee lines' share (19) x3 → +38; +100 bonus.
    CHECK(q2.points_earned == 30 + 38 + 100);
    CHECK(q2.coupons[0].points == 100);
    CHECK(q2.coupons[1].points == 38);
    auto r = db->commit(with_coupons(b, {"BONUS", "TRIPLE"}), "S1");
    CHECK(r.points_earned == 168);
    CHECK(db->void_sale(r.sale_id, "V1").points_earned == 168);
    CHECK(db->member(m.id).balance == 0);
    CHECK(status_of([&] { db->quote(with_coupons(basket(0, {1000}), {"BONUS"})); }) == Status::Ok);
    CHECK(only(db->quote(with_coupons(basket(0, {1000}), {"BONUS"}))).message ==
          "for club members only");
}

TEST_CASE("a typo is caught before any lookup, a refused coupon refuses the commit", "[coupons]") {
    auto path = temp_path("c-typo.db");
    auto db = open(path);
    db->load_program(programme(R"({"id": "x", "effect": "amount", "amount": 1000})"));
    auto m = db->enrol(phone("09121234567"));
    std::string code = db->issue_coupon("x", 0, "I1");
    std::string typo = code;
    typo[1] = typo[1] == 'A' ? 'B' : 'A';
    auto q = db->quote(with_coupons(basket(m.id, {10000}), {typo.c_str()}));
    CHECK(only(q).status == Status::CouponInvalid);
    CHECK(only(q).message.find("typo") != std::string::npos);
    const std::string before = snapshot(path);
    CHECK(status_of([&] {
              db->commit(with_coupons(basket(m.id, {10000}), {typo.c_str()}), "S1");
          }) == Status::CouponInvalid);
    CHECK(status_of([&] {
              db->commit(with_coupons(basket(m.id, {10000}), {"UNKNOWNCOUPON"}), "S2");
          }) == Status::CouponInvalid);
    CHECK(db->commit(with_coupons(basket(m.id, {10000}), {code.c_str()}), "S3").coupon_discount ==
          1000);
    CHECK(snapshot(path) != before);
    CHECK(status_of([&] { db->coupon(typo); }) == Status::CouponInvalid);
}

TEST_CASE("a refund or void restores the coupon's use exactly once", "[coupons][regression]") {
    auto db = open(temp_path("c-restore.db"));
    db->load_program(
        programme(R"({"id": "one", "name": "One shot", "effect": "amount", "amount": 10000})"));
    auto m = db->enrol(phone("09121234567"));
    std::string code = db->issue_coupon("one", m.id, "I1");
    Basket b = with_coupons(basket(m.id, {50000, 50000}), {code.c_str()});
    auto s = db->commit(b, "S1");
    CHECK(db->coupon(code).uses == 1);
    db->refund(s.sale_id, {{1, 1000}}, "R1");  // partial: the coupon stays used
    CHECK(db->coupon(code).uses == 1);
    db->refund(s.sale_id, {}, "R2");  // the rest: the use comes back
    CHECK(db->coupon(code).uses == 0);
    db->refund(s.sale_id, {}, "R2");  // a replay restores nothing more
    CHECK(db->coupon(code).uses == 0);
    auto s2 = db->commit(b, "S2");
    CHECK(s2.coupon_discount == 10000);
    db->void_sale(s2.sale_id, "V2");
    CHECK(db->coupon(code).uses == 0);
    // The coupon belongs to its member.
    auto other = db->enrol(phone("09121234568"));
    CHECK(only(db->quote(with_coupons(basket(other.id, {10000}), {code.c_str()}))).message ==
          "the coupon belongs to another member");
}

TEST_CASE("a sale names the ranges of its entries and coupon uses, which refunds read",
          "[coupons][storage]") {
    const auto path = temp_path("sale-parts.db");
    auto db = open(path);
    db->load_program(programme(
        R"({"id": "one", "effect": "amount", "amount": 10000, "combinable": true},
           {"id": "two", "effect": "amount", "amount": 5000, "combinable": true})",
        R"(, "claims": {"window_days": 30})"));
    auto m = db->enrol(phone("09121234567"));
    db->commit(basket(m.id, {500000}), "S0");  // 50 points to spend
    const std::string one = db->issue_coupon("one", m.id, "I1");
    const std::string two = db->issue_coupon("two", m.id, "I2");
    auto s = db->commit(with_coupons(basket(m.id, {300000}, 20), {one.c_str(), two.c_str()}), "S1");
    REQUIRE(s.coupons.size() == 2);
    const std::string at = " FROM sales WHERE id = " + std::to_string(s.sale_id);
    // Its two uses and its two entries (the points tender, then the earn), by their ids.
    CHECK(raw_int(path, "SELECT uses_to - uses_from" + at) == 1);
    CHECK(raw_int(path, "SELECT COUNT(*) FROM coupon_uses u, sales s WHERE s.id = " +
                            std::to_string(s.sale_id) +
                            " AND u.id BETWEEN s.uses_from AND s.uses_to AND u.sale_id = s.id") ==
          2);
    CHECK(raw_int(path, "SELECT entries_to - entries_from" + at) == 1);
    CHECK(raw_int(path, "SELECT kind FROM ledger WHERE id = (SELECT entries_from" + at + ")") ==
          static_cast<std::int64_t>(EntryKind::Redeem));
    CHECK(raw_int(path, "SELECT kind FROM ledger WHERE id = (SELECT entries_to" + at + ")") ==
          static_cast<std::int64_t>(EntryKind::Earn));
    // No index of either table by sale is left to keep.
    CHECK(raw_int(path,
                  "SELECT COUNT(*) FROM pragma_index_list('ledger') l, "
                  "pragma_index_info(l.name) i WHERE i.name = 'sale_id'") == 0);
    CHECK(raw_int(path,
                  "SELECT COUNT(*) FROM pragma_index_list('coupon_uses') l, "
                  "pragma_index_info(l.name) i WHERE i.name = 'sale_id'") == 0);
    // The receipt reads its coupons through the range.
    CHECK(db->receipt(s.uid).coupons.size() == 2);

    // A range that disagrees with its rows is found, and a rebuild writes it again.
    raw_exec(path, "UPDATE sales SET entries_to = entries_from, uses_from = NULL WHERE id = " +
                       std::to_string(s.sale_id));
    const auto bad = db->verify();
    REQUIRE(bad.problems.size() == 1);
    CHECK(bad.problems[0].find("sale " + std::to_string(s.sale_id) + ": entries and coupon uses") !=
          std::string::npos);
    CHECK(db->rebuild() == 1);
    CHECK(db->verify().ok());

    // The whole refund finds both uses and both entries: the coupons come back, the tender's 20
    // points are restored and the sale's earnings taken back.
    const std::int64_t before = db->member(m.id).balance;
    auto r = db->refund(s.sale_id, {}, "R1");
    CHECK(db->coupon(one).uses == 0);
    CHECK(db->coupon(two).uses == 0);
    CHECK(db->member(m.id).balance == before + 20 - s.points_earned);
    CHECK(r.points_earned == s.points_earned);

    // An anonymous sale's entries are its claim's, written later: the claim sets its range.
    auto anon = db->commit(basket(0, {200000}), "S2");
    CHECK(raw_int(path, "SELECT entries_from IS NULL FROM sales WHERE id = " +
                            std::to_string(anon.sale_id)) == 1);
    db->claim_sale(anon.sale_id, m.id, "cashier", "C2");
    CHECK(raw_int(path,
                  "SELECT points FROM ledger WHERE id = (SELECT entries_from FROM sales "
                  "WHERE id = " +
                      std::to_string(anon.sale_id) + ")") == 20);
    const std::int64_t claimed = db->member(m.id).balance;
    db->refund(anon.sale_id, {}, "R2");  // the claimed points go back with the sale
    CHECK(db->member(m.id).balance == claimed - 20);
    const auto end = db->verify();
    for (const auto& p : end.problems)
        UNSCOPED_INFO(p);
    CHECK(end.ok());
}

TEST_CASE("a void restores a single-use code, again and again", "[coupons]") {
    auto db = open(temp_path("c-void-loop.db"));
    db->load_program(programme(R"({"id": "last", "effect": "amount", "amount": 1000})"));
    auto m = db->enrol(phone("09121234567"));
    std::string code = db->issue_coupon("last", 0, "I1");
    for (int i = 0; i < 5; ++i) {
        auto s = db->commit(with_coupons(basket(m.id, {10000}), {code.c_str()}),
                            "S" + std::to_string(i));
        CHECK(s.coupon_discount == 1000);
        CHECK(db->coupon(code).uses == 1);
        CHECK(status_of([&] {
                  db->commit(with_coupons(basket(m.id, {10000}), {code.c_str()}),
                             "X" + std::to_string(i));
              }) == Status::CouponRejected);
        db->void_sale(s.sale_id, "V" + std::to_string(i));
        CHECK(db->coupon(code).uses == 0);
    }
}

#ifndef _WIN32
TEST_CASE("two tills redeeming the last use of a code at once: exactly one succeeds",
          "[coupons][race][regression]") {
    auto path = temp_path("c-race.db");
    std::vector<std::string> codes;
    {
        auto db = open(path);
        db->load_program(programme(R"({"id": "last", "effect": "amount", "amount": 1000})"));
        db->enrol(phone("09121234567"));
        db->enrol(phone("09121234568"));
        for (int r = 0; r < 8; ++r)
            codes.push_back(db->issue_coupon("last", 0, "I" + std::to_string(r)));
    }
    for (std::size_t round = 0; round < codes.size(); ++round) {
        pid_t kids[2];
        for (int k = 0; k < 2; ++k) {
            kids[k] = ::fork();
            if (kids[k] == 0) {
                int rc = 3;
                try {
                    auto db = open(path, 10000);
                    db->commit(with_coupons(basket(k + 1, {10000}), {codes[round].c_str()}),
                               "K" + std::to_string(k) + "-" + std::to_string(round));
                    rc = 0;
                } catch (const Error& e) {
                    rc = e.status() == Status::CouponRejected ? 1 : 2;
                }
                ::_exit(rc);
            }
        }
        int rcs[2];
        for (int k = 0; k < 2; ++k) {
            int st = 0;
            ::waitpid(kids[k], &st, 0);
            rcs[k] = WIFEXITED(st) ? WEXITSTATUS(st) : 9;
        }
        INFO("round " << round << ": " << rcs[0] << " " << rcs[1]);
        REQUIRE(((rcs[0] == 0 && rcs[1] == 1) || (rcs[0] == 1 && rcs[1] == 0)));
    }
    auto db = open(path);
    for (const auto& c : codes)
        CHECK(db->coupon(c).uses == 1);
    CHECK(db->verify().ok());
}
#endif

TEST_CASE("coupons issued by a sale: to the member, with an expiry, withdrawn on refund",
          "[coupons]") {
    auto db = open(temp_path("c-issue.db"));
    db->load_program(
        programme(R"({"id": "next", "name": "10% off your next purchase", "effect": "percent",
        "percent": "0.1", "valid_days": 30, "issue_on_purchase_min_spend": 500000})"));
    auto m = db->enrol(phone("09121234567"));
    CHECK(db->commit(basket(m.id, {499999}), "S0").coupons_issued.empty());
    auto s = db->commit(basket(m.id, {500000}), "S1");
    REQUIRE(s.coupons_issued.size() == 1);
    const std::string code = s.coupons_issued[0];  // display form XXXXX-XXXXX
    CHECK(code.size() == 11);
    CHECK(coupon::well_formed(coupon::normalize(code)));
    auto info = db->coupon(code);
    CHECK(info.member_id == m.id);
    CHECK(info.issued_sale_id == s.sale_id);
    CHECK(info.valid_until == kT0 + 30 * kDay + 14 * 3600000);  // end of the local day, 30 days on
    db->set_clock(info.valid_until);
    CHECK(only(db->quote(with_coupons(basket(m.id, {10000}), {code.c_str()}))).message ==
          "the coupon has expired");
    db->set_clock(kT0);
    db->refund(s.sale_id, {}, "R1");
    CHECK(db->coupon(code).revoked);
}

TEST_CASE("the wallet: cashback pending, credit, paying with it, refunds exact", "[wallet]") {
    auto db = open(temp_path("w.db"));
    db->load_program(programme(
        "",
        R"(, "cashback": {"percent": "0.05", "pending_days": 14, "exclude_categories": ["tobacco"]})"));
    auto m = db->enrol(phone("09121234567"));
    Basket b;
    b.member_id = m.id;
    b.lines = {{"RICE", "food", 1000, 333333, 0, {}}, {"CIG", "tobacco", 1000, 100000, 0, {}}};
    auto s = db->commit(b, "S1");
    CHECK(s.cashback == 16666);  // 5% of 333,333, floored
    auto w = db->wallet(m.id);
    CHECK(w.balance == 16666);
    CHECK(w.pending == 16666);
    CHECK(w.available == 0);
    CHECK(status_of([&] {
              Basket p = basket(m.id, {10000});
              p.wallet_amount = 1;
              db->commit(p, "P0");
          }) == Status::InsufficientFunds);
    CHECK(db->wallet_credit(m.id, 50000, "apology for a late order", "mgr", "W1") == 66666);
    db->set_clock(kT0 + 14 * kDay);
    CHECK(db->wallet(m.id).available == 66666);
    Basket pay = basket(m.id, {100000});
    pay.wallet_amount = 66666;
    auto p = db->commit(pay, "P1");
    CHECK(p.wallet_amount == 66666);
    CHECK(p.amount_due == 100000 - 66666 + 0);
    CHECK(db->wallet(m.id).balance == 5000);  // the new sale's own cashback, pending
    // Refund a third, then the rest: the wallet tender comes back exactly, the cashback goes.
    auto r1 = db->refund(p.sale_id, {{1, 333}}, "R1");
    auto r2 = db->refund(p.sale_id, {}, "R2");
    CHECK(r1.wallet_amount + r2.wallet_amount == 66666);
    CHECK(r1.cashback + r2.cashback == 5000);
    CHECK(db->wallet(m.id).balance == 66666);
    CHECK(db->wallet(m.id).pending == 0);
    CHECK(db->verify().ok());
}

TEST_CASE("rewards: stock, per-member limits, coupon/wallet/donation rewards, refunds",
          "[rewards]") {
    auto db = open(temp_path("rewards.db"));
    db->load_program(
        programme(R"({"id": "voucher", "name": "Voucher", "effect": "amount", "amount": 50000})",
                  R"(, "rewards": [
          {"id": "coffee", "name": "Free coffee", "type": "product", "points": 100, "sku": "LATTE", "stock": 3, "per_member": 2},
          {"id": "coupon", "type": "coupon", "points": 200, "campaign": "voucher"},
          {"id": "credit", "type": "wallet", "points": 300, "amount": 30000},
          {"id": "trees", "type": "donation", "points": 50, "cause": "Hyrcanian forests"}])"));
    auto a = db->enrol(phone("09121234567"));
    auto b = db->enrol(phone("09121234568"));
    db->adjust(a.id, 2000, "float", "mgr", "A1");
    db->adjust(b.id, 2000, "float", "mgr", "A2");
    auto r1 = db->redeem_reward(a.id, "coffee", 2, "R1");
    CHECK(r1.points == 200);
    CHECK(db->redeem_reward(a.id, "coffee", 2, "R1").replayed);
    CHECK(status_of([&] { db->redeem_reward(a.id, "coffee", 1, "R2"); }) == Status::CapReached);
    CHECK(status_of([&] { db->redeem_reward(b.id, "coffee", 2, "R3"); }) == Status::OutOfStock);
    CHECK(db->redeem_reward(b.id, "coffee", 1, "R4").quantity == 1);
    auto c = db->redeem_reward(a.id, "coupon", 1, "R5");
    CHECK(coupon::well_formed(coupon::normalize(c.coupon_code)));
    auto w = db->redeem_reward(a.id, "credit", 1, "R6");
    CHECK(w.wallet_credit == 30000);
    CHECK(db->wallet(a.id).available == 30000);
    auto d = db->redeem_reward(b.id, "trees", 4, "R7");
    CHECK(d.cause == "Hyrcanian forests");
    CHECK(db->member(a.id).balance == 2000 - 200 - 200 - 300);
    // Refund: points back once, stock back; a used coupon blocks its refund.
    db->refund_reward(r1.id, "F1");
    db->refund_reward(r1.id, "F1");
    CHECK(db->member(a.id).balance == 1500);
    CHECK(status_of([&] { db->refund_reward(r1.id, "F2"); }) == Status::InvalidState);
    CHECK(db->redeem_reward(a.id, "coffee", 2, "R8").quantity == 2);  // stock came back
    db->commit(with_coupons(basket(a.id, {100000}), {c.coupon_code.c_str()}), "S1");
    CHECK(status_of([&] { db->refund_reward(c.id, "F3"); }) == Status::InvalidState);
    Table rep = db->reward_report(0, 0);
    bool trees = false;
    for (const auto& row : rep.rows)
        if (row[0].text == "trees") {
            trees = true;
            CHECK(row[3].text == "Hyrcanian forests");
            CHECK(row[6].number == 200);
        }
    CHECK(trees);
    CHECK(db->verify().ok());
}

TEST_CASE("referral: the referrer earns when the referee's first purchase commits", "[referral]") {
    auto db = open(temp_path("referral.db"));
    db->load_program(programme(
        R"({"id": "welcome", "effect": "amount", "amount": 20000})",
        R"(, "referral": {"on": "first_purchase", "min_spend": 100000, "referrer_points": 100,
              "referee_points": 50, "referee_campaign": "welcome"})"));
    auto sara = db->enrol(phone("09121234567"));
    MemberFields f = phone("09121234568");
    f.referrer = sara.referral_code;
    auto ali = db->enrol(f);
    CHECK(ali.referrer_id == sara.id);
    CHECK(db->commit(basket(ali.id, {99999}), "S0").points_earned == 0);  // below min_spend
    CHECK(db->member(sara.id).balance == 0);
    auto s = db->commit(basket(ali.id, {100000}), "S1");
    CHECK(s.points_earned == 10 + 50);  // the welcome bonus is on the referee's receipt
    CHECK(s.rules.back().rule_id == "referral");
    CHECK(s.coupons_issued.size() == 1);
    CHECK(db->member(sara.id).balance == 100);
    auto h = db->history(sara.id);
    CHECK(h[0].reason == "referral:" + std::to_string(ali.id));
    db->commit(basket(ali.id, {100000}), "S2");  // not the first: nothing more
    CHECK(db->member(sara.id).balance == 100);
    db->refund(s.sale_id, {}, "R1");  // the qualifying sale returned: the referral goes back
    CHECK(db->member(sara.id).balance == 0);
    // Loops are refused.
    MemberFields loop;
    loop.referrer = std::to_string(ali.id);
    CHECK(status_of([&] { db->update(sara.id, loop); }) == Status::InvalidArgument);
    loop.referrer = std::to_string(sara.id);
    CHECK(status_of([&] { db->update(sara.id, loop); }) == Status::InvalidArgument);
    CHECK(db->verify().ok());
}

TEST_CASE("seed: hybrid tier score, 80% purchase points + 20% referral points", "[tiers][seed]") {
    auto db = open(temp_path("referral-tier.db"));
    db->load_program(R"({"spend": [{"id": "base", "points": 10, "per": 100000}],
      "referral": {"referrer_points": 500},
      "tiers": {"score": [{"metric": "points", "source": "purchase", "weight": "0.8"},
                          {"metric": "points", "source": "referral", "weight": "0.2"}],
                "levels": [{"id": "bronze", "threshold": 0}, {"id": "silver", "threshold": 500}]}})");
    auto sara = db->enrol(phone("09121234567"));
    db->commit(basket(sara.id, {5500000}), "S1");  // 550 purchase points → 440
    CHECK(db->tier_status(sara.id).score == 440);
    MemberFields f = phone("09121234568");
    f.referrer = sara.referral_code;
    auto ali = db->enrol(f);
    db->commit(basket(ali.id, {100000}), "S2");  // Sara: 500 referral points → 100
    CHECK(db->tier_status(sara.id).score == 540);
    CHECK(db->member(sara.id).tier == "silver");
}

TEST_CASE("partners: their coupons here, ours there, and the settlement", "[partners]") {
    auto db = open(temp_path("partners.db"));
    db->load_program(programme(R"(
        {"id": "film", "name": "Cinema popcorn", "effect": "amount", "amount": 40000, "code": "CINEMA",
         "partner": "cinema", "partner_share": "0.75"},
        {"id": "ours", "effect": "amount", "amount": 30000})"));
    auto m = db->enrol(phone("09121234567"));
    db->commit(with_coupons(basket(m.id, {100000}), {"CINEMA"}), "S1");
    db->commit(with_coupons(basket(0, {100000}), {"CINEMA"}), "S2");
    std::string ours = db->issue_coupon("ours", 0, "I1");
    db->record_partner_redemption("cinema", ours, 30000, "P1");
    db->record_partner_redemption("cinema", ours, 30000, "P1");  // replay
    CHECK(status_of([&] { db->record_partner_redemption("cinema", ours, 30000, "P2"); }) ==
          Status::CouponRejected);  // single use, already used at the partner
    CHECK(only(db->quote(with_coupons(basket(m.id, {100000}), {ours.c_str()}))).message ==
          "the coupon has been used");
    Table t = db->partner_settlement("cinema", 0, 0);
    REQUIRE(t.rows.size() == 2);
    CHECK(t.rows[0][1].text == "redeemed here");
    CHECK(t.rows[0][3].number == 2);
    CHECK(t.rows[0][4].number == 80000);
    CHECK(t.rows[0][5].number == 60000);  // the cinema funds 75%
    CHECK(t.rows[0][6].number == 20000);
    CHECK(t.rows[1][1].text == "redeemed at partner");
    CHECK(t.rows[1][6].number == 30000);
    CHECK(status_of([&] { db->record_partner_redemption("nobody", ours, 1, "P3"); }) ==
          Status::NotFound);
}

TEST_CASE("a prize draw is reproducible from its seed and entry list", "[draws]") {
    auto run = [](const std::string& name) {
        auto db = open(temp_path(name));
        db->load_program(R"({"redeem": {"point_value": "1000"},
          "draws": [{"id": "yalda", "name": "Yalda", "from": "2026-11-21", "to": "2026-12-20",
                     "per_purchase": 1, "per_amount": 100000, "points_per_entry": 10}]})");
        std::vector<std::int64_t> ids;
        for (int i = 0; i < 6; ++i) {
            ids.push_back(db->enrol(phone("0912123456" + std::to_string(i))).id);
            db->commit(basket(ids.back(), {100000 * (i + 1)}), "S" + std::to_string(i));
        }
        db->adjust(ids[0], 100, "float", "mgr", "A1");
        CHECK(db->draw_enter("yalda", ids[0], 5, "E1") == 50);
        Table entries = db->draw_entries("yalda");
        REQUIRE(entries.rows.size() == 6);
        CHECK(entries.rows[0][4].number == 1 + 1 + 5);  // purchase, 100,000 block, 5 bought
        CHECK(entries.rows[5][4].number == 1 + 6);
        CHECK(status_of([&] { db->draw_run("yalda", "seed", 2, "D0"); }) == Status::InvalidState);
        db->set_clock(kT0 + 40 * kDay);
        Table w = db->draw_run("yalda", "1405-09-30 lottery 71-22-58", 3, "D1");
        CHECK(db->draw_run("yalda", "1405-09-30 lottery 71-22-58", 3, "D1").rows.size() ==
              3);  // replay
        CHECK(status_of([&] { db->draw_run("yalda", "another seed", 3, "D2"); }) ==
              Status::InvalidState);
        std::vector<std::int64_t> winners;
        for (const auto& row : w.rows)
            winners.push_back(row[1].number);
        return winners;
    };
    auto first = run("draw-a.db");
    auto second = run("draw-b.db");
    CHECK(first == second);  // the same entries and seed give the same winners
    std::set<std::int64_t> distinct(first.begin(), first.end());
    CHECK(distinct.size() == 3);
}

TEST_CASE("transfers conserve points, keep their dates, and another file agrees",
          "[transfers][property]") {
    const std::string prog = R"({"currency": "IRR", "expiry_days": 30,
      "spend": [{"id": "base", "points": 10, "per": 100000}],
      "redeem": {"point_value": "1000"},
      "transfers": {"min_points": 1, "daily_max": 100000}})";
    auto db = open(temp_path("t-transfers.db"));
    db->load_program(prog);
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 5; ++i) {
        ids.push_back(db->enrol(phone("0912100000" + std::to_string(i))).id);
        db->adjust(ids.back(), 200, "opening", "mgr", "open-" + std::to_string(i));
    }
    auto total = [&] {
        std::int64_t sum = 0;
        for (auto id : ids)
            sum += db->member(id).balance;
        return sum;
    };
    const std::int64_t before = total();
    fixture::Lcg next{99};
    int refused = 0;
    for (int i = 0; i < 200; ++i) {
        const auto from = ids[next(ids.size())], to = ids[next(ids.size())];
        const auto points = static_cast<std::int64_t>(1 + next(120));
        if (i % 40 == 0) db->set_clock(db->now() + 86400000 * 3);  // some lots age
        const Status s = status_of([&] {
            db->transfer_points(from, to, points, "gift", "app", "tr-" + std::to_string(i));
        });
        if (s != Status::Ok) {
            CHECK((s == Status::InsufficientPoints || s == Status::InvalidArgument));
            ++refused;
        }
        CHECK(total() == before);  // nothing created, nothing lost
    }
    CHECK(refused < 200);
    CHECK(db->verify().ok());
    // A second file applying the journal holds the same balances.
    auto other = open(temp_path("t-transfers-2.db"));
    other->load_program(prog);
    other->apply_journal(db->journal("", 0, 10000));
    for (auto id : ids) {
        const Member m = db->member(id);
        CHECK(other->member_by_uid(m.uid).balance == m.balance);
    }
    CHECK(other->verify().ok());
}

TEST_CASE("gift cards: exact balances, retries once, and another file agrees", "[giftcards]") {
    const std::string prog = R"({"currency": "IRR"})";
    auto db = open(temp_path("g-cards.db"));
    db->load_program(prog);
    GiftCardContext at;
    at.reference = "R1";
    at.branch = "north";
    const std::string code = db->gift_card_sell(1000000, at, "g1");
    CHECK(db->gift_card_sell(1000000, at, "g1") == code);  // a retry: the same card
    CHECK(db->gift_card_redeem(code, 250000, at, "g2") == 750000);
    CHECK(db->gift_card_redeem(code, 250000, at, "g2") == 750000);  // once
    CHECK(status_of([&] { db->gift_card_redeem(code, 800000, at, "g3"); }) ==
          Status::InsufficientFunds);
    CHECK(db->gift_card_refund(code, 50000, at, "g4") == 800000);
    CHECK(db->gift_card_load(code, 200000, at, "g5") == 1000000);
    const GiftCard g = db->gift_card(code);
    CHECK((g.balance == 1000000 && g.activities == 4 && g.currency == "IRR"));
    CHECK(db->verify().ok());
    auto other = open(temp_path("g-cards-2.db"));
    other->load_program(prog);
    other->apply_journal(db->journal("", 0, 1000));
    CHECK(other->gift_card(code).balance == 1000000);
    CHECK(other->verify().ok());
    CHECK(other->gift_card_redeem(code, 1000000, at, "g6") == 0);  // spendable there too
}
