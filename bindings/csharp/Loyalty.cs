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
    /// <summary>A call failed: Status is the LOY_ERR_* code, StatusName its symbol. What is thrown
    /// is the subclass of the status's family (Family, loy_status_family).</summary>
    public class LoyaltyException : Exception
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

        /// <summary>LOY_FAMILY_*: what to do about it.</summary>
        public int Family { get { return Api.loy_status_family(Status); } }

        /// <summary>The exception of a status's family, e.g. NotFoundException for LOY_ERR_NOT_FOUND.</summary>
        public static LoyaltyException Of(int status, string detail)
        {
            switch (Api.loy_status_family(status))
            {
                case Constants.LOY_FAMILY_INVALID_INPUT: return new InvalidInputException(status, detail);
                case Constants.LOY_FAMILY_NOT_FOUND: return new NotFoundException(status, detail);
                case Constants.LOY_FAMILY_CONFLICT: return new ConflictException(status, detail);
                case Constants.LOY_FAMILY_DECLINED: return new DeclinedException(status, detail);
                case Constants.LOY_FAMILY_TRANSIENT: return new TransientException(status, detail);
                default: return new FailureException(status, detail);
            }
        }
    }

    /// <summary>Fix the call: an argument, amount, phone, currency or programme is wrong.</summary>
    public sealed class InvalidInputException : LoyaltyException
    {
        public InvalidInputException(int status, string detail) : base(status, detail) { }
    }

    /// <summary>No such member, sale, coupon, reward, report...</summary>
    public sealed class NotFoundException : LoyaltyException
    {
        public NotFoundException(int status, string detail) : base(status, detail) { }
    }

    /// <summary>The data's state refuses: a duplicate, a key reused, a voided sale, an inactive member.</summary>
    public sealed class ConflictException : LoyaltyException
    {
        public ConflictException(int status, string detail) : base(status, detail) { }
    }

    /// <summary>The programme refuses (tell the customer): not enough points, a coupon, a cap, stock.</summary>
    public sealed class DeclinedException : LoyaltyException
    {
        public DeclinedException(int status, string detail) : base(status, detail) { }
    }

    /// <summary>Nothing was written: retry with the same idempotency key.</summary>
    public sealed class TransientException : LoyaltyException
    {
        public TransientException(int status, string detail) : base(status, detail) { }
    }

    /// <summary>The file or the library: not a database, too new, read-only, internal.</summary>
    public sealed class FailureException : LoyaltyException
    {
        public FailureException(int status, string detail) : base(status, detail) { }
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
            if (status != Constants.LOY_OK) throw LoyaltyException.Of(status, Utf8.From(e.message));
        }

        /// <summary>A function with snprintf semantics (convention 6), its other arguments bound.</summary>
        public delegate int TextCall(byte[] buf, UIntPtr capacity, out UIntPtr needed, ref LoyError e);

        /// <summary>Calls a text-out function twice: once for the size, once for the text.</summary>
        public static string Text(TextCall call)
        {
            LoyError e = NewError();
            UIntPtr needed;
            Ok(call(null, UIntPtr.Zero, out needed, ref e), ref e);
            byte[] buf = new byte[(ulong)needed + 1];
            Ok(call(buf, new UIntPtr((ulong)buf.Length), out needed, ref e), ref e);
            return Encoding.UTF8.GetString(buf, 0, (int)(ulong)needed);
        }

        public delegate int TableCall(out LoyTableHandle table, ref LoyError e);
        public delegate int MemberCall(out LoyMemberHandle member, ref LoyError e);

        /// <summary>Calls a function that hands back a table, and reads its rows.</summary>
        public static List<Row> Table(TableCall call)
        {
            LoyError e = NewError();
            LoyTableHandle t;
            Ok(call(out t, ref e), ref e);
            return Row.Read(t);
        }

        /// <summary>Calls a function that hands back a member, and reads it.</summary>
        public static Member Member(MemberCall call)
        {
            LoyError e = NewError();
            LoyMemberHandle h;
            Ok(call(out h, ref e), ref e);
            return Loyalty.Member.From(h);
        }

        /// <summary>Reads count items of a result handle through an accessor taking an index.</summary>
        public static List<T> Each<T>(UIntPtr count, Func<UIntPtr, T> read)
        {
            List<T> items = new List<T>();
            for (ulong i = 0; i < (ulong)count; i++) items.Add(read(new UIntPtr(i)));
            return items;
        }
    }

    /// <summary>A table (report, segment, draw...): rows of column name to cell. Whole numbers
    /// are also readable as long (Int), decimals ("66.7") and labels as text.</summary>
    public sealed class Row
    {
        private readonly Dictionary<string, string> cells = new Dictionary<string, string>();
        private readonly Dictionary<string, long> numbers = new Dictionary<string, long>();

        public string this[string column] { get { return cells[column]; } }
        public IEnumerable<string> Columns { get { return cells.Keys; } }
        public bool Has(string column) { return cells.ContainsKey(column); }

        /// <summary>The cell as a whole number; throws KeyNotFoundException for text.</summary>
        public long Int(string column) { return numbers[column]; }

        internal static List<Row> Read(LoyTableHandle t)
        {
            using (t)
            {
                List<Row> rows = new List<Row>();
                ulong cols = (ulong)Api.loy_table_column_count(t), n = (ulong)Api.loy_table_row_count(t);
                for (ulong r = 0; r < n; r++)
                {
                    Row row = new Row();
                    for (ulong c = 0; c < cols; c++)
                    {
                        UIntPtr ri = new UIntPtr(r), ci = new UIntPtr(c);
                        string name = Utf8.From(Api.loy_table_column_name(t, ci));
                        string text = Utf8.From(Api.loy_table_text(t, ri, ci));
                        row.cells[name] = text;
                        long number = Api.loy_table_int(t, ri, ci);
                        if (Api.loy_table_is_number(t, ri, ci) == 1 && text == number.ToString())
                            row.numbers[name] = number;
                    }
                    rows.Add(row);
                }
                return rows;
            }
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
        public string Branch; public string Terminal; public long CreatedAt; public long ExpiresAt;
        public string Corrects;
        /// <summary>The sale's cashier, the adjustment's operator, and who approved an adjustment.</summary>
        public string Operator; public string Approver;
    }

    /// <summary>A tier change: from, to, why, the score then, the sale behind it (0 = none).</summary>
    public sealed class TierEvent
    {
        public string Uid; public string From; public string To; public string Reason; public long Score;
        public long SaleId; public long At;
    }

    public sealed class TierStatus
    {
        public string Tier; public string TierName; public long Since; public long Score;
        public string NextTier; public string NextTierName; public long NextThreshold; public long Missing;
        public string Progress; public long AtRiskSince; public string FloorTier; public string Multiplier;
        public string Discount; public bool FreeDelivery; public List<string> Benefits;
        public string Plan; public long PlanEndsAt; public List<TierEvent> Events;
        /// <summary>A level staff assigned as a floor ("" = none in force), and when it ends (0 = until withdrawn).</summary>
        public string AssignedTier; public long AssignedUntil;
    }

    /// <summary>A member's fields for Enrol and UpdateMember; null leaves a field absent or as it is.</summary>
    public sealed class MemberFields
    {
        public string Phone, Card, Name, Email, Gender, Tags, Language, Branch, Referrer;
        public int? BirthYear, BirthMonth, BirthDay;
        public bool? ConsentSms, ConsentEmail, ConsentPush;

        internal LoyMemberFields Pin(Utf8.Pins pins)
        {
            LoyMemberFields f = new LoyMemberFields();
            Api.loy_member_fields_init(ref f);
            if (Phone != null) f.phone = pins.Add(Phone);
            if (Card != null) f.card = pins.Add(Card);
            if (Name != null) f.name = pins.Add(Name);
            if (Email != null) f.email = pins.Add(Email);
            if (Gender != null) f.gender = pins.Add(Gender);
            if (Tags != null) f.tags = pins.Add(Tags);
            if (Language != null) f.language = pins.Add(Language);
            if (Branch != null) f.branch = pins.Add(Branch);
            if (Referrer != null) f.referrer = pins.Add(Referrer);
            if (BirthYear.HasValue) f.birth_year = BirthYear.Value;
            if (BirthMonth.HasValue) f.birth_month = BirthMonth.Value;
            if (BirthDay.HasValue) f.birth_day = BirthDay.Value;
            if (ConsentSms.HasValue) f.consent_sms = ConsentSms.Value ? 1 : 0;
            if (ConsentEmail.HasValue) f.consent_email = ConsentEmail.Value ? 1 : 0;
            if (ConsentPush.HasValue) f.consent_push = ConsentPush.Value ? 1 : 0;
            return f;
        }
    }

    public sealed class Member
    {
        public long Id; public string Uid; public int Status; public string Phone; public string Card;
        public string Name; public string Email; public string Tags; public string Language;
        public string Gender; public string Branch; public int BirthYear; public int BirthMonth;
        public int BirthDay; public bool ConsentSms; public bool ConsentEmail; public bool ConsentPush;
        public string Tier; public long Balance; public long Available; public long Pending;
        public long LifetimeEarned; public long WalletBalance; public string ReferralCode;
        public long ReferrerId; public long MergedInto; public long CreatedAt;

        internal static Member From(LoyMemberHandle h)
        {
            using (h)
            {
                return new Member {
                    Id = Api.loy_member_id(h), Uid = Utf8.From(Api.loy_member_uid(h)),
                    Status = Api.loy_member_status(h), Phone = Utf8.From(Api.loy_member_phone(h)),
                    Card = Utf8.From(Api.loy_member_card(h)), Name = Utf8.From(Api.loy_member_name(h)),
                    Email = Utf8.From(Api.loy_member_email(h)), Tags = Utf8.From(Api.loy_member_tags(h)),
                    Language = Utf8.From(Api.loy_member_language(h)),
                    Gender = Utf8.From(Api.loy_member_gender(h)), Branch = Utf8.From(Api.loy_member_branch(h)),
                    BirthYear = Api.loy_member_birth_year(h), BirthMonth = Api.loy_member_birth_month(h),
                    BirthDay = Api.loy_member_birth_day(h), ConsentSms = Api.loy_member_consent_sms(h) == 1,
                    ConsentEmail = Api.loy_member_consent_email(h) == 1,
                    ConsentPush = Api.loy_member_consent_push(h) == 1,
                    Tier = Utf8.From(Api.loy_member_tier(h)), Balance = Api.loy_member_balance(h),
                    Available = Api.loy_member_available(h), Pending = Api.loy_member_pending(h),
                    LifetimeEarned = Api.loy_member_lifetime_earned(h),
                    WalletBalance = Api.loy_member_wallet_balance(h),
                    ReferralCode = Utf8.From(Api.loy_member_referral_code(h)),
                    ReferrerId = Api.loy_member_referrer_id(h), MergedInto = Api.loy_member_merged_into(h),
                    CreatedAt = Api.loy_member_created_at(h),
                };
            }
        }
    }

    /// <summary>A coupon presented in a basket: Status LOY_OK when it applies, else Message says why.</summary>
    public sealed class CouponResult
    {
        public string Code; public string Campaign; public int Status; public string Message;
        public long Amount; public long Points;
    }

    /// <summary>One coupon code: its campaign, owner, uses and state.</summary>
    public sealed class Coupon
    {
        public string Code; public string Uid; public string Campaign; public long MemberId; public long BatchId;
        public long MaxUses; public long Uses; public long ValidUntil; public long IssuedSaleId; public bool Revoked;

        internal static Coupon From(LoyCouponHandle c)
        {
            using (c)
            {
                return new Coupon {
                    Code = Utf8.From(Api.loy_coupon_code(c)), Uid = Utf8.From(Api.loy_coupon_uid(c)),
                    Campaign = Utf8.From(Api.loy_coupon_campaign(c)), MemberId = Api.loy_coupon_member_id(c),
                    BatchId = Api.loy_coupon_batch_id(c), MaxUses = Api.loy_coupon_max_uses(c),
                    Uses = Api.loy_coupon_uses(c), ValidUntil = Api.loy_coupon_valid_until(c),
                    IssuedSaleId = Api.loy_coupon_issued_sale_id(c), Revoked = Api.loy_coupon_revoked(c) == 1,
                };
            }
        }
    }

    /// <summary>Points spent on a reward of the catalogue.</summary>
    public sealed class Redemption
    {
        public long Id; public string Uid; public bool Replayed; public string Reward; public long Quantity;
        public long Points; public string CouponCode; public long WalletCredit; public string Cause;
    }

    public sealed class TierReview { public long Reviewed, Upgraded, Downgraded, AtRisk; }

    public sealed class CampaignSend { public long Queued, Holdout, Suppressed; }

    /// <summary>Rows read, rows written (0 when any failed or on a dry run), the failed rows.</summary>
    public sealed class ImportResult { public long Rows, Imported; public List<Row> Errors; }

    /// <summary>A manager report this library computes.</summary>
    public sealed class ReportInfo { public string Name, Title, Description; }

    /// <summary>Which members Database.SearchMembers returns; null = any.</summary>
    public sealed class MemberQuery
    {
        public string NamePrefix, PhonePrefix, Tag;
        public bool IncludeInactive;
        public int Limit;     // 1..1000; 0 = 100
        public long AfterId;  // keyset paging: the last id of the previous page
    }

    public sealed class Quote
    {
        public long MemberId; public long ProgramVersion;
        public long Total; public long PointsEarned; public long Balance; public long Available;
        public long RedeemablePoints; public long RedeemableValue; public int RedeemStatus;
        public long RedeemPoints; public long RedeemValue; public long AmountDue; public string Tier;
        public string TierAfter; public string Progress; public List<RuleLine> Rules = new List<RuleLine>();
        public long BenefitDiscount; public bool FreeDelivery; public long CouponDiscount; public long Cashback;
        public List<CouponResult> Coupons; public long WalletBalance; public long WalletAvailable;
        public int WalletStatus; public long WalletAmount;
        /// <summary>Paid with the basket's gift cards (already off AmountDue).</summary>
        public long GiftCardAmount;
        /// <summary>Points per basket line, in line order.</summary>
        public List<long> LinePoints = new List<long>();

        internal static Quote From(LoyQuoteHandle h, int lines)
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
                    MemberId = Api.loy_quote_member_id(h), ProgramVersion = Api.loy_quote_program_version(h),
                    RedeemPoints = Api.loy_quote_redeem_points(h),
                    BenefitDiscount = Api.loy_quote_benefit_discount(h),
                    FreeDelivery = Api.loy_quote_free_delivery(h) == 1,
                    CouponDiscount = Api.loy_quote_coupon_discount(h), Cashback = Api.loy_quote_cashback(h),
                    WalletBalance = Api.loy_quote_wallet_balance(h),
                    WalletAvailable = Api.loy_quote_wallet_available(h),
                    WalletStatus = Api.loy_quote_wallet_status(h), WalletAmount = Api.loy_quote_wallet_amount(h),
                    GiftCardAmount = Api.loy_quote_gift_card_amount(h),
                };
                q.Rules = RuleLine.Read(Api.loy_quote_rule_count(h), k => Api.loy_quote_rule_id(h, k),
                                        k => Api.loy_quote_rule_points(h, k),
                                        k => Api.loy_quote_rule_explanation(h, k));
                q.Coupons = Check.Each(Api.loy_quote_coupon_count(h), k => new CouponResult {
                    Code = Utf8.From(Api.loy_quote_coupon_code(h, k)),
                    Campaign = Utf8.From(Api.loy_quote_coupon_campaign(h, k)),
                    Status = Api.loy_quote_coupon_status(h, k),
                    Message = Utf8.From(Api.loy_quote_coupon_message(h, k)),
                    Amount = Api.loy_quote_coupon_amount(h, k), Points = Api.loy_quote_coupon_points(h, k),
                });
                for (int line = 1; line <= lines; line++) q.LinePoints.Add(Api.loy_quote_line_points(h, line));
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
        public long MemberId; public long ProgramVersion; public long CreatedAt; public long WalletAmount;
        /// <summary>Sale: paid with gift cards. Refund: credited back to them.</summary>
        public long GiftCardAmount;
        public long Cashback; public long BenefitDiscount; public long CouponDiscount;
        /// <summary>LOY_REDEEM_NONE, _HOLD (a chain's till, under a hold) or _ALLOWANCE (offline).</summary>
        public int RedeemMode;
        /// <summary>Codes issued by this sale (e.g. a "next visit" coupon), to print.</summary>
        public List<string> IssuedCodes;
        /// <summary>Coupons applied: code and money off.</summary>
        public List<KeyValuePair<string, long>> Coupons;

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
                    MemberId = Api.loy_receipt_member_id(h), ProgramVersion = Api.loy_receipt_program_version(h),
                    CreatedAt = Api.loy_receipt_created_at(h), WalletAmount = Api.loy_receipt_wallet_amount(h),
                    Cashback = Api.loy_receipt_cashback(h), BenefitDiscount = Api.loy_receipt_benefit_discount(h),
                    CouponDiscount = Api.loy_receipt_coupon_discount(h), RedeemMode = Api.loy_receipt_redeem_mode(h),
                    GiftCardAmount = Api.loy_receipt_gift_card_amount(h),
                };
                r.IssuedCodes = Check.Each(Api.loy_receipt_issued_count(h),
                                           k => Utf8.From(Api.loy_receipt_issued_code(h, k)));
                r.Coupons = Check.Each(Api.loy_receipt_coupon_count(h), k => new KeyValuePair<string, long>(
                    Utf8.From(Api.loy_receipt_coupon_code(h, k)), Api.loy_receipt_coupon_amount(h, k)));
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

        /// <summary>The basket lines added so far (a plan is a line too).</summary>
        public int Lines { get; private set; }

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
            Lines = Math.Max(Lines, line);
            return line;
        }

        /// <summary>A wallet top-up sold as a line: the member's wallet gets `amount` when the sale
        /// commits (docs/wallet.md); returns its line number.</summary>
        public int AddWalletTopup(long amount)
        {
            LoyError e = Check.NewError();
            int line;
            Check.Ok(Api.loy_basket_add_wallet_topup(Handle, amount, out line, ref e), ref e);
            Lines = Math.Max(Lines, line);
            return line;
        }

        /// <summary>A paid plan sold as a line (docs/tiers.md); returns its line number.</summary>
        public int AddPlan(string planId, int periods = 1)
        {
            LoyError e = Check.NewError();
            int line;
            Check.Ok(Api.loy_basket_add_plan(Handle, Utf8.Z(planId), periods, out line, ref e), ref e);
            Lines = Math.Max(Lines, line);
            return line;
        }

        public Basket SetCurrency(string currency)
        {
            LoyError e = Check.NewError();
            Check.Ok(Api.loy_basket_set_currency(Handle, Utf8.Z(currency), ref e), ref e);
            return this;
        }

        /// <summary>Tax, service charge and tip: paid, but never earning points.</summary>
        public Basket SetCharges(long tax, long service = 0, long tip = 0)
        {
            LoyError e = Check.NewError();
            Check.Ok(Api.loy_basket_set_charges(Handle, tax, service, tip, ref e), ref e);
            return this;
        }

        /// <summary>Pays part of the sale from the member's wallet.</summary>
        public Basket PayWallet(long amount)
        {
            LoyError e = Check.NewError();
            Check.Ok(Api.loy_basket_pay_wallet(Handle, amount, ref e), ref e);
            return this;
        }

        /// <summary>Pays part of the sale with a gift card, redeemed with the sale.</summary>
        public Basket PayGiftCard(string code, long amount)
        {
            LoyError e = Check.NewError();
            Check.Ok(Api.loy_basket_pay_giftcard(Handle, Utf8.Z(code), amount, ref e), ref e);
            return this;
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

        /// <summary>In chain mode: the authority's hold covering the wallet money this sale
        /// pays.</summary>
        public Basket SetWalletHold(string holdId, long amount)
        {
            LoyError e = Check.NewError();
            Check.Ok(Api.loy_basket_set_wallet_hold(Handle, Utf8.Z(holdId), amount, ref e), ref e);
            return this;
        }

        /// <summary>In chain mode: the authority's hold covering the basket's gift cards.</summary>
        public Basket SetGiftcardHold(string holdId)
        {
            LoyError e = Check.NewError();
            Check.Ok(Api.loy_basket_set_giftcard_hold(Handle, Utf8.Z(holdId), ref e), ref e);
            return this;
        }

        /// <summary>In chain mode: the authority's hold covering the coupon uses a limit counts
        /// over the whole chain (docs/chain.md, "Coupons in a chain").</summary>
        public Basket SetCouponHold(string holdId)
        {
            LoyError e = Check.NewError();
            Check.Ok(Api.loy_basket_set_coupon_hold(Handle, Utf8.Z(holdId), ref e), ref e);
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

    /// <summary>How Database.Open opens a file (loy_open_options).</summary>
    public sealed class OpenOptions
    {
        public string DefaultCurrency;   // default "IRR"
        public string DefaultCountry;    // ISO 3166 alpha-2, default "IR"
        public string Origin;            // the name in every chain-wide id this file writes
        public int Durability = Constants.LOY_DURABILITY_FULL;
        public int BusyTimeoutMs;        // 0 = the library's default
        public bool ReadOnly;
        public int? CurrencyExponent;    // for a default currency the file does not know (INR: 2)
        public bool ChainMode;           // a till of a chain: points spent under the authority's hold
        public long OfflineTillPoints;   // chain mode: points spendable without a hold in 24 hours
        public long OfflineMemberPoints; // of those, per member
        // Who copies the write-ahead log into the file: LOY_CHECKPOINT_BACKGROUND, _INLINE or _MANUAL.
        public int Checkpoint = Constants.LOY_CHECKPOINT_BACKGROUND;
    }

    /// <summary>What Database.Checkpoint found (loy_checkpoint).</summary>
    public struct CheckpointInfo
    {
        public int WalFrames;    // frames (pages) in the write-ahead log
        public int CopiedFrames; // of those, in the database file now
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
            return Open(path, new OpenOptions { DefaultCurrency = defaultCurrency, Durability = durability,
                                                ChainMode = chainMode });
        }

        /// <summary>Opens (or creates) a database with every option of loy_open_options.</summary>
        public static Database Open(string path, OpenOptions options)
        {
            Library.EnsureChecked();
            LoyOpenOptions o = new LoyOpenOptions();
            Api.loy_open_options_init(ref o);
            using (Utf8.Pins pins = new Utf8.Pins())
            {
                o.path = pins.Add(path);
                if (options.DefaultCurrency != null) o.default_currency = pins.Add(options.DefaultCurrency);
                if (options.DefaultCountry != null) o.default_country = pins.Add(options.DefaultCountry);
                if (options.Origin != null) o.origin = pins.Add(options.Origin);
                o.durability = options.Durability;
                if (options.BusyTimeoutMs > 0) o.busy_timeout_ms = options.BusyTimeoutMs;
                o.read_only = options.ReadOnly ? 1 : 0;
                if (options.CurrencyExponent.HasValue) o.default_currency_exponent = options.CurrencyExponent.Value;
                o.chain_mode = options.ChainMode ? 1 : 0;
                o.offline_till_points = options.OfflineTillPoints;
                o.offline_member_points = options.OfflineMemberPoints;
                o.checkpoint = options.Checkpoint;
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

        /// <summary>Copies what it can of the write-ahead log into the file now (with
        /// LOY_CHECKPOINT_MANUAL, when the till is idle).</summary>
        public CheckpointInfo Checkpoint()
        {
            LoyError e = Check.NewError();
            CheckpointInfo info;
            Check.Ok(Api.loy_checkpoint(handle, out info.WalFrames, out info.CopiedFrames, ref e), ref e);
            return info;
        }

        public long LoadProgrammeFile(string path)
        {
            LoyError e = Check.NewError();
            long version;
            Check.Ok(Api.loy_program_load_file(handle, Utf8.Z(path), out version, ref e), ref e);
            return version;
        }

        public long LoadProgramme(string json)
        {
            LoyError e = Check.NewError();
            long version;
            Check.Ok(Api.loy_program_load_json(handle, Utf8.Z(json), out version, ref e), ref e);
            return version;
        }

        /// <summary>On the head office's file: a programme for the whole chain, in effect in every
        /// file from startsAtMs (0 = now). Its version here.</summary>
        public long PublishProgramme(string json, long startsAtMs)
        {
            LoyError e = Check.NewError();
            long version;
            Check.Ok(Api.loy_program_publish(handle, Utf8.Z(json), startsAtMs, out version, ref e), ref e);
            return version;
        }

        /// <summary>The programme released to start next: its version and start (0, 0 when
        /// none).</summary>
        public long NextProgramme(out long startsAt)
        {
            LoyError e = Check.NewError();
            long version;
            Check.Ok(Api.loy_program_next(handle, out version, out startsAt, ref e), ref e);
            return version;
        }

        /// <summary>A programme version's canonical JSON (0 = the active one).</summary>
        public string ExportProgramme(long version = 0)
        {
            return Check.Text((byte[] b, UIntPtr c, out UIntPtr n, ref LoyError e) =>
                                  Api.loy_program_export_json(handle, version, b, c, out n, ref e));
        }

        /// <summary>The active programme's version (0 = none loaded).</summary>
        public long ProgrammeVersion() { return Api.loy_program_active_version(handle); }

        /// <summary>The handle's clock (ms since 1970, UTC).</summary>
        public long Now() { return Api.loy_now(handle); }

        /// <summary>Declares a currency and its decimal places (IRR 0, USD 2, KWD 3).</summary>
        public void SetCurrency(string code, int exponent)
        {
            LoyError e = Check.NewError();
            Check.Ok(Api.loy_currency_set(handle, Utf8.Z(code), exponent, ref e), ref e);
        }

        public int CurrencyExponent(string code)
        {
            LoyError e = Check.NewError();
            int exponent;
            Check.Ok(Api.loy_currency_exponent(handle, Utf8.Z(code), out exponent, ref e), ref e);
            return exponent;
        }

        /// <summary>A phone number in its stored form (+98912...), as the till would look it up.</summary>
        public string NormalizePhone(string phone)
        {
            return Check.Text((byte[] b, UIntPtr c, out UIntPtr n, ref LoyError e) =>
                                  Api.loy_phone_normalize(handle, Utf8.Z(phone), b, c, out n, ref e));
        }

        public Member Enrol(string phone, string name, string idempotencyKey = null, bool consentSms = false)
        {
            return Enrol(new MemberFields { Phone = phone, Name = name, ConsentSms = consentSms ? true : (bool?)null },
                         idempotencyKey);
        }

        public Member Enrol(MemberFields fields, string idempotencyKey = null)
        {
            using (Utf8.Pins pins = new Utf8.Pins())
            {
                LoyMemberFields f = fields.Pin(pins);
                LoyError e = Check.NewError();
                LoyMemberHandle h;
                Check.Ok(Api.loy_member_enrol(handle, ref f, Utf8.Z(idempotencyKey), out h, ref e), ref e);
                return Member.From(h);
            }
        }

        /// <summary>Changes the fields given (null ones stay as they are).</summary>
        public Member UpdateMember(long memberId, MemberFields fields, string idempotencyKey = null)
        {
            using (Utf8.Pins pins = new Utf8.Pins())
            {
                LoyMemberFields f = fields.Pin(pins);
                LoyError e = Check.NewError();
                LoyMemberHandle h;
                Check.Ok(Api.loy_member_update_with_key(handle, memberId, ref f, Utf8.Z(idempotencyKey), out h,
                                                        ref e), ref e);
                return Member.From(h);
            }
        }

        public Member FindByPhone(string phone)
        {
            return Check.Member((out LoyMemberHandle h, ref LoyError e) =>
                                    Api.loy_member_find_by_phone(handle, Utf8.Z(phone),out h, ref e));
        }

        /// <summary>One page of members by id (keyset paging: the last id as AfterId).</summary>
        public List<Member> SearchMembers(MemberQuery query)
        {
            LoyMemberQuery q = new LoyMemberQuery();
            Api.loy_member_query_init(ref q);
            using (Utf8.Pins pins = new Utf8.Pins())
            {
                q.name_prefix = pins.Add(query.NamePrefix);
                q.phone_prefix = pins.Add(query.PhonePrefix);
                q.tag = pins.Add(query.Tag);
                q.include_inactive = query.IncludeInactive ? 1 : 0;
                q.limit = query.Limit;
                q.after_id = query.AfterId;
                LoyError e = Check.NewError();
                LoyMemberListHandle list;
                Check.Ok(Api.loy_member_search(handle, ref q, out list, ref e), ref e);
                using (list)
                    return Check.Each(Api.loy_member_list_count(list),
                                      k => Member.From(new LoyMemberHandle(Api.loy_member_list_at(list, k), false)));
            }
        }

        /// <summary>Imports members from CSV (docs/reports.md): all rows or none.</summary>
        public ImportResult ImportMembersCsv(string csv, bool dryRun = false)
        {
            LoyError e = Check.NewError();
            ImportResult result = new ImportResult();
            LoyTableHandle errors;
            Check.Ok(Api.loy_members_import_csv(handle, Utf8.Z(csv), dryRun ? 1 : 0, out result.Rows,
                                                out result.Imported, out errors, ref e), ref e);
            result.Errors = Row.Read(errors);
            return result;
        }

        /// <summary>A member's recent sales, newest first (docs/reports.md).</summary>
        public List<Row> MemberSales(long memberId, int limit = 20)
        {
            return Check.Table((out LoyTableHandle t, ref LoyError e) =>
                                   Api.loy_member_sales(handle, memberId, limit,out t, ref e));
        }

        public List<Row> MemberCoupons(long memberId)
        {
            return Check.Table((out LoyTableHandle t, ref LoyError e) =>
                                   Api.loy_member_coupons(handle, memberId,out t, ref e));
        }

        public List<Row> MemberMessages(long memberId, int limit = 20)
        {
            return Check.Table((out LoyTableHandle t, ref LoyError e) =>
                                   Api.loy_member_messages(handle, memberId, limit,out t, ref e));
        }

        public List<Row> MemberSegments(long memberId, long atMs = 0)
        {
            return Check.Table((out LoyTableHandle t, ref LoyError e) =>
                                   Api.loy_member_segments(handle, memberId, atMs,out t, ref e));
        }

        public Member GetMember(long id)
        {
            return Check.Member((out LoyMemberHandle h, ref LoyError e) =>
                                    Api.loy_member_get(handle, id,out h, ref e));
        }

        public Member Identify(string phoneOrCard)
        {
            return Check.Member((out LoyMemberHandle h, ref LoyError e) =>
                                    Api.loy_member_identify(handle, Utf8.Z(phoneOrCard),out h, ref e));
        }

        public Member FindByCard(string card)
        {
            return Check.Member((out LoyMemberHandle h, ref LoyError e) =>
                                    Api.loy_member_find_by_card(handle, Utf8.Z(card),out h, ref e));
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
            return Check.Member((out LoyMemberHandle h, ref LoyError e) =>
                                    Api.loy_member_merge_with_key(handle, survivorId, absorbedId, Utf8.Z(idempotencyKey),out h, ref e));
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
            return Check.Member((out LoyMemberHandle h, ref LoyError e) =>
                                    Api.loy_member_find_by_uid(handle, Utf8.Z(uid),out h, ref e));
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
            return ApplyJournal(records, null, out duplicates);
        }

        /// <summary>As ApplyJournal, with the profiles of the members the records bring (by member
        /// uid; the fields as for ApplyProfile), written after the records in the same transaction:
        /// a member lands with their phone or not at all. A profile the file cannot take (no such
        /// member, erased, or its phone another member's here) is passed over.</summary>
        public long ApplyJournal(IEnumerable<JournalRecord> records, IDictionary<string, MemberFields> profiles,
                                 out long duplicates)
        {
            LoyError e = Check.NewError();
            LoyJournalHandle h;
            Check.Ok(Api.loy_journal_new(out h, ref e), ref e);
            using (h)
            using (Utf8.Pins pins = new Utf8.Pins())
            {
                foreach (JournalRecord r in records)
                    Check.Ok(Api.loy_journal_add(h, Utf8.Z(r.Origin), r.Seq, Utf8.Z(r.Kind), Utf8.Z(r.Key),
                                                 Utf8.Z(r.Body), Utf8.Z(r.Prev), Utf8.Z(r.Hash), r.CreatedAt,
                                                 ref e), ref e);
                if (profiles != null)
                    foreach (KeyValuePair<string, MemberFields> p in profiles)
                    {
                        LoyMemberFields f = p.Value.Pin(pins);
                        Check.Ok(Api.loy_journal_add_profile(h, Utf8.Z(p.Key), ref f, ref e), ref e);
                    }
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
                        Branch = Utf8.From(Api.loy_history_branch(h, k)),
                        Terminal = Utf8.From(Api.loy_history_terminal(h, k)),
                        CreatedAt = Api.loy_history_created_at(h, k),
                        ExpiresAt = Api.loy_history_expires_at(h, k),
                        Corrects = Utf8.From(Api.loy_history_corrects(h, k)),
                        Operator = Utf8.From(Api.loy_history_operator(h, k)),
                        Approver = Utf8.From(Api.loy_history_approver(h, k)),
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
                    Since = Api.loy_tier_status_since(s), Score = Api.loy_tier_status_score(s),
                    NextTier = Utf8.From(Api.loy_tier_status_next_tier(s)),
                    NextTierName = Utf8.From(Api.loy_tier_status_next_tier_name(s)),
                    NextThreshold = Api.loy_tier_status_next_threshold(s),
                    Missing = Api.loy_tier_status_missing(s),
                    Progress = Utf8.From(Api.loy_tier_status_progress(s)),
                    AtRiskSince = Api.loy_tier_status_at_risk_since(s),
                    FloorTier = Utf8.From(Api.loy_tier_status_floor_tier(s)),
                    Multiplier = Utf8.From(Api.loy_tier_status_multiplier(s)),
                    Discount = Utf8.From(Api.loy_tier_status_discount(s)),
                    FreeDelivery = Api.loy_tier_status_free_delivery(s) == 1,
                    Benefits = Check.Each(Api.loy_tier_status_benefit_count(s),
                                          k => Utf8.From(Api.loy_tier_status_benefit(s, k))),
                    Plan = Utf8.From(Api.loy_tier_status_plan(s)),
                    PlanEndsAt = Api.loy_tier_status_plan_ends_at(s),
                    AssignedTier = Utf8.From(Api.loy_tier_status_assigned_tier(s)),
                    AssignedUntil = Api.loy_tier_status_assigned_until(s),
                    Events = Check.Each(Api.loy_tier_status_event_count(s), k => new TierEvent {
                        Uid = Utf8.From(Api.loy_tier_status_event_uid(s, k)),
                        From = Utf8.From(Api.loy_tier_status_event_from(s, k)),
                        To = Utf8.From(Api.loy_tier_status_event_to(s, k)),
                        Reason = Utf8.From(Api.loy_tier_status_event_reason(s, k)),
                        Score = Api.loy_tier_status_event_score(s, k),
                        SaleId = Api.loy_tier_status_event_sale_id(s, k), At = Api.loy_tier_status_event_at(s, k),
                    }),
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
            return Check.Text((byte[] b, UIntPtr c, out UIntPtr n, ref LoyError e) =>
                                  Api.loy_coupon_issue(handle, Utf8.Z(campaignId), memberId,
                                                       Utf8.Z(idempotencyKey), b, c, out n, ref e));
        }

        public Coupon GetCoupon(string code)
        {
            LoyError e = Check.NewError();
            LoyCouponHandle c;
            Check.Ok(Api.loy_coupon_get(handle, Utf8.Z(code), out c, ref e), ref e);
            return Coupon.From(c);
        }

        public Coupon CouponByUid(string uid)
        {
            LoyError e = Check.NewError();
            LoyCouponHandle c;
            Check.Ok(Api.loy_coupon_find_by_uid(handle, Utf8.Z(uid), out c, ref e), ref e);
            return Coupon.From(c);
        }

        /// <summary>Withdraws a code: it can no longer be used.</summary>
        public void RevokeCoupon(string code, string idempotencyKey)
        {
            LoyError e = Check.NewError();
            Check.Ok(Api.loy_coupon_revoke(handle, Utf8.Z(code), Utf8.Z(idempotencyKey), ref e), ref e);
        }

        /// <summary>Codes of a campaign to print or hand out; returns the batch's id.</summary>
        public long CreateCouponBatch(string campaignId, long count, string idempotencyKey)
        {
            LoyError e = Check.NewError();
            long batch;
            Check.Ok(Api.loy_coupon_batch_create(handle, Utf8.Z(campaignId), count, Utf8.Z(idempotencyKey),
                                                 out batch, ref e), ref e);
            return batch;
        }

        /// <summary>A batch's codes (its CSV without the header line).</summary>
        public List<string> ExportCouponBatch(long batchId)
        {
            string csv = Check.Text((byte[] b, UIntPtr c, out UIntPtr n, ref LoyError e) =>
                                        Api.loy_coupon_batch_export(handle, batchId, b, c, out n, ref e));
            List<string> codes = new List<string>(csv.Split('\n'));
            codes.RemoveAt(0);
            codes.RemoveAll(line => line.Length == 0);
            return codes;
        }

        /// <summary>Credits money to the member's wallet; returns the new balance.</summary>
        public long CreditWallet(long memberId, long amount, string reason, string operatorId, string idempotencyKey)
        {
            LoyError e = Check.NewError();
            long balance;
            Check.Ok(Api.loy_wallet_credit(handle, memberId, amount, Utf8.Z(reason), Utf8.Z(operatorId),
                                           Utf8.Z(idempotencyKey), out balance, ref e), ref e);
            return balance;
        }

        // ---- gift cards (docs/wallet.md)

        /// <summary>Sells a gift card with its first amount; returns its code (the same key, the
        /// same card).</summary>
        public string SellGiftCard(long amount, string idempotencyKey, string reference = null,
                                   string operatorId = null)
        {
            return Check.Text((byte[] b, UIntPtr c, out UIntPtr n, ref LoyError e) =>
                                  Api.loy_giftcard_sell(handle, amount, Utf8.Z(reference), Utf8.Z(operatorId),
                                                        Utf8.Z(idempotencyKey), b, c, out n, ref e));
        }

        private delegate int GiftCardCall(LoyDbHandle db, byte[] code, long amount, byte[] reference,
                                          byte[] operatorId, byte[] key, out long balance, ref LoyError e);

        private long GiftCard(GiftCardCall call, string code, long amount, string key, string reference,
                              string operatorId)
        {
            LoyError e = Check.NewError();
            long balance;
            Check.Ok(call(handle, Utf8.Z(code), amount, Utf8.Z(reference), Utf8.Z(operatorId), Utf8.Z(key),
                          out balance, ref e), ref e);
            return balance;
        }

        public long LoadGiftCard(string code, long amount, string idempotencyKey, string reference = null,
                                 string operatorId = null)
        {
            return GiftCard(Api.loy_giftcard_load, code, amount, idempotencyKey, reference, operatorId);
        }

        /// <summary>Pays `amount` with the card (a DeclinedException beyond its balance).</summary>
        public long RedeemGiftCard(string code, long amount, string idempotencyKey, string reference = null,
                                   string operatorId = null)
        {
            return GiftCard(Api.loy_giftcard_redeem, code, amount, idempotencyKey, reference, operatorId);
        }

        public long RefundGiftCard(string code, long amount, string idempotencyKey, string reference = null,
                                   string operatorId = null)
        {
            return GiftCard(Api.loy_giftcard_refund, code, amount, idempotencyKey, reference, operatorId);
        }

        public long GiftCardBalance(string code)
        {
            LoyError e = Check.NewError();
            long balance;
            Check.Ok(Api.loy_giftcard_balance(handle, Utf8.Z(code), out balance, ref e), ref e);
            return balance;
        }

        // ---- rewards, partners, prize draws (docs/coupons.md)

        /// <summary>holdId: at a till of a chain, the authority's hold for the reward.</summary>
        public Redemption RedeemReward(long memberId, string rewardId, long quantity, string idempotencyKey,
                                       string holdId = null)
        {
            LoyError e = Check.NewError();
            LoyRedemptionHandle r;
            if (holdId != null)
                Check.Ok(Api.loy_reward_redeem_held(handle, memberId, Utf8.Z(rewardId), quantity, Utf8.Z(holdId),
                                                    Utf8.Z(idempotencyKey), out r, ref e), ref e);
            else
                Check.Ok(Api.loy_reward_redeem(handle, memberId, Utf8.Z(rewardId), quantity, Utf8.Z(idempotencyKey),
                                               out r, ref e), ref e);
            using (r)
                return new Redemption {
                    Id = Api.loy_redemption_id(r), Uid = Utf8.From(Api.loy_redemption_uid(r)),
                    Replayed = Api.loy_redemption_replayed(r) == 1,
                    Reward = Utf8.From(Api.loy_redemption_reward(r)), Quantity = Api.loy_redemption_quantity(r),
                    Points = Api.loy_redemption_points(r),
                    CouponCode = Utf8.From(Api.loy_redemption_coupon_code(r)),
                    WalletCredit = Api.loy_redemption_wallet_credit(r),
                    Cause = Utf8.From(Api.loy_redemption_cause(r)),
                };
        }

        /// <summary>Undoes a redemption: points and stock back, once.</summary>
        public void RefundReward(long redemptionId, string idempotencyKey)
        {
            LoyError e = Check.NewError();
            Check.Ok(Api.loy_reward_refund(handle, redemptionId, Utf8.Z(idempotencyKey), ref e), ref e);
        }

        public List<Row> RewardReport(long fromMs = 0, long toMs = 0)
        {
            return Check.Table((out LoyTableHandle t, ref LoyError e) =>
                                   Api.loy_reward_report(handle, fromMs, toMs,out t, ref e));
        }

        /// <summary>One of our coupons was used at a partner business.</summary>
        public void RecordPartnerRedemption(string partnerId, string code, long amount, string idempotencyKey)
        {
            LoyError e = Check.NewError();
            Check.Ok(Api.loy_partner_record_redemption(handle, Utf8.Z(partnerId), Utf8.Z(code), amount,
                                                       Utf8.Z(idempotencyKey), ref e), ref e);
        }

        public List<Row> PartnerSettlement(string partnerId = null, long fromMs = 0, long toMs = 0)
        {
            return Check.Table((out LoyTableHandle t, ref LoyError e) =>
                                   Api.loy_partner_settlement(handle, Utf8.Z(partnerId), fromMs, toMs,out t, ref e));
        }

        /// <summary>Buys entries with points; returns the points spent.</summary>
        public long EnterDraw(string drawId, long memberId, long entries, string idempotencyKey)
        {
            LoyError e = Check.NewError();
            long points;
            Check.Ok(Api.loy_draw_enter(handle, Utf8.Z(drawId), memberId, entries, Utf8.Z(idempotencyKey),
                                        out points, ref e), ref e);
            return points;
        }

        public List<Row> DrawEntries(string drawId)
        {
            return Check.Table((out LoyTableHandle t, ref LoyError e) =>
                                   Api.loy_draw_entries(handle, Utf8.Z(drawId),out t, ref e));
        }

        /// <summary>Runs a draw after its period, from a published seed; returns the winners.</summary>
        public List<Row> RunDraw(string drawId, string seed, long winners, string idempotencyKey)
        {
            return Check.Table((out LoyTableHandle t, ref LoyError e) =>
                                   Api.loy_draw_run(handle, Utf8.Z(drawId), Utf8.Z(seed), winners, Utf8.Z(idempotencyKey),out t, ref e));
        }

        // ---- tiers and plans

        /// <summary>The tier review at period end (docs/tiers.md); idempotent.</summary>
        public TierReview ReviewTiers(long nowMs = 0)
        {
            LoyError e = Check.NewError();
            TierReview r = new TierReview();
            Check.Ok(Api.loy_tiers_review(handle, nowMs, out r.Reviewed, out r.Upgraded, out r.Downgraded,
                                          out r.AtRisk, ref e), ref e);
            return r;
        }

        /// <summary>Staff assign a level as a floor until `untilMs` (0 = until withdrawn); a null or
        /// empty tier withdraws it (docs/tiers.md).</summary>
        public void AssignTier(long memberId, string tier, string reason, string idempotencyKey,
                               long untilMs = 0, string operatorId = null)
        {
            LoyError e = Check.NewError();
            Check.Ok(Api.loy_tier_assign(handle, memberId, Utf8.Z(tier), untilMs, Utf8.Z(reason), Utf8.Z(operatorId),
                                         Utf8.Z(idempotencyKey), ref e), ref e);
        }

        /// <summary>A household pooling its members' points in its head's account; returns its id.</summary>
        public long CreateHousehold(long headMemberId, string idempotencyKey)
        {
            LoyError e = Check.NewError();
            long id;
            Check.Ok(Api.loy_household_create(handle, headMemberId, Utf8.Z(idempotencyKey), out id, ref e), ref e);
            return id;
        }

        public void JoinHousehold(long householdId, long memberId, string idempotencyKey)
        {
            LoyError e = Check.NewError();
            Check.Ok(Api.loy_household_join(handle, householdId, memberId, Utf8.Z(idempotencyKey), ref e), ref e);
        }

        public void LeaveHousehold(long memberId, string idempotencyKey)
        {
            LoyError e = Check.NewError();
            Check.Ok(Api.loy_household_leave(handle, memberId, Utf8.Z(idempotencyKey), ref e), ref e);
        }

        /// <summary>The member's household: {id, head member id, members}; id 0 when none.</summary>
        public long[] Household(long memberId)
        {
            LoyError e = Check.NewError();
            long id, head, members;
            Check.Ok(Api.loy_member_household(handle, memberId, out id, out head, out members, ref e), ref e);
            return new long[] {id, head, members};
        }

        /// <summary>The member's stamps on one of the programme's stamp cards.</summary>
        public long Stamps(long memberId, string card)
        {
            LoyError e = Check.NewError();
            long stamps;
            Check.Ok(Api.loy_member_stamps(handle, memberId, Utf8.Z(card), out stamps, ref e), ref e);
            return stamps;
        }

        /// <summary>Ends a paid plan at the end of its paid period (no renewal).</summary>
        public void CancelPlan(long memberId, string idempotencyKey)
        {
            LoyError e = Check.NewError();
            Check.Ok(Api.loy_plan_cancel(handle, memberId, Utf8.Z(idempotencyKey), ref e), ref e);
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
            return Loyalty.Quote.From(h, basket.Lines);
        }

        /// <summary>The basket's gift card payments as the JSON the chain's authority holds them
        /// by.</summary>
        public string GiftcardClaims(Basket basket)
        {
            return Check.Text((byte[] b, UIntPtr c, out UIntPtr n, ref LoyError e) =>
                                  Api.loy_basket_giftcard_claims(handle, basket.Handle, b, c, out n, ref e));
        }

        /// <summary>What the basket's coupons use that a limit counts over the whole chain, as
        /// the JSON the chain's authority holds it by.</summary>
        public string CouponClaims(Basket basket)
        {
            return Check.Text((byte[] b, UIntPtr c, out UIntPtr n, ref LoyError e) =>
                                  Api.loy_basket_coupon_claims(handle, basket.Handle, b, c, out n, ref e));
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

        public string FormatMoney(long minorUnits, string currency, bool grouping = true)
        {
            return Check.Text((byte[] b, UIntPtr c, out UIntPtr n, ref LoyError e) =>
                                  Api.loy_money_format(handle, minorUnits, Utf8.Z(currency), grouping ? 1 : 0,
                                                       b, c, out n, ref e));
        }

        /// <summary>Everything held about a member, as JSON (an access request).</summary>
        public string ExportMember(long memberId)
        {
            return Check.Text((byte[] b, UIntPtr c, out UIntPtr n, ref LoyError e) =>
                                  Api.loy_member_export(handle, memberId, b, c, out n, ref e));
        }

        /// <summary>Checks the ledger; returns the problems found (0 = consistent).</summary>
        public long Verify()
        {
            string text;
            return Verify(out text);
        }

        /// <summary>Checks the ledger; `report` lists each problem found.</summary>
        public long Verify(out string report)
        {
            long problems = 0;
            report = Check.Text((byte[] b, UIntPtr c, out UIntPtr n, ref LoyError e) =>
                                    Api.loy_verify(handle, out problems, b, c, out n, ref e));
            return problems;
        }

        /// <summary>Recomputes every projection from the facts; returns the rows corrected.</summary>
        public long Rebuild()
        {
            LoyError e = Check.NewError();
            long corrected;
            Check.Ok(Api.loy_rebuild(handle, out corrected, ref e), ref e);
            return corrected;
        }

        /// <summary>Voids a whole sale (a mistake at the till): everything it did is undone.</summary>
        public Receipt Void(long saleId, string idempotencyKey)
        {
            LoyError e = Check.NewError();
            LoyReceiptHandle h;
            Check.Ok(Api.loy_void_sale(handle, saleId, Utf8.Z(idempotencyKey), out h, ref e), ref e);
            return Receipt.From(h);
        }

        /// <summary>The sale a commit with this key made (after a timeout: did it land?).</summary>
        public long SaleByKey(string idempotencyKey)
        {
            LoyError e = Check.NewError();
            long id;
            Check.Ok(Api.loy_sale_find_by_key(handle, Utf8.Z(idempotencyKey), out id, ref e), ref e);
            return id;
        }

        /// <summary>The latest sale with this receipt number (at this branch, when given).</summary>
        public long SaleByReceipt(string receipt, string branch = null)
        {
            LoyError e = Check.NewError();
            long id;
            Check.Ok(Api.loy_sale_find_by_receipt(handle, Utf8.Z(receipt), Utf8.Z(branch), out id, ref e), ref e);
            return id;
        }

        /// <summary>Claims a past receipt: attaches a member to a sale made without one, within the
        /// programme's `claims` window, exactly once. The receipt shows the member and the points.</summary>
        public Receipt ClaimSale(long saleId, long memberId, string idempotencyKey, string cashier = null)
        {
            LoyError e = Check.NewError();
            LoyReceiptHandle h;
            Check.Ok(Api.loy_sale_claim(handle, saleId, memberId, Utf8.Z(cashier), Utf8.Z(idempotencyKey), out h, ref e), ref e);
            return Receipt.From(h);
        }

        /// <summary>A manual adjustment with a reason and operator; returns the new balance.
        /// `approver`: the second operator the programme's adjustments.approval_above asks for
        /// (else a DeclinedException, LOY_ERR_NEEDS_APPROVAL).</summary>
        public long AdjustPoints(long memberId, long points, string reason, string operatorId, string idempotencyKey,
                                 string approver = null)
        {
            LoyError e = Check.NewError();
            long balance;
            Check.Ok(Api.loy_points_adjust_approved(handle, memberId, points, Utf8.Z(reason), Utf8.Z(operatorId),
                                                    Utf8.Z(approver), Utf8.Z(idempotencyKey), out balance,
                                                    ref e), ref e);
            return balance;
        }

        /// <summary>Reserves points for ttlMs (a tab, a web order); returns the hold's id.</summary>
        public long HoldPoints(long memberId, long points, long ttlMs, string idempotencyKey, string reference = null)
        {
            LoyError e = Check.NewError();
            long hold;
            Check.Ok(Api.loy_points_hold(handle, memberId, points, ttlMs, Utf8.Z(reference), Utf8.Z(idempotencyKey),
                                         out hold, ref e), ref e);
            return hold;
        }

        /// <summary>Spends 0..the held points (the rest is released); returns the balance after.</summary>
        public long CaptureHold(long holdId, long points, string idempotencyKey)
        {
            LoyError e = Check.NewError();
            long balance;
            Check.Ok(Api.loy_points_hold_capture(handle, holdId, points, Utf8.Z(idempotencyKey), out balance,
                                                 ref e), ref e);
            return balance;
        }

        public void ReleaseHold(long holdId, string idempotencyKey)
        {
            LoyError e = Check.NewError();
            Check.Ok(Api.loy_points_hold_release(handle, holdId, Utf8.Z(idempotencyKey), ref e), ref e);
        }

        /// <summary>Reserves wallet money (minor units) for ttlMs; returns the hold's id.</summary>
        public long HoldWallet(long memberId, long amount, long ttlMs, string idempotencyKey, string reference = null)
        {
            LoyError e = Check.NewError();
            long hold;
            Check.Ok(Api.loy_wallet_hold(handle, memberId, amount, ttlMs, Utf8.Z(reference), Utf8.Z(idempotencyKey),
                                         out hold, ref e), ref e);
            return hold;
        }

        /// <summary>Pays 0..the held money from the wallet; returns the wallet's balance after.</summary>
        public long CaptureWalletHold(long holdId, long amount, string idempotencyKey)
        {
            LoyError e = Check.NewError();
            long balance;
            Check.Ok(Api.loy_wallet_hold_capture(handle, holdId, amount, Utf8.Z(idempotencyKey), out balance,
                                                 ref e), ref e);
            return balance;
        }

        public void ReleaseWalletHold(long holdId, string idempotencyKey)
        {
            LoyError e = Check.NewError();
            Check.Ok(Api.loy_wallet_hold_release(handle, holdId, Utf8.Z(idempotencyKey), ref e), ref e);
        }

        /// <summary>Gives points to another member (they keep their expiry dates), when the programme
        /// allows transfers; returns the giver's balance.</summary>
        public long TransferPoints(long fromMember, long toMember, long points, string idempotencyKey,
                                   string reason = null, string operatorId = null)
        {
            LoyError e = Check.NewError();
            long balance;
            Check.Ok(Api.loy_points_transfer(handle, fromMember, toMember, points, Utf8.Z(reason),
                                             Utf8.Z(operatorId), Utf8.Z(idempotencyKey), out balance, ref e),
                     ref e);
            return balance;
        }

        /// <summary>The expiry sweep at nowMs (0 = the handle's clock); returns the points expired.</summary>
        public long ExpirePoints(out long lots, long nowMs = 0)
        {
            LoyError e = Check.NewError();
            long points;
            Check.Ok(Api.loy_points_expire(handle, nowMs, out lots, out points, ref e), ref e);
            return points;
        }

        /// <summary>Points expiring before beforeMs unless spent; nextExpiry the next date (0 = none).</summary>
        public long PointsExpiring(long memberId, long beforeMs, out long nextExpiry)
        {
            LoyError e = Check.NewError();
            long points;
            Check.Ok(Api.loy_points_expiring(handle, memberId, beforeMs, out points, out nextExpiry, ref e), ref e);
            return points;
        }

        /// <summary>A manager report (docs/reports.md): rows of column name to cell text.</summary>
        public List<Row> Report(string name, int groupBy = Constants.LOY_GROUP_NONE,
                                int calendar = Constants.LOY_CALENDAR_GREGORIAN,
                                long fromMs = 0, long toMs = 0, string branch = null, int limit = 20)
        {
            using (Utf8.Pins pins = new Utf8.Pins())
            {
                LoyReportOptions o = ReportOptions(pins, groupBy, calendar, fromMs, toMs, branch, limit);
                LoyError e = Check.NewError();
                LoyTableHandle t;
                Check.Ok(Api.loy_report(handle, Utf8.Z(name), ref o, out t, ref e), ref e);
                return Row.Read(t);
            }
        }

        /// <summary>The manager's dashboard: one self-contained HTML page (docs/reports.md).</summary>
        public string DashboardHtml(int calendar = Constants.LOY_CALENDAR_GREGORIAN, long fromMs = 0,
                                    long toMs = 0, string branch = null)
        {
            using (Utf8.Pins pins = new Utf8.Pins())
            {
                LoyReportOptions o = ReportOptions(pins, Constants.LOY_GROUP_NONE, calendar, fromMs, toMs, branch, 20);
                return Check.Text((byte[] b, UIntPtr c, out UIntPtr n, ref LoyError e) =>
                                      Api.loy_dashboard_html(handle, ref o, b, c, out n, ref e));
            }
        }

        private static LoyReportOptions ReportOptions(Utf8.Pins pins, int groupBy, int calendar, long fromMs,
                                                      long toMs, string branch, int limit)
        {
            LoyReportOptions o = new LoyReportOptions();
            Api.loy_report_options_init(ref o);
            o.group_by = groupBy;
            o.calendar = calendar;
            o.from_ms = fromMs;
            o.to_ms = toMs;
            o.limit = limit;
            o.branch = pins.Add(branch);
            return o;
        }

        /// <summary>The manager reports this library computes (Report's names).</summary>
        public static List<ReportInfo> Reports()
        {
            return Check.Each(Api.loy_report_count(), k => new ReportInfo {
                Name = Utf8.From(Api.loy_report_name(k)), Title = Utf8.From(Api.loy_report_title(k)),
                Description = Utf8.From(Api.loy_report_description(k)),
            });
        }

        /// <summary>The loaded library's version, "0.4.0".</summary>
        public static string Version() { return Utf8.From(Api.loy_version_string()); }

        /// <summary>RFM groups and the programme's segments with their sizes.</summary>
        public List<Row> Segments(long atMs = 0)
        {
            return Check.Table((out LoyTableHandle t, ref LoyError e) =>
                                   Api.loy_segments(handle, atMs,out t, ref e));
        }

        public List<Row> SegmentMembers(string segmentId, long atMs = 0)
        {
            return Check.Table((out LoyTableHandle t, ref LoyError e) =>
                                   Api.loy_segment_members(handle, Utf8.Z(segmentId), atMs,out t, ref e));
        }

        /// <summary>Queues a message campaign to its segment (a member gets it at most once).</summary>
        public CampaignSend SendCampaign(string campaignId, long nowMs = 0)
        {
            LoyError e = Check.NewError();
            CampaignSend sent = new CampaignSend();
            Check.Ok(Api.loy_campaign_send(handle, Utf8.Z(campaignId), nowMs, out sent.Queued, out sent.Holdout,
                                           out sent.Suppressed, ref e), ref e);
            return sent;
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
        public List<Row> FetchMessages(int limit = 100, long leaseMs = 60000)
        {
            return Check.Table((out LoyTableHandle t, ref LoyError e) =>
                                   Api.loy_outbox_fetch(handle, 0, limit, leaseMs,out t, ref e));
        }

        public void Acknowledge(long messageId, bool sent = true, string error = null, long retryAfterMs = 0)
        {
            LoyError e = Check.NewError();
            int result = sent ? Constants.LOY_DELIVERY_SENT : Constants.LOY_DELIVERY_FAILED;
            Check.Ok(Api.loy_outbox_ack(handle, messageId, result, Utf8.Z(error), retryAfterMs, ref e), ref e);
        }

        public void Dispose() { handle.Dispose(); }
    }
}
