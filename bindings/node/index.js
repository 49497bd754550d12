// libloyalty for Node.js: the C ABI through koffi (no compiled addon of ours).
//
//   const { Database } = require('libloyalty');
//   const db = Database.open('club.db', { defaultCurrency: 'IRT' });
//   db.loadProgrammeFile('programme.json');
//   const sara = db.enrol({ phone: '0912 345 6789', name: 'Sara' });
//   const basket = db.basket({ member: sara.id, receipt: 'R-1' });
//   basket.addLine('LATTE', 'coffee', 2000, 150000);
//   const receipt = db.commit(basket, 'T1-R-1');   // retry with the same key: replayed
//   basket.close(); db.close();
//
// Every failure throws a LoyaltyError carrying the C status code (`status`), its name and the
// library's message. Results are plain objects copied out of the C result handles, which are
// freed before the call returns. Amounts and points are Numbers (BigInt beyond 2^53).
'use strict';

const koffi = require('koffi');
const { constants, declare } = require('./capi');

const nodePath = require('node:path');
const fs = require('node:fs');

let api = null;

// Where the library is looked for, in order, without configuration: $LOYALTY_LIBRARY if set;
// else the platform's file name (loyalty.dll on Windows, libloyalty.0.dylib on macOS,
// libloyalty.so.0 elsewhere) in this package's prebuilds/<platform>-<arch>/ folder and beside
// this file, then the bare name for the system's own search (on Windows: the program's folder,
// the working directory and PATH).
function libraryCandidates(platform = process.platform, arch = process.arch, here = __dirname,
                           env = process.env) {
  if (env.LOYALTY_LIBRARY) return [env.LOYALTY_LIBRARY];
  const name = platform === 'win32' ? 'loyalty.dll'
    : platform === 'darwin' ? 'libloyalty.0.dylib' : 'libloyalty.so.0';
  const join = platform === 'win32' ? nodePath.win32.join : nodePath.posix.join;
  return [join(here, 'prebuilds', `${platform}-${arch}`, name), join(here, name), name];
}

// Refuses a library of another major version than the header the declarations were generated
// from (its functions may differ); `number` is loy_version_number().
function checkVersion(number) {
  const major = Math.floor(number / 10000);
  if (major !== constants.LOY_VERSION_MAJOR) {
    throw new Error(`libloyalty ${major}.${Math.floor(number / 100) % 100}.${number % 100} was ` +
                    `loaded, but this binding is for ${constants.LOY_VERSION_MAJOR}.x; install a ` +
                    'matching library or binding');
  }
}

function load(path) {
  if (!api || path) {
    const tried = [];
    for (const candidate of path ? [path] : libraryCandidates()) {
      const isPath = candidate.includes('/') || candidate.includes('\\');
      if (isPath && !path && !fs.existsSync(candidate)) continue;
      try {
        const loaded = declare(koffi, koffi.load(candidate));
        checkVersion(loaded.fn.loy_version_number());
        api = loaded;
        break;
      } catch (e) {
        tried.push(`${candidate}: ${e.message}`);
      }
    }
    if (!api || (path && tried.length)) {
      throw new Error('libloyalty not found; set LOYALTY_LIBRARY to its path (tried: ' +
                      (tried.join('; ') || libraryCandidates().join('; ')) + ')');
    }
  }
  return api.fn;
}

class LoyaltyError extends Error {
  constructor(status, message) {
    const name = load().loy_status_name(status);
    super(`${name}: ${message}`);
    this.status = status;
    this.statusName = name;
    this.detail = message;
  }
  get transient() {
    return load().loy_status_is_transient(this.status) === 1;
  }
  // LOY_FAMILY_*: what to do about it (loy_status_family).
  get family() {
    return load().loy_status_family(this.status);
  }
}

// One error class per status family; every one is a LoyaltyError.
class InvalidInputError extends LoyaltyError {} // fix the call
class NotFoundError extends LoyaltyError {}
class ConflictError extends LoyaltyError {} // the data's state refuses
class DeclinedError extends LoyaltyError {} // the programme refuses: tell the customer
class TransientError extends LoyaltyError {} // nothing written: retry with the same key
class FailureError extends LoyaltyError {} // the file or the library

const FAMILIES = {
  [constants.LOY_FAMILY_INVALID_INPUT]: InvalidInputError,
  [constants.LOY_FAMILY_NOT_FOUND]: NotFoundError,
  [constants.LOY_FAMILY_CONFLICT]: ConflictError,
  [constants.LOY_FAMILY_DECLINED]: DeclinedError,
  [constants.LOY_FAMILY_TRANSIENT]: TransientError,
  [constants.LOY_FAMILY_FAILURE]: FailureError,
};

// The error of a status's family, e.g. NotFoundError for LOY_ERR_NOT_FOUND.
function error(status, message) {
  const Family = FAMILIES[load().loy_status_family(status)] || FailureError;
  return new Family(status, message);
}

function newError() {
  return { size: 0, code: 0, message: '' };
}

// Calls fn(...args, err) and throws on failure.
function call(fn, ...args) {
  const err = newError();
  load().loy_error_init(err);
  const status = fn(...args, err);
  if (status !== constants.LOY_OK) throw error(status, err.message);
}

// Calls fn(...args, out, err) for a function that hands back an owned handle.
function owned(fn, ...args) {
  const out = [null];
  call(fn, ...args, out);
  return out[0];
}

function scalarOut(fn, ...args) {
  const out = [0];
  call(fn, ...args, out);
  return out[0];
}

// Calls fn(...args, &out1..&outN, err) and returns the N values.
function outs(n, fn, ...args) {
  const cells = Array.from({ length: n }, () => [0]);
  call(fn, ...args, ...cells);
  return cells.map((c) => c[0]);
}

