#include "platform.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "loyalty/status.hpp"

#ifdef _WIN32
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
// windows.h first: bcrypt.h and shellapi.h need its types.
#include <bcrypt.h>
#include <shellapi.h>
#else
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace loyalty::platform {

namespace {

[[noreturn]] void fail_io(const std::string& what, const std::string& path, const std::string& why,
                          Status status = Status::Io) {
    throw Error(status, "cannot " + what + " '" + path + "': " + why);
}

#ifdef _WIN32
std::string win_message(DWORD code) {
    wchar_t* buf = nullptr;
    const DWORD n = FormatMessageW(
        FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
        nullptr, code, 0, reinterpret_cast<wchar_t*>(&buf), 0, nullptr);
    std::string s = n ? narrow(std::wstring_view(buf, n)) : "Windows error " + std::to_string(code);
    if (buf) LocalFree(buf);
    while (!s.empty() &&
           (s.back() == '\n' || s.back() == '\r' || s.back() == '.' || s.back() == ' '))
        s.pop_back();
    return s;
}

bool is_read_only_error(DWORD code) {
    return code == ERROR_WRITE_PROTECT || code == ERROR_ACCESS_DENIED ||
           code == ERROR_NOT_SUPPORTED;
}
#endif

}  // namespace

namespace {

// Random bytes for symbols, drawn from the system's source a block at a time: a member import
// draws a referral code for each of its members, and a system call for each code was a sixth of
// an import on Linux. The block is per thread; on POSIX a forked child discards what it
// inherited, so parent and child never hand out the same bytes.
struct RandomPool {
    unsigned char bytes[256];
    std::size_t next = sizeof bytes;
};
thread_local RandomPool random_pool;

unsigned char pooled_random_byte() {
#ifndef _WIN32
    static const int registered =
        pthread_atfork(nullptr, nullptr, [] { random_pool.next = sizeof random_pool.bytes; });
    (void)registered;
#endif
    RandomPool& p = random_pool;
    if (p.next == sizeof p.bytes) {
        random_bytes(p.bytes, sizeof p.bytes);
        p.next = 0;
    }
    const unsigned char b = p.bytes[p.next];
    p.bytes[p.next++] = 0;  // a byte handed out is not kept
    return b;
}

}  // namespace

void remove_database_files(const std::string& path) noexcept {
    for (const char* side : {"", "-wal", "-shm"})
        remove_file(path + side);
}

std::string random_symbols(std::size_t n, std::string_view alphabet) {
    const unsigned size = static_cast<unsigned>(alphabet.size());
    const unsigned limit = 256 - 256 % size;
    std::string s;
    s.reserve(n);
    while (s.size() < n) {
        const unsigned char b = pooled_random_byte();
        if (b < limit) s.push_back(alphabet[b % size]);
    }
    return s;
}

#ifdef _WIN32

std::wstring widen(std::string_view utf8) {
    if (utf8.empty()) return {};
    const int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8.data(),
                                      static_cast<int>(utf8.size()), nullptr, 0);
    if (n <= 0) throw Error(Status::InvalidArgument, "a path is not valid UTF-8");
    std::wstring w(static_cast<std::size_t>(n), L'\0');
    MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8.data(), static_cast<int>(utf8.size()),
                        w.data(), n);
    return w;
}

std::string narrow(std::wstring_view utf16) {
    if (utf16.empty()) return {};
    const int n = WideCharToMultiByte(CP_UTF8, 0, utf16.data(), static_cast<int>(utf16.size()),
                                      nullptr, 0, nullptr, nullptr);
    std::string s(static_cast<std::size_t>(n > 0 ? n : 0), '\0');
    if (n > 0)
        WideCharToMultiByte(CP_UTF8, 0, utf16.data(), static_cast<int>(utf16.size()), s.data(), n,
                            nullptr, nullptr);
    return s;
}

