/*
 * Checkpoints (docs/storage.md, "Checkpoints"): who copies the write-ahead log into the database
 * file. In WAL mode the main file changes only when a checkpoint copies pages into it, so its size
 * shows whether one ran: never by itself with LOY_CHECKPOINT_MANUAL (until loy_checkpoint), by
 * the handle's own thread with LOY_CHECKPOINT_BACKGROUND, in a committing call with _INLINE.
 */
#ifndef _WIN32
#define _POSIX_C_SOURCE 200809L
#endif
#include <loyalty/loyalty.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <windows.h>
#else
#include <time.h>
#endif

#include "check.h"

static const char* PROGRAMME =
    "{\"name\":\"Checkpoints\",\"currency\":\"IRT\","
    "\"spend\":[{\"id\":\"base\",\"name\":\"base\",\"points\":1,\"per\":1000}]}";

static void sleep_ms(int ms) {
#ifdef _WIN32
    Sleep((DWORD)ms);
#else
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
#endif
}

static long file_size(const char* name) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE* f = fopen(path, "rb");
    if (!f) return -1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fclose(f);
    return n;
}

/* A new file opened with `mode`, its programme loaded and one member enrolled. */
static loy_db* open_mode(const char* name, int32_t mode, int64_t* member) {
    char path[1024];
    remove_database(name);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    loy_open_options o;
    loy_open_options_init(&o);
    CHECK(o.checkpoint == LOY_CHECKPOINT_BACKGROUND); /* the default */
    o.path = path;
    o.default_currency = "IRT";
    o.durability = LOY_DURABILITY_NORMAL;
    o.checkpoint = mode;
    loy_db* db = NULL;
    CHECK_STATUS(loy_open(&o, &db, &err), LOY_OK);
    if (!db) return NULL;
    CHECK_STATUS(loy_program_load_json(db, PROGRAMME, NULL, &err), LOY_OK);
    *member = enrol_phone(db, "09121234567", NULL, 0);
    return db;
}

/* `n` sales of three lines each for `member`, keys <prefix><i>. */
static void sell(loy_db* db, int64_t member, const char* prefix, int n) {
    for (int i = 0; i < n; ++i) {
        char key[64];
        snprintf(key, sizeof key, "%s%d", prefix, i);
        loy_basket* b = NULL;
        CHECK_STATUS(loy_basket_new(&b, &err), LOY_OK);
        CHECK_STATUS(loy_basket_set_member(b, member, &err), LOY_OK);
        CHECK_STATUS(loy_basket_add_line(b, "TEA", "drinks", 1000, 150000, 0, NULL, &err), LOY_OK);
        CHECK_STATUS(loy_basket_add_line(b, "CAKE", "food", 2000, 90000, 0, NULL, &err), LOY_OK);
        CHECK_STATUS(loy_basket_add_line(b, "MILK", "dairy", 1000, 40000, 0, NULL, &err), LOY_OK);
        commit_basket(db, b, key, NULL, 0);
    }
}

/* Every one of `sales` sales (370 points each) is there, and the file reads whole. */
static void check_sold(loy_db* db, int64_t member, int64_t sales) {
    loy_member* m = NULL;
    CHECK_STATUS(loy_member_get(db, member, &m, &err), LOY_OK);
    CHECK(m != NULL && loy_member_balance(m) == sales * 370);
    loy_member_free(m);
    check_verified(db);
}

static void manual(void) {
    int64_t member = 0;
    loy_db* db = open_mode("manual.db", LOY_CHECKPOINT_MANUAL, &member);
    if (!db) return;
    int32_t frames = -1, copied = -1;
    CHECK_STATUS(loy_checkpoint(db, &frames, &copied, &err), LOY_OK);
    CHECK(frames > 0 && copied == frames); /* the schema, programme and member */
    const long before = file_size("manual.db");
    sell(db, member, "M", 150);
    /* Thousands of frames in the WAL, none copied: nothing checkpointed by itself. */
    CHECK(file_size("manual.db") == before);
    CHECK(file_size("manual.db-wal") > 1000L * 4096);
    CHECK_STATUS(loy_checkpoint(db, &frames, &copied, &err), LOY_OK);
    CHECK(frames > 1000 && copied == frames);
    CHECK(file_size("manual.db") > before);
    /* The next sale starts the log again from its beginning. */
    sell(db, member, "N", 1);
    CHECK_STATUS(loy_checkpoint(db, &frames, NULL, &err), LOY_OK);
    CHECK(frames > 0 && frames < 100);
    CHECK_STATUS(loy_checkpoint(db, NULL, NULL, &err), LOY_OK);
    check_verified(db);
    loy_close(db);
}

static void background(void) {
    int64_t member = 0;
    loy_db* db = open_mode("background.db", LOY_CHECKPOINT_BACKGROUND, &member);
    if (!db) return;
    CHECK_STATUS(loy_checkpoint(db, NULL, NULL, &err), LOY_OK);
    const long before = file_size("background.db");
    /* Sales until the log holds the 4,000 frames that wake the handle's thread (a sale writes
     * about a dozen pages). */
    int sold = 0;
    while (sold < 3000 && file_size("background.db-wal") < 4200L * (4096 + 24)) {
        char prefix[16];
        snprintf(prefix, sizeof prefix, "B%d-", sold);
        sell(db, member, prefix, 50);
        sold += 50;
    }
    CHECK(sold < 3000);
    /* The handle's thread copies the log while the till waits for the next customer. */
    int waited = 0;
    while (file_size("background.db") == before && waited < 20000) {
        sleep_ms(20);
        waited += 20;
    }
    CHECK(file_size("background.db") > before);
    check_sold(db, member, sold);
    loy_close(db);
}

