// The database: members, ledger and checkout in one SQLite file.
//
// One Database object may be used from several threads: every call takes its internal lock.
// Several processes may open the same file. Failures throw loyalty::Error; a failed call changes
// nothing in the file.
#ifndef LOYALTY_DATABASE_HPP
#define LOYALTY_DATABASE_HPP

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "loyalty/checkout.hpp"
#include "loyalty/member.hpp"
#include "loyalty/program.hpp"
#include "loyalty/reports.hpp"

namespace loyalty {

namespace storage {
struct Access;
}

// Called by long jobs after each batch: (done, total).
using Progress = std::function<void(std::int64_t, std::int64_t)>;

enum class Durability { Full = 0, Normal = 1 };

// Who copies the write-ahead log into the database file (docs/storage.md, "Checkpoints").
enum class CheckpointMode {
    Background = 0,  // a thread of the handle's own, never the committing call (the default)
    Inline = 1,      // SQLite's own: inside the commit that fills ~16 MiB of WAL
    Manual = 2,      // the host calls Database::checkpoint when idle (256 MiB backstop inline)
};

// What a checkpoint found: frames in the WAL, and how many of them are in the main file now.
struct CheckpointInfo {
    int wal_frames = 0;
    int copied_frames = 0;
};

struct OpenOptions {
    std::string path;
    Durability durability = Durability::Full;
    int busy_timeout_ms = 5000;
    std::string default_country = "IR";
    std::string default_currency = "IRR";
    std::string origin;  // empty: generated once per file and kept
    bool read_only = false;
    // The default currency's exponent, recorded by a writable open when the file does not know
    // the code yet; -1: the code must be known (built in, or added by set_currency).
    int default_currency_exponent = -1;
    // A till of a chain (docs/chain.md): points are spent at checkout only under a hold the
    // chain's authority granted (Basket::hold_id).
    bool chain_mode = false;
    // In chain mode, the offline allowance (docs/chain.md, "Offline allowance"): points members
    // may spend at this till without a hold in any 24 hours, in all and per member (0: none).
    std::int64_t offline_till_points = 0, offline_member_points = 0;
    CheckpointMode checkpoint = CheckpointMode::Background;
};

// The origin a handle writes as: every fact it writes has the id `<name>:<letter><seq>`, the same
// in every file the fact is copied to (docs/journal.md, "Identity").
struct Origin {
    std::string name;  // golestan-t1, or golestan-t1~2-3f9a1c for a later generation
    std::string till;  // the terminal's name (OpenOptions::origin, or generated once per file)
    std::int64_t generation = 1;
    bool new_generation = false;  // this open found the file copied, moved to another or restored
};

// One record of the journal: the facts one committed write transaction wrote (docs/journal.md).
struct JournalRecord {
    std::string origin;  // the origin's name
    std::int64_t seq = 0;
    std::string kind;  // the operation: sale, refund, enrol, member_update, ...
    std::string key;   // its idempotency key, or empty
    std::string body;  // the facts, a JSON array, with chain-wide ids and no personal data
    std::string prev,
        hash;  // SHA-256 (hex) of the record before (zeros for the first) and of this one
    std::int64_t created_at = 0;
};

// What applying records of other origins did: records applied, and records this file already
// held (the same hash: a replay, which changes nothing).
// A programme released to start later: its version in this file and when it starts (ms).
struct ProgramRelease {
    std::int64_t version = 0;
    std::int64_t starts_at = 0;
};

struct ApplyResult {
    std::int64_t applied = 0, duplicates = 0;
};

// A member's profile as another till holds it (docs/chain.md, "Profiles"), to be applied with the
// records that name the member.
struct MemberProfile {
    std::string uid;  // the member's chain-wide id
    MemberFields fields;
};

// The most profiles applied with `records` records at a time: 10000, or 1000000 with one record,
// more than one record names (its body ends at the first fact past 4 MiB: some 26,000 imported
// members).
constexpr std::size_t most_profiles(std::size_t records) {
    return records == 1 ? 1000000 : 10000;
}

class Database {
  public:
    static std::unique_ptr<Database> open(const OpenOptions& options);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // Clock: fixed time for tests and replays (0 = system clock).
    void set_clock(std::int64_t now_ms);
    std::int64_t now() const;

    // Copies what it can of the WAL into the database file now, waiting for no reader or
    // writer (a passive checkpoint). For CheckpointMode::Manual, when the till is idle.
    CheckpointInfo checkpoint();

    void set_currency(const std::string& code, int exponent);
    int currency_exponent(const std::string& code);
    std::string normalize_phone(const std::string& phone) const;

