// libloyalty for C#: an idiomatic layer over the generated declarations (Native.g.cs).
// Builds with Mono's mcs and with .NET (netstandard2.0 and later): UTF-8 is marshalled by hand,
// handles are SafeHandles, every call is cdecl.
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;
using Loyalty.Native;

namespace Loyalty
{
    /// <summary>A call failed: Status is the LOY_ERR_* code, StatusName its symbol.</summary>
    public sealed class LoyaltyException : Exception
    {
        public int Status { get; }
        public string StatusName { get; }
        public string Detail { get; }

        public LoyaltyException(int status, string detail)
            : base(Utf8.From(Api.loy_status_name(status)) + ": " + detail)
        {
            Status = status;
            StatusName = Utf8.From(Api.loy_status_name(status));
            Detail = detail;
        }

        /// <summary>True when retrying with the same idempotency key may succeed.</summary>
        public bool Transient { get { return Api.loy_status_is_transient(Status) == 1; } }
    }

    /// <summary>UTF-8 in and out, the same on Mono and .NET.</summary>
    public static class Utf8
    {
        public static byte[] Z(string s)
        {
            if (s == null) return null;
            byte[] raw = Encoding.UTF8.GetBytes(s);
            byte[] z = new byte[raw.Length + 1];
            Buffer.BlockCopy(raw, 0, z, 0, raw.Length);
            return z;
        }

        public static string From(IntPtr p)
        {
            if (p == IntPtr.Zero) return "";
            int n = 0;
            while (Marshal.ReadByte(p, n) != 0) n++;
            byte[] raw = new byte[n];
            Marshal.Copy(p, raw, 0, n);
            return Encoding.UTF8.GetString(raw);
        }

        public static string From(byte[] z)
        {
            int n = Array.IndexOf(z, (byte)0);
            return Encoding.UTF8.GetString(z, 0, n < 0 ? z.Length : n);
        }

        /// <summary>Unmanaged copies of strings for struct fields; freed by Dispose.</summary>
        public sealed class Pins : IDisposable
        {
            private readonly List<IntPtr> pins = new List<IntPtr>();

            public IntPtr Add(string s)
            {
                if (s == null) return IntPtr.Zero;
                byte[] z = Z(s);
                IntPtr p = Marshal.AllocHGlobal(z.Length);
                Marshal.Copy(z, 0, p, z.Length);
                pins.Add(p);
                return p;
            }

            public void Dispose()
            {
                foreach (IntPtr p in pins) Marshal.FreeHGlobal(p);
                pins.Clear();
            }
        }
    }

    internal static class Check
    {
        public static LoyError NewError()
        {
            LoyError e = new LoyError();
            e.message = new byte[512];
            Api.loy_error_init(ref e);
            return e;
        }

        public static void Ok(int status, ref LoyError e)
        {
            if (status != Constants.LOY_OK) throw new LoyaltyException(status, Utf8.From(e.message));
        }
    }

    public sealed class RuleLine
    {
        public string Rule; public long Points; public string Explanation;

        /// <summary>Reads the rule lines of a quote or a receipt through its accessors.</summary>
        internal static List<RuleLine> Read(UIntPtr count, Func<UIntPtr, IntPtr> id, Func<UIntPtr, long> points,
                                            Func<UIntPtr, IntPtr> explanation)
        {
            List<RuleLine> lines = new List<RuleLine>();
            for (ulong i = 0; i < (ulong)count; i++)
            {
                UIntPtr k = new UIntPtr(i);
                lines.Add(new RuleLine { Rule = Utf8.From(id(k)), Points = points(k),
                                         Explanation = Utf8.From(explanation(k)) });
            }
            return lines;
        }
    }

    public sealed class HistoryEntry
    {
        public string Uid; public int Kind; public long Points; public long SaleId; public string Reason;
        public long CreatedAt; public long ExpiresAt;
    }

