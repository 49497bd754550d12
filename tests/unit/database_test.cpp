#include <catch2/catch.hpp>

#ifndef _WIN32
#include <sys/stat.h>
#endif

#include <algorithm>
#include <chrono>
#include <random>

#include "db_fixture.hpp"
#include "report_fixture.hpp"
#include "sha256.hpp"
#include "storage/canonical.hpp"
#include "storage/facts.hpp"
#include "storage/journal_keys.hpp"
#include "storage/record_packing.hpp"
#include "storage/sale_lines.hpp"
#include "storage/schema.hpp"
#include "storage/sqlite.hpp"

using namespace loyalty;
using namespace fixture;

TEST_CASE("a new database is owner-only, WAL, and synchronous=FULL by default", "[storage]") {
    auto path = temp_path("new.db");
    auto db = open(path);
#ifndef _WIN32  // (Windows: the folder's access list applies, docs/storage.md)
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
#endif
    db->enrol(phone("09121234567"));
#ifndef _WIN32
    REQUIRE(::stat((path + "-wal").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
#endif
    sqlite3* raw = nullptr;
    sqlite3_open(path.c_str(), &raw);
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &s, nullptr);
    REQUIRE(sqlite3_step(s) == SQLITE_ROW);
    CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(s, 0))) == "wal");
    sqlite3_finalize(s);
    sqlite3_close(raw);
}

TEST_CASE("files that are not ours, or from a newer version, are refused clearly", "[storage]") {
    auto other = temp_path("other.db");
    raw_exec(other, "CREATE TABLE invoices(id INTEGER)");
    CHECK(status_of([&] { open(other); }) == Status::NotADatabase);
    CHECK(snapshot(other).find("[invoices]") != std::string::npos);  // untouched

    auto text = temp_path("text.db");
    FILE* f = std::fopen(text.c_str(), "w");
    std::fputs("this is a shopping list, not a database\n", f);
    std::fclose(f);
    CHECK(status_of([&] { open(text); }) == Status::NotADatabase);

    auto newer = temp_path("newer.db");
    open(newer);
    raw_exec(newer, "PRAGMA user_version = 99");
    try {
        open(newer);
        FAIL("opened");
    } catch (const Error& e) {
        CHECK(e.status() == Status::SchemaTooNew);
        CHECK(std::string(e.what()).find("newer libloyalty") != std::string::npos);
    }

    // A file whose version says older than its schema is (found by fuzzing): the migration's
    // SQL fails, and that is a damaged file, not an internal error.
    auto forged = temp_path("forged.db");
    open(forged);
    raw_exec(forged, "PRAGMA user_version = 1");
    try {
        open(forged);
        FAIL("opened");
    } catch (const Error& e) {
        CHECK(e.status() == Status::NotADatabase);
        CHECK(std::string(e.what()).find("does not match its version 1") != std::string::npos);
    }
}

TEST_CASE("a read-only handle reads but cannot write", "[storage]") {
    auto path = temp_path("ro.db");
    {
        auto db = open(path);
        db->enrol(phone("09121234567"));
    }
    OpenOptions o;
    o.path = path;
    o.read_only = true;
    auto ro = Database::open(o);
    CHECK(ro->find_by_phone("09121234567").phone == "+989121234567");
    CHECK(status_of([&] { ro->enrol(phone("09121111111")); }) == Status::ReadOnly);
}

TEST_CASE("bad member input changes nothing in the file", "[members]") {
    auto path = temp_path("bad.db");
    auto db = open(path);
    db->enrol(phone("09121234567"));
    const std::string before = snapshot(path);
    CHECK(status_of([&] { db->enrol(phone("0912 123 4567")); }) == Status::Duplicate);
    CHECK(status_of([&] { db->enrol(phone("0912")); }) == Status::InvalidPhone);
    MemberFields bad = phone("09120000000");
    bad.name = std::string("\xe2\x28\xa1");
    CHECK(status_of([&] { db->enrol(bad); }) == Status::InvalidUtf8);
    bad.name = std::string(201, 'x');
    CHECK(status_of([&] { db->enrol(bad); }) == Status::TooLong);
    bad.name.reset();
    bad.birth_month = 13;
    CHECK(status_of([&] { db->enrol(bad); }) == Status::InvalidArgument);
    bad.birth_month = 4;
    bad.birth_day = 31;
    CHECK(status_of([&] { db->enrol(bad); }) == Status::InvalidArgument);
    CHECK(status_of([&] { db->update(99, phone("09120000001")); }) == Status::NotFound);
    CHECK(status_of([&] { db->merge(1, 99); }) == Status::NotFound);
    CHECK(snapshot(path) == before);
}

TEST_CASE("an import whose row fails while it is written changes nothing", "[members]") {
    auto path = temp_path("import_fault.db");
    {
        auto db = open(path);
        db->enrol(phone("09121234567"));
    }
    // A fault while the third row's tags are written: its member row is in by then.
    raw_exec(path,
             "CREATE TRIGGER boom BEFORE INSERT ON member_tags WHEN NEW.tag = 'boom' BEGIN "
             "SELECT RAISE(ABORT, 'the disk said no'); END;");
    auto db = open(path);
    const std::string before = snapshot(path);
    const std::string csv =
        "phone,tags\n09120000001,coffee\n09120000002,boom\n0912,\n09120000003,tea\n";
    CHECK(status_of([&] { db->import_members_csv(csv, false); }) == Status::Internal);
    CHECK(snapshot(path) == before);
    // Without the fault the same file is refused row by row, and still nothing is written.
    raw_exec(path, "DROP TRIGGER boom;");
    const std::string clean = snapshot(path);
    const ImportResult r = db->import_members_csv(csv, false);
    CHECK(r.imported == 0);
    REQUIRE(r.errors.rows.size() == 1);
    CHECK(r.errors.rows[0][0].number == 4);
    CHECK(snapshot(path) == clean);
    CHECK(db->import_members_csv("phone,tags\n09120000001,coffee\n09120000002,boom\n", false)
              .imported == 2);
}

TEST_CASE("an import reads CSV as spreadsheets write it", "[members]") {
    auto db = open(temp_path("import_csv.db"));
    // A byte order mark, CRLF and LF line ends, blank lines, quoted fields with commas, line
    // breaks and doubled quotes, an empty quoted field, and no line end after the last row.
    const std::string csv =
        "\xEF\xBB\xBFPhone , name,tags\r\n"
        "09120000001,\"Sara \"\"the first\"\", Tehran\",\"coffee,vip\"\r\n"
        "\r\n"
        "\n"
        "09120000002,\"two\nlines\",\"\"\n"
        "09120000003,,tea";
    int calls = 0;
    std::int64_t last_done = 0, last_total = 0;
    const ImportResult r = db->import_members_csv(csv, false, [&](std::int64_t d, std::int64_t t) {
        ++calls;
        last_done = d;
        last_total = t;
    });
    CHECK(r.rows == 3);
    CHECK(r.imported == 3);
    CHECK(r.errors.rows.empty());
    CHECK(calls == 1);  // the last row
    CHECK(last_done == 3);
    CHECK(last_total == 3);
    const Member sara = db->find_by_phone("09120000001");
    CHECK(sara.name == "Sara \"the first\", Tehran");
    CHECK(sara.tags == std::vector<std::string>{"coffee", "vip"});
    const Member two = db->find_by_phone("09120000002");
    CHECK(two.name == "two\nlines");
    CHECK(two.tags.empty());
    const Member three = db->find_by_phone("09120000003");
    CHECK(three.name.empty());
    CHECK(three.tags == std::vector<std::string>{"tea"});
    // A row's number counts records, not lines; a short row is named with its count of fields.
    const ImportResult bad =
        db->import_members_csv("phone,name\n\n09120000004,Ok\n\n09120000005\n", false);
    CHECK(bad.rows == 2);
    REQUIRE(bad.errors.rows.size() == 1);
    CHECK(bad.errors.rows[0][0].number == 3);
    CHECK(bad.errors.rows[0][3].text.find("the row has 1 fields, the header 2") !=
          std::string::npos);
    CHECK(status_of([&] { db->import_members_csv("phone\n\"0912\n", false); }) ==
          Status::InvalidArgument);
    CHECK(status_of([&] { db->import_members_csv("\r\n\n", false); }) == Status::InvalidArgument);
}

TEST_CASE("segments read each active member's own tags and plan", "[segments]") {
    auto path = temp_path("segment_facts.db");
    auto db = open(path);
    db->load_program(R"({"name": "Segments", "currency": "IRT", "utc_offset_minutes": 210,
        "spend": [{"id": "base", "name": "1 a 1,000", "points": 1, "per": 1000}],
        "plans": [{"id": "plus", "name": "Plus", "fee": 100000, "period": "month"},
                  {"id": "max", "name": "Max", "fee": 300000, "period": "month"}],
        "segments": [{"id": "tagged", "name": "Coffee VIPs", "tags": ["coffee", "vip"]},
                     {"id": "plus", "name": "On Plus", "plan": "plus"},
                     {"id": "any", "name": "Any plan", "plan": "any"},
                     {"id": "none", "name": "No plan", "plan": "none"}]})");
    auto member = [&](const char* number, std::vector<std::string> tags) {
        MemberFields f = phone(number);
        f.tags = std::move(tags);
        return db->enrol(f).id;
    };
    auto buy = [&](std::int64_t m, const char* plan, const char* key) {
        Basket b;
        b.member_id = m;
        b.currency = "IRT";
        BasketLine l;
        l.plan_id = plan;
        l.quantity_milli = 1000;
        b.lines.push_back(l);
        db->commit(b, key);
    };
    const auto a = member("09120000001", {"vip", "coffee"});
    const auto gone = member("09120000002", {"coffee", "vip"});  // erased: its tags go nowhere
    const auto c = member("09120000003", {"coffee", "tea", "vip"});
    const auto d = member("09120000004", {});
    const auto e = member("09120000005", {"coffee"});
    buy(a, "plus", "P1");
    buy(c, "plus", "P2");
    db->cancel_plan(c, "C2");
    buy(e, "max", "P3");
    buy(gone, "max", "P4");
    db->erase(gone, "E1");
    auto ids = [&](const char* segment) {
        std::vector<std::int64_t> out;
        for (const auto& row : db->segment_members(segment).rows)
            out.push_back(row[0].number);
        return out;
    };
    CHECK(ids("tagged") == std::vector<std::int64_t>{a, c});
    CHECK(ids("plus") == std::vector<std::int64_t>{a});
    CHECK(ids("any") == std::vector<std::int64_t>{a, e});
    CHECK(ids("none") == std::vector<std::int64_t>{c, d});
    const Table t = db->segments();
    auto count = [&](const char* id) {
        for (const auto& row : t.rows)
            if (row[0].text == id) return row[3].number;
        return std::int64_t{-1};
    };
    CHECK(count("tagged") == 2);
    CHECK(count("any") == 2);
}

