// A report's span: where an open start begins.
#include <catch2/catch.hpp>

#include "db_fixture.hpp"
#include "report_fixture.hpp"

using namespace loyalty;
using namespace fixture;

TEST_CASE("a report from the start counts the ledger's earliest entries, late or in time",
          "[reports]") {
    auto path = temp_path("report-span.db");
    auto db = open(path);
    db->load_program(kProgramme);
    // The first sale, then two adjustments with the clock set back: one a few seconds earlier in
    // the same quarter-hour (written in time), one an hour earlier (written late).
    db->set_clock(kT0 + 3600000 + 5000);
    const auto m = db->enrol(phone("09121234567"));
    db->commit(basket(m.id, {100000}), "S1");
    db->set_clock(kT0 + 3600000 + 1000);
    db->adjust(m.id, 3, "in time", "mgr", "A1");
    db->set_clock(kT0);
    db->adjust(m.id, 5, "late", "mgr", "A2");
    db->set_clock(kT0 + 2 * 3600000);
    REQUIRE(raw_int(path, "SELECT COUNT(*) FROM ledger_late") == 1);

    const std::int64_t adjusted = raw_int(path, "SELECT SUM(points) FROM ledger WHERE kind = 4");
    REQUIRE(adjusted == 8);
    for (const Grouping g : {Grouping::None, Grouping::Day}) {
        ReportOptions o;  // from 0 and to 0: from the first fact to now
        o.group = g;
        const Table t = db->report("points", o);
        REQUIRE(t.rows.size() == 1);
        CHECK(column(t, 0, "adjusted") == adjusted);
        CHECK(column(t, 0, "earned") ==
              raw_int(path, "SELECT SUM(points) FROM ledger WHERE kind IN (1, 7, 8)"));
    }
}
