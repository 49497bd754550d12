// Manager reports, segments, the message outbox and member import (see docs/reports.md).
#ifndef LOYALTY_REPORTS_HPP
#define LOYALTY_REPORTS_HPP

#include <cstdint>
#include <string>
#include <vector>

#include "loyalty/checkout.hpp"

namespace loyalty {

enum class Grouping { None = 0, Day = 1, Week = 2, Month = 3 };
enum class CalendarKind { Gregorian = 0, Jalali = 1 };

struct ReportOptions {
    std::int64_t from_ms = 0;  // 0 = from the first record
    std::int64_t to_ms = 0;    // exclusive; 0 = now
    std::string branch;        // empty = every branch
    Grouping group = Grouping::None;
    CalendarKind calendar = CalendarKind::Gregorian;
    int limit = 20;  // rows of ranked reports (top_members)
};

struct ReportInfo {
    std::string name;
    std::string title;
    bool periodic;  // grouped by day, week or month
    std::string description;
};

// Every report, in the order the dashboard and the tool list them.
const std::vector<ReportInfo>& report_catalogue();

struct CampaignSendResult {
    std::int64_t targeted = 0;    // members of the segment
    std::int64_t queued = 0;      // messages put in the outbox
    std::int64_t holdout = 0;     // kept out on purpose, to measure lift
    std::int64_t suppressed = 0;  // no consent, no address, or over the frequency cap
    std::int64_t already = 0;     // members who had this campaign's message already
};

struct ImportResult {
    std::int64_t rows = 0;      // data rows read
    std::int64_t imported = 0;  // members written (0 when any row failed, or on a dry run)
    Table errors;               // row, column, status, message
};

// Message outcome reported by the host.
enum class Delivery { Sent = 1, Failed = 2 };

}  // namespace loyalty

#endif