    public sealed class TierStatus
    {
        public string Tier; public string TierName; public long Score; public string NextTier;
        public long Missing; public string Progress;
    }

    public sealed class Member
    {
        public long Id; public string Uid; public int Status; public string Phone; public string Card;
        public string Name; public string Tier; public long Balance; public long Available;
        public long Pending; public long WalletBalance; public string ReferralCode;

        internal static Member From(LoyMemberHandle h)
        {
            using (h)
            {
                return new Member {
                    Id = Api.loy_member_id(h), Uid = Utf8.From(Api.loy_member_uid(h)),
                    Status = Api.loy_member_status(h), Phone = Utf8.From(Api.loy_member_phone(h)),
                    Card = Utf8.From(Api.loy_member_card(h)), Name = Utf8.From(Api.loy_member_name(h)),
                    Tier = Utf8.From(Api.loy_member_tier(h)), Balance = Api.loy_member_balance(h),
                    Available = Api.loy_member_available(h), Pending = Api.loy_member_pending(h),
                    WalletBalance = Api.loy_member_wallet_balance(h),
                    ReferralCode = Utf8.From(Api.loy_member_referral_code(h)),
                };
            }
        }
    }

    public sealed class Quote
    {
        public long Total; public long PointsEarned; public long Balance; public long Available;
        public long RedeemablePoints; public long RedeemableValue; public int RedeemStatus;
        public long RedeemValue; public long AmountDue; public string Tier; public string TierAfter;
        public string Progress; public List<RuleLine> Rules = new List<RuleLine>();

        internal static Quote From(LoyQuoteHandle h)
        {
            using (h)
            {
                Quote q = new Quote {
                    Total = Api.loy_quote_total(h), PointsEarned = Api.loy_quote_points_earned(h),
                    Balance = Api.loy_quote_balance(h), Available = Api.loy_quote_available(h),
                    RedeemablePoints = Api.loy_quote_redeemable_points(h),
                    RedeemableValue = Api.loy_quote_redeemable_value(h),
                    RedeemStatus = Api.loy_quote_redeem_status(h),
                    RedeemValue = Api.loy_quote_redeem_value(h), AmountDue = Api.loy_quote_amount_due(h),
                    Tier = Utf8.From(Api.loy_quote_tier(h)), TierAfter = Utf8.From(Api.loy_quote_tier_after(h)),
                    Progress = Utf8.From(Api.loy_quote_progress(h)),
                };
                q.Rules = RuleLine.Read(Api.loy_quote_rule_count(h), k => Api.loy_quote_rule_id(h, k),
                                        k => Api.loy_quote_rule_points(h, k),
                                        k => Api.loy_quote_rule_explanation(h, k));
                return q;
            }
        }
    }

    /// <summary>One record of an origin's journal: the facts (JSON) one committed write made.</summary>
    public sealed class JournalRecord
    {
        public string Origin; public long Seq; public string Kind; public string Key; public string Body;
        public string Prev; public string Hash; public long CreatedAt;
    }

    public sealed class Receipt
    {
        public int Kind; public bool Replayed; public long SaleId; public string Uid; public long Total;
        public long PointsEarned; public long PointsRedeemed; public long RedeemValue; public long AmountDue;
        public long RefundAmount; public long MoneyBack; public long BalanceAfter; public long AvailableAfter;
        public string TierBefore; public string TierAfter; public List<RuleLine> Rules = new List<RuleLine>();

