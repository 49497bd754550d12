#include "storage/report_kit.hpp"

#include <algorithm>

#include "calendar.hpp"
#include "loyalty/money.hpp"
#include "periods.hpp"
#include "storage/ledger_totals.hpp"
#include "storage/sales_time.hpp"

namespace loyalty::report_kit {

namespace {

std::string decimal(std::int64_t scaled, int places) {
    const bool neg = scaled < 0;
    std::string digits = std::to_string(neg ? -scaled : scaled);
    while (digits.size() <= static_cast<std::size_t>(places))
        digits.insert(digits.begin(), '0');
    digits.insert(digits.end() - places, '.');
    return neg ? "-" + digits : digits;
}

}  // namespace

Table::Cell percent(std::int64_t a, std::int64_t b) {
    if (b == 0) return Table::Cell{"", 0, true};
    const std::int64_t tenths = mul_div(a, 1000, b, Rounding::HalfUp);
    return Table::Cell{decimal(tenths, 1), tenths, true};
}

Table::Cell ratio2(std::int64_t a, std::int64_t b) {
    if (b == 0) return Table::Cell{"", 0, true};
    const std::int64_t hundredths = mul_div(a, 100, b, Rounding::HalfUp);
    return Table::Cell{decimal(hundredths, 2), hundredths, true};
}

Table::Cell average(std::int64_t a, std::int64_t b) {
    return cell(b == 0 ? 0 : mul_div(a, 1, b, Rounding::HalfUp));
}

const Table::Cell* find_cell(const Table& t, std::size_t row, std::string_view column) {
    for (std::size_t c = 0; c < t.columns.size(); ++c)
        if (t.columns[c] == column && row < t.rows.size()) return &t.rows[row][c];
    return nullptr;
}

int Span::index(std::int64_t ms) const {
    if (ms < from_ms || ms >= to_ms || periods.empty()) return -1;
    auto it = std::upper_bound(periods.begin(), periods.end(), ms,
                               [](std::int64_t v, const Period& p) { return v < p.from_ms; });
    return static_cast<int>(it - periods.begin()) - 1;
}

Span make_span(storage::Session& s, const ReportOptions& o) {
    if (o.from_ms < 0 || o.to_ms < 0 || (o.to_ms != 0 && o.to_ms <= o.from_ms))
        throw Error(Status::InvalidArgument, "the report period must run forwards (0 = open end)");
    Span sp;
    sp.to_ms = o.to_ms != 0 ? o.to_ms : s.now + 1;
    sp.from_ms = o.from_ms;
    if (sp.from_ms == 0) {
        const std::optional<std::int64_t> first_sale = storage::first_sale_time(s.c);
        // Each read through a key, so an open start scans neither the sales nor the ledger: the
        // first sale by time (storage/sales_time.hpp), the first member by id, and the ledger's
        // earliest entry, which is either listed late (ledger_late, by time) or written in time in
        // the quarter-hour of the first entry by id, between that entry and the last its
        // quarter-hour's totals name (schema 13) or, when that quarter-hour is the newest, the
        // last of the entries the totals do not count yet (schema 23).
        auto q = s.c.query(
            "SELECT MIN(t) FROM (SELECT ?2 t WHERE ?2 IS NOT NULL UNION ALL "
            "SELECT created_at FROM (SELECT created_at FROM members ORDER BY id LIMIT 1) UNION ALL "
            "SELECT MIN(created_at) FROM ledger_late UNION ALL "
            "SELECT MIN(created_at) FROM ledger, (SELECT id AS first, created_at / ?1 AS quarter "
            "FROM ledger ORDER BY id LIMIT 1) f WHERE id BETWEEN f.first AND MAX((SELECT "
            "COALESCE(MAX(last_id), 0) FROM ledger_totals WHERE ledger_totals.quarter = "
            "f.quarter), (SELECT COALESCE(MAX(id), 0) FROM ledger WHERE id >= (SELECT first_id "
            "FROM ledger_open WHERE quarter = f.quarter))))",
            storage::kQuarterMs, first_sale);
        sp.from_ms = q.next() && !q.is_null(0) ? q.i64(0) : sp.to_ms - 1;
        if (sp.from_ms >= sp.to_ms) sp.from_ms = sp.to_ms - 1;
    }
    const int offset = s.program.utc_offset_minutes;
    if (o.group == Grouping::None) {
        sp.periods.push_back({"all", sp.from_ms, sp.to_ms});
        return sp;
    }
    periods::Bucketer b(o.group, o.calendar, s.program.week_start);
    const std::int64_t last_day = cal::local_day(sp.to_ms - 1, offset);
    for (std::int64_t start = b.start_of(cal::local_day(sp.from_ms, offset)); start <= last_day;
         start = b.next(start)) {
        if (sp.periods.size() >= 5000)
            throw Error(Status::InvalidArgument,
                        "the report would have more than 5000 periods: group by a longer period");
        const std::int64_t end = b.next(start);
        sp.periods.push_back({b.label(start),
                              std::max(sp.from_ms, cal::local_midnight(start, offset)),
                              std::min(sp.to_ms, cal::local_midnight(end, offset))});
    }
    return sp;
}

}  // namespace loyalty::report_kit
