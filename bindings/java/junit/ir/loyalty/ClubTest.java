package ir.loyalty;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import ir.loyalty.Loyalty.Basket;
import ir.loyalty.Loyalty.Database;
import ir.loyalty.Loyalty.LoyaltyException;
import ir.loyalty.jna.LoyaltyLibrary;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * Rewards, partners, prize draws, coupon batches, member search and import, the tier review,
 * segments, a message campaign and the dashboard, through the jar. The programme is the system
 * property loyalty.club: the example programme with tests/bindings/extras.json added.
 */
public class ClubTest {
    static final long NOW = 1764000000000L;
    static final long DAY = 86400000L;
    private File dir;
    private Database db;
    private Loyalty.Member sara;

    @Before
    public void open() throws Exception {
        dir = Files.createTempDirectory("loyalty-club").toFile();
        db = Database.open(new File(dir, "club.db").getPath(), "IRT");
        db.setClock(NOW);
        String club = Files.readString(Path.of(System.getProperty("loyalty.club")), StandardCharsets.UTF_8);
        assertEquals(1, db.loadProgramme(club));
        assertEquals(1, db.programmeVersion());
        Loyalty.MemberFields f = new Loyalty.MemberFields();
        f.phone = "09123456789";
        f.name = "سارا";
        f.tags = "coffee";
        f.consentSms = true;
        f.birthYear = 1990;
        f.birthMonth = 5;
        f.birthDay = 17;
        sara = db.enrol(f, null);
        assertEquals(400, db.adjustPoints(sara.id(), 400, "opening balance", "mgr", "X-adjust-1"));
    }

    @After
    public void close() {
        db.close();
        for (File f : dir.listFiles()) f.delete();
        dir.delete();
    }

    @Test
    public void anAdjustmentAboveTheLimitNeedsASecondOperator() {
        Loyalty.DeclinedException e = assertThrows(Loyalty.DeclinedException.class,
                () -> db.adjustPoints(sara.id(), 600, "complaint", "mgr", "X-big-1"));
        assertEquals(LoyaltyLibrary.LOY_ERR_NEEDS_APPROVAL, e.status);
        assertEquals(1000, db.adjustPoints(sara.id(), 600, "complaint", "mgr", "X-big-2", "reza"));
        Loyalty.HistoryEntry latest = db.history(sara.id(), 5, 0).get(0);
        assertEquals("mgr", latest.operator());
        assertEquals("reza", latest.approver());
    }

    @Test
    public void aGiftCardSoldLoadedAndSpentInPart() {
        String code = db.sellGiftCard(500000, "R1", "mina", "X-gc-1");
        assertEquals(code, db.sellGiftCard(500000, "R1", "mina", "X-gc-1"));
        assertEquals(700000, db.loadGiftCard(code, 200000, null, null, "X-gc-2"));
        assertEquals(400000, db.redeemGiftCard(code, 300000, "R3", "reza", "X-gc-3"));
        assertThrows(Loyalty.DeclinedException.class, () -> db.redeemGiftCard(code, 500000, null, null, "X-gc-4"));
        assertEquals(500000, db.refundGiftCard(code, 100000, "R3", "reza", "X-gc-5"));
        assertEquals(500000, db.giftCardBalance(code));
        try (Basket b = new Basket()) {
            b.addLine("LATTE", "coffee", 2000, 150000, 0);
            b.payGiftCard(code, 200000);
            assertEquals(200000, db.quote(b).giftCardAmount());
            Loyalty.Receipt sale = db.commit(b, "X-gc-6");
            assertEquals(200000, sale.giftCardAmount());
            assertEquals(100000, sale.amountDue());
            assertEquals(300000, db.giftCardBalance(code));
            Loyalty.Receipt back = db.voidSale(sale.saleId(), "X-gc-7");
            assertEquals(200000, back.giftCardAmount());
            assertEquals(100000, back.moneyBack());
            assertEquals(500000, db.giftCardBalance(code));
        }
    }

