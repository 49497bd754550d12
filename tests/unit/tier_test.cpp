// Tiers and paid plans: the seed examples and the failure list (tiers promoted on balance,
// tiers that never move down).
#include <catch2/catch.hpp>

#include "db_fixture.hpp"
#include "storage/schema.hpp"

using namespace loyalty;
using namespace fixture;

namespace {

// 10 points per whole 100,000; Bronze 0, Silver 500, Gold 1,000 by points earned.
std::string ladder(const std::string& tiers_extra = "", const std::string& extra = "") {
    return R"({"currency": "IRR",
      "spend": [{"id": "base", "points": 10, "per": 100000}],
      "redeem": {"point_value": "1000", "max_share": "1"},
      "events": [{"action": "invite", "points": 50}],
      "tiers": {)" +
           tiers_extra + R"("levels": [
        {"id": "bronze", "name": "Bronze", "threshold": 0},
        {"id": "silver", "name": "Silver", "threshold": 500, "multiplier": "1.5",
         "benefits": ["Priority service"]},
        {"id": "gold", "name": "Gold", "threshold": 1000, "multiplier": "2", "discount": "0.1",
         "free_delivery": true, "benefits": ["Free parking", "Event invitations"]}]}
      )" + extra +
           "}";
}

}  // namespace

TEST_CASE("seed: 500 points = Silver, 1,000 = Gold, upgraded inside the commit", "[tiers][seed]") {
    auto db = open(temp_path("tiers-seed.db"));
    db->load_program(ladder());
    auto m = db->enrol(phone("09121234567"));
    CHECK(db->member(m.id).tier == "bronze");
    // 4,990,000 earns 490: still Bronze, 10 points short.
    auto s1 = db->commit(basket(m.id, {4990000}), "S1");
    CHECK(s1.tier_before == "bronze");
    CHECK(s1.tier_after == "bronze");
    auto q = db->quote(basket(m.id, {100000}));
    CHECK(q.tier == "bronze");
    CHECK(q.tier_after == "silver");  // this sale would make the member Silver
    // Exactly at the threshold: 490 + 10 = 500 = Silver, in the same transaction as the sale.
    auto s2 = db->commit(basket(m.id, {100000}), "S2");
    CHECK(s2.tier_before == "bronze");
    CHECK(s2.tier_after == "silver");
    auto st = db->tier_status(m.id);
    CHECK(st.tier == "silver");
    CHECK(st.score == 500);
    CHECK(st.next_tier == "gold");
    CHECK(st.missing == 500);
    CHECK(st.progress == "500 points to Gold");
    CHECK(st.benefits == std::vector<std::string>{"Priority service"});
    REQUIRE(st.events.size() == 2);
    CHECK(st.events[0].from == "bronze");
    CHECK(st.events[0].to == "silver");
    CHECK(st.events[0].sale_id == s2.sale_id);
    CHECK(st.events[0].reason.find("upgrade") == 0);
    // Silver's x1.5 applies from the next sale: 3,340,000 earns 330, +165 = 495 → 995.
    auto s3 = db->commit(basket(m.id, {3340000}), "S3");
    CHECK(s3.points_earned == 495);
    CHECK(s3.tier_after == "silver");
    CHECK(db->tier_status(m.id).missing == 5);
    auto s4 = db->commit(basket(m.id, {100000}), "S4");  // 10 x 1.5 = 15 → 1,010
    CHECK(s4.tier_after == "gold");
}

TEST_CASE("redeeming points never demotes: tiers count points earned (open-loyalty#131)",
          "[tiers][regression]") {
    auto db = open(temp_path("tiers-redeem.db"));
    db->load_program(ladder());
    auto m = db->enrol(phone("09121234567"));
    db->commit(basket(m.id, {10000000}), "S1");  // 1,000 points: Gold
    CHECK(db->member(m.id).tier == "gold");
    // Spend 900 points (Gold takes 10% off: 1,800,000 → 1,620,000 due; 900 points = 900,000).
    auto s = db->commit(basket(m.id, {1800000}, 900), "S2");
    CHECK(s.benefit_discount == 180000);
    CHECK(s.points_redeemed == 900);
    CHECK(db->member(m.id).balance < 500);
    CHECK(db->member(m.id).tier == "gold");
    auto r = db->review_tiers(kT0 + kDay);
    CHECK(r.downgraded == 0);
    CHECK(db->member(m.id).tier == "gold");
}

