/*
 * Files whose paths hold Persian letters and spaces: a database in a folder named
 * «باشگاه مشتریان», opened, written, closed and opened again, and a programme file named
 * «برنامه وفاداری.json». The same test runs on Linux and on Windows (under wine), where paths
 * are UTF-8 at the C ABI and UTF-16 at the system: the files must appear under exactly these
 * names, with no stray file under a garbled one.
 *
 *   paths_test <scratch-directory>
 */
#include <loyalty/loyalty.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#ifdef _WIN32
#include <windows.h>
#else
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

#define FOLDER                                          \
    "\xd8\xa8\xd8\xa7\xd8\xb4\xda\xaf\xd8\xa7\xd9\x87 " \
    "\xd9\x85\xd8\xb4\xd8\xaa\xd8\xb1\xdb\x8c\xd8\xa7\xd9\x86" /* باشگاه مشتریان */
#define DB_NAME                                                                                            \
    "\xd8\xa8\xd8\xa7\xd8\xb4\xda\xaf\xd8\xa7\xd9\x87 \xdb\xb1\xdb\xb4\xdb\xb0\xdb\xb5.db" /* باشگاه \
                                                                                              ۱۴۰۵.db  \
                                                                                            */
#define PROGRAMME_NAME                                  \
    "\xd8\xa8\xd8\xb1\xd9\x86\xd8\xa7\xd9\x85\xd9\x87 " \
    "\xd9\x88\xd9\x81\xd8\xa7\xd8\xaf\xd8\xa7\xd8\xb1\xdb\x8c.json" /* برنامه وفاداری.json */
#define MEMBER_NAME \
    "\xd8\xb9\xd9\x84\xdb\x8c \xd8\xb1\xd8\xb6\xd8\xa7\xdb\x8c\xdb\x8c" /* علی رضایی */

static const char* PROGRAMME =
    "{\"name\":\"\xd8\xa8\xd8\xa7\xd8\xb4\xda\xaf\xd8\xa7\xd9\x87\",\"currency\":\"IRR\","
    "\"utc_offset_minutes\":210,"
    "\"spend\":[{\"id\":\"base\",\"name\":\"base\",\"points\":10,\"per\":100000}],"
    "\"redeem\":{\"point_value\":\"1000\",\"min_points\":10,\"max_share\":\"0.5\"}}";

/* The test's own file calls take UTF-8 too, through the same wide APIs on Windows. */
#ifdef _WIN32
static wchar_t* wide(const char* s) {
    int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, NULL, 0);
    wchar_t* w = (wchar_t*)malloc(sizeof(wchar_t) * (size_t)(n > 0 ? n : 1));
    if (n <= 0 || !w) {
        fprintf(stderr, "cannot widen a path\n");
        exit(2);
    }
    MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, w, n);
    return w;
}
static int make_dir(const char* path) {
    wchar_t* w = wide(path);
    int ok = CreateDirectoryW(w, NULL) || GetLastError() == ERROR_ALREADY_EXISTS;
    free(w);
    return ok;
}
static FILE* open_file(const char* path, const char* mode) {
    wchar_t* w = wide(path);
    wchar_t* m = wide(mode);
    FILE* f = _wfopen(w, m);
    free(w);
    free(m);
    return f;
}
static int remove_file(const char* path) {
    wchar_t* w = wide(path);
    int ok = DeleteFileW(w);
    free(w);
    return ok;
}
/* The names in `dir`, each checked against `allowed`; returns the number of entries, or -1 when
 * one is not allowed. */
static int entries(const char* dir, const char* const* allowed, size_t n_allowed) {
    char pattern[1024];
    snprintf(pattern, sizeof pattern, "%s/*", dir);
    wchar_t* w = wide(pattern);
    WIN32_FIND_DATAW fd;
    HANDLE h = FindFirstFileW(w, &fd);
    free(w);
    if (h == INVALID_HANDLE_VALUE) return -1;
    int count = 0, bad = 0;
    do {
        char name[1024];
        WideCharToMultiByte(CP_UTF8, 0, fd.cFileName, -1, name, sizeof name, NULL, NULL);
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) continue;
        ++count;
        size_t i;
        for (i = 0; i < n_allowed && strcmp(name, allowed[i]) != 0; ++i) {
        }
        if (i == n_allowed) {
            fprintf(stderr, "  unexpected file '%s'\n", name);
            bad = 1;
        }
    } while (FindNextFileW(h, &fd));
    FindClose(h);
    return bad ? -1 : count;
}
#else
static int make_dir(const char* path) {
    return mkdir(path, 0700) == 0 || (access(path, F_OK) == 0);
}
static FILE* open_file(const char* path, const char* mode) {
    return fopen(path, mode);
}
static int remove_file(const char* path) {
    return remove(path) == 0;
}
static int entries(const char* dir, const char* const* allowed, size_t n_allowed) {
    DIR* d = opendir(dir);
    if (!d) return -1;
    int count = 0, bad = 0;
    struct dirent* e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        ++count;
        size_t i;
        for (i = 0; i < n_allowed && strcmp(e->d_name, allowed[i]) != 0; ++i) {
        }
        if (i == n_allowed) {
            fprintf(stderr, "  unexpected file '%s'\n", e->d_name);
            bad = 1;
        }
    }
    closedir(d);
    return bad ? -1 : count;
}
#endif