function reportOptions({ groupBy = constants.LOY_GROUP_NONE, calendar = constants.LOY_CALENDAR_GREGORIAN,
  fromMs = 0, toMs = 0, branch = null, limit = 20 } = {}) {
  const o = {};
  load().loy_report_options_init(o);
  Object.assign(o, { group_by: groupBy, calendar, from_ms: fromMs, to_ms: toMs, branch, limit });
  return o;
}

// snprintf-style text out: ask for the size, then fill.
function textOut(fn, ...args) {
  const needed = [0];
  call(fn, ...args, null, 0, needed);
  const buf = Buffer.alloc(Number(needed[0]) + 1);
  call(fn, ...args, buf, buf.length, needed);
  return buf.toString('utf8', 0, Number(needed[0]));
}

// The records of a loy_journal handle; each one's facts() parses its body.
function journalRecords(j) {
  const f = load();
  const out = [];
  for (let i = 0; i < Number(f.loy_journal_count(j)); i++) {
    const body = f.loy_journal_body(j, i);
    out.push({
      origin: f.loy_journal_origin(j, i), seq: f.loy_journal_seq(j, i), kind: f.loy_journal_kind(j, i),
      key: f.loy_journal_key(j, i), body, prev: f.loy_journal_prev(j, i), hash: f.loy_journal_hash(j, i),
      createdAt: f.loy_journal_created_at(j, i), facts: () => JSON.parse(body),
    });
  }
  return out;
}

function scoped(free, handle, read) {
  try {
    return read(handle);
  } finally {
    free(handle);
  }
}

function coupon(c) {
  const f = load();
  return {
    code: f.loy_coupon_code(c), campaign: f.loy_coupon_campaign(c), memberId: f.loy_coupon_member_id(c),
    maxUses: f.loy_coupon_max_uses(c), uses: f.loy_coupon_uses(c), validUntil: f.loy_coupon_valid_until(c),
    revoked: f.loy_coupon_revoked(c) === 1, uid: f.loy_coupon_uid(c),
    batchId: f.loy_coupon_batch_id(c), issuedSaleId: f.loy_coupon_issued_sale_id(c),
  };
}

function rules(f, prefix, h) {
  const n = Number(f[`${prefix}_rule_count`](h));
  const out = [];
  for (let i = 0; i < n; i++) {
    out.push({
      rule: f[`${prefix}_rule_id`](h, i),
      points: f[`${prefix}_rule_points`](h, i),
      explanation: f[`${prefix}_rule_explanation`](h, i),
    });
  }
  return out;
}

function member(h) {
  const f = load();
  return {
    id: f.loy_member_id(h), uid: f.loy_member_uid(h), status: f.loy_member_status(h),
    phone: f.loy_member_phone(h), card: f.loy_member_card(h), name: f.loy_member_name(h),
    email: f.loy_member_email(h), tags: f.loy_member_tags(h), language: f.loy_member_language(h),
    tier: f.loy_member_tier(h), balance: f.loy_member_balance(h),
    available: f.loy_member_available(h), pending: f.loy_member_pending(h),
    lifetimeEarned: f.loy_member_lifetime_earned(h), walletBalance: f.loy_member_wallet_balance(h),
    referralCode: f.loy_member_referral_code(h), gender: f.loy_member_gender(h),
    branch: f.loy_member_branch(h), birthYear: f.loy_member_birth_year(h),
    birthMonth: f.loy_member_birth_month(h), birthDay: f.loy_member_birth_day(h),
    consentSms: f.loy_member_consent_sms(h) === 1, consentEmail: f.loy_member_consent_email(h) === 1,
    consentPush: f.loy_member_consent_push(h) === 1, referrerId: f.loy_member_referrer_id(h),
    mergedInto: f.loy_member_merged_into(h), createdAt: f.loy_member_created_at(h),
  };
}

// Counts calls of an accessor taking (handle, index) into an array.
function each(count, read) {
  const out = [];
  for (let i = 0; i < Number(count); i++) out.push(read(i));
  return out;
}

function quote(h, lines = 0) {
  const f = load();
  return {
    memberId: f.loy_quote_member_id(h), programVersion: f.loy_quote_program_version(h),
    total: f.loy_quote_total(h), pointsEarned: f.loy_quote_points_earned(h),
    balance: f.loy_quote_balance(h), available: f.loy_quote_available(h),
    redeemablePoints: f.loy_quote_redeemable_points(h),
    redeemableValue: f.loy_quote_redeemable_value(h), redeemStatus: f.loy_quote_redeem_status(h),
    redeemPoints: f.loy_quote_redeem_points(h), redeemValue: f.loy_quote_redeem_value(h),
    amountDue: f.loy_quote_amount_due(h), benefitDiscount: f.loy_quote_benefit_discount(h),
    couponDiscount: f.loy_quote_coupon_discount(h), cashback: f.loy_quote_cashback(h),
    tier: f.loy_quote_tier(h), tierAfter: f.loy_quote_tier_after(h),
    progress: f.loy_quote_progress(h), rules: rules(f, 'loy_quote', h),
    coupons: each(f.loy_quote_coupon_count(h), (i) => ({
      code: f.loy_quote_coupon_code(h, i), campaign: f.loy_quote_coupon_campaign(h, i),
      status: f.loy_quote_coupon_status(h, i), message: f.loy_quote_coupon_message(h, i),
      amount: f.loy_quote_coupon_amount(h, i), points: f.loy_quote_coupon_points(h, i),
    })),
    freeDelivery: f.loy_quote_free_delivery(h) === 1,
    walletBalance: f.loy_quote_wallet_balance(h), walletAvailable: f.loy_quote_wallet_available(h),
    walletStatus: f.loy_quote_wallet_status(h), walletAmount: f.loy_quote_wallet_amount(h),
    giftCardAmount: f.loy_quote_gift_card_amount(h),
    linePoints: each(lines, (i) => f.loy_quote_line_points(h, i + 1)),
  };
}

