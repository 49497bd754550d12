// The journal: per origin, one record per committed write transaction, hash-chained, holding
// the facts the transaction wrote with their chain-wide ids (docs/journal.md). Temporary
// triggers note each fact row a transaction inserts or changes; just before COMMIT the record is
// built from those rows and appended in the same transaction, so a fact and its record are
// committed together or not at all. Personal data (phone, card, name, e-mail, birthday, gender,
// language, tags) is never put in a record: it stays in the member's row, which erasure clears.
#include <nlohmann/json.hpp>

#include <array>
#include <charconv>

#include "storage/facts.hpp"
#include "storage/impl.hpp"
#include "storage/journal_keys.hpp"
#include "storage/lots_sql.hpp"
#include "storage/record_packing.hpp"

namespace loyalty {

using storage::fact_table;
using storage::fact_table_of;
using storage::fact_tables;
using storage::FactTable;
using storage::journal_first;
using storage::journal_key;
using storage::journal_last;
using storage::kGenesis;
using storage::kJournalSeqs;
using storage::pack_record_body;
using storage::PackedLot;
using storage::record_hash;
using storage::reference_of;
using storage::unpack_lots;
using storage::unpack_record_body;

namespace {

// A record's text, past which a transaction's facts go on in a record of their own: 4 MiB, the
// facts of about 26,000 imported members, parsed by a till that applies it in some 40 MB.
constexpr std::size_t kRecordBodyBytes = 4 * 1024 * 1024;

// A read of the journal ends with the record whose body brings what it has read to 8 MiB: two
// of an import's records, or thousands of sales. A sync sends what it reads in one call.
constexpr std::size_t kReadBytes = 8 * 1024 * 1024;

// The decimal digits of `v` (std::to_chars: no locale, no format string to parse).
void append_integer(std::string& out, std::int64_t v) {
    char buf[24];
    const auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
    out.append(buf, static_cast<std::size_t>(end - buf));
}

// JSON written straight into one buffer (a record is built with few allocations: a sweep of
// thousands of facts must not fail more often under memory pressure than the writes did).
struct JsonOut {
    std::string& out;
    bool first = true;
    void separate() {
        if (!first) out += ',';
        first = false;
    }
    void name(std::string_view n) {
        separate();
        text::append_json_string(out, n);
        out += ':';
    }
    // A name written before as `"name":` (FactColumn::key).
    void key(const std::string& k) {
        separate();
        out += k;
    }
    void number(std::string_view n, std::int64_t v) {
        name(n);
        append_integer(out, v);
    }
    void string(std::string_view n, std::string_view v) {
        name(n);
        text::append_json_string(out, v);
    }
    // A column's value: an integer as a number, anything else as a string.
    void value(const storage::Query& q, int col) {
        if (q.type(col) == SQLITE_INTEGER)
            append_integer(out, q.i64(col));
        else
            text::append_json_string(out, q.view(col));
    }
    void column(std::string_view n, const storage::Query& q, int col) {
        name(n);
        value(q, col);
    }
};

// The rows a fact owns, embedded in it: a sale's lines and tenders, a refund's lines, the lots
// an entry opened (with the dates its points become available and expire). `skip`: a column
// left out (the owner's id). Writes nothing when there are none and `omit_empty`.
void child_rows(JsonOut& f, std::string_view name, Connection& c, const char* sql, std::int64_t id,
                std::string_view skip = {}, bool omit_empty = false) {
    auto q = c.query(sql, id);
    bool any = false;
    while (q.next()) {
        if (!any) {
            f.name(name);
            f.out += '[';
        } else {
            f.out += ',';
        }
        any = true;
        f.out += '{';
        JsonOut r{f.out};
        for (int i = 0; i < q.columns(); ++i)
            if (!q.is_null(i) && q.column_name(i) != skip) r.column(q.column_name(i), q, i);
        f.out += '}';
    }
    if (any) {
        f.out += ']';
    } else if (!omit_empty) {
        f.name(name);
        f.out += "[]";
    }
}

// A sale's lines as child_rows writes them from the `sale_lines` view, read from the packed
// value of its row instead (`kind` its SQLite type): the view's JSON functions parse each line
// twelve times, a third of the cost of a checkout's record. False, with nothing written, when the
// value is not plainly what the library packs (storage::unpack_sale_lines): then the view is read.
bool lines_of_packed(JsonOut& f, int kind, std::string_view packed,
                     std::vector<storage::PackedLine>& lines) {
    if (kind == SQLITE_NULL) {
        lines.clear();  // the view has no row for a sale without lines
    } else if (kind != SQLITE_TEXT || !storage::unpack_sale_lines(packed, lines)) {
        return false;
    }
    // The fields' names as the record writes them, `"name":`.
    static const std::array<std::string, storage::kSaleLineFields> keys = [] {
        std::array<std::string, storage::kSaleLineFields> k;
        for (int i = 0; i < storage::kSaleLineFields; ++i) {
            text::append_json_string(k[static_cast<std::size_t>(i)],
                                     storage::kSaleLineFieldNames[i]);
            k[static_cast<std::size_t>(i)] += ':';
        }
        return k;
    }();
    f.name("lines");
    f.out += '[';
    for (std::size_t k = 0; k < lines.size(); ++k) {
        if (k > 0) f.out += ',';
        f.out += '{';
        JsonOut r{f.out};
        for (int i = 0; i < storage::kSaleLineFields; ++i) {
            const storage::PackedField& v = lines[k][static_cast<std::size_t>(i)];
            if (v.kind == storage::PackedField::Null) continue;
            r.key(keys[static_cast<std::size_t>(i)]);
            if (v.kind == storage::PackedField::Integer)
                append_integer(f.out, v.i);
            else
                text::append_json_string(f.out, v.s);
        }
        f.out += '}';
    }
    f.out += ']';
    lines.clear();  // its texts are views into `packed`
    return true;
}

}  // namespace

// Temporary triggers (this connection only) note every fact row a write inserts, and the
// changes to members, coupons, subscriptions and reward redemptions that are facts themselves
// (status, consent, revocation, cancellation, refund): each calls loy_note(table, row), which
// keeps the note in memory (storage::Connection::notes), undone with the write it notes.
void Database::Impl::watch_facts() {
    c.enable_notes();
    std::string sql;
    const auto& tables = fact_tables();
    auto index_of = [&tables](std::string_view table) {
        for (std::size_t i = 0; i < tables.size(); ++i)
            if (table == tables[i].table) return std::to_string(i);
        throw Error(Status::Internal, "not a fact table");
    };
    for (const auto& t : tables)
        sql += std::string("CREATE TEMP TRIGGER IF NOT EXISTS journal_i_") + t.table +
               " AFTER INSERT ON main." + t.table + " BEGIN SELECT loy_note(" + index_of(t.table) +
               ", NEW.id); END;\n";
    const char* changes[][2] = {
        {"members",
         "status, merged_into, phone, card, name, email, birth_year, birth_month, birth_day, "
         "gender, language, consent_sms, consent_email, consent_push, branch, referrer_id"},
        {"coupons", "revoked_at"},
        {"subscriptions", "cancelled_at"},
        {"reward_redemptions", "refunded_at"},
        {"holds", "status, captured, closed_at"},
        {"household_members", "left_at"},
    };
    for (const auto& ch : changes)
        sql += std::string("CREATE TEMP TRIGGER IF NOT EXISTS journal_u_") + ch[0] +
               " AFTER UPDATE OF " + ch[1] + " ON main." + ch[0] + " BEGIN SELECT loy_note(" +
               index_of(ch[0]) + ", NEW.id); END;\n";
    c.exec(sql.c_str());
    c.before_commit = [this] { journal_flush(); };
}

// The name of origins row `id`, cached: origins are never renamed.
const std::string& Database::Impl::origin_name(std::int64_t id) {
    auto it = origin_names.find(id);
    if (it != origin_names.end()) return it->second;
    auto q = c.query("SELECT name FROM origins WHERE id=?", id);
    if (!q.next()) throw Error(Status::Internal, "no origin " + std::to_string(id));
    return origin_names.emplace(id, q.text(0)).first->second;
}

namespace {

// Appends `"<origin>:<letter><seq>"`.
void append_uid(std::string& out, const std::string& origin, char letter, std::int64_t seq) {
    out += '"';
    out += origin;  // origin names are checked text: nothing to escape
    out += ':';
    out += letter;
    append_integer(out, seq);
    out += '"';
}

}  // namespace

// Appends the JSON string of the chain-wide id of `table`'s row `id` (remembered for the record
// being built: a sale's entries all name its member and the sale).
void Database::Impl::append_fact_uid(std::string& out, const char* table, std::int64_t id) {
    const FactTable* t = fact_table(table);
    if (!t) throw Error(Status::Internal, std::string("not a fact table: ") + table);
    // Keyed by the table's letter and the row: one look-up per fact, however often it is named.
    const std::uint64_t memo_key =
        (static_cast<std::uint64_t>(static_cast<unsigned char>(t->letter)) << 56) ^
        static_cast<std::uint64_t>(id);
    if (auto it = uid_memo.find(memo_key); it != uid_memo.end()) {
        out += it->second;
        return;
    }
    auto q = c.query(t->uid_sql, id);
    if (!q.next())
        throw Error(Status::Internal, std::string("no ") + table + " row " + std::to_string(id));
    const std::size_t at = out.size();
    append_uid(out, origin_name(q.i64(0)), t->letter, q.i64(1));
    uid_memo.emplace(memo_key, out.substr(at));
}

namespace {

// What each of the row statement's columns is (Impl::fact_plans): kept while the statement's
// columns keep their names, which is checked once an epoch (Impl::plan_epoch).
const std::vector<Database::Impl::FactColumn>& columns_of(Database::Impl& d, const FactTable& t,
                                                          const storage::Query& q) {
    using Col = Database::Impl::FactColumn;
    Database::Impl::FactPlan& fp = d.fact_plans[t.row_sql];
    std::vector<Col>& plan = fp.columns;
    if (fp.checked_in == d.plan_epoch) return plan;
    fp.checked_in = d.plan_epoch;
    bool same = static_cast<int>(plan.size()) == q.columns();
    for (int i = 0; same && i < q.columns(); ++i)
        same = plan[static_cast<std::size_t>(i)].name == q.column_name(i);
    if (same) return plan;
    plan.clear();
    for (int i = 0; i < q.columns(); ++i) {
        const std::string_view name = q.column_name(i);
        Col col;
        col.name = std::string(name);
        text::append_json_string(col.key, name);
        col.key += ':';
        if (std::string_view(t.table) == "sales" && name == "line_items") col.packed = Col::Lines;
        if (std::string_view(t.table) == "ledger" && name == "lots") col.packed = Col::Lots;
        if (name == "origin") {
            col.kind = Col::Origin;
        } else if (name == "origin_seq") {
            col.kind = Col::Seq;
        } else if (name == "id" || std::find(t.omit.begin(), t.omit.end(), name) != t.omit.end()) {
            col.kind = Col::Skip;
        } else if (const char* ref = reference_of(name)) {
            col.kind = Col::Reference;
            col.table = *ref ? ref : t.table;
        }
        plan.push_back(std::move(col));
    }
    return plan;
}

// One fact as a JSON object: its type, its chain-wide id, its columns (references to other facts
// as their chain-wide ids; personal data and projections left out) and the rows it owns.
void fact_json(std::string& out, Database::Impl& d, const FactTable& t, std::int64_t id) {
    using Col = Database::Impl::FactColumn;
    out += '{';
    JsonOut f{out};
    f.string("t", t.type);
    const std::string_view table = t.table;
    const bool is_sale = table == "sales", is_entry = table == "ledger";
    int lines_kind = SQLITE_NULL;
    std::string packed_lines, packed_lots;
    {
        auto q = d.c.query(t.row_sql, id);
        if (!q.next()) throw Error(Status::Internal, std::string("no ") + t.table + " row");
        const std::vector<Col>& cols = columns_of(d, t, q);
        std::int64_t origin = 0, seq = id;
        for (int i = 0; i < q.columns(); ++i) {
            const Col& col = cols[static_cast<std::size_t>(i)];
            if (col.kind == Col::Origin) origin = q.i64(i);
            if (col.kind == Col::Seq && !q.is_null(i)) seq = q.i64(i);
            if (col.packed == Col::Lines) {
                lines_kind = q.type(i);  // before view(), which may convert the value
                if (lines_kind == SQLITE_TEXT) packed_lines = q.view(i);
            }
            if (col.packed == Col::Lots && q.type(i) == SQLITE_TEXT) packed_lots = q.view(i);
        }
        f.name("id");
        append_uid(out, d.origin_name(origin), t.letter, seq);
        for (int i = 0; i < q.columns(); ++i) {
            const Col& col = cols[static_cast<std::size_t>(i)];
            if (col.kind == Col::Skip || col.kind == Col::Origin || col.kind == Col::Seq ||
                q.is_null(i))
                continue;
            f.key(col.key);
            if (col.kind == Col::Reference)
                d.append_fact_uid(out, col.table, q.i64(i));
            else
                f.value(q, i);
        }
    }
    if (is_sale) {
        if (!lines_of_packed(f, lines_kind, packed_lines, d.unpacked_lines))
            child_rows(f, "lines", d.c, "SELECT * FROM sale_lines WHERE sale_id=? ORDER BY line_no",
                       id, "sale_id");
        child_rows(f, "tenders", d.c,
                   "SELECT line_no, type, amount FROM sale_tenders WHERE sale_id=? ORDER BY "
                   "line_no",
                   id);
    } else if (table == "refunds") {
        child_rows(f, "lines", d.c,
                   "SELECT line_no, quantity_milli, amount, points FROM refund_lines WHERE "
                   "refund_id=? ORDER BY line_no",
                   id);
    } else if (is_entry && !packed_lots.empty()) {
        // The lots it opened, as child_rows would write them from LOY_LOTS_OF_ENTRY_ROW, read
        // from the row's text (which SQL reads only when it is not as this library packs it).
        if (unpack_lots(packed_lots, d.unpacked_lots) && !d.unpacked_lots.empty()) {
            f.name("lots");
            out += '[';
            for (std::size_t i = 0; i < d.unpacked_lots.size(); ++i) {
                const PackedLot& l = d.unpacked_lots[i];
                out += i ? ",{" : "{";
                JsonOut r{out};
                r.number("points", l.points);
                r.number("available_at", l.available_at);
                r.number("expires_at", l.expires_at);
                out += '}';
            }
            out += ']';
        } else {
            child_rows(f, "lots", d.c, LOY_LOTS_OF_ENTRY_ROW, id, {}, true);
        }
    }
    out += '}';
}

}  // namespace

// Names the operation the current transaction's record is for (the first one named wins), and
// its idempotency key: a note like the facts', undone with the transaction.
void Database::Impl::journal_operation(const std::string& kind, const std::string& key) {
    if (opt.read_only) return;  // nothing is written: the write itself is refused as read-only
    if (c.notes().empty()) journal_ops.clear();  // none is named by a note any more
    journal_ops.emplace_back(kind, key);
    c.notes().push_back({kOperationNote, static_cast<std::int64_t>(journal_ops.size() - 1)});
}

void Database::Impl::drop_journal_notes() {
    c.notes().clear();
    journal_ops.clear();
}

// Builds the transaction's record from the noted facts and appends it to this origin's chain:
// several consecutive records when the facts are many (an import of members, an expiry sweep,
// coupons issued to a segment), each ending at the first fact past kRecordBodyBytes of text, so
// that every till can hold one in memory and apply it (a body may be 64 MiB at most:
// apply_record) with the profiles of the members it names (at most 1,000,000: most_profiles).
void Database::Impl::journal_flush() {
    ++plan_epoch;
    noted_facts.clear();
    uid_memo.clear();
    std::string kind, key;
    bool named = false;
    for (const storage::Note& n : c.notes()) {
        if (n.kind != kOperationNote) {
            noted_facts.emplace_back(n.kind, n.row);
        } else if (!named) {  // the first operation named
            named = true;
            kind = journal_ops[static_cast<std::size_t>(n.row)].first;
            key = journal_ops[static_cast<std::size_t>(n.row)].second;
        }
    }
    drop_journal_notes();
    auto& noted = noted_facts;
    if (noted.empty()) return;
    // By table (in fact_tables order: members before the sales that name them), then row.
    std::sort(noted.begin(), noted.end());
    noted.erase(std::unique(noted.begin(), noted.end()), noted.end());
    const auto& tables = fact_tables();
    // A sale's, a claim's or a refund's facts are applied together (apply_record finds a sale's
    // entries and coupon uses, and settles a refund, within its record): such a record is never
    // divided.
    const bool whole = std::any_of(noted.begin(), noted.end(), [&tables](const auto& n) {
        const char letter = tables.at(static_cast<std::size_t>(n.first)).letter;
        return letter == 'S' || letter == 'K' || letter == 'R';
    });
    const std::string first_type = tables.at(static_cast<std::size_t>(noted.front().first)).type;
    const std::string k = kind.empty() ? first_type : kind;
    std::string& body = journal_body;
    for (std::size_t i = 0; i < noted.size();) {
        body.clear();
        body += '[';
        for (std::size_t n = 0; i < noted.size(); ++i, ++n) {
            if (!whole && n > 0 && body.size() >= kRecordBodyBytes) break;
            if (n > 0) body += ',';
            fact_json(body, *this, tables.at(static_cast<std::size_t>(noted[i].first)),
                      noted[i].second);
        }
        body += ']';
        const LastRecord& last = last_record(origin_id);
        const std::int64_t seq = last.seq + 1;
        const std::string prev = last.hash;
        // An origin's records never go back in time, though its clock may (set back by hand or
        // by the network's time): every file orders an origin's records, and weighs one till's
        // change against another's, by this time, which then agrees with the order they were
        // written in.
        const std::int64_t at = std::max(now(), last.created_at);
        store_record(origin_id, seq, k, key, body, prev,
                     record_hash(prev, origin, seq, k, key, at, body), at);
    }
}

// The last record this file holds of origins row `origin_row`: remembered from the last read or
// write of it while nothing else has written to the file since (Connection::epoch: another
// connection's commit, or a rollback here, moves it on); else read, the last key of the
// origin's range.
const Database::Impl::LastRecord& Database::Impl::last_record(std::int64_t origin_row) {
    LastRecordMemo& m = last_record_memo;
    if (m.origin == origin_row && c.unchanged_since(m.epoch)) return m.record;
    m.origin = 0;
    m.record = LastRecord{};
    auto q = c.query(
        "SELECT seq, hash, created_at FROM journal WHERE id BETWEEN ? AND ? ORDER BY id DESC "
        "LIMIT 1",
        journal_first(journal_range(origin_row)), journal_last(journal_range(origin_row)));
    if (q.next()) {
        m.record.seq = q.i64(0);
        m.record.hash = q.text(1);
        m.record.created_at = q.i64(2);
    }
    m.origin = origin_row;
    m.epoch = c.epoch();
    return m.record;
}

void Database::Impl::store_record(std::int64_t origin_row, std::int64_t seq,
                                  const std::string& kind, const std::string& key,
                                  std::string_view body, const std::string& prev,
                                  const std::string& hash, std::int64_t at) {
    pack_record_body(body, packed_journal_body);
    c.query(
         "INSERT INTO journal(id, origin, seq, kind, idem_key, body, prev, hash, created_at) "
         "VALUES (?,?,?,?,?,?,?,?,?)",
         journal_key(journal_range(origin_row), seq), origin_row, seq, kind, NullIfEmpty{key},
         Uncopied{packed_journal_body}, prev, hash, at)
        .run();
    last_record_memo.origin = origin_row;
    last_record_memo.epoch = c.epoch();
    last_record_memo.record.seq = seq;
    last_record_memo.record.hash = hash;
    last_record_memo.record.created_at = at;
}

std::vector<JournalRecord> Database::journal(const std::string& origin_name, std::int64_t after_seq,
                                             std::int64_t limit) {
    if (after_seq < 0) throw Error(Status::InvalidArgument, "after_seq must be 0 or more");
    if (limit <= 0 || limit > 10000)
        throw Error(Status::InvalidArgument, "limit must be 1 to 10000");
    const std::string name = origin_name.empty() ? origin().name : origin_name;
    std::lock_guard<std::mutex> lock(impl_->mu);
    Transaction t(impl_->c, false);
    std::vector<JournalRecord> out;
    const std::int64_t o = impl_->origin_by_name(name);
    if (!o) return out;
    const std::int64_t range = impl_->journal_range(o);
    auto q = impl_->c.query(
        "SELECT seq, kind, COALESCE(idem_key, ''), body, prev, hash, created_at FROM journal "
        "WHERE id BETWEEN ? AND ? ORDER BY id LIMIT ?",
        journal_key(range, std::min(after_seq, kJournalSeqs - 1) + 1), journal_last(range), limit);
    std::size_t bytes = 0;
    while (q.next()) {
        JournalRecord r;
        r.origin = name;
        r.seq = q.i64(0);
        r.kind = q.text(1);
        r.key = q.text(2);
        unpack_record_body(q.view(3), r.body);
        r.prev = q.text(4);
        r.hash = q.text(5);
        r.created_at = q.i64(6);
        bytes += r.body.size();
        out.push_back(std::move(r));
        if (bytes >= kReadBytes) break;
    }
    return out;
}

// The last record this file holds of each origin, by origin name: where a sync resumes.
std::vector<JournalRecord> Database::journal_heads() {
    std::lock_guard<std::mutex> lock(impl_->mu);
    Transaction t(impl_->c, false);
    auto q = impl_->c.query(
        "SELECT o.name, j.seq, j.kind, COALESCE(j.idem_key, ''), j.body, j.prev, j.hash, "
        "j.created_at FROM origins o JOIN journal j ON j.id = (SELECT m.id FROM journal m "
        "WHERE " LOY_JOURNAL_OF("m",
                                "o.journal_range") " ORDER BY m.id DESC LIMIT 1) ORDER BY o.name");
    std::vector<JournalRecord> out;
    while (q.next())
        out.push_back({q.text(0), q.i64(1), q.text(2), q.text(3), unpack_record_body(q.view(4)),
                       q.text(5), q.text(6), q.i64(7)});
    return out;
}

// The local row of `table` holding fact (origin `o`, seq), or 0.
std::int64_t Database::Impl::fact_row(const char* table, std::int64_t o, std::int64_t seq) {
    const FactTable* t = fact_table(table);
    if (!t) throw Error(Status::Internal, std::string("not a fact table: ") + table);
    auto q = c.query(t->by_seq_sql, o, seq);
    if (q.next()) return q.i64(0);
    auto l = c.query(t->by_id_sql, o, seq);
    return l.next() ? l.i64(0) : 0;
}

// A sale's record as its claim (storage/claims.cpp) left it: the member, the points and the
// explanation of the claim, each line's points.
namespace {

void claimed(Database::Impl& d, nlohmann::json& sale, std::int64_t row) {
    auto q = d.c.query(
        "SELECT member_id, points_earned, charge_points, line_points, explanation FROM "
        "sale_claims WHERE sale_id=?",
        row);
    if (!q.next()) return;
    std::string uid;
    d.append_fact_uid(uid, "members", q.i64(0));
    sale["member_id"] = nlohmann::json::parse(uid);
    sale["points_earned"] = q.i64(1);
    sale["charge_points"] = q.i64(2);
    sale["explanation"] = q.text(4);
    if (!sale.contains("lines") || !sale["lines"].is_array()) return;
    auto& lines = sale["lines"];
    // A list that does not fit the sale's lines is left as recorded: the difference is reported.
    std::vector<std::int64_t> points;
    try {
        points = d.claim_line_points(q.text(3), lines.size());
    } catch (const Error&) {
        return;
    }
    for (std::size_t i = 0; i < points.size(); ++i)
        if (lines[i].is_object()) lines[i]["points"] = points[i];
}

}  // namespace

// Every fact still reads as the last record that wrote it says: a fact's own figures, its text,
// its references and the lots an entry opened, changed after the record was written, are found.
// (Facts written before the journal existed have no record and are not compared.)
std::int64_t Database::Impl::check_facts(std::vector<std::string>& problems) {
    // The last text of each fact, the records in order of time, an origin's in the order it wrote
    // them: by the latest time of the origin's records so far (a file written before records'
    // times stopped going back may hold a record older than the one before it).
    std::unordered_map<std::string, std::string> last;
    {
        auto q = c.query(
            "SELECT body FROM (SELECT body, origin, seq, MAX(created_at) OVER (PARTITION BY "
            "origin ORDER BY seq) AS at FROM journal) ORDER BY at, origin, seq");
        std::string text;
        while (q.next()) {
            unpack_record_body(q.view(0), text);
            nlohmann::json body = nlohmann::json::parse(text, nullptr, false);
            if (!body.is_array()) continue;  // a damaged body: check_journal reports its hash
            for (auto& f : body)
                if (f.is_object() && f.contains("id") && f["id"].is_string())
                    last[f["id"].get<std::string>()] = f.dump();
        }
    }
    std::int64_t checked = 0;
    std::string now_text;
    ++plan_epoch;
    for (const auto& [id, text] : last) {
        ++checked;
        const std::size_t colon = id.rfind(':');
        const FactTable* t = colon + 1 < id.size() ? fact_table_of(id[colon + 1]) : nullptr;
        std::int64_t row = 0;
        try {
            if (t) row = local_id(t->table, t->letter, id);
        } catch (const Error& e) {
            if (e.status() != Status::NotFound && e.status() != Status::InvalidArgument) throw;
        }
        if (row == 0) {
            problems.push_back("fact " + id + " is in the journal but not in its table");
            continue;
        }
        now_text.clear();
        uid_memo.clear();
        fact_json(now_text, *this, *t, row);
        nlohmann::json was = nlohmann::json::parse(text);
        if (t->letter == 'S') claimed(*this, was, row);
        const nlohmann::json is = nlohmann::json::parse(now_text);
        if (was == is) continue;
        std::string fields;
        for (const auto& [k, v] : was.items())
            if (!is.contains(k) || is[k] != v) fields += (fields.empty() ? "" : ", ") + k;
        for (const auto& [k, v] : is.items())
            if (!was.contains(k)) fields += (fields.empty() ? "" : ", ") + k;
        problems.push_back("fact " + id + " differs from its journal record (" + fields + ")");
    }
    return checked;
}

// Every origin's chain: each record's hash is the hash of its content and the record before,
// and the seqs run 1, 2, 3… without a gap.
std::int64_t Database::Impl::check_journal(std::vector<std::string>& problems) {
    std::int64_t records = 0;
    auto q = c.query(
        "SELECT o.name, j.seq, j.kind, COALESCE(j.idem_key, ''), j.body, j.prev, j.hash, "
        "j.created_at, j.id = " LOY_JOURNAL_KEY("o.journal_range", "j.seq") " FROM journal j "
        "JOIN origins o ON o.id = j.origin ORDER BY j.id");
    std::string origin_name, prev;
    std::int64_t expect = 1;
    while (q.next()) {
        ++records;
        if (q.text(0) != origin_name) {
            origin_name = q.text(0);
            prev = kGenesis;
            expect = 1;
        }
        const std::int64_t seq = q.i64(1);
        const std::string where = "journal record " + origin_name + ":J" + std::to_string(seq);
        if (seq != expect) problems.push_back(where + ": expected seq " + std::to_string(expect));
        if (q.i64(8) != 1) problems.push_back(where + ": not under its origin's key");
        if (q.text(5) != prev) problems.push_back(where + ": does not follow the record before");
        const std::string h = record_hash(q.text(5), origin_name, seq, q.text(2), q.text(3),
                                          q.i64(7), unpack_record_body(q.view(4)));
        if (h != q.text(6)) problems.push_back(where + ": its content does not match its hash");
        prev = q.text(6);
        expect = seq + 1;
    }
    return records;
}

}  // namespace loyalty