    // Chain-wide ids: `<origin>:<letter><seq>` (M member, S sale, R refund or void, C coupon).
    Origin origin() const;
    Member member_by_uid(const std::string& uid);
    std::int64_t sale_by_uid(const std::string& uid);
    Receipt receipt(const std::string& uid);  // a sale's (S) or a refund's or void's (R), again
    CouponInfo coupon_by_uid(const std::string& uid);

    // The journal of `origin` (empty: this handle's) after `after_seq`, at most `limit` records,
    // ending with the record whose body brings the bodies read to 8 MiB.
    std::vector<JournalRecord> journal(const std::string& origin, std::int64_t after_seq,
                                       std::int64_t limit);
    // Applies other origins' records to this file, in one transaction: each exactly once per
    // (origin, seq); a record that differs from the one held under its id is a fork (SyncFork),
    // one that does not follow the last held record of its origin a gap (SyncGap). A refused
    // batch changes nothing (docs/journal.md, "Applying another origin's records"). `profiles`
    // are written after the records in the same transaction, as apply_profile writes them, so a
    // member brought by a record never lands without its profile; one this file cannot take (no
    // such member, erased or merged, or its phone or card another member's here) is passed over.
    // At most 10000 records and most_profiles(records.size()) profiles (InvalidArgument).
    ApplyResult apply_journal(const std::vector<JournalRecord>& records,
                              const std::vector<MemberProfile>& profiles = {});
    // A member's profile (phone, card, name, e-mail, birthday, gender, language, tags) as another
    // till holds it, written here without a journal record (docs/chain.md, "Profiles").
    Member apply_profile(const std::string& uid, const MemberFields& fields);
    // The last record this file holds of each origin (by origin name): where a sync resumes.
    std::vector<JournalRecord> journal_heads();

    // Members.
    Member enrol(const MemberFields& fields, const std::string& idempotency_key = {});
    Member member(std::int64_t id);
    Member find_by_phone(const std::string& phone);
    Member find_by_card(const std::string& card);
    Member identify(const std::string& phone_or_card);
    // With an idempotency key, a retry returns the first call's outcome (docs/c-abi.md).
    Member update(std::int64_t id, const MemberFields& fields,
                  const std::string& idempotency_key = {});
    void deactivate(std::int64_t id, const std::string& idempotency_key = {});
    void reactivate(std::int64_t id, const std::string& idempotency_key = {});
    void erase(std::int64_t id, const std::string& idempotency_key = {});
    Member merge(std::int64_t survivor_id, std::int64_t absorbed_id,
                 const std::string& idempotency_key = {});
    std::vector<Member> list(const MemberQuery& query);

    // Programme.
    std::int64_t load_program(const std::string& json);
    // A programme for the whole chain, on the head office's file: a fact every till learns with
    // the sync, in effect from `starts_at_ms` (0 = now) in every file (docs/chain.md,
    // "Programmes for the whole chain"). The version it is here.
    std::int64_t publish_program(const std::string& json, std::int64_t starts_at_ms);
    // The programme released to start next, after the one in effect ({0, 0}: none).
    ProgramRelease next_program();
    // The version in effect now (0: none).
    std::int64_t active_program_version();
    std::string export_program(std::int64_t version = 0);

    // Checkout.
    Quote quote(const Basket& basket);
    Receipt commit(const Basket& basket, const std::string& idempotency_key);
    // In a chain: what the basket uses that a limit counts over the whole chain (issued codes,
    // campaigns with a limit or a budget), as the JSON the chain's authority holds it by
    // (docs/chain.md, "Coupons in a chain"): {"member": uid or "", "items": [...]}.
    std::string coupon_claims(const Basket& basket);
    // In a chain: the basket's gift card payments as the authority holds them (docs/chain.md,
    // "Gift cards in a chain"): {"cards": [{"code", "amount"}]}.
    std::string giftcard_claims(const Basket& basket);
    Receipt refund(std::int64_t sale_id, const std::vector<RefundLine>& lines,
                   const std::string& idempotency_key);
    Receipt void_sale(std::int64_t sale_id, const std::string& idempotency_key);
    std::int64_t sale_by_key(const std::string& idempotency_key);
    // Attaches a member to a sale made before they showed their card (docs/checkout.md,
    // "Claiming a past receipt"): the member earns what the sale would have earned, once.
    Receipt claim_sale(std::int64_t sale_id, std::int64_t member_id, const std::string& cashier,
                       const std::string& idempotency_key);
    // The latest sale with this receipt number (at this branch, when one is given).
    std::int64_t sale_by_receipt(const std::string& receipt, const std::string& branch);

