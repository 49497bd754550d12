// Two processes on one file (fork), and several threads on one handle. The process races need
// fork() and run on POSIX systems; the thread races run everywhere, Windows included.
#include <catch2/catch.hpp>

#ifndef _WIN32
#include <sys/wait.h>
#include <unistd.h>
#endif

#include <atomic>
#include <thread>

#include "db_fixture.hpp"

using namespace loyalty;
using namespace fixture;

TEST_CASE("one handle used from several threads at once", "[race]") {
    auto db = open(temp_path("threads.db"));
    db->load_program(kProgramme);
    auto m = db->enrol(phone("09121234567"));
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 25; ++i) {
                try {
                    db->commit(basket(m.id, {100000}),
                               "T" + std::to_string(t) + "-" + std::to_string(i));
                    db->quote(basket(m.id, {50000}));
                    db->member(m.id);
                } catch (...) {
                    ++failures;
                }
            }
        });
    for (auto& th : threads)
        th.join();
    CHECK(failures == 0);
    CHECK(db->member(m.id).balance == 4 * 25 * 10);
    CHECK(db->verify().ok());
}

TEST_CASE("a campaign larger than a write batch reaches each member once", "[messages]") {
    auto db = open(temp_path("campaign-batches.db"));
    db->load_program(R"({"currency": "IRR", "segments": [{"id": "all"}],
      "messages": {"campaigns": [{"id": "big", "segment": "all", "text": {"en": "Hi {name}"}}]}})");
    MemberFields f;
    f.consent_sms = true;
    for (int i = 0; i < 1234; ++i) {
        f.phone = "0912" + std::to_string(2000000 + i);
        db->enrol(f);
    }
    auto first = db->send_campaign("big");
    CHECK(first.targeted == 1234);
    CHECK(first.queued == 1234);
    auto again = db->send_campaign("big");
    CHECK(again.queued == 0);
    CHECK(again.already == 1234);
    std::size_t fetched = 0;
    for (;;) {
        auto t = db->fetch_messages(0, 1000, 60000);
        if (t.rows.empty()) break;
        fetched += t.rows.size();
    }
    CHECK(fetched == 1234);
}

#ifndef _WIN32

namespace {

// Runs `child` in a forked process; returns its exit code.
template <typename F>
pid_t spawn(F child) {
    pid_t pid = ::fork();
    if (pid == 0) {
        int code = 1;
        try {
            code = child();
        } catch (...) {
            code = 2;
        }
        ::_exit(code);
    }
    return pid;
}

int wait_for(pid_t pid) {
    int st = 0;
    ::waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 100;
}

// A till in another process: 20 sales of 10,000 paying 10 points each for `member`; exits with
// the number that went through (50: a refusal other than not enough points).
pid_t spender(const std::string& path, std::int64_t member, int who) {
    return spawn([&path, member, who] {
        auto db = open(path, 10000);
        int ok = 0;
        for (int i = 0; i < 20; ++i) {
            try {
                db->commit(basket(member, {10000}, 10),
                           "P" + std::to_string(who) + "-" + std::to_string(i));
                ++ok;
            } catch (const Error& e) {
                if (e.status() != Status::InsufficientPoints) return 50;
            }
        }
        return ok;
    });
}

}  // namespace

TEST_CASE("two processes spending one balance never overspend (fuint#71, medusa PR 16347)",
          "[race][regression]") {
    auto path = temp_path("race-spend.db");
    std::int64_t member = 0;
    {
        auto db = open(path);
        db->load_program(kProgramme);
        member = db->enrol(phone("09121234567")).id;
        db->adjust(member, 100, "float", "mgr", "A1");
    }
    pid_t a = spender(path, member, 1), b = spender(path, member, 2);
    int ok_a = wait_for(a), ok_b = wait_for(b);
    REQUIRE(ok_a < 50);
    REQUIRE(ok_b < 50);
    CHECK(ok_a + ok_b == 10);
    auto db = open(path);
    CHECK(db->member(member).balance == 0);  // a 10,000 basket earns nothing: 10 x 10 spent
    CHECK(db->verify().ok());
}

