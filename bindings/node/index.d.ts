// TypeScript declarations of the libloyalty Node binding (index.js). Amounts are minor units of
// the currency and points whole points; the library counts them in int64: a value past
// Number.MAX_SAFE_INTEGER (2^53 - 1) comes back as a bigint, which `Int64` allows for.

export type Int64 = number | bigint;

/** A failed call: `status` is the LOY_ERR_* code, `statusName` its name, `detail` the message. */
export class LoyaltyError extends Error {
  readonly status: number;
  readonly statusName: string;
  readonly detail: string;
  /** True for LOY_ERR_BUSY, _IO and _NO_MEMORY: retry with the same idempotency key. */
  readonly transient: boolean;
  /** LOY_FAMILY_*: what to do about it. The error thrown is the family's subclass. */
  readonly family: number;
}
/** Fix the call: an argument, amount, phone, currency or programme is wrong. */
export class InvalidInputError extends LoyaltyError {}
/** No such member, sale, coupon, reward, report... */
export class NotFoundError extends LoyaltyError {}
/** The data's state refuses: a duplicate, a key reused, a voided sale, an inactive member. */
export class ConflictError extends LoyaltyError {}
/** The programme refuses (tell the customer): not enough points, a coupon, a cap, stock. */
export class DeclinedError extends LoyaltyError {}
/** Nothing was written: retry with the same idempotency key. */
export class TransientError extends LoyaltyError {}
/** The file or the library: not a database, too new, read-only, internal. */
export class FailureError extends LoyaltyError {}
/** The error of a status's family, as the binding throws it. */
export function error(status: number, message: string): LoyaltyError;

export interface OpenOptions {
  durability?: number;        // constants.LOY_DURABILITY_FULL (default) or _NORMAL
  busyTimeoutMs?: number;
  defaultCountry?: string;    // ISO 3166 alpha-2, default "IR"
  defaultCurrency?: string;   // default "IRR"
  origin?: string;
  readOnly?: boolean;
  currencyExponent?: number;  // for a default currency the file does not know (INR: 2)
  chainMode?: boolean;        // a till of a chain: points are spent under the authority's hold
  offlineTillPoints?: Int64;  // chain mode: points spendable without a hold in 24 hours
  offlineMemberPoints?: Int64; // of those, per member
  checkpoint?: number;        // constants.LOY_CHECKPOINT_BACKGROUND (default), _INLINE or _MANUAL
}

export interface MemberFields {
  phone?: string; card?: string; name?: string; email?: string; gender?: string;
  tags?: string; language?: string; branch?: string; referrer?: string;
  birthYear?: number; birthMonth?: number; birthDay?: number;
  consentSms?: number; consentEmail?: number; consentPush?: number;
}

export interface Member {
  id: Int64; uid: string; status: number; phone: string; card: string; name: string;
  email: string; tags: string; language: string; tier: string; balance: Int64;
  available: Int64; pending: Int64; lifetimeEarned: Int64; walletBalance: Int64;
  referralCode: string; gender: string; branch: string; birthYear: number; birthMonth: number;
  birthDay: number; consentSms: boolean; consentEmail: boolean; consentPush: boolean;
  referrerId: Int64; mergedInto: Int64; createdAt: Int64;
}

/** A coupon presented in a basket: LOY_OK when it applies, else why not (`message`). */
export interface CouponResult {
  code: string; campaign: string; status: number; message: string; amount: Int64; points: Int64;
}

export interface RuleLine { rule: string; points: Int64; explanation: string }

export interface Quote {
  memberId: Int64; programVersion: Int64; total: Int64; pointsEarned: Int64; balance: Int64;
  available: Int64; redeemablePoints: Int64; redeemableValue: Int64; redeemStatus: number;
  redeemPoints: Int64; redeemValue: Int64; amountDue: Int64; benefitDiscount: Int64;
  couponDiscount: Int64; cashback: Int64; tier: string; tierAfter: string; progress: string;
  rules: RuleLine[]; coupons: CouponResult[]; freeDelivery: boolean; walletBalance: Int64;
  walletAvailable: Int64; walletStatus: number; walletAmount: Int64; giftCardAmount: Int64;
  /** Points per basket line, in line order. */
  linePoints: Int64[];
}

export interface Receipt {
  kind: number; replayed: boolean; saleId: Int64; uid: string; memberId: Int64;
  programVersion: Int64; total: Int64; pointsEarned: Int64; pointsRedeemed: Int64;
  redeemValue: Int64; amountDue: Int64; refundAmount: Int64; balanceAfter: Int64;
  availableAfter: Int64; walletAmount: Int64; cashback: Int64; giftCardAmount: Int64;
  /** Refund and void: the money to hand back by the sale's other tenders. */
  moneyBack: Int64;
  tierBefore: string; tierAfter: string; issuedCodes: string[]; rules: RuleLine[];
  /** LOY_REDEEM_NONE, _HOLD (a chain's till, under a hold) or _ALLOWANCE (offline allowance). */
  redeemMode: number;
  createdAt: Int64; benefitDiscount: Int64; couponDiscount: Int64;
  coupons: Array<{ code: string; amount: Int64 }>;
}