        internal static Receipt From(LoyReceiptHandle h)
        {
            using (h)
            {
                Receipt r = new Receipt {
                    Kind = Api.loy_receipt_kind(h), Replayed = Api.loy_receipt_replayed(h) == 1,
                    SaleId = Api.loy_receipt_sale_id(h), Uid = Utf8.From(Api.loy_receipt_uid(h)),
                    Total = Api.loy_receipt_total(h), PointsEarned = Api.loy_receipt_points_earned(h),
                    PointsRedeemed = Api.loy_receipt_points_redeemed(h),
                    RedeemValue = Api.loy_receipt_redeem_value(h), AmountDue = Api.loy_receipt_amount_due(h),
                    RefundAmount = Api.loy_receipt_refund_amount(h),
                    MoneyBack = Api.loy_receipt_money_back(h),
                    BalanceAfter = Api.loy_receipt_balance_after(h),
                    AvailableAfter = Api.loy_receipt_available_after(h),
                    TierBefore = Utf8.From(Api.loy_receipt_tier_before(h)),
                    TierAfter = Utf8.From(Api.loy_receipt_tier_after(h)),
                };
                r.Rules = RuleLine.Read(Api.loy_receipt_rule_count(h), k => Api.loy_receipt_rule_id(h, k),
                                        k => Api.loy_receipt_rule_points(h, k),
                                        k => Api.loy_receipt_rule_explanation(h, k));
                return r;
            }
        }
    }

    /// <summary>A basket builder. Quantities in thousandths, amounts in minor units.</summary>
    public sealed class Basket : IDisposable
    {
        internal readonly LoyBasketHandle Handle;

        public Basket()
        {
            LoyError e = Check.NewError();
            Check.Ok(Api.loy_basket_new(out Handle, ref e), ref e);
        }

        public Basket SetMember(long memberId)
        {
            LoyError e = Check.NewError();
            Check.Ok(Api.loy_basket_set_member(Handle, memberId, ref e), ref e);
            return this;
        }

        public Basket SetContext(string receipt, string branch, string terminal, string cashier)
        {
            LoyError e = Check.NewError();
            Check.Ok(Api.loy_basket_set_context(Handle, Utf8.Z(receipt), Utf8.Z(branch), Utf8.Z(terminal),
                                                Utf8.Z(cashier), ref e), ref e);
            return this;
        }

        public int AddLine(string sku, string category, long quantityMilli, long unitPrice, long lineDiscount = 0)
        {
            LoyError e = Check.NewError();
            int line;
            Check.Ok(Api.loy_basket_add_line(Handle, Utf8.Z(sku), Utf8.Z(category), quantityMilli, unitPrice,
                                             lineDiscount, out line, ref e), ref e);
            return line;
        }

        public Basket AddTender(string type, long amount)
        {
            LoyError e = Check.NewError();
            Check.Ok(Api.loy_basket_add_tender(Handle, Utf8.Z(type), amount, ref e), ref e);
            return this;
        }

        public Basket AddCoupon(string code)
        {
            LoyError e = Check.NewError();
            Check.Ok(Api.loy_basket_add_coupon(Handle, Utf8.Z(code), ref e), ref e);
            return this;
        }

        public Basket RedeemPoints(long points)
        {
            LoyError e = Check.NewError();
            Check.Ok(Api.loy_basket_redeem_points(Handle, points, ref e), ref e);
            return this;
        }

        /// <summary>In chain mode: the authority's hold covering the points this sale spends.</summary>
        public Basket SetHold(string holdId, long points)
        {
            LoyError e = Check.NewError();
            Check.Ok(Api.loy_basket_set_hold(Handle, Utf8.Z(holdId), points, ref e), ref e);
            return this;
        }

        public void Dispose() { Handle.Dispose(); }
    }

    /// <summary>The library's version, checked before the first database is opened.</summary>
    public static class Library
    {
        private static bool checkedOnce;

        /// <summary>Refuses a library of another major version than the header these declarations
        /// were generated from (its functions may differ).</summary>
        public static void CheckVersion(int number)
        {
            if (number / 10000 != Constants.LOY_VERSION_MAJOR)
                throw new InvalidOperationException(string.Format(
                    "libloyalty {0}.{1}.{2} was loaded, but this binding is for {3}.x; install a matching library or binding",
                    number / 10000, number / 100 % 100, number % 100, Constants.LOY_VERSION_MAJOR));
        }

