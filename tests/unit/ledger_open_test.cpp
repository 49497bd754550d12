// The newest quarter-hour's entries, which the report totals count only once the quarter-hour is
// over (schema version 23, storage/ledger_totals.hpp): the reports, loy_verify and loy_rebuild
// count them from the ledger until then.
#include <catch2/catch.hpp>

#include "db_fixture.hpp"
#include "report_fixture.hpp"
#include "storage/ledger_totals.hpp"
#include "storage/schema.hpp"

using namespace loyalty;
using namespace fixture;

namespace {

constexpr std::int64_t kQuarter = 900000;

std::int64_t points_of(const std::string& path, const std::string& where) {
    return raw_int(path, "SELECT COALESCE(SUM(points), 0) FROM ledger WHERE " + where);
}

std::string between(std::int64_t a, std::int64_t b) {
    return "created_at >= " + std::to_string(a) + " AND created_at < " + std::to_string(b);
}

// The points report over [from, to) in one period, against the entries themselves: earned,
// redeemed and adjusted.
void check_points(Database& db, const std::string& path, std::int64_t from, std::int64_t to) {
    ReportOptions o;
    o.from_ms = from;
    o.to_ms = to;
    const Table t = db.report("points", o);
    REQUIRE(t.rows.size() == 1);
    const std::string w = between(from, to);
    CHECK(column(t, 0, "earned") == points_of(path, w + " AND kind IN (1, 7, 8)"));
    CHECK(column(t, 0, "redeemed") == -points_of(path, w + " AND kind IN (2, 6)"));
    CHECK(column(t, 0, "adjusted") == points_of(path, w + " AND kind = 4"));
}

std::int64_t totals_entries(const std::string& path, std::int64_t quarter) {
    return raw_int(path, "SELECT COALESCE(SUM(entries), 0) FROM ledger_totals WHERE quarter = " +
                             std::to_string(quarter));
}

}  // namespace

