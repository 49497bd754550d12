// The "loyalty-wal" VFS: a log's appended frames gathered into one write (storage/wal_writes.hpp).
#include "storage/wal_writes.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <new>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace loyalty::storage {

namespace {

constexpr std::size_t kGather = 256 * 1024;  // written when this much has gathered
// The most one write hands the file: SQLite's Unix VFS takes less than 128 KiB a call.
constexpr std::size_t kChunk = 64 * 1024;
constexpr int kFrameHeader = 24;  // a log frame's header (SQLite's file format)

sqlite3_vfs* root_vfs = nullptr;  // the platform's VFS, under ours

struct File;

// The logs open in this process, by name: a barrier on a database file writes what its logs
// have gathered. Each log's gathered frames have a lock of their own (another connection's
// barrier may write them while their writer appends).
std::mutex logs_mu;
std::unordered_map<std::string, std::vector<File*>>* logs = nullptr;

struct File {
    sqlite3_file base;  // first: SQLite sees this
    sqlite3_file* real = nullptr;
    bool log = false;
    std::string log_name;  // a database file: the name of its log; a log: its own
    // A log's gathered frames: `buf`, to be written at offset `start`.
    std::mutex mu;
    std::vector<char> buf;
    sqlite3_int64 start = 0;
    bool commit_frame = false;  // the last header gathered ends a transaction: its page next
    int failed = SQLITE_OK;     // a write a barrier made failed: the log's next call says so

