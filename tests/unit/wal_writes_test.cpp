// A commit's log frames reach the file in one write, before anyone can read them
// (storage/wal_writes.hpp). A program of its own: its counting VFS must be SQLite's default
// before the library opens its first file, so the library's VFS stands over it.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

#include "db_fixture.hpp"

using namespace loyalty;
using namespace fixture;

namespace {

// The platform's VFS with its files' xWrite counted for logs: a file is the platform's own, with
// a copy of its methods whose xWrite counts and calls the platform's.
sqlite3_vfs* g_root = nullptr;
sqlite3_vfs g_counting;
sqlite3_io_methods g_methods;
const sqlite3_io_methods* g_root_methods = nullptr;
std::atomic<long> g_log_writes{0};
std::atomic<long> g_log_bytes{0};

int counting_write(sqlite3_file* f, const void* p, int n, sqlite3_int64 off) {
    g_log_writes.fetch_add(1);
    g_log_bytes.fetch_add(n);
    return g_root_methods->xWrite(f, p, n, off);
}

int counting_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out) {
    const int rc = g_root->xOpen(g_root, name, f, flags, out);
    if (rc == SQLITE_OK && f->pMethods && (flags & SQLITE_OPEN_WAL)) {
        if (!g_root_methods) {
            g_root_methods = f->pMethods;
            g_methods = *f->pMethods;
            g_methods.xWrite = counting_write;
        }
        if (f->pMethods == g_root_methods) f->pMethods = &g_methods;
    }
    return rc;
}

const bool g_installed = [] {
    g_root = sqlite3_vfs_find(nullptr);
    g_counting = *g_root;
    g_counting.zName = "counting";
    g_counting.xOpen = counting_open;
    return sqlite3_vfs_register(&g_counting, 1) == SQLITE_OK;
}();

}  // namespace

TEST_CASE("a checkout's frames reach the log in one or two writes", "[wal]") {
    REQUIRE(g_installed);
    OpenOptions o;
    o.path = temp_path("wal_writes.db");
    o.durability = Durability::Normal;
    o.checkpoint = CheckpointMode::Manual;  // nothing but commits writes the log
    auto db = Database::open(o);
    db->set_clock(kT0);
    db->load_program(kProgramme);
    const auto m = db->enrol(phone("09121234567"));
    std::int64_t earned = 0;
    for (int i = 0; i < 20; ++i) {
        const long writes = g_log_writes.load(), bytes = g_log_bytes.load();
        earned += db->commit(basket(m.id, {100000, 250000, 40000}), "w-" + std::to_string(i))
                      .points_earned;
        const long frames = (g_log_bytes.load() - bytes) / (4096 + 24);
        INFO("checkout " << i << ": " << frames << " frames");
        CHECK(frames >= 6);  // SQLite alone would have made two writes a frame
        CHECK(g_log_writes.load() - writes <= 2);  // at most 64 KiB a write
    }
    CHECK(earned > 0);
    CHECK(db->member(m.id).balance == earned);
}

TEST_CASE("a commit is seen at once by another handle on the file", "[wal]") {
    const std::string path = temp_path("wal_seen.db");
    auto a = open(path);
    a->load_program(kProgramme);
    const auto m = a->enrol(phone("09121234567"));
    auto b = open(path);
    for (int i = 0; i < 30; ++i) {
        a->commit(basket(m.id, {100000}), "s-" + std::to_string(i));
        // b reads the pages a's commit wrote to the log: they must be in the file.
        CHECK(b->member(m.id).balance == (i + 1) * 10);
        CHECK(b->sale_by_key("s-" + std::to_string(i)) > 0);
    }
}

TEST_CASE("a commit survives its process killed the moment it returns", "[wal]") {
    const std::string path = temp_path("wal_kill.db");
    {
        auto db = open(path);
        db->load_program(kProgramme);
        db->enrol(phone("09121234567"));
    }
    for (int round = 0; round < 5; ++round) {
        const pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            OpenOptions o;
            o.path = path;
            o.durability = Durability::Normal;
            auto db = Database::open(o);
            db->set_clock(kT0);
            db->commit(basket(1, {100000}), "k-" + std::to_string(round));
            ::kill(::getpid(), SIGKILL);  // nothing after the commit runs
            ::_exit(3);
        }
        int status = 0;
        ::waitpid(pid, &status, 0);
        REQUIRE(WIFSIGNALED(status));
        auto db = open(path);
        CHECK(db->sale_by_key("k-" + std::to_string(round)) > 0);
        CHECK(db->member(1).balance == (round + 1) * 10);
    }
}