TEST_CASE("the newest quarter-hour's entries are counted from the ledger until it is over",
          "[reports]") {
    auto path = temp_path("ledger-open.db");
    auto db = open(path);
    db->load_program(kProgramme);
    const std::int64_t q0 = kT0 / kQuarter;
    db->set_clock(kT0 + 5 * 60000);
    const auto m = db->enrol(phone("09121234567"));
    // An adjustment with the clock set back a little (in time: the same quarter-hour), the
    // earliest fact of the file, then three sales: their entries write no row of the totals.
    db->set_clock(kT0 + 60000);
    db->adjust(m.id, 3, "early", "mgr", "A0");
    for (int i = 0; i < 3; ++i) {
        db->set_clock(kT0 + 60000 * (i + 6));
        db->commit(basket(m.id, {200000 + 10000 * i}, i == 2 ? 5 : 0), "S" + std::to_string(i));
    }
    const std::int64_t first = raw_int(path, "SELECT MIN(id) FROM ledger");
    REQUIRE(raw_int(path, "SELECT COUNT(*) FROM ledger") == 5);
    CHECK(raw_int(path, "SELECT COUNT(*) FROM ledger_totals") == 0);
    CHECK(raw_int(path, "SELECT quarter FROM ledger_open") == q0);
    CHECK(raw_int(path, "SELECT first_id FROM ledger_open") == first);
    db->set_clock(kT0 + 10 * 60000);
    check_points(*db, path, kT0 - 3600000, kT0 + 3600000);
    check_points(*db, path, kT0 + 390000, kT0 + 450000);  // an edge inside the quarter-hour
    {
        ReportOptions o;  // from the first fact: the earliest entry is one the totals do not count
        const Table t = db->report("points", o);
        CHECK(column(t, 0, "earned") == points_of(path, "kind IN (1, 7, 8)"));
        CHECK(column(t, 0, "adjusted") == 3);
    }
    CHECK(db->verify().ok());

    // An entry of the next quarter-hour: the first one's entries go to the totals, in one pass.
    db->set_clock(kT0 + kQuarter + 30000);
    db->commit(basket(m.id, {150000}), "S3");
    CHECK(totals_entries(path, q0) == 5);
    CHECK(totals_entries(path, q0 + 1) == 0);
    CHECK(raw_int(path, "SELECT quarter FROM ledger_open") == q0 + 1);
    CHECK(raw_int(path, "SELECT first_id FROM ledger_open") == first + 5);
    CHECK(raw_int(path, "SELECT points FROM ledger_totals WHERE quarter = " + std::to_string(q0) +
                            " AND kind = 1") ==
          points_of(path, "kind = 1 AND " + between(kT0, kT0 + kQuarter)));
    db->set_clock(kT0 + kQuarter + 60000);
    check_points(*db, path, kT0, kT0 + 2 * kQuarter);
    check_points(*db, path, kT0 + kQuarter + 1000, kT0 + 2 * kQuarter);

    // An entry written late (the clock set back): the newest quarter-hour's entries so far go to
    // the totals first, the late one to its own quarter-hour and to the late list, and the range
    // starts after it.
    db->set_clock(kT0 + 5 * 60000);
    db->adjust(m.id, 7, "late", "mgr", "A1");
    const std::int64_t late = raw_int(path, "SELECT MAX(id) FROM ledger");
    CHECK(totals_entries(path, q0) == 6);
    CHECK(totals_entries(path, q0 + 1) == 1);
    CHECK(raw_int(path, "SELECT COUNT(*) FROM ledger_late WHERE id = " + std::to_string(late)) ==
          1);
    CHECK(raw_int(path, "SELECT quarter FROM ledger_open") == q0 + 1);
    CHECK(raw_int(path, "SELECT first_id FROM ledger_open") == late + 1);
    // Then in time again, in the newest quarter-hour: counted from the ledger, added to its
    // totals' row when the quarter-hour is over.
    db->set_clock(kT0 + kQuarter + 120000);
    db->adjust(m.id, 11, "in time", "mgr", "A2");
    CHECK(totals_entries(path, q0 + 1) == 1);
    check_points(*db, path, kT0, kT0 + 2 * kQuarter);
    CHECK(db->verify().ok());
    db->set_clock(kT0 + 2 * kQuarter + 1000);
    db->adjust(m.id, 13, "next", "mgr", "A3");
    CHECK(totals_entries(path, q0 + 1) == 2);
    CHECK(raw_int(path, "SELECT first_id FROM ledger_totals WHERE quarter = " +
                            std::to_string(q0 + 1) + " AND kind = 1") == first + 5);
    check_points(*db, path, kT0, kT0 + 3 * kQuarter);
    CHECK(db->verify().ok());

    // A long quarter-hour: its range goes to the totals every LOY_OPEN_RANGE_ENTRIES entries.
    const int cap = std::stoi(LOY_OPEN_RANGE_ENTRIES);
    for (int i = 0; i < cap + 10; ++i)
        db->adjust(m.id, 1, "many", "mgr", "M" + std::to_string(i));
    const std::int64_t q2 = q0 + 2;
    CHECK(totals_entries(path, q2) == cap);
    CHECK(raw_int(path, "SELECT MAX(id) - first_id + 1 FROM ledger, ledger_open") == 11);
    db->set_clock(kT0 + 2 * kQuarter + 2000);
    check_points(*db, path, kT0, kT0 + 3 * kQuarter);
    check_points(*db, path, kT0 + 2 * kQuarter, kT0 + 2 * kQuarter + 1500);
    CHECK(db->verify().ok());

    // ledger_open made wrong: the reports count entries twice or not at all; verify names it,
    // rebuild counts every entry in the totals and starts the range after the last.
    const std::int64_t all = points_of(path, "kind = 4 AND " + between(kT0, kT0 + 3 * kQuarter));
    auto adjusted = [&] {
        ReportOptions o;
        o.from_ms = kT0;
        o.to_ms = kT0 + 3 * kQuarter;
        return column(db->report("points", o), 0, "adjusted");
    };
    REQUIRE(adjusted() == all);
    db.reset();
    raw_exec(path, "UPDATE ledger_open SET first_id = first_id - 2");
    db = open(path);
    CHECK(adjusted() == all + 2);
    expect_mended(*db, "report totals of quarter");
    CHECK(adjusted() == all);
    CHECK(raw_int(path, "SELECT first_id FROM ledger_open") ==
          raw_int(path, "SELECT MAX(id) + 1 FROM ledger"));
    db.reset();
    raw_exec(path, "UPDATE ledger_open SET quarter = quarter - 1");
    db = open(path);
    expect_mended(*db, "ledger_open");
    db.reset();
    raw_exec(path, "DELETE FROM ledger_open");
    db = open(path);
    expect_mended(*db, "ledger_open");
    CHECK(raw_int(path, "SELECT quarter FROM ledger_open") == q2);
    // After the rebuild the newest quarter-hour's totals row is added to, not written anew.
    db->adjust(m.id, 17, "after", "mgr", "B1");
    db->set_clock(kT0 + 3 * kQuarter + 1000);
    db->adjust(m.id, 19, "after", "mgr", "B2");
    CHECK(totals_entries(path, q2) == cap + 10 + 1);
    check_points(*db, path, kT0, kT0 + 4 * kQuarter);
    CHECK(db->verify().ok());
}

