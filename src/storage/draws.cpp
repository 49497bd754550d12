// Prize draws: entries (by points or by sale), the entry list and a seeded, replayable run.
#include "storage/impl.hpp"
#include "storage/report_kit.hpp"
#include "storage/sales_time.hpp"

namespace loyalty {

using report_kit::cell;

namespace {

// SplitMix64: a small, well-known generator, so anyone can recompute a draw from its seed.
struct SplitMix64 {
    std::uint64_t state;
    std::uint64_t next() {
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    // Uniform in [0, n) by rejection (no modulo bias).
    std::uint64_t below(std::uint64_t n) {
        const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
        for (;;) {
            std::uint64_t x = next();
            if (x < limit) return x % n;
        }
    }
};

}  // namespace

// The entry list: entries earned by purchases in the draw period plus entries bought with
// points, per member, in member id order. Tickets are numbered 1..N along that order.
Table draw_entry_list(Database::Impl& d, const Draw& dr) {
    Table out;
    out.columns = {"member",         "purchases", "purchase_entries",
                   "bought_entries", "entries",   "first_ticket"};
    const storage::SaleIds ids = storage::sales_in_time(d.c, dr.from_ms, dr.to_ms);
    auto q = d.c.query(
        "WITH s AS (SELECT member_id, COUNT(*) AS n, SUM(CASE WHEN ?3 > 0 THEN total / ?3 ELSE 0 "
        "END) AS "
        "by_amount FROM sales WHERE " LOY_SALES_BETWEEN("1", "2", "6", "7")
        " AND member_id IS NOT NULL AND status IN (0, 1) AND created_at >= ?1 AND "
        "created_at < ?2 GROUP BY member_id), "
        "b AS (SELECT member_id, SUM(entries) AS e FROM draw_tickets WHERE draw_id = ?4 GROUP BY "
        "member_id) "
        "SELECT m.id, COALESCE(s.n, 0), COALESCE(s.n, 0) * ?5 + COALESCE(s.by_amount, 0), "
        "COALESCE(b.e, 0) "
        "FROM members m LEFT JOIN s ON s.member_id = m.id LEFT JOIN b ON b.member_id = m.id "
        "WHERE (s.member_id IS NOT NULL OR b.member_id IS NOT NULL) ORDER BY m.id",
        dr.from_ms, dr.to_ms, dr.per_amount, dr.id, dr.per_purchase, ids.lo, ids.hi);
    std::int64_t ticket = 1;
    while (q.next()) {
        std::int64_t entries = q.i64(2) + q.i64(3);
        if (entries <= 0) continue;
        out.rows.push_back({cell(q.i64(0)), cell(q.i64(1)), cell(q.i64(2)), cell(q.i64(3)),
                            cell(entries), cell(ticket)});
        ticket += entries;
    }
    return out;
}

std::int64_t Database::draw_enter(const std::string& draw_id, std::int64_t member_id,
                                  std::int64_t entries, const std::string& key) {
    check_key(key);
    text::check_field("draw", draw_id, kMaxShort);
    if (entries < 1 || entries > 100000)
        throw Error(Status::InvalidAmount, "entries must be 1 to 100,000");
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    const std::string req = canonical("draw", draw_id, "member", member_id, "entries", entries);
    auto out = d.idempotent(key, "draw_enter", req, [&] {
        const Program& p = d.active_program();
        const Draw* dr = p.draw(draw_id);
        if (!dr) throw Error(Status::NotFound, "the programme has no draw '" + draw_id + "'");
        if (dr->points_per_entry == 0)
            throw Error(Status::InvalidState,
                        "entries in '" + dr->name + "' cannot be bought with points");
        const std::int64_t t = d.now();
        if (t < dr->from_ms || t >= dr->to_ms)
            throw Error(Status::InvalidState, "the draw is not open now");
        std::int64_t member = d.active_owner(member_id);
        const std::int64_t points = checked_mul(dr->points_per_entry, entries);
        Impl::EntryContext ctx;
        ctx.reason = "draw:" + dr->id;
        std::int64_t entry = d.debit_spend(EntryKind::Redeem, d.account_of(member), points, ctx);
        d.c.query(
               "INSERT INTO draw_tickets(draw_id, member_id, entries, entry_id, created_at) VALUES "
               "(?,?,?,?,?)",
               dr->id, member, entries, entry, t)
            .run();
        return std::pair<std::int64_t, std::int64_t>(entry, points);
    });
    return out.value;
}

Table Database::draw_entries(const std::string& draw_id) {
    text::check_field("draw", draw_id, kMaxShort);
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    Transaction t(d.c, false);
    const Draw* dr = d.active_program().draw(draw_id);
    if (!dr) throw Error(Status::NotFound, "the programme has no draw '" + draw_id + "'");
    return draw_entry_list(d, *dr);
}

Table Database::draw_run(const std::string& draw_id, const std::string& seed, std::int64_t winners,
                         const std::string& key) {
    impl_->not_on_a_till("a prize draw");
    check_key(key);
    text::check_field("draw", draw_id, kMaxShort);
    text::check_field("seed", seed, kMaxText);
    if (seed.empty()) throw Error(Status::InvalidArgument, "a draw needs a published seed");
    if (winners < 1 || winners > 10000)
        throw Error(Status::InvalidAmount, "winners must be 1 to 10,000");
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    const std::string req = canonical("draw", draw_id, "seed", seed, "winners", winners);
    return d.idempotent(
        key, "draw_run", req,
        [&] {
            const Program& p = d.active_program();
            const Draw* dr = p.draw(draw_id);
            if (!dr) throw Error(Status::NotFound, "the programme has no draw '" + draw_id + "'");
            if (d.now() < dr->to_ms)
                throw Error(Status::InvalidState, "the draw's entries are still open");
            if (scalar(d.c.query("SELECT COUNT(*) FROM draw_results WHERE draw_id=?", dr->id)) > 0)
                throw Error(Status::InvalidState,
                            "the draw '" + dr->name + "' has been run already");
            Table entries = draw_entry_list(d, *dr);
            std::int64_t total = 0;
            for (const auto& row : entries.rows)
                total += row[4].number;
            if (total == 0) throw Error(Status::InvalidState, "the draw has no entries");
            SplitMix64 rng{text::fnv1a64(seed)};
            std::vector<std::int64_t> won;
            for (std::int64_t rank = 1;
                 rank <= winners && static_cast<std::size_t>(won.size()) < entries.rows.size();) {
                const std::int64_t ticket =
                    static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(total))) + 1;
                // The row whose ticket range holds this ticket.
                std::size_t k = 0;
                while (k + 1 < entries.rows.size() && entries.rows[k + 1][5].number <= ticket)
                    ++k;
                const std::int64_t member = entries.rows[k][0].number;
                if (std::find(won.begin(), won.end(), member) != won.end())
                    continue;  // one prize each
                won.push_back(member);
                d.c.query(
                       "INSERT INTO draw_winners(draw_id, rank, member_id, ticket) VALUES "
                       "(?,?,?,?)",
                       dr->id, rank, member, ticket)
                    .run();
                ++rank;
            }
            d.c.query(
                   "INSERT INTO draw_results(draw_id, seed, total_entries, created_at) VALUES "
                   "(?,?,?,?)",
                   dr->id, seed, total, d.now())
                .run();
            return std::pair<std::int64_t, std::int64_t>(0, 0);
        },
        [&](const Impl::Outcome&) {
            Table out;
            out.columns = {"rank", "member", "ticket", "seed", "total_entries"};
            auto q = d.c.query(
                "SELECT w.rank, w.member_id, w.ticket, r.seed, r.total_entries FROM draw_winners w "
                "JOIN "
                "draw_results r ON r.draw_id = w.draw_id WHERE w.draw_id=? ORDER BY w.rank",
                draw_id);
            while (q.next())
                out.rows.push_back({cell(q.i64(0)), cell(q.i64(1)), cell(q.i64(2)), cell(q.text(3)),
                                    cell(q.i64(4))});
            return out;
        });
}

}  // namespace loyalty