        internal static void EnsureChecked()
        {
            if (checkedOnce) return;
            CheckVersion(Api.loy_version_number());
            checkedOnce = true;
        }
    }

    /// <summary>An open database. One handle may be shared by threads (calls are serialised).</summary>
    public sealed class Database : IDisposable
    {
        private readonly LoyDbHandle handle;

        private Database(LoyDbHandle h) { handle = h; }

        /// <summary>Opens (or creates) a database; `chainMode`: a till of a chain, which spends
        /// points only under the authority's hold (docs/chain.md).</summary>
        public static Database Open(string path, string defaultCurrency = null,
                                    int durability = Constants.LOY_DURABILITY_FULL,
                                    bool chainMode = false)
        {
            Library.EnsureChecked();
            LoyOpenOptions o = new LoyOpenOptions();
            Api.loy_open_options_init(ref o);
            using (Utf8.Pins pins = new Utf8.Pins())
            {
                o.path = pins.Add(path);
                if (defaultCurrency != null) o.default_currency = pins.Add(defaultCurrency);
                o.durability = durability;
                o.chain_mode = chainMode ? 1 : 0;
                LoyError e = Check.NewError();
                LoyDbHandle h;
                Check.Ok(Api.loy_open(ref o, out h, ref e), ref e);
                return new Database(h);
            }
        }

        public void SetClock(long nowMs)
        {
            LoyError e = Check.NewError();
            Check.Ok(Api.loy_set_clock(handle, nowMs, ref e), ref e);
        }

        public long LoadProgrammeFile(string path)
        {
            LoyError e = Check.NewError();
            long version;
            Check.Ok(Api.loy_program_load_file(handle, Utf8.Z(path), out version, ref e), ref e);
            return version;
        }

        public Member Enrol(string phone, string name, string idempotencyKey = null, bool consentSms = false)
        {
            LoyMemberFields f = new LoyMemberFields();
            Api.loy_member_fields_init(ref f);
            if (consentSms) f.consent_sms = 1;
            using (Utf8.Pins pins = new Utf8.Pins())
            {
                f.phone = pins.Add(phone);
                f.name = pins.Add(name);
                LoyError e = Check.NewError();
                LoyMemberHandle h;
                Check.Ok(Api.loy_member_enrol(handle, ref f, Utf8.Z(idempotencyKey), out h, ref e), ref e);
                return Member.From(h);
            }
        }

        public Member GetMember(long id)
        {
            LoyError e = Check.NewError();
            LoyMemberHandle h;
            Check.Ok(Api.loy_member_get(handle, id, out h, ref e), ref e);
            return Member.From(h);
        }

        public Member Identify(string phoneOrCard)
        {
            LoyError e = Check.NewError();
            LoyMemberHandle h;
            Check.Ok(Api.loy_member_identify(handle, Utf8.Z(phoneOrCard), out h, ref e), ref e);
            return Member.From(h);
        }

        public Member FindByCard(string card)
        {
            LoyError e = Check.NewError();
            LoyMemberHandle h;
            Check.Ok(Api.loy_member_find_by_card(handle, Utf8.Z(card), out h, ref e), ref e);
            return Member.From(h);
        }

        /// <summary>Blocks earning and redemption (Reactivate undoes it). With a key, a retry
        /// returns the first outcome.</summary>
        public void Deactivate(long memberId, string idempotencyKey = null)
        {
            LoyError e = Check.NewError();
            Check.Ok(Api.loy_member_deactivate_with_key(handle, memberId, Utf8.Z(idempotencyKey), ref e), ref e);
        }

        public void Reactivate(long memberId, string idempotencyKey = null)
        {
            LoyError e = Check.NewError();
            Check.Ok(Api.loy_member_reactivate_with_key(handle, memberId, Utf8.Z(idempotencyKey), ref e), ref e);
        }

