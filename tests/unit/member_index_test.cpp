// The member index (schema version 25, storage/member_index.hpp): a member's open lots and
// sales in one b-tree keyed by (member, id), the lots above 0 and the sales, negated, below.
#include <catch2/catch.hpp>

#include "db_fixture.hpp"
#include "storage/member_index.hpp"
#include "storage/schema.hpp"

using namespace loyalty;
using namespace fixture;

namespace {

constexpr const char* kWithClaims = R"({
  "currency": "IRR",
  "spend": [{"id": "base", "name": "Every 100,000 = 10 points", "points": 10, "per": 100000}],
  "redeem": {"point_value": "1000", "min_points": 1, "max_share": "1"},
  "expiry_days": 365,
  "claims": {"window_days": 30}
})";

// Sales' rows as "member:sale:time:from-to", in key order: `from` the member index's own
// (true) or what the sales give (false).
std::string sale_rows(const std::string& path, bool from_index = true) {
    return raw_text(path, std::string("SELECT COALESCE(group_concat(member_id || ':' || -id || ':' "
                                      "|| created_at || ':' || COALESCE(uses_from, '') || '-' || "
                                      "COALESCE(uses_to, ''), ' '), '') FROM (SELECT * FROM (") +
                              (from_index ? "SELECT * FROM member_index WHERE id < 0"
                                          : LOY_MEMBER_SALES_OF_FACTS) +
                              ") ORDER BY member_id, id)");
}

}  // namespace

TEST_CASE("a member's lots and sales are rows of one b-tree, the sales kept by the sales' writes",
          "[storage]") {
    const auto path = temp_path("member-index.db");
    auto db = open(path);
    db->load_program(kWithClaims);
    auto a = db->enrol(phone("09121234567"));
    auto b = db->enrol(phone("09121234568"));
    const auto first = db->commit(basket(a.id, {300000}), "A1");
    const auto second = db->commit(basket(a.id, {100000}, 10), "A2");  // spends from A1's lot
    const auto other = db->commit(basket(b.id, {200000}), "B1");
    // Each member's sales, negated, then their open lots: A's two lots (30 - 10 and 10), B's one.
    CHECK(raw_text(path,
                   "SELECT group_concat(member_id || ':' || CASE WHEN id > 0 THEN 'lot ' || "
                   "remaining ELSE 'sale ' || -id END, ', ') FROM (SELECT * FROM member_index "
                   "ORDER BY member_id, id)") ==
          std::to_string(a.id) + ":sale " + std::to_string(second.sale_id) + ", " +
              std::to_string(a.id) + ":sale " + std::to_string(first.sale_id) + ", " +
              std::to_string(a.id) + ":lot 20, " + std::to_string(a.id) + ":lot 10, " +
              std::to_string(b.id) + ":sale " + std::to_string(other.sale_id) + ", " +
              std::to_string(b.id) + ":lot 20");
    // The views read each kind alone.
    CHECK(raw_int(path, "SELECT COUNT(*) FROM lots_left") == 3);
    CHECK(raw_int(path, "SELECT SUM(remaining) FROM lots_left WHERE member_id = " +
                            std::to_string(a.id)) == 30);
    CHECK(raw_int(path, "SELECT COUNT(*) FROM member_sales") == 3);
    CHECK(raw_int(path,
                  "SELECT COUNT(*) FROM member_sales ms JOIN sales s ON s.id = ms.sale_id "
                  "AND s.member_id = ms.member_id AND s.created_at = ms.created_at") == 3);
    // An anonymous sale has no row until a member claims it; then the claim's update writes it.
    const auto anon = db->commit(basket(0, {100000}), "N1");
    CHECK(raw_int(path, "SELECT COUNT(*) FROM member_sales WHERE sale_id = " +
                            std::to_string(anon.sale_id)) == 0);
    db->claim_sale(anon.sale_id, b.id, "cashier", "C1");
    CHECK(raw_int(path, "SELECT member_id FROM member_sales WHERE sale_id = " +
                            std::to_string(anon.sale_id)) == b.id);
    CHECK(sale_rows(path) == sale_rows(path, false));
    // A sale's row follows the sale's own changes, and goes with it.
    raw_exec(path, "UPDATE sales SET member_id = " + std::to_string(b.id) +
                       " WHERE id = " + std::to_string(first.sale_id));
    CHECK(raw_int(path, "SELECT member_id FROM member_sales WHERE sale_id = " +
                            std::to_string(first.sale_id)) == b.id);
    raw_exec(path, "UPDATE sales SET member_id = " + std::to_string(a.id) +
                       " WHERE id = " + std::to_string(first.sale_id));
    CHECK(sale_rows(path) == sale_rows(path, false));
    CHECK(db->verify().ok());
    // A row that is neither a lot nor a sale is refused, and the views take no writes.
    const std::int64_t open_lots = raw_int(path, "SELECT COUNT(*) FROM lots_left");
    CHECK(open_lots == 4);  // the claim's earning opened one
    std::string error;
    raw_exec(path, "INSERT INTO member_index(member_id, id, remaining) VALUES (1, 5, 3)", &error);
    CHECK(error.find("CHECK constraint failed") != std::string::npos);
    raw_exec(path,
             "INSERT INTO member_index(member_id, id, created_at, remaining) VALUES (1, -99, "
             "1, 3)",
             &error);
    CHECK(error.find("CHECK constraint failed") != std::string::npos);
    raw_exec(path, "DELETE FROM lots_left", &error);
    CHECK(error.find("cannot modify lots_left because it is a view") != std::string::npos);
    CHECK(raw_int(path, "SELECT COUNT(*) FROM lots_left") == open_lots);
}

