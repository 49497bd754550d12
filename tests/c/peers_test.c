/*
 * Scenarios that other loyalty systems' own test suites exercise (Odoo loyalty and pos_loyalty,
 * ERPNext pricing rules, Open Loyalty earning rules), through the public C header: overlapping
 * coupons in any scan order, a rule that stops the rules after it, rules for some branches and
 * tills, a first-purchase bonus, redemption in multiples, a minimum quantity, a minimum counted
 * with tax, a discount on the cheapest item, an automatic promotion (no code), a cap on the
 * points a member earns a day, operators' limits, approvals and audit, a points transfer, gift
 * cards, two-phase points holds, claiming a past receipt, a tier assigned by staff, and points
 * spent in the sale that earns them, a wallet top-up sold in the basket, a stamp card, and a
 * household pooling its points.
 *
 *   peers_test <scratch-directory> [test-name]
 */
#include <loyalty/loyalty.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* Amounts in toman: 1 point per 10,000 (5 on coffee, which stops the base rule; 2 more at the
 * airport branch); 100 points on a first purchase; points worth 100 each, spent in fifties. */
static const char* PROGRAMME =
    "{\"name\":\"Peers\",\"currency\":\"IRT\",\"utc_offset_minutes\":210,"
    "\"first_purchase_points\":100,"
    "\"spend\":[{\"id\":\"coffee\",\"points\":5,\"per\":10000,\"categories\":[\"coffee\"],"
    "\"stop\":true},"
    "{\"id\":\"base\",\"points\":1,\"per\":10000},"
    "{\"id\":\"airport\",\"points\":2,\"per\":10000,\"branches\":[\"airport\"]}],"
    "\"redeem\":{\"point_value\":\"100\",\"multiple_of\":50},"
    "\"campaigns\":["
    "{\"id\":\"ab\",\"name\":\"5,000 off A or B\",\"effect\":\"amount\",\"amount\":5000,"
    "\"code\":\"AB\",\"skus\":[\"A\",\"B\"],\"combinable\":true},"
    "{\"id\":\"a\",\"name\":\"10,000 off A\",\"effect\":\"amount\",\"amount\":10000,"
    "\"code\":\"ONLYA\",\"skus\":[\"A\"],\"combinable\":true},"
    "{\"id\":\"two\",\"name\":\"Two lattes\",\"effect\":\"amount\",\"amount\":3000,"
    "\"code\":\"TWO\",\"skus\":[\"LATTE\"],\"min_quantity\":2},"
    "{\"id\":\"taxed\",\"name\":\"Over 110,000 with tax\",\"effect\":\"amount\",\"amount\":1000,"
    "\"code\":\"TAXED\",\"min_basket\":110000,\"min_basket_with_tax\":true},"
    "{\"id\":\"cheap\",\"name\":\"Cheapest free\",\"effect\":\"cheapest\",\"code\":\"CHEAP\"},"
    "{\"id\":\"scone\",\"name\":\"Scone 1,000 off\",\"effect\":\"amount\",\"amount\":1000,"
    "\"auto\":true,\"skus\":[\"SCONE\"],\"combinable\":true,\"max_uses_per_member\":1}]}";

static loy_basket* new_basket(int64_t member) {
    loy_basket* b = NULL;
    CHECK_STATUS(loy_basket_new(&b, &err), LOY_OK);
    CHECK_STATUS(loy_basket_set_member(b, member, &err), LOY_OK);
    return b;
}

static void line(loy_basket* b, const char* sku, const char* category, int64_t milli,
                 int64_t price) {
    CHECK_STATUS(loy_basket_add_line(b, sku, category, milli, price, 0, NULL, &err), LOY_OK);
}

static int64_t balance_of(loy_db* db, int64_t member) {
    loy_member* m = NULL;
    CHECK_STATUS(loy_member_get(db, member, &m, &err), LOY_OK);
    const int64_t balance = m ? loy_member_balance(m) : -1;
    loy_member_free(m);
    return balance;
}

static void test_overlapping_coupons_in_any_order(void) {
    loy_db* db = open_fresh("peers-overlap.db", PROGRAMME);
    if (!db) return;
    const char* orders[2][2] = {{"AB", "ONLYA"}, {"ONLYA", "AB"}};
    for (int o = 0; o < 2; ++o) {
        loy_basket* b = new_basket(0);
        line(b, "A", "goods", 1000, 10000);
        line(b, "B", "goods", 1000, 2000);
        CHECK_STATUS(loy_basket_add_coupon(b, orders[o][0], &err), LOY_OK);
        CHECK_STATUS(loy_basket_add_coupon(b, orders[o][1], &err), LOY_OK);
        loy_quote* q = NULL;
        CHECK_STATUS(loy_quote_basket(db, b, &q, &err), LOY_OK);
        /* 10,000 off A, and the 5,000 coupon gives the 2,000 that B costs. */
        CHECK(loy_quote_coupon_discount(q) == 12000 && loy_quote_total(q) == 0);
        for (size_t i = 0; i < 2; ++i)
            CHECK(loy_quote_coupon_amount(q, i) ==
                  (strcmp(loy_quote_coupon_code(q, i), "AB") == 0 ? 2000 : 10000));
        loy_quote_free(q);
        loy_basket_free(b);
    }
    loy_close(db);
}

static void test_stop_branches_and_first_purchase(void) {
    loy_db* db = open_fresh("peers-earning.db", PROGRAMME);
    if (!db) return;
    int64_t m = enrol_phone(db, "09121234567", NULL, 0);
    loy_basket* b = new_basket(m);
    line(b, "LATTE", "coffee", 1000, 100000);
    loy_receipt* r = NULL;
    CHECK_STATUS(loy_commit(db, b, "peer-s1", &r, &err), LOY_OK);
    /* Coffee: 50 points and the base rule stops; 100 for the first purchase. */
    CHECK(r != NULL && loy_receipt_points_earned(r) == 150);
    loy_receipt_free(r);
    loy_basket_free(b);
    b = new_basket(m);
    line(b, "BREAD", "bakery", 1000, 100000);
    CHECK_STATUS(loy_basket_set_context(b, "R2", "airport", "T9", NULL, &err), LOY_OK);
    CHECK_STATUS(loy_commit(db, b, "peer-s2", &r, &err), LOY_OK);
    /* Bread: 10 base + 20 at the airport; no second first-purchase bonus. */
    CHECK(r != NULL && loy_receipt_points_earned(r) == 30);
    loy_receipt_free(r);
    loy_basket_free(b);
    check_verified(db);
    loy_close(db);
}

static void test_redemption_in_multiples(void) {
    loy_db* db = open_fresh("peers-redeem.db", PROGRAMME);
    if (!db) return;
    int64_t m = enrol_phone(db, "09121234567", NULL, 0);
    CHECK_STATUS(loy_points_adjust(db, m, 180, "opening balance", "mgr", "adj-1", NULL, &err),
                 LOY_OK);
    loy_basket* b = new_basket(m);
    line(b, "BREAD", "bakery", 1000, 100000);
    CHECK_STATUS(loy_basket_redeem_points(b, 120, &err), LOY_OK);
    loy_quote* q = NULL;
    CHECK_STATUS(loy_quote_basket(db, b, &q, &err), LOY_OK);
    CHECK(loy_quote_redeem_status(q) == LOY_ERR_REDEMPTION_NOT_ALLOWED);
    CHECK(loy_quote_redeemable_points(q) == 150);
    loy_quote_free(q);
    loy_receipt* r = NULL;
    CHECK_STATUS(loy_commit(db, b, "peer-r1", &r, &err), LOY_ERR_REDEMPTION_NOT_ALLOWED);
    CHECK(strstr(err.message, "multiples of 50") != NULL);
    CHECK_STATUS(loy_basket_redeem_points(b, 150, &err), LOY_OK);
    CHECK_STATUS(loy_commit(db, b, "peer-r2", &r, &err), LOY_OK); /* a new sale, a new key */
    CHECK(r != NULL && loy_receipt_points_redeemed(r) == 150 &&
          loy_receipt_redeem_value(r) == 15000);
    loy_receipt_free(r);
    loy_basket_free(b);
    loy_close(db);
}

/* The status and amount of the one coupon of a basket's quote. */
static int32_t coupon_in(loy_db* db, loy_basket* b, int64_t* amount) {
    loy_quote* q = NULL;
    CHECK_STATUS(loy_quote_basket(db, b, &q, &err), LOY_OK);
    int32_t status = q ? loy_quote_coupon_status(q, 0) : -1;
    *amount = q ? loy_quote_coupon_amount(q, 0) : -1;
    loy_quote_free(q);
    return status;
}

