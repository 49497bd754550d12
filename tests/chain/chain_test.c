/* The chain on a real PostgreSQL (started by tests/chain/run.sh): two branches and a web shop,
 * each with its own file, share members through the authority. A member enrolled at one branch
 * is found by phone at the other and at the shop, with the same points; sales made while the
 * authority is unreachable wait and go when it is back; every record is taken exactly once; an
 * erasure reaches every till; a branch whose file was restored from a backup in place is refused
 * as a fork and quarantined, and the others carry on.
 *
 *   chain_test <scratch dir> <conninfo of the authority without a user> [--large]
 *
 * --large runs instead the scenarios too heavy for every build (an import past a pull's page). */
#define _POSIX_C_SOURCE 200809L /* nanosleep */
#include <loyalty/loyalty.h>
#include <loyalty/sync.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../c/check.h"

static const char* PROGRAMME =
    "{\"name\":\"Chain\",\"currency\":\"IRT\",\"utc_offset_minutes\":210,"
    "\"spend\":[{\"id\":\"base\",\"name\":\"1 point per 1,000\",\"points\":1,\"per\":1000,"
    "\"rounding\":\"floor\"}],"
    "\"redeem\":{\"point_value\":\"100\",\"min_points\":1,\"max_share\":\"0.5\"}}";

static char conninfo_base[1024];

struct till {
    loy_db* db;
    loy_sync* sync;
};

/* A till's file (new when `fresh`, in chain mode when `chain`) and its sync handle, moving
 * `batch` records a transaction. */
static struct till open_till_batch(const char* file, const char* origin, const char* role,
                                   int fresh, int chain, int batch) {
    struct till t = {NULL, NULL};
    if (fresh) remove_database(file);
    t.db = open_as(file, origin, 0, chain, LOY_OK);
    if (!t.db) return t;
    if (fresh) CHECK_STATUS(loy_program_load_json(t.db, PROGRAMME, NULL, &err), LOY_OK);
    char conninfo[1200];
    snprintf(conninfo, sizeof conninfo, "%s user=%s", conninfo_base, role);
    loy_sync_options o;
    loy_sync_options_init(&o);
    o.conninfo = conninfo;
    o.batch_records = batch;
    CHECK_STATUS(loy_sync_open(t.db, &o, &t.sync, &err), LOY_OK);
    return t;
}

/* As open_till_batch, with small batches: several transactions per round. */
static struct till open_till_as(const char* file, const char* origin, const char* role, int fresh,
                                int chain) {
    return open_till_batch(file, origin, role, fresh, chain, 3);
}

static struct till open_till(const char* file, const char* origin, const char* role, int fresh) {
    return open_till_as(file, origin, role, fresh, 0);
}

static void close_till(struct till* t) {
    loy_sync_close(t->sync);
    loy_close(t->db);
    t->sync = NULL;
    t->db = NULL;
}

static loy_sync_report sync_ok(struct till* t) {
    loy_sync_report r;
    loy_sync_report_init(&r);
    CHECK_STATUS(loy_sync_run_once(t->sync, &r, &err), LOY_OK);
    return r;
}

static int64_t sell(loy_db* db, int64_t member, int64_t amount, int64_t points, const char* key) {
    loy_basket* b = NULL;
    CHECK_STATUS(loy_basket_new(&b, &err), LOY_OK);
    CHECK_STATUS(loy_basket_set_member(b, member, &err), LOY_OK);
    CHECK_STATUS(loy_basket_add_line(b, "TEA", "drinks", 1000, amount, 0, NULL, &err), LOY_OK);
    if (points) CHECK_STATUS(loy_basket_redeem_points(b, points, &err), LOY_OK);
    return commit_basket(db, b, key, NULL, 0);
}

static loy_member* by_phone(loy_db* db, const char* phone, int32_t want) {
    loy_member* m = NULL;
    CHECK_STATUS(loy_member_find_by_phone(db, phone, &m, &err), want);
    return m;
}

static int64_t balance_by_phone(loy_db* db, const char* phone) {
    loy_member* m = by_phone(db, phone, LOY_OK);
    int64_t b = m ? loy_member_balance(m) : -1;
    loy_member_free(m);
    return b;
}

static void test_branches_and_shop_share_members(void) {
    struct till a = open_till("chain-a.db", "branch-a", "branch_a", 1);
    struct till b = open_till("chain-b.db", "branch-b", "branch_b", 1);
    struct till shop = open_till("chain-shop.db", "web-shop", "shop", 1);
    if (!a.sync || !b.sync || !shop.sync) return;

    /* Shirin joins at branch A and buys. */
    loy_member_fields f;
    loy_member_fields_init(&f);
    f.phone = "09121234567";
    f.name = "Shirin Farahani";
    loy_member* m = NULL;
    CHECK_STATUS(loy_member_enrol(a.db, &f, "a-enrol-1", &m, &err), LOY_OK);
    const int64_t shirin_a = m ? loy_member_id(m) : 0;
    loy_member_free(m);
    sell(a.db, shirin_a, 120000, 0, "a-sale-1");

    loy_sync_report r = sync_ok(&a);
    CHECK(r.pushed == 2 && r.pulled == 0 && r.waiting == 0 && r.acked_seq == 2);
    CHECK(r.last_synced_at > 0);
    /* Branch B and the shop find her by phone, with her points. */
    r = sync_ok(&b);
    CHECK(r.pulled == 2 && r.profiles == 1 && r.conflicts == 0);
    r = sync_ok(&shop);
    CHECK(r.pulled == 2);
    CHECK(balance_by_phone(b.db, "09121234567") == 120);
    CHECK(balance_by_phone(shop.db, "09121234567") == 120);
    m = by_phone(b.db, "09121234567", LOY_OK);
    CHECK(m && strcmp(loy_member_name(m), "Shirin Farahani") == 0);
    const int64_t shirin_b = m ? loy_member_id(m) : 0;
    loy_member_free(m);

    /* Offline at B: the authority is unreachable, B sells anyway and its records wait. */
    char dead[1200];
    snprintf(dead, sizeof dead, "host=/nonexistent-socket-dir port=1 dbname=loyalty user=x");
    loy_sync_options o;
    loy_sync_options_init(&o);
    o.conninfo = dead;
    o.connect_timeout_s = 2;
    loy_sync* offline = NULL;
    CHECK_STATUS(loy_sync_open(b.db, &o, &offline, &err), LOY_OK);
    sell(b.db, shirin_b, 60000, 40, "b-sale-1");
    loy_sync_report_init(&r);
    CHECK_STATUS(loy_sync_run_once(offline, &r, &err), LOY_ERR_IO);
    CHECK(loy_status_is_transient(LOY_ERR_IO));
    CHECK(strstr(err.message, "cannot reach the authority") != NULL);
    loy_sync_close(offline);
    loy_sync_report_init(&r);
    CHECK_STATUS(loy_sync_status(b.sync, &r, &err), LOY_OK);
    CHECK(r.waiting == 1 && r.last_synced_at > 0);

    /* Back online: B's sale reaches A; A's new sale, sent after B's round, reaches B next. */
    sell(a.db, shirin_a, 30000, 0, "a-sale-2");
    r = sync_ok(&b);
    CHECK(r.pushed == 1 && r.pulled == 0 && r.waiting == 0);
    r = sync_ok(&a);
    CHECK(r.pushed == 1 && r.pulled == 1);
    r = sync_ok(&b);
    CHECK(r.pushed == 0 && r.pulled == 1);
    r = sync_ok(&shop);
    CHECK(r.pulled == 2);
    const int64_t want = 120 - 40 + 60 + 30;
    CHECK(balance_by_phone(a.db, "09121234567") == want);
    CHECK(balance_by_phone(b.db, "09121234567") == want);
    CHECK(balance_by_phone(shop.db, "09121234567") == want);

    /* Nothing new: a round moves nothing, twice. */
    r = sync_ok(&a);
    CHECK(r.pushed == 0 && r.pulled == 0 && r.duplicates == 0);
    r = sync_ok(&b);
    CHECK(r.pushed == 0 && r.pulled == 0);

    /* The shop's customer changes her e-mail online; the branches see it. */
    loy_member_fields_init(&f);
    f.email = "shirin@example.com";
    m = by_phone(shop.db, "09121234567", LOY_OK);
    CHECK_STATUS(
        loy_member_update_with_key(shop.db, m ? loy_member_id(m) : 0, &f, "shop-upd-1", NULL, &err),
        LOY_OK);
    loy_member_free(m);
    sync_ok(&shop);
    sync_ok(&a);
    m = by_phone(a.db, "09121234567", LOY_OK);
    CHECK(m && strcmp(loy_member_email(m), "shirin@example.com") == 0);
    loy_member_free(m);

    /* Erased at A: gone at B and at the shop too, by phone and by name. */
    CHECK_STATUS(loy_member_erase_with_key(a.db, shirin_a, "a-erase-1", &err), LOY_OK);
    sync_ok(&a);
    sync_ok(&b);
    sync_ok(&shop);
    by_phone(b.db, "09121234567", LOY_ERR_NOT_FOUND);
    by_phone(shop.db, "09121234567", LOY_ERR_NOT_FOUND);
    m = NULL;
    CHECK_STATUS(loy_member_find_by_uid(b.db, "branch-a:M1", &m, &err), LOY_OK);
    CHECK(m && loy_member_status(m) == LOY_MEMBER_ERASED && strcmp(loy_member_name(m), "") == 0);
    loy_member_free(m);
    check_verified(a.db);
    check_verified(b.db);
    check_verified(shop.db);
    close_till(&a);
    close_till(&b);
    close_till(&shop);
}