TEST_CASE("erasing a member removes the person but keeps the ledger and totals", "[members]") {
    auto path = temp_path("erase.db");
    auto db = open(path);
    db->load_program(kProgramme);
    MemberFields f = phone("09121234567");
    f.name = "Sara Ahmadi";
    f.email = "sara@example.com";
    f.card = "C-1";
    f.tags = std::vector<std::string>{"vip"};
    f.birth_month = 5;
    f.birth_day = 4;
    auto m = db->enrol(f);
    db->commit(basket(m.id, {500000}), "k1");
    db->erase(m.id);
    auto e = db->member(m.id);
    CHECK(e.status == MemberStatus::Erased);
    CHECK(e.phone.empty());
    CHECK(e.name.empty());
    CHECK(e.email.empty());
    CHECK(e.card.empty());
    CHECK(e.tags.empty());
    CHECK(e.birth_month == 0);
    CHECK(e.balance == 50);  // totals stay
    CHECK(db->history(m.id).size() == 1);
    const std::string all = snapshot(path);
    CHECK(all.find("Sara") == std::string::npos);
    CHECK(all.find("sara@example.com") == std::string::npos);
    CHECK(all.find("989121234567") == std::string::npos);
    CHECK(status_of([&] { db->commit(basket(m.id, {1000}), "k2"); }) == Status::MemberInactive);
    CHECK(db->verify().ok());
    // The number is free again for a new member.
    CHECK(db->enrol(phone("09121234567")).id != m.id);
}

TEST_CASE("merging moves points with their expiry and joins the histories", "[members]") {
    auto path = temp_path("merge.db");
    auto db = open(path);
    db->load_program(kProgramme);
    auto a = db->enrol(phone("09121234567"));
    MemberFields cf;
    cf.card = "CARD-9";
    cf.tags = std::vector<std::string>{"coffee"};
    auto b = db->enrol(cf);
    db->commit(basket(a.id, {300000}), "s1");
    db->set_clock(kT0 + 10 * kDay);
    db->commit(basket(b.id, {200000}), "s2");
    auto s = db->merge(a.id, b.id);
    CHECK(s.balance == 50);
    CHECK(s.card == "CARD-9");  // the survivor had no card
    CHECK(s.tags == std::vector<std::string>{"coffee"});
    CHECK(s.lifetime_earned == 50);
    auto gone = db->member(b.id);
    CHECK(gone.status == MemberStatus::Merged);
    CHECK(gone.merged_into == a.id);
    CHECK(gone.balance == 0);
    CHECK(db->find_by_card("CARD-9").id == a.id);
    // B's 20 points keep B's expiry (ten days later than A's).
    auto [soon, next] = db->expiring(a.id, kT0 + 366 * kDay + kDay / 2);
    CHECK(soon == 30);
    CHECK(next > kT0 + 365 * kDay);
    auto h = db->history(a.id);
    CHECK(h.size() == 4);  // earn A, earn B, merge out, merge in
    // A refund of B's old sale now reaches the survivor.
    auto r = db->refund(db->sale_by_key("s2"), {}, "r2");
    CHECK(r.points_earned == 20);
    CHECK(db->member(a.id).balance == 30);
    CHECK(db->verify().ok());
    CHECK(status_of([&] { db->merge(a.id, b.id); }) == Status::InvalidState);
}

TEST_CASE("search pages by id and filters by name, phone prefix and tag", "[members]") {
    auto db = open(temp_path("search.db"));
    for (int i = 0; i < 25; ++i) {
        MemberFields f = phone("0935000" + std::to_string(1000 + i));
        f.name = (i % 2 ? "Reza " : "Maryam ") + std::to_string(i);
        if (i % 5 == 0) f.tags = std::vector<std::string>{"vip"};
        db->enrol(f);
    }
    MemberQuery q;
    q.limit = 10;
    std::vector<std::int64_t> seen;
    for (;;) {
        auto page = db->list(q);
        if (page.empty()) break;
        for (auto& m : page)
            seen.push_back(m.id);
        q.after_id = page.back().id;
    }
    CHECK(seen.size() == 25);
    CHECK(std::is_sorted(seen.begin(), seen.end()));
    MemberQuery byname;
    byname.name_prefix = "REZA";
    CHECK(db->list(byname).size() == 12);
    MemberQuery bytag;
    bytag.tag = "vip";
    CHECK(db->list(bytag).size() == 5);
    MemberQuery byphone;
    byphone.phone_prefix = "۰۹۳۵۰۰۰۱۰۱";  // Persian digits
    CHECK(db->list(byphone).size() == 10);
    MemberQuery wild;
    wild.name_prefix = "%";
    CHECK(db->list(wild).empty());  // LIKE wildcards are literal
}

TEST_CASE("a retried commit awards points once (odoo PR 222372, OCA/pos#185)",
          "[checkout][regression]") {
    auto path = temp_path("retry.db");
    auto db = open(path);
    db->load_program(kProgramme);
    auto m = db->enrol(phone("09121234567"));
    Basket b = basket(m.id, {250000, 250000});
    auto first = db->commit(b, "T1-R100");
    CHECK_FALSE(first.replayed);
    CHECK(first.points_earned == 50);
    const std::string after_first = snapshot(path);
    for (int i = 0; i < 5; ++i) {
        auto again = db->commit(b, "T1-R100");
        CHECK(again.replayed);
        CHECK(again.sale_id == first.sale_id);
        CHECK(again.points_earned == 50);
        CHECK(again.balance_after == 50);
    }
    CHECK(snapshot(path) == after_first);
    CHECK(db->member(m.id).balance == 50);
    // Same key, different request: refused with its own code, nothing written.
    Basket other = basket(m.id, {250000});
    CHECK(status_of([&] { db->commit(other, "T1-R100"); }) == Status::IdempotencyConflict);
    CHECK(snapshot(path) == after_first);
}

TEST_CASE("a business refusal stays refused for its key, a transient failure records nothing",
          "[checkout]") {
    auto path = temp_path("refusal.db");
    auto db = open(path, 100);
    db->load_program(kProgramme);
    auto m = db->enrol(phone("09121234567"));
    Basket b = basket(m.id, {100000}, 30);
    CHECK(status_of([&] { db->commit(b, "K1"); }) == Status::InsufficientPoints);
    // The refusal is kept under its key, and nothing of the sale: no row, no entry, no record.
    CHECK(raw_int(path, "SELECT status FROM requests WHERE key = 'K1'") ==
          static_cast<std::int64_t>(Status::InsufficientPoints));
    CHECK(raw_int(path, "SELECT COUNT(*) FROM sales") == 0);
    CHECK(raw_int(path, "SELECT COUNT(*) FROM ledger") == 0);
    const std::int64_t records = raw_int(path, "SELECT COUNT(*) FROM journal");
    CHECK(status_of([&] { db->commit(b, "K1"); }) == Status::InsufficientPoints);
    CHECK(raw_int(path, "SELECT COUNT(*) FROM journal") == records);
    db->adjust(m.id, 100, "goodwill", "mgr", "A1");
    // Now there would be points, but K1 was refused and stays refused.
    CHECK(status_of([&] { db->commit(b, "K1"); }) == Status::InsufficientPoints);
    CHECK(db->member(m.id).balance == 100);

    // Hold the write lock from another connection: the commit times out as BUSY.
    sqlite3* other = nullptr;
    sqlite3_open(path.c_str(), &other);
    REQUIRE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
    const std::string before = snapshot(path);
    const auto asked = std::chrono::steady_clock::now();
    CHECK(status_of([&] { db->commit(b, "K2"); }) == Status::Busy);
    // It waited its 100 ms for the lock (in short sleeps, wait_when_busy) before giving up.
    const auto waited = std::chrono::steady_clock::now() - asked;
    CHECK(waited >= std::chrono::milliseconds(100));
    CHECK(waited < std::chrono::seconds(5));
    sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(other);
    CHECK(snapshot(path) == before);
    // The same key now goes through: the busy attempt left nothing behind.
    auto r = db->commit(b, "K2");
    CHECK_FALSE(r.replayed);
    CHECK(r.points_redeemed == 30);
}

TEST_CASE(
    "a refund takes back earned points and returns redeemed points once (odoo#257854, "
    "erpnext#32951, odoo PR 212922)",
    "[checkout][regression]") {
    auto db = open(temp_path("refund.db"));
    db->load_program(kProgramme);
    auto m = db->enrol(phone("09121234567"));
    db->adjust(m.id, 100, "opening balance", "mgr", "A1");
    // 400,000 sale paying 100 points (= 100,000): earns 40 points.
    auto sale = db->commit(basket(m.id, {100000, 300000}, 100), "S1");
    CHECK(sale.points_earned == 40);
    CHECK(sale.points_redeemed == 100);
    CHECK(db->member(m.id).balance == 40);
    // Return line 2 (300,000 of 400,000): 30 earned points go back, 75 tender points return.
    auto r1 = db->refund(sale.sale_id, {{2, 1000}}, "RF1");
    CHECK(r1.refund_amount == 300000);
    CHECK(r1.points_earned == 30);
    CHECK(r1.points_redeemed == 75);
    CHECK(r1.redeem_value == 75000);
    CHECK(db->member(m.id).balance == 40 - 30 + 75);
    // Retrying the refund is a replay, not a second refund.
    auto r1b = db->refund(sale.sale_id, {{2, 1000}}, "RF1");
    CHECK(r1b.replayed);
    CHECK(db->member(m.id).balance == 85);
    // Returning the rest returns exactly what is left: never more than was earned or spent.
    auto r2 = db->refund(sale.sale_id, {}, "RF2");
    CHECK(r2.points_earned == 10);
    CHECK(r2.points_redeemed == 25);
    CHECK(db->member(m.id).balance == 100);
    CHECK(status_of([&] { db->refund(sale.sale_id, {}, "RF3"); }) == Status::SaleVoided);
    auto h = db->history(m.id);
    CHECK(std::count_if(h.begin(), h.end(), [](const LedgerEntry& e) {
              return e.kind == EntryKind::ReverseEarn && !e.corrects.empty();
          }) == 2);
    CHECK(db->verify().ok());
}

