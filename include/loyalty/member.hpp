// Members: the club's customers.
#ifndef LOYALTY_MEMBER_HPP
#define LOYALTY_MEMBER_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace loyalty {

enum class MemberStatus { Active = 0, Inactive = 1, Erased = 2, Merged = 3 };

// A member's household (docs/members.md, "Households"): one points account, its head's.
struct Household {
    std::int64_t id = 0;       // 0: the member belongs to none
    std::int64_t head_id = 0;  // whose ledger holds the household's points
    std::int64_t members = 0;  // members now, the head included
};

struct Member {
    std::int64_t id = 0;
    std::string uid;  // the chain-wide id, "<origin>:M<seq>" (docs/journal.md)
    MemberStatus status = MemberStatus::Active;
    std::string phone;  // E.164
    std::string card;
    std::string name;
    std::string email;
    int birth_year = 0, birth_month = 0, birth_day = 0;  // 0 = unknown
    std::string gender;
    std::vector<std::string> tags;  // sorted, unique
    std::string tags_text;          // the same, comma-separated
    std::string language;
    bool consent_sms = false, consent_email = false, consent_push = false;
    std::string branch;
    std::int64_t referrer_id = 0;
    std::string referral_code;
    std::int64_t merged_into = 0;
    std::int64_t created_at = 0;
    std::int64_t balance = 0;    // sum of ledger entries
    std::int64_t available = 0;  // spendable now
    std::int64_t pending = 0;    // inside a return window
    std::int64_t lifetime_earned = 0;
    std::string tier;                 // current tier level id ("" when the programme has no tiers)
    std::int64_t wallet_balance = 0;  // money, in minor units of the programme currency
};

// For enrol: unset = absent. For update: unset = keep, empty string = clear.
struct MemberFields {
    std::optional<std::string> phone, card, name, email, gender, language, branch, referrer;
    std::optional<std::vector<std::string>> tags;
    std::optional<int> birth_year, birth_month, birth_day;
    std::optional<bool> consent_sms, consent_email, consent_push;
};

struct MemberQuery {
    std::string name_prefix;
    std::string phone_prefix;
    std::string tag;
    bool include_inactive = false;
    int limit = 100;
    std::int64_t after_id = 0;
};

}  // namespace loyalty

#endif
