// The sales of a time range, found through their ids and the list of those written late
// (storage/sales_time.hpp, schema version 18).
#include <catch2/catch.hpp>

#include "db_fixture.hpp"
#include "report_fixture.hpp"

using namespace loyalty;
using namespace fixture;

namespace {

std::string range(std::int64_t a, std::int64_t b) {
    return "status IN (0, 1) AND created_at >= " + std::to_string(a) + " AND created_at < " +
           std::to_string(b);
}

}  // namespace

TEST_CASE("the sales of a time range are found through their ids and the late ones' list",
          "[reports]") {
    const std::string prog = programme_at_offset(7);  // local midnights inside quarter-hours
    auto path = temp_path("sales-time.db");
    auto db = open(path);
    db->load_program(prog);
    const auto a = db->enrol(phone("09121234567"));
    const auto b = db->enrol(phone("09121234568"));
    int late = 0;
    for (int i = 0; i < 90; ++i) {
        std::int64_t at = kT0 + i * 29 * 60000LL + i * 1000;
        // Every ninth sale with the clock set back three hours (the first one before any other
        // sale: the earliest of all is written late), and another set back to the start of the
        // quarter-hour of the sale before it (earlier, but written in time).
        if (i % 9 == 4) {
            at -= 3 * 3600000LL;
            ++late;
        } else if (i % 9 == 7) {
            const std::int64_t before = kT0 + (i - 1) * 29 * 60000LL + (i - 1) * 1000;
            at = before - before % 900000;
        }
        db->set_clock(at);
        const std::int64_t who = i % 3 == 0 ? 0 : (i % 3 == 1 ? a.id : b.id);
        auto bk = basket(who, {100000 + 10000 * i});
        bk.branch = i % 2 ? "north" : "south";
        db->commit(bk, "S" + std::to_string(i));
    }
    // A sale written at another till arrives later with its own, earlier time.
    {
        auto other = open(temp_path("sales-time-2.db"));
        other->load_program(prog);
        other->set_clock(kT0 + 100 * 60000LL + 777);
        auto o = other->enrol(phone("09127654321"));
        other->commit(basket(o.id, {900000}), "O1");
        db->apply_journal(other->journal("", 0, 1000));
        ++late;
    }
    db->set_clock(kT0 + 3 * 86400000LL);
    REQUIRE(raw_int(path, "SELECT COUNT(*) FROM sales") == 91);
    // No index of the sales by time: the late ones are listed, and every sale holds the latest
    // quarter-hour so far, which never falls.
    CHECK(raw_int(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'sales_time'") == 0);
    CHECK(raw_int(path, "SELECT COUNT(*) FROM sales_late") == late);
    CHECK(raw_int(path,
                  "SELECT COUNT(*) FROM sales s WHERE quarter_seen < (SELECT MAX(quarter_seen) "
                  "FROM sales p WHERE p.id < s.id)") == 0);
    CHECK(raw_int(path, "SELECT COUNT(*) FROM sales WHERE quarter_seen < created_at / 900000") ==
          0);

    const std::int64_t from = kT0 + 5 * 60000 + 3000, to = kT0 + 40 * 3600000LL + 11 * 60000;
    const std::vector<std::int64_t> bounds = day_bounds(from, to, 7 * 60000);
    REQUIRE(bounds.size() >= 3);
    auto count = [&](const std::string& where) {
        return raw_int(path, "SELECT COUNT(*) FROM sales WHERE " + where);
    };
    auto check_reports = [&]() {
        for (const std::string branch : {"", "north"}) {
            const Table t = report_by_day(*db, "sales", from, to, branch);
            REQUIRE(t.rows.size() == bounds.size() - 1);
            for (std::size_t i = 0; i + 1 < bounds.size(); ++i) {
                const std::string w = range(bounds[i], bounds[i + 1]) +
                                      (branch.empty() ? "" : " AND branch = '" + branch + "'");
                CHECK(column(t, i, "sales") == count(w));
                CHECK(column(t, i, "member_sales") == count(w + " AND member_id IS NOT NULL"));
            }
        }
        // A ranked report over a range whose edges split quarter-hours.
        ReportOptions o;
        o.from_ms = kT0 + 2 * 3600000LL + 7 * 60000;
        o.to_ms = kT0 + 20 * 3600000LL + 3 * 60000;
        const Table top = db->report("top_members", o);
        std::int64_t purchases = 0;
        for (std::size_t i = 0; i < top.rows.size(); ++i)
            purchases += column(top, i, "purchases");
        CHECK(purchases == count(range(o.from_ms, o.to_ms) + " AND member_id IS NOT NULL"));
        // From the first sale: the earliest, written late, begins the report.
        ReportOptions all;
        all.to_ms = kT0 + 3 * 86400000LL;
        const Table whole = db->report("sales", all);
        CHECK(column(whole, 0, "sales") == count("status IN (0, 1)"));
    };
    check_reports();
    CHECK(db->verify().ok());

    auto mended = [&](const char* named) {
        expect_mended(*db, named);
        check_reports();
    };
    ReportOptions whole;
    whole.from_ms = from;
    whole.to_ms = to;
    const std::int64_t in_range = count(range(from, to));

    // A late sale missing from the list is missing from the reports: verify names it, rebuild
    // lists it again.
    db.reset();
    raw_exec(path,
             "DELETE FROM sales_late WHERE id = (SELECT MAX(id) FROM sales_late WHERE "
             "created_at >= " +
                 std::to_string(from) + " AND created_at < " + std::to_string(to) + ")");
    db = open(path);
    CHECK(column(db->report("sales", whole), 0, "sales") == in_range - 1);
    mended("was written late but is not listed");

    // Sales' latest quarter-hours made wrong put them outside their range.
    db.reset();
    raw_exec(path,
             "UPDATE sales SET quarter_seen = quarter_seen + 1000 WHERE id BETWEEN 30 AND 60");
    db = open(path);
    CHECK(column(db->report("sales", whole), 0, "sales") != in_range);
    mended("as the latest so far");
}
