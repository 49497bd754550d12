/* libloyalty's C ABI, one part of it (include/loyalty/loyalty.h includes every part, and documents
 * the conventions they share): result tables: reports, settlements, draw entries and winners. */
#ifndef LOYALTY_TABLES_H
#define LOYALTY_TABLES_H

#include "database.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ===========================================================================================
 * Result tables (reports, settlements, draw entries and winners)
 * =========================================================================================== */

typedef struct loy_table loy_table;

LOY_API void LOY_CALL loy_table_free(loy_table* t);
LOY_API size_t LOY_CALL loy_table_column_count(const loy_table* t);
LOY_API const char* LOY_CALL loy_table_column_name(const loy_table* t, size_t col);
LOY_API size_t LOY_CALL loy_table_row_count(const loy_table* t);
/* Every cell has a text form; numeric cells also an int64 value (0 for text cells). */
LOY_API const char* LOY_CALL loy_table_text(const loy_table* t, size_t row, size_t col);
LOY_API int64_t LOY_CALL loy_table_int(const loy_table* t, size_t row, size_t col);
LOY_API int32_t LOY_CALL loy_table_is_number(const loy_table* t, size_t row, size_t col);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* LOYALTY_TABLES_H */
