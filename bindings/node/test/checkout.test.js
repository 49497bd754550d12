// The Node binding runs a sale end to end against the real library (ctest: binding_node).
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const {
  Database, Basket, LoyaltyError, constants, libraryCandidates, checkVersion, reports, version,
  InvalidInputError, NotFoundError, ConflictError, DeclinedError, TransientError, FailureError, error,
} = require('..');

const PROGRAMME = path.join(__dirname, '..', '..', '..', 'examples', 'programme.json');
const NOW = 1764000000000;

function openDb() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loyalty-node-'));
  const db = Database.open(path.join(dir, 'club.db'), { defaultCurrency: 'IRT' });
  db.setClock(NOW);
  assert.strictEqual(db.loadProgrammeFile(PROGRAMME), 1);
  return { db, dir };
}

test('a sale: quote, commit, replay by key, partial refund', () => {
  const { db, dir } = openDb();
  const sara = db.enrol({ phone: '۰۹۱۲ ۳۴۵ ۶۷۸۹', name: 'سارا', consentSms: 1 }, 'T1-enrol-1');
  assert.strictEqual(sara.phone, '+989123456789');
  assert.strictEqual(sara.name, 'سارا');
  assert.strictEqual(db.identify('09123456789').id, sara.id);

  const basket = db.basket({ member: sara.id, receipt: 'R-1', branch: 'tehran-1', terminal: 'T1' });
  assert.strictEqual(basket.addLine('LATTE', 'coffee', 2000, 150000), 1);
  assert.strictEqual(basket.addLine('WATER', 'drinks', 1000, 100000), 2);
  const q = db.quote(basket);
  assert.strictEqual(q.total, 400000);
  assert.strictEqual(q.pointsEarned, 70);
  assert.strictEqual(q.rules.reduce((s, r) => s + r.points, 0), 70);
  const r = db.commit(basket, 'T1-R-1');
  assert.strictEqual(r.replayed, false);
  assert.strictEqual(r.pointsEarned, 70);
  assert.strictEqual(r.balanceAfter, 70);
  const again = db.commit(basket, 'T1-R-1');
  assert.strictEqual(again.replayed, true);
  assert.strictEqual(again.saleId, r.saleId);
  basket.close();
  basket.close();
  assert.strictEqual(db.member(sara.id).balance, 70);

  const refund = db.refund(r.saleId, [[2, 1000]], 'T1-refund-1');
  assert.strictEqual(refund.kind, constants.LOY_RECEIPT_REFUND);
  assert.strictEqual(refund.refundAmount, 100000);
  assert.strictEqual(refund.moneyBack, 100000); // no points or wallet tender: all in cash
  assert.strictEqual(refund.balanceAfter, 60);
  assert.strictEqual(db.verify().problems, 0);
  const data = db.exportMember(sara.id); // an access request
  assert.strictEqual(data.format, 'libloyalty member export 1');
  assert.strictEqual(data.member.phone, '+989123456789');
  assert.strictEqual(data.member.name, 'سارا');
  assert.deepStrictEqual(data.sales.map((s) => s.id), [r.saleId]);
  assert.strictEqual(db.formatMoney(1250000, 'IRT'), '1,250,000');

  const sales = db.report('sales', { groupBy: constants.LOY_GROUP_MONTH, calendar: constants.LOY_CALENDAR_JALALI });
  const azar = sales.find((r) => r.period === '1404-09');
  assert.strictEqual(azar.revenue, 300000); // a number, as Python's int
  assert.strictEqual(azar.member_revenue_pct, '100.0');
  assert.strictEqual(db.generateMessages(), 2);
  const box = db.fetchMessages();
  assert.deepStrictEqual(box.map((m) => m.trigger), ['welcome', 'earned']);
  assert.ok(box[1].body.includes('۷۰ امتیاز'), box[1].body);
  for (const m of box) db.acknowledge(Number(m.id));
  assert.deepStrictEqual(db.fetchMessages(), []);
  db.close();
  fs.rmSync(dir, { recursive: true });
});

