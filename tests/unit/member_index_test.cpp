// The member index (schema version 25, storage/member_index.hpp): a member's ledger entries,
// sales and open lots in one b-tree keyed by (member, part, id).
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
    return raw_text(path, std::string("SELECT COALESCE(group_concat(member_id || ':' || id || ':' "
                                      "|| created_at || ':' || COALESCE(uses_from, '') || '-' || "
                                      "COALESCE(uses_to, ''), ' '), '') FROM (SELECT * FROM (") +
                              (from_index ? "SELECT * FROM member_index WHERE part = 1"
                                          : LOY_MEMBER_SALES_OF_FACTS) +
                              ") ORDER BY member_id, id)");
}

}  // namespace

TEST_CASE("a member's entries, sales and lots are rows of one b-tree, kept by their writes",
          "[storage]") {
    const auto path = temp_path("member-index.db");
    auto db = open(path);
    db->load_program(kWithClaims);
    auto a = db->enrol(phone("09121234567"));
    auto b = db->enrol(phone("09121234568"));
    const auto first = db->commit(basket(a.id, {300000}), "A1");
    const auto second = db->commit(basket(a.id, {100000}, 10), "A2");  // spends from A1's lot
    const auto other = db->commit(basket(b.id, {200000}), "B1");
    // Each member's entries, then sales, then open lots: A's two lots (30 - 10 and 10), B's one.
    auto entries_of = [&path](std::int64_t member) {
        return raw_text(path, "SELECT group_concat(':entry ' || id, ', " + std::to_string(member) +
                                  "') FROM (SELECT id FROM ledger WHERE member_id = " +
                                  std::to_string(member) + " ORDER BY id)");
    };
    const std::string as = std::to_string(a.id), bs = std::to_string(b.id);
    CHECK(raw_text(path,
                   "SELECT group_concat(member_id || ':' || CASE part WHEN 0 THEN 'entry ' || id "
                   "WHEN 1 THEN 'sale ' || id ELSE 'lot ' || remaining END, ', ') FROM (SELECT * "
                   "FROM member_index ORDER BY member_id, part, id)") ==
          as + entries_of(a.id) + ", " + as + ":sale " + std::to_string(first.sale_id) + ", " + as +
              ":sale " + std::to_string(second.sale_id) + ", " + as + ":lot 20, " + as +
              ":lot 10, " + bs + entries_of(b.id) + ", " + bs + ":sale " +
              std::to_string(other.sale_id) + ", " + bs + ":lot 20");
    CHECK(raw_int(path, "SELECT COUNT(*) FROM member_entries WHERE member_id = " + as) == 3);
    CHECK(raw_int(path,
                  "SELECT COUNT(*) FROM member_entries e JOIN ledger l ON l.id = "
                  "e.entry_id AND l.member_id = e.member_id") ==
          raw_int(path, "SELECT COUNT(*) FROM ledger"));
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
    // A row that is not what its part says is refused, and the views take no writes.
    const std::int64_t open_lots = raw_int(path, "SELECT COUNT(*) FROM lots_left");
    CHECK(open_lots == 4);  // the claim's earning opened one
    std::string error;
    for (const char* wrong :
         {"INSERT INTO member_index(member_id, part, id, remaining) VALUES (1, 2, 5, 3)",
          "INSERT INTO member_index(member_id, part, id, created_at, remaining) VALUES (1, 1, 99, "
          "1, 3)",
          "INSERT INTO member_index(member_id, part, id, created_at) VALUES (1, 0, 99, 1)",
          "INSERT INTO member_index(member_id, part, id) VALUES (1, 3, 99)"}) {
        raw_exec(path, wrong, &error);
        CAPTURE(wrong);
        CHECK(error.find("CHECK constraint failed") != std::string::npos);
    }
    raw_exec(path, "DELETE FROM lots_left", &error);
    CHECK(error.find("cannot modify lots_left because it is a view") != std::string::npos);
    CHECK(raw_int(path, "SELECT COUNT(*) FROM lots_left") == open_lots);
}