    @Test
    public void pointsHeldForATabThenCapturedInPart() {
        long hold = db.holdPoints(sara.id(), 100, 3600000, "table 7", "X-hold-1");
        assertEquals(300, db.member(sara.id()).available());
        assertEquals(340, db.captureHold(hold, 60, "X-hold-2"));
        assertThrows(Loyalty.ConflictException.class, () -> db.releaseHold(hold, "X-hold-3"));
        assertEquals(340, db.member(sara.id()).available());
        db.creditWallet(sara.id(), 100000, "top-up", "mgr", "X-wallet-1");
        long money = db.holdWallet(sara.id(), 60000, 3600000, "web 9", "X-hold-4");
        assertEquals(40000, db.wallet(sara.id())[1]);
        assertEquals(55000, db.captureWalletHold(money, 45000, "X-hold-5"));
        assertThrows(Loyalty.InvalidInputException.class, () -> db.captureHold(money, 1, "X-hold-6"));
        db.releaseWalletHold(db.holdWallet(sara.id(), 5000, 60000, null, "X-hold-7"), "X-hold-8");
        assertEquals(55000, db.wallet(sara.id())[1]);
    }

    @Test
    public void aWalletTopUpSoldInTheBasket() {
        try (Basket b = new Basket()) {
            b.member(sara.id());
            b.addLine("LATTE", "coffee", 1000, 150000, 0);
            assertEquals(2, b.addWalletTopup(200000));
            Loyalty.Receipt sale = db.commit(b, "X-topup-1");
            assertEquals(350000, sale.total());
            assertEquals(200000, db.wallet(sara.id())[0] - sale.cashback());
            assertEquals(1, db.stamps(sara.id(), "coffee"));
            assertThrows(Loyalty.NotFoundException.class, () -> db.stamps(sara.id(), "tea"));
        }
    }

    @Test
    public void aPastReceiptClaimedOnce() {
        try (Basket b = new Basket()) {
            b.context("R-77", "north", null, null);
            b.addLine("LATTE", "coffee", 2000, 150000, 0);
            Loyalty.Receipt sale = db.commit(b, "X-anon-1");
            assertEquals(0, sale.pointsEarned());
            assertEquals(sale.saleId(), db.saleByReceipt("R-77", null));
            assertEquals(sale.saleId(), db.saleByReceipt("R-77", "north"));
            Loyalty.Receipt claimed = db.claimSale(sale.saleId(), sara.id(), "mina", "X-claim-1");
            assertEquals(sara.id(), claimed.memberId());
            assertTrue(claimed.pointsEarned() > 0);
            assertEquals(400 + claimed.pointsEarned(), db.member(sara.id()).balance());
            assertThrows(Loyalty.ConflictException.class,
                    () -> db.claimSale(sale.saleId(), sara.id(), null, "X-claim-2"));
        }
    }

    @Test
    public void aMemberGivesPointsToAnother() {
        Loyalty.Member son = db.enrol("09127654321", "Arash", null);
        assertEquals(300, db.transferPoints(sara.id(), son.id(), 100, "gift", "app", "X-gift-1"));
        assertEquals(100, db.member(son.id()).balance());
        assertEquals(LoyaltyLibrary.LOY_ENTRY_TRANSFER_IN, db.history(son.id(), 5, 0).get(0).kind());
        assertThrows(Loyalty.DeclinedException.class,
                () -> db.transferPoints(son.id(), sara.id(), 500, null, null, "X-gift-2"));
        long house = db.createHousehold(sara.id(), "X-house-1");
        db.joinHousehold(house, son.id(), "X-house-2");  // his 100 join her 300
        assertArrayEquals(new long[] {house, sara.id(), 2}, db.household(son.id()));
        assertEquals(400, db.member(son.id()).balance());
        db.leaveHousehold(son.id(), "X-house-3");
        assertEquals(0, db.member(son.id()).balance());
        assertEquals(400, db.member(sara.id()).balance());
    }