/* Branch A's file is put back from last night's backup over the same file: it writes its next
 * records under ids the authority holds with other content. The authority refuses them as a fork
 * and quarantines the origin; branch B goes on syncing. */
static void test_restored_branch_is_quarantined(void) {
    struct till a = open_till("chain-a.db", "branch-a", "branch_a", 0);
    if (!a.db) return;
    loy_close(a.db); /* checkpointed: the file alone is the backup */
    loy_sync_close(a.sync);
    copy_file("chain-a.db", "chain-a-backup.db");
    a = open_till("chain-a.db", "branch-a", "branch_a", 0);
    loy_member_fields f;
    loy_member* m = NULL;
    loy_member_fields_init(&f);
    f.phone = "09351112233";
    m = NULL;
    CHECK_STATUS(loy_member_enrol(a.db, &f, "a-enrol-2", &m, &err), LOY_OK);
    loy_member_free(m);
    sync_ok(&a);
    close_till(&a);

    copy_file("chain-a-backup.db", "chain-a.db"); /* the same file, written over */
    a = open_till("chain-a.db", "branch-a", "branch_a", 0);
    loy_member_fields_init(&f);
    f.phone = "09359998877";
    m = NULL;
    CHECK_STATUS(loy_member_enrol(a.db, &f, "a-enrol-2b", &m, &err), LOY_OK);
    loy_member_free(m);
    loy_sync_report r;
    loy_sync_report_init(&r);
    CHECK_STATUS(loy_sync_run_once(a.sync, &r, &err), LOY_ERR_SYNC_FORK);
    CHECK(strstr(err.message, "branch-a:J") != NULL);
    /* Quarantined: refused again at once, whatever it sends. */
    CHECK_STATUS(loy_sync_run_once(a.sync, &r, &err), LOY_ERR_SYNC_FORK);
    CHECK(strstr(err.message, "quarantined") != NULL);
    close_till(&a);

    /* Branch B is not affected, and never receives the forked record. */
    struct till b = open_till("chain-b.db", "branch-b", "branch_b", 0);
    if (!b.sync) return;
    r = sync_ok(&b);
    CHECK(r.pulled == 1); /* the enrolment made before the restore, nothing after it */
    loy_member_free(by_phone(b.db, "09351112233", LOY_OK));
    by_phone(b.db, "09359998877", LOY_ERR_NOT_FOUND);
    check_verified(b.db);
    close_till(&b);
}

/* Four tills push at once, round after round, while a fifth pulls all the time: the reader ends
 * with every record of every writer, none twice, in each writer's order, although the writers'
 * transactions commit on the authority in any order. */
#define WRITERS 4
#define ROUNDS 6
#define SALES 5

struct writer {
    int n;
    int64_t last_seq;
    int failures;
};

static volatile int writers_done = 0;
static pthread_mutex_t done_lock = PTHREAD_MUTEX_INITIALIZER;

static void* write_and_push(void* arg) {
    struct writer* w = (struct writer*)arg;
    char file[64], origin[64], key[64];
    snprintf(file, sizeof file, "race-%d.db", w->n);
    snprintf(origin, sizeof origin, "race-%d", w->n);
    loy_error e;
    loy_error_init(&e);
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    remove(path);
    loy_open_options o;
    loy_open_options_init(&o);
    o.path = path;
    o.origin = origin;
    o.default_currency = "IRT";
    loy_db* db = NULL;
    if (loy_open(&o, &db, &e) != LOY_OK ||
        loy_program_load_json(db, PROGRAMME, NULL, &e) != LOY_OK) {
        w->failures++;
        return NULL;
    }
    char conninfo[1200];
    snprintf(conninfo, sizeof conninfo, "%s user=branch_a", conninfo_base);
    loy_sync_options so;
    loy_sync_options_init(&so);
    so.conninfo = conninfo;
    so.batch_records = 4;
    loy_sync* s = NULL;
    if (loy_sync_open(db, &so, &s, &e) != LOY_OK) w->failures++;
    loy_member_fields f;
    loy_member_fields_init(&f);
    char phone[32];
    snprintf(phone, sizeof phone, "0912555000%d", w->n);
    f.phone = phone;
    loy_member* m = NULL;
    if (loy_member_enrol(db, &f, "enrol", &m, &e) != LOY_OK) w->failures++;
    const int64_t member = m ? loy_member_id(m) : 0;
    loy_member_free(m);
    for (int round = 0; round < ROUNDS && s; ++round) {
        for (int i = 0; i < SALES; ++i) {
            loy_basket* b = NULL;
            loy_basket_new(&b, &e);
            loy_basket_set_member(b, member, &e);
            loy_basket_add_line(b, "TEA", "drinks", 1000, 10000, 0, NULL, &e);
            snprintf(key, sizeof key, "s-%d-%d", round, i);
            loy_receipt* r = NULL;
            if (loy_commit(db, b, key, &r, &e) != LOY_OK) w->failures++;
            loy_receipt_free(r);
            loy_basket_free(b);
        }
        loy_sync_report rep;
        loy_sync_report_init(&rep);
        if (loy_sync_run_once(s, &rep, &e) != LOY_OK) w->failures++;
    }
    loy_journal* h = NULL;
    if (loy_journal_read(db, NULL, 0, 10000, &h, &e) == LOY_OK)
        w->last_seq = loy_journal_count(h) ? loy_journal_seq(h, loy_journal_count(h) - 1) : 0;
    loy_journal_free(h);
    loy_sync_close(s);
    loy_close(db);
    pthread_mutex_lock(&done_lock);
    ++writers_done;
    pthread_mutex_unlock(&done_lock);
    return NULL;
}

static void test_concurrent_pushes_and_pulls(void) {
    struct till reader = open_till("race-reader.db", "race-reader", "branch_b", 1);
    if (!reader.sync) return;
    struct writer w[WRITERS];
    pthread_t t[WRITERS];
    for (int i = 0; i < WRITERS; ++i) {
        w[i].n = i;
        w[i].last_seq = 0;
        w[i].failures = 0;
        CHECK(pthread_create(&t[i], NULL, write_and_push, &w[i]) == 0);
    }
    int rounds = 0;
    for (;;) {
        pthread_mutex_lock(&done_lock);
        const int done = writers_done;
        pthread_mutex_unlock(&done_lock);
        sync_ok(&reader);
        ++rounds;
        if (done == WRITERS) break;
    }
    for (int i = 0; i < WRITERS; ++i)
        pthread_join(t[i], NULL);
    sync_ok(&reader); /* whatever the last pushes committed */
    CHECK(rounds > 1);
    loy_journal* h = NULL;
    CHECK_STATUS(loy_journal_heads(reader.db, &h, &err), LOY_OK);
    int seen = 0;
    for (size_t i = 0; i < loy_journal_count(h); ++i) {
        for (int k = 0; k < WRITERS; ++k) {
            char origin[64];
            snprintf(origin, sizeof origin, "race-%d", k);
            if (strcmp(loy_journal_origin(h, i), origin) != 0) continue;
            ++seen;
            CHECK(w[k].failures == 0);
            CHECK(w[k].last_seq == 1 + ROUNDS * SALES); /* the enrolment, the sales */
            CHECK(loy_journal_seq(h, i) == w[k].last_seq);
        }
    }
    loy_journal_free(h);
    CHECK(seen == WRITERS);
    for (int k = 0; k < WRITERS; ++k) {
        char phone[32];
        snprintf(phone, sizeof phone, "0912555000%d", k);
        CHECK(balance_by_phone(reader.db, phone) == ROUNDS * SALES * 10);
    }
    check_verified(reader.db);
    close_till(&reader);
}

