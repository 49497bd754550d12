// A POS checkout through the C# binding; exits non-zero when any expectation fails.
// Run: mono PosCheckout.exe <database file> <programme.json>   (ctest: binding_csharp)
using System;
using System.Collections.Generic;
using Loyalty;
using Loyalty.Native;

public static class PosCheckout
{
    static int failures;

    static void Expect(bool ok, string what)
    {
        Console.WriteLine((ok ? "  ok    " : "  FAIL  ") + what);
        if (!ok) failures++;
    }

    public static int Main(string[] args)
    {
        using (Database db = Database.Open(args[0], "IRT"))
        {
            db.SetClock(1764000000000);
            Expect(db.LoadProgrammeFile(args[1]) == 1, "programme loaded as version 1");

            Member sara = db.Enrol("۰۹۱۲ ۳۴۵ ۶۷۸۹", "سارا", "T1-enrol-1", consentSms: true);
            Expect(sara.Phone == "+989123456789", "Persian digits normalised: " + sara.Phone);
            Expect(sara.Name == "سارا", "UTF-8 name round trip");
            Expect(db.Identify("09123456789").Id == sara.Id, "member identified by phone");

            long saleId;
            using (Basket b = new Basket())
            {
                b.SetMember(sara.Id).SetContext("R-1", "tehran-1", "T1", "c-7");
                Expect(b.AddLine("LATTE", "coffee", 2000, 150000) == 1, "line 1");
                Expect(b.AddLine("WATER", "drinks", 1000, 100000) == 2, "line 2");
                b.AddTender("cash", 400000);
                Quote q = db.Quote(b);
                Expect(q.Total == 400000 && q.PointsEarned == 70, "quote: 400,000 earns 70 points");
                Receipt r = db.Commit(b, "T1-R-1");
                Expect(!r.Replayed && r.PointsEarned == 70 && r.BalanceAfter == 70, "commit earns 70");
                Receipt again = db.Commit(b, "T1-R-1");
                Expect(again.Replayed && again.SaleId == r.SaleId, "retry with the same key is a replay");
                saleId = r.SaleId;
                Console.WriteLine("  receipt " + r.Uid + ", total " + db.FormatMoney(r.Total, "IRT") + " toman");
            }

            Receipt refund = db.Refund(saleId, new[] { new KeyValuePair<int, long>(2, 1000) }, "T1-refund-1");
            Expect(refund.Kind == Constants.LOY_RECEIPT_REFUND && refund.RefundAmount == 100000 &&
                   refund.BalanceAfter == 60, "water refunded: 10 points back, balance 60");
            Expect(refund.MoneyBack == 100000, "all of it handed back in cash");
            bool refused = false;
            try { Library.CheckVersion(10400); }
            catch (InvalidOperationException e) { refused = e.Message.Contains("libloyalty 1.4.0 was loaded"); }
            Expect(refused, "a library of another major version is refused");
            string data = db.ExportMember(sara.Id);
            Expect(data.Contains("\"format\": \"libloyalty member export 1\"") &&
                   data.Contains("+989123456789") && data.Contains("سارا"),
                   "the member's data export");

            try
            {
                db.Enrol("12", "bad");
                Expect(false, "a bad phone is refused");
            }
            catch (LoyaltyException e)
            {
                Expect(e.Status == Constants.LOY_ERR_INVALID_PHONE && e.StatusName == "LOY_ERR_INVALID_PHONE" &&
                       e.Detail.Length > 0 && !e.Transient, "bad phone: " + e.Message);
            }

            using (Basket b = new Basket())
            {
                b.SetMember(sara.Id).AddLine("LATTE", "coffee", 1000, 150000);
                b.RedeemPoints(5000);
                try
                {
                    db.Commit(b, "T1-R-2");
                    Expect(false, "redeeming more than the balance is refused");
                }
                catch (LoyaltyException e)
                {
                    Expect(e.Status == Constants.LOY_ERR_INSUFFICIENT_POINTS, "over-redemption: " + e.StatusName);
                }
            }
            Expect(db.GetMember(sara.Id).Balance == 60, "the refused sale changed nothing");
            Expect(db.Verify() == 0, "ledger verifies");

            // The manager's side: a report by Jalali month, and the message outbox.
            var sales = db.Report("sales", Constants.LOY_GROUP_MONTH, Constants.LOY_CALENDAR_JALALI);
            var azar = sales.Find(r => r["period"] == "1404-09");
            Expect(azar != null && azar["revenue"] == "300000" && azar["member_revenue_pct"] == "100.0",
                   "sales report: Azar 1404 revenue 300,000 after the refund, all by members");
            Expect(db.GenerateMessages() == 2, "two messages due: welcome and the receipt");
            var box = db.FetchMessages();
            Expect(box.Count == 2 && box[1]["trigger"] == "earned" && box[1]["body"].Contains("۷۰ امتیاز"),
                   "receipt SMS in Persian digits: " + (box.Count > 1 ? box[1]["body"] : ""));
            foreach (var m in box) db.Acknowledge(long.Parse(m["id"]));
            Expect(db.FetchMessages().Count == 0, "acknowledged messages are not fetched again");
            try
            {
                db.Report("no-such");
                Expect(false, "unknown report refused");
            }
            catch (LoyaltyException e)
            {
                Expect(e.Status == Constants.LOY_ERR_NOT_FOUND, "unknown report: " + e.StatusName);
            }
            // The rest of a member's life (after the checks above, whose state it would change).
            long review = db.RecordEvent(sara.Id, "review", "T1-review-1");
            Expect(review > 0, "an action earns points");
            List<HistoryEntry> ledger = db.History(sara.Id);
            Expect(ledger.Count > 0 && ledger[0].Points == review, "the ledger, newest first");
            TierStatus tier = db.TierStatus(sara.Id);
            Expect(tier.Tier == "bronze" && tier.NextTier == "silver" && tier.Progress.Contains("نقره‌ای"),
                   "tier status with the progress in the programme's words: " + tier.Progress);
            string code = db.IssueCoupon("comeback", sara.Id, "T1-coupon-1");
            Expect(Database.CouponCodeIsValid(code), "an issued code passes the check symbol");
            using (Basket withCoupon = new Basket())
            {
                withCoupon.SetMember(sara.Id);
                withCoupon.AddLine("LATTE", "coffee", 2000, 150000);
                withCoupon.AddCoupon(code);
                Receipt paid = db.Commit(withCoupon, "T1-coupon-sale-1");
                Expect(paid.Total == 300000 - 50000, "a coupon at checkout: 50,000 off (" + paid.Total + ")");
            }
            Expect(db.Wallet(sara.Id).Length == 3, "wallet balance, available, pending");
            bool notFound = false;
            try { db.FindByCard("NO-SUCH-CARD"); }
            catch (LoyaltyException ex) { notFound = ex.Status == Constants.LOY_ERR_NOT_FOUND; }
            Expect(notFound, "an unknown card is LOY_ERR_NOT_FOUND");
            // Chain-wide ids and the journal.
            long generation;
            bool renewed;
            string origin = db.Origin(out generation, out renewed);
            Expect(origin.Length > 0 && generation == 1 && !renewed, "the origin: " + origin);
            Expect(db.MemberByUid(sara.Uid).Id == sara.Id, "a member found by its chain-wide id");
            using (Basket one = new Basket())
            {
                one.SetMember(sara.Id);
                one.AddLine("LATTE", "coffee", 1000, 150000);
                Receipt sold = db.Commit(one, "T1-uid-sale-1");
                Receipt reprint = db.GetReceipt(sold.Uid);
                Expect(reprint.Total == sold.Total && db.SaleByUid(sold.Uid) == sold.SaleId,
                       "a receipt found again by its id");
            }
            db.Deactivate(sara.Id, "T1-deact-1");
            db.Deactivate(sara.Id, "T1-deact-1");
            db.Reactivate(sara.Id, "T1-react-1");
            List<JournalRecord> journal = db.Journal();
            Expect(journal.Count > 3 && journal[0].Seq == 1, "the journal from its first record");
            bool chained = true;
            for (int i = 1; i < journal.Count; ++i) chained = chained && journal[i].Prev == journal[i - 1].Hash;
            Expect(chained, "each record carries the hash of the one before");
            Expect(journal[journal.Count - 2].Kind == "member_deactivate" &&
                   journal[journal.Count - 1].Key == "T1-react-1", "member events are records");
            // Another till applies this one's journal: exactly once, the same balance.
            using (Database other = Database.Open(args[0] + "-t2", "IRT"))
            {
                other.LoadProgrammeFile(args[1]);
                long duplicates;
                long applied = other.ApplyJournal(journal, out duplicates);
                Expect(applied == journal.Count && duplicates == 0, "another till applies the journal");
                applied = other.ApplyJournal(journal, out duplicates);
                Expect(applied == 0 && duplicates == journal.Count, "applied again, nothing changes");
                Expect(other.MemberByUid(sara.Uid).Balance == db.MemberByUid(sara.Uid).Balance,
                       "the same balance in both files");
                bool gap = false;
                try { other.ApplyJournal(journal.GetRange(1, journal.Count - 1), out duplicates); }
                catch (LoyaltyException ex) { gap = ex.Status == Constants.LOY_ERR_SYNC_FORK; }
                Expect(!gap, "records held already are duplicates, wherever the list starts");
                List<JournalRecord> heads = other.JournalHeads();
                Expect(heads.Count == 1 && heads[0].Seq == journal[journal.Count - 1].Seq,
                       "the last record held of each origin");
                using (Database till = Database.Open(args[0] + "-t3", "IRT", chainMode: true))
                using (Basket spend = new Basket())
                {
                    till.LoadProgrammeFile(args[1]);
                    spend.AddLine("LATTE", "coffee", 1000, 150000);
                    spend.RedeemPoints(50);
                    int first = 0, second = 0;
                    try { till.Commit(spend, "spend-1"); } catch (LoyaltyException ex) { first = ex.Status; }
                    spend.SetHold("hold-1", 50);
                    try { till.Commit(spend, "spend-1"); } catch (LoyaltyException ex) { second = ex.Status; }
                    Expect(first == Constants.LOY_ERR_NEEDS_ONLINE && second != 0 &&
                           second != Constants.LOY_ERR_NEEDS_ONLINE,
                           "in chain mode, points are spent only under a hold");
                }
                Member there = other.ApplyProfile(sara.Uid, "09123456789", "سارا");
                Expect(there.Name == "سارا" && other.Identify("09123456789").Id == there.Id,
                       "a profile from the chain, beside the journal");
            }
        }
        Console.WriteLine(failures == 0 ? "C# binding: all checks passed" : "C# binding: " + failures + " failed");
        return failures == 0 ? 0 : 1;
    }
}
