"""The Python binding runs a sale end to end against the real library (ctest: binding_python)."""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import libloyalty  # noqa: E402
from libloyalty import LoyaltyError  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
PROGRAMME = os.path.join(ROOT, "examples", "programme.json")
NOW = 1_764_000_000_000  # a Tuesday, 2025-11-24 16:00 UTC


class CheckoutTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.db = libloyalty.Database.open(os.path.join(self.dir.name, "club.db"),
                                          default_currency="IRT")
        self.db.set_clock(NOW)
        self.assertEqual(self.db.load_programme_file(PROGRAMME), 1)

    def tearDown(self):
        self.db.close()
        self.dir.cleanup()

    def test_sale_quote_commit_replay_refund(self):
        # Persian digits and a Persian name go in as str and come back unchanged.
        sara = self.db.enrol(phone="۰۹۱۲ ۳۴۵ ۶۷۸۹", name="سارا", idempotency_key="T1-enrol-1")
        self.assertEqual(sara.phone, "+989123456789")
        self.assertEqual(sara.name, "سارا")
        self.assertEqual(self.db.identify("09123456789").id, sara.id)

        with self.db.basket(member=sara.id, receipt="R-1", branch="tehran-1", terminal="T1") as b:
            self.assertEqual(b.add_line("LATTE", "coffee", 2000, 150_000), 1)
            self.assertEqual(b.add_line("WATER", "drinks", 1000, 100_000), 2)
            quote = self.db.quote(b)
            # 400,000 toman: 40 base points; coffee's 300,000 earns 30 more (x2).
            self.assertEqual(quote.total, 400_000)
            self.assertEqual(quote.points_earned, 70)
            self.assertEqual(sum(r.points for r in quote.rules), 70)
            receipt = self.db.commit(b, "T1-R-1")
            self.assertFalse(receipt.replayed)
            self.assertEqual(receipt.points_earned, quote.points_earned)
            self.assertEqual(receipt.balance_after, 70)
            again = self.db.commit(b, "T1-R-1")
            self.assertTrue(again.replayed)
            self.assertEqual(again.sale_id, receipt.sale_id)
        self.assertEqual(self.db.member(sara.id).balance, 70)

        # The water goes back: its 10 points are taken back, the coffee's 60 stay.
        refund = self.db.refund(receipt.sale_id, [(2, 1000)], "T1-refund-1")
        self.assertEqual(refund.kind, libloyalty.LOY_RECEIPT_REFUND)
        self.assertEqual(refund.refund_amount, 100_000)
        self.assertEqual(refund.money_back, 100_000)  # no points or wallet tender: all in cash
        self.assertEqual(refund.balance_after, 60)
        self.assertEqual(self.db.verify()[0], 0)
        # An access request: everything held about her, and her sale.
        data = self.db.export_member(sara.id)
        self.assertEqual(data["format"], "libloyalty member export 1")
        self.assertEqual(data["member"]["phone"], "+989123456789")
        self.assertEqual(data["member"]["name"], "سارا")
        self.assertEqual([s["id"] for s in data["sales"]], [receipt.sale_id])

    def test_errors_carry_status_and_leave_nothing_behind(self):
        with self.assertRaises(LoyaltyError) as ctx:
            self.db.enrol(phone="12", name="bad")
        self.assertEqual(ctx.exception.status, libloyalty.LOY_ERR_INVALID_PHONE)
        self.assertEqual(ctx.exception.name, "LOY_ERR_INVALID_PHONE")
        self.assertTrue(ctx.exception.message)
        self.assertFalse(ctx.exception.transient)
        # One exception type per status family (loy_status_family).
        self.assertIsInstance(ctx.exception, libloyalty.InvalidInputError)
        self.assertEqual(ctx.exception.family, libloyalty.LOY_FAMILY_INVALID_INPUT)
        with self.assertRaises(libloyalty.NotFoundError):
            self.db.member(999)
        with self.assertRaises(libloyalty.FailureError):
            raise libloyalty.error(libloyalty.LOY_ERR_READONLY, "read-only")
        self.assertIsInstance(libloyalty.error(libloyalty.LOY_ERR_BUSY, "busy"),
                              libloyalty.TransientError)

        ali = self.db.enrol(phone="09121111111", name="Ali")
        with self.db.basket(member=ali.id) as b:
            b.add_line("LATTE", "coffee", 1000, 150_000)
            b.redeem_points(500)
            self.assertEqual(self.db.quote(b).redeem_status, libloyalty.LOY_ERR_INSUFFICIENT_POINTS)
            with self.assertRaises(libloyalty.DeclinedError) as ctx:
                self.db.commit(b, "T1-R-2")
            self.assertEqual(ctx.exception.status, libloyalty.LOY_ERR_INSUFFICIENT_POINTS)
            # The refusal sticks to its key, and nothing was written.
            with self.assertRaises(LoyaltyError):
                self.db.commit(b, "T1-R-2")
        self.assertEqual(self.db.member(ali.id).balance, 0)
        with self.assertRaises(LoyaltyError) as ctx:
            self.db.basket().add_line("X", None, -1, 10)
        self.assertEqual(ctx.exception.status, libloyalty.LOY_ERR_INVALID_AMOUNT)

    def test_reports_and_outbox(self):
        sara = self.db.enrol(phone="09123456789", name="سارا", consent_sms=1)
        with self.db.basket(member=sara.id, branch="golestan") as b:
            b.add_line("LATTE", "coffee", 2000, 150_000)
            self.db.commit(b, "T1-R-9")
        sales = {r["period"]: r for r in self.db.report(
            "sales", group_by=libloyalty.LOY_GROUP_MONTH, calendar=libloyalty.LOY_CALENDAR_JALALI)}
        self.assertEqual(sales["1404-09"]["revenue"], 300_000)  # 2025-11-24 is 3 Azar 1404
        self.assertEqual(sales["1404-09"]["member_revenue_pct"], "100.0")
        with self.assertRaises(LoyaltyError) as ctx:
            self.db.report("no-such")
        self.assertEqual(ctx.exception.status, libloyalty.LOY_ERR_NOT_FOUND)
        # The example programme writes Persian messages: welcome and the receipt.
        self.assertEqual(self.db.generate_messages(), 2)
        box = self.db.fetch_messages()
        self.assertEqual([m["trigger"] for m in box], ["welcome", "earned"])
        self.assertIn("۶۰ امتیاز", box[1]["body"])
        for m in box:
            self.db.acknowledge(m["id"])
        self.assertEqual(self.db.fetch_messages(), [])
        self.assertEqual(self.db.generate_messages(), 0)

    def test_money_and_closed_handles(self):
        self.assertEqual(self.db.format_money(1_250_000, "IRT"), "1,250,000")
        self.assertIn('"Café Golestan club"', self.db.export_programme())
        b = libloyalty.Basket()
        b.close()
        b.close()  # a second close is harmless
        with self.assertRaises(LoyaltyError) as ctx:
            b.add_line("X", None, 1000, 10)
        self.assertEqual(ctx.exception.status, libloyalty.LOY_ERR_INVALID_STATE)