        /// <summary>Erases the member's personal data for good; the history stays, anonymous.</summary>
        public void Erase(long memberId, string idempotencyKey = null)
        {
            LoyError e = Check.NewError();
            Check.Ok(Api.loy_member_erase_with_key(handle, memberId, Utf8.Z(idempotencyKey), ref e), ref e);
        }

        public Member Merge(long survivorId, long absorbedId, string idempotencyKey = null)
        {
            LoyError e = Check.NewError();
            LoyMemberHandle h;
            Check.Ok(Api.loy_member_merge_with_key(handle, survivorId, absorbedId, Utf8.Z(idempotencyKey),
                                                   out h, ref e), ref e);
            return Member.From(h);
        }

        // ---- chain-wide ids and the journal (docs/journal.md)

        /// <summary>What this handle writes as: the name in every id it writes and its generation.</summary>
        public string Origin(out long generation, out bool newGeneration)
        {
            LoyError e = Check.NewError();
            UIntPtr needed;
            int renewed;
            Check.Ok(Api.loy_origin_get(handle, null, UIntPtr.Zero, out needed, out generation, out renewed,
                                        ref e), ref e);
            byte[] buf = new byte[(ulong)needed + 1];
            Check.Ok(Api.loy_origin_get(handle, buf, new UIntPtr((ulong)buf.Length), out needed,
                                        out generation, out renewed, ref e), ref e);
            newGeneration = renewed == 1;
            return Encoding.UTF8.GetString(buf, 0, (int)(ulong)needed);
        }

        public Member MemberByUid(string uid)
        {
            LoyError e = Check.NewError();
            LoyMemberHandle h;
            Check.Ok(Api.loy_member_find_by_uid(handle, Utf8.Z(uid), out h, ref e), ref e);
            return Member.From(h);
        }

        public long SaleByUid(string uid)
        {
            LoyError e = Check.NewError();
            long id;
            Check.Ok(Api.loy_sale_find_by_uid(handle, Utf8.Z(uid), out id, ref e), ref e);
            return id;
        }

        /// <summary>A sale's (…:S12), refund's or void's (…:R3) receipt again, e.g. to reprint it.</summary>
        public Receipt GetReceipt(string uid)
        {
            LoyError e = Check.NewError();
            LoyReceiptHandle h;
            Check.Ok(Api.loy_receipt_get(handle, Utf8.Z(uid), out h, ref e), ref e);
            return Receipt.From(h);
        }

        /// <summary>The records of `origin` (null: this handle's) after `afterSeq`, in order.</summary>
        public List<JournalRecord> Journal(string origin = null, long afterSeq = 0, int limit = 1000)
        {
            LoyError e = Check.NewError();
            LoyJournalHandle h;
            Check.Ok(Api.loy_journal_read(handle, Utf8.Z(origin), afterSeq, limit, out h, ref e), ref e);
            using (h) return Records(h);
        }

        /// <summary>The last record this file holds of each origin: where a sync resumes.</summary>
        public List<JournalRecord> JournalHeads()
        {
            LoyError e = Check.NewError();
            LoyJournalHandle h;
            Check.Ok(Api.loy_journal_heads(handle, out h, ref e), ref e);
            using (h) return Records(h);
        }

        private static List<JournalRecord> Records(LoyJournalHandle h)
        {
            List<JournalRecord> list = new List<JournalRecord>();
            ulong n = (ulong)Api.loy_journal_count(h);
            for (ulong i = 0; i < n; ++i)
            {
                UIntPtr k = new UIntPtr(i);
                list.Add(new JournalRecord {
                    Origin = Utf8.From(Api.loy_journal_origin(h, k)), Seq = Api.loy_journal_seq(h, k),
                    Kind = Utf8.From(Api.loy_journal_kind(h, k)), Key = Utf8.From(Api.loy_journal_key(h, k)),
                    Body = Utf8.From(Api.loy_journal_body(h, k)), Prev = Utf8.From(Api.loy_journal_prev(h, k)),
                    Hash = Utf8.From(Api.loy_journal_hash(h, k)),
                    CreatedAt = Api.loy_journal_created_at(h, k),
                });
            }
            return list;
        }