static void test_coupon_conditions_and_the_cheapest_item(void) {
    loy_db* db = open_fresh("peers-coupons.db", PROGRAMME);
    if (!db) return;
    int64_t amount = 0;
    loy_basket* b = new_basket(0);
    line(b, "LATTE", "coffee", 1000, 50000);
    CHECK_STATUS(loy_basket_add_coupon(b, "TWO", &err), LOY_OK);
    CHECK(coupon_in(db, b, &amount) == LOY_ERR_COUPON_REJECTED);
    loy_basket_free(b);
    b = new_basket(0);
    line(b, "LATTE", "coffee", 2000, 50000);
    CHECK_STATUS(loy_basket_add_coupon(b, "TWO", &err), LOY_OK);
    CHECK(coupon_in(db, b, &amount) == LOY_OK && amount == 3000);
    loy_basket_free(b);

    b = new_basket(0);
    line(b, "BREAD", "bakery", 1000, 100000);
    CHECK_STATUS(loy_basket_add_coupon(b, "TAXED", &err), LOY_OK);
    CHECK(coupon_in(db, b, &amount) == LOY_ERR_COUPON_REJECTED);
    CHECK_STATUS(loy_basket_set_charges(b, 10000, 0, 0, &err), LOY_OK);
    CHECK(coupon_in(db, b, &amount) == LOY_OK && amount == 1000);
    loy_basket_free(b);

    b = new_basket(0);
    line(b, "BREAD", "bakery", 1000, 100000);
    line(b, "TEA", "drinks", 3000, 20000);
    CHECK_STATUS(loy_basket_add_coupon(b, "CHEAP", &err), LOY_OK);
    CHECK(coupon_in(db, b, &amount) == LOY_OK && amount == 20000); /* one tea of three */
    loy_receipt* r = NULL;
    CHECK_STATUS(loy_commit(db, b, "peer-c1", &r, &err), LOY_OK);
    CHECK(r != NULL && loy_receipt_total(r) == 100000 + 60000 - 20000);
    loy_receipt_free(r);
    loy_basket_free(b);
    check_verified(db);
    loy_close(db);
}

static void test_an_automatic_promotion(void) {
    loy_db* db = open_fresh("peers-auto.db", PROGRAMME);
    if (!db) return;
    int64_t m = enrol_phone(db, "09121234567", NULL, 0);
    loy_basket* b = new_basket(m);
    line(b, "SCONE", "bakery", 1000, 30000);
    loy_quote* q = NULL;
    CHECK_STATUS(loy_quote_basket(db, b, &q, &err), LOY_OK);
    /* Applied without a code: an empty code, and its campaign. */
    CHECK(q != NULL && loy_quote_coupon_count(q) == 1);
    CHECK(strcmp(loy_quote_coupon_code(q, 0), "") == 0);
    CHECK(strcmp(loy_quote_coupon_campaign(q, 0), "scone") == 0);
    CHECK(loy_quote_coupon_status(q, 0) == LOY_OK && loy_quote_coupon_amount(q, 0) == 1000);
    loy_quote_free(q);
    loy_receipt* r = NULL;
    CHECK_STATUS(loy_commit(db, b, "peer-a1", &r, &err), LOY_OK);
    CHECK(r != NULL && loy_receipt_coupon_discount(r) == 1000 && loy_receipt_total(r) == 29000);
    loy_receipt_free(r);
    /* Once per member: the second sale has no promotion, and is not refused for it. */
    CHECK_STATUS(loy_commit(db, b, "peer-a2", &r, &err), LOY_OK);
    CHECK(r != NULL && loy_receipt_coupon_count(r) == 0 && loy_receipt_total(r) == 30000);
    loy_receipt_free(r);
    loy_basket_free(b);
    check_verified(db);
    loy_close(db);
}

/* At most 100 points a day: the second sale of the day earns what is left, the next day
 * earns again. */
static void test_a_daily_earning_cap(void) {
    loy_db* db = open_fresh("peers-cap.db",
                            "{\"name\":\"Cap\",\"currency\":\"IRT\","
                            "\"utc_offset_minutes\":210,"
                            "\"spend\":[{\"id\":\"base\",\"points\":1,"
                            "\"per\":10000}],"
                            "\"earn_cap\":{\"points\":100,\"per\":\"day\"}}");
    if (!db) return;
    int64_t m = enrol_phone(db, "09121234567", NULL, 0);
    const int64_t earned[3] = {70, 30, 50};
    const char* keys[3] = {"cap-1", "cap-2", "cap-3"};
    for (int i = 0; i < 3; ++i) {
        if (i == 2) CHECK_STATUS(loy_set_clock(db, loy_now(db) + 86400000, &err), LOY_OK);
        loy_basket* b = new_basket(m);
        line(b, "BREAD", "bakery", 1000, i == 0 ? 700000 : 500000);
        loy_receipt* r = NULL;
        CHECK_STATUS(loy_commit(db, b, keys[i], &r, &err), LOY_OK);
        CHECK(r != NULL && loy_receipt_points_earned(r) == earned[i]);
        loy_receipt_free(r);
        loy_basket_free(b);
    }
    check_verified(db);
    loy_close(db);
}

/* Open Loyalty's operator limits and audit: a second operator above 100 points, at most 300
 * points adjusted by an operator a day; who did what, in the history and the operators report. */
static void test_operator_controls(void) {
    loy_db* db = open_fresh("peers-operators.db",
                            "{\"name\":\"Ops\",\"currency\":\"IRT\",\"utc_offset_minutes\":210,"
                            "\"spend\":[{\"id\":\"base\",\"points\":1,\"per\":10000}],"
                            "\"adjustments\":{\"approval_above\":100,"
                            "\"operator_daily_points\":300}}");
    if (!db) return;
    int64_t m = enrol_phone(db, "09121234567", NULL, 0);
    int64_t balance = -1;
    CHECK_STATUS(loy_points_adjust(db, m, 80, "goodwill", "sara", "op-1", &balance, &err), LOY_OK);
    CHECK(balance == 80);
    CHECK_STATUS(loy_points_adjust(db, m, 150, "complaint", "sara", "op-2", &balance, &err),
                 LOY_ERR_NEEDS_APPROVAL);
    CHECK(loy_status_family(LOY_ERR_NEEDS_APPROVAL) == LOY_FAMILY_DECLINED);
    CHECK_STATUS(
        loy_points_adjust_approved(db, m, 150, "complaint", "sara", "sara", "op-3", &balance, &err),
        LOY_ERR_NEEDS_APPROVAL); /* not by herself */
    CHECK_STATUS(
        loy_points_adjust_approved(db, m, 150, "complaint", "sara", "reza", "op-4", &balance, &err),
        LOY_OK);
    CHECK(balance == 230);
    /* 80 + 150 adjusted today: another 100 would pass 300. */
    CHECK_STATUS(loy_points_adjust_approved(db, m, -100, "correction", "sara", "reza", "op-5",
                                            &balance, &err),
                 LOY_ERR_CAP_REACHED);
    CHECK_STATUS(loy_points_adjust(db, m, -60, "correction", "reza", "op-6", &balance, &err),
                 LOY_OK);
    loy_basket* b = new_basket(m);
    line(b, "BREAD", "bakery", 1000, 100000);
    CHECK_STATUS(loy_basket_set_context(b, "R1", "north", "T1", "mina", &err), LOY_OK);
    loy_receipt* r = NULL;
    CHECK_STATUS(loy_commit(db, b, "op-sale", &r, &err), LOY_OK);
    loy_receipt_free(r);
    loy_basket_free(b);

    loy_history* h = NULL;
    CHECK_STATUS(loy_history_get(db, m, 10, 0, &h, &err), LOY_OK);
    CHECK(h != NULL && loy_history_count(h) == 4);
    CHECK(strcmp(loy_history_operator(h, 0), "mina") == 0); /* the sale's cashier */
    CHECK(strcmp(loy_history_approver(h, 0), "") == 0);
    CHECK(strcmp(loy_history_operator(h, 2), "sara") == 0 &&
          strcmp(loy_history_approver(h, 2), "reza") == 0);
    CHECK(strcmp(loy_history_operator(h, 9), "") == 0 &&
          strcmp(loy_history_approver(NULL, 0), "") == 0);
    loy_history_free(h);

    loy_report_options o;
    loy_report_options_init(&o);
    loy_table* t = NULL;
    CHECK_STATUS(loy_report(db, "operators", &o, &t, &err), LOY_OK);
    /* mina, reza, sara: by name. */
    CHECK(t != NULL && loy_table_row_count(t) == 3);
    CHECK(strcmp(loy_table_text(t, 0, 0), "mina") == 0 && loy_table_int(t, 0, 1) == 1);
    CHECK(strcmp(loy_table_text(t, 1, 0), "reza") == 0 && loy_table_int(t, 1, 6) == 60 &&
          loy_table_int(t, 1, 8) == 1);
    CHECK(strcmp(loy_table_text(t, 2, 0), "sara") == 0 && loy_table_int(t, 2, 4) == 2 &&
          loy_table_int(t, 2, 5) == 230 && loy_table_int(t, 2, 7) == 1);
    loy_table_free(t);
    check_verified(db);
    loy_close(db);
}