void random_bytes(void* buf, std::size_t n) {
    auto* p = static_cast<unsigned char*>(buf);
    while (n > 0) {
        const ULONG chunk = n > 0x10000000u ? 0x10000000u : static_cast<ULONG>(n);
        if (!BCRYPT_SUCCESS(BCryptGenRandom(nullptr, p, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG)))
            throw Error(Status::Internal, "the system's random source failed");
        p += chunk;
        n -= chunk;
    }
}

PathKind path_kind(const std::string& path) {
    WIN32_FILE_ATTRIBUTE_DATA a;
    if (!GetFileAttributesExW(widen(path).c_str(), GetFileExInfoStandard, &a)) {
        const DWORD e = GetLastError();
        if (e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND) return PathKind::Missing;
        fail_io("examine", path, win_message(e));
    }
    return (a.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) ? PathKind::Directory : PathKind::File;
}

std::int64_t file_size(const std::string& path) {
    WIN32_FILE_ATTRIBUTE_DATA a;
    if (!GetFileAttributesExW(widen(path).c_str(), GetFileExInfoStandard, &a)) return -1;
    return (static_cast<std::int64_t>(a.nFileSizeHigh) << 32) | a.nFileSizeLow;
}

std::string file_identity(const std::string& path) {
    HANDLE h =
        CreateFileW(widen(path).c_str(), 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                    nullptr, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, nullptr);
    if (h == INVALID_HANDLE_VALUE) return "";
    BY_HANDLE_FILE_INFORMATION info;
    const BOOL ok = GetFileInformationByHandle(h, &info);
    CloseHandle(h);
    if (!ok) return "";
    return std::to_string(info.dwVolumeSerialNumber) + ":" +
           std::to_string((static_cast<std::uint64_t>(info.nFileIndexHigh) << 32) |
                          info.nFileIndexLow);
}

bool create_private_file(const std::string& path) {
    HANDLE h = CreateFileW(widen(path).c_str(), GENERIC_READ | GENERIC_WRITE, 0, nullptr,
                           CREATE_NEW, FILE_ATTRIBUTE_NORMAL, nullptr);
    if (h == INVALID_HANDLE_VALUE) {
        const DWORD e = GetLastError();
        if (e == ERROR_FILE_EXISTS || e == ERROR_ALREADY_EXISTS) return false;
        fail_io("create", path, win_message(e),
                is_read_only_error(e) ? Status::ReadOnly : Status::Io);
    }
    CloseHandle(h);
    return true;
}

void remove_file(const std::string& path) noexcept {
    try {
        DeleteFileW(widen(path).c_str());
    } catch (...) {
    }
}

