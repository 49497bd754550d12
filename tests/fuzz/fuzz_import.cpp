// Member CSV import from arbitrary bytes: refused with a clear status, or read; a file with a
// failed row writes nothing; a dry run never writes; the reports still run afterwards.
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace fuzz;
    if (size == 0) return 0;
    loy_db* db = database();
    const bool dry = (data[0] & 1) != 0;
    std::string csv(reinterpret_cast<const char*>(data) + 1, size - 1);
    auto members = [&] {
        loy_table* t = nullptr;
        check_status(loy_report(db, "members", nullptr, &t, &err));
        int64_t n = loy_table_int(t, 0, 2);
        loy_table_free(t);
        return n;
    };
    const int64_t before = members();
    int64_t rows = -1, imported = -1;
    loy_table* errors = nullptr;
    int32_t st =
        loy_members_import_csv(db, csv.c_str(), dry ? 1 : 0, &rows, &imported, &errors, &err);
    check_status(st);
    const int64_t after = members();
    if (st != LOY_OK) {
        if (errors || rows != 0 || imported != 0 || after != before) std::abort();
        return 0;
    }
    const size_t failed = loy_table_row_count(errors);
    loy_table_free(errors);
    if ((dry || failed > 0) && (imported != 0 || after != before)) std::abort();
    if (!dry && failed == 0 && (imported != rows || after != before + rows)) std::abort();
    return 0;
}
