// Two-phase holds of points and wallet money: whatever the order of holds, captures, releases,
// spends and time, a member's available points and wallet money never go below zero, a hold never
// gives more than it reserved, and another file applying the journal holds the same balances and
// reservations.
#include <catch2/catch.hpp>

#include "db_fixture.hpp"

using namespace loyalty;
using namespace fixture;

TEST_CASE("holds: captures within what was held, available never negative, another file agrees",
          "[holds][property]") {
    const std::string prog = R"({"currency": "IRR",
      "spend": [{"id": "base", "points": 10, "per": 100000}],
      "redeem": {"point_value": "1000"}})";
    auto db = open(temp_path("h-property.db"));
    db->load_program(prog);
    const std::int64_t m = db->enrol(phone("09121234567")).id;
    db->adjust(m, 500, "opening", "mgr", "open");
    db->wallet_credit(m, 50000, "opening", "mgr", "open-wallet");
    fixture::Lcg next{5};
    struct Held {
        std::int64_t id, points;
        bool wallet;
    };
    std::vector<Held> open_holds;
    std::int64_t captured = 0, held_total = 0;
    for (int i = 0; i < 300; ++i) {
        const std::string key = "k" + std::to_string(i);
        const auto pick = next(5);
        if (pick == 0) {
            const bool wallet = next(2) == 1;
            const auto amount = static_cast<std::int64_t>(1 + next(150)) * (wallet ? 100 : 1);
            const std::int64_t ttl = 60000 * static_cast<std::int64_t>(1 + next(5));
            std::int64_t id = 0;
            if (status_of([&] {
                    id = wallet ? db->hold_wallet(m, amount, ttl, "", key)
                                : db->hold_points(m, amount, ttl, "", key);
                }) == Status::Ok) {
                open_holds.push_back({id, amount, wallet});
                held_total += amount;
            }
        } else if (pick == 1 && !open_holds.empty()) {
            const auto k = next(open_holds.size());
            const Held h = open_holds[k];
            const auto want = static_cast<std::int64_t>(next(200)) * (h.wallet ? 100 : 1);
            const Status s = status_of([&] {
                if (h.wallet)
                    db->capture_wallet_hold(h.id, want, key);
                else
                    db->capture_hold(h.id, want, key);
            });
            if (s == Status::Ok) {
                CHECK(want <= open_holds[k].points);  // never more than reserved
                captured += want;
            }
            open_holds.erase(open_holds.begin() + static_cast<std::ptrdiff_t>(k));
        } else if (pick == 2 && !open_holds.empty()) {
            const auto k = next(open_holds.size());
            status_of([&] { db->release_hold(open_holds[k].id, key); });
            open_holds.erase(open_holds.begin() + static_cast<std::ptrdiff_t>(k));
        } else if (pick == 3) {
            db->adjust(m, 40, "top-up", "mgr", key);  // more points and money arrive
            db->wallet_credit(m, 4000, "top-up", "mgr", key + "w");
        } else {
            db->set_clock(db->now() + 30000 * static_cast<std::int64_t>(1 + next(4)));
        }
        CHECK(db->member(m).available >= 0);
        CHECK(db->wallet(m).available >= 0);
    }
    CHECK(captured <= held_total);
    CHECK(db->verify().ok());
    auto other = open(temp_path("h-property-2.db"));
    other->load_program(prog);
    other->set_clock(db->now());
    other->apply_journal(db->journal("", 0, 10000));
    const Member here = db->member(m), there = other->member_by_uid(here.uid);
    CHECK(there.balance == here.balance);
    CHECK(there.available == here.available);
    CHECK(other->wallet(there.id).balance == db->wallet(m).balance);
    CHECK(other->wallet(there.id).available == db->wallet(m).available);
    CHECK(other->verify().ok());
}

TEST_CASE(
    "what a handle remembers of the file between transactions is looked up again after "
    "another handle commits, or after a refusal undid its writes",
    "[holds]") {
    const std::string prog = R"({"currency": "IRR",
      "spend": [{"id": "base", "points": 10, "per": 100000}],
      "redeem": {"point_value": "1000"}})";
    const auto path = temp_path("h-epoch.db");
    auto a = open(path);
    a->load_program(prog);
    const std::int64_t m = a->enrol(phone("09121234567")).id;
    a->adjust(m, 100, "opening", "mgr", "open");
    CHECK(a->member(m).available == 100);  // this handle now knows the file has no open hold
    CHECK(a->member(m).available == 100);
    // Another handle (a second till process) holds 80 of them.
    auto b = open(path);
    const std::int64_t h = b->hold_points(m, 80, 600000, "", "hold-b");
    CHECK(a->member(m).available == 20);
    CHECK(status_of([&] { a->adjust(m, -50, "spend", "mgr", "spend-a"); }) ==
          Status::InsufficientPoints);
    // Once released there, the points are free here again.
    b->release_hold(h, "release-b");
    CHECK(a->member(m).available == 100);
    // A programme loaded by the other handle is the one this handle's next sale uses.
    b->load_program(R"({"currency": "IRR", "spend": [{"id": "base", "points": 30, "per": 100000}],
      "redeem": {"point_value": "1000"}})");
    CHECK(a->commit(basket(m, {100000}), "S1").points_earned == 30);
}
