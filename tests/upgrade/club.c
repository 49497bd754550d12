/* A club's file written by one release and read by another, through the public C header only.
 *
 *   club write <db> <programme.json>   members, sales (coupon, points tender, wallet), a partial
 *                                      refund, a void, an adjustment, a reward, a wallet credit,
 *                                      an expiry, spread over months
 *   club read <db>                     prints everything a till or a manager sees of them
 *   club verify <db>                   opens (and so migrates) the file and runs loy_verify
 *
 * tests/upgrade/make-fixture.sh runs `write` and `read` with an earlier release and keeps the file
 * (as SQL) and what `read` printed; tests/upgrade/run.sh opens that file with this release and
 * requires `read` to print the same. Receipts are read back by replaying their idempotency keys,
 * which every release supports. */
#include <loyalty/loyalty.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static loy_error err;

static void must(int32_t rc, const char* what) {
    if (rc != LOY_OK) {
        fprintf(stderr, "%s: %s: %s\n", what, loy_status_name(rc), err.message);
        exit(1);
    }
}

static const int64_t kDay = 86400000LL;
static const int64_t kStart = 1763625600000LL; /* 2025-11-20 08:00 UTC */
/* The club's last write (its expiry run), and the moment `read` reads at: what is available and
 * what has expired is read at a fixed time, not on the day the test happens to run (the points
 * of the first sales expire in December 2026). */
static const int64_t kLastWrite = 1763625600000LL + 400 * 86400000LL; /* 2026-12-25 08:00 UTC */

static const char* const kPhones[] = {"09120000001", "09120000002", "09120000003", "09120000004"};
enum { kMembers = 4, kSales = 6 };

/* Sale i's basket: the same for `write` and for the replay in `read`. */
static loy_basket* basket(int i, int64_t member) {
    loy_basket* b = NULL;
    must(loy_basket_new(&b, &err), "basket");
    must(loy_basket_set_member(b, member, &err), "member");
    char receipt[32];
    snprintf(receipt, sizeof receipt, "R-%d", i);
    must(loy_basket_set_context(b, receipt, "golestan", "t1", "sara", &err), "context");
    must(loy_basket_add_line(b, "LATTE", "coffee", 2000, 120000 + 10000 * i, 0, NULL, &err),
         "line");
    must(loy_basket_add_line(b, "CAKE-SAFFRON", "bakery", 1000, 900000, 0, NULL, &err), "line");
    if (i == 3) must(loy_basket_add_coupon(b, "YALDA1405", &err), "coupon");
    if (i == 4) must(loy_basket_redeem_points(b, 60, &err), "redeem");
    return b;
}

static int64_t member_id(loy_db* db, int i) {
    loy_member* m = NULL;
    must(loy_member_find_by_phone(db, kPhones[i], &m, &err), "find");
    int64_t id = loy_member_id(m);
    loy_member_free(m);
    return id;
}

/* The operations `write` makes and `read` replays under the same keys (a replay returns the
 * stored outcome). Each returns its receipt, for the caller to free. */
static loy_receipt* sale(loy_db* db, int i) {
    loy_basket* b = basket(i, member_id(db, i % 2));
    char key[32];
    snprintf(key, sizeof key, "sale-%d", i);
    loy_receipt* r = NULL;
    must(loy_commit(db, b, key, &r, &err), "commit");
    loy_basket_free(b);
    return r;
}

static loy_receipt* refund_sale_2(loy_db* db) {
    int64_t id = 0;
    must(loy_sale_find_by_key(db, "sale-2", &id, &err), "find sale");
    loy_refund* rf = NULL;
    must(loy_refund_new(&rf, &err), "refund");
    must(loy_refund_add_line(rf, 1, 1000, &err), "refund line");
    loy_receipt* r = NULL;
    must(loy_refund_sale(db, id, rf, "refund-2", &r, &err), "refund");
    loy_refund_free(rf);
    return r;
}

static loy_receipt* void_sale_5(loy_db* db) {
    int64_t id = 0;
    must(loy_sale_find_by_key(db, "sale-5", &id, &err), "find sale");
    loy_receipt* r = NULL;
    must(loy_void_sale(db, id, "void-5", &r, &err), "void");
    return r;
}

static void write_club(loy_db* db, const char* programme) {
    int64_t version = 0;
    must(loy_program_load_file(db, programme, &version, &err), "programme");
    for (int i = 0; i < kMembers; ++i) {
        loy_member_fields f;
        loy_member_fields_init(&f);
        f.phone = kPhones[i];
        f.name = i % 2 ? "Reza" : "Maryam";
        f.consent_sms = 1;
        char key[32];
        snprintf(key, sizeof key, "enrol-%d", i);
        loy_member* m = NULL;
        must(loy_set_clock(db, kStart + i * 3600000LL, &err), "clock");
        must(loy_member_enrol(db, &f, key, &m, &err), "enrol");
        loy_member_free(m);
    }
    for (int i = 0; i < kSales; ++i) {
        must(loy_set_clock(db, kStart + (int64_t)(i + 1) * 20 * kDay, &err), "clock");
        loy_receipt_free(sale(db, i));
    }
    loy_receipt_free(refund_sale_2(db));
    loy_receipt_free(void_sale_5(db));
    int64_t balance = 0;
    must(loy_points_adjust(db, member_id(db, 2), 300, "welcome gift", "manager", "adjust-2",
                           &balance, &err),
         "adjust");
    must(loy_wallet_credit(db, member_id(db, 3), 250000, "complaint", "manager", "wallet-3",
                           &balance, &err),
         "wallet");
    loy_redemption* red = NULL;
    must(loy_reward_redeem(db, member_id(db, 2), "trees", 1, "reward-2", &red, &err), "reward");
    loy_redemption_free(red);
    char code[32];
    must(loy_coupon_issue(db, "comeback", member_id(db, 1), "coupon-1", code, sizeof code, NULL,
                          &err),
         "coupon");
    must(loy_set_clock(db, kLastWrite, &err), "clock");
    int64_t lots = 0, points = 0;
    must(loy_points_expire(db, 0, &lots, &points, &err), "expire");
}

