/*
 * Reports, segments, messages and import through the C ABI, on a small dataset whose every
 * figure is worked out by hand below (docs/reports.md has the definitions).
 *
 *   reports_test <scratch-directory>
 */
#include <loyalty/loyalty.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define CHECK_INT(got, want)                                                                      \
    do {                                                                                          \
        long long g_ = (long long)(got), w_ = (long long)(want);                                  \
        ++checks;                                                                                 \
        if (g_ != w_) {                                                                           \
            ++failures;                                                                           \
            fprintf(stderr, "  %s:%d: %s is %lld, expected %lld\n", __FILE__, __LINE__, #got, g_, \
                    w_);                                                                          \
        }                                                                                         \
    } while (0)

/* Tehran is UTC+03:30 all year (the programme's utc_offset_minutes). */
static int64_t days_from_civil(int y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}
static int64_t tehran(int y, int m, int d, int hh, int mm) {
    return (days_from_civil(y, (unsigned)m, (unsigned)d) * 1440 + hh * 60 + mm - 210) * 60000LL;
}

static const char* PROGRAMME =
    "{\"name\":\"Report club\",\"currency\":\"IRT\",\"utc_offset_minutes\":210,"
    "\"language\":\"en\","
    "\"spend\":[{\"id\":\"base\",\"name\":\"One point per 1,000\",\"points\":1,\"per\":1000}],"
    "\"redeem\":{\"point_value\":\"10\",\"min_points\":1,\"max_share\":\"1\"},"
    "\"tiers\":{\"window\":\"rolling\",\"window_days\":365,\"levels\":["
    "{\"id\":\"bronze\",\"name\":\"Bronze\",\"threshold\":0},"
    "{\"id\":\"silver\",\"name\":\"Silver\",\"threshold\":100}]},"
    "\"segments\":[{\"id\":\"big\",\"name\":\"Big spenders\",\"min_spend\":100000},"
    "{\"id\":\"sms-north\",\"name\":\"North, SMS\",\"branches\":[\"north\"],\"consent\":\"sms\"}],"
    "\"messages\":{\"cap_count\":1,\"cap_days\":7,\"quiet_start\":\"22:00\",\"quiet_end\":\"08:"
    "00\","
    "\"triggers\":["
    "{\"trigger\":\"welcome\",\"text\":{\"en\":\"Welcome {name}\",\"fa\":\"{name} خوش آمدید\"}},"
    "{\"trigger\":\"earned\",\"text\":{\"en\":\"+{points} points, balance {balance}\","
    "\"fa\":\"{points} امتیاز گرفتید؛ مانده {balance}\"}},"
    "{\"trigger\":\"winback\",\"days\":10,\"text\":{\"en\":\"We miss you, {name}\"}}],"
    "\"campaigns\":[{\"id\":\"promo\",\"segment\":\"big\",\"text\":{\"en\":\"Promo for {name}\"}},"
    "{\"id\":\"nowruz\",\"segment\":\"rfm:new\",\"holdout_percent\":50,"
    "\"text\":{\"en\":\"Happy Nowruz {name}\"}}]}}";

static loy_db* open_db(const char* name) {
    return open_fresh(name, PROGRAMME);
}

static int64_t enrol(loy_db* db, const char* phone, const char* name, const char* branch,
                     int32_t sms, const char* language) {
    loy_member_fields f;
    loy_member_fields_init(&f);
    f.phone = phone;
    f.name = name;
    f.branch = branch;
    f.consent_sms = sms;
    f.language = language;
    loy_member* m = NULL;
    CHECK_STATUS(loy_member_enrol(db, &f, NULL, &m, &err), LOY_OK);
    int64_t id = loy_member_id(m);
    loy_member_free(m);
    return id;
}

static int64_t sell(loy_db* db, int64_t member, const char* branch, int64_t a, int64_t b,
                    const char* key) {
    loy_basket* bk = NULL;
    CHECK_STATUS(loy_basket_new(&bk, &err), LOY_OK);
    CHECK_STATUS(loy_basket_set_member(bk, member, &err), LOY_OK);
    CHECK_STATUS(loy_basket_set_context(bk, key, branch, "T1", NULL, &err), LOY_OK);
    CHECK_STATUS(loy_basket_add_line(bk, "A", "food", 1000, a, 0, NULL, &err), LOY_OK);
    if (b) CHECK_STATUS(loy_basket_add_line(bk, "B", "food", 1000, b, 0, NULL, &err), LOY_OK);
    loy_receipt* r = NULL;
    CHECK_STATUS(loy_commit(db, bk, key, &r, &err), LOY_OK);
    int64_t id = loy_receipt_sale_id(r);
    loy_receipt_free(r);
    loy_basket_free(bk);
    return id;
}