TEST_CASE("property: refunds in any order and size never over-reverse", "[checkout][property]") {
    auto db = open(temp_path("refund-prop.db"));
    db->load_program(kProgramme);
    auto m = db->enrol(phone("09121234567"));
    db->adjust(m.id, 1000000, "float", "mgr", "A0");
    std::mt19937_64 rng(424242);
    for (int round = 0; round < 40; ++round) {
        Basket b;
        b.member_id = m.id;
        int lines = std::uniform_int_distribution<int>(1, 6)(rng);
        for (int i = 0; i < lines; ++i)
            b.lines.push_back({"P" + std::to_string(i),
                               "general",
                               std::uniform_int_distribution<std::int64_t>(1, 5000)(rng),
                               std::uniform_int_distribution<std::int64_t>(1000, 900000)(rng),
                               0,
                               {}});
        std::int64_t most = db->quote(b).redeemable_points;
        b.redeem_points =
            std::uniform_int_distribution<std::int64_t>(0, std::min<std::int64_t>(most, 200))(rng);
        auto sale = db->commit(b, "S" + std::to_string(round));
        std::vector<std::int64_t> left;
        for (const auto& l : b.lines)
            left.push_back(l.quantity_milli);
        std::int64_t reversed = 0, restored = 0, refunded = 0;
        int k = 0;
        for (;;) {
            std::vector<RefundLine> req;
            for (int i = 0; i < lines; ++i) {
                if (left[i] == 0 || rng() % 2) continue;
                std::int64_t q = std::uniform_int_distribution<std::int64_t>(1, left[i])(rng);
                req.push_back({i + 1, q});
                left[i] -= q;
            }
            if (req.empty()) {
                if (std::all_of(left.begin(), left.end(), [](std::int64_t x) { return x == 0; }))
                    break;
                continue;
            }
            auto r = db->refund(sale.sale_id, req,
                                "R" + std::to_string(round) + "-" + std::to_string(++k));
            REQUIRE(r.points_earned >= 0);
            REQUIRE(r.points_redeemed >= 0);
            reversed += r.points_earned;
            restored += r.points_redeemed;
            refunded += r.refund_amount;
            REQUIRE(reversed <= sale.points_earned);
            REQUIRE(restored <= sale.points_redeemed);
        }
        REQUIRE(reversed == sale.points_earned);
        REQUIRE(restored == sale.points_redeemed);
        REQUIRE(refunded == sale.total);
    }
    CHECK(db->member(m.id).balance == 1000000);
    CHECK(db->verify().ok());
}

TEST_CASE("void reverses every effect of a sale, bonuses included", "[checkout]") {
    auto db = open(temp_path("void.db"));
    db->load_program(R"({"visit_points": 3,
      "spend": [{"id": "base", "points": 10, "per": 100000}],
      "challenges": [{"id": "first", "purchases": 1, "window": "month", "bonus": 7}],
      "redeem": {"point_value": "1000"}})");
    auto m = db->enrol(phone("09121234567"));
    auto s = db->commit(basket(m.id, {200000}), "S1");
    CHECK(s.points_earned == 20 + 3 + 7);
    auto v = db->void_sale(s.sale_id, "V1");
    CHECK(v.kind == ReceiptKind::Void);
    CHECK(v.points_earned == 30);
    CHECK(db->member(m.id).balance == 0);
    // The challenge can be won again: the voided purchase no longer counts.
    auto s2 = db->commit(basket(m.id, {100000}), "S2");
    CHECK(s2.points_earned == 10 + 3 + 7);
    CHECK(db->verify().ok());
}

TEST_CASE("pending points wait out the return window, a refund inside it cancels them",
          "[checkout]") {
    auto db = open(temp_path("pending.db"));
    db->load_program(R"({"pending_days": 14,
      "spend": [{"id": "base", "points": 10, "per": 100000}],
      "redeem": {"point_value": "1000"}})");
    auto m = db->enrol(phone("09121234567"));
    auto s = db->commit(basket(m.id, {300000, 200000}), "S1");
    auto mm = db->member(m.id);
    CHECK(mm.balance == 50);
    CHECK(mm.pending == 50);
    CHECK(mm.available == 0);
    CHECK(status_of([&] { db->commit(basket(m.id, {100000}, 10), "S2"); }) ==
          Status::InsufficientPoints);
    db->refund(s.sale_id, {{1, 1000}}, "R1");
    mm = db->member(m.id);
    CHECK(mm.pending == 20);
    CHECK(mm.balance == 20);
    db->set_clock(kT0 + 14 * kDay);
    mm = db->member(m.id);
    CHECK(mm.available == 20);
    CHECK(mm.pending == 0);
    CHECK(db->commit(basket(m.id, {100000}, 10), "S3").points_redeemed == 10);
}

TEST_CASE("a member read again right after a lookup is what a fresh read would show",
          "[checkout]") {
    // The lookup's member is kept for the quote that follows it (Impl::member_memo): whatever
    // moves between the two, the second read must show what reading the file would.
    const auto path = temp_path("member-memo.db");
    auto db = open(path);
    db->load_program(R"({"pending_days": 14, "expiry_days": 30,
      "spend": [{"id": "base", "points": 10, "per": 100000}],
      "redeem": {"point_value": "1000"}})");
    auto m = db->enrol(phone("09121234567"));
    db->commit(basket(m.id, {500000}), "S1");  // 50 points, available after 14 days
    // The clock reaches the day the points become available between the lookup and the read.
    CHECK(db->find_by_phone("09121234567").pending == 50);
    db->set_clock(kT0 + 15 * kDay);
    CHECK(db->member(m.id).available == 50);
    // ... and is set back before it.
    CHECK(db->find_by_phone("09121234567").available == 50);
    db->set_clock(kT0 + 13 * kDay);
    CHECK(db->member(m.id).available == 0);
    CHECK(db->member(m.id).pending == 50);
    // The points expire between the two.
    db->set_clock(kT0 + 20 * kDay);
    CHECK(db->find_by_phone("09121234567").available == 50);
    db->set_clock(kT0 + 60 * kDay);
    CHECK(db->member(m.id).available == 0);
    CHECK(db->member(m.id).pending == 0);
    // A write here between the two (a manual adjustment), and one by another handle.
    db->set_clock(kT0 + 61 * kDay);
    CHECK(db->find_by_phone("09121234567").balance == db->member(m.id).balance);
    const std::int64_t before = db->find_by_phone("09121234567").balance;
    db->adjust(m.id, 7, "goodwill", "mgr", "A1");
    CHECK(db->member(m.id).balance == before + 7);
    CHECK(db->find_by_phone("09121234567").balance == before + 7);
    auto other = open(path);
    other->set_clock(kT0 + 61 * kDay);
    other->adjust(m.id, 5, "goodwill", "mgr", "A2");
    CHECK(db->member(m.id).balance == before + 12);
    // A hold taken elsewhere times out by the clock alone: with one open, nothing is kept.
    CHECK(db->find_by_phone("09121234567").available == 12);
    other->hold_points(m.id, 10, 60000, "", "H1");
    CHECK(db->member(m.id).available == 2);
    CHECK(db->find_by_phone("09121234567").available == 2);
    db->set_clock(kT0 + 61 * kDay + 120000);
    CHECK(db->member(m.id).available == 12);
}

TEST_CASE("refunding points already spent follows the programme's negative-balance policy",
          "[checkout]") {
    for (const char* policy : {"allow", "clamp", "refuse"}) {
        DYNAMIC_SECTION(policy) {
            auto db = open(temp_path(std::string("neg-") + policy + ".db"));
            db->load_program(std::string(R"({"negative_balance": ")") + policy + R"(",
              "spend": [{"id": "base", "points": 10, "per": 100000}],
              "redeem": {"point_value": "1000", "max_share": "1"}})");
            auto m = db->enrol(phone("09121234567"));
            auto s1 = db->commit(basket(m.id, {1000000}), "S1");  // +100
            db->commit(basket(m.id, {100000}, 100), "S2");        // -100, +10
            CHECK(db->member(m.id).balance == 10);
            std::string p = policy;
            if (p == "allow") {
                CHECK(db->refund(s1.sale_id, {}, "R").points_earned == 100);
                CHECK(db->member(m.id).balance == -90);
                CHECK(db->member(m.id).available == 0);
                // Later earnings repay the debt first.
                db->commit(basket(m.id, {1000000}), "S3");
                CHECK(db->member(m.id).balance == 10);
                CHECK(db->member(m.id).available == 10);
            } else if (p == "clamp") {
                CHECK(db->refund(s1.sale_id, {}, "R").points_earned == 10);
                CHECK(db->member(m.id).balance == 0);
            } else {
                CHECK(status_of([&] { db->refund(s1.sale_id, {}, "R"); }) ==
                      Status::InsufficientPoints);
                CHECK(db->member(m.id).balance == 10);
            }
            CHECK(db->verify().ok());
        }
    }
}

TEST_CASE("seed: per-action points with caps (login = 1, review = 5)", "[events][seed]") {
    auto db = open(temp_path("events.db"));
    db->load_program(kProgramme);
    auto m = db->enrol(phone("09121234567"));
    CHECK(db->record_event(m.id, "app_login", "L1") == 1);
    CHECK(db->record_event(m.id, "review", "V1") == 5);
    CHECK(status_of([&] { db->record_event(m.id, "review", "V2"); }) == Status::CapReached);
    CHECK(db->record_event(m.id, "review", "V1") == 5);  // replay of the first
    db->set_clock(kT0 + kDay);
    CHECK(db->record_event(m.id, "review", "V3") == 5);
    CHECK(db->member(m.id).balance == 11);
}

TEST_CASE("a request's digest is 16 bytes, a row with its whole SHA-256 in digits still answers",
          "[storage]") {
    auto path = temp_path("request-digest.db");
    auto db = open(path);
    db->load_program(kProgramme);
    auto m = db->enrol(phone("09121234567"));
    REQUIRE(db->record_event(m.id, "app_login", "L1") == 1);
    CHECK(raw_int(path,
                  "SELECT typeof(digest) = 'blob' AND length(digest) = 16 FROM requests "
                  "WHERE key = 'L1'") == 1);
    // A row as schema 10 wrote it: the 64 hexadecimal digits of the request's SHA-256.
    const std::string hex =
        loyalty::sha256_hex(loyalty::storage::canonical("member", m.id, "action", "app_login"));
    raw_exec(path, "UPDATE requests SET digest = '" + hex + "' WHERE key = 'L1'");
    REQUIRE(raw_int(path, "SELECT length(digest) FROM requests WHERE key = 'L1'") == 64);
    CHECK(db->record_event(m.id, "app_login", "L1") == 1);  // the retry is answered
    CHECK(status_of([&] { db->record_event(m.id, "review", "L1"); }) ==
          Status::IdempotencyConflict);
    CHECK(db->member(m.id).balance == 1);
}