static void print_receipt(const char* key, const loy_receipt* r) {
    printf(
        "receipt %s %s kind=%d total=%lld earned=%lld redeemed=%lld due=%lld coupon=%lld "
        "balance_after=%lld\n",
        key, loy_receipt_uid(r), loy_receipt_kind(r), (long long)loy_receipt_total(r),
        (long long)loy_receipt_points_earned(r), (long long)loy_receipt_points_redeemed(r),
        (long long)loy_receipt_amount_due(r), (long long)loy_receipt_coupon_discount(r),
        (long long)loy_receipt_balance_after(r));
}

static void verify(loy_db* db) {
    int64_t problems = -1;
    char text[4096];
    must(loy_verify(db, &problems, text, sizeof text, NULL, &err), "verify");
    printf("verify problems=%lld %s\n", (long long)problems, text);
}

static void read_club(loy_db* db) {
    must(loy_set_clock(db, kLastWrite, &err), "clock");
    for (int i = 0; i < kMembers; ++i) {
        loy_member* m = NULL;
        must(loy_member_find_by_phone(db, kPhones[i], &m, &err), "find");
        printf(
            "member %s balance=%lld available=%lld pending=%lld lifetime=%lld tier=%s "
            "wallet=%lld\n",
            loy_member_uid(m), (long long)loy_member_balance(m), (long long)loy_member_available(m),
            (long long)loy_member_pending(m), (long long)loy_member_lifetime_earned(m),
            loy_member_tier(m), (long long)loy_member_wallet_balance(m));
        loy_history* h = NULL;
        must(loy_history_get(db, loy_member_id(m), 100, 0, &h, &err), "history");
        for (size_t k = 0; k < loy_history_count(h); ++k)
            printf("  entry %s kind=%d points=%lld expires=%lld corrects=%s reason=%s\n",
                   loy_history_uid(h, k), loy_history_kind(h, k),
                   (long long)loy_history_points(h, k), (long long)loy_history_expires_at(h, k),
                   loy_history_corrects(h, k), loy_history_reason(h, k));
        loy_history_free(h);
        loy_member_free(m);
    }
    for (int i = 0; i < kSales; ++i) {
        char key[32];
        snprintf(key, sizeof key, "sale-%d", i);
        loy_receipt* r = sale(db, i);
        print_receipt(key, r);
        loy_receipt_free(r);
    }
    loy_receipt* r = refund_sale_2(db);
    print_receipt("refund-2", r);
    loy_receipt_free(r);
    r = void_sale_5(db);
    print_receipt("void-5", r);
    loy_receipt_free(r);
    loy_redemption* red = NULL;
    must(loy_reward_redeem(db, member_id(db, 2), "trees", 1, "reward-2", &red, &err), "reward");
    printf("reward %s points=%lld replayed=%d\n", loy_redemption_reward(red),
           (long long)loy_redemption_points(red), loy_redemption_replayed(red));
    loy_redemption_free(red);
    char code[32];
    must(loy_coupon_issue(db, "comeback", member_id(db, 1), "coupon-1", code, sizeof code, NULL,
                          &err),
         "coupon replay");
    loy_coupon* c = NULL;
    must(loy_coupon_get(db, code, &c, &err), "coupon");
    printf("coupon %s campaign=%s uses=%lld revoked=%d\n", loy_coupon_code(c),
           loy_coupon_campaign(c), (long long)loy_coupon_uses(c), loy_coupon_revoked(c));
    loy_coupon_free(c);
    verify(db);
}

int main(int argc, char** argv) {
    if (argc < 3 || (strcmp(argv[1], "write") == 0 && argc < 4)) {
        fprintf(stderr, "usage: club write <db> <programme.json> | club read|verify <db>\n");
        return 2;
    }
    loy_open_options o;
    loy_open_options_init(&o);
    o.path = argv[2];
    o.origin = "golestan-t1";
    o.default_currency = "IRT";
    loy_db* db = NULL;
    must(loy_open(&o, &db, &err), "open");
    if (strcmp(argv[1], "write") == 0)
        write_club(db, argv[3]);
    else if (strcmp(argv[1], "verify") == 0)
        verify(db);
    else
        read_club(db);
    loy_close(db);
    return 0;
}
