// What the storage files share: the Database's private state (struct Database::Impl) and the
// helpers its transactions use. Each group of declarations is defined in the file it names.
#ifndef LOYALTY_SRC_STORAGE_IMPL_HPP
#define LOYALTY_SRC_STORAGE_IMPL_HPP

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <functional>
#include <limits>
#include <mutex>
#include <optional>
#include <unordered_map>

#include <fmt/format.h>

#include "loyalty/coupons.hpp"
#include "loyalty/database.hpp"
#include "loyalty/rules.hpp"
#include "calendar.hpp"
#include "lots.hpp"
#include "periods.hpp"
#include "platform.hpp"
#include "sha256.hpp"
#include "storage/access.hpp"
#include "storage/canonical.hpp"
#include "storage/checkpointer.hpp"
#include "storage/facts.hpp"
#include "storage/family.hpp"
#include "storage/packed_lots.hpp"
#include "storage/sale_lines.hpp"
#include "storage/schema.hpp"
#include "storage/sqlite.hpp"
#include "text.hpp"

namespace loyalty {

using storage::canonical;
using storage::Connection;
using storage::kNever;
using storage::NullIfEmpty;
using storage::NullIfZero;
using storage::Transaction;
using storage::Uncopied;

namespace storage {

constexpr std::size_t kMaxKey = 128;
constexpr std::size_t kMaxShort = 64;
constexpr std::size_t kMaxName = 200;
constexpr std::size_t kMaxText = 500;
constexpr std::int64_t kDayMs = 86400000;

// The first column of the first row of a one-row query.
inline std::int64_t scalar(storage::Query q) {
    q.next();
    return q.i64(0);
}

inline std::string random_code(std::size_t n) {
    // No 0/O, 1/I/L: easy to read aloud and type.
    return platform::random_symbols(n, "23456789ABCDEFGHJKMNPQRSTUVWXYZ");
}

inline std::string random_hex(std::size_t n) {
    return platform::random_symbols(n, "0123456789abcdef");
}

inline void check_currency(const std::string& code, int exponent) {
    text::check_field("currency", code, 8);
    if (code.empty() || !std::all_of(code.begin(), code.end(), [](char ch) {
            return (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
        }))
        throw Error(Status::InvalidArgument, "a currency code is upper-case letters or digits");
    if (exponent < 0 || exponent > 9)
        throw Error(Status::InvalidArgument, "exponent must be 0 to 9");
}

inline void check_key(const std::string& key) {
    if (key.empty()) throw Error(Status::InvalidArgument, "an idempotency key is required");
    text::check_field("idempotency key", key, kMaxKey);
}

// The refusals remembered for their key (docs/c-abi.md, "Refusals"): a retry with the same key
// and request gets the same answer, even after the state that caused it has changed. Malformed
// requests (checked before anything is looked up) and transient failures are not remembered.
inline bool is_refusal(Status s) {
    switch (s) {
        case Status::Duplicate:
        case Status::NotFound:
        case Status::MemberInactive:
        case Status::InsufficientPoints:
        case Status::RedemptionNotAllowed:
        case Status::CapReached:
        case Status::RefundExceedsSale:
        case Status::SaleVoided:
        case Status::InvalidState:
        case Status::UnknownCurrency:
        case Status::CouponInvalid:
        case Status::CouponRejected:
        case Status::OutOfStock:
        case Status::InsufficientFunds:
        case Status::InvalidAmount:
        case Status::Overflow:
            return true;
        default:
            return false;
    }
}

// The entry kinds that count as earned: they make up a member's lifetime earnings.
inline constexpr EntryKind kEarningKinds[] = {EntryKind::Earn, EntryKind::Bonus, EntryKind::Event,
                                              EntryKind::ReverseEarn};
inline bool is_earning(EntryKind k) {
    return std::find(std::begin(kEarningKinds), std::end(kEarningKinds), k) !=
           std::end(kEarningKinds);
}

}  // namespace storage

using storage::check_currency;
using storage::check_key;
using storage::is_earning;
using storage::is_refusal;
using storage::kDayMs;
using storage::kEarningKinds;
using storage::kMaxKey;
using storage::kMaxName;
using storage::kMaxShort;
using storage::kMaxText;
using storage::random_code;
using storage::random_hex;
using storage::scalar;

struct Database::Impl {
    OpenOptions opt;
    Connection c;
    mutable std::mutex mu;
    std::atomic<std::int64_t> fixed_clock{0};
    // The moment a transaction's first now() read, which every later now() of that transaction
    // answers: what one operation writes (a tier and its event, a sale and its entries) carries
    // one time, whichever millisecond the clock turns over in.
    mutable std::atomic<std::uint64_t> clock_tx{0};
    mutable std::atomic<std::int64_t> clock_at{0};
    std::int64_t origin_id = 0;  // origins.id of this handle's origin (0: read-only)
    std::string origin;          // its name: the till's, or till~generation-xxxxxx
    std::int64_t generation = 1;
    bool new_generation = false;  // this open found the file copied, moved or restored
    // Reused by each journal record (storage/journal.cpp): the facts noted and the body.
    std::vector<std::pair<std::int64_t, std::int64_t>> noted_facts;
    // The operations journal_operation named, each noted as {kOperationNote, its index here}.
    std::vector<std::pair<std::string, std::string>> journal_ops;
    static constexpr std::int64_t kOperationNote = -1;
    // Forgets the transaction's notes: facts applied from other origins' records, which this
    // origin writes no record of.
    void drop_journal_notes();
    // Members merged here that applied records gave entries (settle_merged moves their points).
    std::vector<std::int64_t> landed_on_merged;
    std::string journal_body;
    // Appends a record to the journal (`origin_row`: origins.id of this origin or another), its
    // body stored with its keys coded (storage/record_packing.hpp) in `packed_journal_body`,
    // reused.
    void store_record(std::int64_t origin_row, std::int64_t seq, const std::string& kind,
                      const std::string& key, std::string_view body, const std::string& prev,
                      const std::string& hash, std::int64_t at);
    std::string packed_journal_body;
    // An origin's last record: its seq (0 and the genesis hash when it has none), hash and time.
    struct LastRecord {
        std::int64_t seq = 0;
        std::string hash = storage::kGenesis;
        std::int64_t created_at = 0;
    };
    const LastRecord& last_record(std::int64_t origin_row);
    // The origin last_record read or store_record wrote last, its record and the epoch then.
    struct LastRecordMemo {
        std::int64_t origin = 0;
        std::uint64_t epoch = 0;
        LastRecord record;
    } last_record_memo;
    std::unordered_map<std::uint64_t, std::string> uid_memo;
    // How a record writes each column of a fact table's row, by the table's row statement: worked
    // out from the columns' names once, not for every row (storage/journal.cpp).
    struct FactColumn {
        std::string name;
        std::string key;  // the name as the record writes it: `"name":`
        enum Kind { Plain, Skip, Origin, Seq, Reference } kind = Plain;
        // A column read for the rows it packs (a sale's lines, an entry's lots), not written.
        enum Packed { NotPacked, Lines, Lots } packed = NotPacked;
        const char* table = nullptr;  // what a Reference names
    };
    struct FactPlan {
        std::vector<FactColumn> columns;
        std::uint64_t checked_in = 0;  // the plan_epoch that last checked it
    };
    std::unordered_map<const char*, FactPlan> fact_plans;
    // A sale's packed lines, read for its journal record (room kept from one sale to the next).
    std::vector<storage::PackedLine> unpacked_lines;
    // An entry's packed lots, likewise.
    std::vector<storage::PackedLot> unpacked_lots;
    // Moved on by each record built and each check of the facts: the plans are checked once in
    // each (the schema does not change within one).
    std::uint64_t plan_epoch = 0;
    std::unordered_map<std::int64_t, std::string> origin_names;
    // Each origin's range of the journal's keys (storage/journal_keys.hpp), which never changes.
    std::unordered_map<std::int64_t, std::int64_t> journal_ranges;
    // loy_verify's file rebuilt from the journal alone, kept between checks (storage/verify.cpp).
    std::unique_ptr<Impl> rebuilt;
    // The columns of each fact table, for applying other origins' records (storage/apply.cpp).
    std::unordered_map<std::string, std::vector<std::string>> fact_columns;
    std::int64_t program_version = -1;
    Program program;
    // What this handle remembers of the file between transactions, while no other connection
    // commits (Connection::epoch); a write here to what is remembered forgets it (epoch 0).
    std::uint64_t program_epoch = 0;      // when active_program last looked
    std::int64_t program_next_start = 0;  // when a released programme starts next (0: none)
    struct {
        std::uint64_t epoch = 0;  // when exponent() last looked
        std::string code;
        int exponent = 0;
    } exponent_memo;
    bool created = false;  // this open created the file
    // account_of's memory: whether the file held no household member at no_households_epoch.
    std::uint64_t no_households_epoch = 0;
    bool no_households = false;
    // any_open_hold's memory: whether the file held an open hold at open_holds_epoch.
    std::uint64_t open_holds_epoch = 0;
    bool open_holds = true;
    // CheckpointMode::Background's thread; declared after `c`, so it stops before `c` closes.
    std::unique_ptr<storage::Checkpointer> checkpointer;