static size_t col(const loy_table* t, const char* name) {
    for (size_t c = 0; c < loy_table_column_count(t); ++c)
        if (strcmp(loy_table_column_name(t, c), name) == 0) return c;
    fprintf(stderr, "  no column %s\n", name);
    return (size_t)-1;
}
static size_t row(const loy_table* t, const char* first) {
    for (size_t r = 0; r < loy_table_row_count(t); ++r)
        if (strcmp(loy_table_text(t, r, 0), first) == 0) return r;
    fprintf(stderr, "  no row %s\n", first);
    return (size_t)-1;
}
static int64_t num(const loy_table* t, const char* first, const char* column) {
    return loy_table_int(t, row(t, first), col(t, column));
}
static const char* text(const loy_table* t, const char* first, const char* column) {
    return loy_table_text(t, row(t, first), col(t, column));
}

static loy_table* run(loy_db* db, const char* name, int32_t group, int32_t calendar) {
    loy_report_options o;
    loy_report_options_init(&o);
    o.from_ms = tehran(2025, 3, 1, 0, 0);
    o.to_ms = tehran(2025, 4, 10, 0, 0);
    o.group_by = group;
    o.calendar = calendar;
    loy_table* t = NULL;
    CHECK_STATUS(loy_report(db, name, &o, &t, &err), LOY_OK);
    CHECK(t != NULL);
    return t;
}

/*
 * The dataset. A joins 1403-12-29 (2025-03-19), B and C on Nowruz 1404-01-01 (2025-03-21).
 *   S1  A  north  2025-03-20 (1403-12-30, the leap day)  60,000 + 40,000; line 2 refunded
 *   S2  A  north  2025-03-21 (1404-01-01)                50,000
 *   S3  -  south  2025-03-21                             30,000 (guest)
 *   S4  B  south  2025-04-02 (1404-01-13)                20,000
 * Points: 1 per 1,000: S1 100 (40 taken back), S2 50, S4 20.
 */
static loy_db* dataset(void) {
    loy_db* db = open_db("reports.db");
    CHECK_STATUS(loy_set_clock(db, tehran(2025, 3, 19, 9, 0), &err), LOY_OK);
    int64_t a = enrol(db, "09120000001", "Arash", "north", 1, "en");
    CHECK_STATUS(loy_set_clock(db, tehran(2025, 3, 20, 10, 0), &err), LOY_OK);
    int64_t s1 = sell(db, a, "north", 60000, 40000, "S1");
    loy_refund* rf = NULL;
    CHECK_STATUS(loy_refund_new(&rf, &err), LOY_OK);
    CHECK_STATUS(loy_refund_add_line(rf, 2, 1000, &err), LOY_OK);
    loy_receipt* r = NULL;
    CHECK_STATUS(loy_refund_sale(db, s1, rf, "S1-refund", &r, &err), LOY_OK);
    loy_receipt_free(r);
    loy_refund_free(rf);
    CHECK_STATUS(loy_set_clock(db, tehran(2025, 3, 21, 9, 0), &err), LOY_OK);
    int64_t b = enrol(db, "09120000002", "Bahar", "south", 0, "fa");
    enrol(db, "09120000003", "Cyrus", "north", 1, NULL);
    CHECK_STATUS(loy_set_clock(db, tehran(2025, 3, 21, 10, 0), &err), LOY_OK);
    sell(db, a, "north", 50000, 0, "S2");
    CHECK_STATUS(loy_set_clock(db, tehran(2025, 3, 21, 11, 0), &err), LOY_OK);
    sell(db, 0, "south", 30000, 0, "S3");
    CHECK_STATUS(loy_set_clock(db, tehran(2025, 4, 2, 10, 0), &err), LOY_OK);
    sell(db, b, "south", 20000, 0, "S4");
    CHECK_STATUS(loy_set_clock(db, tehran(2025, 4, 9, 12, 0), &err), LOY_OK);
    return db;
}