/** A report or message row: whole numbers as numbers, decimals and labels as text. */
export type Row = Record<string, Int64 | string>;

export interface SaleContext {
  receipt?: string | null; branch?: string | null; terminal?: string | null;
  cashier?: string | null;
}

export class Basket {
  constructor();
  setMember(id: Int64): this;
  setContext(context?: SaleContext): this;
  setCurrency(code: string): this;
  /** quantity in thousandths (1 item = 1000), prices in minor units; returns the line number. */
  addLine(sku: string, category: string, quantityMilli: Int64, unitPrice: Int64,
          lineDiscount?: Int64): Int64;
  setCharges(tax?: Int64, service?: Int64, tip?: Int64): this;
  addTender(type: string, amount: Int64): this;
  addCoupon(code: string): this;
  payWallet(amount: Int64): this;
  payGiftCard(code: string, amount: Int64): this;
  redeemPoints(points: Int64): this;
  /** In chain mode: the authority's hold covering the points this sale spends. */
  setHold(holdId: string | null, points?: Int64): this;
  setWalletHold(holdId: string | null, amount?: Int64): this;
  setCouponHold(holdId: string | null): this;
  setGiftcardHold(holdId: string | null): this;
  addPlan(planId: string, periods?: number): Int64;
  /** A wallet top-up sold as a line; returns its line number. */
  addWalletTopup(amount: Int64): Int64;
  /** The basket lines added so far (a plan is a line too). */
  readonly lines: number;
  close(): void;
}

export interface HistoryEntry {
  uid: string; kind: number; points: Int64; saleId: Int64; reason: string; branch: string;
  terminal: string; createdAt: Int64; expiresAt: Int64; corrects: string;
  /** The sale's cashier, the adjustment's operator, and who approved an adjustment. */
  operator: string; approver: string;
}

export interface TierStatus {
  tier: string; tierName: string; score: Int64; nextTier: string; nextTierName: string;
  missing: Int64; progress: string; plan: string; benefits: string[]; since: Int64;
  nextThreshold: Int64; atRiskSince: Int64; floorTier: string; multiplier: string;
  discount: string; freeDelivery: boolean; planEndsAt: Int64; events: TierEvent[];
  assignedTier: string; assignedUntil: Int64;
}

export interface TierEvent {
  uid: string; from: string; to: string; reason: string; score: Int64; saleId: Int64; at: Int64;
}

/** Points spent on a reward of the catalogue. */
export interface Redemption {
  id: Int64; uid: string; replayed: boolean; reward: string; quantity: Int64; points: Int64;
  couponCode: string; walletCredit: Int64; cause: string;
}

export interface MemberQuery {
  namePrefix?: string | null; phonePrefix?: string | null; tag?: string | null;
  includeInactive?: boolean; limit?: number; afterId?: Int64;
}

export interface ReportInfo { name: string; title: string; description: string }

/** Where and by whom a gift card changed. */
export interface GiftCardContext { reference?: string | null; operator?: string | null }

export interface Coupon {
  code: string; campaign: string; memberId: Int64; maxUses: Int64; uses: Int64;
  validUntil: Int64; revoked: boolean; uid: string; batchId: Int64; issuedSaleId: Int64;
}

/** What a handle writes as (docs/journal.md). */
export interface Origin { name: string; generation: Int64; newGeneration: boolean; }

/** One record of an origin's journal: the facts one committed write made. */
export interface JournalRecord {
  origin: string; seq: Int64; kind: string; key: string; body: string; prev: string; hash: string;
  createdAt: Int64;
  /** The body's facts, each with `t` (its type), `id` and its fields. */
  facts(): Array<Record<string, unknown>>;
}

export interface ReportOptions {
  groupBy?: number; calendar?: number; fromMs?: Int64; toMs?: Int64; branch?: string | null;
  limit?: number;
}

