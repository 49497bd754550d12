// Journal record bodies packed with a dictionary of keys (storage/record_packing.hpp).
#include "storage/record_packing.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace loyalty::storage {

namespace {

// clang-format off
// The keys a sale's record uses most, coded in one byte each (kSingleCodes, in this order).
constexpr const char* kSingle[] = {
    "points", "benefit_discount", "coupon_discount", "discount", "line_no", "sku", "category",
    "quantity_milli", "unit_price", "amount", "t", "id", "member_id", "created_at", "branch",
    "program_version", "sale_id", "terminal", "reason", "kind", "operator", "plan_id",
    "expires_at", "available_at", "receipt", "explanation"};

// Every other key of a fact, a sale's line or tender and an entry's lot: two bytes each, a
// prefix (kPrefixes) and 0x20 + the key's place among the prefix's kPerPrefix. Append only.
constexpr const char* kDouble[] = {
    "absorbed_id", "amount_due", "approver", "asset", "available_after", "balance",
    "balance_after", "batch_id", "birth_day", "birth_month", "birth_year", "body", "campaign_id",
    "cancelled_at", "captured", "card", "card_id", "cashback", "cashback_reversed", "cashier",
    "cause", "charge_points", "closed_at", "code", "consent_email", "consent_push", "consent_sms",
    "corrects", "coupon_hold", "coupon_id", "currency", "email", "ends_at", "entries_from",
    "entries_to", "entry_id", "fee", "from_tier", "gender", "giftcard_hold", "head_id", "hold_id",
    "household_id", "issued_sale_id", "language", "left_at", "lifetime_earned", "line_items",
    "line_points", "lines", "lots", "max_uses", "merged_into", "moves", "name", "name_key",
    "origin", "origin_seq", "partner_funded", "partner_id", "phone", "points_earned",
    "points_redeemed", "points_restored", "points_reversed", "quantity", "redeem_mode",
    "redeem_value", "reference", "referral_code", "referrer_id", "refund_id", "refunded_at",
    "restored_at", "revoked_at", "reward_id", "score", "service", "source", "stamp_card", "stamps",
    "starts_at", "status", "survivor_id", "tax", "tenders", "tier", "tier_after",
    "tier_at_risk_since", "tier_before", "tier_since", "tip", "to_tier", "total", "type", "until",
    "updated_at", "uses_from", "uses_to", "valid_until", "value_restored", "wallet_balance",
    "wallet_entry_id", "wallet_hold", "wallet_paid", "wallet_restored", "wallet_topup"};
// clang-format on

constexpr std::size_t kSingleCount = sizeof kSingle / sizeof kSingle[0];
constexpr std::size_t kDoubleCount = sizeof kDouble / sizeof kDouble[0];

// The one-byte codes: every control character but tab, line feed and carriage return (which
// JSON allows between its tokens) and the two prefixes.
constexpr unsigned char kSingleCodes[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0b,
                                          0x0c, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15,
                                          0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d};
constexpr unsigned char kPrefixes[] = {0x1e, 0x1f};
constexpr std::size_t kPerPrefix = 0x7f - 0x20;  // second bytes 0x20 to 0x7e

static_assert(kSingleCount == sizeof kSingleCodes, "a one-byte code for each key");
static_assert(kDoubleCount <= kPerPrefix * sizeof kPrefixes, "room for each key's two bytes");

bool is_code(unsigned char ch) {
    return ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r';
}

// A key's code: one byte, or two (the second nonzero).
struct Code {
    const char* key = nullptr;
    std::size_t size = 0;
    char bytes[2] = {0, 0};
};

// Where the packing looks a key up: its length and three of its letters (the dictionary's keys
// spread over the table with few collisions; the key is compared in full).
std::size_t key_hash(std::string_view key) {
    if (key.empty()) return 0;
    const auto at = [&](std::size_t i) { return static_cast<unsigned char>(key[i]); };
    return key.size() * 131u + at(0) * 31u + at(key.size() / 2) * 7u + at(key.size() - 1);
}

struct Dictionary {
    // The codes by key, open addressing in a table four times the dictionary's size.
    static constexpr std::size_t kSlots = 1024;
    static_assert(kSlots >= 4 * (kSingleCount + kDoubleCount), "a sparse table");
    std::array<Code, kSlots> slots{};
    // The key of each one-byte code, and of each prefix's second byte, by byte value.
    std::array<const char*, 0x20> single{};
    std::array<std::array<const char*, 0x80>, sizeof kPrefixes> two{};

    void add(const char* key, char first, char second) {
        const std::string_view k(key);
        std::size_t i = key_hash(k) % kSlots;
        while (slots[i].key)
            i = (i + 1) % kSlots;
        slots[i] = Code{key, k.size(), {first, second}};
    }

