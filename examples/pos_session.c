/*
 * A POS checkout session against libloyalty's C ABI, on an embedded SQLite file.
 *
 *   pos_session [database-path] [programme.json]
 *
 * It enrols two customers, finds them by phone in the forms cashiers type, sells, retries a
 * commit the way a till does after a network hiccup, pays with points, refunds part of a sale,
 * moves the clock a year on and runs the expiry sweep, then verifies the ledger.
 */
#include <loyalty/loyalty.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static loy_error err;

static void check(int32_t status, const char* what) {
    if (status != LOY_OK) {
        fprintf(stderr, "%s failed: %s (%s)\n", what, loy_status_name(status), err.message);
        exit(1);
    }
}

static void show_member(const loy_member* m) {
    printf("  member #%lld %s  phone %s  card %s  name \"%s\"\n", (long long)loy_member_id(m),
           loy_member_uid(m), loy_member_phone(m), loy_member_card(m), loy_member_name(m));
    printf(
        "    balance %lld  available %lld  pending %lld  earned in total %lld  referral code %s\n",
        (long long)loy_member_balance(m), (long long)loy_member_available(m),
        (long long)loy_member_pending(m), (long long)loy_member_lifetime_earned(m),
        loy_member_referral_code(m));
}

static void show_member_by_id(loy_db* db, int64_t id) {
    loy_member* m = NULL;
    check(loy_member_get(db, id, &m, &err), "member_get");
    show_member(m);
    loy_member_free(m);
}

static void money(loy_db* db, int64_t amount, char* buf, size_t cap) {
    check(loy_money_format(db, amount, "IRT", 1, buf, cap, NULL, &err), "money_format");
}

/* Prints a result table, right-aligning numbers; at most max_rows rows. */
static void print_table(const loy_table* t, size_t max_rows) {
    size_t cols = loy_table_column_count(t), rows = loy_table_row_count(t);
    printf("   ");
    for (size_t c = 0; c < cols; ++c)
        printf(" %14s", loy_table_column_name(t, c));
    printf("\n");
    for (size_t r = 0; r < rows && r < max_rows; ++r) {
        printf("   ");
        for (size_t c = 0; c < cols; ++c)
            printf(" %14s", loy_table_text(t, r, c));
        printf("\n");
    }
    if (rows > max_rows) printf("    ... %zu more rows\n", rows - max_rows);
}

static void show_report(loy_db* db, const char* name, int32_t group, size_t max_rows) {
    loy_report_options o;
    loy_report_options_init(&o);
    o.group_by = group;
    o.calendar = LOY_CALENDAR_JALALI;
    loy_table* t = NULL;
    check(loy_report(db, name, &o, &t, &err), name);
    printf("  report \"%s\"%s:\n", name, group == LOY_GROUP_MONTH ? " by Jalali month" : "");
    print_table(t, max_rows);
    loy_table_free(t);
}

static void show_receipt(loy_db* db, const loy_receipt* r) {
    char total[64], due[64], value[64];
    money(db, loy_receipt_total(r), total, sizeof total);
    money(db, loy_receipt_amount_due(r), due, sizeof due);
    money(db, loy_receipt_redeem_value(r), value, sizeof value);
    printf("  receipt %s (sale #%lld)%s\n", loy_receipt_uid(r), (long long)loy_receipt_sale_id(r),
           loy_receipt_replayed(r) ? "  [REPLAYED: the first result, nothing written twice]" : "");
    if (loy_receipt_kind(r) == LOY_RECEIPT_SALE) {
        printf("    total %s toman, points tender %lld (= %s toman), to pay %s toman\n", total,
               (long long)loy_receipt_points_redeemed(r), value, due);
        printf("    earned %lld points under programme v%lld\n",
               (long long)loy_receipt_points_earned(r), (long long)loy_receipt_program_version(r));
        for (size_t i = 0; i < loy_receipt_rule_count(r); ++i)
            printf("      %+6lld  %s\n", (long long)loy_receipt_rule_points(r, i),
                   loy_receipt_rule_explanation(r, i));
    } else {
        char amount[64];
        money(db, loy_receipt_refund_amount(r), amount, sizeof amount);
        printf(
            "    refunded %s toman: %lld earned points taken back, %lld tender points returned\n",
            amount, (long long)loy_receipt_points_earned(r),
            (long long)loy_receipt_points_redeemed(r));
    }
    printf("    balance now %lld (available %lld)\n", (long long)loy_receipt_balance_after(r),
           (long long)loy_receipt_available_after(r));
}

