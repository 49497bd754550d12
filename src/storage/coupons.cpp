// Coupons: issuing single codes and batches, looking a code up, revoking it, and the candidate
// coupons a basket may use.
#include "storage/impl.hpp"
#include "storage/sale_parts.hpp"

namespace loyalty {

// A new random code that no coupon and no gift card has (they share one form of code).
std::string Database::Impl::free_code() {
    for (int attempt = 0; attempt < 20; ++attempt) {
        std::string code = coupon::generate();
        if (scalar(c.query("SELECT (SELECT COUNT(*) FROM coupons WHERE code=?1) + "
                           "(SELECT COUNT(*) FROM gift_cards WHERE code=?1)",
                           code)) == 0)
            return code;
    }
    throw Error(Status::Internal, "cannot find a free code");
}

// A new unique code for a campaign (issued to a member, or in a batch).
std::string Database::Impl::new_coupon(const Campaign& camp, std::int64_t member,
                                       std::int64_t batch, std::int64_t sale) {
    std::int64_t t = now();
    std::int64_t until =
        camp.valid_days > 0 ? expiry_of(t, camp.valid_days, program.utc_offset_minutes) : 0;
    std::string code = free_code();
    c.query(
         "INSERT INTO coupons(origin, campaign_id, code, member_id, batch_id, max_uses, "
         "valid_until, issued_sale_id, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
         origin_id, camp.id, code, NullIfZero{member}, NullIfZero{batch}, camp.uses_per_code, until,
         NullIfZero{sale}, t)
        .run();
    return code;
}

// Uses of an issued code that count against its limit: at our tills (not restored by a
// refund) and at partners.
std::int64_t Database::Impl::code_uses(std::int64_t coupon_id, const std::string& code) {
    return scalar(c.query("SELECT COUNT(*) FROM coupon_uses WHERE coupon_id=? AND restored_at=0",
                          coupon_id)) +
           scalar(c.query("SELECT COUNT(*) FROM partner_redemptions WHERE code=?", code));
}

const Campaign& Database::Impl::campaign_of(const Program& p, const std::string& id) {
    const Campaign* camp = p.campaign(id);
    if (!camp) throw Error(Status::NotFound, "the programme has no campaign '" + id + "'");
    return *camp;
}

// What storage knows about each code presented: the campaign, refusals that need the file
// (unknown, revoked, expired, another member's, used up), and uses so far.
std::vector<CouponCandidate> Database::Impl::coupon_candidates(const Basket& b, std::int64_t member,
                                                               const Program& p) {
    std::vector<CouponCandidate> out;
    for (const auto& typed : b.coupons) {
        CouponCandidate cand;
        cand.code = coupon::normalize(typed);
        auto reject = [&](Status s, const std::string& why) {
            cand.status = s;
            cand.message = why;
        };
        const Campaign* camp = nullptr;
        for (const auto& cp : p.campaigns)
            if (!cp.code.empty() && cp.code == cand.code) camp = &cp;
        if (!camp) {
            if (!coupon::well_formed(cand.code)) {
                reject(Status::CouponInvalid,
                       "'" + typed + "' is not a valid code: check for a typo");
            } else {
                auto q = c.query(
                    "SELECT id, campaign_id, COALESCE(member_id, 0), max_uses, valid_until, "
                    "revoked_at FROM coupons WHERE code=?",
                    cand.code);
                if (!q.next()) {
                    reject(Status::CouponInvalid,
                           "no coupon with code " + coupon::display(cand.code));
                } else {
                    camp = p.campaign(q.text(1));
                    const std::int64_t owner = q.i64(2), max = q.i64(3), until = q.i64(4);
                    const std::int64_t used = code_uses(q.i64(0), cand.code);
                    if (!camp)
                        reject(Status::CouponRejected, "the coupon's campaign has ended");
                    else if (q.i64(5) != 0)
                        reject(Status::CouponRejected, "the coupon was withdrawn");
                    else if (owner != 0 && owner != member)
                        reject(Status::CouponRejected, "the coupon belongs to another member");
                    else if (until != 0 && now() >= until)
                        reject(Status::CouponRejected, "the coupon has expired");
                    else if (used >= max)
                        reject(Status::CouponRejected, "the coupon has been used");
                }
            }
        }
        cand.campaign = camp;
        if (camp) fill_uses(cand, member);
        out.push_back(std::move(cand));
    }
    // Then the automatic promotions, as if presented; rules.cpp keeps those that apply.
    for (const auto& cp : p.campaigns) {
        if (!cp.automatic) continue;
        CouponCandidate cand;
        cand.automatic = true;
        cand.campaign = &cp;
        fill_uses(cand, member);
        out.push_back(std::move(cand));
    }
    return out;
}

// A campaign's uses and money off so far, and the member's uses of it: what its limits read.
void Database::Impl::fill_uses(CouponCandidate& cand, std::int64_t member) {
    const Campaign* camp = cand.campaign;
    if (camp->max_uses > 0 || camp->budget > 0) {
        // Its totals, which a stored programme that limits it started
        // (storage/campaign_totals.hpp); counted from its uses if a hand has taken them away
        // (loy_verify names that).
        auto q =
            c.query("SELECT uses, discount FROM campaign_totals WHERE campaign_id=?", camp->id);
        auto read = [&cand](storage::Query& totals) {
            cand.campaign_uses = totals.i64(0);
            cand.budget_used = totals.i64(1);
        };
        if (q.next()) {
            read(q);
        } else {
            auto u = c.query(
                "SELECT COUNT(*), COALESCE(SUM(discount), 0) FROM coupon_uses WHERE campaign_id=? "
                "AND restored_at = 0",
                camp->id);
            if (u.next()) read(u);
        }
    }
    if (member && camp->max_uses_per_member > 0) {
        // Within the current day, week, month or year (local time) when the campaign says so.
        const std::int64_t since = camp->per_member_in_period
                                       ? window_of(camp->member_period, now(),
                                                   program.utc_offset_minutes, program.week_start)
                                             .start_ms
                                       : 0;
        cand.member_uses = scalar(c.query(LOY_MEMBER_CAMPAIGN_USES, camp->id, member, since));
    }
}

void Database::Impl::count_campaign_use(const std::string& campaign_id, std::int64_t discount) {
    c.query(
         "UPDATE campaign_totals SET uses = uses + 1, discount = discount + ? WHERE campaign_id = "
         "?",
         discount, campaign_id)
        .run();
}

std::string Database::issue_coupon(const std::string& campaign_id, std::int64_t member_id,
                                   const std::string& key) {
    check_key(key);
    text::check_field("campaign", campaign_id, kMaxShort);
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    const std::string req = canonical("campaign", campaign_id, "member", member_id);
    return d.idempotent(
        key, "issue_coupon", req,
        [&] {
            const Campaign& camp = d.campaign_of(d.active_program(), campaign_id);
            std::int64_t member = 0;
            if (member_id != 0) {
                member = d.active_owner(member_id);
            }
            d.new_coupon(camp, member, 0, 0);
            return std::pair<std::int64_t, std::int64_t>(d.c.last_id(), 0);
        },
        [&](const Impl::Outcome& out) {
            auto q = d.c.query("SELECT code FROM coupons WHERE id=?", out.id);
            q.next();
            return coupon::display(q.text(0));
        });
}

std::int64_t Database::create_coupon_batch(const std::string& campaign_id, std::int64_t count,
                                           const std::string& key) {
    impl_->not_on_a_till("a batch of coupon codes");
    check_key(key);
    text::check_field("campaign", campaign_id, kMaxShort);
    if (count < 1 || count > 1000000)
        throw Error(Status::InvalidAmount, "a batch holds 1 to 1,000,000 codes");
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    const std::string req = canonical("campaign", campaign_id, "count", count);
    auto out = d.idempotent(key, "coupon_batch", req, [&] {
        const Campaign& camp = d.campaign_of(d.active_program(), campaign_id);
        d.c.query(
               "INSERT INTO coupon_batches(origin, campaign_id, count, created_at) VALUES "
               "(?,?,?,?)",
               d.origin_id, camp.id, count, d.now())
            .run();
        std::int64_t batch = d.c.last_id();
        for (std::int64_t i = 0; i < count; ++i)
            d.new_coupon(camp, 0, batch, 0);
        return std::pair<std::int64_t, std::int64_t>(batch, 0);
    });
    return out.id;
}

std::vector<std::string> Database::coupon_batch_codes(std::int64_t batch_id) {
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    Transaction t(d.c, false);
    if (scalar(d.c.query("SELECT COUNT(*) FROM coupon_batches WHERE id=?", batch_id)) == 0)
        throw Error(Status::NotFound, "no coupon batch " + std::to_string(batch_id));
    std::vector<std::string> out;
    auto q = d.c.query("SELECT code FROM coupons WHERE batch_id=? ORDER BY id", batch_id);
    while (q.next())
        out.push_back(coupon::display(q.text(0)));
    return out;
}

CouponInfo Database::coupon(const std::string& code) {
    text::check_field("coupon code", code, 40);
    const std::string norm = coupon::normalize(code);
    if (!coupon::well_formed(norm))
        throw Error(Status::CouponInvalid, "'" + code + "' is not a valid code: check for a typo");
    std::lock_guard<std::mutex> lock(impl_->mu);
    Transaction t(impl_->c, false);
    auto q = impl_->c.query("SELECT id FROM coupons WHERE code=?", norm);
    if (!q.next()) throw Error(Status::NotFound, "no coupon with code " + coupon::display(norm));
    return impl_->coupon_info(q.i64(0));
}

CouponInfo Database::coupon_by_uid(const std::string& uid) {
    std::lock_guard<std::mutex> lock(impl_->mu);
    Transaction t(impl_->c, false);
    return impl_->coupon_info(impl_->local_id("coupons", 'C', uid));
}

CouponInfo Database::Impl::coupon_info(std::int64_t id) {
    auto q = c.query(
        "SELECT k.campaign_id, COALESCE(k.member_id, 0), COALESCE(k.batch_id, 0), k.max_uses, "
        "k.valid_until, COALESCE(k.issued_sale_id, 0), k.revoked_at, k.code, o.name, "
        "COALESCE(k.origin_seq, k.id) FROM coupons k JOIN origins o ON o.id = k.origin "
        "WHERE k.id=?",
        id);
    if (!q.next()) throw Error(Status::NotFound, "no coupon with id " + std::to_string(id));
    CouponInfo info;
    info.code = q.text(7);
    info.campaign_id = q.text(0);
    info.member_id = q.i64(1);
    info.batch_id = q.i64(2);
    info.max_uses = q.i64(3);
    info.valid_until = q.i64(4);
    info.issued_sale_id = q.i64(5);
    info.revoked = q.i64(6) != 0;
    info.uses = code_uses(id, info.code);
    info.uid = uid(q.text(8), 'C', q.i64(9));
    return info;
}

void Database::revoke_coupon(const std::string& code, const std::string& key) {
    check_key(key);
    text::check_field("coupon code", code, 40);
    const std::string norm = coupon::normalize(code);
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    d.idempotent(key, "revoke_coupon", norm, [&] {
        d.c.query("UPDATE coupons SET revoked_at=? WHERE code=? AND revoked_at=0", d.now(), norm)
            .run();
        if (d.c.changes() == 0)
            throw Error(Status::NotFound, "no active coupon with code " + coupon::display(norm));
        return std::pair<std::int64_t, std::int64_t>(0, 0);
    });
}

}  // namespace loyalty