    const Code* find(std::string_view key) const {
        for (std::size_t i = key_hash(key) % kSlots; slots[i].key; i = (i + 1) % kSlots)
            if (slots[i].size == key.size() &&
                std::memcmp(slots[i].key, key.data(), key.size()) == 0)
                return &slots[i];
        return nullptr;
    }

    Dictionary() {
        for (std::size_t i = 0; i < kSingleCount; ++i) {
            add(kSingle[i], static_cast<char>(kSingleCodes[i]), 0);
            single[kSingleCodes[i]] = kSingle[i];
        }
        for (std::size_t i = 0; i < kDoubleCount; ++i) {
            const std::size_t p = i / kPerPrefix;
            const auto second = static_cast<unsigned char>(0x20 + i % kPerPrefix);
            add(kDouble[i], static_cast<char>(kPrefixes[p]), static_cast<char>(second));
            two[p][second] = kDouble[i];
        }
    }
};

const Dictionary& dictionary() {
    static const Dictionary d;
    return d;
}

}  // namespace

void pack_record_body(std::string_view body, std::string& out) {
    out.clear();
    // Any control character? (No early exit: the compiler makes it a vector loop.) Only when
    // there is one, whether it is one of the codes.
    unsigned char control = 0;
    for (const char ch : body)
        control |= static_cast<unsigned char>(static_cast<unsigned char>(ch) < 0x20);
    if (control)
        for (const char ch : body)
            if (is_code(static_cast<unsigned char>(ch))) {
                out.assign(body);
                return;
            }
    // Written in place: the packed text is never longer than the text.
    const Dictionary& d = dictionary();
    out.resize(body.size());
    char* w = out.data();
    const char* const text = body.data();
    const std::size_t n = body.size();
    const auto copy = [&](std::size_t from, std::size_t to) {
        std::memcpy(w, text + from, to - from);
        w += to - from;
    };
    std::size_t i = 0;
    while (i < n) {
        const auto* open = static_cast<const char*>(std::memchr(text + i, '"', n - i));
        if (!open) {
            copy(i, n);
            break;
        }
        const std::size_t quote = static_cast<std::size_t>(open - text);
        copy(i, quote);
        // The string's closing quote: the first one after an even number of backslashes.
        std::size_t j = quote + 1;
        for (;;) {
            const auto* close = static_cast<const char*>(std::memchr(text + j, '"', n - j));
            if (!close) {
                j = n;
                break;
            }
            j = static_cast<std::size_t>(close - text);
            std::size_t slashes = 0;
            while (text[j - 1 - slashes] == '\\')
                ++slashes;
            if (slashes % 2 == 0) break;
            ++j;
        }
        if (j >= n) {  // not closed: not JSON, kept as it is
            copy(quote, n);
            break;
        }
        // A key when a colon follows it. (A key written with an escape is none of the
        // dictionary's.)
        if (j + 1 < n && text[j + 1] == ':') {
            if (const Code* code = d.find(body.substr(quote + 1, j - quote - 1))) {
                *w++ = code->bytes[0];
                if (code->bytes[1] != 0) *w++ = code->bytes[1];
                i = j + 2;
                continue;
            }
        }
        copy(quote, j + 1);
        i = j + 1;
    }
    out.resize(static_cast<std::size_t>(w - out.data()));
}

void unpack_record_body(std::string_view stored, std::string& out) {
    out.clear();
    const Dictionary& d = dictionary();
    out.reserve(stored.size() * 2);
    const std::size_t n = stored.size();
    std::size_t i = 0;
    while (i < n) {
        // The text up to the next code, as it is.
        std::size_t run = i;
        while (run < n && !is_code(static_cast<unsigned char>(stored[run])))
            ++run;
        out.append(stored.data() + i, run - i);
        if (run == n) break;
        const auto ch = static_cast<unsigned char>(stored[run]);
        i = run + 1;
        const char* key = nullptr;
        if (ch == kPrefixes[0] || ch == kPrefixes[1]) {
            const auto second = i < n ? static_cast<unsigned char>(stored[i]) : 0;
            if (second >= 0x20 && second < 0x80) {
                key = d.two[ch == kPrefixes[0] ? 0 : 1][second];
                if (key) ++i;
            }
        } else {
            key = d.single[ch];
        }
        if (!key) {  // no key of the dictionary (a damaged body): left as it is
            out += static_cast<char>(ch);
            continue;
        }
        out += '"';
        out += key;
        out += "\":";
    }
}

std::string unpack_record_body(std::string_view stored) {
    std::string out;
    unpack_record_body(stored, out);
    return out;
}

}  // namespace loyalty::storage
