// Applying another origin's journal records to this file (docs/journal.md, "Applying another
// origin's records"): exactly once per (origin, seq), in each origin's order, a record that
// differs from the one held under its id refused as a fork. Each fact of a record becomes the
// same row here (with its origin and seq, references found by chain-wide id); the projections
// that follow from it — balances, lots and what remains of them, wallet, tier, campaign totals,
// a sale's status — are computed here as a local write computes them.
#include <nlohmann/json.hpp>

#include "storage/facts.hpp"
#include "storage/impl.hpp"
#include "storage/journal_keys.hpp"
#include "storage/sale_parts.hpp"
#include "storage/sales_time.hpp"

namespace loyalty {

using storage::fact_table_by_type;
using storage::FactTable;
using storage::journal_key;
using storage::kJournalSeqs;
using storage::record_hash;
using storage::reference_of;

namespace {

using nlohmann::json;

using storage::parse_uid;
using storage::Uid;

bool valid_origin_name(const std::string& name) {
    return !name.empty() && name.size() <= kMaxShort &&
           std::none_of(name.begin(), name.end(), [](char ch) {
               return ch == ':' || ch == '"' || ch == '\\' || static_cast<unsigned char>(ch) < 0x20;
           });
}

bool is_hex64(const std::string& s) {
    return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char ch) {
               return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
           });
}

// What one record's facts left to do once all of them are in: the sales and refunds whose
// receipt figures follow from the member's state after the record.
struct RecordState {
    std::string where;  // "record <origin>:J<seq>", for messages
    std::int64_t at = 0;
    std::vector<std::int64_t> sales, refunds;
    // The record's entries and coupon uses, whose sales' ranges it widens.
    std::vector<std::int64_t> entries, uses;
};

}  // namespace

