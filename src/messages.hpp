// Message texts: placeholders rendered with fmt, Persian digits and Jalali dates for Persian.
#ifndef LOYALTY_SRC_MESSAGES_HPP
#define LOYALTY_SRC_MESSAGES_HPP

#include <cstdint>
#include <string>

#include "loyalty/program.hpp"

namespace loyalty::messages {

// The values a template may name. Numbers are formatted by render(); dates are local days.
struct Values {
    std::string name, tier, coupon, plan, programme;
    std::int64_t points = 0, balance = 0, amount = 0;
    std::int64_t expiry_day = 0;  // local day number; 0 = none
};

// Renders `text` in `language`: {name} {tier} {coupon} {plan} {programme} {points} {balance}
// {amount} {expiry_date}. For "fa", numbers get Persian digits and the Persian thousands
// separator, and dates are Jalali (۱۴۰۴/۰۹/۰۲); otherwise Latin digits with "," and ISO dates.
// `amount_divisor` is 10 to show rial amounts in toman (rounded half up), else 1. Throws
// Error(InvalidProgram) for an unknown placeholder or a malformed template.
std::string render(const std::string& text, const std::string& language, const Values& v,
                   std::int64_t amount_divisor = 1);

// The text for a member's language, else the programme's language, else the first one given.
const std::string& pick(const MessageText& text, const std::string& member_language,
                        const std::string& programme_language);

// Marketing messages (birthday, winback, campaigns) need the frequency cap and quiet hours;
// service messages (the rest) do not.
bool is_marketing(const std::string& trigger);

}  // namespace loyalty::messages

#endif
