// An entry's lots packed in its row (storage/packed_lots.hpp): written as SQLite's JSON reads
// them, read back without it.
#include <catch2/catch.hpp>
#include <climits>

#include "storage/packed_lots.hpp"

using loyalty::storage::pack_lot;
using loyalty::storage::PackedLot;
using loyalty::storage::unpack_lots;

TEST_CASE("packed lots read back as written, in the order of their places", "[storage]") {
    const PackedLot a{0, 50, 1795242600000, INT64_MAX}, b{1, 7, -3, 0};
    CHECK(pack_lot(a) == "[0,50,1795242600000,9223372036854775807]");
    std::vector<PackedLot> out;
    REQUIRE(unpack_lots("[" + pack_lot(b) + "," + pack_lot(a) + "]", out));
    REQUIRE(out.size() == 2);
    CHECK(out[0].n == 0);
    CHECK(out[0].points == 50);
    CHECK(out[0].available_at == 1795242600000);
    CHECK(out[0].expires_at == INT64_MAX);
    CHECK(out[1].n == 1);
    CHECK(out[1].available_at == -3);
    // As SQLite's json_group_array writes them, with spaces, and empty.
    REQUIRE(unpack_lots(" [ [2, 3, 4, 5] ] ", out));
    CHECK((out.size() == 1 && out[0].n == 2 && out[0].expires_at == 5));
    REQUIRE(unpack_lots("[]", out));
    CHECK(out.empty());
}

TEST_CASE("packed lots that are not four integers each are refused, not guessed", "[storage]") {
    std::vector<PackedLot> out;
    for (const char* bad :
         {"", "[", "[[0,1,2]]", "[[0,1,2,3,4]]", "[[0,1.5,2,3]]", "[[0,1,2,3]", "[[0,1,2,3]]x",
          "[[0,\"1\",2,3]]", "[[0,1,2,99999999999999999999]]", "{}", "[[0,1,2,3],]", "[0,1,2,3]"}) {
        out.push_back({});
        CHECK_FALSE(unpack_lots(bad, out));
        CHECK(out.empty());
    }
}
