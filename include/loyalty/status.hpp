// Status codes and the exception type of the C++ API.
//
// The C++ API reports failures by throwing loyalty::Error, which carries the same stable status
// code the C ABI returns. Functions that cannot fail are marked noexcept.
#ifndef LOYALTY_STATUS_HPP
#define LOYALTY_STATUS_HPP

#include <cstdint>
#include <stdexcept>
#include <string>

namespace loyalty {

// Values are the LOY_ERR_* numbers of loyalty.h and never change.
enum class Status : std::int32_t {
    Ok = 0,
    InvalidArgument = 1,
    InvalidUtf8 = 2,
    TooLong = 3,
    InvalidPhone = 4,
    Duplicate = 5,
    NotFound = 6,
    MemberInactive = 7,
    InsufficientPoints = 8,
    IdempotencyConflict = 9,
    Overflow = 10,
    InvalidAmount = 11,
    InvalidRate = 12,
    UnknownCurrency = 13,
    InvalidProgram = 14,
    Busy = 15,
    Io = 16,
    NotADatabase = 17,
    SchemaTooNew = 18,
    ReadOnly = 19,
    NoMemory = 20,
    Internal = 21,
    RefundExceedsSale = 22,
    SaleVoided = 23,
    RedemptionNotAllowed = 24,
    CapReached = 25,
    InvalidState = 26,
    EmptyBasket = 27,
    CouponInvalid = 28,
    CouponRejected = 29,
    OutOfStock = 30,
    InsufficientFunds = 31,
    NeedsOnline = 32,
    OfflineLimit = 33,
    SyncFork = 34,
    SyncGap = 35,
};

// "LOY_ERR_BUSY" and so on; "LOY_ERR_UNKNOWN" for a number that is not a status.
const char* status_name(Status s) noexcept;

// True for failures that record nothing and may succeed when retried with the same key.
inline bool is_transient(Status s) noexcept {
    return s == Status::Busy || s == Status::Io || s == Status::NoMemory;
}

class Error : public std::runtime_error {
  public:
    Error(Status status, const std::string& message)
        : std::runtime_error(message), status_(status) {}
    Status status() const noexcept { return status_; }

  private:
    Status status_;
};

}  // namespace loyalty

#endif