    int write_out() {  // with mu held
        int rc = SQLITE_OK;
        for (std::size_t at = 0; at < buf.size() && rc == SQLITE_OK; at += kChunk) {
            const std::size_t n = std::min(kChunk, buf.size() - at);
            rc = real->pMethods->xWrite(real, buf.data() + at, static_cast<int>(n),
                                        start + static_cast<sqlite3_int64>(at));
        }
        buf.clear();
        commit_frame = false;
        return rc;
    }
};

File* of(sqlite3_file* f) {
    return reinterpret_cast<File*>(f);
}

int flush(File* f) {
    if (!f->log) return SQLITE_OK;
    std::lock_guard<std::mutex> lock(f->mu);
    if (f->failed != SQLITE_OK) return std::exchange(f->failed, SQLITE_OK);
    return f->write_out();
}

int x_close(sqlite3_file* pf) {
    File* f = of(pf);
    int rc = flush(f);
    if (f->log) {
        std::lock_guard<std::mutex> lock(logs_mu);
        auto it = logs->find(f->log_name);
        if (it != logs->end()) {
            auto& v = it->second;
            v.erase(std::remove(v.begin(), v.end(), f), v.end());
            if (v.empty()) logs->erase(it);
        }
    }
    const int rc2 = f->real->pMethods->xClose(f->real);
    f->~File();
    return rc != SQLITE_OK ? rc : rc2;
}

int x_read(sqlite3_file* pf, void* p, int n, sqlite3_int64 off) {
    File* f = of(pf);
    if (const int rc = flush(f); rc != SQLITE_OK) return rc;
    return f->real->pMethods->xRead(f->real, p, n, off);
}

int x_write(sqlite3_file* pf, const void* p, int n, sqlite3_int64 off) {
    File* f = of(pf);
    if (!f->log) return f->real->pMethods->xWrite(f->real, p, n, off);
    std::lock_guard<std::mutex> lock(f->mu);
    if (f->failed != SQLITE_OK) return std::exchange(f->failed, SQLITE_OK);
    const bool appends =
        !f->buf.empty() && off == f->start + static_cast<sqlite3_int64>(f->buf.size());
    if (!appends) {
        if (const int rc = f->write_out(); rc != SQLITE_OK) return rc;
        f->start = off;
    }
    const bool page_of_commit = f->commit_frame;
    const auto* bytes = static_cast<const char*>(p);
    f->buf.insert(f->buf.end(), bytes, bytes + n);
    // A frame header whose "database size after commit" is set ends a transaction: it is written
    // with the page that follows it. (When no page follows, SQLite is rewriting the checksums of
    // frames the transaction overwrote, header by header: the barrier writes the last.)
    f->commit_frame = n == kFrameHeader && (bytes[4] | bytes[5] | bytes[6] | bytes[7]) != 0;
    if (page_of_commit || f->buf.size() >= kGather) return f->write_out();
    return SQLITE_OK;
}

int x_truncate(sqlite3_file* pf, sqlite3_int64 size) {
    File* f = of(pf);
    if (const int rc = flush(f); rc != SQLITE_OK) return rc;
    return f->real->pMethods->xTruncate(f->real, size);
}

int x_sync(sqlite3_file* pf, int flags) {
    File* f = of(pf);
    if (const int rc = flush(f); rc != SQLITE_OK) return rc;
    return f->real->pMethods->xSync(f->real, flags);
}

int x_file_size(sqlite3_file* pf, sqlite3_int64* size) {
    File* f = of(pf);
    if (const int rc = flush(f); rc != SQLITE_OK) return rc;
    return f->real->pMethods->xFileSize(f->real, size);
}

int x_lock(sqlite3_file* pf, int lock) {
    File* f = of(pf);
    return f->real->pMethods->xLock(f->real, lock);
}

int x_unlock(sqlite3_file* pf, int lock) {
    File* f = of(pf);
    return f->real->pMethods->xUnlock(f->real, lock);
}

int x_check_reserved(sqlite3_file* pf, int* out) {
    File* f = of(pf);
    return f->real->pMethods->xCheckReservedLock(f->real, out);
}

int x_file_control(sqlite3_file* pf, int op, void* arg) {
    File* f = of(pf);
    if (const int rc = flush(f); rc != SQLITE_OK) return rc;
    const int rc = f->real->pMethods->xFileControl(f->real, op, arg);
    // The VFS's name in "PRAGMA vfs_list"-style reports names the stack.
    if (op == SQLITE_FCNTL_VFSNAME && rc == SQLITE_OK && arg) {
        char** name = static_cast<char**>(arg);
        char* was = *name;
        *name = sqlite3_mprintf("loyalty-wal/%z", was);
    }
    return rc;
}

int x_sector_size(sqlite3_file* pf) {
    File* f = of(pf);
    return f->real->pMethods->xSectorSize(f->real);
}

int x_device_characteristics(sqlite3_file* pf) {
    File* f = of(pf);
    return f->real->pMethods->xDeviceCharacteristics(f->real);
}

int x_shm_map(sqlite3_file* pf, int region, int size, int extend, void volatile** out) {
    File* f = of(pf);
    return f->real->pMethods->xShmMap(f->real, region, size, extend, out);
}

int x_shm_lock(sqlite3_file* pf, int offset, int n, int flags) {
    File* f = of(pf);
    return f->real->pMethods->xShmLock(f->real, offset, n, flags);
}

// Between the two copies of the wal-index header SQLite publishes after appending frames: what
// the database's logs gathered reaches the file before any reader can be told of it.
void x_shm_barrier(sqlite3_file* pf) {
    File* f = of(pf);
    {
        std::lock_guard<std::mutex> lock(logs_mu);
        auto it = logs->find(f->log_name);
        if (it != logs->end())
            for (File* log : it->second) {
                std::lock_guard<std::mutex> l(log->mu);
                // A barrier cannot fail: an error here comes back from the log's next call.
                if (const int rc = log->write_out(); rc != SQLITE_OK) log->failed = rc;
            }
    }
    f->real->pMethods->xShmBarrier(f->real);
}

int x_shm_unmap(sqlite3_file* pf, int del) {
    File* f = of(pf);
    return f->real->pMethods->xShmUnmap(f->real, del);
}

int x_fetch(sqlite3_file* pf, sqlite3_int64 off, int n, void** out) {
    File* f = of(pf);
    if (const int rc = flush(f); rc != SQLITE_OK) return rc;
    return f->real->pMethods->xFetch(f->real, off, n, out);
}

int x_unfetch(sqlite3_file* pf, sqlite3_int64 off, void* p) {
    File* f = of(pf);
    return f->real->pMethods->xUnfetch(f->real, off, p);
}

// The methods of our files: those of the version the file under it has.
sqlite3_io_methods methods_v1, methods_v2, methods_v3;

void init_methods() {
    sqlite3_io_methods m{};
    m.xClose = x_close;
    m.xRead = x_read;
    m.xWrite = x_write;
    m.xTruncate = x_truncate;
    m.xSync = x_sync;
    m.xFileSize = x_file_size;
    m.xLock = x_lock;
    m.xUnlock = x_unlock;
    m.xCheckReservedLock = x_check_reserved;
    m.xFileControl = x_file_control;
    m.xSectorSize = x_sector_size;
    m.xDeviceCharacteristics = x_device_characteristics;
    m.iVersion = 1;
    methods_v1 = m;
    m.xShmMap = x_shm_map;
    m.xShmLock = x_shm_lock;
    m.xShmBarrier = x_shm_barrier;
    m.xShmUnmap = x_shm_unmap;
    m.iVersion = 2;
    methods_v2 = m;
    m.xFetch = x_fetch;
    m.xUnfetch = x_unfetch;
    m.iVersion = 3;
    methods_v3 = m;
}

int x_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* pf, int flags, int* out_flags) {
    File* f = new (pf) File;
    f->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(pf) + sizeof(File));
    f->real->pMethods = nullptr;
    const int rc = root_vfs->xOpen(root_vfs, name, f->real, flags, out_flags);
    if (rc != SQLITE_OK || !f->real->pMethods) {
        if (f->real->pMethods) f->real->pMethods->xClose(f->real);
        f->~File();
        pf->pMethods = nullptr;
        return rc != SQLITE_OK ? rc : SQLITE_CANTOPEN;
    }
    const int version = f->real->pMethods->iVersion;
    f->base.pMethods = version >= 3 ? &methods_v3 : version == 2 ? &methods_v2 : &methods_v1;
    if (name && (flags & SQLITE_OPEN_WAL)) {
        f->log = true;
        f->log_name = name;
        f->buf.reserve(64 * 1024);
        std::lock_guard<std::mutex> lock(logs_mu);
        (*logs)[f->log_name].push_back(f);
    } else if (name && (flags & SQLITE_OPEN_MAIN_DB)) {
        f->log_name = std::string(name) + "-wal";
    }
    return SQLITE_OK;
}

