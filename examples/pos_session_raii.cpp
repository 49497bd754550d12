// A checkout through the header-only C++ RAII layer (loyalty_raii.hpp) over the shared library.
// Usage: pos_session_raii <database file> <programme.json>. Exits 1 when an expectation fails.
#include <cstdio>
#include <string>

#include "loyalty/loyalty_raii.hpp"

namespace {
int failures = 0;
void expect(bool ok, const std::string& what) {
    std::printf("  %s  %s\n", ok ? "ok  " : "FAIL", what.c_str());
    if (!ok) ++failures;
}
}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s <database file> <programme.json>\n", argv[0]);
        return 2;
    }
    // A fresh file each run, so the expectations below hold.
    for (const char* suffix : {"", "-wal", "-shm"})
        std::remove((std::string(argv[1]) + suffix).c_str());
    try {
        auto db = loy::Database::open(argv[1], "IRT");
        db.set_clock(1764000000000);
        expect(db.load_programme_file(argv[2]) == 1, "programme loaded");
        const auto sara = db.enrol("۰۹۱۲ ۳۴۵ ۶۷۸۹", "سارا", "T1-enrol-1");
        expect(sara.phone() == "+989123456789", "phone normalised to " + sara.phone());

        loy::Basket basket;
        basket.member(sara.id()).context("R-1", "tehran-1", "T1");
        basket.add_line("LATTE", "coffee", 2000, 150000);
        basket.add_line("WATER", "drinks", 1000, 100000);
        const auto quote = db.quote(basket);
        expect(quote.total() == 400000 && quote.points_earned() == 70, "quote earns 70 points");
        for (const auto& r : quote.rules())
            std::printf("      %+4lld  %s\n", static_cast<long long>(r.points),
                        r.explanation.c_str());
        const auto receipt = db.commit(basket, "T1-R-1");
        expect(!receipt.replayed() && receipt.balance_after() == 70, "committed, balance 70");
        const auto again = db.commit(basket, "T1-R-1");
        expect(again.replayed() && again.sale_id() == receipt.sale_id(), "same key replays");
        std::printf("  receipt %s: %s toman\n", receipt.uid().c_str(),
                    db.format_money(receipt.total(), "IRT").c_str());

        const auto refund = db.refund(receipt.sale_id(), {{2, 1000}}, "T1-refund-1");
        expect(refund.refund_amount() == 100000 && refund.balance_after() == 60, "water refunded");

        try {
            db.enrol("12", "bad");
            expect(false, "bad phone refused");
        } catch (const loy::Error& e) {
            expect(e.status() == LOY_ERR_INVALID_PHONE && !e.transient(), e.what());
        }
        loy::Basket greedy;
        greedy.member(sara.id()).add_line("LATTE", "coffee", 1000, 150000);
        greedy.redeem_points(5000);
        try {
            db.commit(greedy, "T1-R-2");
            expect(false, "over-redemption refused");
        } catch (const loy::Error& e) {
            expect(e.status() == LOY_ERR_INSUFFICIENT_POINTS, e.what());
        }
        expect(db.member(sara.id()).balance() == 60, "refusal changed nothing");
        expect(db.verify() == 0, "ledger verifies");
    } catch (const loy::Error& e) {
        std::fprintf(stderr, "unexpected: %s\n", e.what());
        return 1;
    }
    std::printf(
        failures == 0 ? "C++ RAII layer: all checks passed\n" : "C++ RAII layer: %d failed\n",
        failures);
    return failures == 0 ? 0 : 1;
}
