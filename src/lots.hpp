// Lot planning: which of a member's open lots a spend, a reversal or an expiry takes points from.
// A pure function of the lots and the time, like the rules (rules.cpp): the same lots give the
// same plan in every file, which is what lets two files holding the same facts agree on what
// remains of each lot (docs/ledger.md, "Lots").
#ifndef LOYALTY_SRC_LOTS_HPP
#define LOYALTY_SRC_LOTS_HPP

#include <cstdint>
#include <vector>

namespace loyalty::lots {

// An open lot: points of one positive entry, with the dates they become available and expire.
struct Lot {
    std::int64_t id = 0;
    std::int64_t entry = 0;  // the entry that opened it
    std::int64_t remaining = 0;
    std::int64_t available_at = 0;
    std::int64_t expires_at = 0;
};

// Points taken from one lot.
struct Take {
    std::int64_t lot = 0, points = 0;
};
inline bool operator==(const Take& a, const Take& b) noexcept {
    return a.lot == b.lot && a.points == b.points;
}

// Up to `want` points from `open` (any order): first the lots opened by `prefer_entry` (the entry
// a reversal takes back, when not 0), whatever their dates, in lot order; then the unexpired lots
// (expires_at > now), soonest-expiring first (ties: lot order), skipping lots not yet available
// when `spendable_only`. Each lot is taken from at most once, never more than it holds. The plan
// may hold less than `want` when the lots do not have it.
std::vector<Take> plan(std::vector<Lot> open, std::int64_t want, std::int64_t now,
                       bool spendable_only, std::int64_t prefer_entry);

// The points a plan takes.
std::int64_t total(const std::vector<Take>& plan) noexcept;

}  // namespace loyalty::lots

#endif
