// loy_verify: SQLite's integrity check and the ledger's own invariants, compared row by row;
// the journal's chain, every fact against its record, and every projection against a file
// rebuilt from the journal alone.
#include <map>
#include <utility>

#include "storage/campaign_totals.hpp"
#include "storage/impl.hpp"
#include "storage/journal_keys.hpp"
#include "storage/ledger_totals.hpp"
#include "storage/lots_sql.hpp"
#include "storage/member_index.hpp"
#include "storage/record_packing.hpp"
#include "storage/sale_parts.hpp"
#include "storage/sales_time.hpp"

namespace loyalty {

using storage::journal_key;
using storage::journal_last;

namespace {

// The projections of a file that a rebuild from its journal must reproduce, by fact id: each
// member's balance, lifetime earnings, wallet and status, each sale's status; and, when
// `in_order` (the file's facts were all learnt in their journal's order), each member's tier and
// what remains of every lot. (A campaign's totals are checked against its uses in the file:
// which campaigns have them follows the programmes the file holds, storage/campaign_totals.hpp.)
std::map<std::string, std::string> projections(Connection& c, bool in_order) {
    std::map<std::string, std::string> out;
    {
        auto q = c.query(
            "SELECT o.name || ':M' || COALESCE(m.origin_seq, m.id), m.balance, m.lifetime_earned, "
            "m.wallet_balance, m.status, m.tier FROM members m JOIN origins o ON o.id = m.origin");
        while (q.next())
            out[q.text(0)] = "balance " + std::to_string(q.i64(1)) + ", lifetime " +
                             std::to_string(q.i64(2)) + ", wallet " + std::to_string(q.i64(3)) +
                             ", status " + std::to_string(q.i64(4)) +
                             (in_order ? ", tier '" + q.text(5) + "'" : std::string());
    }
    {
        auto q = c.query(
            "SELECT o.name || ':S' || COALESCE(s.origin_seq, s.id), s.status FROM sales s JOIN "
            "origins o ON o.id = s.origin");
        while (q.next())
            out[q.text(0)] = "status " + std::to_string(q.i64(1));
    }
    if (in_order) {
        auto q = c.query(
            "SELECT o.name || ':L' || COALESCE(l.origin_seq, l.id), lt.points, "
            "COALESCE(lf.remaining, 0), lt.available_at, lt.expires_at FROM lots lt JOIN ledger l "
            "ON l.id = lt.entry_id JOIN origins o ON o.id = l.origin LEFT JOIN lots_left lf ON "
            "lf.member_id = lt.member_id AND lf.id = lt.id ORDER BY lt.id");
        while (q.next()) {
            std::string& lots = out["lots of " + q.text(0)];
            lots += (lots.empty() ? "" : "; ") + std::to_string(q.i64(2)) + " of " +
                    std::to_string(q.i64(1)) + " left, available " + std::to_string(q.i64(3)) +
                    ", expires " + std::to_string(q.i64(4));
        }
    }
    return out;
}

}  // namespace

// Rebuilds a scratch file (SQLite's private temporary database: deleted when closed, spilling to
// disk when large; kept by the handle between checks) from this file's journal alone, applying each
// origin's records in order (and the origins in whatever order their references allow), then
// compares every projection. A file that held facts before it had a journal (upgraded from schema
// 5) cannot be rebuilt so and is not compared; nor is a journal whose chain check_journal already
// found broken.
void Database::Impl::check_rebuilt(std::vector<std::string>& problems) {
    {
        auto q = c.query("SELECT 1 FROM meta WHERE key = 'facts_before_journal'");
        if (q.next()) return;
    }
    struct Cursor {
        std::int64_t origin;
        std::string name;
        std::int64_t seq;
    };
    std::vector<Cursor> origins;
    {
        auto q = c.query(
            "SELECT o.id, o.name FROM origins o WHERE EXISTS (SELECT 1 FROM journal j "
            "WHERE " LOY_JOURNAL_OF("j", "o.journal_range") ") ORDER BY o.id");
        while (q.next())
            origins.push_back({q.i64(0), q.text(1), 0});
    }
    // The handle keeps its rebuilt file between checks and applies only the records written
    // since, as long as every record it applied is still the live journal's (same hash at the
    // same seq); otherwise it starts again from nothing.
    if (rebuilt) {
        for (auto& o : origins) {
            auto q = rebuilt->c.query(
                "SELECT j.seq, j.hash FROM origins n JOIN journal j ON " LOY_JOURNAL_OF(
                    "j", "n.journal_range") " WHERE n.name = ? ORDER BY j.id DESC LIMIT 1",
                o.name);
            if (!q.next()) continue;
            auto live = c.query("SELECT hash FROM journal WHERE id=?",
                                journal_key(journal_range(o.origin), q.i64(0)));
            if (!live.next() || live.view(0) != q.view(1)) {
                rebuilt.reset();
                break;
            }
            o.seq = q.i64(0);
        }
        if (rebuilt) {
            const std::int64_t held = scalar(rebuilt->c.query("SELECT COUNT(*) FROM journal"));
            std::int64_t sum = 0;
            for (const auto& o : origins)
                sum += o.seq;
            if (held != sum) rebuilt.reset();  // it holds an origin the file no longer has
        }
        if (!rebuilt)
            for (auto& o : origins)
                o.seq = 0;
    }
    if (!rebuilt) {
        rebuilt = std::make_unique<Database::Impl>();
        rebuilt->opt = opt;
        rebuilt->c.open("", false, true);
        // Nothing to keep: no rollback journal beyond the transaction's, no syncs.
        rebuilt->c.exec("PRAGMA synchronous=OFF");
        rebuilt->c.exec("PRAGMA journal_mode=MEMORY");
        rebuilt->c.exec("PRAGMA temp_store=MEMORY");
        storage::prepare_schema(rebuilt->c, false, now());
    }
    Database::Impl& scratch = *rebuilt;
    scratch.fixed_clock = now();
    std::size_t done = 0;
    std::string stuck;
    for (bool progress = true; progress && done < origins.size();) {
        progress = false;
        for (auto& o : origins) {
            if (o.seq < 0) continue;  // all applied
            for (;;) {
                JournalRecord r;
                {
                    auto q = c.query(
                        "SELECT seq, kind, COALESCE(idem_key, ''), body, prev, hash, created_at "
                        "FROM journal WHERE id BETWEEN ? AND ? ORDER BY id LIMIT 1",
                        journal_key(journal_range(o.origin), o.seq + 1),
                        journal_last(journal_range(o.origin)));
                    if (!q.next()) {
                        o.seq = -1;
                        ++done;
                        break;
                    }
                    r = {o.name,
                         q.i64(0),
                         q.text(1),
                         q.text(2),
                         storage::unpack_record_body(q.view(3)),
                         q.text(4),
                         q.text(5),
                         q.i64(6)};
                }
                Transaction t(scratch.c, true);
                try {
                    scratch.apply_record(r);
                } catch (const Error& e) {
                    if (e.status() == Status::NoMemory || e.status() == Status::Io) throw;
                    stuck = e.what();
                    if (e.status() == Status::SyncGap) break;  // another origin first
                    problems.push_back("the journal cannot be replayed: " + stuck);
                    rebuilt.reset();
                    return;
                }
                scratch.landed_on_merged.clear();  // replayed: the head office's moves are records
                t.commit();
                o.seq = r.seq;
                progress = true;
            }
        }
    }
    if (done < origins.size()) {
        problems.push_back("the journal cannot be replayed: " + stuck);
        rebuilt.reset();
        return;
    }
    // One origin: the file learnt its facts in that origin's order, as the rebuild did.
    const bool in_order = origins.size() == 1;
    const auto live = projections(c, in_order);
    const auto from_journal = projections(scratch.c, in_order);
    for (const auto& [id, is] : live) {
        auto it = from_journal.find(id);
        if (it == from_journal.end()) {
            if (id.rfind("lots of ", 0) == 0)
                problems.push_back(id + ": " + is + ", but the journal gives none");
            continue;  // a fact without a record: check_facts names it
        }
        if (it->second != is)
            problems.push_back(id + ": " + is + ", but the journal gives " + it->second);
    }
    for (const auto& [id, was] : from_journal)
        if (!live.count(id))
            problems.push_back(id + ": the journal gives " + was + ", but the file has none");
}

VerifyReport Database::verify() {
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    Transaction t(d.c, false);
    VerifyReport rep;
    auto add = [&](const std::string& s) {
        if (rep.problems.size() < 1000) rep.problems.push_back(s);
    };
    {
        // The sums from one pass over the ledger itself, not through the member index (checked
        // below).
        auto q = d.c.query(
            "SELECT m.id, m.balance, COALESCE(l.s, 0) AS s FROM members m LEFT JOIN (SELECT "
            "member_id, SUM(points) AS s FROM ledger GROUP BY member_id) l ON l.member_id = m.id "
            "WHERE m.balance <> COALESCE(l.s, 0)");
        while (q.next())
            add("member " + std::to_string(q.i64(0)) + ": balance " + std::to_string(q.i64(1)) +
                " but ledger sums to " + std::to_string(q.i64(2)));
    }
    {
        // What lots_left holds of each lot (nothing: spent) against what its moves leave.
        // One pass over the lots (a view of the entries' rows, which no key finds by lot id).
        auto q = d.c.query(
            "SELECT id, left, r FROM (SELECT l.id, COALESCE(o.remaining, 0) AS left, l.points - "
            "COALESCE(m.points, 0) AS r, l.points, o.remaining, o.expires_at <> l.expires_at OR "
            "o.available_at <> l.available_at AS moved_dates FROM lots l LEFT JOIN (SELECT lot_id, "
            "SUM(points) AS points FROM lot_moves GROUP BY lot_id) m ON m.lot_id = l.id LEFT JOIN "
            "lots_left o ON o.member_id = l.member_id AND o.id = l.id) WHERE left <> r OR r < 0 OR "
            "r > points OR remaining <= 0 OR moved_dates");
        while (q.next())
            add("lot " + std::to_string(q.i64(0)) + ": remaining " + std::to_string(q.i64(1)) +
                " but its moves leave " + std::to_string(q.i64(2)) +
                " (or its open row is empty, or its dates differ from the lot's)");
    }
    {
        // Each open lot's own row, read from its entry's (storage/lots_sql.hpp).
        auto q = d.c.query(
            "SELECT o.id, o.member_id FROM lots_left o LEFT JOIN ledger e ON e.id = "
            LOY_ENTRY_OF_LOT("o.id") " WHERE e.id IS NULL OR e.member_id <> o.member_id OR NOT "
            "EXISTS (SELECT 1 FROM json_each(e.lots) j WHERE json_extract(j.value, '$[0]') = "
            "o.id % " LOY_SQL_NUMBER(LOY_LOTS_PER_ENTRY) ")");
        while (q.next())
            add("open lot " + std::to_string(q.i64(0)) + " of member " + std::to_string(q.i64(1)) +
                ": no such lot of that member");
    }
    {
        // What an entry's row holds of its lots (storage/lots_sql.hpp): lots of a positive entry
        // alone, each [n, points, available_at, expires_at] with a place of its own, points above
        // zero and at most the entry's.
        auto q = d.c.query(
            "SELECT e.id, e.lots FROM ledger e WHERE e.lots IS NOT NULL AND (NOT json_valid(e.lots) "
            "OR e.points <= 0 OR (SELECT COUNT(*) FROM json_each(e.lots) j WHERE json_type(j.value) "
            "<> 'array' OR json_array_length(j.value) <> 4 OR json_type(j.value, '$[0]') <> "
            "'integer' OR json_extract(j.value, '$[0]') NOT BETWEEN 0 AND " LOY_SQL_NUMBER(
                LOY_LOTS_PER_ENTRY) " - 1 OR json_type(j.value, '$[1]') <> 'integer' OR "
            "json_extract(j.value, '$[1]') <= 0 OR json_type(j.value, '$[2]') <> 'integer' OR "
            "json_type(j.value, '$[3]') <> 'integer') > 0 OR (SELECT COUNT(DISTINCT "
            "json_extract(j.value, '$[0]')) FROM json_each(e.lots) j) <> json_array_length(e.lots) "
            "OR (SELECT SUM(json_extract(j.value, '$[1]')) FROM json_each(e.lots) j) > e.points)");
        while (q.next())
            add("entry " + std::to_string(q.i64(0)) + ": its lots " + q.text(1) +
                " are not lots it can have opened");
    }
    {
        // Each member's sale in the member index as the sale gives it (storage/member_index.hpp):
        // a row missing, extra, or with another member, time or range of coupon uses.
        auto q = d.c.query("SELECT DISTINCT id FROM (" LOY_MEMBER_SALES_WRONG ") ORDER BY 1");
        while (q.next())
            add("sale " + std::to_string(q.i64(0)) +
                ": its row in the member index is not the sale's member, time and coupon uses");
    }
    {
        // Each ledger entry's row in the member index: missing, of another member, or of none.
        auto q = d.c.query("SELECT DISTINCT id FROM (" LOY_MEMBER_ENTRIES_WRONG ") ORDER BY 1");
        while (q.next())
            add("entry " + std::to_string(q.i64(0)) +
                ": its row in the member index is missing or not its member's");
    }
    {
        auto q = d.c.query(
            "SELECT m.id, m.balance, COALESCE((SELECT SUM(remaining) FROM lots_left l WHERE "
            "l.member_id "
            "= "
            "m.id), 0) AS r FROM members m WHERE r <> MAX(m.balance, 0)");
        while (q.next())
            add("member " + std::to_string(q.i64(0)) + ": balance " + std::to_string(q.i64(1)) +
                " but open lots hold " + std::to_string(q.i64(2)));
    }
    {
        // Every entry that consumed lots consumed exactly what it took (debt aside).
        auto q = d.c.query(
            "SELECT l.id, l.points, COALESCE((SELECT SUM(points) FROM lot_moves m WHERE m.entry_id "
            "= "
            "l.id), 0) AS s FROM ledger l WHERE l.points < 0 AND s > -l.points");
        while (q.next())
            add("entry " + std::to_string(q.i64(0)) + ": takes " + std::to_string(-q.i64(1)) +
                " points but consumed " + std::to_string(q.i64(2)) + " from lots");
    }
    {
        // The report totals by quarter-hour against the entries they add up.
        auto q = d.c.query(LOY_LEDGER_TOTALS_DIFFERENCES " ORDER BY 2, 3, 4, 1");
        while (q.next())
            add(std::string(q.text(0) == "t" ? "report totals" : "the entries") + " of quarter " +
                std::to_string(q.i64(1)) + ", branch '" + q.text(2) + "', kind " +
                std::to_string(q.i64(3)) + ": " + std::to_string(q.i64(4)) + " points in " +
                std::to_string(q.i64(5)) + " entries, ids " + std::to_string(q.i64(6)) + " to " +
                std::to_string(q.i64(7)) +
                (q.text(0) == "t" ? ", which the entries do not give" : ", not in the totals"));
    }
    if (scalar(d.c.query(LOY_LEDGER_OPEN_WRONG)) != 0)
        add("the newest quarter-hour's entries that the report totals do not count yet "
            "(ledger_open) are not as the ledger gives them");
    // The entries and the sales written late, each listed by time for the reports.
    for (const auto& [what, sql] :
         {std::pair{"entry ", LOY_LEDGER_LATE_DIFFERENCES " ORDER BY 3, 1"},
          std::pair{"sale ", LOY_SALES_LATE_DIFFERENCES " ORDER BY 3, 1"}}) {
        auto q = d.c.query(sql);
        while (q.next())
            add(what + std::to_string(q.i64(2)) + " (time " + std::to_string(q.i64(1)) + ")" +
                (q.text(0) == "t" ? " is listed as written late, which it was not"
                                  : " was written late but is not listed as such"));
    }
    {
        // Each sale's latest quarter-hour so far, by which the reports find a time's sales.
        auto q = d.c.query(LOY_SALES_SEEN_DIFFERENCES " ORDER BY 1");
        while (q.next())
            add("sale " + std::to_string(q.i64(0)) + ": holds quarter-hour " +
                std::to_string(q.i64(1)) + " as the latest so far, but the sales give " +
                std::to_string(q.i64(2)));
    }
    {
        // Each sale's ranges of entries and coupon uses, against the rows that name the sale.
        auto q = d.c.query(LOY_SALE_PARTS_DIFFERENCES " ORDER BY 1");
        while (q.next())
            add("sale " + std::to_string(q.i64(0)) + ": entries and coupon uses " + q.text(1) +
                ", but its rows give " + q.text(2));
    }
    {
        auto w = d.c.query(
            "SELECT m.id, m.wallet_balance, COALESCE((SELECT SUM(amount) FROM wallet_entries e "
            "WHERE "
            "e.member_id = m.id), 0) AS s FROM members m WHERE m.wallet_balance <> s");
        while (w.next())
            add("member " + std::to_string(w.i64(0)) + ": wallet " + std::to_string(w.i64(1)) +
                " but the wallet ledger sums to " + std::to_string(w.i64(2)));
    }
    {
        // A campaign's totals against its uses, and none missing for a campaign a stored
        // programme limits (storage/campaign_totals.hpp).
        auto q = d.c.query(LOY_CAMPAIGN_TOTALS_DIFFERENCES);
        while (q.next())
            add("campaign " + q.text(0) + ": uses " + std::to_string(q.i64(1)) + ", discount " +
                std::to_string(q.i64(2)) + ", but its uses give uses " + std::to_string(q.i64(3)) +
                ", discount " + std::to_string(q.i64(4)));
        auto m = d.c.query(LOY_UNTRACKED_LIMITED_CAMPAIGNS(LOY_ALL_PROGRAMMES_CAMPAIGNS));
        while (m.next())
            add("campaign " + m.text(0) + ": a programme limits it, but it has no totals");
    }
    {
        auto g = d.c.query(
            "SELECT g.code, g.balance, COALESCE((SELECT SUM(amount) FROM gift_card_activities a "
            "WHERE a.card_id = g.id), 0) AS s FROM gift_cards g WHERE g.balance <> s OR g.balance "
            "< 0");
        while (g.next())
            add("gift card " + g.text(0) + ": balance " + std::to_string(g.i64(1)) +
                " but its activities sum to " + std::to_string(g.i64(2)));
    }
    {
        auto q = d.c.query(
            "SELECT key FROM requests WHERE status = 0 AND op = 'sale' AND result_id "
            "NOT IN (SELECT id FROM sales)");
        while (q.next())
            add("request '" + q.text(0) + "' points at a missing sale");
    }
    {
        std::vector<std::string> problems;
        d.check_journal(problems);
        d.check_facts(problems);
        if (problems.empty()) d.check_rebuilt(problems);
        for (const auto& p : problems)
            add(p);
    }
    {
        auto q = d.c.query("PRAGMA integrity_check");
        while (q.next())
            if (q.text(0) != "ok") add("integrity: " + q.text(0));
    }
    return rep;
}

}  // namespace loyalty
