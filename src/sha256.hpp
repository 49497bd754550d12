// SHA-256 (FIPS 180-4): digests of idempotent requests, so the request log keeps no request text
// and so no personal data. Pure code with no dependency, the same on every platform; tested with
// the FIPS 180-2 example vectors (tests/unit/sha256_test.cpp).
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
    void block(const std::uint8_t* p);
    std::array<std::uint32_t, 8> h_;
    std::array<std::uint8_t, 64> buf_{};
    std::size_t used_ = 0;
    std::uint64_t length_ = 0;
};

// The digest of `data` as 64 lowercase hexadecimal digits.
std::string sha256_hex(std::string_view data);

}  // namespace loyalty

#endif
