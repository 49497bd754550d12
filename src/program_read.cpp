// Reading a programme: its JSON, strictly (every key consumed, no name twice), into the model,
// with every rule checked. The audience sections are read in program_read_audience.cpp, the
// whole programme checked in program_read_checks.cpp, with the reader of program_reader.hpp.
// The inverse is src/program_write.cpp.
#include "loyalty/program.hpp"

#include <nlohmann/json.hpp>

#include "json_strict.hpp"
#include "phrases.hpp"
#include "program_reader.hpp"
#include "text.hpp"

namespace loyalty {

using namespace program_reader;

namespace {

// "phrases": {"fa": {"spend": "{rule}: ..."}}: the programme's own wording, checked against the
// phrases the library writes and their placeholders (src/phrases.cpp).
void read_phrases(Reader& top, Program& p) {
    if (!top.has("phrases")) return;
    const json& all = top.raw("phrases");
    if (!all.is_object()) top.field_fail("phrases", "must be an object of language: phrases");
    for (auto lang = all.begin(); lang != all.end(); ++lang) {
        if (lang.key().empty() || lang.key().size() > 16 || !lang.value().is_object())
            top.field_fail("phrases", "must map language codes to objects of phrase: text");
        for (auto it = lang.value().begin(); it != lang.value().end(); ++it) {
            if (!it.value().is_string() || it.value().get<std::string>().size() > 500)
                top.field_fail("phrases", "'" + lang.key() + "." + it.key() +
                                              "' must be a text of at most 500 bytes");
            const std::string why = phrases::check(it.key(), it.value().get<std::string>());
            if (!why.empty())
                top.field_fail("phrases", "'" + lang.key() + "." + it.key() + "' " + why);
            p.phrases[lang.key()][it.key()] = it.value().get<std::string>();
        }
    }
}
}  // namespace

Program parse_program(std::string_view text) {
    if (!text::is_valid_utf8(text))
        throw Error(Status::InvalidUtf8, "programme text is not valid UTF-8");
    if (text.size() > 4 * 1024 * 1024)
        throw Error(Status::TooLong, "programme text is larger than 4 MiB");
    json j;
    try {
        j = json_strict::parse(text);
    } catch (const json::exception& e) {
        throw Error(Status::InvalidProgram,
                    std::string("programme is not valid JSON: ") + e.what());
    } catch (const json_strict::DuplicateName& d) {
        throw Error(Status::InvalidProgram,
                    "programme: " + (d.where.empty() ? std::string("the programme") : d.where) +
                        " has the field '" + d.key + "' twice");
    }
    Program p;
    Reader top(j, "");
    p.name = top.str("name", "");
    p.names = read_names(top);
    read_phrases(top, p);
    each(top, "branches", [&](Reader& r) {
        Branch b;
        b.id = r.str("id", "", 64);
        if (b.id.empty()) r.field_fail("id", "is required");
        b.names = read_names(r);
        for (const auto& other : p.branches)
            if (other.id == b.id) r.field_fail("id", "'" + b.id + "' is used twice");
        p.branches.push_back(std::move(b));
    });
    p.currency = top.str("currency", "IRR", 8);
    if (p.currency.empty()) top.field_fail("currency", "must not be empty");
    p.utc_offset_minutes = static_cast<int>(top.integer("utc_offset_minutes", 210, -720, 840));
    {
        std::string ws = top.str("week_start", "sat");
        p.week_start = parse_weekday(top, ws);
    }
    p.min_basket = top.integer("min_basket", 0, 0, kMaxAmount);
    p.visit_points = top.integer("visit_points", 0, 0, kMaxPoints);
    p.first_purchase_points = top.integer("first_purchase_points", 0, 0, kMaxPoints);
    p.expiry_days = top.integer("expiry_days", 0, 0, 36500);
    p.pending_days = top.integer("pending_days", 0, 0, 365);
    {
        std::string n = top.str("negative_balance", "allow");
        if (n == "allow")
            p.negative = NegativePolicy::Allow;
        else if (n == "clamp")
            p.negative = NegativePolicy::Clamp;
        else if (n == "refuse")
            p.negative = NegativePolicy::Refuse;
        else
            top.field_fail("negative_balance", "must be allow, clamp or refuse");
    }
    each(top, "spend", [&](Reader& r) {
        SpendRule s;
        s.id = r.str("id", "");
        s.name = r.str("name", s.id);
        s.names = read_names(r);
        s.points = r.integer("points", 0, 1, kMaxPoints);
        s.per = r.integer("per", 0, 1, kMaxAmount);
        s.rounding = parse_rounding(r.str("rounding", "floor"));
        s.after_discounts = r.boolean("after_discounts", true);
        s.include_tax = r.boolean("include_tax", false);
        s.include_service = r.boolean("include_service", false);
        s.include_tips = r.boolean("include_tips", false);
        s.selector = r.selector();
        s.where = r.where();
        s.stop = r.boolean("stop", false);
        p.spend.push_back(std::move(s));
    });
    each(top, "multipliers", [&](Reader& r) {
        Multiplier m;
        m.id = r.str("id", "");
        m.name = r.str("name", m.id);
        m.names = read_names(r);
        m.factor = r.rate("factor", Ratio{1, 1});
        if (m.factor.num == 0) r.field_fail("factor", "must be greater than 0");
        m.selector = r.selector();
        m.where = r.where();
        p.multipliers.push_back(std::move(m));
    });
    each(top, "items", [&](Reader& r) {
        ItemPoints it;
        it.id = r.str("id", "");
        it.name = r.str("name", it.id);
        it.names = read_names(r);
        it.points = r.integer("points", 0, 1, kMaxPoints);
        it.selector = r.selector();
        it.where = r.where();
        if (it.selector.skus.empty() && it.selector.categories.empty())
            r.fail("needs skus or categories");
        p.items.push_back(std::move(it));
    });
    each(top, "promotions", [&](Reader& r) {
        Promotion pr;
        pr.id = r.str("id", "");
        pr.name = r.str("name", pr.id);
        pr.names = read_names(r);
        pr.factor = r.rate("factor", Ratio{1, 1});
        if (pr.factor.num == 0) r.field_fail("factor", "must be greater than 0");
        pr.schedule = parse_schedule(r, p.utc_offset_minutes);
        pr.selector = r.selector();
        pr.where = r.where();
        p.promotions.push_back(std::move(pr));
    });
    each(top, "events", [&](Reader& r) {
        EventRule e;
        e.action = r.str("action", "", 64);
        e.name = r.str("name", e.action);
        e.points = r.integer("points", 0, 1, kMaxPoints);
        e.cap = r.integer("cap", 0, 0, 1000000);
        e.period = parse_period(r.str("per", "day"));
        p.events.push_back(std::move(e));
    });
    each(top, "challenges", [&](Reader& r) {
        Challenge c;
        c.id = r.str("id", "");
        c.name = r.str("name", c.id);
        c.names = read_names(r);
        c.purchases = r.integer("purchases", 0, 1, 1000000);
        c.window = parse_period(r.str("window", "month"));
        c.bonus = r.integer("bonus", 0, 1, kMaxPoints);
        c.min_spend = r.integer("min_spend", 0, 0, kMaxAmount);
        p.challenges.push_back(std::move(c));
    });
    each(top, "stamp_cards", [&](Reader& r) {
        StampCard sc;
        sc.id = r.str("id", "", 64);
        if (sc.id.empty()) r.field_fail("id", "is required");
        sc.name = r.str("name", sc.id);
        sc.names = read_names(r);
        sc.selector = r.selector();
        if (sc.selector.skus.empty() && sc.selector.categories.empty())
            r.fail("needs skus or categories");
        sc.stamps = r.integer("stamps", 0, 2, 1000);
        const std::string per = r.str("per", "item");
        if (per == "item")
            sc.per_purchase = false;
        else if (per == "purchase")
            sc.per_purchase = true;
        else
            r.field_fail("per", "must be item or purchase");
        sc.campaign = r.str("campaign", "");
        if (sc.campaign.empty()) r.field_fail("campaign", "is required (the reward's coupons)");
        p.stamp_cards.push_back(std::move(sc));
    });
    if (top.has("birthday")) {
        Reader r(top.raw("birthday"), "birthday");
        p.birthday.points = r.integer("points", 0, 0, kMaxPoints);
        std::string when = r.str("when", "day");
        if (when == "day")
            p.birthday.whole_month = false;
        else if (when == "month")
            p.birthday.whole_month = true;
        else
            r.field_fail("when", "must be day or month");
        r.done();
    }
    if (top.has("gift_cards")) {
        Reader r(top.raw("gift_cards"), "gift_cards");
        p.gift_cards.max_balance = r.integer("max_balance", 0, 0, kMaxAmount);
        r.done();
    }
    if (top.has("transfers")) {
        Reader r(top.raw("transfers"), "transfers");
        p.transfers.enabled = true;
        p.transfers.min_points = r.integer("min_points", 1, 1, kMaxPoints);
        p.transfers.daily_max = r.integer("daily_max", 0, 0, kMaxPoints);
        r.done();
    }
    if (top.has("claims")) {
        Reader r(top.raw("claims"), "claims");
        p.claims.enabled = true;
        p.claims.window_days = r.integer("window_days", 30, 1, 366);
        r.done();
    }
    if (top.has("adjustments")) {
        Reader r(top.raw("adjustments"), "adjustments");
        p.adjustments.approval_above = r.integer("approval_above", 0, 0, kMaxPoints);
        p.adjustments.operator_daily_points = r.integer("operator_daily_points", 0, 0, kMaxPoints);
        r.done();
    }
    if (top.has("earn_cap")) {
        Reader r(top.raw("earn_cap"), "earn_cap");
        p.earn_cap.points = r.integer("points", 0, 1, kMaxPoints);
        p.earn_cap.period = parse_period(r.str("per", "day"));
        r.done();
    }
    if (top.has("redeem")) {
        Reader r(top.raw("redeem"), "redeem");
        p.point_value = r.rate("point_value", Ratio{0, 1});
        p.min_redeem = r.integer("min_points", 0, 0, kMaxPoints);
        p.redeem_multiple = r.integer("multiple_of", 0, 0, kMaxPoints);
        p.redeem_same_sale = r.boolean("same_sale", false);
        if (p.redeem_same_sale && p.pending_days > 0)
            r.field_fail("same_sale",
                         "cannot be used with pending_days: the points a sale earns are not yet "
                         "available when it is paid");
        p.max_share = r.rate("max_share", Ratio{1, 1});
        if (p.max_share.num > p.max_share.den) r.field_fail("max_share", "must be at most 1");
        r.done();
    }
    if (top.has("tiers")) {
        Reader r(top.raw("tiers"), "tiers");
        TierProgram& t = p.tiers;
        std::string w = r.str("window", "lifetime");
        if (w == "lifetime")
            t.window = TierWindow::Lifetime;
        else if (w == "rolling")
            t.window = TierWindow::Rolling;
        else if (w == "calendar_year")
            t.window = TierWindow::CalendarYear;
        else if (w == "jalali_year")
            t.window = TierWindow::JalaliYear;
        else
            r.field_fail("window", "must be lifetime, rolling, calendar_year or jalali_year");
        t.window_days = r.integer("window_days", 365, 1, 36500);
        t.grace_days = r.integer("grace_days", 0, 0, 3650);
        std::string d = r.str("downgrade", "one_step");
        if (d == "one_step")
            t.downgrade = DowngradePolicy::OneStep;
        else if (d == "to_score")
            t.downgrade = DowngradePolicy::ToScore;
        else
            r.field_fail("downgrade", "must be one_step or to_score");
        each(r, "score", [&](Reader& s) {
            ScoreTerm term;
            std::string m = s.str("metric", "points");
            if (m == "points")
                term.metric = ScoreTerm::Metric::Points;
            else if (m == "spend")
                term.metric = ScoreTerm::Metric::Spend;
            else if (m == "purchases")
                term.metric = ScoreTerm::Metric::Purchases;
            else
                s.field_fail("metric", "must be points, spend or purchases");
            term.source = s.str("source", "", 64);
            if (!term.source.empty() && term.metric != ScoreTerm::Metric::Points)
                s.field_fail("source", "applies to the points metric only");
            term.weight = s.rate("weight", Ratio{1, 1});
            t.score.push_back(std::move(term));
        });
        if (t.score.empty()) t.score.push_back(ScoreTerm{});
        each(r, "levels", [&](Reader& l) {
            TierLevel lv;
            lv.id = l.str("id", "", 64);
            lv.name = l.str("name", lv.id);
            lv.names = read_names(l);
            lv.threshold = l.integer("threshold", 0, 0, kMaxAmount);
            lv.multiplier = l.rate("multiplier", Ratio{1, 1});
            if (lv.multiplier.num < lv.multiplier.den)
                l.field_fail("multiplier", "must be at least 1");
            lv.discount = l.rate("discount", Ratio{0, 1});
            if (lv.discount.num > lv.discount.den) l.field_fail("discount", "must be at most 1");
            lv.discount_selector = l.selector();
            lv.free_delivery = l.boolean("free_delivery", false);
            lv.permanent = l.boolean("permanent", false);
            lv.benefits = l.strings("benefits");
            t.levels.push_back(std::move(lv));
        });
        for (std::size_t i = 1; i < t.levels.size(); ++i)
            if (t.levels[i].threshold <= t.levels[i - 1].threshold)
                r.fail("levels must have rising thresholds ('" + t.levels[i].id + "')");
        r.done();
    }
    each(top, "plans", [&](Reader& r) {
        Plan pl;
        pl.id = r.str("id", "", 64);
        pl.name = r.str("name", pl.id);
        pl.fee = r.integer("fee", 0, 0, kMaxAmount);
        pl.period = parse_period(r.str("period", "month"));
        if (pl.period == Period::Day || pl.period == Period::Week)
            r.field_fail("period", "must be month or year");
        pl.multiplier = r.rate("multiplier", Ratio{1, 1});
        if (pl.multiplier.num < pl.multiplier.den) r.field_fail("multiplier", "must be at least 1");
        pl.discount = r.rate("discount", Ratio{0, 1});
        if (pl.discount.num > pl.discount.den) r.field_fail("discount", "must be at most 1");
        pl.discount_selector = r.selector();
        pl.free_delivery = r.boolean("free_delivery", false);
        pl.tier_floor = r.str("tier_floor", "", 64);
        pl.benefits = r.strings("benefits");
        p.plans.push_back(std::move(pl));
    });
    each(top, "partners", [&](Reader& r) {
        Partner pa;
        pa.id = r.str("id", "", 64);
        pa.name = r.str("name", pa.id);
        p.partners.push_back(std::move(pa));
    });
    each(top, "campaigns", [&](Reader& r) {
        Campaign c;
        c.id = r.str("id", "", 64);
        c.name = r.str("name", c.id);
        c.names = read_names(r);
        std::string e = r.str("effect", "percent");
        if (e == "percent")
            c.effect = Campaign::Effect::Percent;
        else if (e == "amount")
            c.effect = Campaign::Effect::Amount;
        else if (e == "free_item")
            c.effect = Campaign::Effect::FreeItem;
        else if (e == "bonus_points")
            c.effect = Campaign::Effect::BonusPoints;
        else if (e == "multiplier")
            c.effect = Campaign::Effect::Multiplier;
        else if (e == "cheapest")
            c.effect = Campaign::Effect::Cheapest;
        else
            r.field_fail("effect",
                         "must be percent, amount, free_item, cheapest, bonus_points or "
                         "multiplier");
        switch (c.effect) {
            case Campaign::Effect::Percent:
                c.rate = r.rate("percent", Ratio{0, 1});
                if (c.rate.num == 0 || c.rate.num > c.rate.den)
                    r.field_fail("percent", "must be a share above 0 and at most 1, e.g. \"0.1\"");
                c.cap = r.integer("cap", 0, 0, kMaxAmount);
                break;
            case Campaign::Effect::Amount:
                c.amount = r.integer("amount", 0, 1, kMaxAmount);
                break;
            case Campaign::Effect::FreeItem:
                c.free_sku = r.str("sku", "", 64);
                if (c.free_sku.empty()) r.field_fail("sku", "names the free item");
                break;
            case Campaign::Effect::BonusPoints:
                c.amount = r.integer("points", 0, 1, kMaxPoints);
                break;
            case Campaign::Effect::Multiplier:
                c.rate = r.rate("factor", Ratio{1, 1});
                if (c.rate.num <= c.rate.den) r.field_fail("factor", "must be above 1");
                break;
            case Campaign::Effect::Cheapest:
                c.rate = r.rate("percent", Ratio{1, 1});
                if (c.rate.num == 0 || c.rate.num > c.rate.den)
                    r.field_fail("percent", "must be a share above 0 and at most 1 (1 = free)");
                break;
        }
        c.min_basket = r.integer("min_basket", 0, 0, kMaxAmount);
        c.min_basket_with_tax = r.boolean("min_basket_with_tax", false);
        c.min_quantity = r.integer("min_quantity", 0, 0, 1000000) * 1000;
        c.selector = r.selector();
        c.tiers = r.strings("tiers");
        c.tag = r.str("tag", "", 64);
        c.members_only = r.boolean("members_only", false);
        c.schedule = parse_schedule(r, p.utc_offset_minutes);
        c.branches = r.strings("branches");
        c.code = r.str("code", "", 32);
        for (char& ch : c.code)
            if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
        c.max_uses = r.integer("max_uses", 0, 0, kMaxAmount);
        c.max_uses_per_member = r.integer("max_uses_per_member", 0, 0, kMaxAmount);
        if (r.has("max_uses_per_member_per")) {
            c.per_member_in_period = true;
            c.member_period = parse_period(r.str("max_uses_per_member_per", "day"));
            if (c.max_uses_per_member == 0)
                r.field_fail("max_uses_per_member_per", "needs max_uses_per_member");
        }
        c.uses_per_code = r.integer("uses_per_code", 1, 1, kMaxAmount);
        c.budget = r.integer("budget", 0, 0, kMaxAmount);
        c.combinable = r.boolean("combinable", false);
        c.automatic = r.boolean("auto", false);
        c.priority = static_cast<int>(r.integer("priority", 0, -1000000, 1000000));
        c.valid_days = r.integer("valid_days", 0, 0, 36500);
        c.issue_min_spend = r.integer("issue_on_purchase_min_spend", -1, -1, kMaxAmount);
        if (c.automatic && !c.code.empty())
            r.field_fail("auto", "is for promotions without a code; remove the code");
        if (c.automatic && (c.issue_min_spend >= 0 || c.valid_days > 0))
            r.field_fail("auto", "is for promotions without a code, not for issued codes");
        c.partner = r.str("partner", "", 64);
        c.partner_share = r.rate("partner_share", Ratio{c.partner.empty() ? 0 : 1, 1});
        if (c.partner_share.num > c.partner_share.den)
            r.field_fail("partner_share", "must be at most 1");
        p.campaigns.push_back(std::move(c));
    });
    each(top, "rewards", [&](Reader& r) {
        Reward w;
        w.id = r.str("id", "", 64);
        w.name = r.str("name", w.id);
        std::string t = r.str("type", "product");
        if (t == "product")
            w.type = Reward::Type::Product;
        else if (t == "coupon")
            w.type = Reward::Type::Coupon;
        else if (t == "wallet")
            w.type = Reward::Type::Wallet;
        else if (t == "donation")
            w.type = Reward::Type::Donation;
        else
            r.field_fail("type", "must be product, coupon, wallet or donation");
        w.points = r.integer("points", 0, 1, kMaxPoints);
        w.sku = r.str("sku", "", 64);
        w.campaign = r.str("campaign", "", 64);
        w.amount = r.integer("amount", 0, 0, kMaxAmount);
        w.cause = r.str("cause", "");
        w.stock = r.integer("stock", 0, 0, kMaxAmount);
        w.per_member = r.integer("per_member", 0, 0, kMaxAmount);
        if (w.type == Reward::Type::Coupon && w.campaign.empty())
            r.field_fail("campaign", "names the coupon's campaign");
        if (w.type == Reward::Type::Wallet && w.amount == 0)
            r.field_fail("amount", "is the money credited");
        if (w.type == Reward::Type::Donation && w.cause.empty())
            r.field_fail("cause", "names the cause");
        p.rewards.push_back(std::move(w));
    });
    if (top.has("cashback")) {
        Reader r(top.raw("cashback"), "cashback");
        p.cashback.rate = r.rate("percent", Ratio{0, 1});
        if (p.cashback.rate.num > p.cashback.rate.den) r.field_fail("percent", "must be at most 1");
        p.cashback.pending_days = r.integer("pending_days", 0, 0, 365);
        p.cashback.selector = r.selector();
        r.done();
    }
    if (top.has("referral")) {
        Reader r(top.raw("referral"), "referral");
        std::string on = r.str("on", "first_purchase");
        if (on == "first_purchase")
            p.referral.every_purchase = false;
        else if (on == "every_purchase")
            p.referral.every_purchase = true;
        else
            r.field_fail("on", "must be first_purchase or every_purchase");
        p.referral.min_spend = r.integer("min_spend", 0, 0, kMaxAmount);
        p.referral.referrer_points = r.integer("referrer_points", 0, 0, kMaxPoints);
        p.referral.referee_points = r.integer("referee_points", 0, 0, kMaxPoints);
        p.referral.referrer_campaign = r.str("referrer_campaign", "", 64);
        p.referral.referee_campaign = r.str("referee_campaign", "", 64);
        r.done();
    }
    each(top, "draws", [&](Reader& r) {
        Draw d;
        d.id = r.str("id", "", 64);
        d.name = r.str("name", d.id);
        d.from_ms = parse_date(r, "from", p.utc_offset_minutes, false);
        d.to_ms = parse_date(r, "to", p.utc_offset_minutes, true);
        if (!d.from_ms || !d.to_ms || d.to_ms <= d.from_ms)
            r.fail("needs 'from' and 'to' dates, in order");
        d.per_purchase = r.integer("per_purchase", 0, 0, 1000000);
        d.per_amount = r.integer("per_amount", 0, 0, kMaxAmount);
        d.points_per_entry = r.integer("points_per_entry", 0, 0, kMaxPoints);
        p.draws.push_back(std::move(d));
    });
    p.language = top.str("language", "en", 16);
    if (p.language.empty()) top.field_fail("language", "must not be empty");
    read_audience(top, p);
    check_references(p);
    top.done();
    check_unique_ids(p);
    return p;
}

}  // namespace loyalty
