#include "loyalty/status.hpp"

namespace loyalty {

Family family_of(Status s) noexcept {
    switch (s) {
        case Status::Ok:
            return Family::Ok;
        case Status::InvalidArgument:
        case Status::InvalidUtf8:
        case Status::TooLong:
        case Status::InvalidPhone:
        case Status::Overflow:
        case Status::InvalidAmount:
        case Status::InvalidRate:
        case Status::UnknownCurrency:
        case Status::InvalidProgram:
        case Status::EmptyBasket:
            return Family::InvalidInput;
        case Status::NotFound:
            return Family::NotFound;
        case Status::Duplicate:
        case Status::MemberInactive:
        case Status::IdempotencyConflict:
        case Status::RefundExceedsSale:
        case Status::SaleVoided:
        case Status::InvalidState:
        case Status::SyncFork:
        case Status::SyncGap:
            return Family::Conflict;
        case Status::InsufficientPoints:
        case Status::RedemptionNotAllowed:
        case Status::CapReached:
        case Status::CouponInvalid:
        case Status::CouponRejected:
        case Status::OutOfStock:
        case Status::InsufficientFunds:
        case Status::NeedsOnline:
        case Status::OfflineLimit:
        case Status::NeedsApproval:
            return Family::Declined;
        case Status::Busy:
        case Status::Io:
        case Status::NoMemory:
            return Family::Transient;
        case Status::NotADatabase:
        case Status::SchemaTooNew:
        case Status::ReadOnly:
        case Status::Internal:
            return Family::Failure;
    }
    return Family::Failure;
}

const char* status_name(Status s) noexcept {
    switch (s) {
        case Status::Ok:
            return "LOY_OK";
        case Status::InvalidArgument:
            return "LOY_ERR_INVALID_ARGUMENT";
        case Status::InvalidUtf8:
            return "LOY_ERR_INVALID_UTF8";
        case Status::TooLong:
            return "LOY_ERR_TOO_LONG";
        case Status::InvalidPhone:
            return "LOY_ERR_INVALID_PHONE";
        case Status::Duplicate:
            return "LOY_ERR_DUPLICATE";
        case Status::NotFound:
            return "LOY_ERR_NOT_FOUND";
        case Status::MemberInactive:
            return "LOY_ERR_MEMBER_INACTIVE";
        case Status::InsufficientPoints:
            return "LOY_ERR_INSUFFICIENT_POINTS";
        case Status::IdempotencyConflict:
            return "LOY_ERR_IDEMPOTENCY_CONFLICT";
        case Status::Overflow:
            return "LOY_ERR_OVERFLOW";
        case Status::InvalidAmount:
            return "LOY_ERR_INVALID_AMOUNT";
        case Status::InvalidRate:
            return "LOY_ERR_INVALID_RATE";
        case Status::UnknownCurrency:
            return "LOY_ERR_UNKNOWN_CURRENCY";
        case Status::InvalidProgram:
            return "LOY_ERR_INVALID_PROGRAM";
        case Status::Busy:
            return "LOY_ERR_BUSY";
        case Status::Io:
            return "LOY_ERR_IO";
        case Status::NotADatabase:
            return "LOY_ERR_NOT_A_DATABASE";
        case Status::SchemaTooNew:
            return "LOY_ERR_SCHEMA_TOO_NEW";
        case Status::ReadOnly:
            return "LOY_ERR_READONLY";
        case Status::NoMemory:
            return "LOY_ERR_NO_MEMORY";
        case Status::Internal:
            return "LOY_ERR_INTERNAL";
        case Status::RefundExceedsSale:
            return "LOY_ERR_REFUND_EXCEEDS_SALE";
        case Status::SaleVoided:
            return "LOY_ERR_SALE_VOIDED";
        case Status::RedemptionNotAllowed:
            return "LOY_ERR_REDEMPTION_NOT_ALLOWED";
        case Status::CapReached:
            return "LOY_ERR_CAP_REACHED";
        case Status::InvalidState:
            return "LOY_ERR_INVALID_STATE";
        case Status::EmptyBasket:
            return "LOY_ERR_EMPTY_BASKET";
        case Status::CouponInvalid:
            return "LOY_ERR_COUPON_INVALID";
        case Status::CouponRejected:
            return "LOY_ERR_COUPON_REJECTED";
        case Status::OutOfStock:
            return "LOY_ERR_OUT_OF_STOCK";
        case Status::InsufficientFunds:
            return "LOY_ERR_INSUFFICIENT_FUNDS";
        case Status::NeedsOnline:
            return "LOY_ERR_NEEDS_ONLINE";
        case Status::OfflineLimit:
            return "LOY_ERR_OFFLINE_LIMIT";
        case Status::SyncFork:
            return "LOY_ERR_SYNC_FORK";
        case Status::SyncGap:
            return "LOY_ERR_SYNC_GAP";
        case Status::NeedsApproval:
            return "LOY_ERR_NEEDS_APPROVAL";
    }
    return "LOY_ERR_UNKNOWN";
}

}  // namespace loyalty
