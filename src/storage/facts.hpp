// The fact tables: which tables hold facts, the type and id letter a journal record names each
// by, the columns left out of a record (personal data and projections), the columns that name
// another fact, and the hash that chains a record to the one before (docs/journal.md). Shared by
// the journal's writer (journal.cpp) and its reader into another file (apply.cpp).
#ifndef LOYALTY_SRC_STORAGE_FACTS_HPP
#define LOYALTY_SRC_STORAGE_FACTS_HPP

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace loyalty::storage {

// A table whose rows are facts: the type a record names it by, its id letter, and the
// statements that read a row and its chain-wide id (fixed texts: statements are cached by
// their text's address).
struct FactTable {
    const char* table;
    const char* type;
    char letter;
    const char* row_sql;
    const char* uid_sql;
    const char* by_seq_sql;              // a row copied here: (origin, origin_seq)
    const char* by_id_sql;               // a row written here: (origin, id), origin_seq NULL
    std::vector<std::string_view> omit;  // columns that are personal data or projections
};

// Every fact table, in the order a record lists facts: members before the sales that name them.
const std::vector<FactTable>& fact_tables();
const FactTable* fact_table(std::string_view table);
const FactTable* fact_table_by_type(std::string_view type);
const FactTable* fact_table_of(char letter);

// A chain-wide id `<origin>:<letter><seq>` taken apart (the one parser of ids: look-ups by id and
// the records of other origins both use it); false when the text has not that shape.
struct Uid {
    std::string origin;
    char letter = 0;
    std::int64_t seq = 0;
};
bool parse_uid(const std::string& text, Uid& out);

// The table a column naming another fact points into ("" = the same table), or nullptr.
const char* reference_of(std::string_view column);

// SHA-256 (hex) of a record's canonical text; kGenesis is the `prev` of an origin's first record.
std::string record_hash(const std::string& prev, const std::string& origin, std::int64_t seq,
                        const std::string& kind, const std::string& key, std::int64_t at,
                        const std::string& body);
extern const std::string kGenesis;

}  // namespace loyalty::storage

#endif