        /// <summary>A member's profile (phone, name) as another till holds it, written without a
        /// journal record (docs/chain.md); null leaves a field as it is.</summary>
        public Member ApplyProfile(string uid, string phone, string name)
        {
            LoyMemberFields f = new LoyMemberFields();
            Api.loy_member_fields_init(ref f);
            using (Utf8.Pins pins = new Utf8.Pins())
            {
                if (phone != null) f.phone = pins.Add(phone);
                if (name != null) f.name = pins.Add(name);
                LoyError e = Check.NewError();
                LoyMemberHandle h;
                Check.Ok(Api.loy_member_profile_apply(handle, Utf8.Z(uid), ref f, out h, ref e), ref e);
                return Member.From(h);
            }
        }

        /// <summary>Applies other origins' records (as another file's Journal() gives them) in one
        /// transaction: each exactly once per (origin, seq). A fork throws LOY_ERR_SYNC_FORK, a
        /// record out of order LOY_ERR_SYNC_GAP; a refused list changes nothing (docs/journal.md).
        /// Returns the records applied; `duplicates` the records this file held already.</summary>
        public long ApplyJournal(IEnumerable<JournalRecord> records, out long duplicates)
        {
            LoyError e = Check.NewError();
            LoyJournalHandle h;
            Check.Ok(Api.loy_journal_new(out h, ref e), ref e);
            using (h)
            {
                foreach (JournalRecord r in records)
                    Check.Ok(Api.loy_journal_add(h, Utf8.Z(r.Origin), r.Seq, Utf8.Z(r.Kind), Utf8.Z(r.Key),
                                                 Utf8.Z(r.Body), Utf8.Z(r.Prev), Utf8.Z(r.Hash), r.CreatedAt,
                                                 ref e), ref e);
                long applied;
                Check.Ok(Api.loy_journal_apply(handle, h, out applied, out duplicates, ref e), ref e);
                return applied;
            }
        }

        /// <summary>The member's ledger, newest first (members merged into it included).</summary>
        public List<HistoryEntry> History(long memberId, int limit = 50, int offset = 0)
        {
            LoyError e = Check.NewError();
            LoyHistoryHandle h;
            Check.Ok(Api.loy_history_get(handle, memberId, limit, offset, out h, ref e), ref e);
            using (h)
            {
                List<HistoryEntry> list = new List<HistoryEntry>();
                ulong n = (ulong)Api.loy_history_count(h);
                for (ulong i = 0; i < n; ++i)
                {
                    UIntPtr k = new UIntPtr(i);
                    list.Add(new HistoryEntry {
                        Uid = Utf8.From(Api.loy_history_uid(h, k)), Kind = Api.loy_history_kind(h, k),
                        Points = Api.loy_history_points(h, k), SaleId = Api.loy_history_sale_id(h, k),
                        Reason = Utf8.From(Api.loy_history_reason(h, k)),
                        CreatedAt = Api.loy_history_created_at(h, k),
                        ExpiresAt = Api.loy_history_expires_at(h, k),
                    });
                }
                return list;
            }
        }

        /// <summary>Awards an action's points ("review", "app_login"...) within its cap.</summary>
        public long RecordEvent(long memberId, string action, string idempotencyKey)
        {
            LoyError e = Check.NewError();
            long points;
            Check.Ok(Api.loy_event_record(handle, memberId, Utf8.Z(action), Utf8.Z(idempotencyKey),
                                          out points, ref e), ref e);
            return points;
        }