    // Tiers and plans. A plan is bought as a basket line (BasketLine::plan_id).
    TierStatus tier_status(std::int64_t member_id);
    // Re-evaluates every active member at `now_ms` (0 = the clock): upgrades, marks members below
    // their level at risk, and after the grace period steps them down. Idempotent for one time.
    ReviewResult review_tiers(std::int64_t now_ms = 0, const Progress& progress = {});
    // Staff assign a level as a floor (a VIP, a compensation, a status match) until `until_ms`
    // (0 = until withdrawn): the member is raised to it now and cannot fall below it while it is
    // in force. An empty tier withdraws it (the member then keeps the level until a review).
    void assign_tier(std::int64_t member_id, const std::string& tier, std::int64_t until_ms,
                     const std::string& reason, const std::string& operator_id,
                     const std::string& idempotency_key);
    // Households (docs/members.md): a family pooling its points in the head's account. Create
    // with its head; a member who joins brings their points (with their dates) and from then on
    // earns into and spends from the household's balance; leaving leaves the points behind.
    std::int64_t household_create(std::int64_t head_member_id, const std::string& idempotency_key);
    void household_join(std::int64_t household_id, std::int64_t member_id,
                        const std::string& idempotency_key);
    void household_leave(std::int64_t member_id, const std::string& idempotency_key);
    Household household(std::int64_t member_id);
    // The member's stamps on a stamp card of the programme (docs/programme.md).
    std::int64_t stamps(std::int64_t member_id, const std::string& card);
    // Ends the member's active plan now (its benefits and tier floor stop).
    void cancel_plan(std::int64_t member_id, const std::string& idempotency_key);

    // Coupons (campaigns are defined in the programme). Codes come back as XXXXX-XXXXX.
    std::string issue_coupon(const std::string& campaign_id, std::int64_t member_id,
                             const std::string& idempotency_key);
    std::int64_t create_coupon_batch(const std::string& campaign_id, std::int64_t count,
                                     const std::string& idempotency_key);
    std::vector<std::string> coupon_batch_codes(std::int64_t batch_id);
    CouponInfo coupon(const std::string& code);
    void revoke_coupon(const std::string& code, const std::string& idempotency_key);

    // Wallet (money, separate from points).
    std::int64_t wallet_credit(std::int64_t member_id, std::int64_t amount,
                               const std::string& reason, const std::string& operator_id,
                               const std::string& idempotency_key);
    WalletBalance wallet(std::int64_t member_id);

    // Rewards catalogue.
    // In chain mode, under the authority's hold for the reward (`hold_id`; docs/chain.md,
    // "Rewards in a chain").
    RewardRedemption redeem_reward(std::int64_t member_id, const std::string& reward_id,
                                   std::int64_t quantity, const std::string& idempotency_key,
                                   const std::string& hold_id = {});
    void refund_reward(std::int64_t redemption_id, const std::string& idempotency_key);
    Table reward_report(std::int64_t from_ms, std::int64_t to_ms);

    // Partners (coalition).
    void record_partner_redemption(const std::string& partner_id, const std::string& code,
                                   std::int64_t amount, const std::string& idempotency_key);
    Table partner_settlement(const std::string& partner_id, std::int64_t from_ms,
                             std::int64_t to_ms);

    // Prize draws.
    std::int64_t draw_enter(const std::string& draw_id, std::int64_t member_id,
                            std::int64_t entries, const std::string& idempotency_key);
    Table draw_entries(const std::string& draw_id);
    Table draw_run(const std::string& draw_id, const std::string& seed, std::int64_t winners,
                   const std::string& idempotency_key);

