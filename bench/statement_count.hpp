// Statements the library runs, counted where SQLite runs them. On Linux, with
// LOYALTY_COUNT_STATEMENTS defined (bench/CMakeLists.txt), this file defines sqlite3_step: the
// program's definition stands in for SQLite's in every library it loads (ELF symbol
// interposition), counts a statement at its first step on the calling thread, and hands the call
// on to SQLite's own, found with dlsym. Include it in one source file of a program. Elsewhere
// nothing is counted and counted() is false.
#ifndef LOYALTY_BENCH_STATEMENT_COUNT_HPP
#define LOYALTY_BENCH_STATEMENT_COUNT_HPP

#include <cstdint>

#if defined(__linux__) && defined(LOYALTY_COUNT_STATEMENTS)
#include <dlfcn.h>
#include <sqlite3.h>

#include <cstring>
#endif

namespace bench {

// What the calling thread has run so far: statements, and the transactions among them (a
// statement starting with BEGIN).
struct Statements {
    std::int64_t statements = 0, transactions = 0;
};

inline thread_local Statements g_statements;

inline Statements statements_so_far() {
    return g_statements;
}

// Whether SQLite's steps reached the counter (false where the library resolves sqlite3_step
// inside itself, or off Linux).
inline bool counted() {
    return g_statements.statements > 0;
}

}  // namespace bench

#if defined(__linux__) && defined(LOYALTY_COUNT_STATEMENTS)
extern "C" int sqlite3_step(sqlite3_stmt* s) {
    using Step = int (*)(sqlite3_stmt*);
    static const Step real = reinterpret_cast<Step>(dlsym(RTLD_NEXT, "sqlite3_step"));
    if (!sqlite3_stmt_busy(s)) {
        ++bench::g_statements.statements;
        const char* sql = sqlite3_sql(s);
        if (sql && std::strncmp(sql, "BEGIN", 5) == 0) ++bench::g_statements.transactions;
    }
    return real(s);
}
#endif

#endif