TEST_CASE("seed: 10 purchases in a year = VIP, counted in the calendar year", "[tiers][seed]") {
    auto db = open(temp_path("tiers-vip.db"));
    db->load_program(R"({"currency": "IRR", "tiers": {
      "score": [{"metric": "purchases"}], "window": "calendar_year",
      "levels": [{"id": "member", "threshold": 0}, {"id": "vip", "name": "VIP", "threshold": 10}]}})");
    auto m = db->enrol(phone("09121234567"));
    // Ten purchases from 21 November to 30 December 2026 (Tehran).
    for (int i = 0; i < 9; ++i) {
        db->set_clock(kT0 + i * 4 * kDay);
        db->commit(basket(m.id, {1000}), "P" + std::to_string(i));
    }
    CHECK(db->member(m.id).tier == "member");
    auto q = db->quote(basket(m.id, {1000}));
    CHECK(q.progress == "");
    CHECK(q.tier_after == "vip");
    CHECK(db->tier_status(m.id).progress == "1 more purchase to VIP");
    db->set_clock(kT0 + 39 * kDay);  // 30 December 2026
    CHECK(db->commit(basket(m.id, {1000}), "P9").tier_after == "vip");
    // A void takes the purchase away, but only a review moves a member down.
    // On 1 January 2027 the window restarts: no purchases this year.
    const std::int64_t jan1_2027 = 1798749000000LL;  // 2027-01-01 00:00 Tehran
    auto before = db->review_tiers(jan1_2027 - 60000);
    CHECK(before.downgraded == 0);
    auto after = db->review_tiers(jan1_2027);
    CHECK(after.downgraded == 1);
    CHECK(db->member(m.id).tier == "member");
    auto st = db->tier_status(m.id);
    CHECK(st.events[0].reason.find("review: score 0 is below VIP (10)") == 0);
}

TEST_CASE("a Jalali-year window restarts at Nowruz", "[tiers]") {
    auto db = open(temp_path("tiers-jalali.db"));
    db->load_program(R"({"currency": "IRR", "tiers": {
      "score": [{"metric": "purchases"}], "window": "jalali_year",
      "levels": [{"id": "member", "threshold": 0}, {"id": "vip", "name": "VIP", "threshold": 2}]}})");
    auto m = db->enrol(phone("09121234567"));
    // 2027-03-19 and 2027-03-20 (Tehran) are 28 and 29 Esfand 1405; Nowruz 1406 is 2027-03-21.
    const std::int64_t esfand28 = 1805437800000LL;  // 2027-03-19 10:00 Tehran
    db->set_clock(esfand28);
    db->commit(basket(m.id, {1000}), "E1");
    db->set_clock(esfand28 + kDay);
    CHECK(db->commit(basket(m.id, {1000}), "E2").tier_after == "vip");
    // The day before Nowruz the year's two purchases still count; on Nowruz none do.
    const std::int64_t nowruz = esfand28 + 2 * kDay - 10 * 3600000LL;  // 2027-03-21 00:00
    CHECK(db->review_tiers(nowruz - 60000).downgraded == 0);
    CHECK(db->review_tiers(nowruz).downgraded == 1);
    CHECK(db->member(m.id).tier == "member");
    CHECK(db->export_program().find("\"jalali_year\"") != std::string::npos);
}

TEST_CASE("seed: hybrid score, 80% purchase points + 20% invitation points", "[tiers][seed]") {
    auto db = open(temp_path("tiers-hybrid.db"));
    db->load_program(
        ladder(R"("score": [{"metric": "points", "source": "purchase", "weight": "0.8"},
                                         {"metric": "points", "source": "event:invite", "weight": "0.2"}],)"));
    auto m = db->enrol(phone("09121234567"));
    db->commit(basket(m.id, {5000000}), "S1");  // 500 purchase points → 400
    CHECK(db->tier_status(m.id).score == 400);
    for (int i = 0; i < 9; ++i)
        db->record_event(m.id, "invite", "I" + std::to_string(i));  // 450 → 90
    auto st = db->tier_status(m.id);
    CHECK(st.score == 490);
    CHECK(st.tier == "bronze");
    CHECK(st.progress == "10 more score to Silver");
    db->record_event(m.id, "invite", "I9");  // 500 → 100: 400 + 100 = 500
    CHECK(db->member(m.id).tier == "silver");
}

