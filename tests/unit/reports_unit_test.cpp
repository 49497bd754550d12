#include <catch2/catch.hpp>

#include "calendar.hpp"
#include "loyalty/status.hpp"
#include "messages.hpp"
#include "periods.hpp"
#include "segments.hpp"

using namespace loyalty;

namespace {
std::int64_t day(int y, unsigned m, unsigned d) {
    return cal::days_from_civil(y, m, d);
}
}  // namespace

TEST_CASE("Jalali dates: Nowruz and the 1403 leap year", "[periods]") {
    // 1403 is a leap year: Esfand has 30 days, and 30 Esfand 1403 is 2025-03-20.
    auto leap = periods::to_date(day(2025, 3, 20), CalendarKind::Jalali);
    CHECK(leap.year == 1403);
    CHECK(leap.month == 12);
    CHECK(leap.day == 30);
    auto nowruz = periods::to_date(day(2025, 3, 21), CalendarKind::Jalali);
    CHECK((nowruz.year == 1404 && nowruz.month == 1 && nowruz.day == 1));
    // 1404 is common: 29 Esfand 1404 is 2026-03-20, Nowruz 1405 is 2026-03-21.
    auto last = periods::to_date(day(2026, 3, 20), CalendarKind::Jalali);
    CHECK((last.year == 1404 && last.month == 12 && last.day == 29));
    CHECK(periods::from_date({1405, 1, 1}, CalendarKind::Jalali) == day(2026, 3, 21));
    CHECK(periods::from_date({1403, 12, 30}, CalendarKind::Jalali) == day(2025, 3, 20));
    // Round trip over four years, every day.
    for (std::int64_t d = day(2024, 1, 1); d < day(2028, 1, 1); ++d) {
        auto j = periods::to_date(d, CalendarKind::Jalali);
        REQUIRE(periods::from_date(j, CalendarKind::Jalali) == d);
    }
    CHECK(periods::format_date(day(2025, 11, 23), CalendarKind::Jalali) == "1404-09-02");
    CHECK(periods::persian_digits("1404/09/02") == "۱۴۰۴/۰۹/۰۲");
}

TEST_CASE("buckets: Jalali months, weeks from the programme's first day", "[periods]") {
    periods::Bucketer months(Grouping::Month, CalendarKind::Jalali, 5);
    CHECK(months.start_of(day(2025, 3, 20)) == day(2025, 2, 19));  // 1 Esfand 1403
    CHECK(months.next(day(2025, 2, 19)) == day(2025, 3, 21));      // 30 days later: Nowruz
    CHECK(months.label(day(2025, 3, 21)) == "1404-01");
    CHECK(months.next(day(2025, 3, 21)) == day(2025, 4, 21));             // Farvardin has 31 days
    periods::Bucketer weeks(Grouping::Week, CalendarKind::Gregorian, 5);  // Saturday
    CHECK(weeks.start_of(day(2025, 3, 20)) == day(2025, 3, 15));
    CHECK(weeks.start_of(day(2025, 3, 15)) == day(2025, 3, 15));
    CHECK(weeks.next(day(2025, 3, 15)) == day(2025, 3, 22));
    periods::Bucketer greg(Grouping::Month, CalendarKind::Gregorian, 0);
    CHECK(greg.next(day(2024, 12, 1)) == day(2025, 1, 1));
    CHECK(greg.label(day(2024, 2, 1)) == "2024-02");
}

