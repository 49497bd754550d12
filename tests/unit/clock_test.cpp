// One operation, one moment: whatever the clock reads while a write runs, the rows it writes
// carry the time of its first reading (a member's tier_since and its tier event's time, a sale
// and its entries). A program of its own: its clock_gettime stands in for the system's for the
// whole process, and while `g_ticking` it moves a millisecond at every reading, so that every
// operation's clock turns over between two of its readings. ELF only: not on Windows.
#include <catch2/catch.hpp>

#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>

#include "db_fixture.hpp"

using namespace loyalty;
using namespace fixture;

namespace {

std::atomic<bool> g_ticking{false};
std::atomic<long long> g_ms{0};

long long system_ms() {
    struct timespec ts {};
    syscall(SYS_clock_gettime, CLOCK_REALTIME, &ts);
    return static_cast<long long>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

// 10 points per whole 100,000; Silver from 500 points earned.
const char* kLadder = R"({"currency": "IRR",
  "spend": [{"id": "base", "points": 10, "per": 100000}],
  "redeem": {"point_value": "1000", "max_share": "1"},
  "tiers": {"levels": [{"id": "bronze", "name": "Bronze", "threshold": 0},
                       {"id": "silver", "name": "Silver", "threshold": 500}]}})";

// The fixture's handle, on the system's clock (the fixture fixes it at kT0).
std::unique_ptr<Database> open_on_clock(const std::string& path) {
    auto db = open(path);
    db->set_clock(0);
    return db;
}

struct Ticking {
    Ticking() {
        g_ms = system_ms();
        g_ticking = true;
    }
    ~Ticking() { g_ticking = false; }
};

}  // namespace

extern "C" int clock_gettime(clockid_t id, struct timespec* ts) {
    if (g_ticking.load() && id == CLOCK_REALTIME) {
        const long long ms = g_ms.fetch_add(1);
        ts->tv_sec = static_cast<time_t>(ms / 1000);
        ts->tv_nsec = static_cast<long>(ms % 1000) * 1000000;
        return 0;
    }
    return static_cast<int>(syscall(SYS_clock_gettime, id, ts));
}

TEST_CASE("the test's clock moves at every reading", "[clock]") {
    auto db = open_on_clock(temp_path("clock-ticks.db"));
    const Ticking ticking;
    const std::int64_t a = db->now();
    const std::int64_t b = db->now();
    REQUIRE(b > a);  // else the cases below would prove nothing
}

TEST_CASE("what one operation writes carries one time", "[clock]") {
    const std::string path = temp_path("clock-one-moment.db");
    auto db = open_on_clock(path);
    db->load_program(kLadder);
    const Ticking ticking;
    auto m = db->enrol(phone("09121234567"));
    auto s1 = db->commit(basket(m.id, {4990000}), "S1");
    CHECK(s1.tier_after == "bronze");
    auto s2 = db->commit(basket(m.id, {100000}), "S2");  // 500 points: Silver in this commit
    REQUIRE(s2.tier_after == "silver");
    // The member's tier_since is its tier event's time: nothing for a rebuild to correct.
    CHECK(db->rebuild() == 0);
    CHECK(db->verify().ok());
    db.reset();
    CHECK(raw_int(path,
                  "SELECT COUNT(*) FROM members m JOIN tier_events e ON e.id = (SELECT "
                  "MAX(id) FROM tier_events WHERE member_id = m.id) WHERE m.tier_since <> "
                  "e.created_at") == 0);
    CHECK(raw_int(path,
                  "SELECT COUNT(*) FROM ledger l JOIN sales s ON s.id = l.sale_id WHERE "
                  "l.created_at <> s.created_at") == 0);
    CHECK(raw_int(path, "SELECT COUNT(*) FROM ledger WHERE sale_id IS NOT NULL") >= 2);
}
