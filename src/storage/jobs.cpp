// Long jobs run in batches with progress: expiry of lots and the periodic tier review.
#include "storage/impl.hpp"

namespace loyalty {

ReviewResult Database::review_tiers(std::int64_t now_ms, const Progress& progress) {
    impl_->not_on_a_till("the tier review");
    if (now_ms < 0) throw Error(Status::InvalidArgument, "time cannot be negative");
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    // The review runs "as of" now_ms: the handle's clock is set for its duration.
    const std::int64_t saved = d.fixed_clock.load();
    if (now_ms != 0) d.fixed_clock.store(now_ms);
    struct RestoreClock {
        Impl& d;
        std::int64_t saved;
        ~RestoreClock() { d.fixed_clock.store(saved); }
    } restore{d, saved};
    const std::int64_t at = d.now();
    ReviewResult r;
    std::int64_t members = 0;
    if (progress) {
        Transaction t(d.c, false);
        members = scalar(d.c.query("SELECT COUNT(*) FROM members WHERE status = 0"));
    }
    // In batches of members, so a large review does not hold the write lock for long.
    for (std::int64_t after = 0;;) {
        Transaction t(d.c, true);
        d.journal_operation("tier_review", "");
        const Program& p = d.active_program();
        if (!p.tiers.enabled()) break;
        std::vector<std::int64_t> ids;
        {
            auto q = d.c.query(
                "SELECT id FROM members WHERE id > ? AND status = 0 ORDER BY id LIMIT 500", after);
            while (q.next())
                ids.push_back(q.i64(0));
        }
        if (ids.empty()) break;
        for (auto id : ids) {
            int change = d.review_member(id, at);
            ++r.reviewed;
            if (change == 1) ++r.upgraded;
            if (change == -1) ++r.downgraded;
            if (change == 2) ++r.at_risk;
        }
        after = ids.back();
        t.commit();
        if (progress) progress(r.reviewed, std::max(members, r.reviewed));
    }
    return r;
}

ExpireResult Database::expire(std::int64_t now_ms, const Progress& progress) {
    impl_->not_on_a_till("the expiry sweep");
    if (now_ms < 0) throw Error(Status::InvalidArgument, "time cannot be negative");
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    std::int64_t at = now_ms == 0 ? d.now() : now_ms;
    ExpireResult total;
    std::int64_t due = 0;
    if (progress) {
        Transaction t(d.c, false);
        due =
            scalar(d.c.query("SELECT COUNT(*) FROM lots WHERE spent = 0 AND expires_at <= ?", at));
    }
    // In batches, so a large sweep does not hold the write lock for long.
    for (;;) {
        Transaction t(d.c, true);
        d.journal_operation("expire", "");
        d.active_program();
        struct Lot {
            std::int64_t id, member, remaining, entry;
        };
        std::vector<Lot> lots;
        {
            auto q = d.c.query(
                "SELECT id, member_id, remaining, entry_id FROM lots WHERE spent = 0 "
                "AND expires_at <= ? ORDER BY expires_at, id LIMIT 500",
                at);
            while (q.next())
                lots.push_back({q.i64(0), q.i64(1), q.i64(2), q.i64(3)});
        }
        if (lots.empty()) break;
        for (const auto& l : lots) {
            Impl::EntryContext ctx;
            ctx.reason = "expired";
            ctx.corrects = l.entry;
            std::int64_t entry = d.add_entry(EntryKind::Expire, l.member, -l.remaining, ctx);
            d.apply(entry, {{l.id, l.remaining}});
            total.lots += 1;
            total.points += l.remaining;
        }
        t.commit();
        if (progress) progress(total.lots, std::max(due, total.lots));
    }
    return total;
}

}  // namespace loyalty
