// A sale's lines packed in its row (storage/sale_lines.hpp).
#include "storage/sale_lines.hpp"

#include "text.hpp"

namespace loyalty::storage {

std::string pack_sale_lines(const std::vector<SaleLine>& lines) {
    std::string out = "[";
    for (const SaleLine& l : lines) {
        if (out.size() > 1) out += ',';
        out += '[';
        out += std::to_string(l.line_no);
        out += ',';
        text::append_json_string(out, l.sku);
        out += ',';
        text::append_json_string(out, l.category);
        for (std::int64_t v : {l.quantity_milli, l.unit_price, l.discount, l.amount, l.points}) {
            out += ',';
            out += std::to_string(v);
        }
        out += ',';
        if (l.plan_id.empty())
            out += "null";
        else
            text::append_json_string(out, l.plan_id);
        out += ',' + std::to_string(l.benefit_discount) + ',' + std::to_string(l.coupon_discount);
        out += l.wallet_topup ? ",1]" : ",null]";
    }
    out += ']';
    return out;
}

}  // namespace loyalty::storage