TEST_CASE(
    "the expiry sweep takes a member's lots past their date as one entry, and a replay "
    "takes the same lots",
    "[ledger]") {
    auto path = temp_path("expiry-member.db");
    auto db = open(path);
    db->load_program(kProgramme);
    auto m = db->enrol(phone("09121234567"));
    auto n = db->enrol(phone("09121234568"));
    db->commit(basket(m.id, {300000}), "S1");
    db->commit(basket(n.id, {100000}), "N1");
    db->set_clock(kT0 + 10 * kDay);
    db->commit(basket(m.id, {200000}), "S2");
    db->set_clock(kT0 + 200 * kDay);
    db->commit(basket(m.id, {500000}), "S3");  // not due at the sweep
    const std::int64_t before = db->member(m.id).balance;
    const auto [later, later_next] = db->expiring(m.id, kT0 + 1000 * kDay);
    const auto [due, due_next] = db->expiring(m.id, kT0 + 380 * kDay);
    REQUIRE(due > 0);
    REQUIRE(later > due);
    const std::int64_t n_due = db->member(n.id).balance;
    REQUIRE(n_due > 0);
    const auto r = db->expire(kT0 + 380 * kDay);
    CHECK(r.lots == 3);  // two of m's, one of n's
    CHECK(r.points == due + n_due);
    std::vector<LedgerEntry> expiries;
    for (const auto& e : db->history(m.id))
        if (e.kind == EntryKind::Expire) expiries.push_back(e);
    REQUIRE(expiries.size() == 1);
    CHECK(expiries[0].points == -due);
    CHECK(expiries[0].corrects.empty());  // two entries' lots: it names neither
    CHECK(expiries[0].created_at == kT0 + 380 * kDay);
    CHECK(db->member(m.id).balance == before - due);
    CHECK(db->member(n.id).balance == 0);
    CHECK(db->expiring(m.id, kT0 + 1000 * kDay).first == later - due);
    CHECK(db->verify().ok());

    // Another file applying the journal takes the lots past their date, not the newer lot.
    auto other = open(temp_path("expiry-member-2.db"));
    other->load_program(kProgramme);
    other->set_clock(db->now());
    other->apply_journal(db->journal("", 0, 10000));
    const Member there = other->member_by_uid(m.uid);
    CHECK(there.balance == before - due);
    CHECK(other->expiring(there.id, kT0 + 1000 * kDay).first == later - due);
    CHECK(other->expiring(there.id, kT0 + 380 * kDay).first == 0);
    CHECK(other->expire(kT0 + 380 * kDay).points == 0);
    CHECK(other->verify().ok());
}

TEST_CASE("the expiry sweep is idempotent and the ledger stays append-only (odoo#206048)",
          "[ledger][regression]") {
    auto path = temp_path("expiry.db");
    auto db = open(path);
    db->load_program(kProgramme);
    auto m = db->enrol(phone("09121234567"));
    db->commit(basket(m.id, {300000}), "S1");
    db->set_clock(kT0 + 200 * kDay);
    db->commit(basket(m.id, {200000}, 10), "S2");  // spends 10 of the oldest lot, earns 20
    auto [soon, next] = db->expiring(m.id, kT0 + 366 * kDay);
    CHECK(soon == 20);
    CHECK(next > kT0 + 364 * kDay);
    // What is left of each open lot: the first lot's 30 less the 10 spent, the second's 20; the
    // lots themselves keep the points they opened with.
    const std::string left =
        "SELECT COALESCE(group_concat(remaining), '') FROM (SELECT "
        "remaining FROM lots_left ORDER BY id)";
    const std::string opened =
        "SELECT group_concat(points) FROM (SELECT points FROM lots "
        "ORDER BY id)";
    CHECK(raw_text(path, left) == "20,20");
    auto first = db->expire(kT0 + 366 * kDay);
    CHECK(first.points == 20);
    CHECK(first.lots == 1);
    CHECK(raw_text(path, left) == "20");  // the first lot's row went with its points
    CHECK(db->expire(kT0 + 366 * kDay).points == 0);
    CHECK(db->member(m.id).balance == 20);
    CHECK(db->expire(kT0 + 600 * kDay).points == 20);
    CHECK(db->member(m.id).balance == 0);
    CHECK(raw_text(path, left).empty());
    CHECK(raw_text(path, opened) == "30,20");
    // A spend that takes all of a lot removes its row too.
    db->set_clock(kT0 + 601 * kDay);
    db->commit(basket(m.id, {300000}), "S3");
    db->set_clock(kT0 + 602 * kDay);
    db->commit(basket(m.id, {100000}, 30), "S4");  // spends all 30 of S3's lot, earns 10
    CHECK(raw_text(path, left) == "10");
    // Each entry that took points from lots holds its moves, [lot, points], in its row (schema
    // 16): the spends, and the expiries, one entry each taking a whole lot.
    const auto lot = [](std::int64_t entry) { return std::to_string(entry * 1048576); };
    const std::int64_t s1 = raw_int(path, "SELECT MIN(id) FROM ledger WHERE kind = 1");
    const std::int64_t s2 =
        raw_int(path, "SELECT MIN(id) FROM ledger WHERE kind = 1 AND id > " + std::to_string(s1));
    const std::int64_t s3 = raw_int(path,
                                    "SELECT MAX(id) FROM ledger WHERE kind = 1 AND id < "
                                    "(SELECT MAX(id) FROM ledger WHERE kind = 1)");
    CHECK(raw_text(path,
                   "SELECT group_concat(kind || ':' || moves, ' ') FROM (SELECT kind, "
                   "moves FROM ledger WHERE moves IS NOT NULL ORDER BY id)") ==
          "2:[[" + lot(s1) + ",10]] 3:[[" + lot(s1) + ",20]] 3:[[" + lot(s2) + ",20]] 2:[[" +
              lot(s3) + ",30]]");
    CHECK(raw_int(path, "SELECT SUM(points) FROM lot_moves") == 80);
    std::string error;
    raw_exec(path, "UPDATE ledger SET points = 1000", &error);
    CHECK(error.find("append-only") != std::string::npos);
    raw_exec(path, "DELETE FROM ledger", &error);
    CHECK(error.find("append-only") != std::string::npos);
    // The moves may be appended to, never changed or taken away.
    for (const char* change : {"UPDATE ledger SET moves = '[]' WHERE moves IS NOT NULL",
                               "UPDATE ledger SET moves = NULL WHERE moves IS NOT NULL",
                               "UPDATE ledger SET moves = replace(moves, ',10]', ',1]')"}) {
        error.clear();
        raw_exec(path, change, &error);
        CHECK(error.find("lot moves are append-only") != std::string::npos);
    }
    CHECK(db->verify().ok());
}

TEST_CASE("verify finds a balance that does not match its ledger", "[ledger]") {
    auto path = temp_path("tamper.db");
    auto db = open(path);
    db->load_program(kProgramme);
    auto m = db->enrol(phone("09121234567"));
    db->commit(basket(m.id, {300000}), "S1");
    CHECK(db->verify().ok());
    raw_exec(path, "UPDATE members SET balance = balance + 7");
    auto rep = db->verify();
    REQUIRE_FALSE(rep.ok());
    CHECK(rep.problems[0].find("ledger sums to 30") != std::string::npos);
    raw_exec(path,
             "UPDATE members SET balance = balance - 7; UPDATE member_index SET remaining = 1 "
             "WHERE part = 2");
    rep = db->verify();
    REQUIRE_FALSE(rep.ok());
    CHECK(rep.problems[0].find("lot") != std::string::npos);
    // A lot with points dropped from the open lots: found, and rebuilt.
    raw_exec(path, "DELETE FROM member_index WHERE part = 2");
    rep = db->verify();
    REQUIRE_FALSE(rep.ok());
    CHECK(rep.problems[0].find("remaining 0 but its moves leave 30") != std::string::npos);
    // An open row for no lot of its member.
    raw_exec(path,
             "INSERT INTO member_index(member_id, part, id, expires_at, available_at, remaining) "
             "SELECT member_id, 2, id, expires_at, available_at, points FROM lots; UPDATE "
             "member_index SET member_id = member_id + 1000 WHERE part = 2");
    rep = db->verify();
    REQUIRE_FALSE(rep.ok());
    CHECK(std::any_of(rep.problems.begin(), rep.problems.end(), [](const std::string& p) {
        return p.find(": no such lot of that member") != std::string::npos;
    }));
    CHECK(db->rebuild() > 0);
    CHECK(db->verify().ok());
    CHECK(db->member(m.id).available == 30);
}

TEST_CASE("each sale records the programme version it used", "[programme]") {
    auto db = open(temp_path("versions.db"));
    CHECK(db->load_program(kProgramme) == 1);
    auto m = db->enrol(phone("09121234567"));
    auto s1 = db->commit(basket(m.id, {100000}), "S1");
    CHECK(s1.program_version == 1);
    std::string doubled = kProgramme;
    doubled.replace(doubled.find("\"points\": 10"), 12, "\"points\": 20");
    CHECK(db->load_program(doubled) == 2);
    auto s2 = db->commit(basket(m.id, {100000}), "S2");
    CHECK(s2.program_version == 2);
    CHECK(s2.points_earned == 20);
    // The first sale's receipt is unchanged by the new programme.
    auto again = db->commit(basket(m.id, {100000}), "S1");
    CHECK(again.program_version == 1);
    CHECK(again.points_earned == 10);
    CHECK(parse_program(db->export_program(1)).spend[0].points == 10);
}

TEST_CASE("anonymous sales are recorded without a member", "[checkout]") {
    auto path = temp_path("anon.db");
    auto db = open(path);
    db->load_program(kProgramme);
    auto r = db->commit(basket(0, {100000}), "A1");
    CHECK(r.member_id == 0);
    CHECK(r.points_earned == 0);
    CHECK(r.sale_id > 0);
    CHECK(db->refund(r.sale_id, {}, "A1-R").refund_amount == 100000);
}

TEST_CASE("an SQL total past int64 is an overflow, not an internal error", "[storage]") {
    loyalty::storage::Connection c;
    c.open(":memory:", false, true);
    auto q = c.query("SELECT SUM(x) FROM (SELECT 9223372036854775807 AS x UNION ALL SELECT 1)");
    try {
        q.next();
        FAIL("SUM past int64 must throw");
    } catch (const loyalty::Error& e) {
        REQUIRE(e.status() == loyalty::Status::Overflow);
    }
}

