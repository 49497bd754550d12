// Points given by one member to another: the giver's available points, taken as a spend takes
// them (soonest expiry first), arrive with their dates, so a gift never extends an expiry.
#include "storage/impl.hpp"
#include "storage/member_index.hpp"
#include "storage/lots_sql.hpp"

namespace loyalty {

std::int64_t Database::transfer_points(std::int64_t from_member_id, std::int64_t to_member_id,
                                       std::int64_t points, const std::string& reason,
                                       const std::string& operator_id, const std::string& key) {
    check_key(key);
    text::check_field("reason", reason, kMaxText);
    text::check_field("operator", operator_id, kMaxShort);
    if (points <= 0) throw Error(Status::InvalidAmount, "a transfer must be of more than 0 points");
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    const std::string req = canonical("from", from_member_id, "to", to_member_id, "points", points,
                                      "reason", reason, "operator", operator_id);
    auto out = d.idempotent(key, "transfer", req, [&] {
        const Program& p = d.active_program();
        if (!p.transfers.enabled)
            throw Error(Status::RedemptionNotAllowed, "the programme does not allow transfers");
        if (points < p.transfers.min_points)
            throw Error(
                Status::RedemptionNotAllowed,
                fmt::format("at least {} points are transferred at once", p.transfers.min_points));
        // Between points accounts: a household's members share one.
        const std::int64_t from = d.account_of(d.active_owner(from_member_id)),
                           to = d.account_of(d.active_owner(to_member_id));
        if (from == to)
            throw Error(Status::InvalidArgument,
                        "the points are already the receiver's (the same member or household)");
        const std::int64_t t = d.now();
        if (p.transfers.daily_max > 0) {
            const Window day = window_of(Period::Day, t, p.utc_offset_minutes, p.week_start);
            const std::int64_t given = scalar(
                d.c.query("SELECT COALESCE(-SUM(l.points), 0) FROM " LOY_ENTRIES_OF_MEMBERS(
                              "me", "l") " WHERE me.member_id = ? AND l.kind = ? AND l.created_at "
                                         ">= ?",
                          from, static_cast<std::int64_t>(EntryKind::TransferOut), day.start_ms));
            if (checked_add(given, points) > p.transfers.daily_max)
                throw Error(Status::CapReached,
                            fmt::format("a member may give {} points a day; {} given today",
                                        p.transfers.daily_max, given));
        }
        Impl::EntryContext ctx;
        ctx.reason = reason.empty() ? "transfer" : reason;
        ctx.operator_id = operator_id;
        // The lots the points come from, and their dates, before the debit empties them.
        auto plan = d.plan(from, points, true, 0);
        std::vector<std::pair<std::int64_t, std::int64_t>> dates;  // available_at, expires_at
        for (const auto& take : plan) {
            auto q = d.c.query(LOY_LOT_DATES, take.lot);
            if (!q.next())
                throw Error(Status::Internal, "lot " + std::to_string(take.lot) + " is not here");
            dates.emplace_back(q.i64(0), q.i64(1));
        }
        d.debit_spend(EntryKind::TransferOut, from, points, ctx);
        std::int64_t balance = d.balance_of(to);
        const std::int64_t in = d.add_entry(EntryKind::TransferIn, to, points, ctx);
        for (std::size_t i = 0; i < plan.size(); ++i) {
            d.add_lot(to, in, plan[i].points, balance, std::max(dates[i].first, t), dates[i].second,
                      static_cast<std::int64_t>(i));
            balance = checked_add(balance, plan[i].points);
        }
        return std::pair<std::int64_t, std::int64_t>(in, d.balance_of(from));
    });
    return out.value;
}

}  // namespace loyalty
