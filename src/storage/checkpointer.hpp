// Checkpoints out of the committing call: a thread of the handle's own copies the WAL into the
// database file while the till goes on selling (docs/storage.md, "Checkpoints").
#ifndef LOYALTY_SRC_STORAGE_CHECKPOINTER_HPP
#define LOYALTY_SRC_STORAGE_CHECKPOINTER_HPP

#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace loyalty::storage {

// The most frames the log may hold before it starts again, whatever the disk's pace: 256 MiB of
// 4 KiB pages. The background thread's passes stop there and restart the log at once; a manual
// handle's log is copied inline there (PRAGMA wal_autocheckpoint).
constexpr int kMostLogFrames = 65536;

// What one checkpoint found: frames in the WAL, and how many of them are now in the main file.
struct CheckpointResult {
    int wal_frames = 0;
    int copied_frames = 0;
};

// Runs a passive checkpoint of `db` now (never waits for readers or writers).
CheckpointResult checkpoint_passive(sqlite3* db);

// Watches a connection's commits (sqlite3_wal_hook); once its WAL holds `threshold` frames, wakes
// a thread with its own connection to the file that checkpoints passively at the next pause in
// the sales (or at once when the log holds twice the threshold). The thread starts
// with the first checkpoint it is asked for and stops when the Checkpointer is destroyed, which
// must happen before the watched connection closes.
class Checkpointer {
  public:
    Checkpointer(sqlite3* watched, std::string path, int threshold);
    ~Checkpointer();
    Checkpointer(const Checkpointer&) = delete;
    Checkpointer& operator=(const Checkpointer&) = delete;

    // Held while the caller runs a checkpoint of its own (TRUNCATE after an erasure): the
    // thread's passive checkpoint would make it fail with SQLITE_BUSY.
    std::unique_lock<std::mutex> pause() { return std::unique_lock<std::mutex>(run_mu_); }

  private:
    static int on_commit(void* self, sqlite3* db, const char* schema, int frames);
    void wake();
    void loop();

    sqlite3* watched_;
    std::string path_;
    int threshold_;
    int asked_at_ = 0;  // frames in the log when a checkpoint was last asked for (hook only)
    // What the hook saw last: when a commit ended (steady clock, ms) and the frames in the log.
    std::atomic<std::int64_t> last_commit_ms_{0};
    std::atomic<int> frames_{0};
    std::mutex mu_;  // guards wanted_, stop_ and the thread's start
    std::condition_variable cv_;
    bool wanted_ = false, stop_ = false;
    bool inline_ = false;  // the thread could not open the file: checkpoints run in the hook
    std::mutex run_mu_;    // held during each checkpoint the thread runs
    std::thread thread_;
};

}  // namespace loyalty::storage

#endif