function receipt(h) {
  const f = load();
  const issued = [];
  for (let i = 0; i < Number(f.loy_receipt_issued_count(h)); i++) issued.push(f.loy_receipt_issued_code(h, i));
  return {
    kind: f.loy_receipt_kind(h), replayed: f.loy_receipt_replayed(h) === 1,
    saleId: f.loy_receipt_sale_id(h), uid: f.loy_receipt_uid(h),
    memberId: f.loy_receipt_member_id(h), programVersion: f.loy_receipt_program_version(h),
    total: f.loy_receipt_total(h), pointsEarned: f.loy_receipt_points_earned(h),
    pointsRedeemed: f.loy_receipt_points_redeemed(h), redeemValue: f.loy_receipt_redeem_value(h),
    amountDue: f.loy_receipt_amount_due(h), refundAmount: f.loy_receipt_refund_amount(h),
    balanceAfter: f.loy_receipt_balance_after(h), availableAfter: f.loy_receipt_available_after(h),
    walletAmount: f.loy_receipt_wallet_amount(h), cashback: f.loy_receipt_cashback(h),
    giftCardAmount: f.loy_receipt_gift_card_amount(h),
    redeemMode: f.loy_receipt_redeem_mode(h),
    moneyBack: f.loy_receipt_money_back(h),
    tierBefore: f.loy_receipt_tier_before(h), tierAfter: f.loy_receipt_tier_after(h),
    issuedCodes: issued, rules: rules(f, 'loy_receipt', h),
    createdAt: f.loy_receipt_created_at(h), benefitDiscount: f.loy_receipt_benefit_discount(h),
    couponDiscount: f.loy_receipt_coupon_discount(h),
    coupons: each(f.loy_receipt_coupon_count(h), (i) => ({
      code: f.loy_receipt_coupon_code(h, i), amount: f.loy_receipt_coupon_amount(h, i),
    })),
  };
}

function table(h) {
  const f = load();
  const cols = [];
  for (let c = 0; c < Number(f.loy_table_column_count(h)); c++) cols.push(f.loy_table_column_name(h, c));
  const rows = [];
  for (let r = 0; r < Number(f.loy_table_row_count(h)); r++) {
    const row = {};
    // Whole numbers as numbers, as Python gives ints; decimals (percentages "66.7") and labels
    // as their text.
    cols.forEach((name, c) => {
      const text = f.loy_table_text(h, r, c);
      const number = f.loy_table_is_number(h, r, c) === 1 ? f.loy_table_int(h, r, c) : null;
      row[name] = number !== null && String(number) === text ? number : text;
    });
    rows.push(row);
  }
  return rows;
}

class Handle {
  constructor(handle, free) {
    this._h = handle;
    this._free = free;
  }
  get handle() {
    if (!this._h) throw error(constants.LOY_ERR_INVALID_STATE, 'the handle is closed');
    return this._h;
  }
  close() {
    if (this._h) {
      this._free(this._h);
      this._h = null;
    }
  }
}

class Basket extends Handle {
  constructor() {
    const f = load();
    super(owned(f.loy_basket_new), f.loy_basket_free);
    this.lines = 0; // basket lines added (a plan is a line too)
  }
  setMember(id) { call(load().loy_basket_set_member, this.handle, id); return this; }
  setContext({ receipt = null, branch = null, terminal = null, cashier = null } = {}) {
    call(load().loy_basket_set_context, this.handle, receipt, branch, terminal, cashier);
    return this;
  }
  setCurrency(code) { call(load().loy_basket_set_currency, this.handle, code); return this; }
  addLine(sku, category, quantityMilli, unitPrice, lineDiscount = 0) {
    const line = scalarOut(load().loy_basket_add_line, this.handle, sku, category, quantityMilli,
      unitPrice, lineDiscount);
    this.lines = Math.max(this.lines, line);
    return line;
  }
  setCharges(tax = 0, service = 0, tip = 0) {
    call(load().loy_basket_set_charges, this.handle, tax, service, tip);
    return this;
  }
  addTender(type, amount) { call(load().loy_basket_add_tender, this.handle, type, amount); return this; }
  addCoupon(code) { call(load().loy_basket_add_coupon, this.handle, code); return this; }
  payWallet(amount) { call(load().loy_basket_pay_wallet, this.handle, amount); return this; }
  // Pays part of the sale with a gift card, redeemed with the sale.
  payGiftCard(code, amount) { call(load().loy_basket_pay_giftcard, this.handle, code, amount); return this; }
  redeemPoints(points) { call(load().loy_basket_redeem_points, this.handle, points); return this; }
  // In chain mode: the authority's hold covering the points this sale spends (docs/chain.md).
  setHold(holdId, points = 0) { call(load().loy_basket_set_hold, this.handle, holdId, points); return this; }
  // In chain mode: the authority's hold covering the wallet money this sale pays.
  setWalletHold(holdId, amount = 0) { call(load().loy_basket_set_wallet_hold, this.handle, holdId, amount); return this; }
  // In chain mode: the authority's hold covering the basket's gift cards.
  setGiftcardHold(holdId) { call(load().loy_basket_set_giftcard_hold, this.handle, holdId); return this; }
  // In chain mode: the authority's hold covering the coupon uses a limit counts chain-wide.
  setCouponHold(holdId) { call(load().loy_basket_set_coupon_hold, this.handle, holdId); return this; }
  addPlan(planId, periods = 1) {
    const line = scalarOut(load().loy_basket_add_plan, this.handle, planId, periods);
    this.lines = Math.max(this.lines, line);
    return line;
  }
  // A wallet top-up sold as a line: the wallet gets `amount` when the sale commits.
  addWalletTopup(amount) {
    const line = scalarOut(load().loy_basket_add_wallet_topup, this.handle, amount);
    this.lines = Math.max(this.lines, line);
    return line;
  }
}