        public TierStatus TierStatus(long memberId)
        {
            LoyError e = Check.NewError();
            LoyTierStatusHandle s;
            Check.Ok(Api.loy_tier_status_get(handle, memberId, out s, ref e), ref e);
            using (s)
            {
                return new TierStatus {
                    Tier = Utf8.From(Api.loy_tier_status_tier(s)),
                    TierName = Utf8.From(Api.loy_tier_status_tier_name(s)),
                    Score = Api.loy_tier_status_score(s),
                    NextTier = Utf8.From(Api.loy_tier_status_next_tier(s)),
                    Missing = Api.loy_tier_status_missing(s),
                    Progress = Utf8.From(Api.loy_tier_status_progress(s)),
                };
            }
        }

        /// <summary>The wallet in minor units: balance, available now, pending cashback.</summary>
        public long[] Wallet(long memberId)
        {
            LoyError e = Check.NewError();
            long balance, available, pending;
            Check.Ok(Api.loy_wallet_get(handle, memberId, out balance, out available, out pending,
                                        ref e), ref e);
            return new[] { balance, available, pending };
        }

        /// <summary>One code of a campaign, to a member (or to anyone: 0), in display form.</summary>
        public string IssueCoupon(string campaignId, long memberId, string idempotencyKey)
        {
            LoyError e = Check.NewError();
            UIntPtr needed;
            Check.Ok(Api.loy_coupon_issue(handle, Utf8.Z(campaignId), memberId, Utf8.Z(idempotencyKey),
                                          null, UIntPtr.Zero, out needed, ref e), ref e);
            byte[] buf = new byte[(int)(ulong)needed + 1];
            Check.Ok(Api.loy_coupon_issue(handle, Utf8.Z(campaignId), memberId, Utf8.Z(idempotencyKey),
                                          buf, new UIntPtr((ulong)buf.Length), out needed, ref e), ref e);
            return Utf8.From(buf);
        }

        /// <summary>The check symbol catches a mistyped code before any lookup.</summary>
        public static bool CouponCodeIsValid(string code)
        {
            return Api.loy_coupon_code_check(Utf8.Z(code)) == Constants.LOY_OK;
        }

        public Quote Quote(Basket basket)
        {
            LoyError e = Check.NewError();
            LoyQuoteHandle h;
            Check.Ok(Api.loy_quote_basket(handle, basket.Handle, out h, ref e), ref e);
            return Loyalty.Quote.From(h);
        }

        public Receipt Commit(Basket basket, string idempotencyKey)
        {
            LoyError e = Check.NewError();
            LoyReceiptHandle h;
            Check.Ok(Api.loy_commit(handle, basket.Handle, Utf8.Z(idempotencyKey), out h, ref e), ref e);
            return Receipt.From(h);
        }

        /// <summary>Refund lines given as (line number, quantity in thousandths); none = all.</summary>
        public Receipt Refund(long saleId, IEnumerable<KeyValuePair<int, long>> lines, string idempotencyKey)
        {
            LoyError e = Check.NewError();
            LoyRefundHandle r;
            Check.Ok(Api.loy_refund_new(out r, ref e), ref e);
            using (r)
            {
                foreach (KeyValuePair<int, long> line in lines)
                    Check.Ok(Api.loy_refund_add_line(r, line.Key, line.Value, ref e), ref e);
                LoyReceiptHandle h;
                Check.Ok(Api.loy_refund_sale(handle, saleId, r, Utf8.Z(idempotencyKey), out h, ref e), ref e);
                return Receipt.From(h);
            }
        }

        public string FormatMoney(long minorUnits, string currency)
        {
            LoyError e = Check.NewError();
            UIntPtr needed;
            Check.Ok(Api.loy_money_format(handle, minorUnits, Utf8.Z(currency), 1, null, UIntPtr.Zero,
                                          out needed, ref e), ref e);
            byte[] buf = new byte[(int)(ulong)needed + 1];
            Check.Ok(Api.loy_money_format(handle, minorUnits, Utf8.Z(currency), 1, buf,
                                          new UIntPtr((ulong)buf.Length), out needed, ref e), ref e);
            return Utf8.From(buf);
        }