TEST_CASE("a rolling window drops old points at its edge, leap days count", "[tiers]") {
    auto db = open(temp_path("tiers-rolling.db"));
    db->load_program(ladder(R"("window": "rolling", "window_days": 366,)"));
    auto m = db->enrol(phone("09121234567"));
    db->commit(basket(m.id, {5000000}), "S1");  // 500 at kT0
    CHECK(db->member(m.id).tier == "silver");
    // 366 days later the sale is exactly at the window's start: still counted.
    CHECK(db->review_tiers(kT0 + 366 * kDay).downgraded == 0);
    CHECK(db->member(m.id).tier == "silver");
    CHECK(db->review_tiers(kT0 + 366 * kDay + 1).downgraded == 1);
    CHECK(db->member(m.id).tier == "bronze");
}

TEST_CASE("downgrade waits out the grace period, and a review is idempotent", "[tiers]") {
    auto db = open(temp_path("tiers-grace.db"));
    db->load_program(ladder(R"("window": "rolling", "window_days": 30, "grace_days": 14,)"));
    auto m = db->enrol(phone("09121234567"));
    db->commit(basket(m.id, {10000000}), "S1");
    CHECK(db->member(m.id).tier == "gold");
    const std::int64_t t1 = kT0 + 31 * kDay;  // the points left the window
    auto r1 = db->review_tiers(t1);
    CHECK(r1.at_risk == 1);
    CHECK(r1.downgraded == 0);
    CHECK(db->tier_status(m.id).at_risk_since == t1);
    auto r1b = db->review_tiers(t1);  // same time again: nothing new
    CHECK(r1b.at_risk == 0);
    CHECK(r1b.downgraded == 0);
    CHECK(db->review_tiers(t1 + 13 * kDay).downgraded == 0);
    auto r2 = db->review_tiers(t1 + 14 * kDay);
    CHECK(r2.downgraded == 1);
    CHECK(db->member(m.id).tier == "silver");                 // one step
    CHECK(db->review_tiers(t1 + 14 * kDay).downgraded == 0);  // idempotent at one time
    // Buying again before the next step clears the risk.
    db->set_clock(t1 + 15 * kDay);
    db->commit(basket(m.id, {5000000}), "S2");
    db->review_tiers(t1 + 16 * kDay);
    CHECK(db->tier_status(m.id).at_risk_since == 0);
    CHECK(db->member(m.id).tier == "silver");
}

TEST_CASE("to_score drops straight to the level the score supports", "[tiers]") {
    auto db = open(temp_path("tiers-toscore.db"));
    db->load_program(ladder(R"("window": "rolling", "window_days": 30, "downgrade": "to_score",)"));
    auto m = db->enrol(phone("09121234567"));
    db->commit(basket(m.id, {10000000}), "S1");
    CHECK(db->review_tiers(kT0 + 31 * kDay).downgraded == 1);
    CHECK(db->member(m.id).tier == "bronze");
}

TEST_CASE("refunding the sale that upgraded a member: the tier is kept until the next review",
          "[tiers]") {
    auto db = open(temp_path("tiers-refund.db"));
    db->load_program(ladder());
    auto m = db->enrol(phone("09121234567"));
    auto s = db->commit(basket(m.id, {5000000}), "S1");
    CHECK(s.tier_after == "silver");
    db->refund(s.sale_id, {}, "R1");
    CHECK(db->member(m.id).tier == "silver");  // documented: no demotion at the till
    CHECK(db->tier_status(m.id).score == 0);
    CHECK(db->review_tiers(kT0 + kDay).downgraded == 1);
    CHECK(db->member(m.id).tier == "bronze");
}