TEST_CASE("two tills spending a household's points from two cards never overspend",
          "[race][households]") {
    auto path = temp_path("race-household.db");
    std::int64_t cards[2] = {0, 0};
    {
        auto db = open(path);
        db->load_program(kProgramme);
        cards[0] = db->enrol(phone("09121234567")).id;
        cards[1] = db->enrol(phone("09127654321")).id;
        db->adjust(cards[0], 60, "float", "mgr", "A1");
        db->adjust(cards[1], 40, "float", "mgr", "A2");
        const std::int64_t house = db->household_create(cards[0], "H1");
        db->household_join(house, cards[1], "H2");
    }
    pid_t a = spender(path, cards[0], 0), b = spender(path, cards[1], 1);
    int ok_a = wait_for(a), ok_b = wait_for(b);
    REQUIRE(ok_a < 50);
    REQUIRE(ok_b < 50);
    CHECK(ok_a + ok_b == 10);  // the household's 100 points, 10 at a time, once
    auto db = open(path);
    CHECK(db->member(cards[0]).balance == 0);
    CHECK(db->member(cards[1]).balance == 0);
    CHECK(db->verify().ok());
}

TEST_CASE("the same key submitted concurrently from two processes has one effect",
          "[race][regression]") {
    auto path = temp_path("race-key.db");
    std::int64_t member = 0;
    {
        auto db = open(path);
        db->load_program(kProgramme);
        member = db->enrol(phone("09121234567")).id;
    }
    auto worker = [&] {
        return spawn([&] {
            auto db = open(path, 10000);
            int replays = 0;
            for (int i = 0; i < 30; ++i)
                if (db->commit(basket(member, {100000}), "K" + std::to_string(i)).replayed)
                    ++replays;
            return replays;
        });
    };
    pid_t a = worker(), b = worker();
    int ra = wait_for(a), rb = wait_for(b);
    CHECK(ra + rb == 30);  // every key applied once, replayed once
    auto db = open(path);
    CHECK(db->member(member).balance == 300);
    CHECK(db->verify().ok());
}

TEST_CASE("two processes generating messages at once never produce one twice", "[race]") {
    auto path = temp_path("race-outbox.db");
    const std::string programme = R"({"currency": "IRR",
      "spend": [{"id": "b", "points": 1, "per": 1000}],
      "messages": {"triggers": [
        {"trigger": "welcome", "text": {"en": "Hi {name}"}},
        {"trigger": "earned", "text": {"en": "+{points}"}}]}})";
    {
        auto db = open(path);
        db->load_program(programme);
    }
    // One process enrols and sells while two others generate as fast as they can.
    auto generator = [&] {
        return spawn([&] {
            auto db = open(path, 10000);
            for (int i = 0; i < 40; ++i)
                db->generate_messages();
            return 0;
        });
    };
    pid_t a = generator(), b = generator();
    {
        auto db = open(path, 10000);
        for (int i = 0; i < 30; ++i) {
            MemberFields f;
            f.phone = "0912100" + std::to_string(1000 + i);
            f.consent_sms = true;
            auto m = db->enrol(f);
            db->commit(basket(m.id, {5000}), "S" + std::to_string(i));
        }
    }
    CHECK(wait_for(a) == 0);
    CHECK(wait_for(b) == 0);
    auto db = open(path);
    db->generate_messages();
    // Exactly one welcome and one receipt message per member: 60 in all.
    std::int64_t total = 0;
    for (std::int64_t id = 1; id <= 30; ++id) {
        auto t = db->member_messages(id, 10);
        REQUIRE(t.rows.size() == 2);
        total += static_cast<std::int64_t>(t.rows.size());
    }
    CHECK(total == 60);
    CHECK(db->fetch_messages(0, 1000, 60000).rows.size() == 60);
}

#endif  // _WIN32