    // The request log keeps, per idempotency key, the operation, a digest of the canonical
    // request (never its text: no personal data stays behind in it) and the outcome. The digest
    // is the first 16 bytes of the request's SHA-256, stored as a BLOB (schema 11); a row written
    // before keeps the 64 hexadecimal digits of the whole SHA-256 as TEXT.
    struct StoredRequest {
        std::string op, message;
        std::string digest;  // 16 bytes; or 64 hexadecimal digits when `digest_is_hex`
        bool digest_is_hex = false;
        Status status = Status::Ok;
        std::int64_t result_id = 0, result_value = 0;
        // Whether `request`, whose digest is `digest`, is the request this row answered.
        bool same(const std::string& request, const std::string& digest) const;
    };
    static std::string request_digest(const std::string& request);

    // What a write returns: the row it made and a value; `replayed` when its key was seen before.
    struct Outcome {
        std::int64_t id = 0, value = 0;
        bool replayed = false;
    };

    // Where a ledger or wallet entry comes from (sale, refund, corrected entry, operator, place).
    struct EntryContext {
        std::int64_t sale_id = 0, refund_id = 0, corrects = 0;
        std::string reason, operator_id, branch, terminal;
        std::string approver;  // a manual adjustment's second operator
        bool held = false;     // in chain mode: a spend under the authority's hold (checkout)
    };