TEST_CASE("a permanent level is never lost", "[tiers]") {
    auto db = open(temp_path("tiers-permanent.db"));
    db->load_program(R"({"spend": [{"id": "b", "points": 1, "per": 1000}], "tiers": {
      "window": "rolling", "window_days": 10, "levels": [
        {"id": "basic", "threshold": 0}, {"id": "founder", "threshold": 100, "permanent": true},
        {"id": "star", "threshold": 1000}]}})");
    auto m = db->enrol(phone("09121234567"));
    db->commit(basket(m.id, {1000000}), "S1");
    CHECK(db->member(m.id).tier == "star");
    db->review_tiers(kT0 + 20 * kDay);
    CHECK(db->member(m.id).tier == "founder");
    db->review_tiers(kT0 + 40 * kDay);
    CHECK(db->member(m.id).tier == "founder");
    CHECK(db->tier_status(m.id).floor_tier == "founder");
}

TEST_CASE("tier benefits at the till: discount before earning, multiplier after", "[tiers]") {
    auto db = open(temp_path("tiers-benefits.db"));
    db->load_program(ladder());
    auto m = db->enrol(phone("09121234567"));
    db->commit(basket(m.id, {10000000}), "S1");  // Gold: x2, 10% off, free delivery
    auto q = db->quote(basket(m.id, {1000000, 500000}));
    CHECK(q.benefit_discount == 150000);
    CHECK(q.total == 1350000);
    CHECK(q.free_delivery);
    // 1,350,000 → 13 blocks = 130 points, x2 → 260.
    CHECK(q.points_earned == 260);
    REQUIRE(q.rules.size() == 2);
    CHECK(q.rules[1].rule_id == "tier:gold");
    CHECK(q.rules[1].points == 130);
    auto r = db->commit(basket(m.id, {1000000, 500000}), "S2");
    CHECK(r.benefit_discount == 150000);
    CHECK(r.total == 1350000);
    // A refund returns what was paid for the line (after the discount).
    auto rf = db->refund(r.sale_id, {{2, 1000}}, "R2");
    CHECK(rf.refund_amount == 450000);
    CHECK(db->verify().ok());
}

TEST_CASE("paid plans: bought at the till, renewed, benefits, floor, cancel, refund", "[plans]") {
    auto path = temp_path("plans.db");
    auto db = open(path);
    db->load_program(ladder("", R"(, "plans": [{"id": "plus", "name": "Club Plus", "fee": 990000,
        "period": "month", "discount": "0.15", "multiplier": "1.2", "free_delivery": true,
        "tier_floor": "silver", "benefits": ["Free delivery"]}])"));
    auto m = db->enrol(phone("09121234567"));
    Basket buy = basket(m.id, {100000});
    buy.lines.push_back({"", "", 1000, 0, 0, "plus"});
    auto q = db->quote(buy);
    CHECK(q.total == 100000 + 990000);
    CHECK(q.points_earned == 10);  // the plan's fee earns nothing
    auto s = db->commit(buy, "B1");
    CHECK(s.tier_after == "silver");  // the plan's floor
    auto st = db->tier_status(m.id);
    CHECK(st.plan == "plus");
    CHECK(st.plan_ends_at == kT0 + 30 * kDay);  // 21 November → 21 December
    CHECK(st.discount == "0.15");
    CHECK(st.multiplier == "1.5");  // Silver's x1.5 beats the plan's x1.2
    CHECK(st.free_delivery);
    CHECK(st.floor_tier == "silver");
    // Benefits from the next sale: 15% off, then earning on what is paid.
    auto q2 = db->quote(basket(m.id, {1000000}));
    CHECK(q2.benefit_discount == 150000);
    CHECK(q2.points_earned == 80 + 40);  // 850,000 → 80, x1.5
    // Renewal extends from the end of the current period (December has 31 days).
    Basket renew = basket(m.id, {1000});
    renew.lines.push_back({"", "", 1000, 0, 0, "plus"});
    db->commit(renew, "B2");
    CHECK(db->tier_status(m.id).plan_ends_at == kT0 + 61 * kDay);
    // The floor holds at a review while the plan is active.
    CHECK(db->review_tiers(kT0 + kDay).downgraded == 0);
    CHECK(db->member(m.id).tier == "silver");
    // Refunding the renewal line ends that period; cancelling ends the plan.
    db->refund(db->sale_by_key("B2"), {{2, 1000}}, "RB2");
    CHECK(db->tier_status(m.id).plan_ends_at == kT0 + 30 * kDay);
    db->set_clock(kT0 + 2 * kDay);
    db->cancel_plan(m.id, "C1");
    db->cancel_plan(m.id, "C1");  // replay
    CHECK(db->tier_status(m.id).plan.empty());
    CHECK(status_of([&] { db->cancel_plan(m.id, "C2"); }) == Status::NotFound);
    CHECK(db->review_tiers(kT0 + 3 * kDay).downgraded == 1);
    CHECK(db->member(m.id).tier == "bronze");
    // A plan needs a member and a known plan id.
    Basket anon = basket(0, {1000});
    anon.lines.push_back({"", "", 1000, 0, 0, "plus"});
    CHECK(status_of([&] { db->commit(anon, "B3"); }) == Status::InvalidArgument);
    Basket unknown = basket(m.id, {1000});
    unknown.lines.push_back({"", "", 1000, 0, 0, "gold-card"});
    CHECK(status_of([&] { db->quote(unknown); }) == Status::NotFound);
    CHECK(db->verify().ok());
}