        /// <summary>Everything held about a member, as JSON (an access request).</summary>
        public string ExportMember(long memberId)
        {
            LoyError e = Check.NewError();
            UIntPtr needed;
            Check.Ok(Api.loy_member_export(handle, memberId, null, UIntPtr.Zero, out needed, ref e), ref e);
            byte[] buf = new byte[(int)(ulong)needed + 1];
            Check.Ok(Api.loy_member_export(handle, memberId, buf, new UIntPtr((ulong)buf.Length),
                                           out needed, ref e), ref e);
            return Utf8.From(buf);
        }

        public long Verify()
        {
            LoyError e = Check.NewError();
            long problems;
            UIntPtr needed;
            Check.Ok(Api.loy_verify(handle, out problems, null, UIntPtr.Zero, out needed, ref e), ref e);
            return problems;
        }

        /// <summary>A manager report (docs/reports.md): rows of column name to cell text.</summary>
        public List<Dictionary<string, string>> Report(string name, int groupBy = Constants.LOY_GROUP_NONE,
                                                       int calendar = Constants.LOY_CALENDAR_GREGORIAN,
                                                       long fromMs = 0, long toMs = 0, string branch = null)
        {
            LoyReportOptions o = new LoyReportOptions();
            Api.loy_report_options_init(ref o);
            o.group_by = groupBy;
            o.calendar = calendar;
            o.from_ms = fromMs;
            o.to_ms = toMs;
            using (Utf8.Pins pins = new Utf8.Pins())
            {
                o.branch = pins.Add(branch);
                LoyError e = Check.NewError();
                LoyTableHandle t;
                Check.Ok(Api.loy_report(handle, Utf8.Z(name), ref o, out t, ref e), ref e);
                return ReadTable(t);
            }
        }

        /// <summary>Writes the messages the programme's triggers call for; returns how many are due.</summary>
        public long GenerateMessages()
        {
            LoyError e = Check.NewError();
            long queued;
            Check.Ok(Api.loy_messages_generate(handle, 0, out queued, ref e), ref e);
            return queued;
        }

        /// <summary>Due messages, leased for leaseMs: acknowledge each with Acknowledge.</summary>
        public List<Dictionary<string, string>> FetchMessages(int limit = 100, long leaseMs = 60000)
        {
            LoyError e = Check.NewError();
            LoyTableHandle t;
            Check.Ok(Api.loy_outbox_fetch(handle, 0, limit, leaseMs, out t, ref e), ref e);
            return ReadTable(t);
        }

        public void Acknowledge(long messageId, bool sent = true, string error = null, long retryAfterMs = 0)
        {
            LoyError e = Check.NewError();
            int result = sent ? Constants.LOY_DELIVERY_SENT : Constants.LOY_DELIVERY_FAILED;
            Check.Ok(Api.loy_outbox_ack(handle, messageId, result, Utf8.Z(error), retryAfterMs, ref e), ref e);
        }

        private static List<Dictionary<string, string>> ReadTable(LoyTableHandle t)
        {
            using (t)
            {
                List<Dictionary<string, string>> rows = new List<Dictionary<string, string>>();
                ulong cols = (ulong)Api.loy_table_column_count(t), n = (ulong)Api.loy_table_row_count(t);
                for (ulong r = 0; r < n; r++)
                {
                    Dictionary<string, string> row = new Dictionary<string, string>();
                    for (ulong c = 0; c < cols; c++)
                        row[Utf8.From(Api.loy_table_column_name(t, new UIntPtr(c)))] =
                            Utf8.From(Api.loy_table_text(t, new UIntPtr(r), new UIntPtr(c)));
                    rows.Add(row);
                }
                return rows;
            }
        }

        public void Dispose() { handle.Dispose(); }
    }
}