static char folder[1024], db_path[1100], programme_path[1100];

static void clean(void) {
    static const char* const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char p[1200];
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; ++i) {
        snprintf(p, sizeof p, "%s%s", db_path, suffixes[i]);
        remove_file(p);
    }
    remove_file(programme_path);
}

static loy_db* open_at(const char* path, int read_only) {
    loy_open_options o;
    loy_open_options_init(&o);
    o.path = path;
    o.read_only = read_only;
    loy_db* db = NULL;
    CHECK_STATUS(loy_open(&o, &db, &err), LOY_OK);
    return db;
}

static void test_database_and_programme(void) {
    FILE* f = open_file(programme_path, "wb");
    CHECK(f != NULL);
    if (!f) return;
    fputs(PROGRAMME, f);
    fclose(f);

    loy_db* db = open_at(db_path, 0);
    if (!db) return;
    int64_t version = 0;
    CHECK_STATUS(loy_program_load_file(db, programme_path, &version, &err), LOY_OK);
    CHECK(version == 1);

    loy_member_fields mf;
    loy_member_fields_init(&mf);
    mf.phone =
        "\xdb\xb0\xdb\xb9\xdb\xb1\xdb\xb2\xdb\xb1\xdb\xb2\xdb\xb3\xdb\xb4\xdb\xb5\xdb\xb6\xdb\xb7"; /* ۰۹۱۲۱۲۳۴۵۶۷ */
    mf.name = MEMBER_NAME;
    loy_member* m = NULL;
    CHECK_STATUS(loy_member_enrol(db, &mf, "paths-enrol", &m, &err), LOY_OK);
    int64_t member_id = m ? loy_member_id(m) : 0;
    loy_member_free(m);

    loy_basket* b = NULL;
    CHECK_STATUS(loy_basket_new(&b, &err), LOY_OK);
    CHECK_STATUS(loy_basket_set_member(b, member_id, &err), LOY_OK);
    CHECK_STATUS(loy_basket_add_line(b, "TEA", "drinks", 2000, 150000, 0, NULL, &err), LOY_OK);
    loy_receipt* r = NULL;
    CHECK_STATUS(loy_commit(db, b, "paths-sale-1", &r, &err), LOY_OK);
    CHECK(r != NULL && loy_receipt_points_earned(r) == 30);
    loy_receipt_free(r);
    loy_basket_free(b);
    loy_close(db);

    /* Opened again, read-only, by the same Persian path: the member and the points are there. */
    db = open_at(db_path, 1);
    if (!db) return;
    m = NULL;
    CHECK_STATUS(loy_member_find_by_phone(db, "+989121234567", &m, &err), LOY_OK);
    CHECK(m != NULL && loy_member_balance(m) == 30);
    CHECK(m != NULL && strcmp(loy_member_name(m), MEMBER_NAME) == 0);
    loy_member_free(m);
    loy_close(db);

    /* Exactly these names in the folder: nothing created under a garbled one. */
    static const char* const allowed[] = {DB_NAME, DB_NAME "-wal", DB_NAME "-shm", PROGRAMME_NAME};
    int n = entries(folder, allowed, sizeof allowed / sizeof allowed[0]);
    CHECK(n >= 2);
    f = open_file(db_path, "rb");
    CHECK(f != NULL);
    if (f) fclose(f);
}

static void test_missing_file_names_the_path(void) {
    loy_db* db = open_at(db_path, 0);
    if (!db) return;
    char missing[1200];
    snprintf(missing, sizeof missing, "%s/%s", folder,
             "\xd9\x86\xdb\x8c\xd8\xb3\xd8\xaa.json"); /* نیست.json */
    CHECK_STATUS(loy_program_load_file(db, missing, NULL, &err), LOY_ERR_IO);
    /* The message quotes the path as given, in UTF-8. */
    CHECK(strstr(err.message, "\xd9\x86\xdb\x8c\xd8\xb3\xd8\xaa.json") != NULL);
    loy_close(db);
}

int main(int argc, char** argv) {
    snprintf(dir, sizeof dir, "%s", argc > 1 ? argv[1] : ".");
    loy_error_init(&err);
    snprintf(folder, sizeof folder, "%s/%s", dir, FOLDER);
    snprintf(db_path, sizeof db_path, "%s/%s", folder, DB_NAME);
    snprintf(programme_path, sizeof programme_path, "%s/%s", folder, PROGRAMME_NAME);
    if (!make_dir(folder)) {
        fprintf(stderr, "cannot create the folder under %s\n", dir);
        return 2;
    }
    clean();
    static const struct test tests[] = {
        {"database and programme under Persian names", test_database_and_programme},
        {"a missing file is named in the error", test_missing_file_names_the_path},
    };
    return run_tests(tests, sizeof tests / sizeof tests[0], argc > 2 ? argv[2] : NULL);
}
