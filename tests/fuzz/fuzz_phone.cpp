// Phone numbers from arbitrary bytes: normalised or refused; a normalised number normalises to
// itself, and lookups by it never crash.
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace fuzz;
    loy_db* db = database();
    std::string text(reinterpret_cast<const char*>(data), size);
    char out[128], again[128];
    size_t need = 0;
    int32_t st = loy_phone_normalize(db, text.c_str(), out, sizeof out, &need, &err);
    check_status(st);
    if (st == LOY_OK) {
        if (need >= sizeof out || out[0] != '+') std::abort();
        if (loy_phone_normalize(db, out, again, sizeof again, &need, &err) != LOY_OK) std::abort();
        if (std::string(out) != again) std::abort();
    }
    loy_member* m = nullptr;
    check_status(loy_member_identify(db, text.c_str(), &m, &err));
    loy_member_free(m);
    loy_member_query q;
    loy_member_query_init(&q);
    q.phone_prefix = text.c_str();
    q.name_prefix = text.c_str();
    loy_member_list* l = nullptr;
    check_status(loy_member_search(db, &q, &l, &err));
    loy_member_list_free(l);
    return 0;
}
