#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <cstdint>
#include <string>
#include <vector>

#include "platform.hpp"

#ifndef _WIN32
#include <sys/wait.h>
#include <unistd.h>
#endif

using namespace loyalty;

TEST_CASE("random symbols come from the alphabet, all of it, and do not repeat", "[platform]") {
    const std::string alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";  // 31: bytes past 247 redrawn
    std::set<std::string> codes;
    std::map<char, int> counts;
    for (int i = 0; i < 20000; ++i) {
        const std::string code = platform::random_symbols(8, alphabet);
        REQUIRE(code.size() == 8);
        for (char ch : code) {
            REQUIRE(alphabet.find(ch) != std::string::npos);
            ++counts[ch];
        }
        codes.insert(code);
    }
    CHECK(codes.size() == 20000);  // 31^8 codes: a repeat in 20,000 is a chance of 2e-4
    // 160,000 symbols, 5,161 expected of each: a symbol drawn 10% too often or too rarely is
    // 7 standard deviations out.
    REQUIRE(counts.size() == alphabet.size());
    for (const auto& [ch, n] : counts) {
        INFO(ch);
        CHECK(n > 4645);
        CHECK(n < 5677);
    }
    CHECK(platform::random_symbols(0, alphabet).empty());
    CHECK(platform::random_symbols(300, "ab").find_first_not_of("ab") == std::string::npos);
}

#ifndef _WIN32
TEST_CASE("a forked child draws other random symbols than its parent", "[platform]") {
    // The parent has drawn bytes from the system a block at a time; what it has not handed out
    // yet must not be handed out again in the child.
    const std::string alphabet = "0123456789abcdef";
    (void)platform::random_symbols(4, alphabet);
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        const std::string mine = platform::random_symbols(32, alphabet);
        const ssize_t wrote = ::write(fds[1], mine.data(), mine.size());
        ::_exit(wrote == 32 ? 0 : 1);
    }
    const std::string parent = platform::random_symbols(32, alphabet);
    char buf[32];
    ssize_t got = 0;
    while (got < 32) {
        const ssize_t n = ::read(fds[0], buf + got, sizeof buf - static_cast<std::size_t>(got));
        if (n <= 0) break;
        got += n;
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    ::close(fds[0]);
    ::close(fds[1]);
    REQUIRE(got == 32);
    CHECK(WIFEXITED(status));
    CHECK(std::string(buf, 32) != parent);
}
#endif

TEST_CASE("a large-page hint leaves memory as it was, whatever the range", "[platform]") {
    std::vector<std::int64_t> big(3 << 20);  // 24 MiB: whole 2 MiB pages inside it
    for (std::size_t i = 0; i < big.size(); ++i)
        big[i] = static_cast<std::int64_t>(i * 7);
    platform::prefer_large_pages(big.data(), big.size() * sizeof big[0]);
    platform::prefer_large_pages(big.data() + 1, 100);  // less than a page, unaligned
    platform::prefer_large_pages(nullptr, 1 << 30);
    platform::prefer_large_pages(big.data(), 0);
    bool same = true;
    for (std::size_t i = 0; i < big.size(); ++i)
        same = same && big[i] == static_cast<std::int64_t>(i * 7);
    CHECK(same);
    std::vector<std::int64_t> fresh;
    fresh.reserve(1 << 20);
    platform::prefer_large_pages(fresh.data(), fresh.capacity() * sizeof fresh[0]);
    fresh.resize(1 << 20, 5);
    CHECK(fresh.front() == 5);
    CHECK(fresh.back() == 5);
}
