/* Two tills' files exchanging their journals through the C ABI (no network): each applies the
 * other's records; members both know reach the same balances, lots, tier and sale status; a
 * record applied twice changes nothing; a record out of order is a gap; a file restored from a
 * backup that writes again under its old ids is a fork, refused without a change; a tampered
 * record is refused; an erasure made at one till clears the profile at the other. */
#include <loyalty/loyalty.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"

static const char* PROGRAMME =
    "{\"name\":\"Chain\",\"currency\":\"IRT\",\"utc_offset_minutes\":210,"
    "\"spend\":[{\"id\":\"base\",\"name\":\"1 point per 1,000\",\"points\":1,\"per\":1000,"
    "\"rounding\":\"floor\"}],"
    "\"redeem\":{\"point_value\":\"100\",\"min_points\":1,\"max_share\":\"0.5\"},"
    "\"tiers\":{\"window\":\"lifetime\",\"levels\":[{\"id\":\"bronze\",\"name\":\"Bronze\","
    "\"threshold\":0},{\"id\":\"silver\",\"name\":\"Silver\",\"threshold\":150}]},"
    "\"rewards\":[{\"id\":\"tree\",\"name\":\"Plant a tree\",\"type\":\"donation\",\"points\":10,"
    "\"cause\":\"forests\"}]}";

static const char* ORIGINS[] = {"branch-a", "branch-b"};

static loy_db* till(const char* file, const char* origin) {
    remove_database(file);
    loy_db* db = open_with(file, origin, 0, LOY_OK);
    if (db) CHECK_STATUS(loy_program_load_json(db, PROGRAMME, NULL, &err), LOY_OK);
    return db;
}

/* Adds to list `to` record `i` of list `from`, as it is. */
static void add_record(loy_journal* to, const loy_journal* from, size_t i) {
    CHECK_STATUS(loy_journal_add(to, loy_journal_origin(from, i), loy_journal_seq(from, i),
                                 loy_journal_kind(from, i), loy_journal_key(from, i),
                                 loy_journal_body(from, i), loy_journal_prev(from, i),
                                 loy_journal_hash(from, i), loy_journal_created_at(from, i), &err),
                 LOY_OK);
}

/* A new list holding the records `db` holds of `origin` (NULL: its own) after seq `after`, but
 * the first `skip`. A read ends at 8 MiB of bodies: it reads on until a read gives none. */
static loy_journal* records_of_origin(loy_db* db, const char* origin, int64_t after, size_t skip) {
    loy_journal* j = NULL;
    CHECK_STATUS(loy_journal_new(&j, &err), LOY_OK);
    for (size_t got = 1, seen = 0; got > 0;) {
        loy_journal* r = NULL;
        CHECK_STATUS(loy_journal_read(db, origin, after, 10000, &r, &err), LOY_OK);
        got = loy_journal_count(r);
        for (size_t i = 0; i < got; ++i, ++seen)
            if (seen >= skip) add_record(j, r, i);
        if (got > 0) after = loy_journal_seq(r, got - 1);
        loy_journal_free(r);
    }
    return j;
}

/* Applies every record `from` holds of `origin` to `to` (all of them, from seq 1: those `to`
 * holds already are counted as duplicates). Returns the status; the counts go out. */
static int32_t send(loy_db* from, loy_db* to, const char* origin, int64_t* applied,
                    int64_t* duplicates) {
    loy_journal* j = records_of_origin(from, origin, 0, 0);
    const int32_t rc = loy_journal_apply(to, j, applied, duplicates, &err);
    loy_journal_free(j);
    return rc;
}

/* The file's last journal record names `text`. */
static int last_record_has(loy_db* db, const char* text) {
    loy_journal* j = records_of_origin(db, NULL, 0, 0);
    const size_t n = loy_journal_count(j);
    const int found = n > 0 && strstr(loy_journal_body(j, n - 1), text) != NULL;
    loy_journal_free(j);
    return found;
}

/* Both ways, every origin: afterwards both files hold the same records. */
static void exchange(loy_db* a, loy_db* b) {
    for (int round = 0; round < 2; ++round)
        for (size_t i = 0; i < sizeof ORIGINS / sizeof ORIGINS[0]; ++i) {
            int64_t applied = 0, duplicates = 0;
            CHECK_STATUS(send(a, b, ORIGINS[i], &applied, &duplicates), LOY_OK);
            CHECK_STATUS(send(b, a, ORIGINS[i], &applied, &duplicates), LOY_OK);
        }
}

static loy_member* by_uid(loy_db* db, const char* uid) {
    loy_member* m = NULL;
    CHECK_STATUS(loy_member_find_by_uid(db, uid, &m, &err), LOY_OK);
    return m;
}

/* The same member seen by two files: the same points, tier and status. */
static void check_same(loy_db* a, loy_db* b, const char* uid) {
    loy_member* x = by_uid(a, uid);
    loy_member* y = by_uid(b, uid);
    CHECK(x && y);
    if (x && y) {
        CHECK(loy_member_balance(x) == loy_member_balance(y));
        CHECK(loy_member_available(x) == loy_member_available(y));
        CHECK(loy_member_pending(x) == loy_member_pending(y));
        CHECK(loy_member_lifetime_earned(x) == loy_member_lifetime_earned(y));
        CHECK(strcmp(loy_member_tier(x), loy_member_tier(y)) == 0);
        CHECK(loy_member_status(x) == loy_member_status(y));
        CHECK(loy_member_wallet_balance(x) == loy_member_wallet_balance(y));
    }
    loy_member_free(x);
    loy_member_free(y);
}

/* A sale of `amount` to `member`, paying `points` of it with points. */
static int64_t sell(loy_db* db, int64_t member, int64_t amount, int64_t points, const char* key,
                    char* uid, size_t cap) {
    loy_basket* b = NULL;
    CHECK_STATUS(loy_basket_new(&b, &err), LOY_OK);
    CHECK_STATUS(loy_basket_set_member(b, member, &err), LOY_OK);
    CHECK_STATUS(loy_basket_add_line(b, "TEA", "drinks", 1000, amount / 2, 0, NULL, &err), LOY_OK);
    CHECK_STATUS(loy_basket_add_line(b, "CAKE", "food", 1000, amount - amount / 2, 0, NULL, &err),
                 LOY_OK);
    if (points) CHECK_STATUS(loy_basket_redeem_points(b, points, &err), LOY_OK);
    return commit_basket(db, b, key, uid, cap);
}

static int64_t member_id(loy_db* db, const char* uid) {
    loy_member* m = by_uid(db, uid);
    int64_t id = m ? loy_member_id(m) : 0;
    loy_member_free(m);
    return id;
}

static int64_t records_of(loy_db* db, const char* origin) {
    loy_journal* j = records_of_origin(db, origin, 0, 0);
    const int64_t n = (int64_t)loy_journal_count(j);
    loy_journal_free(j);
    return n;
}