/* The write-ahead log's checkpoint sequence (bytes 12..15 of its header, big-endian): SQLite adds
 * one each time the log starts again from its beginning. -1 when there is no log. */
static long wal_restarts(const char* name) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE* f = fopen(path, "rb");
    if (!f) return -1;
    unsigned char h[16];
    const size_t got = fread(h, 1, sizeof h, f);
    fclose(f);
    if (got != sizeof h) return -1;
    return (long)(((unsigned long)h[12] << 24) | ((unsigned long)h[13] << 16) |
                  ((unsigned long)h[14] << 8) | (unsigned long)h[15]);
}

/* The frames (pages) 150 of these sales write, counted on a manual handle's log. */
static int frames_of_150_sales(void) {
    int64_t member = 0;
    loy_db* db = open_mode("count.db", LOY_CHECKPOINT_MANUAL, &member);
    if (!db) return 0;
    int32_t frames = 0;
    CHECK_STATUS(loy_checkpoint(db, NULL, NULL, &err), LOY_OK);
    sell(db, member, "C", 150);
    CHECK_STATUS(loy_checkpoint(db, &frames, NULL, &err), LOY_OK);
    loy_close(db);
    return frames;
}

/* Sales that never pause give the log no moment to start again by itself: once it holds twice
 * the threshold (8,000 pages), the thread copies it and starts it again holding the write lock,
 * so the -wal file stays bounded. How far it grows first depends on the disk (the passes' syncs:
 * ~16,000-20,000 pages on a fast one, ~44,000 with syncs of 30 ms); what does not is that the
 * log started again while the sales went on, and that the file holds fewer frames than the
 * 6,000 sales wrote (all of them, without the restart). */
static void back_to_back(void) {
    const long frames_150 = frames_of_150_sales();
    CHECK(frames_150 > 1000);
    int64_t member = 0;
    loy_db* db = open_mode("nonstop.db", LOY_CHECKPOINT_BACKGROUND, &member);
    if (!db) return;
    const long restarts = wal_restarts("nonstop.db-wal");
    sell(db, member, "S", 6000);
    const long frames = (file_size("nonstop.db-wal") - 32) / (24 + 4096);
    CHECK(frames > 8000);
    CHECK(wal_restarts("nonstop.db-wal") > restarts);
    CHECK(frames < 40 * frames_150);
    check_sold(db, member, 6000);
    loy_close(db);
}

static void inline_mode(void) {
    int64_t member = 0;
    loy_db* db = open_mode("inline.db", LOY_CHECKPOINT_INLINE, &member);
    if (!db) return;
    CHECK_STATUS(loy_checkpoint(db, NULL, NULL, &err), LOY_OK);
    const long before = file_size("inline.db");
    /* About 16 MiB of log: some commit copies it before returning. */
    int sales = 0;
    while (file_size("inline.db") == before && sales < 3000) {
        char prefix[32];
        snprintf(prefix, sizeof prefix, "I%d-", sales);
        sell(db, member, prefix, 1);
        ++sales;
    }
    CHECK(file_size("inline.db") > before);
    CHECK(file_size("inline.db-wal") >= 4000L * 4096);
    loy_close(db);
}

static void refused(void) {
    char path[1024];
    remove_database("refused.db");
    snprintf(path, sizeof path, "%s/refused.db", dir);
    loy_open_options o;
    loy_open_options_init(&o);
    o.path = path;
    o.default_currency = "IRT";
    o.checkpoint = 3;
    loy_db* db = NULL;
    CHECK_STATUS(loy_open(&o, &db, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK(db == NULL && strstr(err.message, "LOY_CHECKPOINT_") != NULL);
    CHECK(file_size("refused.db") < 0); /* nothing created */
    o.checkpoint = -1;
    CHECK_STATUS(loy_open(&o, &db, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_checkpoint(NULL, NULL, NULL, &err), LOY_ERR_INVALID_ARGUMENT);
    /* A read-only handle does not checkpoint. */
    db = open_fresh("ro.db", PROGRAMME);
    loy_close(db);
    db = open_with("ro.db", NULL, 1, LOY_OK);
    int32_t frames = -1;
    CHECK_STATUS(loy_checkpoint(db, &frames, NULL, &err), LOY_ERR_READONLY);
    CHECK(frames == 0);
    loy_close(db);
}

int main(int argc, char** argv) {
    static const struct test tests[] = {
        {"manual checkpoints", manual},
        {"background checkpoints", background},
        {"background checkpoints under sales that never pause", back_to_back},
        {"inline checkpoints", inline_mode},
        {"refused options", refused},
    };
    return test_main(argc, argv, tests, sizeof tests / sizeof tests[0]);
}
