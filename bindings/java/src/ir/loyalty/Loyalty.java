package ir.loyalty;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import ir.loyalty.jna.LoyaltyLibrary;
import ir.loyalty.jna.LoyaltyLibrary.LoyError;
import ir.loyalty.jna.LoyaltyLibrary.SizeT;
import ir.loyalty.jna.LoyaltyLibrary.SizeTByReference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * libloyalty for Java: an idiomatic layer over the generated JNA interface. Database and Basket
 * are AutoCloseable; failures throw {@link LoyaltyException} with the C status code; results are
 * immutable records copied out of the C handles, which are freed before the call returns.
 */
public final class Loyalty {
    private Loyalty() {}

    /** The C library, loaded once ($LOYALTY_LIBRARY or jna.library.path / the system path). */
    public static final LoyaltyLibrary C = Native.load(
            System.getenv("LOYALTY_LIBRARY") != null ? System.getenv("LOYALTY_LIBRARY") : "loyalty",
            LoyaltyLibrary.class, Map.of(Library.OPTION_STRING_ENCODING, "UTF-8"));

    static {
        checkVersion(C.loy_version_number());
    }

    /** Refuses a library of another major version than the header these declarations were
     *  generated from (its functions may differ); {@code number} is loy_version_number(). */
    public static void checkVersion(int number) {
        if (number / 10000 != LoyaltyLibrary.LOY_VERSION_MAJOR)
            throw new IllegalStateException(String.format(
                    "libloyalty %d.%d.%d was loaded, but this binding is for %d.x; install a matching library or binding",
                    number / 10000, number / 100 % 100, number % 100, LoyaltyLibrary.LOY_VERSION_MAJOR));
    }

    /** A failed call: status is the LOY_ERR_* code. What is thrown is the subclass of the
     *  status's family ({@link #family}, loy_status_family). */
    public static class LoyaltyException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        public final int status;
        public final String statusName;
        public final String detail;

        LoyaltyException(int status, String detail) {
            super(C.loy_status_name(status) + ": " + detail);
            this.status = status;
            this.statusName = C.loy_status_name(status);
            this.detail = detail;
        }

        public boolean transient_() { return C.loy_status_is_transient(status) == 1; }

        /** LOY_FAMILY_*: what to do about it. */
        public int family() { return C.loy_status_family(status); }

