// Households: a family pooling its points (docs/members.md, "Households"). A household is one
// points account, its head's: every member's points are earned into it and spent from it, so
// the family has one balance and one tier, while each member keeps their own card, phone,
// profile, wallet and coupons. Joining moves the member's points into the account with their
// dates; leaving leaves the pooled points with the household. Households and their members are
// facts of the journal (O, N). Two tills spending from two cards of one household at once never
// take it below zero: both debit the same account inside their own write transactions.
#include "storage/impl.hpp"

namespace loyalty {

// The member whose ledger holds `member`'s points: the household's head, or the member itself.
std::int64_t Database::Impl::account_of(std::int64_t member) {
    // Most files hold no household at all: one look says so, for every member read until
    // another connection commits (writing a household here forgets it).
    if (!c.unchanged_since(no_households_epoch)) {
        no_households = !c.query("SELECT 1 FROM household_members LIMIT 1").next();
        no_households_epoch = c.epoch();
    }
    if (no_households) return member;
    auto q = c.query(
        "SELECT h.head_id FROM household_members m JOIN households h ON h.id = m.household_id "
        "WHERE m.member_id=? AND m.left_at=0 LIMIT 1",
        member);
    return q.next() ? owner_of(q.i64(0)) : member;
}

// The household the member belongs to now (0: none).
std::int64_t Database::Impl::household_of(std::int64_t member) {
    auto q = c.query(
        "SELECT household_id FROM household_members WHERE member_id=? AND left_at=0 LIMIT 1",
        member);
    return q.next() ? q.i64(0) : 0;
}

// A member's open lots, soonest-expiring first.
std::vector<Database::Impl::OpenLot> Database::Impl::open_lots(std::int64_t member) {
    std::vector<OpenLot> lots;
    auto q = c.query(
        "SELECT id, remaining, available_at, expires_at FROM lots_left WHERE member_id=? "
        "ORDER BY expires_at, id",
        member);
    while (q.next())
        lots.push_back({q.i64(0), q.i64(1), q.i64(2), q.i64(3)});
    return lots;
}

// Moves all of `from`'s points (a positive balance, available and pending) to `to`, each lot
// with its dates: an entry out and an entry in (transfer or merge), so both ledgers add up.
void Database::Impl::move_points(std::int64_t from, std::int64_t to, const EntryContext& ctx,
                                 EntryKind out_kind, EntryKind in_kind) {
    const std::int64_t moved = balance_of(from);
    if (moved <= 0) return;
    const std::vector<OpenLot> lots = open_lots(from);
    const std::int64_t out = add_entry(out_kind, from, -moved, ctx);
    std::vector<Take> takes;
    for (const auto& l : lots)
        takes.push_back({l.id, l.remaining});
    apply(out, takes, from);
    std::int64_t balance = balance_of(to);
    const std::int64_t in = add_entry(in_kind, to, moved, ctx);
    std::int64_t nth = 0;
    for (const auto& l : lots) {
        add_lot(to, in, l.remaining, balance, l.available_at, l.expires_at, nth++);
        balance = checked_add(balance, l.remaining);
    }
}

std::int64_t Database::household_create(std::int64_t head_id, const std::string& key) {
    check_key(key);
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    auto out = d.idempotent(key, "household_create", canonical("head", head_id), [&] {
        d.active_program();
        const std::int64_t head = d.owner_of(head_id);
        d.require_active(head);
        if (d.household_of(head) != 0)
            throw Error(Status::InvalidState,
                        "member " + std::to_string(head_id) + " belongs to a household already");
        const std::int64_t t = d.now();
        d.c.query("INSERT INTO households(origin, head_id, created_at) VALUES (?,?,?)", d.origin_id,
                  head, t)
            .run();
        const std::int64_t household = d.c.last_id();
        d.c.query(
               "INSERT INTO household_members(origin, household_id, member_id, created_at) "
               "VALUES (?,?,?,?)",
               d.origin_id, household, head, t)
            .run();
        d.no_households_epoch = 0;
        return std::pair<std::int64_t, std::int64_t>(household, head);
    });
    return out.id;
}

void Database::household_join(std::int64_t household_id, std::int64_t member_id,
                              const std::string& key) {
    check_key(key);
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    const std::string req = canonical("household", household_id, "member", member_id);
    d.idempotent(key, "household_join", req, [&] {
        d.active_program();
        auto q = d.c.query("SELECT head_id FROM households WHERE id=?", household_id);
        if (!q.next())
            throw Error(Status::NotFound, "no household " + std::to_string(household_id));
        const std::int64_t head = d.owner_of(q.i64(0));
        if (d.household_of(head) != household_id)
            throw Error(Status::InvalidState, "the household has ended (its head left)");
        const std::int64_t member = d.active_owner(member_id);
        d.require_active(head);
        if (d.household_of(member) != 0)
            throw Error(Status::InvalidState,
                        "member " + std::to_string(member_id) + " belongs to a household already");
        if (d.balance_of(member) < 0)
            throw Error(Status::InvalidState,
                        "member " + std::to_string(member_id) +
                            " owes points (a negative balance): settle it before joining");
        Impl::EntryContext ctx;
        ctx.reason = "joined household " + std::to_string(household_id);
        d.move_points(member, head, ctx, EntryKind::TransferOut, EntryKind::TransferIn);
        d.c.query(
               "INSERT INTO household_members(origin, household_id, member_id, created_at) "
               "VALUES (?,?,?,?)",
               d.origin_id, household_id, member, d.now())
            .run();
        d.no_households_epoch = 0;
        d.maybe_upgrade(head, 0);
        return std::pair<std::int64_t, std::int64_t>(d.c.last_id(), 0);
    });
}

void Database::household_leave(std::int64_t member_id, const std::string& key) {
    check_key(key);
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    d.idempotent(key, "household_leave", canonical("member", member_id), [&] {
        const std::int64_t member = d.owner_of(member_id);
        d.leave_household(member);
        return std::pair<std::int64_t, std::int64_t>(member, 0);
    });
}

// The member leaves (the pooled points stay with the household); the head may leave only last,
// which ends the household.
void Database::Impl::leave_household(std::int64_t member) {
    const std::int64_t household = household_of(member);
    if (household == 0)
        throw Error(Status::NotFound,
                    "member " + std::to_string(member) + " does not belong to a household");
    const std::int64_t head =
        owner_of(scalar(c.query("SELECT head_id FROM households WHERE id=?", household)));
    const std::int64_t others = scalar(
        c.query("SELECT COUNT(*) FROM household_members WHERE household_id=? AND left_at=0 AND "
                "member_id<>?",
                household, member));
    if (member == head && others > 0)
        throw Error(Status::InvalidState, "the head holds the household's points: the other " +
                                              std::to_string(others) + " member(s) leave first");
    c.query(
         "UPDATE household_members SET left_at=? WHERE household_id=? AND member_id=? AND "
         "left_at=0",
         now(), household, member)
        .run();
}

Household Database::household(std::int64_t member_id) {
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    Transaction t(d.c, false);
    const std::int64_t member = d.owner_of(member_id);
    Household h;
    h.id = d.household_of(member);
    if (h.id == 0) return h;
    h.head_id = d.account_of(member);
    h.members = scalar(d.c.query(
        "SELECT COUNT(*) FROM household_members WHERE household_id=? AND left_at=0", h.id));
    return h;
}

}  // namespace loyalty
