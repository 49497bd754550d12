// Programme files from arbitrary bytes: refused with a clear status, or loaded; a loaded one
// exports to text that loads back as the same version.
#include <vector>

#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace fuzz;
    loy_db* db = database();
    std::string text(reinterpret_cast<const char*>(data), size);
    int64_t v = 0;
    int32_t st = loy_program_load_json(db, text.c_str(), &v, &err);
    check_status(st);
    if (st == LOY_OK) {
        size_t need = 0;
        check_status(loy_program_export_json(db, v, nullptr, 0, &need, &err));
        std::vector<char> buf(need + 1);
        check_status(loy_program_export_json(db, v, buf.data(), buf.size(), &need, &err));
        int64_t again = 0;
        if (loy_program_load_json(db, buf.data(), &again, &err) != LOY_OK || again != v)
            std::abort();
        // Put the fuzzing programme back for the other checks.
        loy_program_load_json(db, kProgramme, nullptr, &err);
    }
    return 0;
}