        /** The exception of a status's family, e.g. NotFoundException for LOY_ERR_NOT_FOUND. */
        public static LoyaltyException of(int status, String detail) {
            return switch (C.loy_status_family(status)) {
                case LoyaltyLibrary.LOY_FAMILY_INVALID_INPUT -> new InvalidInputException(status, detail);
                case LoyaltyLibrary.LOY_FAMILY_NOT_FOUND -> new NotFoundException(status, detail);
                case LoyaltyLibrary.LOY_FAMILY_CONFLICT -> new ConflictException(status, detail);
                case LoyaltyLibrary.LOY_FAMILY_DECLINED -> new DeclinedException(status, detail);
                case LoyaltyLibrary.LOY_FAMILY_TRANSIENT -> new TransientException(status, detail);
                default -> new FailureException(status, detail);
            };
        }
    }

    /** Fix the call: an argument, amount, phone, currency or programme is wrong. */
    public static final class InvalidInputException extends LoyaltyException {
        private static final long serialVersionUID = 1L;
        InvalidInputException(int status, String detail) { super(status, detail); }
    }

    /** No such member, sale, coupon, reward, report... */
    public static final class NotFoundException extends LoyaltyException {
        private static final long serialVersionUID = 1L;
        NotFoundException(int status, String detail) { super(status, detail); }
    }

    /** The data's state refuses: a duplicate, a key reused, a voided sale, an inactive member. */
    public static final class ConflictException extends LoyaltyException {
        private static final long serialVersionUID = 1L;
        ConflictException(int status, String detail) { super(status, detail); }
    }

    /** The programme refuses (tell the customer): not enough points, a coupon, a cap, stock. */
    public static final class DeclinedException extends LoyaltyException {
        private static final long serialVersionUID = 1L;
        DeclinedException(int status, String detail) { super(status, detail); }
    }

    /** Nothing was written: retry with the same idempotency key. */
    public static final class TransientException extends LoyaltyException {
        private static final long serialVersionUID = 1L;
        TransientException(int status, String detail) { super(status, detail); }
    }

    /** The file or the library: not a database, too new, read-only, internal. */
    public static final class FailureException extends LoyaltyException {
        private static final long serialVersionUID = 1L;
        FailureException(int status, String detail) { super(status, detail); }
    }

    static LoyError error() {
        LoyError e = new LoyError();
        C.loy_error_init(e);
        return e;
    }

    static void check(int status, LoyError e) {
        if (status != LoyaltyLibrary.LOY_OK) {
            int n = 0;
            while (n < e.message.length && e.message[n] != 0) n++;
            throw LoyaltyException.of(status, new String(e.message, 0, n, StandardCharsets.UTF_8));
        }
    }

    /** A C function handing back an owned handle through its out-parameter. */
    @FunctionalInterface
    interface HandleCall {
        int call(PointerByReference out, LoyError e);
    }

    /** A C function with snprintf semantics (convention 6), its other arguments bound. */
    @FunctionalInterface
    interface TextCall {
        int call(byte[] buf, SizeT capacity, SizeTByReference needed, LoyError e);
    }

    static Pointer owned(HandleCall call) {
        LoyError e = error();
        PointerByReference out = new PointerByReference();
        check(call.call(out, e), e);
        return out.getValue();
    }

    /** Calls a text-out function twice: once for the size, once for the text. */
    static String text(TextCall call) {
        LoyError e = error();
        SizeTByReference needed = new SizeTByReference();
        check(call.call(null, new SizeT(0), needed, e), e);
        byte[] buf = new byte[(int) needed.getValue() + 1];
        check(call.call(buf, new SizeT(buf.length), needed, e), e);
        return new String(buf, 0, (int) needed.getValue(), StandardCharsets.UTF_8);
    }

    /** Reads count items of a result handle through an accessor taking an index. */
    static <T> List<T> each(SizeT count, IntFunction<T> read) {
        List<T> items = new ArrayList<>();
        for (long i = 0; i < count.longValue(); i++) items.add(read.apply((int) i));
        return Collections.unmodifiableList(items);
    }

    static SizeT at(int i) { return new SizeT(i); }

    /** A table row (report, segment, draw...): each cell as text, whole numbers also as long. */
    public static final class Row {
        private final Map<String, String> cells = new LinkedHashMap<>();
        private final Map<String, Long> numbers = new LinkedHashMap<>();

        public String get(String column) { return cells.get(column); }
        public Set<String> columns() { return Collections.unmodifiableSet(cells.keySet()); }

        /** The cell as a whole number; IllegalArgumentException for text. */
        public long getLong(String column) {
            Long n = numbers.get(column);
            if (n == null) throw new IllegalArgumentException(column + " is not a whole number: " + cells.get(column));
            return n;
        }

        /** The rows of a table handle, which it frees. */
        static List<Row> read(Pointer t) {
            try {
                List<Row> rows = new ArrayList<>();
                long cols = C.loy_table_column_count(t).longValue();
                long n = C.loy_table_row_count(t).longValue();
                for (long r = 0; r < n; r++) {
                    Row row = new Row();
                    for (long c = 0; c < cols; c++) {
                        SizeT ri = new SizeT(r), ci = new SizeT(c);
                        String name = C.loy_table_column_name(t, ci), text = C.loy_table_text(t, ri, ci);
                        row.cells.put(name, text);
                        long number = C.loy_table_int(t, ri, ci);
                        if (C.loy_table_is_number(t, ri, ci) == 1 && text.equals(Long.toString(number)))
                            row.numbers.put(name, number);
                    }
                    rows.add(row);
                }
                return Collections.unmodifiableList(rows);
            } finally {
                C.loy_table_free(t);
            }
        }
    }

    public record RuleLine(String rule, long points, String explanation) {}

    /** One ledger entry; operator: the sale's cashier or the adjustment's operator; approver: who
     *  approved an adjustment. */
    public record HistoryEntry(String uid, int kind, long points, long saleId, String reason,
                               String branch, String terminal, long createdAt, long expiresAt,
                               String corrects, String operator, String approver) {}

    /** A tier change: from, to, why, the score then, the sale behind it (0 = none). */
    public record TierEvent(String uid, String from, String to, String reason, long score, long saleId,
                            long at) {}

    public record TierStatus(String tier, String tierName, long since, long score, String nextTier,
                             String nextTierName, long nextThreshold, long missing, String progress,
                             long atRiskSince, String floorTier, String multiplier, String discount,
                             boolean freeDelivery, List<String> benefits, String plan, long planEndsAt,
                             List<TierEvent> events, String assignedTier, long assignedUntil) {}

    /** A member's fields for enrol and updateMember; null leaves a field absent or as it is. */
    public static final class MemberFields {
        public String phone, card, name, email, gender, tags, language, branch, referrer;
        public Integer birthYear, birthMonth, birthDay;
        public Boolean consentSms, consentEmail, consentPush;

        LoyaltyLibrary.LoyMemberFields toC() {
            LoyaltyLibrary.LoyMemberFields f = new LoyaltyLibrary.LoyMemberFields();
            C.loy_member_fields_init(f);
            f.phone = phone;
            f.card = card;
            f.name = name;
            f.email = email;
            f.gender = gender;
            f.tags = tags;
            f.language = language;
            f.branch = branch;
            f.referrer = referrer;
            if (birthYear != null) f.birth_year = birthYear;
            if (birthMonth != null) f.birth_month = birthMonth;
            if (birthDay != null) f.birth_day = birthDay;
            if (consentSms != null) f.consent_sms = consentSms ? 1 : 0;
            if (consentEmail != null) f.consent_email = consentEmail ? 1 : 0;
            if (consentPush != null) f.consent_push = consentPush ? 1 : 0;
            return f;
        }
    }

    /** Which members {@link Database#searchMembers} returns; null = any. */
    public static final class MemberQuery {
        public String namePrefix, phonePrefix, tag;
        public boolean includeInactive;
        public int limit;     // 1..1000; 0 = 100
        public long afterId;  // keyset paging: the last id of the previous page
    }

    public record Member(long id, String uid, int status, String phone, String card, String name,
                         String email, String tags, String language, String gender, String branch,
                         int birthYear, int birthMonth, int birthDay, boolean consentSms,
                         boolean consentEmail, boolean consentPush, String tier, long balance,
                         long available, long pending, long lifetimeEarned, long walletBalance,
                         String referralCode, long referrerId, long mergedInto, long createdAt) {
        /** Reads a member the caller keeps (a list's, borrowed). */
        static Member read(Pointer h) {
            return new Member(C.loy_member_id(h), C.loy_member_uid(h), C.loy_member_status(h),
                    C.loy_member_phone(h), C.loy_member_card(h), C.loy_member_name(h),
                    C.loy_member_email(h), C.loy_member_tags(h), C.loy_member_language(h),
                    C.loy_member_gender(h), C.loy_member_branch(h), C.loy_member_birth_year(h),
                    C.loy_member_birth_month(h), C.loy_member_birth_day(h),
                    C.loy_member_consent_sms(h) == 1, C.loy_member_consent_email(h) == 1,
                    C.loy_member_consent_push(h) == 1, C.loy_member_tier(h), C.loy_member_balance(h),
                    C.loy_member_available(h), C.loy_member_pending(h), C.loy_member_lifetime_earned(h),
                    C.loy_member_wallet_balance(h), C.loy_member_referral_code(h),
                    C.loy_member_referrer_id(h), C.loy_member_merged_into(h), C.loy_member_created_at(h));
        }

        /** Reads an owned member handle and frees it. */
        static Member from(Pointer h) {
            try {
                return read(h);
            } finally {
                C.loy_member_free(h);
            }
        }
    }

    /** A coupon presented in a basket: status LOY_OK when it applies, else message says why. */
    public record CouponResult(String code, String campaign, int status, String message, long amount,
                               long points) {}

    /** A coupon applied on a receipt and its money off. */
    public record AppliedCoupon(String code, long amount) {}

    /** One coupon code: its campaign, owner, uses and state. */
    public record Coupon(String code, String uid, String campaign, long memberId, long batchId, long maxUses,
                         long uses, long validUntil, long issuedSaleId, boolean revoked) {
        static Coupon from(Pointer c) {
            try {
                return new Coupon(C.loy_coupon_code(c), C.loy_coupon_uid(c), C.loy_coupon_campaign(c),
                        C.loy_coupon_member_id(c), C.loy_coupon_batch_id(c), C.loy_coupon_max_uses(c),
                        C.loy_coupon_uses(c), C.loy_coupon_valid_until(c), C.loy_coupon_issued_sale_id(c),
                        C.loy_coupon_revoked(c) == 1);
            } finally {
                C.loy_coupon_free(c);
            }
        }
    }

    /** Points spent on a reward of the catalogue. */
    public record Redemption(long id, String uid, boolean replayed, String reward, long quantity, long points,
                             String couponCode, long walletCredit, String cause) {}

    public record TierReview(long reviewed, long upgraded, long downgraded, long atRisk) {}

    public record CampaignSend(long queued, long holdout, long suppressed) {}

    /** Rows read, rows written (0 when any failed or on a dry run), the failed rows. */
    public record ImportResult(long rows, long imported, List<Row> errors) {}

    /** A manager report this library computes. */
    public record ReportInfo(String name, String title, String description) {}

    /** The manager reports this library computes ({@link Database#report}'s names). */
    public static List<ReportInfo> reports() {
        return each(C.loy_report_count(), i -> new ReportInfo(C.loy_report_name(at(i)),
                C.loy_report_title(at(i)), C.loy_report_description(at(i))));
    }

    /** The loaded library's version, "0.4.0". */
    public static String version() { return C.loy_version_string(); }

    public record Quote(long memberId, long programVersion, long total, long pointsEarned, long balance,
                        long available, long redeemablePoints, long redeemableValue, int redeemStatus,
                        long redeemPoints, long redeemValue, long amountDue, long benefitDiscount,
                        boolean freeDelivery, long couponDiscount, long cashback, String tier,
                        String tierAfter, String progress, List<RuleLine> rules,
                        List<CouponResult> coupons, long walletBalance, long walletAvailable,
                        int walletStatus, long walletAmount, List<Long> linePoints,
                        long giftCardAmount) {
        static Quote from(Pointer h, int lines) {
            try {
                List<Long> linePoints = new ArrayList<>();
                for (int line = 1; line <= lines; line++) linePoints.add(C.loy_quote_line_points(h, line));
                return new Quote(C.loy_quote_member_id(h), C.loy_quote_program_version(h),
                        C.loy_quote_total(h), C.loy_quote_points_earned(h),
                        C.loy_quote_balance(h), C.loy_quote_available(h),
                        C.loy_quote_redeemable_points(h), C.loy_quote_redeemable_value(h),
                        C.loy_quote_redeem_status(h), C.loy_quote_redeem_points(h),
                        C.loy_quote_redeem_value(h), C.loy_quote_amount_due(h),
                        C.loy_quote_benefit_discount(h), C.loy_quote_free_delivery(h) == 1,
                        C.loy_quote_coupon_discount(h), C.loy_quote_cashback(h), C.loy_quote_tier(h),
                        C.loy_quote_tier_after(h), C.loy_quote_progress(h),
                        each(C.loy_quote_rule_count(h), i -> new RuleLine(C.loy_quote_rule_id(h, at(i)),
                                C.loy_quote_rule_points(h, at(i)), C.loy_quote_rule_explanation(h, at(i)))),
                        each(C.loy_quote_coupon_count(h), i -> new CouponResult(
                                C.loy_quote_coupon_code(h, at(i)), C.loy_quote_coupon_campaign(h, at(i)),
                                C.loy_quote_coupon_status(h, at(i)), C.loy_quote_coupon_message(h, at(i)),
                                C.loy_quote_coupon_amount(h, at(i)), C.loy_quote_coupon_points(h, at(i)))),
                        C.loy_quote_wallet_balance(h), C.loy_quote_wallet_available(h),
                        C.loy_quote_wallet_status(h), C.loy_quote_wallet_amount(h),
                        Collections.unmodifiableList(linePoints), C.loy_quote_gift_card_amount(h));
            } finally {
                C.loy_quote_free(h);
            }
        }
    }

    /** What a handle writes as (docs/journal.md). */
    public record Origin(String name, long generation, boolean newGeneration) {
    }

    /** One record of an origin's journal: the facts (a JSON array) one committed write made. */
    public record JournalRecord(String origin, long seq, String kind, String key, String body,
                                String prev, String hash, long createdAt) {
    }

    public record Receipt(int kind, boolean replayed, long saleId, String uid, long total,
                          long pointsEarned, long pointsRedeemed, long redeemValue, long amountDue,
                          long refundAmount, long moneyBack, long balanceAfter,
                          long availableAfter, long memberId, long programVersion, long createdAt,
                          long walletAmount, long cashback, long benefitDiscount, long couponDiscount,
                          int redeemMode, String tierBefore, String tierAfter, List<String> issuedCodes,
                          List<AppliedCoupon> coupons, List<RuleLine> rules, long giftCardAmount) {
        static Receipt from(Pointer h) {
            try {
                return new Receipt(C.loy_receipt_kind(h), C.loy_receipt_replayed(h) == 1,
                        C.loy_receipt_sale_id(h), C.loy_receipt_uid(h), C.loy_receipt_total(h),
                        C.loy_receipt_points_earned(h), C.loy_receipt_points_redeemed(h),
                        C.loy_receipt_redeem_value(h), C.loy_receipt_amount_due(h),
                        C.loy_receipt_refund_amount(h), C.loy_receipt_money_back(h),
                        C.loy_receipt_balance_after(h), C.loy_receipt_available_after(h),
                        C.loy_receipt_member_id(h), C.loy_receipt_program_version(h),
                        C.loy_receipt_created_at(h), C.loy_receipt_wallet_amount(h),
                        C.loy_receipt_cashback(h), C.loy_receipt_benefit_discount(h),
                        C.loy_receipt_coupon_discount(h), C.loy_receipt_redeem_mode(h),
                        C.loy_receipt_tier_before(h), C.loy_receipt_tier_after(h),
                        each(C.loy_receipt_issued_count(h), i -> C.loy_receipt_issued_code(h, at(i))),
                        each(C.loy_receipt_coupon_count(h), i -> new AppliedCoupon(
                                C.loy_receipt_coupon_code(h, at(i)), C.loy_receipt_coupon_amount(h, at(i)))),
                        each(C.loy_receipt_rule_count(h), i -> new RuleLine(C.loy_receipt_rule_id(h, at(i)),
                                C.loy_receipt_rule_points(h, at(i)), C.loy_receipt_rule_explanation(h, at(i)))),
                        C.loy_receipt_gift_card_amount(h));
            } finally {
                C.loy_receipt_free(h);
            }
        }
    }

    /** A basket builder: quantities in thousandths, amounts in minor units. */
    public static final class Basket implements AutoCloseable {
        private Pointer handle;
        private int lines;

        /** The basket lines added so far (a plan is a line too). */
        public int lines() { return lines; }

        public Basket() {
            LoyError e = error();
            PointerByReference out = new PointerByReference();
            check(C.loy_basket_new(out, e), e);
            handle = out.getValue();
        }

        Pointer handle() {
            if (handle == null) throw LoyaltyException.of(LoyaltyLibrary.LOY_ERR_INVALID_STATE, "the basket is closed");
            return handle;
        }

        public Basket member(long id) {
            LoyError e = error();
            check(C.loy_basket_set_member(handle(), id, e), e);
            return this;
        }

        public Basket context(String receipt, String branch, String terminal, String cashier) {
            LoyError e = error();
            check(C.loy_basket_set_context(handle(), receipt, branch, terminal, cashier, e), e);
            return this;
        }

        public int addLine(String sku, String category, long quantityMilli, long unitPrice, long lineDiscount) {
            LoyError e = error();
            IntByReference line = new IntByReference();
            check(C.loy_basket_add_line(handle(), sku, category, quantityMilli, unitPrice, lineDiscount, line, e), e);
            lines = Math.max(lines, line.getValue());
            return line.getValue();
        }

        /** A wallet top-up sold as a line: the member's wallet gets {@code amount} when the sale
         *  commits (docs/wallet.md); returns its line number. */
        public int addWalletTopup(long amount) {
            LoyError e = error();
            IntByReference line = new IntByReference();
            check(C.loy_basket_add_wallet_topup(handle(), amount, line, e), e);
            lines = Math.max(lines, line.getValue());
            return line.getValue();
        }

        /** A paid plan sold as a line (docs/tiers.md); returns its line number. */
        public int addPlan(String planId, int periods) {
            LoyError e = error();
            IntByReference line = new IntByReference();
            check(C.loy_basket_add_plan(handle(), planId, periods, line, e), e);
            lines = Math.max(lines, line.getValue());
            return line.getValue();
        }

        public Basket currency(String code) {
            LoyError e = error();
            check(C.loy_basket_set_currency(handle(), code, e), e);
            return this;
        }

        /** Tax, service charge and tip: paid, but never earning points. */
        public Basket charges(long tax, long service, long tip) {
            LoyError e = error();
            check(C.loy_basket_set_charges(handle(), tax, service, tip, e), e);
            return this;
        }

        /** Pays part of the sale from the member's wallet. */
        public Basket payWallet(long amount) {
            LoyError e = error();
            check(C.loy_basket_pay_wallet(handle(), amount, e), e);
            return this;
        }

        /** Pays part of the sale with a gift card, redeemed with the sale. */
        public Basket payGiftCard(String code, long amount) {
            LoyError e = error();
            check(C.loy_basket_pay_giftcard(handle(), code, amount, e), e);
            return this;
        }

        public Basket redeemPoints(long points) {
            LoyError e = error();
            check(C.loy_basket_redeem_points(handle(), points, e), e);
            return this;
        }

        /** In chain mode: the authority's hold covering the points this sale spends. */
        public Basket setHold(String holdId, long points) {
            LoyError e = error();
            check(C.loy_basket_set_hold(handle(), holdId, points, e), e);
            return this;
        }

        /** In chain mode: the authority's hold covering the wallet money this sale pays. */
        public Basket setWalletHold(String holdId, long amount) {
            LoyError e = error();
            check(C.loy_basket_set_wallet_hold(handle(), holdId, amount, e), e);
            return this;
        }

        /** In chain mode: the authority's hold covering the basket's gift cards. */
        public Basket setGiftcardHold(String holdId) {
            LoyError e = error();
            check(C.loy_basket_set_giftcard_hold(handle(), holdId, e), e);
            return this;
        }

        /** In chain mode: the authority's hold covering the coupon uses a limit counts chain-wide. */
        public Basket setCouponHold(String holdId) {
            LoyError e = error();
            check(C.loy_basket_set_coupon_hold(handle(), holdId, e), e);
            return this;
        }

        public Basket addCoupon(String code) {
            LoyError e = error();
            check(C.loy_basket_add_coupon(handle(), code, e), e);
            return this;
        }

        public Basket addTender(String type, long amount) {
            LoyError e = error();
            check(C.loy_basket_add_tender(handle(), type, amount, e), e);
            return this;
        }

        @Override
        public void close() {
            if (handle != null) {
                C.loy_basket_free(handle);
                handle = null;
            }
        }
    }

    /** How {@link Database#open} opens a file (loy_open_options). */
    public static final class OpenOptions {
        public String defaultCurrency;   // default "IRR"
        public String defaultCountry;    // ISO 3166 alpha-2, default "IR"
        public String origin;            // the name in every chain-wide id this file writes
        public int durability = LoyaltyLibrary.LOY_DURABILITY_FULL;
        public int busyTimeoutMs;        // 0 = the library's default
        public boolean readOnly;
        public Integer currencyExponent; // for a default currency the file does not know (INR: 2)
        public boolean chainMode;        // a till of a chain: points spent under the authority's hold
        public long offlineTillPoints;   // chain mode: points spendable without a hold in 24 hours
        public long offlineMemberPoints; // of those, per member
        // Who copies the write-ahead log into the file: LOY_CHECKPOINT_BACKGROUND, _INLINE or _MANUAL.
        public int checkpoint = LoyaltyLibrary.LOY_CHECKPOINT_BACKGROUND;
    }

    /** What Database.checkpoint found: frames in the write-ahead log, and of those in the file now. */
    public record CheckpointInfo(int walFrames, int copiedFrames) {}

    /** An open database; one handle may be shared by threads (calls are serialised inside). */
    public static final class Database implements AutoCloseable {
        private Pointer handle;

        private Database(Pointer handle) { this.handle = handle; }

        public static Database open(String path, String defaultCurrency) {
            return open(path, defaultCurrency, false);
        }

        /** {@code chainMode}: a till of a chain, which spends points only under the authority's
         *  hold (docs/chain.md). */
        public static Database open(String path, String defaultCurrency, boolean chainMode) {
            OpenOptions o = new OpenOptions();
            o.defaultCurrency = defaultCurrency;
            o.chainMode = chainMode;
            return open(path, o);
        }

        /** Opens (or creates) a database with every option of loy_open_options. */
        public static Database open(String path, OpenOptions options) {
            LoyaltyLibrary.LoyOpenOptions o = new LoyaltyLibrary.LoyOpenOptions();
            C.loy_open_options_init(o);
            o.path = path;
            o.default_currency = options.defaultCurrency;
            o.default_country = options.defaultCountry;
            o.origin = options.origin;
            o.durability = options.durability;
            if (options.busyTimeoutMs > 0) o.busy_timeout_ms = options.busyTimeoutMs;
            o.read_only = options.readOnly ? 1 : 0;
            if (options.currencyExponent != null) o.default_currency_exponent = options.currencyExponent;
            o.chain_mode = options.chainMode ? 1 : 0;
            o.offline_till_points = options.offlineTillPoints;
            o.offline_member_points = options.offlineMemberPoints;
            o.checkpoint = options.checkpoint;
            LoyError e = error();
            PointerByReference out = new PointerByReference();
            check(C.loy_open(o, out, e), e);
            return new Database(out.getValue());
        }

        Pointer handle() {
            if (handle == null) throw LoyaltyException.of(LoyaltyLibrary.LOY_ERR_INVALID_STATE, "the database is closed");
            return handle;
        }

        public void setClock(long nowMs) {
            LoyError e = error();
            check(C.loy_set_clock(handle(), nowMs, e), e);
        }

        /** Copies what it can of the write-ahead log into the file now (with
         *  LOY_CHECKPOINT_MANUAL, when the till is idle). */
        public CheckpointInfo checkpoint() {
            LoyError e = error();
            IntByReference frames = new IntByReference(), copied = new IntByReference();
            check(C.loy_checkpoint(handle(), frames, copied, e), e);
            return new CheckpointInfo(frames.getValue(), copied.getValue());
        }

        public long loadProgrammeFile(String path) {
            LoyError e = error();
            LongByReference version = new LongByReference();
            check(C.loy_program_load_file(handle(), path, version, e), e);
            return version.getValue();
        }

        public long loadProgramme(String json) {
            LoyError e = error();
            LongByReference version = new LongByReference();
            check(C.loy_program_load_json(handle(), json, version, e), e);
            return version.getValue();
        }

        /** On the head office's file: a programme for the whole chain, in effect from startsAtMs (0 = now). */
        public long publishProgramme(String json, long startsAtMs) {
            LoyError e = error();
            LongByReference version = new LongByReference();
            check(C.loy_program_publish(handle(), json, startsAtMs, version, e), e);
            return version.getValue();
        }

        /** The programme released to start next: {version, starts at ms}; {0, 0} when none. */
        public long[] nextProgramme() {
            LoyError e = error();
            LongByReference version = new LongByReference(), starts = new LongByReference();
            check(C.loy_program_next(handle(), version, starts, e), e);
            return new long[] {version.getValue(), starts.getValue()};
        }

        /** A programme version's canonical JSON (0 = the active one). */
        public String exportProgramme(long version) {
            return text((b, c, n, e) -> C.loy_program_export_json(handle(), version, b, c, n, e));
        }

        /** The active programme's version (0 = none loaded). */
        public long programmeVersion() { return C.loy_program_active_version(handle()); }

        /** The handle's clock (ms since 1970, UTC). */
        public long now() { return C.loy_now(handle()); }

        /** Declares a currency and its decimal places (IRR 0, USD 2, KWD 3). */
        public void setCurrency(String code, int exponent) {
            LoyError e = error();
            check(C.loy_currency_set(handle(), code, exponent, e), e);
        }

        public int currencyExponent(String code) {
            LoyError e = error();
            IntByReference exponent = new IntByReference();
            check(C.loy_currency_exponent(handle(), code, exponent, e), e);
            return exponent.getValue();
        }

        /** A phone number in its stored form (+98912...), as the till would look it up. */
        public String normalizePhone(String phone) {
            return text((b, c, n, e) -> C.loy_phone_normalize(handle(), phone, b, c, n, e));
        }

        public Member enrol(MemberFields fields, String idempotencyKey) {
            LoyaltyLibrary.LoyMemberFields f = fields.toC();
            return Member.from(owned((out, e) -> C.loy_member_enrol(handle(), f, idempotencyKey, out, e)));
        }

        /** Changes the fields given (null ones stay as they are). */
        public Member updateMember(long memberId, MemberFields fields, String idempotencyKey) {
            LoyaltyLibrary.LoyMemberFields f = fields.toC();
            return Member.from(owned((out, e) -> C.loy_member_update_with_key(handle(), memberId, f,
                    idempotencyKey, out, e)));
        }

        public Member findByPhone(String phone) {
            return Member.from(owned((out, e) -> C.loy_member_find_by_phone(handle(), phone, out, e)));
        }

        /** One page of members by id (keyset paging: the last id as afterId). */
        public List<Member> searchMembers(MemberQuery query) {
            LoyaltyLibrary.LoyMemberQuery q = new LoyaltyLibrary.LoyMemberQuery();
            C.loy_member_query_init(q);
            q.name_prefix = query.namePrefix;
            q.phone_prefix = query.phonePrefix;
            q.tag = query.tag;
            q.include_inactive = query.includeInactive ? 1 : 0;
            q.limit = query.limit;
            q.after_id = query.afterId;
            Pointer list = owned((out, e) -> C.loy_member_search(handle(), q, out, e));
            try {
                return each(C.loy_member_list_count(list), i -> Member.read(C.loy_member_list_at(list, at(i))));
            } finally {
                C.loy_member_list_free(list);
            }
        }

        /** Imports members from CSV (docs/reports.md): all rows or none. */
        public ImportResult importMembersCsv(String csv, boolean dryRun) {
            LoyError e = error();
            LongByReference rows = new LongByReference(), imported = new LongByReference();
            PointerByReference errors = new PointerByReference();
            check(C.loy_members_import_csv(handle(), csv, dryRun ? 1 : 0, rows, imported, errors, e), e);
            return new ImportResult(rows.getValue(), imported.getValue(), Row.read(errors.getValue()));
        }

        /** A member's recent sales, newest first (docs/reports.md). */
        public List<Row> memberSales(long memberId, int limit) {
            return Row.read(owned((out, e) -> C.loy_member_sales(handle(), memberId, limit, out, e)));
        }

        public List<Row> memberCoupons(long memberId) {
            return Row.read(owned((out, e) -> C.loy_member_coupons(handle(), memberId, out, e)));
        }

        public List<Row> memberMessages(long memberId, int limit) {
            return Row.read(owned((out, e) -> C.loy_member_messages(handle(), memberId, limit, out, e)));
        }

        public List<Row> memberSegments(long memberId, long atMs) {
            return Row.read(owned((out, e) -> C.loy_member_segments(handle(), memberId, atMs, out, e)));
        }

        public Member enrol(String phone, String name, String idempotencyKey) {
            return enrol(phone, name, idempotencyKey, false);
        }

        public Member enrol(String phone, String name, String idempotencyKey, boolean consentSms) {
            LoyaltyLibrary.LoyMemberFields f = new LoyaltyLibrary.LoyMemberFields();
            C.loy_member_fields_init(f);
            if (consentSms) f.consent_sms = 1;
            f.phone = phone;
            f.name = name;
            LoyError e = error();
            PointerByReference out = new PointerByReference();
            check(C.loy_member_enrol(handle(), f, idempotencyKey, out, e), e);
            return Member.from(out.getValue());
        }

        /** A member's profile (phone, name) as another till holds it, written without a journal
         *  record (docs/chain.md); null leaves a field as it is. */
        public Member applyProfile(String uid, String phone, String name) {
            LoyaltyLibrary.LoyMemberFields f = new LoyaltyLibrary.LoyMemberFields();
            C.loy_member_fields_init(f);
            f.phone = phone;
            f.name = name;
            LoyError e = error();
            PointerByReference out = new PointerByReference();
            check(C.loy_member_profile_apply(handle(), uid, f, out, e), e);
            return Member.from(out.getValue());
        }

        public Member member(long id) {
            LoyError e = error();
            PointerByReference out = new PointerByReference();
            check(C.loy_member_get(handle(), id, out, e), e);
            return Member.from(out.getValue());
        }

        public Member identify(String phoneOrCard) {
            LoyError e = error();
            PointerByReference out = new PointerByReference();
            check(C.loy_member_identify(handle(), phoneOrCard, out, e), e);
            return Member.from(out.getValue());
        }

        public Member findByCard(String card) {
            LoyError e = error();
            PointerByReference out = new PointerByReference();
            check(C.loy_member_find_by_card(handle(), card, out, e), e);
            return Member.from(out.getValue());
        }

        /** Blocks earning and redemption ({@link #reactivate} undoes it). */
        public void deactivate(long memberId) {
            deactivate(memberId, null);
        }

        /** With an idempotency key, a retry returns the first call's outcome. */
        public void deactivate(long memberId, String idempotencyKey) {
            LoyError e = error();
            check(C.loy_member_deactivate_with_key(handle(), memberId, idempotencyKey, e), e);
        }

        public void reactivate(long memberId) {
            reactivate(memberId, null);
        }

        public void reactivate(long memberId, String idempotencyKey) {
            LoyError e = error();
            check(C.loy_member_reactivate_with_key(handle(), memberId, idempotencyKey, e), e);
        }

        /** Erases the member's personal data for good; the history stays, anonymous. */
        public void erase(long memberId) {
            erase(memberId, null);
        }

        public void erase(long memberId, String idempotencyKey) {
            LoyError e = error();
            check(C.loy_member_erase_with_key(handle(), memberId, idempotencyKey, e), e);
        }

        public Member merge(long survivorId, long absorbedId) {
            return merge(survivorId, absorbedId, null);
        }

        public Member merge(long survivorId, long absorbedId, String idempotencyKey) {
            LoyError e = error();
            PointerByReference out = new PointerByReference();
            check(C.loy_member_merge_with_key(handle(), survivorId, absorbedId, idempotencyKey, out,
                    e), e);
            return Member.from(out.getValue());
        }

        // ---- chain-wide ids and the journal (docs/journal.md)

        /** What this handle writes as: the name in every id it writes, and its generation. */
        public Origin origin() {
            LoyError e = error();
            SizeTByReference needed = new SizeTByReference();
            LongByReference generation = new LongByReference();
            IntByReference renewed = new IntByReference();
            check(C.loy_origin_get(handle(), null, new SizeT(0), needed, generation, renewed, e), e);
            byte[] buf = new byte[(int) needed.getValue() + 1];
            check(C.loy_origin_get(handle(), buf, new SizeT(buf.length), needed, generation, renewed,
                    e), e);
            return new Origin(new String(buf, 0, (int) needed.getValue(),
                    StandardCharsets.UTF_8), generation.getValue(), renewed.getValue() == 1);
        }

        public Member memberByUid(String uid) {
            LoyError e = error();
            PointerByReference out = new PointerByReference();
            check(C.loy_member_find_by_uid(handle(), uid, out, e), e);
            return Member.from(out.getValue());
        }

        public long saleByUid(String uid) {
            LoyError e = error();
            LongByReference out = new LongByReference();
            check(C.loy_sale_find_by_uid(handle(), uid, out, e), e);
            return out.getValue();
        }

        /** A sale's (…:S12), refund's or void's (…:R3) receipt again, e.g. to reprint it. */
        public Receipt receipt(String uid) {
            LoyError e = error();
            PointerByReference out = new PointerByReference();
            check(C.loy_receipt_get(handle(), uid, out, e), e);
            return Receipt.from(out.getValue());
        }

        /** The records of {@code origin} (null: this handle's) after {@code afterSeq}, in order. */
        public List<JournalRecord> journal(String origin, long afterSeq, int limit) {
            LoyError e = error();
            PointerByReference out = new PointerByReference();
            check(C.loy_journal_read(handle(), origin, afterSeq, limit, out, e), e);
            return records(out.getValue());
        }

        /** The last record this file holds of each origin: where a sync resumes. */
        public List<JournalRecord> journalHeads() {
            LoyError e = error();
            PointerByReference out = new PointerByReference();
            check(C.loy_journal_heads(handle(), out, e), e);
            return records(out.getValue());
        }

        /** The records of a journal handle, which it frees. */
        private static List<JournalRecord> records(Pointer j) {
            try {
                List<JournalRecord> list = new ArrayList<>();
                long n = C.loy_journal_count(j).longValue();
                for (long i = 0; i < n; ++i) {
                    SizeT k = new SizeT(i);
                    list.add(new JournalRecord(C.loy_journal_origin(j, k), C.loy_journal_seq(j, k),
                            C.loy_journal_kind(j, k), C.loy_journal_key(j, k),
                            C.loy_journal_body(j, k), C.loy_journal_prev(j, k),
                            C.loy_journal_hash(j, k), C.loy_journal_created_at(j, k)));
                }
                return list;
            } finally {
                C.loy_journal_free(j);
            }
        }

        /** What applying records did: records applied, and records this file held already. */
        public record Applied(long applied, long duplicates) {
        }

        /**
         * Applies other origins' records (as another file's {@link #journal} gives them) in one
         * transaction, each exactly once per (origin, seq). A fork throws LOY_ERR_SYNC_FORK, a
         * record out of order LOY_ERR_SYNC_GAP; a refused list changes nothing (docs/journal.md).
         */
        public Applied applyJournal(List<JournalRecord> records) {
            return applyJournal(records, Map.of());
        }

        /**
         * As {@link #applyJournal(List)}, with the profiles of the members the records bring (by
         * member uid; the fields as for {@link #applyProfile}), written after the records in the
         * same transaction: a member lands with their phone or not at all. A profile the file
         * cannot take (no such member, erased, or its phone another member's here) is passed over.
         */
        public Applied applyJournal(List<JournalRecord> records, Map<String, MemberFields> profiles) {
            LoyError e = error();
            PointerByReference out = new PointerByReference();
            check(C.loy_journal_new(out, e), e);
            Pointer j = out.getValue();
            try {
                for (JournalRecord r : records)
                    check(C.loy_journal_add(j, r.origin(), r.seq(), r.kind(), r.key(), r.body(),
                            r.prev(), r.hash(), r.createdAt(), e), e);
                for (Map.Entry<String, MemberFields> p : profiles.entrySet())
                    check(C.loy_journal_add_profile(j, p.getKey(), p.getValue().toC(), e), e);
                LongByReference applied = new LongByReference(), duplicates = new LongByReference();
                check(C.loy_journal_apply(handle(), j, applied, duplicates, e), e);
                return new Applied(applied.getValue(), duplicates.getValue());
            } finally {
                C.loy_journal_free(j);
            }
        }

        /** The member's ledger, newest first (members merged into it included). */
        public List<HistoryEntry> history(long memberId, int limit, int offset) {
            LoyError e = error();
            PointerByReference out = new PointerByReference();
            check(C.loy_history_get(handle(), memberId, limit, offset, out, e), e);
            Pointer h = out.getValue();
            try {
                List<HistoryEntry> list = new ArrayList<>();
                long n = C.loy_history_count(h).longValue();
                for (long i = 0; i < n; ++i) {
                    SizeT k = new SizeT(i);
                    list.add(new HistoryEntry(C.loy_history_uid(h, k), C.loy_history_kind(h, k),
                            C.loy_history_points(h, k), C.loy_history_sale_id(h, k),
                            C.loy_history_reason(h, k), C.loy_history_branch(h, k),
                            C.loy_history_terminal(h, k), C.loy_history_created_at(h, k),
                            C.loy_history_expires_at(h, k), C.loy_history_corrects(h, k),
                            C.loy_history_operator(h, k), C.loy_history_approver(h, k)));
                }
                return list;
            } finally {
                C.loy_history_free(h);
            }
        }

        /** Awards an action's points ("review", "app_login"...) within its cap. */
        public long recordEvent(long memberId, String action, String idempotencyKey) {
            LoyError e = error();
            LongByReference points = new LongByReference();
            check(C.loy_event_record(handle(), memberId, action, idempotencyKey, points, e), e);
            return points.getValue();
        }

        public TierStatus tierStatus(long memberId) {
            LoyError e = error();
            PointerByReference out = new PointerByReference();
            check(C.loy_tier_status_get(handle(), memberId, out, e), e);
            Pointer s = out.getValue();
            try {
                return new TierStatus(C.loy_tier_status_tier(s), C.loy_tier_status_tier_name(s),
                        C.loy_tier_status_since(s), C.loy_tier_status_score(s),
                        C.loy_tier_status_next_tier(s), C.loy_tier_status_next_tier_name(s),
                        C.loy_tier_status_next_threshold(s), C.loy_tier_status_missing(s),
                        C.loy_tier_status_progress(s), C.loy_tier_status_at_risk_since(s),
                        C.loy_tier_status_floor_tier(s), C.loy_tier_status_multiplier(s),
                        C.loy_tier_status_discount(s), C.loy_tier_status_free_delivery(s) == 1,
                        each(C.loy_tier_status_benefit_count(s), i -> C.loy_tier_status_benefit(s, at(i))),
                        C.loy_tier_status_plan(s), C.loy_tier_status_plan_ends_at(s),
                        each(C.loy_tier_status_event_count(s), i -> new TierEvent(
                                C.loy_tier_status_event_uid(s, at(i)), C.loy_tier_status_event_from(s, at(i)),
                                C.loy_tier_status_event_to(s, at(i)), C.loy_tier_status_event_reason(s, at(i)),
                                C.loy_tier_status_event_score(s, at(i)),
                                C.loy_tier_status_event_sale_id(s, at(i)), C.loy_tier_status_event_at(s, at(i)))),
                        C.loy_tier_status_assigned_tier(s), C.loy_tier_status_assigned_until(s));
            } finally {
                C.loy_tier_status_free(s);
            }
        }

        /** The wallet in minor units: {balance, available now, pending cashback}. */
        public long[] wallet(long memberId) {
            LoyError e = error();
            LongByReference b = new LongByReference(), a = new LongByReference(), p = new LongByReference();
            check(C.loy_wallet_get(handle(), memberId, b, a, p, e), e);
            return new long[] {b.getValue(), a.getValue(), p.getValue()};
        }

        /** One code of a campaign, to a member (or to anyone: 0), in display form. */
        public String issueCoupon(String campaignId, long memberId, String idempotencyKey) {
            return text((b, c, n, e) -> C.loy_coupon_issue(handle(), campaignId, memberId, idempotencyKey,
                    b, c, n, e));
        }

        public Coupon coupon(String code) {
            return Coupon.from(owned((out, e) -> C.loy_coupon_get(handle(), code, out, e)));
        }

        public Coupon couponByUid(String uid) {
            return Coupon.from(owned((out, e) -> C.loy_coupon_find_by_uid(handle(), uid, out, e)));
        }

        /** Withdraws a code: it can no longer be used. */
        public void revokeCoupon(String code, String idempotencyKey) {
            LoyError e = error();
            check(C.loy_coupon_revoke(handle(), code, idempotencyKey, e), e);
        }

        /** Codes of a campaign to print or hand out; returns the batch's id. */
        public long createCouponBatch(String campaignId, long count, String idempotencyKey) {
            LoyError e = error();
            LongByReference batch = new LongByReference();
            check(C.loy_coupon_batch_create(handle(), campaignId, count, idempotencyKey, batch, e), e);
            return batch.getValue();
        }

        /** A batch's codes (its CSV without the header line). */
        public List<String> exportCouponBatch(long batchId) {
            String csv = text((b, c, n, e) -> C.loy_coupon_batch_export(handle(), batchId, b, c, n, e));
            List<String> codes = new ArrayList<>(List.of(csv.split("\n")));
            codes.remove(0);
            codes.removeIf(String::isEmpty);
            return Collections.unmodifiableList(codes);
        }

        /** Credits money to the member's wallet; returns the new balance. */
        public long creditWallet(long memberId, long amount, String reason, String operatorId,
                                 String idempotencyKey) {
            LoyError e = error();
            LongByReference balance = new LongByReference();
            check(C.loy_wallet_credit(handle(), memberId, amount, reason, operatorId, idempotencyKey, balance,
                    e), e);
            return balance.getValue();
        }

        // ---- gift cards (docs/wallet.md)

        /** Sells a gift card with its first amount; returns its code (the same key, the same card). */
        public String sellGiftCard(long amount, String reference, String operatorId, String idempotencyKey) {
            return text((b, c, n, e) -> C.loy_giftcard_sell(handle(), amount, reference, operatorId,
                    idempotencyKey, b, c, n, e));
        }

        @FunctionalInterface
        interface GiftCardCall {
            int call(Pointer db, String code, long amount, String reference, String operatorId, String key,
                     LongByReference balance, LoyError e);
        }

        private long giftCard(GiftCardCall call, String code, long amount, String reference, String operatorId,
                              String key) {
            LoyError e = error();
            LongByReference balance = new LongByReference();
            check(call.call(handle(), code, amount, reference, operatorId, key, balance, e), e);
            return balance.getValue();
        }

        public long loadGiftCard(String code, long amount, String reference, String operatorId, String key) {
            return giftCard(C::loy_giftcard_load, code, amount, reference, operatorId, key);
        }

        /** Pays {@code amount} with the card (a DeclinedException beyond its balance). */
        public long redeemGiftCard(String code, long amount, String reference, String operatorId, String key) {
            return giftCard(C::loy_giftcard_redeem, code, amount, reference, operatorId, key);
        }

        public long refundGiftCard(String code, long amount, String reference, String operatorId, String key) {
            return giftCard(C::loy_giftcard_refund, code, amount, reference, operatorId, key);
        }

        public long giftCardBalance(String code) {
            LoyError e = error();
            LongByReference balance = new LongByReference();
            check(C.loy_giftcard_balance(handle(), code, balance, e), e);
            return balance.getValue();
        }

        // ---- rewards, partners, prize draws (docs/coupons.md)

        public Redemption redeemReward(long memberId, String rewardId, long quantity, String idempotencyKey) {
            return redeemReward(memberId, rewardId, quantity, idempotencyKey, null);
        }

        /** holdId: at a till of a chain, the authority's hold for the reward (null: none). */
        public Redemption redeemReward(long memberId, String rewardId, long quantity, String idempotencyKey,
                                       String holdId) {
            Pointer r = owned((out, e) -> holdId != null
                    ? C.loy_reward_redeem_held(handle(), memberId, rewardId, quantity, holdId, idempotencyKey, out, e)
                    : C.loy_reward_redeem(handle(), memberId, rewardId, quantity, idempotencyKey, out, e));
            try {
                return new Redemption(C.loy_redemption_id(r), C.loy_redemption_uid(r),
                        C.loy_redemption_replayed(r) == 1, C.loy_redemption_reward(r),
                        C.loy_redemption_quantity(r), C.loy_redemption_points(r),
                        C.loy_redemption_coupon_code(r), C.loy_redemption_wallet_credit(r),
                        C.loy_redemption_cause(r));
            } finally {
                C.loy_redemption_free(r);
            }
        }

        /** Undoes a redemption: points and stock back, once. */
        public void refundReward(long redemptionId, String idempotencyKey) {
            LoyError e = error();
            check(C.loy_reward_refund(handle(), redemptionId, idempotencyKey, e), e);
        }

        public List<Row> rewardReport(long fromMs, long toMs) {
            return Row.read(owned((out, e) -> C.loy_reward_report(handle(), fromMs, toMs, out, e)));
        }

        /** One of our coupons was used at a partner business. */
        public void recordPartnerRedemption(String partnerId, String code, long amount, String idempotencyKey) {
            LoyError e = error();
            check(C.loy_partner_record_redemption(handle(), partnerId, code, amount, idempotencyKey, e), e);
        }

        public List<Row> partnerSettlement(String partnerId, long fromMs, long toMs) {
            return Row.read(owned((out, e) -> C.loy_partner_settlement(handle(), partnerId, fromMs, toMs, out, e)));
        }

        /** Buys entries with points; returns the points spent. */
        public long enterDraw(String drawId, long memberId, long entries, String idempotencyKey) {
            LoyError e = error();
            LongByReference points = new LongByReference();
            check(C.loy_draw_enter(handle(), drawId, memberId, entries, idempotencyKey, points, e), e);
            return points.getValue();
        }

        public List<Row> drawEntries(String drawId) {
            return Row.read(owned((out, e) -> C.loy_draw_entries(handle(), drawId, out, e)));
        }

        /** Runs a draw after its period, from a published seed; returns the winners. */
        public List<Row> runDraw(String drawId, String seed, long winners, String idempotencyKey) {
            return Row.read(owned((out, e) -> C.loy_draw_run(handle(), drawId, seed, winners, idempotencyKey,
                    out, e)));
        }

        // ---- tiers and plans

        /** The tier review at period end (docs/tiers.md); idempotent. */
        public TierReview reviewTiers(long nowMs) {
            LoyError e = error();
            LongByReference r = new LongByReference(), u = new LongByReference(), d = new LongByReference(),
                    a = new LongByReference();
            check(C.loy_tiers_review(handle(), nowMs, r, u, d, a, e), e);
            return new TierReview(r.getValue(), u.getValue(), d.getValue(), a.getValue());
        }

        /** Staff assign a level as a floor until {@code untilMs} (0 = until withdrawn); a null or
         *  empty tier withdraws it. {@code operatorId} may be null. */
        public void assignTier(long memberId, String tier, long untilMs, String reason, String operatorId,
                               String idempotencyKey) {
            LoyError e = error();
            check(C.loy_tier_assign(handle(), memberId, tier, untilMs, reason, operatorId, idempotencyKey, e), e);
        }

        /** A household pooling its members' points in its head's account; returns its id. */
        public long createHousehold(long headMemberId, String idempotencyKey) {
            LoyError e = error();
            LongByReference out = new LongByReference();
            check(C.loy_household_create(handle(), headMemberId, idempotencyKey, out, e), e);
            return out.getValue();
        }

        public void joinHousehold(long householdId, long memberId, String idempotencyKey) {
            LoyError e = error();
            check(C.loy_household_join(handle(), householdId, memberId, idempotencyKey, e), e);
        }

        public void leaveHousehold(long memberId, String idempotencyKey) {
            LoyError e = error();
            check(C.loy_household_leave(handle(), memberId, idempotencyKey, e), e);
        }

        /** The member's household: {id, head member id, members}; id 0 when none. */
        public long[] household(long memberId) {
            LoyError e = error();
            LongByReference id = new LongByReference(), head = new LongByReference(),
                    members = new LongByReference();
            check(C.loy_member_household(handle(), memberId, id, head, members, e), e);
            return new long[] {id.getValue(), head.getValue(), members.getValue()};
        }

        /** The member's stamps on one of the programme's stamp cards. */
        public long stamps(long memberId, String card) {
            LoyError e = error();
            LongByReference out = new LongByReference();
            check(C.loy_member_stamps(handle(), memberId, card, out, e), e);
            return out.getValue();
        }

        /** Ends a paid plan at the end of its paid period (no renewal). */
        public void cancelPlan(long memberId, String idempotencyKey) {
            LoyError e = error();
            check(C.loy_plan_cancel(handle(), memberId, idempotencyKey, e), e);
        }

        /** The check symbol catches a mistyped code before any lookup. */
        public static boolean couponCodeIsValid(String code) {
            return C.loy_coupon_code_check(code) == LoyaltyLibrary.LOY_OK;
        }

        public Quote quote(Basket b) {
            LoyError e = error();
            PointerByReference out = new PointerByReference();
            check(C.loy_quote_basket(handle(), b.handle(), out, e), e);
            return Quote.from(out.getValue(), b.lines());
        }

        /** The basket's gift card payments as the JSON the chain's authority holds them by. */
        public String giftcardClaims(Basket b) {
            return text((buf, c, n, e) -> C.loy_basket_giftcard_claims(handle(), b.handle(), buf, c, n, e));
        }

        /** What the basket's coupons use that a limit counts over the whole chain, as the JSON
         *  the chain's authority holds it by. */
        public String couponClaims(Basket b) {
            return text((buf, c, n, e) -> C.loy_basket_coupon_claims(handle(), b.handle(), buf, c, n, e));
        }

        public Receipt commit(Basket b, String idempotencyKey) {
            LoyError e = error();
            PointerByReference out = new PointerByReference();
            check(C.loy_commit(handle(), b.handle(), idempotencyKey, out, e), e);
            return Receipt.from(out.getValue());
        }

        /** lines: pairs {line number, quantity in thousandths}; none = the whole sale. */
        public Receipt refund(long saleId, long[][] lines, String idempotencyKey) {
            LoyError e = error();
            PointerByReference r = new PointerByReference();
            check(C.loy_refund_new(r, e), e);
            try {
                for (long[] line : lines) check(C.loy_refund_add_line(r.getValue(), (int) line[0], line[1], e), e);
                PointerByReference out = new PointerByReference();
                check(C.loy_refund_sale(handle(), saleId, r.getValue(), idempotencyKey, out, e), e);
                return Receipt.from(out.getValue());
            } finally {
                C.loy_refund_free(r.getValue());
            }
        }

        public String formatMoney(long minorUnits, String currency) {
            return text((b, c, n, e) -> C.loy_money_format(handle(), minorUnits, currency, 1, b, c, n, e));
        }

        /** Everything held about a member, as JSON (an access request). */
        public String exportMember(long memberId) {
            return text((b, c, n, e) -> C.loy_member_export(handle(), memberId, b, c, n, e));
        }

        /** Checks the ledger; returns the problems found (0 = consistent). */
        public long verify() {
            LoyError e = error();
            LongByReference problems = new LongByReference();
            check(C.loy_verify(handle(), problems, null, new SizeT(0), new SizeTByReference(), e), e);
            return problems.getValue();
        }

        /** What loy_verify found: each problem on a line ("" when consistent). */
        public String verifyReport() {
            LongByReference problems = new LongByReference();
            return text((b, c, n, e) -> C.loy_verify(handle(), problems, b, c, n, e));
        }

        /** Recomputes every projection from the facts; returns the rows corrected. */
        public long rebuild() {
            LoyError e = error();
            LongByReference corrected = new LongByReference();
            check(C.loy_rebuild(handle(), corrected, e), e);
            return corrected.getValue();
        }

        /** Voids a whole sale (a mistake at the till): everything it did is undone. */
        public Receipt voidSale(long saleId, String idempotencyKey) {
            return Receipt.from(owned((out, e) -> C.loy_void_sale(handle(), saleId, idempotencyKey, out, e)));
        }

        /** The sale a commit with this key made (after a timeout: did it land?). */
        public long saleByKey(String idempotencyKey) {
            LoyError e = error();
            LongByReference id = new LongByReference();
            check(C.loy_sale_find_by_key(handle(), idempotencyKey, id, e), e);
            return id.getValue();
        }

        /** The latest sale with this receipt number (at this branch, when not null). */
        public long saleByReceipt(String receipt, String branch) {
            LoyError e = error();
            LongByReference id = new LongByReference();
            check(C.loy_sale_find_by_receipt(handle(), receipt, branch, id, e), e);
            return id.getValue();
        }

        /** Claims a past receipt: attaches a member to a sale made without one, within the
         *  programme's {@code claims} window, exactly once. {@code cashier} may be null. */
        public Receipt claimSale(long saleId, long memberId, String cashier, String idempotencyKey) {
            return Receipt.from(owned((out, e) -> C.loy_sale_claim(handle(), saleId, memberId, cashier,
                                                                   idempotencyKey, out, e)));
        }

        /** A manual adjustment with a reason and operator; returns the new balance. */
        public long adjustPoints(long memberId, long points, String reason, String operatorId,
                                 String idempotencyKey) {
            return adjustPoints(memberId, points, reason, operatorId, idempotencyKey, null);
        }

        /** The same, approved by a second operator, as the programme's adjustments.approval_above
         *  asks above its size (else a DeclinedException, LOY_ERR_NEEDS_APPROVAL). */
        public long adjustPoints(long memberId, long points, String reason, String operatorId,
                                 String idempotencyKey, String approver) {
            LoyError e = error();
            LongByReference balance = new LongByReference();
            check(C.loy_points_adjust_approved(handle(), memberId, points, reason, operatorId, approver,
                    idempotencyKey, balance, e), e);
            return balance.getValue();
        }

        /** Reserves points for ttlMs (a tab, a web order); returns the hold's id. */
        public long holdPoints(long memberId, long points, long ttlMs, String reference, String idempotencyKey) {
            LoyError e = error();
            LongByReference hold = new LongByReference();
            check(C.loy_points_hold(handle(), memberId, points, ttlMs, reference, idempotencyKey, hold, e), e);
            return hold.getValue();
        }

        /** Spends 0..the held points (the rest is released); returns the balance after. */
        public long captureHold(long holdId, long points, String idempotencyKey) {
            LoyError e = error();
            LongByReference balance = new LongByReference();
            check(C.loy_points_hold_capture(handle(), holdId, points, idempotencyKey, balance, e), e);
            return balance.getValue();
        }

        public void releaseHold(long holdId, String idempotencyKey) {
            LoyError e = error();
            check(C.loy_points_hold_release(handle(), holdId, idempotencyKey, e), e);
        }

        /** Reserves wallet money (minor units) for ttlMs; returns the hold's id. */
        public long holdWallet(long memberId, long amount, long ttlMs, String reference, String idempotencyKey) {
            LoyError e = error();
            LongByReference hold = new LongByReference();
            check(C.loy_wallet_hold(handle(), memberId, amount, ttlMs, reference, idempotencyKey, hold, e), e);
            return hold.getValue();
        }

        /** Pays 0..the held money from the wallet; returns the wallet's balance after. */
        public long captureWalletHold(long holdId, long amount, String idempotencyKey) {
            LoyError e = error();
            LongByReference balance = new LongByReference();
            check(C.loy_wallet_hold_capture(handle(), holdId, amount, idempotencyKey, balance, e), e);
            return balance.getValue();
        }

        public void releaseWalletHold(long holdId, String idempotencyKey) {
            LoyError e = error();
            check(C.loy_wallet_hold_release(handle(), holdId, idempotencyKey, e), e);
        }

        /** Gives points to another member (they keep their expiry dates), when the programme allows
         *  transfers; returns the giver's balance. */
        public long transferPoints(long fromMember, long toMember, long points, String reason,
                                   String operatorId, String idempotencyKey) {
            LoyError e = error();
            LongByReference balance = new LongByReference();
            check(C.loy_points_transfer(handle(), fromMember, toMember, points, reason, operatorId,
                    idempotencyKey, balance, e), e);
            return balance.getValue();
        }

        /** The expiry sweep at nowMs (0 = the handle's clock): {lots, points} expired. */
        public long[] expirePoints(long nowMs) {
            LoyError e = error();
            LongByReference lots = new LongByReference(), points = new LongByReference();
            check(C.loy_points_expire(handle(), nowMs, lots, points, e), e);
            return new long[] {lots.getValue(), points.getValue()};
        }

        /** {points expiring before beforeMs unless spent, the next expiry date or 0}. */
        public long[] pointsExpiring(long memberId, long beforeMs) {
            LoyError e = error();
            LongByReference points = new LongByReference(), next = new LongByReference();
            check(C.loy_points_expiring(handle(), memberId, beforeMs, points, next, e), e);
            return new long[] {points.getValue(), next.getValue()};
        }

        /** A manager report (docs/reports.md). */
        public List<Row> report(String name, int groupBy, int calendar) {
            return report(name, groupBy, calendar, 0, 0, null, 20);
        }

        public List<Row> report(String name, int groupBy, int calendar, long fromMs, long toMs, String branch,
                                int limit) {
            LoyaltyLibrary.LoyReportOptions o = reportOptions(groupBy, calendar, fromMs, toMs, branch, limit);
            return Row.read(owned((out, e) -> C.loy_report(handle(), name, o, out, e)));
        }

        /** The manager's dashboard: one self-contained HTML page (docs/reports.md). */
        public String dashboardHtml(int calendar, long fromMs, long toMs, String branch) {
            LoyaltyLibrary.LoyReportOptions o = reportOptions(LoyaltyLibrary.LOY_GROUP_NONE, calendar, fromMs,
                    toMs, branch, 20);
            return text((b, c, n, e) -> C.loy_dashboard_html(handle(), o, b, c, n, e));
        }

        private static LoyaltyLibrary.LoyReportOptions reportOptions(int groupBy, int calendar, long fromMs,
                                                                     long toMs, String branch, int limit) {
            LoyaltyLibrary.LoyReportOptions o = new LoyaltyLibrary.LoyReportOptions();
            C.loy_report_options_init(o);
            o.group_by = groupBy;
            o.calendar = calendar;
            o.from_ms = fromMs;
            o.to_ms = toMs;
            o.branch = branch;
            o.limit = limit;
            return o;
        }

        /** RFM groups and the programme's segments with their sizes. */
        public List<Row> segments(long atMs) {
            return Row.read(owned((out, e) -> C.loy_segments(handle(), atMs, out, e)));
        }

        public List<Row> segmentMembers(String segmentId, long atMs) {
            return Row.read(owned((out, e) -> C.loy_segment_members(handle(), segmentId, atMs, out, e)));
        }

        /** Queues a message campaign to its segment (a member gets it at most once). */
        public CampaignSend sendCampaign(String campaignId, long nowMs) {
            LoyError e = error();
            LongByReference q = new LongByReference(), h = new LongByReference(), s = new LongByReference();
            check(C.loy_campaign_send(handle(), campaignId, nowMs, q, h, s, e), e);
            return new CampaignSend(q.getValue(), h.getValue(), s.getValue());
        }

        /** Writes the messages the programme's triggers call for; returns how many are due. */
        public long generateMessages() {
            LoyError e = error();
            LongByReference queued = new LongByReference();
            check(C.loy_messages_generate(handle(), 0, queued, e), e);
            return queued.getValue();
        }

        /** Due messages, leased for leaseMs; acknowledge each. */
        public List<Row> fetchMessages(int limit, long leaseMs) {
            return Row.read(owned((out, e) -> C.loy_outbox_fetch(handle(), 0, limit, leaseMs, out, e)));
        }

        public void acknowledge(long messageId, boolean sent, String error, long retryAfterMs) {
            LoyError e = error();
            check(C.loy_outbox_ack(handle(), messageId,
                    sent ? LoyaltyLibrary.LOY_DELIVERY_SENT : LoyaltyLibrary.LOY_DELIVERY_FAILED,
                    error, retryAfterMs, e), e);
        }

        @Override
        public void close() {
            if (handle != null) {
                C.loy_close(handle);
                handle = null;
            }
        }
    }
}