TEST_CASE("a transaction begun after another never answers to its number", "[storage]") {
    loyalty::storage::Connection c;
    c.open(":memory:", false, true);
    std::uint64_t first = 0;
    {
        loyalty::storage::Transaction t(c, true);
        first = c.transaction_no();
        REQUIRE(first != 0);
        t.commit();
    }
    REQUIRE(c.transaction_no() == 0);
    // As a rollback that failed leaves one open, or a BEGIN outside a Transaction: what was
    // remembered for the first (the time of an operation, say) must not answer for it.
    c.exec("BEGIN");
    CHECK(c.transaction_no() != 0);
    CHECK(c.transaction_no() != first);
    c.exec("ROLLBACK");
    {
        loyalty::storage::Transaction t(c, false);
        CHECK(c.transaction_no() != first);
    }
}

namespace {

// loy_verify's problems, one a line, in a copy of `path` changed by `sql` behind the library's
// back.
std::string problems_after(const std::string& path, const std::string& sql) {
    auto copy = temp_path("tampered.db");
    raw_exec(path, "VACUUM INTO '" + copy + "'");
    raw_exec(copy, sql);
    auto db = open(copy);
    std::string all;
    for (const auto& p : db->verify().problems)
        all += p + "\n";
    return all;
}

}  // namespace

TEST_CASE("loy_verify finds a journal record changed or removed after it was written",
          "[journal]") {
    auto path = temp_path("journal-tamper.db");
    {
        auto db = open(path);
        db->enrol(phone("09121234567"), "enrol-1");
        db->enrol(phone("09121234568"), "enrol-2");
        db->enrol(phone("09121234569"), "enrol-3");
        REQUIRE(db->verify().ok());
        REQUIRE(db->journal("", 0, 10).size() == 3);
    }
    using Catch::Matchers::Contains;
    // A fact's text changed in its record: the record's hash no longer matches.
    CHECK_THAT(problems_after(path,
                              "DROP TRIGGER journal_append_only_u; UPDATE journal SET body = "
                              "replace(body, '\"member\"', '\"Member\"') WHERE seq = 2"),
               Contains(":J2: its content does not match its hash"));
    // A record removed from the middle: the next one neither has its seq nor follows it.
    const std::string removed = problems_after(
        path, "DROP TRIGGER journal_append_only_d; DELETE FROM journal WHERE seq = 2");
    CHECK_THAT(removed, Contains(":J3: expected seq 2"));
    CHECK_THAT(removed, Contains(":J3: does not follow the record before"));
    // Untouched, the copy verifies.
    CHECK(problems_after(path, "SELECT 1").empty());
}

TEST_CASE("a till's record older than the one before it still comes after it (files of 0.4)",
          "[journal]") {
    // Before an origin's records' times were kept from going back, a till whose clock was set
    // back wrote a record older than the one before it: here the merge, an hour "before" the
    // enrolments. The file's state is the merge's, and loy_verify must read it so.
    auto path = temp_path("journal-clock-back.db");
    std::string origin;
    {
        auto db = open(path);
        auto x = db->enrol(phone("09121234567"), "enrol-1");
        auto y = db->enrol(phone("09121234568"), "enrol-2");
        db->merge(x.id, y.id, "merge-1");
        origin = db->origin().name;
        REQUIRE(db->verify().ok());
    }
    {
        loyalty::storage::Connection c;
        c.open(path, false, false);
        std::int64_t seq = 0;
        std::string hash;
        const std::int64_t at = kT0 - 3600000;
        {
            auto q = c.query(
                "SELECT seq, kind, COALESCE(idem_key, ''), body, prev FROM journal ORDER BY seq "
                "DESC LIMIT 1");
            REQUIRE(q.next());
            seq = q.i64(0);
            hash = loyalty::storage::record_hash(q.text(4), origin, seq, q.text(1), q.text(2), at,
                                                 loyalty::storage::unpack_record_body(q.view(3)));
        }
        c.exec("DROP TRIGGER journal_append_only_u");
        c.query("UPDATE journal SET created_at = ?, hash = ? WHERE seq = ?", at, hash, seq).run();
        c.exec(
            "CREATE TRIGGER journal_append_only_u BEFORE UPDATE ON journal BEGIN SELECT "
            "RAISE(ABORT, 'the journal is append-only'); END");
        auto older = c.query("SELECT COUNT(*) FROM journal WHERE created_at < ?", kT0);
        REQUIRE(older.next());
        REQUIRE(older.i64(0) == 1);
    }
    auto db = open(path);
    const auto report = db->verify();
    std::string all;
    for (const auto& p : report.problems)
        all += p + "\n";
    CHECK(all.empty());
    CHECK(db->rebuild() == 0);
}

TEST_CASE(
    "loy_verify finds a fact changed after its record: a sale's figures and text, a lot's "
    "dates, a member's status",
    "[journal]") {
    auto path = temp_path("journal-facts.db");
    std::string sale, entry, member;
    {
        auto db = open(path);
        db->load_program(kProgramme);
        auto m = db->enrol(phone("09121234567"), "enrol-1");
        auto r = db->commit(basket(m.id, {500000}), "sale-1");
        sale = r.uid;
        member = m.uid;
        entry = db->history(m.id, 1, 0).at(0).uid;
        REQUIRE(db->verify().ok());
    }
    using Catch::Matchers::Contains;
    CHECK_THAT(problems_after(path, "UPDATE sales SET total = total + 1"),
               Contains("fact " + sale + " differs from its journal record (total)"));
    CHECK_THAT(problems_after(path, "UPDATE sales SET explanation = 'x' || explanation"),
               Contains("fact " + sale + " differs from its journal record (explanation)"));
    // A lot's availability moved to 2039: the entry that opened it no longer reads as recorded.
    CHECK_THAT(problems_after(path,
                              "DROP TRIGGER ledger_lots_append_only; UPDATE ledger SET lots = "
                              "json_set(lots, '$[0][2]', 2200000000000) WHERE lots IS NOT NULL"),
               Contains("fact " + entry + " differs from its journal record (lots)"));
    CHECK_THAT(problems_after(path, "UPDATE members SET status = 1"),
               Contains("fact " + member + " differs from its journal record (status)"));
    CHECK_THAT(problems_after(path,
                              "DROP TRIGGER ledger_append_only_d; PRAGMA foreign_keys=OFF; "
                              "DELETE FROM ledger"),
               Contains("fact " + entry + " is in the journal but not in its table"));
}

TEST_CASE(
    "loy_verify rebuilds every projection from the journal alone: a tier, a sale's status, a "
    "lot's remainder or a campaign's totals changed behind the library's back is found",
    "[journal]") {
    auto path = temp_path("journal-projections.db");
    std::string sale, member, entry;
    {
        auto db = open(path);
        db->load_program(R"({"name": "P", "currency": "IRR",
          "spend": [{"id": "base", "name": "base", "points": 10, "per": 100000}],
          "redeem": {"point_value": "100", "min_points": 1, "max_share": "0.5"},
          "tiers": {"levels": [{"id": "base", "threshold": 0}, {"id": "gold", "threshold": 40}]},
          "campaigns": [{"id": "back", "name": "Back", "effect": "amount", "amount": 1000,
                         "valid_days": 30, "max_uses": 100}]})");
        auto m = db->enrol(phone("09121234567"), "enrol-1");
        member = m.uid;
        auto b = basket(m.id, {500000});
        b.coupons.push_back(db->issue_coupon("back", m.id, "coupon-1"));
        sale = db->commit(b, "sale-1").uid;
        entry = db->history(m.id, 1, 0).at(0).uid;
        auto paid = basket(m.id, {200000});
        paid.redeem_points = 10;  // taken from the first sale's lot
        db->commit(paid, "sale-2");
        REQUIRE(db->member(m.id).tier == "gold");
        REQUIRE(db->verify().ok());
    }
    using Catch::Matchers::Contains;
    CHECK_THAT(problems_after(path, "UPDATE members SET tier = 'base'"),
               Contains(member + ": balance 50, lifetime 60, wallet 0, status 0, tier 'base', but "
                                 "the journal gives balance 50, lifetime 60, wallet 0, status 0, "
                                 "tier 'gold'"));
    CHECK_THAT(problems_after(path, "UPDATE sales SET status = 3"),
               Contains(sale + ": status 3, but the journal gives status 0"));
    CHECK_THAT(problems_after(path, "UPDATE campaign_totals SET uses = 5"),
               Contains("campaign back: uses 5, discount 1000, but its uses give uses 1, "
                        "discount 1000"));
    CHECK_THAT(problems_after(path, "DELETE FROM campaign_totals"),
               Contains("campaign back: a programme limits it, but it has no totals"));
    // The spend moved to the other lot: every balance and sum still agrees, but the lots no
    // longer hold what the facts, planned again, leave in them.
    CHECK_THAT(problems_after(path,
                              "DROP TRIGGER ledger_moves_append_only; UPDATE ledger SET moves = "
                              "replace(moves, '[' || (SELECT MIN(id) FROM lots) || ',', '[' || "
                              "(SELECT MAX(id) FROM lots) || ','); DELETE FROM member_index WHERE "
                              "part = 2; INSERT INTO member_index(member_id, part, id, expires_at, "
                              "available_at, remaining) SELECT "
                              "member_id, 2, id, expires_at, available_at, r FROM (SELECT *, "
                              "points - COALESCE((SELECT SUM(points) FROM lot_moves m WHERE "
                              "m.lot_id = lots.id), 0) AS r FROM lots) WHERE r > 0"),
               Contains("lots of " + entry + ": 40 of 40 left"));
    CHECK(problems_after(path, "SELECT 1").empty());
    // loy_rebuild puts the tier and the sale's status back from the facts.
    auto copy = temp_path("projections-rebuilt.db");
    raw_exec(path, "VACUUM INTO '" + copy + "'");
    raw_exec(copy, "UPDATE members SET tier = 'base'; UPDATE sales SET status = 3");
    auto db = open(copy);
    REQUIRE_FALSE(db->verify().ok());
    CHECK(db->rebuild() == 3);  // the tier and both sales
    CHECK(db->verify().ok());
    CHECK(db->member_by_uid(member).tier == "gold");
    CHECK(db->rebuild() == 0);
    // The handle keeps its rebuilt file between checks: a change made since is found all the same.
    raw_exec(copy, "UPDATE sales SET status = 1");
    auto again = db->verify();
    REQUIRE_FALSE(again.ok());
    CHECK_THAT(again.problems[0], Contains("but the journal gives status 0"));
}

