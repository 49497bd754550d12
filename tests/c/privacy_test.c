/*
 * Privacy and the refusal rule through the C ABI:
 *  - an erased member leaves no byte of their phone, name or e-mail in the database file or its
 *    WAL, though they enrolled with an idempotency key, were refused once (a duplicate), bought,
 *    and were sent messages;
 *  - a member's data export holds everything about them, and nobody else's data;
 *  - a queued message is never handed out after its member withdrew consent or was erased;
 *  - a refusal that carried a key gets the same answer on a retry, even after the sale changed.
 *
 *   privacy_test <scratch-directory> [test-name]
 */
#include <loyalty/loyalty.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static const char* PROGRAMME =
    "{\"name\":\"Privacy club\",\"currency\":\"IRT\",\"utc_offset_minutes\":210,"
    "\"language\":\"en\","
    "\"spend\":[{\"id\":\"base\",\"name\":\"One point per 1,000\",\"points\":1,\"per\":1000}],"
    "\"redeem\":{\"point_value\":\"10\",\"min_points\":1,\"max_share\":\"1\"},"
    "\"messages\":{\"triggers\":["
    "{\"trigger\":\"welcome\",\"text\":{\"en\":\"Welcome {name}\"}},"
    "{\"trigger\":\"earned\",\"text\":{\"en\":\"{name}: +{points} points\"}}]}}";

static const int64_t T0 = 1795242600000LL; /* 2026-11-21 10:00 Tehran */

/* The person: a phone in the national form, its E.164 form and digits, a Persian name, an
 * e-mail and a card. */
#define PHONE "09127770011"
#define PHONE_E164 "+989127770011"
#define PHONE_DIGITS "9127770011"
#define NAME                                    \
    "\xd8\xb4\xdb\x8c\xd8\xb1\xdb\x8c\xd9\x86 " \
    "\xd9\x81\xd8\xb1\xd8\xa7\xd9\x87\xd8\xa7\xd9\x86\xdb\x8c" /* شیرین فراهانی */
#define EMAIL "shirin.farahani@example.ir"
#define CARD "LC-77441199"

static loy_db* open_db(const char* name, char* path_out, size_t cap) {
    snprintf(path_out, cap, "%s/%s", dir, name);
    loy_db* db = open_fresh(name, PROGRAMME);
    if (db) CHECK_STATUS(loy_set_clock(db, T0, &err), LOY_OK);
    return db;
}

/* 1 when `needle` occurs in the file's bytes (a missing file holds nothing). */
static int file_contains(const char* path, const char* needle) {
    FILE* f = fopen(path, "rb");
    if (!f) return 0;
    size_t cap = 1 << 20, len = 0;
    char* buf = (char*)malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            char* bigger = (char*)realloc(buf, cap * 2);
            if (!bigger) break;
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    int found = 0;
    size_t n = strlen(needle);
    for (size_t i = 0; buf && n > 0 && i + n <= len && !found; ++i)
        found = memcmp(buf + i, needle, n) == 0;
    free(buf);
    return found;
}

/* 1 when the database file or its WAL holds `needle`. */
static int db_contains(const char* path, const char* needle) {
    char wal[1100];
    snprintf(wal, sizeof wal, "%s-wal", path);
    return file_contains(path, needle) || file_contains(wal, needle);
}

/* The member's export, or NULL (the caller frees it). */
static char* export_of(loy_db* db, int64_t member) {
    size_t needed = 0;
    CHECK_STATUS(loy_member_export(db, member, NULL, 0, &needed, &err), LOY_OK);
    char* buf = (char*)malloc(needed + 1);
    if (!buf) return NULL;
    size_t again = 0;
    CHECK_STATUS(loy_member_export(db, member, buf, needed + 1, &again, &err), LOY_OK);
    CHECK(again == needed && strlen(buf) == needed);
    return buf;
}

static int64_t sell(loy_db* db, int64_t member, int64_t price, const char* key) {
    loy_basket* b = NULL;
    CHECK_STATUS(loy_basket_new(&b, &err), LOY_OK);
    CHECK_STATUS(loy_basket_set_member(b, member, &err), LOY_OK);
    CHECK_STATUS(loy_basket_add_line(b, "TEA", "drinks", 1000, price, 0, NULL, &err), LOY_OK);
    CHECK_STATUS(loy_basket_add_line(b, "GIFT", "free", 1000, 0, 0, NULL, &err), LOY_OK);
    return commit_basket(db, b, key, NULL, 0);
}