    @Test
    public void oneExceptionTypePerStatusFamily() {
        assertThrows(Loyalty.NotFoundException.class, () -> db.member(999));
        assertThrows(Loyalty.InvalidInputException.class, () -> db.enrol("12", "bad", null));
        assertTrue(LoyaltyException.of(LoyaltyLibrary.LOY_ERR_BUSY, "busy") instanceof Loyalty.TransientException);
        assertTrue(LoyaltyException.of(LoyaltyLibrary.LOY_ERR_READONLY, "ro") instanceof Loyalty.FailureException);
        assertTrue(LoyaltyException.of(LoyaltyLibrary.LOY_ERR_DUPLICATE, "dup") instanceof Loyalty.ConflictException);
    }

    @Test
    public void memberFieldsSearchAndImport() {
        Loyalty.Member m = db.member(sara.id());
        assertEquals(1990, m.birthYear());
        assertEquals(17, m.birthDay());
        assertTrue(m.consentSms());
        assertFalse(m.consentEmail());
        assertEquals(NOW, m.createdAt());
        assertEquals(sara.id(), db.findByPhone("0912 345 6789").id());
        Loyalty.ImportResult dry = db.importMembersCsv(
                "phone,name,tags\n09121111111,Ali,coffee\n09122222222,Reza,tea\n", true);
        assertEquals(2, dry.rows());
        assertEquals(0, dry.imported());
        assertTrue(dry.errors().isEmpty());
        assertEquals(1, db.searchMembers(new Loyalty.MemberQuery()).size());
        Loyalty.ImportResult bad = db.importMembersCsv("phone,name\n09121111111,Ali\n12,Bad\n", false);
        assertEquals(0, bad.imported());
        assertEquals(3, bad.errors().get(0).getLong("row"));
        assertEquals("LOY_ERR_INVALID_PHONE", bad.errors().get(0).get("status"));
        assertEquals(2, db.importMembersCsv(
                "phone,name,tags\n09121111111,Ali,coffee\n09122222222,Reza,tea\n", false).imported());
        Loyalty.MemberQuery coffee = new Loyalty.MemberQuery();
        coffee.tag = "coffee";
        assertEquals(List.of("سارا", "Ali"), db.searchMembers(coffee).stream().map(Loyalty.Member::name).toList());
        Loyalty.MemberQuery first = new Loyalty.MemberQuery();
        first.limit = 2;
        List<Loyalty.Member> page = db.searchMembers(first);
        Loyalty.MemberQuery rest = new Loyalty.MemberQuery();
        rest.afterId = page.get(1).id();
        assertEquals(List.of("Reza"), db.searchMembers(rest).stream().map(Loyalty.Member::name).toList());
    }