    // One step of a lot plan (src/lots.hpp): points taken from one lot.
    using Take = lots::Take;

    // The kinds of wallet entries (wallet.kind).
    enum WalletKind : std::int64_t {
        kCashback = 1,
        kCredit = 2,
        kTender = 3,
        kTenderBack = 4,
        kCashbackBack = 5,
        kRewardCredit = 6,
        kRewardBack = 7,
        kTopUp = 8,      // a wallet top-up sold as a basket line
        kTopUpBack = 9,  // ...and returned
    };

    // A member's running plan subscription, if any (id empty: none).
    struct ActivePlan {
        std::string id;
        std::int64_t ends_at = 0;
    };

    // The member columns read_member reads, in its order.
    static constexpr const char* kMemberCols =
        "SELECT m.id, o.name, m.status, m.phone, m.card, m.name, m.email, m.birth_year, "
        "m.birth_month, m.birth_day, m.gender, m.language, m.consent_sms, m.consent_email, "
        "m.consent_push, m.branch, m.referrer_id, m.referral_code, m.merged_into, m.created_at, "
        "m.balance, m.lifetime_earned, m.tier, m.wallet_balance, COALESCE(m.origin_seq, m.id) FROM "
        "members m JOIN origins o ON "
        "o.id = m.origin ";