test('errors carry the status code and change nothing', () => {
  const { db, dir } = openDb();
  assert.throws(() => db.enrol({ phone: '12' }), (e) => {
    assert.ok(e instanceof LoyaltyError);
    assert.strictEqual(e.status, constants.LOY_ERR_INVALID_PHONE);
    assert.strictEqual(e.statusName, 'LOY_ERR_INVALID_PHONE');
    assert.ok(e.detail.length > 0);
    assert.strictEqual(e.transient, false);
    return true;
  });
  const ali = db.enrol({ phone: '09121111111', name: 'Ali' });
  const b = db.basket({ member: ali.id });
  b.addLine('LATTE', 'coffee', 1000, 150000);
  b.redeemPoints(500);
  assert.strictEqual(db.quote(b).redeemStatus, constants.LOY_ERR_INSUFFICIENT_POINTS);
  assert.throws(() => db.commit(b, 'T1-R-2'), (e) => e.status === constants.LOY_ERR_INSUFFICIENT_POINTS);
  assert.strictEqual(db.member(ali.id).balance, 0);
  assert.throws(() => new Basket().addLine('X', null, -1, 10),
    (e) => e.status === constants.LOY_ERR_INVALID_AMOUNT);
  b.close();
  assert.throws(() => b.addLine('X', null, 1000, 10), (e) => e.status === constants.LOY_ERR_INVALID_STATE);
  db.close();
  fs.rmSync(dir, { recursive: true });
});

test('the library is found without configuration on each platform', () => {
  assert.deepStrictEqual(libraryCandidates('win32', 'ia32', 'C:\\pos\\node_modules\\libloyalty', {}), [
    'C:\\pos\\node_modules\\libloyalty\\prebuilds\\win32-ia32\\loyalty.dll',
    'C:\\pos\\node_modules\\libloyalty\\loyalty.dll',
    'loyalty.dll',
  ]);
  assert.deepStrictEqual(libraryCandidates('linux', 'x64', '/app/libloyalty', {}), [
    '/app/libloyalty/prebuilds/linux-x64/libloyalty.so.0',
    '/app/libloyalty/libloyalty.so.0',
    'libloyalty.so.0',
  ]);
  assert.deepStrictEqual(libraryCandidates('win32', 'x64', 'C:\\x', { LOYALTY_LIBRARY: 'D:\\l.dll' }),
                         ['D:\\l.dll']);
});

test('a new file with a currency it does not know', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loyalty-node-'));
  const file = path.join(dir, 'rupee.db');
  assert.throws(() => Database.open(file, { defaultCurrency: 'INR' }),
                (e) => e.status === constants.LOY_ERR_UNKNOWN_CURRENCY);
  assert.strictEqual(fs.existsSync(file), false); // a refused open leaves no file
  const db = Database.open(file, { defaultCurrency: 'INR', currencyExponent: 2 });
  assert.strictEqual(db.formatMoney(123456, 'INR'), '1,234.56');
  db.close();
  fs.rmSync(dir, { recursive: true });
});

test('a manual checkpoint copies the log into the file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loyalty-node-'));
  const file = path.join(dir, 'till.db');
  assert.throws(() => Database.open(file, { defaultCurrency: 'IRT', checkpoint: 7 }),
                (e) => e.status === constants.LOY_ERR_INVALID_ARGUMENT);
  const db = Database.open(file, { defaultCurrency: 'IRT', checkpoint: constants.LOY_CHECKPOINT_MANUAL });
  for (let i = 0; i < 20; ++i) db.enrol({ phone: `0912100${String(i).padStart(4, '0')}` });
  const before = fs.readFileSync(file);
  const { walFrames, copiedFrames } = db.checkpoint();
  assert.ok(walFrames > 0);
  assert.strictEqual(copiedFrames, walFrames);
  assert.ok(!fs.readFileSync(file).equals(before)); // the log's pages are in the file
  db.close();
  fs.rmSync(dir, { recursive: true });
});

test('a library of another major version is refused', () => {
  assert.throws(() => checkVersion(10400), /libloyalty 1\.4\.0 was loaded/);
  checkVersion(constants.LOY_VERSION_MAJOR * 10000 + 4 * 100); // this major version: accepted
});