TEST_CASE(
    "loy_rebuild recomputes balances, lifetime, wallet, lot remainders and campaign "
    "totals from the facts",
    "[journal]") {
    auto path = temp_path("rebuild.db");
    std::int64_t member = 0, absorbed = 0;
    {
        auto db = open(path);
        db->load_program(kProgramme);
        member = db->enrol(phone("09121234567"), "enrol-1").id;
        absorbed = db->enrol(phone("09121234568"), "enrol-2").id;
        db->commit(basket(member, {500000}), "sale-1");
        db->commit(basket(absorbed, {300000}), "sale-2");
        db->merge(member, absorbed, "merge-1");
        db->commit(basket(member, {200000}), "sale-3");
        db->wallet_credit(member, 5000, "goodwill", "mgr", "wallet-1");
        REQUIRE(db->verify().ok());
        CHECK(db->rebuild() == 0);  // a sound file: nothing to correct
    }
    raw_exec(path,
             "UPDATE members SET balance = balance + 7, lifetime_earned = 1, "
             "wallet_balance = 0; DELETE FROM member_index WHERE part = 2;");
    auto db = open(path);
    const auto m = db->member(member);
    REQUIRE_FALSE(db->verify().ok());
    CHECK(db->rebuild() > 0);
    CHECK(db->verify().ok());
    const auto after = db->member(member);
    CHECK(after.balance == 50 + 30 + 20);  // 10 points per 100,000, the absorbed member's too
    CHECK(after.lifetime_earned == 100);
    CHECK(after.wallet_balance == 5000);
    CHECK(after.available == 100);
    CHECK(m.balance == 107);  // what the tampered file said
    CHECK(db->rebuild() == 0);
}

TEST_CASE("the points and liability reports add quarter-hour totals and read their edges exactly",
          "[reports]") {
    const std::string prog = programme_at_offset(7);  // local midnights inside quarter-hours
    auto path = temp_path("report-totals.db");
    auto db = open(path);
    db->load_program(prog);
    auto m = db->enrol(phone("09121234567"));
    for (int i = 0; i < 60; ++i) {
        db->set_clock(kT0 + i * 37 * 60000LL + i * 1000);
        auto b = basket(m.id, {100000 + 10000 * i}, i % 4 == 3 ? 3 : 0);
        b.branch = i % 2 ? "north" : "south";
        db->commit(b, "S" + std::to_string(i));
        if (i % 5 == 0) db->adjust(m.id, 2 + i, "goodwill", "mgr", "A" + std::to_string(i));
    }
    // An entry written elsewhere arrives later with its own, earlier time.
    {
        auto other = open(temp_path("report-totals-2.db"));
        other->load_program(prog);
        other->set_clock(kT0 + 100 * 60000LL + 777);
        auto o = other->enrol(phone("09127654321"));
        other->commit(basket(o.id, {900000}), "O1");
        db->apply_journal(other->journal("", 0, 1000));
    }
    const std::int64_t from = kT0 + 5 * 60000 + 3000, to = kT0 + 35 * 3600000LL + 11 * 60000;
    const std::vector<std::int64_t> bounds = day_bounds(from, to, 7 * 60000);
    // Entries on both sides of each local midnight, in the quarter-hour it splits.
    for (std::size_t i = 1; i + 1 < bounds.size(); ++i)
        for (const std::int64_t at : {bounds[i] - 120000, bounds[i] + 120000}) {
            db->set_clock(at);
            db->adjust(m.id, 1000 + at % 7, "edge", "mgr", "E" + std::to_string(at));
        }
    auto sum = [&](const std::string& where) {
        return raw_int(path, "SELECT COALESCE(SUM(points), 0) FROM ledger WHERE " + where);
    };
    auto range = [](std::int64_t a, std::int64_t b) {
        return "created_at >= " + std::to_string(a) + " AND created_at < " + std::to_string(b);
    };
    auto check_reports = [&]() {
        for (const std::string branch : {"", "north"}) {
            const Table p = report_by_day(*db, "points", from, to, branch);
            REQUIRE(p.rows.size() == bounds.size() - 1);
            for (std::size_t i = 0; i + 1 < bounds.size(); ++i) {
                const std::string w = range(bounds[i], bounds[i + 1]) +
                                      (branch.empty() ? "" : " AND branch = '" + branch + "'");
                CHECK(p.rows[i][1].number == sum(w + " AND kind IN (1, 7, 8)"));
                CHECK(p.rows[i][3].number == -sum(w + " AND kind IN (2, 6)"));
                CHECK(p.rows[i][5].number == sum(w + " AND kind = 4"));
            }
        }
        ReportOptions o;
        o.from_ms = from;
        o.to_ms = to;
        o.group = Grouping::Day;
        const Table l = db->report("liability", o);
        REQUIRE(l.rows.size() == bounds.size() - 1);
        for (std::size_t i = 0; i + 1 < bounds.size(); ++i)
            CHECK(l.rows[i][1].number == sum("created_at < " + std::to_string(bounds[i + 1])));
    };
    REQUIRE(bounds.size() >= 3);
    REQUIRE(sum(range(from, to)) > 0);
    check_reports();
    CHECK(db->verify().ok());

    // Verify names the damage done to the file, rebuild mends it, the reports are right again.
    auto mended = [&](const char* named) {
        expect_mended(*db, named);
        check_reports();
    };

    // The reports read the totals: a total made wrong shows in them, verify names it, and
    // rebuild writes it again from the entries.
    db.reset();
    raw_exec(path,
             "UPDATE ledger_totals SET points = points + 1000 WHERE kind = 1 AND quarter = "
             "(SELECT quarter FROM ledger_totals WHERE kind = 1 AND quarter * 900000 > " +
                 std::to_string(from + 900000) + " ORDER BY quarter LIMIT 1)");
    db = open(path);
    ReportOptions whole;
    whole.from_ms = from;
    whole.to_ms = to;
    CHECK(db->report("points", whole).rows[0][1].number ==
          sum(range(from, to) + " AND kind IN (1, 7, 8)") + 1000);
    mended("report totals of quarter");

    // The entries of an edge quarter-hour written in time are read between the first and last
    // ids its totals name, those written late (the adjustments above, made with the clock set
    // back, and the record from elsewhere) through ledger_late. Either made wrong loses entries
    // from the report; verify names it; rebuild mends it.
    CHECK(raw_int(path, "SELECT COUNT(*) FROM ledger_late") ==
          raw_int(path, "SELECT COUNT(*) FROM ledger WHERE reason = 'edge'") + 1);
    auto points_by_day = [&] { return report_by_day(*db, "points", from, to); };
    const std::int64_t last_quarter = (to - 1) / 900000;
    REQUIRE(raw_int(path, "SELECT COUNT(*) FROM ledger WHERE kind = 1 AND created_at < " +
                              std::to_string(to) +
                              " AND created_at / 900000 = " + std::to_string(last_quarter)) == 1);
    const std::string last_day = range(bounds[bounds.size() - 2], bounds.back());
    db.reset();
    raw_exec(path,
             "UPDATE ledger_totals SET first_id = last_id + 1000000, last_id = last_id + "
             "1000000 WHERE quarter = " +
                 std::to_string(last_quarter));
    db = open(path);
    CHECK(points_by_day().rows.back()[1].number != sum(last_day + " AND kind IN (1, 7, 8)"));
    mended("report totals of quarter");

    db.reset();
    const std::int64_t split = bounds[1] / 900000;
    REQUIRE(raw_int(path, "SELECT COUNT(*) FROM ledger_late WHERE created_at / 900000 = " +
                              std::to_string(split)) == 2);
    raw_exec(path, "DELETE FROM ledger_late WHERE created_at / 900000 = " + std::to_string(split));
    db = open(path);
    CHECK(points_by_day().rows[0][5].number != sum(range(bounds[0], bounds[1]) + " AND kind = 4"));
    mended("was written late but is not listed");
}

TEST_CASE("packed sale lines read as the sale_lines view reads them, or not at all", "[storage]") {
    using loyalty::storage::PackedField;
    std::string names;
    for (const char* n : loyalty::storage::kSaleLineFieldNames)
        names += (names.empty() ? "" : ", ") + std::string(n);
    CHECK(names == LOY_SALE_LINE_FIELDS);

    std::vector<loyalty::storage::SaleLine> lines(3);
    lines[0].line_no = 3;
    lines[0].sku = "نان-۳";  // UTF-8 is kept as it is, not escaped
    lines[0].category = "bakery";
    lines[0].quantity_milli = 1500;
    lines[0].unit_price = 45000;
    lines[0].discount = -7;
    lines[0].wallet_topup = true;
    lines[1].line_no = 1;
    lines[1].plan_id = "gold";
    lines[1].amount = 123456789012345678;
    lines[2].line_no = 2;
    std::vector<loyalty::storage::PackedLine> out;
    const std::string packed = loyalty::storage::pack_sale_lines(lines);  // `out` views into it
    REQUIRE(loyalty::storage::unpack_sale_lines(packed, out));
    REQUIRE(out.size() == 3);
    CHECK(out[0][0].i == 1);  // in line-number order, as the view is read
    CHECK(out[0][8].kind == PackedField::Text);
    CHECK(out[0][8].s == "gold");
    CHECK(out[0][6].i == 123456789012345678);
    CHECK(out[1][8].kind == PackedField::Null);
    CHECK(out[2][1].s == "نان-۳");
    CHECK(out[2][5].i == -7);
    CHECK(out[2][11].kind == PackedField::Integer);
    CHECK(out[2][11].i == 1);
    CHECK(out[1][11].kind == PackedField::Null);
    REQUIRE(loyalty::storage::unpack_sale_lines("[]", out));
    CHECK(out.empty());
    // What only SQLite's JSON reads right is left to it.
    for (const char* odd :
         {R"([[1,"a\"b"]])", "[[1,1.5]]", "[[1,1e3]]", "[[1,-0]]", "[[1,01]]", "[[1, 2]]",
          "[[1],[1]]", "[[null]]", R"([["1"]])", "[[1,1234567890123456789]]", "[[1]]x", "[[1]",
          "[[1,true]]", "[[1,2,3,4,5,6,7,8,9,10,11,12,13]]", "", "{}"})
        CHECK_FALSE(loyalty::storage::unpack_sale_lines(odd, out));
}