// The rest of the VFS is the platform's, called with the platform's VFS.
int x_delete(sqlite3_vfs*, const char* name, int sync) {
    return root_vfs->xDelete(root_vfs, name, sync);
}
int x_access(sqlite3_vfs*, const char* name, int flags, int* out) {
    return root_vfs->xAccess(root_vfs, name, flags, out);
}
int x_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
    return root_vfs->xFullPathname(root_vfs, name, n, out);
}
void* x_dl_open(sqlite3_vfs*, const char* name) {
    return root_vfs->xDlOpen(root_vfs, name);
}
void x_dl_error(sqlite3_vfs*, int n, char* out) {
    root_vfs->xDlError(root_vfs, n, out);
}
void (*x_dl_sym(sqlite3_vfs*, void* lib, const char* sym))(void) {
    return root_vfs->xDlSym(root_vfs, lib, sym);
}
void x_dl_close(sqlite3_vfs*, void* lib) {
    root_vfs->xDlClose(root_vfs, lib);
}
int x_randomness(sqlite3_vfs*, int n, char* out) {
    return root_vfs->xRandomness(root_vfs, n, out);
}
int x_sleep(sqlite3_vfs*, int us) {
    return root_vfs->xSleep(root_vfs, us);
}
int x_current_time(sqlite3_vfs*, double* out) {
    return root_vfs->xCurrentTime(root_vfs, out);
}
int x_get_last_error(sqlite3_vfs*, int n, char* out) {
    return root_vfs->xGetLastError ? root_vfs->xGetLastError(root_vfs, n, out) : 0;
}
int x_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) {
    return root_vfs->xCurrentTimeInt64(root_vfs, out);
}
int x_set_system_call(sqlite3_vfs*, const char* name, sqlite3_syscall_ptr p) {
    return root_vfs->xSetSystemCall(root_vfs, name, p);
}
sqlite3_syscall_ptr x_get_system_call(sqlite3_vfs*, const char* name) {
    return root_vfs->xGetSystemCall(root_vfs, name);
}
const char* x_next_system_call(sqlite3_vfs*, const char* name) {
    return root_vfs->xNextSystemCall(root_vfs, name);
}

sqlite3_vfs vfs{};

}  // namespace

const char* wal_batching_vfs() {
    static std::once_flag once;
    static const char* name = nullptr;
    std::call_once(once, [] {
        if (sqlite3_initialize() != SQLITE_OK) return;
        root_vfs = sqlite3_vfs_find(nullptr);
        if (!root_vfs) return;
        logs = new std::unordered_map<std::string, std::vector<File*>>;  // lives as long as SQLite
        init_methods();
        vfs.iVersion = std::min(root_vfs->iVersion, 3);
        vfs.szOsFile = static_cast<int>(sizeof(File)) + root_vfs->szOsFile;
        vfs.mxPathname = root_vfs->mxPathname;
        vfs.zName = "loyalty-wal";
        vfs.xOpen = x_open;
        vfs.xDelete = x_delete;
        vfs.xAccess = x_access;
        vfs.xFullPathname = x_full_pathname;
        vfs.xDlOpen = root_vfs->xDlOpen ? x_dl_open : nullptr;
        vfs.xDlError = root_vfs->xDlError ? x_dl_error : nullptr;
        vfs.xDlSym = root_vfs->xDlSym ? x_dl_sym : nullptr;
        vfs.xDlClose = root_vfs->xDlClose ? x_dl_close : nullptr;
        vfs.xRandomness = x_randomness;
        vfs.xSleep = x_sleep;
        vfs.xCurrentTime = x_current_time;
        vfs.xGetLastError = x_get_last_error;
        if (vfs.iVersion >= 2) vfs.xCurrentTimeInt64 = x_current_time_int64;
        if (vfs.iVersion >= 3) {
            vfs.xSetSystemCall = root_vfs->xSetSystemCall ? x_set_system_call : nullptr;
            vfs.xGetSystemCall = root_vfs->xGetSystemCall ? x_get_system_call : nullptr;
            vfs.xNextSystemCall = root_vfs->xNextSystemCall ? x_next_system_call : nullptr;
        }
        if (sqlite3_vfs_register(&vfs, 0) == SQLITE_OK) name = vfs.zName;
    });
    return name;  // null: SQLite's default VFS is used
}

}  // namespace loyalty::storage
