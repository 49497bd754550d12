// A commit's log frames written in one system call (docs/storage.md, "How a commit reaches the
// log").
//
// SQLite writes each frame it appends to a write-ahead log in two calls, its 24-byte header and
// then its page: a checkout of 25 pages made 50 `pwrite` calls, a third of a commit's time on a
// virtual machine where a system call is dear. The "loyalty-wal" VFS stands over the platform's
// own and gathers the appends to a log in memory, handing them to the file in one write:
//
// - when the frame that ends a transaction has its page (its header gives the database's size
//   after the commit): a commit is in the file before SQLite publishes it;
// - as a backstop, before the log's new length is published to other connections (SQLite's
//   shared-memory barrier between the two copies of the wal-index header: no reader can see a
//   frame before it is in the file, whether in this process or another);
// - before anything else is done to the log through that handle (a read, a write elsewhere, a
//   sync, a truncation, its size asked, its closing);
// - when 256 KiB have gathered.
//
// (Written 64 KiB a call at most: SQLite's Unix VFS takes less than 128 KiB a call.)
//
// What reaches the file, and in what order, is what SQLite wrote; only the number of calls
// changes. A crash before the gathered frames are written loses a commit that was never
// published, as a crash in the middle of SQLite's own calls would. The database file and every
// other file pass straight through.
#ifndef LOYALTY_SRC_STORAGE_WAL_WRITES_HPP
#define LOYALTY_SRC_STORAGE_WAL_WRITES_HPP

namespace loyalty::storage {

// The name of the VFS (registered with SQLite on the first call, not as the default).
const char* wal_batching_vfs();

}  // namespace loyalty::storage

#endif
