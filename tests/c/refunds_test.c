/*
 * Refunds of a sale paid partly with points (and the wallet), piece by piece: each receipt
 * states in whole minor units the points given back, exactly what those points are worth, and the
 * money the cashier hands back; the pieces add up to the whole sale, whatever the order.
 *
 *   refunds_test <scratch-directory> [test-name]
 */
#include <loyalty/loyalty.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* 1 point is worth 100 toman; points may pay half a basket; no points are earned (so that the
 * balance shows the tender alone). */
static const char* PROGRAMME =
    "{\"name\":\"Refunds\",\"currency\":\"IRT\",\"utc_offset_minutes\":210,"
    "\"redeem\":{\"point_value\":\"100\",\"min_points\":1,\"max_share\":\"0.5\"}}";

static int64_t member_with(loy_db* db, int64_t points, int64_t wallet) {
    int64_t id = enrol_phone(db, "09121234567", NULL, 0);
    CHECK_STATUS(loy_points_adjust(db, id, points, "opening balance", "mgr", "adj-1", NULL, &err),
                 LOY_OK);
    if (wallet > 0)
        CHECK_STATUS(loy_wallet_credit(db, id, wallet, "top-up", "mgr", "wal-1", NULL, &err),
                     LOY_OK);
    return id;
}

/* Three lines of 100,000; 100 points (10,000) and `wallet` from the wallet pay part of it. */
static int64_t sell(loy_db* db, int64_t member, int64_t wallet) {
    loy_basket* b = NULL;
    CHECK_STATUS(loy_basket_new(&b, &err), LOY_OK);
    CHECK_STATUS(loy_basket_set_member(b, member, &err), LOY_OK);
    for (int i = 0; i < 3; ++i)
        CHECK_STATUS(loy_basket_add_line(b, "ITEM", "goods", 1000, 100000, 0, NULL, &err), LOY_OK);
    CHECK_STATUS(loy_basket_redeem_points(b, 100, &err), LOY_OK);
    if (wallet > 0) CHECK_STATUS(loy_basket_pay_wallet(b, wallet, &err), LOY_OK);
    loy_receipt* r = NULL;
    CHECK_STATUS(loy_commit(db, b, "sale-1", &r, &err), LOY_OK);
    CHECK(r != NULL && loy_receipt_points_redeemed(r) == 100 &&
          loy_receipt_redeem_value(r) == 10000);
    int64_t sale = r ? loy_receipt_sale_id(r) : 0;
    loy_receipt_free(r);
    loy_basket_free(b);
    return sale;
}

struct totals {
    int64_t amount, points, value, wallet, money;
};

static void refund(loy_db* db, int64_t sale, int line, const char* key, struct totals* t,
                   int64_t want_points, int64_t want_value, int64_t want_money) {
    loy_refund* rf = NULL;
    CHECK_STATUS(loy_refund_new(&rf, &err), LOY_OK);
    if (line > 0) CHECK_STATUS(loy_refund_add_line(rf, line, 1000, &err), LOY_OK);
    loy_receipt* r = NULL;
    CHECK_STATUS(loy_refund_sale(db, sale, line > 0 ? rf : NULL, key, &r, &err), LOY_OK);
    loy_refund_free(rf);
    if (!r) return;
    const int64_t amount = loy_receipt_refund_amount(r), points = loy_receipt_points_redeemed(r),
                  value = loy_receipt_redeem_value(r), wallet = loy_receipt_wallet_amount(r),
                  money = loy_receipt_money_back(r);
    if (want_points >= 0) CHECK(points == want_points);
    if (want_value >= 0) CHECK(value == want_value);
    if (want_money >= 0) CHECK(money == want_money);
    CHECK(value == points * 100 || want_value < 0); /* exactly what the points are worth */
    CHECK(money == amount - value - wallet);        /* what the cashier hands back */
    CHECK(loy_receipt_money_back(NULL) == 0);
    t->amount += amount;
    t->points += points;
    t->value += value;
    t->wallet += wallet;
    t->money += money;
    loy_receipt_free(r);
}

static void test_three_pieces_add_up(void) {
    loy_db* db = open_fresh("refunds-points.db", PROGRAMME);
    if (!db) return;
    int64_t m = member_with(db, 100, 0);
    int64_t sale = sell(db, m, 0);
    struct totals t = {0, 0, 0, 0, 0};
    /* A third of the goods: 33 points back, worth 3,300; 96,700 in cash. */
    refund(db, sale, 1, "rf-1", &t, 33, 3300, 96700);
    refund(db, sale, 2, "rf-2", &t, 33, 3300, 96700);
    refund(db, sale, 3, "rf-3", &t, 34, 3400, 96600); /* the last settles the rest exactly */
    CHECK(t.amount == 300000 && t.points == 100 && t.value == 10000 && t.money == 290000);
    loy_member* mem = NULL;
    CHECK_STATUS(loy_member_get(db, m, &mem, &err), LOY_OK);
    CHECK(mem != NULL && loy_member_balance(mem) == 100);
    loy_member_free(mem);
    check_verified(db);
    loy_close(db);
}

static void test_with_the_wallet_and_the_rest_at_once(void) {
    loy_db* db = open_fresh("refunds-wallet.db", PROGRAMME);
    if (!db) return;
    int64_t m = member_with(db, 100, 50000);
    int64_t sale = sell(db, m, 25000); /* 10,000 in points, 25,000 from the wallet */
    struct totals t = {0, 0, 0, 0, 0};
    refund(db, sale, 2, "rw-1", &t, 33, 3300, -1);
    refund(db, sale, 0, "rw-2", &t, 67, 6700, -1); /* the rest of the sale */
    CHECK(t.amount == 300000 && t.points == 100 && t.value == 10000);
    CHECK(t.wallet == 25000);
    CHECK(t.money == 300000 - 10000 - 25000);
    loy_close(db);
}

int main(int argc, char** argv) {
    static const struct test tests[] = {
        {"three partial refunds add up to the sale", test_three_pieces_add_up},
        {"with a wallet tender, and the rest at once", test_with_the_wallet_and_the_rest_at_once},
    };
    return test_main(argc, argv, tests, sizeof tests / sizeof tests[0]);
}