const MEMBER_TEXT = ['phone', 'card', 'name', 'email', 'gender', 'tags', 'language', 'branch', 'referrer'];
const MEMBER_INT = {
  birthYear: 'birth_year', birthMonth: 'birth_month', birthDay: 'birth_day',
  consentSms: 'consent_sms', consentEmail: 'consent_email', consentPush: 'consent_push',
};

function memberFields(values) {
  const f = load();
  const fields = {};
  f.loy_member_fields_init(fields);
  for (const [key, value] of Object.entries(values)) {
    if (MEMBER_TEXT.includes(key)) fields[key] = value;
    else if (key in MEMBER_INT) fields[MEMBER_INT[key]] = value;
    else throw new TypeError(`unknown member field: ${key}`);
  }
  return fields;
}

class Database extends Handle {
  static open(path, options = {}) {
    const f = load();
    const opts = {};
    f.loy_open_options_init(opts);
    opts.path = path;
    if (options.durability !== undefined) opts.durability = options.durability;
    if (options.busyTimeoutMs) opts.busy_timeout_ms = options.busyTimeoutMs;
    if (options.defaultCountry) opts.default_country = options.defaultCountry;
    if (options.defaultCurrency) opts.default_currency = options.defaultCurrency;
    if (options.origin) opts.origin = options.origin;
    opts.read_only = options.readOnly ? 1 : 0;
    // The default currency's decimal places, for a currency the file does not know (INR: 2).
    if (options.currencyExponent !== undefined) opts.default_currency_exponent = options.currencyExponent;
    if (options.chainMode) opts.chain_mode = 1;
    if (options.offlineTillPoints) opts.offline_till_points = options.offlineTillPoints;
    if (options.offlineMemberPoints) opts.offline_member_points = options.offlineMemberPoints;
    // Who copies the write-ahead log into the file: LOY_CHECKPOINT_BACKGROUND, _INLINE or _MANUAL.
    if (options.checkpoint !== undefined) opts.checkpoint = options.checkpoint;
    return new Database(owned(f.loy_open, opts), f.loy_close);
  }

  setClock(nowMs) { call(load().loy_set_clock, this.handle, nowMs); }
  // Copies what it can of the write-ahead log into the file now (LOY_CHECKPOINT_MANUAL: when
  // the till is idle): { walFrames, copiedFrames }.
  checkpoint() {
    const [walFrames, copiedFrames] = outs(2, load().loy_checkpoint, this.handle);
    return { walFrames, copiedFrames };
  }
  now() { return load().loy_now(this.handle); }
  loadProgramme(json) { return scalarOut(load().loy_program_load_json, this.handle, json); }
  loadProgrammeFile(path) { return scalarOut(load().loy_program_load_file, this.handle, path); }
  // On the head office's file: a programme for the whole chain, in effect from startsAtMs (0 = now).
  publishProgramme(json, startsAtMs = 0) {
    return scalarOut(load().loy_program_publish, this.handle, json, startsAtMs);
  }
  // The programme released to start next: {version, startsAt}; both 0 when none.
  nextProgramme() {
    const [version, startsAt] = outs(2, load().loy_program_next, this.handle);
    return { version, startsAt };
  }
  exportProgramme(version = 0) { return textOut(load().loy_program_export_json, this.handle, version); }
  // Everything held about a member (an access request), parsed from its JSON.
  exportMember(memberId) { return JSON.parse(textOut(load().loy_member_export, this.handle, memberId)); }
  formatMoney(minorUnits, currency, grouping = true) {
    return textOut(load().loy_money_format, this.handle, minorUnits, currency, grouping ? 1 : 0);
  }
  normalizePhone(phone) { return textOut(load().loy_phone_normalize, this.handle, phone); }

  enrol(fields, idempotencyKey = null) {
    const f = load();
    return scoped(f.loy_member_free,
      owned(f.loy_member_enrol, this.handle, memberFields(fields), idempotencyKey), member);
  }
  updateMember(id, fields, idempotencyKey = null) {
    const f = load();
    return scoped(f.loy_member_free,
      owned(f.loy_member_update_with_key, this.handle, id, memberFields(fields), idempotencyKey), member);
  }
  // A member's profile as another till holds it, written without a journal record (docs/chain.md).
  applyProfile(uid, fields) {
    const f = load();
    return scoped(f.loy_member_free,
      owned(f.loy_member_profile_apply, this.handle, uid, memberFields(fields)), member);
  }
  member(id) {
    const f = load();
    return scoped(f.loy_member_free, owned(f.loy_member_get, this.handle, id), member);
  }
  identify(phoneOrCard) {
    const f = load();
    return scoped(f.loy_member_free, owned(f.loy_member_identify, this.handle, phoneOrCard), member);
  }

  findByCard(card) {
    const f = load();
    return scoped(f.loy_member_free, owned(f.loy_member_find_by_card, this.handle, card), member);
  }
  deactivate(id, idempotencyKey = null) {
    call(load().loy_member_deactivate_with_key, this.handle, id, idempotencyKey);
  }
  reactivate(id, idempotencyKey = null) {
    call(load().loy_member_reactivate_with_key, this.handle, id, idempotencyKey);
  }
  // Erases the member's personal data for good (docs/members.md); history stays anonymous.
  erase(id, idempotencyKey = null) { call(load().loy_member_erase_with_key, this.handle, id, idempotencyKey); }
  merge(survivorId, absorbedId, idempotencyKey = null) {
    const f = load();
    return scoped(f.loy_member_free,
      owned(f.loy_member_merge_with_key, this.handle, survivorId, absorbedId, idempotencyKey), member);
  }

