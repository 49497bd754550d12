// Fault campaign: every write path is run with the N-th file write or sync failing (an I/O error,
// then "disk full"), then with the N-th SQLite allocation failing, then with the N-th C++
// allocation failing, for N = 1, 2, … until the operation goes through. Each failure must come
// back as a clean status code through the C ABI, and leave the file exactly as it was; the same
// handle must then work. Under ASan the same run proves nothing leaks.
//
//   fault_campaign [--dir D] [--max N]
#include <loyalty/loyalty.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <new>
#include <string>
#include <vector>

// ---- failing C++ allocation -------------------------------------------------------------------

static std::atomic<long> g_new_countdown{0};  // 0 = off; 1 = the next operator new fails

void* operator new(std::size_t n) {
    long c = g_new_countdown.load();
    if (c > 0 && g_new_countdown.fetch_sub(1) == 1) throw std::bad_alloc();
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
    return ::operator new(n);
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete[](void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
    std::free(p);
}

namespace {

// ---- failing SQLite allocation ----------------------------------------------------------------

sqlite3_mem_methods g_default_mem;
std::atomic<long> g_sql_countdown{0};

void* fail_malloc(int n) {
    long c = g_sql_countdown.load();
    if (c > 0 && g_sql_countdown.fetch_sub(1) == 1) return nullptr;
    return g_default_mem.xMalloc(n);
}
void* fail_realloc(void* p, int n) {
    long c = g_sql_countdown.load();
    if (c > 0 && g_sql_countdown.fetch_sub(1) == 1) return nullptr;
    return g_default_mem.xRealloc(p, n);
}

// ---- failing file I/O: a VFS over the default one ----------------------------------------------

enum class Fault { None, Io, Full };
sqlite3_vfs* g_base = nullptr;
sqlite3_vfs g_vfs;
Fault g_fault = Fault::None;
long g_io_countdown = 0;

bool trip() {
    if (g_fault == Fault::None || g_io_countdown <= 0) return false;
    return --g_io_countdown == 0;
}

struct File {
    sqlite3_file base;
    sqlite3_file* real;
};

int x_close(sqlite3_file* f) {
    File* p = reinterpret_cast<File*>(f);
    int rc = p->real->pMethods ? p->real->pMethods->xClose(p->real) : SQLITE_OK;
    sqlite3_free(p->real);
    return rc;
}
int x_read(sqlite3_file* f, void* b, int n, sqlite3_int64 o) {
    File* p = reinterpret_cast<File*>(f);
    return p->real->pMethods->xRead(p->real, b, n, o);
}
int x_write(sqlite3_file* f, const void* b, int n, sqlite3_int64 o) {
    File* p = reinterpret_cast<File*>(f);
    if (trip()) return g_fault == Fault::Full ? SQLITE_FULL : SQLITE_IOERR_WRITE;
    return p->real->pMethods->xWrite(p->real, b, n, o);
}
int x_truncate(sqlite3_file* f, sqlite3_int64 s) {
    File* p = reinterpret_cast<File*>(f);
    if (trip()) return SQLITE_IOERR_TRUNCATE;
    return p->real->pMethods->xTruncate(p->real, s);
}
// A sync is counted and may fail, but is not handed to the disk: the campaign cuts no power, so
// what it checks (a failure's status, the file unchanged, the handle usable) is the same without
// it, and its thousands of commits at FULL waited for the disk (a busy machine's, a quarter of
// the campaign's time).
int x_sync(sqlite3_file*, int) {
    if (trip()) return SQLITE_IOERR_FSYNC;
    return SQLITE_OK;
}
int x_size(sqlite3_file* f, sqlite3_int64* s) {
    File* p = reinterpret_cast<File*>(f);
    return p->real->pMethods->xFileSize(p->real, s);
}
int x_lock(sqlite3_file* f, int l) {
    File* p = reinterpret_cast<File*>(f);
    return p->real->pMethods->xLock(p->real, l);
}
int x_unlock(sqlite3_file* f, int l) {
    File* p = reinterpret_cast<File*>(f);
    return p->real->pMethods->xUnlock(p->real, l);
}
int x_check(sqlite3_file* f, int* r) {
    File* p = reinterpret_cast<File*>(f);
    return p->real->pMethods->xCheckReservedLock(p->real, r);
}
int x_control(sqlite3_file* f, int op, void* a) {
    File* p = reinterpret_cast<File*>(f);
    return p->real->pMethods->xFileControl(p->real, op, a);
}
int x_sector(sqlite3_file* f) {
    File* p = reinterpret_cast<File*>(f);
    return p->real->pMethods->xSectorSize(p->real);
}
int x_dev(sqlite3_file* f) {
    File* p = reinterpret_cast<File*>(f);
    return p->real->pMethods->xDeviceCharacteristics(p->real);
}
int x_shm_map(sqlite3_file* f, int i, int sz, int e, void volatile** pp) {
    File* p = reinterpret_cast<File*>(f);
    return p->real->pMethods->xShmMap(p->real, i, sz, e, pp);
}
int x_shm_lock(sqlite3_file* f, int o, int n, int fl) {
    File* p = reinterpret_cast<File*>(f);
    return p->real->pMethods->xShmLock(p->real, o, n, fl);
}
void x_shm_barrier(sqlite3_file* f) {
    File* p = reinterpret_cast<File*>(f);
    p->real->pMethods->xShmBarrier(p->real);
}
int x_shm_unmap(sqlite3_file* f, int d) {
    File* p = reinterpret_cast<File*>(f);
    return p->real->pMethods->xShmUnmap(p->real, d);
}

const sqlite3_io_methods g_methods = {
    2,          x_close,       x_read,      x_write,   x_truncate, x_sync, x_size,
    x_lock,     x_unlock,      x_check,     x_control, x_sector,   x_dev,  x_shm_map,
    x_shm_lock, x_shm_barrier, x_shm_unmap, nullptr,   nullptr};

int x_open(sqlite3_vfs*, const char* name, sqlite3_file* f, int flags, int* out) {
    File* p = reinterpret_cast<File*>(f);
    p->real = static_cast<sqlite3_file*>(sqlite3_malloc(g_base->szOsFile));
    if (!p->real) return SQLITE_NOMEM;
    std::memset(p->real, 0, static_cast<std::size_t>(g_base->szOsFile));
    int rc = g_base->xOpen(g_base, name, p->real, flags, out);
    p->base.pMethods = rc == SQLITE_OK ? &g_methods : nullptr;
    if (rc != SQLITE_OK) {
        sqlite3_free(p->real);
        p->real = nullptr;
    }
    return rc;
}

void install_vfs() {
    g_base = sqlite3_vfs_find(nullptr);
    g_vfs = *g_base;
    g_vfs.zName = "faulty";
    g_vfs.szOsFile = sizeof(File);
    g_vfs.xOpen = x_open;
    sqlite3_vfs_register(&g_vfs, 1);  // the default: libloyalty opens through it
}

// ---- the campaign
// --------------------------------------------------------------------------------

loy_error err;
int failures = 0, checks = 0;

void expect(bool ok, const std::string& what) {
    ++checks;
    if (!ok) {
        ++failures;
        std::fprintf(stderr, "  FAIL: %s\n", what.c_str());
    }
}

std::string snapshot(const std::string& path) {
    // Read through the real VFS, with no faults armed.
    sqlite3* db = nullptr;
    sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, g_base->zName);
    std::string out;
    sqlite3_stmt* t = nullptr;
    sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name", -1,
                       &t, nullptr);
    while (sqlite3_step(t) == SQLITE_ROW) {
        std::string name = reinterpret_cast<const char*>(sqlite3_column_text(t, 0));
        sqlite3_stmt* r = nullptr;
        sqlite3_prepare_v2(db, ("SELECT * FROM \"" + name + "\"").c_str(), -1, &r, nullptr);
        out += "[" + name + "]";
        while (r && sqlite3_step(r) == SQLITE_ROW)
            for (int i = 0; i < sqlite3_column_count(r); ++i) {
                auto v = sqlite3_column_text(r, i);
                out += v ? reinterpret_cast<const char*>(v) : "~";
                out += "|";
            }
        sqlite3_finalize(r);
    }
    sqlite3_finalize(t);
    sqlite3_close(db);
    return out;
}

