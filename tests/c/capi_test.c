/*
 * The C ABI tested from C: every public function, its NULL handling, its status codes, and the
 * rule that a failed call leaves out-parameters cleared and the database unchanged.
 *
 *   capi_test <scratch-directory> [test-name]
 */
#include <loyalty/loyalty.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#ifndef _WIN32
#include <sys/stat.h>
#endif

static const char* PROGRAMME =
    "{\"name\":\"C test\",\"currency\":\"IRR\",\"utc_offset_minutes\":210,"
    "\"spend\":[{\"id\":\"base\",\"name\":\"Every 100,000 = 10 "
    "points\",\"points\":10,\"per\":100000}],"
    "\"events\":[{\"action\":\"review\",\"points\":5,\"cap\":1,\"per\":\"day\"},"
    "{\"action\":\"app_login\",\"points\":1,\"cap\":1,\"per\":\"day\"}],"
    "\"challenges\":[{\"id\":\"three\",\"purchases\":3,\"window\":\"month\",\"bonus\":20}],"
    "\"redeem\":{\"point_value\":\"1000\",\"min_points\":10,\"max_share\":\"0.5\"},"
    "\"expiry_days\":365}";

static const int64_t T0 = 1795242600000LL; /* 2026-11-21 10:00 Tehran */
static const int64_t DAY = 86400000LL;

static loy_db* open_db(const char* name) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    remove(path);
    loy_open_options o;
    loy_open_options_init(&o);
    o.path = path;
    loy_db* db = NULL;
    CHECK_STATUS(loy_open(&o, &db, &err), LOY_OK);
    CHECK(db != NULL);
    CHECK_STATUS(loy_set_clock(db, T0, &err), LOY_OK);
    return db;
}

static loy_basket* basket_of(int64_t member, int64_t price) {
    loy_basket* b = NULL;
    CHECK_STATUS(loy_basket_new(&b, &err), LOY_OK);
    CHECK_STATUS(loy_basket_set_member(b, member, &err), LOY_OK);
    CHECK_STATUS(loy_basket_add_line(b, "SKU-1", "food", 1000, price, 0, NULL, &err), LOY_OK);
    return b;
}

/* The checksum of everything the library reports, to show a failed call changed nothing. */
static int64_t fingerprint(loy_db* db, int64_t member) {
    loy_member* m = NULL;
    if (loy_member_get(db, member, &m, &err) != LOY_OK) return -1;
    int64_t f = loy_member_balance(m) * 1000003 + loy_member_available(m) * 7919 +
                loy_member_lifetime_earned(m);
    loy_member_free(m);
    loy_history* h = NULL;
    if (loy_history_get(db, member, 1000, 0, &h, &err) != LOY_OK) return -1;
    f = f * 31 + (int64_t)loy_history_count(h);
    loy_history_free(h);
    return f;
}

static void test_version_and_status(void) {
    CHECK(loy_version_number() == LOY_VERSION_NUMBER);
    CHECK(strcmp(loy_version_string(), LOY_VERSION_STRING) == 0);
    CHECK(strcmp(loy_status_name(LOY_ERR_BUSY), "LOY_ERR_BUSY") == 0);
    CHECK(strcmp(loy_status_name(LOY_OK), "LOY_OK") == 0);
    CHECK(strcmp(loy_status_name(9999), "LOY_ERR_UNKNOWN") == 0);
    CHECK(loy_status_is_transient(LOY_ERR_BUSY) == 1);
    CHECK(loy_status_is_transient(LOY_ERR_IO) == 1);
    CHECK(loy_status_is_transient(LOY_ERR_INSUFFICIENT_POINTS) == 0);
    CHECK(loy_status_family(LOY_OK) == LOY_FAMILY_OK);
    CHECK(loy_status_family(LOY_ERR_INVALID_PHONE) == LOY_FAMILY_INVALID_INPUT);
    CHECK(loy_status_family(LOY_ERR_EMPTY_BASKET) == LOY_FAMILY_INVALID_INPUT);
    CHECK(loy_status_family(LOY_ERR_NOT_FOUND) == LOY_FAMILY_NOT_FOUND);
    CHECK(loy_status_family(LOY_ERR_IDEMPOTENCY_CONFLICT) == LOY_FAMILY_CONFLICT);
    CHECK(loy_status_family(LOY_ERR_SYNC_GAP) == LOY_FAMILY_CONFLICT);
    CHECK(loy_status_family(LOY_ERR_INSUFFICIENT_POINTS) == LOY_FAMILY_DECLINED);
    CHECK(loy_status_family(LOY_ERR_NEEDS_ONLINE) == LOY_FAMILY_DECLINED);
    CHECK(loy_status_family(LOY_ERR_BUSY) == LOY_FAMILY_TRANSIENT);
    CHECK(loy_status_family(LOY_ERR_READONLY) == LOY_FAMILY_FAILURE);
    CHECK(loy_status_family(9999) == LOY_FAMILY_FAILURE);
    {
        /* Every status has a family, and the transient ones are exactly LOY_FAMILY_TRANSIENT. */
        int32_t s;
        for (s = 1; s <= LOY_ERR_NEEDS_APPROVAL; ++s) {
            CHECK(loy_status_family(s) >= LOY_FAMILY_INVALID_INPUT &&
                  loy_status_family(s) <= LOY_FAMILY_FAILURE);
            CHECK((loy_status_family(s) == LOY_FAMILY_TRANSIENT) ==
                  (loy_status_is_transient(s) == 1));
        }
    }
    loy_error e;
    loy_error_init(&e);
    CHECK(e.size == sizeof e && e.code == 0 && e.message[0] == 0);
    loy_error_init(NULL); /* harmless */
}

