// A sale's lines, packed in the sale's row (schema version 9): one JSON array of arrays in
// `sales.line_items`, each line's fields in the order of LOY_SALE_LINE_FIELDS. The `sale_lines`
// view unpacks them with those names, so readers query it as they would a table.
#ifndef LOYALTY_SRC_STORAGE_SALE_LINES_HPP
#define LOYALTY_SRC_STORAGE_SALE_LINES_HPP

#include <cstdint>
#include <string>
#include <vector>

namespace loyalty::storage {

// The fields of a packed line, in their order; the view's columns after `sale_id`.
#define LOY_SALE_LINE_FIELDS                                                                  \
    "line_no, sku, category, quantity_milli, unit_price, discount, amount, points, plan_id, " \
    "benefit_discount, coupon_discount, wallet_topup"

struct SaleLine {
    std::int64_t line_no = 0;
    std::string sku, category;
    std::int64_t quantity_milli = 0, unit_price = 0, discount = 0;
    std::int64_t amount = 0;  // what the customer pays for the line, after every discount
    std::int64_t points = 0;
    std::string plan_id;  // empty: none (null)
    std::int64_t benefit_discount = 0, coupon_discount = 0;
    bool wallet_topup = false;  // false: null
};

// The value of `sales.line_items` for these lines; "[]" for none.
std::string pack_sale_lines(const std::vector<SaleLine>& lines);

}  // namespace loyalty::storage

#endif
