// Crash campaign: a child process runs checkouts, refunds, redemptions and events, and is killed
// with SIGKILL at random moments. After each kill the next child first resubmits the requests
// that were sent but never acknowledged (same key, same request), then carries on. After every
// restart the invariants are checked, and every acknowledged sale must be in the file.
//
//   crash_campaign [--kills N] [--seed S] [--dir D]     (CI: 25 kills; long mode: --kills 10000)
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <set>
#include <thread>

#include "common.hpp"

using namespace loyalty;

namespace {

constexpr std::int64_t kMembers = 40;

// The operation with number n: most are sales; some refund an earlier sale, redeem a reward or
// record an event. The kind and the key depend on n only.
void run_op(Database& db, std::int64_t n) {
    const std::string key = "op-" + std::to_string(n);
    switch (n % 10) {
        case 7: {  // refund the sale of op n-7 (if it committed)
            try {
                std::int64_t sale = db.sale_by_key("op-" + std::to_string(n - 7));
                db.refund(sale, {{1, 1000}}, key);
            } catch (const Error& e) {
                if (e.status() != Status::NotFound && e.status() != Status::RefundExceedsSale &&
                    e.status() != Status::SaleVoided && e.status() != Status::InsufficientPoints)
                    throw;
            }
            return;
        }
        case 8:
            try {
                db.redeem_reward(1 + n % kMembers, "r", 1, key);
            } catch (const Error& e) {
                if (e.status() != Status::InsufficientPoints && e.status() != Status::OutOfStock)
                    throw;
            }
            return;
        case 9:
            try {
                db.record_event(1 + n % kMembers, "review", key);
            } catch (const Error& e) {
                if (e.status() != Status::CapReached) throw;
            }
            return;
        default:
            try {
                db.commit(campaign::sale_basket(n, kMembers), key);
            } catch (const Error& e) {
                if (e.status() != Status::InsufficientPoints &&
                    e.status() != Status::RedemptionNotAllowed &&
                    e.status() != Status::CouponRejected)
                    throw;
            }
    }
}

// The child: announces each operation before it ("B n"), acknowledges it after ("A n").
[[noreturn]] void child(const std::string& path, int fd, std::int64_t first,
                        const std::set<std::int64_t>& redo) {
    try {
        auto db = campaign::open(path);
        auto say = [&](char c, std::int64_t n) {
            std::string line = std::string(1, c) + " " + std::to_string(n) + "\n";
            if (::write(fd, line.data(), line.size()) < 0) ::_exit(3);
        };
        for (std::int64_t n : redo) {  // the requests a kill interrupted: same key, same request
            say('B', n);
            run_op(*db, n);
            say('A', n);
        }
        for (std::int64_t n = first;; ++n) {
            say('B', n);
            run_op(*db, n);
            say('A', n);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "child: %s\n", e.what());
        ::_exit(2);
    }
}

}  // namespace

int main(int argc, char** argv) {
    int kills = 25;
    unsigned seed = 1;
    std::string dir = "/tmp";
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--kills" && i + 1 < argc)
            kills = std::atoi(argv[++i]);
        else if (a == "--seed" && i + 1 < argc)
            seed = static_cast<unsigned>(std::atoi(argv[++i]));
        else if (a == "--dir" && i + 1 < argc)
            dir = argv[++i];
    }
    const std::string path = dir + "/crash-" + std::to_string(::getpid()) + ".db";
    for (const char* s : {"", "-wal", "-shm"})
        std::remove((path + s).c_str());
    {
        auto db = campaign::open(path);
        db->load_program(campaign::kProgramme);
        for (std::int64_t i = 1; i <= kMembers; ++i) {
            MemberFields f;
            f.phone = "0912" + std::to_string(1000000 + i);
            db->enrol(f);
            db->adjust(i, 200, "opening points", "campaign", "open-" + std::to_string(i));
        }
    }
    std::mt19937 rng(seed);
    std::set<std::int64_t> acked, pending;
    std::int64_t next = 0;
    for (int k = 0; k < kills; ++k) {
        int fds[2];
        if (::pipe(fds) != 0) campaign::fail("pipe");
        pid_t pid = ::fork();
        if (pid == 0) {
            ::close(fds[0]);
            child(path, fds[1], next, pending);
        }
        ::close(fds[1]);
        // Let it run for a random while, reading its announcements, then kill it.
        const auto deadline =
            std::chrono::steady_clock::now() + std::chrono::microseconds(2000 + rng() % 60000);
        ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
        std::string buf;
        auto drain = [&] {
            char tmp[4096];
            ssize_t r;
            while ((r = ::read(fds[0], tmp, sizeof tmp)) > 0)
                buf.append(tmp, static_cast<std::size_t>(r));
        };
        while (std::chrono::steady_clock::now() < deadline) {
            drain();
            std::this_thread::sleep_for(std::chrono::microseconds(500));
        }
        ::kill(pid, SIGKILL);
        int st = 0;
        ::waitpid(pid, &st, 0);
        if (WIFEXITED(st) && WEXITSTATUS(st) != 0)
            campaign::fail("the child failed on its own (see above)");
        ::fcntl(fds[0], F_SETFL, 0);
        drain();
        ::close(fds[0]);
        // Parse: B = sent, A = acknowledged. Sent but not acknowledged = to resubmit.
        std::size_t pos = 0;
        while (pos < buf.size()) {
            std::size_t nl = buf.find('\n', pos);
            if (nl == std::string::npos) break;
            char c = buf[pos];
            std::int64_t n = std::atoll(buf.c_str() + pos + 2);
            if (c == 'B') {
                pending.insert(n);
                next = std::max(next, n + 1);
            } else {
                pending.erase(n);
                acked.insert(n);
            }
            pos = nl + 1;
        }
        std::string why = campaign::check_invariants(path);
        if (!why.empty()) campaign::fail("after kill " + std::to_string(k + 1) + ": " + why);
        // Every acknowledged sale is in the file.
        auto db = campaign::open(path);
        for (std::int64_t n : acked) {
            if (n % 10 >= 7) continue;
            try {
                db->sale_by_key("op-" + std::to_string(n));
            } catch (const Error&) {
                // A refused sale has no sale row; it must then have its refusal recorded.
                sqlite3* raw = nullptr;
                sqlite3_open(path.c_str(), &raw);
                sqlite3_stmt* s = nullptr;
                std::string sql =
                    "SELECT status FROM requests WHERE key='op-" + std::to_string(n) + "'";
                sqlite3_prepare_v2(raw, sql.c_str(), -1, &s, nullptr);
                bool found = sqlite3_step(s) == SQLITE_ROW;
                sqlite3_finalize(s);
                sqlite3_close(raw);
                if (!found)
                    campaign::fail("acknowledged operation " + std::to_string(n) + " is missing");
            }
        }
    }
    std::printf("crash campaign: %d kills, %zu operations acknowledged, every invariant held\n",
                kills, acked.size());
    std::printf("1 passed, 0 failed\n");
    for (const char* s : {"", "-wal", "-shm"})
        std::remove((path + s).c_str());
    return 0;
}