  // Chain-wide ids and the journal (docs/journal.md).
  origin() {
    const f = load();
    const [needed, generation, renewed] = [[0], [0], [0]];
    call(f.loy_origin_get, this.handle, null, 0, needed, null, null);
    const buf = Buffer.alloc(Number(needed[0]) + 1);
    call(f.loy_origin_get, this.handle, buf, buf.length, needed, generation, renewed);
    return { name: buf.toString('utf8', 0, Number(needed[0])), generation: generation[0],
      newGeneration: renewed[0] === 1 };
  }
  memberByUid(uid) {
    const f = load();
    return scoped(f.loy_member_free, owned(f.loy_member_find_by_uid, this.handle, uid), member);
  }
  saleByUid(uid) { return scalarOut(load().loy_sale_find_by_uid, this.handle, uid); }
  // A sale's (…:S12), refund's or void's (…:R3) receipt again, e.g. to reprint it.
  receipt(uid) {
    const f = load();
    return scoped(f.loy_receipt_free, owned(f.loy_receipt_get, this.handle, uid), receipt);
  }
  couponByUid(uid) {
    const f = load();
    return scoped(f.loy_coupon_free, owned(f.loy_coupon_find_by_uid, this.handle, uid), coupon);
  }
  // The records of `origin` (null: this handle's) after `afterSeq`, in order: at most `limit`,
  // ending with the record whose body brings them to 8 MiB (read on after the last seq until a
  // read gives none); each one's facts() parses its body.
  journal({ origin = null, afterSeq = 0, limit = 1000 } = {}) {
    const f = load();
    return scoped(f.loy_journal_free, owned(f.loy_journal_read, this.handle, origin, afterSeq, limit),
      journalRecords);
  }
  // The last record this file holds of each origin: where a sync resumes.
  journalHeads() {
    const f = load();
    return scoped(f.loy_journal_free, owned(f.loy_journal_heads, this.handle), journalRecords);
  }
  // Applies other origins' records (as another file's journal() gives them) in one transaction:
  // { applied, duplicates }. A fork throws LOY_ERR_SYNC_FORK, a record out of order
  // LOY_ERR_SYNC_GAP; a refused list changes nothing (docs/journal.md). `profiles` ({ member uid:
  // fields, as for applyProfile }) are written after the records in the same transaction; one
  // the file cannot take (no such member, erased, or its phone another member's here) is passed over.
  applyJournal(records, profiles = {}) {
    const f = load();
    return scoped(f.loy_journal_free, owned(f.loy_journal_new), (j) => {
      for (const r of records) {
        call(f.loy_journal_add, j, r.origin, r.seq, r.kind, r.key || null, r.body, r.prev, r.hash, r.createdAt);
      }
      for (const [uid, fields] of Object.entries(profiles)) {
        call(f.loy_journal_add_profile, j, uid, memberFields(fields));
      }
      const [applied, duplicates] = [[0], [0]];
      call(f.loy_journal_apply, this.handle, j, applied, duplicates);
      return { applied: applied[0], duplicates: duplicates[0] };
    });
  }
  // The member's ledger, newest first (members merged into it included).
  history(memberId, { limit = 50, offset = 0 } = {}) {
    const f = load();
    return scoped(f.loy_history_free, owned(f.loy_history_get, this.handle, memberId, limit, offset), (h) => {
      const out = [];
      for (let i = 0; i < Number(f.loy_history_count(h)); i++) {
        out.push({
          uid: f.loy_history_uid(h, i), kind: f.loy_history_kind(h, i), points: f.loy_history_points(h, i),
          saleId: f.loy_history_sale_id(h, i), reason: f.loy_history_reason(h, i),
          branch: f.loy_history_branch(h, i), terminal: f.loy_history_terminal(h, i),
          createdAt: f.loy_history_created_at(h, i), expiresAt: f.loy_history_expires_at(h, i),
          corrects: f.loy_history_corrects(h, i), operator: f.loy_history_operator(h, i),
          approver: f.loy_history_approver(h, i),
        });
      }
      return out;
    });
  }
  // Awards an action's points ("review", "app_login"...) within its cap; returns them.
  recordEvent(memberId, action, idempotencyKey) {
    return scalarOut(load().loy_event_record, this.handle, memberId, action, idempotencyKey);
  }
  tierStatus(memberId) {
    const f = load();
    return scoped(f.loy_tier_status_free, owned(f.loy_tier_status_get, this.handle, memberId), (s) => {
      const benefits = [];
      for (let i = 0; i < Number(f.loy_tier_status_benefit_count(s)); i++) benefits.push(f.loy_tier_status_benefit(s, i));
      return {
        tier: f.loy_tier_status_tier(s), tierName: f.loy_tier_status_tier_name(s),
        score: f.loy_tier_status_score(s), nextTier: f.loy_tier_status_next_tier(s),
        nextTierName: f.loy_tier_status_next_tier_name(s), missing: f.loy_tier_status_missing(s),
        progress: f.loy_tier_status_progress(s), plan: f.loy_tier_status_plan(s), benefits,
        since: f.loy_tier_status_since(s), nextThreshold: f.loy_tier_status_next_threshold(s),
        atRiskSince: f.loy_tier_status_at_risk_since(s), floorTier: f.loy_tier_status_floor_tier(s),
        multiplier: f.loy_tier_status_multiplier(s), discount: f.loy_tier_status_discount(s),
        freeDelivery: f.loy_tier_status_free_delivery(s) === 1,
        planEndsAt: f.loy_tier_status_plan_ends_at(s),
        assignedTier: f.loy_tier_status_assigned_tier(s),
        assignedUntil: f.loy_tier_status_assigned_until(s),
        events: each(f.loy_tier_status_event_count(s), (i) => ({
          uid: f.loy_tier_status_event_uid(s, i), from: f.loy_tier_status_event_from(s, i),
          to: f.loy_tier_status_event_to(s, i), reason: f.loy_tier_status_event_reason(s, i),
          score: f.loy_tier_status_event_score(s, i), saleId: f.loy_tier_status_event_sale_id(s, i),
          at: f.loy_tier_status_event_at(s, i),
        })),
      };
    });
  }
  // { balance, available, pending } in minor units.
  wallet(memberId) {
    const [b, a, p] = [[0], [0], [0]];
    call(load().loy_wallet_get, this.handle, memberId, b, a, p);
    return { balance: b[0], available: a[0], pending: p[0] };
  }
  creditWallet(memberId, amount, reason, operator, idempotencyKey) {
    return scalarOut(load().loy_wallet_credit, this.handle, memberId, amount, reason, operator, idempotencyKey);
  }
  // One code of a campaign, to a member (or to anyone: 0), in display form.
  issueCoupon(campaignId, memberId, idempotencyKey) {
    return textOut(load().loy_coupon_issue, this.handle, campaignId, memberId, idempotencyKey);
  }
  coupon(code) {
    const f = load();
    return scoped(f.loy_coupon_free, owned(f.loy_coupon_get, this.handle, code), coupon);
  }
  revokeCoupon(code, idempotencyKey) { call(load().loy_coupon_revoke, this.handle, code, idempotencyKey); }
  // The check symbol catches a mistyped code before any lookup.
  static couponCodeIsValid(code) { return load().loy_coupon_code_check(code) === constants.LOY_OK; }

