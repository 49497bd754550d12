// Consumer of the installed package through loyalty_raii.hpp: open, enrol, sell, replay.
#include <loyalty/loyalty_raii.hpp>

#include <cstdio>

int main(int argc, char** argv) {
    if (argc < 2) return 2;
    try {
        auto db = loy::Database::open(argv[1]);
        const auto m = db.enrol("09120000001", "consumer");
        loy::Basket b;
        b.member(m.id()).add_line("SKU", "", 1000, 5000);
        const auto r1 = db.commit(b, "raii-1");
        const auto r2 = db.commit(b, "raii-1");
        if (!r2.replayed() || r1.sale_id() != r2.sale_id()) return 1;
        std::printf("C++ RAII consumer: sale %lld\n", static_cast<long long>(r1.sale_id()));
    } catch (const loy::Error& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
    return 0;
}
