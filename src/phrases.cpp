#include "phrases.hpp"

#include <cstring>

#include "loyalty/money.hpp"
#include "periods.hpp"

namespace loyalty::phrases {

namespace {

struct Phrase {
    Id id;
    const char* key;
    const char* names;  // the placeholders it may use
    const char* en;
    const char* fa;
};

const Phrase kPhrases[] = {
    {Id::BelowMinimum, "below_minimum", "basket minimum",
     "Basket {basket} is below the minimum of {minimum}: no points",
     "سبد {basket} کمتر از حداقل {minimum} است: امتیازی تعلق "
     "نمی‌گیرد"},
    {Id::Spend, "spend", "rule eligible points", "{rule}: {eligible} eligible → {points} points",
     "{rule}: {eligible} مشمول ← {points} امتیاز"},
    {Id::Multiplier, "multiplier", "name factor lines delta",
     "{name} (x{factor}) on {lines} line{s:lines}: {delta} points",
     "{name} (×{factor}) روی {lines} قلم: {delta} امتیاز"},
    {Id::Item, "item", "name each quantity points",
     "{name}: {each} points × {quantity} → {points} points",
     "{name}: {each} امتیاز × {quantity} ← {points} امتیاز"},
    {Id::Boost, "boost", "name factor delta", "{name} (x{factor}): {delta} points",
     "{name} (×{factor}): {delta} امتیاز"},
    {Id::Visit, "visit", "points", "Visit: {points} points", "مراجعه: {points} امتیاز"},
    {Id::FirstPurchase, "first_purchase", "points", "First purchase: {points} bonus points",
     "نخستین خرید: {points} امتیاز هدیه"},
    {Id::EarnCap, "earn_cap", "cap period delta", "At most {cap} points a {period}: {delta} points",
     "سقف {cap} امتیاز در هر {period}: {delta} امتیاز"},
    {Id::Challenge, "challenge", "name count target period points",
     "{name}: purchase {count} of {target} this {period} → {points} bonus points",
     "{name}: خرید {count} از {target} در این {period} ← {points} امتیاز هدیه"},
    {Id::Birthday, "birthday", "points", "Happy birthday: {points} bonus points",
     "تولدتان مبارک: {points} امتیاز هدیه"},
    {Id::CouponBonus, "coupon_bonus", "name points", "{name}: {points} bonus points",
     "{name}: {points} امتیاز هدیه"},
    {Id::CouponOff, "coupon_off", "name amount", "{name}: {amount} off", "{name}: {amount} تخفیف"},
    {Id::ProgressPurchases, "progress_purchases", "missing tier",
     "{missing} more purchase{s:missing} to {tier}", "{missing} خرید دیگر تا {tier}"},
    {Id::ProgressSpend, "progress_spend", "missing tier", "{missing} more spend to {tier}",
     "{missing} خرید دیگر تا {tier}"},
    {Id::ProgressPoints, "progress_points", "missing tier", "{missing} point{s:missing} to {tier}",
     "{missing} امتیاز تا {tier}"},
    {Id::ProgressScore, "progress_score", "missing tier", "{missing} more score to {tier}",
     "{missing} امتیاز سطح تا {tier}"},
    {Id::Stamps, "stamps", "name added count target",
     "{name}: +{added} stamp{s:added}, {count} of {target}",
     "{name}: {added} مهر، {count} از {target}"},
    {Id::StampReward, "stamp_reward", "name rewards",
     "{name}: card full, {rewards} reward coupon{s:rewards} issued",
     "{name}: کارت پر شد، {rewards} کوپن جایزه صادر می‌شود"},
};

const Phrase& phrase(Id id) {
    for (const auto& p : kPhrases)
        if (p.id == id) return p;
    return kPhrases[0];
}

bool has_name(const char* names, const std::string& n) {
    const std::string all = std::string(" ") + names + " ";
    return all.find(" " + n + " ") != std::string::npos;
}

}  // namespace

const char* placeholders(const std::string& key) {
    for (const auto& p : kPhrases)
        if (key == p.key) return p.names;
    return nullptr;
}

std::string check(const std::string& key, const std::string& text) {
    const char* names = placeholders(key);
    if (!names) return "is not a phrase the library writes";
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '{') continue;
        const std::size_t end = text.find('}', i);
        if (end == std::string::npos) return "has a '{' without its '}'";
        std::string n = text.substr(i + 1, end - i - 1);
        if (n.rfind("s:", 0) == 0) n = n.substr(2);
        if (!has_name(names, n))
            return "has the unknown placeholder {" + n + "} (it may use: " + names + ")";
        i = end;
    }
    return "";
}

Writer::Writer(const Program& program, int exponent)
    : program_(program), exponent_(exponent), persian_(periods::is_persian(program.language)) {}

std::string Writer::say(Id id,
                        std::initializer_list<std::pair<const char*, std::string>> args) const {
    const Phrase& p = phrase(id);
    std::string tpl = persian_ ? p.fa : p.en;
    // A programme's own phrase for its language ("fa-IR" finds "fa"), else the built-in one.
    const std::string lang = program_.language, primary = lang.substr(0, lang.find('-'));
    for (const std::string& l : {lang, primary}) {
        auto by_lang = program_.phrases.find(l);
        if (by_lang == program_.phrases.end()) continue;
        auto it = by_lang->second.find(p.key);
        if (it != by_lang->second.end()) {
            tpl = it->second;
            break;
        }
    }
    std::string out;
    for (std::size_t i = 0; i < tpl.size(); ++i) {
        const std::size_t end = tpl[i] == '{' ? tpl.find('}', i) : std::string::npos;
        if (end == std::string::npos) {
            out += tpl[i];
            continue;
        }
        std::string n = tpl.substr(i + 1, end - i - 1);
        const bool plural = n.rfind("s:", 0) == 0;
        if (plural) n = n.substr(2);
        for (const auto& [name, value] : args)
            if (n == name) out += plural ? (value == "1" || value == "۱" ? "" : "s") : value;
        i = end;
    }
    return out;
}

std::string Writer::number(std::int64_t v) const {
    return text(format_money(v, 0, true));
}

std::string Writer::signed_number(std::int64_t v) const {
    return (v > 0 ? "+" : "") + number(v);
}

std::string Writer::money(std::int64_t minor) const {
    const std::string& c = program_.currency;
    const std::string amount = format_money(minor, exponent_, true);
    if (!persian_) return amount + " " + c;
    return periods::persian_number(amount) + " " + (c == "IRT" ? "تومان" : c == "IRR" ? "ریال" : c);
}

std::string Writer::text(const std::string& s) const {
    return persian_ ? periods::persian_number(s) : s;
}

std::string Writer::name(const DisplayNames& names, const std::string& fallback) const {
    return display_name(names, program_.language, fallback);
}

std::string Writer::period(const char* english) const {
    if (!persian_) return english;
    static const char* const kFa[][2] = {
        {"day", "روز"}, {"week", "هفته"}, {"month", "ماه"}, {"year", "سال"}};
    for (const auto& p : kFa)
        if (std::strcmp(english, p[0]) == 0) return p[1];
    return english;
}

}  // namespace loyalty::phrases
