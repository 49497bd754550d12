// The texts the library writes for people — a quote's and a receipt's explanations, a coupon's
// effect, the progress to the next tier — in the programme's language: built-in English and
// Persian phrases (Persian with Persian digits and the currency's Persian name), each of which a
// programme may replace per language ("phrases": {"fa": {"spend": "..."}}). Pure code.
#ifndef LOYALTY_SRC_PHRASES_HPP
#define LOYALTY_SRC_PHRASES_HPP

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>

#include "loyalty/program.hpp"

namespace loyalty::phrases {

enum class Id {
    BelowMinimum,
    Spend,
    Multiplier,
    Item,
    Boost,
    Visit,
    FirstPurchase,
    EarnCap,
    Challenge,
    Birthday,
    CouponBonus,
    CouponOff,
    ProgressPurchases,
    ProgressSpend,
    ProgressPoints,
    ProgressScore,
    Stamps,
    StampReward,
};

// The phrase's key in a programme file ("spend"), and the placeholders it may use ("rule
// eligible points"); nullptr for an unknown key.
const char* placeholders(const std::string& key);

// Checks a programme's phrase: a known key, and only that key's placeholders. Returns "" when
// valid, else why not.
std::string check(const std::string& key, const std::string& text);

class Writer {
  public:
    Writer(const Program& program, int exponent);
    bool persian() const { return persian_; }
    // A phrase with its placeholders filled: {name} by the argument of that name; {s:name}
    // by "s" unless that argument is "1" (English plurals).
    std::string say(Id id, std::initializer_list<std::pair<const char*, std::string>> args) const;
    // Figures as the language writes them: Persian digits and separators in Persian.
    std::string number(std::int64_t v) const;
    std::string signed_number(std::int64_t v) const;  // "+10", "-5"
    std::string money(std::int64_t minor) const;      // "190,000 IRT" / "۱۹۰٬۰۰۰ تومان"
    std::string text(const std::string& s) const;     // digits in s as the language writes them
    std::string name(const DisplayNames& names, const std::string& fallback) const;
    std::string period(const char* english) const;  // "day" / "روز"

  private:
    const Program& program_;
    int exponent_;
    bool persian_;
};

}  // namespace loyalty::phrases

#endif