  basket({ member: memberId = 0, ...context } = {}) {
    const b = new Basket();
    if (memberId) b.setMember(memberId);
    if (Object.keys(context).length) b.setContext(context);
    return b;
  }
  quote(basket) {
    const f = load();
    return scoped(f.loy_quote_free, owned(f.loy_quote_basket, this.handle, basket.handle),
      (q) => quote(q, basket.lines));
  }
  // The basket's gift card payments as the chain's authority holds them: {cards: [{code, amount}]}.
  giftcardClaims(basket) {
    return JSON.parse(textOut(load().loy_basket_giftcard_claims, this.handle, basket.handle));
  }
  // What the basket's coupons use that a limit counts over the whole chain, as the authority
  // holds it: {member, items: [{code, campaign, discount, ...}]}.
  couponClaims(basket) {
    return JSON.parse(textOut(load().loy_basket_coupon_claims, this.handle, basket.handle));
  }
  commit(basket, idempotencyKey) {
    const f = load();
    return scoped(f.loy_receipt_free, owned(f.loy_commit, this.handle, basket.handle, idempotencyKey), receipt);
  }
  // lines: [[lineNo, quantityMilli], ...]; empty = the whole remaining sale.
  refund(saleId, lines, idempotencyKey) {
    const f = load();
    return scoped(f.loy_refund_free, owned(f.loy_refund_new), (r) => {
      for (const [line, qty] of lines) call(f.loy_refund_add_line, r, line, qty);
      return scoped(f.loy_receipt_free, owned(f.loy_refund_sale, this.handle, saleId, r, idempotencyKey), receipt);
    });
  }
  void(saleId, idempotencyKey) {
    const f = load();
    return scoped(f.loy_receipt_free, owned(f.loy_void_sale, this.handle, saleId, idempotencyKey), receipt);
  }
  // A sale made without a member, claimed by one within the programme's `claims` window, once.
  claimSale(saleId, memberId, idempotencyKey, cashier = null) {
    const f = load();
    return scoped(f.loy_receipt_free, owned(f.loy_sale_claim, this.handle, saleId, memberId, cashier, idempotencyKey), receipt);
  }
  // `approver`: the second operator the programme's adjustments.approval_above asks for (else a
  // DeclinedError, LOY_ERR_NEEDS_APPROVAL).
  adjustPoints(memberId, points, reason, operator, idempotencyKey, approver = null) {
    return scalarOut(load().loy_points_adjust_approved, this.handle, memberId, points, reason, operator,
      approver, idempotencyKey);
  }
  // A manager report (docs/reports.md): rows of column name to cell text.
  report(name, options = {}) {
    const f = load();
    return scoped(f.loy_table_free, owned(f.loy_report, this.handle, name, reportOptions(options)), table);
  }
  // The manager's dashboard: one self-contained HTML page (docs/reports.md).
  dashboardHtml(options = {}) {
    return textOut(load().loy_dashboard_html, this.handle, reportOptions(options));
  }
  rewardReport(fromMs = 0, toMs = 0) { return this._table('loy_reward_report', fromMs, toMs); }
  segments(atMs = 0) { return this._table('loy_segments', atMs); }
  segmentMembers(segmentId, atMs = 0) { return this._table('loy_segment_members', segmentId, atMs); }
  // Queues a message campaign to its segment (a member gets it at most once).
  sendCampaign(campaignId, nowMs = 0) {
    const [queued, holdout, suppressed] = outs(3, load().loy_campaign_send, this.handle, campaignId, nowMs);
    return { queued, holdout, suppressed };
  }
  _table(name, ...args) {
    const f = load();
    return scoped(f.loy_table_free, owned(f[name], this.handle, ...args), table);
  }

