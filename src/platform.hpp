// The operating system, in one place: cryptographic random bytes, files named by UTF-8 paths,
// and a program's arguments as UTF-8. Everything else in the library is portable C++.
//
// Paths are UTF-8 on every platform. On Windows they are converted to UTF-16 and opened with the
// wide-character APIs (CreateFileW, _wfopen, GetFileAttributesExW), so a database under
// C:\Users\علی\ or a programme file named «برنامه وفاداری.json» works whatever the ANSI code page;
// SQLite takes the same UTF-8 path and converts it the same way.
#ifndef LOYALTY_SRC_PLATFORM_HPP
#define LOYALTY_SRC_PLATFORM_HPP

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace loyalty::platform {

// Fills `buf` with `n` bytes from the system's cryptographic source: getrandom(2) on Linux,
// BCryptGenRandom on Windows. Throws Error(Internal) if the source fails.
void random_bytes(void* buf, std::size_t n);
// `n` symbols drawn uniformly from `alphabet` (at most 256 symbols) with random_bytes: a byte at
// or past the largest multiple of the alphabet's size is drawn again.
std::string random_symbols(std::size_t n, std::string_view alphabet);

// Asks the system to back [p, p + bytes) with large pages where it can (Linux: madvise
// MADV_HUGEPAGE on the 2 MiB-aligned part; elsewhere nothing): a large array written once (a
// million members' facts) then costs a page fault every 2 MiB, not every 4 KiB. A hint only.
void prefer_large_pages(void* p, std::size_t bytes) noexcept;

enum class PathKind { Missing, File, Directory };
// What is at `path`. Throws Error(InvalidArgument) for a path that is not valid UTF-8 and
// Error(Io) when the path cannot be examined (permission denied on a parent, say).
PathKind path_kind(const std::string& path);

// The size of the file at `path` in bytes; -1 when there is none.
std::int64_t file_size(const std::string& path);

// What tells this file apart from a copy of it: the device and inode (POSIX), the volume serial
// number and file index (Windows). A copy, or a file put back from a backup, has another; a
// rename within one volume keeps it. Empty when it cannot be read.
std::string file_identity(const std::string& path);

// Creates `path` as an empty file that only its owner may read and write (mode 0600 on POSIX; on
// Windows the file inherits its folder's access list, which under a user's profile is that user's
// alone). Returns false if something already exists there. Throws Error(ReadOnly) when the
// folder or medium refuses writing, Error(Io) otherwise.
bool create_private_file(const std::string& path);

// Removes the file at `path` if there is one; never fails.
void remove_file(const std::string& path) noexcept;
// Removes an SQLite database file and its -wal and -shm files, those that exist; never fails.
void remove_database_files(const std::string& path) noexcept;

// The whole content of a file; `what` names it in the error ("programme file"). Throws Error(Io).
std::string read_file(const std::string& path, const char* what);
// Replaces the file's content with `data`. Throws Error(Io).
void write_file(const std::string& path, std::string_view data, const char* what);

// The program's arguments in UTF-8. On Windows they are taken from the UTF-16 command line, not
// from `argv` (which the C runtime has already narrowed to the ANSI code page, losing Persian
// letters); elsewhere they are `argv` as given. Also sets a Windows console to UTF-8 output.
std::vector<std::string> utf8_arguments(int argc, char** argv);

#ifdef _WIN32
// UTF-8 <-> UTF-16. widen throws Error(InvalidArgument) on invalid UTF-8.
std::wstring widen(std::string_view utf8);
std::string narrow(std::wstring_view utf16);
#endif

}  // namespace loyalty::platform

#endif
