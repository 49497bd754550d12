import ir.loyalty.Loyalty;
import ir.loyalty.Loyalty.Basket;
import ir.loyalty.Loyalty.Database;
import ir.loyalty.Loyalty.LoyaltyException;
import ir.loyalty.Loyalty.Quote;
import ir.loyalty.Loyalty.Receipt;
import ir.loyalty.jna.LoyaltyLibrary;
import java.util.Map;

/** A POS checkout through the Java binding (ctest: binding_java). Exits 1 on any failed check. */
public final class CheckoutTest {
    static int failures = 0;

    static void expect(boolean ok, String what) {
        System.out.println((ok ? "  ok    " : "  FAIL  ") + what);
        if (!ok) failures++;
    }

    public static void main(String[] args) {
        try (Database db = Database.open(args[0], "IRT")) {
            db.setClock(1764000000000L);
            expect(db.loadProgrammeFile(args[1]) == 1, "programme loaded as version 1");
            Loyalty.Member sara = db.enrol("۰۹۱۲ ۳۴۵ ۶۷۸۹", "سارا", "T1-enrol-1", true);
            expect(sara.phone().equals("+989123456789"), "Persian digits normalised: " + sara.phone());
            expect(sara.name().equals("سارا"), "UTF-8 name round trip");
            expect(db.identify("09123456789").id() == sara.id(), "member identified by phone");

            long saleId;
            try (Basket b = new Basket()) {
                b.member(sara.id()).context("R-1", "tehran-1", "T1", null);
                expect(b.addLine("LATTE", "coffee", 2000, 150000, 0) == 1, "line 1");
                expect(b.addLine("WATER", "drinks", 1000, 100000, 0) == 2, "line 2");
                Quote q = db.quote(b);
                expect(q.total() == 400000 && q.pointsEarned() == 70, "quote: 400,000 earns 70 points");
                expect(q.rules().stream().mapToLong(Loyalty.RuleLine::points).sum() == 70, "rule lines add up");
                Receipt r = db.commit(b, "T1-R-1");
                expect(!r.replayed() && r.pointsEarned() == 70 && r.balanceAfter() == 70, "commit earns 70");
                Receipt again = db.commit(b, "T1-R-1");
                expect(again.replayed() && again.saleId() == r.saleId(), "retry with the same key is a replay");
                saleId = r.saleId();
            }
            Receipt refund = db.refund(saleId, new long[][] {{2, 1000}}, "T1-refund-1");
            expect(refund.kind() == LoyaltyLibrary.LOY_RECEIPT_REFUND && refund.refundAmount() == 100000
                    && refund.balanceAfter() == 60, "water refunded: balance 60");
            expect(refund.moneyBack() == 100000, "all of it handed back in cash");
            boolean refused = false;
            try {
                Loyalty.checkVersion(10400);
            } catch (IllegalStateException e) {
                refused = e.getMessage().contains("libloyalty 1.4.0 was loaded");
            }
            expect(refused, "a library of another major version is refused");
            String data = db.exportMember(sara.id());
            expect(data.contains("\"format\": \"libloyalty member export 1\"")
                    && data.contains("+989123456789") && data.contains("سارا"), "the member's data export");
            try {
                db.enrol("12", "bad", null);
                expect(false, "a bad phone is refused");
            } catch (LoyaltyException e) {
                expect(e.status == LoyaltyLibrary.LOY_ERR_INVALID_PHONE && !e.detail.isEmpty() && !e.transient_(),
                        "bad phone: " + e.getMessage());
            }
            try (Basket b = new Basket()) {
                b.member(sara.id()).addLine("LATTE", "coffee", 1000, 150000, 0);
                b.redeemPoints(5000);
                try {
                    db.commit(b, "T1-R-2");
                    expect(false, "over-redemption is refused");
                } catch (LoyaltyException e) {
                    expect(e.status == LoyaltyLibrary.LOY_ERR_INSUFFICIENT_POINTS, "over-redemption: " + e.statusName);
                }
            }
            expect(db.member(sara.id()).balance() == 60, "the refused sale changed nothing");
            expect(db.formatMoney(1250000, "IRT").equals("1,250,000"), "money formatted with grouping");
            expect(db.verify() == 0, "ledger verifies");
            var sales = db.report("sales", LoyaltyLibrary.LOY_GROUP_MONTH, LoyaltyLibrary.LOY_CALENDAR_JALALI);
            var azar = sales.stream().filter(r -> r.get("period").equals("1404-09")).findFirst();
            expect(azar.isPresent() && azar.get().get("revenue").equals("300000"),
                    "sales report: Azar 1404 revenue 300,000 after the refund");
            expect(db.generateMessages() == 2, "two messages due: welcome and the receipt");
            var box = db.fetchMessages(100, 60000);
            expect(box.size() == 2 && box.get(1).get("body").contains("۷۰ امتیاز"),
                    "receipt SMS in Persian digits: " + (box.size() > 1 ? box.get(1).get("body") : ""));
            for (var m : box) db.acknowledge(Long.parseLong(m.get("id")), true, null, 0);
            expect(db.fetchMessages(100, 60000).isEmpty(), "acknowledged messages are not fetched again");
            // Chain-wide ids, member events with keys, and the journal.
            Loyalty.Origin origin = db.origin();
            expect(!origin.name().isEmpty() && origin.generation() == 1 && !origin.newGeneration(),
                    "the origin: " + origin.name());
            expect(db.memberByUid(sara.uid()).id() == sara.id(), "a member found by its chain-wide id");
            Receipt sale = db.receipt(origin.name() + ":S1");
            expect(sale.saleId() == saleId && db.saleByUid(sale.uid()) == saleId,
                    "a receipt found again by its id");
            db.deactivate(sara.id(), "T1-deact-1");
            db.deactivate(sara.id(), "T1-deact-1");
            db.reactivate(sara.id(), "T1-react-1");
            var journal = db.journal(null, 0, 1000);
            boolean chained = !journal.isEmpty() && journal.get(0).seq() == 1;
            for (int i = 1; i < journal.size(); ++i)
                chained = chained && journal.get(i).prev().equals(journal.get(i - 1).hash());
            expect(chained, "the journal: each record carries the hash of the one before");
            var last = journal.get(journal.size() - 1);
            expect(last.kind().equals("member_reactivate") && last.key().equals("T1-react-1"),
                    "member events are records: " + last.kind());
            // Another till applies this one's journal: exactly once, the same balance.
            try (Database other = Database.open(args[0] + "-t2", "IRT")) {
                other.loadProgrammeFile(args[1]);
                var applied = other.applyJournal(journal);
                expect(applied.applied() == journal.size() && applied.duplicates() == 0,
                        "another till applies the journal");
                applied = other.applyJournal(journal);
                expect(applied.applied() == 0 && applied.duplicates() == journal.size(),
                        "applied again, nothing changes");
                expect(other.memberByUid(sara.uid()).balance() == db.memberByUid(sara.uid()).balance(),
                        "the same balance in both files");
                int status = 0;
                try (Database third = Database.open(args[0] + "-t3", "IRT")) {
                    third.applyJournal(journal.subList(1, journal.size()));
                } catch (LoyaltyException ex) {
                    status = ex.status;
                }
                expect(status == LoyaltyLibrary.LOY_ERR_SYNC_GAP, "records out of order are a gap");
                // The records with the profiles of the members they bring, in one transaction.
                try (Database fifth = Database.open(args[0] + "-t5", "IRT")) {
                    fifth.loadProgrammeFile(args[1]);
                    var sara5 = new Loyalty.MemberFields();
                    sara5.phone = "09123456789";
                    sara5.name = "Sara";
                    var nobody = new Loyalty.MemberFields();
                    nobody.phone = "09120000099";
                    String saraOrigin = sara.uid().substring(0, sara.uid().indexOf(':'));
                    var done = fifth.applyJournal(journal,
                            Map.of(sara.uid(), sara5, saraOrigin + ":M99", nobody)); // M99: passed over
                    var found = fifth.identify("09123456789");
                    expect(done.applied() == journal.size() && found.uid().equals(sara.uid())
                                    && found.name().equals("Sara"),
                            "a member arrives with the profile that came with the records");
                }
                var heads = other.journalHeads();
                expect(heads.size() == 1 && heads.get(0).seq() == journal.get(journal.size() - 1).seq(),
                        "the last record held of each origin");
                int first = 0, second = 0;
                try (Database till = Database.open(args[0] + "-t4", "IRT", true);
                     Basket spend = new Basket()) {
                    till.loadProgrammeFile(args[1]);
                    spend.addLine("LATTE", "coffee", 1000, 150000, 0);
                    spend.redeemPoints(50);
                    try { till.commit(spend, "spend-1"); } catch (LoyaltyException ex) { first = ex.status; }
                    spend.setHold("hold-1", 50);
                    try { till.commit(spend, "spend-1"); } catch (LoyaltyException ex) { second = ex.status; }
                }
                expect(first == LoyaltyLibrary.LOY_ERR_NEEDS_ONLINE && second != 0
                        && second != LoyaltyLibrary.LOY_ERR_NEEDS_ONLINE,
                        "in chain mode, points are spent only under a hold");
                try (Database till = Database.open(args[0] + "-t5", "IRT", true);
                     Basket yalda = new Basket()) {
                    till.loadProgrammeFile(args[1]);
                    yalda.addLine("LATTE", "coffee", 1000, 150000, 0);
                    yalda.addCoupon("YALDA1405");
                    String claims = till.couponClaims(yalda);
                    var guest = till.enrol("09125550001", "Guest", null);
                    int unheldReward = 0, heldReward = 0;
                    try { till.redeemReward(guest.id(), "free-latte", 1, "reward-1"); }
                    catch (LoyaltyException ex) { unheldReward = ex.status; }
                    try { till.redeemReward(guest.id(), "free-latte", 1, "reward-1", "reward-hold-1"); }
                    catch (LoyaltyException ex) { heldReward = ex.status; }
                    expect(unheldReward == LoyaltyLibrary.LOY_ERR_NEEDS_ONLINE
                            && heldReward == LoyaltyLibrary.LOY_ERR_INSUFFICIENT_POINTS,
                            "in chain mode, a reward is redeemed only under a hold");
                    int publish = 0;
                    try { till.publishProgramme(till.exportProgramme(0), 0); } catch (LoyaltyException ex) { publish = ex.status; }
                    long[] next = till.nextProgramme();
                    expect(publish == LoyaltyLibrary.LOY_ERR_NEEDS_ONLINE && next[0] == 0 && next[1] == 0,
                            "a till of a chain does not publish a programme");
                    int unheld = 0;
                    try { till.commit(yalda, "yalda-1"); } catch (LoyaltyException ex) { unheld = ex.status; }
                    int negative = 0;
                    try { yalda.setWalletHold("wallet-hold-1", -1); } catch (LoyaltyException ex) { negative = ex.status; }
                    expect(negative == LoyaltyLibrary.LOY_ERR_INVALID_AMOUNT
                            && yalda.setWalletHold("wallet-hold-1", 1000) == yalda, "a wallet hold on the basket");
                    expect(till.giftcardClaims(yalda).equals("{\"cards\":[]}")
                            && yalda.setGiftcardHold("giftcard-hold-1") == yalda, "a gift card hold on the basket");
                    yalda.setCouponHold("coupon-hold-1");
                    Receipt used = till.commit(yalda, "yalda-1");
                    expect(claims.contains("\"campaign\":\"yalda\"")
                            && unheld == LoyaltyLibrary.LOY_ERR_NEEDS_ONLINE && used.couponDiscount() > 0,
                            "in chain mode, a coupon a limit counts is used only under a hold");
                }
                var there = other.applyProfile(sara.uid(), "09123456789", "سارا");
                expect(there.name().equals("سارا") && other.identify("09123456789").id() == there.id(),
                        "a profile from the chain, beside the journal");
            }
        }
        System.out.println(failures == 0 ? "Java binding: all checks passed" : "Java binding: " + failures + " failed");
        System.exit(failures == 0 ? 0 : 1);
    }
}
