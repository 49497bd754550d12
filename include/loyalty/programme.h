/* libloyalty's C ABI, one part of it (include/loyalty/loyalty.h includes every part, and documents
 * the conventions they share): the programme: earning and redemption rules as data. */
#ifndef LOYALTY_PROGRAMME_H
#define LOYALTY_PROGRAMME_H

#include "base.h"
#include "database.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ===========================================================================================
 * Programme (earning and redemption rules, as data)
 * =========================================================================================== */

/* Load a programme from its JSON text (see docs/programme.md). It becomes the active version;
 * its number is returned. Every later sale records the version it used. Loading the same text as
 * the active version again is a no-op that returns the active version. */
LOY_API int32_t LOY_CALL loy_program_load_json(loy_db* db, const char* json, int64_t* out_version,
                                               loy_error* err);
/* The same from a file; `path` is UTF-8 on every platform (Windows included). */
LOY_API int32_t LOY_CALL loy_program_load_file(loy_db* db, const char* path, int64_t* out_version,
                                               loy_error* err);
/* A programme for the whole chain (docs/chain.md, "Programmes for the whole chain"), published on
 * the head office's file: a fact that every till learns with the sync and uses from
 * `starts_at_ms` (ms since 1970; 0 = now; never earlier than now), so that every till has it
 * before it applies. Until then each file keeps the programme it has. In every file the release
 * is a version of its own (`out_version` here; loy_program_next on a till). Publishing the same
 * text with the same start again is a no-op that returns the same version. A till in chain mode
 * refuses (LOY_ERR_NEEDS_ONLINE); a malformed programme is LOY_ERR_INVALID_PROGRAM. */
LOY_API int32_t LOY_CALL loy_program_publish(loy_db* db, const char* json, int64_t starts_at_ms,
                                             int64_t* out_version, loy_error* err);
/* The programme released to take effect next, after the one in effect now: its version and
 * start (ms since 1970); both 0 when none is waiting. */
LOY_API int32_t LOY_CALL loy_program_next(loy_db* db, int64_t* out_version, int64_t* out_starts_at,
                                          loy_error* err);
/* The version in effect now; 0 when no programme was loaded (nothing is earned, nothing
 * redeemable). A programme released for later is in effect from its start. */
LOY_API int64_t LOY_CALL loy_program_active_version(loy_db* db);
/* The canonical JSON of a version (0 = active). snprintf semantics. */
LOY_API int32_t LOY_CALL loy_program_export_json(loy_db* db, int64_t version, char* buf,
                                                 size_t capacity, size_t* out_needed,
                                                 loy_error* err);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* LOYALTY_PROGRAMME_H */