/* Spending points in a chain: each till takes a hold from the authority first, so two branches
 * cannot spend the same points; a hold given back or lapsed no longer counts; a till that cannot
 * reach the authority cannot spend points but still sells and earns. */
static int32_t hold(struct till* t, const char* uid, int64_t points, int32_t ttl_s, char* id,
                    size_t cap) {
    int64_t expires = 0;
    const int32_t rc = loy_sync_hold(t->sync, uid, points, ttl_s, id, cap, &expires, &err);
    if (rc == LOY_OK) CHECK(expires > (int64_t)time(NULL) * 1000 - 60000 && strlen(id) > 0);
    return rc;
}

static int32_t spend_on(loy_db* db, int64_t member, int64_t amount, int64_t points,
                        const char* hold_id, const char* key) {
    loy_basket* b = NULL;
    CHECK_STATUS(loy_basket_new(&b, &err), LOY_OK);
    CHECK_STATUS(loy_basket_set_member(b, member, &err), LOY_OK);
    CHECK_STATUS(loy_basket_add_line(b, "CAKE", "food", 1000, amount, 0, NULL, &err), LOY_OK);
    CHECK_STATUS(loy_basket_redeem_points(b, points, &err), LOY_OK);
    if (hold_id) CHECK_STATUS(loy_basket_set_hold(b, hold_id, points, &err), LOY_OK);
    loy_receipt* r = NULL;
    const int32_t rc = loy_commit(db, b, key, &r, &err);
    if (rc == LOY_OK && hold_id) CHECK(loy_receipt_redeem_mode(r) == LOY_REDEEM_HOLD);
    if (rc == LOY_OK && !hold_id) CHECK(loy_receipt_redeem_mode(r) == LOY_REDEEM_ALLOWANCE);
    loy_receipt_free(r);
    loy_basket_free(b);
    return rc;
}

static int32_t spend(loy_db* db, int64_t member, int64_t points, const char* hold_id,
                     const char* key) {
    return spend_on(db, member, 100000, points, hold_id, key);
}

static void test_points_are_spent_under_holds(void) {
    struct till a = open_till_as("hold-a.db", "hold-a", "branch_a", 1, 1);
    struct till b = open_till_as("hold-b.db", "hold-b", "branch_b", 1, 1);
    if (!a.sync || !b.sync) return;
    loy_member_fields f;
    loy_member_fields_init(&f);
    f.phone = "09127770011";
    loy_member* m = NULL;
    CHECK_STATUS(loy_member_enrol(a.db, &f, "enrol", &m, &err), LOY_OK);
    const int64_t parisa_a = m ? loy_member_id(m) : 0;
    char uid[64];
    snprintf(uid, sizeof uid, "%s", m ? loy_member_uid(m) : "");
    loy_member_free(m);
    sell(a.db, parisa_a, 150000, 0, "earn-1"); /* 150 points, pushed by the first hold */
    char hold_a[80], hold_b[80], other[80];
    CHECK_STATUS(hold(&a, uid, 100, 60, hold_a, sizeof hold_a), LOY_OK);
    sync_ok(&b);
    m = by_phone(b.db, "09127770011", LOY_OK);
    const int64_t parisa_b = m ? loy_member_id(m) : 0;
    loy_member_free(m);
    /* B sees 150 points but A holds 100 of them: B cannot take 100 too. */
    CHECK(balance_by_phone(b.db, "09127770011") == 150);
    CHECK_STATUS(hold(&b, uid, 100, 60, hold_b, sizeof hold_b), LOY_ERR_INSUFFICIENT_POINTS);
    CHECK(strstr(err.message, "50 available") != NULL);
    /* Without a hold, a till of a chain does not spend points at all. */
    CHECK_STATUS(spend(b.db, parisa_b, 50, NULL, "b-spend-1"), LOY_ERR_NEEDS_ONLINE);
    CHECK_STATUS(hold(&b, uid, 50, 60, hold_b, sizeof hold_b), LOY_OK);
    CHECK_STATUS(spend(b.db, parisa_b, 50, hold_b, "b-spend-1"), LOY_OK);
    CHECK_STATUS(spend(a.db, parisa_a, 100, hold_a, "a-spend-1"), LOY_OK);
    sync_ok(&a);
    sync_ok(&b);
    sync_ok(&a);
    /* 150 - 100 - 50 + 100 + 100 earned by the two spending sales */
    CHECK(balance_by_phone(a.db, "09127770011") == 200);
    CHECK(balance_by_phone(b.db, "09127770011") == 200);

    /* A hold given back no longer counts; nor one that lapsed. */
    CHECK_STATUS(hold(&a, uid, 200, 60, other, sizeof other), LOY_OK);
    CHECK_STATUS(hold(&b, uid, 1, 60, hold_b, sizeof hold_b), LOY_ERR_INSUFFICIENT_POINTS);
    CHECK_STATUS(loy_sync_void_hold(a.sync, other, &err), LOY_OK);
    CHECK_STATUS(loy_sync_void_hold(a.sync, other, &err), LOY_ERR_NOT_FOUND);
    CHECK_STATUS(hold(&b, uid, 200, 1, hold_b, sizeof hold_b), LOY_OK);
    CHECK_STATUS(loy_sync_void_hold(a.sync, hold_b, &err), LOY_ERR_NOT_FOUND); /* B's, not A's */
    struct timespec pause = {1, 300000000};
    nanosleep(&pause, NULL);
    CHECK_STATUS(hold(&a, uid, 200, 60, other, sizeof other), LOY_OK);
    CHECK_STATUS(loy_sync_void_hold(a.sync, other, &err), LOY_OK);

    /* Offline, B cannot spend points, and still sells and earns. */
    loy_sync_options o;
    loy_sync_options_init(&o);
    o.conninfo = "host=/nonexistent-socket-dir port=1 dbname=loyalty user=x";
    o.connect_timeout_s = 2;
    loy_sync* offline = NULL;
    CHECK_STATUS(loy_sync_open(b.db, &o, &offline, &err), LOY_OK);
    int64_t expires = 0;
    CHECK_STATUS(loy_sync_hold(offline, uid, 10, 60, hold_b, sizeof hold_b, &expires, &err),
                 LOY_ERR_IO);
    loy_sync_close(offline);
    CHECK_STATUS(spend(b.db, parisa_b, 10, NULL, "b-spend-2"), LOY_ERR_NEEDS_ONLINE);
    sell(b.db, parisa_b, 20000, 0, "b-earn-2");
    CHECK(balance_by_phone(b.db, "09127770011") == 220);
    CHECK_STATUS(loy_sync_hold(a.sync, "", 10, 60, hold_b, sizeof hold_b, &expires, &err),
                 LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_sync_hold(a.sync, uid, 0, 60, hold_b, sizeof hold_b, &expires, &err),
                 LOY_ERR_INVALID_AMOUNT);
    CHECK_STATUS(loy_sync_hold(a.sync, uid, 10, 0, hold_b, sizeof hold_b, &expires, &err),
                 LOY_ERR_INVALID_ARGUMENT);
    check_verified(a.db);
    check_verified(b.db);
    close_till(&a);
    close_till(&b);
}

/* Jobs that must run once for the whole chain run on the head office's file (a file that syncs
 * like a till, not in chain mode): a till refuses them; the head office's expiry sweep reaches
 * every till as facts, so no lot expires twice. */
static const char* PROGRAMME_30_DAYS =
    "{\"name\":\"Chain\",\"currency\":\"IRT\",\"utc_offset_minutes\":210,\"expiry_days\":30,"
    "\"spend\":[{\"id\":\"base\",\"name\":\"1 point per 1,000\",\"points\":1,\"per\":1000,"
    "\"rounding\":\"floor\"}],"
    "\"redeem\":{\"point_value\":\"100\",\"min_points\":1,\"max_share\":\"0.5\"}}";

