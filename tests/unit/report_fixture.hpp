// Helpers for tests of the reports and of what loy_verify and loy_rebuild do with their
// projections.
#ifndef LOYALTY_TESTS_REPORT_FIXTURE_HPP
#define LOYALTY_TESTS_REPORT_FIXTURE_HPP

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "db_fixture.hpp"
#include "loyalty/database.hpp"

namespace fixture {

// The test programme (db_fixture.hpp) with its local time `minutes` ahead of UTC. An offset of 7
// minutes puts every local midnight inside a quarter-hour, so that the daily periods split
// quarter-hours as a report's own edges do.
inline std::string programme_at_offset(int minutes) {
    std::string prog = kProgramme;
    prog.replace(prog.find("\"currency\""), 0,
                 "\"utc_offset_minutes\": " + std::to_string(minutes) + ", ");
    return prog;
}

// The number in a report's row under the named column.
inline std::int64_t column(const loyalty::Table& t, std::size_t row, const std::string& name) {
    for (std::size_t c = 0; c < t.columns.size(); ++c)
        if (t.columns[c] == name) return t.rows.at(row).at(c).number;
    FAIL("no column " << name);
    return 0;
}

// [from, to) cut at each local midnight of a programme `shift_ms` ahead of UTC: the periods of a
// report grouped by day, as (from, each midnight inside, to).
inline std::vector<std::int64_t> day_bounds(std::int64_t from, std::int64_t to,
                                            std::int64_t shift_ms) {
    const std::int64_t day = 86400000;
    std::vector<std::int64_t> bounds = {from};
    for (std::int64_t t = (from / day) * day - shift_ms; t < to; t += day)
        if (t > from) bounds.push_back(t);
    bounds.push_back(to);
    return bounds;
}

// The report `name` over [from, to) by day, of `branch` ("" = every branch); one row a period.
inline loyalty::Table report_by_day(loyalty::Database& db, const char* name, std::int64_t from,
                                    std::int64_t to, const std::string& branch = "") {
    loyalty::ReportOptions o;
    o.from_ms = from;
    o.to_ms = to;
    o.group = loyalty::Grouping::Day;
    o.branch = branch;
    return db.report(name, o);
}

// The file damaged: verify names it (a problem containing `named`), rebuild mends it, verify
// finds nothing more.
inline void expect_mended(loyalty::Database& db, const char* named) {
    const auto rep = db.verify();
    REQUIRE_FALSE(rep.ok());
    CHECK(std::any_of(rep.problems.begin(), rep.problems.end(), [named](const std::string& p) {
        return p.find(named) != std::string::npos;
    }));
    CHECK(db.rebuild() >= 1);
    CHECK(db.verify().ok());
}

}  // namespace fixture

#endif