/* Enrols the person (under `key`, which may be NULL); `f` keeps their fields. */
static int64_t enrol_the_person(loy_db* db, const char* key, loy_member_fields* f) {
    loy_member_fields_init(f);
    f->phone = PHONE;
    f->name = NAME;
    f->email = EMAIL;
    f->card = CARD;
    f->consent_sms = 1;
    f->consent_email = 1;
    f->tags = "vip,tea";
    f->birth_year = 1990;
    f->birth_month = 11;
    f->birth_day = 25;
    loy_member* m = NULL;
    CHECK_STATUS(loy_member_enrol(db, f, key, &m, &err), LOY_OK);
    int64_t id = m ? loy_member_id(m) : 0;
    loy_member_free(m);
    return id;
}

static void test_erasure_leaves_no_byte(void) {
    char path[1024];
    loy_db* db = open_db("privacy-erase.db", path, sizeof path);
    if (!db) return;
    loy_member_fields f;
    int64_t id = enrol_the_person(db, "till1-enrol-1", &f);
    loy_member* m = NULL;
    /* A refused enrolment under a key (the phone is taken): remembered, without the phone. */
    CHECK_STATUS(loy_member_enrol(db, &f, "till1-enrol-2", &m, &err), LOY_ERR_DUPLICATE);
    CHECK(strstr(err.message, PHONE_DIGITS) == NULL);
    sell(db, id, 150000, "till1-sale-1");
    int64_t queued = 0;
    CHECK_STATUS(loy_messages_generate(db, 0, &queued, &err), LOY_OK);
    CHECK(queued == 2);
    /* One message sent, one still waiting. */
    loy_table* t = NULL;
    CHECK_STATUS(loy_outbox_fetch(db, 0, 1, 60000, &t, &err), LOY_OK);
    CHECK(t != NULL && loy_table_row_count(t) == 1);
    if (t && loy_table_row_count(t) == 1)
        CHECK_STATUS(loy_outbox_ack(db, loy_table_int(t, 0, 0), LOY_DELIVERY_SENT, NULL, 0, &err),
                     LOY_OK);
    loy_table_free(t);
    /* The scan sees the person before the erasure (so that it can see anything at all). */
    CHECK(db_contains(path, PHONE_E164));
    CHECK(db_contains(path, NAME));
    CHECK(db_contains(path, EMAIL));

    CHECK_STATUS(loy_member_erase(db, id, &err), LOY_OK);
    /* The export of an erased member holds none of it either. */
    char* exported = export_of(db, id);
    CHECK(exported != NULL && strstr(exported, PHONE_DIGITS) == NULL &&
          strstr(exported, NAME) == NULL && strstr(exported, EMAIL) == NULL);
    free(exported);
    static const char* const traces[] = {PHONE, PHONE_E164, PHONE_DIGITS, NAME, EMAIL, CARD};
    for (size_t i = 0; i < sizeof traces / sizeof traces[0]; ++i) {
        if (db_contains(path, traces[i]))
            fprintf(stderr, "  after erasure the file still holds '%s'\n", traces[i]);
        CHECK(!db_contains(path, traces[i]));
    }
    /* The member's history stays, anonymous: the sale, the points, the messages' places. */
    CHECK_STATUS(loy_member_get(db, id, &m, &err), LOY_OK);
    CHECK(m != NULL && loy_member_status(m) == LOY_MEMBER_ERASED && loy_member_balance(m) == 150);
    loy_member_free(m);
    CHECK_STATUS(loy_member_messages(db, id, 10, &t, &err), LOY_OK);
    CHECK(t != NULL && loy_table_row_count(t) == 2);
    for (size_t r = 0; t && r < loy_table_row_count(t); ++r)
        CHECK(strcmp(loy_table_text(t, r, 5), "") == 0); /* body */
    loy_table_free(t);
    /* Nothing is handed out for an erased member. */
    CHECK_STATUS(loy_outbox_fetch(db, T0 + 3600000, 10, 60000, &t, &err), LOY_OK);
    CHECK(t != NULL && loy_table_row_count(t) == 0);
    loy_table_free(t);
    /* The keyed requests still answer as before, though they keep no text of the person. */
    CHECK_STATUS(loy_member_enrol(db, &f, "till1-enrol-2", &m, &err), LOY_ERR_DUPLICATE);
    loy_close(db);
    for (size_t i = 0; i < sizeof traces / sizeof traces[0]; ++i)
        CHECK(!db_contains(path, traces[i]));
}

