// A member's family in SQL: the member ?1 and every member merged into it (recursively), who are
// one person: their histories count as one, an erasure clears them all, an export shows them
// all. Put it before a statement and use `fam` (`... WHERE member_id IN fam`).
#ifndef LOYALTY_SRC_STORAGE_FAMILY_HPP
#define LOYALTY_SRC_STORAGE_FAMILY_HPP

#define LOY_FAMILY                                                                       \
    "WITH RECURSIVE fam(id) AS (SELECT ?1 UNION SELECT m.id FROM members m JOIN fam ON " \
    "m.merged_into = fam.id) "

#endif
