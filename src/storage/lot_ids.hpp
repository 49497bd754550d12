// A lot's id is its entry's id and its place among the entry's lots (schema version 9):
// entry * 2^20 + n. The lots of an entry are a range of the lots table's own keys, so finding
// them needs no index by entry, and a new entry's lots go at the table's end.
#ifndef LOYALTY_SRC_STORAGE_LOT_IDS_HPP
#define LOYALTY_SRC_STORAGE_LOT_IDS_HPP

#include <cstdint>

namespace loyalty::storage {

// How many lots one entry may open: 2^20 (a transfer opens one for each lot it moves).
constexpr std::int64_t kLotsPerEntry = 1048576;

// SQL: the lots of the entry whose id is the SQL expression `e`, as a range of lot ids.
#define LOY_LOTS_OF_ENTRY(e) "id BETWEEN (" e ") * 1048576 AND (" e ") * 1048576 + 1048575"

}  // namespace loyalty::storage

#endif
