/* Chain-wide ids and the journal through the C ABI: the origin and its generation (a copied file
 * is detected), look-ups by id, member events with idempotency keys, and the hash-chained journal
 * (its order, its links, its facts, and no personal data in it). */
#include <loyalty/loyalty.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static const char* PROGRAMME =
    "{\"name\":\"Journal\",\"currency\":\"IRT\",\"utc_offset_minutes\":210,"
    "\"spend\":[{\"id\":\"base\",\"name\":\"1 point per 1,000\",\"points\":1,\"per\":1000,"
    "\"rounding\":\"floor\"}],"
    "\"redeem\":{\"point_value\":\"100\",\"min_points\":1,\"max_share\":\"0.5\"},"
    "\"rewards\":[{\"id\":\"tree\",\"name\":\"Plant a tree\",\"type\":\"donation\",\"points\":10,"
    "\"cause\":\"forests\"}],"
    "\"campaigns\":[{\"id\":\"back\",\"name\":\"Come back\",\"effect\":\"amount\",\"amount\":1000,"
    "\"valid_days\":30}]}";

static const char* PHONE = "09121234567";
static const char* NAME = "Shirin Farahani";

/* A new file written as till `golestan-t1`, with the programme loaded. */
static loy_db* fresh(const char* name) {
    remove_database(name);
    loy_db* db = open_with(name, "golestan-t1", 0, LOY_OK);
    if (db) CHECK_STATUS(loy_program_load_json(db, PROGRAMME, NULL, &err), LOY_OK);
    return db;
}

static int64_t enrol(loy_db* db, const char* key, char* uid, size_t cap) {
    loy_member_fields f;
    loy_member_fields_init(&f);
    f.phone = PHONE;
    f.name = NAME;
    f.email = "shirin@example.com";
    loy_member* m = NULL;
    CHECK_STATUS(loy_member_enrol(db, &f, key, &m, &err), LOY_OK);
    int64_t id = m ? loy_member_id(m) : 0;
    if (uid) snprintf(uid, cap, "%s", m ? loy_member_uid(m) : "");
    loy_member_free(m);
    return id;
}

/* Sells two lines of 50,000 to `member` under `key`; the receipt's id goes to `uid`. */
static int64_t sell(loy_db* db, int64_t member, const char* key, char* uid, size_t cap) {
    loy_basket* b = NULL;
    CHECK_STATUS(loy_basket_new(&b, &err), LOY_OK);
    CHECK_STATUS(loy_basket_set_member(b, member, &err), LOY_OK);
    CHECK_STATUS(loy_basket_add_line(b, "TEA", "drinks", 2000, 50000, 0, NULL, &err), LOY_OK);
    return commit_basket(db, b, key, uid, cap);
}

