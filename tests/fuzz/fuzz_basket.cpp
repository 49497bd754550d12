// Baskets built from arbitrary bytes: lines, charges, coupons, points and wallet tenders, then a
// quote and a commit. No crash, only known statuses, and the ledger stays consistent.
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace fuzz;
    static int64_t counter = 0;
    loy_db* db = database();
    Reader r{data, size};
    loy_basket* b = nullptr;
    check_status(loy_basket_new(&b, &err));
    while (!r.empty()) {
        switch (r.byte() % 8) {
            case 0:
            case 1: {
                std::string sku = r.str(), cat = r.str();
                int64_t q = r.amount(), p = r.amount(), d = r.amount();
                check_status(
                    loy_basket_add_line(b, sku.c_str(), cat.c_str(), q, p, d, nullptr, &err));
                break;
            }
            case 2:
                check_status(loy_basket_set_charges(b, r.amount(), r.amount(), r.amount(), &err));
                break;
            case 3:
                check_status(loy_basket_redeem_points(b, r.amount(), &err));
                break;
            case 4: {
                std::string c = r.str();
                check_status(loy_basket_add_coupon(b, c.c_str(), &err));
                break;
            }
            case 5:
                check_status(loy_basket_set_member(b, r.byte() % 3, &err));
                break;
            case 6:
                check_status(loy_basket_pay_wallet(b, r.amount(), &err));
                break;
            default: {
                std::string t = r.str();
                check_status(loy_basket_add_tender(b, t.c_str(), r.amount(), &err));
            }
        }
    }
    loy_quote* q = nullptr;
    int32_t st = loy_quote_basket(db, b, &q, &err);
    check_status(st);
    if (st == LOY_OK) {
        if (loy_quote_total(q) < 0 || loy_quote_amount_due(q) < 0 || loy_quote_points_earned(q) < 0)
            std::abort();
        for (size_t i = 0; i < loy_quote_coupon_count(q); ++i)
            check_status(loy_quote_coupon_status(q, i));
    }
    loy_quote_free(q);
    loy_receipt* rc = nullptr;
    std::string key = "fuzz-" + std::to_string(++counter);
    check_status(loy_commit(db, b, key.c_str(), &rc, &err));
    loy_receipt_free(rc);
    loy_basket_free(b);
    if (counter % 200 == 0) {
        int64_t problems = -1;
        check_status(loy_verify(db, &problems, nullptr, 0, nullptr, &err));
        if (problems != 0) std::abort();
    }
    return 0;
}
