// The journal keyed by its origin's range and its seq (storage/journal_keys.hpp, schema version
// 20): a till's own records at the table's end, others' in ranges of their own, a copy's new
// generation above them all, and every reader finding an origin's records through the key.
#include <catch2/catch.hpp>

#include <filesystem>

#include "db_fixture.hpp"
#include "storage/journal_keys.hpp"

using namespace loyalty;
using namespace fixture;
using storage::journal_key;

namespace {

// The origin that wrote the journal's last key.
std::string last_writer(const std::string& path) {
    return raw_text(path,
                    "SELECT o.name FROM journal j JOIN origins o ON o.id = j.origin ORDER BY "
                    "j.id DESC LIMIT 1");
}

std::int64_t range_of(const std::string& path, const std::string& origin) {
    return raw_int(path, "SELECT journal_range FROM origins WHERE name = '" + origin + "'");
}

}  // namespace

TEST_CASE("a till's journal keeps its own records at the table's end, others' in their ranges",
          "[journal]") {
    auto path = temp_path("keys-a.db");
    auto other_path = temp_path("keys-b.db");
    OpenOptions oa;
    oa.path = path;
    oa.origin = "till-a";
    OpenOptions ob = oa;
    ob.path = other_path;
    ob.origin = "till-b";
    auto a = Database::open(oa);
    auto b = Database::open(ob);
    for (auto* db : {a.get(), b.get()}) {
        db->set_clock(kT0);
        db->load_program(kProgramme);
    }
    const auto ma = a->enrol(phone("09121234567"));
    for (int i = 0; i < 3; ++i)
        a->commit(basket(ma.id, {100000 + i}), "A" + std::to_string(i));
    const auto mb = b->enrol(phone("09127654321"));
    for (int i = 0; i < 2; ++i)
        b->commit(basket(mb.id, {200000 + i}), "B" + std::to_string(i));
    a->apply_journal(b->journal("", 0, 1000));
    a->commit(basket(ma.id, {300000}), "A3");

    // till-a made the file: a writer, origin 1, the top range; till-b came by a sync.
    CHECK(range_of(path, "till-a") == 2097152 + 1);
    CHECK(range_of(path, "till-b") == 2097152 - 2);
    CHECK(raw_int(path,
                  "SELECT COUNT(*) FROM sqlite_master WHERE tbl_name = 'journal' AND type "
                  "= 'index'") == 0);
    CHECK(raw_int(path,
                  "SELECT COUNT(*) FROM journal j JOIN origins o ON o.id = j.origin WHERE "
                  "j.id <> o.journal_range * 1099511627776 + j.seq") == 0);
    // Its last sale's record after the other till's, at the end of the key.
    CHECK(last_writer(path) == "till-a");
    const auto own = a->journal("", 0, 1000);
    REQUIRE(!own.empty());
    CHECK(raw_int(path, "SELECT MAX(id) FROM journal") ==
          journal_key(2097153, static_cast<std::int64_t>(own.size())));
    // Each origin's records read back through the key, in seq order, from a cursor.
    const auto theirs = a->journal("till-b", 0, 1000);
    CHECK(theirs.size() == b->journal("", 0, 1000).size());
    for (std::size_t i = 0; i < theirs.size(); ++i)
        CHECK(theirs[i].seq == static_cast<std::int64_t>(i) + 1);
    CHECK(a->journal("till-b", 1, 1000).size() == theirs.size() - 1);
    const auto heads = a->journal_heads();
    REQUIRE(heads.size() == 2);
    CHECK(heads[0].origin == "till-a");
    CHECK(heads[0].seq == static_cast<std::int64_t>(own.size()));
    CHECK(heads[1].origin == "till-b");
    CHECK(heads[1].seq == static_cast<std::int64_t>(theirs.size()));
    CHECK(a->verify().ok());
    a.reset();
    b.reset();

    // A copy writes under a new generation, a writer made later: a range above the others.
    auto copy_path = temp_path("keys-a-copy.db");
    std::filesystem::copy_file(path, copy_path);
    {
        auto copy = Database::open([&] {
            OpenOptions o = oa;
            o.path = copy_path;
            return o;
        }());
        copy->set_clock(kT0 + 60000);
        const std::string generation = copy->origin().name;
        CHECK(generation != "till-a");
        copy->commit(basket(ma.id, {400000}), "C1");
        CHECK(range_of(copy_path, generation) > range_of(copy_path, "till-a"));
        CHECK(last_writer(copy_path) == generation);
        CHECK(copy->verify().ok());
    }

    // A record moved under another origin's range is found.
    raw_exec(path,
             "DROP TRIGGER journal_append_only_u; UPDATE journal SET id = id + 1099511627776 * "
             "(2097152 + 9 - (2097152 - origin)) WHERE origin = 2 AND seq = 1");
    auto again = Database::open(oa);
    const auto report = again->verify();
    CHECK_FALSE(report.ok());
    bool named = false;
    for (const auto& p : report.problems)
        named = named ||
                p.find("journal record till-b:J1: not under its origin's key") != std::string::npos;
    CHECK(named);
}