static void test_two_tills_converge(void) {
    loy_db* a = till("chain-a.db", "branch-a");
    loy_db* b = till("chain-b.db", "branch-b");
    if (!a || !b) return;
    /* Branch A enrols Shirin and sells to her; branch B enrols Kaveh. */
    loy_member_fields f;
    loy_member_fields_init(&f);
    f.phone = "09121234567";
    f.name = "Shirin Farahani";
    loy_member* m = NULL;
    CHECK_STATUS(loy_member_enrol(a, &f, "a-enrol-1", &m, &err), LOY_OK);
    char shirin[64];
    snprintf(shirin, sizeof shirin, "%s", m ? loy_member_uid(m) : "");
    const int64_t shirin_a = m ? loy_member_id(m) : 0;
    loy_member_free(m);
    char sale_a[64];
    sell(a, shirin_a, 120000, 0, "a-sale-1", sale_a, sizeof sale_a);
    loy_member_fields_init(&f);
    f.phone = "09351112233";
    m = NULL;
    CHECK_STATUS(loy_member_enrol(b, &f, "b-enrol-1", &m, &err), LOY_OK);
    char kaveh[64];
    snprintf(kaveh, sizeof kaveh, "%s", m ? loy_member_uid(m) : "");
    loy_member_free(m);

    /* Before the exchange, B does not know Shirin. */
    m = NULL;
    CHECK_STATUS(loy_member_find_by_uid(b, shirin, &m, &err), LOY_ERR_NOT_FOUND);
    exchange(a, b);
    check_same(a, b, shirin);
    check_same(a, b, kaveh);

    /* At B, Shirin buys again (reaching silver), spends points, redeems a reward; she returns
     * A's sale in part at B. */
    const int64_t shirin_b = member_id(b, shirin);
    CHECK(shirin_b > 0);
    sell(b, shirin_b, 80000, 30, "b-sale-1", NULL, 0);
    loy_redemption* red = NULL;
    CHECK_STATUS(loy_reward_redeem(b, shirin_b, "tree", 1, "b-reward-1", &red, &err), LOY_OK);
    loy_redemption_free(red);
    int64_t sale_at_b = 0;
    CHECK_STATUS(loy_sale_find_by_uid(b, sale_a, &sale_at_b, &err), LOY_OK);
    loy_refund* rf = NULL;
    CHECK_STATUS(loy_refund_new(&rf, &err), LOY_OK);
    CHECK_STATUS(loy_refund_add_line(rf, 2, 1000, &err), LOY_OK);
    loy_receipt* r = NULL;
    CHECK_STATUS(loy_refund_sale(b, sale_at_b, rf, "b-refund-1", &r, &err), LOY_OK);
    loy_receipt_free(r);
    loy_refund_free(rf);
    /* Meanwhile, at A, she spends points as well (offline: A has not seen B's writes). */
    sell(a, shirin_a, 40000, 20, "a-sale-2", NULL, 0);

    exchange(a, b);
    check_same(a, b, shirin);
    check_same(a, b, kaveh);
    m = by_uid(a, shirin);
    /* 120 + 80 - 30 + ... each file computed it from the same facts. */
    CHECK(m && strcmp(loy_member_tier(m), "silver") == 0);
    loy_member_free(m);
    /* The refund made at B reached A: line 2 cannot be returned again there. */
    rf = NULL;
    CHECK_STATUS(loy_refund_new(&rf, &err), LOY_OK);
    CHECK_STATUS(loy_refund_add_line(rf, 2, 1000, &err), LOY_OK);
    int64_t sale_at_a = 0;
    CHECK_STATUS(loy_sale_find_by_uid(a, sale_a, &sale_at_a, &err), LOY_OK);
    r = NULL;
    CHECK_STATUS(loy_refund_sale(a, sale_at_a, rf, "a-refund-1", &r, &err),
                 LOY_ERR_REFUND_EXCEEDS_SALE);
    CHECK(r == NULL);
    loy_refund_free(rf);
    check_verified(a);
    check_verified(b);

    /* Replayed, every record is a duplicate and nothing moves. */
    int64_t applied = -1, duplicates = -1;
    CHECK_STATUS(send(a, b, "branch-a", &applied, &duplicates), LOY_OK);
    CHECK(applied == 0 && duplicates == records_of(a, "branch-a"));
    CHECK_STATUS(send(b, a, "branch-b", &applied, &duplicates), LOY_OK);
    CHECK(applied == 0 && duplicates == records_of(b, "branch-b"));
    check_same(a, b, shirin);
    /* Both files hold both origins up to the same record. */
    loy_journal* ha = NULL;
    loy_journal* hb = NULL;
    CHECK_STATUS(loy_journal_heads(a, &ha, &err), LOY_OK);
    CHECK_STATUS(loy_journal_heads(b, &hb, &err), LOY_OK);
    CHECK(loy_journal_count(ha) == 2 && loy_journal_count(hb) == 2);
    for (size_t i = 0; i < loy_journal_count(ha) && i < loy_journal_count(hb); ++i) {
        CHECK(strcmp(loy_journal_origin(ha, i), ORIGINS[i]) == 0);
        CHECK(loy_journal_seq(ha, i) == records_of(a, ORIGINS[i]));
        CHECK(strcmp(loy_journal_hash(ha, i), loy_journal_hash(hb, i)) == 0);
    }
    loy_journal_free(ha);
    loy_journal_free(hb);
    CHECK_STATUS(loy_journal_heads(a, NULL, &err), LOY_ERR_INVALID_ARGUMENT);

    /* Her profile is not in the journal: B knows her by id, not by phone, until the chain brings
     * the profile (here by hand). It is written without a record; consents are facts and are
     * not taken from a profile. */
    m = NULL;
    CHECK_STATUS(loy_member_find_by_phone(b, "09121234567", &m, &err), LOY_ERR_NOT_FOUND);
    const int64_t b_records = records_of(b, "branch-b");
    loy_member_fields_init(&f);
    f.phone = "09121234567";
    f.name = "Shirin Farahani";
    f.consent_sms = 1;
    m = NULL;
    CHECK_STATUS(loy_member_profile_apply(b, shirin, &f, &m, &err), LOY_OK);
    CHECK(m && strcmp(loy_member_name(m), "Shirin Farahani") == 0);
    CHECK(m && loy_member_consent_sms(m) == 0);
    loy_member_free(m);
    m = NULL;
    CHECK_STATUS(loy_member_find_by_phone(b, "09121234567", &m, &err), LOY_OK);
    CHECK(m && loy_member_id(m) == shirin_b);
    loy_member_free(m);
    CHECK(records_of(b, "branch-b") == b_records);
    f.phone = "09351112233"; /* Kaveh's */
    CHECK_STATUS(loy_member_profile_apply(b, shirin, &f, NULL, &err), LOY_ERR_DUPLICATE);
    CHECK_STATUS(loy_member_profile_apply(b, "branch-a:M99", &f, NULL, &err), LOY_ERR_NOT_FOUND);
    CHECK_STATUS(loy_member_profile_apply(b, shirin, NULL, NULL, &err), LOY_ERR_INVALID_ARGUMENT);
    check_verified(b);

    /* Erased at B, Shirin's profile goes at A too. */
    CHECK_STATUS(loy_member_erase_with_key(b, shirin_b, "b-erase-1", &err), LOY_OK);
    exchange(a, b);
    m = NULL;
    CHECK_STATUS(loy_member_find_by_phone(a, "09121234567", &m, &err), LOY_ERR_NOT_FOUND);
    m = by_uid(a, shirin);
    CHECK(m && loy_member_status(m) == LOY_MEMBER_ERASED);
    CHECK(m && strcmp(loy_member_name(m), "") == 0);
    loy_member_free(m);
    check_same(a, b, shirin);
    /* Kaveh changed at both tills while apart: deactivated at A, his consent given at B a minute
     * later. Each file learns the other's change after its own; both end with the later one. */
    const int64_t t0 = (int64_t)time(NULL) * 1000 + 86400000; /* after every write so far */
    CHECK_STATUS(loy_set_clock(a, t0, &err), LOY_OK);
    CHECK_STATUS(loy_set_clock(b, t0 + 60000, &err), LOY_OK);
    CHECK_STATUS(loy_member_deactivate_with_key(a, member_id(a, kaveh), "a-deact-1", &err), LOY_OK);
    loy_member_fields_init(&f);
    f.consent_sms = 1;
    CHECK_STATUS(loy_member_update_with_key(b, member_id(b, kaveh), &f, "b-upd-1", NULL, &err),
                 LOY_OK);
    exchange(a, b);
    check_same(a, b, kaveh);
    loy_member* ka = by_uid(a, kaveh);
    loy_member* kb = by_uid(b, kaveh);
    CHECK(ka && loy_member_status(ka) == LOY_MEMBER_ACTIVE && loy_member_consent_sms(ka) == 1);
    CHECK(kb && loy_member_status(kb) == LOY_MEMBER_ACTIVE && loy_member_consent_sms(kb) == 1);
    loy_member_free(ka);
    loy_member_free(kb);
    check_verified(a);
    check_verified(b);

    /* Erasure wins: no profile is taken for an erased member. */
    loy_member_fields_init(&f);
    f.phone = "09121234567";
    CHECK_STATUS(loy_member_profile_apply(a, shirin, &f, NULL, &err), LOY_ERR_MEMBER_INACTIVE);
    check_verified(a);
    loy_close(a);
    loy_close(b);
}

/* A file that applies every record of both tills in order, from nothing, computes the same. */
static void test_a_third_file_rebuilds_from_the_journals(void) {
    loy_db* a = open_with("chain-a.db", "branch-a", 0, LOY_OK);
    loy_db* b = open_with("chain-b.db", "branch-b", 0, LOY_OK);
    loy_db* c = till("chain-c.db", "head-office");
    if (!a || !b || !c) return;
    /* B's records name Shirin, enrolled at A: without A's records first, a gap. */
    int64_t applied = 0, duplicates = 0;
    CHECK_STATUS(send(b, c, "branch-b", &applied, &duplicates), LOY_ERR_SYNC_GAP);
    CHECK(strstr(err.message, "branch-a") != NULL);
    CHECK(records_of(c, "branch-b") == 0); /* refused: nothing changed */
    /* Records out of order are a gap too. */
    loy_journal* j = NULL;
    CHECK_STATUS(loy_journal_read(a, "branch-a", 2, 10, &j, &err), LOY_OK);
    CHECK_STATUS(loy_journal_apply(c, j, &applied, &duplicates, &err), LOY_ERR_SYNC_GAP);
    CHECK(strstr(err.message, "apply from seq 1") != NULL);
    loy_journal_free(j);
    /* A's then B's, then A's again (A applied some of B's records after its own). */
    exchange(a, c);
    exchange(b, c);
    const char* members[] = {"branch-a:M1", "branch-b:M1"};
    for (int i = 0; i < 2; ++i) {
        check_same(a, c, members[i]);
        check_same(b, c, members[i]);
    }
    check_verified(c);
    loy_close(a);
    loy_close(b);
    loy_close(c);
}

/* A till restored in place from last night's backup writes again under ids it had used: the
 * other file refuses its records as a fork, and changes nothing. */
