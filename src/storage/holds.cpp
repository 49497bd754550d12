// Points holds: points reserved for an open restaurant tab or a web order, then captured (all or
// in part) or released. A hold reserves an amount, not particular lots: while it is open and
// unexpired, the member's available points are that much lower. It ends by itself at its
// expiry, so a hold left behind by a crashed till frees the points without anyone's help.
#include "storage/impl.hpp"

namespace loyalty {

namespace {

enum HoldStatus : std::int64_t { kOpen = 0, kCaptured = 1, kReleased = 2 };

struct HoldRow {
    std::int64_t member = 0, points = 0, expires_at = 0, status = 0;
    std::string reference;
};

HoldRow load_hold(Connection& c, std::int64_t id) {
    auto q = c.query(
        "SELECT member_id, points, expires_at, status, COALESCE(reference, '') FROM point_holds "
        "WHERE id=?",
        id);
    if (!q.next()) throw Error(Status::NotFound, "no hold " + std::to_string(id));
    return {q.i64(0), q.i64(1), q.i64(2), q.i64(3), q.text(4)};
}

}  // namespace

std::int64_t Database::hold_points(std::int64_t member_id, std::int64_t points, std::int64_t ttl_ms,
                                   const std::string& reference, const std::string& key) {
    check_key(key);
    text::check_field("reference", reference, kMaxShort);
    if (points <= 0) throw Error(Status::InvalidAmount, "a hold must be of more than 0 points");
    if (ttl_ms < 60000 || ttl_ms > 30 * 86400000LL)
        throw Error(Status::InvalidArgument, "a hold lasts from one minute to 30 days");
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    const std::string req =
        canonical("member", member_id, "points", points, "ttl", ttl_ms, "reference", reference);
    auto out = d.idempotent(key, "hold", req, [&] {
        d.active_program();
        if (d.opt.chain_mode)
            throw Error(Status::NeedsOnline,
                        "in a chain, points are held by the chain's authority (loy_sync_hold)");
        const std::int64_t member = d.owner_of(member_id);
        d.require_active(member);
        const std::int64_t available = d.spendable(member).first;
        if (points > available)
            throw Error(Status::InsufficientPoints, std::to_string(points) + " points to hold, " +
                                                        std::to_string(available) + " available");
        const std::int64_t t = d.now();
        d.c.query(
               "INSERT INTO point_holds(origin, member_id, points, reference, expires_at, "
               "created_at) VALUES (?,?,?,?,?,?)",
               d.origin_id, member, points, NullIfEmpty{reference}, checked_add(t, ttl_ms), t)
            .run();
        return std::pair<std::int64_t, std::int64_t>(d.c.last_id(), points);
    });
    return out.id;
}

std::int64_t Database::capture_hold(std::int64_t hold_id, std::int64_t points,
                                    const std::string& key) {
    check_key(key);
    if (points < 0) throw Error(Status::InvalidAmount, "points to capture cannot be negative");
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    const std::string req = canonical("hold", hold_id, "points", points);
    auto out = d.idempotent(key, "hold_capture", req, [&] {
        d.active_program();
        const HoldRow h = load_hold(d.c, hold_id);
        const std::int64_t t = d.now();
        if (h.status != kOpen || h.expires_at <= t)
            throw Error(Status::InvalidState, "the hold has ended (captured, released or expired)");
        if (points > h.points)
            throw Error(Status::InvalidAmount, "capture of " + std::to_string(points) +
                                                   " points, more than the " +
                                                   std::to_string(h.points) + " held");
        // Close the hold first: its points stop being reserved as they are spent.
        d.c.query("UPDATE point_holds SET status=?, captured=?, closed_at=? WHERE id=?",
                  static_cast<std::int64_t>(kCaptured), points, t, hold_id)
            .run();
        if (points > 0) {
            Impl::EntryContext ctx;
            ctx.reason = "hold " + std::to_string(hold_id) +
                         (h.reference.empty() ? std::string() : ": " + h.reference);
            d.debit_spend(EntryKind::Redeem, h.member, points, ctx);
        }
        return std::pair<std::int64_t, std::int64_t>(hold_id, d.balance_of(h.member));
    });
    return out.value;
}

void Database::release_hold(std::int64_t hold_id, const std::string& key) {
    check_key(key);
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    d.idempotent(key, "hold_release", canonical("hold", hold_id), [&] {
        const HoldRow h = load_hold(d.c, hold_id);
        if (h.status == kCaptured)
            throw Error(Status::InvalidState, "the hold was captured; refund the sale instead");
        if (h.status == kOpen)  // an expired hold is released too: it held nothing any more
            d.c.query("UPDATE point_holds SET status=?, closed_at=? WHERE id=?",
                      static_cast<std::int64_t>(kReleased), d.now(), hold_id)
                .run();
        return std::pair<std::int64_t, std::int64_t>(hold_id, 0);
    });
}

}  // namespace loyalty
