// loy_verify: SQLite's integrity check and the ledger's own invariants, compared row by row.
#include "storage/impl.hpp"

namespace loyalty {

VerifyReport Database::verify() {
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    Transaction t(d.c, false);
    VerifyReport rep;
    auto add = [&](const std::string& s) {
        if (rep.problems.size() < 1000) rep.problems.push_back(s);
    };
    {
        auto q = d.c.query(
            "SELECT m.id, m.balance, COALESCE((SELECT SUM(points) FROM ledger l WHERE l.member_id "
            "= "
            "m.id), 0) AS s FROM members m WHERE m.balance <> s");
        while (q.next())
            add("member " + std::to_string(q.i64(0)) + ": balance " + std::to_string(q.i64(1)) +
                " but ledger sums to " + std::to_string(q.i64(2)));
    }
    {
        auto q = d.c.query(
            "SELECT l.id, l.remaining, l.points - COALESCE((SELECT SUM(points) FROM lot_moves m "
            "WHERE m.lot_id = l.id), 0) AS r FROM lots l WHERE l.remaining <> r OR l.remaining < 0 "
            "OR l.remaining > l.points");
        while (q.next())
            add("lot " + std::to_string(q.i64(0)) + ": remaining " + std::to_string(q.i64(1)) +
                " but its moves leave " + std::to_string(q.i64(2)));
    }
    {
        auto q = d.c.query(
            "SELECT m.id, m.balance, COALESCE((SELECT SUM(remaining) FROM lots l WHERE l.member_id "
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
        auto w = d.c.query(
            "SELECT m.id, m.wallet_balance, COALESCE((SELECT SUM(amount) FROM wallet_entries e "
            "WHERE "
            "e.member_id = m.id), 0) AS s FROM members m WHERE m.wallet_balance <> s");
        while (w.next())
            add("member " + std::to_string(w.i64(0)) + ": wallet " + std::to_string(w.i64(1)) +
                " but the wallet ledger sums to " + std::to_string(w.i64(2)));
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
