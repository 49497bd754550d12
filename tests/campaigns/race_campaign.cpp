// Race campaign: two processes on one file, many rounds of the three races that break loyalty
// systems — the last use of a coupon code (exactly one wins), spending the same balance (never
// negative), the same key submitted at once (one effect).
//
//   race_campaign [--rounds N] [--dir D]     (CI: 30 rounds; long mode: --rounds 10000)
#include <sys/wait.h>
#include <unistd.h>

#include "common.hpp"

using namespace loyalty;

namespace {

// Runs f(0) and f(1) in two processes at once (released together through a pipe); returns their
// exit codes.
template <typename F>
std::pair<int, int> duel(F f) {
    int go[2];
    if (::pipe(go) != 0) campaign::fail("pipe");
    pid_t kids[2];
    for (int k = 0; k < 2; ++k) {
        kids[k] = ::fork();
        if (kids[k] == 0) {
            ::close(go[1]);
            char c;
            if (::read(go[0], &c, 1) != 1) ::_exit(9);
            int rc = 8;
            try {
                rc = f(k);
            } catch (...) {
                rc = 7;
            }
            ::_exit(rc);
        }
    }
    ::close(go[0]);
    if (::write(go[1], "gg", 2) != 2) campaign::fail("release");
    ::close(go[1]);
    int rc[2];
    for (int k = 0; k < 2; ++k) {
        int st = 0;
        ::waitpid(kids[k], &st, 0);
        rc[k] = WIFEXITED(st) ? WEXITSTATUS(st) : 99;
    }
    return {rc[0], rc[1]};
}

}  // namespace

int main(int argc, char** argv) {
    int rounds = 30;
    std::string dir = "/tmp";
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--rounds" && i + 1 < argc)
            rounds = std::atoi(argv[++i]);
        else if (a == "--dir" && i + 1 < argc)
            dir = argv[++i];
    }
    const std::string path = dir + "/race-" + std::to_string(::getpid()) + ".db";
    for (const char* s : {"", "-wal", "-shm"})
        std::remove((path + s).c_str());
    {
        auto db = campaign::open(path);
        db->load_program(campaign::kProgramme);
        for (int i = 1; i <= 2; ++i) {
            MemberFields f;
            f.phone = "0912" + std::to_string(1000000 + i);
            db->enrol(f);
        }
    }
    int coupon_ok = 0, spend_ok = 0, key_ok = 0;
    for (int r = 0; r < rounds; ++r) {
        const std::string rs = std::to_string(r);
        // 1. The last use of a single-use code.
        std::string code;
        {
            auto db = campaign::open(path);
            code = db->issue_coupon("one", 0, "issue-" + rs);
        }
        auto [a, b] = duel([&](int k) {
            auto db = campaign::open(path);
            try {
                Basket bk = campaign::sale_basket(r, 2);
                bk.member_id = k + 1;
                bk.redeem_points = 0;
                bk.coupons = {code};
                db->commit(bk, "coupon-" + rs + "-" + std::to_string(k));
                return 0;
            } catch (const Error& e) {
                return e.status() == Status::CouponRejected ? 1 : 2;
            }
        });
        if (!((a == 0 && b == 1) || (a == 1 && b == 0)))
            campaign::fail("round " + rs + ": last coupon use gave " + std::to_string(a) + "/" +
                           std::to_string(b));
        ++coupon_ok;
        // 2. Both tills spend member 1's whole available balance at once.
        std::int64_t avail = 0;
        {
            auto db = campaign::open(path);
            db->adjust(1, 100, "round float", "campaign", "float-" + rs);
            avail = db->member(1).available;
        }
        auto [c, d] = duel([&](int k) {
            auto db = campaign::open(path);
            try {
                Basket bk;
                bk.member_id = 1;
                bk.lines.push_back(
                    {"X", "c0", 1000, avail * 3000 + 10000, 0, {}});  // points may pay half
                bk.redeem_points = avail;
                db->commit(bk, "spend-" + rs + "-" + std::to_string(k));
                return 0;
            } catch (const Error& e) {
                if (e.status() == Status::InsufficientPoints) return 1;
                std::fprintf(stderr, "double spend: %s\n", e.what());
                return 2;
            }
        });
        if (!((c == 0 && d == 1) || (c == 1 && d == 0)))
            campaign::fail("round " + rs + ": double spend gave " + std::to_string(c) + "/" +
                           std::to_string(d));
        ++spend_ok;
        // 3. The same key from both tills at once: one effect, the other a replay.
        auto [e, f] = duel([&](int) {
            auto db = campaign::open(path);
            Basket bk = campaign::sale_basket(1000 + r, 2);
            bk.redeem_points = 0;
            bk.coupons.clear();
            return db->commit(bk, "same-" + rs).replayed ? 1 : 0;
        });
        if (e + f != 1)
            campaign::fail("round " + rs + ": the same key gave " + std::to_string(e) + "/" +
                           std::to_string(f));
        ++key_ok;
        std::string why = campaign::check_invariants(path);
        if (!why.empty()) campaign::fail("round " + rs + ": " + why);
    }
    std::printf(
        "race campaign: %d rounds — last coupon use %d/%d, double spend %d/%d, same key %d/%d\n",
        rounds, coupon_ok, rounds, spend_ok, rounds, key_ok, rounds);
    std::printf("1 passed, 0 failed\n");
    for (const char* s : {"", "-wal", "-shm"})
        std::remove((path + s).c_str());
    return 0;
}
