// The lots an entry opened, packed in the entry's row (`ledger.lots`, schema version 19;
// storage/lots_sql.hpp for the SQL that reads them): one JSON array of
// [n, points, available_at, expires_at], n the lot's place among its entry's lots (its id is
// entry * 2^20 + n). Written and read here without SQLite's JSON functions, which a checkout's
// commit and its journal record would otherwise pay for at every earning entry.
#ifndef LOYALTY_SRC_STORAGE_PACKED_LOTS_HPP
#define LOYALTY_SRC_STORAGE_PACKED_LOTS_HPP

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace loyalty::storage {

struct PackedLot {
    std::int64_t n = 0, points = 0, available_at = 0, expires_at = 0;
};

// One lot as an element of the array: [n,points,available_at,expires_at].
std::string pack_lot(const PackedLot& lot);

// The lots of a packed array, in the order of n. False (and `out` empty) when the text is not
// an array of such elements of four integers each.
bool unpack_lots(std::string_view text, std::vector<PackedLot>& out);

}  // namespace loyalty::storage

#endif
