// The Database facade: opening a file (schema, pragmas, origin), the clock, currencies and
// programme versions. Each domain's transactions and SQL live in its own file beside this one
// (docs/architecture.md lists them); storage/impl.hpp declares what they share.
#include "storage/impl.hpp"

namespace loyalty {

std::int64_t Database::Impl::now() const {
    std::int64_t f = fixed_clock.load();
    if (f != 0) return f;
    const std::uint64_t tx = c.transaction_no();
    if (tx != 0 && tx == clock_tx.load(std::memory_order_relaxed))
        return clock_at.load(std::memory_order_relaxed);
    using namespace std::chrono;
    const std::int64_t t =
        duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    if (tx != 0) {
        clock_at.store(t, std::memory_order_relaxed);
        clock_tx.store(tx, std::memory_order_relaxed);
    }
    return t;
}

std::string Database::Impl::uid(const std::string& origin_name, char kind, std::int64_t id) const {
    return origin_name + ":" + kind + std::to_string(id);
}

void Database::Impl::open() {
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
    storage::wait_when_busy(c.handle(), opt.busy_timeout_ms);
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
    c.exec(("PRAGMA cache_size=-" + std::to_string(kCacheKiB)).c_str());
    c.exec("PRAGMA temp_store=MEMORY");  // sorts and temporary tables never touch the disk
    if (!opt.read_only) {
        register_origin();
        watch_facts();
        start_checkpoints();
    }
}

// A read-only open whose first read failed: the file is in WAL mode and its -shm file can be
// neither found nor created beside it, as on a read-only medium (a mounted snapshot, a backup
// disc, a replica's copy). With no -wal file holding changes the main file lacks, nothing
// can change the file: it is read as immutable, without locks (docs/storage.md).
void Database::Impl::open_on_read_only_medium() {
    if (platform::file_size(opt.path + "-wal") > 0)
        throw Error(Status::ReadOnly,
                    "'" + opt.path +
                        "' has a -wal file with changes that may not be in the main file, "
                        "and its folder cannot be written: copy the database with its -wal "
                        "file to writable storage to read it");
    c.close();
    c.open_immutable(opt.path);
    storage::wait_when_busy(c.handle(), opt.busy_timeout_ms);
    storage::prepare_schema(c, true, now());
}

const Program& Database::Impl::active_program() {
    // Looked up again only when another connection has committed since, or when a released
    // programme's start has come: here the programme changes only by load_program and by a
    // release, which forget this (program_epoch = 0). The body is read only when the version
    // is new.
    const std::int64_t t = now();
    if (c.unchanged_since(program_epoch) && (program_next_start == 0 || t < program_next_start))
        return program;
    program_epoch = c.epoch();
    // The version in effect: the newest whose start has come (a programme loaded here starts
    // at once; a release at its start time).
    const std::int64_t latest =
        scalar(c.query("SELECT COALESCE(MAX(version), 0) FROM programs WHERE starts_at <= ?", t));
    program_next_start = scalar(c.query(
        "SELECT COALESCE(MIN(starts_at), 0) FROM programs WHERE starts_at > ? AND version > ?", t,
        latest));
    if (latest != 0 && latest == program_version) return program;
    auto q = c.query("SELECT version, body FROM programs WHERE version = ?", latest);
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
void Database::Impl::record_currency(const std::string& code, int exp) {
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
    exponent_memo.epoch = 0;
    t.commit();
}

int Database::Impl::exponent(const std::string& code) {
    // Remembered until another connection commits (a checkout asks for its currency's several
    // times); writing a currency here forgets it.
    if (c.unchanged_since(exponent_memo.epoch) && exponent_memo.code == code)
        return exponent_memo.exponent;
    auto q = c.query("SELECT exponent FROM currencies WHERE code=?", code);
    if (!q.next())
        throw Error(Status::UnknownCurrency, "currency '" + code + "' is not configured");
    exponent_memo = {c.epoch(), code, static_cast<int>(q.i64(0))};
    return exponent_memo.exponent;
}

// Who copies the WAL into the database file (docs/storage.md, "Checkpoints").
void Database::Impl::start_checkpoints() {
    switch (opt.checkpoint) {
        case CheckpointMode::Background:
            // Each ~16 MiB of new WAL, on the handle's own thread: a commit never waits for it.
            checkpointer = std::make_unique<storage::Checkpointer>(c.handle(), opt.path, 4000);
            break;
        case CheckpointMode::Inline:
            // Every ~16 MiB rather than every 4 MiB: the checkpoint runs in the committing
            // call, so fewer, larger ones keep most sales clear of it.
            c.exec("PRAGMA wal_autocheckpoint=4000");
            break;
        case CheckpointMode::Manual:
            // The host checkpoints when idle; a host that never does still has its WAL
            // copied, inline, once it reaches 256 MiB.
            c.exec(
                ("PRAGMA wal_autocheckpoint=" + std::to_string(storage::kMostLogFrames)).c_str());
            break;
    }
}

// Copies the WAL into the main file and truncates it to zero bytes, if no reader holds an
// older snapshot; otherwise it is left to the next checkpoint. Never fails the caller.
void Database::Impl::checkpoint_truncate() {
    auto paused = pause_checkpoints();
    try {
        c.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    } catch (const Error&) {
    }
}

Database::Database(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Database::~Database() = default;

std::unique_ptr<Database> Database::open(const OpenOptions& options) {
    if (options.path.empty()) throw Error(Status::InvalidArgument, "a database path is required");
    text::check_field("path", options.path, 4096);
    text::check_field("origin", options.origin, kMaxShort);
    // An origin name is part of every id written here (`<origin>:S12`) and of the journal.
    if (options.origin.find_first_of(":~\"\\") != std::string::npos ||
        std::any_of(options.origin.begin(), options.origin.end(),
                    [](char ch) { return static_cast<unsigned char>(ch) < 0x20; }))
        throw Error(Status::InvalidArgument,
                    "an origin name cannot hold ':', '~', '\"', '\\' or control characters");
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
            impl->checkpointer.reset();  // it watches the connection: it stops first
            impl->c.close();
            platform::remove_database_files(options.path);
        }
        throw;
    }
    return std::unique_ptr<Database>(new Database(std::move(impl)));
}

CheckpointInfo Database::checkpoint() {
    std::lock_guard<std::mutex> lock(impl_->mu);
    if (impl_->opt.read_only)
        throw Error(Status::ReadOnly, "a read-only handle does not checkpoint");
    auto paused = impl_->pause_checkpoints();
    const storage::CheckpointResult r = storage::checkpoint_passive(impl_->c.handle());
    return {r.wal_frames, r.copied_frames};
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
    impl_->exponent_memo.epoch = 0;
    t.commit();
}

int Database::currency_exponent(const std::string& code) {
    text::check_field("currency", code, 8);
    std::lock_guard<std::mutex> lock(impl_->mu);
    return impl_->exponent(code);
}

std::int64_t Database::load_program(const std::string& json_text) {
    Program p = parse_program(json_text);
    std::string canonical = program_to_json(p);
    std::lock_guard<std::mutex> lock(impl_->mu);
    Transaction t(impl_->c, true);
    impl_->exponent(p.currency);  // the programme's currency must be configured
    {
        auto q = impl_->c.query(
            "SELECT version, body FROM programs WHERE starts_at <= ? ORDER BY version DESC LIMIT 1",
            impl_->now());
        if (q.next() && q.text(1) == canonical) return q.i64(0);
    }
    impl_->c.query("INSERT INTO programs(body, created_at) VALUES (?, ?)", canonical, impl_->now())
        .run();
    std::int64_t v = impl_->c.last_id();
    impl_->program_epoch = 0;
    t.commit();
    return v;
}

// A release for the whole chain: a fact (its record goes to every till with the sync), which
// the trigger program_releases_i turns into a version here, as in every file that learns it.
std::int64_t Database::publish_program(const std::string& json_text, std::int64_t starts_at_ms) {
    impl_->not_on_a_till("publishing a programme");
    if (starts_at_ms < 0) throw Error(Status::InvalidArgument, "starts_at cannot be negative");
    Program p = parse_program(json_text);
    std::string canonical = program_to_json(p);
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    Transaction t(d.c, true);
    d.exponent(p.currency);
    const std::int64_t at = d.now();
    const std::int64_t starts = starts_at_ms == 0 ? at : starts_at_ms;
    if (starts < at)
        throw Error(Status::InvalidArgument,
                    "a release starts now or later: a till may already have sold under the "
                    "programme it would replace");
    {
        // The same release published again (a retry) is the same version.
        auto q = d.c.query(
            "SELECT p.version FROM program_releases r JOIN programs p ON p.release_id = r.id "
            "WHERE r.origin = ? AND r.body = ? AND r.starts_at = ?",
            d.origin_id, canonical, starts);
        if (q.next()) return q.i64(0);
    }
    d.journal_operation("program_release", "");
    d.c.query("INSERT INTO program_releases(origin, body, starts_at, created_at) VALUES (?,?,?,?)",
              d.origin_id, canonical, starts, at)
        .run();
    const std::int64_t v =
        scalar(d.c.query("SELECT version FROM programs WHERE release_id = ?", d.c.last_id()));
    d.program_epoch = 0;
    t.commit();
    return v;
}

ProgramRelease Database::next_program() {
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& d = *impl_;
    Transaction t(d.c, false);
    d.active_program();  // the version in effect now (program_version)
    ProgramRelease r;
    auto q = d.c.query(
        "SELECT version, starts_at FROM programs WHERE starts_at > ? AND version > ? "
        "ORDER BY starts_at, version LIMIT 1",
        d.now(), std::max<std::int64_t>(d.program_version, 0));
    if (q.next()) {
        r.version = q.i64(0);
        r.starts_at = q.i64(1);
    }
    return r;
}

std::int64_t Database::active_program_version() {
    std::lock_guard<std::mutex> lock(impl_->mu);
    Transaction t(impl_->c, false);
    impl_->active_program();
    return std::max<std::int64_t>(impl_->program_version, 0);
}

std::string Database::export_program(std::int64_t version) {
    if (version < 0) throw Error(Status::InvalidArgument, "version cannot be negative");
    std::lock_guard<std::mutex> lock(impl_->mu);
    if (version == 0) {
        Transaction t(impl_->c, false);
        impl_->active_program();
        version = std::max<std::int64_t>(impl_->program_version, 0);
    }
    if (version == 0) {
        Program empty;
        empty.currency = impl_->opt.default_currency;
        return program_to_json(empty);
    }
    auto q = impl_->c.query("SELECT body FROM programs WHERE version=?", version);
    if (!q.next()) throw Error(Status::NotFound, "no programme version " + std::to_string(version));
    return q.text(0);
}

}  // namespace loyalty

namespace loyalty::storage {

void Access::not_on_a_till(Database& db, const char* what) {
    db.impl_->not_on_a_till(what);
}

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