    @Test
    public void rewardsPartnersBatchesAndADraw() {
        Loyalty.Redemption r = db.redeemReward(sara.id(), "free-latte", 2, "X-reward-1");
        assertEquals("free-latte", r.reward());
        assertEquals(300, r.points());
        assertFalse(r.replayed());
        assertTrue(db.redeemReward(sara.id(), "free-latte", 2, "X-reward-1").replayed());
        LoyaltyException none = assertThrows(Loyalty.DeclinedException.class,
                () -> db.redeemReward(sara.id(), "free-latte", 1, "X-reward-2"));
        assertEquals(LoyaltyLibrary.LOY_FAMILY_DECLINED, none.family());
        assertEquals(LoyaltyLibrary.LOY_ERR_INSUFFICIENT_POINTS, none.status);
        db.refundReward(r.id(), "X-reward-refund-1");
        assertEquals(400, db.member(sara.id()).balance());
        assertEquals("Hyrcanian forests", db.redeemReward(sara.id(), "trees", 1, "X-reward-3").cause());
        List<Loyalty.Row> rewards = db.rewardReport(0, 0);
        assertEquals("trees", rewards.get(0).get("reward"));
        assertEquals(50, rewards.get(0).getLong("points"));
        long[] expiring = db.pointsExpiring(sara.id(), NOW + 3650 * DAY);
        assertEquals(350, expiring[0]);
        assertTrue(expiring[1] > NOW);

        try (Basket b = new Basket()) {
            b.member(sara.id());
            b.addLine("LATTE", "coffee", 2000, 150000, 0);
            b.addCoupon("cinema");
            Loyalty.Quote q = db.quote(b);
            assertEquals(List.of(new Loyalty.CouponResult("CINEMA", "film", LoyaltyLibrary.LOY_OK,
                    q.coupons().get(0).message(), 40000, 0)), q.coupons());
            assertEquals(q.pointsEarned(), q.linePoints().stream().mapToLong(Long::longValue).sum());
            Loyalty.Receipt sale = db.commit(b, "X-sale-1");
            assertEquals(List.of(new Loyalty.AppliedCoupon("CINEMA", 40000)), sale.coupons());
            assertEquals(sale.saleId(), db.saleByKey("X-sale-1"));
        }
        List<Loyalty.Row> settlement = db.partnerSettlement("cinema", 0, 0);
        assertEquals("redeemed here", settlement.get(0).get("direction"));
        assertEquals(30000, settlement.get(0).getLong("partner_funds"));

        long batch = db.createCouponBatch("comeback", 3, "X-batch-1");
        List<String> codes = db.exportCouponBatch(batch);
        assertEquals(3, codes.size());
        assertTrue(codes.stream().allMatch(Database::couponCodeIsValid));
        assertEquals(batch, db.coupon(codes.get(0)).batchId());
        db.recordPartnerRedemption("cinema", codes.get(0), 20000, "X-partner-1");
        assertEquals(1, db.coupon(codes.get(0)).uses());

        assertEquals(30, db.enterDraw("autumn", sara.id(), 3, "X-draw-1"));
        List<Loyalty.Row> entries = db.drawEntries("autumn");
        assertEquals(sara.id(), entries.get(0).getLong("member"));
        assertEquals(4, entries.get(0).getLong("entries"));  // 3 bought, 1 for the purchase
        LoyaltyException open = assertThrows(LoyaltyException.class,
                () -> db.runDraw("autumn", "seed", 1, "X-draw-run-0"));
        assertEquals(LoyaltyLibrary.LOY_ERR_INVALID_STATE, open.status);
        db.setClock(NOW + 7 * DAY);
        assertEquals(sara.id(), db.runDraw("autumn", "published seed", 1, "X-draw-run-1").get(0).getLong("member"));
    }

    @Test
    public void tiersSegmentsACampaignAndTheDashboard() {
        Loyalty.TierReview review = db.reviewTiers(0);
        assertEquals(1, review.reviewed());
        assertEquals(0, review.upgraded());
        Loyalty.TierStatus status = db.tierStatus(sara.id());
        assertEquals("bronze", status.tier());
        assertEquals(500, status.nextThreshold());
        assertEquals("1", status.multiplier());
        assertEquals("bronze", status.events().get(0).to());
        db.assignTier(sara.id(), "silver", NOW + 86400000L, "status match", "mgr", "X-assign-1");
        Loyalty.TierStatus assigned = db.tierStatus(sara.id());
        assertEquals("silver", assigned.tier());
        assertEquals("silver", assigned.assignedTier());
        assertEquals(NOW + 86400000L, assigned.assignedUntil());
        assertThrows(Loyalty.NotFoundException.class,
                () -> db.assignTier(sara.id(), "diamond", 0, "typo", null, "X-assign-2"));
        assertTrue(db.memberSegments(sara.id(), 0).stream().anyMatch(x -> x.get("segment").equals("coffee-lovers")));
        assertEquals(sara.id(), db.segmentMembers("coffee-lovers", 0).get(0).getLong("member_id"));
        Loyalty.CampaignSend sent = db.sendCampaign("yalda-coffee", 0);
        assertEquals(1, sent.queued() + sent.holdout() + sent.suppressed());
        assertEquals(new Loyalty.CampaignSend(0, 0, 0), db.sendCampaign("yalda-coffee", 0));
        assertTrue(Loyalty.reports().stream().anyMatch(x -> x.name().equals("sales") && !x.title().isEmpty()));
        String page = db.dashboardHtml(LoyaltyLibrary.LOY_CALENDAR_JALALI, 0, 0, null);
        assertTrue(page.startsWith("<!DOCTYPE html>"));
        assertTrue(page.contains("dir=\"rtl\""));
        assertTrue(Loyalty.version().startsWith(LoyaltyLibrary.LOY_VERSION_MAJOR + "."));
        assertEquals(0, db.rebuild());
    }
}
