#include "periods.hpp"

#include <cstdio>

#include "calendar.hpp"

namespace loyalty::periods {

Ymd to_date(std::int64_t day, CalendarKind calendar) {
    const cal::Date d = calendar == CalendarKind::Gregorian ? cal::civil_from_days(day)
                                                            : cal::jalali_from_days(day);
    return {d.year, static_cast<int>(d.month), static_cast<int>(d.day)};
}

std::int64_t from_date(const Ymd& date, CalendarKind calendar) {
    if (calendar == CalendarKind::Gregorian)
        return cal::days_from_civil(date.year, static_cast<unsigned>(date.month),
                                    static_cast<unsigned>(date.day));
    return cal::days_from_jalali(date.year, date.month, date.day);
}

std::string format_date(std::int64_t day, CalendarKind calendar, char separator) {
    Ymd d = to_date(day, calendar);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d%c%02d%c%02d", d.year, separator, d.month, separator,
                  d.day);
    return buf;
}

std::string persian_digits(const std::string& text) {
    static const char* const kDigits[] = {"۰", "۱", "۲", "۳", "۴", "۵", "۶", "۷", "۸", "۹"};
    std::string out;
    out.reserve(text.size() * 2);
    for (char ch : text) {
        if (ch >= '0' && ch <= '9')
            out += kDigits[ch - '0'];
        else
            out += ch;
    }
    return out;
}

std::string persian_number(const std::string& text) {
    std::string out;
    out.reserve(text.size() * 2);
    for (char ch : text)
        out += ch == ',' ? std::string("٬") : ch == '.' ? std::string("٫") : std::string(1, ch);
    return persian_digits(out);
}

bool is_persian(const std::string& language) {
    return language == "fa" || language.rfind("fa-", 0) == 0;
}

Bucketer::Bucketer(Grouping grouping, CalendarKind calendar, int week_start)
    : grouping_(grouping), calendar_(calendar), week_start_(week_start) {}

std::int64_t Bucketer::start_of(std::int64_t day) {
    switch (grouping_) {
        case Grouping::None:
            return 0;
        case Grouping::Day:
            return day;
        case Grouping::Week:
            return day - ((cal::weekday(day) - week_start_ + 7) % 7);
        case Grouping::Month: {
            auto it = start_cache_.find(day);
            if (it != start_cache_.end()) return it->second;
            Ymd d = to_date(day, calendar_);
            std::int64_t start = day - (d.day - 1);
            start_cache_.emplace(day, start);
            return start;
        }
    }
    return day;
}

std::int64_t Bucketer::next(std::int64_t start) {
    switch (grouping_) {
        case Grouping::None:
            return start;
        case Grouping::Day:
            return start + 1;
        case Grouping::Week:
            return start + 7;
        case Grouping::Month: {
            Ymd d = to_date(start, calendar_);
            Ymd n{d.month == 12 ? d.year + 1 : d.year, d.month == 12 ? 1 : d.month + 1, 1};
            return from_date(n, calendar_);
        }
    }
    return start + 1;
}

std::string Bucketer::label(std::int64_t start) {
    if (grouping_ == Grouping::None) return "all";
    std::string s = format_date(start, calendar_);
    if (grouping_ == Grouping::Month) s.resize(7);
    return s;
}

}  // namespace loyalty::periods