class MembersCouponsWalletTest(unittest.TestCase):
    """The rest of a member's life through the idiomatic layer."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.db = libloyalty.Database.open(os.path.join(self.dir.name, "club.db"),
                                          default_currency="IRT")
        self.db.set_clock(NOW)
        self.db.load_programme_file(PROGRAMME)
        self.sara = self.db.enrol(phone="09123456789", name="سارا", card="CARD-1")

    def tearDown(self):
        self.db.close()
        self.dir.cleanup()

    def test_history_events_and_tier(self):
        with self.db.basket(member=self.sara.id) as b:
            b.add_line("LATTE", "coffee", 2000, 150_000)
            sale = self.db.commit(b, "M-sale-1")
        review = self.db.record_event(self.sara.id, "review", "M-review-1")
        self.assertGreater(review, 0)
        with self.assertRaises(LoyaltyError) as e:  # a review earns once a day
            self.db.record_event(self.sara.id, "review", "M-review-2")
        self.assertEqual(e.exception.status, libloyalty.LOY_ERR_CAP_REACHED)
        entries = self.db.history(self.sara.id)
        self.assertEqual([h.points for h in entries], [review, sale.points_earned])
        self.assertEqual(entries[1].sale_id, sale.sale_id)
        status = self.db.tier_status(self.sara.id)
        self.assertEqual(status.tier, "bronze")
        self.assertEqual(status.next_tier, "silver")
        import json
        with open(PROGRAMME, encoding="utf-8") as f:
            levels = json.load(f)["tiers"]["levels"]
        silver = next(lv["threshold"] for lv in levels if lv["id"] == "silver")
        self.assertEqual(status.missing, silver - status.score)
        self.assertIn("نقره‌ای", status.progress)  # the Persian programme's own words

    def test_wallet_and_coupons(self):
        self.assertEqual(self.db.credit_wallet(self.sara.id, 50_000, "goodwill", "mgr", "W-1"),
                         50_000)
        self.assertEqual(self.db.wallet(self.sara.id), (50_000, 50_000, 0))
        code = self.db.issue_coupon("comeback", self.sara.id, "C-1")
        self.assertTrue(libloyalty.Database.coupon_code_is_valid(code))
        self.assertFalse(libloyalty.Database.coupon_code_is_valid(code[:-1] + "Z" if code[-1] != "Z" else code[:-1] + "Y"))
        info = self.db.coupon(code)
        self.assertEqual((info.campaign, info.member_id, info.uses, info.revoked),
                         ("comeback", self.sara.id, 0, False))
        self.db.revoke_coupon(code, "C-revoke-1")
        self.assertTrue(self.db.coupon(code).revoked)
        # A code redeemed at checkout: 50,000 off, counted once.
        code2 = self.db.issue_coupon("comeback", self.sara.id, "C-2")
        with self.db.basket(member=self.sara.id) as b:
            b.add_line("LATTE", "coffee", 2000, 150_000)
            b.add_coupon(code2)
            self.assertEqual(self.db.quote(b).coupon_discount, 50_000)
            receipt = self.db.commit(b, "C-sale-1")
        self.assertEqual(receipt.total, 300_000 - 50_000)
        self.assertEqual(self.db.coupon(code2).uses, 1)

    def test_deactivate_merge_erase(self):
        self.assertEqual(self.db.find_by_card("CARD-1").id, self.sara.id)
        self.db.deactivate(self.sara.id)
        self.assertEqual(self.db.member(self.sara.id).status, libloyalty.LOY_MEMBER_INACTIVE)
        self.db.reactivate(self.sara.id)
        second = self.db.enrol(phone="09120000002", name="سارا ۲")
        survivor = self.db.merge(self.sara.id, second.id)
        self.assertEqual(survivor.id, self.sara.id)
        self.assertEqual(self.db.member(second.id).status, libloyalty.LOY_MEMBER_MERGED)
        self.db.erase(self.sara.id)
        gone = self.db.member(self.sara.id)
        self.assertEqual((gone.status, gone.phone, gone.name),
                         (libloyalty.LOY_MEMBER_ERASED, "", ""))


def club_programme() -> str:
    """The example programme with tests/bindings/extras.json's partner, campaign and draw."""
    import json
    with open(PROGRAMME, encoding="utf-8") as f:
        club = json.load(f)
    with open(os.path.join(ROOT, "tests", "bindings", "extras.json"), encoding="utf-8") as f:
        for key, value in json.load(f).items():
            club[key] = club.get(key, []) + value if isinstance(value, list) else value
    return json.dumps(club, ensure_ascii=False)


