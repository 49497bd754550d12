// The Database: transactional logic over the schema. Pure rule evaluation lives in rules.cpp;
// this file gathers the inputs, calls it, and writes the results in one transaction.
#include "loyalty/database.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <functional>
#include <limits>
#include <mutex>

#include <fmt/format.h>

#include "loyalty/coupons.hpp"
#include "loyalty/rules.hpp"
#include "calendar.hpp"
#include "periods.hpp"
#include "platform.hpp"
#include "sha256.hpp"
#include "storage/access.hpp"
#include "storage/canonical.hpp"
#include "storage/family.hpp"
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

namespace {

constexpr std::size_t kMaxKey = 128;
constexpr std::size_t kMaxShort = 64;
constexpr std::size_t kMaxName = 200;
constexpr std::size_t kMaxText = 500;
constexpr std::int64_t kDayMs = 86400000;

// The first column of the first row of a one-row query.
std::int64_t scalar(storage::Query q) {
    q.next();
    return q.i64(0);
}

std::string random_code(std::size_t n) {
    // No 0/O, 1/I/L: easy to read aloud and type.
    return platform::random_symbols(n, "23456789ABCDEFGHJKMNPQRSTUVWXYZ");
}

std::string random_hex(std::size_t n) {
    return platform::random_symbols(n, "0123456789abcdef");
}

void check_currency(const std::string& code, int exponent) {
    text::check_field("currency", code, 8);
    if (code.empty() || !std::all_of(code.begin(), code.end(), [](char ch) {
            return (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
        }))
        throw Error(Status::InvalidArgument, "a currency code is upper-case letters or digits");
    if (exponent < 0 || exponent > 9)
        throw Error(Status::InvalidArgument, "exponent must be 0 to 9");
}

void check_key(const std::string& key) {
    if (key.empty()) throw Error(Status::InvalidArgument, "an idempotency key is required");
    text::check_field("idempotency key", key, kMaxKey);
}

// The refusals remembered for their key (docs/c-abi.md, "Refusals"): a retry with the same key
// and request gets the same answer, even after the state that caused it has changed. Malformed
// requests (checked before anything is looked up) and transient failures are not remembered.
bool is_refusal(Status s) {
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

}  // namespace

struct Database::Impl {
    OpenOptions opt;
    Connection c;
    mutable std::mutex mu;
    std::atomic<std::int64_t> fixed_clock{0};
    std::int64_t origin_id = 0;
    std::string origin;
    std::int64_t program_version = -1;
    Program program;
    bool created = false;  // this open created the file

    std::int64_t now() const {
        std::int64_t f = fixed_clock.load();
        if (f != 0) return f;
        using namespace std::chrono;
        return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    }

    std::string uid(const std::string& origin_name, char kind, std::int64_t id) const {
        return origin_name + ":" + kind + std::to_string(id);
    }

    // ---- setup ------------------------------------------------------------------------------

    void open() {
        const platform::PathKind kind = platform::path_kind(opt.path);
        if (kind == platform::PathKind::Missing) {
            if (opt.read_only)
                throw Error(Status::Io, "database file '" + opt.path + "' does not exist");
            // Created here, owner-only, so that SQLite (and its -wal/-shm files) inherit 0600.
            created = platform::create_private_file(opt.path);
        } else if (kind == platform::PathKind::Directory) {
            throw Error(Status::Io, "'" + opt.path + "' is a directory");
        }
        c.open(opt.path, opt.read_only, false);
        if (!opt.read_only && c.read_only())
            throw Error(Status::ReadOnly,
                        "the database file '" + opt.path +
                            "' cannot be written (a read-only medium, or no write permission); "
                            "open it with read_only = 1 to read it");
        sqlite3_busy_timeout(c.handle(), opt.busy_timeout_ms);
        try {
            storage::prepare_schema(c, opt.read_only, now());
        } catch (const Error& e) {
            if (!opt.read_only || e.status() != Status::Io) throw;
            open_on_read_only_medium();
        }
        if (!opt.read_only) {
            c.exec("PRAGMA journal_mode=WAL");
            c.exec(opt.durability == Durability::Full ? "PRAGMA synchronous=FULL"
                                                      : "PRAGMA synchronous=NORMAL");
        }
        c.exec("PRAGMA foreign_keys=ON");
        // Deleted and overwritten content is zeroed in its page, so an erased member's rows do
        // not linger in free space (docs/members.md, "Erasure").
        c.exec("PRAGMA secure_delete=ON");
        // A till's working set (hot members, recent lots, the indexes' upper levels) stays in
        // memory: up to 32 MiB of page cache.
        c.exec("PRAGMA cache_size=-32768");
        c.exec("PRAGMA temp_store=MEMORY");  // sorts and temporary tables never touch the disk
        // Checkpoint every ~16 MiB of WAL rather than every 4 MiB: a checkpoint runs in the
        // committing call, so fewer, larger ones keep most sales clear of it (and copy pages that
        // many sales touched once).
        c.exec("PRAGMA wal_autocheckpoint=4000");
        if (!opt.read_only) {
            Transaction t(c, true);
            std::string name = opt.origin;
            if (name.empty()) {
                auto q = c.query("SELECT value FROM meta WHERE key='origin'");
                if (q.next()) {
                    name = q.text(0);
                } else {
                    name = random_hex(12);
                    c.query("INSERT INTO meta VALUES ('origin', ?)", name).run();
                }
            }
            c.query("INSERT OR IGNORE INTO origins(name) VALUES (?)", name).run();
            auto q = c.query("SELECT id FROM origins WHERE name=?", name);
            q.next();
            origin_id = q.i64(0);
            origin = name;
            t.commit();
        }
    }

    // A read-only open whose first read failed: the file is in WAL mode and its -shm file can be
    // neither found nor created beside it, as on a read-only medium (a mounted snapshot, a backup
    // disc, a replica's copy). With no -wal file holding changes the main file lacks, nothing
    // can change the file: it is read as immutable, without locks (docs/storage.md).
    void open_on_read_only_medium() {
        if (platform::file_size(opt.path + "-wal") > 0)
            throw Error(Status::ReadOnly,
                        "'" + opt.path +
                            "' has a -wal file with changes that may not be in the main file, "
                            "and its folder cannot be written: copy the database with its -wal "
                            "file to writable storage to read it");
        c.close();
        c.open_immutable(opt.path);
        sqlite3_busy_timeout(c.handle(), opt.busy_timeout_ms);
        storage::prepare_schema(c, true, now());
    }

    const Program& active_program() {
        auto q = c.query("SELECT version, body FROM programs ORDER BY version DESC LIMIT 1");
        if (!q.next()) {
            if (program_version != 0) {
                program = Program{};
                program.currency = opt.default_currency;
                program_version = 0;
            }
            return program;
        }
        std::int64_t v = q.i64(0);
        if (v != program_version) {
            program = parse_program(q.text(1));
            program_version = v;
        }
        return program;
    }

    // The default currency of loy_open_options: added when unknown; a known code must have the
    // exponent given (a file's amounts are never reinterpreted).
    void record_currency(const std::string& code, int exp) {
        check_currency(code, exp);
        Transaction t(c, true);
        auto q = c.query("SELECT exponent FROM currencies WHERE code=?", code);
        if (q.next()) {
            if (q.i64(0) != exp)
                throw Error(Status::InvalidArgument, "the file counts " + code + " with exponent " +
                                                         std::to_string(q.i64(0)) + ", not " +
                                                         std::to_string(exp));
            return;
        }
        c.query("INSERT INTO currencies(code, exponent) VALUES (?, ?)", code, exp).run();
        t.commit();
    }

    int exponent(const std::string& code) {
        auto q = c.query("SELECT exponent FROM currencies WHERE code=?", code);
        if (!q.next())
            throw Error(Status::UnknownCurrency, "currency '" + code + "' is not configured");
        return static_cast<int>(q.i64(0));
    }

    // Copies the WAL into the main file and truncates it to zero bytes, if no reader holds an
    // older snapshot; otherwise it is left to the next checkpoint. Never fails the caller.
    void checkpoint_truncate() {
        try {
            c.exec("PRAGMA wal_checkpoint(TRUNCATE)");
        } catch (const Error&) {
        }
    }

    // ---- idempotency ------------------------------------------------------------------------

    // The request log keeps, per idempotency key, the operation, a SHA-256 digest of the
    // canonical request (never its text: no personal data stays behind in it) and the outcome.
    struct StoredRequest {
        std::string op, digest, message;
        Status status = Status::Ok;
        std::int64_t result_id = 0, result_value = 0;
    };

    std::optional<StoredRequest> find_request(const std::string& key) {
        auto q = c.query(
            "SELECT op, digest, status, message, result_id, result_value FROM requests WHERE key=?",
            key);
        if (!q.next()) return std::nullopt;
        StoredRequest r;
        r.op = q.text(0);
        r.digest = q.text(1);
        r.status = static_cast<Status>(q.i64(2));
        r.message = q.text(3);
        r.result_id = q.i64(4);
        r.result_value = q.i64(5);
        return r;
    }

    void save_request(const std::string& key, const std::string& op, const std::string& digest,
                      Status status, const std::string& message, std::int64_t result_id,
                      std::int64_t result_value) {
        c.query(
             "INSERT INTO requests(key, op, digest, status, message, result_id, result_value, "
             "created_at) VALUES (?,?,?,?,?,?,?,?)",
             key, op, digest, static_cast<std::int64_t>(status), message, result_id, result_value,
             now())
            .run();
    }

    struct Outcome {
        std::int64_t id = 0, value = 0;
        bool replayed = false;
    };

    // Runs `body` exactly once per key: a replay returns the stored (id, value); a refusal is
    // stored and thrown again on replay; a transient failure stores nothing. `finish` builds the
    // caller's result inside the same transaction, before COMMIT: if building it fails, nothing
    // was committed, so a failed call never leaves work behind.
    template <typename Body, typename Finish>
    auto idempotent(const std::string& key, const std::string& op, const std::string& request,
                    Body body, Finish finish) {
        const std::string digest = sha256_hex(request);
        Transaction t(c, true);
        if (auto r = find_request(key)) {
            if (r->op != op || r->digest != digest)
                throw Error(
                    Status::IdempotencyConflict,
                    "idempotency key '" + key + "' was used before for a different request");
            if (r->status != Status::Ok) throw Error(r->status, r->message);
            return finish(Outcome{r->result_id, r->result_value, true});
        }
        c.run("SAVEPOINT work");
        Outcome out;
        try {
            auto [id, value] = body();
            out.id = id;
            out.value = value;
        } catch (const Error& e) {
            if (!is_refusal(e.status())) throw;
            c.run("ROLLBACK TO work");
            c.run("RELEASE work");
            save_request(key, op, digest, e.status(), e.what(), 0, 0);
            t.commit();
            throw;
        }
        c.run("RELEASE work");
        save_request(key, op, digest, Status::Ok, "", out.id, out.value);
        auto result = finish(out);
        t.commit();
        return result;
    }

    template <typename Body>
    Outcome idempotent(const std::string& key, const std::string& op, const std::string& request,
                       Body body) {
        return idempotent(key, op, request, body, [](const Outcome& o) { return o; });
    }

    // ---- members ----------------------------------------------------------------------------

    static constexpr const char* kMemberCols =
        "SELECT m.id, o.name, m.status, m.phone, m.card, m.name, m.email, m.birth_year, "
        "m.birth_month, m.birth_day, m.gender, m.language, m.consent_sms, m.consent_email, "
        "m.consent_push, m.branch, m.referrer_id, m.referral_code, m.merged_into, m.created_at, "
        "m.balance, m.lifetime_earned, m.tier, m.wallet_balance FROM members m JOIN origins o ON "
        "o.id = m.origin ";

    Member read_member(storage::Query& q) {
        Member m;
        m.id = q.i64(0);
        m.uid = uid(q.text(1), 'M', m.id);
        m.status = static_cast<MemberStatus>(q.i64(2));
        m.phone = q.text(3);
        m.card = q.text(4);
        m.name = q.text(5);
        m.email = q.text(6);
        m.birth_year = static_cast<int>(q.i64(7));
        m.birth_month = static_cast<int>(q.i64(8));
        m.birth_day = static_cast<int>(q.i64(9));
        m.gender = q.text(10);
        m.language = q.text(11);
        m.consent_sms = q.i64(12) != 0;
        m.consent_email = q.i64(13) != 0;
        m.consent_push = q.i64(14) != 0;
        m.branch = q.text(15);
        m.referrer_id = q.i64(16);
        m.referral_code = q.text(17);
        m.merged_into = q.i64(18);
        m.created_at = q.i64(19);
        m.balance = q.i64(20);
        m.lifetime_earned = q.i64(21);
        m.tier = q.text(22);
        m.wallet_balance = q.i64(23);
        return m;
    }

    void complete_member(Member& m) {
        auto t = c.query("SELECT tag FROM member_tags WHERE member_id=? ORDER BY tag", m.id);
        while (t.next())
            m.tags.push_back(t.text(0));
        m.tags_text = text::join(m.tags, ",");
        auto [avail, pend] = spendable(m.id);
        m.available = avail;
        m.pending = pend;
    }

    std::optional<Member> try_member(const char* where, const std::string& arg) {
        static std::string by_phone = std::string(kMemberCols) + "WHERE m.phone = ?";
        static std::string by_card = std::string(kMemberCols) + "WHERE m.card = ?";
        const std::string& sql = std::strcmp(where, "phone") == 0 ? by_phone : by_card;
        auto q = c.query(sql.c_str(), arg);
        if (!q.next()) return std::nullopt;
        Member m = read_member(q);
        complete_member(m);
        return m;
    }

    Member load_member(std::int64_t id) {
        static std::string by_id = std::string(kMemberCols) + "WHERE m.id = ?";
        auto q = c.query(by_id.c_str(), id);
        if (!q.next()) throw Error(Status::NotFound, "no member with id " + std::to_string(id));
        Member m = read_member(q);
        complete_member(m);
        return m;
    }

    // Available (spendable now) and pending points of a member.
    std::pair<std::int64_t, std::int64_t> spendable(std::int64_t member_id) {
        std::int64_t t = now();
        auto q = c.query(
            "SELECT COALESCE(SUM(CASE WHEN available_at <= ?2 THEN remaining END), 0), "
            "COALESCE(SUM(CASE WHEN available_at > ?2 THEN remaining END), 0) "
            "FROM lots WHERE member_id = ?1 AND remaining > 0 AND expires_at > ?2",
            member_id, t);
        q.next();
        return {q.i64(0), q.i64(1)};
    }

    std::int64_t balance_of(std::int64_t member_id) {
        auto q = c.query("SELECT balance FROM members WHERE id=?", member_id);
        if (!q.next())
            throw Error(Status::NotFound, "no member with id " + std::to_string(member_id));
        return q.i64(0);
    }

    // The member that now owns `id`'s points (follows merges).
    std::int64_t owner_of(std::int64_t id) {
        for (int hops = 0; hops < 64; ++hops) {
            auto q = c.query("SELECT merged_into FROM members WHERE id=?", id);
            if (!q.next()) throw Error(Status::NotFound, "no member with id " + std::to_string(id));
            if (q.is_null(0)) return id;
            id = q.i64(0);
        }
        throw Error(Status::Internal, "merge chain too long");
    }

    void require_active(std::int64_t id) {
        auto q = c.query("SELECT status FROM members WHERE id=?", id);
        if (!q.next()) throw Error(Status::NotFound, "no member with id " + std::to_string(id));
        auto s = static_cast<MemberStatus>(q.i64(0));
        if (s != MemberStatus::Active)
            throw Error(Status::MemberInactive,
                        "member " + std::to_string(id) +
                            (s == MemberStatus::Inactive ? " is deactivated"
                             : s == MemberStatus::Erased ? " was erased"
                                                         : " was merged into another member"));
    }

    std::string normalize_phone(const std::string& p) const {
        return text::normalize_phone(p, opt.default_country);
    }

    // Validates and normalises fields; `enrol` decides the meaning of unset.
    void check_fields(MemberFields& f) const {
        auto chk = [](const char* name, const std::optional<std::string>& v, std::size_t max) {
            if (v) text::check_field(name, *v, max);
        };
        chk("card", f.card, kMaxShort);
        chk("name", f.name, kMaxName);
        chk("email", f.email, kMaxName);
        chk("gender", f.gender, kMaxShort);
        chk("language", f.language, 35);
        chk("branch", f.branch, kMaxShort);
        chk("referrer", f.referrer, kMaxShort);
        if (f.phone && !f.phone->empty()) f.phone = normalize_phone(*f.phone);
        if (f.email && !f.email->empty() &&
            (f.email->find('@') == std::string::npos || f.email->front() == '@' ||
             f.email->back() == '@'))
            throw Error(Status::InvalidArgument, "email '" + *f.email + "' has no valid '@'");
        if (f.birth_month && (*f.birth_month < 0 || *f.birth_month > 12))
            throw Error(Status::InvalidArgument, "birth month must be 1 to 12");
        if (f.birth_day && (*f.birth_day < 0 || *f.birth_day > 31))
            throw Error(Status::InvalidArgument, "birth day must be 1 to 31");
        if (f.birth_year && *f.birth_year != 0 && (*f.birth_year < 1900 || *f.birth_year > 2200))
            throw Error(Status::InvalidArgument,
                        "birth year must be 1900 to 2200, or 0 for unknown");
    }

    void check_birthday(int y, int m, int d) const {
        if ((m == 0) != (d == 0))
            throw Error(Status::InvalidArgument, "a birthday needs both month and day");
        if (m == 0 && y != 0)
            throw Error(Status::InvalidArgument, "a birth year needs a month and a day");
        if (m == 0) return;
        static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int max = kDays[m - 1];
        if (m == 2 && y != 0 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) max = 28;
        if (d > max)
            throw Error(
                Status::InvalidArgument,
                "day " + std::to_string(d) + " does not exist in month " + std::to_string(m));
    }

    std::int64_t resolve_referrer(const std::string& ref) {
        bool numeric =
            !ref.empty() && ref.size() < 19 &&
            std::all_of(ref.begin(), ref.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
        if (numeric) {
            auto q = c.query("SELECT id FROM members WHERE id=?",
                             static_cast<std::int64_t>(std::stoll(ref)));
            if (q.next()) return q.i64(0);
        }
        // Codes are printed upper-case; accept them typed in lower case too.
        std::string up = ref;
        for (auto& ch : up)
            if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
        auto q = c.query("SELECT id FROM members WHERE referral_code=?", up);
        if (q.next()) return q.i64(0);
        throw Error(Status::NotFound, "no member with id or referral code '" + ref + "'");
    }

    void check_unique(const std::optional<std::string>& phone,
                      const std::optional<std::string>& card, std::int64_t self) {
        if (phone && !phone->empty()) {
            auto q = c.query("SELECT id FROM members WHERE phone=? AND id<>?", *phone, self);
            if (q.next())
                // (The message names no phone or card: a refusal is remembered for its key,
                // and the request log keeps no personal data.)
                throw Error(Status::Duplicate, "the phone number already belongs to member " +
                                                   std::to_string(q.i64(0)));
        }
        if (card && !card->empty()) {
            auto q = c.query("SELECT id FROM members WHERE card=? AND id<>?", *card, self);
            if (q.next())
                throw Error(Status::Duplicate,
                            "the card already belongs to member " + std::to_string(q.i64(0)));
        }
    }

    void write_tags(std::int64_t id, const std::vector<std::string>& tags) {
        c.query("DELETE FROM member_tags WHERE member_id=?", id).run();
        for (const auto& t : tags)
            c.query("INSERT INTO member_tags(member_id, tag) VALUES (?, ?)", id, t).run();
    }

    std::int64_t do_enrol(const MemberFields& f) {
        bool has_phone = f.phone && !f.phone->empty();
        bool has_card = f.card && !f.card->empty();
        if (!has_phone && !has_card)
            throw Error(Status::InvalidArgument, "a member needs a phone number or a card");
        check_birthday(f.birth_year.value_or(0), f.birth_month.value_or(0),
                       f.birth_day.value_or(0));
        check_unique(f.phone, f.card, 0);
        std::int64_t referrer = 0;
        if (f.referrer && !f.referrer->empty()) referrer = resolve_referrer(*f.referrer);
        std::string code;
        for (int attempt = 0;; ++attempt) {
            code = random_code(8);
            auto q = c.query("SELECT 1 FROM members WHERE referral_code=?", code);
            if (!q.next()) break;
            if (attempt > 20) throw Error(Status::Internal, "cannot find a free referral code");
        }
        auto opt_text = [](const std::optional<std::string>& v) -> std::optional<std::string> {
            if (!v || v->empty()) return std::nullopt;
            return v;
        };
        std::optional<std::string> name_key;
        if (f.name && !f.name->empty()) name_key = text::ascii_lower(*f.name);
        std::int64_t t = now();
        c.query(
             "INSERT INTO members(origin, phone, card, name, name_key, email, birth_year, "
             "birth_month, birth_day, gender, language, consent_sms, consent_email, consent_push, "
             "branch, referrer_id, referral_code, created_at, updated_at) "
             "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
             origin_id, opt_text(f.phone), opt_text(f.card), opt_text(f.name), name_key,
             opt_text(f.email), f.birth_year.value_or(0), f.birth_month.value_or(0),
             f.birth_day.value_or(0), opt_text(f.gender), opt_text(f.language),
             f.consent_sms.value_or(false), f.consent_email.value_or(false),
             f.consent_push.value_or(false), opt_text(f.branch), NullIfZero{referrer}, code, t, t)
            .run();
        std::int64_t id = c.last_id();
        if (f.tags) write_tags(id, *f.tags);
        active_program();
        maybe_upgrade(id, 0);  // the entry level of the tier ladder
        return id;
    }

    void do_update(std::int64_t id, const MemberFields& f) {
        Member cur = load_member(id);
        if (cur.status == MemberStatus::Erased || cur.status == MemberStatus::Merged)
            throw Error(Status::MemberInactive, "member " + std::to_string(id) +
                                                    " was erased or merged and cannot be changed");
        std::string phone = f.phone ? *f.phone : cur.phone;
        std::string card = f.card ? *f.card : cur.card;
        if (phone.empty() && card.empty())
            throw Error(Status::InvalidArgument, "a member needs a phone number or a card");
        int y = f.birth_year ? *f.birth_year : cur.birth_year;
        int mo = f.birth_month ? *f.birth_month : cur.birth_month;
        int d = f.birth_day ? *f.birth_day : cur.birth_day;
        check_birthday(y, mo, d);
        check_unique(f.phone, f.card, id);
        std::int64_t referrer = cur.referrer_id;
        if (f.referrer) {
            if (f.referrer->empty()) {
                referrer = 0;
            } else {
                referrer = resolve_referrer(*f.referrer);
                // Refuse loops: the new referrer must not have been referred, directly or not,
                // by this member.
                for (std::int64_t up = referrer, hops = 0; up != 0 && hops < 1000; ++hops) {
                    if (up == id)
                        throw Error(Status::InvalidArgument,
                                    "member " + std::to_string(referrer) +
                                        " was referred through this member: a referral loop");
                    up = scalar(
                        c.query("SELECT COALESCE(referrer_id, 0) FROM members WHERE id=?", up));
                }
                if (referrer == id)
                    throw Error(Status::InvalidArgument, "a member cannot refer themselves");
            }
        }
        auto pick = [](const std::optional<std::string>& v,
                       const std::string& old) -> std::optional<std::string> {
            const std::string& s = v ? *v : old;
            if (s.empty()) return std::nullopt;
            return s;
        };
        auto name = pick(f.name, cur.name);
        std::optional<std::string> name_key;
        if (name) name_key = text::ascii_lower(*name);
        c.query(
             "UPDATE members SET phone=?, card=?, name=?, name_key=?, email=?, birth_year=?, "
             "birth_month=?, birth_day=?, gender=?, language=?, consent_sms=?, consent_email=?, "
             "consent_push=?, branch=?, referrer_id=?, updated_at=? WHERE id=?",
             pick(f.phone, cur.phone), pick(f.card, cur.card), name, name_key,
             pick(f.email, cur.email), y, mo, d, pick(f.gender, cur.gender),
             pick(f.language, cur.language), f.consent_sms.value_or(cur.consent_sms),
             f.consent_email.value_or(cur.consent_email), f.consent_push.value_or(cur.consent_push),
             pick(f.branch, cur.branch), NullIfZero{referrer}, now(), id)
            .run();
        if (f.tags) write_tags(id, *f.tags);
    }

    // ---- ledger -----------------------------------------------------------------------------

    struct EntryContext {
        std::int64_t sale_id = 0, refund_id = 0, corrects = 0;
        std::string reason, operator_id, branch, terminal;
    };

    // What kind of earning an entry is, for tier scores: purchase, birthday, event:<action>,
    // adjust, merge; a reversal inherits the source of the entry it corrects.
    std::string source_of(EntryKind kind, const EntryContext& ctx) {
        switch (kind) {
            case EntryKind::Earn:
                return "purchase";
            case EntryKind::Bonus:
                if (ctx.reason.rfind("birthday:", 0) == 0) return "birthday";
                if (ctx.reason.rfind("referral", 0) == 0) return "referral";
                return "purchase";
            case EntryKind::Event:
                return "event:" + ctx.reason;
            case EntryKind::Adjust:
                return "adjust";
            case EntryKind::MergeIn:
                return "merge";
            case EntryKind::ReverseEarn: {
                if (!ctx.corrects) return "";
                auto q = c.query("SELECT source FROM ledger WHERE id=?", ctx.corrects);
                return q.next() ? q.text(0) : std::string();
            }
            default:
                return "";
        }
    }

    std::int64_t add_entry(EntryKind kind, std::int64_t member, std::int64_t points,
                           const EntryContext& ctx) {
        c.query(
             "INSERT INTO ledger(origin, member_id, kind, points, sale_id, refund_id, corrects, "
             "reason, operator, branch, terminal, program_version, created_at, source) "
             "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
             origin_id, member, static_cast<std::int64_t>(kind), points, NullIfZero{ctx.sale_id},
             NullIfZero{ctx.refund_id}, NullIfZero{ctx.corrects}, NullIfEmpty{ctx.reason},
             NullIfEmpty{ctx.operator_id}, NullIfEmpty{ctx.branch}, NullIfEmpty{ctx.terminal},
             std::max<std::int64_t>(program_version, 0), now(), NullIfEmpty{source_of(kind, ctx)})
            .run();
        std::int64_t id = c.last_id();
        bool earned = kind == EntryKind::Earn || kind == EntryKind::Bonus ||
                      kind == EntryKind::Event || kind == EntryKind::ReverseEarn;
        c.query(
             "UPDATE members SET balance = balance + ?, lifetime_earned = lifetime_earned + ? "
             "WHERE id=?",
             points, earned ? points : 0, member)
            .run();
        return id;
    }

    // Adds a lot for a positive entry; if the member was in debt (negative balance before the
    // entry), the debt is repaid from the new lot first.
    void add_lot(std::int64_t member, std::int64_t entry, std::int64_t points,
                 std::int64_t balance_before, std::int64_t available_at, std::int64_t expires_at) {
        std::int64_t repay = balance_before < 0 ? std::min(points, -balance_before) : 0;
        c.query(
             "INSERT INTO lots(member_id, entry_id, points, remaining, available_at, expires_at) "
             "VALUES (?,?,?,?,?,?)",
             member, entry, points, points - repay, available_at, expires_at)
            .run();
        if (repay > 0)
            c.query("INSERT INTO lot_moves(entry_id, lot_id, points) VALUES (?,?,?)", entry,
                    c.last_id(), repay)
                .run();
    }

    // Credits `points` (> 0) to a member as a new entry with a lot.
    std::int64_t credit(EntryKind kind, std::int64_t member, std::int64_t points,
                        const EntryContext& ctx, std::int64_t available_at,
                        std::int64_t expires_at) {
        std::int64_t before = balance_of(member);
        std::int64_t entry = add_entry(kind, member, points, ctx);
        add_lot(member, entry, points, before, available_at, expires_at);
        return entry;
    }

    struct Take {
        std::int64_t lot = 0, points = 0;
    };

    // Plans taking up to `want` points from a member's open lots: lots of `prefer_entry` first,
    // then soonest-expiring first. `spendable_only` limits to available, unexpired lots.
    std::vector<Take> plan(std::int64_t member, std::int64_t want, bool spendable_only,
                           std::int64_t prefer_entry) {
        std::vector<Take> out;
        std::int64_t t = now();
        if (want <= 0) return out;
        if (prefer_entry) {
            auto q = c.query("SELECT id, remaining FROM lots WHERE entry_id=? AND remaining > 0",
                             prefer_entry);
            while (want > 0 && q.next()) {
                std::int64_t take = std::min(want, q.i64(1));
                out.push_back({q.i64(0), take});
                want -= take;
            }
        }
        auto q = c.query(
            "SELECT id, remaining, available_at FROM lots WHERE member_id=? AND remaining > 0 "
            "AND expires_at > ? ORDER BY expires_at, id",
            member, t);
        while (want > 0 && q.next()) {
            std::int64_t lot = q.i64(0);
            if (spendable_only && q.i64(2) > t) continue;
            if (std::any_of(out.begin(), out.end(), [&](const Take& k) { return k.lot == lot; }))
                continue;
            std::int64_t take = std::min(want, q.i64(1));
            out.push_back({lot, take});
            want -= take;
        }
        return out;
    }

    static std::int64_t planned(const std::vector<Take>& p) {
        std::int64_t s = 0;
        for (const auto& k : p)
            s += k.points;
        return s;
    }

    void apply(std::int64_t entry, const std::vector<Take>& p) {
        for (const auto& k : p) {
            c.query("INSERT INTO lot_moves(entry_id, lot_id, points) VALUES (?,?,?)", entry, k.lot,
                    k.points)
                .run();
            c.query("UPDATE lots SET remaining = remaining - ? WHERE id=?", k.points, k.lot).run();
        }
    }

    // Debits points for a spend (redeem, negative adjustment): only available points.
    std::int64_t debit_spend(EntryKind kind, std::int64_t member, std::int64_t points,
                             const EntryContext& ctx) {
        auto p = plan(member, points, true, 0);
        if (planned(p) < points)
            throw Error(Status::InsufficientPoints, std::to_string(points) + " points needed, " +
                                                        std::to_string(planned(p)) + " available");
        std::int64_t entry = add_entry(kind, member, -points, ctx);
        apply(entry, p);
        return entry;
    }

    // Takes back earned points (refund, void) under the programme's negative-balance policy.
    // Returns the points actually taken back.
    std::int64_t debit_reverse(std::int64_t member, std::int64_t points, const EntryContext& ctx,
                               std::int64_t prefer_entry, NegativePolicy policy) {
        if (points <= 0) return 0;
        auto p = plan(member, points, false, prefer_entry);
        std::int64_t covered = planned(p);
        std::int64_t take = points;
        if (covered < points) {
            if (policy == NegativePolicy::Refuse)
                throw Error(Status::InsufficientPoints,
                            "the refund would take back " + std::to_string(points) +
                                " points but the member has only " + std::to_string(covered) +
                                " left, and the programme refuses negative balances");
            if (policy == NegativePolicy::Clamp) take = covered;
        }
        if (take == 0) return 0;
        std::int64_t entry = add_entry(EntryKind::ReverseEarn, member, -take, ctx);
        apply(entry, p);
        return take;
    }

    // Gives back points a spend took (ctx.corrects = the spending entry). They keep the latest
    // expiry of the lots they were taken from, so a spend-then-refund cannot extend their life.
    void restore_spent(std::int64_t member, std::int64_t points, const EntryContext& ctx) {
        std::int64_t expires = kNever;
        if (ctx.corrects) {
            auto q = c.query(
                "SELECT MAX(lt.expires_at) FROM lot_moves m JOIN lots lt ON lt.id = m.lot_id "
                "WHERE m.entry_id = ?",
                ctx.corrects);
            if (q.next() && !q.is_null(0)) expires = q.i64(0);
        }
        credit(EntryKind::Restore, member, points, ctx, now(), expires);
    }

    std::int64_t expiry_for(std::int64_t t) {
        if (program.expiry_days <= 0) return kNever;
        return expiry_of(t, program.expiry_days, program.utc_offset_minutes);
    }

    // ---- wallet
    // ----------------------------------------------------------------------------------

    enum WalletKind : std::int64_t {
        kCashback = 1,
        kCredit = 2,
        kTender = 3,
        kTenderBack = 4,
        kCashbackBack = 5,
        kRewardCredit = 6,
        kRewardBack = 7,
    };

    WalletBalance wallet_balance(std::int64_t member) {
        auto q = c.query(
            "SELECT COALESCE(SUM(amount), 0), COALESCE(SUM(CASE WHEN available_at <= ?2 THEN "
            "amount "
            "END), 0) FROM wallet_entries WHERE member_id = ?1",
            member, now());
        q.next();
        WalletBalance w;
        w.balance = q.i64(0);
        w.available = std::max<std::int64_t>(0, q.i64(1));
        w.pending = w.balance - q.i64(1);
        return w;
    }

    std::int64_t wallet_add(std::int64_t member, WalletKind kind, std::int64_t amount,
                            const EntryContext& ctx, std::int64_t available_at) {
        c.query(
             "INSERT INTO wallet_entries(origin, member_id, kind, amount, currency, sale_id, "
             "refund_id, corrects, reason, operator, available_at, created_at) "
             "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
             origin_id, member, static_cast<std::int64_t>(kind), amount, program.currency,
             NullIfZero{ctx.sale_id}, NullIfZero{ctx.refund_id}, NullIfZero{ctx.corrects},
             NullIfEmpty{ctx.reason}, NullIfEmpty{ctx.operator_id}, available_at, now())
            .run();
        std::int64_t id = c.last_id();
        c.query("UPDATE members SET wallet_balance = wallet_balance + ? WHERE id=?", amount, member)
            .run();
        return id;
    }

    // ---- coupons
    // ---------------------------------------------------------------------------------

    // A new unique code for a campaign (issued to a member, or in a batch).
    std::string new_coupon(const Campaign& camp, std::int64_t member, std::int64_t batch,
                           std::int64_t sale) {
        std::int64_t t = now();
        std::int64_t until =
            camp.valid_days > 0 ? expiry_of(t, camp.valid_days, program.utc_offset_minutes) : 0;
        for (int attempt = 0; attempt < 20; ++attempt) {
            std::string code = coupon::generate();
            if (scalar(c.query("SELECT COUNT(*) FROM coupons WHERE code=?", code)) != 0) continue;
            c.query(
                 "INSERT INTO coupons(origin, campaign_id, code, member_id, batch_id, max_uses, "
                 "valid_until, issued_sale_id, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
                 origin_id, camp.id, code, NullIfZero{member}, NullIfZero{batch},
                 camp.uses_per_code, until, NullIfZero{sale}, t)
                .run();
            return code;
        }
        throw Error(Status::Internal, "cannot find a free coupon code");
    }

    // Uses of an issued code that count against its limit: at our tills (not restored by a
    // refund) and at partners.
    std::int64_t code_uses(std::int64_t coupon_id, const std::string& code) {
        return scalar(
                   c.query("SELECT COUNT(*) FROM coupon_uses WHERE coupon_id=? AND restored_at=0",
                           coupon_id)) +
               scalar(c.query("SELECT COUNT(*) FROM partner_redemptions WHERE code=?", code));
    }

    const Campaign& campaign_of(const Program& p, const std::string& id) {
        const Campaign* camp = p.campaign(id);
        if (!camp) throw Error(Status::NotFound, "the programme has no campaign '" + id + "'");
        return *camp;
    }

    // What storage knows about each code presented: the campaign, refusals that need the file
    // (unknown, revoked, expired, another member's, used up), and uses so far.
    std::vector<CouponCandidate> coupon_candidates(const Basket& b, std::int64_t member,
                                                   const Program& p) {
        std::vector<CouponCandidate> out;
        for (const auto& typed : b.coupons) {
            CouponCandidate cand;
            cand.code = coupon::normalize(typed);
            auto reject = [&](Status s, const std::string& why) {
                cand.status = s;
                cand.message = why;
            };
            const Campaign* camp = nullptr;
            for (const auto& cp : p.campaigns)
                if (!cp.code.empty() && cp.code == cand.code) camp = &cp;
            if (!camp) {
                if (!coupon::well_formed(cand.code)) {
                    reject(Status::CouponInvalid,
                           "'" + typed + "' is not a valid code: check for a typo");
                } else {
                    auto q = c.query(
                        "SELECT id, campaign_id, COALESCE(member_id, 0), max_uses, valid_until, "
                        "revoked_at FROM coupons WHERE code=?",
                        cand.code);
                    if (!q.next()) {
                        reject(Status::CouponInvalid,
                               "no coupon with code " + coupon::display(cand.code));
                    } else {
                        camp = p.campaign(q.text(1));
                        const std::int64_t owner = q.i64(2), max = q.i64(3), until = q.i64(4);
                        const std::int64_t used = code_uses(q.i64(0), cand.code);
                        if (!camp)
                            reject(Status::CouponRejected, "the coupon's campaign has ended");
                        else if (q.i64(5) != 0)
                            reject(Status::CouponRejected, "the coupon was withdrawn");
                        else if (owner != 0 && owner != member)
                            reject(Status::CouponRejected, "the coupon belongs to another member");
                        else if (until != 0 && now() >= until)
                            reject(Status::CouponRejected, "the coupon has expired");
                        else if (used >= max)
                            reject(Status::CouponRejected, "the coupon has been used");
                    }
                }
            }
            cand.campaign = camp;
            if (camp) {
                auto q = c.query("SELECT uses, discount FROM campaign_totals WHERE campaign_id=?",
                                 camp->id);
                if (q.next()) {
                    cand.campaign_uses = q.i64(0);
                    cand.budget_used = q.i64(1);
                }
                if (member && camp->max_uses_per_member > 0)
                    cand.member_uses = scalar(c.query(
                        "SELECT COUNT(*) FROM coupon_uses WHERE campaign_id=? AND member_id=? AND "
                        "restored_at = 0",
                        camp->id, member));
            }
            out.push_back(std::move(cand));
        }
        return out;
    }

    // ---- tiers and plans ----------------------------------------------------------------------

    std::int64_t tier_window_start(const Program& p) {
        switch (p.tiers.window) {
            case TierWindow::Lifetime:
                return std::numeric_limits<std::int64_t>::min();
            case TierWindow::Rolling:
                return now() - p.tiers.window_days * kDayMs;
            case TierWindow::CalendarYear:
                return window_of(Period::Year, now(), p.utc_offset_minutes, p.week_start).start_ms;
            case TierWindow::JalaliYear: {
                const std::int64_t today = cal::local_day(now(), p.utc_offset_minutes);
                const int year = periods::to_date(today, CalendarKind::Jalali).year;
                return cal::local_midnight(periods::from_date({year, 1, 1}, CalendarKind::Jalali),
                                           p.utc_offset_minutes);
            }
        }
        return 0;
    }

    // One metric over the member and every member merged into it, since `since`.
    std::int64_t metric(const ScoreTerm& t, std::int64_t member, std::int64_t since) {
        // Most members never absorbed another: then a plain per-member query does, without the
        // recursive family (which costs temporary tables on every sale).
        const bool family =
            scalar(c.query("SELECT EXISTS (SELECT 1 FROM members WHERE merged_into=?)", member)) !=
            0;
        if (!family) {
            switch (t.metric) {
                case ScoreTerm::Metric::Points:
                    return scalar(
                        c.query("SELECT COALESCE(SUM(points), 0) FROM ledger WHERE member_id = ?1 "
                                "AND kind IN (1, 5, 7, 8) AND created_at >= ?2 AND (?3 = '' OR "
                                "source = ?3 OR source LIKE ?3 || ':%')",
                                member, since, t.source));
                case ScoreTerm::Metric::Spend:
                    return scalar(c.query(
                        "SELECT COALESCE(SUM(s.total), 0) - COALESCE((SELECT SUM(r.amount) "
                        "FROM refunds r JOIN sales s2 ON s2.id = r.sale_id WHERE s2.member_id "
                        "= ?1 AND s2.created_at >= ?2), 0) FROM sales s WHERE s.member_id = ?1 "
                        "AND s.created_at >= ?2",
                        member, since));
                case ScoreTerm::Metric::Purchases:
                    return scalar(c.query(
                        "SELECT COUNT(*) FROM sales WHERE member_id = ?1 AND created_at >= ?2 "
                        "AND status IN (0, 1)",
                        member, since));
            }
        }
        switch (t.metric) {
            case ScoreTerm::Metric::Points: {
                return scalar(c.query(LOY_FAMILY
                                      "SELECT COALESCE(SUM(points), 0) FROM ledger WHERE member_id "
                                      "IN fam AND kind IN (1, 5, 7, 8) AND created_at >= ?2 AND "
                                      "(?3 = '' OR source = ?3 OR source LIKE ?3 || ':%')",
                                      member, since, t.source));
            }
            case ScoreTerm::Metric::Spend:
                return scalar(
                    c.query(LOY_FAMILY
                            "SELECT COALESCE(SUM(s.total), 0) - COALESCE((SELECT "
                            "SUM(r.amount) FROM refunds r JOIN sales s2 ON s2.id = "
                            "r.sale_id WHERE s2.member_id IN fam AND s2.created_at >= ?2), "
                            "0) FROM sales s WHERE s.member_id IN fam AND s.created_at >= ?2",
                            member, since));
            case ScoreTerm::Metric::Purchases:
                return scalar(c.query(LOY_FAMILY
                                      "SELECT COUNT(*) FROM sales WHERE member_id IN fam AND "
                                      "created_at >= ?2 AND status IN (0, 1)",
                                      member, since));
        }
        return 0;
    }

    // The weighted score, floored; `extra` adds a projected sale (quote) per term.
    std::int64_t score_of(std::int64_t member, const Program& p,
                          const std::function<std::int64_t(const ScoreTerm&)>& extra = nullptr) {
        std::vector<std::int64_t> values;
        const std::int64_t since = tier_window_start(p);
        for (const auto& t : p.tiers.score) {
            std::int64_t v = metric(t, member, since);
            values.push_back(extra ? checked_add(v, extra(t)) : v);
        }
        return weighted_score(p.tiers.score, values);
    }

    struct ActivePlan {
        std::string id;
        std::int64_t ends_at = 0;
    };

    ActivePlan active_plan(std::int64_t member, const Program& p) {
        auto q = c.query(
            "SELECT plan_id, CASE WHEN cancelled_at > 0 AND cancelled_at < ends_at THEN "
            "cancelled_at "
            "ELSE ends_at END AS e FROM subscriptions WHERE member_id=?1 AND starts_at <= ?2 AND e "
            "> ?2 "
            "ORDER BY e DESC",
            member, now());
        ActivePlan found;
        while (q.next())
            if (p.plan(q.text(0))) {
                found = ActivePlan{q.text(0), q.i64(1)};
                break;
            }
        if (found.id.empty()) return found;
        // Renewals already paid for continue the coverage without a gap.
        for (;;) {
            auto n = c.query(
                "SELECT MAX(CASE WHEN cancelled_at > 0 AND cancelled_at < ends_at THEN "
                "cancelled_at "
                "ELSE ends_at END) FROM subscriptions WHERE member_id=? AND plan_id=? AND "
                "starts_at <= ? AND cancelled_at = 0",
                member, found.id, found.ends_at);
            if (!n.next() || n.is_null(0) || n.i64(0) <= found.ends_at) break;
            found.ends_at = n.i64(0);
        }
        return found;
    }

    // The lowest level the member may hold: an active plan's floor, or a permanent level reached.
    int floor_index(const Program& p, int current, const ActivePlan& plan) {
        int f = -1;
        if (const Plan* pl = p.plan(plan.id); pl && !plan.id.empty())
            f = std::max(f, p.level_index(pl->tier_floor));
        if (current >= 0 && p.tiers.levels[static_cast<std::size_t>(current)].permanent)
            f = std::max(f, current);
        return f;
    }

    void set_tier(std::int64_t member, const std::string& from, const std::string& to,
                  const std::string& reason, std::int64_t score, std::int64_t sale,
                  std::int64_t at_risk_since) {
        c.query("UPDATE members SET tier=?, tier_since=?, tier_at_risk_since=? WHERE id=?", to,
                now(), at_risk_since, member)
            .run();
        c.query(
             "INSERT INTO tier_events(member_id, from_tier, to_tier, reason, score, sale_id, "
             "program_version, created_at) VALUES (?,?,?,?,?,?,?,?)",
             member, from, to, reason, score, NullIfZero{sale},
             std::max<std::int64_t>(program_version, 0), now())
            .run();
    }

    // Moves the member up to what the score (or a plan floor) supports; never down. Runs inside
    // every write that can raise a score, so an upgrade commits with the sale that earned it.
    std::string maybe_upgrade(std::int64_t member, std::int64_t sale) {
        const Program& p = program;
        std::string cur_id;
        {
            auto q = c.query("SELECT tier, status FROM members WHERE id=?", member);
            if (!q.next()) return "";
            cur_id = q.text(0);
            if (q.i64(1) != static_cast<std::int64_t>(MemberStatus::Active)) return cur_id;
        }
        if (!p.tiers.enabled()) return cur_id;
        int cur = p.level_index(cur_id);
        std::int64_t score = score_of(member, p);
        int target = level_for_score(p.tiers, score);
        int fl = floor_index(p, cur, active_plan(member, p));
        std::string why;
        if (fl > target) {
            target = fl;
            why = "plan floor";
        }
        if (target <= cur) return cur_id;
        const TierLevel& to = p.tiers.levels[static_cast<std::size_t>(target)];
        if (why.empty())
            why = cur < 0 ? "joined at " + to.name
                          : fmt::format("upgrade: score {} reached {} ({})", score, to.name,
                                        to.threshold);
        set_tier(member, cur_id, to.id, why, score, sale, 0);
        return to.id;
    }

    // One member at a review: upgrade if the score allows; otherwise mark at risk, and after the
    // grace period step down (one level, or to what the score supports), never below a floor.
    // Returns +1 upgraded, -1 downgraded, 2 newly at risk, 0 nothing.
    int review_member(std::int64_t member, std::int64_t at) {
        const Program& p = program;
        auto q =
            c.query("SELECT tier, tier_since, tier_at_risk_since FROM members WHERE id=?", member);
        if (!q.next()) return 0;
        const std::string cur_id = q.text(0);
        const std::int64_t since = q.i64(1), risk = q.i64(2);
        const int cur = p.level_index(cur_id);
        const std::int64_t score = score_of(member, p);
        const int by_score = level_for_score(p.tiers, score);
        const int fl = floor_index(p, cur, active_plan(member, p));
        const int target = std::max(by_score, fl);
        if (target > cur) {
            maybe_upgrade(member, 0);
            return 1;
        }
        if (target == cur) {
            if (risk != 0)
                c.query("UPDATE members SET tier_at_risk_since=0 WHERE id=?", member).run();
            return 0;
        }
        // Below the current level.
        std::int64_t risk_since = risk;
        int result = 0;
        if (risk_since == 0) {
            risk_since = at;
            c.query("UPDATE members SET tier_at_risk_since=? WHERE id=?", at, member).run();
            result = 2;
        }
        if (at < risk_since + p.tiers.grace_days * kDayMs) return result;
        if (since >= at) return result;  // already moved at this review: idempotent
        int to = p.tiers.downgrade == DowngradePolicy::OneStep ? cur - 1 : target;
        to = std::max({to, target, fl, 0});
        if (to >= cur) return result;
        const TierLevel& from = p.tiers.levels[static_cast<std::size_t>(cur)];
        const TierLevel& lv = p.tiers.levels[static_cast<std::size_t>(to)];
        std::string why = fmt::format(
            "review: score {} is below {} ({}){}", score, from.name, from.threshold,
            p.tiers.grace_days > 0
                ? fmt::format(", {} days after falling below", (at - risk_since) / kDayMs)
                : "");
        // Still below the new level too (one step at a time): at risk again from now.
        set_tier(member, cur_id, lv.id, why, score, 0, to > target ? at : 0);
        return -1;
    }

    TierStatus tier_status(std::int64_t member) {
        TierStatus s;
        const Program& p = active_program();
        auto q =
            c.query("SELECT tier, tier_since, tier_at_risk_since FROM members WHERE id=?", member);
        if (!q.next()) throw Error(Status::NotFound, "no member with id " + std::to_string(member));
        s.tier = q.text(0);
        s.since = q.i64(1);
        s.at_risk_since = q.i64(2);
        ActivePlan plan = active_plan(member, p);
        s.plan = plan.id;
        s.plan_ends_at = plan.ends_at;
        Benefits b = benefits_of(p, s.tier, plan.id);
        s.multiplier = rate_to_string(b.multiplier);
        s.discount = rate_to_string(b.discount);
        s.free_delivery = b.free_delivery;
        const int cur = p.level_index(s.tier);
        if (p.tiers.enabled()) {
            s.score = score_of(member, p);
            if (cur >= 0) {
                const TierLevel& l = p.tiers.levels[static_cast<std::size_t>(cur)];
                s.tier_name = l.name;
                s.benefits = l.benefits;
            }
            if (cur + 1 < static_cast<int>(p.tiers.levels.size())) {
                const TierLevel& n = p.tiers.levels[static_cast<std::size_t>(cur + 1)];
                s.next_tier = n.id;
                s.next_tier_name = n.name;
                s.next_threshold = n.threshold;
                s.missing = std::max<std::int64_t>(0, n.threshold - s.score);
            }
            s.progress = progress_text(p, cur, s.score, exponent(p.currency));
            int fl = floor_index(p, cur, plan);
            if (fl >= 0) s.floor_tier = p.tiers.levels[static_cast<std::size_t>(fl)].id;
        }
        if (const Plan* pl = p.plan(plan.id); pl && !plan.id.empty())
            s.benefits.insert(s.benefits.end(), pl->benefits.begin(), pl->benefits.end());
        auto e = c.query(
            "SELECT from_tier, to_tier, reason, score, COALESCE(sale_id, 0), created_at "
            "FROM tier_events WHERE member_id=? ORDER BY id DESC LIMIT 50",
            member);
        while (e.next())
            s.events.push_back({e.text(0), e.text(1), e.text(2), e.i64(3), e.i64(4), e.i64(5)});
        return s;
    }

    // ---- checkout ---------------------------------------------------------------------------

    MemberState member_state(std::int64_t member_id, const Program& p) {
        MemberState s;
        if (member_id == 0) return s;
        Member m = load_member(member_id);
        s.is_member = true;
        s.balance = m.balance;
        s.available = m.available;
        s.birth_month = m.birth_month;
        s.birth_day = m.birth_day;
        s.benefits = benefits_of(p, m.tier, active_plan(member_id, p).id);
        s.tier = m.tier;
        s.tags = m.tags;
        s.wallet_available = wallet_balance(member_id).available;
        std::int64_t t = now();
        auto awarded = [&](const std::string& key) {
            auto q = c.query(
                // `kind IN (7, 8)` matches the partial index ledger_reason.
                "SELECT 1 FROM ledger b WHERE b.member_id=? AND b.kind=? AND b.kind IN (7, 8) AND "
                "b.reason=? AND NOT EXISTS (SELECT 1 FROM ledger r WHERE r.corrects = b.id) LIMIT "
                "1",
                member_id, static_cast<std::int64_t>(EntryKind::Bonus), key);
            return q.next();
        };
        if (p.birthday.points > 0 && m.birth_month > 0) {
            Window y = window_of(Period::Year, t, p.utc_offset_minutes, p.week_start);
            s.birthday_awarded = awarded("birthday:" + y.key);
        }
        for (const auto& ch : p.challenges) {
            Window w = window_of(ch.window, t, p.utc_offset_minutes, p.week_start);
            MemberState::ChallengeState cs;
            cs.id = ch.id;
            auto q = c.query(
                "SELECT COUNT(*) FROM sales WHERE member_id=? AND created_at >= ? AND created_at < "
                "? "
                "AND status IN (0, 1) AND total >= ?",
                member_id, w.start_ms, w.end_ms, ch.min_spend);
            q.next();
            cs.purchases = q.i64(0);
            cs.awarded = awarded("challenge:" + ch.id + ":" + w.key);
            s.challenges.push_back(cs);
        }
        return s;
    }

    void check_basket(const Basket& b) {
        text::check_field("receipt", b.receipt, kMaxShort);
        text::check_field("branch", b.branch, kMaxShort);
        text::check_field("terminal", b.terminal, kMaxShort);
        text::check_field("cashier", b.cashier, kMaxShort);
        text::check_field("currency", b.currency, 8);
        if (b.lines.size() > 10000)
            throw Error(Status::TooLong, "a basket holds at most 10,000 lines");
        for (const auto& l : b.lines) {
            text::check_field("sku", l.sku, kMaxShort);
            text::check_field("category", l.category, kMaxShort);
        }
        if (b.tenders.size() > 100)
            throw Error(Status::TooLong, "a sale holds at most 100 tenders");
        if (b.coupons.size() > 20) throw Error(Status::TooLong, "a sale takes at most 20 coupons");
        for (const auto& code : b.coupons) {
            text::check_field("coupon code", code, 40);
            if (code.empty()) throw Error(Status::InvalidArgument, "a coupon code is empty");
        }
        if (b.wallet_amount < 0)
            throw Error(Status::InvalidAmount, "a wallet payment cannot be negative");
        for (const auto& t : b.tenders) {
            text::check_field("tender type", t.type, kMaxShort);
            if (t.type.empty()) throw Error(Status::InvalidArgument, "a tender needs a type");
            if (t.amount < 0) throw Error(Status::InvalidAmount, "a tender cannot be negative");
        }
        if (b.member_id < 0) throw Error(Status::InvalidArgument, "member id cannot be negative");
        b.total();  // validates amounts
        if (b.redeem_points < 0)
            throw Error(Status::InvalidAmount, "points to redeem cannot be negative");
    }

    std::string basket_request(const Basket& b) {
        std::string out = canonical("member", b.member_id, "receipt", b.receipt, "branch", b.branch,
                                    "terminal", b.terminal, "cashier", b.cashier, "currency",
                                    b.currency, "tax", b.tax, "service", b.service, "tip", b.tip,
                                    "redeem", b.redeem_points, "wallet", b.wallet_amount);
        for (const auto& l : b.lines)
            storage::put_fields(out, "sku", l.sku, "category", l.category, "qty", l.quantity_milli,
                                "price", l.unit_price, "discount", l.discount, "plan", l.plan_id);
        for (const auto& code : b.coupons)
            storage::put_fields(out, "coupon", coupon::normalize(code));
        for (const auto& t : b.tenders)
            storage::put_fields(out, "tender", t.type, "amount", t.amount);
        return out;
    }

    // Evaluates a basket against the current state (inside a transaction).
    Evaluation evaluate_basket(const Basket& b, std::int64_t& member_out, MemberState& state) {
        const Program& p = active_program();
        std::string currency = b.currency.empty() ? opt.default_currency : b.currency;
        int exp = exponent(currency);
        if (program_version > 0 && currency != p.currency)
            throw Error(Status::UnknownCurrency, "the basket is in " + currency +
                                                     " but the programme counts in " + p.currency);
        member_out = 0;
        if (b.member_id != 0) {
            member_out = owner_of(b.member_id);
            require_active(member_out);
        }
        state = member_state(member_out, p);
        return evaluate(with_plan_prices(b, p, member_out), state, p, now(), exp,
                        coupon_candidates(b, member_out, p));
    }

    // Plan lines take their price from the programme: one period per 1.000 of quantity.
    Basket with_plan_prices(const Basket& b, const Program& p, std::int64_t member) {
        Basket out = b;
        for (auto& l : out.lines) {
            if (l.plan_id.empty()) continue;
            const Plan* plan = p.plan(l.plan_id);
            if (!plan)
                throw Error(Status::NotFound, "the programme has no plan '" + l.plan_id + "'");
            if (member == 0)
                throw Error(Status::InvalidArgument,
                            "a plan is bought by a member, not anonymously");
            if (l.quantity_milli % 1000 != 0)
                throw Error(Status::InvalidAmount, "a plan is bought in whole periods");
            l.unit_price = plan->fee;
            l.discount = 0;
            if (l.sku.empty()) l.sku = "plan:" + plan->id;
            if (l.category.empty()) l.category = "plan";
        }
        return out;
    }

    // Score terms a sale would add (for the quote's "this sale makes you Gold").
    std::function<std::int64_t(const ScoreTerm&)> sale_delta(const Evaluation& ev) {
        return [&ev](const ScoreTerm& t) -> std::int64_t {
            switch (t.metric) {
                case ScoreTerm::Metric::Purchases:
                    return 1;
                case ScoreTerm::Metric::Spend:
                    return ev.total;
                case ScoreTerm::Metric::Points:
                    if (t.source.empty()) return ev.points;
                    if (t.source == "purchase") return ev.purchase_points;
                    if (t.source == "birthday") return ev.points - ev.purchase_points;
                    return 0;
            }
            return 0;
        };
    }

    Quote quote(const Basket& b) {
        check_basket(b);
        Transaction t(c, false);
        std::int64_t member = 0;
        MemberState st;
        Evaluation ev = evaluate_basket(b, member, st);
        Quote q;
        q.member_id = member;
        q.program_version = program_version;
        q.total = ev.total;
        q.points_earned = ev.points;
        q.rules = ev.rules;
        q.line_points = ev.line_points;
        q.balance = st.balance;
        q.available = st.available;
        q.redeemable_points = ev.redeemable_points;
        q.redeemable_value = ev.redeemable_value;
        q.redeem_status = ev.redeem_status;
        q.redeem_message = ev.redeem_message;
        q.redeem_points = ev.redeem_points;
        q.redeem_value = ev.redeem_value;
        q.amount_due = ev.amount_due;
        q.benefit_discount = ev.benefit_discount;
        q.free_delivery = ev.free_delivery;
        q.coupons = ev.coupons;
        q.coupon_discount = ev.coupon_discount;
        q.cashback = ev.cashback;
        q.wallet_status = ev.wallet_status;
        q.wallet_message = ev.wallet_message;
        q.wallet_amount = ev.wallet_amount;
        if (member) {
            WalletBalance w = wallet_balance(member);
            q.wallet_balance = w.balance;
            q.wallet_available = w.available;
        }
        const Program& p = program;
        if (member && p.tiers.enabled()) {
            auto mq = c.query("SELECT tier FROM members WHERE id=?", member);
            mq.next();
            q.tier = mq.text(0);
            int cur = p.level_index(q.tier);
            std::int64_t after = score_of(member, p, sale_delta(ev));
            int target = std::max(level_for_score(p.tiers, after), cur);
            q.tier_after =
                target >= 0 ? p.tiers.levels[static_cast<std::size_t>(target)].id : q.tier;
            q.progress = progress_text(p, target, after, exponent(p.currency));
        }
        return q;
    }

    std::pair<std::int64_t, std::int64_t> do_commit(const Basket& b) {
        std::int64_t member = 0;
        MemberState st;
        Evaluation ev = evaluate_basket(b, member, st);
        if (b.redeem_points > 0 && ev.redeem_status != Status::Ok)
            throw Error(ev.redeem_status, ev.redeem_message);
        // What the customer was shown is what is committed: a coupon that does not apply is
        // refused, not silently dropped, so the till can take it off and quote again.
        for (const auto& cr : ev.coupons)
            if (cr.status != Status::Ok)
                throw Error(cr.status, "coupon " + coupon::display(cr.code) + ": " + cr.message);
        if (ev.wallet_status != Status::Ok) throw Error(ev.wallet_status, ev.wallet_message);
        if (!b.tenders.empty()) {
            std::int64_t paid = 0;
            for (const auto& tn : b.tenders)
                paid = checked_add(paid, tn.amount);
            if (paid != ev.amount_due)
                throw Error(Status::InvalidAmount, "the tenders add up to " + std::to_string(paid) +
                                                       " but " + std::to_string(ev.amount_due) +
                                                       " is due after the points tender");
        }
        std::string currency = b.currency.empty() ? opt.default_currency : b.currency;
        std::int64_t t = now();
        std::int64_t earned_total = ev.points;
        const Basket pb = with_plan_prices(b, program, member);
        std::string tier_before;
        if (member) {
            auto q = c.query("SELECT tier FROM members WHERE id=?", member);
            q.next();
            tier_before = q.text(0);
        }
        c.query(
             "INSERT INTO sales(origin, member_id, receipt, branch, terminal, cashier, currency, "
             "total, tax, service, tip, points_earned, charge_points, points_redeemed, "
             "redeem_value, amount_due, program_version, explanation, created_at, "
             "benefit_discount, tier_before, tier_after) "
             "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
             origin_id, NullIfZero{member}, NullIfEmpty{b.receipt}, NullIfEmpty{b.branch},
             NullIfEmpty{b.terminal}, NullIfEmpty{b.cashier}, currency, ev.total, b.tax, b.service,
             b.tip, earned_total, ev.charge_points, ev.redeem_points, ev.redeem_value,
             ev.amount_due, std::max<std::int64_t>(program_version, 0),
             storage::encode_rules(ev.rules), t, ev.benefit_discount, tier_before, tier_before)
            .run();
        std::int64_t sale = c.last_id();
        c.query("UPDATE sales SET coupon_discount=?, wallet_paid=?, cashback=? WHERE id=?",
                ev.coupon_discount, ev.wallet_amount, ev.cashback, sale)
            .run();
        for (const CouponResult& cr : ev.coupons) {
            const Campaign& camp = *program.campaign(cr.campaign_id);
            auto cq = c.query("SELECT id FROM coupons WHERE code=?", cr.code);
            std::int64_t coupon_id = cq.next() ? cq.i64(0) : 0;
            c.query(
                 "INSERT INTO coupon_uses(coupon_id, code, campaign_id, sale_id, member_id, "
                 "discount, "
                 "points, partner_id, partner_funded, branch, created_at) VALUES "
                 "(?,?,?,?,?,?,?,?,?,?,?)",
                 NullIfZero{coupon_id}, cr.code, cr.campaign_id, sale, NullIfZero{member},
                 cr.discount, cr.points, NullIfEmpty{camp.partner}, cr.partner_funded,
                 NullIfEmpty{b.branch}, t)
                .run();
            c.query(
                 "INSERT INTO campaign_totals(campaign_id, uses, discount) VALUES (?, 1, ?) ON "
                 "CONFLICT(campaign_id) DO UPDATE SET uses = uses + 1, discount = discount + "
                 "excluded.discount",
                 cr.campaign_id, cr.discount)
                .run();
        }
        for (std::size_t i = 0; i < pb.lines.size(); ++i) {
            const auto& l = pb.lines[i];
            // The stored amount is what the customer pays for the line (after the benefit
            // discount): refunds are proportional to it.
            c.query(
                 "INSERT INTO sale_lines(sale_id, line_no, sku, category, quantity_milli, "
                 "unit_price, discount, amount, points, plan_id, benefit_discount) "
                 "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                 sale, static_cast<std::int64_t>(i + 1), l.sku, l.category, l.quantity_milli,
                 l.unit_price, l.discount,
                 l.amount() - ev.line_discounts[i] - ev.line_coupon_discounts[i], ev.line_points[i],
                 NullIfEmpty{l.plan_id}, ev.line_discounts[i])
                .run();
            if (ev.line_coupon_discounts[i] != 0)
                c.query("UPDATE sale_lines SET coupon_discount=? WHERE sale_id=? AND line_no=?",
                        ev.line_coupon_discounts[i], sale, static_cast<std::int64_t>(i + 1))
                    .run();
            if (!l.plan_id.empty()) subscribe(member, *program.plan(l.plan_id), sale, i + 1, l);
        }
        for (std::size_t i = 0; i < b.tenders.size(); ++i)
            c.query("INSERT INTO sale_tenders(sale_id, line_no, type, amount) VALUES (?,?,?,?)",
                    sale, static_cast<std::int64_t>(i + 1), b.tenders[i].type, b.tenders[i].amount)
                .run();
        if (member) {
            EntryContext ctx;
            ctx.sale_id = sale;
            ctx.branch = b.branch;
            ctx.terminal = b.terminal;
            ctx.operator_id = b.cashier;
            if (ev.redeem_points > 0) {
                ctx.reason = "points tender";
                debit_spend(EntryKind::Redeem, member, ev.redeem_points, ctx);
            }
            std::int64_t line_part = ev.charge_points;
            for (auto p : ev.line_points)
                line_part = checked_add(line_part, p);
            std::int64_t avail_at = t + program.pending_days * kDayMs;
            if (line_part > 0) {
                ctx.reason = "purchase";
                credit(EntryKind::Earn, member, line_part, ctx, avail_at, expiry_for(t));
            }
            for (const auto& bonus : ev.bonuses) {
                if (bonus.points <= 0) continue;
                ctx.reason = bonus.key.empty() ? bonus.rule_id : bonus.key;
                credit(EntryKind::Bonus, member, bonus.points, ctx, avail_at, expiry_for(t));
            }
            if (ev.wallet_amount > 0) {
                ctx.reason = "wallet tender";
                wallet_add(member, kTender, -ev.wallet_amount, ctx, t);
            }
            if (ev.cashback > 0) {
                ctx.reason = "cashback";
                wallet_add(member, kCashback, ev.cashback, ctx,
                           t + program.cashback.pending_days * kDayMs);
            }
            for (const auto& camp : program.campaigns)
                if (camp.issue_min_spend >= 0 && ev.total >= camp.issue_min_spend)
                    new_coupon(camp, member, 0, sale);
            reward_referral(member, sale, ev.total, ctx, avail_at);
            std::string tier_after = maybe_upgrade(member, sale);
            auto [avail, pend] = spendable(member);
            (void)pend;
            c.query("UPDATE sales SET balance_after=?, available_after=?, tier_after=? WHERE id=?",
                    balance_of(member), avail, tier_after, sale)
                .run();
        }
        return {sale, 0};
    }

    // Referral: when a referred member's purchase qualifies (the first one, or every one), the
    // referrer and/or the referee get their points (source "referral") and coupons. The bonus
    // entries carry the sale, so a full refund takes them back.
    void reward_referral(std::int64_t member, std::int64_t sale, std::int64_t total,
                         EntryContext ctx, std::int64_t avail_at) {
        const Referral& rf = program.referral;
        if (!rf.enabled() || total < rf.min_spend) return;
        std::int64_t referrer =
            scalar(c.query("SELECT COALESCE(referrer_id, 0) FROM members WHERE id=?", member));
        if (referrer == 0) return;
        referrer = owner_of(referrer);
        if (referrer == member) return;
        const std::int64_t earlier =
            scalar(c.query("SELECT COUNT(*) FROM sales WHERE member_id=? AND id<>? AND status IN "
                           "(0, 1) AND total >= ?",
                           member, sale, rf.min_spend));
        if (!rf.every_purchase && earlier > 0) return;
        const std::int64_t t = now();
        const bool referrer_active =
            scalar(c.query("SELECT status FROM members WHERE id=?", referrer)) == 0;
        if (rf.referrer_points > 0 && referrer_active) {
            ctx.reason = "referral:" + std::to_string(member);
            credit(EntryKind::Bonus, referrer, rf.referrer_points, ctx, avail_at, expiry_for(t));
            maybe_upgrade(referrer, sale);
        }
        if (rf.referee_points > 0) {
            ctx.reason = "referral-welcome";
            credit(EntryKind::Bonus, member, rf.referee_points, ctx, avail_at, expiry_for(t));
            // On the referee's receipt, with the rest of what the sale earned.
            auto sq = c.query("SELECT explanation FROM sales WHERE id=?", sale);
            sq.next();
            auto rules = storage::decode_rules(sq.text(0));
            rules.push_back(
                {"referral", rf.referee_points,
                 fmt::format("Welcome, referred by a friend: {} points", rf.referee_points)});
            c.query("UPDATE sales SET points_earned = points_earned + ?, explanation=? WHERE id=?",
                    rf.referee_points, storage::encode_rules(rules), sale)
                .run();
        }
        if (!rf.referrer_campaign.empty() && referrer_active)
            new_coupon(*program.campaign(rf.referrer_campaign), referrer, 0, sale);
        if (!rf.referee_campaign.empty())
            new_coupon(*program.campaign(rf.referee_campaign), member, 0, sale);
    }

    // A plan bought on a sale line: it starts now, or when the member's current period of the
    // same plan ends (renewal), and lasts one period per 1.000 of quantity.
    void subscribe(std::int64_t member, const Plan& plan, std::int64_t sale, std::size_t line_no,
                   const BasketLine& l) {
        std::int64_t start = now();
        auto q = c.query(
            "SELECT MAX(ends_at) FROM subscriptions WHERE member_id=? AND plan_id=? AND "
            "cancelled_at=0 "
            "AND ends_at > ?",
            member, plan.id, start);
        if (q.next() && !q.is_null(0)) start = q.i64(0);
        int months =
            static_cast<int>(l.quantity_milli / 1000) * (plan.period == Period::Year ? 12 : 1);
        std::int64_t end = add_months(start, months, program.utc_offset_minutes);
        c.query(
             "INSERT INTO subscriptions(origin, member_id, plan_id, sale_id, line_no, fee, "
             "starts_at, "
             "ends_at, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
             origin_id, member, plan.id, sale, static_cast<std::int64_t>(line_no), l.amount(),
             start, end, now())
            .run();
    }

    Receipt sale_receipt(std::int64_t sale) {
        auto q = c.query(
            "SELECT o.name, s.member_id, s.program_version, s.total, s.points_earned, "
            "s.points_redeemed, s.redeem_value, s.amount_due, s.balance_after, s.available_after, "
            "s.created_at, s.explanation, s.benefit_discount, s.tier_before, s.tier_after, "
            "s.coupon_discount, s.wallet_paid, s.cashback FROM sales s "
            "JOIN origins o ON o.id = s.origin WHERE s.id=?",
            sale);
        if (!q.next()) throw Error(Status::NotFound, "no sale with id " + std::to_string(sale));
        Receipt r;
        r.kind = ReceiptKind::Sale;
        r.sale_id = sale;
        r.uid = uid(q.text(0), 'S', sale);
        r.member_id = q.i64(1);
        r.program_version = q.i64(2);
        r.total = q.i64(3);
        r.points_earned = q.i64(4);
        r.points_redeemed = q.i64(5);
        r.redeem_value = q.i64(6);
        r.amount_due = q.i64(7);
        r.balance_after = q.i64(8);
        r.available_after = q.i64(9);
        r.created_at = q.i64(10);
        r.rules = storage::decode_rules(q.text(11));
        r.benefit_discount = q.i64(12);
        r.tier_before = q.text(13);
        r.tier_after = q.text(14);
        r.coupon_discount = q.i64(15);
        r.wallet_amount = q.i64(16);
        r.cashback = q.i64(17);
        auto cu = c.query(
            "SELECT code, campaign_id, discount, points, partner_funded FROM coupon_uses "
            "WHERE sale_id=? ORDER BY id",
            sale);
        while (cu.next()) {
            CouponResult cr;
            cr.code = cu.text(0);
            cr.campaign_id = cu.text(1);
            cr.discount = cu.i64(2);
            cr.points = cu.i64(3);
            cr.partner_funded = cu.i64(4);
            r.coupons.push_back(std::move(cr));
        }
        auto ci = c.query("SELECT code FROM coupons WHERE issued_sale_id=? ORDER BY id", sale);
        while (ci.next())
            r.coupons_issued.push_back(coupon::display(ci.text(0)));
        return r;
    }

    Receipt refund_receipt(std::int64_t refund) {
        auto q = c.query(
            "SELECT o.name, r.sale_id, r.kind, r.amount, r.points_reversed, r.points_restored, "
            "r.value_restored, r.balance_after, r.available_after, r.created_at, s.member_id, "
            "s.program_version, s.total, r.wallet_restored, r.cashback_reversed FROM refunds r "
            "JOIN origins o ON o.id = r.origin JOIN sales s ON s.id = r.sale_id WHERE r.id=?",
            refund);
        if (!q.next()) throw Error(Status::NotFound, "no refund with id " + std::to_string(refund));
        Receipt r;
        r.uid = uid(q.text(0), 'R', refund);
        r.sale_id = q.i64(1);
        r.kind = q.i64(2) == 2 ? ReceiptKind::Void : ReceiptKind::Refund;
        r.refund_amount = q.i64(3);
        r.points_earned = q.i64(4);
        r.points_redeemed = q.i64(5);
        r.redeem_value = q.i64(6);
        r.balance_after = q.i64(7);
        // Money for the cashier to hand back by the sale's other tenders: what the returned
        // goods cost, less the points tender and the wallet money given back.
        r.money_back = r.refund_amount - r.redeem_value - q.i64(13);
        r.available_after = q.i64(8);
        r.created_at = q.i64(9);
        r.member_id = q.is_null(10) ? 0 : owner_of(q.i64(10));
        r.program_version = q.i64(11);
        r.total = q.i64(12);
        r.wallet_amount = q.i64(13);
        r.cashback = q.i64(14);
        return r;
    }

    std::pair<std::int64_t, std::int64_t> do_refund(std::int64_t sale_id,
                                                    const std::vector<RefundLine>& req,
                                                    bool is_void) {
        auto sq = c.query(
            "SELECT member_id, total, tax + service + tip, points_redeemed, redeem_value, "
            "charge_points, status, program_version, branch, terminal, wallet_paid, cashback "
            "FROM sales WHERE id=?",
            sale_id);
        if (!sq.next()) throw Error(Status::NotFound, "no sale with id " + std::to_string(sale_id));
        const std::int64_t sale_member = sq.is_null(0) ? 0 : sq.i64(0);
        const std::int64_t total = sq.i64(1), charges = sq.i64(2), redeemed = sq.i64(3),
                           redeem_value = sq.i64(4), charge_points = sq.i64(5);
        const int status = static_cast<int>(sq.i64(6));
        const std::string branch = sq.text(8), terminal = sq.text(9);
        const std::int64_t wallet_paid = sq.i64(10), cashback = sq.i64(11);
        if (status == 3) throw Error(Status::SaleVoided, "the sale was voided");
        if (status == 2) throw Error(Status::SaleVoided, "the sale was fully refunded already");
        if (is_void && status != 0)
            throw Error(Status::InvalidState,
                        "a sale that has refunds cannot be voided; refund the rest");

        struct Line {
            std::int64_t qty, amount, points, returned;
            std::string plan_id;
        };
        std::vector<Line> lines;
        {
            auto lq = c.query(
                "SELECT l.quantity_milli, l.amount, l.points, COALESCE((SELECT "
                "SUM(rl.quantity_milli) FROM refund_lines rl JOIN refunds r ON r.id = rl.refund_id "
                "WHERE r.sale_id = l.sale_id AND rl.line_no = l.line_no), 0), "
                "COALESCE(l.plan_id, '') FROM sale_lines l WHERE l.sale_id=? ORDER BY l.line_no",
                sale_id);
            while (lq.next())
                lines.push_back({lq.i64(0), lq.i64(1), lq.i64(2), lq.i64(3), lq.text(4)});
        }
        std::vector<std::int64_t> give(lines.size(), 0);
        if (req.empty()) {
            for (std::size_t i = 0; i < lines.size(); ++i)
                give[i] = lines[i].qty - lines[i].returned;
        } else {
            for (const auto& r : req) {
                if (r.line_no < 1 || static_cast<std::size_t>(r.line_no) > lines.size())
                    throw Error(Status::NotFound,
                                "the sale has no line " + std::to_string(r.line_no));
                if (r.quantity_milli <= 0)
                    throw Error(Status::InvalidAmount, "a refund quantity must be greater than 0");
                auto& g = give[static_cast<std::size_t>(r.line_no - 1)];
                g = checked_add(g, r.quantity_milli);
            }
        }
        std::int64_t amount = 0, points_back = 0, prior_amount = 0;
        bool all_returned = true;
        for (std::size_t i = 0; i < lines.size(); ++i) {
            const Line& l = lines[i];
            if (give[i] > l.qty - l.returned)
                throw Error(Status::RefundExceedsSale,
                            "line " + std::to_string(i + 1) + ": " + std::to_string(give[i]) +
                                " thousandths asked back, " + std::to_string(l.qty - l.returned) +
                                " left on the sale");
            std::int64_t before = l.returned, after = l.returned + give[i];
            // Cumulative shares, so that many partial refunds add up exactly to the line.
            prior_amount += mul_div(l.amount, before, l.qty, Rounding::HalfUp);
            amount += mul_div(l.amount, after, l.qty, Rounding::HalfUp) -
                      mul_div(l.amount, before, l.qty, Rounding::HalfUp);
            points_back += mul_div(l.points, after, l.qty, Rounding::Floor) -
                           mul_div(l.points, before, l.qty, Rounding::Floor);
            if (after != l.qty) all_returned = false;
        }
        if (amount == 0 && points_back == 0 && !all_returned)
            throw Error(Status::InvalidAmount, "the refund returns nothing");
        if (all_returned) {
            amount += charges;
            points_back += charge_points;
        }
        // Points paid as tender come back in proportion to the money refunded, counted
        // cumulatively (what all refunds so far have returned, rounded down), less what earlier
        // refunds actually returned: the parts always add up to the whole tender, and the last
        // refund settles it exactly. The money those points stand for is the value of exactly
        // those points (33 of 100 points worth 10,000 are worth 3,300, not a third of 10,000).
        std::int64_t after_amount = prior_amount + amount;
        if (all_returned) after_amount = total;
        std::int64_t prior_for_tender = prior_amount;
        std::int64_t restore = 0, value_back = 0;
        if (total > 0 && redeemed > 0) {
            auto pq = c.query(
                "SELECT COALESCE(SUM(points_restored), 0), COALESCE(SUM(value_restored), 0) "
                "FROM refunds WHERE sale_id=?",
                sale_id);
            pq.next();
            const std::int64_t points_before = pq.i64(0), value_before = pq.i64(1);
            const std::int64_t points_after =
                all_returned ? redeemed : mul_div(redeemed, after_amount, total, Rounding::Floor);
            restore = std::max<std::int64_t>(0, points_after - points_before);
            const std::int64_t value_after =
                all_returned
                    ? redeem_value
                    : mul_div(redeem_value, points_before + restore, redeemed, Rounding::Floor);
            value_back = std::max<std::int64_t>(0, value_after - value_before);
        }
        std::int64_t t = now();
        c.query(
             "INSERT INTO refunds(origin, sale_id, kind, amount, points_reversed, points_restored, "
             "value_restored, created_at) VALUES (?,?,?,?,0,?,?,?)",
             origin_id, sale_id, is_void ? 2 : 1, amount, restore, value_back, t)
            .run();
        std::int64_t refund = c.last_id();
        for (std::size_t i = 0; i < lines.size(); ++i) {
            if (give[i] == 0) continue;
            const Line& l = lines[i];
            std::int64_t a = mul_div(l.amount, l.returned + give[i], l.qty, Rounding::HalfUp) -
                             mul_div(l.amount, l.returned, l.qty, Rounding::HalfUp);
            std::int64_t p = mul_div(l.points, l.returned + give[i], l.qty, Rounding::Floor) -
                             mul_div(l.points, l.returned, l.qty, Rounding::Floor);
            c.query(
                 "INSERT INTO refund_lines(refund_id, line_no, quantity_milli, amount, points) "
                 "VALUES (?,?,?,?,?)",
                 refund, static_cast<std::int64_t>(i + 1), give[i], a, p)
                .run();
        }
        // A refunded plan line ends the plan it bought.
        for (std::size_t i = 0; i < lines.size(); ++i)
            if (give[i] > 0 && !lines[i].plan_id.empty())
                c.query(
                     "UPDATE subscriptions SET cancelled_at=? WHERE sale_id=? AND line_no=? AND "
                     "cancelled_at=0",
                     t, sale_id, static_cast<std::int64_t>(i + 1))
                    .run();
        std::int64_t reversed = 0;
        if (sale_member) {
            std::int64_t member = owner_of(sale_member);
            const Program& p = active_program();
            EntryContext ctx;
            ctx.sale_id = sale_id;
            ctx.refund_id = refund;
            ctx.branch = branch;
            ctx.terminal = terminal;
            if (restore > 0) {
                auto rq = c.query("SELECT id FROM ledger WHERE sale_id=? AND kind=? LIMIT 1",
                                  sale_id, static_cast<std::int64_t>(EntryKind::Redeem));
                ctx.corrects = rq.next() ? rq.i64(0) : 0;
                ctx.reason =
                    is_void ? "void: points tender returned" : "refund: points tender returned";
                restore_spent(member, restore, ctx);
            }
            // Earned points of the returned lines, from the sale's earn lot first.
            std::int64_t earn_entry = 0;
            {
                auto eq = c.query("SELECT id FROM ledger WHERE sale_id=? AND kind=? LIMIT 1",
                                  sale_id, static_cast<std::int64_t>(EntryKind::Earn));
                if (eq.next()) earn_entry = eq.i64(0);
            }
            ctx.corrects = earn_entry;
            ctx.reason = is_void ? "void" : "refund";
            reversed += debit_reverse(member, points_back, ctx, earn_entry, p.negative);
            if (all_returned) {
                // Sale-level bonuses (visit, challenge, birthday) go back with the whole sale.
                // A referral bonus sits on the referrer: it is taken back from them.
                struct Bonus {
                    std::int64_t id, points, member;
                };
                std::vector<Bonus> bonuses;
                auto bq = c.query(
                    "SELECT b.id, b.points, b.member_id FROM ledger b WHERE b.sale_id=? AND "
                    "b.kind=? "
                    "AND NOT EXISTS (SELECT 1 FROM ledger r WHERE r.corrects = b.id)",
                    sale_id, static_cast<std::int64_t>(EntryKind::Bonus));
                while (bq.next())
                    bonuses.push_back({bq.i64(0), bq.i64(1), bq.i64(2)});
                for (const auto& bn : bonuses) {
                    ctx.corrects = bn.id;
                    const std::int64_t who = owner_of(bn.member);
                    std::int64_t back = debit_reverse(who, bn.points, ctx, bn.id, p.negative);
                    if (who == member) reversed += back;
                }
            }
            // Money: the wallet tender comes back and the cashback goes, in proportion to the
            // money refunded (cumulatively, so a full refund settles them exactly).
            auto share = [&](std::int64_t whole) {
                return mul_div(whole, after_amount, total, Rounding::Floor) -
                       mul_div(whole, prior_for_tender, total, Rounding::Floor);
            };
            const std::int64_t wallet_back = total > 0 ? share(wallet_paid) : 0;
            const std::int64_t cashback_back = total > 0 ? share(cashback) : 0;
            ctx.corrects = 0;
            if (wallet_back > 0) {
                ctx.reason = "refund: wallet tender returned";
                wallet_add(member, kTenderBack, wallet_back, ctx, t);
            }
            if (cashback_back > 0) {
                auto cq = c.query(
                    "SELECT id, available_at FROM wallet_entries WHERE sale_id=? AND kind=?",
                    sale_id, static_cast<std::int64_t>(kCashback));
                std::int64_t cb_entry = 0, cb_available = t;
                if (cq.next()) {
                    cb_entry = cq.i64(0);
                    cb_available = cq.i64(1);
                }
                ctx.corrects = cb_entry;
                ctx.reason = "refund: cashback taken back";
                // Same availability as the cashback it corrects: pending cashback nets out.
                wallet_add(member, kCashbackBack, -cashback_back, ctx, cb_available);
            }
            auto [avail, pend] = spendable(member);
            (void)pend;
            c.query(
                 "UPDATE refunds SET points_reversed=?, balance_after=?, available_after=?, "
                 "wallet_restored=?, cashback_reversed=? WHERE id=?",
                 reversed, balance_of(member), avail, wallet_back, cashback_back, refund)
                .run();
        }
        if (all_returned) {
            // The coupons used come back (once), and unused coupons this sale issued are withdrawn.
            c.query(
                 "UPDATE campaign_totals SET uses = uses - (SELECT COUNT(*) FROM coupon_uses u "
                 "WHERE "
                 "u.sale_id = ?1 AND u.restored_at = 0 AND u.campaign_id = "
                 "campaign_totals.campaign_id), "
                 "discount = discount - (SELECT COALESCE(SUM(discount), 0) FROM coupon_uses u "
                 "WHERE "
                 "u.sale_id = ?1 AND u.restored_at = 0 AND u.campaign_id = "
                 "campaign_totals.campaign_id) "
                 "WHERE campaign_id IN (SELECT campaign_id FROM coupon_uses WHERE sale_id = ?1 AND "
                 "restored_at = 0)",
                 sale_id)
                .run();
            c.query("UPDATE coupon_uses SET restored_at=? WHERE sale_id=? AND restored_at=0", t,
                    sale_id)
                .run();
            c.query(
                 "UPDATE coupons SET revoked_at=? WHERE issued_sale_id=? AND revoked_at=0 AND id "
                 "NOT IN "
                 "(SELECT coupon_id FROM coupon_uses WHERE coupon_id IS NOT NULL AND "
                 "restored_at=0)",
                 t, sale_id)
                .run();
        }
        c.query("UPDATE sales SET status=? WHERE id=?", is_void ? 3 : (all_returned ? 2 : 1),
                sale_id)
            .run();
        return {refund, 0};
    }
};

// ---- public API ---------------------------------------------------------------------------

Database::Database(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Database::~Database() = default;

std::unique_ptr<Database> Database::open(const OpenOptions& options) {
    if (options.path.empty()) throw Error(Status::InvalidArgument, "a database path is required");
    text::check_field("path", options.path, 4096);
    text::check_field("origin", options.origin, kMaxShort);
    if (!text::known_country(options.default_country))
        throw Error(Status::InvalidArgument,
                    "unknown default country '" + options.default_country + "'");
    if (options.busy_timeout_ms < 0)
        throw Error(Status::InvalidArgument, "busy timeout cannot be negative");
    auto impl = std::make_unique<Impl>();
    impl->opt = options;
    try {
        impl->open();
        if (options.default_currency_exponent >= 0 && !options.read_only)
            impl->record_currency(options.default_currency, options.default_currency_exponent);
        impl->exponent(options.default_currency);  // must be configured
    } catch (...) {
        // A refused open leaves nothing behind: a file it created is removed again.
        if (impl->created) {
            impl->c.close();
            platform::remove_database_files(options.path);
        }
        throw;
    }
    return std::unique_ptr<Database>(new Database(std::move(impl)));
}

void Database::set_clock(std::int64_t now_ms) {
    if (now_ms < 0) throw Error(Status::InvalidArgument, "time cannot be negative");
    impl_->fixed_clock.store(now_ms);
}
std::int64_t Database::now() const {
    return impl_->now();
}

void Database::set_currency(const std::string& code, int exponent) {
    check_currency(code, exponent);
    std::lock_guard<std::mutex> lock(impl_->mu);
    Transaction t(impl_->c, true);
    impl_->c
        .query(
            "INSERT INTO currencies(code, exponent) VALUES (?, ?) ON CONFLICT(code) DO UPDATE "
            "SET exponent = excluded.exponent",
            code, exponent)
        .run();
    t.commit();
}

int Database::currency_exponent(const std::string& code) {
    text::check_field("currency", code, 8);
    std::lock_guard<std::mutex> lock(impl_->mu);
    return impl_->exponent(code);
}

std::string Database::normalize_phone(const std::string& phone) const {
    return impl_->normalize_phone(phone);
}

Member Database::enrol(const MemberFields& fields, const std::string& key) {
    MemberFields f = fields;
    impl_->check_fields(f);
    std::lock_guard<std::mutex> lock(impl_->mu);
    if (key.empty()) {
        Transaction t(impl_->c, true);
        Member m = impl_->load_member(impl_->do_enrol(f));
        t.commit();
        return m;
    }
    check_key(key);
    const std::string req = canonical(
        "phone", f.phone.value_or(""), "card", f.card.value_or(""), "name", f.name.value_or(""),
        "email", f.email.value_or(""), "by", f.birth_year.value_or(0), "bm",
        f.birth_month.value_or(0), "bd", f.birth_day.value_or(0), "referrer",
        f.referrer.value_or(""), "branch", f.branch.value_or(""));
    return impl_->idempotent(
        key, "enrol", req,
        [&] { return std::pair<std::int64_t, std::int64_t>(impl_->do_enrol(f), 0); },
        [&](const Impl::Outcome& o) { return impl_->load_member(o.id); });
}

Member Database::member(std::int64_t id) {
    std::lock_guard<std::mutex> lock(impl_->mu);
    Transaction t(impl_->c, false);
    return impl_->load_member(id);
}

Member Database::find_by_phone(const std::string& phone) {
    std::string p = impl_->normalize_phone(phone);
    std::lock_guard<std::mutex> lock(impl_->mu);
    Transaction t(impl_->c, false);
    auto m = impl_->try_member("phone", p);
    if (!m) throw Error(Status::NotFound, "no member with phone " + p);
    return *m;
}

Member Database::find_by_card(const std::string& card) {
    text::check_field("card", card, kMaxShort);
    if (card.empty()) throw Error(Status::InvalidArgument, "card code is empty");
    std::lock_guard<std::mutex> lock(impl_->mu);
    Transaction t(impl_->c, false);
    auto m = impl_->try_member("card", card);
    if (!m) throw Error(Status::NotFound, "no member with card " + card);
    return *m;
}

Member Database::identify(const std::string& text_in) {
    text::check_field("identifier", text_in, kMaxShort);
    if (text_in.empty()) throw Error(Status::InvalidArgument, "identifier is empty");
    std::lock_guard<std::mutex> lock(impl_->mu);
    Transaction t(impl_->c, false);
    if (auto m = impl_->try_member("card", text_in)) return *m;
    std::string p;
    try {
        p = impl_->normalize_phone(text_in);
    } catch (const Error&) {
        throw Error(Status::NotFound, "no member with card or phone '" + text_in + "'");
    }
    if (auto m = impl_->try_member("phone", p)) return *m;
    throw Error(Status::NotFound, "no member with card or phone '" + text_in + "'");
}

Member Database::update(std::int64_t id, const MemberFields& fields) {
    MemberFields f = fields;
    impl_->check_fields(f);
    std::lock_guard<std::mutex> lock(impl_->mu);
    Transaction t(impl_->c, true);
    impl_->do_update(id, f);
    t.commit();
    return impl_->load_member(id);
}

namespace {
void set_status(Database::Impl& d, std::int64_t id, MemberStatus from, MemberStatus to) {
    std::lock_guard<std::mutex> lock(d.mu);
    Transaction t(d.c, true);
    Member m = d.load_member(id);
    if (m.status == to) return;  // already there: nothing to do
    if (m.status != from)
        throw Error(Status::InvalidState, "member " + std::to_string(id) + " is erased or merged");
    d.c.query("UPDATE members SET status=?, updated_at=? WHERE id=?", static_cast<std::int64_t>(to),
              d.now(), id)
        .run();
    t.commit();
}
}  // namespace

void Database::deactivate(std::int64_t id) {
    set_status(*impl_, id, MemberStatus::Active, MemberStatus::Inactive);
}
void Database::reactivate(std::int64_t id) {
    set_status(*impl_, id, MemberStatus::Inactive, MemberStatus::Active);
}

void Database::erase(std::int64_t id) {
    std::lock_guard<std::mutex> lock(impl_->mu);
    Transaction t(impl_->c, true);
    Member m = impl_->load_member(id);
    if (m.status == MemberStatus::Erased) return;
    if (m.status == MemberStatus::Merged)
        throw Error(Status::InvalidState, "member " + std::to_string(id) +
                                              " was merged; erase the surviving member instead");
    auto& c = impl_->c;
    // The person is the member and every member merged into it: all their profiles are cleared
    // (an absorbed member kept its name, e-mail and birthday).
    c.query(LOY_FAMILY
            "UPDATE members SET phone=NULL, card=NULL, name=NULL, name_key=NULL, email=NULL, "
            "birth_year=0, birth_month=0, birth_day=0, gender=NULL, language=NULL, "
            "consent_sms=0, consent_email=0, consent_push=0, branch=NULL, updated_at=?2 "
            "WHERE id IN fam",
            id, impl_->now())
        .run();
    c.query("UPDATE members SET status=? WHERE id=?",
            static_cast<std::int64_t>(MemberStatus::Erased), id)
        .run();
    c.query(LOY_FAMILY "DELETE FROM member_tags WHERE member_id IN fam", id).run();
    // Messages keep their place in the reports but lose their address and text; those not yet
    // sent are suppressed.
    c.query(LOY_FAMILY
            "UPDATE outbox SET address='', body='', leased_until=0, "
            "reason = CASE WHEN status = 0 THEN 'erased' ELSE reason END, "
            "status = CASE WHEN status = 0 THEN 3 ELSE status END WHERE member_id IN fam",
            id)
        .run();
    t.commit();
    // The old pages: secure_delete zeroed them in the pages written; the checkpoint copies those
    // pages over the main file and empties the WAL, so no image of the old rows stays in either
    // (a reader holding an older snapshot defers this to the next checkpoint).
    impl_->checkpoint_truncate();
}

Member Database::merge(std::int64_t survivor_id, std::int64_t absorbed_id) {
    if (survivor_id == absorbed_id)
        throw Error(Status::InvalidArgument, "a member cannot be merged into itself");
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    Transaction t(d.c, true);
    Member s = d.load_member(survivor_id);
    Member a = d.load_member(absorbed_id);
    if (s.status != MemberStatus::Active)
        throw Error(Status::MemberInactive, "the surviving member must be active");
    if (a.status == MemberStatus::Erased || a.status == MemberStatus::Merged)
        throw Error(Status::InvalidState, "the absorbed member was erased or merged already");
    d.active_program();
    std::int64_t tnow = d.now();
    Impl::EntryContext ctx;
    ctx.reason =
        "merge of member " + std::to_string(absorbed_id) + " into " + std::to_string(survivor_id);
    std::int64_t moved = a.balance;
    // Move each open lot with its dates; a negative balance (debt) moves as debt.
    struct LotCopy {
        std::int64_t id, remaining, available_at, expires_at;
    };
    std::vector<LotCopy> lots;
    {
        auto q = d.c.query(
            "SELECT id, remaining, available_at, expires_at FROM lots WHERE member_id=? "
            "AND remaining > 0 ORDER BY expires_at, id",
            absorbed_id);
        while (q.next())
            lots.push_back({q.i64(0), q.i64(1), q.i64(2), q.i64(3)});
    }
    if (moved != 0) {
        std::int64_t out_entry = d.add_entry(EntryKind::MergeOut, absorbed_id, -moved, ctx);
        std::vector<Impl::Take> takes;
        for (const auto& l : lots)
            takes.push_back({l.id, l.remaining});
        d.apply(out_entry, takes);
        std::int64_t before = d.balance_of(survivor_id);
        if (moved > 0) {
            std::int64_t in_entry = d.add_entry(EntryKind::MergeIn, survivor_id, moved, ctx);
            std::int64_t bal = before;
            for (const auto& l : lots) {
                d.add_lot(survivor_id, in_entry, l.remaining, bal, l.available_at, l.expires_at);
                bal += l.remaining;
            }
        } else {
            auto p = d.plan(survivor_id, -moved, false, 0);
            std::int64_t in_entry = d.add_entry(EntryKind::MergeIn, survivor_id, moved, ctx);
            d.apply(in_entry, p);
        }
        // MergeOut/MergeIn are not earnings; carry the absorbed member's lifetime figure over.
    }
    d.c.query("UPDATE members SET lifetime_earned = lifetime_earned + ? WHERE id=?",
              a.lifetime_earned, survivor_id)
        .run();
    d.c.query(
           "UPDATE members SET status=?, merged_into=?, phone=NULL, card=NULL, updated_at=? "
           "WHERE id=?",
           static_cast<std::int64_t>(MemberStatus::Merged), survivor_id, tnow, absorbed_id)
        .run();
    if (s.phone.empty() && !a.phone.empty())
        d.c.query("UPDATE members SET phone=? WHERE id=?", a.phone, survivor_id).run();
    if (s.card.empty() && !a.card.empty())
        d.c.query("UPDATE members SET card=? WHERE id=?", a.card, survivor_id).run();
    std::vector<std::string> tags = s.tags;
    tags.insert(tags.end(), a.tags.begin(), a.tags.end());
    std::sort(tags.begin(), tags.end());
    tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
    d.write_tags(survivor_id, tags);
    d.c.query(
           "INSERT INTO merges(survivor_id, absorbed_id, points_moved, created_at) VALUES "
           "(?,?,?,?)",
           survivor_id, absorbed_id, moved, tnow)
        .run();
    d.maybe_upgrade(survivor_id, 0);  // the survivor's score now includes the absorbed history
    t.commit();
    return d.load_member(survivor_id);
}

std::vector<Member> Database::list(const MemberQuery& query) {
    text::check_field("name prefix", query.name_prefix, kMaxName);
    text::check_field("phone prefix", query.phone_prefix, kMaxShort);
    text::check_field("tag", query.tag, kMaxShort);
    if (query.limit < 0 || query.limit > 1000)
        throw Error(Status::InvalidArgument, "page size must be 1 to 1000");
    int limit = query.limit == 0 ? 100 : query.limit;
    auto like = [](const std::string& s) {
        std::string out;
        for (char ch : s) {
            if (ch == '%' || ch == '_' || ch == '\\') out.push_back('\\');
            out.push_back(ch);
        }
        return out + "%";
    };
    std::string name = query.name_prefix.empty() ? "" : like(text::ascii_lower(query.name_prefix));
    std::string phone;
    if (!query.phone_prefix.empty())
        phone = like(text::phone_search_prefix(query.phone_prefix, impl_->opt.default_country));
    static const std::string sql = std::string(Impl::kMemberCols) +
                                   "WHERE m.id > ?1 AND (?2 = 1 OR m.status = 0) "
                                   "AND (?3 = '' OR m.name_key LIKE ?3 ESCAPE '\\') "
                                   "AND (?4 = '' OR m.phone LIKE ?4 ESCAPE '\\') "
                                   "AND (?5 = '' OR EXISTS (SELECT 1 FROM member_tags t WHERE "
                                   "t.member_id = m.id AND t.tag = ?5)) "
                                   "ORDER BY m.id LIMIT ?6";
    std::lock_guard<std::mutex> lock(impl_->mu);
    Transaction t(impl_->c, false);
    std::vector<Member> out;
    {
        auto q = impl_->c.query(sql.c_str(), query.after_id, query.include_inactive ? 1 : 0, name,
                                phone, query.tag, limit);
        while (q.next())
            out.push_back(impl_->read_member(q));
    }
    for (auto& m : out)
        impl_->complete_member(m);
    return out;
}

std::int64_t Database::load_program(const std::string& json_text) {
    Program p = parse_program(json_text);
    std::string canonical = program_to_json(p);
    std::lock_guard<std::mutex> lock(impl_->mu);
    Transaction t(impl_->c, true);
    impl_->exponent(p.currency);  // the programme's currency must be configured
    {
        auto q = impl_->c.query("SELECT version, body FROM programs ORDER BY version DESC LIMIT 1");
        if (q.next() && q.text(1) == canonical) return q.i64(0);
    }
    impl_->c.query("INSERT INTO programs(body, created_at) VALUES (?, ?)", canonical, impl_->now())
        .run();
    std::int64_t v = impl_->c.last_id();
    t.commit();
    return v;
}

std::int64_t Database::active_program_version() {
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto q = impl_->c.query("SELECT COALESCE(MAX(version), 0) FROM programs");
    q.next();
    return q.i64(0);
}

std::string Database::export_program(std::int64_t version) {
    if (version < 0) throw Error(Status::InvalidArgument, "version cannot be negative");
    std::lock_guard<std::mutex> lock(impl_->mu);
    if (version == 0) {
        auto q = impl_->c.query("SELECT body FROM programs ORDER BY version DESC LIMIT 1");
        if (q.next()) return q.text(0);
        Program empty;
        empty.currency = impl_->opt.default_currency;
        return program_to_json(empty);
    }
    auto q = impl_->c.query("SELECT body FROM programs WHERE version=?", version);
    if (!q.next()) throw Error(Status::NotFound, "no programme version " + std::to_string(version));
    return q.text(0);
}

Quote Database::quote(const Basket& basket) {
    std::lock_guard<std::mutex> lock(impl_->mu);
    return impl_->quote(basket);
}

Receipt Database::commit(const Basket& basket, const std::string& key) {
    check_key(key);
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->check_basket(basket);
    return impl_->idempotent(
        key, "sale", impl_->basket_request(basket), [&] { return impl_->do_commit(basket); },
        [&](const Impl::Outcome& o) {
            Receipt r = impl_->sale_receipt(o.id);
            r.replayed = o.replayed;
            return r;
        });
}

Receipt Database::refund(std::int64_t sale_id, const std::vector<RefundLine>& lines,
                         const std::string& key) {
    check_key(key);
    if (lines.size() > 10000) throw Error(Status::TooLong, "a refund holds at most 10,000 lines");
    std::string req;
    for (const auto& l : lines)
        storage::put_fields(req, "line", static_cast<std::int64_t>(l.line_no), "qty",
                            l.quantity_milli);
    std::lock_guard<std::mutex> lock(impl_->mu);
    return impl_->idempotent(
        key, "refund:" + std::to_string(sale_id), req,
        [&] { return impl_->do_refund(sale_id, lines, false); },
        [&](const Impl::Outcome& o) {
            Receipt r = impl_->refund_receipt(o.id);
            r.replayed = o.replayed;
            return r;
        });
}

Receipt Database::void_sale(std::int64_t sale_id, const std::string& key) {
    check_key(key);
    std::lock_guard<std::mutex> lock(impl_->mu);
    return impl_->idempotent(
        key, "void:" + std::to_string(sale_id), "",
        [&] { return impl_->do_refund(sale_id, {}, true); },
        [&](const Impl::Outcome& o) {
            Receipt r = impl_->refund_receipt(o.id);
            r.replayed = o.replayed;
            return r;
        });
}

std::int64_t Database::sale_by_key(const std::string& key) {
    check_key(key);
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto r = impl_->find_request(key);
    if (!r || r->op != "sale" || r->status != Status::Ok)
        throw Error(Status::NotFound, "no sale committed with key '" + key + "'");
    return r->result_id;
}

std::int64_t Database::record_event(std::int64_t member_id, const std::string& action,
                                    const std::string& key) {
    check_key(key);
    text::check_field("action", action, kMaxShort);
    if (action.empty()) throw Error(Status::InvalidArgument, "action is empty");
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    const std::string req = canonical("member", member_id, "action", action);
    auto out = d.idempotent(key, "event", req, [&] {
        const Program& p = d.active_program();
        auto rule = std::find_if(p.events.begin(), p.events.end(),
                                 [&](const EventRule& e) { return e.action == action; });
        if (rule == p.events.end())
            throw Error(Status::NotFound,
                        "the programme gives no points for action '" + action + "'");
        std::int64_t member = d.owner_of(member_id);
        d.require_active(member);
        std::int64_t t = d.now();
        if (rule->cap > 0) {
            Window w = window_of(rule->period, t, p.utc_offset_minutes, p.week_start);
            auto q = d.c.query(
                "SELECT COUNT(*) FROM ledger WHERE member_id=? AND kind=? AND kind IN (7, 8) AND "
                "reason=? AND created_at >= ? AND created_at < ?",
                member, static_cast<std::int64_t>(EntryKind::Event), action, w.start_ms, w.end_ms);
            q.next();
            if (q.i64(0) >= rule->cap)
                throw Error(Status::CapReached, "'" + action + "' already earned points " +
                                                    std::to_string(rule->cap) + " time(s) this " +
                                                    period_name(rule->period));
        }
        Impl::EntryContext ctx;
        ctx.reason = action;
        std::int64_t entry =
            d.credit(EntryKind::Event, member, rule->points, ctx, t, d.expiry_for(t));
        d.maybe_upgrade(member, 0);
        return std::pair<std::int64_t, std::int64_t>(entry, rule->points);
    });
    return out.value;
}

std::int64_t Database::adjust(std::int64_t member_id, std::int64_t points,
                              const std::string& reason, const std::string& operator_id,
                              const std::string& key) {
    check_key(key);
    text::check_field("reason", reason, kMaxText);
    text::check_field("operator", operator_id, kMaxShort);
    if (reason.empty()) throw Error(Status::InvalidArgument, "an adjustment needs a reason");
    if (operator_id.empty())
        throw Error(Status::InvalidArgument, "an adjustment needs an operator");
    if (points == 0) throw Error(Status::InvalidAmount, "an adjustment of 0 points does nothing");
    if (points == INT64_MIN) throw Error(Status::Overflow, "adjustment too large");
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    const std::string req =
        canonical("member", member_id, "points", points, "reason", reason, "operator", operator_id);
    auto out = d.idempotent(key, "adjust", req, [&] {
        d.active_program();
        std::int64_t member = d.owner_of(member_id);
        d.require_active(member);
        Impl::EntryContext ctx;
        ctx.reason = reason;
        ctx.operator_id = operator_id;
        std::int64_t t = d.now();
        checked_add(d.balance_of(member), points);
        std::int64_t entry =
            points > 0 ? d.credit(EntryKind::Adjust, member, points, ctx, t, d.expiry_for(t))
                       : d.debit_spend(EntryKind::Adjust, member, -points, ctx);
        return std::pair<std::int64_t, std::int64_t>(entry, d.balance_of(member));
    });
    return out.value;
}

TierStatus Database::tier_status(std::int64_t member_id) {
    std::lock_guard<std::mutex> lock(impl_->mu);
    Transaction t(impl_->c, false);
    return impl_->tier_status(member_id);
}

ReviewResult Database::review_tiers(std::int64_t now_ms, const Progress& progress) {
    if (now_ms < 0) throw Error(Status::InvalidArgument, "time cannot be negative");
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    // The review runs "as of" now_ms: the handle's clock is set for its duration.
    const std::int64_t saved = d.fixed_clock.load();
    if (now_ms != 0) d.fixed_clock.store(now_ms);
    struct RestoreClock {
        Impl& d;
        std::int64_t saved;
        ~RestoreClock() { d.fixed_clock.store(saved); }
    } restore{d, saved};
    const std::int64_t at = d.now();
    ReviewResult r;
    std::int64_t members = 0;
    if (progress) {
        Transaction t(d.c, false);
        members = scalar(d.c.query("SELECT COUNT(*) FROM members WHERE status = 0"));
    }
    // In batches of members, so a large review does not hold the write lock for long.
    for (std::int64_t after = 0;;) {
        Transaction t(d.c, true);
        const Program& p = d.active_program();
        if (!p.tiers.enabled()) break;
        std::vector<std::int64_t> ids;
        {
            auto q = d.c.query(
                "SELECT id FROM members WHERE id > ? AND status = 0 ORDER BY id LIMIT 500", after);
            while (q.next())
                ids.push_back(q.i64(0));
        }
        if (ids.empty()) break;
        for (auto id : ids) {
            int change = d.review_member(id, at);
            ++r.reviewed;
            if (change == 1) ++r.upgraded;
            if (change == -1) ++r.downgraded;
            if (change == 2) ++r.at_risk;
        }
        after = ids.back();
        t.commit();
        if (progress) progress(r.reviewed, std::max(members, r.reviewed));
    }
    return r;
}

void Database::cancel_plan(std::int64_t member_id, const std::string& key) {
    check_key(key);
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    const std::string req = canonical("member", member_id);
    d.idempotent(key, "cancel_plan", req, [&] {
        const Program& p = d.active_program();
        std::int64_t member = d.owner_of(member_id);
        if (d.active_plan(member, p).id.empty())
            throw Error(Status::NotFound,
                        "member " + std::to_string(member_id) + " has no active plan");
        const std::int64_t t = d.now();
        d.c.query(
               "UPDATE subscriptions SET cancelled_at=? WHERE member_id=? AND cancelled_at=0 AND "
               "ends_at > ?",
               t, member, t)
            .run();
        return std::pair<std::int64_t, std::int64_t>(member, 0);
    });
}

// ---- coupons, wallet, rewards, partners, draws ---------------------------------------------

std::string Database::issue_coupon(const std::string& campaign_id, std::int64_t member_id,
                                   const std::string& key) {
    check_key(key);
    text::check_field("campaign", campaign_id, kMaxShort);
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    const std::string req = canonical("campaign", campaign_id, "member", member_id);
    return d.idempotent(
        key, "issue_coupon", req,
        [&] {
            const Campaign& camp = d.campaign_of(d.active_program(), campaign_id);
            std::int64_t member = 0;
            if (member_id != 0) {
                member = d.owner_of(member_id);
                d.require_active(member);
            }
            d.new_coupon(camp, member, 0, 0);
            return std::pair<std::int64_t, std::int64_t>(d.c.last_id(), 0);
        },
        [&](const Impl::Outcome& out) {
            auto q = d.c.query("SELECT code FROM coupons WHERE id=?", out.id);
            q.next();
            return coupon::display(q.text(0));
        });
}

std::int64_t Database::create_coupon_batch(const std::string& campaign_id, std::int64_t count,
                                           const std::string& key) {
    check_key(key);
    text::check_field("campaign", campaign_id, kMaxShort);
    if (count < 1 || count > 1000000)
        throw Error(Status::InvalidAmount, "a batch holds 1 to 1,000,000 codes");
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    const std::string req = canonical("campaign", campaign_id, "count", count);
    auto out = d.idempotent(key, "coupon_batch", req, [&] {
        const Campaign& camp = d.campaign_of(d.active_program(), campaign_id);
        d.c.query(
               "INSERT INTO coupon_batches(origin, campaign_id, count, created_at) VALUES "
               "(?,?,?,?)",
               d.origin_id, camp.id, count, d.now())
            .run();
        std::int64_t batch = d.c.last_id();
        for (std::int64_t i = 0; i < count; ++i)
            d.new_coupon(camp, 0, batch, 0);
        return std::pair<std::int64_t, std::int64_t>(batch, 0);
    });
    return out.id;
}

std::vector<std::string> Database::coupon_batch_codes(std::int64_t batch_id) {
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    Transaction t(d.c, false);
    if (scalar(d.c.query("SELECT COUNT(*) FROM coupon_batches WHERE id=?", batch_id)) == 0)
        throw Error(Status::NotFound, "no coupon batch " + std::to_string(batch_id));
    std::vector<std::string> out;
    auto q = d.c.query("SELECT code FROM coupons WHERE batch_id=? ORDER BY id", batch_id);
    while (q.next())
        out.push_back(coupon::display(q.text(0)));
    return out;
}

CouponInfo Database::coupon(const std::string& code) {
    text::check_field("coupon code", code, 40);
    const std::string norm = coupon::normalize(code);
    if (!coupon::well_formed(norm))
        throw Error(Status::CouponInvalid, "'" + code + "' is not a valid code: check for a typo");
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    Transaction t(d.c, false);
    auto q = d.c.query(
        "SELECT campaign_id, COALESCE(member_id, 0), COALESCE(batch_id, 0), max_uses, "
        "valid_until, COALESCE(issued_sale_id, 0), revoked_at, id FROM coupons WHERE code=?",
        norm);
    if (!q.next()) throw Error(Status::NotFound, "no coupon with code " + coupon::display(norm));
    CouponInfo info;
    info.code = norm;
    info.campaign_id = q.text(0);
    info.member_id = q.i64(1);
    info.batch_id = q.i64(2);
    info.max_uses = q.i64(3);
    info.valid_until = q.i64(4);
    info.issued_sale_id = q.i64(5);
    info.revoked = q.i64(6) != 0;
    info.uses = d.code_uses(q.i64(7), norm);
    return info;
}

void Database::revoke_coupon(const std::string& code, const std::string& key) {
    check_key(key);
    text::check_field("coupon code", code, 40);
    const std::string norm = coupon::normalize(code);
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    d.idempotent(key, "revoke_coupon", norm, [&] {
        d.c.query("UPDATE coupons SET revoked_at=? WHERE code=? AND revoked_at=0", d.now(), norm)
            .run();
        if (d.c.changes() == 0)
            throw Error(Status::NotFound, "no active coupon with code " + coupon::display(norm));
        return std::pair<std::int64_t, std::int64_t>(0, 0);
    });
}

std::int64_t Database::wallet_credit(std::int64_t member_id, std::int64_t amount,
                                     const std::string& reason, const std::string& operator_id,
                                     const std::string& key) {
    check_key(key);
    text::check_field("reason", reason, kMaxText);
    text::check_field("operator", operator_id, kMaxShort);
    if (reason.empty()) throw Error(Status::InvalidArgument, "a wallet credit needs a reason");
    if (operator_id.empty())
        throw Error(Status::InvalidArgument, "a wallet credit needs an operator");
    if (amount <= 0) throw Error(Status::InvalidAmount, "a wallet credit must be greater than 0");
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    const std::string req =
        canonical("member", member_id, "amount", amount, "reason", reason, "operator", operator_id);
    auto out = d.idempotent(key, "wallet_credit", req, [&] {
        d.active_program();
        std::int64_t member = d.owner_of(member_id);
        d.require_active(member);
        checked_add(d.wallet_balance(member).balance, amount);
        Impl::EntryContext ctx;
        ctx.reason = reason;
        ctx.operator_id = operator_id;
        std::int64_t e = d.wallet_add(member, Impl::kCredit, amount, ctx, d.now());
        return std::pair<std::int64_t, std::int64_t>(e, d.wallet_balance(member).balance);
    });
    return out.value;
}

WalletBalance Database::wallet(std::int64_t member_id) {
    std::lock_guard<std::mutex> lock(impl_->mu);
    Transaction t(impl_->c, false);
    impl_->load_member(member_id);
    return impl_->wallet_balance(member_id);
}

RewardRedemption Database::redeem_reward(std::int64_t member_id, const std::string& reward_id,
                                         std::int64_t quantity, const std::string& key) {
    check_key(key);
    text::check_field("reward", reward_id, kMaxShort);
    if (quantity < 1 || quantity > 1000)
        throw Error(Status::InvalidAmount, "quantity must be 1 to 1,000");
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    const std::string req =
        canonical("member", member_id, "reward", reward_id, "quantity", quantity);
    return d.idempotent(
        key, "reward", req,
        [&] {
            const Program& p = d.active_program();
            const Reward* w = p.reward(reward_id);
            if (!w)
                throw Error(Status::NotFound, "the programme has no reward '" + reward_id + "'");
            if (w->type == Reward::Type::Coupon && quantity != 1)
                throw Error(Status::InvalidAmount, "a coupon reward is redeemed one at a time");
            std::int64_t member = d.owner_of(member_id);
            d.require_active(member);
            if (w->stock > 0) {
                std::int64_t taken = scalar(
                    d.c.query("SELECT COALESCE(SUM(quantity), 0) FROM reward_redemptions WHERE "
                              "reward_id=? AND refunded_at=0",
                              w->id));
                if (taken + quantity > w->stock)
                    throw Error(Status::OutOfStock,
                                "'" + w->name + "': " + std::to_string(w->stock - taken) + " left");
            }
            if (w->per_member > 0) {
                std::int64_t mine = scalar(
                    d.c.query("SELECT COALESCE(SUM(quantity), 0) FROM reward_redemptions WHERE "
                              "reward_id=? AND member_id=? "
                              "AND refunded_at=0",
                              w->id, member));
                if (mine + quantity > w->per_member)
                    throw Error(Status::CapReached, "'" + w->name + "' is limited to " +
                                                        std::to_string(w->per_member) +
                                                        " per member");
            }
            const std::int64_t points = checked_mul(w->points, quantity);
            Impl::EntryContext ctx;
            ctx.reason = "reward:" + w->id;
            std::int64_t entry = d.debit_spend(EntryKind::Redeem, member, points, ctx);
            std::int64_t coupon_id = 0, wallet_entry = 0;
            if (w->type == Reward::Type::Coupon) {
                d.new_coupon(d.campaign_of(p, w->campaign), member, 0, 0);
                coupon_id = d.c.last_id();
            } else if (w->type == Reward::Type::Wallet) {
                wallet_entry = d.wallet_add(member, Impl::kRewardCredit,
                                            checked_mul(w->amount, quantity), ctx, d.now());
            }
            d.c.query(
                   "INSERT INTO reward_redemptions(origin, member_id, reward_id, quantity, points, "
                   "entry_id, "
                   "coupon_id, wallet_entry_id, cause, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                   d.origin_id, member, w->id, quantity, points, entry, NullIfZero{coupon_id},
                   NullIfZero{wallet_entry},
                   NullIfEmpty{w->type == Reward::Type::Donation ? w->cause : ""}, d.now())
                .run();
            return std::pair<std::int64_t, std::int64_t>(d.c.last_id(), 0);
        },
        [&](const Impl::Outcome& out) {
            auto q = d.c.query(
                "SELECT r.reward_id, r.quantity, r.points, COALESCE(c.code, ''), "
                "COALESCE(w.amount, 0), "
                "COALESCE(r.cause, '') FROM reward_redemptions r LEFT JOIN coupons c ON c.id = "
                "r.coupon_id "
                "LEFT JOIN wallet_entries w ON w.id = r.wallet_entry_id WHERE r.id=?",
                out.id);
            q.next();
            RewardRedemption r;
            r.id = out.id;
            r.reward_id = q.text(0);
            r.quantity = q.i64(1);
            r.points = q.i64(2);
            r.coupon_code = q.text(3).empty() ? "" : coupon::display(q.text(3));
            r.wallet_credit = q.i64(4);
            r.cause = q.text(5);
            r.replayed = out.replayed;
            return r;
        });
}

void Database::refund_reward(std::int64_t redemption_id, const std::string& key) {
    check_key(key);
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    const std::string req = canonical("redemption", redemption_id);
    d.idempotent(key, "reward_refund", req, [&] {
        d.active_program();
        auto q = d.c.query(
            "SELECT member_id, points, entry_id, COALESCE(coupon_id, 0), COALESCE(wallet_entry_id, "
            "0), "
            "refunded_at FROM reward_redemptions WHERE id=?",
            redemption_id);
        if (!q.next())
            throw Error(Status::NotFound, "no reward redemption " + std::to_string(redemption_id));
        const std::int64_t member = d.owner_of(q.i64(0)), points = q.i64(1), entry = q.i64(2),
                           coupon_id = q.i64(3), wallet_entry = q.i64(4);
        if (q.i64(5) != 0) throw Error(Status::InvalidState, "the reward was refunded already");
        const std::int64_t t = d.now();
        if (coupon_id) {
            if (scalar(d.c.query(
                    "SELECT COUNT(*) FROM coupon_uses WHERE coupon_id=? AND restored_at=0",
                    coupon_id)) > 0)
                throw Error(Status::InvalidState, "the reward's coupon has been used");
            d.c.query("UPDATE coupons SET revoked_at=? WHERE id=? AND revoked_at=0", t, coupon_id)
                .run();
        }
        Impl::EntryContext ctx;
        ctx.reason = "reward refunded";
        if (wallet_entry) {
            const std::int64_t amount =
                scalar(d.c.query("SELECT amount FROM wallet_entries WHERE id=?", wallet_entry));
            if (d.wallet_balance(member).available < amount)
                throw Error(Status::InsufficientFunds,
                            "the wallet credit of this reward has been spent");
            ctx.corrects = wallet_entry;
            d.wallet_add(member, Impl::kRewardBack, -amount, ctx, t);
        }
        ctx.corrects = entry;
        d.restore_spent(member, points, ctx);
        d.c.query("UPDATE reward_redemptions SET refunded_at=? WHERE id=?", t, redemption_id).run();
        return std::pair<std::int64_t, std::int64_t>(redemption_id, 0);
    });
}

namespace {

Table::Cell cell(std::string s) {
    return Table::Cell{std::move(s), 0, false};
}
Table::Cell cell(std::int64_t v) {
    return Table::Cell{std::to_string(v), v, true};
}

void check_period(std::int64_t from_ms, std::int64_t to_ms) {
    if (from_ms < 0 || to_ms < 0 || (to_ms != 0 && to_ms < from_ms))
        throw Error(Status::InvalidArgument, "the period must run forwards (0 = open end)");
}

}  // namespace

Table Database::reward_report(std::int64_t from_ms, std::int64_t to_ms) {
    check_period(from_ms, to_ms);
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    Transaction t(d.c, false);
    const Program& p = d.active_program();
    Table out;
    out.columns = {"reward", "name", "type", "cause", "redemptions", "quantity", "points"};
    auto q = d.c.query(
        "SELECT reward_id, COALESCE(cause, ''), COUNT(*), SUM(quantity), SUM(points) "
        "FROM reward_redemptions WHERE refunded_at=0 AND created_at >= ?1 AND (?2 = 0 OR "
        "created_at < ?2) GROUP BY reward_id, cause ORDER BY SUM(points) DESC, reward_id",
        from_ms, to_ms);
    static constexpr const char* kTypes[] = {"product", "coupon", "wallet", "donation"};
    while (q.next()) {
        const Reward* w = p.reward(q.text(0));
        out.rows.push_back({cell(q.text(0)), cell(w ? w->name : q.text(0)),
                            cell(w ? kTypes[static_cast<int>(w->type)] : "unknown"),
                            cell(q.text(1)), cell(q.i64(2)), cell(q.i64(3)), cell(q.i64(4))});
    }
    return out;
}

void Database::record_partner_redemption(const std::string& partner_id, const std::string& code,
                                         std::int64_t amount, const std::string& key) {
    check_key(key);
    text::check_field("partner", partner_id, kMaxShort);
    text::check_field("coupon code", code, 40);
    if (amount < 0) throw Error(Status::InvalidAmount, "an amount cannot be negative");
    const std::string norm = coupon::normalize(code);
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    const std::string req = canonical("partner", partner_id, "code", norm, "amount", amount);
    d.idempotent(key, "partner_redemption", req, [&] {
        const Program& p = d.active_program();
        bool known = false;
        for (const auto& pa : p.partners)
            known = known || pa.id == partner_id;
        if (!known)
            throw Error(Status::NotFound, "the programme has no partner '" + partner_id + "'");
        std::string campaign;
        for (const auto& cp : p.campaigns)
            if (!cp.code.empty() && cp.code == norm) campaign = cp.id;
        if (campaign.empty()) {
            if (!coupon::well_formed(norm))
                throw Error(Status::CouponInvalid,
                            "'" + code + "' is not a valid code: check for a typo");
            auto q = d.c.query(
                "SELECT id, campaign_id, max_uses, revoked_at FROM coupons WHERE code=?", norm);
            if (!q.next())
                throw Error(Status::CouponInvalid, "no coupon with code " + coupon::display(norm));
            if (q.i64(3) != 0) throw Error(Status::CouponRejected, "the coupon was withdrawn");
            const std::int64_t used = d.code_uses(q.i64(0), norm);
            if (used >= q.i64(2)) throw Error(Status::CouponRejected, "the coupon has been used");
            campaign = q.text(1);
        }
        d.c.query(
               "INSERT INTO partner_redemptions(partner_id, campaign_id, code, amount, created_at) "
               "VALUES (?,?,?,?,?)",
               partner_id, campaign, norm, amount, d.now())
            .run();
        return std::pair<std::int64_t, std::int64_t>(d.c.last_id(), 0);
    });
}

Table Database::partner_settlement(const std::string& partner_id, std::int64_t from_ms,
                                   std::int64_t to_ms) {
    check_period(from_ms, to_ms);
    text::check_field("partner", partner_id, kMaxShort);
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    Transaction t(d.c, false);
    Table out;
    out.columns = {"partner",  "direction",     "campaign", "uses",
                   "discount", "partner_funds", "we_fund"};
    // Their coupons (or shared campaigns) redeemed at our tills: the partner funds its share.
    auto here = d.c.query(
        "SELECT partner_id, campaign_id, COUNT(*), SUM(discount), SUM(partner_funded) FROM "
        "coupon_uses "
        "WHERE partner_id IS NOT NULL AND restored_at=0 AND (?1 = '' OR partner_id = ?1) AND "
        "created_at >= ?2 "
        "AND (?3 = 0 OR created_at < ?3) GROUP BY partner_id, campaign_id ORDER BY partner_id, "
        "campaign_id",
        partner_id, from_ms, to_ms);
    while (here.next())
        out.rows.push_back({cell(here.text(0)), cell("redeemed here"), cell(here.text(1)),
                            cell(here.i64(2)), cell(here.i64(3)), cell(here.i64(4)),
                            cell(here.i64(3) - here.i64(4))});
    // Our coupons redeemed at the partner: we fund them.
    auto there = d.c.query(
        "SELECT partner_id, campaign_id, COUNT(*), SUM(amount) FROM partner_redemptions WHERE (?1 "
        "= '' OR "
        "partner_id = ?1) AND created_at >= ?2 AND (?3 = 0 OR created_at < ?3) GROUP BY "
        "partner_id, campaign_id "
        "ORDER BY partner_id, campaign_id",
        partner_id, from_ms, to_ms);
    while (there.next())
        out.rows.push_back({cell(there.text(0)), cell("redeemed at partner"), cell(there.text(1)),
                            cell(there.i64(2)), cell(there.i64(3)), cell(std::int64_t{0}),
                            cell(there.i64(3))});
    return out;
}

namespace {

// SplitMix64: a small, well-known generator, so anyone can recompute a draw from its seed.
struct SplitMix64 {
    std::uint64_t state;
    std::uint64_t next() {
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    // Uniform in [0, n) by rejection (no modulo bias).
    std::uint64_t below(std::uint64_t n) {
        const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
        for (;;) {
            std::uint64_t x = next();
            if (x < limit) return x % n;
        }
    }
};

}  // namespace

// The entry list: entries earned by purchases in the draw period plus entries bought with
// points, per member, in member id order. Tickets are numbered 1..N along that order.
Table draw_entry_list(Database::Impl& d, const Draw& dr) {
    Table out;
    out.columns = {"member",         "purchases", "purchase_entries",
                   "bought_entries", "entries",   "first_ticket"};
    auto q = d.c.query(
        "WITH s AS (SELECT member_id, COUNT(*) AS n, SUM(CASE WHEN ?3 > 0 THEN total / ?3 ELSE 0 "
        "END) AS "
        "by_amount FROM sales WHERE member_id IS NOT NULL AND status IN (0, 1) AND created_at >= "
        "?1 AND "
        "created_at < ?2 GROUP BY member_id), "
        "b AS (SELECT member_id, SUM(entries) AS e FROM draw_tickets WHERE draw_id = ?4 GROUP BY "
        "member_id) "
        "SELECT m.id, COALESCE(s.n, 0), COALESCE(s.n, 0) * ?5 + COALESCE(s.by_amount, 0), "
        "COALESCE(b.e, 0) "
        "FROM members m LEFT JOIN s ON s.member_id = m.id LEFT JOIN b ON b.member_id = m.id "
        "WHERE (s.member_id IS NOT NULL OR b.member_id IS NOT NULL) ORDER BY m.id",
        dr.from_ms, dr.to_ms, dr.per_amount, dr.id, dr.per_purchase);
    std::int64_t ticket = 1;
    while (q.next()) {
        std::int64_t entries = q.i64(2) + q.i64(3);
        if (entries <= 0) continue;
        out.rows.push_back({cell(q.i64(0)), cell(q.i64(1)), cell(q.i64(2)), cell(q.i64(3)),
                            cell(entries), cell(ticket)});
        ticket += entries;
    }
    return out;
}

std::int64_t Database::draw_enter(const std::string& draw_id, std::int64_t member_id,
                                  std::int64_t entries, const std::string& key) {
    check_key(key);
    text::check_field("draw", draw_id, kMaxShort);
    if (entries < 1 || entries > 100000)
        throw Error(Status::InvalidAmount, "entries must be 1 to 100,000");
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    const std::string req = canonical("draw", draw_id, "member", member_id, "entries", entries);
    auto out = d.idempotent(key, "draw_enter", req, [&] {
        const Program& p = d.active_program();
        const Draw* dr = p.draw(draw_id);
        if (!dr) throw Error(Status::NotFound, "the programme has no draw '" + draw_id + "'");
        if (dr->points_per_entry == 0)
            throw Error(Status::InvalidState,
                        "entries in '" + dr->name + "' cannot be bought with points");
        const std::int64_t t = d.now();
        if (t < dr->from_ms || t >= dr->to_ms)
            throw Error(Status::InvalidState, "the draw is not open now");
        std::int64_t member = d.owner_of(member_id);
        d.require_active(member);
        const std::int64_t points = checked_mul(dr->points_per_entry, entries);
        Impl::EntryContext ctx;
        ctx.reason = "draw:" + dr->id;
        std::int64_t entry = d.debit_spend(EntryKind::Redeem, member, points, ctx);
        d.c.query(
               "INSERT INTO draw_tickets(draw_id, member_id, entries, entry_id, created_at) VALUES "
               "(?,?,?,?,?)",
               dr->id, member, entries, entry, t)
            .run();
        return std::pair<std::int64_t, std::int64_t>(entry, points);
    });
    return out.value;
}

Table Database::draw_entries(const std::string& draw_id) {
    text::check_field("draw", draw_id, kMaxShort);
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    Transaction t(d.c, false);
    const Draw* dr = d.active_program().draw(draw_id);
    if (!dr) throw Error(Status::NotFound, "the programme has no draw '" + draw_id + "'");
    return draw_entry_list(d, *dr);
}

Table Database::draw_run(const std::string& draw_id, const std::string& seed, std::int64_t winners,
                         const std::string& key) {
    check_key(key);
    text::check_field("draw", draw_id, kMaxShort);
    text::check_field("seed", seed, kMaxText);
    if (seed.empty()) throw Error(Status::InvalidArgument, "a draw needs a published seed");
    if (winners < 1 || winners > 10000)
        throw Error(Status::InvalidAmount, "winners must be 1 to 10,000");
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    const std::string req = canonical("draw", draw_id, "seed", seed, "winners", winners);
    return d.idempotent(
        key, "draw_run", req,
        [&] {
            const Program& p = d.active_program();
            const Draw* dr = p.draw(draw_id);
            if (!dr) throw Error(Status::NotFound, "the programme has no draw '" + draw_id + "'");
            if (d.now() < dr->to_ms)
                throw Error(Status::InvalidState, "the draw's entries are still open");
            if (scalar(d.c.query("SELECT COUNT(*) FROM draw_results WHERE draw_id=?", dr->id)) > 0)
                throw Error(Status::InvalidState,
                            "the draw '" + dr->name + "' has been run already");
            Table entries = draw_entry_list(d, *dr);
            std::int64_t total = 0;
            for (const auto& row : entries.rows)
                total += row[4].number;
            if (total == 0) throw Error(Status::InvalidState, "the draw has no entries");
            SplitMix64 rng{text::fnv1a64(seed)};
            std::vector<std::int64_t> won;
            for (std::int64_t rank = 1;
                 rank <= winners && static_cast<std::size_t>(won.size()) < entries.rows.size();) {
                const std::int64_t ticket =
                    static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(total))) + 1;
                // The row whose ticket range holds this ticket.
                std::size_t k = 0;
                while (k + 1 < entries.rows.size() && entries.rows[k + 1][5].number <= ticket)
                    ++k;
                const std::int64_t member = entries.rows[k][0].number;
                if (std::find(won.begin(), won.end(), member) != won.end())
                    continue;  // one prize each
                won.push_back(member);
                d.c.query(
                       "INSERT INTO draw_winners(draw_id, rank, member_id, ticket) VALUES "
                       "(?,?,?,?)",
                       dr->id, rank, member, ticket)
                    .run();
                ++rank;
            }
            d.c.query(
                   "INSERT INTO draw_results(draw_id, seed, total_entries, created_at) VALUES "
                   "(?,?,?,?)",
                   dr->id, seed, total, d.now())
                .run();
            return std::pair<std::int64_t, std::int64_t>(0, 0);
        },
        [&](const Impl::Outcome&) {
            Table out;
            out.columns = {"rank", "member", "ticket", "seed", "total_entries"};
            auto q = d.c.query(
                "SELECT w.rank, w.member_id, w.ticket, r.seed, r.total_entries FROM draw_winners w "
                "JOIN "
                "draw_results r ON r.draw_id = w.draw_id WHERE w.draw_id=? ORDER BY w.rank",
                draw_id);
            while (q.next())
                out.rows.push_back({cell(q.i64(0)), cell(q.i64(1)), cell(q.i64(2)), cell(q.text(3)),
                                    cell(q.i64(4))});
            return out;
        });
}

ExpireResult Database::expire(std::int64_t now_ms, const Progress& progress) {
    if (now_ms < 0) throw Error(Status::InvalidArgument, "time cannot be negative");
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    std::int64_t at = now_ms == 0 ? d.now() : now_ms;
    ExpireResult total;
    std::int64_t due = 0;
    if (progress) {
        Transaction t(d.c, false);
        due = scalar(
            d.c.query("SELECT COUNT(*) FROM lots WHERE remaining > 0 AND expires_at <= ?", at));
    }
    // In batches, so a large sweep does not hold the write lock for long.
    for (;;) {
        Transaction t(d.c, true);
        d.active_program();
        struct Lot {
            std::int64_t id, member, remaining, entry;
        };
        std::vector<Lot> lots;
        {
            auto q = d.c.query(
                "SELECT id, member_id, remaining, entry_id FROM lots WHERE remaining > 0 "
                "AND expires_at <= ? ORDER BY expires_at, id LIMIT 500",
                at);
            while (q.next())
                lots.push_back({q.i64(0), q.i64(1), q.i64(2), q.i64(3)});
        }
        if (lots.empty()) break;
        for (const auto& l : lots) {
            Impl::EntryContext ctx;
            ctx.reason = "expired";
            ctx.corrects = l.entry;
            std::int64_t entry = d.add_entry(EntryKind::Expire, l.member, -l.remaining, ctx);
            d.apply(entry, {{l.id, l.remaining}});
            total.lots += 1;
            total.points += l.remaining;
        }
        t.commit();
        if (progress) progress(total.lots, std::max(due, total.lots));
    }
    return total;
}

std::pair<std::int64_t, std::int64_t> Database::expiring(std::int64_t member_id,
                                                         std::int64_t before_ms) {
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    Transaction t(d.c, false);
    d.load_member(member_id);
    auto q = d.c.query(
        "SELECT COALESCE(SUM(CASE WHEN expires_at < ?2 THEN remaining END), 0), "
        "MIN(expires_at) FROM lots WHERE member_id = ?1 AND remaining > 0 AND "
        "expires_at > ?3",
        member_id, before_ms, d.now());
    q.next();
    std::int64_t next = q.is_null(1) || q.i64(1) == kNever ? 0 : q.i64(1);
    return {q.i64(0), next};
}

std::vector<LedgerEntry> Database::history(std::int64_t member_id, int limit, int offset) {
    if (limit < 1 || limit > 1000) throw Error(Status::InvalidArgument, "limit must be 1 to 1000");
    if (offset < 0) throw Error(Status::InvalidArgument, "offset cannot be negative");
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    Transaction t(d.c, false);
    d.load_member(member_id);
    auto q = d.c.query(
        LOY_FAMILY
        "SELECT l.id, o.name, l.kind, l.member_id, l.points, l.sale_id, l.reason, l.branch, "
        "l.terminal, l.operator, l.created_at, (SELECT expires_at FROM lots WHERE entry_id = l.id "
        "ORDER BY expires_at DESC LIMIT 1), l.corrects, (SELECT o2.name FROM ledger c JOIN origins "
        "o2 ON o2.id = c.origin WHERE c.id = l.corrects) "
        "FROM ledger l JOIN origins o ON o.id = l.origin WHERE l.member_id IN fam "
        "ORDER BY l.created_at DESC, l.id DESC LIMIT ?2 OFFSET ?3",
        member_id, limit, offset);
    std::vector<LedgerEntry> out;
    while (q.next()) {
        LedgerEntry e;
        e.uid = d.uid(q.text(1), 'L', q.i64(0));
        e.kind = static_cast<EntryKind>(q.i64(2));
        e.member_id = q.i64(3);
        e.points = q.i64(4);
        e.sale_id = q.i64(5);
        e.reason = q.text(6);
        e.branch = q.text(7);
        e.terminal = q.text(8);
        e.operator_id = q.text(9);
        e.created_at = q.i64(10);
        e.expires_at = q.is_null(11) || q.i64(11) == kNever ? 0 : q.i64(11);
        if (!q.is_null(12)) e.corrects = d.uid(q.text(13), 'L', q.i64(12));
        out.push_back(std::move(e));
    }
    return out;
}

VerifyReport Database::verify() {
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    Transaction t(d.c, false);
    VerifyReport rep;
    auto add = [&](const std::string& s) {
        if (rep.problems.size() < 1000) rep.problems.push_back(s);
    };
    {
        auto q = d.c.query(
            "SELECT m.id, m.balance, COALESCE((SELECT SUM(points) FROM ledger l WHERE l.member_id "
            "= "
            "m.id), 0) AS s FROM members m WHERE m.balance <> s");
        while (q.next())
            add("member " + std::to_string(q.i64(0)) + ": balance " + std::to_string(q.i64(1)) +
                " but ledger sums to " + std::to_string(q.i64(2)));
    }
    {
        auto q = d.c.query(
            "SELECT l.id, l.remaining, l.points - COALESCE((SELECT SUM(points) FROM lot_moves m "
            "WHERE m.lot_id = l.id), 0) AS r FROM lots l WHERE l.remaining <> r OR l.remaining < 0 "
            "OR l.remaining > l.points");
        while (q.next())
            add("lot " + std::to_string(q.i64(0)) + ": remaining " + std::to_string(q.i64(1)) +
                " but its moves leave " + std::to_string(q.i64(2)));
    }
    {
        auto q = d.c.query(
            "SELECT m.id, m.balance, COALESCE((SELECT SUM(remaining) FROM lots l WHERE l.member_id "
            "= "
            "m.id), 0) AS r FROM members m WHERE r <> MAX(m.balance, 0)");
        while (q.next())
            add("member " + std::to_string(q.i64(0)) + ": balance " + std::to_string(q.i64(1)) +
                " but open lots hold " + std::to_string(q.i64(2)));
    }
    {
        // Every entry that consumed lots consumed exactly what it took (debt aside).
        auto q = d.c.query(
            "SELECT l.id, l.points, COALESCE((SELECT SUM(points) FROM lot_moves m WHERE m.entry_id "
            "= "
            "l.id), 0) AS s FROM ledger l WHERE l.points < 0 AND s > -l.points");
        while (q.next())
            add("entry " + std::to_string(q.i64(0)) + ": takes " + std::to_string(-q.i64(1)) +
                " points but consumed " + std::to_string(q.i64(2)) + " from lots");
    }
    {
        auto w = d.c.query(
            "SELECT m.id, m.wallet_balance, COALESCE((SELECT SUM(amount) FROM wallet_entries e "
            "WHERE "
            "e.member_id = m.id), 0) AS s FROM members m WHERE m.wallet_balance <> s");
        while (w.next())
            add("member " + std::to_string(w.i64(0)) + ": wallet " + std::to_string(w.i64(1)) +
                " but the wallet ledger sums to " + std::to_string(w.i64(2)));
    }
    {
        auto q = d.c.query(
            "SELECT key FROM requests WHERE status = 0 AND op = 'sale' AND result_id "
            "NOT IN (SELECT id FROM sales)");
        while (q.next())
            add("request '" + q.text(0) + "' points at a missing sale");
    }
    {
        auto q = d.c.query("PRAGMA integrity_check");
        while (q.next())
            if (q.text(0) != "ok") add("integrity: " + q.text(0));
    }
    return rep;
}

}  // namespace loyalty

namespace loyalty::storage {

void Access::run(Database& db, bool write, const std::function<bool(Session&)>& fn) {
    std::lock_guard<std::mutex> lock(db.impl_->mu);
    auto& d = *db.impl_;
    Transaction t(d.c, write);
    Session s{d.c, d.active_program(), d.now(), [&d](MemberFields& f) {
                  d.check_fields(f);
                  return d.do_enrol(f);
              }};
    if (fn(s) && write) t.commit();
}

}  // namespace loyalty::storage
