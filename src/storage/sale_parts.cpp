// Where each sale's entries and coupon uses are (storage/sale_parts.hpp): noted as a checkout or
// a claim writes them, or found in another origin's record as it is applied.
#include "storage/sale_parts.hpp"

#include <algorithm>
#include <map>

#include "storage/impl.hpp"

namespace loyalty {

namespace {

void widen(std::int64_t& lo, std::int64_t& hi, std::int64_t id) {
    lo = lo ? std::min(lo, id) : id;
    hi = std::max(hi, id);
}

}  // namespace

void Database::Impl::note_sale_entry(std::int64_t sale, std::int64_t entry) {
    if (sale_parts.sale != sale) sale_parts = {sale};
    widen(sale_parts.e_lo, sale_parts.e_hi, entry);
}

void Database::Impl::note_sale_parts(const std::vector<std::int64_t>& entries,
                                     const std::vector<std::int64_t>& uses) {
    std::map<std::int64_t, SaleParts> sales;
    for (const std::int64_t row : entries) {
        auto q = c.query(
            "SELECT sale_id FROM ledger WHERE id = ? AND sale_id IS NOT NULL AND refund_id IS NULL",
            row);
        if (q.next()) {
            SaleParts& r = sales[q.i64(0)];
            widen(r.e_lo, r.e_hi, row);
        }
    }
    for (const std::int64_t row : uses) {
        auto q = c.query("SELECT sale_id FROM coupon_uses WHERE id = ?", row);
        if (q.next()) {
            SaleParts& r = sales[q.i64(0)];
            widen(r.u_lo, r.u_hi, row);
        }
    }
    // Each sale's row is written only when its ranges grow.
    for (const auto& [sale, add] : sales) {
        SaleParts r;
        {
            auto q = c.query(
                "SELECT COALESCE(entries_from, 0), COALESCE(entries_to, 0), "
                "COALESCE(uses_from, 0), COALESCE(uses_to, 0) FROM sales WHERE id = ?",
                sale);
            if (!q.next()) continue;
            r = {sale, q.i64(0), q.i64(1), q.i64(2), q.i64(3)};
        }
        const SaleParts was = r;
        if (add.e_lo) widen(r.e_lo, r.e_hi, add.e_lo), widen(r.e_lo, r.e_hi, add.e_hi);
        if (add.u_lo) widen(r.u_lo, r.u_hi, add.u_lo), widen(r.u_lo, r.u_hi, add.u_hi);
        if (r.e_lo == was.e_lo && r.e_hi == was.e_hi && r.u_lo == was.u_lo && r.u_hi == was.u_hi)
            continue;
        c.query(
             "UPDATE sales SET entries_from = ?2, entries_to = ?3, uses_from = ?4, uses_to = ?5 "
             "WHERE id = ?1",
             sale, NullIfZero{r.e_lo}, NullIfZero{r.e_hi}, NullIfZero{r.u_lo}, NullIfZero{r.u_hi})
            .run();
    }
}

}  // namespace loyalty