test("a member's life, the wallet and coupons", () => {
  const { db, dir } = openDb();
  const sara = db.enrol({ phone: '09123456789', name: 'سارا', card: 'CARD-1' });
  const b = db.basket({ member: sara.id });
  b.addLine('LATTE', 'coffee', 2000, 150000);
  const sale = db.commit(b, 'M-sale-1');
  b.close();
  const review = db.recordEvent(sara.id, 'review', 'M-review-1');
  assert.ok(review > 0);
  assert.throws(() => db.recordEvent(sara.id, 'review', 'M-review-2'),
                (e) => e.status === constants.LOY_ERR_CAP_REACHED); // once a day
  assert.deepStrictEqual(db.history(sara.id).map((h) => h.points), [review, sale.pointsEarned]);
  const status = db.tierStatus(sara.id);
  assert.strictEqual(status.tier, 'bronze');
  assert.strictEqual(status.nextTier, 'silver');
  assert.ok(status.progress.includes('نقره‌ای'), status.progress); // the programme's own words
  const before = db.wallet(sara.id); // the sale's cashback is already there
  assert.strictEqual(db.creditWallet(sara.id, 50000, 'goodwill', 'mgr', 'W-1'), before.balance + 50000);
  const after = db.wallet(sara.id);
  assert.deepStrictEqual([after.balance - before.balance, after.available - before.available,
                          after.pending - before.pending], [50000, 50000, 0]);
  const code = db.issueCoupon('comeback', sara.id, 'C-1');
  assert.ok(Database.couponCodeIsValid(code));
  assert.ok(!Database.couponCodeIsValid(code.slice(0, -1) + (code.endsWith('Z') ? 'Y' : 'Z')));
  assert.deepStrictEqual([db.coupon(code).campaign, db.coupon(code).uses, db.coupon(code).revoked],
                         ['comeback', 0, false]);
  db.revokeCoupon(code, 'C-revoke-1');
  assert.strictEqual(db.coupon(code).revoked, true);
  // A code redeemed at checkout: 50,000 off, counted once.
  const code2 = db.issueCoupon('comeback', sara.id, 'C-2');
  const b2 = db.basket({ member: sara.id });
  b2.addLine('LATTE', 'coffee', 2000, 150000);
  b2.addCoupon(code2);
  assert.strictEqual(db.quote(b2).couponDiscount, 50000);
  assert.strictEqual(db.commit(b2, 'C-sale-1').total, 300000 - 50000);
  b2.close();
  assert.strictEqual(db.coupon(code2).uses, 1);
  assert.strictEqual(db.findByCard('CARD-1').id, sara.id);
  db.deactivate(sara.id);
  assert.strictEqual(db.member(sara.id).status, constants.LOY_MEMBER_INACTIVE);
  db.reactivate(sara.id);
  const second = db.enrol({ phone: '09120000002' });
  assert.strictEqual(db.merge(sara.id, second.id).id, sara.id);
  db.erase(sara.id);
  const gone = db.member(sara.id);
  assert.deepStrictEqual([gone.status, gone.phone, gone.name], [constants.LOY_MEMBER_ERASED, '', '']);
  db.close();
  fs.rmSync(dir, { recursive: true });
});