/* Open Loyalty's points transfer: a member gives points to another; they keep their expiry. */
static void test_points_transfer(void) {
    loy_db* db = open_fresh("peers-transfer.db",
                            "{\"name\":\"Gift\",\"currency\":\"IRT\",\"utc_offset_minutes\":210,"
                            "\"expiry_days\":30,"
                            "\"spend\":[{\"id\":\"base\",\"points\":1,\"per\":10000}],"
                            "\"transfers\":{\"min_points\":10,\"daily_max\":150}}");
    if (!db) return;
    int64_t mom = enrol_phone(db, "09121234567", NULL, 0);
    int64_t son = enrol_phone(db, "09127654321", NULL, 0);
    CHECK_STATUS(loy_points_adjust(db, mom, 100, "opening", "mgr", "tr-a1", NULL, &err), LOY_OK);
    int64_t mom_expiry = 0, points = 0;
    CHECK_STATUS(loy_points_expiring(db, mom, INT64_MAX, &points, &mom_expiry, &err), LOY_OK);
    CHECK_STATUS(loy_set_clock(db, loy_now(db) + 5 * 86400000LL, &err), LOY_OK);
    int64_t left = -1;
    CHECK_STATUS(loy_points_transfer(db, mom, son, 5, "gift", "app", "tr-1", &left, &err),
                 LOY_ERR_REDEMPTION_NOT_ALLOWED); /* below the minimum */
    CHECK_STATUS(loy_points_transfer(db, mom, mom, 50, "gift", "app", "tr-2", &left, &err),
                 LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_points_transfer(db, mom, son, 120, "gift", "app", "tr-3", &left, &err),
                 LOY_ERR_INSUFFICIENT_POINTS);
    CHECK_STATUS(loy_points_transfer(db, mom, son, 60, "gift", "app", "tr-4", &left, &err), LOY_OK);
    CHECK(left == 40);
    CHECK_STATUS(loy_points_transfer(db, mom, son, 60, "gift", "app", "tr-4", &left, &err), LOY_OK);
    CHECK(left == 40); /* a retry with the same key gives nothing twice */
    /* The son's points expire when the mother's would have, 30 days after she got them. */
    int64_t son_expiry = 0;
    CHECK_STATUS(loy_points_expiring(db, son, INT64_MAX, &points, &son_expiry, &err), LOY_OK);
    CHECK(points == 60 && son_expiry == mom_expiry);
    loy_history* h = NULL;
    CHECK_STATUS(loy_history_get(db, son, 5, 0, &h, &err), LOY_OK);
    CHECK(h != NULL && loy_history_kind(h, 0) == LOY_ENTRY_TRANSFER_IN &&
          loy_history_points(h, 0) == 60);
    loy_history_free(h);
    /* 60 given today; 100 more would pass the daily 150. */
    CHECK_STATUS(loy_points_adjust(db, mom, 200, "more", "mgr", "tr-a2", NULL, &err), LOY_OK);
    CHECK_STATUS(loy_points_transfer(db, mom, son, 100, "gift", "app", "tr-5", &left, &err),
                 LOY_ERR_CAP_REACHED);
    check_verified(db);
    loy_close(db);
}

/* Gift cards (Odoo's gift_card programmes, Square's Gift Cards API): sold at the till, loaded,
 * redeemed in part, credited back on a refund; the liability report; a card as a tender in the
 * basket, credited back in proportion when goods are returned. */
static void test_gift_cards(void) {
    loy_db* db = open_fresh("peers-gift.db",
                            "{\"name\":\"Gifts\",\"currency\":\"IRT\",\"utc_offset_minutes\":210,"
                            "\"gift_cards\":{\"max_balance\":5000000}}");
    if (!db) return;
    char code[32];
    size_t need = 0;
    CHECK_STATUS(loy_giftcard_sell(db, 0, "R1", "mina", "gc-0", code, sizeof code, &need, &err),
                 LOY_ERR_INVALID_AMOUNT);
    CHECK_STATUS(loy_giftcard_sell(db, 500000, "R1", "mina", "gc-1", NULL, 0, &need, &err), LOY_OK);
    CHECK(need == 11);
    CHECK_STATUS(
        loy_giftcard_sell(db, 500000, "R1", "mina", "gc-1", code, sizeof code, &need, &err),
        LOY_OK); /* the same key: the same card, sold once */
    CHECK(loy_coupon_code_check(code) == LOY_OK);
    int64_t balance = -1;
    CHECK_STATUS(loy_giftcard_balance(db, code, &balance, &err), LOY_OK);
    CHECK(balance == 500000);
    CHECK_STATUS(loy_giftcard_load(db, code, 200000, "R2", "mina", "gc-2", &balance, &err), LOY_OK);
    CHECK(balance == 700000);
    CHECK_STATUS(loy_giftcard_redeem(db, code, 800000, "R3", "reza", "gc-3", &balance, &err),
                 LOY_ERR_INSUFFICIENT_FUNDS);
    CHECK_STATUS(loy_giftcard_redeem(db, code, 300000, "R3", "reza", "gc-4", &balance, &err),
                 LOY_OK);
    CHECK(balance == 400000);
    CHECK_STATUS(loy_giftcard_redeem(db, code, 300000, "R3", "reza", "gc-4", &balance, &err),
                 LOY_OK);
    CHECK(balance == 400000); /* a retry takes nothing twice */
    CHECK_STATUS(loy_giftcard_refund(db, code, 100000, "R3", "reza", "gc-5", &balance, &err),
                 LOY_OK);
    CHECK(balance == 500000);
    CHECK_STATUS(loy_giftcard_load(db, code, 4600000, "R4", "mina", "gc-6", &balance, &err),
                 LOY_ERR_INVALID_AMOUNT); /* over the programme's 5,000,000 */
    {
        char typo[32];
        snprintf(typo, sizeof typo, "%s", code);
        typo[0] = typo[0] == 'A' ? 'B' : 'A';
        CHECK_STATUS(loy_giftcard_balance(db, typo, &balance, &err), LOY_ERR_COUPON_INVALID);
    }
    CHECK_STATUS(loy_giftcard_balance(db, NULL, &balance, &err), LOY_ERR_INVALID_ARGUMENT);
    loy_report_options o;
    loy_report_options_init(&o);
    loy_table* t = NULL;
    CHECK_STATUS(loy_report(db, "gift_cards", &o, &t, &err), LOY_OK);
    CHECK(t != NULL && loy_table_int(t, 0, 0) == 1 && loy_table_int(t, 0, 1) == 500000 &&
          loy_table_int(t, 0, 2) == 200000 && loy_table_int(t, 0, 3) == 300000 &&
          loy_table_int(t, 0, 4) == 100000 && loy_table_int(t, 0, 5) == 500000);
    loy_table_free(t);

    /* The card as a tender in the basket: redeemed with the sale, in one transaction. */
    loy_basket* b = new_basket(0);
    line(b, "SCARF", "clothes", 1000, 300000);
    line(b, "HAT", "clothes", 1000, 100000);
    CHECK_STATUS(loy_basket_pay_giftcard(b, code, 0, &err), LOY_ERR_INVALID_AMOUNT);
    CHECK_STATUS(loy_basket_pay_giftcard(b, code, 600000, &err), LOY_OK);
    loy_quote* q = NULL;
    CHECK_STATUS(loy_quote_basket(db, b, &q, &err), LOY_ERR_INSUFFICIENT_FUNDS);
    loy_basket_free(b);
    b = new_basket(0);
    line(b, "SCARF", "clothes", 1000, 300000);
    line(b, "HAT", "clothes", 1000, 100000);
    CHECK_STATUS(loy_basket_pay_giftcard(b, code, 450000, &err), LOY_OK);
    CHECK_STATUS(loy_quote_basket(db, b, &q, &err), LOY_ERR_INVALID_AMOUNT); /* more than due */
    loy_basket_free(b);
    b = new_basket(0);
    line(b, "SCARF", "clothes", 1000, 300000);
    line(b, "HAT", "clothes", 1000, 100000);
    CHECK_STATUS(loy_basket_pay_giftcard(b, code, 250000, &err), LOY_OK);
    CHECK_STATUS(loy_basket_add_tender(b, "cash", 150000, &err), LOY_OK);
    CHECK_STATUS(loy_quote_basket(db, b, &q, &err), LOY_OK);
    CHECK(q != NULL && loy_quote_gift_card_amount(q) == 250000 &&
          loy_quote_amount_due(q) == 150000);
    loy_quote_free(q);
    loy_receipt* r = NULL;
    CHECK_STATUS(loy_commit(db, b, "gc-sale", &r, &err), LOY_OK);
    CHECK(r != NULL && loy_receipt_gift_card_amount(r) == 250000 &&
          loy_receipt_amount_due(r) == 150000);
    const int64_t sale = r ? loy_receipt_sale_id(r) : 0;
    loy_receipt_free(r);
    CHECK_STATUS(loy_commit(db, b, "gc-sale", &r, &err), LOY_OK); /* a retry pays once */
    loy_receipt_free(r);
    loy_basket_free(b);
    CHECK_STATUS(loy_giftcard_balance(db, code, &balance, &err), LOY_OK);
    CHECK(balance == 250000);
    /* The hat returned (a quarter of the goods): a quarter of the card's part goes back to it. */
    loy_refund* rf = NULL;
    CHECK_STATUS(loy_refund_new(&rf, &err), LOY_OK);
    CHECK_STATUS(loy_refund_add_line(rf, 2, 1000, &err), LOY_OK);
    CHECK_STATUS(loy_refund_sale(db, sale, rf, "gc-refund", &r, &err), LOY_OK);
    CHECK(r != NULL && loy_receipt_gift_card_amount(r) == 62500 &&
          loy_receipt_money_back(r) == 37500);
    loy_receipt_free(r);
    loy_refund_free(rf);
    CHECK_STATUS(loy_giftcard_balance(db, code, &balance, &err), LOY_OK);
    CHECK(balance == 312500);
    /* The rest returned: the card has all it paid back. */
    CHECK_STATUS(loy_refund_new(&rf, &err), LOY_OK);
    CHECK_STATUS(loy_refund_sale(db, sale, rf, "gc-refund-2", &r, &err), LOY_OK);
    CHECK(r != NULL && loy_receipt_gift_card_amount(r) == 187500);
    loy_receipt_free(r);
    loy_refund_free(rf);
    CHECK_STATUS(loy_giftcard_balance(db, code, &balance, &err), LOY_OK);
    CHECK(balance == 500000);
    check_verified(db);
    loy_close(db);
}