static void test_jobs_run_once_at_the_head_office(void) {
    struct till a = open_till_as("jobs-a.db", "jobs-a", "branch_a", 1, 1);
    struct till hq = open_till_as("jobs-hq.db", "head-office", "hq", 1, 0);
    if (!a.sync || !hq.sync) return;
    CHECK_STATUS(loy_program_load_json(a.db, PROGRAMME_30_DAYS, NULL, &err), LOY_OK);
    CHECK_STATUS(loy_program_load_json(hq.db, PROGRAMME_30_DAYS, NULL, &err), LOY_OK);
    const int64_t m = enrol_phone(a.db, "09128880022", NULL, 0);
    sell(a.db, m, 100000, 0, "sale-1");
    int64_t lots = 0, points = 0;
    CHECK_STATUS(loy_points_expire(a.db, 0, &lots, &points, &err), LOY_ERR_NEEDS_ONLINE);
    CHECK_STATUS(loy_tiers_review(a.db, 0, &lots, NULL, NULL, NULL, &err), LOY_ERR_NEEDS_ONLINE);
    sync_ok(&a);
    sync_ok(&hq);
    /* Sixty days later, at the head office: the 100 points earned at A expire, once. */
    const int64_t later = (int64_t)time(NULL) * 1000 + 60LL * 86400000;
    CHECK_STATUS(loy_set_clock(hq.db, later, &err), LOY_OK);
    CHECK_STATUS(loy_points_expire(hq.db, 0, &lots, &points, &err), LOY_OK);
    CHECK(lots == 1 && points == 100);
    CHECK_STATUS(loy_points_expire(hq.db, 0, &lots, &points, &err), LOY_OK);
    CHECK(lots == 0);
    loy_sync_report r = sync_ok(&hq);
    CHECK(r.pushed == 1);
    r = sync_ok(&a);
    CHECK(r.pulled == 1);
    CHECK(balance_by_phone(a.db, "09128880022") == 0);
    CHECK(balance_by_phone(hq.db, "09128880022") == 0);
    check_verified(a.db);
    check_verified(hq.db);
    close_till(&a);
    close_till(&hq);
}

/* Two tills of a chain, `<name>-a` and `<name>-b` (branch_a's and branch_b's roles), with
 * `programme` loaded, and a member enrolled at A by `phone`, whose chain-wide id goes to `uid`.
 * Returns the member's id at A (0 when a till could not be opened). */
static int64_t two_tills_and_a_member(const char* name, const char* programme, const char* phone,
                                      struct till* a, struct till* b, char* uid, size_t cap) {
    char file[64], origin[64];
    snprintf(file, sizeof file, "%s-a.db", name);
    snprintf(origin, sizeof origin, "%s-a", name);
    *a = open_till_as(file, origin, "branch_a", 1, 1);
    snprintf(file, sizeof file, "%s-b.db", name);
    snprintf(origin, sizeof origin, "%s-b", name);
    *b = open_till_as(file, origin, "branch_b", 1, 1);
    if (!a->sync || !b->sync) return 0;
    CHECK_STATUS(loy_program_load_json(a->db, programme, NULL, &err), LOY_OK);
    CHECK_STATUS(loy_program_load_json(b->db, programme, NULL, &err), LOY_OK);
    loy_member_fields f;
    loy_member_fields_init(&f);
    f.phone = phone;
    loy_member* m = NULL;
    CHECK_STATUS(loy_member_enrol(a->db, &f, "enrol", &m, &err), LOY_OK);
    const int64_t id = m ? loy_member_id(m) : 0;
    snprintf(uid, cap, "%s", m ? loy_member_uid(m) : "");
    loy_member_free(m);
    return id;
}

/* Rewards in a chain: a till redeems a reward under the authority's hold for its points and its
 * stock, so the last mug is taken once over the whole chain. */
static const char* REWARDS =
    "{\"name\":\"Chain\",\"currency\":\"IRT\",\"utc_offset_minutes\":210,"
    "\"rewards\":[{\"id\":\"mug\",\"name\":\"Mug\",\"type\":\"product\",\"points\":20,"
    "\"sku\":\"MUG\",\"stock\":1}]}";

static void test_rewards_are_held_chain_wide(void) {
    struct till a, b;
    char uid[64];
    const int64_t ma =
        two_tills_and_a_member("reward", REWARDS, "09129990066", &a, &b, uid, sizeof uid);
    if (!ma) return;
    loy_member* m = NULL;
    int64_t balance = 0;
    CHECK_STATUS(loy_points_adjust(a.db, ma, 100, "welcome", "mgr", "adj-1", &balance, &err),
                 LOY_OK);
    sync_ok(&a);
    sync_ok(&b);
    m = by_phone(b.db, "09129990066", LOY_OK);
    const int64_t mb = m ? loy_member_id(m) : 0;
    loy_member_free(m);
    /* The last mug, asked for at both branches at once: A holds it, B is refused. */
    char hold_a[80], hold_b[80];
    int64_t expires = 0;
    CHECK_STATUS(
        loy_sync_hold_reward(a.sync, uid, "mug", 1, 60, hold_a, sizeof hold_a, &expires, &err),
        LOY_OK);
    CHECK(strlen(hold_a) > 0 && expires > (int64_t)time(NULL) * 1000);
    CHECK_STATUS(
        loy_sync_hold_reward(b.sync, uid, "mug", 1, 60, hold_b, sizeof hold_b, &expires, &err),
        LOY_ERR_OUT_OF_STOCK);
    CHECK(strstr(err.message, "0 left over the whole chain") != NULL && hold_b[0] == '\0');
    loy_redemption* red = NULL;
    CHECK_STATUS(loy_reward_redeem(b.db, mb, "mug", 1, "b-mug-1", &red, &err),
                 LOY_ERR_NEEDS_ONLINE);
    CHECK_STATUS(loy_reward_redeem_held(a.db, ma, "mug", 1, hold_a, "a-mug-1", &red, &err), LOY_OK);
    CHECK(red && loy_redemption_points(red) == 20);
    loy_redemption_free(red);
    sync_ok(&a);
    sync_ok(&b);
    /* Redeemed at A and pushed: still none left; the member holds 80 over the chain. */
    CHECK_STATUS(
        loy_sync_hold_reward(b.sync, uid, "mug", 1, 60, hold_b, sizeof hold_b, &expires, &err),
        LOY_ERR_OUT_OF_STOCK);
    CHECK_STATUS(loy_sync_hold(b.sync, uid, 81, 60, hold_b, sizeof hold_b, &expires, &err),
                 LOY_ERR_INSUFFICIENT_POINTS);
    CHECK(strstr(err.message, "80 available") != NULL);
    CHECK(balance_by_phone(b.db, "09129990066") == 80);
    CHECK_STATUS(
        loy_sync_hold_reward(b.sync, uid, "cup", 1, 60, hold_b, sizeof hold_b, &expires, &err),
        LOY_ERR_NOT_FOUND);
    CHECK_STATUS(
        loy_sync_hold_reward(b.sync, uid, "mug", 0, 60, hold_b, sizeof hold_b, &expires, &err),
        LOY_ERR_INVALID_AMOUNT);
    CHECK_STATUS(
        loy_sync_hold_reward(b.sync, NULL, "mug", 1, 60, hold_b, sizeof hold_b, &expires, &err),
        LOY_ERR_INVALID_ARGUMENT);
    check_verified(a.db);
    check_verified(b.db);
    close_till(&a);
    close_till(&b);
}

/* A programme released at the head office for tomorrow reaches a till through the authority
 * before it applies, and the till uses it from its start. */
static const char* DOUBLE_POINTS =
    "{\"name\":\"Chain\",\"currency\":\"IRT\",\"utc_offset_minutes\":210,"
    "\"spend\":[{\"id\":\"base\",\"name\":\"2 points per 1,000\",\"points\":2,"
    "\"per\":1000,\"rounding\":\"floor\"}]}";

static int64_t quoted_points(loy_db* db, int64_t member) {
    loy_basket* b = NULL;
    CHECK_STATUS(loy_basket_new(&b, &err), LOY_OK);
    CHECK_STATUS(loy_basket_set_member(b, member, &err), LOY_OK);
    CHECK_STATUS(loy_basket_add_line(b, "TEA", "drinks", 1000, 50000, 0, NULL, &err), LOY_OK);
    loy_quote* q = NULL;
    CHECK_STATUS(loy_quote_basket(db, b, &q, &err), LOY_OK);
    const int64_t points = q ? loy_quote_points_earned(q) : -1;
    loy_quote_free(q);
    loy_basket_free(b);
    return points;
}

