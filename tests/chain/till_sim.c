/* A till for the chain's campaign (tests/chain/campaign.sh): a process that sells on its own file
 * while loyalty-syncd, another process, carries the file's records to and from the authority,
 * and that the campaign kills at any moment. Through the public C API only.
 *
 *   till_sim FILE ORIGIN enrol N         enrol N members (phones 09127770000 + i), with keys
 *   till_sim FILE ORIGIN sell SECONDS    sell to the members this file knows, for SECONDS
 *   till_sim FILE ORIGIN balances        "uid balance" of every member, after checking the file
 *                                        (loy_verify), then "sales N": the sales this till made
 *
 * The file is made in chain mode with the campaign's programme when it does not exist. Exit
 * status 0, or 1 with the reason on stderr. */
#include <loyalty/loyalty.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PHONE_PREFIX "0912777"
#define MAX_MEMBERS 1000

/* Tiers by points earned, so that tills place members in tiers as they sell. */
static const char* PROGRAMME =
    "{\"name\":\"Campaign\",\"currency\":\"IRT\",\"utc_offset_minutes\":210,"
    "\"spend\":[{\"id\":\"base\",\"name\":\"1 point per 1,000\",\"points\":1,\"per\":1000,"
    "\"rounding\":\"floor\"}],"
    "\"tiers\":{\"score\":[{\"metric\":\"points\"}],\"levels\":["
    "{\"id\":\"bronze\",\"name\":\"Bronze\",\"threshold\":0},"
    "{\"id\":\"silver\",\"name\":\"Silver\",\"threshold\":1500},"
    "{\"id\":\"gold\",\"name\":\"Gold\",\"threshold\":3500}]},"
    "\"redeem\":{\"point_value\":\"100\",\"min_points\":1,\"max_share\":\"0.5\"}}";

static loy_error err;

static int fail(const char* what) {
    fprintf(stderr, "till_sim: %s: %s: %s\n", what, loy_status_name(err.code), err.message);
    return 1;
}

static loy_db* open_till(const char* path, const char* origin) {
    loy_open_options o;
    loy_open_options_init(&o);
    o.path = path;
    o.origin = origin;
    o.chain_mode = 1;
    o.default_currency = "IRT";
    o.busy_timeout_ms = 30000; /* the daemon writes the same file */
    loy_db* db = NULL;
    if (loy_open(&o, &db, &err) != LOY_OK) return NULL;
    if (loy_program_active_version(db) <= 0 &&
        loy_program_load_json(db, PROGRAMME, NULL, &err) != LOY_OK) {
        loy_close(db);
        return NULL;
    }
    return db;
}

/* The ids of the members this file knows (phones of the campaign), up to MAX_MEMBERS. */
static size_t known_members(loy_db* db, int64_t* ids, char uids[][64], int64_t* balances) {
    size_t n = 0;
    int64_t after = 0;
    for (;;) {
        loy_member_query q;
        loy_member_query_init(&q);
        q.phone_prefix = PHONE_PREFIX;
        q.limit = 1000;
        q.after_id = after;
        loy_member_list* list = NULL;
        if (loy_member_search(db, &q, &list, &err) != LOY_OK) return n;
        const size_t count = loy_member_list_count(list);
        for (size_t i = 0; i < count && n < MAX_MEMBERS; ++i) {
            const loy_member* m = loy_member_list_at(list, i);
            ids[n] = loy_member_id(m);
            if (uids) snprintf(uids[n], 64, "%s", loy_member_uid(m));
            if (balances) balances[n] = loy_member_balance(m);
            after = ids[n];
            ++n;
        }
        loy_member_list_free(list);
        if (count < 1000 || n >= MAX_MEMBERS) return n;
    }
}