TEST_CASE("a sale's record names its lines as the sale_lines view reads them", "[storage]") {
    auto path = temp_path("record-lines.db");
    auto db = open(path);
    db->load_program(kProgramme);
    auto m = db->enrol(phone("09121234567"));
    Basket plain = basket(m.id, {250000, 120000, 99000});
    plain.lines[1].sku = "نان \"بربری\"";  // an escape in the packed form: the view is read
    plain.lines[2].discount = 1000;
    Basket quoted = basket(m.id, {50000, 70000});
    for (const Basket& b : {plain, quoted}) {
        const auto r = db->commit(b, "K" + std::to_string(b.lines.size()));
        // Every field of every line of the record (absent: NULL) is the view's.
        const auto records = db->journal("", 0, 10000);
        REQUIRE(!records.empty());
        std::string body;  // the record's text as an SQL literal
        for (const char ch : records.back().body)
            body += ch == '\'' ? std::string("''") : std::string(1, ch);
        const std::string lines = "(SELECT l.value AS v FROM json_each('" + body +
                                  "') f, json_each(json_extract(f.value, '$.lines')) l WHERE "
                                  "json_extract(f.value, '$.t') = 'sale')";
        std::string same = "SELECT COUNT(*) FROM " + lines +
                           " r JOIN sale_lines s ON s.sale_id = " + std::to_string(r.sale_id) +
                           " AND s.line_no = json_extract(r.v, '$.line_no')";
        for (const char* n : loyalty::storage::kSaleLineFieldNames)
            same += std::string(" AND s.") + n + " IS json_extract(r.v, '$." + n + "')";
        CHECK(raw_int(path, same) == static_cast<std::int64_t>(b.lines.size()));
        CHECK(raw_int(path, "SELECT COUNT(*) FROM " + lines) ==
              static_cast<std::int64_t>(b.lines.size()));
        // The file holds the record with its keys coded (storage/record_packing.hpp): under
        // 60% of its text, no key written out; the handle reads it back as the text it hashed.
        const std::string last = "FROM journal WHERE id = (SELECT MAX(id) FROM journal)";
        CHECK(raw_int(path, "SELECT length(CAST(body AS BLOB)) " + last) * 10 <
              static_cast<std::int64_t>(records.back().body.size()) * 6);
        CHECK(raw_int(path, "SELECT instr(body, '\"line_no\":') " + last) == 0);
        CHECK(records.back().body.find("\"line_no\":") != std::string::npos);
    }
    CHECK(db->verify().ok());
}

TEST_CASE("a sale's lines are packed in its row and read through the sale_lines view",
          "[storage]") {
    auto path = temp_path("packed_lines.db");
    auto db = open(path);
    db->load_program(kProgramme);
    auto m = db->enrol(phone("09121234567"));
    auto b = basket(m.id, {300000, 120000});
    b.lines[1].sku = "TEA \"green\"";
    b.lines[1].quantity_milli = 2500;
    const std::int64_t sale = db->commit(b, "S1").sale_id;
    const std::string at = " FROM sale_lines WHERE sale_id = " + std::to_string(sale);
    // One row holds them: no table of lines is written.
    CHECK(raw_int(path,
                  "SELECT COUNT(*) FROM sqlite_master WHERE name = 'sale_lines' AND type "
                  "= 'view'") == 1);
    CHECK(raw_int(path, "SELECT json_array_length(line_items) FROM sales WHERE id = " +
                            std::to_string(sale)) == 2);
    CHECK(raw_int(path, "SELECT COUNT(*)" + at) == 2);
    CHECK(raw_int(path, "SELECT quantity_milli" + at + " AND line_no = 2") == 2500);
    CHECK(raw_int(path, "SELECT amount" + at + " AND line_no = 2") == 300000);
    CHECK(raw_int(path, "SELECT SUM(points)" + at) == 60);
    CHECK(raw_int(path, "SELECT COUNT(*)" + at +
                            " AND sku = 'TEA \"green\"' AND wallet_topup "
                            "IS NULL AND plan_id IS NULL") == 1);
    // A partial refund reads the line's amount and points from the view.
    auto r = db->refund(sale, {{2, 1000}}, "R1");
    CHECK(r.refund_amount == 120000);
    CHECK(r.points_earned == 12);  // 1 of the line's 2.5 units: 12 of its 30 points

    // Writes to the view keep the table's constraints, and change nothing when refused.
    // `insert`: the error of inserting (sale, line_no, points); points < 0 leaves them out.
    auto insert = [&path](std::int64_t into, int line_no, int points) {
        std::string error;
        raw_exec(path,
                 std::string("INSERT INTO sale_lines(sale_id, line_no, sku, category, "
                             "quantity_milli, unit_price, discount, amount") +
                     (points < 0 ? "" : ", points") + ") VALUES (" + std::to_string(into) + ", " +
                     std::to_string(line_no) + ", 'X', 'c', 1000, 5, 0, 5" +
                     (points < 0 ? "" : ", " + std::to_string(points)) + ")",
                 &error);
        return error;
    };
    const std::string before = snapshot(path);
    CHECK(insert(sale, 2, 0).find("UNIQUE constraint failed") != std::string::npos);
    CHECK(insert(sale, 3, -1).find("NOT NULL constraint failed") != std::string::npos);
    CHECK(insert(999999, 1, 0).find("FOREIGN KEY constraint failed") != std::string::npos);
    CHECK(snapshot(path) == before);
    // Accepted ones append a line, or change one line's points.
    CHECK(insert(sale, 3, 1).empty());
    raw_exec(path, "UPDATE sale_lines SET points = 7 WHERE sale_id = " + std::to_string(sale) +
                       " AND line_no = 1");
    CHECK(raw_int(path, "SELECT COUNT(*)" + at) == 3);
    CHECK(raw_int(path, "SELECT points" + at + " AND line_no = 1") == 7);
    CHECK(raw_int(path, "SELECT points" + at + " AND line_no = 2") == 30);
    CHECK(raw_int(path, "SELECT default_benefit FROM (SELECT benefit_discount AS default_benefit" +
                            at + " AND line_no = 3)") == 0);
}

