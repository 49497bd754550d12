/* Checks shared by the C tests: count, report the failing line, carry on. */
#ifndef LOYALTY_TESTS_C_CHECK_H
#define LOYALTY_TESTS_C_CHECK_H

#include <loyalty/loyalty.h>

#include <stdio.h>
#include <string.h>

static int failures = 0, checks = 0;
static loy_error err;
/* The scratch directory a test works in (its first argument). */
static char dir[512];

#define CHECK(cond)                                                                    \
    do {                                                                               \
        ++checks;                                                                      \
        if (!(cond)) {                                                                 \
            ++failures;                                                                \
            fprintf(stderr, "  %s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                              \
    } while (0)
#define CHECK_STATUS(expr, want)                                                               \
    do {                                                                                       \
        int32_t got_ = (expr);                                                                 \
        ++checks;                                                                              \
        if (got_ != (want)) {                                                                  \
            ++failures;                                                                        \
            fprintf(stderr, "  %s:%d: %s returned %s, expected %s (%s)\n", __FILE__, __LINE__, \
                    #expr, loy_status_name(got_), loy_status_name(want), err.message);         \
        }                                                                                      \
    } while (0)

/* Removes <dir>/<name> and its -wal and -shm files, those that exist. */
static inline void remove_database(const char* name) {
    char path[1024], side[1100];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    remove(path);
    snprintf(side, sizeof side, "%s-wal", path);
    remove(side);
    snprintf(side, sizeof side, "%s-shm", path);
    remove(side);
}

/* Opens <dir>/<name> with IRT as the default currency, written as `origin` (NULL: the file's
 * own), read-only or not, a till of a chain or not; the open must answer `want`. */
static inline loy_db* open_as(const char* name, const char* origin, int32_t read_only,
                              int32_t chain_mode, int32_t want) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    loy_open_options o;
    loy_open_options_init(&o);
    o.path = path;
    o.origin = origin;
    o.read_only = read_only;
    o.chain_mode = chain_mode;
    o.default_currency = "IRT";
    loy_db* db = NULL;
    CHECK_STATUS(loy_open(&o, &db, &err), want);
    return db;
}

static inline loy_db* open_with(const char* name, const char* origin, int32_t read_only,
                                int32_t want) {
    return open_as(name, origin, read_only, 0, want);
}

/* Opens <dir>/<name> as a new database (an old file and its -wal and -shm removed), with IRT as
 * the default currency, and loads `programme` unless it is NULL. */
static inline loy_db* open_fresh(const char* name, const char* programme) {
    remove_database(name);
    loy_db* db = open_with(name, NULL, 0, LOY_OK);
    if (db && programme) CHECK_STATUS(loy_program_load_json(db, programme, NULL, &err), LOY_OK);
    return db;
}

/* Enrols a member by phone (name may be NULL), without a key; returns its id. */
static inline int64_t enrol_phone(loy_db* db, const char* phone, const char* name, int32_t sms) {
    loy_member_fields f;
    loy_member_fields_init(&f);
    f.phone = phone;
    f.name = name;
    f.consent_sms = sms;
    loy_member* m = NULL;
    CHECK_STATUS(loy_member_enrol(db, &f, NULL, &m, &err), LOY_OK);
    int64_t id = m ? loy_member_id(m) : 0;
    loy_member_free(m);
    return id;
}

/* Copies <dir>/<from> over <dir>/<to>, byte for byte; an existing <to> is written over in place
 * (the same file, truncated: its identity stays, as when a backup is put back). */
static inline void copy_file(const char* from, const char* to) {
    char x[1024], y[1024];
    snprintf(x, sizeof x, "%s/%s", dir, from);
    snprintf(y, sizeof y, "%s/%s", dir, to);
    FILE* in = fopen(x, "rb");
    FILE* out = fopen(y, "wb");
    CHECK(in && out);
    if (in && out) {
        char buf[65536];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, in)) > 0)
            CHECK(fwrite(buf, 1, n, out) == n);
    }
    if (in) fclose(in);
    if (out) CHECK(fclose(out) == 0);
}

/* Commits basket `b` under `key` (it must succeed) and frees it; the receipt's id goes to `uid`
 * when not NULL. Returns the sale's id. */
static inline int64_t commit_basket(loy_db* db, loy_basket* b, const char* key, char* uid,
                                    size_t cap) {
    loy_receipt* r = NULL;
    CHECK_STATUS(loy_commit(db, b, key, &r, &err), LOY_OK);
    int64_t sale = r ? loy_receipt_sale_id(r) : 0;
    if (uid) snprintf(uid, cap, "%s", r ? loy_receipt_uid(r) : "");
    loy_receipt_free(r);
    loy_basket_free(b);
    return sale;
}

/* loy_verify finds no problem in the database. */
static inline void check_verified(loy_db* db) {
    int64_t problems = -1;
    CHECK_STATUS(loy_verify(db, &problems, NULL, 0, NULL, &err), LOY_OK);
    CHECK(problems == 0);
}

/* A named test: runs its checks and counts as failed if any check failed. */
struct test {
    const char* name;
    void (*fn)(void);
};

/* Runs `tests` (only the one named `only`, if not NULL), prints "ok"/"FAIL" per test and the
 * summary line "N passed, N failed"; returns the process exit code. */
static inline int run_tests(const struct test* tests, size_t n, const char* only) {
    int passed = 0, failed = 0;
    for (size_t i = 0; i < n; ++i) {
        if (only && strcmp(only, tests[i].name) != 0) continue;
        int before = failures;
        tests[i].fn();
        if (failures == before) {
            ++passed;
            printf("ok   %s\n", tests[i].name);
        } else {
            ++failed;
            printf("FAIL %s\n", tests[i].name);
        }
    }
    printf("%d checks\n%d passed, %d failed\n", checks, passed, failed);
    return failed == 0 ? 0 : 1;
}

/* main() of a test program: argv[1] is the scratch directory, argv[2] optionally one test. */
static inline int test_main(int argc, char** argv, const struct test* tests, size_t n) {
    snprintf(dir, sizeof dir, "%s", argc > 1 ? argv[1] : ".");
    loy_error_init(&err);
    return run_tests(tests, n, argc > 2 ? argv[2] : NULL);
}

#endif