int main(int argc, char** argv) {
    const char* path = argc > 1 ? argv[1] : "demo.db";
    const char* programme = argc > 2 ? argv[2] : "programme.json";
    char buf[4096];
    loy_error_init(&err);

    /* A fresh file each run, so the session reads the same every time. */
    remove(path);
    {
        char side[1024];
        snprintf(side, sizeof side, "%s-wal", path);
        remove(side);
        snprintf(side, sizeof side, "%s-shm", path);
        remove(side);
    }

    printf("libloyalty %s — POS session on %s\n\n", loy_version_string(), path);
    loy_open_options opts;
    loy_open_options_init(&opts);
    opts.path = path;
    opts.origin = "golestan-t1";
    loy_db* db = NULL;
    check(loy_open(&opts, &db, &err), "open");
    /* Saturday 21 November 2026, 10:00 Tehran time: a fixed clock keeps the output stable. */
    int64_t day = 86400000LL;
    int64_t now = 1795242600000LL;
    check(loy_set_clock(db, now, &err), "set_clock");

    int64_t version = 0;
    check(loy_program_load_file(db, programme, &version, &err), "program_load_file");
    printf("1. Programme loaded as version %lld from %s\n\n", (long long)version, programme);

    printf("2. Enrol two customers\n");
    loy_member_fields f;
    loy_member_fields_init(&f);
    f.phone = "0912 123 4567";
    f.name = "Sara Ahmadi";
    f.birth_month = 11;
    f.birth_day = 2;
    f.tags = "coffee,vegan";
    f.consent_sms = 1;
    f.branch = "golestan";
    loy_member* sara = NULL;
    check(loy_member_enrol(db, &f, "T1-enrol-0001", &sara, &err), "enrol Sara");
    show_member(sara);
    int64_t sara_id = loy_member_id(sara);

    loy_member_fields_init(&f);
    f.card = "CARD-7731";
    f.name = "Ali Rezaei";
    f.referrer = loy_member_referral_code(sara);
    loy_member* ali = NULL;
    check(loy_member_enrol(db, &f, "T1-enrol-0002", &ali, &err), "enrol Ali");
    show_member(ali);
    printf("    referred by member #%lld\n", (long long)loy_member_referrer_id(ali));
    int64_t ali_id = loy_member_id(ali);
    loy_member_free(ali);
    loy_member_free(sara);
    {
        /* The host runs this every few minutes; each occurrence is written once. */
        int64_t queued = 0;
        check(loy_messages_generate(db, 0, &queued, &err), "messages_generate");
        printf("    outbox: %lld welcome message(s) queued (Ali has no SMS consent)\n",
               (long long)queued);
    }

    printf("\n3. The till finds Sara by phone, however the cashier types it\n");
    {
        const char* forms[] = {"09121234567",
                               "+989121234567",
                               "00989121234567",
                               "9121234567",
                               "0912-123-4567",
                               "\xDB\xB0\xDB\xB9\xDB\xB1\xDB\xB2\xDB\xB1\xDB\xB2"
                               "\xDB\xB3\xDB\xB4\xDB\xB5\xDB\xB6\xDB\xB7"};
        for (size_t i = 0; i < sizeof forms / sizeof forms[0]; ++i) {
            loy_member* m = NULL;
            check(loy_member_find_by_phone(db, forms[i], &m, &err), "find_by_phone");
            printf("  %-24s -> member #%lld (%s)\n", forms[i], (long long)loy_member_id(m),
                   loy_member_name(m));
            loy_member_free(m);
        }
        loy_member* m = NULL;
        int32_t st = loy_member_find_by_phone(db, "0912 123", &m, &err);
        printf("  %-24s -> %s: %s\n", "0912 123", loy_status_name(st), err.message);
    }

    printf("\n4. Sale 1: Sara buys coffee, a saffron cake and 1.250 kg of rice\n");
    loy_basket* b = NULL;
    check(loy_basket_new(&b, &err), "basket_new");
    check(loy_basket_set_member(b, sara_id, &err), "set_member");
    check(loy_basket_set_context(b, "R-000101", "golestan", "T1", "cashier-7", &err), "context");
    check(loy_basket_set_currency(b, "IRT", &err), "currency");
    check(loy_basket_add_line(b, "LATTE", "coffee", 2000, 95000, 0, NULL, &err), "line");
    check(loy_basket_add_line(b, "CAKE-SAFFRON", "bakery", 1000, 120000, 10000, NULL, &err),
          "line");
    check(loy_basket_add_line(b, "RICE-HASHEMI", "grocery", 1250, 480000, 0, NULL, &err), "line");
    loy_quote* q = NULL;
    check(loy_quote_basket(db, b, &q, &err), "quote");
    printf("  quote: total %lld toman earns %lld points\n", (long long)loy_quote_total(q),
           (long long)loy_quote_points_earned(q));
    for (size_t i = 0; i < loy_quote_rule_count(q); ++i)
        printf("    %-14s %+6lld  %s\n", loy_quote_rule_id(q, i),
               (long long)loy_quote_rule_points(q, i), loy_quote_rule_explanation(q, i));
    for (int32_t line = 1; line <= 3; ++line)
        printf("    line %d earns %lld\n", line, (long long)loy_quote_line_points(q, line));
    loy_quote_free(q);
    loy_receipt* r = NULL;
    check(loy_commit(db, b, "T1-R000101", &r, &err), "commit");
    show_receipt(db, r);
    int64_t sale1 = loy_receipt_sale_id(r);
    loy_receipt_free(r);

    printf("\n5. The network hiccups and the till sends the same sale again\n");
    check(loy_commit(db, b, "T1-R000101", &r, &err), "commit retry");
    show_receipt(db, r);
    loy_receipt_free(r);
    check(loy_basket_add_line(b, "WATER", "drinks", 1000, 20000, 0, NULL, &err), "line");
    {
        int32_t st = loy_commit(db, b, "T1-R000101", &r, &err);
        printf("  same key, different basket -> %s: %s\n", loy_status_name(st), err.message);
    }
    loy_basket_free(b);

    printf("\n6. Sara writes a review in the app (5 points, once a day)\n");
    {
        int64_t pts = 0;
        check(loy_event_record(db, sara_id, "review", "app-review-1", &pts, &err), "event");
        printf("  review: +%lld points\n", (long long)pts);
        int32_t st = loy_event_record(db, sara_id, "review", "app-review-2", &pts, &err);
        printf("  second review today -> %s: %s\n", loy_status_name(st), err.message);
        int64_t bal = 0;
        check(loy_points_adjust(db, sara_id, 30, "goodwill: cold coffee complaint", "manager-2",
                                "adj-0001", &bal, &err),
              "adjust");
        printf("  goodwill adjustment +30 by manager-2 -> balance %lld\n", (long long)bal);
    }

    printf("\n7. Sale 2, a week later: Sara pays part with points\n");
    now += 7 * day;
    check(loy_set_clock(db, now, &err), "set_clock");
    check(loy_basket_new(&b, &err), "basket_new");
    check(loy_basket_set_member(b, sara_id, &err), "set_member");
    check(loy_basket_set_context(b, "R-000188", "golestan", "T1", "cashier-7", &err), "context");
    check(loy_basket_set_currency(b, "IRT", &err), "currency");
    check(loy_basket_add_line(b, "CAPPUCCINO", "coffee", 1000, 85000, 0, NULL, &err), "line");
    check(loy_basket_add_line(b, "SANDWICH", "food", 1000, 210000, 0, NULL, &err), "line");
    check(loy_quote_basket(db, b, &q, &err), "quote");
    printf("  quote: available %lld points; may redeem up to %lld points (= %lld toman)\n",
           (long long)loy_quote_available(q), (long long)loy_quote_redeemable_points(q),
           (long long)loy_quote_redeemable_value(q));
    int64_t redeem = loy_quote_redeemable_points(q);
    loy_quote_free(q);
    check(loy_basket_redeem_points(b, redeem, &err), "redeem");
    check(loy_commit(db, b, "T1-R000188", &r, &err), "commit");
    show_receipt(db, r);
    loy_receipt_free(r);
    loy_basket_free(b);

    printf("\n8. Sara brings back one of the two lattes from sale 1\n");
    {
        loy_refund* rf = NULL;
        check(loy_refund_new(&rf, &err), "refund_new");
        check(loy_refund_add_line(rf, 1, 1000, &err), "refund_add_line");
        check(loy_refund_sale(db, sale1, rf, "T1-RF-0001", &r, &err), "refund");
        show_receipt(db, r);
        loy_receipt_free(r);
        check(loy_refund_sale(db, sale1, rf, "T1-RF-0001", &r, &err), "refund retry");
        printf("  retried refund: %s, balance still %lld\n",
               loy_receipt_replayed(r) ? "replayed" : "APPLIED TWICE",
               (long long)loy_receipt_balance_after(r));
        loy_receipt_free(r);
        loy_refund_free(rf);
    }

    printf(
        "\n9. An anonymous customer buys tea (recorded for the members-vs-non-members report)\n");
    check(loy_basket_new(&b, &err), "basket_new");
    check(loy_basket_set_context(b, "R-000190", "golestan", "T1", "cashier-7", &err), "context");
    check(loy_basket_set_currency(b, "IRT", &err), "currency");
    check(loy_basket_add_line(b, "TEA", "drinks", 1000, 45000, 0, NULL, &err), "line");
    check(loy_commit(db, b, "T1-R000190", &r, &err), "commit");
    printf("  sale #%lld, member %lld, points %lld\n", (long long)loy_receipt_sale_id(r),
           (long long)loy_receipt_member_id(r), (long long)loy_receipt_points_earned(r));
    loy_receipt_free(r);
    loy_basket_free(b);

    printf("\n9b. Sara buys an espresso machine: the sale makes her Silver at the till\n");
    check(loy_basket_new(&b, &err), "basket_new");
    check(loy_basket_set_member(b, sara_id, &err), "set_member");
    check(loy_basket_set_context(b, "R-000191", "golestan", "T1", "cashier-7", &err), "context");
    check(loy_basket_set_currency(b, "IRT", &err), "currency");
    check(loy_basket_add_line(b, "ESPRESSO-MACHINE", "equipment", 1000, 4900000, 0, NULL, &err),
          "line");
    check(loy_quote_basket(db, b, &q, &err), "quote");
    printf("  quote: tier now %s, after this sale %s (%s)\n", loy_quote_tier(q),
           loy_quote_tier_after(q), loy_quote_progress(q));
    loy_quote_free(q);
    check(loy_commit(db, b, "T1-R000191", &r, &err), "commit");
    printf("  committed: %lld points, tier %s -> %s in the same transaction\n",
           (long long)loy_receipt_points_earned(r), loy_receipt_tier_before(r),
           loy_receipt_tier_after(r));
    if (loy_receipt_issued_count(r) > 0) {
        char typo[32];
        snprintf(typo, sizeof typo, "%s", loy_receipt_issued_code(r, 0));
        typo[2] = typo[2] == 'K' ? 'X' : 'K';
        printf("  the receipt prints a coupon for the next visit: %s\n",
               loy_receipt_issued_code(r, 0));
        printf("  typed back as %s, the till catches the typo offline: %s\n", typo,
               loy_status_name(loy_coupon_code_check(typo)));
    }
    loy_receipt_free(r);
    loy_basket_free(b);
    {
        loy_tier_status* ts = NULL;
        check(loy_tier_status_get(db, sara_id, &ts, &err), "tier_status");
        printf("  %s since now; score %lld; %s; earn x%s\n", loy_tier_status_tier_name(ts),
               (long long)loy_tier_status_score(ts), loy_tier_status_progress(ts),
               loy_tier_status_multiplier(ts));
        for (size_t i = 0; i < loy_tier_status_benefit_count(ts); ++i)
            printf("    benefit: %s\n", loy_tier_status_benefit(ts, i));
        loy_tier_status_free(ts);
    }

    printf("\n9c. Ali joins Golestan Plus (a paid monthly plan) at the till\n");
    check(loy_basket_new(&b, &err), "basket_new");
    check(loy_basket_set_member(b, ali_id, &err), "set_member");
    check(loy_basket_set_currency(b, "IRT", &err), "currency");
    check(loy_basket_add_plan(b, "plus", 1, NULL, &err), "add_plan");
    check(loy_commit(db, b, "T1-R000192", &r, &err), "commit");
    printf("  paid %lld toman; tier %s -> %s (the plan's floor); +%lld welcome points\n",
           (long long)loy_receipt_total(r), loy_receipt_tier_before(r), loy_receipt_tier_after(r),
           (long long)loy_receipt_points_earned(r));
    printf("  his first purchase earns Sara, who referred him, her referral bonus\n");
    loy_receipt_free(r);
    loy_basket_free(b);
    check(loy_basket_new(&b, &err), "basket_new");
    check(loy_basket_set_member(b, ali_id, &err), "set_member");
    check(loy_basket_set_currency(b, "IRT", &err), "currency");
    check(loy_basket_add_line(b, "BEANS-1KG", "coffee-beans", 1000, 1200000, 0, NULL, &err),
          "line");
    check(loy_quote_basket(db, b, &q, &err), "quote");
    printf("  his next basket: %lld toman off, free delivery %s, to pay %lld\n",
           (long long)loy_quote_benefit_discount(q), loy_quote_free_delivery(q) ? "yes" : "no",
           (long long)loy_quote_amount_due(q));
    loy_quote_free(q);
    loy_basket_free(b);

    printf("\n9d. Sara shows the Yalda coupon; the wallet gets 2%% cashback\n");
    {
        check(loy_basket_new(&b, &err), "basket_new");
        check(loy_basket_set_member(b, sara_id, &err), "set_member");
        check(loy_basket_set_currency(b, "IRT", &err), "currency");
        check(loy_basket_add_line(b, "CAKE-SAFFRON", "bakery", 3000, 120000, 0, NULL, &err),
              "line");
        check(loy_basket_add_line(b, "WATER", "drinks", 2000, 20000, 0, NULL, &err), "line");
        check(loy_basket_add_coupon(b, "yalda1405", &err), "add_coupon");
        check(loy_quote_basket(db, b, &q, &err), "quote");
        for (size_t i = 0; i < loy_quote_coupon_count(q); ++i)
            printf("  coupon %s: %s (%s)\n", loy_quote_coupon_code(q, i),
                   loy_status_name(loy_quote_coupon_status(q, i)), loy_quote_coupon_message(q, i));
        printf("  total %lld after %lld off; cashback %lld toman to the wallet\n",
               (long long)loy_quote_total(q), (long long)loy_quote_coupon_discount(q),
               (long long)loy_quote_cashback(q));
        loy_quote_free(q);
        check(loy_commit(db, b, "T1-R000193", &r, &err), "commit");
        loy_receipt_free(r);
        int32_t st = loy_commit(db, b, "T1-R000194", &r, &err);
        printf("  the same coupon on the next receipt -> %s: %s\n", loy_status_name(st),
               err.message);
        loy_basket_free(b);
        int64_t wb = 0, wa = 0, wp = 0;
        check(loy_wallet_get(db, sara_id, &wb, &wa, &wp, &err), "wallet_get");
        printf("  Sara's wallet: %lld toman (available %lld)\n", (long long)wb, (long long)wa);
        loy_redemption* rd = NULL;
        check(loy_reward_redeem(db, sara_id, "trees", 2, "app-reward-1", &rd, &err), "reward");
        printf("  Sara gives %lld points to \"%s\"\n", (long long)loy_redemption_points(rd),
               loy_redemption_cause(rd));
        loy_redemption_free(rd);
    }

    printf("\n10. Where Sara stands, and what expires soon\n");
    show_member_by_id(db, sara_id);
    {
        int64_t pts = 0, next = 0;
        check(loy_points_expiring(db, sara_id, now + 400 * day, &pts, &next, &err), "expiring");
        /* Civil date (UTC) of the first expiry, from days since the epoch. */
        long long z = next / day + 719468, era = z / 146097, doe = z - era * 146097;
        long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
        long long dd = doy - (153 * mp + 2) / 5 + 1, mm = mp < 10 ? mp + 3 : mp - 9;
        long long yy = yoe + era * 400 + (mm <= 2);
        printf(
            "    %lld points expire within 400 days; the first lot expires %04lld-%02lld-%02lld\n",
            (long long)pts, yy, mm, dd);
        loy_history* h = NULL;
        check(loy_history_get(db, sara_id, 20, 0, &h, &err), "history");
        printf("    ledger (newest first):\n");
        for (size_t i = 0; i < loy_history_count(h); ++i)
            printf("      %-22s kind %2d %+6lld  %s\n", loy_history_uid(h, i),
                   loy_history_kind(h, i), (long long)loy_history_points(h, i),
                   loy_history_reason(h, i));
        loy_history_free(h);
    }

    printf("\n11. Messages: the library writes an outbox, the host's SMS gateway sends\n");
    {
        int64_t queued = 0;
        check(loy_messages_generate(db, 0, &queued, &err), "messages_generate");
        printf("  %lld more messages due (receipts, tier change, coupon, reminders)\n",
               (long long)queued);
        int64_t q = 0, held = 0, suppressed = 0;
        check(loy_campaign_send(db, "yalda-coffee", 0, &q, &held, &suppressed, &err),
              "campaign_send");
        printf(
            "  campaign yalda-coffee: %lld queued, %lld held out to measure lift, %lld "
            "suppressed\n",
            (long long)q, (long long)held, (long long)suppressed);
        loy_table* box = NULL;
        check(loy_outbox_fetch(db, now + day, 50, 60000, &box, &err), "outbox_fetch");
        for (size_t i = 0; i < loy_table_row_count(box); ++i) {
            printf("    -> %s [%s] %s\n", loy_table_text(box, i, 5), loy_table_text(box, i, 2),
                   loy_table_text(box, i, 7));
            check(loy_outbox_ack(db, loy_table_int(box, i, 0), LOY_DELIVERY_SENT, NULL, 0, &err),
                  "outbox_ack");
        }
        loy_table_free(box);
        check(loy_messages_generate(db, 0, &queued, &err), "messages_generate");
        printf("  generating again: %lld new (each occurrence is produced once)\n",
               (long long)queued);
    }

    printf("\n12. A year and a month later the nightly sweep expires unused points\n");
    now += 400 * day;
    check(loy_set_clock(db, now, &err), "set_clock");
    {
        int64_t lots = 0, pts = 0;
        check(loy_points_expire(db, 0, &lots, &pts, &err), "expire");
        printf("  expired %lld points in %lld lots\n", (long long)pts, (long long)lots);
        check(loy_points_expire(db, 0, &lots, &pts, &err), "expire again");
        printf("  running the sweep again expires %lld points (idempotent)\n", (long long)pts);
    }
    show_member_by_id(db, sara_id);
    show_member_by_id(db, ali_id);
    {
        int64_t reviewed = 0, up = 0, down = 0, risk = 0;
        check(loy_tiers_review(db, 0, &reviewed, &up, &down, &risk, &err), "review");
        printf(
            "  tier review: %lld members, %lld newly at risk, %lld moved down (30 days' grace)\n",
            (long long)reviewed, (long long)risk, (long long)down);
        check(loy_tiers_review(db, now + 30 * day, &reviewed, &up, &down, &risk, &err), "review");
        printf("  a month later: %lld moved down one step\n", (long long)down);
        loy_tier_status* ts = NULL;
        check(loy_tier_status_get(db, sara_id, &ts, &err), "tier_status");
        printf("  Sara: %s (%s)\n", loy_tier_status_tier_name(ts),
               loy_tier_status_event_reason(ts, 0));
        loy_tier_status_free(ts);
    }

    printf("\n13. The manager's view: reports, segments, dashboard\n");
    show_report(db, "overview", LOY_GROUP_NONE, 20);
    show_report(db, "sales", LOY_GROUP_MONTH, 6);
    show_report(db, "points", LOY_GROUP_MONTH, 6);
    show_report(db, "segments", LOY_GROUP_NONE, 12);
    show_report(db, "messages", LOY_GROUP_NONE, 12);
    {
        loy_report_options o;
        loy_report_options_init(&o);
        o.calendar = LOY_CALENDAR_JALALI;
        size_t needed = 0;
        check(loy_dashboard_html(db, &o, NULL, 0, &needed, &err), "dashboard");
        char* html = malloc(needed + 1);
        if (!html) return 1;
        check(loy_dashboard_html(db, &o, html, needed + 1, &needed, &err), "dashboard");
        char out[1100];
        snprintf(out, sizeof out, "%s-dashboard.html", path);
        FILE* fp = fopen(out, "wb");
        if (fp) {
            fwrite(html, 1, needed, fp);
            fclose(fp);
            printf("  dashboard (Persian, right-to-left): %s\n", out);
        }
        free(html);
    }

    printf("\n14. Verify: every balance equals the sum of its ledger entries\n");
    {
        int64_t problems = 0;
        check(loy_verify(db, &problems, buf, sizeof buf, NULL, &err), "verify");
        printf("  %lld problems%s%s\n", (long long)problems, problems ? ":\n" : "",
               problems ? buf : "");
        loy_close(db);
        return problems == 0 ? 0 : 1;
    }
}
