// Holds: points or wallet money reserved for an open restaurant tab or a web order, then captured
// (all or in part) or released. A hold reserves an amount, not particular lots or entries: while
// it is open and unexpired, the member's available points (or wallet money) are that much lower.
// It ends by itself at its expiry, so a hold left behind by a crashed till frees the reservation
// without anyone's help.
#include "storage/impl.hpp"

namespace loyalty {

namespace {

enum HoldStatus : std::int64_t { kOpen = 0, kCaptured = 1, kReleased = 2 };
enum Asset : std::int64_t { kPoints = 0, kWallet = 1 };

const char* asset_name(std::int64_t asset) {
    return asset == kPoints ? "points" : "wallet money";
}

struct HoldRow {
    std::int64_t member = 0, asset = 0, amount = 0, expires_at = 0, status = 0;
    std::string reference;
};

HoldRow load_hold(Connection& c, std::int64_t id) {
    auto q = c.query(
        "SELECT member_id, asset, amount, expires_at, status, COALESCE(reference, '') FROM holds "
        "WHERE id=?",
        id);
    if (!q.next()) throw Error(Status::NotFound, "no hold " + std::to_string(id));
    return {q.i64(0), q.i64(1), q.i64(2), q.i64(3), q.i64(4), q.text(5)};
}

}  // namespace

// Reserves `amount` of the member's available points or wallet money.
std::int64_t Database::Impl::open_hold(std::int64_t asset, std::int64_t member_id,
                                       std::int64_t amount, std::int64_t ttl_ms,
                                       const std::string& reference, const std::string& key) {
    check_key(key);
    text::check_field("reference", reference, kMaxShort);
    if (amount <= 0)
        throw Error(Status::InvalidAmount,
                    std::string("a hold must be of more than 0 ") + asset_name(asset));
    if (ttl_ms < 60000 || ttl_ms > 30 * 86400000LL)
        throw Error(Status::InvalidArgument, "a hold lasts from one minute to 30 days");
    const std::string req = canonical("asset", asset, "member", member_id, "amount", amount, "ttl",
                                      ttl_ms, "reference", reference);
    auto out = idempotent(key, "hold", req, [&] {
        active_program();
        if (opt.chain_mode)
            throw Error(Status::NeedsOnline,
                        asset == kPoints
                            ? "in a chain, points are held by the chain's authority (loy_sync_hold)"
                            : "in a chain, wallet money is spent online at the chain's authority");
        const std::int64_t card = active_owner(member_id);
        // Points are held in the member's points account (a household's head's).
        const std::int64_t member = asset == kPoints ? account_of(card) : card;
        const std::int64_t available =
            asset == kPoints ? spendable(member).first : wallet_balance(member).available;
        if (amount > available)
            throw Error(
                asset == kPoints ? Status::InsufficientPoints : Status::InsufficientFunds,
                fmt::format("{} {} to hold, {} available", amount, asset_name(asset), available));
        const std::int64_t t = now();
        c.query(
             "INSERT INTO holds(origin, member_id, asset, amount, reference, expires_at, "
             "created_at) VALUES (?,?,?,?,?,?,?)",
             origin_id, member, asset, amount, NullIfEmpty{reference}, checked_add(t, ttl_ms), t)
            .run();
        open_holds_epoch = 0;  // any_open_hold looks again
        return std::pair<std::int64_t, std::int64_t>(c.last_id(), amount);
    });
    return out.id;
}

// Spends 0..the held amount (the rest is released); returns the balance after (points or wallet).
std::int64_t Database::Impl::capture(std::int64_t asset, std::int64_t hold_id, std::int64_t amount,
                                     const std::string& key) {
    check_key(key);
    if (amount < 0)
        throw Error(Status::InvalidAmount,
                    std::string(asset_name(asset)) + " to capture cannot be negative");
    const std::string req = canonical("hold", hold_id, "amount", amount);
    auto out = idempotent(key, asset == kPoints ? "hold_capture" : "wallet_hold_capture", req, [&] {
        active_program();
        const HoldRow h = load_hold(c, hold_id);
        if (h.asset != asset)
            throw Error(Status::InvalidArgument,
                        fmt::format("hold {} reserves {}, not {}", hold_id, asset_name(h.asset),
                                    asset_name(asset)));
        const std::int64_t t = now();
        if (h.status != kOpen || h.expires_at <= t)
            throw Error(Status::InvalidState, "the hold has ended (captured, released or expired)");
        if (amount > h.amount)
            throw Error(Status::InvalidAmount,
                        fmt::format("capture of {} {}, more than the {} held", amount,
                                    asset_name(asset), h.amount));
        // Close the hold first: what it reserved stops being reserved as it is spent.
        c.query("UPDATE holds SET status=?, captured=?, closed_at=? WHERE id=?",
                static_cast<std::int64_t>(kCaptured), amount, t, hold_id)
            .run();
        EntryContext ctx;
        ctx.reason =
            "hold " + std::to_string(hold_id) + (h.reference.empty() ? "" : ": " + h.reference);
        if (asset == kPoints) {
            if (amount > 0) debit_spend(EntryKind::Redeem, h.member, amount, ctx);
            return std::pair<std::int64_t, std::int64_t>(hold_id, balance_of(h.member));
        }
        if (amount > 0) wallet_add(h.member, kTender, -amount, ctx, t);
        return std::pair<std::int64_t, std::int64_t>(hold_id, wallet_balance(h.member).balance);
    });
    return out.value;
}

std::int64_t Database::hold_points(std::int64_t member_id, std::int64_t points, std::int64_t ttl_ms,
                                   const std::string& reference, const std::string& key) {
    std::lock_guard<std::mutex> lock(impl_->mu);
    return impl_->open_hold(kPoints, member_id, points, ttl_ms, reference, key);
}

std::int64_t Database::capture_hold(std::int64_t hold_id, std::int64_t points,
                                    const std::string& key) {
    std::lock_guard<std::mutex> lock(impl_->mu);
    return impl_->capture(kPoints, hold_id, points, key);
}

std::int64_t Database::hold_wallet(std::int64_t member_id, std::int64_t amount, std::int64_t ttl_ms,
                                   const std::string& reference, const std::string& key) {
    std::lock_guard<std::mutex> lock(impl_->mu);
    return impl_->open_hold(kWallet, member_id, amount, ttl_ms, reference, key);
}

std::int64_t Database::capture_wallet_hold(std::int64_t hold_id, std::int64_t amount,
                                           const std::string& key) {
    std::lock_guard<std::mutex> lock(impl_->mu);
    return impl_->capture(kWallet, hold_id, amount, key);
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
            d.c.query("UPDATE holds SET status=?, closed_at=? WHERE id=?",
                      static_cast<std::int64_t>(kReleased), d.now(), hold_id)
                .run();
        return std::pair<std::int64_t, std::int64_t>(hold_id, 0);
    });
}

}  // namespace loyalty