/* The available points a member has now. */
static int64_t available_of(loy_db* db, int64_t member) {
    loy_member* m = NULL;
    CHECK_STATUS(loy_member_get(db, member, &m, &err), LOY_OK);
    int64_t a = m ? loy_member_available(m) : -1;
    loy_member_free(m);
    return a;
}

/* Two-phase holds (Open Loyalty's locked units, TigerBeetle's pending transfers): points
 * reserved for an open tab, captured in part or released; a forgotten hold ends by itself. */
static void test_points_holds(void) {
    loy_db* db = open_fresh("peers-holds.db",
                            "{\"name\":\"Tabs\",\"currency\":\"IRT\",\"utc_offset_minutes\":210,"
                            "\"spend\":[{\"id\":\"base\",\"points\":1,\"per\":10000}],"
                            "\"redeem\":{\"point_value\":\"100\"}}");
    if (!db) return;
    int64_t m = enrol_phone(db, "09121234567", NULL, 0);
    CHECK_STATUS(loy_points_adjust(db, m, 150, "opening", "mgr", "h-a1", NULL, &err), LOY_OK);
    int64_t hold = 0, balance = -1;
    CHECK_STATUS(loy_points_hold(db, m, 200, 3600000, "table 7", "h-1", &hold, &err),
                 LOY_ERR_INSUFFICIENT_POINTS);
    CHECK_STATUS(loy_points_hold(db, m, 100, 3600000, "table 7", "h-2", &hold, &err), LOY_OK);
    CHECK(hold > 0 && available_of(db, m) == 50);
    /* The held points cannot be spent at checkout meanwhile. */
    loy_basket* b = new_basket(m);
    line(b, "TEA", "drinks", 1000, 100000);
    CHECK_STATUS(loy_basket_redeem_points(b, 80, &err), LOY_OK);
    loy_receipt* r = NULL;
    CHECK_STATUS(loy_commit(db, b, "h-sale", &r, &err), LOY_ERR_INSUFFICIENT_POINTS);
    loy_basket_free(b);
    CHECK_STATUS(loy_points_hold_capture(db, hold, 120, "h-3", &balance, &err),
                 LOY_ERR_INVALID_AMOUNT); /* more than held */
    CHECK_STATUS(loy_points_hold_capture(db, hold, 60, "h-4", &balance, &err), LOY_OK);
    CHECK(balance == 90 && available_of(db, m) == 90); /* the other 40 are free again */
    CHECK_STATUS(loy_points_hold_capture(db, hold, 60, "h-4", &balance, &err), LOY_OK);
    CHECK(balance == 90); /* a retry captures nothing twice */
    CHECK_STATUS(loy_points_hold_capture(db, hold, 10, "h-5", &balance, &err),
                 LOY_ERR_INVALID_STATE);
    CHECK_STATUS(loy_points_hold_release(db, hold, "h-6", &err), LOY_ERR_INVALID_STATE);
    /* A hold released, and one forgotten that expires by itself. */
    CHECK_STATUS(loy_points_hold(db, m, 30, 60000, "web order", "h-7", &hold, &err), LOY_OK);
    CHECK(available_of(db, m) == 60);
    CHECK_STATUS(loy_points_hold_release(db, hold, "h-8", &err), LOY_OK);
    CHECK(available_of(db, m) == 90);
    CHECK_STATUS(loy_points_hold(db, m, 90, 60000, "lost till", "h-9", &hold, &err), LOY_OK);
    CHECK(available_of(db, m) == 0);
    CHECK_STATUS(loy_set_clock(db, loy_now(db) + 120000, &err), LOY_OK);
    CHECK(available_of(db, m) == 90);
    CHECK_STATUS(loy_points_hold_capture(db, hold, 10, "h-10", &balance, &err),
                 LOY_ERR_INVALID_STATE); /* expired */

    /* Wallet money held for a web order: not spendable at the till meanwhile; captured in part. */
    int64_t wallet = 0, wallet_available = 0;
    CHECK_STATUS(loy_wallet_credit(db, m, 100000, "top-up", "mgr", "hw-0", &wallet, &err), LOY_OK);
    CHECK_STATUS(loy_wallet_hold(db, m, 150000, 3600000, "web 42", "hw-1", &hold, &err),
                 LOY_ERR_INSUFFICIENT_FUNDS);
    CHECK_STATUS(loy_wallet_hold(db, m, 60000, 3600000, "web 42", "hw-2", &hold, &err), LOY_OK);
    CHECK_STATUS(loy_wallet_get(db, m, &wallet, &wallet_available, NULL, &err), LOY_OK);
    CHECK(wallet == 100000 && wallet_available == 40000);
    b = new_basket(m);
    line(b, "TEA", "drinks", 1000, 100000);
    CHECK_STATUS(loy_basket_pay_wallet(b, 50000, &err), LOY_OK);
    CHECK_STATUS(loy_commit(db, b, "hw-sale", &r, &err), LOY_ERR_INSUFFICIENT_FUNDS);
    loy_basket_free(b);
    CHECK_STATUS(loy_points_hold_capture(db, hold, 100, "hw-3", &balance, &err),
                 LOY_ERR_INVALID_ARGUMENT); /* a wallet hold, not points */
    CHECK_STATUS(loy_wallet_hold_capture(db, hold, 45000, "hw-4", &wallet, &err), LOY_OK);
    CHECK(wallet == 55000);
    CHECK_STATUS(loy_wallet_get(db, m, &wallet, &wallet_available, NULL, &err), LOY_OK);
    CHECK(wallet == 55000 && wallet_available == 55000);
    CHECK_STATUS(loy_wallet_hold(db, m, 5000, 3600000, NULL, "hw-5", &hold, &err), LOY_OK);
    CHECK_STATUS(loy_wallet_hold_release(db, hold, "hw-6", &err), LOY_OK);
    CHECK_STATUS(loy_wallet_hold_capture(db, hold, 1000, "hw-7", &wallet, &err),
                 LOY_ERR_INVALID_STATE);
    CHECK_STATUS(loy_wallet_hold(db, m, 7000, 3600000, NULL, "hw-8", &hold, &err), LOY_OK);

    /* The holds report: per kind, what was held and what open holds reserve now. */
    loy_report_options o;
    loy_report_options_init(&o);
    loy_table* t = NULL;
    CHECK_STATUS(loy_report(db, "holds", &o, &t, &err), LOY_OK);
    CHECK(t != NULL && loy_table_row_count(t) == 2);
    /* points: 3 holds of 220, one captured for 60, one released, one timed out, none open. */
    CHECK(strcmp(loy_table_text(t, 0, 0), "points") == 0 && loy_table_int(t, 0, 1) == 3 &&
          loy_table_int(t, 0, 2) == 220 && loy_table_int(t, 0, 3) == 1 &&
          loy_table_int(t, 0, 4) == 60 && loy_table_int(t, 0, 5) == 1 &&
          loy_table_int(t, 0, 6) == 1 && loy_table_int(t, 0, 7) == 0);
    /* wallet: 3 holds of 72,000, one captured for 45,000, one released, 7,000 open now. */
    CHECK(strcmp(loy_table_text(t, 1, 0), "wallet") == 0 && loy_table_int(t, 1, 1) == 3 &&
          loy_table_int(t, 1, 2) == 72000 && loy_table_int(t, 1, 4) == 45000 &&
          loy_table_int(t, 1, 5) == 1 && loy_table_int(t, 1, 7) == 1 &&
          loy_table_int(t, 1, 8) == 7000);
    loy_table_free(t);
    check_verified(db);
    loy_close(db);
}