static void test_catalogue_and_errors(loy_db* db) {
    CHECK(loy_report_count() >= 15);
    int found = 0;
    for (size_t i = 0; i < loy_report_count(); ++i) {
        if (strcmp(loy_report_name(i), "sales") == 0) found = 1;
        CHECK(strlen(loy_report_title(i)) > 0 && strlen(loy_report_description(i)) > 0);
    }
    CHECK(found);
    CHECK(strcmp(loy_report_name(9999), "") == 0);
    loy_table* t = (loy_table*)1;
    CHECK_STATUS(loy_report(db, "no-such-report", NULL, &t, &err), LOY_ERR_NOT_FOUND);
    CHECK(t == NULL);
    loy_report_options o;
    loy_report_options_init(&o);
    o.group_by = 7;
    CHECK_STATUS(loy_report(db, "sales", &o, &t, &err), LOY_ERR_INVALID_ARGUMENT);
    loy_report_options_init(&o);
    o.from_ms = 10;
    o.to_ms = 5;
    CHECK_STATUS(loy_report(db, "sales", &o, &t, &err), LOY_ERR_INVALID_ARGUMENT);
    o.size = 4;
    CHECK_STATUS(loy_report(db, "sales", &o, &t, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_report(NULL, "sales", NULL, &t, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_report(db, NULL, NULL, &t, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_report(db, "sales", NULL, NULL, &err), LOY_ERR_INVALID_ARGUMENT);
}

static void test_sales_by_jalali_and_gregorian_month(loy_db* db) {
    loy_table* t = run(db, "sales", LOY_GROUP_MONTH, LOY_CALENDAR_JALALI);
    CHECK_INT(loy_table_row_count(t), 2);
    CHECK(strcmp(loy_table_column_name(t, 0), "period") == 0);
    /* Esfand 1403 ends on its leap day, 30 Esfand = 2025-03-20: S1 belongs to it. */
    CHECK_INT(num(t, "1403-12", "sales"), 1);
    CHECK_INT(num(t, "1403-12", "revenue"), 60000);
    CHECK_INT(num(t, "1403-12", "member_revenue"), 60000);
    CHECK_INT(num(t, "1404-01", "sales"), 3);
    CHECK_INT(num(t, "1404-01", "revenue"), 100000);
    CHECK_INT(num(t, "1404-01", "member_sales"), 2);
    CHECK_INT(num(t, "1404-01", "member_revenue"), 70000);
    CHECK_INT(num(t, "1404-01", "guest_sales"), 1);
    CHECK_INT(num(t, "1404-01", "guest_revenue"), 30000);
    CHECK(strcmp(text(t, "1404-01", "member_share_pct"), "66.7") == 0);
    CHECK_INT(num(t, "1404-01", "member_share_pct"), 667);
    CHECK(strcmp(text(t, "1404-01", "member_revenue_pct"), "70.0") == 0);
    CHECK_INT(num(t, "1404-01", "avg_member_spend"), 35000);
    CHECK_INT(num(t, "1404-01", "avg_guest_spend"), 30000);
    loy_table_free(t);

    t = run(db, "sales", LOY_GROUP_MONTH, LOY_CALENDAR_GREGORIAN);
    CHECK_INT(loy_table_row_count(t), 2);
    CHECK_INT(num(t, "2025-03", "sales"), 3);
    CHECK_INT(num(t, "2025-03", "revenue"), 140000);
    CHECK_INT(num(t, "2025-04", "sales"), 1);
    CHECK_INT(num(t, "2025-04", "revenue"), 20000);
    loy_table_free(t);

    t = run(db, "sales", LOY_GROUP_DAY, LOY_CALENDAR_JALALI);
    CHECK_INT(loy_table_row_count(t), 40); /* 2025-03-01 .. 2025-04-09 */
    CHECK_INT(num(t, "1403-12-30", "sales"), 1);
    CHECK_INT(num(t, "1404-01-01", "sales"), 2);
    CHECK_INT(num(t, "1404-01-13", "sales"), 1);
    loy_table_free(t);

    /* Weeks start on Saturday (the programme's week_start default). */
    t = run(db, "sales", LOY_GROUP_WEEK, LOY_CALENDAR_GREGORIAN);
    CHECK_INT(num(t, "2025-03-15", "sales"), 3); /* Sat 15 .. Fri 21: S1 on Thu 20, S2/S3 Fri */
    CHECK_INT(num(t, "2025-03-15", "revenue"), 140000);
    CHECK_INT(num(t, "2025-03-29", "sales"), 1);
    loy_table_free(t);

    loy_report_options o;
    loy_report_options_init(&o);
    o.from_ms = tehran(2025, 3, 1, 0, 0);
    o.to_ms = tehran(2025, 4, 10, 0, 0);
    o.branch = "south";
    CHECK_STATUS(loy_report(db, "sales", &o, &t, &err), LOY_OK);
    CHECK_INT(num(t, "all", "sales"), 2);
    CHECK_INT(num(t, "all", "revenue"), 50000);
    loy_table_free(t);
}

static void test_members_frequency_points(loy_db* db) {
    loy_table* t = run(db, "members", LOY_GROUP_MONTH, LOY_CALENDAR_JALALI);
    CHECK_INT(num(t, "1403-12", "new_members"), 1);
    CHECK_INT(num(t, "1403-12", "members"), 1);
    CHECK_INT(num(t, "1404-01", "new_members"), 2);
    CHECK_INT(num(t, "1404-01", "members"), 3);
    CHECK_INT(num(t, "1404-01", "active_30"), 2); /* A and B bought in the 30 days to 04-10 */
    CHECK_INT(num(t, "1403-12", "active_30"), 1);
    loy_table_free(t);

    t = run(db, "frequency", LOY_GROUP_NONE, 0);
    CHECK_INT(num(t, "all", "buying_members"), 2);
    CHECK_INT(num(t, "all", "member_purchases"), 3);
    CHECK(strcmp(text(t, "all", "purchases_per_member"), "1.50") == 0);
    CHECK_INT(num(t, "all", "repeat_members"), 1);
    CHECK(strcmp(text(t, "all", "repeat_rate_pct"), "50.0") == 0);
    loy_table_free(t);

    t = run(db, "points", LOY_GROUP_NONE, 0);
    CHECK_INT(num(t, "all", "earned"), 170);
    CHECK_INT(num(t, "all", "reversed"), 40);
    CHECK_INT(num(t, "all", "redeemed"), 0);
    CHECK_INT(num(t, "all", "expired"), 0);
    CHECK(strcmp(text(t, "all", "redemption_rate_pct"), "0.0") == 0);
    loy_table_free(t);

    t = run(db, "liability", LOY_GROUP_MONTH, LOY_CALENDAR_JALALI);
    CHECK_INT(num(t, "1403-12", "points_outstanding"), 60);
    CHECK_INT(num(t, "1404-01", "points_outstanding"), 130);
    CHECK_INT(num(t, "1404-01", "liability"), 1300); /* 130 points x 10 toman */
    CHECK(strcmp(text(t, "1404-01", "currency"), "IRT") == 0);
    loy_table_free(t);

    t = run(db, "top_members", LOY_GROUP_NONE, 0);
    CHECK_INT(loy_table_row_count(t), 2);
    CHECK(strcmp(loy_table_text(t, 0, col(t, "name")), "Arash") == 0);
    CHECK_INT(loy_table_int(t, 0, col(t, "spend")), 110000);
    CHECK_INT(loy_table_int(t, 0, col(t, "purchases")), 2);
    CHECK_INT(loy_table_int(t, 1, col(t, "spend")), 20000);
    loy_table_free(t);

    t = run(db, "branches", LOY_GROUP_NONE, 0);
    CHECK_INT(num(t, "north", "sales"), 2);
    CHECK_INT(num(t, "north", "revenue"), 110000);
    CHECK_INT(num(t, "north", "points_earned"), 150); /* as given at the sale, before refunds */
    CHECK_INT(num(t, "south", "sales"), 2);
    CHECK(strcmp(text(t, "south", "member_revenue_pct"), "40.0") == 0);
    CHECK_INT(num(t, "north", "new_members"), 2);
    loy_table_free(t);

    t = run(db, "rules", LOY_GROUP_NONE, 0);
    CHECK_INT(num(t, "base", "points"), 170);
    CHECK_INT(num(t, "base", "sales"), 3);
    CHECK(strcmp(text(t, "base", "name"), "One point per 1,000") == 0);
    loy_table_free(t);

    t = run(db, "tiers", LOY_GROUP_NONE, 0);
    CHECK_INT(num(t, "silver", "members"), 1); /* A: 110 points after the refund */
    CHECK_INT(num(t, "bronze", "members"), 2);
    CHECK(strcmp(text(t, "bronze", "share_pct"), "66.7") == 0);
    loy_table_free(t);

    t = run(db, "tier_movements", LOY_GROUP_MONTH, LOY_CALENDAR_JALALI);
    CHECK_INT(num(t, "1403-12", "upgrades"), 1);
    CHECK_INT(num(t, "1404-01", "downgrades"), 0);
    loy_table_free(t);

    t = run(db, "overview", LOY_GROUP_NONE, 0);
    CHECK_INT(num(t, "revenue", "value"), 160000);
    CHECK_INT(num(t, "members", "value"), 3);
    CHECK_INT(num(t, "points_outstanding", "value"), 130);
    loy_table_free(t);
}

static void test_segments(loy_db* db) {
    const int64_t at = tehran(2025, 4, 10, 0, 0);
    loy_table* t = NULL;
    CHECK_STATUS(loy_segments(db, at, &t, &err), LOY_OK);
    /* RFM at 04-10: A last bought 20 days ago (R 3), twice (F 5), 110,000 (M 5): loyal. B 8 days
     * ago (R 5), once (F 3, M 3): new. C never bought: no RFM group. */
    CHECK_INT(num(t, "rfm:loyal", "members"), 1);
    CHECK_INT(num(t, "rfm:new", "members"), 1);
    CHECK_INT(num(t, "rfm:champions", "members"), 0);
    CHECK_INT(num(t, "big", "members"), 1);
    CHECK_INT(num(t, "sms-north", "members"), 2);
    loy_table_free(t);
    CHECK_STATUS(loy_segment_members(db, "rfm:loyal", at, &t, &err), LOY_OK);
    CHECK_INT(loy_table_row_count(t), 1);
    CHECK(strcmp(loy_table_text(t, 0, col(t, "name")), "Arash") == 0);
    CHECK_INT(loy_table_int(t, 0, col(t, "r")), 3);
    CHECK_INT(loy_table_int(t, 0, col(t, "f")), 5);
    CHECK_INT(loy_table_int(t, 0, col(t, "m")), 5);
    CHECK_INT(loy_table_int(t, 0, col(t, "spend")), 110000);
    loy_table_free(t);
    CHECK_STATUS(loy_member_segments(db, 1, at, &t, &err), LOY_OK);
    CHECK_INT(loy_table_row_count(t), 3); /* rfm:loyal, big, sms-north */
    loy_table_free(t);
    CHECK_STATUS(loy_member_sales(db, 1, 0, &t, &err), LOY_OK);
    CHECK_INT(loy_table_row_count(t), 2); /* S2 then S1 */
    CHECK_INT(loy_table_int(t, 0, col(t, "total")), 50000);
    CHECK(strcmp(loy_table_text(t, 1, col(t, "status")), "partly refunded") == 0);
    CHECK(strcmp(loy_table_text(t, 1, col(t, "branch")), "north") == 0);
    loy_table_free(t);
    CHECK_STATUS(loy_member_sales(db, 1, -1, &t, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_member_coupons(db, 1, &t, &err), LOY_OK);
    CHECK_INT(loy_table_row_count(t), 0);
    loy_table_free(t);
    CHECK_STATUS(loy_member_coupons(NULL, 1, &t, &err), LOY_ERR_INVALID_ARGUMENT);
    t = (loy_table*)1;
    CHECK_STATUS(loy_segment_members(db, "nope", at, &t, &err), LOY_ERR_NOT_FOUND);
    CHECK(t == NULL);
    CHECK_STATUS(loy_segment_members(db, "rfm:nope", at, &t, &err), LOY_ERR_NOT_FOUND);
    CHECK_STATUS(loy_member_segments(db, 999, at, &t, &err), LOY_ERR_NOT_FOUND);
}

static int count_rows(loy_table* t, const char* column, const char* value) {
    int n = 0;
    for (size_t r = 0; r < loy_table_row_count(t); ++r)
        if (strcmp(loy_table_text(t, r, col(t, column)), value) == 0) ++n;
    return n;
}

static void test_messages(void) {
    loy_db* db = open_db("messages.db");
    CHECK_STATUS(loy_set_clock(db, tehran(2025, 3, 1, 12, 0), &err), LOY_OK);
    int64_t a = enrol(db, "09120000001", "Arash", "north", 1, "en");
    int64_t b = enrol(db, "09120000002", "Bahar", "north", 0, "fa");
    int64_t queued = -1;
    CHECK_STATUS(loy_messages_generate(db, 0, &queued, &err), LOY_OK);
    CHECK_INT(queued, 1); /* Arash; Bahar gave no SMS consent */
    CHECK_STATUS(loy_messages_generate(db, 0, &queued, &err), LOY_OK);
    CHECK_INT(queued, 0); /* each occurrence at most once */
    loy_table* t = NULL;
    CHECK_STATUS(loy_member_messages(db, b, 10, &t, &err), LOY_OK);
    CHECK_INT(loy_table_row_count(t), 1);
    CHECK(strcmp(loy_table_text(t, 0, col(t, "status")), "suppressed") == 0);
    CHECK(strstr(loy_table_text(t, 0, col(t, "reason")), "consent") != NULL);
    loy_table_free(t);

    /* A sale: the receipt message renders the points and balance. */
    sell(db, a, "north", 150000, 0, "M1");
    CHECK_STATUS(loy_messages_generate(db, 0, &queued, &err), LOY_OK);
    CHECK_INT(queued, 1);
    CHECK_STATUS(loy_outbox_fetch(db, 0, 10, 60000, &t, &err), LOY_OK);
    CHECK_INT(loy_table_row_count(t), 2);
    CHECK(strcmp(loy_table_text(t, 0, col(t, "body")), "Welcome Arash") == 0);
    CHECK(strcmp(loy_table_text(t, 1, col(t, "body")), "+150 points, balance 150") == 0);
    CHECK(strcmp(loy_table_text(t, 1, col(t, "address")), "+989120000001") == 0);
    int64_t welcome = loy_table_int(t, 0, col(t, "id"));
    int64_t receipt = loy_table_int(t, 1, col(t, "id"));
    loy_table_free(t);
    /* Leased: not fetched again until the lease ends, then again (at-least-once). */
    CHECK_STATUS(loy_outbox_fetch(db, tehran(2025, 3, 1, 12, 0) + 30000, 10, 60000, &t, &err),
                 LOY_OK);
    CHECK_INT(loy_table_row_count(t), 0);
    loy_table_free(t);
    CHECK_STATUS(loy_outbox_ack(db, welcome, LOY_DELIVERY_SENT, NULL, 0, &err), LOY_OK);
    CHECK_STATUS(loy_outbox_ack(db, welcome, LOY_DELIVERY_SENT, NULL, 0, &err), LOY_OK);
    CHECK_STATUS(loy_outbox_ack(db, welcome, LOY_DELIVERY_FAILED, "late", 0, &err),
                 LOY_ERR_INVALID_STATE);
    CHECK_STATUS(loy_outbox_ack(db, 99999, LOY_DELIVERY_SENT, NULL, 0, &err), LOY_ERR_NOT_FOUND);
    CHECK_STATUS(loy_outbox_ack(db, receipt, 7, NULL, 0, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_outbox_fetch(db, tehran(2025, 3, 1, 12, 0) + 61000, 10, 60000, &t, &err),
                 LOY_OK);
    CHECK_INT(loy_table_row_count(t), 1);
    CHECK_INT(loy_table_int(t, 0, col(t, "id")), receipt);
    CHECK_INT(loy_table_int(t, 0, col(t, "attempts")), 2);
    loy_table_free(t);
    /* A failure with a retry: due again later; then sent. */
    CHECK_STATUS(loy_outbox_ack(db, receipt, LOY_DELIVERY_FAILED, "gateway busy", 3600000, &err),
                 LOY_OK);
    CHECK_STATUS(loy_outbox_fetch(db, tehran(2025, 3, 1, 12, 30), 10, 60000, &t, &err), LOY_OK);
    CHECK_INT(loy_table_row_count(t), 0);
    loy_table_free(t);
    CHECK_STATUS(loy_outbox_fetch(db, tehran(2025, 3, 1, 13, 2), 10, 60000, &t, &err), LOY_OK);
    CHECK_INT(loy_table_row_count(t), 1);
    loy_table_free(t);
    CHECK_STATUS(loy_outbox_ack(db, receipt, LOY_DELIVERY_SENT, NULL, 0, &err), LOY_OK);
    CHECK_STATUS(loy_outbox_fetch(db, tehran(2025, 3, 2, 0, 0), 10, 60000, &t, &err), LOY_OK);
    CHECK_INT(loy_table_row_count(t), 0);
    loy_table_free(t);
    CHECK_STATUS(loy_outbox_fetch(db, 0, 0, 60000, &t, &err), LOY_ERR_INVALID_ARGUMENT);

    /* A campaign to "big" (Arash, 150,000) at 23:00: marketing waits for the quiet hours' end,
     * and is sent once however often the campaign is sent. */
    CHECK_STATUS(loy_set_clock(db, tehran(2025, 3, 5, 23, 0), &err), LOY_OK);
    int64_t q = -1, h = -1, s = -1;
    CHECK_STATUS(loy_campaign_send(db, "promo", 0, &q, &h, &s, &err), LOY_OK);
    CHECK_INT(q, 1);
    CHECK_INT(h, 0);
    CHECK_STATUS(loy_campaign_send(db, "promo", 0, &q, &h, &s, &err), LOY_OK);
    CHECK_INT(q, 0);
    CHECK_STATUS(loy_outbox_fetch(db, 0, 10, 60000, &t, &err), LOY_OK);
    CHECK_INT(loy_table_row_count(t), 0); /* due at 08:00 */
    loy_table_free(t);
    CHECK_STATUS(loy_outbox_fetch(db, tehran(2025, 3, 6, 8, 0), 10, 60000, &t, &err), LOY_OK);
    CHECK_INT(loy_table_row_count(t), 1);
    CHECK(strcmp(loy_table_text(t, 0, col(t, "body")), "Promo for Arash") == 0);
    CHECK(strcmp(loy_table_text(t, 0, col(t, "campaign")), "promo") == 0);
    loy_table_free(t);
    CHECK_STATUS(loy_campaign_send(db, "nope", 0, &q, &h, &s, &err), LOY_ERR_NOT_FOUND);

    /* Win-back after 10 days without a purchase is marketing too: over the cap of 1 a week. */
    CHECK_STATUS(loy_set_clock(db, tehran(2025, 3, 11, 12, 0), &err), LOY_OK);
    CHECK_STATUS(loy_messages_generate(db, 0, &queued, &err), LOY_OK);
    CHECK_INT(queued, 0);
    CHECK_STATUS(loy_member_messages(db, a, 10, &t, &err), LOY_OK);
    CHECK_INT(count_rows(t, "trigger", "winback"), 1);
    CHECK(strstr(loy_table_text(t, 0, col(t, "reason")), "frequency cap") != NULL);
    loy_table_free(t);
    CHECK_STATUS(loy_messages_generate(db, 0, &queued, &err), LOY_OK);
    CHECK_STATUS(loy_member_messages(db, a, 10, &t, &err), LOY_OK);
    CHECK_INT(count_rows(t, "trigger", "winback"), 1); /* never produced twice */
    loy_table_free(t);

    /* The messages report counts all of it. */
    loy_report_options o;
    loy_report_options_init(&o);
    CHECK_STATUS(loy_report(db, "messages", &o, &t, &err), LOY_OK);
    CHECK_INT(num(t, "welcome", "produced"), 2);
    CHECK_INT(num(t, "welcome", "sent"), 1);
    CHECK_INT(num(t, "welcome", "suppressed"), 1);
    CHECK_INT(num(t, "winback", "suppressed"), 1);
    CHECK_INT(num(t, "campaign", "pending"), 1);
    loy_table_free(t);
    loy_close(db);
}

static void test_campaign_holdout_and_lift(void) {
    loy_db* db = open_db("lift.db");
    CHECK_STATUS(loy_set_clock(db, tehran(2025, 3, 1, 12, 0), &err), LOY_OK);
    char phone[32], key[32];
    int64_t ids[40];
    for (int i = 0; i < 40; ++i) {
        snprintf(phone, sizeof phone, "0912100%04d", i);
        ids[i] = enrol(db, phone, "M", "north", 1, "en");
        snprintf(key, sizeof key, "first-%d", i);
        sell(db, ids[i], "north", 10000, 0, key);
    }
    CHECK_STATUS(loy_set_clock(db, tehran(2025, 3, 2, 12, 0), &err), LOY_OK);
    int64_t q = 0, h = 0, s = 0;
    CHECK_STATUS(loy_campaign_send(db, "nowruz", 0, &q, &h, &s, &err), LOY_OK);
    CHECK_INT(q + h + s, 40); /* everyone bought once, yesterday: rfm:new */
    CHECK(h > 0 && q > 0);    /* 50% holdout, by a hash of campaign and member */
    /* Every messaged member buys again within the measure window; no held-out member does. */
    loy_table* t = NULL;
    CHECK_STATUS(loy_set_clock(db, tehran(2025, 3, 3, 12, 0), &err), LOY_OK);
    int bought = 0;
    for (int i = 0; i < 40; ++i) {
        CHECK_STATUS(loy_member_messages(db, ids[i], 10, &t, &err), LOY_OK);
        int messaged = count_rows(t, "status", "pending");
        loy_table_free(t);
        if (messaged) {
            snprintf(key, sizeof key, "again-%d", i);
            sell(db, ids[i], "north", 10000, 0, key);
            ++bought;
        }
    }
    CHECK_INT(bought, q);
    loy_report_options o;
    loy_report_options_init(&o);
    CHECK_STATUS(loy_report(db, "campaigns", &o, &t, &err), LOY_OK);
    CHECK_INT(num(t, "nowruz", "messaged"), q);
    CHECK_INT(num(t, "nowruz", "holdout"), h);
    CHECK_INT(num(t, "nowruz", "buyers_messaged"), q);
    CHECK_INT(num(t, "nowruz", "buyers_holdout"), 0);
    CHECK(strcmp(text(t, "nowruz", "response_pct"), "100.0") == 0);
    CHECK(strcmp(text(t, "nowruz", "lift_pct_points"), "100.0") == 0);
    CHECK_INT(num(t, "nowruz", "revenue_messaged"), q * 10000);
    loy_table_free(t);
    loy_close(db);
}

static void test_import(void) {
    loy_db* db = open_db("import.db");
    const char* good =
        "phone,name,birth_date,tags,consent_sms,branch\n"
        "09121230001,\"Sara, the first\",1990-05-17,\"vegan,coffee\",yes,north\r\n"
        "۰۹۱۲۱۲۳۰۰۰۲,دارا,,,no,south\n";
    int64_t rows = -1, imported = -1;
    loy_table* errors = NULL;
    CHECK_STATUS(loy_members_import_csv(db, good, 1, &rows, &imported, &errors, &err), LOY_OK);
    CHECK_INT(rows, 2);
    CHECK_INT(imported, 0); /* dry run */
    CHECK_INT(loy_table_row_count(errors), 0);
    loy_table_free(errors);
    loy_member* m = NULL;
    CHECK_STATUS(loy_member_find_by_phone(db, "09121230001", &m, &err), LOY_ERR_NOT_FOUND);
    CHECK_STATUS(loy_members_import_csv(db, good, 0, &rows, &imported, &errors, &err), LOY_OK);
    CHECK_INT(imported, 2);
    loy_table_free(errors);
    CHECK_STATUS(loy_member_find_by_phone(db, "09121230001", &m, &err), LOY_OK);
    CHECK(strcmp(loy_member_name(m), "Sara, the first") == 0);
    CHECK(strcmp(loy_member_tags(m), "coffee,vegan") == 0);
    CHECK_INT(loy_member_birth_month(m), 5);
    CHECK_INT(loy_member_consent_sms(m), 1);
    loy_member_free(m);
    CHECK_STATUS(loy_member_find_by_phone(db, "09121230002", &m, &err), LOY_OK);
    CHECK(strcmp(loy_member_name(m), "دارا") == 0);
    loy_member_free(m);

    /* One bad row (and one duplicate): nothing of the file is written, each row says why. */
    const char* bad =
        "phone,name,birth_date\n"
        "09121230003,Ok,\n"
        "12,Short phone,\n"
        "09121230001,Again,\n"
        "09121230004,Bad date,1990-13-01\n"
        "09121230005,No such day,1990-02-30\n"
        "09121230005,The same phone,\n";
    CHECK_STATUS(loy_members_import_csv(db, bad, 0, &rows, &imported, &errors, &err), LOY_OK);
    CHECK_INT(rows, 6);
    CHECK_INT(imported, 0);
    /* A refused row wrote nothing: the next row with its phone is no duplicate. */
    CHECK_INT(loy_table_row_count(errors), 4);
    CHECK_INT(loy_table_int(errors, 3, 0), 6);
    CHECK_INT(loy_table_int(errors, 0, 0), 3);
    CHECK(strcmp(loy_table_text(errors, 0, 1), "") == 0 ||
          strlen(loy_table_text(errors, 0, 1)) > 0);
    CHECK(strcmp(loy_table_text(errors, 0, 2), "LOY_ERR_INVALID_PHONE") == 0);
    CHECK(strcmp(loy_table_text(errors, 1, 2), "LOY_ERR_DUPLICATE") == 0);
    CHECK(strcmp(loy_table_text(errors, 2, 2), "LOY_ERR_INVALID_ARGUMENT") == 0);
    loy_table_free(errors);
    CHECK_STATUS(loy_member_find_by_phone(db, "09121230003", &m, &err), LOY_ERR_NOT_FOUND);

    errors = (loy_table*)1;
    CHECK_STATUS(
        loy_members_import_csv(db, "phone,shoe_size\n1,2\n", 0, &rows, &imported, &errors, &err),
        LOY_ERR_INVALID_ARGUMENT);
    CHECK(errors == NULL && rows == 0);
    CHECK(strstr(err.message, "shoe_size") != NULL);
    CHECK_STATUS(loy_members_import_csv(db, "phone\n\"0912", 0, &rows, &imported, &errors, &err),
                 LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_members_import_csv(db, "phone\n\xff\n", 0, &rows, &imported, &errors, &err),
                 LOY_ERR_INVALID_UTF8);
    CHECK_STATUS(loy_members_import_csv(db, NULL, 0, &rows, &imported, &errors, &err),
                 LOY_ERR_INVALID_ARGUMENT);
    loy_close(db);
}

static void test_dashboard(loy_db* db) {
    loy_report_options o;
    loy_report_options_init(&o);
    o.from_ms = tehran(2025, 3, 1, 0, 0);
    o.to_ms = tehran(2025, 4, 10, 0, 0);
    o.calendar = LOY_CALENDAR_JALALI;
    size_t needed = 0;
    CHECK_STATUS(loy_dashboard_html(db, &o, NULL, 0, &needed, &err), LOY_OK);
    CHECK(needed > 1000);
    char* html = malloc(needed + 1);
    CHECK_STATUS(loy_dashboard_html(db, &o, html, needed + 1, &needed, &err), LOY_OK);
    CHECK(strstr(html, "<html lang=\"en\" dir=\"ltr\">") != NULL);
    CHECK(strstr(html, "id=\"card-revenue\"><div class=\"value\"><bdi>160,000 toman<") != NULL);
    CHECK(strstr(html, "\"Esfand 1403\"") != NULL && strstr(html, "\"Farvardin 1404\"") != NULL);
    CHECK(strstr(html, "Arash") != NULL);
    free(html);
}

int main(int argc, char** argv) {
    snprintf(dir, sizeof dir, "%s", argc > 1 ? argv[1] : ".");
    loy_error_init(&err);
    loy_db* db = dataset();
    test_catalogue_and_errors(db);
    test_sales_by_jalali_and_gregorian_month(db);
    test_members_frequency_points(db);
    test_segments(db);
    test_dashboard(db);
    loy_close(db);
    test_messages();
    test_campaign_holdout_and_lift();
    test_import();
    printf("%d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
