#include "loyalty/checkout.hpp"

#include "loyalty/money.hpp"

namespace loyalty {

std::int64_t BasketLine::gross() const {
    if (quantity_milli <= 0)
        throw Error(Status::InvalidAmount, "line '" + sku + "': quantity must be greater than 0");
    if (unit_price < 0)
        throw Error(Status::InvalidAmount, "line '" + sku + "': unit price cannot be negative");
    return mul_div(quantity_milli, unit_price, 1000, Rounding::HalfUp);
}

std::int64_t BasketLine::amount() const {
    std::int64_t g = gross();
    if (discount < 0)
        throw Error(Status::InvalidAmount, "line '" + sku + "': discount cannot be negative");
    if (discount > g)
        throw Error(Status::InvalidAmount,
                    "line '" + sku + "': discount is larger than the line amount");
    return g - discount;
}

std::int64_t Basket::lines_total() const {
    if (lines.empty()) throw Error(Status::EmptyBasket, "the basket has no lines");
    std::int64_t t = 0;
    for (const auto& l : lines)
        t = checked_add(t, l.amount());
    return t;
}

std::int64_t Basket::total() const {
    if (tax < 0 || service < 0 || tip < 0)
        throw Error(Status::InvalidAmount, "tax, service charge and tip cannot be negative");
    return checked_add(checked_add(checked_add(lines_total(), tax), service), tip);
}

}  // namespace loyalty