/* Claiming a past receipt (Oracle's "point recovery"): the customer shows the card after paying.
 * The sale earns by the earning rules at the price paid, once, within the window; a later void
 * takes the points back. */
static void test_claiming_a_past_receipt(void) {
    char programme[2048];
    snprintf(programme, sizeof programme, "%.*s,\"claims\":{\"window_days\":7}}",
             (int)strlen(PROGRAMME) - 1, PROGRAMME);
    loy_db* db = open_fresh("peers-claim.db", programme);
    if (!db) return;
    int64_t m = enrol_phone(db, "09121234567", NULL, 0);
    int64_t other = enrol_phone(db, "09127654321", NULL, 0);
    loy_basket* b = new_basket(0);
    line(b, "A", "goods", 1000, 100000);
    line(b, "B", "goods", 2000, 20000);
    CHECK_STATUS(loy_basket_set_context(b, "R-100", "airport", "T1", "ali", &err), LOY_OK);
    CHECK_STATUS(loy_basket_add_coupon(b, "ONLYA", &err), LOY_OK);
    loy_receipt* r = NULL;
    CHECK_STATUS(loy_commit(db, b, "claim-sale", &r, &err), LOY_OK);
    CHECK(r != NULL && loy_receipt_member_id(r) == 0 && loy_receipt_points_earned(r) == 0);
    const int64_t sale = r ? loy_receipt_sale_id(r) : 0;
    loy_receipt_free(r);
    loy_basket_free(b);

    int64_t found = 0;
    CHECK_STATUS(loy_sale_find_by_receipt(db, "R-100", NULL, &found, &err), LOY_OK);
    CHECK(found == sale);
    CHECK_STATUS(loy_sale_find_by_receipt(db, "R-100", "airport", &found, &err), LOY_OK);
    CHECK(found == sale);
    CHECK_STATUS(loy_sale_find_by_receipt(db, "R-100", "downtown", &found, &err),
                 LOY_ERR_NOT_FOUND);
    CHECK(found == 0);
    CHECK_STATUS(loy_sale_find_by_receipt(db, NULL, NULL, &found, &err), LOY_ERR_INVALID_ARGUMENT);

    CHECK_STATUS(loy_set_clock(db, loy_now(db) + 3 * 86400000LL, &err), LOY_OK);
    CHECK_STATUS(loy_sale_claim(db, sale, m, "sara", "claim-1", &r, &err), LOY_OK);
    /* 130,000 paid (10,000 off A): 13 base + 26 at the airport + 100 for a first purchase. */
    CHECK(r != NULL && loy_receipt_member_id(r) == m && loy_receipt_points_earned(r) == 139 &&
          loy_receipt_balance_after(r) == 139 && !loy_receipt_replayed(r));
    loy_receipt_free(r);
    CHECK_STATUS(loy_sale_claim(db, sale, m, "sara", "claim-1", &r, &err), LOY_OK);
    CHECK(r != NULL && loy_receipt_replayed(r) && loy_receipt_points_earned(r) == 139);
    loy_receipt_free(r);
    CHECK(balance_of(db, m) == 139);
    /* Exactly once: not for another member, not again under another key. */
    CHECK_STATUS(loy_sale_claim(db, sale, other, NULL, "claim-2", &r, &err), LOY_ERR_DUPLICATE);
    CHECK(r == NULL && balance_of(db, other) == 0);
    CHECK_STATUS(loy_sale_claim(db, sale + 100, other, NULL, "claim-3", &r, &err),
                 LOY_ERR_NOT_FOUND);
    CHECK_STATUS(loy_sale_claim(db, sale, m, NULL, NULL, &r, &err), LOY_ERR_INVALID_ARGUMENT);
    loy_history* h = NULL;
    CHECK_STATUS(loy_history_get(db, m, 5, 0, &h, &err), LOY_OK);
    CHECK(h != NULL && loy_history_count(h) == 2 && loy_history_sale_id(h, 0) == sale);
    loy_history_free(h);

    /* A sale older than the window is refused. */
    b = new_basket(0);
    line(b, "B", "goods", 1000, 50000);
    CHECK_STATUS(loy_commit(db, b, "claim-old", &r, &err), LOY_OK);
    const int64_t old = r ? loy_receipt_sale_id(r) : 0;
    loy_receipt_free(r);
    loy_basket_free(b);
    CHECK_STATUS(loy_set_clock(db, loy_now(db) + 8 * 86400000LL, &err), LOY_OK);
    CHECK_STATUS(loy_sale_claim(db, old, other, NULL, "claim-4", &r, &err), LOY_ERR_INVALID_STATE);
    CHECK(balance_of(db, other) == 0);

    /* Voiding the claimed sale takes back what the claim gave. */
    CHECK_STATUS(loy_void_sale(db, sale, "claim-void", &r, &err), LOY_OK);
    loy_receipt_free(r);
    CHECK(balance_of(db, m) == 0);
    check_verified(db);
    loy_close(db);

    /* Without "claims" in the programme, claims are refused. */
    db = open_fresh("peers-claim-off.db", PROGRAMME);
    if (!db) return;
    m = enrol_phone(db, "09121234567", NULL, 0);
    b = new_basket(0);
    line(b, "B", "goods", 1000, 50000);
    CHECK_STATUS(loy_commit(db, b, "claim-off", &r, &err), LOY_OK);
    const int64_t s2 = r ? loy_receipt_sale_id(r) : 0;
    loy_receipt_free(r);
    loy_basket_free(b);
    CHECK_STATUS(loy_sale_claim(db, s2, m, NULL, "claim-off-1", &r, &err),
                 LOY_ERR_REDEMPTION_NOT_ALLOWED);
    loy_close(db);
}

/* A tier assigned by staff as a floor (ERPNext's manual tier, Open Loyalty's level assigned by an
 * operator): raised now, kept while in force, and moved by the review again once it ends. */
