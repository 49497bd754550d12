package ir.loyalty;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import ir.loyalty.Loyalty.Basket;
import ir.loyalty.Loyalty.Database;
import ir.loyalty.Loyalty.LoyaltyException;
import ir.loyalty.Loyalty.Receipt;
import ir.loyalty.jna.LoyaltyLibrary;
import java.io.File;
import java.nio.file.Files;
import java.util.List;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * The Java binding as a Maven project tests it (JUnit 4): a sale, a replay, a refund, a refused
 * call, a report and an access request, through the jar alone (the native library comes from
 * the jar's resources). The programme file is the system property loyalty.programme.
 */
public class LoyaltyTest {
    private File dir;
    private Database db;

    @Before
    public void open() throws Exception {
        dir = Files.createTempDirectory("loyalty-junit").toFile();
        db = Database.open(new File(dir, "club.db").getPath(), "IRT");
        db.setClock(1764000000000L);
        assertEquals(1, db.loadProgrammeFile(System.getProperty("loyalty.programme")));
    }

    @After
    public void close() {
        db.close();
        for (File f : dir.listFiles()) f.delete();
        dir.delete();
    }

    private Receipt sell(long member, String key) {
        try (Basket b = new Basket()) {
            b.member(member).context("R-1", "tehran-1", "T1", null);
            b.addLine("LATTE", "coffee", 2000, 150000, 0);
            b.addLine("WATER", "drinks", 1000, 100000, 0);
            return db.commit(b, key);
        }
    }

    @Test
    public void aSaleIsReplayedByItsKeyAndRefundedExactly() {
        Loyalty.Member sara = db.enrol("۰۹۱۲ ۳۴۵ ۶۷۸۹", "سارا", "T1-enrol-1", true);
        assertEquals("+989123456789", sara.phone());
        Receipt r = sell(sara.id(), "T1-R-1");
        assertFalse(r.replayed());
        assertEquals(70, r.pointsEarned());
        Receipt again = sell(sara.id(), "T1-R-1");
        assertTrue(again.replayed());
        assertEquals(r.saleId(), again.saleId());
        Receipt refund = db.refund(r.saleId(), new long[][] {{2, 1000}}, "T1-refund-1");
        assertEquals(100000, refund.refundAmount());
        assertEquals(100000, refund.moneyBack());
        assertEquals(60, refund.balanceAfter());
        assertEquals(0, db.verify());
    }

    @Test
    public void aManualCheckpointCopiesTheLogIntoTheFile() throws java.io.IOException {
        File file = new File(dir, "till.db");
        Loyalty.OpenOptions bad = new Loyalty.OpenOptions();
        bad.defaultCurrency = "IRT";
        bad.checkpoint = 7;
        LoyaltyException e = assertThrows(LoyaltyException.class, () -> Database.open(file.getPath(), bad));
        assertEquals(LoyaltyLibrary.LOY_ERR_INVALID_ARGUMENT, e.status);
        Loyalty.OpenOptions o = new Loyalty.OpenOptions();
        o.defaultCurrency = "IRT";
        o.checkpoint = LoyaltyLibrary.LOY_CHECKPOINT_MANUAL;
        try (Database till = Database.open(file.getPath(), o)) {
            for (int i = 0; i < 20; ++i) till.enrol(String.format("0912100%04d", i), "m", null, false);
            byte[] before = Files.readAllBytes(file.toPath());
            Loyalty.CheckpointInfo info = till.checkpoint();
            assertTrue(info.walFrames() > 0);
            assertEquals(info.walFrames(), info.copiedFrames());
            // the log's pages are in the file
            assertFalse(java.util.Arrays.equals(before, Files.readAllBytes(file.toPath())));
        }
    }

    @Test
    public void aRefusalCarriesItsStatusAndChangesNothing() {
        LoyaltyException e = assertThrows(LoyaltyException.class, () -> db.enrol("12", "bad", null));
        assertEquals(LoyaltyLibrary.LOY_ERR_INVALID_PHONE, e.status);
        assertEquals(0, db.verify());
    }

    @Test
    public void reportsAndAccessRequests() {
        Loyalty.Member sara = db.enrol("09123456789", "سارا", "T1-enrol-2", true);
        sell(sara.id(), "T1-R-2");
        List<Loyalty.Row> sales = db.report("sales", LoyaltyLibrary.LOY_GROUP_MONTH,
                                                     LoyaltyLibrary.LOY_CALENDAR_JALALI);
        assertEquals("400000", sales.get(0).get("revenue"));
        assertEquals(400000, sales.get(0).getLong("revenue"));
        String data = db.exportMember(sara.id());
        assertTrue(data.contains("\"format\": \"libloyalty member export 1\""));
        assertTrue(data.contains("سارا"));
    }

    @Test
    public void aMembersLifeHistoryTierWalletAndCoupons() {
        Loyalty.Member sara = db.enrol("09123456789", "سارا", "T1-enrol-3", true);
        Receipt sale = sell(sara.id(), "T1-R-3");
        long review = db.recordEvent(sara.id(), "review", "T1-review-1");
        assertTrue(review > 0);
        LoyaltyException capped = assertThrows(LoyaltyException.class,
                () -> db.recordEvent(sara.id(), "review", "T1-review-2"));  // once a day
        assertEquals(LoyaltyLibrary.LOY_ERR_CAP_REACHED, capped.status);
        List<Loyalty.HistoryEntry> ledger = db.history(sara.id(), 10, 0);
        assertEquals(review, ledger.get(0).points());
        assertEquals(sale.saleId(), ledger.get(1).saleId());
        Loyalty.TierStatus tier = db.tierStatus(sara.id());
        assertEquals("bronze", tier.tier());
        assertEquals("silver", tier.nextTier());
        assertTrue(tier.progress(), tier.progress().contains("نقره‌ای"));  // the programme's words
        assertEquals(3, db.wallet(sara.id()).length);
        String code = db.issueCoupon("comeback", sara.id(), "T1-coupon-1");
        assertTrue(Database.couponCodeIsValid(code));
        try (Basket b = new Basket()) {  // a code redeemed at checkout: 50,000 off
            b.member(sara.id());
            b.addLine("LATTE", "coffee", 2000, 150000, 0);
            b.addCoupon(code);
            assertEquals(300000 - 50000, db.commit(b, "T1-coupon-sale-1").total());
        }
        db.deactivate(sara.id());
        assertEquals(LoyaltyLibrary.LOY_MEMBER_INACTIVE, db.member(sara.id()).status());
        db.reactivate(sara.id());
        Loyalty.Member second = db.enrol("09120000002", "دوم", null);
        assertEquals(sara.id(), db.merge(sara.id(), second.id()).id());
        db.erase(sara.id());
        Loyalty.Member gone = db.member(sara.id());
        assertEquals(LoyaltyLibrary.LOY_MEMBER_ERASED, gone.status());
        assertEquals("", gone.phone());
        assertThrows(LoyaltyException.class, () -> db.findByCard("NO-SUCH-CARD"));
    }

    @Test
    public void theLibraryOfAnotherMajorVersionIsRefused() {
        Loyalty.checkVersion(Loyalty.C.loy_version_number());
        assertThrows(IllegalStateException.class, () -> Loyalty.checkVersion(10400));
    }
}
