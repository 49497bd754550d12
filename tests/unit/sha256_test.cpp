#include <catch2/catch.hpp>

#include <string>

#include "sha256.hpp"

using loyalty::sha256_hex;

TEST_CASE("SHA-256 gives the FIPS 180-2 example digests", "[sha256]") {
    // Both ways: the processor's SHA instructions (where it has them) and the portable code.
    const bool portable = GENERATE(false, true);
    loyalty::sha256_portable_only(portable);
    INFO("portable only: " << portable << ", instructions used: " << loyalty::sha256_hardware());
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(sha256_hex(std::string(1000000, 'a')) ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    loyalty::sha256_portable_only(false);
}

TEST_CASE("SHA-256 by the processor's instructions agrees with the portable code", "[sha256]") {
    // Every length to 300 bytes (one to five blocks, every padding case) of varied bytes, fed
    // at once and in uneven pieces.
    std::uint32_t x = 2463534242u;
    std::string text;
    for (std::size_t n = 0; n <= 300; ++n) {
        loyalty::sha256_portable_only(false);
        const std::string fast = sha256_hex(text);
        loyalty::Sha256 pieces;
        for (std::size_t at = 0; at < text.size(); at += 1 + at % 7)
            pieces.update(std::string_view(text).substr(at, 1 + at % 7));
        const std::string fast_pieces = pieces.finish_hex();
        loyalty::sha256_portable_only(true);
        REQUIRE(fast == sha256_hex(text));
        REQUIRE(fast_pieces == fast);
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        text.push_back(static_cast<char>(x & 0xFF));
    }
    loyalty::sha256_portable_only(false);
}

TEST_CASE("SHA-256 over every length around the block boundaries", "[sha256]") {
    // Fed at once and byte by byte, lengths 0..130 agree, and each differs from its neighbour.
    std::string prev;
    for (std::size_t n = 0; n <= 130; ++n) {
        const std::string text(n, 'x');
        loyalty::Sha256 s;
        for (char ch : text)
            s.update(std::string_view(&ch, 1));
        const auto d = s.finish();
        std::string hex;
        for (auto b : d) {
            static constexpr char kHex[] = "0123456789abcdef";
            hex.push_back(kHex[b >> 4]);
            hex.push_back(kHex[b & 15]);
        }
        REQUIRE(hex == sha256_hex(text));
        REQUIRE(hex != prev);
        prev = hex;
    }
    // 55, 56 and 64 bytes: the padding cases (NIST's "abc..." style vectors for 448 bits).
    CHECK(sha256_hex(std::string(56, 'a')) ==
          "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
}