static void test_a_tier_assigned_by_staff(void) {
    loy_db* db = open_fresh(
        "peers-tier.db",
        "{\"name\":\"Tiers\",\"currency\":\"IRT\",\"utc_offset_minutes\":210,"
        "\"spend\":[{\"id\":\"base\",\"points\":1,\"per\":10000}],"
        "\"tiers\":{\"window\":\"lifetime\",\"levels\":[{\"id\":\"bronze\",\"threshold\":0},"
        "{\"id\":\"silver\",\"threshold\":150,\"multiplier\":\"2\"},{\"id\":\"gold\","
        "\"threshold\":1000}]}}");
    if (!db) return;
    const int64_t m = enrol_phone(db, "09121234567", NULL, 0);
    const int64_t t0 = loy_now(db), day = 86400000LL;
    CHECK_STATUS(loy_tier_assign(db, m, "platinum", 0, "match", "mgr", "ta-0", &err),
                 LOY_ERR_NOT_FOUND);
    CHECK_STATUS(loy_tier_assign(db, m, "silver", 0, NULL, "mgr", "ta-1", &err),
                 LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_tier_assign(db, m, "silver", t0 - 1, "match", "mgr", "ta-2", &err),
                 LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_tier_assign(db, m, NULL, 0, "none to withdraw", "mgr", "ta-3", &err),
                 LOY_ERR_NOT_FOUND);
    CHECK_STATUS(
        loy_tier_assign(db, m, "silver", t0 + 30 * day, "status match", "mgr", "ta-4", &err),
        LOY_OK);
    loy_tier_status* s = NULL;
    CHECK_STATUS(loy_tier_status_get(db, m, &s, &err), LOY_OK);
    CHECK(s != NULL && strcmp(loy_tier_status_tier(s), "silver") == 0 &&
          strcmp(loy_tier_status_floor_tier(s), "silver") == 0 &&
          strcmp(loy_tier_status_assigned_tier(s), "silver") == 0 &&
          loy_tier_status_assigned_until(s) == t0 + 30 * day &&
          strncmp(loy_tier_status_event_reason(s, 0), "assigned by staff: status match", 31) == 0);
    loy_tier_status_free(s);
    /* The level's benefits apply at once: silver doubles the points. */
    loy_basket* b = new_basket(m);
    line(b, "BREAD", "bakery", 1000, 100000);
    loy_receipt* r = NULL;
    CHECK_STATUS(loy_commit(db, b, "ta-sale", &r, &err), LOY_OK);
    CHECK(r != NULL && loy_receipt_points_earned(r) == 20);
    loy_receipt_free(r);
    loy_basket_free(b);
    /* A review while it is in force keeps the member silver; after it ends, the score rules. */
    int64_t down = -1;
    CHECK_STATUS(loy_tiers_review(db, t0 + 10 * day, NULL, NULL, &down, NULL, &err), LOY_OK);
    CHECK(down == 0);
    CHECK_STATUS(loy_set_clock(db, t0 + 31 * day, &err), LOY_OK);
    CHECK_STATUS(loy_tier_status_get(db, m, &s, &err), LOY_OK);
    CHECK(s != NULL && strcmp(loy_tier_status_assigned_tier(s), "") == 0 &&
          loy_tier_status_assigned_until(s) == 0);
    loy_tier_status_free(s);
    CHECK_STATUS(loy_tiers_review(db, t0 + 31 * day, NULL, NULL, &down, NULL, &err), LOY_OK);
    CHECK(down == 1);
    CHECK_STATUS(loy_tier_status_get(db, m, &s, &err), LOY_OK);
    CHECK(s != NULL && strcmp(loy_tier_status_tier(s), "bronze") == 0);
    loy_tier_status_free(s);
    /* Until withdrawn: gold now; withdrawn, the member keeps it until the next review. */
    CHECK_STATUS(loy_tier_assign(db, m, "gold", 0, "compensation", NULL, "ta-5", &err), LOY_OK);
    CHECK_STATUS(loy_tier_assign(db, m, "", 0, "withdrawn", "mgr", "ta-6", &err), LOY_OK);
    CHECK_STATUS(loy_tier_status_get(db, m, &s, &err), LOY_OK);
    CHECK(s != NULL && strcmp(loy_tier_status_tier(s), "gold") == 0 &&
          strcmp(loy_tier_status_assigned_tier(s), "") == 0);
    loy_tier_status_free(s);
    CHECK_STATUS(loy_tiers_review(db, t0 + 32 * day, NULL, NULL, &down, NULL, &err), LOY_OK);
    CHECK(down == 1);
    check_verified(db);
    loy_close(db);
}

/* Points a sale earns spent in that same sale (Odoo's `applies_on: both`): with
 * redeem.same_sale the member buys, earns and pays with those points at once; without it the same
 * basket is refused. */
static void test_points_spent_in_the_sale_that_earns_them(void) {
    static const char* SAME_SALE =
        "{\"name\":\"Now\",\"currency\":\"IRT\",\"utc_offset_minutes\":210,"
        "\"spend\":[{\"id\":\"base\",\"points\":1,\"per\":1000}],"
        "\"redeem\":{\"point_value\":\"100\",\"max_share\":\"0.2\",\"same_sale\":true}}";
    loy_db* db = open_fresh("peers-same-sale.db", SAME_SALE);
    if (!db) return;
    const int64_t m = enrol_phone(db, "09121234567", NULL, 0);
    loy_basket* b = new_basket(m);
    line(b, "BREAD", "bakery", 1000, 100000);
    CHECK_STATUS(loy_basket_redeem_points(b, 100, &err), LOY_OK);
    loy_quote* q = NULL;
    CHECK_STATUS(loy_quote_basket(db, b, &q, &err), LOY_OK);
    /* 100 points earned; 20,000 (200 points) may be paid with points, 100 of them this sale's. */
    CHECK(q != NULL && loy_quote_redeemable_points(q) == 100 &&
          loy_quote_redeem_status(q) == LOY_OK && loy_quote_amount_due(q) == 90000);
    loy_quote_free(q);
    loy_receipt* r = NULL;
    CHECK_STATUS(loy_commit(db, b, "same-1", &r, &err), LOY_OK);
    CHECK(r != NULL && loy_receipt_points_earned(r) == 100 &&
          loy_receipt_points_redeemed(r) == 100 && loy_receipt_balance_after(r) == 0 &&
          loy_receipt_amount_due(r) == 90000);
    const int64_t sale = r ? loy_receipt_sale_id(r) : 0;
    loy_receipt_free(r);
    loy_basket_free(b);
    /* Voided, both the earning and the spending are undone. */
    CHECK_STATUS(loy_void_sale(db, sale, "same-void", &r, &err), LOY_OK);
    loy_receipt_free(r);
    CHECK(balance_of(db, m) == 0);
    check_verified(db);
    loy_close(db);

    /* Without the option the member has nothing to spend yet. */
    db = open_fresh("peers-same-sale-off.db", PROGRAMME);
    if (!db) return;
    const int64_t n = enrol_phone(db, "09121234567", NULL, 0);
    b = new_basket(n);
    line(b, "BREAD", "bakery", 1000, 1000000);
    CHECK_STATUS(loy_basket_redeem_points(b, 50, &err), LOY_OK);
    CHECK_STATUS(loy_commit(db, b, "same-2", &r, &err), LOY_ERR_INSUFFICIENT_POINTS);
    loy_basket_free(b);
    /* Nor with points that are not available at once. */
    CHECK_STATUS(loy_program_load_json(db,
                                       "{\"name\":\"Later\",\"currency\":\"IRT\",\"pending_days\":"
                                       "7,\"redeem\":{\"point_value\":\"1\",\"same_sale\":true}}",
                                       NULL, &err),
                 LOY_ERR_INVALID_PROGRAM);
    loy_close(db);
}

/* A wallet top-up sold as a basket line (Odoo's eWallet top-up product): paid with the sale,
 * credited to the wallet, earning nothing, never paid with points or wallet money, and taken back
 * from the wallet when the line is returned, while the money is still there. */