TEST_CASE("RFM quintiles share scores on ties, fixed thresholds when given", "[segments]") {
    std::vector<segments::Facts> f(5);
    const std::int64_t today = 1000;
    for (int i = 0; i < 5; ++i) {
        f[i].id = i + 1;
        f[i].last_purchase_day = today - (i + 1) * 10;  // 10, 20 ... 50 days ago
        f[i].visits = 5 - i;
        f[i].spend = (5 - i) * 100;
    }
    f[4].visits = 2;  // ties with member 4
    RfmConfig cfg;
    auto r = segments::score(f, cfg, today);
    CHECK(r[0].r == 5);
    CHECK(r[4].r == 1);
    CHECK(r[0].f == 5);
    CHECK(r[1].f == 4);
    CHECK(r[3].f == r[4].f);
    CHECK(r[0].group == "champions");
    CHECK(r[4].group == "lost");
    cfg.recency_days = {7, 14, 30, 60};
    cfg.frequency = {2, 3, 4, 5};
    cfg.monetary = {100, 200, 300, 400};
    r = segments::score(f, cfg, today);
    CHECK(r[0].r == 4);  // 10 days: within 14
    CHECK(r[2].r == 3);  // 30 days
    CHECK(r[4].r == 2);  // 50 days: within 60
    CHECK(r[0].f == 5);
    CHECK(r[4].f == 2);
    CHECK(r[4].m == 2);  // 100
    std::vector<segments::Facts> none(1);
    CHECK(segments::score(none, RfmConfig{}, today)[0].group.empty());  // never bought
}

TEST_CASE("custom segment conditions", "[segments]") {
    segments::Facts f;
    f.tier = "gold";
    const std::string_view tags[] = {"coffee", "vegan"};
    f.tags = {tags, 2};
    f.branch = "north";
    f.consent_sms = true;
    f.last_purchase_day = 100;
    f.birth_month = 3;
    f.birth_day = 25;
    const std::int64_t today = day(2025, 3, 20);
    f.last_purchase_day = today - 40;
    SegmentRule g;
    CHECK(segments::matches(g, f, {}, 0, 0, today));
    g.tiers = {"gold", "silver"};
    g.tags = {"coffee"};
    g.consent = "sms";
    g.not_bought_for_days = 30;
    g.birthday_within_days = 7;
    CHECK(segments::matches(g, f, {}, 0, 0, today));
    g.birthday_within_days = 4;
    CHECK_FALSE(segments::matches(g, f, {}, 0, 0, today));
    g.birthday_within_days = -1;
    g.not_bought_for_days = 41;
    CHECK_FALSE(segments::matches(g, f, {}, 0, 0, today));
    g.not_bought_for_days = 0;
    g.min_spend = 500;
    CHECK_FALSE(segments::matches(g, f, {}, 3, 499, today));
    CHECK(segments::matches(g, f, {}, 3, 500, today));
    g.plan = "any";
    CHECK_FALSE(segments::matches(g, f, {}, 3, 500, today));
    CHECK(segments::days_to_birthday(2, 29, day(2025, 2, 27)) == 1);  // 28 Feb in 2025
    CHECK(segments::days_to_birthday(1, 1, day(2025, 12, 31)) == 1);
}

TEST_CASE("message templates: placeholders, Persian digits, toman", "[messages]") {
    messages::Values v;
    v.name = "سارا";
    v.points = 1250;
    v.amount = 1234565;
    v.expiry_day = day(2025, 3, 20);
    CHECK(messages::render("{name}: {points} ({amount}) {expiry_date}", "fa", v, 10) ==
          "سارا: ۱٬۲۵۰ (۱۲۳٬۴۵۷) ۱۴۰۳/۱۲/۳۰");
    CHECK(messages::render("{name}: {points} {expiry_date}", "en", v) == "سارا: 1,250 2025-03-20");
    CHECK_THROWS_AS(messages::render("{nope}", "en", v), Error);
    CHECK_THROWS_AS(messages::render("{name", "en", v), Error);
    MessageText t;
    t.by_language = {{"en", "E"}, {"fa", "F"}};
    CHECK(messages::pick(t, "fa", "en") == "F");
    CHECK(messages::pick(t, "de", "en") == "E");
    CHECK(messages::pick(t, "de", "xx") == "E");
    CHECK(messages::is_marketing("winback"));
    CHECK_FALSE(messages::is_marketing("earned"));
}
