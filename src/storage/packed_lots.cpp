#include "storage/packed_lots.hpp"

#include <algorithm>
#include <charconv>

namespace loyalty::storage {

std::string pack_lot(const PackedLot& lot) {
    std::string out = "[";
    for (const std::int64_t v : {lot.n, lot.points, lot.available_at, lot.expires_at}) {
        if (out.size() > 1) out += ',';
        out += std::to_string(v);
    }
    return out += ']';
}

namespace {

void skip_space(std::string_view s, std::size_t& i) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        ++i;
}

bool expect(std::string_view s, std::size_t& i, char c) {
    skip_space(s, i);
    if (i >= s.size() || s[i] != c) return false;
    ++i;
    return true;
}

bool integer(std::string_view s, std::size_t& i, std::int64_t& v) {
    skip_space(s, i);
    const char* first = s.data() + i;
    const auto [end, ec] = std::from_chars(first, s.data() + s.size(), v);
    if (ec != std::errc() || end == first) return false;
    i += static_cast<std::size_t>(end - first);
    return true;
}

}  // namespace

bool unpack_lots(std::string_view text, std::vector<PackedLot>& out) {
    out.clear();
    std::size_t i = 0;
    auto fail = [&out] {
        out.clear();
        return false;
    };
    if (!expect(text, i, '[')) return fail();
    skip_space(text, i);
    if (i < text.size() && text[i] == ']') {
        ++i;
    } else {
        for (;;) {
            PackedLot l;
            if (!expect(text, i, '[') || !integer(text, i, l.n) || !expect(text, i, ',') ||
                !integer(text, i, l.points) || !expect(text, i, ',') ||
                !integer(text, i, l.available_at) || !expect(text, i, ',') ||
                !integer(text, i, l.expires_at) || !expect(text, i, ']'))
                return fail();
            out.push_back(l);
            skip_space(text, i);
            if (i < text.size() && text[i] == ',') {
                ++i;
                continue;
            }
            if (!expect(text, i, ']')) return fail();
            break;
        }
    }
    skip_space(text, i);
    if (i != text.size()) return fail();
    std::stable_sort(out.begin(), out.end(),
                     [](const PackedLot& a, const PackedLot& b) { return a.n < b.n; });
    return true;
}

}  // namespace loyalty::storage
