// Segments and the message outbox (docs/reports.md).
#include "storage/audience.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <string_view>
#include <unordered_map>

#include "calendar.hpp"
#include "platform.hpp"
#include "loyalty/coupons.hpp"
#include "loyalty/database.hpp"
#include "messages.hpp"
#include "periods.hpp"
#include "storage/member_index.hpp"
#include "storage/report_kit.hpp"
#include "storage/sales_time.hpp"
#include "text.hpp"

namespace loyalty {

using report_kit::cell;
using storage::Session;

namespace {

using cal::kDayMs;
// Event-driven triggers look back at most this far the first time they run, so adding a
// trigger to a programme does not message every member who ever joined or bought.
constexpr std::int64_t kLookbackMs = 2 * kDayMs;

std::int64_t at_or_now(const Session& s, std::int64_t at_ms) {
    if (at_ms < 0) throw Error(Status::InvalidArgument, "time must not be negative");
    return at_ms == 0 ? s.now : at_ms;
}

// Purchases and net spend per member in [from, to].
std::unordered_map<std::int64_t, std::pair<std::int64_t, std::int64_t>> activity(Session& s,
                                                                                 std::int64_t from,
                                                                                 std::int64_t to) {
    std::unordered_map<std::int64_t, std::pair<std::int64_t, std::int64_t>> out;
    const std::int64_t end = to == INT64_MAX ? to : to + 1;
    const storage::SaleIds ids = storage::sales_in_time(s.c, from, end);
    auto q = s.c.query("SELECT member_id, COUNT(*), SUM(" LOY_NET_AMOUNT
                       ") FROM sales s WHERE " LOY_SALES_BETWEEN("1", "2", "3", "4")
                       " AND member_id IS NOT NULL AND status IN (0, 1) AND created_at >= ?1 "
                       "AND created_at < ?2 GROUP BY member_id",
                       from, end, ids.lo, ids.hi);
    while (q.next())
        out[q.i64(0)] = {q.i64(1), q.i64(2)};
    return out;
}

// The facts of member `id`, for ids asked in increasing order: members' facts are in id order.
class InOrder {
  public:
    explicit InOrder(std::vector<segments::Facts>& facts) : facts_(facts) {}
    segments::Facts* operator()(std::int64_t id) {
        while (next_ < facts_.size() && facts_[next_].id < id)
            ++next_;
        return next_ < facts_.size() && facts_[next_].id == id ? &facts_[next_] : nullptr;
    }

