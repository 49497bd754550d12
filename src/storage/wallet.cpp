// The wallet: a member's stored money, as entries with a running balance.
#include "storage/impl.hpp"

namespace loyalty {

WalletBalance Database::Impl::wallet_balance(std::int64_t member) {
    auto q = c.query(
        "SELECT COALESCE(SUM(amount), 0), COALESCE(SUM(CASE WHEN available_at <= ?2 THEN "
        "amount "
        "END), 0) FROM wallet_entries WHERE member_id = ?1",
        member, now());
    q.next();
    WalletBalance w;
    w.balance = q.i64(0);
    // Less what open holds reserve (a hold that timed out reserves nothing).
    w.available = std::max<std::int64_t>(0, q.i64(1) - held(member, 1, now()));
    w.pending = w.balance - q.i64(1);
    return w;
}

std::int64_t Database::Impl::wallet_add(std::int64_t member, WalletKind kind, std::int64_t amount,
                                        const EntryContext& ctx, std::int64_t available_at) {
    c.query(
         "INSERT INTO wallet_entries(origin, member_id, kind, amount, currency, sale_id, "
         "refund_id, corrects, reason, operator, available_at, created_at) "
         "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
         origin_id, member, static_cast<std::int64_t>(kind), amount, program.currency,
         NullIfZero{ctx.sale_id}, NullIfZero{ctx.refund_id}, NullIfZero{ctx.corrects},
         NullIfEmpty{ctx.reason}, NullIfEmpty{ctx.operator_id}, available_at, now())
        .run();
    std::int64_t id = c.last_id();
    c.query("UPDATE members SET wallet_balance = wallet_balance + ? WHERE id=?", amount, member)
        .run();
    return id;
}

std::int64_t Database::wallet_credit(std::int64_t member_id, std::int64_t amount,
                                     const std::string& reason, const std::string& operator_id,
                                     const std::string& key) {
    check_key(key);
    text::check_field("reason", reason, kMaxText);
    text::check_field("operator", operator_id, kMaxShort);
    if (reason.empty()) throw Error(Status::InvalidArgument, "a wallet credit needs a reason");
    if (operator_id.empty())
        throw Error(Status::InvalidArgument, "a wallet credit needs an operator");
    if (amount <= 0) throw Error(Status::InvalidAmount, "a wallet credit must be greater than 0");
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    const std::string req =
        canonical("member", member_id, "amount", amount, "reason", reason, "operator", operator_id);
    auto out = d.idempotent(key, "wallet_credit", req, [&] {
        d.active_program();
        std::int64_t member = d.owner_of(member_id);
        d.require_active(member);
        checked_add(d.wallet_balance(member).balance, amount);
        Impl::EntryContext ctx;
        ctx.reason = reason;
        ctx.operator_id = operator_id;
        std::int64_t e = d.wallet_add(member, Impl::kCredit, amount, ctx, d.now());
        return std::pair<std::int64_t, std::int64_t>(e, d.wallet_balance(member).balance);
    });
    return out.value;
}

WalletBalance Database::wallet(std::int64_t member_id) {
    std::lock_guard<std::mutex> lock(impl_->mu);
    Transaction t(impl_->c, false);
    impl_->load_member(member_id);
    return impl_->wallet_balance(member_id);
}

}  // namespace loyalty