static int starts_with(const char* s, const char* prefix) {
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void test_origin_and_lookups(void) {
    loy_db* db = fresh("journal-ids.db");
    if (!db) return;
    char name[128];
    size_t needed = 0;
    int64_t generation = 0;
    int32_t renewed = -1;
    CHECK_STATUS(loy_origin_get(db, name, sizeof name, &needed, &generation, &renewed, &err),
                 LOY_OK);
    CHECK(strcmp(name, "golestan-t1") == 0);
    CHECK(needed == strlen("golestan-t1"));
    CHECK(generation == 1);
    CHECK(renewed == 0);

    char member_uid[64], sale_uid[64];
    int64_t member = enrol(db, "enrol-1", member_uid, sizeof member_uid);
    CHECK(strcmp(member_uid, "golestan-t1:M1") == 0);
    int64_t sale = sell(db, member, "sale-1", sale_uid, sizeof sale_uid);
    CHECK(strcmp(sale_uid, "golestan-t1:S1") == 0);

    loy_member* m = NULL;
    CHECK_STATUS(loy_member_find_by_uid(db, member_uid, &m, &err), LOY_OK);
    CHECK(m && loy_member_id(m) == member);
    loy_member_free(m);
    m = NULL;
    CHECK_STATUS(loy_member_find_by_uid(db, "golestan-t1:M99", &m, &err), LOY_ERR_NOT_FOUND);
    CHECK(m == NULL);
    CHECK_STATUS(loy_member_find_by_uid(db, "elsewhere:M1", &m, &err), LOY_ERR_NOT_FOUND);
    CHECK_STATUS(loy_member_find_by_uid(db, sale_uid, &m, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_member_find_by_uid(db, "golestan-t1:M", &m, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_member_find_by_uid(db, NULL, &m, &err), LOY_ERR_INVALID_ARGUMENT);

    int64_t found = 0;
    CHECK_STATUS(loy_sale_find_by_uid(db, sale_uid, &found, &err), LOY_OK);
    CHECK(found == sale);
    CHECK_STATUS(loy_sale_find_by_uid(db, member_uid, &found, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK(found == 0);

    /* A partial refund, then both receipts again by their ids. */
    loy_refund* rf = NULL;
    CHECK_STATUS(loy_refund_new(&rf, &err), LOY_OK);
    CHECK_STATUS(loy_refund_add_line(rf, 1, 1000, &err), LOY_OK);
    loy_receipt* r = NULL;
    CHECK_STATUS(loy_refund_sale(db, sale, rf, "refund-1", &r, &err), LOY_OK);
    char refund_uid[64];
    snprintf(refund_uid, sizeof refund_uid, "%s", r ? loy_receipt_uid(r) : "");
    CHECK(strcmp(refund_uid, "golestan-t1:R1") == 0);
    loy_receipt_free(r);
    loy_refund_free(rf);
    r = NULL;
    CHECK_STATUS(loy_receipt_get(db, sale_uid, &r, &err), LOY_OK);
    CHECK(r && loy_receipt_kind(r) == LOY_RECEIPT_SALE && loy_receipt_total(r) == 100000);
    CHECK(r && loy_receipt_points_earned(r) == 100);
    loy_receipt_free(r);
    r = NULL;
    CHECK_STATUS(loy_receipt_get(db, refund_uid, &r, &err), LOY_OK);
    CHECK(r && loy_receipt_kind(r) == LOY_RECEIPT_REFUND && loy_receipt_sale_id(r) == sale);
    loy_receipt_free(r);
    r = NULL;
    CHECK_STATUS(loy_receipt_get(db, "golestan-t1:S7", &r, &err), LOY_ERR_NOT_FOUND);
    CHECK(r == NULL);
    /* The refund's record names the operation, not the local sale it refunded. */
    loy_journal* j = NULL;
    CHECK_STATUS(loy_journal_read(db, NULL, 2, 1, &j, &err), LOY_OK);
    CHECK(strcmp(loy_journal_kind(j, 0), "refund") == 0);
    CHECK(strcmp(loy_journal_key(j, 0), "refund-1") == 0);
    CHECK(strstr(loy_journal_body(j, 0), "{\"t\":\"refund\",\"id\":\"golestan-t1:R1\"") != NULL);
    loy_journal_free(j);

    /* A coupon and a reward redemption carry their ids too. */
    char code[32];
    CHECK_STATUS(loy_coupon_issue(db, "back", member, "coupon-1", code, sizeof code, NULL, &err),
                 LOY_OK);
    loy_coupon* c = NULL;
    CHECK_STATUS(loy_coupon_get(db, code, &c, &err), LOY_OK);
    char coupon_uid[64];
    snprintf(coupon_uid, sizeof coupon_uid, "%s", c ? loy_coupon_uid(c) : "");
    CHECK(strcmp(coupon_uid, "golestan-t1:C1") == 0);
    loy_coupon_free(c);
    c = NULL;
    CHECK_STATUS(loy_coupon_find_by_uid(db, coupon_uid, &c, &err), LOY_OK);
    CHECK(c && strcmp(loy_coupon_code(c), code) == 0);
    loy_coupon_free(c);
    CHECK(strcmp(loy_coupon_uid(NULL), "") == 0);
    loy_redemption* red = NULL;
    CHECK_STATUS(loy_reward_redeem(db, member, "tree", 1, "reward-1", &red, &err), LOY_OK);
    CHECK(red && strcmp(loy_redemption_uid(red), "golestan-t1:X1") == 0);
    loy_redemption_free(red);
    CHECK(strcmp(loy_redemption_uid(NULL), "") == 0);
    check_verified(db);
    loy_close(db);
}

static void test_copied_file_gets_a_new_generation(void) {
    loy_db* db = fresh("journal-original.db");
    if (!db) return;
    char member_uid[64];
    int64_t member = enrol(db, "enrol-1", member_uid, sizeof member_uid);
    sell(db, member, "sale-1", NULL, 0);
    loy_close(db); /* the last connection: the WAL is copied into the file and removed */

    remove_database("journal-copy.db");
    copy_file("journal-original.db", "journal-copy.db");
    loy_db* copy = open_with("journal-copy.db", "golestan-t1", 0, LOY_OK);
    if (!copy) return;
    char name[128];
    int64_t generation = 0;
    int32_t renewed = 0;
    CHECK_STATUS(loy_origin_get(copy, name, sizeof name, NULL, &generation, &renewed, &err),
                 LOY_OK);
    CHECK(starts_with(name, "golestan-t1~2-"));
    CHECK(strlen(name) == strlen("golestan-t1~2-") + 6);
    CHECK(generation == 2);
    CHECK(renewed == 1);
    /* The copy's facts so far keep their ids; its new facts are the new origin's. */
    loy_member* m = NULL;
    CHECK_STATUS(loy_member_find_by_uid(copy, member_uid, &m, &err), LOY_OK);
    loy_member_free(m);
    char sale_uid[64], want[160];
    sell(copy, member, "sale-2", sale_uid, sizeof sale_uid);
    snprintf(want, sizeof want, "%s:S2", name);
    CHECK(strcmp(sale_uid, want) == 0);
    /* Its journal: the original origin's records, then the new origin's from seq 1. */
    loy_journal* j = NULL;
    CHECK_STATUS(loy_journal_read(copy, NULL, 0, 100, &j, &err), LOY_OK);
    CHECK(loy_journal_count(j) == 1);
    CHECK(loy_journal_seq(j, 0) == 1 && strcmp(loy_journal_origin(j, 0), name) == 0);
    CHECK(strcmp(loy_journal_prev(j, 0),
                 "0000000000000000000000000000000000000000000000000000"
                 "000000000000") == 0);
    loy_journal_free(j);
    j = NULL;
    CHECK_STATUS(loy_journal_read(copy, "golestan-t1", 0, 100, &j, &err), LOY_OK);
    CHECK(loy_journal_count(j) >= 2); /* programme-free enrol and sale, at least */
    loy_journal_free(j);
    check_verified(copy);
    loy_close(copy);

    /* Opened again, the copy stays what it became; the original was never copied. */
    copy = open_with("journal-copy.db", "golestan-t1", 0, LOY_OK);
    char again[128];
    CHECK_STATUS(loy_origin_get(copy, again, sizeof again, NULL, &generation, &renewed, &err),
                 LOY_OK);
    CHECK(strcmp(again, name) == 0 && generation == 2 && renewed == 0);
    loy_close(copy);
    db = open_with("journal-original.db", "golestan-t1", 0, LOY_OK);
    CHECK_STATUS(loy_origin_get(db, again, sizeof again, NULL, &generation, &renewed, &err),
                 LOY_OK);
    CHECK(strcmp(again, "golestan-t1") == 0 && generation == 1 && renewed == 0);
    loy_close(db);
}

static void test_member_events_with_keys(void) {
    loy_db* db = fresh("journal-members.db");
    if (!db) return;
    int64_t member = enrol(db, "enrol-1", NULL, 0);
    loy_member_fields f;
    loy_member_fields_init(&f);
    f.email = "new@example.com";
    loy_member* m = NULL;
    CHECK_STATUS(loy_member_update_with_key(db, member, &f, "upd-1", &m, &err), LOY_OK);
    CHECK(m && strcmp(loy_member_email(m), "new@example.com") == 0);
    loy_member_free(m);
    /* Changed in between: the retry with the same key returns the first outcome, and writes
     * nothing over the change. */
    loy_member_fields g;
    loy_member_fields_init(&g);
    g.email = "other@example.com";
    CHECK_STATUS(loy_member_update_with_key(db, member, &g, "upd-2", NULL, &err), LOY_OK);
    m = NULL;
    CHECK_STATUS(loy_member_update_with_key(db, member, &f, "upd-1", &m, &err), LOY_OK);
    CHECK(m && strcmp(loy_member_email(m), "other@example.com") == 0);
    loy_member_free(m);
    /* Another request under a used key is a conflict. */
    CHECK_STATUS(loy_member_update_with_key(db, member, &g, "upd-1", NULL, &err),
                 LOY_ERR_IDEMPOTENCY_CONFLICT);
    CHECK_STATUS(loy_member_deactivate_with_key(db, member, "deact-1", &err), LOY_OK);
    CHECK_STATUS(loy_member_reactivate_with_key(db, member, "react-1", &err), LOY_OK);
    CHECK_STATUS(loy_member_deactivate_with_key(db, member, "react-1", &err),
                 LOY_ERR_IDEMPOTENCY_CONFLICT);
    /* A merge, replayed. */
    loy_member_fields h;
    loy_member_fields_init(&h);
    h.phone = "09127654321";
    loy_member* other = NULL;
    CHECK_STATUS(loy_member_enrol(db, &h, "enrol-2", &other, &err), LOY_OK);
    int64_t absorbed = other ? loy_member_id(other) : 0;
    loy_member_free(other);
    loy_member* s = NULL;
    CHECK_STATUS(loy_member_merge_with_key(db, member, absorbed, "merge-1", &s, &err), LOY_OK);
    CHECK(s && loy_member_id(s) == member);
    loy_member_free(s);
    s = NULL;
    CHECK_STATUS(loy_member_merge_with_key(db, member, absorbed, "merge-1", &s, &err), LOY_OK);
    CHECK(s && loy_member_id(s) == member);
    loy_member_free(s);
    /* An erasure, then a refusal that stays refused for its key. */
    CHECK_STATUS(loy_member_erase_with_key(db, member, "erase-1", &err), LOY_OK);
    CHECK_STATUS(loy_member_erase_with_key(db, member, "erase-1", &err), LOY_OK);
    CHECK_STATUS(loy_member_reactivate_with_key(db, absorbed, "react-2", &err),
                 LOY_ERR_INVALID_STATE);
    CHECK_STATUS(loy_member_reactivate_with_key(db, absorbed, "react-2", &err),
                 LOY_ERR_INVALID_STATE);
    CHECK_STATUS(loy_member_erase_with_key(db, 999, "erase-2", &err), LOY_ERR_NOT_FOUND);

    /* Each event is one record of the journal, in order, named by its operation and key. */
    loy_journal* j = NULL;
    CHECK_STATUS(loy_journal_read(db, NULL, 0, 1000, &j, &err), LOY_OK);
    const char* want[][2] = {{"enrol", "enrol-1"},
                             {"member_update", "upd-1"},
                             {"member_update", "upd-2"},
                             {"member_deactivate", "deact-1"},
                             {"member_reactivate", "react-1"},
                             {"enrol", "enrol-2"},
                             {"member_merge", "merge-1"},
                             {"member_erase", "erase-1"}};
    const size_t n = sizeof want / sizeof want[0];
    size_t k = 0;
    for (size_t i = 0; i < loy_journal_count(j) && k < n; ++i)
        if (strcmp(loy_journal_kind(j, i), want[k][0]) == 0 &&
            strcmp(loy_journal_key(j, i), want[k][1]) == 0)
            ++k;
    CHECK(k == n);
    loy_journal_free(j);
    check_verified(db);
    loy_close(db);
}

static void test_journal_chain_and_privacy(void) {
    loy_db* db = fresh("journal-chain.db");
    if (!db) return;
    char member_uid[64], sale_uid[64];
    int64_t member = enrol(db, "enrol-1", member_uid, sizeof member_uid);
    sell(db, member, "sale-1", sale_uid, sizeof sale_uid);
    CHECK_STATUS(loy_points_adjust(db, member, 25, "goodwill", "mgr", "adj-1", NULL, &err), LOY_OK);
    /* A replay and a refusal add no record. */
    sell(db, member, "sale-1", NULL, 0);
    CHECK_STATUS(loy_points_adjust(db, member, -100000, "too much", "mgr", "adj-2", NULL, &err),
                 LOY_ERR_INSUFFICIENT_POINTS);

    loy_journal* j = NULL;
    CHECK_STATUS(loy_journal_read(db, NULL, 0, 1000, &j, &err), LOY_OK);
    const size_t n = loy_journal_count(j);
    CHECK(n == 3);
    int sale_found = 0;
    for (size_t i = 0; i < n; ++i) {
        CHECK(loy_journal_seq(j, i) == (int64_t)i + 1);
        CHECK(strcmp(loy_journal_origin(j, i), "golestan-t1") == 0);
        CHECK(strlen(loy_journal_hash(j, i)) == 64);
        if (i > 0) CHECK(strcmp(loy_journal_prev(j, i), loy_journal_hash(j, i - 1)) == 0);
        CHECK(loy_journal_created_at(j, i) > 0);
        const char* body = loy_journal_body(j, i);
        CHECK(body[0] == '[');
        /* No personal data in any record. */
        CHECK(strstr(body, "912123") == NULL);
        CHECK(strstr(body, "Shirin") == NULL);
        CHECK(strstr(body, "example.com") == NULL);
        if (strcmp(loy_journal_kind(j, i), "sale") == 0) {
            sale_found = 1;
            CHECK(strcmp(loy_journal_key(j, i), "sale-1") == 0);
            char fact[128];
            snprintf(fact, sizeof fact, "{\"t\":\"sale\",\"id\":\"%s\"", sale_uid);
            CHECK(strstr(body, fact) != NULL);
            snprintf(fact, sizeof fact, "\"member_id\":\"%s\"", member_uid);
            CHECK(strstr(body, fact) != NULL);
            CHECK(strstr(body, "\"t\":\"entry\"") != NULL); /* the points it earned */
            CHECK(strstr(body, "\"lines\":[{") != NULL);
        }
    }
    CHECK(sale_found);
    CHECK(strcmp(loy_journal_kind(j, 2), "adjust") == 0);
    loy_journal_free(j);

    /* Reading after a cursor, and a page at a time. */
    j = NULL;
    CHECK_STATUS(loy_journal_read(db, "", 1, 1, &j, &err), LOY_OK);
    CHECK(loy_journal_count(j) == 1 && loy_journal_seq(j, 0) == 2);
    loy_journal_free(j);
    j = NULL;
    CHECK_STATUS(loy_journal_read(db, NULL, 3, 10, &j, &err), LOY_OK);
    CHECK(loy_journal_count(j) == 0);
    CHECK(loy_journal_seq(j, 0) == 0 && strcmp(loy_journal_body(j, 0), "") == 0);
    CHECK(strcmp(loy_journal_kind(NULL, 0), "") == 0 && loy_journal_count(NULL) == 0);
    CHECK(strcmp(loy_journal_key(NULL, 0), "") == 0 && strcmp(loy_journal_hash(NULL, 0), "") == 0);
    CHECK(strcmp(loy_journal_prev(NULL, 0), "") == 0 && loy_journal_created_at(NULL, 0) == 0);
    CHECK(strcmp(loy_journal_origin(NULL, 0), "") == 0);
    loy_journal_free(j);
    j = NULL;
    CHECK_STATUS(loy_journal_read(db, NULL, 0, 0, &j, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_journal_read(db, NULL, -1, 10, &j, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_journal_read(db, NULL, 0, 10, NULL, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK(j == NULL);
    CHECK_STATUS(loy_journal_read(db, "nobody", 0, 10, &j, &err), LOY_OK);
    CHECK(loy_journal_count(j) == 0);
    loy_journal_free(j);
    /* A cursor past any seq an origin can write: nothing after it, not another origin's. */
    j = NULL;
    CHECK_STATUS(loy_journal_read(db, NULL, INT64_MAX, 10, &j, &err), LOY_OK);
    CHECK(loy_journal_count(j) == 0);
    loy_journal_free(j);
    j = NULL;
    CHECK_STATUS(loy_journal_read(db, NULL, (int64_t)1 << 40, 10, &j, &err), LOY_OK);
    CHECK(loy_journal_count(j) == 0);
    loy_journal_free(j);

    /* Erased: the erasure is a record, and still no record holds the person's data. */
    CHECK_STATUS(loy_member_erase_with_key(db, member, "erase-1", &err), LOY_OK);
    j = NULL;
    CHECK_STATUS(loy_journal_read(db, NULL, 3, 10, &j, &err), LOY_OK);
    CHECK(loy_journal_count(j) == 1 && strcmp(loy_journal_kind(j, 0), "member_erase") == 0);
    CHECK(strstr(loy_journal_body(j, 0), "\"status\":2") != NULL);
    loy_journal_free(j);
    check_verified(db);
    /* The projections agree with the facts: a rebuild corrects nothing, and writes no record. */
    int64_t corrected = -1;
    CHECK_STATUS(loy_rebuild(db, &corrected, &err), LOY_OK);
    CHECK(corrected == 0);
    CHECK_STATUS(loy_rebuild(db, NULL, &err), LOY_OK);
    CHECK_STATUS(loy_rebuild(NULL, &corrected, &err), LOY_ERR_INVALID_ARGUMENT);
    j = NULL;
    CHECK_STATUS(loy_journal_read(db, NULL, 4, 10, &j, &err), LOY_OK);
    CHECK(loy_journal_count(j) == 0);
    loy_journal_free(j);
    loy_close(db);
}

int main(int argc, char** argv) {
    static const struct test tests[] = {
        {"origin and look-ups by chain-wide id", test_origin_and_lookups},
        {"a copied file gets a new generation", test_copied_file_gets_a_new_generation},
        {"member events take idempotency keys", test_member_events_with_keys},
        {"the journal: order, chain, facts, no personal data", test_journal_chain_and_privacy},
    };
    return test_main(argc, argv, tests, sizeof tests / sizeof tests[0]);
}
