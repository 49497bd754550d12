// A sale's lines packed in its row (storage/sale_lines.hpp).
#include "storage/sale_lines.hpp"

#include <algorithm>

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

namespace {

// A reader of the packed form only: arrays, plain integers, strings without escapes, null.
struct Packed {
    std::string_view t;
    std::size_t at = 0;
    bool eat(char c) {
        if (at < t.size() && t[at] == c) {
            ++at;
            return true;
        }
        return false;
    }
    bool field(PackedField& f) {
        if (t.compare(at, 4, "null") == 0) {
            at += 4;
            f.kind = PackedField::Null;
            return true;
        }
        if (eat('"')) {
            const std::size_t end = t.find_first_of("\\\"", at);
            if (end == std::string_view::npos || t[end] != '"') return false;  // an escape
            for (std::size_t k = at; k < end; ++k)
                if (static_cast<unsigned char>(t[k]) < 0x20) return false;  // not valid JSON
            f.kind = PackedField::Text;
            f.s = t.substr(at, end - at);
            at = end + 1;
            return true;
        }
        // -?(0|[1-9][0-9]*), at most 18 digits: always an int64; "-0" is left to SQLite.
        const bool negative = eat('-');
        const std::size_t digits = at;
        std::int64_t v = 0;
        while (at < t.size() && t[at] >= '0' && t[at] <= '9')
            v = v * 10 + (t[at++] - '0');
        const std::size_t n = at - digits;
        if (n == 0 || n > 18 || (n > 1 && t[digits] == '0') || (negative && v == 0)) return false;
        if (at < t.size() && (t[at] == '.' || t[at] == 'e' || t[at] == 'E')) return false;
        f.kind = PackedField::Integer;
        f.i = negative ? -v : v;
        return true;
    }
};

}  // namespace

bool unpack_sale_lines(std::string_view packed, std::vector<PackedLine>& out) {
    out.clear();
    Packed p{packed};
    if (!p.eat('[')) return false;
    if (!p.eat(']')) {
        do {
            if (!p.eat('[')) return false;
            PackedLine line{};
            int n = 0;
            if (!p.eat(']')) {
                do {
                    if (n == kSaleLineFields || !p.field(line[static_cast<std::size_t>(n++)]))
                        return false;
                } while (p.eat(','));
                if (!p.eat(']')) return false;
            }
            if (line[0].kind != PackedField::Integer) return false;  // the view's row has no number
            out.push_back(line);
        } while (p.eat(','));
        if (!p.eat(']')) return false;
    }
    if (p.at != packed.size()) return false;
    std::sort(out.begin(), out.end(),
              [](const PackedLine& a, const PackedLine& b) { return a[0].i < b[0].i; });
    for (std::size_t k = 1; k < out.size(); ++k)
        if (out[k][0].i == out[k - 1][0].i) return false;  // the view's order would be SQLite's
    return true;
}

}  // namespace loyalty::storage
