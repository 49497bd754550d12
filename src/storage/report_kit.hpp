// Shared pieces of the report, segment and message code: periods of a report, cells, ratios.
#ifndef LOYALTY_SRC_STORAGE_REPORT_KIT_HPP
#define LOYALTY_SRC_STORAGE_REPORT_KIT_HPP

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "loyalty/checkout.hpp"
#include "loyalty/reports.hpp"
#include "storage/access.hpp"

// The net amount of sale `s`: its total minus every refund of it. A counted sale is one neither
// voided nor fully refunded (status 0 or 1).
#define LOY_NET_AMOUNT \
    "s.total - COALESCE((SELECT SUM(r.amount) FROM refunds r WHERE r.sale_id = s.id), 0)"

namespace loyalty::report_kit {

inline Table::Cell cell(std::string s) {
    return Table::Cell{std::move(s), 0, false};
}
inline Table::Cell cell(std::string_view s) {
    return Table::Cell{std::string(s), 0, false};
}
inline Table::Cell cell(const char* s) {
    return Table::Cell{std::string(s), 0, false};
}
inline Table::Cell cell(std::int64_t v) {
    return Table::Cell{std::to_string(v), v, true};
}

// The cell of `row` under `column`, or nullptr when there is no such column or row.
const Table::Cell* find_cell(const Table& t, std::size_t row, std::string_view column);

// a / b as a percentage with one decimal, half up: text "12.5", number 125 (tenths of a
// percent). "" and 0 when b is 0.
Table::Cell percent(std::int64_t a, std::int64_t b);
// a / b with two decimals, half up: text "2.50", number 250 (hundredths).
Table::Cell ratio2(std::int64_t a, std::int64_t b);
// a / b rounded half up to a whole number (an average amount); 0 when b is 0.
Table::Cell average(std::int64_t a, std::int64_t b);

struct Period {
    std::string label;
    std::int64_t from_ms, to_ms;  // [from, to)
};

// The report's span and its periods: `to` defaults to now, `from` to the first record.
struct Span {
    std::int64_t from_ms = 0, to_ms = 0;
    std::vector<Period> periods;
    // The period holding `ms`, or -1 outside the span.
    int index(std::int64_t ms) const;
};

Span make_span(storage::Session& s, const ReportOptions& o);

}  // namespace loyalty::report_kit

#endif