TEST_CASE(
    "a file whose lines were rows of their own and lots numbered apart from their entries "
    "reads the same once upgraded",
    "[storage]") {
    auto path = temp_path("lines_v8.db");
    std::int64_t sale = 0;
    {
        auto db = open(path);
        db->load_program(kProgramme);
        auto m = db->enrol(phone("09121234567"));
        sale = db->commit(basket(m.id, {300000, 120000}), "S1").sale_id;
        db->commit(basket(m.id, {100000}, 25), "S2");  // moves 25 points out of the first lot
    }
    // The file taken back to version 8's shape: a table of lines, no packed column.
    raw_exec(
        path,
        // The open lots and the sales by member apart, as version 24 and before kept them.
        std::string(kUndoSchema25) +
            // Lots in a table of their own, as version 18 and before kept them.
            // The origins as version 19 and before kept them, with no writer or range.
            "ALTER TABLE origins DROP COLUMN journal_range; ALTER TABLE origins DROP COLUMN "
            "writer;"
            "CREATE TABLE lots18 AS SELECT * FROM lots; DROP VIEW lots;"
            "DROP TRIGGER ledger_lots_append_only; ALTER TABLE ledger DROP COLUMN lots;"
            "CREATE TABLE lots(id INTEGER PRIMARY KEY, member_id INTEGER NOT NULL REFERENCES "
            "members(id), entry_id INTEGER NOT NULL REFERENCES ledger(id), points INTEGER NOT "
            "NULL, available_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);"
            "INSERT INTO lots SELECT * FROM lots18 ORDER BY id; DROP TABLE lots18;"
            "DROP TRIGGER sale_lines_i; DROP TRIGGER sale_lines_u;"
            "CREATE TABLE lines8 AS SELECT * FROM sale_lines; DROP VIEW sale_lines;"
            "CREATE TABLE sale_lines(sale_id INTEGER NOT NULL, line_no INTEGER NOT NULL, "
            "sku TEXT NOT NULL, category TEXT NOT NULL, quantity_milli INTEGER NOT NULL, "
            "unit_price INTEGER NOT NULL, discount INTEGER NOT NULL, amount INTEGER NOT NULL, "
            "points INTEGER NOT NULL, plan_id TEXT, benefit_discount INTEGER NOT NULL DEFAULT 0, "
            "coupon_discount INTEGER NOT NULL DEFAULT 0, wallet_topup INTEGER, "
            "PRIMARY KEY(sale_id, line_no)) WITHOUT ROWID;"
            "INSERT INTO sale_lines SELECT * FROM lines8 ORDER BY line_no DESC; DROP TABLE lines8;"
            "ALTER TABLE sales DROP COLUMN line_items;"
            // Lot moves in a table of their own, as version 15 and before kept them.
            "CREATE TABLE moves15 AS SELECT * FROM lot_moves; DROP VIEW lot_moves;"
            "CREATE TABLE lot_moves(entry_id INTEGER NOT NULL REFERENCES ledger(id), lot_id "
            "INTEGER NOT NULL REFERENCES lots(id), points INTEGER NOT NULL, PRIMARY "
            "KEY(entry_id, lot_id)) WITHOUT ROWID;"
            "INSERT INTO lot_moves SELECT * FROM moves15; DROP TABLE moves15;"
            "CREATE TRIGGER lot_moves_append_only_u BEFORE UPDATE ON lot_moves BEGIN SELECT "
            "RAISE(ABORT, 'lot moves are append-only'); END;"
            "CREATE TRIGGER lot_moves_append_only_d BEFORE DELETE ON lot_moves BEGIN SELECT "
            "RAISE(ABORT, 'lot moves are append-only'); END;"
            "DROP TRIGGER ledger_moves_append_only; DROP TRIGGER ledger_append_only_u;"
            "ALTER TABLE ledger DROP COLUMN moves;"
            "CREATE TRIGGER ledger_append_only_u BEFORE UPDATE ON ledger BEGIN SELECT "
            "RAISE(ABORT, 'the ledger is append-only'); END;"
            "CREATE INDEX lot_moves_lot ON lot_moves(lot_id);"
            // What is left of each lot in its row, as version 13 and before kept it.
            "ALTER TABLE lots ADD COLUMN remaining INTEGER NOT NULL DEFAULT 0;"
            "ALTER TABLE lots ADD COLUMN spent INTEGER NOT NULL DEFAULT 0;"
            "UPDATE lots SET remaining = COALESCE((SELECT remaining FROM lots_left o WHERE o.id "
            "= lots.id), 0);"
            "UPDATE lots SET spent = remaining = 0; DROP TABLE lots_left;"
            "CREATE INDEX lots_open ON lots(member_id, expires_at, id) WHERE spent = 0;"
            // Lots numbered as version 8 did, in no relation to their entries.
            "DROP TRIGGER lot_moves_append_only_u;"
            "UPDATE lots SET id = 5000 - id / 1048576 * 16 - id % 1048576;"
            "UPDATE lot_moves SET lot_id = 5000 - lot_id / 1048576 * 16 - lot_id % 1048576;"
            "CREATE TRIGGER lot_moves_append_only_u BEFORE UPDATE ON lot_moves BEGIN SELECT "
            "RAISE(ABORT, 'lot moves are append-only'); END;"
            "CREATE INDEX lots_entry ON lots(entry_id);"
            "CREATE INDEX lots_expiry ON lots(expires_at) WHERE spent = 0;"
            // The report totals as version 7 kept them, with the ledger's time index.
            "DROP TRIGGER ledger_totals_i; DROP VIEW ledger_range_ends;"
            "ALTER TABLE ledger_totals DROP COLUMN first_id;"
            "ALTER TABLE ledger_totals DROP COLUMN last_id;"
            "CREATE TRIGGER ledger_totals_i AFTER INSERT ON ledger BEGIN INSERT INTO "
            "ledger_totals(quarter, branch, kind, points, entries) VALUES (NEW.created_at / "
            "900000, COALESCE(NEW.branch, ''), NEW.kind, NEW.points, 1) ON CONFLICT DO UPDATE "
            "SET points = points + excluded.points, entries = entries + 1; END;"
            "DROP INDEX ledger_adjusts; CREATE INDEX ledger_time ON ledger(created_at);"
            "DROP TABLE ledger_late; DROP TABLE ledger_open;"
            // Every campaign's totals kept, as version 21 and before kept them.
            "DROP TRIGGER programs_campaign_totals;"
            // A member's coupon uses by an index of the uses, as version 20 and before found
            // them.
            "DROP INDEX sales_member; CREATE INDEX sales_member ON sales(member_id, created_at) "
            "WHERE member_id IS NOT NULL; CREATE INDEX coupon_uses_campaign ON "
            "coupon_uses(campaign_id, member_id) WHERE restored_at = 0;"
            // A sale's entries and coupon uses by index, as version 14 and before found them.
            "ALTER TABLE sales DROP COLUMN entries_from; ALTER TABLE sales DROP COLUMN entries_to;"
            "ALTER TABLE sales DROP COLUMN uses_from; ALTER TABLE sales DROP COLUMN uses_to;"
            "CREATE INDEX ledger_sale ON ledger(sale_id) WHERE sale_id IS NOT NULL;"
            "CREATE INDEX coupon_uses_sale ON coupon_uses(sale_id);"
            // The sales by time in an index, as version 17 and before found them.
            "DROP TRIGGER sales_late_i; DROP TABLE sales_late;"
            "ALTER TABLE sales DROP COLUMN quarter_seen;"
            "CREATE INDEX sales_time ON sales(created_at);"
            "PRAGMA user_version = 8;");
    REQUIRE(raw_int(path, "SELECT MAX(id) FROM lots") < 5000);
    REQUIRE(raw_int(path, "SELECT COUNT(*) FROM lot_moves m JOIN lots l ON l.id = m.lot_id") == 1);
    REQUIRE(raw_int(path, "SELECT COUNT(*) FROM sale_lines") == 3);
    auto db = open(path);
    CHECK(raw_int(path, "PRAGMA user_version") == loyalty::storage::kSchemaVersion);
    // Schema 21: no index of the coupon uses by campaign; the member's sales carry their uses.
    CHECK(raw_int(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'coupon_uses_campaign'") ==
          0);
    // Schema 25: the open lots and the sales by member in one b-tree; the two sales have rows.
    CHECK(raw_int(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'sales_member'") == 0);
    CHECK(raw_int(path, "SELECT COUNT(*) FROM member_sales") == 2);
    // Schema 20: the journal keyed by origin and seq, with no index beside it (version 9 made it
    // a table in the order of writing with a unique (origin, seq)); the file's own origin, a
    // writer, has the top range, 2^21 + its id, and its records, all of them here, are at the
    // table's end.
    CHECK(raw_int(path,
                  "SELECT COUNT(*) FROM sqlite_master WHERE tbl_name = 'journal' AND type = "
                  "'index'") == 0);
    const std::int64_t records = raw_int(path, "SELECT COUNT(*) FROM journal");
    CHECK(records >= 3);
    CHECK(raw_int(path,
                  "SELECT COUNT(*) FROM journal WHERE id = (2097152 + origin) * 1099511627776 + "
                  "seq") == records);
    CHECK(raw_int(path, "SELECT journal_range FROM origins WHERE writer = 1") == 2097153);
    CHECK(raw_int(path, "SELECT MAX(id) FROM journal") ==
          loyalty::storage::journal_key(2097153, records));
    // Schema 19: each lot in its entry's row, [n, points, available_at, expires_at]; `lots` is a
    // view of them (the checks below read the lots through it, by the ids they had).
    CHECK(raw_int(path,
                  "SELECT COUNT(*) FROM sqlite_master WHERE name = 'lots' AND type = 'view'") == 1);
    CHECK(raw_int(path, "SELECT COUNT(*) FROM ledger WHERE lots IS NOT NULL") == 2);
    CHECK(raw_int(path,
                  "SELECT COUNT(*) FROM ledger e JOIN lots l ON l.entry_id = e.id WHERE e.lots = "
                  "'[[0,' || l.points || ',' || l.available_at || ',' || l.expires_at || ']]' AND "
                  "l.id = e.id * 1048576") == 2);
    // Schema 18: no index of the sales by time; each sale holds the latest quarter-hour so far,
    // its own for both (written in time), and none is listed late.
    CHECK(raw_int(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'sales_time'") == 0);
    CHECK(raw_int(path, "SELECT COUNT(*) FROM sales WHERE quarter_seen = created_at / 900000") ==
          2);
    CHECK(raw_int(path, "SELECT COUNT(*) FROM sales_late") == 0);
    // Schema 16: the second sale's redeem entry holds its one move (25 points of the first lot)
    // in its row; lot_moves is a view of the entries' moves.
    CHECK(raw_int(path,
                  "SELECT COUNT(*) FROM sqlite_master WHERE name = 'lot_moves' AND type = "
                  "'view'") == 1);
    CHECK(raw_int(path,
                  "SELECT COUNT(*) FROM ledger WHERE moves = '[[' || (SELECT MIN(id) FROM lots) "
                  "|| ',25]]' AND points = -25") == 1);
    CHECK(raw_int(path, "SELECT COUNT(*) FROM ledger WHERE moves IS NOT NULL") == 1);
    // Schema 15: no index of entries or coupon uses by sale; each sale names the range of ids of
    // its own entries (the first sale's earn; the second's redeem and earn).
    CHECK(raw_int(path,
                  "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('ledger_sale', "
                  "'coupon_uses_sale')") == 0);
    CHECK(raw_int(path,
                  "SELECT COUNT(*) FROM sales s WHERE entries_from = (SELECT MIN(id) FROM ledger l "
                  "WHERE l.sale_id = s.id) AND entries_to = (SELECT MAX(id) FROM ledger l WHERE "
                  "l.sale_id = s.id) AND uses_from IS NULL") == 2);
    CHECK(raw_int(path, "SELECT SUM(entries_to - entries_from + 1) FROM sales") == 3);
    // Schema 14: what is left of the open lots in a table of its own, keyed by member and lot;
    // the lots keep their facts alone.
    CHECK(raw_int(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'lots_open'") == 0);
    CHECK(raw_int(path,
                  "SELECT COUNT(*) FROM pragma_table_info('lots') WHERE name IN ('remaining', "
                  "'spent')") == 0);
    CHECK(raw_int(path,
                  "SELECT group_concat(name) = 'member_id,part,id' FROM (SELECT name FROM "
                  "pragma_index_info((SELECT name FROM pragma_index_list('member_index') "
                  "WHERE origin = 'pk')) ORDER BY seqno)") == 1);
    const std::int64_t open_lots = raw_int(path, "SELECT COUNT(*) FROM lots_left");
    CHECK(open_lots == raw_int(path, "SELECT COUNT(*) FROM lots"));  // none spent to nothing
    CHECK(raw_int(path,
                  "SELECT COUNT(*) FROM lots_left o JOIN lots l ON l.id = o.id AND l.member_id = "
                  "o.member_id AND l.expires_at = o.expires_at AND l.available_at = "
                  "o.available_at") == open_lots);
    CHECK(raw_int(path,
                  "SELECT MIN(l.points - o.remaining) FROM lots_left o JOIN lots l ON l.id "
                  "= o.id") == 0);
    CHECK(raw_int(path,
                  "SELECT MAX(l.points - o.remaining) FROM lots_left o JOIN lots l ON l.id "
                  "= o.id") == 25);
    // Schema 13: no index of the whole ledger by time; each quarter-hour's totals name the first
    // and last of its entries written in time, and the adjustments have an index of their own.
    CHECK(raw_int(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'ledger_time'") == 0);
    CHECK(raw_int(path,
                  "SELECT COUNT(*) FROM pragma_index_list('ledger') WHERE name = "
                  "'ledger_adjusts' AND partial = 1") == 1);
    // Both sales' entries were written in time: the totals name their ids, none is listed late
    // (verify, below, compares both with what the ledger gives).
    CHECK(raw_int(path, "SELECT COUNT(*) FROM ledger_totals") >= 2);
    CHECK(raw_int(path,
                  "SELECT COUNT(*) FROM ledger_totals WHERE first_id = 0 OR last_id = 0 OR "
                  "first_id > last_id") == 0);
    CHECK(raw_int(path, "SELECT COUNT(*) FROM ledger_late") == 0);
    const std::string at = " FROM sale_lines WHERE sale_id = " + std::to_string(sale);
    CHECK(raw_int(path, "SELECT COUNT(*)" + at) == 2);
    CHECK(raw_int(path, "SELECT group_concat(line_no) = '1,2' FROM (SELECT line_no" + at + ")") ==
          1);
    CHECK(raw_int(path, "SELECT points" + at + " AND line_no = 2") == 11);  // 40 as 29 + 11
    CHECK(raw_int(path,
                  "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('lot_moves_lot', "
                  "'lots_entry', 'lots_expiry')") == 0);
    // Each lot is keyed by its entry, and its moves followed it.
    CHECK(raw_int(path, "SELECT COUNT(*) FROM lots WHERE id / 1048576 <> entry_id") == 0);
    CHECK(raw_int(path, "SELECT SUM(m.points) FROM lot_moves m JOIN lots l ON l.id = m.lot_id") ==
          25);
    CHECK(db->verify().ok());
    CHECK(db->refund(sale, {{1, 1000}}, "R1").points_earned == 29);
    CHECK(db->verify().ok());
}