test('chain-wide ids, member events with keys and the journal', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loyalty-node-'));
  const db = Database.open(path.join(dir, 'club.db'), { defaultCurrency: 'IRT', origin: 'golestan-t1' });
  db.setClock(NOW);
  db.loadProgrammeFile(PROGRAMME);
  assert.deepStrictEqual(db.origin(), { name: 'golestan-t1', generation: 1, newGeneration: false });
  const sara = db.enrol({ phone: '09123456789', name: 'Sara' }, 'e-1');
  assert.strictEqual(sara.uid, 'golestan-t1:M1');
  assert.strictEqual(db.memberByUid(sara.uid).id, sara.id);
  const basket = db.basket({ member: sara.id });
  basket.addLine('LATTE', 'coffee', 1000, 150000);
  const r = db.commit(basket, 's-1');
  basket.close();
  assert.strictEqual(db.saleByUid(r.uid), r.saleId);
  assert.strictEqual(db.receipt(r.uid).total, r.total);
  const code = db.issueCoupon('comeback', sara.id, 'c-1');
  assert.strictEqual(db.couponByUid(db.coupon(code).uid).code, db.coupon(code).code);
  assert.throws(() => db.memberByUid('golestan-t1:M99'),
    (e) => e instanceof LoyaltyError && e.status === constants.LOY_ERR_NOT_FOUND);
  db.updateMember(sara.id, { email: 'sara@example.com' }, 'u-1');
  db.erase(sara.id, 'x-1');
  const records = db.journal();
  assert.deepStrictEqual(records.map((x) => x.kind), ['enrol', 'sale', 'issue_coupon', 'member_update', 'member_erase']);
  for (let i = 1; i < records.length; i++) assert.strictEqual(records[i].prev, records[i - 1].hash);
  const sale = records[1].facts().find((f) => f.t === 'sale');
  assert.strictEqual(sale.member_id, sara.uid);
  assert.ok(!records.some((x) => x.body.includes('Sara')));
  assert.deepStrictEqual(db.journal({ afterSeq: 3, limit: 1 }).map((x) => x.seq), [4]);
  // Another till applies the journal: the same facts, exactly once; out of order is a gap.
  const other = Database.open(path.join(dir, 't2.db'), { defaultCurrency: 'IRT', origin: 'golestan-t2' });
  other.loadProgrammeFile(PROGRAMME);
  assert.throws(() => other.applyJournal(records.slice(1)),
    (e) => e instanceof LoyaltyError && e.status === constants.LOY_ERR_SYNC_GAP);
  // Her enrolment with her profile, in one transaction: she is found by phone at once.
  assert.deepStrictEqual(other.applyJournal(records.slice(0, 1), {
    [sara.uid]: { phone: '09123456789', name: 'Sara' },
    'golestan-t1:M99': { phone: '09120000099' }, // no such member: passed over
  }), { applied: 1, duplicates: 0 });
  assert.strictEqual(other.identify('09123456789').uid, sara.uid);
  assert.deepStrictEqual(other.applyJournal(records), { applied: records.length - 1, duplicates: 1 });
  assert.deepStrictEqual(other.applyJournal(records), { applied: 0, duplicates: records.length });
  // Her erasure there clears the profile the list brought.
  assert.throws(() => other.identify('09123456789'),
    (e) => e instanceof LoyaltyError && e.status === constants.LOY_ERR_NOT_FOUND);
  const there = other.memberByUid(sara.uid);
  assert.strictEqual(there.balance, db.member(sara.id).balance);
  assert.strictEqual(there.status, constants.LOY_MEMBER_ERASED);
  assert.deepStrictEqual(other.journalHeads().map((h) => [h.origin, h.seq]), [['golestan-t1', records.length]]);
  assert.throws(() => other.applyProfile(sara.uid, { phone: '09123456789' }),
    (e) => e instanceof LoyaltyError && e.status === constants.LOY_ERR_MEMBER_INACTIVE);
  other.close();
  // A till of a chain spends points only under the authority's hold.
  const till = Database.open(path.join(dir, 't4.db'), { defaultCurrency: 'IRT', chainMode: true });
  till.loadProgrammeFile(PROGRAMME);
  const spend = till.basket({});
  spend.addLine('LATTE', 'coffee', 1000, 150000);
  spend.redeemPoints(50);
  assert.throws(() => till.commit(spend, 'spend-1'), (e) => e.status === constants.LOY_ERR_NEEDS_ONLINE);
  spend.setHold('hold-1', 50);
  assert.throws(() => till.commit(spend, 'spend-1'),
    (e) => e instanceof LoyaltyError && e.status !== constants.LOY_ERR_NEEDS_ONLINE);
  spend.close();
  // A coupon a limit counts over the whole chain is used only under the authority's coupon hold.
  const yalda = till.basket({});
  yalda.addLine('LATTE', 'coffee', 1000, 150000);
  yalda.addCoupon('YALDA1405');
  assert.deepStrictEqual(till.couponClaims(yalda).items.map((i) => [i.campaign, i.member_uses]),
    [['yalda', 1]]);
  assert.throws(() => till.commit(yalda, 'yalda-1'), (e) => e.status === constants.LOY_ERR_NEEDS_ONLINE);
  assert.throws(() => yalda.setWalletHold('wallet-hold-1', -1),
    (e) => e.status === constants.LOY_ERR_INVALID_AMOUNT);
  assert.strictEqual(yalda.setWalletHold('wallet-hold-1', 1000), yalda);
  assert.deepStrictEqual(till.giftcardClaims(yalda), { cards: [] });
  assert.strictEqual(yalda.setGiftcardHold('giftcard-hold-1'), yalda);
  yalda.setCouponHold('coupon-hold-1');
  assert.deepStrictEqual(till.commit(yalda, 'yalda-1').coupons.map((c) => c.code), ['YALDA1405']);
  yalda.close();
  const plain = till.basket({});
  plain.addLine('WATER', 'drinks', 1000, 100000);
  assert.strictEqual(till.commit(plain, 'plain-1').redeemMode, constants.LOY_REDEEM_NONE);
  plain.close();
  // A reward at a till of a chain: only under the authority's hold, then the till's own checks.
  const guest = till.enrol({ phone: '09125550001' });
  assert.throws(() => till.redeemReward(guest.id, 'free-latte', 1, 'reward-1'),
    (e) => e.status === constants.LOY_ERR_NEEDS_ONLINE);
  assert.throws(() => till.redeemReward(guest.id, 'free-latte', 1, 'reward-1', 'reward-hold-1'),
    (e) => e.status === constants.LOY_ERR_INSUFFICIENT_POINTS);
  // A programme for the whole chain is published at the head office, for a start time.
  assert.throws(() => till.publishProgramme(till.exportProgramme(), 0),
    (e) => e.status === constants.LOY_ERR_NEEDS_ONLINE);
  const startsAt = db.now() + 86400000;
  const active = db.programmeVersion();
  const release = db.publishProgramme(db.exportProgramme(), startsAt);
  assert.ok(release > active && db.programmeVersion() === active);
  assert.deepStrictEqual(db.nextProgramme(), { version: release, startsAt });
  till.close();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

// The example programme with tests/bindings/extras.json's partner, campaign and draw.
function clubProgramme() {
  const club = JSON.parse(fs.readFileSync(PROGRAMME, 'utf8'));
  const extras = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'tests', 'bindings',
    'extras.json'), 'utf8'));
  for (const [key, value] of Object.entries(extras)) {
    club[key] = Array.isArray(value) ? (club[key] || []).concat(value) : value;
  }
  return JSON.stringify(club);
}

