#include "loyalty/coupons.hpp"

#include <cstdint>

#include "loyalty/status.hpp"
#include "platform.hpp"

namespace loyalty::coupon {

namespace {

constexpr std::string_view kAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
// Luhn mod N detects every single wrong symbol only for an even N.
constexpr int kN = static_cast<int>(kAlphabet.size());  // 32
constexpr std::size_t kData = 9;

int index_of(char c) {
    auto p = kAlphabet.find(c);
    return p == std::string_view::npos ? -1 : static_cast<int>(p);
}

}  // namespace

std::string normalize(std::string_view code) {
    std::string out;
    for (char c : code) {
        if (c == ' ' || c == '-' || c == '\t') continue;
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        out.push_back(c);
    }
    return out;
}

char check_symbol(std::string_view data) {
    // Luhn mod N: from the right, double every second symbol's value (folding in base N).
    int factor = 2, sum = 0;
    for (auto it = data.rbegin(); it != data.rend(); ++it) {
        int v = index_of(*it);
        if (v < 0) return '?';
        int addend = factor * v;
        factor = factor == 2 ? 1 : 2;
        sum += addend / kN + addend % kN;
    }
    return kAlphabet[static_cast<std::size_t>((kN - sum % kN) % kN)];
}

bool well_formed(std::string_view s) {
    if (s.size() != kData + 1) return false;
    for (char c : s)
        if (index_of(c) < 0) return false;
    return check_symbol(s.substr(0, kData)) == s[kData];
}

std::string generate() {
    std::string out = platform::random_symbols(kData, kAlphabet);
    out.push_back(check_symbol(out));
    return out;
}

std::string display(std::string_view s) {
    if (s.size() != kData + 1) return std::string(s);
    return std::string(s.substr(0, 5)) + "-" + std::string(s.substr(5));
}

}  // namespace loyalty::coupon