TEST_CASE(
    "loy_verify names an entry or a sale whose row in the member index is wrong, loy_rebuild "
    "writes it",
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
    const std::string s = std::to_string(sale), m = std::to_string(member);
    const std::string e =
        std::to_string(raw_int(path, "SELECT MIN(id) FROM ledger WHERE member_id = " + m));
    const std::string sale_named = "sale " + s + ": its row in the member index",
                      entry_named = ": its row in the member index is missing or not its member's";
    // Each change behind the library's back, and what loy_verify names: a sale's row with another
    // time, missing, of another member, with other coupon uses, or for no sale of the member; an
    // entry's row missing, moved to another member, or for no entry. The balances, summed from
    // the ledger itself, are not in question.
    const std::pair<std::string, std::string> cases[] = {
        {"UPDATE member_index SET created_at = created_at + 1 WHERE part = 1 AND id = " + s,
         sale_named},
        {"DELETE FROM member_index WHERE part = 1 AND id = " + s, sale_named},
        {"UPDATE member_index SET member_id = member_id + 1 WHERE part = 1 AND id = " + s,
         sale_named},
        {"UPDATE member_index SET uses_from = 1, uses_to = 1 WHERE part = 1 AND id = " + s,
         sale_named},
        {"INSERT INTO member_index(member_id, part, id, created_at) VALUES (" + m + ", 1, 999, 5)",
         "sale 999: its row in the member index"},
        {"DELETE FROM member_index WHERE part = 0 AND id = " + e, entry_named},
        {"UPDATE member_index SET member_id = member_id + 1 WHERE part = 0 AND id = " + e,
         entry_named},
        {"INSERT INTO member_index(member_id, part, id) VALUES (" + m + ", 0, " + e + " + 1000)",
         entry_named},
    };
    for (const auto& [tamper, named] : cases) {
        auto copy = temp_path("member-index-tampered.db");
        raw_exec(path, "VACUUM INTO '" + copy + "'");
        raw_exec(copy, tamper);
        auto db = open(copy);
        const auto problems = db->verify().problems;
        CAPTURE(tamper);
        REQUIRE(problems.size() == 1);
        CHECK(problems[0].find(named) != std::string::npos);
        CHECK(db->rebuild() == 1);
        CHECK(db->verify().ok());
        CHECK(sale_rows(copy) == sale_rows(copy, false));
        CHECK(raw_int(copy,
                      "SELECT COUNT(*) FROM member_entries e JOIN ledger l ON l.id = "
                      "e.entry_id AND l.member_id = e.member_id") ==
              raw_int(copy, "SELECT COUNT(*) FROM ledger"));
    }
}

TEST_CASE("a file of schema 24 keeps its entries, sales and open lots by member once upgraded",
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
                 "WHERE part = 2 ORDER BY member_id, id)");
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
                  "'member_sales', 'member_entries') AND type = 'view'") == 3);
    CHECK(raw_text(path,
                   "SELECT group_concat(member_id || ':' || id || ':' || expires_at || ':' || "
                   "available_at || ':' || remaining, ' ') FROM (SELECT * FROM lots_left ORDER BY "
                   "member_id, id)") == lots);
    CHECK(raw_int(path, "SELECT COUNT(*) FROM member_sales") == 3);  // not the anonymous sale
    CHECK(raw_int(path,
                  "SELECT COUNT(*) FROM member_entries e JOIN ledger l ON l.id = "
                  "e.entry_id AND l.member_id = e.member_id") ==
          raw_int(path, "SELECT COUNT(*) FROM ledger"));
    CHECK(raw_int(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'ledger_member'") == 0);
    CHECK(sale_rows(path) == sale_rows(path, false));
    CHECK(db->verify().ok());
    // The member's next sale takes its lots and gets its row as a new file's does.
    db->commit(basket(a, {100000}, 5), "A3");
    CHECK(raw_int(path,
                  "SELECT COUNT(*) FROM member_sales WHERE member_id = " + std::to_string(a)) == 3);
    CHECK(db->verify().ok());
}