function openClub() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loyalty-node-'));
  const db = Database.open(path.join(dir, 'club.db'), { defaultCurrency: 'IRT' });
  db.setClock(NOW);
  assert.strictEqual(db.loadProgramme(clubProgramme()), 1);
  assert.strictEqual(db.programmeVersion(), 1);
  const sara = db.enrol({ phone: '09123456789', name: 'سارا', tags: 'coffee', consentSms: 1,
    birthYear: 1990, birthMonth: 5, birthDay: 17 });
  db.adjustPoints(sara.id, 400, 'opening balance', 'mgr', 'X-adjust-1');
  return { db, dir, sara };
}

test('one error class per status family', () => {
  const { db, dir, sara } = openClub();
  assert.throws(() => db.enrol({ phone: '12' }),
    (e) => e instanceof InvalidInputError && e instanceof LoyaltyError &&
      e.family === constants.LOY_FAMILY_INVALID_INPUT);
  assert.throws(() => db.member(999), NotFoundError);
  assert.throws(() => db.redeemReward(sara.id, 'free-latte', 9, 'F-1'), DeclinedError);
  assert.ok(error(constants.LOY_ERR_BUSY, 'busy') instanceof TransientError);
  assert.ok(error(constants.LOY_ERR_READONLY, 'read-only') instanceof FailureError);
  db.close();
  fs.rmSync(dir, { recursive: true });
});

test('member fields, search by page and CSV import', () => {
  const { db, dir, sara } = openClub();
  const m = db.member(sara.id);
  assert.deepStrictEqual([m.birthYear, m.birthMonth, m.birthDay, m.consentSms, m.consentEmail],
    [1990, 5, 17, true, false]);
  assert.strictEqual(m.createdAt, NOW);
  assert.strictEqual(db.findByPhone('0912 345 6789').id, sara.id);
  const dry = db.importMembersCsv('phone,name,tags\n09121111111,Ali,coffee\n09122222222,Reza,tea\n',
    { dryRun: true });
  assert.deepStrictEqual(dry, { rows: 2, imported: 0, errors: [] });
  assert.strictEqual(db.searchMembers().length, 1);
  const bad = db.importMembersCsv('phone,name\n09121111111,Ali\n12,Bad\n');
  assert.deepStrictEqual(bad.errors.map((e) => [e.row, e.status]), [[3, 'LOY_ERR_INVALID_PHONE']]);
  assert.strictEqual(db.importMembersCsv('phone,name,tags\n09121111111,Ali,coffee\n09122222222,Reza,tea\n')
    .imported, 2);
  assert.deepStrictEqual(db.searchMembers({ tag: 'coffee' }).map((x) => x.name), ['سارا', 'Ali']);
  assert.deepStrictEqual(db.searchMembers({ phonePrefix: '0912222' }).map((x) => x.name), ['Reza']);
  const first = db.searchMembers({ limit: 2 });
  const rest = db.searchMembers({ afterId: first[first.length - 1].id });
  assert.deepStrictEqual(first.concat(rest).map((x) => x.name), ['سارا', 'Ali', 'Reza']);
  db.close();
  fs.rmSync(dir, { recursive: true });
});

