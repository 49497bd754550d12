// Type-checked, not run: a till's checkout written against index.d.ts compiles with --strict
// (tests/bindings/run.sh node runs tsc on it), so the declarations cover the API a till uses.
import {
  Basket, Coupon, Database, HistoryEntry, LoyaltyError, Member, Receipt, Redemption, Row,
  TierStatus, TransientError, constants, libraryCandidates, reports,
} from '../index';

function sell(db: Database, phone: string): Receipt {
  const member = db.identify(phone);
  const basket: Basket = db.basket({ member: member.id, receipt: 'R-1', branch: 'tehran-1' });
  basket.addLine('LATTE', 'coffee', 2000, 150000);
  if (Number(member.available) >= 50) basket.redeemPoints(50);
  const quote = db.quote(basket);
  console.log(quote.progress, quote.rules.map((r) => r.explanation).join('\n'));
  try {
    return db.commit(basket, 'T1-R-1');
  } catch (e) {
    if (e instanceof TransientError) return db.commit(basket, 'T1-R-1');
    if (e instanceof LoyaltyError && e.family === constants.LOY_FAMILY_DECLINED) console.log(e.detail);
    throw e;
  } finally {
    basket.close();
  }
}

const db: Database = Database.open('club.db', { defaultCurrency: 'IRT', currencyExponent: 0 });
const receipt = sell(db, '09123456789');
const refund: Receipt = db.refund(receipt.saleId, [[1, 1000]], 'T1-refund-1');
const cash: bigint | number = refund.moneyBack;
const rows: Row[] = db.report('sales', { groupBy: constants.LOY_GROUP_MONTH });
const revenue: number | bigint | string = rows[0].revenue;
const where: string[] = libraryCandidates('win32', 'x64');
const status: TierStatus = db.tierStatus(receipt.memberId);
const ledger: HistoryEntry[] = db.history(receipt.memberId, { limit: 10 });
const coupon: Coupon = db.coupon(db.issueCoupon('comeback', receipt.memberId, 'C-1'));
console.log(cash, revenue, where, db.exportMember(receipt.memberId), db.verify().problems,
            status.progress, ledger.length, coupon.revoked, Database.couponCodeIsValid('X'));
const page: Member[] = db.searchMembers({ tag: 'coffee', limit: 50 });
const reward: Redemption = db.redeemReward(page[0].id, 'free-latte', 1, 'RW-1');
const winners: Row[] = db.runDraw('yalda', 'seed', 1, 'DR-1');
const html: string = db.dashboardHtml({ calendar: constants.LOY_CALENDAR_JALALI });
console.log(reward.points, winners.length, html.length, reports().map((r) => r.title),
            db.importMembersCsv('phone\n09121111111', { dryRun: true }).errors.length);
db.close();
