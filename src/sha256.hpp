// SHA-256 (FIPS 180-4): digests of idempotent requests, so the request log keeps no request text
// and so no personal data, and the hashes of the journal's chain. No dependency, the same digests
// on every platform: portable code, and the x86 SHA instructions where the processor has them
// (chosen once, at run time); both tested with the FIPS 180-2 example vectors
// (tests/unit/sha256_test.cpp).
#ifndef LOYALTY_SRC_SHA256_HPP
#define LOYALTY_SRC_SHA256_HPP

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace loyalty {

class Sha256 {
  public:
    Sha256();
    void update(std::string_view data);
    std::array<std::uint8_t, 32> finish();
    // finish() as 64 lowercase hexadecimal digits.
    std::string finish_hex();

  private:
    // Compresses `n` 64-byte blocks at `p` into h_: with the processor's SHA instructions where
    // it has them (x86 SHA extensions), else in portable code.
    void blocks(const std::uint8_t* p, std::size_t n);
    std::array<std::uint32_t, 8> h_;
    std::array<std::uint8_t, 64> buf_{};
    std::size_t used_ = 0;
    std::uint64_t length_ = 0;
};

// The digest of `data` as 64 lowercase hexadecimal digits.
std::string sha256_hex(std::string_view data);

// Whether this processor's SHA instructions compute the digests; `portable_only` (for tests, which
// check both ways give the same digests) makes every later digest use the portable code alone.
bool sha256_hardware();
void sha256_portable_only(bool on);

}  // namespace loyalty

#endif