test('rewards, partners, coupon batches and a prize draw', () => {
  const { db, dir, sara } = openClub();
  const r = db.redeemReward(sara.id, 'free-latte', 2, 'X-reward-1');
  assert.deepStrictEqual([r.reward, r.quantity, r.points, r.replayed], ['free-latte', 2, 300, false]);
  assert.strictEqual(db.redeemReward(sara.id, 'free-latte', 2, 'X-reward-1').replayed, true);
  assert.throws(() => db.redeemReward(sara.id, 'free-latte', 1, 'X-reward-2'),
    (e) => e.status === constants.LOY_ERR_INSUFFICIENT_POINTS);
  db.refundReward(r.id, 'X-reward-refund-1');
  assert.strictEqual(db.member(sara.id).balance, 400);
  assert.strictEqual(db.redeemReward(sara.id, 'trees', 1, 'X-reward-3').cause, 'Hyrcanian forests');
  assert.deepStrictEqual(db.rewardReport().map((x) => [x.reward, x.points]), [['trees', 50]]);
  const expiring = db.pointsExpiring(sara.id, NOW + 3650 * 86400000);
  assert.strictEqual(expiring.points, 350);
  assert.ok(expiring.nextExpiry > NOW);

  const b = db.basket({ member: sara.id });
  b.addLine('LATTE', 'coffee', 2000, 150000);
  b.addCoupon('cinema');
  const q = db.quote(b);
  assert.deepStrictEqual(q.coupons.map((c) => [c.code, c.campaign, c.status, c.amount]),
    [['CINEMA', 'film', constants.LOY_OK, 40000]]);
  assert.strictEqual(q.linePoints.reduce((s, p) => s + p, 0), q.pointsEarned);
  const sale = db.commit(b, 'X-sale-1');
  b.close();
  assert.deepStrictEqual(sale.coupons, [{ code: 'CINEMA', amount: 40000 }]);
  assert.strictEqual(db.saleByKey('X-sale-1'), sale.saleId);
  assert.deepStrictEqual(db.partnerSettlement('cinema').map((x) => [x.direction, x.partner_funds]),
    [['redeemed here', 30000]]);

  const batch = db.createCouponBatch('comeback', 3, 'X-batch-1');
  const codes = db.exportCouponBatch(batch);
  assert.strictEqual(codes.length, 3);
  assert.ok(codes.every((c) => Database.couponCodeIsValid(c)));
  assert.strictEqual(db.coupon(codes[0]).batchId, batch);
  db.recordPartnerRedemption('cinema', codes[0], 20000, 'X-partner-1');
  assert.strictEqual(db.coupon(codes[0]).uses, 1);

  assert.strictEqual(db.enterDraw('autumn', sara.id, 3, 'X-draw-1'), 30);
  assert.deepStrictEqual(db.drawEntries('autumn').map((e) => [e.member, e.entries]), [[sara.id, 4]]);
  assert.throws(() => db.runDraw('autumn', 'seed', 1, 'X-draw-run-0'),
    (e) => e.status === constants.LOY_ERR_INVALID_STATE);
  db.setClock(NOW + 7 * 86400000);
  assert.deepStrictEqual(db.runDraw('autumn', 'published seed', 1, 'X-draw-run-1').map((w) => w.member),
    [sara.id]);
  db.close();
  fs.rmSync(dir, { recursive: true });
});

