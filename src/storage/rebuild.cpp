// loy_rebuild: the projections recomputed from the facts — each member's balance, lifetime
// earnings, wallet balance and tier, each lot's remainder, each sale's status and where its
// entries and coupon uses are and the latest quarter-hour of the sales up to it, each campaign's
// uses and discount, the report totals by quarter-hour, the lists of the entries and sales
// written late — in one transaction, after a repair or when loy_verify found a projection that
// disagrees with its facts.
#include "storage/campaign_totals.hpp"
#include "storage/impl.hpp"
#include "storage/ledger_totals.hpp"
#include "storage/lots_sql.hpp"
#include "storage/member_index.hpp"
#include "storage/sale_parts.hpp"
#include "storage/sales_time.hpp"

namespace loyalty {

namespace {

constexpr std::int64_t kind_of(EntryKind k) {
    return static_cast<std::int64_t>(k);
}

}  // namespace

std::int64_t Database::rebuild() {
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& c = impl_->c;
    Transaction t(c, true);
    std::int64_t changed = 0;
    // Lifetime earnings: a member's own earning entries (kEarningKinds, as add_entry counts them),
    // plus what each member merged into it had earned (merges in the order they were made, so a
    // chain of merges adds up).
    // Balances: the sum of each member's entries. Both from one pass over the ledger itself, not
    // through the member index, which this rebuilds too.
    std::unordered_map<std::int64_t, std::int64_t> lifetime, balance;
    static_assert(std::size(kEarningKinds) == 4, "the query below binds each earning kind");
    {
        auto q = c.query(
            "SELECT member_id, SUM(points), SUM(CASE WHEN kind IN (?, ?, ?, ?) THEN points ELSE 0 "
            "END) FROM ledger GROUP BY member_id",
            kind_of(kEarningKinds[0]), kind_of(kEarningKinds[1]), kind_of(kEarningKinds[2]),
            kind_of(kEarningKinds[3]));
        while (q.next()) {
            balance[q.i64(0)] = q.i64(1);
            lifetime[q.i64(0)] = q.i64(2);
        }
    }
    {
        auto q = c.query("SELECT survivor_id, absorbed_id FROM merges ORDER BY id");
        while (q.next())
            lifetime[q.i64(0)] += lifetime[q.i64(1)];
    }
    {
        auto q = c.query(
            "SELECT m.id, m.balance, m.lifetime_earned, m.wallet_balance, "
            "COALESCE((SELECT SUM(amount) FROM wallet_entries w WHERE w.member_id = m.id), 0) "
            "FROM members m");
        struct Fix {
            std::int64_t id, balance, lifetime, wallet;
        };
        std::vector<Fix> fixes;
        while (q.next()) {
            const auto it = lifetime.find(q.i64(0));
            const std::int64_t life = it == lifetime.end() ? 0 : it->second;
            const auto bt = balance.find(q.i64(0));
            const std::int64_t sum = bt == balance.end() ? 0 : bt->second;
            if (q.i64(1) != sum || q.i64(2) != life || q.i64(3) != q.i64(4))
                fixes.push_back({q.i64(0), sum, life, q.i64(4)});
        }
        for (const auto& f : fixes)
            c.query("UPDATE members SET balance=?, lifetime_earned=?, wallet_balance=? WHERE id=?",
                    f.balance, f.lifetime, f.wallet, f.id)
                .run();
        changed += static_cast<std::int64_t>(fixes.size());
    }
    // What is left of each open lot, as its moves leave it: written again when any row differs
    // (each lot whose row is missing, extra or different counts once).
    const std::int64_t lots_off =
        scalar(c.query("SELECT COUNT(DISTINCT id) FROM (SELECT id FROM (" LOY_LOTS_LEFT_OF_FACTS
                       " EXCEPT SELECT " LOY_LOTS_LEFT_COLUMNS
                       " FROM lots_left) UNION ALL SELECT id FROM (SELECT " LOY_LOTS_LEFT_COLUMNS
                       " FROM lots_left EXCEPT " LOY_LOTS_LEFT_OF_FACTS "))"));
    if (lots_off > 0) {
        c.run("DELETE FROM member_index WHERE part = 2");
        c.run("INSERT INTO member_index(part, " LOY_LOTS_LEFT_COLUMNS
              ") SELECT 2, * FROM (" LOY_LOTS_LEFT_OF_FACTS " ORDER BY 1, 2)");
        changed += lots_off;
    }
    // The member index's rows of the entries and of the sales, as the ledger and the sales give
    // them.
    const std::int64_t entries_off =
        scalar(c.query("SELECT COUNT(DISTINCT id) FROM (" LOY_MEMBER_ENTRIES_WRONG ")"));
    if (entries_off > 0) {
        c.run("DELETE FROM member_index WHERE part = 0");
        c.run(LOY_MEMBER_ENTRIES_WRITE);
        changed += entries_off;
    }
    const std::int64_t sales_off =
        scalar(c.query("SELECT COUNT(DISTINCT id) FROM (" LOY_MEMBER_SALES_WRONG ")"));
    if (sales_off > 0) {
        c.run("DELETE FROM member_index WHERE part = 1");
        c.run(LOY_MEMBER_SALES_WRITE);
        changed += sales_off;
    }
    // A table the facts give in whole, written again when any of its rows differs (`differences`
    // lists them, each once): the report totals by quarter-hour (with the ids of the entries
    // written in time), the late entries' list, the late sales' list.
    auto rewrite = [&](const char* differences, const char* table, const char* of_facts) {
        const std::int64_t off = scalar(c.query(differences));
        if (off == 0) return;
        c.run(c.intern(std::string("DELETE FROM ") + table));
        c.run(of_facts);
        changed += off;
    };
    // The totals are written to count every entry, the range they do not count yet then empty.
    {
        const std::int64_t off =
            scalar(c.query("SELECT COUNT(*) FROM (" LOY_LEDGER_TOTALS_DIFFERENCES ")")) +
            scalar(c.query(LOY_LEDGER_OPEN_WRONG));
        if (off > 0) {
            c.run("DELETE FROM ledger_totals");
            c.run("INSERT INTO ledger_totals(" LOY_LEDGER_TOTALS_COLUMNS
                  ") " LOY_LEDGER_TOTALS_OF_ENTRIES);
            c.run("DELETE FROM ledger_open");
            c.run(LOY_LEDGER_OPEN_OF_ENTRIES);
            changed += off;
        }
    }
    rewrite("SELECT COUNT(*) FROM (" LOY_LEDGER_LATE_DIFFERENCES ")", "ledger_late",
            "INSERT INTO ledger_late(created_at, id) " LOY_LEDGER_LATE_OF_ENTRIES);
    // Each sale's latest quarter-hour so far (schema version 18), where it differs.
    c.run(LOY_SALES_SEEN_REWRITE);
    changed += c.changes();
    rewrite("SELECT COUNT(*) FROM (" LOY_SALES_LATE_DIFFERENCES ")", "sales_late",
            "INSERT INTO sales_late(created_at, id) " LOY_SALES_LATE_OF_SALES);
    c.run(
        "UPDATE gift_cards SET balance = (SELECT COALESCE(SUM(amount), 0) FROM "
        "gift_card_activities a WHERE a.card_id = gift_cards.id) WHERE balance <> (SELECT "
        "COALESCE(SUM(amount), 0) FROM gift_card_activities a WHERE a.card_id = gift_cards.id)");
    changed += c.changes();
    // A campaign's totals where it has them, as its uses give them, and those of the campaigns a
    // stored programme limits that have none (storage/campaign_totals.hpp).
    c.run(
        "UPDATE campaign_totals SET uses = d.n, discount = d.s FROM "
        "(" LOY_CAMPAIGN_TOTALS_DIFFERENCES ") d WHERE campaign_totals.campaign_id = d.id");
    changed += c.changes();
    c.run(LOY_START_CAMPAIGN_TOTALS(LOY_ALL_PROGRAMMES_CAMPAIGNS));
    changed += c.changes();
    // A member's tier: the latest tier event's by its time, of two at the same time the later
    // written (as applying records decides it; members with no event keep theirs: a programme
    // without tiers, or a member the review has not reached).
    c.run(
        "UPDATE members SET tier = e.to_tier, tier_since = e.created_at FROM (SELECT member_id, "
        "to_tier, created_at FROM (SELECT member_id, to_tier, created_at, ROW_NUMBER() OVER "
        "(PARTITION BY member_id ORDER BY created_at DESC, id DESC) AS n FROM tier_events) "
        "WHERE n = 1) e WHERE e.member_id = members.id AND (members.tier <> e.to_tier OR "
        "members.tier_since <> e.created_at)");
    changed += c.changes();
    // A sale's status: voided, wholly refunded (every line returned), refunded in part, or not.
    c.run(
        "UPDATE sales SET status = s.status FROM (SELECT x.id, CASE "
        "WHEN EXISTS (SELECT 1 FROM refunds r WHERE r.sale_id = x.id AND r.kind = 2) THEN 3 "
        "WHEN NOT EXISTS (SELECT 1 FROM refunds r WHERE r.sale_id = x.id) THEN 0 "
        "WHEN NOT EXISTS (SELECT 1 FROM sale_lines l WHERE l.sale_id = x.id AND "
        "l.quantity_milli > COALESCE((SELECT SUM(rl.quantity_milli) FROM refund_lines rl JOIN "
        "refunds r ON r.id = rl.refund_id WHERE r.sale_id = l.sale_id AND rl.line_no = "
        "l.line_no), 0)) THEN 2 ELSE 1 END AS status FROM sales x) s WHERE s.id = sales.id AND "
        "s.status <> sales.status");
    changed += c.changes();
    // Where each sale's entries and coupon uses are (schema version 15).
    c.run(LOY_SALE_PARTS_REWRITE);
    changed += c.changes();
    t.commit();
    return changed;
}

}  // namespace loyalty
