// The product floor: raw SQLite doing the least any correct implementation of a loyalty checkout
// must do (docs/performance.md, "The product floor"), with the library's own pragmas.
#ifndef LOYALTY_BENCH_PRODUCT_FLOOR_HPP
#define LOYALTY_BENCH_PRODUCT_FLOOR_HPP

#include <sqlite3.h>

#include <cstdint>
#include <string>

namespace bench {

class ProductFloor {
  public:
    // Creates the file with `members` members (phones phone_of(1..members)) and `entries`
    // earn entries spread over them, unmeasured.
    static void create(const std::string& path, std::int64_t members, std::int64_t entries,
                       std::string (*phone_of)(std::int64_t));

    // Opens the file at synchronous=FULL or NORMAL; the log is emptied first and no checkpoint
    // runs while it is open (checkpoint() copies it, outside any measured call).
    ProductFloor(const std::string& path, bool full);
    ~ProductFloor();
    ProductFloor(const ProductFloor&) = delete;
    ProductFloor& operator=(const ProductFloor&) = delete;

    // One checkout: find the member by phone, refuse a key used before (the sale row's UNIQUE
    // column), insert the sale with its five lines packed into it, the redeem and the earn
    // entries, update the member's balance. Returns false for a repeated key.
    bool checkout(const std::string& phone, const std::string& key, std::int64_t redeem,
                  std::int64_t earn);

    // The floor below it: find the member by phone, insert one keyed row, update the balance.
    bool minimal(const std::string& phone, const std::string& key, std::int64_t earn);

    // Frames in the log now (a passive checkpoint copies them; the log restarts afterwards).
    int checkpoint();

  private:
    // Both: the sale row with `lines` packed in it, and with `entries` its ledger entries.
    bool sale(const std::string& phone, const std::string& key, std::int64_t redeem,
              std::int64_t earn, const char* lines, bool entries);
    sqlite3* db_ = nullptr;
    sqlite3_stmt *begin_ = nullptr, *commit_ = nullptr, *rollback_ = nullptr, *find_ = nullptr,
                 *sale_ = nullptr, *entry_ = nullptr, *member_ = nullptr;
};

}  // namespace bench

#endif