static void test_a_programme_released_for_tomorrow(void) {
    struct till a = open_till_as("release-a.db", "release-a", "branch_a", 1, 1);
    struct till hq = open_till_as("release-hq.db", "release-hq", "hq", 1, 0);
    if (!a.sync || !hq.sync) return;
    const int64_t m = enrol_phone(a.db, "09128880044", NULL, 0);
    CHECK(quoted_points(a.db, m) == 50);
    const int64_t tomorrow = (int64_t)time(NULL) * 1000 + 86400000;
    int64_t version = 0, next = 0, starts = 0;
    CHECK_STATUS(loy_program_publish(hq.db, DOUBLE_POINTS, tomorrow, &version, &err), LOY_OK);
    CHECK_STATUS(loy_program_publish(a.db, DOUBLE_POINTS, tomorrow, &version, &err),
                 LOY_ERR_NEEDS_ONLINE);
    sync_ok(&hq);
    sync_ok(&a);
    CHECK_STATUS(loy_program_next(a.db, &next, &starts, &err), LOY_OK);
    CHECK(next > 0 && starts == tomorrow);
    CHECK(quoted_points(a.db, m) == 50); /* today, the programme the till had */
    CHECK_STATUS(loy_set_clock(a.db, tomorrow, &err), LOY_OK);
    CHECK(loy_program_active_version(a.db) == next);
    CHECK(quoted_points(a.db, m) == 100);
    check_verified(a.db);
    check_verified(hq.db);
    close_till(&a);
    close_till(&hq);
}

/* Two tills, apart, each let the same member spend within its offline allowance: the chain's
 * account goes below zero, and the manager's report shows the over-use, by till. */
static void test_offline_allowance_over_use_is_reported(void) {
    struct till a = open_till_as("allow-a.db", "allow-a", "branch_a", 1, 1);
    struct till b = open_till_as("allow-b.db", "allow-b", "branch_b", 1, 1);
    if (!a.sync || !b.sync) return;
    close_till(&a);
    close_till(&b);
    /* The same files again, with an allowance of 200 points a day, 100 per member. */
    loy_open_options o;
    loy_open_options_init(&o);
    char path[1024];
    struct till* tills[] = {&a, &b};
    const char* files[] = {"allow-a.db", "allow-b.db"};
    const char* roles[] = {"branch_a", "branch_b"};
    for (int i = 0; i < 2; ++i) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        o.path = path;
        o.default_currency = "IRT";
        o.chain_mode = 1;
        o.offline_till_points = 200;
        o.offline_member_points = 100;
        CHECK_STATUS(loy_open(&o, &tills[i]->db, &err), LOY_OK);
        char conninfo[1200];
        snprintf(conninfo, sizeof conninfo, "%s user=%s", conninfo_base, roles[i]);
        loy_sync_options so;
        loy_sync_options_init(&so);
        so.conninfo = conninfo;
        CHECK_STATUS(loy_sync_open(tills[i]->db, &so, &tills[i]->sync, &err), LOY_OK);
    }
    const int64_t m = enrol_phone(a.db, "09129990033", NULL, 0);
    sell(a.db, m, 100000, 0, "earn"); /* 100 points */
    sync_ok(&a);
    sync_ok(&b);
    loy_member* mb = by_phone(b.db, "09129990033", LOY_OK);
    const int64_t m_b = mb ? loy_member_id(mb) : 0;
    loy_member_free(mb);
    /* Apart, each spends 80 of the 100 points it sees, without a hold, on a sale of 20,000. */
    CHECK_STATUS(spend_on(a.db, m, 20000, 80, NULL, "a-offline-1"), LOY_OK);
    CHECK_STATUS(spend_on(b.db, m_b, 20000, 80, NULL, "b-offline-1"), LOY_OK);
    sync_ok(&a);
    sync_ok(&b);
    sync_ok(&a);
    /* 100 - 80 - 80 + 20 + 20 earned by the two sales: a debt of 20, in both files. */
    CHECK(balance_by_phone(a.db, "09129990033") == -20);
    CHECK(balance_by_phone(b.db, "09129990033") == -20);
    check_verified(a.db);
    check_verified(b.db);
    close_till(&a);
    close_till(&b);
}

