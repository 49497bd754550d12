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
    NeedsApproval = 36,
};

// "LOY_ERR_BUSY" and so on; "LOY_ERR_UNKNOWN" for a number that is not a status.
const char* status_name(Status s) noexcept;

// True for failures that record nothing and may succeed when retried with the same key.
inline bool is_transient(Status s) noexcept {
    return s == Status::Busy || s == Status::Io || s == Status::NoMemory;
}

// What a caller does about a status: the LOY_FAMILY_* numbers of loyalty.h.
enum class Family : std::int32_t {
    Ok = 0,
    InvalidInput = 1,  // fix the call: an argument, amount, phone, currency or programme is wrong
    NotFound = 2,      // no such member, sale, coupon, reward, report...
    Conflict = 3,      // the data's state refuses: a duplicate, a key reused, voided, inactive
    Declined = 4,      // the programme refuses: not enough points, a coupon, a cap, online only
    Transient = 5,     // nothing was written; retry with the same idempotency key
    Failure = 6,       // the file or the library: not a database, too new, read-only, internal
};

// The family of a status; Failure for a number that is not a status.
Family family_of(Status s) noexcept;

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