TEST_CASE("a file of schema 22 keeps its totals and counts its newest quarter-hour once upgraded",
          "[storage]") {
    auto path = temp_path("ledger-open-v22.db");
    std::int64_t member = 0;
    {
        auto db = open(path);
        db->load_program(kProgramme);
        member = db->enrol(phone("09121234567")).id;
        db->set_clock(kT0 + 60000);
        db->commit(basket(member, {300000}), "S1");
        db->set_clock(kT0 + 120000);
        db->commit(basket(member, {100000}, 5), "S2");
    }
    // Taken back to version 22: the open lots and sales by member apart, no ledger_open, the
    // totals' two triggers, totals of every entry.
    raw_exec(
        path,
        std::string(kUndoSchema25) +
            "DROP TRIGGER ledger_totals_i; DROP VIEW ledger_range_ends; DROP TABLE ledger_open;"
            "CREATE TRIGGER ledger_totals_i AFTER INSERT ON ledger BEGIN INSERT INTO "
            "ledger_totals(quarter, branch, kind, points, entries, first_id, last_id) VALUES "
            "(NEW.created_at / 900000, COALESCE(NEW.branch, ''), NEW.kind, NEW.points, 1, NEW.id, "
            "CASE WHEN NEW.created_at / 900000 < (SELECT MAX(quarter) FROM ledger_totals) THEN 0 "
            "ELSE NEW.id END) ON CONFLICT DO UPDATE SET points = points + excluded.points, "
            "entries = entries + 1, last_id = MAX(last_id, excluded.last_id); END;"
            "CREATE TRIGGER ledger_late_i AFTER INSERT ON ledger WHEN NEW.created_at / 900000 < "
            "(SELECT MAX(quarter) FROM ledger_totals) BEGIN INSERT INTO ledger_late(created_at, "
            "id) VALUES (NEW.created_at, NEW.id); END;"
            "DELETE FROM ledger_totals; INSERT INTO ledger_totals(" LOY_LEDGER_TOTALS_COLUMNS
            ") " LOY_LEDGER_TOTALS_OF_ENTRIES
            ";"
            "PRAGMA user_version = 22;");
    const std::int64_t counted = raw_int(path, "SELECT SUM(entries) FROM ledger_totals");
    REQUIRE(counted == 3);
    auto db = open(path);
    CHECK(raw_int(path, "PRAGMA user_version") == storage::kSchemaVersion);
    CHECK(raw_int(path, "SELECT SUM(entries) FROM ledger_totals") == counted);
    CHECK(raw_int(path, "SELECT quarter FROM ledger_open") == kT0 / kQuarter);
    CHECK(raw_int(path, "SELECT first_id FROM ledger_open") ==
          raw_int(path, "SELECT MAX(id) + 1 FROM ledger"));
    CHECK(db->verify().ok());
    // The same quarter-hour goes on: its later entries are added to the rows the totals have.
    db->set_clock(kT0 + 180000);
    db->commit(basket(member, {200000}), "S3");
    check_points(*db, path, kT0, kT0 + kQuarter);
    db->set_clock(kT0 + kQuarter + 1000);
    db->commit(basket(member, {200000}), "S4");
    CHECK(raw_int(path, "SELECT SUM(entries) FROM ledger_totals") == counted + 1);
    CHECK(raw_int(path, "SELECT COUNT(*) FROM ledger_totals") ==
          raw_int(path, "SELECT COUNT(DISTINCT kind) FROM ledger"));
    check_points(*db, path, kT0, kT0 + 2 * kQuarter);
    CHECK(db->verify().ok());
}
