// Reading a programme: its JSON, strictly (every key consumed, no name twice), into the model,
// with every rule checked. The inverse is src/program_write.cpp.
#include "loyalty/program.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <set>

#include "calendar.hpp"
#include "json_strict.hpp"
#include "messages.hpp"
#include "phrases.hpp"
#include "program_text.hpp"
#include "segments.hpp"
#include "text.hpp"

namespace loyalty {

using nlohmann::json;
using program_text::find_by_id;
using program_text::kWeekdays;
using segments::is_rfm_group;

namespace {

// Reads one JSON object strictly: every key must be consumed, so a typo is an error.
class Reader {
  public:
    Reader(const json& j, std::string path) : j_(j), path_(std::move(path)) {
        if (!j_.is_object()) fail("must be an object");
    }
    ~Reader() = default;

    [[noreturn]] void fail(const std::string& why) const {
        throw Error(Status::InvalidProgram, "programme: " + path_ + " " + why);
    }
    bool has(const char* k) {
        used_.insert(k);
        return j_.contains(k);
    }
    const json& raw(const char* k) {
        used_.insert(k);
        return j_.at(k);
    }
    std::string str(const char* k, const std::string& def, std::size_t max = 200) {
        if (!has(k)) return def;
        const json& v = j_.at(k);
        if (!v.is_string()) field_fail(k, "must be a string");
        std::string s = v.get<std::string>();
        if (s.size() > max) field_fail(k, "is too long");
        return s;
    }
    std::int64_t integer(const char* k, std::int64_t def, std::int64_t lo, std::int64_t hi) {
        if (!has(k)) {
            // A field whose default is not a valid value must be given.
            if (def < lo || def > hi) field_fail(k, "is required");
            return def;
        }
        const json& v = j_.at(k);
        if (!v.is_number_integer()) field_fail(k, "must be a whole number");
        std::int64_t x;
        if (v.is_number_unsigned()) {
            auto u = v.get<std::uint64_t>();
            if (u > static_cast<std::uint64_t>(hi)) field_fail(k, "is too large");
            x = static_cast<std::int64_t>(u);
        } else {
            x = v.get<std::int64_t>();
        }
        if (x < lo || x > hi)
            field_fail(k, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
        return x;
    }
    bool boolean(const char* k, bool def) {
        if (!has(k)) return def;
        const json& v = j_.at(k);
        if (!v.is_boolean()) field_fail(k, "must be true or false");
        return v.get<bool>();
    }
    Ratio rate(const char* k, Ratio def) {
        if (!has(k)) return def;
        const json& v = j_.at(k);
        if (!v.is_string()) field_fail(k, "must be a decimal string such as \"1.5\"");
        try {
            return parse_rate(v.get<std::string>());
        } catch (const Error& e) {
            field_fail(k, e.what());
        }
    }
    std::vector<std::string> strings(const char* k) {
        std::vector<std::string> out;
        if (!has(k)) return out;
        const json& v = j_.at(k);
        if (!v.is_array()) field_fail(k, "must be an array of strings");
        for (const auto& e : v) {
            if (!e.is_string()) field_fail(k, "must be an array of strings");
            out.push_back(e.get<std::string>());
        }
        return out;
    }
    Where where() {
        Where w;
        w.branches = strings("branches");
        w.terminals = strings("terminals");
        return w;
    }
    Selector selector() {
        Selector s;
        s.skus = strings("skus");
        s.categories = strings("categories");
        s.exclude_skus = strings("exclude_skus");
        s.exclude_categories = strings("exclude_categories");
        return s;
    }
    void done() const {
        for (auto it = j_.begin(); it != j_.end(); ++it)
            if (!used_.count(it.key())) fail("has an unknown field '" + it.key() + "'");
    }
    [[noreturn]] void field_fail(const char* k, const std::string& why) const {
        fail("field '" + std::string(k) + "' " + why);
    }
    const std::string& path() const { return path_; }

  private:
    const json& j_;
    std::string path_;
    std::set<std::string> used_;
};

std::int64_t parse_date(Reader& r, const char* k, int offset, bool end_of_day) {
    std::string s = r.str(k, "");
    if (s.empty()) return 0;
    int y = 0;
    unsigned m = 0, d = 0;
    char tail = 0;
    if (s.size() != 10 || std::sscanf(s.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) != 3 ||
        m < 1 || m > 12 || d < 1 || d > cal::days_in_month(y, m))
        r.field_fail(k, "must be a date YYYY-MM-DD");
    std::int64_t day = cal::days_from_civil(y, m, d) + (end_of_day ? 1 : 0);
    return cal::local_midnight(day, offset);
}

int parse_minute(Reader& r, const char* k, int def) {
    std::string s = r.str(k, "");
    if (s.empty()) return def;
    unsigned h = 0, m = 0;
    char tail = 0;
    if (s.size() != 5 || std::sscanf(s.c_str(), "%2u:%2u%c", &h, &m, &tail) != 2 || m > 59 ||
        h > 24 || (h == 24 && m != 0))
        r.field_fail(k, "must be a time HH:MM (00:00 to 24:00)");
    return static_cast<int>(h * 60 + m);
}

int parse_weekday(Reader& r, const std::string& s);

Schedule parse_schedule(Reader& r, int offset) {
    Schedule s;
    s.from_ms = parse_date(r, "from", offset, false);
    s.to_ms = parse_date(r, "to", offset, true);
    if (s.from_ms && s.to_ms && s.to_ms <= s.from_ms) r.fail("ends before it starts");
    auto days = r.strings("weekdays");
    if (!days.empty()) {
        s.weekdays = 0;
        for (const auto& d : days)
            s.weekdays |= 1u << parse_weekday(r, d);
    }
    s.start_minute = parse_minute(r, "start", 0);
    s.end_minute = parse_minute(r, "end", 24 * 60);
    if (s.end_minute <= s.start_minute) r.fail("'end' must be after 'start'");
    return s;
}

int parse_weekday(Reader& r, const std::string& s) {
    for (int i = 0; i < 7; ++i)
        if (s == kWeekdays[i]) return i;
    r.fail("weekday must be one of mon tue wed thu fri sat sun, not '" + s + "'");
}

template <typename F>
void each(Reader& top, const char* key, F f) {
    if (!top.has(key)) return;
    const json& arr = top.raw(key);
    if (!arr.is_array()) top.field_fail(key, "must be an array");
    std::size_t i = 0;
    for (const auto& e : arr) {
        Reader r(e, std::string(key) + "[" + std::to_string(i++) + "]");
        f(r);
        r.done();
    }
}

constexpr std::int64_t kMaxPoints = 1000000000000LL;  // 10^12: far above any sane rule
constexpr std::int64_t kMaxAmount = 4000000000000000000LL;

void check_ids(const std::vector<std::string>& ids, const char* what) {
    std::set<std::string> seen;
    for (const auto& id : ids) {
        if (id.empty())
            throw Error(Status::InvalidProgram,
                        std::string("programme: every ") + what + " needs a non-empty id");
        if (!seen.insert(id).second)
            throw Error(Status::InvalidProgram,
                        std::string("programme: ") + what + " id '" + id + "' is used twice");
    }
}

// "names": {"fa": "...", "en": "..."}: language codes to display names (at most 200 bytes).
DisplayNames read_names(Reader& r) {
    DisplayNames out;
    if (!r.has("names")) return out;
    const json& t = r.raw("names");
    if (!t.is_object()) r.field_fail("names", "must be an object of language: name");
    for (auto it = t.begin(); it != t.end(); ++it) {
        if (!it.value().is_string() || it.key().empty() || it.key().size() > 16 ||
            it.value().get<std::string>().empty() || it.value().get<std::string>().size() > 200)
            r.field_fail("names", "must map language codes to names of 1 to 200 bytes");
        out.emplace_back(it.key(), it.value().get<std::string>());
    }
    return out;
}

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
    if (top.has("rfm")) {
        Reader r(top.raw("rfm"), "rfm");
        p.rfm.window_days = r.integer("window_days", 365, 1, 36500);
        auto thresholds = [&](const char* k, std::vector<std::int64_t>& out) {
            if (!r.has(k)) return;
            const json& v = r.raw(k);
            if (!v.is_array() || v.size() != 4) r.field_fail(k, "must list 4 ascending numbers");
            for (const auto& e : v) {
                if (!e.is_number_integer() || e.get<std::int64_t>() < 0 ||
                    (!out.empty() && e.get<std::int64_t>() <= out.back()))
                    r.field_fail(k, "must list 4 ascending whole numbers");
                out.push_back(e.get<std::int64_t>());
            }
        };
        thresholds("recency_days", p.rfm.recency_days);
        thresholds("frequency", p.rfm.frequency);
        thresholds("monetary", p.rfm.monetary);
        r.done();
    }
    each(top, "segments", [&](Reader& r) {
        SegmentRule g;
        g.id = r.str("id", "", 64);
        if (g.id.empty() || g.id.rfind("rfm:", 0) == 0)
            r.fail("needs an 'id' (not starting with 'rfm:', which names the RFM groups)");
        g.name = r.str("name", g.id);
        g.tiers = r.strings("tiers");
        g.tags = r.strings("tags");
        g.branches = r.strings("branches");
        g.rfm_groups = r.strings("rfm_groups");
        for (const auto& x : g.rfm_groups)
            if (!is_rfm_group(x))
                r.field_fail("rfm_groups", "names '" + x +
                                               "'; the groups are champions, loyal, potential, "
                                               "new, at_risk, hibernating, lost");
        g.bought_within_days = r.integer("bought_within_days", 0, 0, 36500);
        g.not_bought_for_days = r.integer("not_bought_for_days", 0, 0, 36500);
        g.window_days = r.integer("window_days", 0, 0, 36500);
        g.min_spend = r.integer("min_spend", 0, 0, kMaxAmount);
        g.max_spend = r.integer("max_spend", 0, 0, kMaxAmount);
        g.min_visits = r.integer("min_visits", 0, 0, 1000000);
        g.max_visits = r.integer("max_visits", 0, 0, 1000000);
        g.birthday_within_days = r.integer("birthday_within_days", -1, -1, 366);
        g.joined_within_days = r.integer("joined_within_days", 0, 0, 36500);
        g.consent = r.str("consent", "", 8);
        if (!g.consent.empty() && g.consent != "sms" && g.consent != "email" && g.consent != "push")
            r.field_fail("consent", "must be sms, email or push");
        g.plan = r.str("plan", "", 64);
        p.segments.push_back(std::move(g));
    });
    if (top.has("messages")) {
        Reader m(top.raw("messages"), "messages");
        auto text_of = [&](Reader& r, MessageText& out) {
            if (!r.has("text")) r.fail("needs a 'text' object of language: template");
            const json& t = r.raw("text");
            if (!t.is_object() || t.empty())
                r.field_fail("text", "must be an object of language: template");
            for (auto it = t.begin(); it != t.end(); ++it) {
                if (!it.value().is_string() || it.key().empty() || it.key().size() > 16)
                    r.field_fail("text", "must map language codes to template strings");
                std::string tpl = it.value().get<std::string>();
                if (tpl.size() > 1000) r.field_fail("text", "has a template over 1000 bytes");
                messages::render(tpl, it.key(), messages::Values{});  // validates placeholders
                out.by_language.emplace_back(it.key(), std::move(tpl));
            }
        };
        auto channel_of = [&](Reader& r) {
            std::string c = r.str("channel", "sms", 8);
            if (c != "sms" && c != "email" && c != "push")
                r.field_fail("channel", "must be sms, email or push");
            return c;
        };
        const int quiet_start = parse_minute(m, "quiet_start", -1);
        const int quiet_end = parse_minute(m, "quiet_end", -1);
        if ((quiet_start < 0) != (quiet_end < 0) || (quiet_start >= 0 && quiet_start == quiet_end))
            m.fail("needs both 'quiet_start' and 'quiet_end', and they must differ");
        p.messages.quiet_start = quiet_start;
        p.messages.quiet_end = quiet_end;
        p.messages.cap_count = m.integer("cap_count", 0, 0, 1000);
        p.messages.cap_days = m.integer("cap_days", 7, 1, 365);
        p.messages.amounts = m.str("amounts", "", 8);
        if (!p.messages.amounts.empty() && p.messages.amounts != "rial" &&
            p.messages.amounts != "toman")
            m.field_fail("amounts", "must be rial or toman");
        if (p.messages.amounts == "toman" && p.currency != "IRR" && p.currency != "IRT")
            m.field_fail("amounts", "toman needs the programme currency IRR or IRT");
        if (p.messages.amounts == "rial" && p.currency == "IRT")
            m.field_fail("amounts", "cannot show toman amounts in rial without rounding");
        each(m, "triggers", [&](Reader& r) {
            MessageTrigger t;
            t.trigger = r.str("trigger", "", 32);
            static const char* const kTriggers[] = {"welcome",   "earned",   "tier_up",
                                                    "tier_down", "expiring", "birthday",
                                                    "coupon",    "winback",  "plan_expiring"};
            bool known = false;
            for (const char* k : kTriggers)
                known = known || t.trigger == k;
            if (!known)
                r.field_fail("trigger",
                             "must be one of welcome earned tier_up tier_down expiring birthday "
                             "coupon winback plan_expiring");
            t.channel = channel_of(r);
            const bool needs_days =
                t.trigger == "expiring" || t.trigger == "winback" || t.trigger == "plan_expiring";
            t.days = r.integer("days", needs_days ? -1 : 0, 0, 3650);
            if (t.trigger == "winback" && t.days == 0) r.field_fail("days", "must be at least 1");
            text_of(r, t.text);
            for (const auto& o : p.messages.triggers)
                if (o.trigger == t.trigger && o.channel == t.channel)
                    r.fail("repeats trigger '" + t.trigger + "' on channel " + t.channel);
            p.messages.triggers.push_back(std::move(t));
        });
        each(m, "campaigns", [&](Reader& r) {
            MessageCampaign c;
            c.id = r.str("id", "", 64);
            if (c.id.empty()) r.fail("needs an 'id'");
            c.name = r.str("name", c.id);
            c.segment = r.str("segment", "", 64);
            if (c.segment.empty()) r.fail("needs a 'segment'");
            c.channel = channel_of(r);
            c.holdout_percent = r.integer("holdout_percent", 0, 0, 90);
            c.measure_days = r.integer("measure_days", 14, 1, 365);
            text_of(r, c.text);
            p.messages.campaigns.push_back(std::move(c));
        });
        m.done();
    }
    auto known_campaign = [&](const std::string& id, const std::string& where) {
        if (!id.empty() && !p.campaign(id))
            throw Error(Status::InvalidProgram, "programme: " + where + " names campaign '" + id +
                                                    "', which is not defined");
    };
    for (const auto& w : p.rewards)
        known_campaign(w.campaign, "reward '" + w.id + "'");
    for (const auto& sc : p.stamp_cards)
        known_campaign(sc.campaign, "stamp card '" + sc.id + "'");
    known_campaign(p.referral.referrer_campaign, "referral");
    known_campaign(p.referral.referee_campaign, "referral");
    for (const auto& c : p.campaigns) {
        if (!c.partner.empty() && !find_by_id(p.partners, c.partner))
            throw Error(Status::InvalidProgram, "programme: campaign '" + c.id +
                                                    "' names partner '" + c.partner +
                                                    "', which is not defined");
        for (const auto& t : c.tiers)
            if (p.level_index(t) < 0)
                throw Error(Status::InvalidProgram, "programme: campaign '" + c.id +
                                                        "' names tier '" + t +
                                                        "', which is not a tier level");
    }
    {
        std::set<std::string> codes;
        for (const auto& c : p.campaigns)
            if (!c.code.empty() && !codes.insert(c.code).second)
                throw Error(Status::InvalidProgram,
                            "programme: the public code '" + c.code + "' is used by two campaigns");
    }
    for (const auto& pl : p.plans)
        if (!pl.tier_floor.empty() && p.level_index(pl.tier_floor) < 0)
            throw Error(Status::InvalidProgram, "programme: plan '" + pl.id + "' has tier_floor '" +
                                                    pl.tier_floor + "', which is not a tier level");
    for (const auto& g : p.segments) {
        for (const auto& t : g.tiers)
            if (p.level_index(t) < 0)
                throw Error(Status::InvalidProgram, "programme: segment '" + g.id +
                                                        "' names tier '" + t +
                                                        "', which is not a tier level");
        if (!g.plan.empty() && g.plan != "any" && g.plan != "none" && !p.plan(g.plan))
            throw Error(Status::InvalidProgram, "programme: segment '" + g.id + "' names plan '" +
                                                    g.plan + "', which is not defined");
    }
    for (const auto& c : p.messages.campaigns)
        if (!p.segment(c.segment) &&
            !(c.segment.rfind("rfm:", 0) == 0 && is_rfm_group(c.segment.substr(4))))
            throw Error(Status::InvalidProgram,
                        "programme: message campaign '" + c.id + "' names segment '" + c.segment +
                            "', which is neither a segment nor rfm:<group>");
    top.done();
    std::vector<std::string> ids;
    for (const auto& s : p.spend)
        ids.push_back(s.id);
    for (const auto& s : p.multipliers)
        ids.push_back(s.id);
    for (const auto& s : p.items)
        ids.push_back(s.id);
    for (const auto& s : p.promotions)
        ids.push_back(s.id);
    for (const auto& s : p.challenges)
        ids.push_back(s.id);
    check_ids(ids, "rule");
    ids.clear();
    for (const auto& e : p.events)
        ids.push_back(e.action);
    check_ids(ids, "event action");
    ids.clear();
    for (const auto& l : p.tiers.levels)
        ids.push_back(l.id);
    check_ids(ids, "tier level");
    ids.clear();
    for (const auto& pl : p.plans)
        ids.push_back(pl.id);
    check_ids(ids, "plan");
    auto ids_of = [](const auto& v) {
        std::vector<std::string> out;
        for (const auto& x : v)
            out.push_back(x.id);
        return out;
    };
    check_ids(ids_of(p.campaigns), "campaign");
    check_ids(ids_of(p.rewards), "reward");
    check_ids(ids_of(p.partners), "partner");
    check_ids(ids_of(p.draws), "draw");
    check_ids(ids_of(p.stamp_cards), "stamp card");
    check_ids(ids_of(p.segments), "segment");
    check_ids(ids_of(p.messages.campaigns), "message campaign");
    return p;
}

}  // namespace loyalty
