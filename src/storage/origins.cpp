// Origins and chain-wide ids. An origin is a terminal (the till's name) and a generation; every
// fact written here carries (origin, seq) and is shown as `<origin>:<letter><seq>`. A file found
// copied, moved to another file or restored from a backup gets a new generation, so its new
// facts never reuse a seq that another copy has used (docs/journal.md, "Identity").
#include "storage/facts.hpp"
#include "storage/impl.hpp"

namespace loyalty {

namespace {

std::string meta_value(Connection& c, const char* key) {
    auto q = c.query("SELECT value FROM meta WHERE key=?", std::string(key));
    return q.next() ? q.text(0) : std::string();
}

void set_meta(Connection& c, const char* key, const std::string& value) {
    c.query(
         "INSERT INTO meta(key, value) VALUES (?1, ?2) "
         "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
         std::string(key), value)
        .run();
}

}  // namespace

void Database::Impl::register_origin() {
    Transaction t(c, true);
    const std::string identity = platform::file_identity(opt.path);
    const std::string recorded_identity = meta_value(c, "file_identity");
    std::string current = meta_value(c, "origin");
    std::string till;
    if (!current.empty()) {
        auto q = c.query("SELECT till FROM origins WHERE name=?", current);
        till = q.next() && !q.is_null(0) ? q.text(0) : current;
    }
    if (!opt.origin.empty() && opt.origin != till) {
        // Opened under another terminal name: that till's latest generation in this file.
        till = opt.origin;
        auto q =
            c.query("SELECT name FROM origins WHERE till=? ORDER BY generation DESC LIMIT 1", till);
        current = q.next() ? q.text(0) : till;
    }
    if (till.empty()) current = till = random_hex(12);
    // Made here to write this file's facts: a writer, whose records take the journal's top keys.
    c.query("INSERT OR IGNORE INTO origins(name, till, generation, writer) VALUES (?, ?, 1, 1)",
            current, till)
        .run();
    if (!recorded_identity.empty() && !identity.empty() && recorded_identity != identity) {
        // Another file than the one this origin last wrote: a copy, or a backup put back. Its
        // new facts get a new origin, named with a random part so that two copies of one file
        // never take the same name.
        const std::int64_t g =
            scalar(c.query("SELECT MAX(generation) FROM origins WHERE till=?", till)) + 1;
        current = till + "~" + std::to_string(g) + "-" + random_hex(6);
        c.query("INSERT INTO origins(name, till, generation, writer) VALUES (?, ?, ?, 1)", current,
                till, g)
            .run();
        new_generation = true;
    }
    if (meta_value(c, "origin") != current) set_meta(c, "origin", current);
    if (!identity.empty() && identity != recorded_identity) set_meta(c, "file_identity", identity);
    auto q = c.query("SELECT id, generation, till FROM origins WHERE name=?", current);
    q.next();
    origin_id = q.i64(0);
    generation = q.i64(1);
    origin = current;
    t.commit();
}

std::int64_t Database::Impl::origin_by_name(const std::string& name) {
    auto q = c.query("SELECT id FROM origins WHERE name=?", name);
    return q.next() ? q.i64(0) : 0;
}

std::int64_t Database::Impl::journal_range(std::int64_t id) {
    if (auto it = journal_ranges.find(id); it != journal_ranges.end()) return it->second;
    auto q = c.query("SELECT journal_range FROM origins WHERE id=?", id);
    if (!q.next()) return 0;
    return journal_ranges.emplace(id, q.i64(0)).first->second;
}

// `<origin>:<letter><seq>` to the local row id of `table`, or NotFound. A row written here has
// origin_seq NULL and its seq is its id; a row copied from another file keeps its origin_seq.
std::int64_t Database::Impl::local_id(const char* table, char letter, const std::string& text) {
    text::check_field("id", text, kMaxText);
    storage::Uid u;
    if (!storage::parse_uid(text, u) || u.letter != letter)
        throw Error(Status::InvalidArgument, "'" + text + "' is not an id of the form <origin>:" +
                                                 std::string(1, letter) + "<number>");
    const std::int64_t o = origin_by_name(u.origin);
    if (o != 0)
        if (const std::int64_t row = fact_row(table, o, u.seq)) return row;
    throw Error(Status::NotFound, "nothing here has the id '" + text + "'");
}

Origin Database::origin() const {
    std::lock_guard<std::mutex> lock(impl_->mu);
    Origin o;
    o.name = impl_->origin;
    o.generation = impl_->generation;
    o.new_generation = impl_->new_generation;
    const std::size_t tilde = o.name.find('~');
    o.till = tilde == std::string::npos ? o.name : o.name.substr(0, tilde);
    if (impl_->origin_id == 0) {  // read-only: the origin the file last wrote as
        Transaction t(impl_->c, false);
        auto q = impl_->c.query(
            "SELECT o.name, o.till, o.generation FROM meta m JOIN origins o ON o.name = m.value "
            "WHERE m.key = 'origin'");
        if (q.next()) {
            o.name = q.text(0);
            o.till = q.text(1);
            o.generation = q.i64(2);
        }
    }
    return o;
}

}  // namespace loyalty
