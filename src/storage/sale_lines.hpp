// A sale's lines, packed in the sale's row (schema version 9): one JSON array of arrays in
// `sales.line_items`, each line's fields in the order of LOY_SALE_LINE_FIELDS. The `sale_lines`
// view unpacks them with those names, so readers query it as they would a table.
#ifndef LOYALTY_SRC_STORAGE_SALE_LINES_HPP
#define LOYALTY_SRC_STORAGE_SALE_LINES_HPP

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace loyalty::storage {

// The fields of a packed line, in their order; the view's columns after `sale_id`.
#define LOY_SALE_LINE_FIELDS                                                                  \
    "line_no, sku, category, quantity_milli, unit_price, discount, amount, points, plan_id, " \
    "benefit_discount, coupon_discount, wallet_topup"

// The same names, one each, in the same order (a test checks they agree with the list above).
constexpr int kSaleLineFields = 12;
constexpr const char* kSaleLineFieldNames[kSaleLineFields] = {
    "line_no", "sku",    "category", "quantity_milli",   "unit_price",      "discount",
    "amount",  "points", "plan_id",  "benefit_discount", "coupon_discount", "wallet_topup"};

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

// One field of a packed line as the `sale_lines` view reads it: NULL, an integer or a text (a
// view into the packed value).
struct PackedField {
    enum Kind { Null, Integer, Text } kind = Null;
    std::int64_t i = 0;
    std::string_view s;
};
using PackedLine = std::array<PackedField, kSaleLineFields>;

// The lines of a `sales.line_items` value as the `sale_lines` view gives them, in line-number
// order, each line's fields in the order above (a field past a line's end is NULL), without
// SQLite's JSON functions. False when the value is not plainly what the library packs — a string
// with an escape, a number that is not a plain integer, white space, a line number missing or
// used twice, anything else — and the view must be read instead, which is always right.
bool unpack_sale_lines(std::string_view packed, std::vector<PackedLine>& out);

}  // namespace loyalty::storage

#endif
