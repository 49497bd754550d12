// A sale's ledger entries and coupon uses, found through the sale (schema version 15).
//
// A checkout writes its sale, then its coupon uses, then its entries, each with the next id of
// its table, so a sale's parts are ranges of their tables' ids: the sale's row names the first
// and last of each (`entries_from`/`entries_to`, `uses_from`/`uses_to`; NULL: none), and the
// tables need no index by sale: a checkout writes two b-trees fewer. A checkout gives its coupon
// uses the next ids of their table and writes their range with the sale (so that the sale's row
// in the member index is written once); it notes the ids of the entries it writes
// (Impl::note_sale_entry) and puts their range in the update of the sale's row it ends with (its
// balance and tier after); a claim of an anonymous sale notes its entries likewise; another
// origin's record applied here widens its sales' ranges from the rows it wrote
// (Impl::note_sale_parts). No trigger: a trigger's update of the sale's row on each entry and
// use cost more than the two indexes did (docs/performance.md). A rebuild, and the upgrade that
// adds them, write them from the tables (LOY_SALE_PARTS_REWRITE). The ranges are read with the
// sale's id still checked, so a range that held another sale's rows (which no path writes)
// would be slower, never wrong.
//
// The entries counted are the sale's own (no refund's: a refund's entries name their refund and
// are found through it).
#ifndef LOYALTY_SRC_STORAGE_SALE_PARTS_HPP
#define LOYALTY_SRC_STORAGE_SALE_PARTS_HPP

// SQL conditions on `ledger` and on `coupon_uses`: the rows of the sale bound as ?1.
#define LOY_SALE_ENTRIES                                             \
    "id BETWEEN (SELECT entries_from FROM sales WHERE id = ?1) AND " \
    "(SELECT entries_to FROM sales WHERE id = ?1) AND sale_id = ?1"
#define LOY_SALE_COUPON_USES                                      \
    "id BETWEEN (SELECT uses_from FROM sales WHERE id = ?1) AND " \
    "(SELECT uses_to FROM sales WHERE id = ?1) AND sale_id = ?1"

// A member's coupon uses of a campaign since a moment, not restored: ?1 the campaign, ?2 the
// member, ?3 the moment. The member's sales in that time come from the member index, which
// carries each sale's range of uses (schema versions 21 and 25, storage/member_index.hpp): only
// the sales that had a use are looked up in `coupon_uses`, and no index of the uses by campaign
// and member is kept. A use is written with its sale's time and member; a claim gives an
// anonymous sale a member but not its uses, which stay nobody's, as they were when made.
#define LOY_MEMBER_CAMPAIGN_USES                                                                \
    "SELECT COUNT(*) FROM (SELECT sale_id AS id, uses_from AS lo, uses_to AS hi FROM "          \
    "member_sales WHERE member_id = ?2 AND created_at >= ?3 AND uses_from IS NOT NULL) s JOIN " \
    "coupon_uses u ON "                                                                         \
    "u.id BETWEEN s.lo AND s.hi AND u.sale_id = s.id WHERE u.campaign_id = ?1 AND u.member_id " \
    "= ?2 AND u.restored_at = 0 AND u.created_at >= ?3"

// A sale's entries of one kind: the kind is written into the statement, not bound. A bound kind
// makes SQLite plan the statement again at every call (a parameter that decides whether a partial
// index of the ledger by kind may serve, `ledger_reason`, `ledger_adjusts`, is planned for its
// value), which doubled a refund's parsing. Checked against EntryKind in refunds.cpp.
#define LOY_SALE_EARN_ENTRY "kind = 1"
#define LOY_SALE_REDEEM_ENTRY "kind = 2"
#define LOY_SALE_BONUS_ENTRY "kind = 7"

// Each sale's ranges as its entries and uses give them: (id, e_lo, e_hi, u_lo, u_hi), one row
// a sale. What loy_verify compares and loy_rebuild writes.
#define LOY_SALE_PARTS_OF_FACTS                                                               \
    "SELECT s.id AS id, e.lo AS e_lo, e.hi AS e_hi, u.lo AS u_lo, u.hi AS u_hi FROM sales s " \
    "LEFT JOIN (SELECT sale_id, MIN(id) AS lo, MAX(id) AS hi FROM ledger WHERE sale_id "      \
    "IS NOT NULL AND refund_id IS NULL GROUP BY sale_id) e ON e.sale_id = s.id "              \
    "LEFT JOIN (SELECT sale_id, MIN(id) AS lo, MAX(id) AS hi FROM coupon_uses "               \
    "GROUP BY sale_id) u ON u.sale_id = s.id"

// The sales whose ranges differ from what their entries and uses give: (id, what the row holds
// as "from-to from-to", what the facts give). Empty when every range is right.
#define LOY_SALE_PARTS_DIFFERENCES                                                           \
    "SELECT s.id, COALESCE(s.entries_from, '') || '-' || COALESCE(s.entries_to, '') || ' ' " \
    "|| COALESCE(s.uses_from, '') || '-' || COALESCE(s.uses_to, ''), "                       \
    "COALESCE(f.e_lo, '') || '-' || COALESCE(f.e_hi, '') || ' ' || COALESCE(f.u_lo, '') "    \
    "|| '-' || COALESCE(f.u_hi, '') FROM sales s JOIN (" LOY_SALE_PARTS_OF_FACTS             \
    ") f ON f.id = s.id WHERE s.entries_from IS NOT f.e_lo OR s.entries_to IS NOT f.e_hi "   \
    "OR s.uses_from IS NOT f.u_lo OR s.uses_to IS NOT f.u_hi"

// Writes every sale's ranges as its facts give them, where they differ (loy_rebuild, and the
// upgrade to version 15).
#define LOY_SALE_PARTS_REWRITE                                                                   \
    "UPDATE sales SET entries_from = f.e_lo, entries_to = f.e_hi, uses_from = f.u_lo, "          \
    "uses_to = f.u_hi FROM (" LOY_SALE_PARTS_OF_FACTS                                            \
    ") f WHERE f.id = sales.id AND "                                                             \
    "(sales.entries_from IS NOT f.e_lo OR sales.entries_to IS NOT f.e_hi OR sales.uses_from IS " \
    "NOT f.u_lo OR sales.uses_to IS NOT f.u_hi)"

#endif