static void test_a_wallet_top_up_in_the_basket(void) {
    loy_db* db = open_fresh("peers-topup.db", PROGRAMME);
    if (!db) return;
    const int64_t m = enrol_phone(db, "09121234567", NULL, 0);
    CHECK_STATUS(loy_points_adjust(db, m, 2000, "opening", "mgr", "tu-a", NULL, &err), LOY_OK);
    loy_basket* b = new_basket(m);
    line(b, "BREAD", "bakery", 1000, 100000);
    int32_t no = 0;
    CHECK_STATUS(loy_basket_add_wallet_topup(b, 0, &no, &err), LOY_ERR_INVALID_AMOUNT);
    CHECK_STATUS(loy_basket_add_wallet_topup(b, 500000, &no, &err), LOY_OK);
    CHECK(no == 2);
    /* Points may pay for the bread (1,000 points = 100,000), not for the top-up. */
    CHECK_STATUS(loy_basket_redeem_points(b, 1050, &err), LOY_OK);
    loy_quote* q = NULL;
    CHECK_STATUS(loy_quote_basket(db, b, &q, &err), LOY_OK);
    CHECK(q != NULL && loy_quote_total(q) == 600000 && loy_quote_points_earned(q) == 110 &&
          loy_quote_redeemable_points(q) == 1000 &&
          loy_quote_redeem_status(q) == LOY_ERR_REDEMPTION_NOT_ALLOWED);
    loy_quote_free(q);
    CHECK_STATUS(loy_basket_redeem_points(b, 1000, &err), LOY_OK);
    loy_receipt* r = NULL;
    CHECK_STATUS(loy_commit(db, b, "tu-1", &r, &err), LOY_OK);
    CHECK(r != NULL && loy_receipt_amount_due(r) == 500000 && loy_receipt_points_earned(r) == 110);
    const int64_t sale = r ? loy_receipt_sale_id(r) : 0;
    loy_receipt_free(r);
    loy_basket_free(b);
    int64_t wallet = 0, available = 0;
    CHECK_STATUS(loy_wallet_get(db, m, &wallet, &available, NULL, &err), LOY_OK);
    CHECK(wallet == 500000 && available == 500000);

    /* Wallet money cannot buy more wallet money; an anonymous sale has no wallet to load. */
    b = new_basket(m);
    line(b, "BREAD", "bakery", 1000, 100000);
    CHECK_STATUS(loy_basket_add_wallet_topup(b, 50000, NULL, &err), LOY_OK);
    CHECK_STATUS(loy_basket_pay_wallet(b, 120000, &err), LOY_OK);
    CHECK_STATUS(loy_commit(db, b, "tu-2", &r, &err), LOY_ERR_INVALID_AMOUNT);
    loy_basket_free(b);
    b = new_basket(0);
    CHECK_STATUS(loy_basket_add_wallet_topup(b, 50000, NULL, &err), LOY_OK);
    CHECK_STATUS(loy_commit(db, b, "tu-3", &r, &err), LOY_ERR_INVALID_ARGUMENT);
    loy_basket_free(b);

    /* 450,000 of it is spent; returning the top-up line is then refused, the bread is not. */
    b = new_basket(m);
    line(b, "CAKE", "bakery", 1000, 450000);
    CHECK_STATUS(loy_basket_pay_wallet(b, 450000, &err), LOY_OK);
    CHECK_STATUS(loy_commit(db, b, "tu-4", &r, &err), LOY_OK);
    loy_receipt_free(r);
    loy_basket_free(b);
    loy_refund* rf = NULL;
    CHECK_STATUS(loy_refund_new(&rf, &err), LOY_OK);
    CHECK_STATUS(loy_refund_add_line(rf, 2, 1000, &err), LOY_OK);
    CHECK_STATUS(loy_refund_sale(db, sale, rf, "tu-5", &r, &err), LOY_ERR_INSUFFICIENT_FUNDS);
    CHECK_STATUS(loy_wallet_get(db, m, &wallet, &available, NULL, &err), LOY_OK);
    CHECK(wallet == 50000); /* the refused refund changed nothing */
    loy_refund_free(rf);
    CHECK_STATUS(loy_wallet_credit(db, m, 450000, "cash back in", "mgr", "tu-6", NULL, &err),
                 LOY_OK);
    CHECK_STATUS(loy_refund_new(&rf, &err), LOY_OK);
    CHECK_STATUS(loy_refund_add_line(rf, 2, 1000, &err), LOY_OK);
    CHECK_STATUS(loy_refund_sale(db, sale, rf, "tu-7", &r, &err), LOY_OK);
    CHECK(r != NULL && loy_receipt_refund_amount(r) == 500000);
    loy_receipt_free(r);
    loy_refund_free(rf);
    CHECK_STATUS(loy_wallet_get(db, m, &wallet, &available, NULL, &err), LOY_OK);
    CHECK(wallet == 0);
    /* The points paid for the bread, not for the top-up: none come back with it. */
    CHECK(balance_of(db, m) == 2000 - 1000 + 110 + 45); /* 45 earned by the cake */
    /* The bread returned: its points tender comes back whole, its points and the first-purchase
     * bonus go. */
    CHECK_STATUS(loy_void_sale(db, sale, "tu-8", &r, &err), LOY_ERR_INVALID_STATE);
    CHECK_STATUS(loy_refund_new(&rf, &err), LOY_OK);
    CHECK_STATUS(loy_refund_add_line(rf, 1, 1000, &err), LOY_OK);
    CHECK_STATUS(loy_refund_sale(db, sale, rf, "tu-9", &r, &err), LOY_OK);
    loy_receipt_free(r);
    loy_refund_free(rf);
    CHECK(balance_of(db, m) == 2000 + 45);
    check_verified(db);
    loy_close(db);
}

/* A stamp card beside the points (Odoo's "buy 9, the 10th free", Open Loyalty's wallet types):
 * each coffee bought gives a stamp, a full card issues a free-coffee coupon, a free coffee gives
 * no stamp, and a voided sale takes its stamps back and withdraws the reward it issued unused. */
static void test_a_stamp_card(void) {
    loy_db* db = open_fresh(
        "peers-stamps.db",
        "{\"name\":\"Cafe\",\"currency\":\"IRT\",\"utc_offset_minutes\":210,"
        "\"spend\":[{\"id\":\"base\",\"points\":1,\"per\":10000}],"
        "\"campaigns\":[{\"id\":\"free-coffee\",\"name\":\"A free coffee\",\"effect\":\"cheapest\","
        "\"categories\":[\"coffee\"],\"valid_days\":30}],"
        "\"stamp_cards\":[{\"id\":\"coffee\",\"name\":\"Coffee card\",\"categories\":[\"coffee\"],"
        "\"stamps\":9,\"campaign\":\"free-coffee\"}]}");
    if (!db) return;
    const int64_t m = enrol_phone(db, "09121234567", NULL, 0);
    int64_t stamps = -1;
    CHECK_STATUS(loy_member_stamps(db, m, "tea", &stamps, &err), LOY_ERR_NOT_FOUND);
    CHECK_STATUS(loy_member_stamps(db, m, "coffee", NULL, &err), LOY_ERR_INVALID_ARGUMENT);
    /* Four lattes and a cake: four stamps, and the points as usual. */
    loy_basket* b = new_basket(m);
    line(b, "LATTE", "coffee", 4000, 60000);
    line(b, "CAKE", "bakery", 1000, 90000);
    loy_quote* q = NULL;
    CHECK_STATUS(loy_quote_basket(db, b, &q, &err), LOY_OK);
    int found = 0;
    for (size_t i = 0; q && i < loy_quote_rule_count(q); ++i)
        if (strcmp(loy_quote_rule_id(q, i), "stamps:coffee") == 0) {
            found = 1;
            CHECK(strcmp(loy_quote_rule_explanation(q, i), "Coffee card: +4 stamps, 4 of 9") == 0);
        }
    CHECK(found && loy_quote_points_earned(q) == 33);
    loy_quote_free(q);
    loy_receipt* r = NULL;
    CHECK_STATUS(loy_commit(db, b, "st-1", &r, &err), LOY_OK);
    CHECK(r != NULL && loy_receipt_issued_count(r) == 0);
    loy_receipt_free(r);
    loy_basket_free(b);
    CHECK_STATUS(loy_member_stamps(db, m, "coffee", &stamps, &err), LOY_OK);
    CHECK(stamps == 4);
    /* Six more fill the card: a reward coupon, and one stamp carried over. */
    b = new_basket(m);
    line(b, "LATTE", "coffee", 6000, 60000);
    CHECK_STATUS(loy_commit(db, b, "st-2", &r, &err), LOY_OK);
    CHECK(r != NULL && loy_receipt_issued_count(r) == 1);
    const int64_t filled = r ? loy_receipt_sale_id(r) : 0;
    loy_receipt_free(r);
    loy_basket_free(b);
    CHECK_STATUS(loy_member_stamps(db, m, "coffee", &stamps, &err), LOY_OK);
    CHECK(stamps == 1);
    /* That sale voided: its six stamps go, the unused reward is withdrawn and its nine come back.
     */
    CHECK_STATUS(loy_void_sale(db, filled, "st-3", &r, &err), LOY_OK);
    loy_receipt_free(r);
    CHECK_STATUS(loy_member_stamps(db, m, "coffee", &stamps, &err), LOY_OK);
    CHECK(stamps == 4);
    /* Five more: full again; the reward pays for a coffee, which gives no stamp. */
    b = new_basket(m);
    line(b, "ESPRESSO", "coffee", 5000, 40000);
    CHECK_STATUS(loy_commit(db, b, "st-4", &r, &err), LOY_OK);
    char reward[32] = "";
    if (r && loy_receipt_issued_count(r) == 1)
        snprintf(reward, sizeof reward, "%s", loy_receipt_issued_code(r, 0));
    CHECK(reward[0] != 0);
    loy_receipt_free(r);
    loy_basket_free(b);
    b = new_basket(m);
    line(b, "LATTE", "coffee", 1000, 60000);
    CHECK_STATUS(loy_basket_add_coupon(b, reward, &err), LOY_OK);
    CHECK_STATUS(loy_commit(db, b, "st-5", &r, &err), LOY_OK);
    CHECK(r != NULL && loy_receipt_coupon_discount(r) == 60000 && loy_receipt_total(r) == 0);
    loy_receipt_free(r);
    loy_basket_free(b);
    CHECK_STATUS(loy_member_stamps(db, m, "coffee", &stamps, &err), LOY_OK);
    CHECK(stamps == 0);
    /* The manager's view. */
    loy_report_options o;
    loy_report_options_init(&o);
    loy_table* t = NULL;
    CHECK_STATUS(loy_report(db, "stamp_cards", &o, &t, &err), LOY_OK);
    /* given 4 + 6 + 5, returned 6, two rewards issued, one used, nobody holds stamps now. */
    CHECK(t != NULL && loy_table_row_count(t) == 1 &&
          strcmp(loy_table_text(t, 0, 0), "coffee") == 0 && loy_table_int(t, 0, 1) == 15 &&
          loy_table_int(t, 0, 2) == 6 && loy_table_int(t, 0, 3) == 2 &&
          loy_table_int(t, 0, 4) == 1 && loy_table_int(t, 0, 5) == 0);
    loy_table_free(t);
    check_verified(db);
    loy_close(db);
}

