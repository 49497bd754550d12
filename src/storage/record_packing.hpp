// A journal record's body as the file stores it (docs/storage.md, "The journal's records").
//
// A record's body is JSON with every key written out: a checkout's record is 2.2 KB, 1.3 KB of
// it the keys of its facts ("benefit_discount": five times, one for each line). The file stores
// each key of a fixed dictionary as a code instead: one byte for the 26 a sale's record uses
// most, two for the others. The codes are control characters (0x01-0x1f, not tab, line feed or
// carriage return), which JSON text never holds raw, so a stored body that has none is plain
// JSON and reads as itself: the records written before the packing, and a body the packing
// leaves alone. The hash of a record, the records a sync exchanges and every reader see the JSON
// text; only the stored column differs.
//
// The dictionary is part of the file's format: a key is never moved or removed, and a new one
// goes at the end (a key outside it is stored as it is written).
#ifndef LOYALTY_SRC_STORAGE_RECORD_PACKING_HPP
#define LOYALTY_SRC_STORAGE_RECORD_PACKING_HPP

#include <string>
#include <string_view>

namespace loyalty::storage {

// Writes `body` (JSON text) to `out` (cleared first) with each "key": of the dictionary, outside
// the strings' contents, as its code. A body holding a raw control character (not JSON) is
// written as it is.
void pack_record_body(std::string_view body, std::string& out);

// The JSON text of a stored body (cleared first): the codes written out again; a body without
// codes is copied as it is.
void unpack_record_body(std::string_view stored, std::string& out);
std::string unpack_record_body(std::string_view stored);

}  // namespace loyalty::storage

#endif