    // The page cache of a handle (KiB), and of a job that writes across the whole file.
    static constexpr int kCacheKiB = 32768;
    static constexpr int kJobCacheKiB = 131072;

    // storage/database.cpp
    std::int64_t now() const;
    std::string uid(const std::string& origin_name, char kind, std::int64_t id) const;
    void open();
    void open_on_read_only_medium();
    const Program& active_program();
    void record_currency(const std::string& code, int exp);
    int exponent(const std::string& code);
    void start_checkpoints();
    // Held while this connection runs a checkpoint of its own: the thread's waits meanwhile.
    std::unique_lock<std::mutex> pause_checkpoints() {
        return checkpointer ? checkpointer->pause() : std::unique_lock<std::mutex>();
    }
    void checkpoint_truncate();

    // In chain mode, a job that must run once for the whole chain (expiry, tier review, messages,
    // draws, coupon batches, merges) is refused on a till: it runs on the head office's file
    // (docs/chain.md, "Jobs run once"). Throws NeedsOnline.
    void not_on_a_till(const char* what) const {
        if (opt.chain_mode)
            throw Error(Status::NeedsOnline,
                        std::string("in a chain, ") + what +
                            " runs once for the whole chain, on the head office's file, not on "
                            "a till");
    }

    // storage/origins.cpp
    void register_origin();
    std::int64_t origin_by_name(const std::string& name);
    // Origin `id`'s range of the journal's keys (storage/journal_keys.hpp); 0: no such origin.
    std::int64_t journal_range(std::int64_t id);
    std::int64_t local_id(const char* table, char letter, const std::string& uid_text);

    // storage/sale_parts.cpp
    // The ids of the entries a checkout or a claim writes for its sale (0: none), which it
    // writes into the sale's row at its end; reset as each begins. (A checkout's coupon uses
    // are numbered before the sale and their range written with it; the uses' fields serve
    // note_sale_parts.)
    struct SaleParts {
        std::int64_t sale = 0, e_lo = 0, e_hi = 0, u_lo = 0, u_hi = 0;
    };
    SaleParts sale_parts;
    void note_sale_entry(std::int64_t sale, std::int64_t entry);
    // Another origin's record applied: widens the ranges of the sales whose entries and coupon
    // uses (rows) it wrote.
    void note_sale_parts(const std::vector<std::int64_t>& entries,
                         const std::vector<std::int64_t>& uses);

    // storage/journal.cpp
    void watch_facts();
    void journal_operation(const std::string& kind, const std::string& key);
    void journal_flush();
    void append_fact_uid(std::string& out, const char* table, std::int64_t id);
    const std::string& origin_name(std::int64_t id);
    std::int64_t check_journal(std::vector<std::string>& problems);
    std::int64_t check_facts(std::vector<std::string>& problems);
    std::int64_t fact_row(const char* table, std::int64_t o, std::int64_t seq);

    // storage/requests.cpp
    std::optional<StoredRequest> find_request(const std::string& key);
    void save_request(const std::string& key, const std::string& op, const std::string& digest,
                      Status status, const std::string& message, std::int64_t result_id,
                      std::int64_t result_value);