    // Points outside a basket.
    std::int64_t record_event(std::int64_t member_id, const std::string& action,
                              const std::string& idempotency_key);
    // `approver`: a second operator, for an adjustment above the programme's approval size.
    std::int64_t adjust(std::int64_t member_id, std::int64_t points, const std::string& reason,
                        const std::string& operator_id, const std::string& idempotency_key,
                        const std::string& approver = "");
    // Points holds (docs/ledger.md): reserve points for `ttl_ms` (a tab, a web order); capture
    // all or part (the rest is released; returns the balance after) or release them.
    std::int64_t hold_points(std::int64_t member_id, std::int64_t points, std::int64_t ttl_ms,
                             const std::string& reference, const std::string& idempotency_key);
    std::int64_t capture_hold(std::int64_t hold_id, std::int64_t points,
                              const std::string& idempotency_key);
    // Wallet holds, the same for wallet money (minor units); capture returns the wallet balance
    // after. release_hold releases a hold of either kind.
    std::int64_t hold_wallet(std::int64_t member_id, std::int64_t amount, std::int64_t ttl_ms,
                             const std::string& reference, const std::string& idempotency_key);
    std::int64_t capture_wallet_hold(std::int64_t hold_id, std::int64_t amount,
                                     const std::string& idempotency_key);
    void release_hold(std::int64_t hold_id, const std::string& idempotency_key);
    // Gives points of one member to another, with their dates; returns the giver's balance.
    std::int64_t transfer_points(std::int64_t from_member_id, std::int64_t to_member_id,
                                 std::int64_t points, const std::string& reason,
                                 const std::string& operator_id,
                                 const std::string& idempotency_key);
    // `progress(done, total)` is called after each batch (500 lots).
    ExpireResult expire(std::int64_t now_ms = 0, const Progress& progress = {});
    // Points expiring before `before_ms`, and the earliest expiry date (0 = none).
    std::pair<std::int64_t, std::int64_t> expiring(std::int64_t member_id, std::int64_t before_ms);
    std::vector<LedgerEntry> history(std::int64_t member_id, int limit = 100, int offset = 0);
    VerifyReport verify();
    // Recomputes the projections from the facts (balances, lifetime earnings, wallet balances,
    // lot remainders, campaign totals); returns how many rows it corrected (0 on a sound file).
    std::int64_t rebuild();

    // Manager reports by name (report_catalogue(); docs/reports.md defines every column).
    Table report(const std::string& name, const ReportOptions& options);
    // The dashboard: one self-contained HTML page of the key reports, right-to-left and in
    // Persian when the programme's language is "fa".
    std::string dashboard_html(const ReportOptions& options);

    // Segments at `at_ms` (0 = now): the RFM groups ("rfm:champions"...) and the programme's
    // custom segments, with their sizes; a segment's members; a member's segments and scores.
    Table segments(std::int64_t at_ms = 0);
    Table segment_members(const std::string& segment_id, std::int64_t at_ms = 0);
    Table member_segments(std::int64_t member_id, std::int64_t at_ms = 0);

    // Messages: write what the programme's triggers call for into the outbox (each trigger
    // occurrence at most once per channel); send a message campaign to its segment; fetch due
    // messages (leased for lease_ms, then due again unless acknowledged); acknowledge.
    std::int64_t generate_messages(std::int64_t now_ms = 0);
    CampaignSendResult send_campaign(const std::string& campaign_id, std::int64_t now_ms = 0);
    Table fetch_messages(std::int64_t now_ms, int limit, std::int64_t lease_ms);
    void acknowledge_message(std::int64_t message_id, Delivery result, const std::string& error,
                             std::int64_t retry_after_ms);
    Table member_messages(std::int64_t member_id, int limit = 20);
    // A member's recent sales (sale_id, receipt, branch, total, points_earned, points_redeemed,
    // status, created_at) and coupons (code, campaign, uses, max_uses, valid_until, status).
    Table member_sales(std::int64_t member_id, int limit = 10);
    Table member_coupons(std::int64_t member_id);
    // Everything held about a member, as one JSON document (docs/members.md, "Data export"):
    // the profile and the profiles merged into it, tags, consents, sales with their lines,
    // tenders and refunds, ledger entries and lots, tier events, plans, coupons and their uses,
    // wallet entries, rewards, prize-draw tickets and wins, and messages. For access requests.
    std::string member_export_json(std::int64_t member_id);

    // Member import from CSV text (docs/reports.md): every row is checked; when any row fails,
    // nothing is written and `errors` says why, row by row. `progress(done, total)` is called
    // as rows are processed.
    ImportResult import_members_csv(const std::string& csv, bool dry_run,
                                    const Progress& progress = {});

    struct Impl;

    // Gift cards (docs/wallet.md): sold with a first amount (returns the code), loaded,
    // redeemed in part as a tender, credited back on a refund; each returns the balance after.
    std::string gift_card_sell(std::int64_t amount, const GiftCardContext& ctx,
                               const std::string& idempotency_key);
    std::int64_t gift_card_load(const std::string& code, std::int64_t amount,
                                const GiftCardContext& ctx, const std::string& idempotency_key);
    std::int64_t gift_card_redeem(const std::string& code, std::int64_t amount,
                                  const GiftCardContext& ctx, const std::string& idempotency_key);
    std::int64_t gift_card_refund(const std::string& code, std::int64_t amount,
                                  const GiftCardContext& ctx, const std::string& idempotency_key);
    GiftCard gift_card(const std::string& code);

  private:
    std::int64_t gift_card_change(const std::string& op, const std::string& code,
                                  std::int64_t amount, const GiftCardContext& ctx,
                                  const std::string& idempotency_key);
    friend struct storage::Access;
    explicit Database(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace loyalty

#endif
