// A transaction's notes (storage::Connection::notes: the journal's facts, noted by triggers that
// call loy_note) are undone exactly as SQLite undoes the writes they note: a failed statement's,
// a savepoint's rolled back, a transaction's ended without COMMIT.
#include <catch2/catch.hpp>

#include <cstdio>
#include <map>

#include <nlohmann/json.hpp>

#include "db_fixture.hpp"
#include "storage/sqlite.hpp"

using namespace loyalty;
using storage::Connection;
using storage::Transaction;

namespace {

// A file with a table whose inserts are noted (kind 7), and whose CHECK fails a statement.
void open_noted(Connection& c, const std::string& path) {
    c.open(path, false, true);
    c.exec("PRAGMA journal_mode=WAL");
    c.exec(
        "CREATE TABLE t(id INTEGER PRIMARY KEY, v INTEGER CHECK (v < 10));"
        "CREATE TABLE r(x INTEGER);"
        "INSERT INTO r VALUES (1), (-9223372036854775807 - 1);");
    c.enable_notes();
    c.exec(
        "CREATE TEMP TRIGGER noted AFTER INSERT ON main.t BEGIN SELECT loy_note(7, NEW.id); "
        "END");
}

std::int64_t rows(Connection& c) {
    auto q = c.query("SELECT COUNT(*) FROM t");
    q.next();
    return q.i64(0);
}

}  // namespace

TEST_CASE("a statement that fails takes its notes with its writes", "[notes]") {
    Connection c;
    open_noted(c, fixture::temp_path("notes-statement.db"));
    Transaction t(c, true);
    c.query("INSERT INTO t(v) VALUES (1)").run();
    REQUIRE(c.notes().size() == 1);
    CHECK(c.notes()[0].kind == 7);
    CHECK(c.notes()[0].row == 1);
    // Two rows are inserted and noted before the third fails its CHECK: SQLite undoes the
    // statement, and the two notes go.
    CHECK_THROWS_AS(c.query("INSERT INTO t(v) VALUES (2), (3), (20)").run(), Error);
    CHECK(rows(c) == 1);
    REQUIRE(c.notes().size() == 1);
    CHECK(c.notes()[0].row == 1);
    // The statement runs again, without the failing row: noted afresh.
    c.query("INSERT INTO t(v) VALUES (4)").run();
    CHECK(c.notes().size() == 2);
    t.commit();
    CHECK(c.notes().empty());
}

TEST_CASE("a read that fails while others write leaves their notes", "[notes]") {
    Connection c;
    open_noted(c, fixture::temp_path("notes-read.db"));
    Transaction t(c, true);
    auto read = c.query("SELECT abs(x) FROM r ORDER BY rowid");
    REQUIRE(read.next());  // abs(1)
    c.query("INSERT INTO t(v) VALUES (1)").run();
    // abs() of the smallest integer overflows: the read fails, the insert stands.
    CHECK_THROWS_AS(read.next(), Error);
    CHECK(rows(c) == 1);
    CHECK(c.notes().size() == 1);
}

TEST_CASE("a savepoint rolled back takes the notes made since it", "[notes]") {
    Connection c;
    open_noted(c, fixture::temp_path("notes-savepoint.db"));
    {
        Transaction t(c, true);
        c.query("INSERT INTO t(v) VALUES (1)").run();
        c.savepoint("outer");
        c.query("INSERT INTO t(v) VALUES (2)").run();
        c.savepoint("inner");
        c.query("INSERT INTO t(v) VALUES (3)").run();
        CHECK(c.notes().size() == 3);
        // Rolling back to the outer savepoint ends the inner one too.
        c.rollback_to("outer");
        CHECK(rows(c) == 1);
        REQUIRE(c.notes().size() == 1);
        CHECK(c.notes()[0].row == 1);
        // The outer savepoint stays open: what is written next is undone by the next rollback.
        c.query("INSERT INTO t(v) VALUES (4)").run();
        CHECK(c.notes().size() == 2);
        c.rollback_to("outer");
        CHECK(c.notes().size() == 1);
        c.query("INSERT INTO t(v) VALUES (5)").run();
        // Released, its notes stay the transaction's.
        c.release("outer");
        CHECK(c.notes().size() == 2);
        CHECK(rows(c) == 2);
    }  // ended without COMMIT: rolled back, and every note with it
    CHECK(c.notes().empty());
    CHECK(rows(c) == 0);
}

TEST_CASE("a checkout's journal record holds every fact row it wrote", "[notes][journal]") {
    const std::string path = fixture::temp_path("notes-checkout.db");
    auto db = fixture::open(path);
    db->load_program(R"({"currency": "IRR",
      "spend": [{"id": "base", "points": 10, "per": 100000}],
      "redeem": {"point_value": "1000", "max_share": "1"},
      "campaigns": [{"id": "ten", "name": "10% off", "effect": "percent", "percent": "0.1",
                     "code": "TEN10"}]})");
    auto m = db->enrol(fixture::phone("09121234567"));
    db->adjust(m.id, 100, "opening balance", "mgr", "A1");
    Basket b = fixture::basket(m.id, {400000}, 30);
    b.coupons.push_back("TEN10");
    const auto tables = {"sales", "ledger", "coupon_uses"};
    std::map<std::string, std::int64_t> before;
    for (const char* t : tables)
        before[t] = fixture::raw_int(path, std::string("SELECT COUNT(*) FROM ") + t);
    db->commit(b, "S1");
    const auto records = db->journal("", 0, 100);
    REQUIRE(!records.empty());
    REQUIRE(records.back().kind == "sale");
    std::map<std::string, std::int64_t> facts;
    for (const auto& f : nlohmann::json::parse(records.back().body))
        ++facts[f.at("t").get<std::string>()];
    // One sale, its redeem and earn entries, its coupon use: each inserted row, one fact.
    CHECK(fixture::raw_int(path, "SELECT COUNT(*) FROM sales") - before["sales"] == 1);
    CHECK(fixture::raw_int(path, "SELECT COUNT(*) FROM ledger") - before["ledger"] == 2);
    CHECK(fixture::raw_int(path, "SELECT COUNT(*) FROM coupon_uses") - before["coupon_uses"] == 1);
    CHECK(facts["sale"] == 1);
    CHECK(facts["entry"] == 2);
    CHECK(facts["coupon_use"] == 1);
}