// Each builder call may itself fail (a C++ allocation): the first failure is the result.
#define TRY(call)                      \
    do {                               \
        int32_t rc_ = (call);          \
        if (rc_ != LOY_OK) return rc_; \
    } while (0)

struct Op {
    const char* name;
    std::function<int32_t(loy_db*, int)> run;             // attempt number → status
    std::function<void(loy_db*, int)> prepare = nullptr;  // run first, with no fault armed
    // Runs on the second database, so the members these operations add do not grow the
    // first one's tier review beyond the campaign's fault budget.
    bool audience = false;
};

}  // namespace

int main(int argc, char** argv) {
    std::string dir = "/tmp";
    long max = 1000;  // a commit takes about 530 SQLite allocations (its journal record among them)
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--dir" && i + 1 < argc)
            dir = argv[++i];
        else if (a == "--max" && i + 1 < argc)
            max = std::atol(argv[++i]);
    }
    // SQLite's allocator must be replaced before it initialises.
    sqlite3_config(SQLITE_CONFIG_GETMALLOC, &g_default_mem);
    sqlite3_mem_methods m = g_default_mem;
    m.xMalloc = fail_malloc;
    m.xRealloc = fail_realloc;
    sqlite3_config(SQLITE_CONFIG_MALLOC, &m);
    sqlite3_initialize();
    install_vfs();
    loy_error_init(&err);

    const std::string path = dir + "/faults-" + std::to_string(getpid()) + ".db";
    for (const char* s : {"", "-wal", "-shm"})
        std::remove((path + s).c_str());
    loy_open_options o;
    loy_open_options_init(&o);
    o.path = path.c_str();
    loy_db* db = nullptr;
    if (loy_open(&o, &db, &err) != LOY_OK) return 1;
    loy_set_clock(db, 1795242600000LL, &err);
    int64_t v = 0;
    loy_program_load_json(
        db,
        "{\"spend\":[{\"id\":\"b\",\"points\":10,\"per\":100000}],"
        "\"redeem\":{\"point_value\":\"1000\"},\"expiry_days\":1,"
        "\"tiers\":{\"levels\":[{\"id\":\"a\",\"threshold\":0},{\"id\":\"b\",\"threshold\":50}]},"
        "\"campaigns\":[{\"id\":\"c\",\"effect\":\"amount\",\"amount\":1000,\"code\":\"C\","
        "\"combinable\":true}],"
        "\"cashback\":{\"percent\":\"0.01\"},"
        "\"events\":[{\"action\":\"review\",\"points\":5}],"
        "\"rewards\":[{\"id\":\"r\",\"points\":5}],"
        "\"segments\":[{\"id\":\"all\"}],"
        "\"messages\":{\"triggers\":[{\"trigger\":\"welcome\",\"text\":{\"en\":\"Hi {name}\"}},"
        "{\"trigger\":\"earned\",\"text\":{\"fa\":\"{points} امتیاز\"}}],"
        "\"campaigns\":[{\"id\":\"k\",\"segment\":\"all\",\"holdout_percent\":20,"
        "\"text\":{\"en\":\"Come back {name}\"}}]}}",
        &v, &err);
    loy_member_fields f;
    loy_member_fields_init(&f);
    f.phone = "09121234567";
    f.consent_sms = 1;
    loy_member* mem = nullptr;
    loy_member_enrol(db, &f, nullptr, &mem, &err);
    const int64_t member = loy_member_id(mem);
    loy_member_free(mem);
    loy_points_adjust(db, member, 500, "float", "campaign", "float", nullptr, &err);
    // The second database, for reports, segments, messages and import.
    const std::string path2 = dir + "/faults-audience-" + std::to_string(getpid()) + ".db";
    for (const char* s : {"", "-wal", "-shm"})
        std::remove((path2 + s).c_str());
    loy_open_options o2;
    loy_open_options_init(&o2);
    o2.path = path2.c_str();
    loy_db* db2 = nullptr;
    if (loy_open(&o2, &db2, &err) != LOY_OK) return 1;
    loy_set_clock(db2, 1795242600000LL, &err);
    {
        size_t need = 0;
        static char prog[1 << 16];
        loy_program_export_json(db, 0, prog, sizeof prog, &need, &err);
        loy_program_load_json(db2, prog, &v, &err);
        loy_member* m2 = nullptr;
        loy_member_enrol(db2, &f, nullptr, &m2, &err);
        loy_member_free(m2);
    }

    int64_t last_sale = 0, last_message = 0;
    std::string import_csv;
    // A fresh sale for the refund and void operations to work on.
    auto fresh_sale = [&](loy_db* d, int n) {
        loy_basket* b = nullptr;
        loy_basket_new(&b, &err);
        loy_basket_set_member(b, member, &err);
        loy_basket_add_line(b, "A", "x", 1000, 300000, 0, nullptr, &err);
        loy_basket_add_line(b, "B", "y", 2000, 50000, 0, nullptr, &err);
        loy_receipt* r = nullptr;
        if (loy_commit(d, b, ("fresh-" + std::to_string(n)).c_str(), &r, &err) == LOY_OK)
            last_sale = loy_receipt_sale_id(r);
        loy_receipt_free(r);
        loy_basket_free(b);
    };
    // A new member who takes SMS: new work for message generation and campaigns.
    auto enrol_consenting = [&](loy_db* d, const char* prefix, int n) {
        const std::string ph = prefix + std::to_string(1000000 + n);
        loy_member_fields g;
        loy_member_fields_init(&g);
        g.phone = ph.c_str();
        g.consent_sms = 1;
        loy_member* out = nullptr;
        loy_member_enrol(d, &g, nullptr, &out, &err);
        loy_member_free(out);
    };
    std::vector<Op> ops = {
        {"enrol",
         [&](loy_db* d, int n) {
             loy_member_fields g;
             loy_member_fields_init(&g);
             std::string ph = "0935" + std::to_string(1000000 + n);
             g.phone = ph.c_str();
             g.name = "Faulty";
             loy_member* out = nullptr;
             int32_t rc =
                 loy_member_enrol(d, &g, ("enrol-" + std::to_string(n)).c_str(), &out, &err);
             loy_member_free(out);
             return rc;
         }},
        {"commit",
         [&](loy_db* d, int n) {
             loy_basket* b = nullptr;
             TRY(loy_basket_new(&b, &err));
             struct Free {
                 loy_basket* b;
                 ~Free() { loy_basket_free(b); }
             } guard{b};
             TRY(loy_basket_set_member(b, member, &err));
             TRY(loy_basket_add_line(b, "A", "x", 1000, 300000, 0, nullptr, &err));
             TRY(loy_basket_add_line(b, "B", "y", 2000, 50000, 0, nullptr, &err));
             TRY(loy_basket_add_coupon(b, "C", &err));
             TRY(loy_basket_redeem_points(b, 10, &err));
             loy_receipt* r = nullptr;
             int32_t rc = loy_commit(d, b, ("sale-" + std::to_string(n)).c_str(), &r, &err);
             if (rc == LOY_OK) last_sale = loy_receipt_sale_id(r);
             loy_receipt_free(r);
             return rc;
         },
         [&](loy_db* d, int n) {  // keep enough points for the redemption
             loy_points_adjust(d, member, 20, "top-up", "campaign",
                               ("top-" + std::to_string(n)).c_str(), nullptr, &err);
         }},
        {"refund",
         [&](loy_db* d, int n) {
             loy_refund* rf = nullptr;
             TRY(loy_refund_new(&rf, &err));
             int32_t added = loy_refund_add_line(rf, 2, 1000, &err);
             if (added != LOY_OK) {
                 loy_refund_free(rf);
                 return added;
             }
             loy_receipt* r = nullptr;
             int32_t rc = loy_refund_sale(d, last_sale, rf, ("refund-" + std::to_string(n)).c_str(),
                                          &r, &err);
             loy_receipt_free(r);
             loy_refund_free(rf);
             return rc;
         },
         fresh_sale},
        {"void",
         [&](loy_db* d, int n) {
             loy_receipt* r = nullptr;
             int32_t rc =
                 loy_void_sale(d, last_sale, ("void-" + std::to_string(n)).c_str(), &r, &err);
             loy_receipt_free(r);
             return rc;
         },
         fresh_sale},
        {"event",
         [&](loy_db* d, int n) {
             return loy_event_record(d, member, "review", ("event-" + std::to_string(n)).c_str(),
                                     nullptr, &err);
         }},
        {"adjust",
         [&](loy_db* d, int n) {
             return loy_points_adjust(d, member, -3, "fix", "mgr",
                                      ("adjust-" + std::to_string(n)).c_str(), nullptr, &err);
         }},
        {"reward",
         [&](loy_db* d, int n) {
             loy_redemption* r = nullptr;
             int32_t rc = loy_reward_redeem(d, member, "r", 1,
                                            ("reward-" + std::to_string(n)).c_str(), &r, &err);
             loy_redemption_free(r);
             return rc;
         }},
        {"coupon batch",
         [&](loy_db* d, int n) {
             return loy_coupon_batch_create(d, "c", 5, ("batch-" + std::to_string(n)).c_str(),
                                            nullptr, &err);
         }},
        {"expire",
         [&](loy_db* d, int) {
             return loy_points_expire(d, 1795242600000LL + 5 * 86400000LL, nullptr, nullptr, &err);
         }},
        {"tier review",
         [&](loy_db* d, int) {
             return loy_tiers_review(d, 0, nullptr, nullptr, nullptr, nullptr, &err);
         }},
        {"member import",
         [&](loy_db* d, int) {
             loy_table* errors = nullptr;
             int32_t rc =
                 loy_members_import_csv(d, import_csv.c_str(), 0, nullptr, nullptr, &errors, &err);
             if (rc == LOY_OK && loy_table_row_count(errors) != 0) rc = LOY_ERR_INTERNAL;
             loy_table_free(errors);
             return rc;
         },
         [&](loy_db*, int n) {  // built here: the run allocates nothing of its own
             import_csv = "phone,name,tags,consent_sms\n0936" + std::to_string(1000000 + 2 * n) +
                          ",\"A, b\",x,yes\n0936" + std::to_string(1000001 + 2 * n) + ",C,,no\n";
         },
         true},
        {"messages", [&](loy_db* d, int) { return loy_messages_generate(d, 0, nullptr, &err); },
         [&](loy_db* d, int n) {
             if (n % 400 != 0) return;  // new events now and then: a failed run keeps its backlog
             fresh_sale(d, n);
             enrol_consenting(d, "0937", n);
         },
         true},
        {"campaign send",
         [&](loy_db* d, int) {
             return loy_campaign_send(d, "k", 0, nullptr, nullptr, nullptr, &err);
         },
         [&](loy_db* d, int n) {
             if (n % 400 == 0) enrol_consenting(d, "0938", n);
         },
         true},
        {"outbox fetch",
         [&](loy_db* d, int) {
             loy_table* t = nullptr;
             int32_t rc = loy_outbox_fetch(d, 0, 5, 1000, &t, &err);
             loy_table_free(t);
             return rc;
         },
         [&](loy_db* d, int n) { fresh_sale(d, n), loy_messages_generate(d, 0, nullptr, &err); },
         true},
        {"outbox ack",
         [&](loy_db* d, int) {
             return loy_outbox_ack(d, last_message, LOY_DELIVERY_SENT, nullptr, 0, &err);
         },
         [&](loy_db* d, int n) {
             fresh_sale(d, n);
             loy_messages_generate(d, 0, nullptr, &err);
             loy_table* t = nullptr;
             loy_outbox_fetch(d, 0, 1, 1000, &t, &err);
             last_message = loy_table_int(t, 0, 0);
             loy_table_free(t);
         },
         true},
        {"report",
         [&](loy_db* d, int) {
             loy_report_options ro;
             loy_report_options_init(&ro);
             ro.group_by = LOY_GROUP_MONTH;
             ro.calendar = LOY_CALENDAR_JALALI;
             loy_table* t = nullptr;
             int32_t rc = loy_report(d, "sales", &ro, &t, &err);
             loy_table_free(t);
             return rc;
         },
         nullptr, true},
        {"segments",
         [&](loy_db* d, int) {
             loy_table* t = nullptr;
             int32_t rc = loy_segments(d, 0, &t, &err);
             loy_table_free(t);
             return rc;
         },
         nullptr, true},
    };

    int attempt = 0;
    struct Mode {
        const char* name;
        std::function<void(long)> arm;
        std::vector<int32_t> allowed;
    };
    std::vector<Mode> modes = {
        {"I/O error", [](long n) { g_fault = Fault::Io, g_io_countdown = n; }, {LOY_ERR_IO}},
        {"disk full", [](long n) { g_fault = Fault::Full, g_io_countdown = n; }, {LOY_ERR_IO}},
        {"SQLite allocation", [](long n) { g_sql_countdown = n; }, {LOY_ERR_NO_MEMORY, LOY_ERR_IO}},
        {"C++ allocation", [](long n) { g_new_countdown = n; }, {LOY_ERR_NO_MEMORY}},
    };
    auto disarm = [] {
        g_fault = Fault::None;
        g_io_countdown = 0;
        g_sql_countdown = 0;
        g_new_countdown = 0;
    };
    long total_faults = 0;
    for (auto& mode : modes) {
        for (auto& op : ops) {
            long n = 1;
            for (; n <= max; ++n) {
                ++attempt;
                loy_db* const d = op.audience ? db2 : db;
                const std::string& file = op.audience ? path2 : path;
                if (op.prepare) op.prepare(d, attempt);
                const std::string before = snapshot(file);
                mode.arm(n);
                int32_t rc = op.run(d, attempt);
                const bool tripped = (g_fault != Fault::None && g_io_countdown == 0) ||
                                     (mode.name[0] == 'S' && g_sql_countdown <= 0) ||
                                     (mode.name[0] == 'C' && g_new_countdown <= 0);
                disarm();
                if (!tripped) {
                    // The N-th failure was never reached: the operation ran clean.
                    expect(
                        rc == LOY_OK || rc == LOY_ERR_INSUFFICIENT_POINTS,
                        std::string(op.name) + " without a fault returned " + loy_status_name(rc));
                    break;
                }
                ++total_faults;
                if (rc == LOY_OK) continue;  // the fault hit something retried or after the commit
                bool allowed = false;
                for (int32_t a : mode.allowed)
                    allowed = allowed || rc == a;
                expect(allowed, std::string(mode.name) + " #" + std::to_string(n) + " in " +
                                    op.name + " gave " + loy_status_name(rc) + ": " + err.message);
                expect(snapshot(file) == before,
                       std::string(mode.name) + " #" + std::to_string(n) + " in " + op.name +
                           " changed the file (" + loy_status_name(rc) + ": " + err.message + ")");
            }
            expect(n <= max, std::string(op.name) + " never completed under " + mode.name);
        }
        std::printf("  %-18s every operation: clean status, file unchanged, handle still usable\n",
                    mode.name);
    }
    int64_t problems = -1;
    expect(loy_verify(db, &problems, nullptr, 0, nullptr, &err) == LOY_OK && problems == 0,
           "verify at the end");
    expect(loy_verify(db2, &problems, nullptr, 0, nullptr, &err) == LOY_OK && problems == 0,
           "verify the second database at the end");
    loy_close(db);
    loy_close(db2);
    for (const char* s : {"", "-wal", "-shm"}) {
        std::remove((path + s).c_str());
        std::remove((path2 + s).c_str());
    }
    std::printf("fault campaign: %ld injected faults, %d checks\n", total_faults, checks);
    std::printf("%d passed, %d failed\n", failures == 0 ? 1 : 0, failures == 0 ? 0 : 1);
    return failures == 0 ? 0 : 1;
}
