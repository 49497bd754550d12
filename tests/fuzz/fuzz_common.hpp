// Shared set-up of the fuzz targets: one database per process, opened on first use.
#ifndef LOYALTY_FUZZ_COMMON_HPP
#define LOYALTY_FUZZ_COMMON_HPP

#include <loyalty/loyalty.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace fuzz {

inline loy_error err;

inline const char* kProgramme =
    "{\"spend\":[{\"id\":\"b\",\"points\":10,\"per\":100000}],"
    "\"multipliers\":[{\"id\":\"m\",\"factor\":\"2\",\"categories\":[\"c1\"]}],"
    "\"items\":[{\"id\":\"i\",\"points\":3,\"skus\":[\"S1\"]}],"
    "\"redeem\":{\"point_value\":\"1000\",\"max_share\":\"0.5\"},"
    "\"tiers\":{\"levels\":[{\"id\":\"a\",\"threshold\":0},{\"id\":\"b\",\"threshold\":100,"
    "\"discount\":\"0.1\"}]},"
    "\"campaigns\":[{\"id\":\"c\",\"effect\":\"percent\",\"percent\":\"0.1\",\"code\":\"TEN\","
    "\"combinable\":true},"
    "{\"id\":\"f\",\"effect\":\"free_item\",\"sku\":\"S1\",\"code\":\"FREE\"}],"
    "\"cashback\":{\"percent\":\"0.01\"}}";

// A database file and SQLite's files beside it, removed.
inline void remove_database(const std::string& path) {
    for (const char* s : {"", "-wal", "-shm"})
        std::remove((path + s).c_str());
}

// Where a target keeps its database: the directory LOYALTY_FUZZ_DIR names (tests/fuzz/run.sh
// names one in the build directory), else the system's temporary directory. The files of a run
// that ends normally are removed when it exits; a crash leaves them beside its input.
inline std::string scratch(const char* what) {
    const char* dir = std::getenv("LOYALTY_FUZZ_DIR");
    const std::string path = std::string(dir && *dir ? dir : "/tmp") + "/loyalty-fuzz-" + what +
                             std::to_string(::getpid()) + ".db";
    static std::string* last = nullptr;  // never destroyed: read at exit
    if (!last) {
        last = new std::string;
        std::atexit([] { remove_database(*last); });
    }
    *last = path;
    remove_database(path);
    return path;
}

// Every status the library may return is a known code.
inline void check_status(int32_t st) {
    if (st < 0 || st > 31) {
        std::fprintf(stderr, "unknown status %d\n", st);
        std::abort();
    }
    if (st == LOY_ERR_INTERNAL) {
        std::fprintf(stderr, "internal error: %s\n", err.message);
        std::abort();
    }
}

inline loy_db* database() {
    static loy_db* db = [] {
        loy_error_init(&err);
        const std::string path = scratch("");
        loy_open_options o;
        loy_open_options_init(&o);
        o.path = path.c_str();
        o.durability = LOY_DURABILITY_NORMAL;
        loy_db* d = nullptr;
        if (loy_open(&o, &d, &err) != LOY_OK) std::abort();
        loy_set_clock(d, 1795242600000LL, &err);
        if (loy_program_load_json(d, kProgramme, nullptr, &err) != LOY_OK) std::abort();
        loy_member_fields f;
        loy_member_fields_init(&f);
        f.phone = "09121234567";
        loy_member* m = nullptr;
        if (loy_member_enrol(d, &f, nullptr, &m, &err) != LOY_OK) std::abort();
        loy_member_free(m);
        loy_points_adjust(d, 1, 1000000, "fuzz float", "fuzz", "float", nullptr, &err);
        return d;
    }();
    return db;
}

// Reads fields out of the fuzzer's bytes.
struct Reader {
    const uint8_t* p;
    size_t n;
    bool empty() const { return n == 0; }
    uint8_t byte() {
        if (!n) return 0;
        --n;
        return *p++;
    }
    int64_t i64() {
        uint64_t v = 0;
        for (int i = 0; i < 8; ++i)
            v = (v << 8) | byte();
        return static_cast<int64_t>(v);
    }
    // Small values most of the time, extremes sometimes.
    int64_t amount() {
        switch (byte() % 4) {
            case 0:
                return byte();
            case 1:
                return static_cast<int64_t>(byte()) * 1000;
            case 2:
                return static_cast<int64_t>(byte()) * 100000;
            default:
                return i64();
        }
    }
    std::string str() {
        size_t len = byte() % 24;
        std::string s;
        while (len-- && n)
            s.push_back(static_cast<char>(byte()));
        return s;
    }
};

}  // namespace fuzz

#endif