static void test_restored_file_is_a_fork(void) {
    loy_db* a = till("fork-a.db", "branch-a");
    loy_db* b = till("fork-b.db", "branch-b");
    if (!a || !b) return;
    loy_member_fields f;
    loy_member_fields_init(&f);
    f.phone = "09127654321";
    loy_member* m = NULL;
    CHECK_STATUS(loy_member_enrol(a, &f, "a-enrol-1", &m, &err), LOY_OK);
    const int64_t member = m ? loy_member_id(m) : 0;
    loy_member_free(m);
    loy_close(a); /* the backup: the file alone, WAL checkpointed */
    remove_database("fork-backup.db");
    copy_file("fork-a.db", "fork-backup.db");
    a = open_with("fork-a.db", "branch-a", 0, LOY_OK);
    if (!a) return;
    sell(a, member, 50000, 0, "a-sale-1", NULL, 0);
    exchange(a, b);
    loy_member* before = by_uid(b, "branch-a:M1");
    loy_close(a);

    /* Put back over the same file: its identity is unchanged, so it keeps writing as branch-a
     * and takes seq 2 again with another sale. */
    char wal[1100];
    snprintf(wal, sizeof wal, "%s/fork-a.db-wal", dir);
    remove(wal);
    copy_file("fork-backup.db", "fork-a.db");
    a = open_with("fork-a.db", "branch-a", 0, LOY_OK);
    if (!a) return;
    sell(a, member, 90000, 0, "a-sale-1-again", NULL, 0);
    int64_t applied = 0, duplicates = 0;
    CHECK_STATUS(send(a, b, "branch-a", &applied, &duplicates), LOY_ERR_SYNC_FORK);
    CHECK(strstr(err.message, "branch-a:J2") != NULL);
    loy_member* after = by_uid(b, "branch-a:M1");
    CHECK(before && after && loy_member_balance(before) == loy_member_balance(after));
    loy_member_free(before);
    loy_member_free(after);
    /* And the other way: B's copy of A's records does not follow A's own any more. */
    CHECK_STATUS(send(b, a, "branch-a", &applied, &duplicates), LOY_ERR_SYNC_FORK);

    /* A record changed on the way does not match its hash. */
    loy_journal* j = NULL;
    CHECK_STATUS(loy_journal_read(b, "branch-a", 0, 10, &j, &err), LOY_OK);
    loy_journal* t = NULL;
    CHECK_STATUS(loy_journal_new(&t, &err), LOY_OK);
    if (j && loy_journal_count(j) > 0) {
        char body[4096];
        snprintf(body, sizeof body, "%s", loy_journal_body(j, 0));
        char* status = strstr(body, "\"status\":0");
        CHECK(status != NULL);
        if (status) status[10] = '1';
        CHECK_STATUS(loy_journal_add(t, loy_journal_origin(j, 0), loy_journal_seq(j, 0),
                                     loy_journal_kind(j, 0), loy_journal_key(j, 0), body,
                                     loy_journal_prev(j, 0), loy_journal_hash(j, 0),
                                     loy_journal_created_at(j, 0), &err),
                     LOY_OK);
    }
    loy_db* c = till("fork-c.db", "branch-c");
    CHECK_STATUS(loy_journal_apply(c, t, &applied, &duplicates, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK(strstr(err.message, "does not match its hash") != NULL);
    /* A seq past what a journal keys (2^40 - 1), refused before anything is read or written. */
    loy_journal* far = NULL;
    CHECK_STATUS(loy_journal_new(&far, &err), LOY_OK);
    CHECK_STATUS(
        loy_journal_add(far, "branch-a", (int64_t)1 << 40, "sale", NULL, "[]", "", "", 0, &err),
        LOY_OK);
    CHECK_STATUS(loy_journal_apply(c, far, &applied, &duplicates, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK(strstr(err.message, "seq must be 1 to 2^40 - 1") != NULL);
    loy_journal_free(far);
    /* Bad calls. */
    CHECK_STATUS(loy_journal_add(t, NULL, 1, "sale", NULL, "[]", "", "", 0, &err),
                 LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_journal_add(NULL, "x", 1, "sale", NULL, "[]", "", "", 0, &err),
                 LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_journal_apply(c, NULL, NULL, NULL, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_journal_new(NULL, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK(strcmp(loy_status_name(LOY_ERR_SYNC_FORK), "LOY_ERR_SYNC_FORK") == 0);
    CHECK(strcmp(loy_status_name(LOY_ERR_SYNC_GAP), "LOY_ERR_SYNC_GAP") == 0);
    CHECK(!loy_status_is_transient(LOY_ERR_SYNC_FORK) &&
          !loy_status_is_transient(LOY_ERR_SYNC_GAP));
    loy_journal_free(t);
    /* A's own records offered back to A, unchanged, are duplicates. */
    loy_journal_free(j);
    j = NULL;
    CHECK_STATUS(loy_journal_read(a, "branch-a", 0, 10, &j, &err), LOY_OK);
    CHECK_STATUS(loy_journal_apply(a, j, &applied, &duplicates, &err), LOY_OK);
    CHECK(applied == 0 && duplicates == (int64_t)loy_journal_count(j));
    loy_journal_free(j);
    loy_close(a);
    loy_close(b);
    loy_close(c);
}

/* A till of a chain spends points only under a hold from the chain's authority; the hold's id
 * travels with the sale in the journal. Earning needs no hold. */
static void test_chain_mode_spends_under_a_hold(void) {
    remove_database("chain-mode.db");
    loy_open_options o;
    loy_open_options_init(&o);
    CHECK(o.chain_mode == 0); /* standalone unless asked */
    loy_db* db = open_as("chain-mode.db", "branch-c", 0, 1, LOY_OK);
    if (!db) return;
    CHECK_STATUS(loy_program_load_json(db, PROGRAMME, NULL, &err), LOY_OK);
    const int64_t m = enrol_phone(db, "09121234567", NULL, 0);
    sell(db, m, 200000, 0, "earn-1", NULL, 0); /* earning: no hold needed */
    loy_basket* b = NULL;
    CHECK_STATUS(loy_basket_new(&b, &err), LOY_OK);
    CHECK_STATUS(loy_basket_set_member(b, m, &err), LOY_OK);
    CHECK_STATUS(loy_basket_add_line(b, "TEA", "drinks", 1000, 100000, 0, NULL, &err), LOY_OK);
    CHECK_STATUS(loy_basket_redeem_points(b, 50, &err), LOY_OK);
    loy_receipt* r = NULL;
    CHECK_STATUS(loy_commit(db, b, "spend-1", &r, &err), LOY_ERR_NEEDS_ONLINE);
    CHECK(strstr(err.message, "hold") != NULL);
    CHECK(strcmp(loy_status_name(LOY_ERR_NEEDS_ONLINE), "LOY_ERR_NEEDS_ONLINE") == 0);
    CHECK_STATUS(loy_basket_set_hold(b, "6f1c0e52-hold", 40, &err), LOY_OK);
    CHECK_STATUS(loy_commit(db, b, "spend-1", &r, &err), LOY_ERR_NEEDS_ONLINE); /* too few */
    CHECK(strstr(err.message, "covers 40") != NULL);
    CHECK_STATUS(loy_basket_set_hold(b, "6f1c0e52-hold", -1, &err), LOY_ERR_INVALID_AMOUNT);
    CHECK_STATUS(loy_basket_set_hold(NULL, "x", 1, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_basket_set_hold(b, "6f1c0e52-hold", 50, &err), LOY_OK);
    /* The refusals were not remembered: the same key with the hold commits. */
    CHECK_STATUS(loy_commit(db, b, "spend-1", &r, &err), LOY_OK);
    CHECK(r && loy_receipt_points_redeemed(r) == 50);
    CHECK(r && loy_receipt_redeem_mode(r) == LOY_REDEEM_HOLD);
    CHECK(loy_receipt_redeem_mode(NULL) == LOY_REDEEM_NONE);
    loy_receipt_free(r);
    loy_basket_free(b);
    /* Points are spent only at checkout under a hold; jobs that run once for the whole chain
     * run at the head office. Earning and positive adjustments stay. */
    int64_t out = 0;
    CHECK_STATUS(loy_points_adjust(db, m, -5, "goodwill back", "mgr", "adj-1", &out, &err),
                 LOY_ERR_NEEDS_ONLINE);
    CHECK_STATUS(loy_points_adjust(db, m, 5, "goodwill", "mgr", "adj-2", &out, &err), LOY_OK);
    loy_redemption* red = NULL;
    CHECK_STATUS(loy_reward_redeem(db, m, "tree", 1, "reward-1", &red, &err), LOY_ERR_NEEDS_ONLINE);
    CHECK_STATUS(loy_points_expire(db, 0, &out, NULL, &err), LOY_ERR_NEEDS_ONLINE);
    CHECK(strstr(err.message, "head office") != NULL);
    CHECK_STATUS(loy_tiers_review(db, 0, &out, NULL, NULL, NULL, &err), LOY_ERR_NEEDS_ONLINE);
    const int64_t other = enrol_phone(db, "09351112233", NULL, 0);
    CHECK_STATUS(loy_member_merge(db, m, other, NULL, &err), LOY_ERR_NEEDS_ONLINE);
    loy_journal* j = NULL;
    CHECK_STATUS(loy_journal_read(db, NULL, 0, 100, &j, &err), LOY_OK);
    const size_t n = loy_journal_count(j);
    CHECK(n > 2 && strstr(loy_journal_body(j, n - 3), "\"hold_id\":\"6f1c0e52-hold\"") != NULL);
    loy_journal_free(j);
    /* A reward, under the authority's hold for its points and stock; its id goes with it. */
    CHECK_STATUS(loy_reward_redeem_held(db, m, "tree", 1, NULL, "reward-1", &red, &err),
                 LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_reward_redeem_held(db, m, "tree", 1, "", "reward-1", &red, &err),
                 LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_reward_redeem_held(db, m, "tree", 1, "r-hold-1", "reward-1", &red, &err),
                 LOY_OK);
    CHECK(red && loy_redemption_quantity(red) == 1 && loy_redemption_points(red) > 0);
    loy_redemption_free(red);
    j = NULL;
    CHECK_STATUS(loy_journal_read(db, NULL, 0, 100, &j, &err), LOY_OK);
    CHECK(strstr(loy_journal_body(j, loy_journal_count(j) - 1), "\"hold_id\":\"r-hold-1\"") !=
          NULL);
    loy_journal_free(j);
    check_verified(db);
    loy_close(db);
}

/* In chain mode, a sale paid with gift cards carries the authority's hold for them;
 * loy_basket_giftcard_claims says what it is to hold. */
static void test_chain_mode_giftcards_under_a_hold(void) {
    remove_database("chain-giftcards.db");
    loy_db* db = open_as("chain-giftcards.db", "branch-g", 0, 1, LOY_OK);
    if (!db) return;
    CHECK_STATUS(loy_program_load_json(db, PROGRAMME, NULL, &err), LOY_OK);
    char code[32];
    CHECK_STATUS(loy_giftcard_sell(db, 50000, "R-1", NULL, "card-1", code, sizeof code, NULL, &err),
                 LOY_OK);
    loy_basket* b = NULL;
    CHECK_STATUS(loy_basket_new(&b, &err), LOY_OK);
    CHECK_STATUS(loy_basket_add_line(b, "TEA", "drinks", 1000, 100000, 0, NULL, &err), LOY_OK);
    CHECK_STATUS(loy_basket_pay_giftcard(b, code, 30000, &err), LOY_OK);
    char claims[256];
    size_t needed = 0;
    CHECK_STATUS(loy_basket_giftcard_claims(db, b, claims, sizeof claims, &needed, &err), LOY_OK);
    char want[96];
    char normal[32];
    size_t k = 0;
    for (const char* c = code; *c && k + 1 < sizeof normal; ++c)
        if (*c != '-') normal[k++] = *c;
    normal[k] = '\0';
    snprintf(want, sizeof want, "{\"cards\":[{\"amount\":30000,\"code\":\"%s\"}]}", normal);
    CHECK(strcmp(claims, want) == 0 && needed == strlen(want));
    loy_receipt* r = NULL;
    CHECK_STATUS(loy_commit(db, b, "gift-sale-1", &r, &err), LOY_ERR_NEEDS_ONLINE);
    CHECK(strstr(err.message, "loy_sync_hold_giftcards") != NULL);
    int64_t balance = 0;
    CHECK_STATUS(loy_giftcard_redeem(db, code, 1000, NULL, NULL, "redeem-1", &balance, &err),
                 LOY_ERR_NEEDS_ONLINE);
    CHECK_STATUS(loy_basket_set_giftcard_hold(NULL, "g-hold-1", &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_basket_set_giftcard_hold(b, "g-hold-1", &err), LOY_OK);
    CHECK_STATUS(loy_commit(db, b, "gift-sale-1", &r, &err), LOY_OK);
    CHECK(r && loy_receipt_gift_card_amount(r) == 30000);
    loy_receipt_free(r);
    loy_basket_free(b);
    CHECK_STATUS(loy_giftcard_balance(db, code, &balance, &err), LOY_OK);
    CHECK(balance == 20000);
    CHECK(last_record_has(db, "\"giftcard_hold\":\"g-hold-1\""));
    CHECK_STATUS(loy_basket_giftcard_claims(db, NULL, claims, sizeof claims, &needed, &err),
                 LOY_ERR_INVALID_ARGUMENT);
    check_verified(db);
    loy_close(db);
}

/* A programme released by the head office for the whole chain reaches a till as a fact and is in
 * effect there, as at the head office, from its start; until then each keeps the one it has. */
static const char* RELEASE_A =
    "{\"name\":\"Club\",\"currency\":\"IRT\",\"spend\":[{\"id\":\"base\",\"name\":\"1 a "
    "1,000\",\"points\":1,\"per\":1000,\"rounding\":\"floor\"}]}";
static const char* RELEASE_B =
    "{\"name\":\"Club\",\"currency\":\"IRT\",\"spend\":[{\"id\":\"base\",\"name\":\"2 a "
    "1,000\",\"points\":2,\"per\":1000,\"rounding\":\"floor\"}]}";

static int64_t earned_by(loy_db* db, int64_t member, const char* key) {
    loy_basket* b = NULL;
    CHECK_STATUS(loy_basket_new(&b, &err), LOY_OK);
    CHECK_STATUS(loy_basket_set_member(b, member, &err), LOY_OK);
    CHECK_STATUS(loy_basket_add_line(b, "TEA", "drinks", 1000, 100000, 0, NULL, &err), LOY_OK);
    loy_receipt* r = NULL;
    CHECK_STATUS(loy_commit(db, b, key, &r, &err), LOY_OK);
    const int64_t points = r ? loy_receipt_points_earned(r) : -1;
    loy_receipt_free(r);
    loy_basket_free(b);
    return points;
}

static void test_programmes_released_for_the_chain(void) {
    remove_database("release-hq.db");
    remove_database("release-till.db");
    loy_db* hq = open_as("release-hq.db", "head-office", 0, 0, LOY_OK);
    loy_db* till = open_as("release-till.db", "branch-r", 0, 1, LOY_OK);
    if (!hq || !till) return;
    const int64_t t0 = 1790000000000; /* 2026-09-21 */
    CHECK_STATUS(loy_set_clock(hq, t0, &err), LOY_OK);
    CHECK_STATUS(loy_set_clock(till, t0, &err), LOY_OK);
    int64_t a = 0, b = 0, again = 0;
    CHECK_STATUS(loy_program_publish(hq, RELEASE_A, 0, &a, &err), LOY_OK); /* now */
    CHECK(a > 0 && loy_program_active_version(hq) == a);
    int64_t applied = 0, duplicates = 0;
    CHECK_STATUS(send(hq, till, "head-office", &applied, &duplicates), LOY_OK);
    CHECK(applied == 1);
    const int64_t m = enrol_phone(till, "09121230077", NULL, 0);
    CHECK(loy_program_active_version(till) > 0);
    CHECK(earned_by(till, m, "sale-1") == 100);
    /* B, from tomorrow: published today, in effect nowhere yet. */
    CHECK_STATUS(loy_program_publish(hq, RELEASE_B, t0 + 86400000, &b, &err), LOY_OK);
    CHECK(b > a && loy_program_active_version(hq) == a);
    CHECK_STATUS(loy_program_publish(hq, RELEASE_B, t0 + 86400000, &again, &err), LOY_OK);
    CHECK(again == b); /* the same release again: no new fact */
    int64_t next = 0, starts = 0;
    CHECK_STATUS(loy_program_next(hq, &next, &starts, &err), LOY_OK);
    CHECK(next == b && starts == t0 + 86400000);
    CHECK_STATUS(send(hq, till, "head-office", &applied, &duplicates), LOY_OK);
    CHECK(applied == 1 && duplicates == 1);
    const int64_t before = loy_program_active_version(till);
    CHECK_STATUS(loy_program_next(till, &next, &starts, &err), LOY_OK);
    CHECK(next > before && starts == t0 + 86400000);
    CHECK(earned_by(till, m, "sale-2") == 100);
    /* Tomorrow, at the till and at the head office alike. */
    CHECK_STATUS(loy_set_clock(till, t0 + 86400000, &err), LOY_OK);
    CHECK(loy_program_active_version(till) == next);
    CHECK(earned_by(till, m, "sale-3") == 200);
    CHECK_STATUS(loy_program_next(till, &next, &starts, &err), LOY_OK);
    CHECK(next == 0 && starts == 0);
    static char text[65536];
    CHECK_STATUS(loy_program_export_json(till, 0, text, sizeof text, NULL, &err), LOY_OK);
    CHECK(strstr(text, "\"2 a 1,000\"") != NULL);
    CHECK_STATUS(loy_set_clock(hq, t0 + 86400000, &err), LOY_OK);
    CHECK(loy_program_active_version(hq) == b);
    /* A till of a chain does not publish; a release does not start in the past. */
    CHECK_STATUS(loy_program_publish(till, RELEASE_A, 0, &again, &err), LOY_ERR_NEEDS_ONLINE);
    CHECK_STATUS(loy_program_publish(hq, RELEASE_A, t0, &again, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_program_publish(hq, RELEASE_A, -1, &again, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_program_publish(hq, "{\"name\":1}", 0, &again, &err), LOY_ERR_INVALID_PROGRAM);
    CHECK_STATUS(loy_program_publish(hq, NULL, 0, &again, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_program_next(NULL, &next, &starts, &err), LOY_ERR_INVALID_ARGUMENT);
    check_verified(hq);
    check_verified(till);
    loy_close(hq);
    loy_close(till);
}

/* In chain mode, wallet money is spent only under the authority's hold covering it; loading the
 * wallet needs none. */
static void test_chain_mode_wallet_under_a_hold(void) {
    remove_database("chain-wallet.db");
    loy_db* db = open_as("chain-wallet.db", "branch-w", 0, 1, LOY_OK);
    if (!db) return;
    CHECK_STATUS(loy_program_load_json(db, PROGRAMME, NULL, &err), LOY_OK);
    const int64_t m = enrol_phone(db, "09121234888", NULL, 0);
    loy_basket* b = NULL;
    CHECK_STATUS(loy_basket_new(&b, &err), LOY_OK);
    CHECK_STATUS(loy_basket_set_member(b, m, &err), LOY_OK);
    CHECK_STATUS(loy_basket_add_wallet_topup(b, 50000, NULL, &err), LOY_OK);
    commit_basket(db, b, "topup-1", NULL, 0);
    CHECK_STATUS(loy_basket_new(&b, &err), LOY_OK);
    CHECK_STATUS(loy_basket_set_member(b, m, &err), LOY_OK);
    CHECK_STATUS(loy_basket_add_line(b, "TEA", "drinks", 1000, 100000, 0, NULL, &err), LOY_OK);
    CHECK_STATUS(loy_basket_pay_wallet(b, 30000, &err), LOY_OK);
    loy_receipt* r = NULL;
    CHECK_STATUS(loy_commit(db, b, "wallet-1", &r, &err), LOY_ERR_NEEDS_ONLINE);
    CHECK(strstr(err.message, "loy_sync_hold_wallet") != NULL);
    CHECK_STATUS(loy_basket_set_wallet_hold(b, "w-hold-1", 20000, &err), LOY_OK);
    CHECK_STATUS(loy_commit(db, b, "wallet-1", &r, &err), LOY_ERR_NEEDS_ONLINE);
    CHECK(strstr(err.message, "covers 20000 but the basket pays 30000") != NULL);
    CHECK_STATUS(loy_basket_set_wallet_hold(b, "w-hold-1", -1, &err), LOY_ERR_INVALID_AMOUNT);
    CHECK_STATUS(loy_basket_set_wallet_hold(NULL, "w-hold-1", 1, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_basket_set_wallet_hold(b, "w-hold-1", 30000, &err), LOY_OK);
    CHECK_STATUS(loy_commit(db, b, "wallet-1", &r, &err), LOY_OK);
    CHECK(r && loy_receipt_wallet_amount(r) == 30000);
    loy_receipt_free(r);
    loy_basket_free(b);
    CHECK(last_record_has(db, "\"wallet_hold\":\"w-hold-1\""));
    check_verified(db);
    loy_close(db);
}

/* In chain mode, a coupon that a limit counts over the whole chain (an issued code, a campaign
 * with a limit of uses or a budget) is used only under the authority's coupon hold, whose id
 * travels with the sale; loy_basket_coupon_claims says what the authority is to hold. A coupon
 * no limit counts needs no hold. */
static const char* COUPON_PROGRAMME =
    "{\"name\":\"Club\",\"currency\":\"IRT\","
    "\"campaigns\":[{\"id\":\"welcome\",\"name\":\"10,000 off\",\"effect\":\"amount\","
    "\"amount\":10000,\"combinable\":true},"
    "{\"id\":\"spring\",\"name\":\"10% off\",\"effect\":\"percent\",\"percent\":\"0.1\","
    "\"code\":\"SPRING\",\"max_uses\":2,\"max_uses_per_member\":1,"
    "\"max_uses_per_member_per\":\"day\",\"combinable\":true},"
    "{\"id\":\"open\",\"name\":\"1,000 off\",\"effect\":\"amount\",\"amount\":1000,"
    "\"code\":\"OPEN\",\"combinable\":true}]}";

static void test_chain_mode_coupons_under_a_hold(void) {
    remove_database("chain-coupons.db");
    loy_db* db = open_as("chain-coupons.db", "branch-k", 0, 1, LOY_OK);
    if (!db) return;
    CHECK_STATUS(loy_program_load_json(db, COUPON_PROGRAMME, NULL, &err), LOY_OK);
    const int64_t m = enrol_phone(db, "09121234999", NULL, 0);
    char code[32];
    CHECK_STATUS(loy_coupon_issue(db, "welcome", m, "issue-1", code, sizeof code, NULL, &err),
                 LOY_OK);
    loy_basket* b = NULL;
    CHECK_STATUS(loy_basket_new(&b, &err), LOY_OK);
    CHECK_STATUS(loy_basket_set_member(b, m, &err), LOY_OK);
    CHECK_STATUS(loy_basket_add_line(b, "TEA", "drinks", 1000, 100000, 0, NULL, &err), LOY_OK);
    CHECK_STATUS(loy_basket_add_coupon(b, "OPEN", &err), LOY_OK);
    /* A code no limit counts: nothing to hold. */
    char claims[1024];
    size_t needed = 0;
    CHECK_STATUS(loy_basket_coupon_claims(db, b, claims, sizeof claims, &needed, &err), LOY_OK);
    CHECK(strstr(claims, "\"items\":[]") != NULL && needed == strlen(claims));
    CHECK_STATUS(loy_basket_add_coupon(b, code, &err), LOY_OK);
    CHECK_STATUS(loy_basket_add_coupon(b, "spring", &err), LOY_OK);
    CHECK_STATUS(loy_basket_coupon_claims(db, b, claims, sizeof claims, &needed, &err), LOY_OK);
    /* The issued code (one use) and the campaign of two uses, once a day per member. */
    char normal[32];
    size_t k = 0;
    for (const char* c = code; *c && k + 1 < sizeof normal; ++c)
        if (*c != '-') normal[k++] = *c;
    normal[k] = '\0';
    char want[256];
    snprintf(want, sizeof want,
             "\"campaign\":\"welcome\",\"code\":\"%s\",\"code_uses\":1,\"discount\":10000", normal);
    CHECK(strstr(claims, want) != NULL);
    CHECK(strstr(claims, "\"member\":\"branch-k:M1\"") != NULL);
    CHECK(strstr(claims, "\"campaign\":\"spring\",\"code\":\"SPRING\",\"code_uses\":0") != NULL);
    CHECK(strstr(claims, "\"max_uses\":2") != NULL && strstr(claims, "\"member_uses\":1") != NULL);
    /* The issued code's member uses count ever, the campaign's from the start of today. */
    CHECK(strstr(claims, "\"member_since\":0") != NULL);
    CHECK(strstr(claims, "\"member_since\":1") != NULL);
    CHECK(strstr(claims, "\"campaign\":\"open\"") == NULL);
    /* snprintf semantics: a short buffer gets the start, `needed` the whole length. */
    char small[8];
    size_t whole = 0;
    CHECK_STATUS(loy_basket_coupon_claims(db, b, small, sizeof small, &whole, &err), LOY_OK);
    CHECK(whole == needed && strlen(small) == sizeof small - 1);
    loy_receipt* r = NULL;
    CHECK_STATUS(loy_commit(db, b, "coupon-sale-1", &r, &err), LOY_ERR_NEEDS_ONLINE);
    CHECK(strstr(err.message, "loy_sync_hold_coupons") != NULL);
    char long_id[200];
    memset(long_id, 'h', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    CHECK_STATUS(loy_basket_set_coupon_hold(b, long_id, &err), LOY_OK);
    CHECK_STATUS(loy_commit(db, b, "coupon-sale-1", &r, &err), LOY_ERR_TOO_LONG);
    CHECK_STATUS(loy_basket_set_coupon_hold(b, "c-hold-1", &err), LOY_OK);
    CHECK_STATUS(loy_commit(db, b, "coupon-sale-1", &r, &err), LOY_OK);
    CHECK(r && loy_receipt_coupon_count(r) == 3);
    loy_receipt_free(r);
    CHECK(last_record_has(db, "\"coupon_hold\":\"c-hold-1\""));
    /* The code is used now: the claims refuse it as the commit would. */
    CHECK_STATUS(loy_basket_coupon_claims(db, b, claims, sizeof claims, &needed, &err),
                 LOY_ERR_COUPON_REJECTED);
    CHECK(strstr(err.message, "has been used") != NULL);
    CHECK_STATUS(loy_basket_coupon_claims(db, NULL, claims, sizeof claims, &needed, &err),
                 LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_basket_coupon_claims(NULL, b, claims, sizeof claims, &needed, &err),
                 LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_basket_set_coupon_hold(NULL, "x", &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_basket_set_coupon_hold(b, NULL, &err), LOY_OK); /* cleared */
    loy_basket_free(b);
    /* Only a code a limit counts needs the hold. */
    CHECK_STATUS(loy_basket_new(&b, &err), LOY_OK);
    CHECK_STATUS(loy_basket_add_line(b, "TEA", "drinks", 1000, 100000, 0, NULL, &err), LOY_OK);
    CHECK_STATUS(loy_basket_add_coupon(b, "OPEN", &err), LOY_OK);
    commit_basket(db, b, "coupon-sale-2", NULL, 0);
    check_verified(db);
    loy_close(db);
}

/* A till of a chain may let members spend a little without a hold while the authority cannot be
 * reached: within its offline allowance, per till and per member in any 24 hours. */
static int32_t spend_offline(loy_db* db, int64_t member, int64_t points, const char* key,
                             int32_t* mode) {
    loy_basket* b = NULL;
    CHECK_STATUS(loy_basket_new(&b, &err), LOY_OK);
    CHECK_STATUS(loy_basket_set_member(b, member, &err), LOY_OK);
    CHECK_STATUS(loy_basket_add_line(b, "TEA", "drinks", 1000, 100000, 0, NULL, &err), LOY_OK);
    CHECK_STATUS(loy_basket_redeem_points(b, points, &err), LOY_OK);
    loy_receipt* r = NULL;
    const int32_t rc = loy_commit(db, b, key, &r, &err);
    *mode = r ? loy_receipt_redeem_mode(r) : -1;
    loy_receipt_free(r);
    loy_basket_free(b);
    return rc;
}

static void test_offline_allowance(void) {
    remove_database("allowance.db");
    char path[1024];
    snprintf(path, sizeof path, "%s/allowance.db", dir);
    loy_open_options o;
    loy_open_options_init(&o);
    CHECK(o.offline_till_points == 0 && o.offline_member_points == 0);
    o.path = path;
    o.origin = "branch-d";
    o.default_currency = "IRT";
    o.chain_mode = 1;
    o.offline_till_points = -1;
    loy_db* db = NULL;
    CHECK_STATUS(loy_open(&o, &db, &err), LOY_ERR_INVALID_ARGUMENT);
    o.offline_till_points = 100;
    o.offline_member_points = 40;
    CHECK_STATUS(loy_open(&o, &db, &err), LOY_OK);
    if (!db) return;
    CHECK_STATUS(loy_program_load_json(db, PROGRAMME, NULL, &err), LOY_OK);
    const int64_t a = enrol_phone(db, "09121234567", NULL, 0);
    const int64_t b = enrol_phone(db, "09351112233", NULL, 0);
    const int64_t c = enrol_phone(db, "09131112233", NULL, 0);
    sell(db, a, 200000, 0, "earn-a", NULL, 0);
    sell(db, b, 200000, 0, "earn-b", NULL, 0);
    sell(db, c, 200000, 0, "earn-c", NULL, 0);
    int32_t mode = -1;
    CHECK_STATUS(spend_offline(db, a, 30, "a-1", &mode), LOY_OK);
    CHECK(mode == LOY_REDEEM_ALLOWANCE);
    /* 30 + 20 > 40 for one member */
    CHECK_STATUS(spend_offline(db, a, 20, "a-2", &mode), LOY_ERR_OFFLINE_LIMIT);
    CHECK(strstr(err.message, "30 of 40") != NULL);
    CHECK_STATUS(spend_offline(db, b, 40, "b-1", &mode), LOY_OK);
    /* 70 + 40 > 100 for the till */
    CHECK_STATUS(spend_offline(db, c, 40, "c-1", &mode), LOY_ERR_OFFLINE_LIMIT);
    CHECK(strstr(err.message, "70 of 100") != NULL);
    CHECK(strcmp(loy_status_name(LOY_ERR_OFFLINE_LIMIT), "LOY_ERR_OFFLINE_LIMIT") == 0);
    /* A day later, the allowance is there again; a replay returns the first result. */
    CHECK_STATUS(loy_set_clock(db, loy_now(db) + 86400000 + 1000, &err), LOY_OK);
    CHECK_STATUS(spend_offline(db, c, 30, "c-1", &mode), LOY_OK);
    CHECK_STATUS(spend_offline(db, a, 30, "a-1", &mode), LOY_OK);
    CHECK(mode == LOY_REDEEM_ALLOWANCE);
    check_verified(db);
    loy_close(db);
}

/* A receipt claimed at the till that made the sale travels: the other file's sale takes the
 * member and the points, and a void made there takes them back at both. */
static void test_a_claimed_receipt_travels(void) {
    loy_db* a = till("claim-a.db", "branch-a");
    loy_db* b = till("claim-b.db", "branch-b");
    if (!a || !b) return;
    char claims[1024];
    snprintf(claims, sizeof claims, "%.*s,\"claims\":{}}", (int)strlen(PROGRAMME) - 1, PROGRAMME);
    CHECK_STATUS(loy_program_load_json(a, claims, NULL, &err), LOY_OK);
    CHECK_STATUS(loy_program_load_json(b, claims, NULL, &err), LOY_OK);
    loy_member_fields f;
    loy_member_fields_init(&f);
    f.phone = "09121234567";
    loy_member* m = NULL;
    CHECK_STATUS(loy_member_enrol(a, &f, "a-enrol", &m, &err), LOY_OK);
    char shirin[64];
    snprintf(shirin, sizeof shirin, "%s", m ? loy_member_uid(m) : "");
    const int64_t shirin_a = m ? loy_member_id(m) : 0;
    loy_member_free(m);
    char sale[64];
    const int64_t sale_a = sell(a, 0, 80000, 0, "a-anonymous", sale, sizeof sale);
    exchange(a, b);
    int64_t sale_b = 0;
    CHECK_STATUS(loy_sale_find_by_uid(b, sale, &sale_b, &err), LOY_OK);
    /* Only the till that made the sale claims it. */
    loy_receipt* r = NULL;
    CHECK_STATUS(loy_sale_claim(b, sale_b, member_id(b, shirin), NULL, "b-claim", &r, &err),
                 LOY_ERR_INVALID_STATE);
    CHECK_STATUS(loy_sale_claim(a, sale_a, shirin_a, "sara", "a-claim", &r, &err), LOY_OK);
    CHECK(r != NULL && loy_receipt_points_earned(r) == 80);
    loy_receipt_free(r);
    exchange(a, b);
    check_same(a, b, shirin);
    m = by_uid(b, shirin);
    CHECK(m != NULL && loy_member_balance(m) == 80);
    loy_member_free(m);
    CHECK_STATUS(loy_void_sale(b, sale_b, "b-void", &r, &err), LOY_OK);
    CHECK(r != NULL && loy_receipt_balance_after(r) == 0);
    loy_receipt_free(r);
    exchange(a, b);
    check_same(a, b, shirin);
    m = by_uid(a, shirin);
    CHECK(m != NULL && loy_member_balance(m) == 0);
    loy_member_free(m);
    check_verified(a);
    check_verified(b);
    loy_close(a);
    loy_close(b);
}

/* Enrols a member at `db` with `phone` and `name`: their chain-wide id, into `uid`. */
static int64_t enrol_named(loy_db* db, const char* phone, const char* name, const char* key,
                           char* uid, size_t size) {
    loy_member_fields f;
    loy_member_fields_init(&f);
    f.phone = phone;
    f.name = name;
    loy_member* m = NULL;
    CHECK_STATUS(loy_member_enrol(db, &f, key, &m, &err), LOY_OK);
    const int64_t id = m ? loy_member_id(m) : 0;
    snprintf(uid, size, "%s", m ? loy_member_uid(m) : "");
    loy_member_free(m);
    return id;
}

/* A new list holding branch-a's records at `from` after seq `after`, but the first `skip`. */
static loy_journal* records_after(loy_db* from, int64_t after, size_t skip) {
    return records_of_origin(from, "branch-a", after, skip);
}

static void add_profile(loy_journal* j, const char* uid, const char* phone, const char* name) {
    loy_member_fields f;
    loy_member_fields_init(&f);
    f.phone = phone;
    f.name = name;
    CHECK_STATUS(loy_journal_add_profile(j, uid, &f, &err), LOY_OK);
}

/* The member with `phone` at `db`: their chain-wide id, or "" when none has it. */
static const char* uid_by_phone(loy_db* db, const char* phone) {
    static char uid[64];
    loy_member* m = NULL;
    uid[0] = '\0';
    if (loy_member_find_by_phone(db, phone, &m, &err) == LOY_OK)
        snprintf(uid, sizeof uid, "%s", loy_member_uid(m));
    loy_member_free(m);
    return uid;
}

static void test_records_and_profiles_land_together(void) {
    loy_db* a = till("exchange-profiles-a.db", "branch-a");
    loy_db* b = till("exchange-profiles-b.db", "branch-b");
    if (!a || !b) return;
    char nasrin[64], reza[64], kian_a[64], kian_b[64];
    enrol_named(a, "09121110001", "Nasrin Karimi", "p-enrol-1", nasrin, sizeof nasrin);
    enrol_named(a, "09121110002", "Reza Ahmadi", "p-enrol-2", reza, sizeof reza);
    const int64_t held = records_of(a, "branch-a");

    /* A list B cannot apply (its first record missing: a gap) writes no profile either. */
    loy_journal* j = records_after(a, 0, 1);
    add_profile(j, nasrin, "09121110001", "Nasrin Karimi");
    int64_t applied = -1, duplicates = -1;
    CHECK_STATUS(loy_journal_apply(b, j, &applied, &duplicates, &err), LOY_ERR_SYNC_GAP);
    CHECK(applied == 0);
    loy_journal_free(j);
    CHECK(strcmp(uid_by_phone(b, "09121110001"), "") == 0);
    loy_member* m = NULL;
    CHECK_STATUS(loy_member_find_by_uid(b, nasrin, &m, &err), LOY_ERR_NOT_FOUND);

    /* The whole list: both members arrive with their phones, in one transaction; a profile of a
     * member B does not hold is passed over. B writes no record of a profile. */
    const int64_t b_records = records_of(b, "branch-b");
    j = records_after(a, 0, 0);
    add_profile(j, nasrin, "09121110001", "Nasrin Karimi");
    add_profile(j, reza, "09121110002", "Reza Ahmadi");
    add_profile(j, "branch-a:M99", "09121110009", "Nobody");
    CHECK_STATUS(loy_journal_apply(b, j, &applied, &duplicates, &err), LOY_OK);
    CHECK(applied == held && duplicates == 0);
    loy_journal_free(j);
    CHECK(strcmp(uid_by_phone(b, "09121110001"), nasrin) == 0);
    CHECK(strcmp(uid_by_phone(b, "09121110002"), reza) == 0);
    CHECK(strcmp(uid_by_phone(b, "09121110009"), "") == 0);
    m = by_uid(b, nasrin);
    CHECK(m && strcmp(loy_member_name(m), "Nasrin Karimi") == 0);
    loy_member_free(m);
    CHECK(records_of(b, "branch-b") == b_records);

    /* One phone enrolled at both branches while apart: A's member arrives without it, B's keeps
     * it, and the rest of the list is applied. */
    const int64_t kian_b_id =
        enrol_named(b, "09121110003", "Kian of B", "p-enrol-3", kian_b, sizeof kian_b);
    enrol_named(a, "09121110003", "Kian of A", "p-enrol-4", kian_a, sizeof kian_a);
    j = records_after(a, held, 0);
    add_profile(j, kian_a, "09121110003", "Kian of A");
    add_profile(j, reza, "09121110002", "Reza Ahmadi-Tehrani");
    CHECK_STATUS(loy_journal_apply(b, j, &applied, NULL, &err), LOY_OK);
    CHECK(applied == 1);
    loy_journal_free(j);
    CHECK(strcmp(uid_by_phone(b, "09121110003"), kian_b) == 0);
    m = by_uid(b, kian_a);
    CHECK(m && strcmp(loy_member_phone(m), "") == 0 && loy_member_id(m) != kian_b_id);
    loy_member_free(m);
    m = by_uid(b, reza);
    CHECK(m && strcmp(loy_member_name(m), "Reza Ahmadi-Tehrani") == 0);
    loy_member_free(m);

    /* A list refused (a profile with no id of a member) changes nothing, its other profiles
     * included. */
    j = records_after(a, held + 1, 0);
    add_profile(j, reza, "09121110002", "Reza A.");
    add_profile(j, "not-an-id", "09121110008", "Nobody");
    CHECK_STATUS(loy_journal_apply(b, j, &applied, NULL, &err), LOY_ERR_INVALID_ARGUMENT);
    loy_journal_free(j);
    m = by_uid(b, reza);
    CHECK(m && strcmp(loy_member_name(m), "Reza Ahmadi-Tehrani") == 0);
    loy_member_free(m);

    /* Erasure wins: a profile that comes with the erasing record is not written. */
    const int64_t nasrin_a = member_id(a, nasrin);
    CHECK_STATUS(loy_member_erase_with_key(a, nasrin_a, "p-erase-1", &err), LOY_OK);
    j = records_after(a, held + 1, 0);
    add_profile(j, nasrin, "09121110001", "Nasrin Karimi");
    CHECK_STATUS(loy_journal_apply(b, j, &applied, NULL, &err), LOY_OK);
    CHECK(applied == 1);
    loy_journal_free(j);
    m = by_uid(b, nasrin);
    CHECK(m && loy_member_status(m) == LOY_MEMBER_ERASED && strcmp(loy_member_phone(m), "") == 0 &&
          strcmp(loy_member_name(m), "") == 0);
    loy_member_free(m);
    CHECK(strcmp(uid_by_phone(b, "09121110001"), "") == 0);
    check_verified(b);

    /* Bad arguments. */
    loy_member_fields f;
    loy_member_fields_init(&f);
    f.phone = "09121110005";
    CHECK_STATUS(loy_journal_new(&j, &err), LOY_OK);
    CHECK_STATUS(loy_journal_add_profile(NULL, reza, &f, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_journal_add_profile(j, NULL, &f, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_journal_add_profile(j, reza, NULL, &err), LOY_ERR_INVALID_ARGUMENT);
    loy_journal_free(j);
    loy_close(a);
    loy_close(b);
}

/* The uid of member `id` of `db`, into `uid`. */
static void uid_of(loy_db* db, int64_t id, char* uid, size_t cap) {
    loy_member* m = NULL;
    CHECK_STATUS(loy_member_get(db, id, &m, &err), LOY_OK);
    snprintf(uid, cap, "%s", m ? loy_member_uid(m) : "");
    loy_member_free(m);
}

static int64_t balance_by_uid(loy_db* db, const char* uid) {
    loy_member* m = by_uid(db, uid);
    const int64_t b = m ? loy_member_balance(m) : -1;
    loy_member_free(m);
    return b;
}

/* Two files, the head office's (branch-a) and a till's (branch-b, of a chain when `chain`), with
 * members x and y enrolled at the head office, x bought for `amount` there, and both files
 * exchanged; the clocks fixed at `clock` unless it is 0. Returns 0 if a file did not open. */
struct two_members {
    loy_db *hq, *tb;
    int64_t x, y;
    char ux[64], uy[64];
};

static int two_members_known_to_both(struct two_members* p, const char* hq_file,
                                     const char* tb_file, int32_t chain, int64_t clock,
                                     int64_t amount) {
    remove_database(hq_file);
    remove_database(tb_file);
    p->hq = open_as(hq_file, "branch-a", 0, 0, LOY_OK);
    p->tb = open_as(tb_file, "branch-b", 0, chain, LOY_OK);
    if (!p->hq || !p->tb) return 0;
    if (clock) {
        CHECK_STATUS(loy_set_clock(p->hq, clock, &err), LOY_OK);
        CHECK_STATUS(loy_set_clock(p->tb, clock, &err), LOY_OK);
    }
    CHECK_STATUS(loy_program_load_json(p->hq, PROGRAMME, NULL, &err), LOY_OK);
    CHECK_STATUS(loy_program_load_json(p->tb, PROGRAMME, NULL, &err), LOY_OK);
    p->x = enrol_phone(p->hq, "09121110001", NULL, 0);
    p->y = enrol_phone(p->hq, "09121110002", NULL, 0);
    sell(p->hq, p->x, amount, 0, "hq-1", NULL, 0); /* a point per 1,000 */
    uid_of(p->hq, p->x, p->ux, sizeof p->ux);
    uid_of(p->hq, p->y, p->uy, sizeof p->uy);
    exchange(p->hq, p->tb);
    return 1;
}

/* A till sells to a member offline while the head office merges that member into another: the
 * points the sale earned follow the merge, once, at every file. */
static void test_points_recorded_after_a_merge_follow_it(void) {
    struct two_members p;
    if (!two_members_known_to_both(&p, "merge-hq.db", "merge-till.db", 1, 0, 100000)) return;
    loy_db *hq = p.hq, *tb = p.tb;
    const int64_t x = p.x, y = p.y;
    const char *ux = p.ux, *uy = p.uy;
    CHECK(balance_by_uid(tb, ux) == 100);

    /* Apart: the till sells to x (40 points); the head office merges x into y. */
    sell(tb, member_id(tb, ux), 40000, 0, "tb-1", NULL, 0);
    loy_member* s = NULL;
    CHECK_STATUS(loy_member_merge_with_key(hq, y, x, "merge-1", &s, &err), LOY_OK);
    CHECK(s && loy_member_balance(s) == 100);
    loy_member_free(s);
    const int64_t hq_records = records_of(hq, "branch-a");

    exchange(hq, tb);
    /* Both files: the 40 points are y's, x holds nothing, and y's lifetime counts all 140. */
    CHECK(balance_by_uid(hq, uy) == 140 && balance_by_uid(hq, ux) == 0);
    CHECK(balance_by_uid(tb, uy) == 140 && balance_by_uid(tb, ux) == 0);
    check_same(hq, tb, uy);
    check_same(hq, tb, ux);
    loy_member* m = by_uid(hq, uy);
    CHECK(m && loy_member_lifetime_earned(m) == 140);
    loy_member_free(m);
    /* Moved once, by the head office, in one record of its own; the till wrote only its sale. */
    CHECK(records_of(hq, "branch-a") == hq_records + 1);
    CHECK(last_record_has(hq, "points recorded after the merge"));
    CHECK(records_of(tb, "branch-b") == 1);
    exchange(hq, tb);
    CHECK(records_of(hq, "branch-a") == hq_records + 1);
    CHECK(balance_by_uid(hq, uy) == 140 && balance_by_uid(tb, uy) == 140);
    /* Every projection is what the facts give, at both files. */
    int64_t corrected = -1;
    CHECK_STATUS(loy_rebuild(hq, &corrected, &err), LOY_OK);
    CHECK(corrected == 0);
    CHECK_STATUS(loy_rebuild(tb, &corrected, &err), LOY_OK);
    CHECK(corrected == 0);
    check_verified(hq);
    check_verified(tb);
    loy_close(hq);
    loy_close(tb);
}

/* A till's clock set back (by hand, or by the network's time) after a member is enrolled: the
 * merge written then still comes after the enrolment in every file's order of that till's
 * records, so both files end with the member merged and loy_verify finds each fact as its last
 * record says. */
static void test_a_clock_set_back_keeps_a_tills_order(void) {
    const int64_t t0 = 1795242600000LL;
    struct two_members p;
    if (!two_members_known_to_both(&p, "clock-hq.db", "clock-till.db", 0, t0, 60000)) return;
    loy_db *hq = p.hq, *tb = p.tb;
    const int64_t x = p.x, y = p.y;
    const char *ux = p.ux, *uy = p.uy;
    /* An hour back, then the merge. */
    CHECK_STATUS(loy_set_clock(hq, t0 - 3600000, &err), LOY_OK);
    loy_member* s = NULL;
    CHECK_STATUS(loy_member_merge_with_key(hq, y, x, "clock-merge", &s, &err), LOY_OK);
    loy_member_free(s);
    loy_journal* j = NULL;
    CHECK_STATUS(loy_journal_read(hq, "branch-a", 0, 10000, &j, &err), LOY_OK);
    const size_t n = j ? loy_journal_count(j) : 0;
    CHECK(n >= 4);
    for (size_t i = 1; i < n; ++i)
        CHECK(loy_journal_created_at(j, i) >= loy_journal_created_at(j, i - 1));
    loy_journal_free(j);
    exchange(hq, tb);
    /* Compared at one moment: what is available or pending depends on the file's clock. */
    CHECK_STATUS(loy_set_clock(hq, t0 + 60000, &err), LOY_OK);
    CHECK_STATUS(loy_set_clock(tb, t0 + 60000, &err), LOY_OK);
    CHECK(balance_by_uid(hq, uy) == 60 && balance_by_uid(hq, ux) == 0);
    check_same(hq, tb, uy);
    check_same(hq, tb, ux);
    loy_member* m = by_uid(tb, ux);
    CHECK(m && loy_member_status(m) == LOY_MEMBER_MERGED);
    loy_member_free(m);
    check_verified(hq);
    check_verified(tb);
    loy_close(hq);
    loy_close(tb);
}

/* A household's void travels with the account it moved: the son's sale earned into the
 * household's account, he left, and the sale was voided at A. At B, where the void's record
 * lands after his leaving, its receipt shows the household's balance (the account its entries
 * moved), as A's does, not his own card's. */
static void test_a_household_void_travels(void) {
    loy_db* a = till("household-a.db", "branch-a");
    loy_db* b = till("household-b.db", "branch-b");
    if (!a || !b) return;
    char mom[64], son[64];
    const int64_t mom_a = enrol_named(a, "09121234567", "Maryam", "hv-1", mom, sizeof mom);
    const int64_t son_a = enrol_named(a, "09127654321", "Arash", "hv-2", son, sizeof son);
    CHECK_STATUS(loy_points_adjust(a, mom_a, 100, "opening", "mgr", "hv-3", NULL, &err), LOY_OK);
    int64_t house = 0;
    CHECK_STATUS(loy_household_create(a, mom_a, "hv-4", &house, &err), LOY_OK);
    CHECK_STATUS(loy_household_join(a, house, son_a, "hv-5", &err), LOY_OK);
    const int64_t sale = sell(a, son_a, 40000, 0, "hv-sale", NULL, 0); /* 40 points */
    CHECK_STATUS(loy_household_leave(a, son_a, "hv-6", &err), LOY_OK);
    CHECK(balance_by_uid(a, mom) == 140 && balance_by_uid(a, son) == 0);
    loy_receipt* r = NULL;
    CHECK_STATUS(loy_void_sale(a, sale, "hv-void", &r, &err), LOY_OK);
    char void_uid[64];
    snprintf(void_uid, sizeof void_uid, "%s", r ? loy_receipt_uid(r) : "");
    CHECK(r != NULL && loy_receipt_balance_after(r) == 100);
    loy_receipt_free(r);
    exchange(a, b);
    check_same(a, b, mom);
    check_same(a, b, son);
    r = NULL;
    CHECK_STATUS(loy_receipt_get(b, void_uid, &r, &err), LOY_OK);
    CHECK(r != NULL && loy_receipt_points_earned(r) == 40 && loy_receipt_balance_after(r) == 100);
    loy_receipt_free(r);
    check_verified(a);
    check_verified(b);
    loy_close(a);
    loy_close(b);
}

/* The chain-wide id of the member with `phone` at `db`, quoted as a record's body names it. */
static const char* quoted_uid(loy_db* db, const char* phone) {
    static char quoted[72];
    snprintf(quoted, sizeof quoted, "\"%s\"", uid_by_phone(db, phone));
    return quoted;
}

/* The first `what` in `at`, or NULL. (strstr called again and again along a body of 4 MiB is
 * quadratic under AddressSanitizer, whose strstr measures the whole rest of the text each time.) */
static const char* next_of(const char* at, const char* what) {
    const size_t n = strlen(what);
    for (; *at; ++at)
        if (*at == what[0] && strncmp(at, what, n) == 0) return at;
    return NULL;
}

/* How many facts of type `type` a record's body holds. */
static int64_t facts_in(const char* body, const char* type) {
    char t[48];
    snprintf(t, sizeof t, "{\"t\":\"%s\"", type);
    int64_t n = 0;
    for (const char* at = next_of(body, t); at; at = next_of(at + 1, t))
        ++n;
    return n;
}

/* The chain-wide ids of the members whose facts a record's body holds, in its order (an
 * import's, in the order of its rows): up to `max` into `uids`; returns how many. */
static int member_uids(const char* body, char (*uids)[40], int max) {
    static const char kFact[] = "{\"t\":\"member\",\"id\":\"";
    int n = 0;
    for (const char* at = next_of(body, kFact); at && n < max; at = next_of(at, kFact)) {
        at += sizeof kFact - 1;
        const char* end = strchr(at, '"');
        if (!end || end - at >= 40) break;
        memcpy(uids[n], at, (size_t)(end - at));
        uids[n++][end - at] = '\0';
    }
    return n;
}

/* Adds the profiles of the import's rows [from, to), whose ids are `uids[0]`…, to `j`. */
static void add_import_profiles(loy_journal* j, char (*uids)[40], int from, int to) {
    char phone[16], name[32];
    for (int i = from; i < to; ++i) {
        snprintf(phone, sizeof phone, "0935%07d", 3000000 + i);
        snprintf(name, sizeof name, "Customer %d", i);
        add_profile(j, uids[i - from], phone, name);
    }
}

/* An import at A is written as records each ending at the first fact past 4 MiB. A list holds
 * at most 10000 profiles, but a list of one record holds the profiles of all the members it
 * names: B takes the first record, naming over 10,000 members, with every profile in one list,
 * then the rest. A list of two records refuses the 10,001st profile. */
static void test_an_import_is_records_of_4_mib_with_their_profiles(void) {
    loy_db* a = till("exchange-import-a.db", "branch-a");
    loy_db* b = till("exchange-import-b.db", "branch-b");
    if (!a || !b) return;
    exchange(a, b);
    const int64_t held = records_of(a, "branch-a");
    /* About 160 bytes of text a member: 30,000 make more than one record of 4 MiB. */
    enum { kRows = 30000 };
    static char csv[16 + kRows * 32];
    size_t at = (size_t)snprintf(csv, sizeof csv, "phone,name\n");
    for (int i = 0; i < kRows; ++i)
        at += (size_t)snprintf(csv + at, sizeof csv - at, "0935%07d,Customer %d\n", 3000000 + i, i);
    int64_t rows = 0, imported = 0;
    CHECK_STATUS(loy_members_import_csv(a, csv, 0, &rows, &imported, NULL, &err), LOY_OK);
    CHECK(imported == kRows);
    /* The members' facts, then the tier each joins at (the programme's first tier), in records
     * each ending at the first fact past 4 MiB. */
    loy_journal* all = records_after(a, held, 0);
    const size_t n = all ? loy_journal_count(all) : 0;
    CHECK(n >= 3);
    if (n < 3) return;
    int64_t members = 0;
    for (size_t i = 0; i < n; ++i) {
        const size_t bytes = strlen(loy_journal_body(all, i));
        CHECK(i + 1 == n || (bytes >= 4u << 20 && bytes < (4u << 20) + 1024));
        CHECK(strcmp(loy_journal_kind(all, i), "member") == 0);
        members += facts_in(loy_journal_body(all, i), "member");
    }
    CHECK(members == kRows && facts_in(loy_journal_body(all, n - 1), "tier_event") > 0);
    /* One read ends with the record that brings its bodies to 8 MiB: the first two. */
    loy_journal* page = NULL;
    CHECK_STATUS(loy_journal_read(a, "branch-a", held, 10000, &page, &err), LOY_OK);
    CHECK(page && loy_journal_count(page) == 2);
    CHECK(page &&
          strlen(loy_journal_body(page, 0)) + strlen(loy_journal_body(page, 1)) >= 8u << 20);
    loy_journal_free(page);
    const char* first_body = loy_journal_body(all, 0);
    const char* second_body = loy_journal_body(all, 1);
    const int64_t first = facts_in(first_body, "member");
    CHECK(first > 10000 && first < kRows);
    char phone[16];
    snprintf(phone, sizeof phone, "0935%07d", 3000000 + (int)first - 1);
    CHECK(strstr(first_body, quoted_uid(a, phone)) && !strstr(second_body, quoted_uid(a, phone)));
    snprintf(phone, sizeof phone, "0935%07d", 3000000 + (int)first);
    CHECK(strstr(second_body, quoted_uid(a, phone)) && !strstr(first_body, quoted_uid(a, phone)));
    /* The members' ids in the order of the import's rows: the first record's, then the second's. */
    static char uids[kRows][40];
    const int in_first = member_uids(first_body, uids, kRows);
    const int in_second = member_uids(second_body, uids + in_first, kRows - in_first);
    CHECK(in_first == first && in_first + in_second == kRows);
    CHECK(strcmp(uids[0], uid_by_phone(a, "09353000000")) == 0);
    CHECK(strcmp(uids[kRows - 1], uid_by_phone(a, "09353029999")) == 0);
    /* A list of one record takes the profiles of all the members it names (more than 10,000);
     * a list of two takes 10,000. */
    loy_journal* rest = records_after(a, held + 1, 0);
    loy_journal* one = NULL;
    loy_journal* both = NULL;
    CHECK_STATUS(loy_journal_new(&one, &err), LOY_OK);
    CHECK_STATUS(loy_journal_new(&both, &err), LOY_OK);
    add_record(one, all, 0);
    add_record(both, all, 0);
    add_record(both, all, 1);
    add_import_profiles(one, uids, 0, (int)first);
    for (int i = 0; i < 10001; ++i) {
        loy_member_fields f;
        loy_member_fields_init(&f);
        snprintf(phone, sizeof phone, "0935%07d", 3000000 + i);
        f.phone = phone;
        CHECK_STATUS(loy_journal_add_profile(both, uids[i], &f, &err),
                     i < 10000 ? LOY_OK : LOY_ERR_INVALID_ARGUMENT);
    }
    int64_t applied = 0, duplicates = 0;
    CHECK_STATUS(loy_journal_apply(b, one, &applied, &duplicates, &err), LOY_OK);
    CHECK(applied == 1 && duplicates == 0);
    snprintf(phone, sizeof phone, "0935%07d", 3000000 + (int)first - 1);
    CHECK(strcmp(uid_by_phone(b, phone), uid_by_phone(a, phone)) == 0);
    CHECK(uid_by_phone(b, phone)[0] != '\0');
    snprintf(phone, sizeof phone, "0935%07d", 3000000 + (int)first);
    CHECK(uid_by_phone(b, phone)[0] == '\0');
    /* The other records, with the profiles of the members they bring. */
    add_import_profiles(rest, uids + first, (int)first, kRows);
    CHECK_STATUS(loy_journal_apply(b, rest, &applied, &duplicates, &err), LOY_OK);
    CHECK(applied == (int64_t)n - 1 && duplicates == 0);
    CHECK(strcmp(uid_by_phone(b, phone), uid_by_phone(a, phone)) == 0);
    CHECK(strcmp(uid_by_phone(b, "09353029999"), uid_by_phone(a, "09353029999")) == 0);
    CHECK(uid_by_phone(b, "09353029999")[0] != '\0');
    loy_journal_free(all);
    loy_journal_free(both);
    loy_journal_free(one);
    loy_journal_free(rest);
    check_verified(a);
    check_verified(b);
    loy_close(a);
    loy_close(b);
}

static const char* THREE_TIERS =
    "{\"name\":\"Chain\",\"currency\":\"IRT\",\"utc_offset_minutes\":210,"
    "\"spend\":[{\"id\":\"base\",\"name\":\"1 point per 1,000\",\"points\":1,\"per\":1000,"
    "\"rounding\":\"floor\"}],"
    "\"tiers\":{\"window\":\"lifetime\",\"levels\":[{\"id\":\"bronze\",\"threshold\":0},"
    "{\"id\":\"silver\",\"threshold\":150},{\"id\":\"gold\",\"threshold\":300}]}}";

static const char* tier_of(loy_db* db, const char* uid, char* out, size_t cap) {
    loy_member* m = by_uid(db, uid);
    snprintf(out, cap, "%s", m ? loy_member_tier(m) : "?");
    loy_member_free(m);
    return out;
}

/* Two tills place a member in tiers while apart: A at silver, then B, an hour later, at gold.
 * Every file holds the tier of the latest tier event, whatever order the events reach it in (as
 * the chain's authority does): gold at both after they exchange, and at a third file that learns
 * B's records before A's. Each file's own rebuild (loy_verify) agrees. */
static void test_the_latest_tier_event_decides(void) {
    const int64_t t0 = 1795242600000LL, hour = 3600000;
    const char* files[] = {"tiers-a.db", "tiers-b.db", "tiers-c.db"};
    const char* origins[] = {"branch-a", "branch-b", "branch-c"};
    loy_db* db[3] = {NULL, NULL, NULL};
    for (int i = 0; i < 3; ++i) {
        remove_database(files[i]);
        db[i] = open_with(files[i], origins[i], 0, LOY_OK);
        if (!db[i]) return;
        CHECK_STATUS(loy_set_clock(db[i], t0, &err), LOY_OK);
        CHECK_STATUS(loy_program_load_json(db[i], THREE_TIERS, NULL, &err), LOY_OK);
    }
    loy_member_fields f;
    loy_member_fields_init(&f);
    f.phone = "09121112233";
    loy_member* m = NULL;
    CHECK_STATUS(loy_member_enrol(db[0], &f, "t-enrol", &m, &err), LOY_OK);
    char uid[64];
    snprintf(uid, sizeof uid, "%s", m ? loy_member_uid(m) : "");
    loy_member_free(m);
    int64_t applied = 0, duplicates = 0;
    CHECK_STATUS(send(db[0], db[1], "branch-a", &applied, &duplicates), LOY_OK);
    CHECK_STATUS(send(db[0], db[2], "branch-a", &applied, &duplicates), LOY_OK);
    CHECK_STATUS(loy_set_clock(db[0], t0 + hour, &err), LOY_OK);
    sell(db[0], member_id(db[0], uid), 160000, 0, "t-sale-a", NULL, 0);
    CHECK_STATUS(loy_set_clock(db[1], t0 + 2 * hour, &err), LOY_OK);
    sell(db[1], member_id(db[1], uid), 320000, 0, "t-sale-b", NULL, 0);
    char tier[32];
    CHECK(strcmp(tier_of(db[0], uid, tier, sizeof tier), "silver") == 0);
    CHECK(strcmp(tier_of(db[1], uid, tier, sizeof tier), "gold") == 0);
    CHECK_STATUS(send(db[1], db[2], "branch-b", &applied, &duplicates), LOY_OK);
    CHECK_STATUS(send(db[0], db[2], "branch-a", &applied, &duplicates), LOY_OK);
    exchange(db[0], db[1]);
    for (int i = 0; i < 3; ++i) {
        CHECK(strcmp(tier_of(db[i], uid, tier, sizeof tier), "gold") == 0);
        int64_t problems = -1;
        CHECK_STATUS(loy_verify(db[i], &problems, NULL, 0, NULL, &err), LOY_OK);
        CHECK(problems == 0);
    }
    for (int i = 0; i < 3; ++i)
        loy_close(db[i]);
}

int main(int argc, char** argv) {
    static const struct test tests[] = {
        {"two tills exchanging journals converge", test_two_tills_converge},
        {"a third file rebuilds from the journals", test_a_third_file_rebuilds_from_the_journals},
        {"a file restored in place is a fork", test_restored_file_is_a_fork},
        {"points recorded after a merge follow it", test_points_recorded_after_a_merge_follow_it},
        {"a clock set back keeps a till's order", test_a_clock_set_back_keeps_a_tills_order},
        {"in chain mode, points are spent only under a hold", test_chain_mode_spends_under_a_hold},
        {"in chain mode, gift cards pay only under a hold", test_chain_mode_giftcards_under_a_hold},
        {"a programme released for the chain takes effect at its start",
         test_programmes_released_for_the_chain},
        {"in chain mode, wallet money is spent only under a hold",
         test_chain_mode_wallet_under_a_hold},
        {"in chain mode, counted coupons are used only under a hold",
         test_chain_mode_coupons_under_a_hold},
        {"the offline allowance", test_offline_allowance},
        {"a claimed receipt travels", test_a_claimed_receipt_travels},
        {"records and the profiles of their members land together",
         test_records_and_profiles_land_together},
        {"a household's void travels with the account it moved", test_a_household_void_travels},
        {"an import is records of 4 MiB, each with its profiles",
         test_an_import_is_records_of_4_mib_with_their_profiles},
        {"the latest tier event decides, whatever order it arrives in",
         test_the_latest_tier_event_decides},
    };
    return test_main(argc, argv, tests, sizeof tests / sizeof tests[0]);
}