  // Members: look-up, search, import, what a member has.
  findByPhone(phone) {
    const f = load();
    return scoped(f.loy_member_free, owned(f.loy_member_find_by_phone, this.handle, phone), member);
  }
  // One page of members by id (keyset paging: pass the last id as afterId).
  searchMembers({ namePrefix = null, phonePrefix = null, tag = null, includeInactive = false,
    limit = 0, afterId = 0 } = {}) {
    const f = load();
    const q = {};
    f.loy_member_query_init(q);
    Object.assign(q, { name_prefix: namePrefix, phone_prefix: phonePrefix, tag,
      include_inactive: includeInactive ? 1 : 0, limit, after_id: afterId });
    return scoped(f.loy_member_list_free, owned(f.loy_member_search, this.handle, q),
      (l) => each(f.loy_member_list_count(l), (i) => member(f.loy_member_list_at(l, i))));
  }
  // Imports members from CSV, all or nothing: { rows, imported, errors }.
  importMembersCsv(csv, { dryRun = false } = {}) {
    const f = load();
    const [rows, imported, errors] = [[0], [0], [null]];
    call(f.loy_members_import_csv, this.handle, csv, dryRun ? 1 : 0, rows, imported, errors);
    return { rows: rows[0], imported: imported[0], errors: scoped(f.loy_table_free, errors[0], table) };
  }
  memberSales(memberId, limit = 20) { return this._table('loy_member_sales', memberId, limit); }
  memberCoupons(memberId) { return this._table('loy_member_coupons', memberId); }
  memberMessages(memberId, limit = 20) { return this._table('loy_member_messages', memberId, limit); }
  memberSegments(memberId, atMs = 0) { return this._table('loy_member_segments', memberId, atMs); }

  // Tiers and plans.
  reviewTiers(nowMs = 0) {
    const [reviewed, upgraded, downgraded, atRisk] = outs(4, load().loy_tiers_review, this.handle, nowMs);
    return { reviewed, upgraded, downgraded, atRisk };
  }
  // Staff assign a level as a floor until `untilMs` (0 = until withdrawn); tier null or ''
  // withdraws it.
  assignTier(memberId, tier, reason, idempotencyKey, { untilMs = 0, operator = null } = {}) {
    call(load().loy_tier_assign, this.handle, memberId, tier, untilMs, reason, operator, idempotencyKey);
  }
  // Households (docs/members.md): one points account, the head's.
  createHousehold(headMemberId, idempotencyKey) {
    return scalarOut(load().loy_household_create, this.handle, headMemberId, idempotencyKey);
  }
  joinHousehold(householdId, memberId, idempotencyKey) {
    call(load().loy_household_join, this.handle, householdId, memberId, idempotencyKey);
  }
  leaveHousehold(memberId, idempotencyKey) { call(load().loy_household_leave, this.handle, memberId, idempotencyKey); }
  household(memberId) {
    const [id, head, members] = [[0], [0], [0]];
    call(load().loy_member_household, this.handle, memberId, id, head, members);
    return { id: id[0], headId: head[0], members: members[0] };
  }
  // The member's stamps on one of the programme's stamp cards.
  stamps(memberId, card) { return scalarOut(load().loy_member_stamps, this.handle, memberId, card); }
  cancelPlan(memberId, idempotencyKey) { call(load().loy_plan_cancel, this.handle, memberId, idempotencyKey); }

  // Gift cards (docs/wallet.md): sold with a first amount (returns the code), loaded, redeemed in
  // part, credited back; each change returns the balance after.
  sellGiftCard(amount, idempotencyKey, { reference = null, operator = null } = {}) {
    return textOut(load().loy_giftcard_sell, this.handle, amount, reference, operator, idempotencyKey);
  }
  loadGiftCard(code, amount, idempotencyKey, { reference = null, operator = null } = {}) {
    return scalarOut(load().loy_giftcard_load, this.handle, code, amount, reference, operator, idempotencyKey);
  }
  redeemGiftCard(code, amount, idempotencyKey, { reference = null, operator = null } = {}) {
    return scalarOut(load().loy_giftcard_redeem, this.handle, code, amount, reference, operator, idempotencyKey);
  }
  refundGiftCard(code, amount, idempotencyKey, { reference = null, operator = null } = {}) {
    return scalarOut(load().loy_giftcard_refund, this.handle, code, amount, reference, operator, idempotencyKey);
  }
  giftCardBalance(code) { return scalarOut(load().loy_giftcard_balance, this.handle, code); }

  // Coupon batches, rewards, partners, prize draws (docs/coupons.md).
  createCouponBatch(campaignId, count, idempotencyKey) {
    return scalarOut(load().loy_coupon_batch_create, this.handle, campaignId, count, idempotencyKey);
  }
  // A batch's codes (its CSV without the header line).
  exportCouponBatch(batchId) {
    return textOut(load().loy_coupon_batch_export, this.handle, batchId).split('\n').slice(1)
      .filter((line) => line);
  }
  // holdId: at a till of a chain, the authority's hold for the reward (docs/chain.md).
  redeemReward(memberId, rewardId, quantity, idempotencyKey, holdId = null) {
    const f = load();
    const handle = holdId === null
      ? owned(f.loy_reward_redeem, this.handle, memberId, rewardId, quantity, idempotencyKey)
      : owned(f.loy_reward_redeem_held, this.handle, memberId, rewardId, quantity, holdId, idempotencyKey);
    return scoped(f.loy_redemption_free, handle, (r) => ({
        id: f.loy_redemption_id(r), uid: f.loy_redemption_uid(r),
        replayed: f.loy_redemption_replayed(r) === 1, reward: f.loy_redemption_reward(r),
        quantity: f.loy_redemption_quantity(r), points: f.loy_redemption_points(r),
        couponCode: f.loy_redemption_coupon_code(r), walletCredit: f.loy_redemption_wallet_credit(r),
        cause: f.loy_redemption_cause(r),
      }));
  }
  refundReward(redemptionId, idempotencyKey) {
    call(load().loy_reward_refund, this.handle, redemptionId, idempotencyKey);
  }
  // One of our coupons was used at a partner business.
  recordPartnerRedemption(partnerId, code, amount, idempotencyKey) {
    call(load().loy_partner_record_redemption, this.handle, partnerId, code, amount, idempotencyKey);
  }
  partnerSettlement(partnerId = null, fromMs = 0, toMs = 0) {
    return this._table('loy_partner_settlement', partnerId, fromMs, toMs);
  }
  // Buys entries with points; returns the points spent.
  enterDraw(drawId, memberId, entries, idempotencyKey) {
    return scalarOut(load().loy_draw_enter, this.handle, drawId, memberId, entries, idempotencyKey);
  }
  drawEntries(drawId) { return this._table('loy_draw_entries', drawId); }
  // Runs a draw after its period, from a published seed; returns the winners.
  runDraw(drawId, seed, winners, idempotencyKey) {
    return this._table('loy_draw_run', drawId, seed, winners, idempotencyKey);
  }