TEST_CASE(
    "loy_verify names a sale whose row in the member index is wrong and loy_rebuild writes it",
    "[storage]") {
    const auto path = temp_path("member-index-tamper.db");
    std::int64_t sale = 0, member = 0;
    {
        auto db = open(path);
        db->load_program(kProgramme);
        member = db->enrol(phone("09121234567")).id;
        sale = db->commit(basket(member, {300000}), "S1").sale_id;
        db->commit(basket(member, {100000}), "S2");
        REQUIRE(db->verify().ok());
    }
    const std::string s = std::to_string(sale);
    const std::string named = "sale " + s + ": its row in the member index";
    for (const std::string& tamper :
         {"UPDATE member_index SET created_at = created_at + 1 WHERE id = -" + s,
          "DELETE FROM member_index WHERE id = -" + s,
          "UPDATE member_index SET member_id = member_id + 1 WHERE id = -" + s,
          "UPDATE member_index SET uses_from = 1, uses_to = 1 WHERE id = -" + s}) {
        auto copy = temp_path("member-index-tampered.db");
        raw_exec(path, "VACUUM INTO '" + copy + "'");
        raw_exec(copy, tamper);
        auto db = open(copy);
        const auto problems = db->verify().problems;
        CAPTURE(tamper);
        REQUIRE(problems.size() == 1);
        CHECK(problems[0].find(named) == 0);
        CHECK(db->rebuild() == 1);
        CHECK(db->verify().ok());
        CHECK(sale_rows(copy) == sale_rows(copy, false));
    }
    // A row for a sale that is not the member's (or not a sale at all) is named too.
    auto copy = temp_path("member-index-extra.db");
    raw_exec(path, "VACUUM INTO '" + copy + "'");
    raw_exec(copy, "INSERT INTO member_index(member_id, id, created_at) VALUES (" +
                       std::to_string(member) + ", -999, 5)");
    auto db = open(copy);
    const auto problems = db->verify().problems;
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].find("sale 999: its row in the member index") == 0);
    CHECK(db->rebuild() == 1);
    CHECK(db->verify().ok());
}

TEST_CASE("a file of schema 24 keeps its open lots and sales by member once upgraded",
          "[storage]") {
    const auto path = temp_path("member-index-v24.db");
    std::int64_t a = 0;
    {
        auto db = open(path);
        db->load_program(kProgramme);
        a = db->enrol(phone("09121234567")).id;
        const auto b = db->enrol(phone("09121234568")).id;
        db->commit(basket(a, {300000}), "A1");
        db->commit(basket(a, {100000}, 25), "A2");
        db->commit(basket(b, {200000}), "B1");
        db->commit(basket(0, {50000}), "N1");
    }
    const std::string lots =
        raw_text(path,
                 "SELECT group_concat(member_id || ':' || id || ':' || expires_at || ':' || "
                 "available_at || ':' || remaining, ' ') FROM (SELECT * FROM member_index "
                 "WHERE id > 0 ORDER BY member_id, id)");
    REQUIRE(!lots.empty());
    raw_exec(path, std::string(kUndoSchema25) + "PRAGMA user_version = 24;");
    REQUIRE(raw_int(path,
                    "SELECT COUNT(*) FROM sqlite_master WHERE name = 'lots_left' AND type = "
                    "'table'") == 1);
    auto db = open(path);
    CHECK(raw_int(path, "PRAGMA user_version") == storage::kSchemaVersion);
    CHECK(raw_int(path,
                  "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('sales_member', "
                  "'lots_left_14')") == 0);
    CHECK(raw_int(path,
                  "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('lots_left', "
                  "'member_sales') AND type = 'view'") == 2);
    CHECK(raw_text(path,
                   "SELECT group_concat(member_id || ':' || id || ':' || expires_at || ':' || "
                   "available_at || ':' || remaining, ' ') FROM (SELECT * FROM lots_left ORDER BY "
                   "member_id, id)") == lots);
    CHECK(raw_int(path, "SELECT COUNT(*) FROM member_sales") == 3);  // not the anonymous sale
    CHECK(sale_rows(path) == sale_rows(path, false));
    CHECK(db->verify().ok());
    // The member's next sale takes its lots and gets its row as a new file's does.
    db->commit(basket(a, {100000}, 5), "A3");
    CHECK(raw_int(path,
                  "SELECT COUNT(*) FROM member_sales WHERE member_id = " + std::to_string(a)) == 3);
    CHECK(db->verify().ok());
}