// The origins row for a name seen in another file's records; made on first sight, with its till
// and generation read from the name (`till~generation-xxxxxx`).
std::int64_t Database::Impl::foreign_origin(const std::string& name) {
    if (const std::int64_t o = origin_by_name(name)) return o;
    if (!valid_origin_name(name))
        throw Error(Status::InvalidArgument, "'" + name + "' is not an origin name");
    const std::size_t tilde = name.find('~');
    std::string till = name.substr(0, tilde);
    std::int64_t gen = 1;
    if (tilde != std::string::npos) {
        const std::string g = name.substr(tilde + 1, name.find('-', tilde) - tilde - 1);
        if (g.empty() || g.size() > 9 ||
            !std::all_of(g.begin(), g.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
            throw Error(Status::InvalidArgument, "'" + name + "' is not an origin name");
        gen = std::stoll(g);
    }
    c.query("INSERT INTO origins(name, till, generation) VALUES (?, ?, ?)", name, till, gen).run();
    return c.last_id();
}

namespace {

// The columns of a fact table, read once per handle.
const std::vector<std::string>& columns_of(
    Connection& c, const FactTable& t,
    std::unordered_map<std::string, std::vector<std::string>>& memo) {
    auto it = memo.find(t.table);
    if (it != memo.end()) return it->second;
    std::vector<std::string> cols;
    auto q = c.query(c.intern(std::string("PRAGMA table_info(") + t.table + ")"));
    while (q.next())
        cols.push_back(q.text(1));
    return memo.emplace(t.table, std::move(cols)).first->second;
}

// A JSON value as a column value: an integer or a text; anything else is not a fact's field.
void bind_value(storage::Query& q, int i, const json& v, const std::string& where,
                const std::string& k) {
    if (v.is_number_integer() && (!v.is_number_unsigned() ||
                                  v.get<std::uint64_t>() <= static_cast<std::uint64_t>(INT64_MAX)))
        q.bind(i, v.get<std::int64_t>());
    else if (v.is_string())
        q.bind(i, v.get_ref<const std::string&>());
    else
        throw Error(Status::InvalidArgument,
                    where + ": field '" + k + "' is not an integer or text");
}

// Rows a fact owns (a sale's lines and tenders, a refund's lines) inserted under `owner`.
void insert_children(Connection& c, const json& rows, const char* table, const char* owner_col,
                     std::int64_t owner, const std::vector<std::string_view>& allowed,
                     const std::string& where) {
    if (!rows.is_array())
        throw Error(Status::InvalidArgument, where + ": '" + table + "' is not a list");
    for (const auto& r : rows) {
        if (!r.is_object())
            throw Error(Status::InvalidArgument,
                        where + ": a row of " + table + " is not an object");
        std::string sql = std::string("INSERT INTO ") + table + "(" + owner_col;
        std::string values = "?";
        std::vector<std::pair<std::string, const json*>> vals;
        for (const auto& [k, v] : r.items()) {
            if (std::find(allowed.begin(), allowed.end(), k) == allowed.end())
                throw Error(Status::InvalidArgument,
                            where + ": '" + k + "' is not a column of " + table);
            sql += "," + k;
            values += ",?";
            vals.emplace_back(k, &v);
        }
        sql += ") VALUES (" + values + ")";
        auto q = c.query(c.intern(sql));
        q.bind(1, owner);
        int i = 1;
        for (const auto& [k, v] : vals)
            bind_value(q, ++i, *v, where, k);
        q.run();
    }
}

const std::vector<std::string_view> kSaleLineCols = {
    "line_no", "sku",    "category", "quantity_milli",   "unit_price",      "discount",
    "amount",  "points", "plan_id",  "benefit_discount", "coupon_discount", "wallet_topup"};
const std::vector<std::string_view> kTenderCols = {"line_no", "type", "amount"};
const std::vector<std::string_view> kRefundLineCols = {"line_no", "quantity_milli", "amount",
                                                       "points"};

std::int64_t int_of(const json& f, const char* k) {
    auto it = f.find(k);
    return it != f.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

}  // namespace

namespace {

// Applies one fact: a new one becomes a row here; one already held is a change of state (a
// member's status, consents or merge; a coupon's revocation; a plan's cancellation; a reward's
// refund). Then the projections the fact moves.
struct FactApplier {
    Database::Impl& d;
    RecordState& st;
    std::unordered_map<std::string, std::vector<std::string>>& cols_memo;

    // The local row of the fact `uid` names in `table`, or a gap.
    std::int64_t resolve(const char* table, const std::string& uid) {
        const FactTable* t = storage::fact_table(table);
        Uid u;
        if (!t || !parse_uid(uid, u) || u.letter != t->letter || u.seq <= 0)
            throw Error(Status::InvalidArgument,
                        st.where + ": '" + uid + "' is not an id of a " + (t ? t->type : table));
        const std::int64_t o = d.origin_by_name(u.origin);
        const std::int64_t row = o ? d.fact_row(table, o, u.seq) : 0;
        if (row == 0)
            throw Error(Status::SyncGap, st.where + " names " + uid +
                                             ", which this file does not hold: apply the records "
                                             "of origin " +
                                             u.origin + " first");
        return row;
    }

    void apply(const json& f) {
        if (!f.is_object() || !f.contains("t") || !f["t"].is_string() || !f.contains("id") ||
            !f["id"].is_string())
            throw Error(Status::InvalidArgument, st.where + ": a fact without a type or an id");
        const FactTable* t = fact_table_by_type(f["t"].get_ref<const std::string&>());
        const std::string& id = f["id"].get_ref<const std::string&>();
        Uid u;
        if (!t || !parse_uid(id, u) || u.letter != t->letter || u.seq <= 0)
            throw Error(Status::InvalidArgument, st.where + ": '" + id + "' is not a fact's id");
        const std::int64_t o = d.foreign_origin(u.origin);
        if (const std::int64_t row = d.fact_row(t->table, o, u.seq)) {
            change(*t, row, f);
            return;
        }
        if (o == d.origin_id)
            throw Error(Status::SyncFork, st.where + " holds " + id +
                                              ", which this file's own origin never wrote: "
                                              "another file writes as " +
                                              d.origin);
        insert(*t, o, u.seq, f, id);
    }

    // A new fact: its row, its children, its projections.
    void insert(const FactTable& t, std::int64_t o, std::int64_t seq, const json& f,
                const std::string& id) {
        const std::string where = st.where + ", fact " + id;
        const auto& cols = columns_of(d.c, t, cols_memo);
        const std::string_view table = t.table;
        if (table == "program_releases") {
            // A release this library cannot read would stop every sale once it starts: it is
            // refused now, while the record can still be looked at.
            if (!f.contains("body") || !f["body"].is_string())
                throw Error(Status::InvalidArgument, where + ": a release without a programme");
            try {
                (void)parse_program(f["body"].get<std::string>());
            } catch (const Error& e) {
                throw Error(Status::InvalidArgument,
                            where + ": its programme cannot be read here: " + e.what());
            }
        }
        std::string sql = std::string("INSERT INTO ") + t.table + "(origin, origin_seq";
        std::string values = "?,?";
        std::vector<std::pair<std::string, const json*>> vals;
        std::vector<std::pair<std::string, std::int64_t>> refs;
        for (const auto& [k, v] : f.items()) {
            if (k == "t" || k == "id") continue;
            if (v.is_array()) continue;  // children, below
            if (k == "origin" || k == "origin_seq" ||
                std::find(cols.begin(), cols.end(), k) == cols.end() ||
                std::find(t.omit.begin(), t.omit.end(), k) != t.omit.end())
                throw Error(Status::InvalidArgument,
                            where + ": '" + k + "' is not a field of a " + t.type);
            sql += "," + k;
            values += ",?";
            if (const char* ref = reference_of(k)) {
                if (!v.is_string())
                    throw Error(Status::InvalidArgument, where + ": '" + k + "' is not an id");
                refs.emplace_back(k, resolve(*ref ? ref : t.table, v.get<std::string>()));
            } else {
                vals.emplace_back(k, &v);
            }
        }
        if (table == "members") {  // not a fact: when the row last changed here
            sql += ",updated_at";
            values += ",?";
        } else if (table == "sales") {  // not a fact: the latest quarter-hour so far here
            sql += ",quarter_seen";
            values += "," LOY_SALE_QUARTER_SEEN("");
        }
        sql += ") VALUES (" + values + ")";
        std::int64_t row = 0;
        {
            auto q = d.c.query(d.c.intern(sql));
            int i = 0;
            q.bind(++i, o);
            q.bind(++i, seq);
            std::size_t r = 0, v = 0;
            // Bind in the order the columns were named.
            for (const auto& [k, val] : f.items()) {
                if (k == "t" || k == "id" || val.is_array()) continue;
                if (r < refs.size() && refs[r].first == k)
                    q.bind(++i, refs[r++].second);
                else
                    bind_value(q, ++i, *vals[v++].second, where, k);
            }
            if (table == "members" || table == "sales") q.bind(++i, int_of(f, "created_at"));
            try {
                q.run();
            } catch (const Error& e) {
                if (e.status() != Status::Internal) throw;
                // A constraint: a programme item (campaign, reward, plan) unknown here, or a
                // code or receipt this file already holds for another fact.
                throw Error(Status::InvalidState, where + " cannot be stored here: " + e.what());
            }
            row = d.c.last_id();
        }
        // What account_of and any_open_hold remember for the transaction, they look at again.
        if (table == "household_members") d.no_households_epoch = 0;
        if (table == "holds") d.open_holds_epoch = 0;
        if (table == "program_releases") d.program_epoch = 0;
        const std::int64_t member = [&]() -> std::int64_t {
            for (const auto& [k, id_] : refs)
                if (k == "member_id") return id_;
            return 0;
        }();
        if (table == "sales") {
            if (f.contains("lines"))
                insert_children(d.c, f["lines"], "sale_lines", "sale_id", row, kSaleLineCols,
                                where);
            if (f.contains("tenders"))
                insert_children(d.c, f["tenders"], "sale_tenders", "sale_id", row, kTenderCols,
                                where);
            if (member)
                d.c.query(
                       "UPDATE sales SET tier_before = (SELECT tier FROM members WHERE id=?) "
                       "WHERE id=?",
                       d.account_of(d.owner_of(member)), row)
                    .run();
            st.sales.push_back(row);
        } else if (table == "refunds") {
            if (f.contains("lines"))
                insert_children(d.c, f["lines"], "refund_lines", "refund_id", row, kRefundLineCols,
                                where);
            st.refunds.push_back(row);
        } else if (table == "ledger") {
            entry(row, member, f, where);
            st.entries.push_back(row);
        } else if (table == "gift_card_activities") {
            d.c.query(
                   "UPDATE gift_cards SET balance = balance + ? WHERE id = (SELECT card_id FROM "
                   "gift_card_activities WHERE id=?)",
                   int_of(f, "amount"), row)
                .run();
        } else if (table == "wallet_entries") {
            d.c.query("UPDATE members SET wallet_balance = wallet_balance + ? WHERE id=?",
                      int_of(f, "amount"), member)
                .run();
        } else if (table == "coupon_uses") {
            st.uses.push_back(row);
            d.count_campaign_use(f.value("campaign_id", std::string()), int_of(f, "discount"));
        } else if (table == "tier_events") {
            // The latest tier event by its time decides the member's tier, whatever order the
            // events reach this file in (two tills apart may each place the member), as the
            // chain's authority and loy_rebuild decide it; of two at the same time, the later
            // applied. A till writes its own never earlier than the member's current tier's.
            d.c.query(
                   "UPDATE members SET tier=?, tier_since=?, tier_at_risk_since=0 WHERE id=? AND "
                   "tier_since <= ?2",
                   f.value("to_tier", std::string()), int_of(f, "created_at"), member)
                .run();
        } else if (table == "sale_claims") {
            d.project_claim(row);
            st.sales.push_back(
                scalar(d.c.query("SELECT sale_id FROM sale_claims WHERE id=?", row)));
        }
    }

    // An entry for a member merged here (a till recorded it before it learned of the merge): the
    // members it was merged into count its earnings in their lifetime figure too, as loy_rebuild
    // counts an absorbed member's whole history, so that every file agrees whichever it learned
    // first; and the member is noted, so that the head office moves the points on
    // (Impl::settle_merged).
    void landed_on_merged(std::int64_t member, std::int64_t earned) {
        bool merged = false;
        for (std::int64_t id = member, hops = 0; hops < 64; ++hops) {
            auto q = d.c.query("SELECT merged_into FROM members WHERE id=?", id);
            if (!q.next() || q.is_null(0)) break;
            id = q.i64(0);
            merged = true;
            if (earned)
                d.c.query("UPDATE members SET lifetime_earned = lifetime_earned + ? WHERE id=?",
                          earned, id)
                    .run();
        }
        if (merged) d.landed_on_merged.push_back(member);
    }

    // A ledger entry's projections: the balance and lifetime earnings; the lots a credit opened
    // (repaying a debt first, as a local credit does); the lots a debit takes, planned by the
    // pure lots::plan at the entry's own time.
    void entry(std::int64_t row, std::int64_t member, const json& f, const std::string& where) {
        const std::int64_t points = int_of(f, "points");
        const auto kind = static_cast<EntryKind>(int_of(f, "kind"));
        const std::int64_t at = int_of(f, "created_at");
        std::int64_t balance = d.balance_of(member);
        d.c.query(
               "UPDATE members SET balance = balance + ?, lifetime_earned = lifetime_earned + ? "
               "WHERE id=?",
               points, storage::is_earning(kind) ? points : 0, member)
            .run();
        landed_on_merged(member, storage::is_earning(kind) ? points : 0);
        if (f.contains("lots")) {
            const json& lots = f["lots"];
            if (!lots.is_array())
                throw Error(Status::InvalidArgument, where + ": 'lots' is not a list");
            std::int64_t nth = 0;
            for (const auto& l : lots) {
                if (!l.is_object())
                    throw Error(Status::InvalidArgument, where + ": a lot is not an object");
                const std::int64_t p = int_of(l, "points");
                if (p <= 0) throw Error(Status::InvalidArgument, where + ": a lot without points");
                d.add_lot(member, row, p, balance, int_of(l, "available_at"),
                          int_of(l, "expires_at"), nth++);
                balance += p;
            }
        }
        if (points < 0) d.apply(row, takes(member, -points, kind, f, at), member);
    }

    // The lots a debit takes, as the write that made it took them: a spend (redeem, negative
    // adjustment) from available points first; a reversal or an expiry from the lots of the
    // entry it corrects first; a merge all the absorbed member's lots, whatever their dates.
    std::vector<lots::Take> takes(std::int64_t member, std::int64_t want, EntryKind kind,
                                  const json& f, std::int64_t at) {
        if (kind == EntryKind::MergeOut) {
            std::vector<lots::Take> all;
            auto q = d.c.query(
                "SELECT id, remaining FROM lots_left WHERE member_id=? ORDER BY expires_at, id",
                member);
            while (q.next() && want > 0) {
                const std::int64_t p = std::min(want, q.i64(1));
                all.push_back({q.i64(0), p});
                want -= p;
            }
            return all;
        }
        if (kind == EntryKind::Redeem || kind == EntryKind::Adjust ||
            kind == EntryKind::TransferOut) {
            auto p = d.plan(member, want, true, 0, at);
            if (lots::total(p) >= want) return p;
        }
        const std::int64_t corrects = f.contains("corrects") && f["corrects"].is_string()
                                          ? resolve("ledger", f["corrects"].get<std::string>())
                                          : 0;
        if (kind == EntryKind::Expire && corrects == 0) {
            // An expiry of several entries' lots: the lots past their date, soonest first.
            std::vector<lots::Take> due;
            for (const auto& k : d.due_lots(member, at)) {
                if (want <= 0) break;
                due.push_back({k.lot, std::min(want, k.points)});
                want -= due.back().points;
            }
            if (want > 0)
                for (const auto& k : d.plan(member, want, false, 0, at))
                    due.push_back(k);
            return due;
        }
        const bool by_entry = kind == EntryKind::Expire || kind == EntryKind::ReverseEarn;
        return d.plan(member, want, false, by_entry ? corrects : 0, at);
    }

    // A fact held already: the changes a record can make to it.
    void change(const FactTable& t, std::int64_t row, const json& f) {
        const std::string_view table = t.table;
        if (table == "members") {
            member_change(row, f);
        } else if (table == "coupons") {
            d.c.query("UPDATE coupons SET revoked_at=? WHERE id=?", int_of(f, "revoked_at"), row)
                .run();
        } else if (table == "subscriptions") {
            d.c.query("UPDATE subscriptions SET cancelled_at=? WHERE id=?",
                      int_of(f, "cancelled_at"), row)
                .run();
        } else if (table == "reward_redemptions") {
            d.c.query("UPDATE reward_redemptions SET refunded_at=? WHERE id=?",
                      int_of(f, "refunded_at"), row)
                .run();
        } else if (table == "household_members") {
            d.c.query("UPDATE household_members SET left_at=? WHERE id=?", int_of(f, "left_at"),
                      row)
                .run();
        } else if (table == "holds") {
            d.c.query("UPDATE holds SET status=?, captured=?, closed_at=? WHERE id=?",
                      int_of(f, "status"), int_of(f, "captured"), int_of(f, "closed_at"), row)
                .run();
        }
        // Entries, sales, refunds, uses and events never change: a record naming one again
        // (a sweep that touched it) adds nothing.
    }

    // A member's status, consents, branch, referrer and merge. An erasure clears the profile
    // this file holds (the journal never held it); a merge moves what a local merge moves. Two
    // tills may change one member while apart, and each file learns the changes in its own
    // order: so erasure and merge win over any other change, whenever they arrive, and between
    // other changes the later by the tills' clocks wins (the member's updated_at), so that every
    // file ends with the same member whatever the order.
    void member_change(std::int64_t row, const json& f) {
        const auto status = int_of(f, "status");
        std::int64_t was_status = 0, was_merged = 0, was_at = 0;
        {
            auto q = d.c.query(
                "SELECT status, COALESCE(merged_into, 0), updated_at FROM members WHERE id=?", row);
            q.next();
            was_status = q.i64(0);
            was_merged = q.i64(1);
            was_at = q.i64(2);
        }
        const auto erased = static_cast<std::int64_t>(MemberStatus::Erased);
        const auto merged = static_cast<std::int64_t>(MemberStatus::Merged);
        if (was_status == erased || was_status == merged) return;            // for good
        if (status != erased && status != merged && st.at < was_at) return;  // an older change
        const std::int64_t merged_into =
            f.contains("merged_into") ? resolve("members", f["merged_into"].get<std::string>()) : 0;
        const std::int64_t referrer =
            f.contains("referrer_id") ? resolve("members", f["referrer_id"].get<std::string>()) : 0;
        if (status == erased) d.do_erase(row);
        if (merged_into && !was_merged) {
            // As a local merge: the lifetime figure carries over, the phone and card go to the
            // survivor when it has none, and the merge is remembered for loy_rebuild.
            d.c.query(
                   "UPDATE members SET lifetime_earned = lifetime_earned + (SELECT "
                   "lifetime_earned FROM members WHERE id=?1) WHERE id=?2",
                   row, merged_into)
                .run();
            d.c.query(
                   "UPDATE members SET phone = (SELECT phone FROM members WHERE id=?1) WHERE id=?2 "
                   "AND phone IS NULL",
                   row, merged_into)
                .run();
            d.c.query(
                   "UPDATE members SET card = (SELECT card FROM members WHERE id=?1) WHERE id=?2 "
                   "AND card IS NULL",
                   row, merged_into)
                .run();
            d.c.query(
                   "INSERT INTO merges(survivor_id, absorbed_id, points_moved, created_at) "
                   "SELECT ?1, ?2, balance, ?3 FROM members WHERE id=?2",
                   merged_into, row, st.at)
                .run();
            d.c.query("UPDATE members SET phone=NULL, card=NULL WHERE id=?", row).run();
        }
        d.c.query(
               "UPDATE members SET status=?, merged_into=?, consent_sms=?, consent_email=?, "
               "consent_push=?, branch=?, referrer_id=?, updated_at=MAX(updated_at, ?) WHERE id=?",
               status, NullIfZero{merged_into}, int_of(f, "consent_sms"),
               int_of(f, "consent_email"), int_of(f, "consent_push"),
               NullIfEmpty{f.value("branch", std::string())}, NullIfZero{referrer}, st.at, row)
            .run();
    }
};

}  // namespace

// Applies one record: false when this file holds it already (the same hash).
bool Database::Impl::apply_record(const JournalRecord& r) {
    text::check_field("origin", r.origin, kMaxShort);
    const std::string where = "record " + r.origin + ":J" + std::to_string(r.seq);
    if (!valid_origin_name(r.origin))
        throw Error(Status::InvalidArgument, "'" + r.origin + "' is not an origin name");
    if (r.seq <= 0 || r.seq >= kJournalSeqs)
        throw Error(Status::InvalidArgument, where + ": seq must be 1 to 2^40 - 1");
    text::check_field("kind", r.kind, kMaxShort);
    text::check_field("key", r.key, kMaxKey);
    text::check_field("body", r.body, 64 * 1024 * 1024);
    if (!is_hex64(r.prev) || !is_hex64(r.hash))
        throw Error(Status::InvalidArgument, where + ": prev and hash must be 64 hex digits");
    if (record_hash(r.prev, r.origin, r.seq, r.kind, r.key, r.created_at, r.body) != r.hash)
        throw Error(Status::InvalidArgument, where + ": its content does not match its hash");
    std::int64_t o = origin_by_name(r.origin);
    if (o) {
        auto held =
            c.query("SELECT hash FROM journal WHERE id=?", journal_key(journal_range(o), r.seq));
        if (held.next()) {
            if (held.view(0) == r.hash) return false;
            throw Error(Status::SyncFork,
                        where +
                            " differs from the record this file holds under that id: two "
                            "files wrote as " +
                            r.origin + " (a copied or restored file)");
        }
    }
    if (r.origin == origin)
        throw Error(Status::SyncFork, where +
                                          " is of this file's own origin, which never wrote "
                                          "it: another file writes as " +
                                          origin);
    if (!o) o = foreign_origin(r.origin);
    // A copy: the record stored below becomes the origin's last.
    const LastRecord held_last = last_record(o);
    const std::int64_t last = held_last.seq;
    const std::string& last_hash = held_last.hash;
    if (r.seq != last + 1)
        throw Error(Status::SyncGap, where + ": this file holds " + r.origin + " up to seq " +
                                         std::to_string(last) + "; apply from seq " +
                                         std::to_string(last + 1));
    if (r.prev != last_hash)
        throw Error(Status::SyncFork, where + " does not follow record " + r.origin + ":J" +
                                          std::to_string(last) + " held here: two files wrote as " +
                                          r.origin);
    const json body = json::parse(r.body, nullptr, false);
    if (!body.is_array()) throw Error(Status::InvalidArgument, where + ": the body is not a list");
    RecordState st;
    st.where = where;
    st.at = r.created_at;
    FactApplier a{*this, st, fact_columns};
    for (const auto& f : body)
        a.apply(f);
    // Where each sale's entries and uses are, before a refund in the record reads them.
    note_sale_parts(st.entries, st.uses);
    // The figures a receipt shows that follow from the facts: the sale's status after a refund,
    // the balance and tier after the record.
    for (const std::int64_t refund : st.refunds) {
        auto q = c.query("SELECT sale_id, kind, created_at FROM refunds WHERE id=?", refund);
        q.next();
        const std::int64_t sale = q.i64(0);
        const bool all =
            scalar(c.query("SELECT COUNT(*) FROM sale_lines l WHERE l.sale_id=?1 AND "
                           "l.quantity_milli > COALESCE((SELECT SUM(rl.quantity_milli) FROM "
                           "refund_lines rl JOIN refunds f ON f.id = rl.refund_id WHERE "
                           "f.sale_id=?1 AND rl.line_no = l.line_no), 0)",
                           sale)) == 0;
        settle_sale(sale, q.i64(1) == 2, all, q.i64(2));
    }
    // A receipt's balance and available points: this file's, after the record, of the points
    // account its entries moved (a household's head's), or else the member's account now.
    // A refund's entries are among the record's own (read by id: the ledger has no index by
    // refund); a sale's, in its range.
    const auto [lo, hi] = std::minmax_element(st.entries.begin(), st.entries.end());
    const std::int64_t first_entry = st.entries.empty() ? 1 : *lo;
    const std::int64_t last_entry = st.entries.empty() ? 0 : *hi;
    auto after = [this](const char* member_sql, storage::Query entries, std::int64_t id,
                        const char* update_sql) -> std::int64_t {
        auto q = c.query(member_sql, id);
        if (!q.next() || q.is_null(0)) return 0;
        std::int64_t account = account_of(owner_of(q.i64(0)));
        if (entries.next()) account = owner_of(entries.i64(0));
        const std::int64_t available = spendable(account).first;
        c.query(update_sql, balance_of(account), available, id).run();
        return account;
    };
    for (const std::int64_t refund : st.refunds)
        after("SELECT s.member_id FROM refunds r JOIN sales s ON s.id = r.sale_id WHERE r.id=?",
              c.query("SELECT member_id FROM ledger WHERE id BETWEEN ?2 AND ?3 AND refund_id=?1 "
                      "LIMIT 1",
                      refund, first_entry, last_entry),
              refund, "UPDATE refunds SET balance_after=?, available_after=? WHERE id=?");
    for (const std::int64_t sale : st.sales) {
        const std::int64_t account =
            after("SELECT member_id FROM sales WHERE id=?",
                  c.query("SELECT member_id FROM ledger WHERE " LOY_SALE_ENTRIES " LIMIT 1", sale),
                  sale, "UPDATE sales SET balance_after=?, available_after=? WHERE id=?");
        c.query(
             "UPDATE sales SET tier_after = COALESCE((SELECT tier FROM members m WHERE m.id = ?), "
             "'') WHERE id=?",
             account, sale)
            .run();
    }
    store_record(o, r.seq, r.kind, r.key, r.body, r.prev, r.hash, r.created_at);
    return true;
}

// A member's profile as another till holds it (brought by the chain's authority, docs/chain.md):
// written without a journal record, since the journal never holds a profile. Consents, branch
// and referrer are facts and come with the journal, not here. An erased or merged member keeps
// nothing: erasure wins over any profile.
std::int64_t Database::Impl::write_profile(const std::string& uid, const MemberFields& fields) {
    MemberFields f;
    f.phone = fields.phone;
    f.card = fields.card;
    f.name = fields.name;
    f.email = fields.email;
    f.gender = fields.gender;
    f.language = fields.language;
    f.tags = fields.tags;
    f.birth_year = fields.birth_year;
    f.birth_month = fields.birth_month;
    f.birth_day = fields.birth_day;
    check_fields(f);
    const std::int64_t id = local_id("members", 'M', uid);
    // A profile is not a change of the member's facts: their time (updated_at, by which a later
    // change wins) stays what it was.
    const std::int64_t at = scalar(c.query("SELECT updated_at FROM members WHERE id=?", id));
    do_update(id, f);
    c.query("UPDATE members SET updated_at=? WHERE id=?", at, id).run();
    drop_journal_notes();
    return id;
}

Member Database::apply_profile(const std::string& uid, const MemberFields& fields) {
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    if (d.opt.read_only) throw Error(Status::ReadOnly, "the database was opened read-only");
    Transaction t(d.c, true);
    Member m = d.load_member(d.write_profile(uid, fields));
    t.commit();
    return m;
}

ApplyResult Database::apply_journal(const std::vector<JournalRecord>& records,
                                    const std::vector<MemberProfile>& profiles) {
    if (records.size() > 10000)
        throw Error(Status::InvalidArgument, "apply at most 10000 records at a time");
    if (profiles.size() > most_profiles(records.size()))
        throw Error(Status::InvalidArgument,
                    "apply at most 10000 profiles at a time (with one record, 1000000)");
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    if (d.opt.read_only) throw Error(Status::ReadOnly, "the database was opened read-only");
    Transaction t(d.c, true);
    d.landed_on_merged.clear();
    ApplyResult out;
    for (const auto& r : records)
        (d.apply_record(r) ? out.applied : out.duplicates) += 1;
    // The profiles of the members the records name, in the same transaction: a member never
    // lands without the profile that came with it. One this file cannot take is passed over, as
    // loy_member_profile_apply refuses it: no such member here (its record waits for a later
    // list), erased or merged (erasure wins), or its phone or card another member's here.
    for (const auto& p : profiles) {
        d.c.savepoint("profile");
        try {
            d.write_profile(p.uid, p.fields);
            d.c.release("profile");
        } catch (const Error& e) {
            if (e.status() != Status::NotFound && e.status() != Status::MemberInactive &&
                e.status() != Status::Duplicate)
                throw;
            d.c.rollback_to("profile");
            d.c.release("profile");
        }
    }
    // The facts were noted as they were written; they are other origins' facts, already in
    // their records: this origin writes no record of them.
    d.drop_journal_notes();
    // What the records left on members merged here moves on, at the head office only: this
    // origin's record of it is written at the commit.
    if (!d.opt.chain_mode) d.settle_merged();
    d.landed_on_merged.clear();
    t.commit();
    return out;
}

}  // namespace loyalty
