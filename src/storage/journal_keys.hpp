// A journal record's key (schema version 20): its origin and seq in the table's rowid, so that a
// record is found by (origin, seq) through the table's own key, with no index of its own for
// every checkout to write a leaf of (1.0 pages a checkout).
//
//   id = range * 2^40 + seq,  range = origins.journal_range: 2^21 + origin for an origin made to
//                              write this file's facts (origins.writer), 2^21 - origin for one
//                              whose records came from elsewhere
//
// Each origin's records are one range of ids, in seq order. The newest origin that writes here,
// the one a file writes as (a till's own; a copy's new generation, docs/journal.md), has the
// highest range: its records are appended at the table's end, where SQLite fills a leaf before
// starting the next, as when the key was the order of writing. Records of other origins, applied
// by a sync a batch at a time, go into their own ranges below. An origin keeps its range for
// good: one that came from elsewhere and is written as later (a file opened under that till's
// name) writes in its range below the top, correct, at a few more pages a record.
//
// The journal's CHECK holds the seq to 1..2^40 - 1 and to the id's low bits; the origins' ids to
// 1..2^21 - 1, so no two origins share a range and the key is unique exactly when (origin, seq)
// is; loy_verify checks each record's range against its origin's.
#ifndef LOYALTY_SRC_STORAGE_JOURNAL_KEYS_HPP
#define LOYALTY_SRC_STORAGE_JOURNAL_KEYS_HPP

#include <cstdint>

// SQL: the key of record `s` in range `r` (SQL expressions).
#define LOY_JOURNAL_KEY(r, s) "((" r ") * 1099511627776 + (" s "))"
// SQL: journal `j`'s records in range `r`, by the key's range.
#define LOY_JOURNAL_OF(j, r) \
    j ".id BETWEEN " LOY_JOURNAL_KEY(r, "1") " AND " LOY_JOURNAL_KEY(r, "1099511627775")
// SQL: origins' journal_range, from their id and writer flag.
#define LOY_JOURNAL_RANGE "CASE WHEN writer THEN 2097152 + id ELSE 2097152 - id END"

namespace loyalty::storage {

// Records an origin can write (seqs 1 to this, less one).
constexpr std::int64_t kJournalSeqs = 1099511627776;  // 2^40

// The key of record `seq` in range `range`.
constexpr std::int64_t journal_key(std::int64_t range, std::int64_t seq) {
    return range * kJournalSeqs + seq;
}

// The first and last keys a record in range `range` can have.
constexpr std::int64_t journal_first(std::int64_t range) {
    return journal_key(range, 1);
}
constexpr std::int64_t journal_last(std::int64_t range) {
    return journal_key(range, kJournalSeqs - 1);
}

}  // namespace loyalty::storage

#endif
