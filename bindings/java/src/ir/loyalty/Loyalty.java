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

    /** A failed call: status is the LOY_ERR_* code. */
    public static final class LoyaltyException extends RuntimeException {
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
            throw new LoyaltyException(status, new String(e.message, 0, n, StandardCharsets.UTF_8));
        }
    }

    public record RuleLine(String rule, long points, String explanation) {}

    public record HistoryEntry(String uid, int kind, long points, long saleId, String reason,
                               long createdAt, long expiresAt) {}

    public record TierStatus(String tier, String tierName, long score, String nextTier, long missing,
                             String progress) {}

    public record Member(long id, String uid, int status, String phone, String card, String name,
                         String tier, long balance, long available, long pending, long walletBalance) {
        static Member from(Pointer h) {
            try {
                return new Member(C.loy_member_id(h), C.loy_member_uid(h), C.loy_member_status(h),
                        C.loy_member_phone(h), C.loy_member_card(h), C.loy_member_name(h),
                        C.loy_member_tier(h), C.loy_member_balance(h), C.loy_member_available(h),
                        C.loy_member_pending(h), C.loy_member_wallet_balance(h));
            } finally {
                C.loy_member_free(h);
            }
        }
    }

    public record Quote(long total, long pointsEarned, long balance, long available,
                        long redeemablePoints, long redeemableValue, int redeemStatus,
                        long amountDue, String tier, String tierAfter, List<RuleLine> rules) {
        static Quote from(Pointer h) {
            try {
                List<RuleLine> rules = new ArrayList<>();
                long n = C.loy_quote_rule_count(h).longValue();
                for (long i = 0; i < n; i++) {
                    SizeT k = new SizeT(i);
                    rules.add(new RuleLine(C.loy_quote_rule_id(h, k), C.loy_quote_rule_points(h, k),
                            C.loy_quote_rule_explanation(h, k)));
                }
                return new Quote(C.loy_quote_total(h), C.loy_quote_points_earned(h),
                        C.loy_quote_balance(h), C.loy_quote_available(h),
                        C.loy_quote_redeemable_points(h), C.loy_quote_redeemable_value(h),
                        C.loy_quote_redeem_status(h), C.loy_quote_amount_due(h), C.loy_quote_tier(h),
                        C.loy_quote_tier_after(h), Collections.unmodifiableList(rules));
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
                          long availableAfter) {
        static Receipt from(Pointer h) {
            try {
                return new Receipt(C.loy_receipt_kind(h), C.loy_receipt_replayed(h) == 1,
                        C.loy_receipt_sale_id(h), C.loy_receipt_uid(h), C.loy_receipt_total(h),
                        C.loy_receipt_points_earned(h), C.loy_receipt_points_redeemed(h),
                        C.loy_receipt_redeem_value(h), C.loy_receipt_amount_due(h),
                        C.loy_receipt_refund_amount(h), C.loy_receipt_money_back(h),
                        C.loy_receipt_balance_after(h), C.loy_receipt_available_after(h));
            } finally {
                C.loy_receipt_free(h);
            }
        }
    }

    /** A basket builder: quantities in thousandths, amounts in minor units. */
    public static final class Basket implements AutoCloseable {
        private Pointer handle;

        public Basket() {
            LoyError e = error();
            PointerByReference out = new PointerByReference();
            check(C.loy_basket_new(out, e), e);
            handle = out.getValue();
        }

        Pointer handle() {
            if (handle == null) throw new LoyaltyException(LoyaltyLibrary.LOY_ERR_INVALID_STATE, "the basket is closed");
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
            return line.getValue();
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
            LoyaltyLibrary.LoyOpenOptions o = new LoyaltyLibrary.LoyOpenOptions();
            C.loy_open_options_init(o);
            o.path = path;
            o.default_currency = defaultCurrency;
            o.chain_mode = chainMode ? 1 : 0;
            LoyError e = error();
            PointerByReference out = new PointerByReference();
            check(C.loy_open(o, out, e), e);
            return new Database(out.getValue());
        }

        Pointer handle() {
            if (handle == null) throw new LoyaltyException(LoyaltyLibrary.LOY_ERR_INVALID_STATE, "the database is closed");
            return handle;
        }

        public void setClock(long nowMs) {
            LoyError e = error();
            check(C.loy_set_clock(handle(), nowMs, e), e);
        }

        public long loadProgrammeFile(String path) {
            LoyError e = error();
            LongByReference version = new LongByReference();
            check(C.loy_program_load_file(handle(), path, version, e), e);
            return version.getValue();
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
            LoyError e = error();
            PointerByReference out = new PointerByReference();
            check(C.loy_journal_new(out, e), e);
            Pointer j = out.getValue();
            try {
                for (JournalRecord r : records)
                    check(C.loy_journal_add(j, r.origin(), r.seq(), r.kind(), r.key(), r.body(),
                            r.prev(), r.hash(), r.createdAt(), e), e);
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
                            C.loy_history_reason(h, k), C.loy_history_created_at(h, k),
                            C.loy_history_expires_at(h, k)));
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
                        C.loy_tier_status_score(s), C.loy_tier_status_next_tier(s),
                        C.loy_tier_status_missing(s), C.loy_tier_status_progress(s));
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
            LoyError e = error();
            SizeTByReference needed = new SizeTByReference();
            check(C.loy_coupon_issue(handle(), campaignId, memberId, idempotencyKey, null, new SizeT(0),
                    needed, e), e);
            byte[] buf = new byte[(int) needed.getValue() + 1];
            check(C.loy_coupon_issue(handle(), campaignId, memberId, idempotencyKey, buf,
                    new SizeT(buf.length), needed, e), e);
            return new String(buf, 0, (int) needed.getValue(), StandardCharsets.UTF_8);
        }

        /** The check symbol catches a mistyped code before any lookup. */
        public static boolean couponCodeIsValid(String code) {
            return C.loy_coupon_code_check(code) == LoyaltyLibrary.LOY_OK;
        }

        public Quote quote(Basket b) {
            LoyError e = error();
            PointerByReference out = new PointerByReference();
            check(C.loy_quote_basket(handle(), b.handle(), out, e), e);
            return Quote.from(out.getValue());
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
            LoyError e = error();
            SizeTByReference needed = new SizeTByReference();
            check(C.loy_money_format(handle(), minorUnits, currency, 1, null, new SizeT(0), needed, e), e);
            byte[] buf = new byte[(int) needed.getValue() + 1];
            check(C.loy_money_format(handle(), minorUnits, currency, 1, buf, new SizeT(buf.length), needed, e), e);
            return new String(buf, 0, (int) needed.getValue(), StandardCharsets.UTF_8);
        }

        /** Everything held about a member, as JSON (an access request). */
        public String exportMember(long memberId) {
            LoyError e = error();
            SizeTByReference needed = new SizeTByReference();
            check(C.loy_member_export(handle(), memberId, null, new SizeT(0), needed, e), e);
            byte[] buf = new byte[(int) needed.getValue() + 1];
            check(C.loy_member_export(handle(), memberId, buf, new SizeT(buf.length), needed, e), e);
            return new String(buf, 0, (int) needed.getValue(), StandardCharsets.UTF_8);
        }

        public long verify() {
            LoyError e = error();
            LongByReference problems = new LongByReference();
            check(C.loy_verify(handle(), problems, null, new SizeT(0), new SizeTByReference(), e), e);
            return problems.getValue();
        }

        /** A manager report (docs/reports.md): rows of column name to cell text. */
        public List<Map<String, String>> report(String name, int groupBy, int calendar) {
            LoyaltyLibrary.LoyReportOptions o = new LoyaltyLibrary.LoyReportOptions();
            C.loy_report_options_init(o);
            o.group_by = groupBy;
            o.calendar = calendar;
            LoyError e = error();
            PointerByReference out = new PointerByReference();
            check(C.loy_report(handle(), name, o, out, e), e);
            return table(out.getValue());
        }

        /** Writes the messages the programme's triggers call for; returns how many are due. */
        public long generateMessages() {
            LoyError e = error();
            LongByReference queued = new LongByReference();
            check(C.loy_messages_generate(handle(), 0, queued, e), e);
            return queued.getValue();
        }

        /** Due messages, leased for leaseMs; acknowledge each. */
        public List<Map<String, String>> fetchMessages(int limit, long leaseMs) {
            LoyError e = error();
            PointerByReference out = new PointerByReference();
            check(C.loy_outbox_fetch(handle(), 0, limit, leaseMs, out, e), e);
            return table(out.getValue());
        }

        public void acknowledge(long messageId, boolean sent, String error, long retryAfterMs) {
            LoyError e = error();
            check(C.loy_outbox_ack(handle(), messageId,
                    sent ? LoyaltyLibrary.LOY_DELIVERY_SENT : LoyaltyLibrary.LOY_DELIVERY_FAILED,
                    error, retryAfterMs, e), e);
        }

        private static List<Map<String, String>> table(Pointer t) {
            try {
                List<Map<String, String>> rows = new ArrayList<>();
                long cols = C.loy_table_column_count(t).longValue();
                long n = C.loy_table_row_count(t).longValue();
                for (long r = 0; r < n; r++) {
                    Map<String, String> row = new LinkedHashMap<>();
                    for (long c = 0; c < cols; c++)
                        row.put(C.loy_table_column_name(t, new SizeT(c)),
                                C.loy_table_text(t, new SizeT(r), new SizeT(c)));
                    rows.add(row);
                }
                return rows;
            } finally {
                C.loy_table_free(t);
            }
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
