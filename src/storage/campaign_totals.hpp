// A campaign's totals (`campaign_totals`: its uses and money off, not restored), which its
// limits read: kept for the campaigns that have a limit on them, not for every campaign used
// (schema version 22).
//
// A campaign's total uses and budget are read by one reader, the check of its limits
// (`max_uses`, `budget`; Impl::fill_uses): a campaign without either needs no totals, and a
// checkout with its coupon writes no page of `campaign_totals` (0.99 pages a checkout). A
// programme stored in the file (loaded here, or a release from the chain, by the trigger
// `programs_campaign_totals`) starts the totals of each campaign it limits that has none yet,
// counted from the uses so far; from then on every use and every restore moves them
// (Impl::count_campaign_use, the refunds' restore), whatever later programmes say. So a row is
// there for every campaign that any stored programme limits, and each row equals its campaign's
// uses: loy_verify checks both, loy_rebuild writes them again.
#ifndef LOYALTY_SRC_STORAGE_CAMPAIGN_TOTALS_HPP
#define LOYALTY_SRC_STORAGE_CAMPAIGN_TOTALS_HPP

// SQL: the campaigns that the programmes of `from` limit and that have no totals (`id`).
// `from` names each programme's campaigns `k`: "json_each(NEW.body, '$.campaigns') k".
#define LOY_UNTRACKED_LIMITED_CAMPAIGNS(from)                                                    \
    "SELECT DISTINCT json_extract(k.value, '$.id') AS id FROM " from                             \
    " WHERE "                                                                                    \
    "(CAST(json_extract(k.value, '$.max_uses') AS INTEGER) > 0 OR "                              \
    "CAST(json_extract(k.value, '$.budget') AS INTEGER) > 0) AND json_extract(k.value, '$.id') " \
    "NOT IN (SELECT campaign_id FROM campaign_totals)"

// SQL: starts those campaigns' totals from their uses so far (one pass over the uses, and none
// when each has its totals).
#define LOY_START_CAMPAIGN_TOTALS(from) \
    "INSERT INTO campaign_totals(campaign_id, uses, discount) SELECT c.id, COUNT(u.id), " \
    "COALESCE(SUM(u.discount), 0) FROM (" LOY_UNTRACKED_LIMITED_CAMPAIGNS(                \
        from) ") c LEFT JOIN coupon_uses u ON u.campaign_id = c.id AND u.restored_at = 0 GROUP BY c.id"

// The campaigns of every programme the file holds (the upgrade, loy_rebuild, loy_verify).
#define LOY_ALL_PROGRAMMES_CAMPAIGNS "programs p, json_each(p.body, '$.campaigns') k"

// SQL: (id, uses, discount, n, s) for each campaign whose totals (uses, discount) differ from
// what its uses not restored give (n, s).
#define LOY_CAMPAIGN_TOTALS_DIFFERENCES                                                         \
    "SELECT t.campaign_id AS id, t.uses AS uses, t.discount AS discount, COUNT(u.id) AS n, "    \
    "COALESCE(SUM(u.discount), 0) AS s FROM campaign_totals t LEFT JOIN coupon_uses u ON "      \
    "u.campaign_id = t.campaign_id AND u.restored_at = 0 GROUP BY t.campaign_id HAVING t.uses " \
    "<> n OR t.discount <> s"

#endif