TEST_CASE("a version 1 file is migrated to version 2, ledger sources backfilled", "[storage]") {
    auto path = temp_path("v1.db");
    {
        sqlite3* raw = nullptr;
        sqlite3_open(path.c_str(), &raw);
        std::string sql = std::string(storage::schema_v1_sql()) + R"(
          INSERT INTO meta VALUES ('created_at', '0'), ('origin', 'old-till');
          INSERT INTO origins(id, name) VALUES (1, 'old-till');
          INSERT INTO members(id, origin, phone, referral_code, created_at, updated_at, balance,
                              lifetime_earned) VALUES (1, 1, '+989121234567', 'ABCDEFGH', 0, 0, 600, 600);
          INSERT INTO ledger(id, origin, member_id, kind, points, reason, program_version, created_at)
            VALUES (1, 1, 1, 1, 550, 'purchase', 0, 1), (2, 1, 1, 8, 50, 'review', 0, 2);
          INSERT INTO lots(member_id, entry_id, points, remaining, available_at, expires_at)
            VALUES (1, 1, 550, 550, 1, 9223372036854775807), (1, 2, 50, 50, 2, 9223372036854775807);
          PRAGMA application_id = 1280268609;
          PRAGMA user_version = 1;)";
        REQUIRE(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
        sqlite3_close(raw);
    }
    auto db = open(path);
    CHECK(db->verify().ok());
    db->load_program(ladder());
    CHECK(db->tier_status(1).score == 600);  // earn + event entries count
    db->review_tiers(kT0);
    CHECK(db->member(1).tier == "silver");
    std::string all = snapshot(path);
    CHECK(all.find("|purchase|") != std::string::npos);
    CHECK(all.find("event:review") != std::string::npos);
    std::string error;
    raw_exec(path, "UPDATE ledger SET points = 1", &error);
    CHECK(error.find("append-only") != std::string::npos);  // the trigger is back
}