static void test_data_export_holds_everything(void) {
    char path[1024];
    loy_db* db = open_db("privacy-export.db", path, sizeof path);
    if (!db) return;
    loy_member_fields f;
    int64_t id = enrol_the_person(db, NULL, &f);
    loy_member* m = NULL;
    int64_t other = enrol_phone(db, "09125550000", "Someone Else", 1);
    /* A second card of hers, merged in: the same person. */
    int64_t second = enrol_phone(db, "09125550001", "Shirin F.", 0);
    CHECK_STATUS(loy_member_merge(db, id, second, &m, &err), LOY_OK);
    loy_member_free(m);
    sell(db, id, 150000, "exp-sale-1");
    sell(db, other, 90000, "exp-sale-2");
    int64_t queued = 0;
    CHECK_STATUS(loy_messages_generate(db, 0, &queued, &err), LOY_OK);

    char* doc = export_of(db, id);
    CHECK(doc != NULL);
    if (doc) {
        static const char* const wanted[] = {"\"format\": \"libloyalty member export 1\"",
                                             PHONE_E164,
                                             NAME,
                                             EMAIL,
                                             CARD,
                                             "\"birth_year\": 1990",
                                             "\"consent_sms\": 1",
                                             "\"tag\": \"vip\"",
                                             "\"tag\": \"tea\"",
                                             "\"merged_members\"",
                                             "Shirin F.",
                                             "\"sales\"",
                                             "\"total\": 150000",
                                             "\"sale_lines\"",
                                             "\"sku\": \"TEA\"",
                                             "\"ledger\"",
                                             "\"points\": 150",
                                             "\"messages\"",
                                             "Welcome " NAME,
                                             "\"wallet_entries\"",
                                             "\"coupons\""};
        for (size_t i = 0; i < sizeof wanted / sizeof wanted[0]; ++i) {
            if (!strstr(doc, wanted[i])) fprintf(stderr, "  the export lacks %s\n", wanted[i]);
            CHECK(strstr(doc, wanted[i]) != NULL);
        }
        /* Nobody else's data: not the other member's phone, name or sale. */
        CHECK(strstr(doc, "9125550000") == NULL && strstr(doc, "Someone Else") == NULL);
        CHECK(strstr(doc, "\"total\": 90000") == NULL);
    }
    free(doc);
    /* A short buffer gets a truncated, terminated copy and the size it needs. */
    char small[16];
    size_t needed = 0;
    CHECK_STATUS(loy_member_export(db, id, small, sizeof small, &needed, &err), LOY_OK);
    CHECK(strlen(small) == sizeof small - 1 && needed > sizeof small);
    CHECK_STATUS(loy_member_export(db, 9999, NULL, 0, &needed, &err), LOY_ERR_NOT_FOUND);
    CHECK(needed == 0);
    CHECK_STATUS(loy_member_export(NULL, id, NULL, 0, &needed, &err), LOY_ERR_INVALID_ARGUMENT);
    loy_close(db);
}