test('an adjustment above the limit needs a second operator', () => {
  const { db, dir, sara } = openClub();
  assert.throws(() => db.adjustPoints(sara.id, 600, 'complaint', 'mgr', 'X-big-1'),
    (e) => e instanceof DeclinedError && e.status === constants.LOY_ERR_NEEDS_APPROVAL);
  assert.strictEqual(db.adjustPoints(sara.id, 600, 'complaint', 'mgr', 'X-big-2', 'reza'), 1000);
  const latest = db.history(sara.id)[0];
  assert.deepStrictEqual([latest.operator, latest.approver], ['mgr', 'reza']);
  const ops = Object.fromEntries(db.report('operators').map((r) => [r.operator, r]));
  assert.deepStrictEqual([ops.mgr.points_added, ops.reza.approvals_given], [1000, 1]);
  db.close();
  fs.rmSync(dir, { recursive: true });
});

test('points held for a tab, then captured in part', () => {
  const { db, dir, sara } = openClub();
  const hold = db.holdPoints(sara.id, 100, 3600000, 'X-hold-1', { reference: 'table 7' });
  assert.strictEqual(db.member(sara.id).available, 300);
  assert.strictEqual(db.captureHold(hold, 60, 'X-hold-2'), 340);
  assert.throws(() => db.releaseHold(hold, 'X-hold-3'), ConflictError);
  db.releaseHold(db.holdPoints(sara.id, 40, 60000, 'X-hold-4'), 'X-hold-5');
  assert.strictEqual(db.member(sara.id).available, 340);
  db.creditWallet(sara.id, 100000, 'top-up', 'mgr', 'X-wallet-1');
  const money = db.holdWallet(sara.id, 60000, 3600000, 'X-hold-6', { reference: 'web 9' });
  assert.strictEqual(db.wallet(sara.id).available, 40000);
  assert.strictEqual(db.captureWalletHold(money, 45000, 'X-hold-7'), 55000);
  assert.throws(() => db.captureHold(money, 1, 'X-hold-8'), InvalidInputError);
  db.releaseWalletHold(db.holdWallet(sara.id, 5000, 60000, 'X-hold-9'), 'X-hold-10');
  assert.deepStrictEqual(db.wallet(sara.id), { balance: 55000, available: 55000, pending: 0 });
  db.close();
  fs.rmSync(dir, { recursive: true });
});

test('a wallet top-up sold in the basket', () => {
  const { db, dir, sara } = openClub();
  const b = db.basket({ member: sara.id });
  b.addLine('LATTE', 'coffee', 1000, 150000);
  assert.strictEqual(b.addWalletTopup(200000), 2);
  const sale = db.commit(b, 'X-topup-1');
  b.close();
  assert.strictEqual(sale.total, 350000);
  assert.strictEqual(db.wallet(sara.id).balance - sale.cashback, 200000);
  assert.strictEqual(db.stamps(sara.id, 'coffee'), 1); // one latte, one stamp
  assert.throws(() => db.stamps(sara.id, 'tea'), NotFoundError);
  db.close();
  fs.rmSync(dir, { recursive: true });
});

test('a past receipt claimed once', () => {
  const { db, dir, sara } = openClub();
  const b = db.basket({ receipt: 'R-77', branch: 'north' });
  b.addLine('LATTE', 'coffee', 2000, 150000);
  const sale = db.commit(b, 'X-anon-1');
  b.close();
  assert.strictEqual(sale.pointsEarned, 0);
  assert.strictEqual(db.saleByReceipt('R-77'), sale.saleId);
  assert.strictEqual(db.saleByReceipt('R-77', 'north'), sale.saleId);
  const claimed = db.claimSale(sale.saleId, sara.id, 'X-claim-1', 'mina');
  assert.strictEqual(claimed.memberId, sara.id);
  assert.ok(claimed.pointsEarned > 0);
  assert.strictEqual(db.member(sara.id).balance, 400 + claimed.pointsEarned);
  assert.throws(() => db.claimSale(sale.saleId, sara.id, 'X-claim-2'), ConflictError);
  db.close();
  fs.rmSync(dir, { recursive: true });
});