static void test_open_close(void) {
    loy_db* db = NULL;
    CHECK_STATUS(loy_open(NULL, &db, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK(db == NULL);
    loy_open_options o;
    loy_open_options_init(&o);
    CHECK(o.size == sizeof o && o.durability == LOY_DURABILITY_FULL && o.busy_timeout_ms == 5000);
    CHECK_STATUS(loy_open(&o, &db, &err), LOY_ERR_INVALID_ARGUMENT); /* no path */
    CHECK(strstr(err.message, "path") != NULL);
    char path[1024];
    snprintf(path, sizeof path, "%s/open.db", dir);
    remove(path);
    o.path = path;
    o.durability = 7;
    CHECK_STATUS(loy_open(&o, &db, &err), LOY_ERR_INVALID_ARGUMENT);
    o.durability = LOY_DURABILITY_NORMAL;
    o.default_country = "XX";
    CHECK_STATUS(loy_open(&o, &db, &err), LOY_ERR_INVALID_ARGUMENT);
    o.default_country = NULL;
    o.size = 4;
    CHECK_STATUS(loy_open(&o, &db, &err), LOY_ERR_INVALID_ARGUMENT);
    o.size = sizeof o;
    CHECK_STATUS(loy_open(&o, &db, &err), LOY_OK);
    CHECK(db != NULL);
#ifdef _WIN32
    { /* Windows: the file takes its folder's access list (docs/building.md). */
        FILE* fp = fopen(path, "rb");
        CHECK(fp != NULL);
        if (fp) fclose(fp);
    }
#else
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
#endif
    loy_close(db);
    loy_close(NULL); /* harmless */

    /* A file that is not a database. */
    snprintf(path, sizeof path, "%s/garbage.db", dir);
    FILE* f = fopen(path, "wb");
    for (int i = 0; i < 4096; ++i)
        fputc(i * 7 % 251, f);
    fclose(f);
    o.path = path;
    CHECK_STATUS(loy_open(&o, &db, &err), LOY_ERR_NOT_A_DATABASE);
    CHECK(db == NULL);
    o.path = dir; /* a directory */
    CHECK_STATUS(loy_open(&o, &db, &err), LOY_ERR_IO);
    snprintf(path, sizeof path, "%s/missing.db", dir);
    remove(path);
    o.path = path;
    o.read_only = 1;
    CHECK_STATUS(loy_open(&o, &db, &err), LOY_ERR_IO);
    /* Errors with a NULL error struct still return the code. */
    CHECK(loy_open(&o, &db, NULL) == LOY_ERR_IO);
}

static void test_clock_currency_format(void) {
    loy_db* db = open_db("clock.db");
    CHECK(loy_now(db) == T0);
    CHECK_STATUS(loy_set_clock(db, -5, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK(loy_now(db) == T0);
    CHECK_STATUS(loy_set_clock(NULL, T0, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK(loy_now(NULL) == 0);
    int32_t e = -1;
    CHECK_STATUS(loy_currency_exponent(db, "IRR", &e, &err), LOY_OK);
    CHECK(e == 0);
    CHECK_STATUS(loy_currency_exponent(db, "XYZ", &e, &err), LOY_ERR_UNKNOWN_CURRENCY);
    CHECK(e == 0);
    CHECK_STATUS(loy_currency_set(db, "XYZ", 3, &err), LOY_OK);
    CHECK_STATUS(loy_currency_exponent(db, "XYZ", &e, &err), LOY_OK);
    CHECK(e == 3);
    CHECK_STATUS(loy_currency_set(db, "xy z", 2, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_currency_set(db, "ABC", 12, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_currency_set(db, NULL, 2, &err), LOY_ERR_INVALID_ARGUMENT);
    char buf[64];
    size_t need = 0;
    CHECK_STATUS(loy_money_format(db, 123456789, "USD", 1, buf, sizeof buf, &need, &err), LOY_OK);
    CHECK(strcmp(buf, "1,234,567.89") == 0 && need == 12);
    CHECK_STATUS(loy_money_format(db, -5, "XYZ", 0, buf, sizeof buf, &need, &err), LOY_OK);
    CHECK(strcmp(buf, "-0.005") == 0);
    /* snprintf semantics: truncated, NUL-terminated, full length reported. */
    CHECK_STATUS(loy_money_format(db, 123456789, "IRR", 1, buf, 5, &need, &err), LOY_OK);
    CHECK(strcmp(buf, "123,") == 0 && need == 11);
    CHECK_STATUS(loy_money_format(db, 1, "IRR", 0, NULL, 0, &need, &err), LOY_OK);
    CHECK(need == 1);
    CHECK_STATUS(loy_phone_normalize(db, "0912 123 4567", buf, sizeof buf, &need, &err), LOY_OK);
    CHECK(strcmp(buf, "+989121234567") == 0 && need == 13);
    CHECK_STATUS(loy_phone_normalize(db, "12", buf, sizeof buf, &need, &err),
                 LOY_ERR_INVALID_PHONE);
    CHECK(need == 0);
    CHECK_STATUS(loy_phone_normalize(db, "\xff\xfe", buf, sizeof buf, &need, &err),
                 LOY_ERR_INVALID_UTF8);
    loy_close(db);
}

static void test_members(void) {
    loy_db* db = open_db("members.db");
    loy_member_fields f;
    loy_member_fields_init(&f);
    CHECK(f.size == sizeof f && f.birth_month == LOY_UNCHANGED && f.consent_sms == LOY_UNCHANGED);
    loy_member* m = (loy_member*)1;
    /* Neither phone nor card. */
    CHECK_STATUS(loy_member_enrol(db, &f, NULL, &m, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK(m == NULL);
    f.phone = "0912 123 4567";
    f.name = "Sara";
    f.email = "sara@example.com";
    f.birth_year = 1990;
    f.birth_month = 3;
    f.birth_day = 21;
    f.gender = "f";
    f.tags = "vegan, coffee,vegan";
    f.language = "fa";
    f.consent_sms = 1;
    f.consent_email = 0;
    f.branch = "north";
    CHECK_STATUS(loy_member_enrol(db, &f, "enrol-1", &m, &err), LOY_OK);
    int64_t sara = loy_member_id(m);
    CHECK(sara > 0);
    CHECK(strlen(loy_member_uid(m)) > 3);
    CHECK(loy_member_status(m) == LOY_MEMBER_ACTIVE);
    CHECK(strcmp(loy_member_phone(m), "+989121234567") == 0);
    CHECK(strcmp(loy_member_card(m), "") == 0);
    CHECK(strcmp(loy_member_name(m), "Sara") == 0);
    CHECK(strcmp(loy_member_email(m), "sara@example.com") == 0);
    CHECK(loy_member_birth_year(m) == 1990 && loy_member_birth_month(m) == 3 &&
          loy_member_birth_day(m) == 21);
    CHECK(strcmp(loy_member_gender(m), "f") == 0);
    CHECK(strcmp(loy_member_tags(m), "coffee,vegan") == 0);
    CHECK(strcmp(loy_member_language(m), "fa") == 0);
    CHECK(loy_member_consent_sms(m) == 1 && loy_member_consent_email(m) == 0 &&
          loy_member_consent_push(m) == 0);
    CHECK(strcmp(loy_member_branch(m), "north") == 0);
    CHECK(loy_member_referrer_id(m) == 0);
    CHECK(strlen(loy_member_referral_code(m)) == 8);
    CHECK(loy_member_merged_into(m) == 0);
    CHECK(loy_member_created_at(m) == T0);
    CHECK(loy_member_balance(m) == 0 && loy_member_available(m) == 0 &&
          loy_member_pending(m) == 0 && loy_member_lifetime_earned(m) == 0);
    char code[16];
    snprintf(code, sizeof code, "%s", loy_member_referral_code(m));
    loy_member_free(m);
    /* Accessors on NULL never crash. */
    CHECK(loy_member_id(NULL) == 0 && strcmp(loy_member_name(NULL), "") == 0);
    loy_member_free(NULL);

    /* The same enrolment retried with its key gives the same member. */
    CHECK_STATUS(loy_member_enrol(db, &f, "enrol-1", &m, &err), LOY_OK);
    CHECK(loy_member_id(m) == sara);
    loy_member_free(m);
    /* Same phone, another key: duplicate. */
    f.name = "Someone else";
    CHECK_STATUS(loy_member_enrol(db, &f, "enrol-2", &m, &err), LOY_ERR_DUPLICATE);
    CHECK(m == NULL);
    CHECK_STATUS(loy_member_enrol(db, &f, "enrol-1", &m, &err), LOY_ERR_IDEMPOTENCY_CONFLICT);

    /* Bad inputs each get their code. */
    loy_member_fields_init(&f);
    f.phone = "0912";
    CHECK_STATUS(loy_member_enrol(db, &f, NULL, &m, &err), LOY_ERR_INVALID_PHONE);
    f.phone = "09121111111";
    f.name = "\xc3\x28";
    CHECK_STATUS(loy_member_enrol(db, &f, NULL, &m, &err), LOY_ERR_INVALID_UTF8);
    char longname[400];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    f.name = longname;
    CHECK_STATUS(loy_member_enrol(db, &f, NULL, &m, &err), LOY_ERR_TOO_LONG);
    f.name = NULL;
    f.birth_month = 2;
    f.birth_day = 30;
    CHECK_STATUS(loy_member_enrol(db, &f, NULL, &m, &err), LOY_ERR_INVALID_ARGUMENT);
    f.birth_month = LOY_UNCHANGED;
    f.birth_day = LOY_UNCHANGED;
    f.consent_sms = 5;
    CHECK_STATUS(loy_member_enrol(db, &f, NULL, &m, &err), LOY_ERR_INVALID_ARGUMENT);
    f.consent_sms = LOY_UNCHANGED;
    f.referrer = "NOSUCHCODE";
    CHECK_STATUS(loy_member_enrol(db, &f, NULL, &m, &err), LOY_ERR_NOT_FOUND);
    f.referrer = code;
    f.card = "CARD-2";
    CHECK_STATUS(loy_member_enrol(db, &f, NULL, &m, &err), LOY_OK);
    int64_t ali = loy_member_id(m);
    CHECK(loy_member_referrer_id(m) == sara);
    loy_member_free(m);
    CHECK_STATUS(loy_member_enrol(NULL, &f, NULL, &m, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_member_enrol(db, NULL, NULL, &m, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_member_enrol(db, &f, NULL, NULL, &err), LOY_ERR_INVALID_ARGUMENT);

    /* Lookups. */
    CHECK_STATUS(loy_member_get(db, sara, &m, &err), LOY_OK);
    CHECK(loy_member_id(m) == sara);
    loy_member_free(m);
    CHECK_STATUS(loy_member_get(db, 999, &m, &err), LOY_ERR_NOT_FOUND);
    CHECK(m == NULL);
    CHECK_STATUS(loy_member_find_by_phone(db,
                                          "\xDB\xB0\xDB\xB9\xDB\xB1\xDB\xB2\xDB\xB1\xDB\xB2\xDB\xB3"
                                          "\xDB\xB4\xDB\xB5\xDB\xB6\xDB\xB7",
                                          &m, &err),
                 LOY_OK);
    CHECK(loy_member_id(m) == sara);
    loy_member_free(m);
    CHECK_STATUS(loy_member_find_by_phone(db, "09129999999", &m, &err), LOY_ERR_NOT_FOUND);
    CHECK_STATUS(loy_member_find_by_phone(db, NULL, &m, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_member_find_by_card(db, "CARD-2", &m, &err), LOY_OK);
    CHECK(loy_member_id(m) == ali);
    loy_member_free(m);
    CHECK_STATUS(loy_member_find_by_card(db, "", &m, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_member_identify(db, "CARD-2", &m, &err), LOY_OK);
    CHECK(loy_member_id(m) == ali);
    loy_member_free(m);
    CHECK_STATUS(loy_member_identify(db, "+98 912 123 4567", &m, &err), LOY_OK);
    CHECK(loy_member_id(m) == sara);
    loy_member_free(m);
    CHECK_STATUS(loy_member_identify(db, "nobody", &m, &err), LOY_ERR_NOT_FOUND);

    /* Update: NULL keeps, "" clears, numbers LOY_UNCHANGED keep. */
    loy_member_fields_init(&f);
    f.email = "";
    f.name = "Sara A.";
    f.consent_email = 1;
    f.tags = "tea";
    CHECK_STATUS(loy_member_update(db, sara, &f, &m, &err), LOY_OK);
    CHECK(strcmp(loy_member_email(m), "") == 0 && strcmp(loy_member_name(m), "Sara A.") == 0);
    CHECK(loy_member_consent_email(m) == 1 && loy_member_consent_sms(m) == 1);
    CHECK(strcmp(loy_member_tags(m), "tea") == 0 && loy_member_birth_month(m) == 3);
    loy_member_free(m);
    loy_member_fields_init(&f);
    f.card = "CARD-2";
    CHECK_STATUS(loy_member_update(db, sara, &f, &m, &err), LOY_ERR_DUPLICATE);
    CHECK(m == NULL);
    f.card = NULL;
    f.phone = "";
    CHECK_STATUS(loy_member_update(db, ali, &f, NULL, &err), LOY_OK); /* ali keeps his card */
    CHECK_STATUS(loy_member_update(db, 12345, &f, &m, &err), LOY_ERR_NOT_FOUND);

    /* Search with keyset paging. */
    for (int i = 0; i < 5; ++i) {
        char phone[32];
        snprintf(phone, sizeof phone, "0935000000%d", i);
        enrol_phone(db, phone, NULL, 0);
    }
    loy_member_query q;
    loy_member_query_init(&q);
    CHECK(q.size == sizeof q);
    q.phone_prefix = "0935";
    q.limit = 3;
    loy_member_list* list = NULL;
    CHECK_STATUS(loy_member_search(db, &q, &list, &err), LOY_OK);
    CHECK(loy_member_list_count(list) == 3);
    q.after_id = loy_member_id(loy_member_list_at(list, 2));
    CHECK(loy_member_list_at(list, 3) == NULL);
    loy_member_list_free(list);
    CHECK_STATUS(loy_member_search(db, &q, &list, &err), LOY_OK);
    CHECK(loy_member_list_count(list) == 2);
    loy_member_list_free(list);
    loy_member_query_init(&q);
    q.name_prefix = "sara";
    CHECK_STATUS(loy_member_search(db, &q, &list, &err), LOY_OK);
    CHECK(loy_member_list_count(list) == 1 && loy_member_id(loy_member_list_at(list, 0)) == sara);
    loy_member_list_free(list);
    loy_member_query_init(&q);
    q.tag = "tea";
    CHECK_STATUS(loy_member_search(db, &q, &list, &err), LOY_OK);
    CHECK(loy_member_list_count(list) == 1);
    loy_member_list_free(list);
    q.limit = 5000;
    CHECK_STATUS(loy_member_search(db, &q, &list, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK(list == NULL);
    CHECK(loy_member_list_count(NULL) == 0);
    loy_member_list_free(NULL);

    /* Deactivate, reactivate, erase, merge. */
    CHECK_STATUS(loy_member_deactivate(db, ali, &err), LOY_OK);
    CHECK_STATUS(loy_member_get(db, ali, &m, &err), LOY_OK);
    CHECK(loy_member_status(m) == LOY_MEMBER_INACTIVE);
    loy_member_free(m);
    loy_basket* b = basket_of(ali, 100000);
    loy_receipt* r = NULL;
    CHECK_STATUS(loy_commit(db, b, "inactive-sale", &r, &err), LOY_ERR_MEMBER_INACTIVE);
    CHECK(r == NULL);
    loy_basket_free(b);
    CHECK_STATUS(loy_member_reactivate(db, ali, &err), LOY_OK);
    CHECK_STATUS(loy_member_deactivate(db, 777, &err), LOY_ERR_NOT_FOUND);
    CHECK_STATUS(loy_member_reactivate(db, 777, &err), LOY_ERR_NOT_FOUND);

    int64_t dup = enrol_phone(db, "09127777777", NULL, 0);
    CHECK_STATUS(loy_member_merge(db, sara, sara, &m, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_member_merge(db, sara, dup, &m, &err), LOY_OK);
    CHECK(loy_member_id(m) == sara);
    loy_member_free(m);
    CHECK_STATUS(loy_member_get(db, dup, &m, &err), LOY_OK);
    CHECK(loy_member_status(m) == LOY_MEMBER_MERGED && loy_member_merged_into(m) == sara);
    loy_member_free(m);

    CHECK_STATUS(loy_member_erase(db, ali, &err), LOY_OK);
    CHECK_STATUS(loy_member_get(db, ali, &m, &err), LOY_OK);
    CHECK(loy_member_status(m) == LOY_MEMBER_ERASED && strcmp(loy_member_card(m), "") == 0 &&
          strcmp(loy_member_name(m), "") == 0);
    loy_member_free(m);
    CHECK_STATUS(loy_member_find_by_card(db, "CARD-2", &m, &err), LOY_ERR_NOT_FOUND);
    CHECK_STATUS(loy_member_erase(db, 4242, &err), LOY_ERR_NOT_FOUND);
    loy_close(db);
}

static void test_program(void) {
    loy_db* db = open_db("program.db");
    CHECK(loy_program_active_version(db) == 0);
    CHECK(loy_program_active_version(NULL) == 0);
    int64_t v = 0;
    CHECK_STATUS(loy_program_load_json(db, "{\"spend\": 3}", &v, &err), LOY_ERR_INVALID_PROGRAM);
    CHECK(v == 0 && strstr(err.message, "spend") != NULL);
    CHECK_STATUS(loy_program_load_json(db, "{\"pionts\": 3}", &v, &err), LOY_ERR_INVALID_PROGRAM);
    CHECK(strstr(err.message, "pionts") != NULL);
    CHECK_STATUS(loy_program_load_json(db, "{not json", &v, &err), LOY_ERR_INVALID_PROGRAM);
    CHECK_STATUS(loy_program_load_json(db, "{\"redeem\":{\"point_value\":\"1e3\"}}", &v, &err),
                 LOY_ERR_INVALID_PROGRAM);
    CHECK_STATUS(loy_program_load_json(db, "{\"currency\":\"XYZ\"}", &v, &err),
                 LOY_ERR_UNKNOWN_CURRENCY);
    CHECK_STATUS(loy_program_load_json(db, NULL, &v, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK(loy_program_active_version(db) == 0);
    CHECK_STATUS(loy_program_load_json(db, PROGRAMME, &v, &err), LOY_OK);
    CHECK(v == 1 && loy_program_active_version(db) == 1);
    CHECK_STATUS(loy_program_load_json(db, PROGRAMME, &v, &err), LOY_OK);
    CHECK(v == 1); /* unchanged text: same version */
    size_t need = 0;
    CHECK_STATUS(loy_program_export_json(db, 0, NULL, 0, &need, &err), LOY_OK);
    CHECK(need > 50);
    char* buf = (char*)malloc(need + 1);
    CHECK_STATUS(loy_program_export_json(db, 1, buf, need + 1, &need, &err), LOY_OK);
    CHECK(strstr(buf, "\"per\": 100000") != NULL);
    /* The exported text loads back as the same version. */
    CHECK_STATUS(loy_program_load_json(db, buf, &v, &err), LOY_OK);
    CHECK(v == 1);
    free(buf);
    CHECK_STATUS(loy_program_export_json(db, 9, NULL, 0, &need, &err), LOY_ERR_NOT_FOUND);
    char path[1024];
    snprintf(path, sizeof path, "%s/programme.json", dir);
    FILE* f = fopen(path, "w");
    fputs("{\"spend\":[{\"id\":\"b\",\"points\":1,\"per\":1000}]}", f);
    fclose(f);
    CHECK_STATUS(loy_program_load_file(db, path, &v, &err), LOY_OK);
    CHECK(v == 2);
    snprintf(path, sizeof path, "%s/no-such-file.json", dir);
    CHECK_STATUS(loy_program_load_file(db, path, &v, &err), LOY_ERR_IO);
    CHECK(v == 0);
    loy_close(db);
}

static void test_checkout(void) {
    loy_db* db = open_db("checkout.db");
    int64_t v = 0;
    CHECK_STATUS(loy_program_load_json(db, PROGRAMME, &v, &err), LOY_OK);
    int64_t sara = enrol_phone(db, "09121234567", NULL, 0);

    loy_basket* b = NULL;
    CHECK_STATUS(loy_basket_new(NULL, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_basket_new(&b, &err), LOY_OK);
    CHECK_STATUS(loy_basket_set_member(b, -1, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_basket_set_member(b, sara, &err), LOY_OK);
    CHECK_STATUS(loy_basket_set_context(b, "R-1", "north", "T1", "c1", &err), LOY_OK);
    CHECK_STATUS(loy_basket_set_context(b, "R-1", "\xff", "T1", "c1", &err), LOY_ERR_INVALID_UTF8);
    CHECK_STATUS(loy_basket_set_currency(b, "IRR", &err), LOY_OK);
    CHECK_STATUS(loy_basket_set_currency(b, NULL, &err), LOY_ERR_INVALID_ARGUMENT);
    int32_t line = 0;
    CHECK_STATUS(loy_basket_add_line(b, "A", "food", -1000, 100, 0, &line, &err),
                 LOY_ERR_INVALID_AMOUNT);
    CHECK(line == 0);
    CHECK_STATUS(loy_basket_add_line(b, "A", "food", 1000, -100, 0, &line, &err),
                 LOY_ERR_INVALID_AMOUNT);
    CHECK_STATUS(loy_basket_add_line(b, "A", "food", 1000, 100, 200, &line, &err),
                 LOY_ERR_INVALID_AMOUNT);
    CHECK_STATUS(loy_basket_add_line(b, "A", "food", INT64_MAX, INT64_MAX, 0, &line, &err),
                 LOY_ERR_OVERFLOW);
    CHECK_STATUS(loy_basket_add_line(b, NULL, "food", 1000, 100, 0, &line, &err),
                 LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_basket_add_line(b, "", "food", 1000, 100, 0, &line, &err),
                 LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_basket_add_line(b, "A", "food", 1000, 300000, 0, &line, &err), LOY_OK);
    CHECK(line == 1);
    CHECK_STATUS(loy_basket_add_line(b, "B", NULL, 2500, 100000, 50000, &line, &err), LOY_OK);
    CHECK(line == 2);
    CHECK_STATUS(loy_basket_set_charges(b, -1, 0, 0, &err), LOY_ERR_INVALID_AMOUNT);
    CHECK_STATUS(loy_basket_set_charges(b, 9000, 0, 1000, &err), LOY_OK);
    CHECK_STATUS(loy_basket_redeem_points(b, -3, &err), LOY_ERR_INVALID_AMOUNT);

    loy_quote* q = NULL;
    CHECK_STATUS(loy_quote_basket(db, NULL, &q, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_quote_basket(db, b, &q, &err), LOY_OK);
    /* 300,000 + 250,000 - 50,000 = 500,000 of lines: 5 blocks = 50 points; charges excluded. */
    CHECK(loy_quote_total(q) == 510000);
    CHECK(loy_quote_points_earned(q) == 50);
    CHECK(loy_quote_member_id(q) == sara);
    CHECK(loy_quote_program_version(q) == 1);
    CHECK(loy_quote_balance(q) == 0 && loy_quote_available(q) == 0);
    CHECK(loy_quote_redeemable_points(q) == 0 && loy_quote_redeemable_value(q) == 0);
    CHECK(loy_quote_redeem_status(q) == LOY_OK && loy_quote_redeem_points(q) == 0 &&
          loy_quote_redeem_value(q) == 0 && loy_quote_amount_due(q) == 510000);
    CHECK(loy_quote_rule_count(q) == 1);
    CHECK(strcmp(loy_quote_rule_id(q, 0), "base") == 0 && loy_quote_rule_points(q, 0) == 50);
    CHECK(strstr(loy_quote_rule_explanation(q, 0), "500,000") != NULL);
    CHECK(loy_quote_line_points(q, 1) == 30 && loy_quote_line_points(q, 2) == 20);
    CHECK(loy_quote_line_points(q, 3) == 0 && loy_quote_line_points(q, 0) == 0);
    CHECK(strcmp(loy_quote_rule_id(q, 5), "") == 0);
    loy_quote_free(q);
    loy_quote_free(NULL);
    CHECK(loy_quote_total(NULL) == 0 && loy_quote_rule_count(NULL) == 0);

    loy_receipt* r = NULL;
    CHECK_STATUS(loy_commit(db, b, NULL, &r, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_commit(db, b, "", &r, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_commit(db, b, "T1-R1", &r, &err), LOY_OK);
    CHECK(loy_receipt_kind(r) == LOY_RECEIPT_SALE && loy_receipt_replayed(r) == 0);
    int64_t sale = loy_receipt_sale_id(r);
    CHECK(sale > 0 && strlen(loy_receipt_uid(r)) > 3);
    CHECK(loy_receipt_member_id(r) == sara && loy_receipt_program_version(r) == 1);
    CHECK(loy_receipt_total(r) == 510000 && loy_receipt_points_earned(r) == 50);
    CHECK(loy_receipt_points_redeemed(r) == 0 && loy_receipt_redeem_value(r) == 0);
    CHECK(loy_receipt_amount_due(r) == 510000 && loy_receipt_refund_amount(r) == 0);
    CHECK(loy_receipt_balance_after(r) == 50 && loy_receipt_available_after(r) == 50);
    CHECK(loy_receipt_created_at(r) == T0);
    CHECK(loy_receipt_rule_count(r) == 1 && strcmp(loy_receipt_rule_id(r, 0), "base") == 0);
    CHECK(loy_receipt_rule_points(r, 0) == 50 && strlen(loy_receipt_rule_explanation(r, 0)) > 10);
    loy_receipt_free(r);
    /* The till retries: replayed, nothing written twice. */
    CHECK_STATUS(loy_commit(db, b, "T1-R1", &r, &err), LOY_OK);
    CHECK(loy_receipt_replayed(r) == 1 && loy_receipt_sale_id(r) == sale &&
          loy_receipt_balance_after(r) == 50);
    loy_receipt_free(r);
    int64_t found = 0;
    CHECK_STATUS(loy_sale_find_by_key(db, "T1-R1", &found, &err), LOY_OK);
    CHECK(found == sale);
    CHECK_STATUS(loy_sale_find_by_key(db, "nope", &found, &err), LOY_ERR_NOT_FOUND);
    CHECK(found == 0);

    /* Tenders must cover what is due. */
    {
        loy_basket* bt = basket_of(sara, 100000);
        CHECK_STATUS(loy_basket_add_tender(bt, NULL, 10, &err), LOY_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(loy_basket_add_tender(bt, "cash", -1, &err), LOY_ERR_INVALID_AMOUNT);
        CHECK_STATUS(loy_basket_add_tender(bt, "cash", 60000, &err), LOY_OK);
        CHECK_STATUS(loy_commit(db, bt, "T1-TENDER", &r, &err), LOY_ERR_INVALID_AMOUNT);
        CHECK(strstr(err.message, "60000") != NULL && r == NULL);
        /* The refusal is remembered for its key: the same request gets the same answer, a
         * corrected one under that key is a conflict, and goes through under a new key. */
        CHECK_STATUS(loy_commit(db, bt, "T1-TENDER", &r, &err), LOY_ERR_INVALID_AMOUNT);
        CHECK_STATUS(loy_basket_add_tender(bt, "card", 40000, &err), LOY_OK);
        CHECK_STATUS(loy_commit(db, bt, "T1-TENDER", &r, &err), LOY_ERR_IDEMPOTENCY_CONFLICT);
        CHECK_STATUS(loy_commit(db, bt, "T1-TENDER-2", &r, &err), LOY_OK);
        CHECK(loy_receipt_points_earned(r) == 10);
        int64_t tender_sale = loy_receipt_sale_id(r);
        loy_receipt_free(r);
        /* Undo it so the rest of the test starts from 50 points. */
        CHECK_STATUS(loy_void_sale(db, tender_sale, "T1-TENDER-VOID", &r, &err), LOY_OK);
        CHECK(loy_receipt_points_earned(r) == 10);
        loy_receipt_free(r);
        loy_basket_free(bt);
    }

    /* Points tender: 10 points minimum, 1 point = 1,000 IRR, at most half the basket. */
    int64_t before = fingerprint(db, sara);
    loy_basket* b2 = basket_of(sara, 100000);
    CHECK_STATUS(loy_basket_redeem_points(b2, 5, &err), LOY_OK);
    CHECK_STATUS(loy_commit(db, b2, "T1-R2", &r, &err), LOY_ERR_REDEMPTION_NOT_ALLOWED);
    CHECK(r == NULL && fingerprint(db, sara) == before);
    /* A business refusal stays refused for its key. */
    CHECK_STATUS(loy_commit(db, b2, "T1-R2", &r, &err), LOY_ERR_REDEMPTION_NOT_ALLOWED);
    CHECK_STATUS(loy_basket_redeem_points(b2, 51, &err), LOY_OK); /* 50 available */
    CHECK_STATUS(loy_commit(db, b2, "T1-R3", &r, &err), LOY_ERR_INSUFFICIENT_POINTS);
    CHECK(fingerprint(db, sara) == before);
    CHECK_STATUS(loy_basket_redeem_points(b2, 50, &err), LOY_OK);
    CHECK_STATUS(loy_quote_basket(db, b2, &q, &err), LOY_OK);
    CHECK(loy_quote_redeem_status(q) == LOY_OK && loy_quote_redeem_value(q) == 50000 &&
          loy_quote_amount_due(q) == 50000 && loy_quote_redeemable_points(q) == 50);
    loy_quote_free(q);
    CHECK_STATUS(loy_commit(db, b2, "T1-R4", &r, &err), LOY_OK);
    int64_t sale2 = loy_receipt_sale_id(r);
    CHECK(loy_receipt_points_redeemed(r) == 50 && loy_receipt_redeem_value(r) == 50000);
    CHECK(loy_receipt_points_earned(r) == 10 && loy_receipt_balance_after(r) == 10);
    loy_receipt_free(r);
    loy_basket_free(b2);

    /* Refund half of line 2 of the first sale, then the rest. */
    loy_refund* rf = NULL;
    CHECK_STATUS(loy_refund_new(&rf, &err), LOY_OK);
    CHECK_STATUS(loy_refund_add_line(rf, 0, 1000, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_refund_add_line(rf, 2, 0, &err), LOY_ERR_INVALID_AMOUNT);
    CHECK_STATUS(loy_refund_add_line(rf, 2, 99999, &err), LOY_OK);
    CHECK_STATUS(loy_refund_sale(db, sale, rf, "RF-1", &r, &err), LOY_ERR_REFUND_EXCEEDS_SALE);
    loy_refund_free(rf);
    CHECK_STATUS(loy_refund_new(&rf, &err), LOY_OK);
    CHECK_STATUS(loy_refund_add_line(rf, 9, 1000, &err), LOY_OK);
    CHECK_STATUS(loy_refund_sale(db, sale, rf, "RF-2", &r, &err), LOY_ERR_NOT_FOUND);
    loy_refund_free(rf);
    CHECK_STATUS(loy_refund_new(&rf, &err), LOY_OK);
    CHECK_STATUS(loy_refund_add_line(rf, 1, 1000, &err), LOY_OK);
    CHECK_STATUS(loy_refund_sale(db, sale, rf, "RF-3", &r, &err), LOY_OK);
    CHECK(loy_receipt_kind(r) == LOY_RECEIPT_REFUND && loy_receipt_sale_id(r) == sale);
    CHECK(loy_receipt_refund_amount(r) == 300000);
    CHECK(loy_receipt_points_earned(r) == 30); /* line 1 earned 30 of the 50 */
    loy_receipt_free(r);
    CHECK_STATUS(loy_refund_sale(db, sale, rf, "RF-3", &r, &err), LOY_OK);
    CHECK(loy_receipt_replayed(r) == 1);
    loy_receipt_free(r);
    CHECK_STATUS(loy_refund_sale(db, sale, rf, "RF-4", &r, &err), LOY_ERR_REFUND_EXCEEDS_SALE);
    loy_refund_free(rf);
    CHECK_STATUS(loy_void_sale(db, sale, "V-1", &r, &err), LOY_ERR_INVALID_STATE);
    /* The rest of the sale: NULL request = everything left. */
    CHECK_STATUS(loy_refund_sale(db, sale, NULL, "RF-5", &r, &err), LOY_OK);
    CHECK(loy_receipt_refund_amount(r) == 200000 + 10000);
    CHECK(loy_receipt_points_earned(r) == 20);
    loy_receipt_free(r);
    CHECK_STATUS(loy_refund_sale(db, sale, NULL, "RF-6", &r, &err), LOY_ERR_SALE_VOIDED);
    loy_receipt_free(NULL);
    CHECK(loy_receipt_total(NULL) == 0 && strcmp(loy_receipt_uid(NULL), "") == 0);

    /* Void sale 2: the points tender comes back, the earned points go. */
    CHECK_STATUS(loy_void_sale(db, sale2, "V-2", &r, &err), LOY_OK);
    CHECK(loy_receipt_kind(r) == LOY_RECEIPT_VOID && loy_receipt_points_redeemed(r) == 50 &&
          loy_receipt_points_earned(r) == 10);
    loy_receipt_free(r);
    CHECK_STATUS(loy_void_sale(db, sale2, "V-3", &r, &err), LOY_ERR_SALE_VOIDED);
    CHECK_STATUS(loy_void_sale(db, 999, "V-4", &r, &err), LOY_ERR_NOT_FOUND);
    loy_basket_free(b);

    int64_t problems = -1;
    char report[512];
    CHECK_STATUS(loy_verify(db, &problems, report, sizeof report, NULL, &err), LOY_OK);
    CHECK(problems == 0);
    loy_close(db);
}

static void test_points_outside_basket(void) {
    loy_db* db = open_db("points.db");
    int64_t v = 0;
    CHECK_STATUS(loy_program_load_json(db, PROGRAMME, &v, &err), LOY_OK);
    int64_t m = enrol_phone(db, "09121234567", NULL, 0);
    int64_t pts = -1;
    CHECK_STATUS(loy_event_record(db, m, "app_login", "login-1", &pts, &err), LOY_OK);
    CHECK(pts == 1);
    CHECK_STATUS(loy_event_record(db, m, "app_login", "login-1", &pts, &err), LOY_OK);
    CHECK(pts == 1); /* replay */
    CHECK_STATUS(loy_event_record(db, m, "app_login", "login-2", &pts, &err), LOY_ERR_CAP_REACHED);
    CHECK(pts == 0);
    CHECK_STATUS(loy_event_record(db, m, "dance", "x-1", &pts, &err), LOY_ERR_NOT_FOUND);
    CHECK_STATUS(loy_event_record(db, m, NULL, "x-2", &pts, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_event_record(db, 555, "review", "x-3", &pts, &err), LOY_ERR_NOT_FOUND);
    /* The next local day the cap starts again. */
    CHECK_STATUS(loy_set_clock(db, T0 + DAY, &err), LOY_OK);
    CHECK_STATUS(loy_event_record(db, m, "app_login", "login-3", &pts, &err), LOY_OK);
    CHECK(pts == 1);

    int64_t bal = -1;
    CHECK_STATUS(loy_points_adjust(db, m, 100, "goodwill", "mgr", "adj-1", &bal, &err), LOY_OK);
    CHECK(bal == 102);
    CHECK_STATUS(loy_points_adjust(db, m, -500, "fix", "mgr", "adj-2", &bal, &err),
                 LOY_ERR_INSUFFICIENT_POINTS);
    CHECK(bal == 0);
    CHECK_STATUS(loy_points_adjust(db, m, 10, "", "mgr", "adj-3", &bal, &err),
                 LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_points_adjust(db, m, 10, "x", NULL, "adj-4", &bal, &err),
                 LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_points_adjust(db, m, 0, "x", "mgr", "adj-5", &bal, &err),
                 LOY_ERR_INVALID_AMOUNT);
    CHECK_STATUS(loy_points_adjust(db, m, -2, "fix", "mgr", "adj-6", &bal, &err), LOY_OK);
    CHECK(bal == 100);

    int64_t next = 0;
    CHECK_STATUS(loy_points_expiring(db, m, T0 + 400 * DAY, &pts, &next, &err), LOY_OK);
    CHECK(pts == 100 && next > T0 + 364 * DAY && next <= T0 + 367 * DAY);
    CHECK_STATUS(loy_points_expiring(db, m, T0 + 10 * DAY, &pts, &next, &err), LOY_OK);
    CHECK(pts == 0);
    CHECK_STATUS(loy_points_expiring(db, m, T0, NULL, &next, &err), LOY_ERR_INVALID_ARGUMENT);

    loy_history* h = NULL;
    CHECK_STATUS(loy_history_get(db, m, 0, 0, &h, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK(h == NULL);
    CHECK_STATUS(loy_history_get(db, m, 10, 0, &h, &err), LOY_OK);
    CHECK(loy_history_count(h) == 4);
    CHECK(loy_history_kind(h, 0) == LOY_ENTRY_ADJUST && loy_history_points(h, 0) == -2);
    CHECK(strcmp(loy_history_reason(h, 0), "fix") == 0);
    CHECK(loy_history_kind(h, 3) == LOY_ENTRY_EVENT && loy_history_points(h, 3) == 1);
    CHECK(loy_history_created_at(h, 3) == T0 && loy_history_expires_at(h, 3) > T0);
    CHECK(strlen(loy_history_uid(h, 0)) > 3 && loy_history_sale_id(h, 0) == 0);
    CHECK(strcmp(loy_history_branch(h, 0), "") == 0 && strcmp(loy_history_terminal(h, 0), "") == 0);
    CHECK(strcmp(loy_history_corrects(h, 0), "") == 0);
    CHECK(loy_history_points(h, 99) == 0 && strcmp(loy_history_uid(h, 99), "") == 0);
    loy_history_free(h);
    loy_history_free(NULL);

    int64_t lots = -1;
    CHECK_STATUS(loy_points_expire(db, T0 + 100 * DAY, &lots, &pts, &err), LOY_OK);
    CHECK(lots == 0 && pts == 0);
    CHECK_STATUS(loy_points_expire(db, T0 + 400 * DAY, &lots, &pts, &err), LOY_OK);
    CHECK(pts == 100 && lots == 1); /* the -2 adjustment used up both 1-point lots */
    CHECK_STATUS(loy_points_expire(db, T0 + 400 * DAY, &lots, &pts, &err), LOY_OK);
    CHECK(pts == 0 && lots == 0);
    CHECK_STATUS(loy_points_expire(db, -1, &lots, &pts, &err), LOY_ERR_INVALID_ARGUMENT);

    int64_t problems = -1;
    size_t need = 0;
    CHECK_STATUS(loy_verify(db, &problems, NULL, 0, &need, &err), LOY_OK);
    CHECK(problems == 0 && need == 0);
    CHECK_STATUS(loy_verify(db, NULL, NULL, 0, &need, &err), LOY_ERR_INVALID_ARGUMENT);
    loy_close(db);
}

static void test_tiers_and_plans(void) {
    loy_db* db = open_db("tiers.db");
    int64_t v = 0;
    CHECK_STATUS(
        loy_program_load_json(
            db,
            "{\"spend\":[{\"id\":\"base\",\"points\":10,\"per\":100000}],"
            "\"tiers\":{\"window\":\"rolling\",\"window_days\":30,\"levels\":["
            "{\"id\":\"bronze\",\"name\":\"Bronze\",\"threshold\":0},"
            "{\"id\":\"silver\",\"name\":\"Silver\",\"threshold\":500,\"multiplier\":\"1.5\","
            "\"benefits\":[\"Priority service\"]},"
            "{\"id\":\"gold\",\"name\":\"Gold\",\"threshold\":1000,\"discount\":\"0.1\","
            "\"free_delivery\":true}]},"
            "\"plans\":[{\"id\":\"plus\",\"fee\":500000,\"period\":\"year\",\"discount\":\"0.05\","
            "\"tier_floor\":\"silver\",\"benefits\":[\"Early access\"]}]}",
            &v, &err),
        LOY_OK);
    int64_t m = enrol_phone(db, "09121234567", NULL, 0);
    loy_member* mm = NULL;
    CHECK_STATUS(loy_member_get(db, m, &mm, &err), LOY_OK);
    CHECK(strcmp(loy_member_tier(mm), "bronze") == 0);
    loy_member_free(mm);

    loy_tier_status* s = NULL;
    CHECK_STATUS(loy_tier_status_get(db, 999, &s, &err), LOY_ERR_NOT_FOUND);
    CHECK(s == NULL);
    CHECK_STATUS(loy_tier_status_get(db, m, NULL, &err), LOY_ERR_INVALID_ARGUMENT);

    /* A 5,000,000 sale reaches Silver inside the commit; the quote says so first. */
    loy_basket* b = basket_of(m, 5000000);
    loy_quote* q = NULL;
    CHECK_STATUS(loy_quote_basket(db, b, &q, &err), LOY_OK);
    CHECK(strcmp(loy_quote_tier(q), "bronze") == 0 &&
          strcmp(loy_quote_tier_after(q), "silver") == 0);
    CHECK(strcmp(loy_quote_progress(q), "500 points to Gold") == 0);
    CHECK(loy_quote_benefit_discount(q) == 0 && loy_quote_free_delivery(q) == 0);
    loy_quote_free(q);
    loy_receipt* r = NULL;
    CHECK_STATUS(loy_commit(db, b, "T-S1", &r, &err), LOY_OK);
    CHECK(strcmp(loy_receipt_tier_before(r), "bronze") == 0);
    CHECK(strcmp(loy_receipt_tier_after(r), "silver") == 0);
    CHECK(loy_receipt_benefit_discount(r) == 0);
    int64_t sale1 = loy_receipt_sale_id(r);
    loy_receipt_free(r);
    loy_basket_free(b);

    CHECK_STATUS(loy_tier_status_get(db, m, &s, &err), LOY_OK);
    CHECK(strcmp(loy_tier_status_tier(s), "silver") == 0);
    CHECK(strcmp(loy_tier_status_tier_name(s), "Silver") == 0);
    CHECK(loy_tier_status_since(s) == T0 && loy_tier_status_score(s) == 500);
    CHECK(strcmp(loy_tier_status_next_tier(s), "gold") == 0);
    CHECK(strcmp(loy_tier_status_next_tier_name(s), "Gold") == 0);
    CHECK(loy_tier_status_next_threshold(s) == 1000 && loy_tier_status_missing(s) == 500);
    CHECK(strcmp(loy_tier_status_progress(s), "500 points to Gold") == 0);
    CHECK(loy_tier_status_at_risk_since(s) == 0);
    CHECK(strcmp(loy_tier_status_floor_tier(s), "") == 0);
    CHECK(strcmp(loy_tier_status_multiplier(s), "1.5") == 0);
    CHECK(strcmp(loy_tier_status_discount(s), "0") == 0);
    CHECK(loy_tier_status_free_delivery(s) == 0);
    CHECK(loy_tier_status_benefit_count(s) == 1);
    CHECK(strcmp(loy_tier_status_benefit(s, 0), "Priority service") == 0);
    CHECK(strcmp(loy_tier_status_benefit(s, 7), "") == 0);
    CHECK(strcmp(loy_tier_status_plan(s), "") == 0 && loy_tier_status_plan_ends_at(s) == 0);
    CHECK(loy_tier_status_event_count(s) == 2);
    CHECK(strcmp(loy_tier_status_event_from(s, 0), "bronze") == 0);
    CHECK(strcmp(loy_tier_status_event_to(s, 0), "silver") == 0);
    CHECK(strncmp(loy_tier_status_event_reason(s, 0), "upgrade", 7) == 0);
    CHECK(loy_tier_status_event_score(s, 0) == 500);
    CHECK(loy_tier_status_event_sale_id(s, 0) == sale1);
    CHECK(loy_tier_status_event_at(s, 0) == T0);
    CHECK(strstr(loy_tier_status_event_uid(s, 0), ":T") != NULL);
    CHECK(strcmp(loy_tier_status_event_uid(s, 9), "") == 0);
    CHECK(strcmp(loy_tier_status_event_to(s, 1), "bronze") == 0); /* joined */
    CHECK(strcmp(loy_tier_status_event_from(s, 9), "") == 0 && loy_tier_status_event_at(s, 9) == 0);
    loy_tier_status_free(s);
    loy_tier_status_free(NULL);
    CHECK(strcmp(loy_tier_status_tier(NULL), "") == 0 && loy_tier_status_score(NULL) == 0);

    /* Buy the yearly plan. */
    CHECK_STATUS(loy_basket_new(&b, &err), LOY_OK);
    CHECK_STATUS(loy_basket_set_member(b, m, &err), LOY_OK);
    int32_t line = 0;
    CHECK_STATUS(loy_basket_add_plan(b, NULL, 1, &line, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_basket_add_plan(b, "plus", 0, &line, &err), LOY_ERR_INVALID_AMOUNT);
    CHECK(line == 0);
    CHECK_STATUS(loy_basket_add_plan(b, "plus", 1, &line, &err), LOY_OK);
    CHECK(line == 1);
    CHECK_STATUS(loy_commit(db, b, "T-PLAN", &r, &err), LOY_OK);
    CHECK(loy_receipt_total(r) == 500000 && loy_receipt_points_earned(r) == 0);
    loy_receipt_free(r);
    loy_basket_free(b);
    CHECK_STATUS(loy_tier_status_get(db, m, &s, &err), LOY_OK);
    CHECK(strcmp(loy_tier_status_plan(s), "plus") == 0);
    CHECK(loy_tier_status_plan_ends_at(s) == T0 + 365 * DAY); /* 2026-11-21 to 2027-11-21 */
    CHECK(strcmp(loy_tier_status_discount(s), "0.05") == 0);
    CHECK(strcmp(loy_tier_status_floor_tier(s), "silver") == 0);
    CHECK(loy_tier_status_benefit_count(s) == 2);
    loy_tier_status_free(s);

    /* With the plan's 5% off: 1,000,000 pays 950,000 and earns 90 x 1.5 = 135. */
    b = basket_of(m, 1000000);
    CHECK_STATUS(loy_quote_basket(db, b, &q, &err), LOY_OK);
    CHECK(loy_quote_benefit_discount(q) == 50000 && loy_quote_total(q) == 950000);
    CHECK(loy_quote_points_earned(q) == 135);
    loy_quote_free(q);
    loy_basket_free(b);

    /* Refund the first sale: the score drops, the plan's floor keeps Silver. */
    CHECK_STATUS(loy_refund_sale(db, sale1, NULL, "T-R1", &r, &err), LOY_OK);
    loy_receipt_free(r);
    int64_t reviewed = -1, up = -1, down = -1, risk = -1;
    CHECK_STATUS(loy_tiers_review(db, T0 + DAY, &reviewed, &up, &down, &risk, &err), LOY_OK);
    CHECK(reviewed == 1 && up == 0 && down == 0 && risk == 0);
    CHECK_STATUS(loy_plan_cancel(db, m, NULL, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_plan_cancel(db, m, "T-CANCEL", &err), LOY_OK);
    CHECK_STATUS(loy_plan_cancel(db, m, "T-CANCEL-2", &err), LOY_ERR_NOT_FOUND);
    CHECK_STATUS(loy_tiers_review(db, T0 + 2 * DAY, NULL, NULL, &down, NULL, &err), LOY_OK);
    CHECK(down == 1);
    CHECK_STATUS(loy_tiers_review(db, -1, NULL, NULL, &down, NULL, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK(down == 0);
    CHECK_STATUS(loy_tier_status_get(db, m, &s, &err), LOY_OK);
    CHECK(strcmp(loy_tier_status_tier(s), "bronze") == 0);
    CHECK(strncmp(loy_tier_status_event_reason(s, 0), "review", 6) == 0);
    loy_tier_status_free(s);
    loy_close(db);
}

static void test_coupons_wallet_rewards(void) {
    loy_db* db = open_db("coupons.db");
    int64_t v = 0;
    CHECK_STATUS(
        loy_program_load_json(
            db,
            "{\"spend\":[{\"id\":\"base\",\"points\":10,\"per\":100000}],"
            "\"redeem\":{\"point_value\":\"1000\"},"
            "\"partners\":[{\"id\":\"cinema\",\"name\":\"Cinema\"}],"
            "\"campaigns\":[{\"id\":\"ten\",\"name\":\"10% "
            "off\",\"effect\":\"percent\",\"percent\":\"0.1\","
            "\"code\":\"TEN10\",\"partner\":\"cinema\",\"partner_share\":\"0.5\"},"
            "{\"id\":\"one\",\"name\":\"5000 off\",\"effect\":\"amount\",\"amount\":5000}],"
            "\"cashback\":{\"percent\":\"0.02\"},"
            "\"rewards\":[{\"id\":\"coffee\",\"name\":\"Coffee\",\"points\":10,\"sku\":\"LATTE\","
            "\"stock\":5},"
            "{\"id\":\"trees\",\"type\":\"donation\",\"points\":5,\"cause\":\"Forests\"}],"
            "\"draws\":[{\"id\":\"yalda\",\"from\":\"2026-11-01\",\"to\":\"2026-11-30\",\"per_"
            "purchase\":1,"
            "\"points_per_entry\":1}]}",
            &v, &err),
        LOY_OK);
    int64_t m = enrol_phone(db, "09121234567", NULL, 0);
    char code[64];
    size_t need = 0;
    CHECK_STATUS(loy_coupon_issue(db, "nope", m, "I0", code, sizeof code, &need, &err),
                 LOY_ERR_NOT_FOUND);
    CHECK(need == 0 && code[0] == 0);
    CHECK_STATUS(loy_coupon_issue(db, "one", m, "I1", code, sizeof code, &need, &err), LOY_OK);
    CHECK(need == 11 && code[5] == '-');
    CHECK(loy_coupon_code_check(code) == LOY_OK);
    {
        loy_table* mine = NULL;
        CHECK_STATUS(loy_member_coupons(db, m, &mine, &err), LOY_OK);
        CHECK(loy_table_row_count(mine) == 1);
        CHECK(strcmp(loy_table_text(mine, 0, 0), code) == 0);
        CHECK(strcmp(loy_table_text(mine, 0, 1), "one") == 0);
        CHECK(strcmp(loy_table_text(mine, 0, 5), "valid") == 0);
        loy_table_free(mine);
    }
    {
        char typo[64];
        snprintf(typo, sizeof typo, "%s", code);
        typo[0] = typo[0] == 'A' ? 'B' : 'A';
        CHECK(loy_coupon_code_check(typo) == LOY_ERR_COUPON_INVALID);
    }
    CHECK(loy_coupon_code_check("TEN10") ==
          LOY_ERR_COUPON_INVALID); /* public codes have no check */
    CHECK(loy_coupon_code_check(NULL) == LOY_ERR_INVALID_ARGUMENT);

    loy_coupon* c = NULL;
    CHECK_STATUS(loy_coupon_get(db, code, &c, &err), LOY_OK);
    CHECK(strcmp(loy_coupon_code(c), code) == 0 && strcmp(loy_coupon_campaign(c), "one") == 0);
    CHECK(loy_coupon_member_id(c) == m && loy_coupon_batch_id(c) == 0);
    CHECK(loy_coupon_max_uses(c) == 1 && loy_coupon_uses(c) == 0);
    CHECK(loy_coupon_valid_until(c) == 0 && loy_coupon_issued_sale_id(c) == 0 &&
          loy_coupon_revoked(c) == 0);
    loy_coupon_free(c);
    loy_coupon_free(NULL);
    CHECK(strcmp(loy_coupon_code(NULL), "") == 0);
    CHECK_STATUS(loy_coupon_get(db, "ZZZZZ-ZZZZZ", &c, &err), LOY_ERR_COUPON_INVALID);

    /* A basket with two coupons: TEN10 applies first... both are exclusive: the second is refused.
     */
    loy_basket* b = basket_of(m, 200000);
    CHECK_STATUS(loy_basket_add_coupon(b, NULL, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_basket_add_coupon(b, " - ", &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_basket_add_coupon(b, "ten10", &err), LOY_OK);
    CHECK_STATUS(loy_basket_add_coupon(b, code, &err), LOY_OK);
    loy_quote* q = NULL;
    CHECK_STATUS(loy_quote_basket(db, b, &q, &err), LOY_OK);
    CHECK(loy_quote_coupon_count(q) == 2);
    CHECK(strcmp(loy_quote_coupon_code(q, 0), "TEN10") == 0);
    CHECK(strcmp(loy_quote_coupon_campaign(q, 0), "ten") == 0);
    CHECK(loy_quote_coupon_status(q, 0) == LOY_OK && loy_quote_coupon_amount(q, 0) == 20000);
    CHECK(loy_quote_coupon_points(q, 0) == 0 && strlen(loy_quote_coupon_message(q, 0)) > 0);
    CHECK(loy_quote_coupon_status(q, 1) == LOY_ERR_COUPON_REJECTED);
    CHECK(strstr(loy_quote_coupon_message(q, 1), "not combinable") != NULL);
    CHECK(loy_quote_coupon_discount(q) == 20000 && loy_quote_total(q) == 180000);
    CHECK(loy_quote_cashback(q) == 3600);
    CHECK(loy_quote_wallet_balance(q) == 0 && loy_quote_wallet_available(q) == 0);
    CHECK(loy_quote_wallet_status(q) == LOY_OK && loy_quote_wallet_amount(q) == 0);
    CHECK(strcmp(loy_quote_coupon_code(q, 9), "") == 0);
    loy_quote_free(q);
    loy_receipt* r = NULL;
    CHECK_STATUS(loy_commit(db, b, "C-S1", &r, &err), LOY_ERR_COUPON_REJECTED);
    loy_basket_free(b);
    b = basket_of(m, 200000);
    CHECK_STATUS(loy_basket_add_coupon(b, "TEN10", &err), LOY_OK);
    CHECK_STATUS(loy_commit(db, b, "C-S2", &r, &err), LOY_OK);
    CHECK(loy_receipt_coupon_discount(r) == 20000 && loy_receipt_coupon_count(r) == 1);
    CHECK(strcmp(loy_receipt_coupon_code(r, 0), "TEN10") == 0 &&
          loy_receipt_coupon_amount(r, 0) == 20000);
    CHECK(loy_receipt_issued_count(r) == 0 && strcmp(loy_receipt_issued_code(r, 0), "") == 0);
    CHECK(loy_receipt_wallet_amount(r) == 0 && loy_receipt_cashback(r) == 3600);
    loy_receipt_free(r);
    loy_basket_free(b);

    /* Wallet. */
    int64_t bal = -1, avail = -1, pend = -1;
    CHECK_STATUS(loy_wallet_credit(db, m, 0, "x", "mgr", "W0", &bal, &err), LOY_ERR_INVALID_AMOUNT);
    CHECK_STATUS(loy_wallet_credit(db, m, 10000, "goodwill", "mgr", "W1", &bal, &err), LOY_OK);
    CHECK(bal == 13600);
    CHECK_STATUS(loy_wallet_get(db, m, &bal, &avail, &pend, &err), LOY_OK);
    CHECK(bal == 13600 && avail == 13600 && pend == 0);
    loy_member* mm = NULL;
    CHECK_STATUS(loy_member_get(db, m, &mm, &err), LOY_OK);
    CHECK(loy_member_wallet_balance(mm) == 13600);
    loy_member_free(mm);
    b = basket_of(m, 100000);
    CHECK_STATUS(loy_basket_pay_wallet(b, -1, &err), LOY_ERR_INVALID_AMOUNT);
    CHECK_STATUS(loy_basket_pay_wallet(b, 20000, &err), LOY_OK);
    CHECK_STATUS(loy_quote_basket(db, b, &q, &err), LOY_OK);
    CHECK(loy_quote_wallet_status(q) == LOY_ERR_INSUFFICIENT_FUNDS &&
          loy_quote_wallet_amount(q) == 0);
    loy_quote_free(q);
    CHECK_STATUS(loy_commit(db, b, "C-W1", &r, &err), LOY_ERR_INSUFFICIENT_FUNDS);
    CHECK_STATUS(loy_basket_pay_wallet(b, 13600, &err), LOY_OK);
    CHECK_STATUS(loy_commit(db, b, "C-W2", &r, &err), LOY_OK);
    CHECK(loy_receipt_wallet_amount(r) == 13600 && loy_receipt_amount_due(r) == 86400);
    int64_t wsale = loy_receipt_sale_id(r);
    loy_receipt_free(r);
    loy_basket_free(b);
    CHECK_STATUS(loy_refund_sale(db, wsale, NULL, "C-W2-R", &r, &err), LOY_OK);
    CHECK(loy_receipt_wallet_amount(r) == 13600 && loy_receipt_cashback(r) == 2000);
    loy_receipt_free(r);

    /* Batches. */
    int64_t batch = 0;
    CHECK_STATUS(loy_coupon_batch_create(db, "one", 0, "B0", &batch, &err), LOY_ERR_INVALID_AMOUNT);
    CHECK_STATUS(loy_coupon_batch_create(db, "one", 3, "B1", &batch, &err), LOY_OK);
    CHECK(batch > 0);
    CHECK_STATUS(loy_coupon_batch_export(db, batch, NULL, 0, &need, &err), LOY_OK);
    CHECK(need == 5 + 3 * 12);
    char csv[128];
    CHECK_STATUS(loy_coupon_batch_export(db, batch, csv, sizeof csv, &need, &err), LOY_OK);
    CHECK(strncmp(csv, "code\n", 5) == 0 &&
          loy_coupon_code_check(csv + 5) == LOY_ERR_COUPON_INVALID);
    {
        char first[16];
        memcpy(first, csv + 5, 11);
        first[11] = 0;
        CHECK(loy_coupon_code_check(first) == LOY_OK);
        CHECK_STATUS(loy_coupon_revoke(db, first, "RV1", &err), LOY_OK);
        CHECK_STATUS(loy_coupon_revoke(db, first, "RV2", &err), LOY_ERR_NOT_FOUND);
        CHECK_STATUS(loy_coupon_get(db, first, &c, &err), LOY_OK);
        CHECK(loy_coupon_revoked(c) == 1 && loy_coupon_batch_id(c) == batch);
        loy_coupon_free(c);
    }
    CHECK_STATUS(loy_coupon_batch_export(db, 999, csv, sizeof csv, &need, &err), LOY_ERR_NOT_FOUND);

    /* Rewards. */
    int64_t pts = 0;
    CHECK_STATUS(loy_points_adjust(db, m, 100, "float", "mgr", "C-A1", &pts, &err), LOY_OK);
    loy_redemption* rd = NULL;
    CHECK_STATUS(loy_reward_redeem(db, m, "coffee", 6, "RW0", &rd, &err), LOY_ERR_OUT_OF_STOCK);
    CHECK(rd == NULL);
    CHECK_STATUS(loy_reward_redeem(db, m, "coffee", 2, "RW1", &rd, &err), LOY_OK);
    CHECK(loy_redemption_id(rd) > 0 && loy_redemption_replayed(rd) == 0);
    CHECK(strcmp(loy_redemption_reward(rd), "coffee") == 0 && loy_redemption_quantity(rd) == 2);
    CHECK(loy_redemption_points(rd) == 20 && strcmp(loy_redemption_coupon_code(rd), "") == 0);
    CHECK(loy_redemption_wallet_credit(rd) == 0 && strcmp(loy_redemption_cause(rd), "") == 0);
    int64_t rid = loy_redemption_id(rd);
    loy_redemption_free(rd);
    loy_redemption_free(NULL);
    CHECK_STATUS(loy_reward_redeem(db, m, "trees", 3, "RW2", &rd, &err), LOY_OK);
    CHECK(strcmp(loy_redemption_cause(rd), "Forests") == 0);
    loy_redemption_free(rd);
    CHECK_STATUS(loy_reward_refund(db, rid, "RF1", &err), LOY_OK);
    CHECK_STATUS(loy_reward_refund(db, rid, "RF2", &err), LOY_ERR_INVALID_STATE);
    loy_table* t = NULL;
    CHECK_STATUS(loy_reward_report(db, 0, 0, &t, &err), LOY_OK);
    CHECK(loy_table_column_count(t) == 7 && strcmp(loy_table_column_name(t, 0), "reward") == 0);
    CHECK(loy_table_row_count(t) == 1 && strcmp(loy_table_text(t, 0, 0), "trees") == 0);
    CHECK(loy_table_int(t, 0, 6) == 15 && loy_table_is_number(t, 0, 6) == 1);
    CHECK(loy_table_is_number(t, 0, 0) == 0 && loy_table_int(t, 0, 0) == 0);
    CHECK(strcmp(loy_table_text(t, 5, 5), "") == 0 &&
          strcmp(loy_table_column_name(t, 99), "") == 0);
    loy_table_free(t);
    loy_table_free(NULL);
    CHECK_STATUS(loy_reward_report(db, 10, 5, &t, &err), LOY_ERR_INVALID_ARGUMENT);

    /* Partners. */
    CHECK_STATUS(loy_partner_record_redemption(db, "cinema", code, 5000, "P1", &err), LOY_OK);
    CHECK_STATUS(loy_partner_settlement(db, NULL, 0, 0, &t, &err), LOY_OK);
    CHECK(loy_table_row_count(t) == 2);
    CHECK(strcmp(loy_table_text(t, 0, 1), "redeemed here") == 0 && loy_table_int(t, 0, 5) == 10000);
    CHECK(strcmp(loy_table_text(t, 1, 1), "redeemed at partner") == 0 &&
          loy_table_int(t, 1, 6) == 5000);
    loy_table_free(t);

    /* Draws. */
    CHECK_STATUS(loy_draw_enter(db, "yalda", m, 5, "D1", &pts, &err), LOY_OK);
    CHECK(pts == 5);
    CHECK_STATUS(loy_draw_enter(db, "nope", m, 5, "D2", &pts, &err), LOY_ERR_NOT_FOUND);
    CHECK_STATUS(loy_draw_entries(db, "yalda", &t, &err), LOY_OK);
    CHECK(loy_table_row_count(t) == 1 && loy_table_int(t, 0, 0) == m);
    loy_table_free(t);
    CHECK_STATUS(loy_draw_run(db, "yalda", "seed", 1, "D3", &t, &err), LOY_ERR_INVALID_STATE);
    CHECK(t == NULL);
    CHECK_STATUS(loy_set_clock(db, T0 + 30 * DAY, &err), LOY_OK);
    CHECK_STATUS(loy_draw_run(db, "yalda", "seed", 1, "D4", &t, &err), LOY_OK);
    CHECK(loy_table_row_count(t) == 1 && loy_table_int(t, 0, 1) == m);
    CHECK(strcmp(loy_table_text(t, 0, 3), "seed") == 0);
    loy_table_free(t);

    check_verified(db);
    loy_close(db);
}

static void test_threads_share_handle_errors_untouched(void) {
    /* A NULL db handle is refused everywhere with INVALID_ARGUMENT, never a crash. */
    loy_member* m = NULL;
    CHECK_STATUS(loy_member_get(NULL, 1, &m, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_member_deactivate(NULL, 1, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_member_merge(NULL, 1, 2, &m, &err), LOY_ERR_INVALID_ARGUMENT);
    int64_t x = 0;
    CHECK_STATUS(loy_points_expire(NULL, 0, &x, &x, &err), LOY_ERR_INVALID_ARGUMENT);
    /* A short error struct gets a truncated message, never an overflow. */
    struct {
        loy_error e;
        char guard[8];
    } small;
    memset(&small, 0x5A, sizeof small);
    small.e.size = (uint32_t)(offsetof(loy_error, message) + 8);
    CHECK(loy_member_get(NULL, 1, &m, &small.e) == LOY_ERR_INVALID_ARGUMENT);
    CHECK(small.e.code == LOY_ERR_INVALID_ARGUMENT && strlen(small.e.message) == 7);
    CHECK(small.guard[0] == 0x5A);
}

static int exists(const char* path) {
    FILE* f = fopen(path, "rb");
    if (f) fclose(f);
    return f != NULL;
}

/* A new file may start with any currency; a refused open leaves no file behind. */
static void test_open_with_any_currency(void) {
    char path[1024];
    snprintf(path, sizeof path, "%s/rupee.db", dir);
    remove(path);
    loy_open_options o;
    loy_open_options_init(&o);
    CHECK(o.default_currency_exponent == -1);
    o.path = path;
    o.default_currency = "INR";
    loy_db* db = NULL;
    CHECK_STATUS(loy_open(&o, &db, &err), LOY_ERR_UNKNOWN_CURRENCY);
    CHECK(db == NULL && !exists(path)); /* nothing left behind */
    o.default_currency = "X Y";
    o.default_currency_exponent = 2;
    CHECK_STATUS(loy_open(&o, &db, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK(!exists(path));
    o.default_currency = "INR";
    CHECK_STATUS(loy_open(&o, &db, &err), LOY_OK);
    int32_t e = -1;
    CHECK_STATUS(loy_currency_exponent(db, "INR", &e, &err), LOY_OK);
    CHECK(e == 2);
    char buf[32];
    CHECK_STATUS(loy_money_format(db, 123456, "INR", 1, buf, sizeof buf, NULL, &err), LOY_OK);
    CHECK(strcmp(buf, "1,234.56") == 0);
    loy_close(db);
    /* Known now: no exponent needed; a different one is refused, never reinterpreted. */
    o.default_currency_exponent = -1;
    CHECK_STATUS(loy_open(&o, &db, &err), LOY_OK);
    loy_close(db);
    o.default_currency_exponent = 3;
    CHECK_STATUS(loy_open(&o, &db, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK(strstr(err.message, "exponent 2") != NULL && exists(path)); /* not ours to remove */
    /* A caller built against the 0.3 header passes the struct without its last field. */
    o.size = (uint32_t)offsetof(loy_open_options, default_currency_exponent);
    o.default_currency_exponent = 3; /* beyond its size: not read */
    CHECK_STATUS(loy_open(&o, &db, &err), LOY_OK);
    loy_close(db);
    o.size = (uint32_t)offsetof(loy_open_options, read_only);
    CHECK_STATUS(loy_open(&o, &db, &err), LOY_ERR_INVALID_ARGUMENT);
}

/* Convention 3 and 9: which out-parameters and keys may be NULL. */
static void test_optional_and_required(void) {
    loy_db* db = open_db("optional.db");
    CHECK_STATUS(loy_program_load_json(db, PROGRAMME, NULL, &err), LOY_OK); /* version: optional */
    loy_member_fields f;
    loy_member_fields_init(&f);
    f.phone = "09121230000";
    CHECK_STATUS(loy_member_enrol(db, &f, NULL, NULL, &err), LOY_ERR_INVALID_ARGUMENT);
    loy_member* m = NULL;
    CHECK_STATUS(loy_member_enrol(db, &f, NULL, &m, &err), LOY_OK); /* enrol: the key optional */
    int64_t id = m ? loy_member_id(m) : 0;
    loy_member_free(m);
    /* Keys are required everywhere else. */
    CHECK_STATUS(loy_points_adjust(db, id, 10, "goodwill", "mgr", NULL, NULL, &err),
                 LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_points_adjust(db, id, 10, "goodwill", "mgr", "", NULL, &err),
                 LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_points_adjust(db, id, 10, "goodwill", "mgr", "K1", NULL, &err), LOY_OK);
    CHECK_STATUS(loy_event_record(db, id, "review", "K2", NULL, &err), LOY_OK);
    /* The one number that is the whole answer is required. */
    int32_t exponent = 0;
    CHECK_STATUS(loy_currency_exponent(db, "IRR", NULL, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_currency_exponent(db, "IRR", &exponent, &err), LOY_OK);
    CHECK_STATUS(loy_points_expiring(db, id, T0 + 400 * DAY, NULL, NULL, &err),
                 LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_verify(db, NULL, NULL, 0, NULL, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_sale_find_by_key(db, "K1", NULL, &err), LOY_ERR_INVALID_ARGUMENT);
    /* A buffer may be NULL only with capacity 0. */
    size_t needed = 0;
    CHECK_STATUS(loy_program_export_json(db, 0, NULL, 10, &needed, &err), LOY_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(loy_program_export_json(db, 0, NULL, 0, NULL, &err), LOY_OK);
    check_verified(db);
    loy_close(db);
}

int main(int argc, char** argv) {
    static const struct test tests[] = {
        {"version and status names", test_version_and_status},
        {"open, close and bad files", test_open_close},
        {"clock, currencies, formatting, phone", test_clock_currency_format},
        {"members: enrol, find, update, search, deactivate, merge, erase", test_members},
        {"programme: load, validate, export", test_program},
        {"checkout: basket, quote, commit, replay, refund, void", test_checkout},
        {"points: events, adjustments, expiry, history, verify", test_points_outside_basket},
        {"tiers and plans: upgrade, status, plan purchase, review, cancel", test_tiers_and_plans},
        {"coupons, wallet, rewards, partners, draws", test_coupons_wallet_rewards},
        {"NULL handles and short error structs", test_threads_share_handle_errors_untouched},
        {"which out-parameters and keys may be NULL", test_optional_and_required},
        {"a new file with any currency; a refused open leaves nothing",
         test_open_with_any_currency},
    };
    return test_main(argc, argv, tests, sizeof tests / sizeof tests[0]);
}