TEST_CASE("a commit takes its quote's evaluation only when nothing changed since", "[checkout]") {
    const auto path = temp_path("quote-memo.db");
    auto db = open(path);
    db->load_program(ladder());
    const auto a = db->enrol(phone("09121234567"));
    // Quoted as Bronze (100 points); staff then make the member Gold (10% off, x2: 180 points)
    // through this handle.
    CHECK(db->quote(basket(a.id, {1000000})).points_earned == 100);
    db->assign_tier(a.id, "gold", 0, "compensation", "mgr", "A1");
    CHECK(db->commit(basket(a.id, {1000000}), "S1").points_earned == 180);
    // The same through another handle on the file: its commit is seen as well.
    auto other = open(path);
    const auto b = db->enrol(phone("09121234568"));
    CHECK(db->quote(basket(b.id, {1000000})).points_earned == 100);
    other->assign_tier(b.id, "gold", 0, "compensation", "mgr", "A2");
    CHECK(db->commit(basket(b.id, {1000000}), "S2").points_earned == 180);
    // Another basket than the one quoted is evaluated for itself.
    const auto c = db->enrol(phone("09121234569"));
    CHECK(db->quote(basket(c.id, {100000})).points_earned == 10);
    CHECK(db->commit(basket(c.id, {300000}), "S3").points_earned == 30);
    // Nothing changed: the commit is what the quote showed, and the file checks out.
    const auto q = db->quote(basket(c.id, {200000}));
    const auto r = db->commit(basket(c.id, {200000}), "S4");
    CHECK(r.points_earned == q.points_earned);
    CHECK(r.points_earned == 20);
    CHECK(db->verify().ok());
}

TEST_CASE("a lifetime score of points is the lifetime earnings, equal to the ledger's sum",
          "[tiers]") {
    // The lifetime points score of a member who absorbed no other reads members.lifetime_earned
    // instead of summing the ledger: it must come out as the ledger's sum of earning entries,
    // whatever happened to the points; a survivor of a merge is summed with its family.
    auto path = temp_path("tiers-lifetime.db");
    auto db = open(path);
    db->load_program(ladder("", R"(, "transfers": {"min_points": 1})"));
    auto a = db->enrol(phone("09121234567")).id;
    auto b = db->enrol(phone("09121234568")).id;
    auto c = db->enrol(phone("09121234569")).id;
    auto d = db->enrol(phone("09121234570")).id;
    db->commit(basket(a, {2000000}), "A1");                  // earn 200
    auto sb = db->commit(basket(b, {3000000}), "B1");        // earn 300
    db->record_event(b, "invite", "B-invite");               // an event's 50
    db->adjust(a, 40, "goodwill", "manager", "A-adj");       // not earned: no score
    db->commit(basket(a, {1000000}, 30), "A2");              // spend 30, earn 100
    db->refund(sb.sale_id, {{1, 500}}, "B-half");            // half of B's sale back: -150
    db->transfer_points(a, c, 20, "gift", "cashier", "T1");  // moved, not earned
    db->commit(basket(c, {900000}), "C1");                   // earn 90
    auto h = db->household_create(c, "H1");
    db->household_join(h, d, "H2");
    db->commit(basket(d, {400000}), "D1");  // into the head's account: 40
    db->merge(a, b, "M1");                  // B's 200 come with B
    auto ledger_sum = [&](std::int64_t id) {
        return raw_int(path,
                       "WITH RECURSIVE fam(id) AS (SELECT " + std::to_string(id) +
                           " UNION SELECT m.id FROM members m JOIN fam ON m.merged_into = fam.id) "
                           "SELECT COALESCE(SUM(points), 0) FROM ledger WHERE member_id IN fam "
                           "AND kind IN (1, 5, 7, 8)");
    };
    CHECK(ledger_sum(a) == 200 + 100 + 300 + 50 - 150);
    CHECK(db->tier_status(a).score == ledger_sum(a));
    CHECK(ledger_sum(c) == 90 + 40);
    CHECK(db->tier_status(c).score == ledger_sum(c));
    // C absorbed no one: its quote and its sale upgrade on the lifetime figure (130 + 400).
    CHECK(db->quote(basket(c, {4000000})).tier_after == "silver");
    CHECK(db->commit(basket(c, {4000000}), "C2").tier_after == "silver");
    CHECK(db->tier_status(c).score == ledger_sum(c));
    CHECK(db->tier_status(a).tier == "silver");  // 500, reached with B's points
    // 5,000,000 at Silver's x1.5 earns 750: 1,250 makes Gold, in the quote and in the commit.
    CHECK(db->quote(basket(a, {5000000})).tier_after == "gold");
    auto up = db->commit(basket(a, {5000000}), "A3");
    CHECK(up.tier_before == "silver");
    CHECK(up.tier_after == "gold");
    CHECK(db->tier_status(a).score == ledger_sum(a));
    CHECK(db->verify().ok());
}
