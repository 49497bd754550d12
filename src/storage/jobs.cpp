// Long jobs run in batches with progress: expiry of lots and the periodic tier review.
#include "storage/impl.hpp"

namespace loyalty {

namespace {

// A job runs "as of" a time (0: now): the handle's clock is set to it for the job's duration, so
// every fact the job writes carries that time.
struct AsOf {
    Database::Impl& d;
    std::int64_t saved;
    AsOf(Database::Impl& impl, std::int64_t at) : d(impl), saved(impl.fixed_clock.load()) {
        if (at != 0) d.fixed_clock.store(at);
    }
    ~AsOf() { d.fixed_clock.store(saved); }
    AsOf(const AsOf&) = delete;
    AsOf& operator=(const AsOf&) = delete;
};

// A larger page cache for the length of a job that writes across the whole file: a page changed
// many times in one transaction is written to the log once, if it stays in the cache until the
// commit. The handle's own size comes back afterwards, whatever happens.
struct JobCache {
    Connection& c;
    explicit JobCache(Connection& conn) : c(conn) {
        c.exec(("PRAGMA cache_size=-" + std::to_string(Database::Impl::kJobCacheKiB)).c_str());
    }
    ~JobCache() {
        try {
            c.exec(("PRAGMA cache_size=-" + std::to_string(Database::Impl::kCacheKiB)).c_str());
        } catch (...) {
        }
    }
    JobCache(const JobCache&) = delete;
    JobCache& operator=(const JobCache&) = delete;
};

}  // namespace

ReviewResult Database::review_tiers(std::int64_t now_ms, const Progress& progress) {
    impl_->not_on_a_till("the tier review");
    if (now_ms < 0) throw Error(Status::InvalidArgument, "time cannot be negative");
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    const AsOf as_of(d, now_ms);
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
    const AsOf as_of(d, now_ms);
    const std::int64_t at = d.now();
    ExpireResult total;
    // The members with lots past their date and how many each has, read once, in member order
    // (the order of their rows and of their open lots' rows in lots_left).
    std::vector<std::pair<std::int64_t, std::int64_t>> members;
    std::int64_t due = 0;
    {
        Transaction t(d.c, false);
        auto q = d.c.query(
            "SELECT member_id, COUNT(*) FROM lots_left WHERE expires_at <= ? "
            "GROUP BY member_id ORDER BY member_id",
            at);
        while (q.next()) {
            members.emplace_back(q.i64(0), q.i64(1));
            due += q.i64(1);
        }
    }
    // Ranges of members with about kLots lots between them, a transaction each: a large sweep
    // holds the write lock for about two seconds at a time, and each page it changes is written
    // once a transaction, not once a lot. A range's lots lie anywhere in the lots table and its
    // indexes, so a transaction of 200,000 lots changes most of their pages once, where twenty of
    // 10,000 changed each of them twenty times (1M lots of 200,000 members: 30,000 lots/s with
    // ranges of 10,000 and the handle's cache, 105,000/s so; docs/performance.md).
    constexpr std::int64_t kLots = 200000;
    const JobCache cache(d.c);
    for (std::size_t next = 0; next < members.size();) {
        const std::int64_t first = members[next].first;
        for (std::int64_t lots = 0; next < members.size() && lots < kLots; ++next)
            lots += members[next].second;
        const std::int64_t last = members[next - 1].first;
        Transaction t(d.c, true);
        d.journal_operation("expire", "");
        d.active_program();
        const ExpireResult r = d.expire_members(first, last, at);
        t.commit();
        total.lots += r.lots;
        total.points += r.points;
        if (progress) progress(total.lots, std::max(due, total.lots));
    }
    return total;
}

}  // namespace loyalty