  // Points outside a sale, and the file's own upkeep.
  // Two-phase holds: reserve points for ttlMs (a tab, a web order); capture 0..held (the rest is
  // released; returns the balance after) or release them.
  holdPoints(memberId, points, ttlMs, idempotencyKey, { reference = null } = {}) {
    return scalarOut(load().loy_points_hold, this.handle, memberId, points, ttlMs, reference, idempotencyKey);
  }
  captureHold(holdId, points, idempotencyKey) {
    return scalarOut(load().loy_points_hold_capture, this.handle, holdId, points, idempotencyKey);
  }
  releaseHold(holdId, idempotencyKey) { call(load().loy_points_hold_release, this.handle, holdId, idempotencyKey); }
  // The same for wallet money (minor units); capture returns the wallet's balance after.
  holdWallet(memberId, amount, ttlMs, idempotencyKey, { reference = null } = {}) {
    return scalarOut(load().loy_wallet_hold, this.handle, memberId, amount, ttlMs, reference, idempotencyKey);
  }
  captureWalletHold(holdId, amount, idempotencyKey) {
    return scalarOut(load().loy_wallet_hold_capture, this.handle, holdId, amount, idempotencyKey);
  }
  releaseWalletHold(holdId, idempotencyKey) { call(load().loy_wallet_hold_release, this.handle, holdId, idempotencyKey); }
  // Gives points to another member (they keep their expiry dates), when the programme allows
  // `transfers`; returns the giver's balance.
  transferPoints(fromMember, toMember, points, idempotencyKey, { reason = null, operator = null } = {}) {
    return scalarOut(load().loy_points_transfer, this.handle, fromMember, toMember, points, reason,
      operator, idempotencyKey);
  }
  // { lots, points } expired at nowMs (0 = the handle's clock).
  expirePoints(nowMs = 0) {
    const [lots, points] = outs(2, load().loy_points_expire, this.handle, nowMs);
    return { lots, points };
  }
  // { points, nextExpiry }: points expiring before beforeMs unless spent.
  pointsExpiring(memberId, beforeMs) {
    const [points, nextExpiry] = outs(2, load().loy_points_expiring, this.handle, memberId, beforeMs);
    return { points, nextExpiry };
  }
  // Recomputes every projection from the facts; returns the rows corrected.
  rebuild() { return scalarOut(load().loy_rebuild, this.handle); }
  // The sale a commit with this key made (after a timeout: did it land?).
  saleByKey(idempotencyKey) { return scalarOut(load().loy_sale_find_by_key, this.handle, idempotencyKey); }
  // The latest sale with this receipt number (at this branch, when given).
  saleByReceipt(receipt, branch = null) { return scalarOut(load().loy_sale_find_by_receipt, this.handle, receipt, branch); }
  // Declares a currency and its decimal places (IRR 0, USD 2, KWD 3).
  setCurrency(code, exponent) { call(load().loy_currency_set, this.handle, code, exponent); }
  currencyExponent(code) { return scalarOut(load().loy_currency_exponent, this.handle, code); }
  // The active programme's version (0 = none loaded).
  programmeVersion() { return load().loy_program_active_version(this.handle); }
  generateMessages(nowMs = 0) { return scalarOut(load().loy_messages_generate, this.handle, nowMs); }
  fetchMessages(limit = 100, leaseMs = 60000, nowMs = 0) {
    const f = load();
    return scoped(f.loy_table_free, owned(f.loy_outbox_fetch, this.handle, nowMs, limit, leaseMs), table);
  }
  acknowledge(messageId, { sent = true, error = null, retryAfterMs = 0 } = {}) {
    call(load().loy_outbox_ack, this.handle, messageId,
      sent ? constants.LOY_DELIVERY_SENT : constants.LOY_DELIVERY_FAILED, error, retryAfterMs);
  }
  verify() {
    const f = load();
    const problems = [0];
    const needed = [0];
    call(f.loy_verify, this.handle, problems, null, 0, needed);
    const buf = Buffer.alloc(Number(needed[0]) + 1);
    call(f.loy_verify, this.handle, problems, buf, buf.length, needed);
    return { problems: problems[0], text: buf.toString('utf8', 0, Number(needed[0])) };
  }
}

// The manager reports this library computes (loy_report's names).
function reports() {
  const f = load();
  return each(f.loy_report_count(), (i) => ({
    name: f.loy_report_name(i), title: f.loy_report_title(i), description: f.loy_report_description(i),
  }));
}

// The loaded library's version, "0.4.0".
function version() { return load().loy_version_string(); }

module.exports = {
  Database, Basket, LoyaltyError, InvalidInputError, NotFoundError, ConflictError, DeclinedError,
  TransientError, FailureError, error, constants, load, libraryCandidates, checkVersion, reports,
  version,
};