static void test_consent_is_checked_when_fetched(void) {
    char path[1024];
    loy_db* db = open_db("privacy-consent.db", path, sizeof path);
    if (!db) return;
    int64_t kian = enrol_phone(db, "09127770022", "Kian", 1);
    int64_t leila = enrol_phone(db, "09127770033", "Leila", 1);
    int64_t mina = enrol_phone(db, "09127770044", "Mina", 1);
    int64_t queued = 0;
    CHECK_STATUS(loy_messages_generate(db, 0, &queued, &err), LOY_OK);
    CHECK(queued == 3); /* three welcomes, made while all three consented */

    /* Kian withdraws SMS consent, Leila is deactivated, Mina changes her phone. */
    loy_member* m = NULL;
    loy_member_fields u;
    loy_member_fields_init(&u);
    u.consent_sms = 0;
    CHECK_STATUS(loy_member_update(db, kian, &u, &m, &err), LOY_OK);
    loy_member_free(m);
    CHECK_STATUS(loy_member_deactivate(db, leila, &err), LOY_OK);
    loy_member_fields_init(&u);
    u.phone = "09127770055";
    CHECK_STATUS(loy_member_update(db, mina, &u, &m, &err), LOY_OK);
    loy_member_free(m);

    loy_table* t = NULL;
    CHECK_STATUS(loy_outbox_fetch(db, 0, 10, 60000, &t, &err), LOY_OK);
    CHECK(t != NULL && loy_table_row_count(t) == 1);
    if (t && loy_table_row_count(t) == 1) {
        CHECK(loy_table_int(t, 0, 1) == mina);
        CHECK(strcmp(loy_table_text(t, 0, 5), "+989127770055") == 0); /* today's phone */
        CHECK_STATUS(loy_outbox_ack(db, loy_table_int(t, 0, 0), LOY_DELIVERY_SENT, NULL, 0, &err),
                     LOY_OK);
    }
    loy_table_free(t);
    CHECK_STATUS(loy_member_messages(db, kian, 10, &t, &err), LOY_OK);
    CHECK(t != NULL && loy_table_row_count(t) == 1);
    if (t && loy_table_row_count(t) == 1) {
        CHECK(strcmp(loy_table_text(t, 0, 3), "suppressed") == 0);
        CHECK(strcmp(loy_table_text(t, 0, 4), "consent withdrawn for sms") == 0);
    }
    loy_table_free(t);
    CHECK_STATUS(loy_member_messages(db, leila, 10, &t, &err), LOY_OK);
    CHECK(t != NULL && loy_table_row_count(t) == 1 &&
          strcmp(loy_table_text(t, 0, 4), "deactivated") == 0);
    loy_table_free(t);
    /* Consent given again later does not bring a suppressed message back. */
    loy_member_fields_init(&u);
    u.consent_sms = 1;
    CHECK_STATUS(loy_member_update(db, kian, &u, &m, &err), LOY_OK);
    loy_member_free(m);
    CHECK_STATUS(loy_outbox_fetch(db, T0 + 120000, 10, 60000, &t, &err), LOY_OK);
    CHECK(t != NULL && loy_table_row_count(t) == 0);
    loy_table_free(t);
    loy_close(db);
}

static void test_refusals_are_remembered(void) {
    char path[1024];
    loy_db* db = open_db("privacy-refusals.db", path, sizeof path);
    if (!db) return;
    int64_t id = enrol_phone(db, "09127770066", NULL, 0);
    loy_member* m = NULL;
    int64_t sale = sell(db, id, 90000, "R-sale");
    /* Returning only the free line returns nothing: refused, and remembered for its key. */
    loy_refund* free_line = NULL;
    CHECK_STATUS(loy_refund_new(&free_line, &err), LOY_OK);
    CHECK_STATUS(loy_refund_add_line(free_line, 2, 1000, &err), LOY_OK);
    loy_receipt* r = NULL;
    CHECK_STATUS(loy_refund_sale(db, sale, free_line, "R-refund-1", &r, &err),
                 LOY_ERR_INVALID_AMOUNT);
    CHECK(r == NULL);
    /* The rest of the sale is refunded... */
    CHECK_STATUS(loy_refund_sale(db, sale, NULL, "R-refund-2", &r, &err), LOY_OK);
    loy_receipt_free(r);
    /* ...and the retry of the first request still gets its first answer, not "refunded". */
    CHECK_STATUS(loy_refund_sale(db, sale, free_line, "R-refund-1", &r, &err),
                 LOY_ERR_INVALID_AMOUNT);
    CHECK(r == NULL);
    loy_refund_free(free_line);
    /* A refusal changes no business data: the member has the points of no sale. */
    CHECK_STATUS(loy_member_get(db, id, &m, &err), LOY_OK);
    CHECK(m != NULL && loy_member_balance(m) == 0);
    loy_member_free(m);
    loy_close(db);
}

int main(int argc, char** argv) {
    static const struct test tests[] = {
        {"erasure leaves no byte of the person", test_erasure_leaves_no_byte},
        {"a member's data export holds everything about them", test_data_export_holds_everything},
        {"consent and erasure are checked when a message is fetched",
         test_consent_is_checked_when_fetched},
        {"refusals with a key are remembered", test_refusals_are_remembered},
    };
    return test_main(argc, argv, tests, sizeof tests / sizeof tests[0]);
}
