// The background checkpointer (storage/checkpointer.hpp).
#include "storage/checkpointer.hpp"

#include <chrono>
#include <utility>

#include "storage/sqlite.hpp"

namespace loyalty::storage {
namespace {

// A pause in the sales this long lets the thread copy the log without slowing a commit (its
// syncs and a commit's would share the disk).
constexpr std::int64_t kPauseMs = 20;

// Before the log starts again: at most this many passive passes more, until one finds no more
// than this many new frames (a few sales' pages) to copy.
constexpr int kMorePasses = 8;
constexpr int kFewFrames = 100;

// Writes the database file's pages out to the disk (its VFS's sync, as a checkpoint would), on
// this connection and holding no lock: a restart's own sync then finds few pages left to write.
void sync_database_file(sqlite3* db) {
    sqlite3_file* f = nullptr;
    if (sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &f) == SQLITE_OK && f &&
        f->pMethods)
        f->pMethods->xSync(f, SQLITE_SYNC_NORMAL);
}

std::int64_t steady_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace

CheckpointResult checkpoint_passive(sqlite3* db) {
    CheckpointResult r;
    sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, &r.wal_frames,
                              &r.copied_frames);
    if (r.wal_frames < 0) r.wal_frames = 0;  // not in WAL mode
    if (r.copied_frames < 0) r.copied_frames = 0;
    return r;
}

Checkpointer::Checkpointer(sqlite3* watched, std::string path, int threshold)
    : watched_(watched), path_(std::move(path)), threshold_(threshold) {
    // Replaces SQLite's own automatic checkpoint, which runs inside the committing call.
    sqlite3_wal_hook(watched_, &Checkpointer::on_commit, this);
}

Checkpointer::~Checkpointer() {
    sqlite3_wal_hook(watched_, nullptr, nullptr);
    {
        std::lock_guard<std::mutex> lock(mu_);
        stop_ = true;
    }
    cv_.notify_one();
    if (thread_.joinable()) thread_.join();
}

int Checkpointer::on_commit(void* self, sqlite3*, const char*, int frames) {
    auto* cp = static_cast<Checkpointer*>(self);
    cp->last_commit_ms_.store(steady_ms(), std::memory_order_relaxed);
    cp->frames_.store(frames, std::memory_order_relaxed);
    // Once per `threshold` new frames: a log that keeps growing while the thread copies it is
    // not asked for again at every commit.
    if (frames < cp->asked_at_) cp->asked_at_ = 0;  // the log started again
    if (frames - cp->asked_at_ >= cp->threshold_) {
        cp->asked_at_ = frames;
        cp->wake();
    }
    return SQLITE_OK;
}

void Checkpointer::wake() {
    bool here = false;
    {
        std::lock_guard<std::mutex> lock(mu_);
        if (stop_) return;
        if (!inline_ && !thread_.joinable()) {
            try {
                thread_ = std::thread([this] { loop(); });
            } catch (...) {
                inline_ = true;
            }
        }
        here = inline_;
        if (!here) wanted_ = true;
    }
    // No thread to be had: the checkpoint runs here, as SQLite's own would.
    if (here) {
        std::lock_guard<std::mutex> run(run_mu_);
        checkpoint_passive(watched_);
        return;
    }
    cv_.notify_one();
}

void Checkpointer::loop() {
    sqlite3* db = nullptr;
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    // A first read opens the file's WAL on this connection: until then it has none to copy.
    const bool opened = sqlite3_open_v2(path_.c_str(), &db, flags, nullptr) == SQLITE_OK;
    if (opened) wait_when_busy(db, 5000);
    if (!opened || sqlite3_exec(db, "SELECT COUNT(*) FROM sqlite_master", nullptr, nullptr,
                                nullptr) != SQLITE_OK) {
        sqlite3_close_v2(db);
        std::lock_guard<std::mutex> lock(mu_);
        inline_ = true;  // the next commits checkpoint in their own call
        wanted_ = false;
        return;
    }
    for (;;) {
        {
            std::unique_lock<std::mutex> lock(mu_);
            cv_.wait(lock, [this] { return wanted_ || stop_; });
            // Until the till pauses, or the log grows to twice the threshold.
            for (;;) {
                if (stop_) break;
                const std::int64_t quiet =
                    steady_ms() - last_commit_ms_.load(std::memory_order_relaxed);
                if (quiet >= kPauseMs || frames_.load(std::memory_order_relaxed) >= 2 * threshold_)
                    break;
                cv_.wait_for(lock, std::chrono::milliseconds(kPauseMs - quiet));
            }
            if (stop_) break;
            wanted_ = false;
        }
        std::lock_guard<std::mutex> run(run_mu_);
        CheckpointResult r = checkpoint_passive(db);
        // Sales that never pause leave the log no moment to start again from its beginning, and
        // it would only grow: once it holds twice the threshold, what the passive checkpoints
        // left (the sales made while they ran) is copied holding the write lock, and the next
        // commit starts the log again. A pass of 8,000 frames takes ~45 ms, in which sales add
        // half as many again: copying those under the lock held a sale for as long. So passes
        // copy what the one before left, fewer frames each time, until one finds only a few
        // sales' pages new; the lock is then held for about as many. A passive pass leaves the
        // pages it copied unsynced in the database file (it syncs the file only once it has
        // copied the whole log), and the restart would sync them holding the lock: 32 MiB took
        // ~40 ms to write out, a sale waiting as long. So they are synced first, and the sales
        // made meanwhile copied and synced by passes as before.
        // On a disk slow to sync, the sales made during a pass can outgrow what it copied, pass
        // after pass: once the log holds kMostLogFrames, it starts again at once.
        if (r.wal_frames >= 2 * threshold_) {
            for (int round = 0; round < 2 && r.wal_frames < kMostLogFrames; ++round) {
                for (int pass = 0; pass < kMorePasses; ++pass) {
                    const int before = r.wal_frames;
                    r = checkpoint_passive(db);
                    if (r.wal_frames - before <= kFewFrames || r.wal_frames >= kMostLogFrames)
                        break;
                }
                sync_database_file(db);
            }
            sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_RESTART, nullptr, nullptr);
        }
    }
    sqlite3_close_v2(db);
}

}  // namespace loyalty::storage