std::string read_file(const std::string& path, const char* what) {
    HANDLE h = CreateFileW(widen(path).c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE,
                           nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
    if (h == INVALID_HANDLE_VALUE)
        fail_io(std::string("read ") + what, path, win_message(GetLastError()));
    std::string out;
    char chunk[65536];
    for (;;) {
        DWORD got = 0;
        if (!ReadFile(h, chunk, sizeof chunk, &got, nullptr)) {
            const DWORD e = GetLastError();
            CloseHandle(h);
            fail_io(std::string("read ") + what, path, win_message(e));
        }
        if (got == 0) break;
        out.append(chunk, got);
    }
    CloseHandle(h);
    return out;
}

void write_file(const std::string& path, std::string_view data, const char* what) {
    HANDLE h = CreateFileW(widen(path).c_str(), GENERIC_WRITE, 0, nullptr, CREATE_ALWAYS,
                           FILE_ATTRIBUTE_NORMAL, nullptr);
    if (h == INVALID_HANDLE_VALUE)
        fail_io(std::string("write ") + what, path, win_message(GetLastError()));
    while (!data.empty()) {
        const DWORD chunk =
            data.size() > 0x40000000u ? 0x40000000u : static_cast<DWORD>(data.size());
        DWORD put = 0;
        if (!WriteFile(h, data.data(), chunk, &put, nullptr) || put == 0) {
            const DWORD e = GetLastError();
            CloseHandle(h);
            fail_io(std::string("write ") + what, path, win_message(e));
        }
        data.remove_prefix(put);
    }
    if (!CloseHandle(h)) fail_io(std::string("write ") + what, path, win_message(GetLastError()));
}

std::vector<std::string> utf8_arguments(int argc, char** argv) {
    SetConsoleOutputCP(CP_UTF8);
    int n = 0;
    LPWSTR* w = CommandLineToArgvW(GetCommandLineW(), &n);
    std::vector<std::string> out;
    if (!w) {
        for (int i = 0; i < argc; ++i)
            out.emplace_back(argv[i]);
        return out;
    }
    for (int i = 0; i < n; ++i)
        out.push_back(narrow(w[i]));
    LocalFree(w);
    return out;
}

void prefer_large_pages(void*, std::size_t) noexcept {}

#else

void prefer_large_pages(void* p, std::size_t bytes) noexcept {
#ifdef MADV_HUGEPAGE
    constexpr std::uintptr_t kLarge = 2u << 20;
    const auto begin = reinterpret_cast<std::uintptr_t>(p);
    const std::uintptr_t first = (begin + kLarge - 1) & ~(kLarge - 1);
    const std::uintptr_t last = (begin + bytes) & ~(kLarge - 1);
    if (p && last > first)
        (void)::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}

void random_bytes(void* buf, std::size_t n) {
    auto* p = static_cast<unsigned char*>(buf);
    while (n > 0) {
        const ssize_t got = ::getrandom(p, n, 0);
        if (got < 0) {
            if (errno == EINTR) continue;
            throw Error(Status::Internal, "the system's random source failed");
        }
        p += got;
        n -= static_cast<std::size_t>(got);
    }
}

PathKind path_kind(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        const int e = errno;
        if (e == ENOENT || e == ENOTDIR) return PathKind::Missing;
        fail_io("examine", path, std::strerror(e));
    }
    return S_ISDIR(st.st_mode) ? PathKind::Directory : PathKind::File;
}

std::int64_t file_size(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return -1;
    return static_cast<std::int64_t>(st.st_size);
}

std::string file_identity(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return "";
    return std::to_string(static_cast<std::uint64_t>(st.st_dev)) + ":" +
           std::to_string(static_cast<std::uint64_t>(st.st_ino));
}

bool create_private_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        const int e = errno;
        if (e == EEXIST) return false;
        fail_io("create", path, std::strerror(e),
                e == EROFS || e == EACCES ? Status::ReadOnly : Status::Io);
    }
    ::close(fd);
    return true;
}

void remove_file(const std::string& path) noexcept {
    ::unlink(path.c_str());
}

std::string read_file(const std::string& path, const char* what) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) fail_io(std::string("read ") + what, path, std::strerror(errno));
    std::string out;
    char chunk[65536];
    std::size_t got;
    while ((got = std::fread(chunk, 1, sizeof chunk, f)) > 0)
        out.append(chunk, got);
    const bool bad = std::ferror(f) != 0;
    const int e = errno;
    std::fclose(f);
    if (bad) fail_io(std::string("read ") + what, path, std::strerror(e));
    return out;
}

void write_file(const std::string& path, std::string_view data, const char* what) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) fail_io(std::string("write ") + what, path, std::strerror(errno));
    const bool short_write = std::fwrite(data.data(), 1, data.size(), f) != data.size();
    const int e = errno;
    if (std::fclose(f) != 0 || short_write)
        fail_io(std::string("write ") + what, path, std::strerror(short_write ? e : errno));
}

std::vector<std::string> utf8_arguments(int argc, char** argv) {
    return std::vector<std::string>(argv, argv + argc);
}

#endif

}  // namespace loyalty::platform