static void test_bad_calls(void) {
    loy_sync_options o;
    loy_sync_options_init(&o);
    CHECK(o.size == sizeof o && o.batch_records == 500 && o.connect_timeout_s == 5);
    loy_db* db = open_with("chain-bad.db", "branch-x", 0, LOY_OK);
    loy_sync* s = NULL;
    CHECK_STATUS(loy_sync_open(db, &o, &s, &err), LOY_ERR_INVALID_ARGUMENT); /* no conninfo */
    o.conninfo = "dbname=x";
    o.batch_records = 0;
    CHECK_STATUS(loy_sync_open(db, &o, &s, &err), LOY_ERR_INVALID_ARGUMENT);
    o.batch_records = 10;
    CHECK_STATUS(loy_sync_open(NULL, &o, &s, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_sync_open(db, &o, NULL, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK(s == NULL);
    CHECK_STATUS(loy_sync_run_once(NULL, NULL, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_sync_status(NULL, NULL, &err), LOY_ERR_INVALID_ARGUMENT);
    loy_sync_close(NULL);
    loy_sync_report r;
    loy_sync_report_init(&r);
    CHECK(r.size == sizeof r && r.acked_seq == -1);
    loy_close(db);
}

/* A past receipt claimed at the till that made the sale, in chain mode: the claim travels, the
 * other till finds the member with the points, and the authority's sale becomes the member's. */
static void test_a_claimed_receipt_reaches_the_chain(void) {
    static const char* CLAIMS =
        "{\"name\":\"Chain\",\"currency\":\"IRT\",\"utc_offset_minutes\":210,"
        "\"spend\":[{\"id\":\"base\",\"name\":\"1 point per 1,000\",\"points\":1,\"per\":1000,"
        "\"rounding\":\"floor\"}],\"claims\":{\"window_days\":7}}";
    struct till a = open_till_as("claim-a.db", "claim-a", "branch_a", 1, 1);
    struct till b = open_till_as("claim-b.db", "claim-b", "branch_b", 1, 1);
    if (!a.sync || !b.sync) return;
    CHECK_STATUS(loy_program_load_json(a.db, CLAIMS, NULL, &err), LOY_OK);
    CHECK_STATUS(loy_program_load_json(b.db, CLAIMS, NULL, &err), LOY_OK);
    const int64_t m = enrol_phone(a.db, "09128880033", NULL, 0);
    const int64_t sale = sell(a.db, 0, 50000, 0, "anonymous-1");
    loy_receipt* r = NULL;
    CHECK_STATUS(loy_sale_claim(a.db, sale, m, "sara", "claim-1", &r, &err), LOY_OK);
    CHECK(r != NULL && loy_receipt_points_earned(r) == 50);
    loy_receipt_free(r);
    sync_ok(&a);
    sync_ok(&b);
    CHECK(balance_by_phone(b.db, "09128880033") == 50);
    check_verified(a.db);
    check_verified(b.db);
    close_till(&a);
    close_till(&b);
}

/* A programme that earns nothing, with an issued code's campaign and a campaign of two uses. */
static const char* COUPONS =
    "{\"name\":\"Chain\",\"currency\":\"IRT\",\"utc_offset_minutes\":210,"
    "\"campaigns\":[{\"id\":\"welcome\",\"name\":\"10,000 off\",\"effect\":\"amount\","
    "\"amount\":10000},"
    "{\"id\":\"spring\",\"name\":\"10% off\",\"effect\":\"percent\",\"percent\":\"0.1\","
    "\"code\":\"SPRING\",\"max_uses\":2,\"combinable\":true}]}";

/* Wallet money in a chain: each till takes a hold on the money a sale pays from the wallet, so
 * two branches cannot spend the same money; a hold given back no longer counts. */
static int32_t pay_from_wallet(struct till* t, int64_t member, int64_t amount, int64_t wallet,
                               const char* hold_id, const char* key) {
    loy_basket* b = NULL;
    CHECK_STATUS(loy_basket_new(&b, &err), LOY_OK);
    CHECK_STATUS(loy_basket_set_member(b, member, &err), LOY_OK);
    CHECK_STATUS(loy_basket_set_context(b, NULL, "west", "T1", NULL, &err), LOY_OK);
    CHECK_STATUS(loy_basket_add_line(b, "CAKE", "food", 1000, amount, 0, NULL, &err), LOY_OK);
    CHECK_STATUS(loy_basket_pay_wallet(b, wallet, &err), LOY_OK);
    if (hold_id) CHECK_STATUS(loy_basket_set_wallet_hold(b, hold_id, wallet, &err), LOY_OK);
    loy_receipt* r = NULL;
    const int32_t rc = loy_commit(t->db, b, key, &r, &err);
    if (rc == LOY_OK) CHECK(r && loy_receipt_wallet_amount(r) == wallet);
    loy_receipt_free(r);
    loy_basket_free(b);
    return rc;
}

static int64_t wallet_by_phone(loy_db* db, const char* phone) {
    loy_member* m = by_phone(db, phone, LOY_OK);
    const int64_t w = m ? loy_member_wallet_balance(m) : -1;
    loy_member_free(m);
    return w;
}

static void test_wallet_money_is_spent_under_holds(void) {
    struct till a, b;
    char uid[64];
    const int64_t ma =
        two_tills_and_a_member("wallet", COUPONS, "09129990055", &a, &b, uid, sizeof uid);
    if (!ma) return;
    loy_member* m = NULL;
    loy_basket* topup = NULL;
    CHECK_STATUS(loy_basket_new(&topup, &err), LOY_OK);
    CHECK_STATUS(loy_basket_set_member(topup, ma, &err), LOY_OK);
    CHECK_STATUS(loy_basket_set_context(topup, NULL, "west", "T1", NULL, &err), LOY_OK);
    CHECK_STATUS(loy_basket_add_wallet_topup(topup, 100000, NULL, &err), LOY_OK);
    commit_basket(a.db, topup, "topup-1", NULL, 0); /* loading the wallet needs no hold */
    sync_ok(&a);
    sync_ok(&b);
    m = by_phone(b.db, "09129990055", LOY_OK);
    const int64_t mb = m ? loy_member_id(m) : 0;
    loy_member_free(m);
    CHECK(wallet_by_phone(b.db, "09129990055") == 100000);
    /* Without a hold, a till of a chain does not pay from the wallet. */
    CHECK_STATUS(pay_from_wallet(&b, mb, 100000, 80000, NULL, "b-pay-1"), LOY_ERR_NEEDS_ONLINE);
    char hold_a[80], hold_b[80];
    int64_t expires = 0;
    CHECK_STATUS(
        loy_sync_hold_wallet(a.sync, uid, 80000, 60, hold_a, sizeof hold_a, &expires, &err),
        LOY_OK);
    CHECK(expires > (int64_t)time(NULL) * 1000 && strlen(hold_a) > 0);
    /* B sees 100,000 but A holds 80,000 of it. */
    CHECK_STATUS(
        loy_sync_hold_wallet(b.sync, uid, 80000, 60, hold_b, sizeof hold_b, &expires, &err),
        LOY_ERR_INSUFFICIENT_FUNDS);
    CHECK(strstr(err.message, "20000 available") != NULL && hold_b[0] == '\0' && expires == 0);
    /* A gives its hold back: B takes 80,000, and A may hold only the 20,000 left. */
    CHECK_STATUS(loy_sync_void_hold(a.sync, hold_a, &err), LOY_OK);
    CHECK_STATUS(
        loy_sync_hold_wallet(b.sync, uid, 80000, 60, hold_b, sizeof hold_b, &expires, &err),
        LOY_OK);
    CHECK_STATUS(
        loy_sync_hold_wallet(a.sync, uid, 80000, 60, hold_a, sizeof hold_a, &expires, &err),
        LOY_ERR_INSUFFICIENT_FUNDS);
    CHECK_STATUS(
        loy_sync_hold_wallet(a.sync, uid, 20000, 60, hold_a, sizeof hold_a, &expires, &err),
        LOY_OK);
    CHECK_STATUS(pay_from_wallet(&b, mb, 100000, 80000, hold_b, "b-pay-1"), LOY_OK);
    CHECK_STATUS(pay_from_wallet(&a, ma, 50000, 20000, hold_a, "a-pay-1"), LOY_OK);
    sync_ok(&a);
    sync_ok(&b);
    sync_ok(&a);
    CHECK(wallet_by_phone(a.db, "09129990055") == 0);
    CHECK(wallet_by_phone(b.db, "09129990055") == 0);
    CHECK_STATUS(loy_sync_hold_wallet(a.sync, uid, 1, 60, hold_a, sizeof hold_a, &expires, &err),
                 LOY_ERR_INSUFFICIENT_FUNDS);
    CHECK_STATUS(loy_sync_hold_wallet(a.sync, uid, 0, 60, hold_a, sizeof hold_a, &expires, &err),
                 LOY_ERR_INVALID_AMOUNT);
    CHECK_STATUS(loy_sync_hold_wallet(a.sync, "", 1, 60, hold_a, sizeof hold_a, &expires, &err),
                 LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_sync_hold_wallet(a.sync, uid, 1, 0, hold_a, sizeof hold_a, &expires, &err),
                 LOY_ERR_INVALID_ARGUMENT);
    check_verified(a.db);
    check_verified(b.db);
    close_till(&a);
    close_till(&b);
}

/* Gift cards in a chain: a card sold at A is spent at both branches under holds of the
 * authority, never beyond what it holds. */
static int32_t pay_with_card(struct till* t, const char* code, int64_t amount, int hold,
                             const char* key) {
    loy_basket* b = NULL;
    CHECK_STATUS(loy_basket_new(&b, &err), LOY_OK);
    CHECK_STATUS(loy_basket_set_context(b, NULL, "south", "T1", NULL, &err), LOY_OK);
    CHECK_STATUS(loy_basket_add_line(b, "BOOK", "books", 1000, amount, 0, NULL, &err), LOY_OK);
    CHECK_STATUS(loy_basket_pay_giftcard(b, code, amount, &err), LOY_OK);
    char id[80] = "";
    int64_t expires = 0;
    int32_t rc = LOY_OK;
    if (hold) rc = loy_sync_hold_giftcards(t->sync, b, 60, id, sizeof id, &expires, &err);
    if (rc == LOY_OK) {
        if (hold) CHECK(strlen(id) > 0 && expires > (int64_t)time(NULL) * 1000);
        loy_receipt* r = NULL;
        rc = loy_commit(t->db, b, key, &r, &err);
        if (rc == LOY_OK) CHECK(r && loy_receipt_gift_card_amount(r) == amount);
        loy_receipt_free(r);
    } else {
        CHECK(id[0] == '\0' && expires == 0);
    }
    loy_basket_free(b);
    return rc;
}

static void test_gift_cards_are_held_chain_wide(void) {
    struct till a, b;
    char uid[64];
    if (!two_tills_and_a_member("card", COUPONS, "09129990077", &a, &b, uid, sizeof uid)) return;
    char code[32];
    CHECK_STATUS(
        loy_giftcard_sell(a.db, 100000, "R-1", NULL, "card-1", code, sizeof code, NULL, &err),
        LOY_OK);
    sync_ok(&a);
    sync_ok(&b);
    /* Without a hold, no till of a chain takes the card. */
    CHECK_STATUS(pay_with_card(&b, code, 80000, 0, "b-card-1"), LOY_ERR_NEEDS_ONLINE);
    /* Both branches at once: A holds 80,000 of the card's 100,000, B may not. */
    loy_basket* at_a = NULL;
    CHECK_STATUS(loy_basket_new(&at_a, &err), LOY_OK);
    CHECK_STATUS(loy_basket_set_context(at_a, NULL, "south", "T1", NULL, &err), LOY_OK);
    CHECK_STATUS(loy_basket_add_line(at_a, "BOOK", "books", 1000, 100000, 0, NULL, &err), LOY_OK);
    CHECK_STATUS(loy_basket_pay_giftcard(at_a, code, 80000, &err), LOY_OK);
    char hold[80];
    int64_t expires = 0;
    CHECK_STATUS(loy_sync_hold_giftcards(a.sync, at_a, 60, hold, sizeof hold, &expires, &err),
                 LOY_OK);
    CHECK_STATUS(pay_with_card(&b, code, 80000, 1, "b-card-1"), LOY_ERR_INSUFFICIENT_FUNDS);
    CHECK(strstr(err.message, "holds 20000 over the whole chain, 80000 asked") != NULL);
    commit_basket(a.db, at_a, "a-card-1", NULL, 0);
    sync_ok(&a);
    CHECK_STATUS(pay_with_card(&b, code, 20000, 1, "b-card-2"), LOY_OK);
    sync_ok(&b);
    sync_ok(&a);
    int64_t left_a = -1, left_b = -1;
    CHECK_STATUS(loy_giftcard_balance(a.db, code, &left_a, &err), LOY_OK);
    CHECK_STATUS(loy_giftcard_balance(b.db, code, &left_b, &err), LOY_OK);
    CHECK(left_a == 0 && left_b == 0);
    CHECK_STATUS(loy_sync_hold_giftcards(NULL, at_a, 60, hold, sizeof hold, &expires, &err),
                 LOY_ERR_INVALID_ARGUMENT);
    check_verified(a.db);
    check_verified(b.db);
    close_till(&a);
    close_till(&b);
}

/* Coupons in a chain: a member's single-use code and a campaign of two uses are used under holds
 * from the authority, so that the same code presented at two branches at once is taken once; a
 * hold given back, or a sale voided, frees the use for the other branch. */
static loy_basket* coupon_basket(int64_t member, const char* code) {
    loy_basket* b = NULL;
    CHECK_STATUS(loy_basket_new(&b, &err), LOY_OK);
    CHECK_STATUS(loy_basket_set_member(b, member, &err), LOY_OK);
    CHECK_STATUS(loy_basket_set_context(b, NULL, "north", "T1", NULL, &err), LOY_OK);
    CHECK_STATUS(loy_basket_add_line(b, "CAKE", "food", 1000, 100000, 0, NULL, &err), LOY_OK);
    CHECK_STATUS(loy_basket_add_coupon(b, code, &err), LOY_OK);
    return b;
}

/* Holds the basket's coupons at till `t`: the status; the hold's id in `id`. */
static int32_t hold_coupons(struct till* t, loy_basket* b, char* id, size_t cap) {
    int64_t expires = 0;
    const int32_t rc = loy_sync_hold_coupons(t->sync, b, 60, id, cap, &expires, &err);
    if (rc == LOY_OK) CHECK(expires > (int64_t)time(NULL) * 1000 && strlen(id) > 0);
    if (rc != LOY_OK) CHECK(id[0] == '\0' && expires == 0);
    return rc;
}

static void test_coupons_are_held_chain_wide(void) {
    struct till a = open_till_as("coupon-a.db", "coupon-a", "branch_a", 1, 1);
    struct till b = open_till_as("coupon-b.db", "coupon-b", "branch_b", 1, 1);
    if (!a.sync || !b.sync) return;
    CHECK_STATUS(loy_program_load_json(a.db, COUPONS, NULL, &err), LOY_OK);
    CHECK_STATUS(loy_program_load_json(b.db, COUPONS, NULL, &err), LOY_OK);
    const int64_t ma = enrol_phone(a.db, "09129990044", NULL, 0);
    char code[32];
    CHECK_STATUS(loy_coupon_issue(a.db, "welcome", ma, "issue-1", code, sizeof code, NULL, &err),
                 LOY_OK);
    sync_ok(&a);
    sync_ok(&b);
    loy_member* m = by_phone(b.db, "09129990044", LOY_OK);
    const int64_t mb = m ? loy_member_id(m) : 0;
    loy_member_free(m);

    /* The code at both branches at once: A holds its one use, B is refused. */
    loy_basket* at_a = coupon_basket(ma, code);
    loy_basket* at_b = coupon_basket(mb, code);
    char hold_a[80], hold_b[80];
    CHECK_STATUS(hold_coupons(&a, at_a, hold_a, sizeof hold_a), LOY_OK);
    CHECK_STATUS(hold_coupons(&b, at_b, hold_b, sizeof hold_b), LOY_ERR_COUPON_REJECTED);
    CHECK(strstr(err.message, "has been used (1 use over the whole chain)") != NULL);
    /* Without a hold, a till of a chain does not take the code at all. */
    loy_receipt* r = NULL;
    CHECK_STATUS(loy_commit(b.db, at_b, "b-sale-1", &r, &err), LOY_ERR_NEEDS_ONLINE);
    CHECK(strstr(err.message, "loy_sync_hold_coupons") != NULL);
    /* A gives its hold back (the customer changed their mind): B takes the code. */
    CHECK_STATUS(loy_sync_void_hold(a.sync, hold_a, &err), LOY_OK);
    CHECK_STATUS(loy_sync_void_hold(a.sync, hold_a, &err), LOY_ERR_NOT_FOUND);
    CHECK_STATUS(hold_coupons(&b, at_b, hold_b, sizeof hold_b), LOY_OK);
    CHECK_STATUS(hold_coupons(&a, at_a, hold_a, sizeof hold_a), LOY_ERR_COUPON_REJECTED);
    CHECK_STATUS(loy_commit(b.db, at_b, "b-sale-1", &r, &err), LOY_OK);
    const int64_t sale_b = r ? loy_receipt_sale_id(r) : 0;
    CHECK(r && loy_receipt_coupon_discount(r) == 10000);
    loy_receipt_free(r);
    sync_ok(&b);
    /* Used at B, pushed: A is still refused, by its own file once the sale reached it. */
    CHECK_STATUS(hold_coupons(&a, at_a, hold_a, sizeof hold_a), LOY_ERR_COUPON_REJECTED);
    CHECK(strstr(err.message, "the coupon has been used") != NULL);
    /* B voids the sale: the use comes back, over the whole chain, and A takes the code. */
    CHECK_STATUS(loy_void_sale(b.db, sale_b, "b-void-1", &r, &err), LOY_OK);
    loy_receipt_free(r);
    sync_ok(&b);
    CHECK_STATUS(hold_coupons(&a, at_a, hold_a, sizeof hold_a), LOY_OK);
    commit_basket(a.db, at_a, "a-sale-1", NULL, 0);
    loy_basket_free(at_b);

    /* A campaign of two uses: one at each branch, then a third is refused at either. */
    loy_basket* spring = coupon_basket(ma, "SPRING");
    CHECK_STATUS(hold_coupons(&a, spring, hold_a, sizeof hold_a), LOY_OK);
    commit_basket(a.db, spring, "a-spring-1", NULL, 0);
    spring = coupon_basket(mb, "SPRING");
    CHECK_STATUS(hold_coupons(&b, spring, hold_b, sizeof hold_b), LOY_OK);
    commit_basket(b.db, spring, "b-spring-1", NULL, 0);
    spring = coupon_basket(ma, "SPRING");
    CHECK_STATUS(hold_coupons(&a, spring, hold_a, sizeof hold_a), LOY_ERR_COUPON_REJECTED);
    CHECK(strstr(err.message, "campaign 'spring' has had its 2 uses over the whole chain") != NULL);
    loy_basket_free(spring);

    /* A basket without such a coupon holds nothing; bad calls. */
    loy_basket* plain = NULL;
    CHECK_STATUS(loy_basket_new(&plain, &err), LOY_OK);
    CHECK_STATUS(loy_basket_add_line(plain, "TEA", "drinks", 1000, 20000, 0, NULL, &err), LOY_OK);
    int64_t expires = -1;
    hold_a[0] = 'x';
    CHECK_STATUS(loy_sync_hold_coupons(a.sync, plain, 60, hold_a, sizeof hold_a, &expires, &err),
                 LOY_OK);
    CHECK(hold_a[0] == '\0' && expires == 0);
    CHECK_STATUS(loy_sync_hold_coupons(a.sync, plain, 0, hold_a, sizeof hold_a, &expires, &err),
                 LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_sync_hold_coupons(a.sync, NULL, 60, hold_a, sizeof hold_a, &expires, &err),
                 LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_sync_hold_coupons(NULL, plain, 60, hold_a, sizeof hold_a, &expires, &err),
                 LOY_ERR_INVALID_ARGUMENT);
    loy_basket_free(plain);
    sync_ok(&a);
    sync_ok(&b);
    sync_ok(&a);
    check_verified(a.db);
    check_verified(b.db);
    close_till(&a);
    close_till(&b);
}

/* The manager's dashboard, computed on the authority: the manager's role reads it, in Persian or
 * English; a till's role may not. Run after the scenarios, whose sales it shows. */
static void test_the_chain_dashboard(void) {
    char conninfo[1200];
    snprintf(conninfo, sizeof conninfo, "%s user=manager", conninfo_base);
    static char page[1 << 18];
    size_t needed = 0;
    CHECK_STATUS(loy_sync_dashboard_html(conninfo, 210, "en", page, sizeof page, &needed, &err),
                 LOY_OK);
    CHECK(needed == strlen(page) && needed < sizeof page);
    CHECK(strstr(page, "<html lang=\"en\" dir=\"ltr\">") != NULL);
    /* The coupon scenario's branch: four sales of 90,000, one voided. */
    CHECK(strstr(page, "<td>north</td>") != NULL);
    CHECK(strstr(page, "<td class=\"n\">360,000</td><td class=\"n\">90,000</td>") != NULL);
    /* The campaign of two uses, and the code used once that counts and once given back. */
    CHECK(strstr(page, "<td>spring</td><td>north</td>") != NULL);
    /* The best member by spend, nameless (enrolled without a name). */
    CHECK(strstr(page,
                 "<td>hold-a:M1</td><td></td><td class=\"n\">3</td><td class=\"n\">350,000</td>") !=
          NULL);
    CHECK_STATUS(loy_sync_dashboard_html(conninfo, 210, NULL, page, sizeof page, &needed, &err),
                 LOY_OK);
    CHECK(strstr(page, "dir=\"rtl\"") != NULL && strstr(page, "۳۶۰٬۰۰۰") != NULL);
    CHECK(strstr(page, "داشبورد") != NULL);
    /* snprintf semantics: the length alone, then a short buffer. */
    size_t alone = 0;
    CHECK_STATUS(loy_sync_dashboard_html(conninfo, 210, NULL, NULL, 0, &alone, &err), LOY_OK);
    CHECK(alone == needed);
    char small[16];
    CHECK_STATUS(loy_sync_dashboard_html(conninfo, 210, "fa", small, sizeof small, &alone, &err),
                 LOY_OK);
    CHECK(alone == needed && strlen(small) == sizeof small - 1);
    /* A till's role may not read the manager's reports. */
    char till[1200];
    snprintf(till, sizeof till, "%s user=branch_a", conninfo_base);
    CHECK_STATUS(loy_sync_dashboard_html(till, 210, "en", page, sizeof page, &needed, &err),
                 LOY_ERR_INVALID_ARGUMENT);
    CHECK(strstr(err.message, "permission denied") != NULL);
    CHECK_STATUS(loy_sync_dashboard_html("host=/nonexistent-socket-dir port=1 dbname=x", 210, "en",
                                         page, sizeof page, &needed, &err),
                 LOY_ERR_IO);
    CHECK_STATUS(loy_sync_dashboard_html(conninfo, 900, "en", page, sizeof page, &needed, &err),
                 LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_sync_dashboard_html(conninfo, 210, "de", page, sizeof page, &needed, &err),
                 LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_sync_dashboard_html(NULL, 210, "en", page, sizeof page, &needed, &err),
                 LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_sync_dashboard_html(conninfo, 210, "en", NULL, 10, &needed, &err),
                 LOY_ERR_INVALID_ARGUMENT);
}

/* Imports `rows` customers at `db` in one CSV, phones 0935 + `first`, `first` + 1, ... */
static void import_customers(loy_db* db, int first, int rows) {
    const size_t cap = 16 + (size_t)rows * 32;
    char* csv = malloc(cap);
    CHECK(csv != NULL);
    if (!csv) return;
    size_t at = (size_t)snprintf(csv, cap, "phone,name\n");
    for (int phone = first; phone < first + rows; ++phone)
        at += (size_t)snprintf(csv + at, cap - at, "0935%07d,Customer %d\n", phone, phone);
    int64_t total = 0, imported = 0;
    CHECK_STATUS(loy_members_import_csv(db, csv, 0, &total, &imported, NULL, &err), LOY_OK);
    CHECK(imported == rows);
    free(csv);
}

/* Each of the imported customers with these phones (0935 + each) is found at `db`. */
static void check_customers_found(loy_db* db, const int* phones, size_t n) {
    for (size_t i = 0; i < n; ++i) {
        char number[16];
        snprintf(number, sizeof number, "0935%07d", phones[i]);
        CHECK(balance_by_phone(db, number) == 0);
    }
}

/* The head office loads its customers: one import of 10,500 members (one record naming them
 * all, more than a list of several records may bring profiles for) and twelve of 1,000 (records
 * naming 12,000 between them, one page of a pull). A new till's first round, in pages of 500
 * records, brings every one of them with the phone a cashier finds them by. */
static void test_imports_reach_a_new_till(void) {
    struct till hq = open_till_as("imports-hq.db", "imports-hq", "hq", 1, 0);
    if (!hq.sync) return;
    int phone = 2000000;
    for (int file = 0; file < 13; ++file) {
        const int rows = file == 0 ? 10500 : 1000;
        import_customers(hq.db, phone, rows);
        phone += rows;
    }
    loy_sync_report r = sync_ok(&hq);
    CHECK(r.pushed >= 13);
    struct till fresh = open_till_batch("imports-new.db", "imports-new", "branch_b", 1, 0, 500);
    if (!fresh.sync) return;
    r = sync_ok(&fresh);
    CHECK(r.pulled >= 13 && r.profiles >= 22500);
    const int probes[] = {2000000, 2010499, 2010500, 2016321, 2022499};
    check_customers_found(fresh.db, probes, sizeof probes / sizeof probes[0]);
    check_verified(fresh.db);
    close_till(&hq);
    close_till(&fresh);
}

/* An import of 56,000 members is three records, two of just over 4 MiB and a small one. A pull's
 * page ends with the record that brings it to 8 MiB, with fewer records than the 500 asked for:
 * the till must ask again within the round. One round of a new till, which takes everything the
 * chain holds, brings every member. Run apart (`--large`, by the Linux build's run.sh). */
static void test_an_import_past_a_pull_page(void) {
    struct till hq = open_till_batch("large-hq.db", "large-hq", "hq", 1, 0, 500);
    if (!hq.sync) return;
    const int rows = 56000, first = 3000000;
    import_customers(hq.db, first, rows);
    loy_sync_report r = sync_ok(&hq);
    CHECK(r.pushed >= 3);
    struct till fresh = open_till_batch("large-new.db", "large-new", "branch_b", 1, 0, 500);
    if (!fresh.sync) return;
    r = sync_ok(&fresh);
    CHECK(r.pulled >= 3 && r.profiles >= rows);
    const int probes[] = {first, first + 26000, first + 30000, first + 52000, first + rows - 1};
    check_customers_found(fresh.db, probes, sizeof probes / sizeof probes[0]);
    close_till(&hq);
    close_till(&fresh);
}

int main(int argc, char** argv) {
    static const struct test tests[] = {
        {"two branches and a web shop share members", test_branches_and_shop_share_members},
        {"a branch restored from a backup is quarantined", test_restored_branch_is_quarantined},
        {"four tills push at once while a fifth pulls", test_concurrent_pushes_and_pulls},
        {"points are spent under holds", test_points_are_spent_under_holds},
        {"jobs run once, at the head office", test_jobs_run_once_at_the_head_office},
        {"a programme released for tomorrow", test_a_programme_released_for_tomorrow},
        {"rewards are held chain-wide", test_rewards_are_held_chain_wide},
        {"offline allowance: over-use is reported", test_offline_allowance_over_use_is_reported},
        {"a claimed receipt reaches the chain", test_a_claimed_receipt_reaches_the_chain},
        {"wallet money is spent under holds", test_wallet_money_is_spent_under_holds},
        {"coupons are held chain-wide", test_coupons_are_held_chain_wide},
        {"gift cards are held chain-wide", test_gift_cards_are_held_chain_wide},
        {"bad calls", test_bad_calls},
        {"the chain's dashboard", test_the_chain_dashboard},
        {"the head office's imports reach a new till", test_imports_reach_a_new_till},
    };
    /* Heavier: about 10 s in a Release build, run once by the Linux build. */
    static const struct test large[] = {
        {"an import past a pull's 8 MiB page reaches a new till in one round",
         test_an_import_past_a_pull_page},
    };
    if (argc < 3) {
        fprintf(stderr, "usage: chain_test DIR CONNINFO [--large]\n");
        return 2;
    }
    snprintf(conninfo_base, sizeof conninfo_base, "%s", argv[2]);
    char* args[] = {argv[0], argv[1], NULL};
    if (argc > 3 && strcmp(argv[3], "--large") == 0)
        return test_main(2, args, large, sizeof large / sizeof large[0]);
    return test_main(2, args, tests, sizeof tests / sizeof tests[0]);
}
