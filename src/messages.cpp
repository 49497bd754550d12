#include "messages.hpp"

#include <fmt/args.h>
#include <fmt/format.h>

#include "loyalty/money.hpp"
#include "loyalty/status.hpp"
#include "periods.hpp"

namespace loyalty::messages {

namespace {

// 1234567 -> "1,234,567" (or with the Persian separator and digits for "fa").
std::string number(std::int64_t v, bool persian) {
    const std::string s = format_money(v, 0, true);
    return persian ? periods::persian_number(s) : s;
}

}  // namespace

bool is_marketing(const std::string& trigger) {
    return trigger == "birthday" || trigger == "winback" || trigger == "campaign";
}

const std::string& pick(const MessageText& text, const std::string& member_language,
                        const std::string& programme_language) {
    for (const auto& kv : text.by_language)
        if (kv.first == member_language) return kv.second;
    for (const auto& kv : text.by_language)
        if (kv.first == programme_language) return kv.second;
    return text.by_language.front().second;
}

std::string render(const std::string& text, const std::string& language, const Values& v,
                   std::int64_t amount_divisor) {
    const bool fa = periods::is_persian(language);
    std::int64_t amount = v.amount;
    if (amount_divisor > 1) {
        // Half up, away from zero for negatives: 15 rial -> 2 toman.
        std::int64_t q = amount / amount_divisor, r = amount % amount_divisor;
        if (2 * (r < 0 ? -r : r) >= amount_divisor) q += amount < 0 ? -1 : 1;
        amount = q;
    }
    std::string date;
    if (v.expiry_day != 0)
        date = fa ? periods::persian_digits(
                        periods::format_date(v.expiry_day, CalendarKind::Jalali, '/'))
                  : periods::format_date(v.expiry_day, CalendarKind::Gregorian, '-');
    fmt::dynamic_format_arg_store<fmt::format_context> args;
    args.push_back(fmt::arg("name", v.name));
    args.push_back(fmt::arg("tier", v.tier));
    args.push_back(fmt::arg("coupon", v.coupon));
    args.push_back(fmt::arg("plan", v.plan));
    args.push_back(fmt::arg("programme", v.programme));
    args.push_back(fmt::arg("points", number(v.points, fa)));
    args.push_back(fmt::arg("balance", number(v.balance, fa)));
    args.push_back(fmt::arg("amount", number(amount, fa)));
    args.push_back(fmt::arg("expiry_date", date));
    try {
        return fmt::vformat(text, args);
    } catch (const fmt::format_error& e) {
        throw Error(Status::InvalidProgram,
                    std::string("message template '") + text + "': " + e.what() +
                        " (placeholders: {name} {points} {balance} {tier} {expiry_date} {coupon} "
                        "{amount} {plan} {programme})");
    }
}

}  // namespace loyalty::messages
