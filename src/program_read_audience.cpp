// Reading a programme's audience: RFM thresholds, segments and messages (triggers, campaigns,
// quiet hours, caps).
#include "messages.hpp"
#include "program_reader.hpp"
#include "segments.hpp"

namespace loyalty::program_reader {

using segments::is_rfm_group;

void read_audience(Reader& top, Program& p) {
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
}

}  // namespace loyalty::program_reader