class ClubTest(unittest.TestCase):
    """Rewards, partners, draws, batches, search, import, campaigns and the dashboard."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.db = libloyalty.Database.open(os.path.join(self.dir.name, "club.db"),
                                          default_currency="IRT")
        self.db.set_clock(NOW)
        self.assertEqual(self.db.load_programme(club_programme()), 1)
        self.assertEqual(self.db.programme_version(), 1)
        self.sara = self.db.enrol(phone="09123456789", name="سارا", tags="coffee",
                                  consent_sms=1, birth_year=1990, birth_month=5, birth_day=17)
        self.db.adjust_points(self.sara.id, 400, "opening balance", "mgr", "X-adjust-1")

    def tearDown(self):
        self.db.close()
        self.dir.cleanup()

    def test_member_fields_search_and_import(self):
        m = self.db.member(self.sara.id)
        self.assertEqual((m.birth_year, m.birth_month, m.birth_day, m.consent_sms, m.consent_email),
                         (1990, 5, 17, True, False))
        self.assertEqual(m.created_at, NOW)
        self.assertEqual(self.db.find_by_phone("0912 345 6789").id, self.sara.id)
        result = self.db.import_members_csv(
            "phone,name,tags\n09121111111,Ali,coffee\n09122222222,Reza,tea\n", dry_run=True)
        self.assertEqual((result.rows, result.imported, result.errors), (2, 0, []))
        self.assertEqual(len(self.db.search_members()), 1)  # a dry run writes nothing
        bad = self.db.import_members_csv("phone,name\n09121111111,Ali\n12,Bad\n")
        self.assertEqual((bad.rows, bad.imported), (2, 0))
        self.assertEqual([(e["row"], e["status"]) for e in bad.errors],
                         [(3, "LOY_ERR_INVALID_PHONE")])
        done = self.db.import_members_csv(
            "phone,name,tags\n09121111111,Ali,coffee\n09122222222,Reza,tea\n")
        self.assertEqual(done.imported, 2)
        self.assertEqual([x.name for x in self.db.search_members(tag="coffee")], ["سارا", "Ali"])
        self.assertEqual([x.name for x in self.db.search_members(phone_prefix="0912222")],
                         ["Reza"])
        first = self.db.search_members(limit=2)
        rest = self.db.search_members(after_id=first[-1].id)
        self.assertEqual([x.name for x in first + rest], ["سارا", "Ali", "Reza"])

    def test_rewards_and_points_expiring(self):
        r = self.db.redeem_reward(self.sara.id, "free-latte", 2, "X-reward-1")
        self.assertEqual((r.reward, r.quantity, r.points, r.replayed), ("free-latte", 2, 300, False))
        self.assertTrue(self.db.redeem_reward(self.sara.id, "free-latte", 2, "X-reward-1").replayed)
        self.assertEqual(self.db.member(self.sara.id).balance, 100)
        with self.assertRaises(LoyaltyError) as e:
            self.db.redeem_reward(self.sara.id, "free-latte", 1, "X-reward-2")
        self.assertEqual(e.exception.status, libloyalty.LOY_ERR_INSUFFICIENT_POINTS)
        self.db.refund_reward(r.id, "X-reward-refund-1")
        self.assertEqual(self.db.member(self.sara.id).balance, 400)
        trees = self.db.redeem_reward(self.sara.id, "trees", 1, "X-reward-3")
        self.assertEqual(trees.cause, "Hyrcanian forests")
        self.assertEqual([(row["reward"], row["points"]) for row in self.db.reward_report()],
                         [("trees", 50)])
        points, next_expiry = self.db.points_expiring(self.sara.id, NOW + 3650 * 86_400_000)
        self.assertEqual(points, 350)
        self.assertGreater(next_expiry, NOW)

    def test_partners_draws_and_batches(self):
        with self.db.basket(member=self.sara.id) as b:
            b.add_line("LATTE", "coffee", 2000, 150_000)
            b.add_coupon("cinema")
            q = self.db.quote(b)
            self.assertEqual([(c.code, c.campaign, c.status, c.amount) for c in q.coupons],
                             [("CINEMA", "film", libloyalty.LOY_OK, 40_000)])
            self.assertEqual(sum(q.line_points), q.points_earned)
            sale = self.db.commit(b, "X-sale-1")
        self.assertEqual(sale.coupons, (("CINEMA", 40_000),))
        self.assertEqual(self.db.sale_by_key("X-sale-1"), sale.sale_id)
        settlement = self.db.partner_settlement("cinema")
        self.assertEqual([(row["direction"], row["partner_funds"]) for row in settlement],
                         [("redeemed here", 30_000)])

        batch = self.db.create_coupon_batch("comeback", 3, "X-batch-1")
        codes = self.db.export_coupon_batch(batch)
        self.assertEqual(len(codes), 3)
        self.assertTrue(all(libloyalty.Database.coupon_code_is_valid(c) for c in codes))
        self.assertEqual(self.db.coupon(codes[0]).batch_id, batch)
        self.db.record_partner_redemption("cinema", codes[0], 20_000, "X-partner-1")
        self.assertEqual(self.db.coupon(codes[0]).uses, 1)

        self.assertEqual(self.db.enter_draw("autumn", self.sara.id, 3, "X-draw-1"), 30)
        entries = self.db.draw_entries("autumn")
        self.assertEqual([(e["member"], e["entries"]) for e in entries],
                         [(self.sara.id, 4)])  # 3 bought + 1 for the purchase
        with self.assertRaises(LoyaltyError) as e:
            self.db.run_draw("autumn", "seed", 1, "X-draw-run-0")  # still open
        self.assertEqual(e.exception.status, libloyalty.LOY_ERR_INVALID_STATE)
        self.db.set_clock(NOW + 7 * 86_400_000)
        winners = self.db.run_draw("autumn", "published seed", 1, "X-draw-run-1")
        self.assertEqual([w["member"] for w in winners], [self.sara.id])

    def test_adjustments_above_the_limit_need_a_second_operator(self):
        with self.assertRaises(libloyalty.DeclinedError) as e:
            self.db.adjust_points(self.sara.id, 600, "complaint", "mgr", "X-big-1")
        self.assertEqual(e.exception.status, libloyalty.LOY_ERR_NEEDS_APPROVAL)
        self.assertEqual(self.db.adjust_points(self.sara.id, 600, "complaint", "mgr", "X-big-2",
                                               approver="reza"), 1000)
        latest = self.db.history(self.sara.id)[0]
        self.assertEqual((latest.operator, latest.approver), ("mgr", "reza"))
        ops = {row["operator"]: row for row in self.db.report("operators")}
        self.assertEqual((ops["mgr"]["points_added"], ops["reza"]["approvals_given"]), (1000, 1))

    def test_points_held_for_a_tab_then_captured_in_part(self):
        hold = self.db.hold_points(self.sara.id, 100, 3_600_000, "X-hold-1", reference="table 7")
        self.assertEqual(self.db.member(self.sara.id).available, 300)
        self.assertEqual(self.db.capture_hold(hold, 60, "X-hold-2"), 340)
        self.assertEqual(self.db.member(self.sara.id).available, 340)
        with self.assertRaises(libloyalty.ConflictError):
            self.db.release_hold(hold, "X-hold-3")  # captured already
        other = self.db.hold_points(self.sara.id, 40, 60_000, "X-hold-4")
        self.db.release_hold(other, "X-hold-5")
        self.assertEqual(self.db.member(self.sara.id).available, 340)
        self.db.credit_wallet(self.sara.id, 100_000, "top-up", "mgr", "X-wallet-1")
        money = self.db.hold_wallet(self.sara.id, 60_000, 3_600_000, "X-hold-6", reference="web 9")
        self.assertEqual(self.db.wallet(self.sara.id)[:2], (100_000, 40_000))
        self.assertEqual(self.db.capture_wallet_hold(money, 45_000, "X-hold-7"), 55_000)
        with self.assertRaises(libloyalty.InvalidInputError):
            self.db.capture_hold(money, 1, "X-hold-8")  # a wallet hold, not points
        self.db.release_wallet_hold(self.db.hold_wallet(self.sara.id, 5_000, 60_000, "X-hold-9"),
                                    "X-hold-10")
        self.assertEqual(self.db.wallet(self.sara.id)[:2], (55_000, 55_000))
        holds = {row["asset"]: row for row in self.db.report("holds")}
        self.assertEqual((holds["wallet"]["opened"], holds["wallet"]["captured_amount"]),
                         (2, 45_000))

    def test_a_wallet_top_up_sold_in_the_basket(self):
        with self.db.basket(member=self.sara.id) as b:
            b.add_line("LATTE", "coffee", 1000, 150_000)
            self.assertEqual(b.add_wallet_topup(200_000), 2)
            sale = self.db.commit(b, "X-topup-1")
        self.assertEqual(sale.total, 350_000)
        self.assertEqual(self.db.wallet(self.sara.id)[0] - sale.cashback, 200_000)
        self.assertEqual(self.db.stamps(self.sara.id, "coffee"), 1)  # one latte, one stamp
        with self.assertRaises(libloyalty.NotFoundError):
            self.db.stamps(self.sara.id, "tea")

    def test_a_past_receipt_claimed_once(self):
        with self.db.basket() as b:
            b.set_context(receipt="R-77", branch="north")
            b.add_line("LATTE", "coffee", 2000, 150_000)
            sale = self.db.commit(b, "X-anon-1")
        self.assertEqual((sale.member_id, sale.points_earned), (0, 0))
        self.assertEqual(self.db.sale_by_receipt("R-77"), sale.sale_id)
        self.assertEqual(self.db.sale_by_receipt("R-77", branch="north"), sale.sale_id)
        claimed = self.db.claim_sale(sale.sale_id, self.sara.id, "X-claim-1", cashier="mina")
        self.assertEqual(claimed.member_id, self.sara.id)
        self.assertGreater(claimed.points_earned, 0)
        self.assertEqual(self.db.member(self.sara.id).balance, 400 + claimed.points_earned)
        with self.assertRaises(libloyalty.ConflictError):
            self.db.claim_sale(sale.sale_id, self.sara.id, "X-claim-2")

    def test_a_member_gives_points_to_another(self):
        son = self.db.enrol(phone="09127654321", name="Arash")
        self.assertEqual(self.db.transfer_points(self.sara.id, son.id, 100, "X-gift-1",
                                                 reason="gift"), 300)
        self.assertEqual(self.db.member(son.id).balance, 100)
        self.assertEqual(self.db.history(son.id)[0].kind, libloyalty.LOY_ENTRY_TRANSFER_IN)
        with self.assertRaises(libloyalty.DeclinedError):
            self.db.transfer_points(son.id, self.sara.id, 500, "X-gift-2")
        house = self.db.create_household(self.sara.id, "X-house-1")
        self.db.join_household(house, son.id, "X-house-2")  # his 100 join her 300
        self.assertEqual(self.db.household(son.id), (house, self.sara.id, 2))
        self.assertEqual(self.db.member(son.id).balance, 400)
        self.db.leave_household(son.id, "X-house-3")
        self.assertEqual((self.db.member(son.id).balance, self.db.member(self.sara.id).balance),
                         (0, 400))

    def test_a_gift_card_sold_loaded_and_spent_in_part(self):
        code = self.db.sell_gift_card(500_000, "X-gc-1", reference="R1", operator="mina")
        self.assertEqual(self.db.sell_gift_card(500_000, "X-gc-1", reference="R1",
                                                operator="mina"), code)
        self.assertTrue(libloyalty.Database.coupon_code_is_valid(code))
        self.assertEqual(self.db.load_gift_card(code, 200_000, "X-gc-2"), 700_000)
        self.assertEqual(self.db.redeem_gift_card(code, 300_000, "X-gc-3"), 400_000)
        with self.assertRaises(libloyalty.DeclinedError):
            self.db.redeem_gift_card(code, 500_000, "X-gc-4")
        self.assertEqual(self.db.refund_gift_card(code, 100_000, "X-gc-5"), 500_000)
        self.assertEqual(self.db.gift_card_balance(code), 500_000)
        self.assertEqual(self.db.report("gift_cards")[0]["outstanding"], 500_000)
        with self.db.basket() as b:  # the card as a tender in the basket
            b.add_line("LATTE", "coffee", 2000, 150_000)
            b.pay_gift_card(code, 200_000)
            self.assertEqual(self.db.quote(b).gift_card_amount, 200_000)
            sale = self.db.commit(b, "X-gc-6")
        self.assertEqual((sale.gift_card_amount, sale.amount_due), (200_000, 100_000))
        self.assertEqual(self.db.gift_card_balance(code), 300_000)
        back = self.db.void(sale.sale_id, "X-gc-7")
        self.assertEqual((back.gift_card_amount, back.money_back), (200_000, 100_000))
        self.assertEqual(self.db.gift_card_balance(code), 500_000)

    def test_tiers_campaigns_segments_and_dashboard(self):
        review = self.db.review_tiers()
        self.assertEqual((review.reviewed, review.upgraded), (1, 0))
        status = self.db.tier_status(self.sara.id)
        self.assertEqual((status.tier, status.next_threshold, status.multiplier),
                         ("bronze", 500, "1"))
        self.assertEqual(status.events[0].to_tier, "bronze")
        self.db.assign_tier(self.sara.id, "silver", "status match", "X-assign-1",
                            until_ms=NOW + 86_400_000, operator="mgr")
        status = self.db.tier_status(self.sara.id)
        self.assertEqual((status.tier, status.assigned_tier, status.assigned_until),
                         ("silver", "silver", NOW + 86_400_000))
        with self.assertRaises(libloyalty.NotFoundError):
            self.db.assign_tier(self.sara.id, "diamond", "typo", "X-assign-2")
        self.assertIn("coffee-lovers",
                      [row["segment"] for row in self.db.member_segments(self.sara.id)])
        self.assertEqual([row["member_id"] for row in self.db.segment_members("coffee-lovers")],
                         [self.sara.id])
        sent = self.db.send_campaign("yalda-coffee")
        self.assertEqual(sent.queued + sent.holdout + sent.suppressed, 1)
        self.assertEqual(self.db.send_campaign("yalda-coffee"), libloyalty.CampaignSend(0, 0, 0))
        names = [r.name for r in libloyalty.reports()]
        self.assertIn("sales", names)
        self.assertTrue(all(r.title for r in libloyalty.reports()))
        page = self.db.dashboard_html(calendar=libloyalty.LOY_CALENDAR_JALALI)
        self.assertTrue(page.startswith("<!DOCTYPE html>"))
        self.assertIn('dir="rtl"', page)
        self.assertTrue(libloyalty.version().startswith(str(libloyalty.load().loy_version_number()
                                                            // 10000) + "."))
        self.assertEqual(self.db.rebuild(), 0)


class VersionTest(unittest.TestCase):
    def test_the_library_of_another_major_version_is_refused(self):
        libloyalty.check_version(libloyalty.load().loy_version_number())  # the one loaded
        with self.assertRaises(OSError) as e:
            libloyalty.check_version(10400)
        self.assertIn("libloyalty 1.4.0 was loaded", str(e.exception))


class CurrencyTest(unittest.TestCase):
    def test_a_new_file_with_a_currency_it_does_not_know(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "rupee.db")
            with self.assertRaises(LoyaltyError) as e:
                libloyalty.Database.open(path, default_currency="INR")
            self.assertEqual(e.exception.status, libloyalty.LOY_ERR_UNKNOWN_CURRENCY)
            self.assertFalse(os.path.exists(path))  # a refused open leaves no file
            db = libloyalty.Database.open(path, default_currency="INR", currency_exponent=2)
            self.assertEqual(db.format_money(123456, "INR"), "1,234.56")
            db.close()


class CheckpointTest(unittest.TestCase):
    def test_a_manual_checkpoint_copies_the_log_into_the_file(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "till.db")
            with self.assertRaises(LoyaltyError) as e:
                libloyalty.Database.open(path, default_currency="IRT", checkpoint=7)
            self.assertEqual(e.exception.status, libloyalty.LOY_ERR_INVALID_ARGUMENT)
            db = libloyalty.Database.open(path, default_currency="IRT",
                                          checkpoint=libloyalty.LOY_CHECKPOINT_MANUAL)
            for i in range(20):
                db.enrol(phone="0912100%04d" % i)
            with open(path, "rb") as f:
                before = f.read()
            frames, copied = db.checkpoint()
            self.assertGreater(frames, 0)
            self.assertEqual(copied, frames)
            with open(path, "rb") as f:
                self.assertNotEqual(f.read(), before)  # the log's pages are in the file
            db.close()


class LibraryLookupTest(unittest.TestCase):
    """The library is found without configuration on each platform (docs/integration/python.md)."""

    def test_windows_looks_for_loyalty_dll_beside_the_package_then_cwd_then_path(self):
        c = libloyalty.library_candidates("win32", here="C:\\app\\libloyalty",
                                          env={"PATH": "C:\\Windows;D:\\pos\\bin;"},
                                          cwd="D:\\pos")
        self.assertEqual(c, ["C:\\app\\libloyalty\\loyalty.dll", "D:\\pos\\loyalty.dll",
                             "C:\\Windows\\loyalty.dll", "D:\\pos\\bin\\loyalty.dll",
                             "loyalty.dll"])

    def test_linux_and_macos_names(self):
        self.assertEqual(libloyalty.library_candidates("linux", here="/p", env={}),
                         ["/p/libloyalty.so.0", "libloyalty.so.0"])
        self.assertEqual(libloyalty.library_candidates("darwin", here="/p", env={}, cwd="/w"),
                         ["/p/libloyalty.0.dylib", "/w/libloyalty.0.dylib", "libloyalty.0.dylib"])

    def test_the_environment_variable_wins(self):
        self.assertEqual(libloyalty.library_candidates("win32", env={"LOYALTY_LIBRARY": "X:\\l.dll"}),
                         ["X:\\l.dll"])


class JournalTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.db = libloyalty.Database.open(os.path.join(self.dir.name, "club.db"),
                                          default_currency="IRT", origin="golestan-t1")
        self.db.set_clock(NOW)
        self.db.load_programme_file(PROGRAMME)

    def tearDown(self):
        self.db.close()
        self.dir.cleanup()

    def test_ids_events_and_journal(self):
        origin = self.db.origin()
        self.assertEqual((origin.name, origin.generation, origin.new_generation),
                         ("golestan-t1", 1, False))
        sara = self.db.enrol(phone="09123456789", name="Sara", idempotency_key="e-1")
        self.assertEqual(sara.uid, "golestan-t1:M1")
        self.assertEqual(self.db.member_by_uid(sara.uid).id, sara.id)
        with self.db.basket(member=sara.id) as b:
            b.add_line("LATTE", "coffee", 1000, 150_000)
            receipt = self.db.commit(b, "s-1")
        self.assertEqual(self.db.sale_by_uid(receipt.uid), receipt.sale_id)
        self.assertEqual(self.db.receipt(receipt.uid).total, receipt.total)
        code = self.db.issue_coupon("comeback", sara.id, "c-1")
        coupon = self.db.coupon(code)
        self.assertEqual(self.db.coupon_by_uid(coupon.uid).code, coupon.code)
        with self.assertRaises(LoyaltyError) as e:
            self.db.member_by_uid("golestan-t1:M99")
        self.assertEqual(e.exception.status, libloyalty.LOY_ERR_NOT_FOUND)

        self.db.update_member(sara.id, idempotency_key="u-1", email="sara@example.com")
        self.db.update_member(sara.id, idempotency_key="u-1", email="sara@example.com")
        self.db.erase(sara.id, idempotency_key="x-1")
        records = self.db.journal()
        self.assertEqual([r.kind for r in records],
                         ["enrol", "sale", "issue_coupon", "member_update", "member_erase"])
        self.assertEqual([r.seq for r in records], [1, 2, 3, 4, 5])
        for before, after in zip(records, records[1:]):
            self.assertEqual(after.prev, before.hash)
        sale = next(f for f in records[1].facts() if f["t"] == "sale")
        self.assertEqual((sale["id"], sale["member_id"]), (receipt.uid, sara.uid))
        self.assertNotIn("Sara", "".join(r.body for r in records))
        self.assertEqual([r.seq for r in self.db.journal(after_seq=3, limit=1)], [4])

    def test_another_till_applies_the_journal(self):
        sara = self.db.enrol(phone="09123456789", name="Sara", idempotency_key="e-1")
        with self.db.basket(member=sara.id) as b:
            b.add_line("LATTE", "coffee", 1000, 150_000)
            self.db.commit(b, "s-1")
        other = libloyalty.Database.open(os.path.join(self.dir.name, "t2.db"),
                                        default_currency="IRT", origin="golestan-t2")
        try:
            other.set_clock(NOW)
            other.load_programme_file(PROGRAMME)
            records = self.db.journal()
            self.assertEqual(other.apply_journal(records), (len(records), 0))
            self.assertEqual(other.apply_journal(records), (0, len(records)))
            there = other.member_by_uid(sara.uid)
            self.assertEqual(there.balance, self.db.member(sara.id).balance)
            self.assertGreater(there.balance, 0)
            self.assertEqual(there.phone, "")  # the journal carries no personal data
            self.assertEqual([(h.origin, h.seq) for h in other.journal_heads()],
                             [("golestan-t1", len(records))])
            # The chain brings the profile beside the journal.
            there = other.apply_profile(sara.uid, phone="09123456789", name="Sara")
            self.assertEqual(other.identify("09123456789").id, there.id)
        finally:
            other.close()
        # A till of a chain spends points only under the authority's hold.
        till = libloyalty.Database.open(os.path.join(self.dir.name, "t4.db"),
                                       default_currency="IRT", chain_mode=True)
        try:
            till.load_programme_file(PROGRAMME)
            # The records with Sara's profile, in one transaction: she is found by phone at once.
            self.assertEqual(
                till.apply_journal(records, profiles={
                    sara.uid: {"phone": "09123456789", "name": "Sara"},
                    "golestan-t1:M99": {"phone": "09120000099"}}),  # no such member: passed over
                (len(records), 0))
            self.assertEqual(till.identify("09123456789").uid, sara.uid)
            self.assertEqual(till.member_by_uid(sara.uid).name, "Sara")
            with till.basket(member=till.member_by_uid(sara.uid).id) as b:
                b.add_line("LATTE", "coffee", 1000, 150_000)
                b.redeem_points(50)
                with self.assertRaises(LoyaltyError) as e:
                    till.commit(b, "spend-1")
                self.assertEqual(e.exception.status, libloyalty.LOY_ERR_NEEDS_ONLINE)
                # With the hold, the sale goes on to the programme's own checks (her points are
                # still in their return window).
                b.set_hold("hold-1", 50)
                with self.assertRaises(LoyaltyError) as e:
                    till.commit(b, "spend-1")
                self.assertEqual(e.exception.status, libloyalty.LOY_ERR_INSUFFICIENT_POINTS)
            # A coupon a limit counts over the whole chain: only under the authority's hold.
            with till.basket() as b:
                b.add_line("LATTE", "coffee", 1000, 150_000)
                b.add_coupon("YALDA1405")
                self.assertEqual([(i["campaign"], i["member_uses"])
                                  for i in till.coupon_claims(b)["items"]], [("yalda", 1)])
                with self.assertRaises(LoyaltyError) as e:
                    till.commit(b, "yalda-1")
                self.assertEqual(e.exception.status, libloyalty.LOY_ERR_NEEDS_ONLINE)
                with self.assertRaises(LoyaltyError) as e:
                    b.set_wallet_hold("wallet-hold-1", -1)
                self.assertEqual(e.exception.status, libloyalty.LOY_ERR_INVALID_AMOUNT)
                self.assertIs(b.set_wallet_hold("wallet-hold-1", 1000), b)
                self.assertEqual(till.giftcard_claims(b), {"cards": []})
                self.assertIs(b.set_giftcard_hold("giftcard-hold-1"), b)
                b.set_coupon_hold("coupon-hold-1")
                self.assertEqual([c[0] for c in till.commit(b, "yalda-1").coupons], ["YALDA1405"])
            with till.basket() as b:
                b.add_line("WATER", "drinks", 1000, 100_000)
                self.assertEqual(till.commit(b, "plain-1").redeem_mode, libloyalty.LOY_REDEEM_NONE)
            # A reward at a till of a chain: only under the authority's hold, then the till's
            # own checks (the guest has no points).
            guest = till.enrol(phone="09125550001")
            with self.assertRaises(LoyaltyError) as e:
                till.redeem_reward(guest.id, "free-latte", 1, "reward-1")
            self.assertEqual(e.exception.status, libloyalty.LOY_ERR_NEEDS_ONLINE)
            with self.assertRaises(LoyaltyError) as e:
                till.redeem_reward(guest.id, "free-latte", 1, "reward-1", hold_id="reward-hold-1")
            self.assertEqual(e.exception.status, libloyalty.LOY_ERR_INSUFFICIENT_POINTS)
            # A programme for the whole chain is published at the head office, not at a till.
            with self.assertRaises(LoyaltyError) as e:
                till.publish_programme(till.export_programme(), 0)
            self.assertEqual(e.exception.status, libloyalty.LOY_ERR_NEEDS_ONLINE)
            self.assertEqual(till.next_programme(), (0, 0))
        finally:
            till.close()
        third = libloyalty.Database.open(os.path.join(self.dir.name, "t3.db"),
                                        default_currency="IRT", origin="golestan-t3")
        try:
            third.load_programme_file(PROGRAMME)
            with self.assertRaises(LoyaltyError) as e:
                third.apply_journal(records[1:])  # the sale without the enrolment before it
            self.assertEqual(e.exception.status, libloyalty.LOY_ERR_SYNC_GAP)
            self.assertEqual(third.journal("golestan-t1"), [])
        finally:
            third.close()


if __name__ == "__main__":
    unittest.main()
