// Gift cards as tenders in the basket: whatever the sales and the order of their partial
// refunds, a card never goes below zero, never gets back more than it paid, and once every sale
// is wholly returned each card holds exactly what it held before; another file applying the
// journal holds the same balances. Stamp cards: a member's stamps are what the sales gave, less
// what refunds took back and what full cards spent.
#include <catch2/catch.hpp>

#include "db_fixture.hpp"

using namespace loyalty;
using namespace fixture;

namespace {

struct Sold {
    std::int64_t id = 0;
    std::vector<std::int64_t> left;  // quantity not yet returned, per line
};

Basket random_basket(fixture::Lcg& next, std::int64_t member) {
    Basket b;
    b.member_id = member;
    const auto lines = 1 + next(3);
    for (std::size_t i = 0; i < lines; ++i) {
        BasketLine l;
        l.sku = "SKU" + std::to_string(next(5));
        l.category = next(2) == 0 ? "coffee" : "bakery";
        l.quantity_milli = 1000 * static_cast<std::int64_t>(1 + next(3));
        l.unit_price = 10000 * static_cast<std::int64_t>(1 + next(20));
        b.lines.push_back(l);
    }
    return b;
}

}  // namespace

TEST_CASE("gift card tenders: refunds give each card back what it paid, another file agrees",
          "[giftcards][property]") {
    const std::string prog = R"({"currency": "IRR",
      "spend": [{"id": "base", "points": 1, "per": 10000}],
      "redeem": {"point_value": "100"},
      "campaigns": [{"id": "free", "name": "Free coffee", "effect": "cheapest",
                     "categories": ["coffee"]}],
      "stamp_cards": [{"id": "coffee", "name": "Coffee card", "categories": ["coffee"],
                       "stamps": 4, "campaign": "free"}]})";
    auto db = open(temp_path("tenders.db"));
    db->load_program(prog);
    const std::int64_t m = db->enrol(phone("09121234567")).id;
    const GiftCardContext ctx;
    const std::string cards[2] = {db->gift_card_sell(5000000, ctx, "sell-1"),
                                  db->gift_card_sell(3000000, ctx, "sell-2")};
    fixture::Lcg next{11};
    std::vector<Sold> sales;
    for (int i = 0; i < 150; ++i) {
        const std::string key = "k" + std::to_string(i);
        if (sales.empty() || next(3) == 0) {
            Basket b = random_basket(next, next(4) == 0 ? 0 : m);
            const std::int64_t due = db->quote(b).amount_due;
            std::int64_t left = due;
            for (const auto& code : cards) {
                const std::int64_t have = db->gift_card(code).balance;
                const auto pay =
                    std::min<std::int64_t>({have, left, static_cast<std::int64_t>(next(300000))});
                if (pay > 0) {
                    b.gift_cards.push_back({code, pay});
                    left -= pay;
                }
            }
            Receipt r;
            if (status_of([&] { r = db->commit(b, key); }) == Status::Ok) {
                CHECK(r.gift_card_amount == due - left);
                CHECK(r.amount_due == left);
                Sold s{r.sale_id, {}};
                for (const auto& l : b.lines)
                    s.left.push_back(l.quantity_milli);
                sales.push_back(s);
            }
        } else {
            Sold& s = sales[next(sales.size())];
            const auto line = next(s.left.size());
            if (s.left[line] == 0) continue;
            const std::int64_t qty =
                1000 *
                static_cast<std::int64_t>(1 + next(static_cast<std::size_t>(s.left[line] / 1000)));
            if (status_of([&] {
                    db->refund(s.id, {RefundLine{static_cast<int>(line + 1), qty}}, key);
                }) == Status::Ok)
                s.left[line] -= qty;
        }
        for (const auto& code : cards)
            CHECK(db->gift_card(code).balance >= 0);
    }
    // Everything returned: each card holds what it held before the sales.
    int n = 0;
    for (const auto& s : sales) {
        bool any = false;
        for (auto q : s.left)
            any = any || q > 0;
        if (any) db->refund(s.id, {}, "rest-" + std::to_string(++n));
    }
    CHECK(db->gift_card(cards[0]).balance == 5000000);
    CHECK(db->gift_card(cards[1]).balance == 3000000);
    // Every sale returned: the stamps given are all taken back, and the rewards of full cards
    // (none used) are withdrawn with their sales and give their stamps back: the card is empty.
    CHECK(db->stamps(m, "coffee") == 0);
    CHECK(db->verify().ok());
    auto other = open(temp_path("tenders-2.db"));
    other->load_program(prog);
    other->set_clock(db->now());
    other->apply_journal(db->journal("", 0, 10000));
    for (const auto& code : cards)
        CHECK(other->gift_card(code).balance == db->gift_card(code).balance);
    const Member here = db->member(m), there = other->member_by_uid(here.uid);
    CHECK(there.balance == here.balance);
    CHECK(other->stamps(there.id, "coffee") == db->stamps(m, "coffee"));
    CHECK(other->verify().ok());
}