test('a member gives points to another', () => {
  const { db, dir, sara } = openClub();
  const son = db.enrol({ phone: '09127654321', name: 'Arash' });
  assert.strictEqual(db.transferPoints(sara.id, son.id, 100, 'X-gift-1', { reason: 'gift' }), 300);
  assert.strictEqual(db.member(son.id).balance, 100);
  assert.strictEqual(db.history(son.id)[0].kind, constants.LOY_ENTRY_TRANSFER_IN);
  assert.throws(() => db.transferPoints(son.id, sara.id, 500, 'X-gift-2'), DeclinedError);
  const house = db.createHousehold(sara.id, 'X-house-1');
  db.joinHousehold(house, son.id, 'X-house-2'); // his 100 join her 300
  assert.deepStrictEqual(db.household(son.id), { id: house, headId: sara.id, members: 2 });
  assert.strictEqual(db.member(son.id).balance, 400);
  db.leaveHousehold(son.id, 'X-house-3');
  assert.deepStrictEqual([db.member(son.id).balance, db.member(sara.id).balance], [0, 400]);
  db.close();
  fs.rmSync(dir, { recursive: true });
});

test('a gift card sold, loaded and spent in part', () => {
  const { db, dir } = openClub();
  const code = db.sellGiftCard(500000, 'X-gc-1', { reference: 'R1', operator: 'mina' });
  assert.strictEqual(db.sellGiftCard(500000, 'X-gc-1', { reference: 'R1', operator: 'mina' }), code);
  assert.strictEqual(db.loadGiftCard(code, 200000, 'X-gc-2'), 700000);
  assert.strictEqual(db.redeemGiftCard(code, 300000, 'X-gc-3'), 400000);
  assert.throws(() => db.redeemGiftCard(code, 500000, 'X-gc-4'), DeclinedError);
  assert.strictEqual(db.refundGiftCard(code, 100000, 'X-gc-5'), 500000);
  assert.strictEqual(db.giftCardBalance(code), 500000);
  assert.strictEqual(db.report('gift_cards')[0].outstanding, 500000);
  const b = db.basket({});
  b.addLine('LATTE', 'coffee', 2000, 150000);
  b.payGiftCard(code, 200000);
  assert.strictEqual(db.quote(b).giftCardAmount, 200000);
  const sale = db.commit(b, 'X-gc-6');
  b.close();
  assert.deepStrictEqual([sale.giftCardAmount, sale.amountDue], [200000, 100000]);
  assert.strictEqual(db.giftCardBalance(code), 300000);
  const back = db.void(sale.saleId, 'X-gc-7');
  assert.deepStrictEqual([back.giftCardAmount, back.moneyBack], [200000, 100000]);
  assert.strictEqual(db.giftCardBalance(code), 500000);
  db.close();
  fs.rmSync(dir, { recursive: true });
});

test('tier review, segments, a message campaign and the dashboard', () => {
  const { db, dir, sara } = openClub();
  const review = db.reviewTiers();
  assert.deepStrictEqual([review.reviewed, review.upgraded], [1, 0]);
  const status = db.tierStatus(sara.id);
  assert.deepStrictEqual([status.tier, status.nextThreshold, status.multiplier], ['bronze', 500, '1']);
  assert.strictEqual(status.events[0].to, 'bronze');
  db.assignTier(sara.id, 'silver', 'status match', 'X-assign-1', { untilMs: NOW + 86400000, operator: 'mgr' });
  const assigned = db.tierStatus(sara.id);
  assert.deepStrictEqual([assigned.tier, assigned.assignedTier, assigned.assignedUntil],
    ['silver', 'silver', NOW + 86400000]);
  assert.throws(() => db.assignTier(sara.id, 'diamond', 'typo', 'X-assign-2'), NotFoundError);
  assert.ok(db.memberSegments(sara.id).some((s) => s.segment === 'coffee-lovers'));
  assert.deepStrictEqual(db.segmentMembers('coffee-lovers').map((x) => x.member_id), [sara.id]);
  const sent = db.sendCampaign('yalda-coffee');
  assert.strictEqual(sent.queued + sent.holdout + sent.suppressed, 1);
  assert.deepStrictEqual(db.sendCampaign('yalda-coffee'), { queued: 0, holdout: 0, suppressed: 0 });
  assert.ok(reports().some((x) => x.name === 'sales'));
  assert.ok(reports().every((x) => x.title));
  const page = db.dashboardHtml({ calendar: constants.LOY_CALENDAR_JALALI });
  assert.ok(page.startsWith('<!DOCTYPE html>'));
  assert.ok(page.includes('dir="rtl"'));
  assert.ok(version().startsWith(`${constants.LOY_VERSION_MAJOR}.`));
  assert.strictEqual(db.rebuild(), 0);
  db.close();
  fs.rmSync(dir, { recursive: true });
});