static int enrol(loy_db* db, int count) {
    for (int i = 0; i < count; ++i) {
        char phone[32], key[64];
        snprintf(phone, sizeof phone, PHONE_PREFIX "%04d", i);
        snprintf(key, sizeof key, "campaign-enrol-%d", i);
        loy_member_fields f;
        loy_member_fields_init(&f);
        f.phone = phone;
        loy_member* m = NULL;
        if (loy_member_enrol(db, &f, key, &m, &err) != LOY_OK) return fail("enrol");
        loy_member_free(m);
    }
    printf("enrolled %d\n", count);
    return 0;
}

static int sell(loy_db* db, const char* origin, int seconds) {
    static int64_t ids[MAX_MEMBERS];
    const time_t until = time(NULL) + seconds;
    unsigned seed = (unsigned)time(NULL) ^ (unsigned)clock();
    long sales = 0;
    size_t n = 0;
    struct timespec nap = {0, 20 * 1000 * 1000};
    while (time(NULL) < until) {
        if (sales % 50 == 0 || n == 0) n = known_members(db, ids, NULL, NULL);
        if (n == 0) { /* nobody pulled yet */
            nanosleep(&nap, NULL);
            continue;
        }
        seed = seed * 1103515245u + 12345u;
        const int64_t member = ids[(seed >> 8) % n];
        const int64_t amount = (int64_t)((seed >> 4) % 50 + 1) * 1000;
        loy_basket* b = NULL;
        if (loy_basket_new(&b, &err) != LOY_OK) return fail("basket");
        loy_basket_set_member(b, member, &err);
        if (loy_basket_add_line(b, "TEA", "drinks", 1000, amount, 0, NULL, &err) != LOY_OK) {
            loy_basket_free(b);
            return fail("line");
        }
        char key[96];
        snprintf(key, sizeof key, "%s-%ld-%ld-%u", origin, (long)time(NULL), sales, seed);
        loy_receipt* r = NULL;
        const int32_t rc = loy_commit(db, b, key, &r, &err);
        loy_receipt_free(r);
        loy_basket_free(b);
        if (rc != LOY_OK) return fail("commit");
        ++sales;
        nanosleep(&nap, NULL);
    }
    printf("sold %ld\n", sales);
    return 0;
}

static int balances(loy_db* db, const char* origin) {
    int64_t problems = -1;
    char text[4096];
    size_t needed = 0;
    if (loy_verify(db, &problems, text, sizeof text, &needed, &err) != LOY_OK)
        return fail("verify");
    if (problems != 0) {
        fprintf(stderr, "till_sim: the file has %lld problems: %s\n", (long long)problems, text);
        return 1;
    }
    static int64_t ids[MAX_MEMBERS], bal[MAX_MEMBERS];
    static char uids[MAX_MEMBERS][64];
    const size_t n = known_members(db, ids, uids, bal);
    for (size_t i = 0; i < n; ++i)
        printf("%s %lld\n", uids[i], (long long)bal[i]);
    /* The sales this till made: its own journal's sale records. */
    long sales = 0;
    int64_t after = 0;
    for (;;) {
        loy_journal* j = NULL;
        if (loy_journal_read(db, origin, after, 1000, &j, &err) != LOY_OK) return fail("journal");
        const size_t count = loy_journal_count(j);
        for (size_t i = 0; i < count; ++i) {
            if (strcmp(loy_journal_kind(j, i), "sale") == 0) ++sales;
            after = loy_journal_seq(j, i);
        }
        loy_journal_free(j);
        if (count == 0) break;
    }
    printf("sales %ld\n", sales);
    return 0;
}

int main(int argc, char** argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: till_sim FILE ORIGIN enrol N | sell SECONDS | balances\n");
        return 2;
    }
    loy_error_init(&err);
    loy_db* db = open_till(argv[1], argv[2]);
    if (!db) return fail("open");
    int status = 2;
    if (strcmp(argv[3], "enrol") == 0 && argc == 5)
        status = enrol(db, atoi(argv[4]));
    else if (strcmp(argv[3], "sell") == 0 && argc == 5)
        status = sell(db, argv[2], atoi(argv[4]));
    else if (strcmp(argv[3], "balances") == 0)
        status = balances(db, argv[2]);
    loy_close(db);
    return status;
}
