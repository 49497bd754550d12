/*
 * A database on a read-only filesystem (a mounted snapshot, a backup medium): read with
 * read_only = 1 though no -shm file can be made beside it; opening it for writing, or creating a
 * database there, is LOY_ERR_READONLY; a copy taken with a -wal file full of changes is refused
 * with a clear message rather than read without them. tests/c/readonly.sh runs it on a tmpfs
 * remounted read-only:
 *
 *   readonly_test prepare <dir>    (while the folder is writable)
 *   readonly_test check <dir>      (after it was made read-only)
 */
#include <loyalty/loyalty.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static const char* PROGRAMME =
    "{\"name\":\"RO\",\"currency\":\"IRT\",\"utc_offset_minutes\":210,"
    "\"spend\":[{\"id\":\"base\",\"name\":\"base\",\"points\":1,\"per\":1000}]}";

static int64_t sell(loy_db* db, int64_t member, const char* key) {
    loy_basket* b = NULL;
    CHECK_STATUS(loy_basket_new(&b, &err), LOY_OK);
    CHECK_STATUS(loy_basket_set_member(b, member, &err), LOY_OK);
    CHECK_STATUS(loy_basket_add_line(b, "TEA", "drinks", 1000, 150000, 0, NULL, &err), LOY_OK);
    return commit_basket(db, b, key, NULL, 0);
}

static void prepare(void) {
    loy_db* db = open_with("club.db", NULL, 0, LOY_OK);
    if (!db) return;
    CHECK_STATUS(loy_program_load_json(db, PROGRAMME, NULL, &err), LOY_OK);
    int64_t id = enrol_phone(db, "09121234567", NULL, 0);
    sell(db, id, "S1");
    /* A till's file copied while it was open, with its WAL (which holds the sale). */
    sell(db, id, "S2");
    copy_file("club.db", "live-copy.db");
    copy_file("club.db-wal", "live-copy.db-wal");
    loy_close(db); /* the last connection checkpoints and removes club.db's -wal and -shm */
}

static void check(void) {
    /* Read-only: opens and reads, though no -shm can be created beside it. */
    loy_db* db = open_with("club.db", NULL, 1, LOY_OK);
    if (db) {
        loy_member* m = NULL;
        CHECK_STATUS(loy_member_find_by_phone(db, "09121234567", &m, &err), LOY_OK);
        CHECK(m != NULL && loy_member_balance(m) == 300);
        loy_member_free(m);
        check_verified(db);
        /* A write through it is refused. */
        loy_member_fields f;
        loy_member_fields_init(&f);
        f.phone = "09121234568";
        CHECK_STATUS(loy_member_enrol(db, &f, NULL, &m, &err), LOY_ERR_READONLY);
        loy_close(db);
    }
    /* Opened for writing: LOY_ERR_READONLY, saying what to do. */
    db = open_with("club.db", NULL, 0, LOY_ERR_READONLY);
    CHECK(db == NULL && strstr(err.message, "read_only = 1") != NULL);
    /* A new database cannot be created there. */
    db = open_with("new.db", NULL, 0, LOY_ERR_READONLY);
    CHECK(db == NULL);
    /* A copy whose -wal holds changes is refused, not read without them. */
    db = open_with("live-copy.db", NULL, 1, LOY_ERR_READONLY);
    CHECK(db == NULL && strstr(err.message, "-wal") != NULL);
}

int main(int argc, char** argv) {
    if (argc < 3 || (strcmp(argv[1], "prepare") != 0 && strcmp(argv[1], "check") != 0)) {
        fprintf(stderr, "usage: readonly_test prepare|check <dir>\n");
        return 2;
    }
    snprintf(dir, sizeof dir, "%s", argv[2]);
    loy_error_init(&err);
    static const struct test prepare_tests[] = {{"prepare a database", prepare}};
    static const struct test check_tests[] = {{"read-only medium", check}};
    if (strcmp(argv[1], "prepare") == 0) return run_tests(prepare_tests, 1, NULL);
    return run_tests(check_tests, 1, NULL);
}