/* A household pooling its points (Talon.One's shared cards, Open Loyalty's pooled wallets): the
 * members' points go into one account, the head's, with one tier; each card earns and spends
 * from it; a member who leaves leaves the points behind. */
static void test_a_household_pools_its_points(void) {
    loy_db* db = open_fresh(
        "peers-household.db",
        "{\"name\":\"Family\",\"currency\":\"IRT\",\"utc_offset_minutes\":210,"
        "\"spend\":[{\"id\":\"base\",\"points\":1,\"per\":10000}],"
        "\"redeem\":{\"point_value\":\"100\"},"
        "\"tiers\":{\"window\":\"lifetime\",\"levels\":[{\"id\":\"bronze\",\"threshold\":0},"
        "{\"id\":\"silver\",\"threshold\":10}]}}");
    if (!db) return;
    const int64_t mom = enrol_phone(db, "09121234567", "Maryam", 0);
    const int64_t son = enrol_phone(db, "09127654321", "Arash", 0);
    const int64_t aunt = enrol_phone(db, "09351112233", "Leila", 0);
    CHECK_STATUS(loy_points_adjust(db, mom, 100, "opening", "mgr", "hh-a1", NULL, &err), LOY_OK);
    CHECK_STATUS(loy_points_adjust(db, son, 40, "opening", "mgr", "hh-a2", NULL, &err), LOY_OK);
    int64_t house = 0, head = 0, members = 0;
    CHECK_STATUS(loy_household_create(db, mom, "hh-1", &house, &err), LOY_OK);
    CHECK_STATUS(loy_household_create(db, mom, "hh-1b", &house, &err), LOY_ERR_INVALID_STATE);
    CHECK_STATUS(loy_household_create(db, mom, "hh-1", &house, &err), LOY_OK); /* replayed */
    CHECK_STATUS(loy_household_join(db, house, son, "hh-2", &err), LOY_OK);
    CHECK_STATUS(loy_household_join(db, house + 7, aunt, "hh-3", &err), LOY_ERR_NOT_FOUND);
    CHECK_STATUS(loy_member_household(db, son, &house, &head, &members, &err), LOY_OK);
    CHECK(house > 0 && head == mom && members == 2);
    CHECK_STATUS(loy_member_household(db, aunt, &house, &head, NULL, &err), LOY_OK);
    CHECK(house == 0 && head == 0);
    CHECK_STATUS(loy_member_household(db, son, &house, NULL, NULL, &err), LOY_OK);
    /* One balance: the son's 40 joined the mother's 100, and either card shows 140. */
    CHECK(balance_of(db, mom) == 140 && balance_of(db, son) == 140);
    /* The son's card earns into it, and the household reaches silver (10 points earned). */
    loy_basket* b = new_basket(son);
    line(b, "BREAD", "bakery", 1000, 100000);
    loy_receipt* r = NULL;
    CHECK_STATUS(loy_commit(db, b, "hh-sale-1", &r, &err), LOY_OK);
    CHECK(r != NULL && loy_receipt_member_id(r) == son && loy_receipt_balance_after(r) == 150 &&
          strcmp(loy_receipt_tier_after(r), "silver") == 0);
    const int64_t sale = r ? loy_receipt_sale_id(r) : 0;
    loy_receipt_free(r);
    loy_basket_free(b);
    loy_tier_status* ts = NULL;
    CHECK_STATUS(loy_tier_status_get(db, son, &ts, &err), LOY_OK);
    CHECK(ts != NULL && strcmp(loy_tier_status_tier(ts), "silver") == 0);
    loy_tier_status_free(ts);
    /* The mother's card spends what the son earned; never more than the household has. */
    b = new_basket(mom);
    line(b, "CAKE", "bakery", 1000, 500000);
    CHECK_STATUS(loy_basket_redeem_points(b, 151, &err), LOY_OK);
    CHECK_STATUS(loy_commit(db, b, "hh-sale-2", &r, &err), LOY_ERR_INSUFFICIENT_POINTS);
    CHECK_STATUS(loy_basket_redeem_points(b, 120, &err), LOY_OK);
    CHECK_STATUS(loy_commit(db, b, "hh-sale-3", &r, &err), LOY_OK);
    loy_receipt_free(r);
    loy_basket_free(b);
    CHECK(balance_of(db, son) == 30 + 50); /* 50 earned by the cake */
    loy_history* h = NULL;
    CHECK_STATUS(loy_history_get(db, son, 20, 0, &h, &err), LOY_OK);
    CHECK(h != NULL && loy_history_count(h) >= 5); /* the household's entries and his own */
    loy_history_free(h);
    /* The head leaves last; members of a household are not merged. */
    CHECK_STATUS(loy_household_leave(db, mom, "hh-4", &err), LOY_ERR_INVALID_STATE);
    loy_member* merged = NULL;
    CHECK_STATUS(loy_member_merge(db, aunt, son, &merged, &err), LOY_ERR_INVALID_STATE);
    /* The son leaves: the points stay with the household; his card starts again at zero. */
    CHECK_STATUS(loy_household_leave(db, son, "hh-5", &err), LOY_OK);
    CHECK(balance_of(db, son) == 0 && balance_of(db, mom) == 80);
    /* His earlier sale returned: its points come off the household that got them. */
    CHECK_STATUS(loy_void_sale(db, sale, "hh-void", &r, &err), LOY_OK);
    loy_receipt_free(r);
    CHECK(balance_of(db, mom) == 70 && balance_of(db, son) == 0);
    CHECK_STATUS(loy_household_leave(db, son, "hh-6", &err), LOY_ERR_NOT_FOUND);
    loy_report_options o;
    loy_report_options_init(&o);
    loy_table* t = NULL;
    CHECK_STATUS(loy_report(db, "transfers", &o, &t, &err), LOY_OK);
    /* No gifts; the son's 40 points pooled when he joined; the mother alone in it now. */
    CHECK(t != NULL && loy_table_row_count(t) == 2 &&
          strcmp(loy_table_text(t, 1, 0), "household") == 0 && loy_table_int(t, 0, 1) == 0 &&
          loy_table_int(t, 1, 1) == 1 && loy_table_int(t, 1, 2) == 40 &&
          loy_table_int(t, 1, 3) == 1 && loy_table_int(t, 1, 4) == 1 &&
          loy_table_int(t, 1, 5) == 1 && loy_table_int(t, 1, 6) == 1);
    loy_table_free(t);
    CHECK_STATUS(loy_household_leave(db, mom, "hh-7", &err), LOY_OK); /* the household ends */
    CHECK_STATUS(loy_household_join(db, house, aunt, "hh-8", &err), LOY_ERR_INVALID_STATE);
    check_verified(db);
    loy_close(db);
}

int main(int argc, char** argv) {
    static const struct test tests[] = {
        {"overlapping coupons in any scan order", test_overlapping_coupons_in_any_order},
        {"a stop rule, branch rules and a first-purchase bonus",
         test_stop_branches_and_first_purchase},
        {"redemption in multiples", test_redemption_in_multiples},
        {"coupon conditions and the cheapest item", test_coupon_conditions_and_the_cheapest_item},
        {"an automatic promotion", test_an_automatic_promotion},
        {"a daily earning cap", test_a_daily_earning_cap},
        {"operator controls", test_operator_controls},
        {"a points transfer", test_points_transfer},
        {"gift cards", test_gift_cards},
        {"points and wallet holds", test_points_holds},
        {"claiming a past receipt", test_claiming_a_past_receipt},
        {"a tier assigned by staff", test_a_tier_assigned_by_staff},
        {"points spent in the sale that earns them", test_points_spent_in_the_sale_that_earns_them},
        {"a wallet top-up in the basket", test_a_wallet_top_up_in_the_basket},
        {"a stamp card", test_a_stamp_card},
        {"a household pools its points", test_a_household_pools_its_points},
    };
    return test_main(argc, argv, tests, sizeof tests / sizeof tests[0]);
}
