// Database files from arbitrary bytes (and damaged real databases, from the seeds): open refuses
// them with a clear status, or opens them and every read is safe.
#include <fstream>

#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace fuzz;
    loy_error_init(&err);
    static const std::string path = scratch("open-");
    remove_database(path);
    {
        std::ofstream f(path, std::ios::binary);
        f.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    loy_open_options o;
    loy_open_options_init(&o);
    o.path = path.c_str();
    loy_db* db = nullptr;
    int32_t st = loy_open(&o, &db, &err);
    if (st != LOY_OK && st != LOY_ERR_NOT_A_DATABASE && st != LOY_ERR_SCHEMA_TOO_NEW &&
        st != LOY_ERR_IO && st != LOY_ERR_INVALID_PROGRAM && st != LOY_ERR_READONLY)
        check_status(st);
    if (st == LOY_OK) {
        int64_t problems = 0;
        check_status(loy_verify(db, &problems, nullptr, 0, nullptr, &err));
        loy_member* m = nullptr;
        check_status(loy_member_get(db, 1, &m, &err));
        loy_member_free(m);
        loy_member_query q;
        loy_member_query_init(&q);
        loy_member_list* l = nullptr;
        check_status(loy_member_search(db, &q, &l, &err));
        loy_member_list_free(l);
        loy_basket* b = nullptr;
        loy_basket_new(&b, &err);
        loy_basket_set_member(b, 1, &err);
        loy_basket_add_line(b, "S", "c", 1000, 1000, 0, nullptr, &err);
        loy_quote* qt = nullptr;
        check_status(loy_quote_basket(db, b, &qt, &err));
        loy_quote_free(qt);
        loy_receipt* r = nullptr;
        check_status(loy_commit(db, b, "k", &r, &err));
        loy_receipt_free(r);
        loy_basket_free(b);
        loy_close(db);
    }
    for (const char* s : {"", "-wal", "-shm"})
        std::remove((path + s).c_str());
    return 0;
}
