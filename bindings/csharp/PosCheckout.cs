// A POS checkout through the C# binding; exits non-zero when any expectation fails.
// Run: mono PosCheckout.exe <database file> <programme.json> <club.json>   (ctest: binding_csharp)
// club.json: the example programme with tests/bindings/extras.json added (tests/bindings/run.sh).
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

    const long Now = 1764000000000;
    const long Day = 86400000;

    public static int Main(string[] args)
    {
        if (args.Length != 3)
        {
            Console.Error.WriteLine("usage: PosCheckout.exe <database file> <programme.json> <club.json>");
            return 2;
        }
        Checkout(args);
        Club(args[0] + "-club", System.IO.File.ReadAllText(args[2]));
        ManualCheckpoint(args[0] + "-manual");
        Console.WriteLine(failures == 0 ? "C# binding: all checks passed" : "C# binding: " + failures + " failed");
        return failures == 0 ? 0 : 1;
    }

    static int Status(Action call)
    {
        try { call(); }
        catch (LoyaltyException e) { return e.Status; }
        return Constants.LOY_OK;
    }

    // A till that checkpoints when idle: the log's pages go into the file on its call.
    static void ManualCheckpoint(string path)
    {
        Expect(Status(() => Database.Open(path, new OpenOptions { DefaultCurrency = "IRT", Checkpoint = 7 })) ==
               Constants.LOY_ERR_INVALID_ARGUMENT, "an unknown checkpoint mode is refused");
        using (Database db = Database.Open(path, new OpenOptions { DefaultCurrency = "IRT",
                                                                   Checkpoint = Constants.LOY_CHECKPOINT_MANUAL }))
        {
            for (int i = 0; i < 20; ++i)
                db.Enrol(new MemberFields { Phone = "0912100" + i.ToString("D4") });
            byte[] before = ReadShared(path);
            CheckpointInfo info = db.Checkpoint();
            Expect(info.WalFrames > 0 && info.CopiedFrames == info.WalFrames, "a manual checkpoint copies the log");
            Expect(!System.Linq.Enumerable.SequenceEqual(ReadShared(path), before), "the log's pages are in the file");
        }
    }

    // The bytes of a file another handle holds open.
    static byte[] ReadShared(string path)
    {
        using (var f = new System.IO.FileStream(path, System.IO.FileMode.Open, System.IO.FileAccess.Read,
                                                System.IO.FileShare.ReadWrite | System.IO.FileShare.Delete))
        using (var m = new System.IO.MemoryStream())
        {
            f.CopyTo(m);
            return m.ToArray();
        }
    }

    // Rewards, partners, draws, batches, member search and import, campaigns, the dashboard.
    static void Club(string path, string programme)
    {
        using (Database db = Database.Open(path, new OpenOptions { DefaultCurrency = "IRT" }))
        {
            db.SetClock(Now);
            Expect(db.LoadProgramme(programme) == 1 && db.ProgrammeVersion() == 1, "the club's programme");
            Member sara = db.Enrol(new MemberFields { Phone = "09123456789", Name = "سارا", Tags = "coffee",
                                                      ConsentSms = true, BirthYear = 1990, BirthMonth = 5,
                                                      BirthDay = 17 });
            Expect(sara.BirthYear == 1990 && sara.BirthDay == 17 && sara.ConsentSms && !sara.ConsentEmail &&
                   sara.CreatedAt == Now, "every member field comes back");
            Expect(db.AdjustPoints(sara.Id, 400, "opening balance", "mgr", "X-adjust-1") == 400, "adjusted");
            bool needsApproval = false;
            try { db.AdjustPoints(sara.Id, 600, "complaint", "mgr", "X-big-1"); }
            catch (DeclinedException ex) { needsApproval = ex.Status == Constants.LOY_ERR_NEEDS_APPROVAL; }
            Expect(needsApproval, "an adjustment above 500 needs a second operator");
            Expect(db.AdjustPoints(sara.Id, 600, "complaint", "mgr", "X-big-2", "reza") == 1000 &&
                   db.History(sara.Id)[0].Approver == "reza" && db.History(sara.Id)[0].Operator == "mgr",
                   "approved by reza, and the history says who");
            Expect(db.AdjustPoints(sara.Id, -600, "back to 400", "mgr", "X-big-3", "reza") == 400,
                   "and taken back, approved");
            Expect(db.FindByPhone("0912 345 6789").Id == sara.Id, "found by phone");

            ImportResult dry = db.ImportMembersCsv("phone,name,tags\n09121111111,Ali,coffee\n09122222222,Reza,tea\n",
                                                   dryRun: true);
            Expect(dry.Rows == 2 && dry.Imported == 0 && dry.Errors.Count == 0 &&
                   db.SearchMembers(new MemberQuery()).Count == 1, "a dry-run import writes nothing");
            ImportResult bad = db.ImportMembersCsv("phone,name\n09121111111,Ali\n12,Bad\n");
            Expect(bad.Imported == 0 && bad.Errors.Count == 1 && bad.Errors[0].Int("row") == 3 &&
                   bad.Errors[0]["status"] == "LOY_ERR_INVALID_PHONE", "a bad row fails the whole import");
            Expect(db.ImportMembersCsv("phone,name,tags\n09121111111,Ali,coffee\n09122222222,Reza,tea\n")
                       .Imported == 2, "two members imported");
            List<Member> coffee = db.SearchMembers(new MemberQuery { Tag = "coffee" });
            Expect(coffee.Count == 2 && coffee[0].Name == "سارا" && coffee[1].Name == "Ali", "search by tag");
            List<Member> page1 = db.SearchMembers(new MemberQuery { Limit = 2 });
            List<Member> page2 = db.SearchMembers(new MemberQuery { AfterId = page1[1].Id });
            Expect(page1.Count == 2 && page2.Count == 1 && page2[0].Name == "Reza", "keyset paging");

            Redemption r = db.RedeemReward(sara.Id, "free-latte", 2, "X-reward-1");
            Expect(r.Reward == "free-latte" && r.Quantity == 2 && r.Points == 300 && !r.Replayed, "a reward");
            Expect(db.RedeemReward(sara.Id, "free-latte", 2, "X-reward-1").Replayed, "replayed by key");
            Expect(Status(() => db.RedeemReward(sara.Id, "free-latte", 1, "X-reward-2")) ==
                   Constants.LOY_ERR_INSUFFICIENT_POINTS, "no points left for a third latte");
            db.RefundReward(r.Id, "X-reward-refund-1");
            Expect(db.GetMember(sara.Id).Balance == 400, "a refunded reward gives the points back");
            Expect(db.RedeemReward(sara.Id, "trees", 1, "X-reward-3").Cause == "Hyrcanian forests", "a donation");
            List<Row> rewards = db.RewardReport();
            Expect(rewards.Count == 1 && rewards[0]["reward"] == "trees" && rewards[0].Int("points") == 50,
                   "the rewards report");
            long next;
            Expect(db.PointsExpiring(sara.Id, Now + 3650 * Day, out next) == 350 && next > Now, "points expiring");

            using (Basket b = new Basket())
            {
                b.SetMember(sara.Id).AddLine("LATTE", "coffee", 2000, 150000);
                b.AddCoupon("cinema");
                Quote q = db.Quote(b);
                Expect(q.Coupons.Count == 1 && q.Coupons[0].Code == "CINEMA" && q.Coupons[0].Campaign == "film" &&
                       q.Coupons[0].Status == Constants.LOY_OK && q.Coupons[0].Amount == 40000,
                       "a partner's coupon in the quote");
                long sum = 0;
                foreach (long p in q.LinePoints) sum += p;
                Expect(q.LinePoints.Count == 1 && sum == q.PointsEarned, "points per line");
                Receipt sale = db.Commit(b, "X-sale-1");
                Expect(sale.Coupons.Count == 1 && sale.Coupons[0].Value == 40000, "the coupon on the receipt");
                Expect(db.SaleByKey("X-sale-1") == sale.SaleId, "a sale found by its key");
            }
            List<Row> settlement = db.PartnerSettlement("cinema");
            Expect(settlement.Count == 1 && settlement[0]["direction"] == "redeemed here" &&
                   settlement[0].Int("partner_funds") == 30000, "the partner funds 75%");

            long batch = db.CreateCouponBatch("comeback", 3, "X-batch-1");
            List<string> codes = db.ExportCouponBatch(batch);
            Expect(codes.Count == 3 && codes.TrueForAll(Database.CouponCodeIsValid), "a batch of three codes");
            Expect(db.GetCoupon(codes[0]).BatchId == batch, "a code knows its batch");
            db.RecordPartnerRedemption("cinema", codes[0], 20000, "X-partner-1");
            Expect(db.GetCoupon(codes[0]).Uses == 1, "a code used at the partner");

            Expect(db.EnterDraw("autumn", sara.Id, 3, "X-draw-1") == 30, "three entries for 30 points");
            List<Row> entries = db.DrawEntries("autumn");
            Expect(entries.Count == 1 && entries[0].Int("member") == sara.Id && entries[0].Int("entries") == 4,
                   "bought entries and one for the purchase");
            Expect(Status(() => db.RunDraw("autumn", "seed", 1, "X-draw-run-0")) == Constants.LOY_ERR_INVALID_STATE,
                   "a draw runs after its period");

            TierReview review = db.ReviewTiers();
            Expect(review.Reviewed == 3 && review.Upgraded == 0, "the tier review of three members");
            TierStatus tier = db.TierStatus(sara.Id);
            Expect(tier.Tier == "bronze" && tier.NextThreshold == 500 && tier.Multiplier == "1" &&
                   tier.Events.Count > 0 && tier.Events[0].To == "bronze", "tier status with its events");
            db.AssignTier(sara.Id, "silver", "status match", "X-assign-1", Now + Day, "mgr");
            tier = db.TierStatus(sara.Id);
            Expect(tier.Tier == "silver" && tier.AssignedTier == "silver" && tier.AssignedUntil == Now + Day,
                   "a tier assigned by staff");
            db.AssignTier(sara.Id, "", "back to the score", "X-assign-2", 0, "mgr");
            Expect(db.TierStatus(sara.Id).AssignedTier == "", "and withdrawn");
            Expect(db.MemberSegments(sara.Id).Exists(x => x["segment"] == "coffee-lovers"), "her segments");
            List<Row> lovers = db.SegmentMembers("coffee-lovers");
            Expect(lovers.Count == 1 && lovers[0].Int("member_id") == sara.Id, "a segment's members");
            CampaignSend sent = db.SendCampaign("yalda-coffee");
            Expect(sent.Queued + sent.Holdout + sent.Suppressed == 1, "a campaign to the segment");
            CampaignSend again = db.SendCampaign("yalda-coffee");
            Expect(again.Queued + again.Holdout + again.Suppressed == 0, "sent once per member");
            Expect(Database.Reports().Exists(x => x.Name == "sales" && x.Title.Length > 0), "the report catalogue");
            string page = db.DashboardHtml(Constants.LOY_CALENDAR_JALALI);
            Expect(page.StartsWith("<!DOCTYPE html>") && page.Contains("dir=\"rtl\""), "the dashboard");
            Expect(Database.Version().StartsWith(Constants.LOY_VERSION_MAJOR + "."), "the version");
            Expect(db.Rebuild() == 0, "nothing to rebuild");
            string card = db.SellGiftCard(500000, "X-gc-1", "R1", "mina");
            Expect(db.SellGiftCard(500000, "X-gc-1", "R1", "mina") == card &&
                   db.LoadGiftCard(card, 200000, "X-gc-2") == 700000 &&
                   db.RedeemGiftCard(card, 300000, "X-gc-3") == 400000 &&
                   db.RefundGiftCard(card, 100000, "X-gc-5") == 500000 && db.GiftCardBalance(card) == 500000,
                   "a gift card sold, loaded, spent in part and credited back");
            Expect(Status(() => db.RedeemGiftCard(card, 600000, "X-gc-4")) == Constants.LOY_ERR_INSUFFICIENT_FUNDS,
                   "not beyond its balance");
            using (Basket paid = new Basket())
            {
                paid.AddLine("LATTE", "coffee", 2000, 150000);
                paid.PayGiftCard(card, 200000);
                Expect(db.Quote(paid).GiftCardAmount == 200000, "a gift card in the quote");
                Receipt sold = db.Commit(paid, "X-gc-6");
                Expect(sold.GiftCardAmount == 200000 && sold.AmountDue == 100000 && db.GiftCardBalance(card) == 300000,
                       "a gift card as a tender in the basket");
                Receipt back = db.Void(sold.SaleId, "X-gc-7");
                Expect(back.GiftCardAmount == 200000 && back.MoneyBack == 100000 && db.GiftCardBalance(card) == 500000,
                       "credited back when the sale is voided");
            }
            long hold = db.HoldPoints(sara.Id, 100, 3600000, "X-hold-1", "table 7");
            long held = db.GetMember(sara.Id).Available;
            Expect(db.CaptureHold(hold, 60, "X-hold-2") == db.GetMember(sara.Id).Balance &&
                   db.GetMember(sara.Id).Available == held + 40, "a hold captured in part, the rest released");
            Expect(Status(() => db.ReleaseHold(hold, "X-hold-3")) == Constants.LOY_ERR_INVALID_STATE,
                   "a captured hold cannot be released");
            long walletHad = db.CreditWallet(sara.Id, 100000, "top-up", "mgr", "X-wallet-1");
            long money = db.HoldWallet(sara.Id, 1000, 3600000, "X-hold-4", "web 9");
            Expect(db.Wallet(sara.Id)[1] == db.Wallet(sara.Id)[0] - 1000 &&
                   db.CaptureWalletHold(money, 600, "X-hold-5") == walletHad - 600, "wallet money held and captured in part");
            Expect(Status(() => db.CaptureHold(money, 1, "X-hold-6")) == Constants.LOY_ERR_INVALID_ARGUMENT,
                   "a wallet hold is not a points hold");
            db.ReleaseWalletHold(db.HoldWallet(sara.Id, 100, 60000, "X-hold-7"), "X-hold-8");
            Expect(db.Wallet(sara.Id)[1] == walletHad - 600, "a wallet hold released");
            long saraBefore = db.GetMember(sara.Id).Balance;
            Member son = db.Enrol(new MemberFields { Phone = "09127654321", Name = "Arash" });
            Expect(db.TransferPoints(sara.Id, son.Id, 100, "X-gift-1", "gift") == saraBefore - 100 &&
                   db.GetMember(son.Id).Balance == 100 &&
                   db.History(son.Id)[0].Kind == Constants.LOY_ENTRY_TRANSFER_IN, "a points transfer");
            Expect(db.TransferPoints(son.Id, sara.Id, 100, "X-gift-2") == 0, "and back");
            long house = db.CreateHousehold(sara.Id, "X-house-1");
            db.JoinHousehold(house, son.Id, "X-house-2");
            long[] hh = db.Household(son.Id);
            Expect(hh[0] == house && hh[1] == sara.Id && hh[2] == 2 &&
                   db.GetMember(son.Id).Balance == db.GetMember(sara.Id).Balance, "a household shares one balance");
            db.LeaveHousehold(son.Id, "X-house-3");
            Expect(db.Household(son.Id)[0] == 0 && db.GetMember(son.Id).Balance == 0, "and a member leaves it");
            using (Basket topup = new Basket())
            {
                long walletBefore = db.Wallet(sara.Id)[0];
                long stampsBefore = db.Stamps(sara.Id, "coffee");
                topup.SetMember(sara.Id).AddLine("LATTE", "coffee", 1000, 150000);
                Expect(topup.AddWalletTopup(200000) == 2, "a wallet top-up line");
                Receipt sold = db.Commit(topup, "X-topup-1");
                Expect(sold.Total == 350000 && db.Wallet(sara.Id)[0] == walletBefore + 200000 + sold.Cashback,
                       "the top-up is in the wallet");
                Expect(db.Stamps(sara.Id, "coffee") == stampsBefore + 1, "a stamp for the latte");
            }
            using (Basket anon = new Basket())
            {
                anon.SetContext("R-77", "north", null, null).AddLine("LATTE", "coffee", 2000, 150000);
                Receipt sold = db.Commit(anon, "X-anon-1");
                Expect(db.SaleByReceipt("R-77") == sold.SaleId && db.SaleByReceipt("R-77", "north") == sold.SaleId,
                       "a sale found by its receipt number");
                long saraHad = db.GetMember(sara.Id).Balance;
                Receipt claimed = db.ClaimSale(sold.SaleId, sara.Id, "X-claim-1", "mina");
                Expect(claimed.MemberId == sara.Id && claimed.PointsEarned > 0 &&
                       db.GetMember(sara.Id).Balance == saraHad + claimed.PointsEarned, "a past receipt claimed");
                Expect(Status(() => db.ClaimSale(sold.SaleId, son.Id, "X-claim-2")) == Constants.LOY_ERR_DUPLICATE,
                       "and only once");
            }

            db.SetClock(Now + 7 * Day);
            List<Row> winners = db.RunDraw("autumn", "published seed", 1, "X-draw-run-1");
            Expect(winners.Count == 1 && winners[0].Int("member") == sara.Id, "the draw's winner");
        }
    }

    static void Checkout(string[] args)
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
            catch (InvalidInputException e)
            {
                Expect(e.Status == Constants.LOY_ERR_INVALID_PHONE && e.StatusName == "LOY_ERR_INVALID_PHONE" &&
                       e.Detail.Length > 0 && !e.Transient && e.Family == Constants.LOY_FAMILY_INVALID_INPUT,
                       "bad phone, an InvalidInputException: " + e.Message);
            }
            bool missing = false;
            try { db.GetMember(999); }
            catch (NotFoundException) { missing = true; }
            Expect(missing, "an unknown member is a NotFoundException");
            Expect(LoyaltyException.Of(Constants.LOY_ERR_BUSY, "busy") is TransientException &&
                   LoyaltyException.Of(Constants.LOY_ERR_READONLY, "ro") is FailureException,
                   "one exception type per status family");

            using (Basket b = new Basket())
            {
                b.SetMember(sara.Id).AddLine("LATTE", "coffee", 1000, 150000);
                b.RedeemPoints(5000);
                try
                {
                    db.Commit(b, "T1-R-2");
                    Expect(false, "redeeming more than the balance is refused");
                }
                catch (DeclinedException e)
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
                using (Database till = Database.Open(args[0] + "-t5", "IRT", chainMode: true))
                using (Basket yalda = new Basket())
                {
                    till.LoadProgrammeFile(args[1]);
                    yalda.AddLine("LATTE", "coffee", 1000, 150000);
                    yalda.AddCoupon("YALDA1405");
                    string claims = till.CouponClaims(yalda);
                    int first = 0;
                    try { till.Commit(yalda, "yalda-1"); } catch (LoyaltyException ex) { first = ex.Status; }
                    int negative = 0;
                    try { yalda.SetWalletHold("wallet-hold-1", -1); }
                    catch (LoyaltyException ex) { negative = ex.Status; }
                    Expect(negative == Constants.LOY_ERR_INVALID_AMOUNT &&
                           yalda.SetWalletHold("wallet-hold-1", 1000) == yalda,
                           "a wallet hold on the basket");
                    Expect(till.GiftcardClaims(yalda) == "{\"cards\":[]}" &&
                           yalda.SetGiftcardHold("giftcard-hold-1") == yalda, "a gift card hold on the basket");
                    yalda.SetCouponHold("coupon-hold-1");
                    Receipt used = till.Commit(yalda, "yalda-1");
                    Member guest = till.Enrol("09125550001", "Guest");
                    int unheldReward = 0, heldReward = 0;
                    try { till.RedeemReward(guest.Id, "free-latte", 1, "reward-1"); }
                    catch (LoyaltyException ex) { unheldReward = ex.Status; }
                    try { till.RedeemReward(guest.Id, "free-latte", 1, "reward-1", "reward-hold-1"); }
                    catch (LoyaltyException ex) { heldReward = ex.Status; }
                    Expect(unheldReward == Constants.LOY_ERR_NEEDS_ONLINE &&
                           heldReward == Constants.LOY_ERR_INSUFFICIENT_POINTS,
                           "in chain mode, a reward is redeemed only under a hold");
                    int publish = 0;
                    try { till.PublishProgramme(till.ExportProgramme(), 0); }
                    catch (LoyaltyException ex) { publish = ex.Status; }
                    long startsAt;
                    Expect(publish == Constants.LOY_ERR_NEEDS_ONLINE && till.NextProgramme(out startsAt) == 0 &&
                           startsAt == 0, "a till of a chain does not publish a programme");
                    Expect(claims.Contains("\"campaign\":\"yalda\"") &&
                           first == Constants.LOY_ERR_NEEDS_ONLINE && used.CouponDiscount > 0,
                           "in chain mode, a coupon a limit counts is used only under a hold");
                }
                Member there = other.ApplyProfile(sara.Uid, "09123456789", "سارا");
                Expect(there.Name == "سارا" && other.Identify("09123456789").Id == there.Id,
                       "a profile from the chain, beside the journal");
            }
            // The records with the profiles of the members they bring, in one transaction.
            using (Database fourth = Database.Open(args[0] + "-t4", "IRT"))
            {
                fourth.LoadProgrammeFile(args[1]);
                string nobody = sara.Uid.Substring(0, sara.Uid.IndexOf(':')) + ":M99";
                var profiles = new Dictionary<string, MemberFields> {
                    { sara.Uid, new MemberFields { Phone = "09123456789", Name = "سارا" } },
                    { nobody, new MemberFields { Phone = "09120000099" } },  // no such member: passed over
                };
                long duplicates;
                long applied = fourth.ApplyJournal(journal, profiles, out duplicates);
                Member found = fourth.Identify("09123456789");
                Expect(applied == journal.Count && found.Uid == sara.Uid && found.Name == "سارا",
                       "a member arrives with the profile that came with the records");
            }
        }
    }
}
