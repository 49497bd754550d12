// Coupon codes from arbitrary bytes: the check symbol, the lookup and a quote with the code.
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace fuzz;
    loy_db* db = database();
    std::string code(reinterpret_cast<const char*>(data), size);
    int32_t st = loy_coupon_code_check(code.c_str());
    if (st != LOY_OK && st != LOY_ERR_COUPON_INVALID) std::abort();
    loy_coupon* c = nullptr;
    check_status(loy_coupon_get(db, code.c_str(), &c, &err));
    loy_coupon_free(c);
    loy_basket* b = nullptr;
    check_status(loy_basket_new(&b, &err));
    loy_basket_set_member(b, 1, &err);
    loy_basket_add_line(b, "S1", "c1", 1000, 100000, 0, nullptr, &err);
    check_status(loy_basket_add_coupon(b, code.c_str(), &err));
    loy_quote* q = nullptr;
    check_status(loy_quote_basket(db, b, &q, &err));
    for (size_t i = 0; i < loy_quote_coupon_count(q); ++i)
        check_status(loy_quote_coupon_status(q, i));
    loy_quote_free(q);
    loy_basket_free(b);
    return 0;
}