  private:
    std::vector<segments::Facts>& facts_;
    std::size_t next_ = 0;
};

}  // namespace

namespace audience {

Population load(Session& s, std::int64_t at_ms) {
    const std::int64_t at = at_or_now(s, at_ms);
    const int offset = s.program.utc_offset_minutes;
    Population pop;
    pop.today = cal::local_day(at, offset);
    const std::int64_t window_start = at - s.program.rfm.window_days * kDayMs;
    // Room for every member at once (the table's rows bound their number; counted from its
    // smallest index): a million members' facts are not moved again and again as the vector
    // grows.
    {
        auto n = s.c.query("SELECT COUNT(*) FROM members");
        if (n.next()) {
            pop.facts.reserve(static_cast<std::size_t>(n.i64(0)));
            platform::prefer_large_pages(pop.facts.data(),
                                         pop.facts.capacity() * sizeof(segments::Facts));
        }
    }
    // Every member's sales in one pass over the sales, grouped: not through the member index,
    // whose scan would read every member's entries and lots too.
    auto q = s.c.query(
        "SELECT m.id, m.tier, COALESCE(m.branch, ''), m.birth_month, m.birth_day, "
        "m.consent_sms, m.consent_email, m.consent_push, m.created_at, "
        "st.last, COALESCE(st.visits, 0), COALESCE(st.spend, 0) FROM members m LEFT JOIN "
        "(SELECT member_id, MAX(created_at) last, SUM(created_at >= ?1) visits, "
        "SUM(CASE WHEN created_at >= ?1 THEN " LOY_NET_AMOUNT
        " ELSE 0 END) spend FROM sales s WHERE member_id IS NOT NULL AND status IN (0, 1) AND "
        "created_at <= ?2 GROUP BY member_id) st ON st.member_id = m.id WHERE m.status = 0 AND "
        "m.created_at <= ?2 ORDER BY m.id",
        window_start, at);
    while (q.next()) {
        segments::Facts& f = pop.facts.emplace_back();
        f.id = q.i64(0);
        f.tier = pop.name(q.view(1));
        f.branch = pop.name(q.view(2));
        f.birth_month = static_cast<int>(q.i64(3));
        f.birth_day = static_cast<int>(q.i64(4));
        f.consent_sms = q.i64(5) != 0;
        f.consent_email = q.i64(6) != 0;
        f.consent_push = q.i64(7) != 0;
        f.joined_day = cal::local_day(q.i64(8), offset);
        f.last_purchase_day = q.is_null(9) ? -1 : cal::local_day(q.i64(9), offset);
        f.visits = q.i64(10);
        f.spend = q.i64(11);
    }
    // Tags and plans read in member order beside them (one pass each, not a look-up a member):
    // the tags in their key's order (sorted, each once); the plan in effect that ends last.
    {
        InOrder of(pop.facts);
        for (auto t = s.c.query("SELECT member_id, tag FROM member_tags ORDER BY member_id, tag");
             t.next();)
            if (segments::Facts* f = of(t.i64(0))) {
                pop.tags.push_back(pop.name(t.view(1)));
                ++f->tags.count;
            }
        // The array is whole: each member's range follows the one before, in member order.
        const std::string_view* next = pop.tags.data();
        for (segments::Facts& f : pop.facts)
            if (f.tags.count > 0) {
                f.tags.first = next;
                next += f.tags.count;
            }
    }
    {
        InOrder of(pop.facts);
        for (auto p = s.c.query(
                 "SELECT member_id, plan_id FROM subscriptions WHERE cancelled_at = 0 AND "
                 "starts_at <= ?1 AND ends_at > ?1 ORDER BY member_id, ends_at DESC, id DESC",
                 at);
             p.next();)
            if (segments::Facts* f = of(p.i64(0)); f && f->plan.empty())
                f->plan = pop.name(p.view(1));
    }
    pop.rfm = segments::score(pop.facts, s.program.rfm, pop.today);
    return pop;
}

std::vector<std::size_t> members_of(Session& s, const Population& pop,
                                    const std::string& segment_id, std::int64_t at_ms) {
    std::vector<std::size_t> out;
    if (segment_id.rfind("rfm:", 0) == 0) {
        const std::string g = segment_id.substr(4);
        if (!segments::is_rfm_group(g))
            throw Error(Status::NotFound, "no RFM group '" + g +
                                              "' (champions, loyal, potential, new, at_risk, "
                                              "hibernating, lost)");
        for (std::size_t i = 0; i < pop.facts.size(); ++i)
            if (pop.rfm[i].group == g) out.push_back(i);
        return out;
    }
    const SegmentRule* rule = s.program.segment(segment_id);
    if (!rule) throw Error(Status::NotFound, "the programme has no segment '" + segment_id + "'");
    const std::int64_t at = at_or_now(s, at_ms);
    const auto act = activity(s, rule->window_days > 0 ? at - rule->window_days * kDayMs : 0, at);
    for (std::size_t i = 0; i < pop.facts.size(); ++i) {
        auto it = act.find(pop.facts[i].id);
        const std::int64_t visits = it == act.end() ? 0 : it->second.first;
        const std::int64_t spend = it == act.end() ? 0 : it->second.second;
        if (segments::matches(*rule, pop.facts[i], pop.rfm[i], visits, spend, pop.today))
            out.push_back(i);
    }
    return out;
}

Table summary(Session& s, std::int64_t at_ms) {
    const Population pop = load(s, at_ms);
    Table t;
    t.columns = {"segment", "name", "kind", "members"};
    // The RFM groups counted in one pass over the members.
    std::map<std::string_view, std::int64_t> in_group;
    for (const auto& r : pop.rfm)
        ++in_group[r.group];
    for (const char* g : segments::kRfmGroups)
        t.rows.push_back({cell(std::string("rfm:") + g), cell(g), cell("rfm"), cell(in_group[g])});
    for (const auto& g : s.program.segments)
        t.rows.push_back({cell(g.id), cell(g.name), cell("custom"),
                          cell(static_cast<std::int64_t>(members_of(s, pop, g.id, at_ms).size()))});
    return t;
}

}  // namespace audience

Table Database::segments(std::int64_t at_ms) {
    Table out;
    storage::Access::run(*this, false, [&](Session& s) {
        out = audience::summary(s, at_ms);
        return false;
    });
    return out;
}

Table Database::segment_members(const std::string& segment_id, std::int64_t at_ms) {
    Table out;
    storage::Access::run(*this, false, [&](Session& s) {
        const auto pop = audience::load(s, at_ms);
        const auto idx = audience::members_of(s, pop, segment_id, at_ms);
        out.columns = {"member_id", "name",  "phone", "email", "tier", "branch",   "last_purchase",
                       "visits",    "spend", "r",     "f",     "m",    "rfm_group"};
        for (std::size_t i : idx) {
            const auto& f = pop.facts[i];
            const auto& r = pop.rfm[i];
            auto q = s.c.query(
                "SELECT COALESCE(name, ''), COALESCE(phone, ''), COALESCE(email, '') FROM members "
                "WHERE id = ?",
                f.id);
            q.next();
            out.rows.push_back(
                {cell(f.id), cell(q.text(0)), cell(q.text(1)), cell(q.text(2)), cell(f.tier),
                 cell(f.branch),
                 cell(f.last_purchase_day < 0
                          ? std::string()
                          : periods::format_date(f.last_purchase_day, CalendarKind::Gregorian)),
                 cell(f.visits), cell(f.spend), cell(std::int64_t{r.r}), cell(std::int64_t{r.f}),
                 cell(std::int64_t{r.m}), cell(r.group)});
        }
        return false;
    });
    return out;
}

Table Database::member_segments(std::int64_t member_id, std::int64_t at_ms) {
    Table out;
    storage::Access::run(*this, false, [&](Session& s) {
        const auto pop = audience::load(s, at_ms);
        std::size_t me = pop.facts.size();
        for (std::size_t i = 0; i < pop.facts.size(); ++i)
            if (pop.facts[i].id == member_id) me = i;
        if (me == pop.facts.size())
            throw Error(Status::NotFound,
                        "no active member " + std::to_string(member_id) + " at that time");
        out.columns = {"segment", "name", "kind", "r", "f", "m"};
        const auto& r = pop.rfm[me];
        auto row = [&](const std::string& id, const std::string& name, const char* kind) {
            out.rows.push_back({cell(id), cell(name), cell(kind), cell(std::int64_t{r.r}),
                                cell(std::int64_t{r.f}), cell(std::int64_t{r.m})});
        };
        if (!r.group.empty()) row("rfm:" + std::string(r.group), std::string(r.group), "rfm");
        for (const auto& g : s.program.segments) {
            const auto idx = audience::members_of(s, pop, g.id, at_ms);
            if (std::find(idx.begin(), idx.end(), me) != idx.end()) row(g.id, g.name, "custom");
        }
        return false;
    });
    return out;
}

// ---- messages ----------------------------------------------------------------------------

namespace {

enum OutboxStatus { kPending = 0, kSent = 1, kFailed = 2, kSuppressed = 3, kHoldout = 4 };

struct Occurrence {
    std::int64_t member = 0;
    std::string kind, occurrence, campaign, channel;
    MessageText text;  // a copy: the programme may change between collecting and writing
    messages::Values values;
    bool holdout = false;
};

// Writes one outbox row for an occurrence unless it has one already. Returns the row's status,
// or -1 when the occurrence was already produced (or the member is no longer active).
int produce(Session& s, Occurrence o) {
    {
        auto q = s.c.query(
            "SELECT 1 FROM outbox WHERE member_id = ?1 AND kind = ?2 AND occurrence = ?3 AND "
            "channel = ?4",
            o.member, o.kind, o.occurrence, o.channel);
        if (q.next()) return -1;
    }
    auto m = s.c.query(
        "SELECT status, COALESCE(name, ''), COALESCE(phone, ''), COALESCE(email, ''), "
        "COALESCE(language, ''), consent_sms, consent_email, consent_push, tier, balance "
        "FROM members WHERE id = ?",
        o.member);
    if (!m.next() || m.i64(0) != 0) return -1;
    const Program& p = s.program;
    const bool marketing = messages::is_marketing(o.kind);
    std::string address, reason;
    bool consent = false;
    if (o.channel == "sms") {
        address = m.text(2);
        consent = m.i64(5) != 0;
    } else if (o.channel == "email") {
        address = m.text(3);
        consent = m.i64(6) != 0;
    } else {
        address = "member:" + std::to_string(o.member);
        consent = m.i64(7) != 0;
    }
    int status = o.holdout ? kHoldout : kPending;
    if (status == kPending && !consent) {
        status = kSuppressed;
        reason = "no consent for " + o.channel;
    } else if (status == kPending && address.empty()) {
        status = kSuppressed;
        reason = "no address for " + o.channel;
    }
    if (status == kPending && marketing && p.messages.cap_count > 0) {
        auto c = s.c.query(
            "SELECT COUNT(*) FROM outbox WHERE member_id = ?1 AND marketing = 1 AND status IN "
            "(0, 1) AND created_at > ?2",
            o.member, s.now - p.messages.cap_days * kDayMs);
        c.next();
        if (c.i64(0) >= p.messages.cap_count) {
            status = kSuppressed;
            reason = "frequency cap: " + std::to_string(p.messages.cap_count) +
                     " marketing messages in " + std::to_string(p.messages.cap_days) + " days";
        }
    }
    std::int64_t due = s.now;
    if (marketing && p.messages.quiet_start >= 0) {
        const int offset = p.utc_offset_minutes;
        const std::int64_t day = cal::local_day(s.now, offset);
        const std::int64_t minute = (s.now - cal::local_midnight(day, offset)) / 60000;
        const int qs = p.messages.quiet_start, qe = p.messages.quiet_end;
        const bool quiet = qs < qe ? (minute >= qs && minute < qe) : (minute >= qs || minute < qe);
        if (quiet) {
            const std::int64_t end_day = (qs > qe && minute >= qs) ? day + 1 : day;
            due = cal::local_midnight(end_day, offset) + static_cast<std::int64_t>(qe) * 60000;
        }
    }
    const std::string language = m.text(4).empty() ? p.language : m.text(4);
    std::string body;
    if (!o.text.by_language.empty()) {
        const std::string& tpl = messages::pick(o.text, language, p.language);
        messages::Values v = o.values;
        v.name = m.text(1);
        if (v.tier.empty()) {
            const TierLevel* level = p.level(m.text(8));
            v.tier = level ? level->name : m.text(8);
        }
        if (o.kind != "earned") v.balance = m.i64(9);
        v.programme = p.name;
        const std::int64_t divisor = p.messages.amounts == "toman" && p.currency == "IRR" ? 10 : 1;
        body = messages::render(tpl, language, v, divisor);
    }
    s.c.query(
           "INSERT INTO outbox(member_id, kind, occurrence, campaign_id, channel, address, "
           "language, body, marketing, status, reason, due_at, created_at) "
           "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
           o.member, o.kind, o.occurrence, storage::NullIfEmpty{o.campaign}, o.channel, address,
           language, body, marketing, status, reason, due, s.now)
        .run();
    return status;
}

std::int64_t cursor(Session& s, const std::string& name) {
    auto q = s.c.query("SELECT last_id FROM message_cursors WHERE kind = ?", name);
    return q.next() ? q.i64(0) : 0;
}

void set_cursor(Session& s, const std::string& name, std::int64_t id) {
    s.c.query("INSERT OR REPLACE INTO message_cursors(kind, last_id) VALUES (?, ?)", name, id)
        .run();
}

std::int64_t max_id(Session& s, const char* sql) {
    auto q = s.c.query(sql);
    return q.next() ? q.i64(0) : 0;
}

using Cursors = std::vector<std::pair<std::string, std::int64_t>>;

// What the programme's triggers call for now, read without the write lock: the occurrences,
// and where each event trigger's cursor may move once they are written.
void collect(Session& s, std::vector<Occurrence>& found, Cursors& cursors) {
    const Program& p = s.program;
    const int offset = p.utc_offset_minutes;
    const std::int64_t since = s.now - kLookbackMs;
    auto emit = [&](Occurrence o) { found.push_back(std::move(o)); };
    auto set_cursor = [&](Session&, const std::string& name, std::int64_t id) {
        cursors.emplace_back(name, id);
    };
    for (const MessageTrigger& t : p.messages.triggers) {
        const std::string cur = t.trigger + ":" + t.channel;
        auto base = [&](std::int64_t member, std::string occurrence) {
            Occurrence o;
            o.member = member;
            o.kind = t.trigger;
            o.occurrence = std::move(occurrence);
            o.channel = t.channel;
            o.text = t.text;
            return o;
        };
        if (t.trigger == "welcome") {
            const std::int64_t from = cursor(s, cur);
            auto q = s.c.query(
                "SELECT id FROM members WHERE id > ?1 AND created_at >= ?2 AND created_at <= ?3 "
                "AND status = 0 ORDER BY id",
                from, since, s.now);
            while (q.next())
                emit(base(q.i64(0), "joined"));
            set_cursor(s, cur,
                       std::max(from, max_id(s, "SELECT COALESCE(MAX(id), 0) FROM members")));
        } else if (t.trigger == "earned") {
            const std::int64_t from = cursor(s, cur);
            auto q = s.c.query(
                "SELECT id, member_id, points_earned, balance_after, total FROM sales WHERE "
                "id > ?1 AND created_at >= ?2 AND created_at <= ?3 AND member_id IS NOT NULL AND "
                "points_earned > 0 AND status <> 3 ORDER BY id",
                from, since, s.now);
            while (q.next()) {
                Occurrence o = base(q.i64(1), "sale:" + std::to_string(q.i64(0)));
                o.values.points = q.i64(2);
                o.values.balance = q.i64(3);
                o.values.amount = q.i64(4);
                emit(std::move(o));
            }
            set_cursor(s, cur, std::max(from, max_id(s, "SELECT COALESCE(MAX(id), 0) FROM sales")));
        } else if (t.trigger == "tier_up" || t.trigger == "tier_down") {
            const std::int64_t from = cursor(s, cur);
            auto q = s.c.query(
                "SELECT id, member_id, from_tier, to_tier FROM tier_events WHERE id > ?1 AND "
                "created_at >= ?2 AND created_at <= ?3 ORDER BY id",
                from, since, s.now);
            while (q.next()) {
                const bool up = p.level_index(q.text(3)) > p.level_index(q.text(2));
                if (up != (t.trigger == "tier_up") || q.text(2).empty()) continue;
                Occurrence o = base(q.i64(1), "tier:" + std::to_string(q.i64(0)));
                const TierLevel* level = p.level(q.text(3));
                o.values.tier = level ? level->name : q.text(3);
                emit(std::move(o));
            }
            set_cursor(s, cur,
                       std::max(from, max_id(s, "SELECT COALESCE(MAX(id), 0) FROM tier_events")));
        } else if (t.trigger == "coupon") {
            const std::int64_t from = cursor(s, cur);
            auto q = s.c.query(
                "SELECT id, member_id, code FROM coupons WHERE id > ?1 AND created_at >= ?2 AND "
                "created_at <= ?3 AND member_id IS NOT NULL AND revoked_at = 0 ORDER BY id",
                from, since, s.now);
            while (q.next()) {
                Occurrence o = base(q.i64(1), "coupon:" + std::to_string(q.i64(0)));
                o.values.coupon = coupon::display(q.text(2));
                emit(std::move(o));
            }
            set_cursor(s, cur,
                       std::max(from, max_id(s, "SELECT COALESCE(MAX(id), 0) FROM coupons")));
        } else if (t.trigger == "expiring") {
            auto q = s.c.query(
                "SELECT member_id, MIN(expires_at), SUM(remaining) FROM lots_left WHERE "
                "expires_at > ?1 AND expires_at <= ?2 GROUP BY member_id",
                s.now, s.now + t.days * kDayMs);
            while (q.next()) {
                const std::int64_t last_day = cal::local_day(q.i64(1) - 1, offset);
                Occurrence o = base(
                    q.i64(0), "expiry:" + periods::format_date(last_day, CalendarKind::Gregorian));
                o.values.points = q.i64(2);
                o.values.expiry_day = last_day;
                emit(std::move(o));
            }
        } else if (t.trigger == "birthday") {
            const std::int64_t today = cal::local_day(s.now, offset);
            auto q = s.c.query(
                "SELECT id, birth_month, birth_day FROM members WHERE status = 0 AND "
                "birth_month > 0");
            while (q.next()) {
                const std::int64_t d = segments::days_to_birthday(
                    static_cast<int>(q.i64(1)), static_cast<int>(q.i64(2)), today);
                if (d < 0 || d > t.days) continue;
                Occurrence o = base(
                    q.i64(0), "birthday:" + std::to_string(cal::civil_from_days(today + d).year));
                o.values.expiry_day = today + d;
                emit(std::move(o));
            }
        } else if (t.trigger == "winback") {
            // One pass over the sales, as the segments (above) make it.
            auto q = s.c.query(
                "SELECT member_id, MAX(id), MAX(created_at) FROM sales WHERE member_id IS NOT "
                "NULL AND status IN (0, 1) GROUP BY member_id HAVING MAX(created_at) <= ?1",
                s.now - t.days * kDayMs);
            while (q.next())
                emit(base(q.i64(0), "after-sale:" + std::to_string(q.i64(1))));
        } else if (t.trigger == "plan_expiring") {
            auto q = s.c.query(
                "SELECT id, member_id, plan_id, ends_at FROM subscriptions x WHERE cancelled_at = "
                "0 AND ends_at > ?1 AND ends_at <= ?2 AND NOT EXISTS (SELECT 1 FROM "
                "subscriptions r WHERE r.member_id = x.member_id AND r.plan_id = x.plan_id AND "
                "r.cancelled_at = 0 AND r.starts_at >= x.ends_at)",
                s.now, s.now + t.days * kDayMs);
            while (q.next()) {
                Occurrence o = base(q.i64(1), "plan:" + std::to_string(q.i64(0)));
                const Plan* plan = p.plan(q.text(2));
                o.values.plan = plan ? plan->name : q.text(2);
                o.values.expiry_day = cal::local_day(q.i64(3) - 1, offset);
                emit(std::move(o));
            }
        }
    }
}

// Writes occurrences in short write transactions (a large win-back or campaign never holds the
// write lock for long, so tills keep committing), then moves the cursors. Each row is checked
// and inserted under the lock, so a second generator or a crash in between never duplicates.
// Returns the count per outbox status (index 0..4) of the rows written.
std::array<std::int64_t, 5> write_occurrences(Database& db, std::int64_t now,
                                              std::vector<Occurrence>& found,
                                              const Cursors& cursors) {
    constexpr std::size_t kBatch = 500;
    std::array<std::int64_t, 5> counts{};
    std::size_t next = 0;
    do {
        storage::Access::run(db, true, [&](Session& s0) {
            Session s{s0.c, s0.program, now, s0.enrol};
            const std::size_t end = std::min(found.size(), next + kBatch);
            for (std::size_t i = next; i < end; ++i) {
                const int st = produce(s, std::move(found[i]));
                if (st >= 0 && st < 5) ++counts[static_cast<std::size_t>(st)];
            }
            if (end == found.size())
                for (const auto& [name, id] : cursors)
                    if (id > cursor(s, name)) set_cursor(s, name, id);
            next = end;
            return true;
        });
    } while (next < found.size());
    return counts;
}

}  // namespace

std::int64_t Database::generate_messages(std::int64_t now_ms) {
    storage::Access::not_on_a_till(*this, "generating messages");
    std::vector<Occurrence> found;
    Cursors cursors;
    std::int64_t now = 0;
    storage::Access::run(*this, false, [&](Session& s) {
        Session at{s.c, s.program, at_or_now(s, now_ms), s.enrol};
        now = at.now;
        collect(at, found, cursors);
        return false;
    });
    return write_occurrences(*this, now, found, cursors)[kPending];
}

CampaignSendResult Database::send_campaign(const std::string& campaign_id, std::int64_t now_ms) {
    storage::Access::not_on_a_till(*this, "sending a message campaign");
    CampaignSendResult r;
    std::vector<Occurrence> found;
    std::int64_t now = 0;
    // The segment is evaluated in a read transaction; the messages are written in short ones.
    storage::Access::run(*this, false, [&](Session& s0) {
        Session s{s0.c, s0.program, at_or_now(s0, now_ms), s0.enrol};
        now = s.now;
        const MessageCampaign* c = s.program.messages.campaign(campaign_id);
        if (!c)
            throw Error(Status::NotFound,
                        "the programme has no message campaign '" + campaign_id + "'");
        const auto pop = audience::load(s, s.now);
        const auto idx = audience::members_of(s, pop, c->segment, s.now);
        r.targeted = static_cast<std::int64_t>(idx.size());
        for (std::size_t i : idx) {
            Occurrence o;
            o.member = pop.facts[i].id;
            o.kind = "campaign";
            o.occurrence = c->id;
            o.campaign = c->id;
            o.channel = c->channel;
            o.text = c->text;
            o.holdout =
                static_cast<std::int64_t>(text::fnv1a64(c->id + ":" + std::to_string(o.member)) %
                                          100) < c->holdout_percent;
            found.push_back(std::move(o));
        }
        return false;
    });
    const auto counts = write_occurrences(*this, now, found, {});
    r.queued = counts[kPending];
    r.holdout = counts[kHoldout];
    r.suppressed = counts[kSuppressed];
    r.already = r.targeted - r.queued - r.holdout - r.suppressed;
    return r;
}

Table Database::fetch_messages(std::int64_t now_ms, int limit, std::int64_t lease_ms) {
    if (limit < 1 || limit > 1000)
        throw Error(Status::InvalidArgument, "limit must be between 1 and 1000");
    if (lease_ms < 1000 || lease_ms > 7 * kDayMs)
        throw Error(Status::InvalidArgument, "lease must be between 1 second and 7 days");
    Table t;
    t.columns = {"id",      "member_id", "trigger", "campaign", "channel",
                 "address", "language",  "body",    "due_at",   "attempts"};
    storage::Access::run(*this, true, [&](Session& s) {
        const std::int64_t now = at_or_now(s, now_ms);
        // Consent and the member are checked again now, not only when the message was made:
        // a message whose member was erased, merged or deactivated, or withdrew consent for its
        // channel (or has no address for it any more) since, is never handed out but suppressed
        // with the reason; a changed phone or e-mail is used as it is now.
        s.c.query(
               "UPDATE outbox SET status = 3, leased_until = 0, reason = CASE "
               "WHEN m.status = 2 THEN 'erased' WHEN m.status = 3 THEN 'merged' "
               "WHEN m.status = 1 THEN 'deactivated' "
               "WHEN outbox.channel = 'sms' AND m.consent_sms = 0 THEN 'consent withdrawn for sms' "
               "WHEN outbox.channel = 'email' AND m.consent_email = 0 "
               "THEN 'consent withdrawn for email' "
               "WHEN outbox.channel NOT IN ('sms', 'email') AND m.consent_push = 0 "
               "THEN 'consent withdrawn for ' || outbox.channel "
               "ELSE 'no address for ' || outbox.channel END "
               "FROM members m WHERE m.id = outbox.member_id AND outbox.status = 0 AND "
               "outbox.due_at <= ?1 AND outbox.leased_until <= ?1 AND (m.status <> 0 OR CASE "
               "outbox.channel WHEN 'sms' THEN m.consent_sms = 0 OR m.phone IS NULL "
               "WHEN 'email' THEN m.consent_email = 0 OR m.email IS NULL "
               "ELSE m.consent_push = 0 END)",
               now)
            .run();
        s.c.query(
               "UPDATE outbox SET address = CASE outbox.channel WHEN 'sms' THEN m.phone "
               "ELSE m.email END FROM members m WHERE m.id = outbox.member_id AND "
               "outbox.status = 0 AND outbox.due_at <= ?1 AND outbox.leased_until <= ?1 AND "
               "outbox.channel IN ('sms', 'email') AND outbox.address IS NOT "
               "(CASE outbox.channel WHEN 'sms' THEN m.phone ELSE m.email END)",
               now)
            .run();
        auto q = s.c.query(
            "SELECT id, member_id, kind, COALESCE(campaign_id, ''), channel, address, language, "
            "body, due_at, attempts FROM outbox WHERE status = 0 AND due_at <= ?1 AND "
            "leased_until <= ?1 ORDER BY due_at, id LIMIT ?2",
            now, limit);
        std::vector<std::int64_t> ids;
        while (q.next()) {
            ids.push_back(q.i64(0));
            t.rows.push_back({cell(q.i64(0)), cell(q.i64(1)), cell(q.text(2)), cell(q.text(3)),
                              cell(q.text(4)), cell(q.text(5)), cell(q.text(6)), cell(q.text(7)),
                              cell(q.i64(8)), cell(q.i64(9) + 1)});
        }
        for (std::int64_t id : ids)
            s.c.query("UPDATE outbox SET leased_until = ?1, attempts = attempts + 1 WHERE id = ?2",
                      now + lease_ms, id)
                .run();
        return true;
    });
    return t;
}

void Database::acknowledge_message(std::int64_t id, Delivery result, const std::string& error,
                                   std::int64_t retry_after_ms) {
    if (result != Delivery::Sent && result != Delivery::Failed)
        throw Error(Status::InvalidArgument, "delivery result must be sent or failed");
    if (retry_after_ms < 0 || retry_after_ms > 30 * kDayMs)
        throw Error(Status::InvalidArgument, "retry_after must be between 0 and 30 days");
    text::check_field("error", error, 500);
    storage::Access::run(*this, true, [&](Session& s) {
        auto q = s.c.query("SELECT status FROM outbox WHERE id = ?", id);
        if (!q.next()) throw Error(Status::NotFound, "no message " + std::to_string(id));
        const std::int64_t st = q.i64(0);
        if (result == Delivery::Sent) {
            if (st == kSent) return false;  // acknowledged twice: at-least-once delivery
            if (st != kPending)
                throw Error(Status::InvalidState,
                            "message " + std::to_string(id) + " is not waiting to be sent");
            s.c.query("UPDATE outbox SET status = 1, sent_at = ?1, leased_until = 0 WHERE id = ?2",
                      s.now, id)
                .run();
            return true;
        }
        if (st == kFailed) return false;
        if (st != kPending)
            throw Error(Status::InvalidState,
                        "message " + std::to_string(id) + " is not waiting to be sent");
        if (retry_after_ms > 0)
            s.c.query("UPDATE outbox SET due_at = ?1, leased_until = 0, reason = ?2 WHERE id = ?3",
                      s.now + retry_after_ms, error, id)
                .run();
        else
            s.c.query("UPDATE outbox SET status = 2, leased_until = 0, reason = ?1 WHERE id = ?2",
                      error, id)
                .run();
        return true;
    });
}

Table Database::member_messages(std::int64_t member_id, int limit) {
    if (limit < 1 || limit > 1000)
        throw Error(Status::InvalidArgument, "limit must be between 1 and 1000");
    Table t;
    t.columns = {"id", "trigger", "channel", "status", "reason", "body", "created_at", "sent_at"};
    static const char* const kStatus[] = {"pending", "sent", "failed", "suppressed", "holdout"};
    storage::Access::run(*this, false, [&](Session& s) {
        auto q = s.c.query(
            "SELECT id, kind, channel, status, reason, body, created_at, sent_at FROM outbox "
            "WHERE member_id = ?1 ORDER BY id DESC LIMIT ?2",
            member_id, limit);
        while (q.next()) {
            const std::int64_t st = q.i64(3);
            t.rows.push_back({cell(q.i64(0)), cell(q.text(1)), cell(q.text(2)),
                              cell(st >= 0 && st < 5 ? kStatus[st] : "unknown"), cell(q.text(4)),
                              cell(q.text(5)), cell(q.i64(6)), cell(q.i64(7))});
        }
        return false;
    });
    return t;
}

Table Database::member_sales(std::int64_t member_id, int limit) {
    if (limit < 1 || limit > 1000)
        throw Error(Status::InvalidArgument, "limit must be between 1 and 1000");
    Table t;
    t.columns = {"sale_id",       "receipt",         "branch", "total",
                 "points_earned", "points_redeemed", "status", "created_at"};
    static const char* const kStatus[] = {"sold", "partly refunded", "refunded", "voided"};
    storage::Access::run(*this, false, [&](Session& s) {
        auto q = s.c.query(
            "SELECT s.id, COALESCE(s.receipt, ''), COALESCE(s.branch, ''), s.total, "
            "s.points_earned, s.points_redeemed, s.status, s.created_at FROM " LOY_SALES_OF_MEMBERS(
                "ms", "s") " WHERE ms.member_id = ?1 ORDER BY s.id DESC LIMIT ?2",
            member_id, limit);
        while (q.next()) {
            const std::int64_t st = q.i64(6);
            t.rows.push_back({cell(q.i64(0)), cell(q.text(1)), cell(q.text(2)), cell(q.i64(3)),
                              cell(q.i64(4)), cell(q.i64(5)),
                              cell(st >= 0 && st < 4 ? kStatus[st] : "unknown"), cell(q.i64(7))});
        }
        return false;
    });
    return t;
}

Table Database::member_coupons(std::int64_t member_id) {
    Table t;
    t.columns = {"code", "campaign", "uses", "max_uses", "valid_until", "status"};
    storage::Access::run(*this, false, [&](Session& s) {
        auto q = s.c.query(
            "SELECT c.code, c.campaign_id, (SELECT COUNT(*) FROM coupon_uses u WHERE "
            "u.coupon_id = c.id AND u.restored_at = 0), c.max_uses, c.valid_until, c.revoked_at "
            "FROM coupons c WHERE c.member_id = ? ORDER BY c.id DESC",
            member_id);
        while (q.next()) {
            const bool used_up = q.i64(3) > 0 && q.i64(2) >= q.i64(3);
            const bool expired = q.i64(4) != 0 && q.i64(4) <= s.now;
            t.rows.push_back({cell(coupon::display(q.text(0))), cell(q.text(1)), cell(q.i64(2)),
                              cell(q.i64(3)), cell(q.i64(4)),
                              cell(q.i64(5)  ? "revoked"
                                   : used_up ? "used"
                                   : expired ? "expired"
                                             : "valid")});
        }
        return false;
    });
    return t;
}

}  // namespace loyalty
