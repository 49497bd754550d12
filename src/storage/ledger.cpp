// The points ledger and its lots: entries, lots and their consumption (which lots a spend,
// a reversal or an expiry takes), manual adjustments, events, history and what is expiring.
#include "storage/impl.hpp"
#include "storage/member_index.hpp"
#include "storage/ledger_totals.hpp"
#include "storage/lots_sql.hpp"

namespace loyalty {

static_assert(static_cast<int>(EntryKind::Adjust) == 4, "LOY_ADJUSTMENTS names kind 4");

// Available (spendable now, less the points open holds reserve) and pending points.
std::pair<std::int64_t, std::int64_t> Database::Impl::spendable(std::int64_t member_id,
                                                                std::int64_t* until) {
    std::int64_t t = now();
    auto q = c.query(
        "SELECT COALESCE(SUM(CASE WHEN available_at <= ?2 THEN remaining END), 0), "
        "COALESCE(SUM(CASE WHEN available_at > ?2 THEN remaining END), 0), "
        "MIN(CASE WHEN available_at > ?2 THEN available_at END), MIN(expires_at) "
        "FROM lots_left WHERE member_id = ?1 AND expires_at > ?2",
        member_id, t);
    q.next();
    const std::int64_t available = q.i64(0), pending = q.i64(1);
    if (until) {  // the aggregates are NULL over no lot (and SQL's min(x, NULL) is NULL)
        *until = INT64_MAX;
        for (int col : {2, 3})
            if (!q.is_null(col)) *until = std::min(*until, q.i64(col));
        if (any_open_hold()) *until = t;
    }
    return {std::max<std::int64_t>(0, available - held(member_id, 0, t)), pending};
}

// Points (asset 0) or wallet money (asset 1) reserved by the member's open holds that have not
// timed out (a hold left behind by a crash ends by itself at its expiry).
std::int64_t Database::Impl::held(std::int64_t member_id, std::int64_t asset, std::int64_t t) {
    if (!any_open_hold()) return 0;
    return scalar(c.query(
        "SELECT COALESCE(SUM(amount), 0) FROM holds WHERE member_id=? AND asset=? AND status=0 "
        "AND expires_at > ?",
        member_id, asset, t));
}

// Whether the file holds any open hold (points or wallet): most never do, and a checkout reads
// the member's holds several times. One look until another connection commits; writing a hold
// here forgets it.
bool Database::Impl::any_open_hold() {
    if (!c.unchanged_since(open_holds_epoch)) {
        open_holds = c.query("SELECT 1 FROM holds WHERE status = 0 LIMIT 1").next();
        open_holds_epoch = c.epoch();
    }
    return open_holds;
}

std::int64_t Database::Impl::balance_of(std::int64_t member_id) {
    auto q = c.query("SELECT balance FROM members WHERE id=?", member_id);
    if (!q.next()) throw Error(Status::NotFound, "no member with id " + std::to_string(member_id));
    return q.i64(0);
}

// What kind of earning an entry is, for tier scores: purchase, birthday, event:<action>,
// adjust, merge; a reversal inherits the source of the entry it corrects.
std::string Database::Impl::source_of(EntryKind kind, const EntryContext& ctx) {
    switch (kind) {
        case EntryKind::Earn:
            return "purchase";
        case EntryKind::Bonus:
            if (ctx.reason.rfind("birthday:", 0) == 0) return "birthday";
            if (ctx.reason.rfind("referral", 0) == 0) return "referral";
            return "purchase";
        case EntryKind::Event:
            return "event:" + ctx.reason;
        case EntryKind::Adjust:
            return "adjust";
        case EntryKind::MergeIn:
            return "merge";
        case EntryKind::TransferIn:
            return "transfer";
        case EntryKind::ReverseEarn: {
            if (!ctx.corrects) return "";
            auto q = c.query("SELECT source FROM ledger WHERE id=?", ctx.corrects);
            return q.next() ? q.text(0) : std::string();
        }
        default:
            return "";
    }
}

std::int64_t Database::Impl::add_entry(EntryKind kind, std::int64_t member, std::int64_t points,
                                       const EntryContext& ctx, const std::string& lots,
                                       const std::vector<Take>& takes) {
    c.query(
         "INSERT INTO ledger(origin, member_id, kind, points, sale_id, refund_id, corrects, "
         "reason, operator, branch, terminal, program_version, created_at, source, approver, "
         "lots, moves) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
         origin_id, member, static_cast<std::int64_t>(kind), points, NullIfZero{ctx.sale_id},
         NullIfZero{ctx.refund_id}, NullIfZero{ctx.corrects}, NullIfEmpty{ctx.reason},
         NullIfEmpty{ctx.operator_id}, NullIfEmpty{ctx.branch}, NullIfEmpty{ctx.terminal},
         std::max<std::int64_t>(program_version, 0), now(), NullIfEmpty{source_of(kind, ctx)},
         NullIfEmpty{ctx.approver}, NullIfEmpty{lots},
         NullIfEmpty{takes.empty() ? std::string() : pack_moves(takes)})
        .run();
    std::int64_t id = c.last_id();
    if (ctx.sale_id && !ctx.refund_id) note_sale_entry(ctx.sale_id, id);
    const bool earned = is_earning(kind);
    c.query(
         "UPDATE members SET balance = balance + ?, lifetime_earned = lifetime_earned + ? "
         "WHERE id=?",
         points, earned ? points : 0, member)
        .run();
    return id;
}

// Adds a lot for a positive entry; if the member was in debt (negative balance before the
// entry), the debt is repaid from the new lot first. What the lot is goes in its entry's row
// (storage/packed_lots.hpp), on the page the entry was written to, unless the entry was
// written with it (`in_row`, as credit writes its one lot).
void Database::Impl::add_lot(std::int64_t member, std::int64_t entry, std::int64_t points,
                             std::int64_t balance_before, std::int64_t available_at,
                             std::int64_t expires_at, std::int64_t nth, bool in_row) {
    if (nth < 0 || nth >= storage::kLotsPerEntry)
        throw Error(Status::CapReached,
                    "one entry opens at most " + std::to_string(storage::kLotsPerEntry) + " lots");
    if (entry <= 0 || entry > INT64_MAX / storage::kLotsPerEntry - 1)
        throw Error(Status::Internal, "entry " + std::to_string(entry) + " cannot key its lots");
    const std::int64_t id = entry * storage::kLotsPerEntry + nth;
    std::int64_t repay = balance_before < 0 ? std::min(points, -balance_before) : 0;
    if (!in_row) {
        c.query(LOY_LOTS_APPEND, entry, storage::pack_lot({nth, points, available_at, expires_at}),
                nth)
            .run();
        if (c.changes() != 1)
            throw Error(Status::Internal, "entry " + std::to_string(entry) +
                                              " is not here or already opened lot " +
                                              std::to_string(nth));
    }
    if (repay < points)
        c.query(
             "INSERT INTO member_index(member_id, part, id, expires_at, available_at, remaining) "
             "VALUES (?, 2, ?, ?, ?, ?)",
             member, id, expires_at, available_at, points - repay)
            .run();
    if (repay > 0) add_moves(entry, {{id, repay}});
}

// Appends `takes` to the moves packed in `entry`'s row (storage/lots_sql.hpp), as the text of
// one JSON array of [lot, points] pairs: one statement, on the page the entry was written to.
void Database::Impl::add_moves(std::int64_t entry, const std::vector<Take>& takes) {
    if (!takes.empty()) c.query(LOY_LOT_MOVES_APPEND, entry, pack_moves(takes)).run();
}

// `takes` as ledger.moves holds them: [[lot,points],...].
std::string Database::Impl::pack_moves(const std::vector<Take>& takes) {
    std::string moves = "[";
    for (const auto& k : takes) {
        if (moves.size() > 1) moves += ',';
        moves += '[' + std::to_string(k.lot) + ',' + std::to_string(k.points) + ']';
    }
    return moves += ']';
}

// Credits `points` (> 0) to a member as a new entry with a lot.
std::int64_t Database::Impl::credit(EntryKind kind, std::int64_t member, std::int64_t points,
                                    const EntryContext& ctx, std::int64_t available_at,
                                    std::int64_t expires_at) {
    std::int64_t before = balance_of(member);
    std::int64_t entry =
        add_entry(kind, member, points, ctx,
                  "[" + storage::pack_lot({0, points, available_at, expires_at}) + "]");
    add_lot(member, entry, points, before, available_at, expires_at, 0, true);
    return entry;
}

// Plans taking up to `want` points from a member's open lots (the pure lots::plan: lots of
// `prefer_entry` first, then soonest-expiring first; `spendable_only` limits to available,
// unexpired lots) at time `at` (0: now). Only the member's own: a debit of one member's balance
// never takes another's lots, whoever holds `prefer_entry`'s.
std::vector<Database::Impl::Take> Database::Impl::plan(std::int64_t member, std::int64_t want,
                                                       bool spendable_only,
                                                       std::int64_t prefer_entry, std::int64_t at) {
    if (want <= 0) return {};
    const std::int64_t t = at ? at : now();
    std::vector<lots::Lot> open;
    // Two look-ups, each on its own index: the reversed entry's lots, the member's unexpired ones.
    if (prefer_entry) {
        auto q = c.query(
            "SELECT id, ?1, remaining, available_at, expires_at FROM lots_left WHERE member_id = "
            "?2 AND " LOY_LOT_IDS_OF_ENTRY("id", "?1"),
            prefer_entry, member);
        while (q.next())
            open.push_back({q.i64(0), q.i64(1), q.i64(2), q.i64(3), q.i64(4)});
    }
    // The entry named by the lot's id: the member's open lots are read from lots_left alone.
    auto q = c.query("SELECT id, " LOY_LOT_ENTRY
                     ", remaining, available_at, expires_at FROM lots_left WHERE member_id=? AND "
                     "expires_at > ?",
                     member, t);
    while (q.next())
        if (q.i64(1) != prefer_entry || prefer_entry == 0)
            open.push_back({q.i64(0), q.i64(1), q.i64(2), q.i64(3), q.i64(4)});
    return lots::plan(std::move(open), want, t, spendable_only, prefer_entry);
}

void Database::Impl::apply(std::int64_t entry, const std::vector<Take>& p, std::int64_t member) {
    add_moves(entry, p);
    take_lots(p, member);
}

void Database::Impl::take_lots(const std::vector<Take>& p, std::int64_t member) {
    for (const auto& k : p) {
        // The lot's row in the member's part of the member index (where the sale's entries, new
        // lot and sale go too): its points less those taken, or the row gone when nothing is
        // left.
        c.query(
             "UPDATE member_index SET remaining = remaining - ?1 WHERE member_id = ?3 AND part = 2 "
             "AND id = ?2 AND remaining > ?1",
             k.points, k.lot, member)
            .run();
        if (c.changes() == 0)
            c.query("DELETE FROM member_index WHERE member_id = ?2 AND part = 2 AND id = ?1", k.lot,
                    member)
                .run();
    }
}

std::vector<Database::Impl::Take> Database::Impl::due_lots(std::int64_t member, std::int64_t at) {
    std::vector<Take> out;
    auto q = c.query(
        "SELECT id, remaining FROM lots_left WHERE member_id=? AND expires_at <= ? "
        "ORDER BY expires_at, id",
        member, at);
    while (q.next())
        out.push_back({q.i64(0), q.i64(1)});
    return out;
}

// One entry a member takes all of that member's lots past their date; it names the lots' entry
// when they all came from one (as a reversal does). A replay of it takes the member's lots past
// the entry's time, soonest first, as this did. One pass over the range's due lots in member
// order (lots_left's key) writes each member's entry with its moves packed in it; then one
// statement each for the balances and the lots' rows, whatever the number of lots.
ExpireResult Database::Impl::expire_members(std::int64_t first, std::int64_t last,
                                            std::int64_t at) {
    const std::int64_t before = scalar(c.query("SELECT COALESCE(MAX(id), 0) FROM ledger"));
    ExpireResult r;
    const std::int64_t t = now(), version = std::max<std::int64_t>(program_version, 0);
    std::int64_t member = 0, points = 0;
    std::vector<Take> due;
    auto write = [&] {
        if (due.empty()) return;
        const std::int64_t from = due.front().lot / storage::kLotsPerEntry;
        bool one_entry = true;
        for (const auto& k : due)
            one_entry = one_entry && k.lot / storage::kLotsPerEntry == from;
        c.query(
             "INSERT INTO ledger(origin, member_id, kind, points, corrects, reason, "
             "program_version, created_at, moves) VALUES (?, ?, ?, ?, ?, 'expired', ?, ?, ?)",
             origin_id, member, static_cast<std::int64_t>(EntryKind::Expire), -points,
             one_entry ? std::optional<std::int64_t>(from) : std::nullopt, version, t,
             pack_moves(due))
            .run();
        r.points = checked_add(r.points, points);
        due.clear();
        points = 0;
    };
    auto q = c.query(
        "SELECT member_id, id, remaining FROM lots_left WHERE member_id BETWEEN ? AND ? AND "
        "expires_at <= ? ORDER BY member_id, id",
        first, last, at);
    while (q.next()) {
        if (q.i64(0) != member) write();
        member = q.i64(0);
        due.push_back({q.i64(1), q.i64(2)});
        points = checked_add(points, q.i64(2));
    }
    write();
    c.query(
         "UPDATE members SET balance = balance + e.points FROM "
         "(SELECT member_id, points FROM ledger WHERE id > ?) AS e WHERE members.id = e.member_id",
         before)
        .run();
    c.query(
         "DELETE FROM member_index WHERE member_id BETWEEN ? AND ? AND part = 2 AND expires_at <= "
         "?",
         first, last, at)
        .run();
    r.lots = c.changes();
    return r;
}

// Debits points for a spend (redeem, negative adjustment): only available points.
std::int64_t Database::Impl::debit_spend(EntryKind kind, std::int64_t member, std::int64_t points,
                                         const EntryContext& ctx) {
    // In a chain, points are spent only under a hold from the authority, which only a checkout
    // carries (a reward, a draw entry or a negative adjustment: at the head office).
    if (opt.chain_mode && !ctx.held)
        throw Error(Status::NeedsOnline,
                    "in a chain, points are spent at checkout under a hold from the chain's "
                    "authority, or at the head office");
    auto p = plan(member, points, true, 0);
    // Points open holds reserve are not spendable; the lots are summed again only when some are.
    if (lots::total(p) < points ||
        (held(member, 0, now()) > 0 && spendable(member).first < points)) {
        const std::int64_t free = std::min(lots::total(p), spendable(member).first);
        throw Error(Status::InsufficientPoints,
                    std::to_string(points) + " points needed, " + std::to_string(free) +
                        " available" + (free < lots::total(p) ? " (the rest is held)" : ""));
    }
    // The entry written with its moves: its row is not written again for them.
    std::int64_t entry = add_entry(kind, member, -points, ctx, {}, p);
    take_lots(p, member);
    return entry;
}

// Takes back earned points (refund, void) under the programme's negative-balance policy.
// Returns the points actually taken back.
std::int64_t Database::Impl::debit_reverse(std::int64_t member, std::int64_t points,
                                           const EntryContext& ctx, std::int64_t prefer_entry,
                                           NegativePolicy policy) {
    if (points <= 0) return 0;
    auto p = plan(member, points, false, prefer_entry);
    std::int64_t covered = lots::total(p);
    std::int64_t take = points;
    if (covered < points) {
        if (policy == NegativePolicy::Refuse)
            throw Error(Status::InsufficientPoints,
                        "the refund would take back " + std::to_string(points) +
                            " points but the member has only " + std::to_string(covered) +
                            " left, and the programme refuses negative balances");
        if (policy == NegativePolicy::Clamp) take = covered;
    }
    if (take == 0) return 0;
    add_entry(EntryKind::ReverseEarn, member, -take, ctx, {}, p);
    take_lots(p, member);
    return take;
}

// Gives back points a spend took (ctx.corrects = the spending entry). They keep the latest
// expiry of the lots they were taken from, so a spend-then-refund cannot extend their life.
void Database::Impl::restore_spent(std::int64_t member, std::int64_t points,
                                   const EntryContext& ctx) {
    std::int64_t expires = kNever;
    if (ctx.corrects) {
        // Each lot's expiry from the row of the entry that opened it.
        auto q = c.query(
            "SELECT MAX(json_extract(j.value, '$[3]')) FROM lot_moves m JOIN ledger e ON e.id = "
            LOY_ENTRY_OF_LOT("m.lot_id") ", json_each(e.lots) j WHERE m.entry_id = ?1 AND "
            "e.lots IS NOT NULL AND json_extract(j.value, '$[0]') = m.lot_id % " LOY_SQL_NUMBER(
                LOY_LOTS_PER_ENTRY),
            ctx.corrects);
        if (q.next() && !q.is_null(0)) expires = q.i64(0);
    }
    credit(EntryKind::Restore, member, points, ctx, now(), expires);
}

std::int64_t Database::Impl::expiry_for(std::int64_t t) {
    if (program.expiry_days <= 0) return kNever;
    return expiry_of(t, program.expiry_days, program.utc_offset_minutes);
}

std::int64_t Database::record_event(std::int64_t member_id, const std::string& action,
                                    const std::string& key) {
    check_key(key);
    text::check_field("action", action, kMaxShort);
    if (action.empty()) throw Error(Status::InvalidArgument, "action is empty");
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    const std::string req = canonical("member", member_id, "action", action);
    auto out = d.idempotent(key, "event", req, [&] {
        const Program& p = d.active_program();
        auto rule = std::find_if(p.events.begin(), p.events.end(),
                                 [&](const EventRule& e) { return e.action == action; });
        if (rule == p.events.end())
            throw Error(Status::NotFound,
                        "the programme gives no points for action '" + action + "'");
        std::int64_t member = d.active_owner(member_id);
        member = d.account_of(member);  // a household's points are its head's
        std::int64_t t = d.now();
        if (rule->cap > 0) {
            Window w = window_of(rule->period, t, p.utc_offset_minutes, p.week_start);
            auto q = d.c.query(
                "SELECT COUNT(*) FROM ledger WHERE member_id=? AND kind=? AND kind IN (7, 8) AND "
                "reason=? AND created_at >= ? AND created_at < ?",
                member, static_cast<std::int64_t>(EntryKind::Event), action, w.start_ms, w.end_ms);
            q.next();
            if (q.i64(0) >= rule->cap)
                throw Error(Status::CapReached, "'" + action + "' already earned points " +
                                                    std::to_string(rule->cap) + " time(s) this " +
                                                    period_name(rule->period));
        }
        Impl::EntryContext ctx;
        ctx.reason = action;
        std::int64_t entry =
            d.credit(EntryKind::Event, member, rule->points, ctx, t, d.expiry_for(t));
        d.maybe_upgrade(member, 0);
        return std::pair<std::int64_t, std::int64_t>(entry, rule->points);
    });
    return out.value;
}

std::int64_t Database::adjust(std::int64_t member_id, std::int64_t points,
                              const std::string& reason, const std::string& operator_id,
                              const std::string& key, const std::string& approver) {
    check_key(key);
    text::check_field("reason", reason, kMaxText);
    text::check_field("operator", operator_id, kMaxShort);
    text::check_field("approver", approver, kMaxShort);
    if (reason.empty()) throw Error(Status::InvalidArgument, "an adjustment needs a reason");
    if (operator_id.empty())
        throw Error(Status::InvalidArgument, "an adjustment needs an operator");
    if (points == 0) throw Error(Status::InvalidAmount, "an adjustment of 0 points does nothing");
    if (points == INT64_MIN) throw Error(Status::Overflow, "adjustment too large");
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    const std::string req = canonical("member", member_id, "points", points, "reason", reason,
                                      "operator", operator_id, "approver", approver);
    auto out = d.idempotent(key, "adjust", req, [&] {
        const Program& p = d.active_program();
        std::int64_t member = d.active_owner(member_id);
        member = d.account_of(member);  // a household's points are its head's
        Impl::EntryContext ctx;
        ctx.reason = reason;
        ctx.operator_id = operator_id;
        ctx.approver = approver;
        std::int64_t t = d.now();
        d.check_adjustment_limits(p, operator_id, approver, points < 0 ? -points : points, t);
        checked_add(d.balance_of(member), points);
        std::int64_t entry =
            points > 0 ? d.credit(EntryKind::Adjust, member, points, ctx, t, d.expiry_for(t))
                       : d.debit_spend(EntryKind::Adjust, member, -points, ctx);
        return std::pair<std::int64_t, std::int64_t>(entry, d.balance_of(member));
    });
    return out.value;
}

// The programme's controls on manual adjustments: a second operator above a size, and the points
// one operator may adjust in a local day (both ways counted).
void Database::Impl::check_adjustment_limits(const Program& p, const std::string& operator_id,
                                             const std::string& approver, std::int64_t size,
                                             std::int64_t t) {
    const AdjustmentLimits& lim = p.adjustments;
    if (lim.approval_above > 0 && size > lim.approval_above) {
        if (approver.empty())
            throw Error(Status::NeedsApproval,
                        fmt::format("an adjustment of {} points needs a second operator's "
                                    "approval (more than {})",
                                    size, lim.approval_above));
        if (approver == operator_id)
            throw Error(Status::NeedsApproval, "the approver must be another operator");
    }
    if (lim.operator_daily_points > 0) {
        const Window day = window_of(Period::Day, t, p.utc_offset_minutes, p.week_start);
        const std::int64_t used =
            scalar(c.query("SELECT COALESCE(SUM(ABS(points)), 0) FROM ledger WHERE " LOY_ADJUSTMENTS
                           " AND operator=? AND created_at >= ?",
                           operator_id, day.start_ms));
        if (checked_add(used, size) > lim.operator_daily_points)
            throw Error(Status::CapReached,
                        fmt::format("operator {} may adjust {} points a day; {} adjusted today",
                                    operator_id, lim.operator_daily_points, used));
    }
}

std::pair<std::int64_t, std::int64_t> Database::expiring(std::int64_t member_id,
                                                         std::int64_t before_ms) {
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    Transaction t(d.c, false);
    d.load_member(member_id);
    auto q = d.c.query(
        "SELECT COALESCE(SUM(CASE WHEN expires_at < ?2 THEN remaining END), 0), "
        "MIN(expires_at) FROM lots_left WHERE member_id = ?1 AND expires_at > ?3",
        member_id, before_ms, d.now());
    q.next();
    std::int64_t next = q.is_null(1) || q.i64(1) == kNever ? 0 : q.i64(1);
    return {q.i64(0), next};
}

std::vector<LedgerEntry> Database::history(std::int64_t member_id, int limit, int offset) {
    if (limit < 1 || limit > 1000) throw Error(Status::InvalidArgument, "limit must be 1 to 1000");
    if (offset < 0) throw Error(Status::InvalidArgument, "offset cannot be negative");
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    Transaction t(d.c, false);
    d.load_member(member_id);
    // The member's entries and, in a household, the household account's (its head's), with
    // those of the members merged into either.
    const std::int64_t account = d.account_of(d.owner_of(member_id));
    auto q = d.c.query(
        "WITH RECURSIVE fam(id) AS (SELECT ?1 UNION SELECT ?4 UNION SELECT m.id FROM members m "
        "JOIN fam ON m.merged_into = fam.id) "
        "SELECT COALESCE(l.origin_seq, l.id), o.name, l.kind, l.member_id, l.points, l.sale_id, "
        "l.reason, l.branch, "
        "l.terminal, l.operator, l.created_at, (SELECT MAX(json_extract(j.value, '$[3]')) FROM "
        "json_each(l.lots) j WHERE l.lots IS NOT NULL), (SELECT COALESCE(c.origin_seq, c.id) FROM "
        "ledger c "
        "WHERE "
        "c.id = l.corrects), (SELECT o2.name FROM ledger c JOIN origins o2 ON o2.id = c.origin "
        "WHERE c.id = l.corrects), l.approver "
        "FROM " LOY_ENTRIES_OF_MEMBERS("me", "l") " JOIN origins o ON o.id = l.origin WHERE "
        "me.member_id IN fam "
        "ORDER BY l.created_at DESC, l.id DESC LIMIT ?2 OFFSET ?3",
        member_id, limit, offset, account);
    std::vector<LedgerEntry> out;
    while (q.next()) {
        LedgerEntry e;
        e.uid = d.uid(q.text(1), 'L', q.i64(0));
        e.kind = static_cast<EntryKind>(q.i64(2));
        e.member_id = q.i64(3);
        e.points = q.i64(4);
        e.sale_id = q.i64(5);
        e.reason = q.text(6);
        e.branch = q.text(7);
        e.terminal = q.text(8);
        e.operator_id = q.text(9);
        e.created_at = q.i64(10);
        e.expires_at = q.is_null(11) || q.i64(11) == kNever ? 0 : q.i64(11);
        if (!q.is_null(12)) e.corrects = d.uid(q.text(13), 'L', q.i64(12));
        e.approver = q.text(14);
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace loyalty