export class Database {
  static open(path: string, options?: OpenOptions): Database;
  setClock(nowMs: Int64): void;
  checkpoint(): { walFrames: number; copiedFrames: number };
  now(): Int64;
  loadProgramme(json: string): Int64;
  loadProgrammeFile(path: string): Int64;
  publishProgramme(json: string, startsAtMs?: Int64): Int64;
  nextProgramme(): { version: Int64; startsAt: Int64 };
  exportProgramme(version?: Int64): string;
  /** Everything held about a member (an access request). */
  exportMember(memberId: Int64): Record<string, unknown>;
  formatMoney(minorUnits: Int64, currency: string, grouping?: boolean): string;
  normalizePhone(phone: string): string;
  enrol(fields: MemberFields, idempotencyKey?: string | null): Member;
  updateMember(id: Int64, fields: MemberFields, idempotencyKey?: string | null): Member;
  member(id: Int64): Member;
  identify(phoneOrCard: string): Member;
  findByCard(card: string): Member;
  deactivate(id: Int64, idempotencyKey?: string | null): void;
  reactivate(id: Int64, idempotencyKey?: string | null): void;
  /** Erases the member's personal data for good; history stays anonymous. */
  erase(id: Int64, idempotencyKey?: string | null): void;
  merge(survivorId: Int64, absorbedId: Int64, idempotencyKey?: string | null): Member;
  origin(): Origin;
  memberByUid(uid: string): Member;
  saleByUid(uid: string): Int64;
  receipt(uid: string): Receipt;
  couponByUid(uid: string): Coupon;
  /** The records of `origin` (null: this handle's) after `afterSeq`: at most `limit`, ending
   * with the record whose body brings them to 8 MiB; read on after the last seq until none. */
  journal(options?: { origin?: string | null; afterSeq?: Int64; limit?: number }): JournalRecord[];
  /** Applies other origins' records, and the profiles of the members they bring (by member uid),
   * in one transaction (docs/journal.md). */
  applyJournal(records: JournalRecord[], profiles?: Record<string, MemberFields>): { applied: Int64; duplicates: Int64 };
  /** The last record this file holds of each origin: where a sync resumes. */
  journalHeads(): JournalRecord[];
  /** A member's profile as another till holds it, written without a journal record. */
  applyProfile(uid: string, fields: MemberFields): Member;
  history(memberId: Int64, options?: { limit?: number; offset?: number }): HistoryEntry[];
  recordEvent(memberId: Int64, action: string, idempotencyKey: string): Int64;
  tierStatus(memberId: Int64): TierStatus;
  wallet(memberId: Int64): { balance: Int64; available: Int64; pending: Int64 };
  creditWallet(memberId: Int64, amount: Int64, reason: string, operator: string,
               idempotencyKey: string): Int64;
  issueCoupon(campaignId: string, memberId: Int64, idempotencyKey: string): string;
  coupon(code: string): Coupon;
  revokeCoupon(code: string, idempotencyKey: string): void;
  static couponCodeIsValid(code: string): boolean;
  basket(options?: { member?: Int64 } & SaleContext): Basket;
  quote(basket: Basket): Quote;
  giftcardClaims(basket: Basket): { cards: Array<{ code: string; amount: Int64 }> };
  couponClaims(basket: Basket): { member: string; items: Array<Record<string, string | number>> };
  commit(basket: Basket, idempotencyKey: string): Receipt;
  refund(saleId: Int64, lines: Array<[number, Int64]>, idempotencyKey: string): Receipt;
  void(saleId: Int64, idempotencyKey: string): Receipt;
  claimSale(saleId: Int64, memberId: Int64, idempotencyKey: string, cashier?: string | null): Receipt;
  adjustPoints(memberId: Int64, points: Int64, reason: string, operator: string,
               idempotencyKey: string, approver?: string | null): Int64;
  report(name: string, options?: ReportOptions): Row[];
  generateMessages(nowMs?: Int64): Int64;
  fetchMessages(limit?: number, leaseMs?: Int64, nowMs?: Int64): Row[];
  acknowledge(messageId: Int64,
              outcome?: { sent?: boolean; error?: string | null; retryAfterMs?: Int64 }): void;
  verify(): { problems: Int64; text: string };
  /** The manager's dashboard: one self-contained HTML page. */
  dashboardHtml(options?: ReportOptions): string;
  rewardReport(fromMs?: Int64, toMs?: Int64): Row[];
  segments(atMs?: Int64): Row[];
  segmentMembers(segmentId: string, atMs?: Int64): Row[];
  sendCampaign(campaignId: string, nowMs?: Int64):
      { queued: Int64; holdout: Int64; suppressed: Int64 };
  findByPhone(phone: string): Member;
  /** One page of members by id (keyset paging: pass the last id as afterId). */
  searchMembers(query?: MemberQuery): Member[];
  importMembersCsv(csv: string, options?: { dryRun?: boolean }):
      { rows: Int64; imported: Int64; errors: Row[] };
  memberSales(memberId: Int64, limit?: number): Row[];
  memberCoupons(memberId: Int64): Row[];
  memberMessages(memberId: Int64, limit?: number): Row[];
  memberSegments(memberId: Int64, atMs?: Int64): Row[];
  reviewTiers(nowMs?: Int64):
      { reviewed: Int64; upgraded: Int64; downgraded: Int64; atRisk: Int64 };
  assignTier(memberId: Int64, tier: string | null, reason: string, idempotencyKey: string,
             options?: { untilMs?: Int64; operator?: string | null }): void;
  createHousehold(headMemberId: Int64, idempotencyKey: string): Int64;
  joinHousehold(householdId: Int64, memberId: Int64, idempotencyKey: string): void;
  leaveHousehold(memberId: Int64, idempotencyKey: string): void;
  /** The member's household: id 0 when none. */
  household(memberId: Int64): { id: Int64; headId: Int64; members: Int64 };
  /** The member's stamps on one of the programme's stamp cards. */
  stamps(memberId: Int64, card: string): Int64;
  cancelPlan(memberId: Int64, idempotencyKey: string): void;
  /** Gift cards: sold with a first amount (returns the code), loaded, redeemed, credited back. */
  sellGiftCard(amount: Int64, idempotencyKey: string, options?: GiftCardContext): string;
  loadGiftCard(code: string, amount: Int64, idempotencyKey: string, options?: GiftCardContext): Int64;
  redeemGiftCard(code: string, amount: Int64, idempotencyKey: string,
                 options?: GiftCardContext): Int64;
  refundGiftCard(code: string, amount: Int64, idempotencyKey: string,
                 options?: GiftCardContext): Int64;
  giftCardBalance(code: string): Int64;
  createCouponBatch(campaignId: string, count: Int64, idempotencyKey: string): Int64;
  exportCouponBatch(batchId: Int64): string[];
  redeemReward(memberId: Int64, rewardId: string, quantity: Int64,
               idempotencyKey: string, holdId?: string | null): Redemption;
  refundReward(redemptionId: Int64, idempotencyKey: string): void;
  recordPartnerRedemption(partnerId: string, code: string, amount: Int64,
                          idempotencyKey: string): void;
  partnerSettlement(partnerId?: string | null, fromMs?: Int64, toMs?: Int64): Row[];
  enterDraw(drawId: string, memberId: Int64, entries: Int64, idempotencyKey: string): Int64;
  drawEntries(drawId: string): Row[];
  runDraw(drawId: string, seed: string, winners: Int64, idempotencyKey: string): Row[];
  /** Reserves points for ttlMs (a tab, a web order); returns the hold's id. */
  holdPoints(memberId: Int64, points: Int64, ttlMs: Int64, idempotencyKey: string,
             options?: { reference?: string | null }): Int64;
  /** Spends 0..the held points (the rest is released); returns the balance after. */
  captureHold(holdId: Int64, points: Int64, idempotencyKey: string): Int64;
  releaseHold(holdId: Int64, idempotencyKey: string): void;
  /** Reserves wallet money (minor units) for ttlMs; returns the hold's id. */
  holdWallet(memberId: Int64, amount: Int64, ttlMs: Int64, idempotencyKey: string,
             options?: { reference?: string | null }): Int64;
  /** Pays 0..the held money from the wallet; returns the wallet's balance after. */
  captureWalletHold(holdId: Int64, amount: Int64, idempotencyKey: string): Int64;
  releaseWalletHold(holdId: Int64, idempotencyKey: string): void;
  /** Gives points to another member, with their expiry dates; returns the giver's balance. */
  transferPoints(fromMember: Int64, toMember: Int64, points: Int64, idempotencyKey: string,
                 options?: { reason?: string | null; operator?: string | null }): Int64;
  expirePoints(nowMs?: Int64): { lots: Int64; points: Int64 };
  pointsExpiring(memberId: Int64, beforeMs: Int64): { points: Int64; nextExpiry: Int64 };
  rebuild(): Int64;
  saleByKey(idempotencyKey: string): Int64;
  saleByReceipt(receipt: string, branch?: string | null): Int64;
  setCurrency(code: string, exponent: number): void;
  currencyExponent(code: string): number;
  programmeVersion(): Int64;
  close(): void;
}

/** The manager reports this library computes. */
export function reports(): ReportInfo[];
/** The loaded library's version, "0.4.0". */
export function version(): string;

/** LOY_* constants of the C header (statuses, durability, grouping, calendars...). */
export const constants: Readonly<Record<string, number>>;
/** Loads the library (`path`, else the first of libraryCandidates() that loads). */
export function load(path?: string): Record<string, (...args: unknown[]) => unknown>;
/** Where the library is looked for, in order. */
export function libraryCandidates(platform?: string, arch?: string, here?: string,
                                  env?: Record<string, string | undefined>): string[];
/** Throws when `number` (loy_version_number) is of another major version than this binding. */
export function checkVersion(number: number): void;