    // Runs `body` exactly once per key: a replay returns the stored (id, value); a refusal is
    // stored and thrown again on replay; a transient failure stores nothing. `finish` builds the
    // caller's result inside the same transaction, before COMMIT: if building it fails, nothing
    // was committed, so a failed call never leaves work behind.
    template <typename Body, typename Finish>
    auto idempotent(const std::string& key, const std::string& op, const std::string& request,
                    Body body, Finish finish) {
        const std::string digest = request_digest(request);
        Transaction t(c, true);
        journal_operation(op.substr(0, op.find(':')), key);  // "refund:12" is a refund
        if (auto r = find_request(key)) {
            if (r->op != op || !r->same(request, digest))
                throw Error(
                    Status::IdempotencyConflict,
                    "idempotency key '" + key + "' was used before for a different request");
            if (r->status != Status::Ok) throw Error(r->status, r->message);
            return finish(Outcome{r->result_id, r->result_value, true});
        }
        Outcome out;
        try {
            auto [id, value] = body();
            out.id = id;
            out.value = value;
        } catch (const Error& e) {
            if (!is_refusal(e.status())) throw;
            // The refusal is kept under its key by a transaction of its own, after this one is
            // rolled back: no savepoint around the body, which would copy every page the body
            // writes to undo it, for the few writes that are refused. The key is looked up again
            // (another handle may have used it since the lock was let go): a request stored
            // meanwhile is the key's, and this call is refused all the same. It writes no fact, so
            // no journal record: it names no operation.
            t.rollback();
            Transaction kept(c, true);
            if (!find_request(key)) save_request(key, op, digest, e.status(), e.what(), 0, 0);
            kept.commit();
            throw;
        }
        save_request(key, op, digest, Status::Ok, "", out.id, out.value);
        auto result = finish(out);
        t.commit();
        return result;
    }

    // A member event (enrolment, update, status, erasure, merge): with a key, exactly once per
    // key like every keyed write; without one, in a transaction of its own.
    template <typename Body, typename Finish>
    auto member_event(const std::string& key, const std::string& op, const std::string& request,
                      Body body, Finish finish) {
        if (!key.empty()) {
            check_key(key);
            return idempotent(key, op, request, body, finish);
        }
        Transaction t(c, true);
        journal_operation(op, "");
        auto [id, value] = body();
        auto result = finish(Outcome{id, value, false});
        t.commit();
        return result;
    }

    template <typename Body>
    Outcome member_event(const std::string& key, const std::string& op, const std::string& request,
                         Body body) {
        return member_event(key, op, request, body, [](const Outcome& o) { return o; });
    }

    template <typename Body>
    Outcome idempotent(const std::string& key, const std::string& op, const std::string& request,
                       Body body) {
        return idempotent(key, op, request, body, [](const Outcome& o) { return o; });
    }

    // storage/members.cpp
    Member read_member(storage::Query& q);
    // Reads what a member's row does not hold (tags, a household's account, available points).
    // `until`, if given: the first moment at which what it read would read otherwise by the clock
    // alone (a lot becoming available or expiring; the moment read, when a hold is open).
    void complete_member(Member& m, std::int64_t* until = nullptr);
    std::optional<Member> try_member(const char* where, const std::string& arg);
    Member load_member(std::int64_t id);
    // The member the last look-up or load read, kept for the next load of the same member (a
    // quote right after the lookup): used while nothing has been written to the file since (the
    // connection's epoch and count of changes as they were) and the clock is within the span
    // the member's available points hold for (from the read to complete_member's `until`).
    struct MemberMemo {
        std::int64_t id = 0;
        std::uint64_t epoch = 0;
        std::int64_t changes = -1, from = 0, until = 0;
        Member member;
    } member_memo;
    void remember_member(const Member& m, std::int64_t until);
    const Member* remembered_member(std::int64_t id);
    // The member of the query's row (kMemberCols), completed and remembered.
    Member read_and_remember(storage::Query& q);
    std::int64_t owner_of(std::int64_t id);
    void require_active(std::int64_t id);
    // owner_of(id), refused unless active: one read a hop.
    std::int64_t active_owner(std::int64_t id);
    std::string normalize_phone(const std::string& p) const;
    void check_fields(MemberFields& f) const;
    void check_birthday(int y, int m, int d) const;
    std::int64_t resolve_referrer(const std::string& ref);
    void check_unique(const std::optional<std::string>& phone,
                      const std::optional<std::string>& card, std::int64_t self);
    // Sets a member's tags; `replace` false for a member just inserted, who has none yet.
    void write_tags(std::int64_t id, const std::vector<std::string>& tags, bool replace = true);
    std::int64_t do_enrol(const MemberFields& f);
    void do_update(std::int64_t id, const MemberFields& f);
    void set_status(std::int64_t id, MemberStatus from, MemberStatus to);
    void do_erase(std::int64_t id);
    void do_merge(std::int64_t survivor_id, std::int64_t absorbed_id);
    std::int64_t carry_points(std::int64_t from, std::int64_t to, const EntryContext& ctx);
    struct OpenLot {
        std::int64_t id, remaining, available_at, expires_at;
    };
    std::vector<OpenLot> open_lots(std::int64_t member);
    void settle_merged();

