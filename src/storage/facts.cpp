// The fact tables and the record hash (storage/facts.hpp).
#include "storage/facts.hpp"

#include "sha256.hpp"
#include "storage/canonical.hpp"

namespace loyalty::storage {

#define LOY_FACT_SQL(t)                                                  \
    "SELECT * FROM " t " WHERE rowid=?",                                 \
        "SELECT origin, COALESCE(origin_seq, id) FROM " t " WHERE id=?", \
        "SELECT id FROM " t " WHERE origin=?1 AND origin_seq=?2",        \
        "SELECT id FROM " t " WHERE id=?2 AND origin=?1 AND origin_seq IS NULL"

const std::vector<FactTable>& fact_tables() {
    static const std::vector<FactTable> tables = {
        {"members",
         "member",
         'M',
         LOY_FACT_SQL("members"),
         {"phone", "card", "name", "name_key", "email", "birth_year", "birth_month", "birth_day",
          "gender", "language", "balance", "lifetime_earned", "tier", "tier_since",
          "tier_at_risk_since", "wallet_balance", "updated_at"}},
        {"households", "household", 'O', LOY_FACT_SQL("households"), {}},
        {"household_members", "household_member", 'N', LOY_FACT_SQL("household_members"), {}},
        {"sales",
         "sale",
         'S',
         LOY_FACT_SQL("sales"),
         {"balance_after", "available_after", "status", "tier_before", "tier_after", "line_items",
          "entries_from", "entries_to", "uses_from", "uses_to", "quarter_seen"}},
        {"refunds", "refund", 'R', LOY_FACT_SQL("refunds"), {"balance_after", "available_after"}},
        {"sale_claims", "sale_claim", 'K', LOY_FACT_SQL("sale_claims"), {}},
        {"ledger", "entry", 'L', LOY_FACT_SQL("ledger"), {"moves", "lots"}},
        {"wallet_entries", "wallet_entry", 'W', LOY_FACT_SQL("wallet_entries"), {}},
        {"coupons", "coupon", 'C', LOY_FACT_SQL("coupons"), {}},
        {"coupon_uses", "coupon_use", 'U', LOY_FACT_SQL("coupon_uses"), {"restored_at"}},
        {"reward_redemptions", "reward_redemption", 'X', LOY_FACT_SQL("reward_redemptions"), {}},
        {"subscriptions", "subscription", 'P', LOY_FACT_SQL("subscriptions"), {}},
        {"tier_assignments", "tier_assignment", 'F', LOY_FACT_SQL("tier_assignments"), {}},
        {"tier_events", "tier_event", 'T', LOY_FACT_SQL("tier_events"), {}},
        {"stamp_entries", "stamp_entry", 'Y', LOY_FACT_SQL("stamp_entries"), {}},
        {"gift_cards", "gift_card", 'G', LOY_FACT_SQL("gift_cards"), {"balance"}},
        {"gift_card_activities",
         "gift_card_activity",
         'A',
         LOY_FACT_SQL("gift_card_activities"),
         {}},
        {"holds", "hold", 'H', LOY_FACT_SQL("holds"), {}},
        {"program_releases", "program_release", 'Q', LOY_FACT_SQL("program_releases"), {}},
    };
    return tables;
}
#undef LOY_FACT_SQL

const FactTable* fact_table(std::string_view name) {
    for (const auto& t : fact_tables())
        if (name == t.table) return &t;
    return nullptr;
}

const FactTable* fact_table_by_type(std::string_view type) {
    for (const auto& t : fact_tables())
        if (type == t.type) return &t;
    return nullptr;
}

const FactTable* fact_table_of(char letter) {
    for (const auto& t : fact_tables())
        if (letter == t.letter) return &t;
    return nullptr;
}

// Columns holding another fact's local id, and the table it is in ("" = the same table).
const char* reference_of(std::string_view column) {
    if (column == "member_id" || column == "referrer_id" || column == "merged_into" ||
        column == "survivor_id" || column == "absorbed_id" || column == "head_id")
        return "members";
    if (column == "sale_id" || column == "issued_sale_id") return "sales";
    if (column == "refund_id") return "refunds";
    if (column == "entry_id") return "ledger";
    if (column == "coupon_id") return "coupons";
    if (column == "wallet_entry_id") return "wallet_entries";
    if (column == "card_id") return "gift_cards";
    if (column == "household_id") return "households";
    if (column == "corrects") return "";
    return nullptr;
}

bool parse_uid(const std::string& text, Uid& out) {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 2 >= text.size() ||
        text.size() - colon - 2 > 18)
        return false;
    for (std::size_t i = colon + 2; i < text.size(); ++i)
        if (text[i] < '0' || text[i] > '9') return false;
    out.origin = text.substr(0, colon);
    out.letter = text[colon + 1];
    out.seq = std::stoll(text.substr(colon + 2));
    return true;
}

std::string record_hash(const std::string& prev, const std::string& origin, std::int64_t seq,
                        const std::string& kind, const std::string& key, std::int64_t at,
                        const std::string& body) {
    // The digest of canonical(..., "body", body), without copying the body (a member import's
    // record is megabytes) into that text.
    std::string head =
        canonical("prev", prev, "origin", origin, "seq", seq, "kind", kind, "key", key, "at", at);
    head += "body=";
    head += std::to_string(body.size());
    head += ':';
    Sha256 h;
    h.update(head);
    h.update(body);
    h.update(";");
    return h.finish_hex();
}

const std::string kGenesis(64, '0');

}  // namespace loyalty::storage