    // storage/ledger.cpp
    // The member's points available now and pending (not yet available). `until`, if given: the
    // first moment at which the answer would change by the clock alone (a lot becoming
    // available or expiring; now, when a hold is open: holds time out).
    std::pair<std::int64_t, std::int64_t> spendable(std::int64_t member_id,
                                                    std::int64_t* until = nullptr);
    std::int64_t held(std::int64_t member_id, std::int64_t asset, std::int64_t t);
    bool any_open_hold();
    std::int64_t balance_of(std::int64_t member_id);
    std::string source_of(EntryKind kind, const EntryContext& ctx);
    // `lots`: the entry's lots as ledger.lots holds them (storage/packed_lots.hpp), "" for none;
    // `takes`: the lots a debit takes, packed in the same insert as ledger.moves holds them.
    std::int64_t add_entry(EntryKind kind, std::int64_t member, std::int64_t points,
                           const EntryContext& ctx, const std::string& lots = std::string(),
                           const std::vector<Take>& takes = {});
    // `nth`: the lot's place among its entry's lots, from 0 (storage/lots_sql.hpp); `in_row`:
    // the entry was written with it.
    void add_lot(std::int64_t member, std::int64_t entry, std::int64_t points,
                 std::int64_t balance_before, std::int64_t available_at, std::int64_t expires_at,
                 std::int64_t nth = 0, bool in_row = false);
    std::int64_t credit(EntryKind kind, std::int64_t member, std::int64_t points,
                        const EntryContext& ctx, std::int64_t available_at,
                        std::int64_t expires_at);
    std::vector<Take> plan(std::int64_t member, std::int64_t want, bool spendable_only,
                           std::int64_t prefer_entry, std::int64_t at = 0);
    // Appends `takes` to the lot moves packed in `entry`'s row (ledger.moves, schema version
    // 16); pack_moves gives them as that column holds them.
    void add_moves(std::int64_t entry, const std::vector<Take>& takes);
    static std::string pack_moves(const std::vector<Take>& takes);
    // Writes a plan of `member`'s lots: the entry's moves, and what they leave of each lot in
    // lots_left (take_lots alone, for an entry written with its moves).
    void apply(std::int64_t entry, const std::vector<Take>& p, std::int64_t member);
    void take_lots(const std::vector<Take>& p, std::int64_t member);
    // A member's lots past their date at `at`, soonest first, each taken whole.
    std::vector<Take> due_lots(std::int64_t member, std::int64_t at);
    // Expires the lots past their date at `at` of the members in [first, last], one entry a
    // member, in the caller's transaction.
    ExpireResult expire_members(std::int64_t first, std::int64_t last, std::int64_t at);
    std::int64_t debit_spend(EntryKind kind, std::int64_t member, std::int64_t points,
                             const EntryContext& ctx);
    std::int64_t debit_reverse(std::int64_t member, std::int64_t points, const EntryContext& ctx,
                               std::int64_t prefer_entry, NegativePolicy policy);
    void restore_spent(std::int64_t member, std::int64_t points, const EntryContext& ctx);
    std::int64_t expiry_for(std::int64_t t);

    // storage/wallet.cpp
    WalletBalance wallet_balance(std::int64_t member);
    std::int64_t wallet_add(std::int64_t member, WalletKind kind, std::int64_t amount,
                            const EntryContext& ctx, std::int64_t available_at);

    // storage/coupons.cpp
    std::string free_code();
    std::string new_coupon(const Campaign& camp, std::int64_t member, std::int64_t batch,
                           std::int64_t sale);
    std::int64_t code_uses(std::int64_t coupon_id, const std::string& code);
    CouponInfo coupon_info(std::int64_t id);
    const Campaign& campaign_of(const Program& p, const std::string& id);
    void fill_uses(CouponCandidate& cand, std::int64_t member);
    // A use of the campaign, counted in its totals where it has them (storage/campaign_totals.hpp).
    void count_campaign_use(const std::string& campaign_id, std::int64_t discount);

    // storage/giftcards.cpp
    void gift_card_activity(std::int64_t card, std::int64_t kind, std::int64_t amount,
                            const GiftCardContext& ctx, std::int64_t sale = 0,
                            std::int64_t refund = 0);
    // A basket's gift cards: checked against their balances and what is due (after points and
    // wallet, top-ups left out); each card's id and amount, in basket order.
    std::vector<std::pair<std::int64_t, std::int64_t>> basket_gift_cards(const Basket& b,
                                                                         Evaluation& ev);
    void pay_gift_cards(const std::vector<std::pair<std::int64_t, std::int64_t>>& cards,
                        const Basket& b, std::int64_t sale);
    std::int64_t refund_gift_cards(std::int64_t sale, std::int64_t refund,
                                   const std::function<std::int64_t(std::int64_t)>& share,
                                   const GiftCardContext& ctx);
    void check_adjustment_limits(const Program& p, const std::string& operator_id,
                                 const std::string& approver, std::int64_t size, std::int64_t t);
    std::vector<CouponCandidate> coupon_candidates(const Basket& b, std::int64_t member,
                                                   const Program& p);

    // storage/chain_holds.cpp
    static bool counted_chain_wide(const CouponResult& cr, const Campaign& camp);
    void require_wallet_hold(const Basket& b, const Evaluation& ev);
    void require_giftcard_hold(const Basket& b);
    std::string giftcard_claims(const Basket& b);
    void require_coupon_hold(const Basket& b, const Evaluation& ev);
    std::string coupon_claims(const Basket& b);

    // storage/tiers.cpp
    std::int64_t tier_window_start(const Program& p);
    std::int64_t metric(const ScoreTerm& t, std::int64_t member, std::int64_t since);
    std::int64_t score_of(std::int64_t member, const Program& p,
                          const std::function<std::int64_t(const ScoreTerm&)>& extra = nullptr);
    ActivePlan active_plan(std::int64_t member, const Program& p);
    int floor_index(const Program& p, int current, const ActivePlan& plan, std::int64_t member,
                    std::string* why = nullptr);
    struct Assignment {
        std::string tier, reason;
        std::int64_t until = 0;
    };
    Assignment assignment(std::int64_t member);
    void set_tier(std::int64_t member, const std::string& from, const std::string& to,
                  const std::string& reason, std::int64_t score, std::int64_t sale,
                  std::int64_t at_risk_since);
    std::string maybe_upgrade(std::int64_t member, std::int64_t sale);
    int review_member(std::int64_t member, std::int64_t at);
    TierStatus tier_status(std::int64_t member);
    void subscribe(std::int64_t member, const Plan& plan, std::int64_t sale, std::size_t line_no,
                   const BasketLine& l);

    // storage/checkout.cpp
    MemberState member_state(std::int64_t member_id, const Program& p);
    void check_basket(const Basket& b);
    std::string basket_request(const Basket& b);
    Evaluation evaluate_basket(const Basket& b, std::int64_t& member_out, MemberState& state);
    // The last quote's evaluation, which a commit of the same basket uses instead of evaluating
    // it again when nothing can have changed its result: no commit to the file since (by this
    // connection: `commits`; by another: the connection's epoch), the same programme, the same
    // minute.
    struct QuoteMemo {
        bool valid = false;
        std::string request;  // basket_request of the basket quoted
        std::int64_t program_version = 0, minute = 0;
        std::uint64_t epoch = 0, commits = 0;
        std::int64_t member = 0;
        MemberState state;
        Evaluation ev;
    } quote_memo;
    void remember_quote(const Basket& b, std::int64_t member, const MemberState& st,
                        const Evaluation& ev);
    bool quoted(const std::string& request, std::int64_t& member, MemberState& st, Evaluation& ev);
    Basket with_plan_prices(const Basket& b, const Program& p, std::int64_t member);
    std::function<std::int64_t(const ScoreTerm&)> sale_delta(const Evaluation& ev);
    Quote quote(const Basket& b);
    int redeem_mode(const Basket& b);
    std::pair<std::int64_t, std::int64_t> do_commit(const Basket& b, const std::string& request);
    void reward_referral(std::int64_t member, std::int64_t sale, std::int64_t total,
                         EntryContext ctx, std::int64_t avail_at);
    void credit_earnings(std::int64_t member, const Evaluation& ev, EntryContext ctx,
                         const char* reason, std::int64_t avail_at);

    // storage/holds.cpp (asset 0 points, 1 wallet money)
    std::int64_t open_hold(std::int64_t asset, std::int64_t member_id, std::int64_t amount,
                           std::int64_t ttl_ms, const std::string& reference,
                           const std::string& key);
    std::int64_t capture(std::int64_t asset, std::int64_t hold_id, std::int64_t amount,
                         const std::string& key);

    // storage/stamps.cpp
    std::int64_t stamps_of(std::int64_t member, const std::string& card);
    std::vector<std::int64_t> basket_stamps(const Basket& b);
    void stamp_rules(std::int64_t member, const Basket& pb, const Evaluation& ev,
                     std::vector<RuleResult>& rules);
    void give_stamps(std::int64_t member, const Basket& pb, const Evaluation& ev,
                     std::int64_t sale);
    void take_back_stamps(std::int64_t member, std::int64_t sale, std::int64_t refund,
                          const std::vector<std::int64_t>& before,
                          const std::vector<std::int64_t>& after, bool all_returned);

    // storage/households.cpp
    std::int64_t account_of(std::int64_t member);
    std::int64_t household_of(std::int64_t member);
    void leave_household(std::int64_t member);
    void move_points(std::int64_t from, std::int64_t to, const EntryContext& ctx,
                     EntryKind out_kind, EntryKind in_kind);

    // storage/claims.cpp
    std::pair<std::int64_t, std::int64_t> do_claim(std::int64_t sale_id, std::int64_t member_id,
                                                   const std::string& cashier);
    void project_claim(std::int64_t claim);
    std::vector<std::int64_t> claim_line_points(const std::string& text, std::size_t lines);

    // storage/receipts.cpp
    Receipt sale_receipt(std::int64_t sale);
    Receipt refund_receipt(std::int64_t refund);

    // storage/refunds.cpp
    std::pair<std::int64_t, std::int64_t> do_refund(std::int64_t sale_id,
                                                    const std::vector<RefundLine>& req,
                                                    bool is_void);
    void settle_sale(std::int64_t sale_id, bool is_void, bool all_returned, std::int64_t t);

    // storage/apply.cpp
    bool apply_record(const JournalRecord& r);
    // Writes another till's profile of member `uid` (inside a write transaction): the member's
    // row id.
    std::int64_t write_profile(const std::string& uid, const MemberFields& fields);

    // storage/verify.cpp
    void check_rebuilt(std::vector<std::string>& problems);
    std::int64_t foreign_origin(const std::string& name);
};

}  // namespace loyalty

#endif
