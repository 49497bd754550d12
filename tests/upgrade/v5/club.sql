PRAGMA application_id = 1280268609;
PRAGMA user_version = 5;
BEGIN TRANSACTION;
CREATE TABLE campaign_totals(
  campaign_id TEXT PRIMARY KEY,
  uses INTEGER NOT NULL,
  discount INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO "campaign_totals" VALUES('yalda',1,180000);
CREATE TABLE coupon_batches(
  id INTEGER PRIMARY KEY,
  origin INTEGER NOT NULL REFERENCES origins(id),
  campaign_id TEXT NOT NULL,
  count INTEGER NOT NULL,
  created_at INTEGER NOT NULL);
CREATE TABLE coupon_uses(
  id INTEGER PRIMARY KEY,
  coupon_id INTEGER REFERENCES coupons(id),
  code TEXT NOT NULL,
  campaign_id TEXT NOT NULL,
  sale_id INTEGER NOT NULL REFERENCES sales(id),
  member_id INTEGER REFERENCES members(id),
  discount INTEGER NOT NULL,
  points INTEGER NOT NULL,
  partner_id TEXT,
  partner_funded INTEGER NOT NULL,
  branch TEXT,
  created_at INTEGER NOT NULL,
  restored_at INTEGER NOT NULL DEFAULT 0);
INSERT INTO "coupon_uses" VALUES(1,NULL,'YALDA1405','yalda',4,2,180000,0,NULL,0,'golestan',1770537600000,0);
CREATE TABLE coupons(
  id INTEGER PRIMARY KEY,
  origin INTEGER NOT NULL REFERENCES origins(id),
  campaign_id TEXT NOT NULL,
  code TEXT NOT NULL UNIQUE,
  member_id INTEGER REFERENCES members(id),
  batch_id INTEGER REFERENCES coupon_batches(id),
  max_uses INTEGER NOT NULL,
  valid_until INTEGER NOT NULL,
  issued_sale_id INTEGER REFERENCES sales(id),
  revoked_at INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL);
INSERT INTO "coupons" VALUES(1,1,'comeback','J7DQPXKZRP',2,NULL,1,1776630600000,NULL,0,1773993600000);
CREATE TABLE currencies(code TEXT PRIMARY KEY, exponent INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO "currencies" VALUES('AED',2);
INSERT INTO "currencies" VALUES('EUR',2);
INSERT INTO "currencies" VALUES('IRR',0);
INSERT INTO "currencies" VALUES('IRT',0);
INSERT INTO "currencies" VALUES('USD',2);
CREATE TABLE draw_results(
  draw_id TEXT PRIMARY KEY,
  seed TEXT NOT NULL,
  total_entries INTEGER NOT NULL,
  created_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE draw_tickets(
  id INTEGER PRIMARY KEY,
  draw_id TEXT NOT NULL,
  member_id INTEGER NOT NULL REFERENCES members(id),
  entries INTEGER NOT NULL,
  entry_id INTEGER REFERENCES ledger(id),
  created_at INTEGER NOT NULL);
CREATE TABLE draw_winners(
  draw_id TEXT NOT NULL,
  rank INTEGER NOT NULL,
  member_id INTEGER NOT NULL REFERENCES members(id),
  ticket INTEGER NOT NULL,
  PRIMARY KEY(draw_id, rank)) WITHOUT ROWID;
CREATE TABLE ledger(
  id INTEGER PRIMARY KEY,
  origin INTEGER NOT NULL REFERENCES origins(id),
  member_id INTEGER NOT NULL REFERENCES members(id),
  kind INTEGER NOT NULL,
  points INTEGER NOT NULL,
  sale_id INTEGER REFERENCES sales(id),
  refund_id INTEGER REFERENCES refunds(id),
  corrects INTEGER REFERENCES ledger(id),
  reason TEXT,
  operator TEXT,
  branch TEXT,
  terminal TEXT,
  program_version INTEGER NOT NULL,
  created_at INTEGER NOT NULL, source TEXT);
INSERT INTO "ledger" VALUES(1,1,1,1,135,1,NULL,NULL,'purchase','sara','golestan','t1',1,1765353600000,'purchase');
INSERT INTO "ledger" VALUES(2,1,2,1,145,2,NULL,NULL,'purchase','sara','golestan','t1',1,1767081600000,'purchase');
INSERT INTO "ledger" VALUES(3,1,1,1,145,3,NULL,NULL,'purchase','sara','golestan','t1',1,1768809600000,'purchase');
INSERT INTO "ledger" VALUES(4,1,2,1,125,4,NULL,NULL,'purchase','sara','golestan','t1',1,1770537600000,'purchase');
INSERT INTO "ledger" VALUES(5,1,1,2,-60,5,NULL,NULL,'points tender','sara','golestan','t1',1,1772265600000,NULL);
INSERT INTO "ledger" VALUES(6,1,1,1,155,5,NULL,NULL,'purchase','sara','golestan','t1',1,1772265600000,'purchase');
INSERT INTO "ledger" VALUES(7,1,2,1,155,6,NULL,NULL,'purchase','sara','golestan','t1',1,1773993600000,'purchase');
INSERT INTO "ledger" VALUES(8,1,1,5,-27,3,1,3,'refund',NULL,'golestan','t1',1,1773993600000,'purchase');
INSERT INTO "ledger" VALUES(9,1,2,5,-155,6,2,7,'void',NULL,'golestan','t1',1,1773993600000,'purchase');
INSERT INTO "ledger" VALUES(10,1,3,4,300,NULL,NULL,NULL,'welcome gift','manager',NULL,NULL,1,1773993600000,'adjust');
INSERT INTO "ledger" VALUES(11,1,3,2,-50,NULL,NULL,NULL,'reward:trees',NULL,NULL,NULL,1,1773993600000,NULL);
INSERT INTO "ledger" VALUES(12,1,1,3,-75,NULL,NULL,1,'expired',NULL,NULL,NULL,1,1798185600000,NULL);
CREATE TABLE lot_moves(
  entry_id INTEGER NOT NULL REFERENCES ledger(id),
  lot_id INTEGER NOT NULL REFERENCES lots(id),
  points INTEGER NOT NULL,
  PRIMARY KEY(entry_id, lot_id)) WITHOUT ROWID;
INSERT INTO "lot_moves" VALUES(5,1,60);
INSERT INTO "lot_moves" VALUES(8,3,27);
INSERT INTO "lot_moves" VALUES(9,6,155);
INSERT INTO "lot_moves" VALUES(11,7,50);
INSERT INTO "lot_moves" VALUES(12,1,75);
CREATE TABLE lots(
  id INTEGER PRIMARY KEY,
  member_id INTEGER NOT NULL REFERENCES members(id),
  entry_id INTEGER NOT NULL REFERENCES ledger(id),
  points INTEGER NOT NULL,
  remaining INTEGER NOT NULL,
  available_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL);
INSERT INTO "lots" VALUES(1,1,1,135,0,1765353600000,1796934600000);
INSERT INTO "lots" VALUES(2,2,2,145,145,1767081600000,1798662600000);
INSERT INTO "lots" VALUES(3,1,3,145,118,1768809600000,1800390600000);
INSERT INTO "lots" VALUES(4,2,4,125,125,1770537600000,1802118600000);
INSERT INTO "lots" VALUES(5,1,6,155,155,1772265600000,1803846600000);
INSERT INTO "lots" VALUES(6,2,7,155,0,1773993600000,1805574600000);
INSERT INTO "lots" VALUES(7,3,10,300,250,1773993600000,1805574600000);
CREATE TABLE member_tags(
  member_id INTEGER NOT NULL REFERENCES members(id),
  tag TEXT NOT NULL,
  PRIMARY KEY(member_id, tag)) WITHOUT ROWID;
CREATE TABLE members(
  id INTEGER PRIMARY KEY,
  origin INTEGER NOT NULL REFERENCES origins(id),
  status INTEGER NOT NULL DEFAULT 0,
  phone TEXT UNIQUE,
  card TEXT UNIQUE,
  name TEXT,
  name_key TEXT,
  email TEXT,
  birth_year INTEGER NOT NULL DEFAULT 0,
  birth_month INTEGER NOT NULL DEFAULT 0,
  birth_day INTEGER NOT NULL DEFAULT 0,
  gender TEXT,
  language TEXT,
  consent_sms INTEGER NOT NULL DEFAULT 0,
  consent_email INTEGER NOT NULL DEFAULT 0,
  consent_push INTEGER NOT NULL DEFAULT 0,
  branch TEXT,
  referrer_id INTEGER REFERENCES members(id),
  referral_code TEXT NOT NULL UNIQUE,
  merged_into INTEGER REFERENCES members(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  balance INTEGER NOT NULL DEFAULT 0,
  lifetime_earned INTEGER NOT NULL DEFAULT 0
, tier TEXT NOT NULL DEFAULT '', tier_since INTEGER NOT NULL DEFAULT 0, tier_at_risk_since INTEGER NOT NULL DEFAULT 0, wallet_balance INTEGER NOT NULL DEFAULT 0);
INSERT INTO "members" VALUES(1,1,0,'+989120000001',NULL,'Maryam','maryam',NULL,0,0,0,NULL,NULL,1,0,0,NULL,NULL,'JBD2ZHU6',NULL,1763625600000,1763625600000,273,408,'bronze',1763625600000,0,68000);
INSERT INTO "members" VALUES(2,1,0,'+989120000002',NULL,'Reza','reza',NULL,0,0,0,NULL,NULL,1,0,0,NULL,NULL,'N3RJKTVM',NULL,1763629200000,1763629200000,270,270,'bronze',1763629200000,0,43600);
INSERT INTO "members" VALUES(3,1,0,'+989120000003',NULL,'Maryam','maryam',NULL,0,0,0,NULL,NULL,1,0,0,NULL,NULL,'8QPANDVV',NULL,1763632800000,1763632800000,250,0,'bronze',1763632800000,0,0);
INSERT INTO "members" VALUES(4,1,0,'+989120000004',NULL,'Reza','reza',NULL,0,0,0,NULL,NULL,1,0,0,NULL,NULL,'JUMBF8GF',NULL,1763636400000,1763636400000,0,0,'bronze',1763636400000,0,250000);
CREATE TABLE merges(
  id INTEGER PRIMARY KEY,
  survivor_id INTEGER NOT NULL REFERENCES members(id),
  absorbed_id INTEGER NOT NULL REFERENCES members(id),
  points_moved INTEGER NOT NULL,
  created_at INTEGER NOT NULL);
CREATE TABLE message_cursors(kind TEXT PRIMARY KEY, last_id INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
INSERT INTO "meta" VALUES('created_at','1796146481500');
CREATE TABLE origins(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
INSERT INTO "origins" VALUES(1,'golestan-t1');
CREATE TABLE outbox(
  id INTEGER PRIMARY KEY,
  member_id INTEGER NOT NULL REFERENCES members(id),
  kind TEXT NOT NULL,          -- the trigger (welcome, earned...) or 'campaign'
  occurrence TEXT NOT NULL,    -- which event: a sale, a tier event, an expiry day, a campaign
  campaign_id TEXT,
  channel TEXT NOT NULL,
  address TEXT NOT NULL,
  language TEXT NOT NULL,
  body TEXT NOT NULL,
  marketing INTEGER NOT NULL,
  status INTEGER NOT NULL,     -- 0 pending, 1 sent, 2 failed, 3 suppressed, 4 holdout
  reason TEXT NOT NULL DEFAULT '',
  due_at INTEGER NOT NULL,
  leased_until INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  sent_at INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  UNIQUE(member_id, kind, occurrence, channel));
CREATE TABLE partner_redemptions(
  id INTEGER PRIMARY KEY,
  partner_id TEXT NOT NULL,
  campaign_id TEXT NOT NULL,
  code TEXT NOT NULL,
  amount INTEGER NOT NULL,
  created_at INTEGER NOT NULL);
CREATE TABLE programs(
  version INTEGER PRIMARY KEY,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL);
INSERT INTO "programs" VALUES(1,'{
  "birthday": {
    "points": 50,
    "when": "month"
  },
  "branches": [
    {
      "id": "golestan",
      "names": {
        "en": "Golestan",
        "fa": "شعبه گلستان"
      }
    }
  ],
  "campaigns": [
    {
      "budget": 0,
      "cap": 300000,
      "categories": [
        "bakery",
        "coffee",
        "coffee-beans"
      ],
      "code": "YALDA1405",
      "combinable": false,
      "effect": "percent",
      "end": "24:00",
      "id": "yalda",
      "issue_on_purchase_min_spend": -1,
      "max_uses": 0,
      "max_uses_per_member": 1,
      "members_only": false,
      "min_basket": 0,
      "name": "Yalda night 15% off",
      "names": {
        "fa": "شب یلدا ۱۵٪ تخفیف"
      },
      "percent": "0.15",
      "priority": 0,
      "start": "00:00",
      "uses_per_code": 1,
      "valid_days": 0
    },
    {
      "amount": 50000,
      "budget": 0,
      "combinable": false,
      "effect": "amount",
      "end": "24:00",
      "id": "comeback",
      "issue_on_purchase_min_spend": 2000000,
      "max_uses": 0,
      "max_uses_per_member": 0,
      "members_only": false,
      "min_basket": 0,
      "name": "50,000 toman off your next visit",
      "names": {
        "fa": "۵۰٬۰۰۰ تومان تخفیف در مراجعه بعدی"
      },
      "priority": 0,
      "start": "00:00",
      "uses_per_code": 1,
      "valid_days": 30
    }
  ],
  "cashback": {
    "pending_days": 0,
    "percent": "0.02"
  },
  "challenges": [
    {
      "bonus": 20,
      "id": "three-a-month",
      "min_spend": 0,
      "name": "3 purchases in one month",
      "names": {
        "fa": "۳ خرید در یک ماه"
      },
      "purchases": 3,
      "window": "month"
    }
  ],
  "currency": "IRT",
  "draws": [],
  "events": [
    {
      "action": "review",
      "cap": 1,
      "name": "Write a review",
      "per": "day",
      "points": 5
    },
    {
      "action": "app_login",
      "cap": 1,
      "name": "Open the app",
      "per": "day",
      "points": 1
    },
    {
      "action": "profile_complete",
      "cap": 1,
      "name": "Complete your profile",
      "per": "year",
      "points": 5
    },
    {
      "action": "invite",
      "cap": 10,
      "name": "Invite a friend",
      "per": "month",
      "points": 5
    }
  ],
  "expiry_days": 365,
  "items": [
    {
      "id": "cake-bonus",
      "name": "Cake of the week",
      "names": {
        "fa": "کیک هفته"
      },
      "points": 5,
      "skus": [
        "CAKE-SAFFRON"
      ]
    }
  ],
  "language": "fa",
  "messages": {
    "amounts": "",
    "campaigns": [
      {
        "channel": "sms",
        "holdout_percent": 10,
        "id": "yalda-coffee",
        "measure_days": 14,
        "name": "Yalda night, coffee lovers",
        "segment": "coffee-lovers",
        "text": {
          "en": "Yalda night: 15% off coffee with code YALDA1405",
          "fa": "شب یلدا با ۱۵٪ تخفیف قهوه، با کد YALDA1405"
        }
      }
    ],
    "cap_count": 2,
    "cap_days": 7,
    "quiet_end": "08:00",
    "quiet_start": "22:00",
    "triggers": [
      {
        "channel": "sms",
        "days": 0,
        "text": {
          "en": "Welcome to the Café Golestan club, {name}!",
          "fa": "{name} عزیز، به باشگاه مشتریان کافه گلستان خوش آمدید!"
        },
        "trigger": "welcome"
      },
      {
        "channel": "sms",
        "days": 0,
        "text": {
          "en": "You earned {points} points; your balance is {balance}.",
          "fa": "{points} امتیاز گرفتید؛ مانده امتیاز شما {balance} است."
        },
        "trigger": "earned"
      },
      {
        "channel": "sms",
        "days": 0,
        "text": {
          "en": "Congratulations {name}, you are now {tier}!",
          "fa": "تبریک {name}! سطح شما {tier} شد."
        },
        "trigger": "tier_up"
      },
      {
        "channel": "sms",
        "days": 0,
        "text": {
          "en": "Your coupon code: {coupon}",
          "fa": "کد تخفیف شما: {coupon}"
        },
        "trigger": "coupon"
      },
      {
        "channel": "sms",
        "days": 30,
        "text": {
          "en": "{points} of your points expire on {expiry_date}.",
          "fa": "{points} امتیاز شما در {expiry_date} منقضی می‌شود."
        },
        "trigger": "expiring"
      },
      {
        "channel": "sms",
        "days": 0,
        "text": {
          "en": "Happy birthday {name}! Your birthday gift is waiting.",
          "fa": "تولدتان مبارک {name}! هدیه تولد در حساب شماست."
        },
        "trigger": "birthday"
      },
      {
        "channel": "sms",
        "days": 45,
        "text": {
          "en": "We miss you, {name}.",
          "fa": "{name} عزیز، دلمان برایتان تنگ شده است."
        },
        "trigger": "winback"
      },
      {
        "channel": "sms",
        "days": 7,
        "text": {
          "en": "Your {plan} membership ends on {expiry_date}.",
          "fa": "اشتراک {plan} شما در {expiry_date} تمام می‌شود."
        },
        "trigger": "plan_expiring"
      }
    ]
  },
  "min_basket": 0,
  "multipliers": [
    {
      "categories": [
        "coffee"
      ],
      "factor": "2",
      "id": "coffee-x2",
      "name": "Double points on coffee",
      "names": {
        "fa": "امتیاز دوبرابر برای قهوه"
      }
    }
  ],
  "name": "Café Golestan club",
  "names": {
    "en": "Café Golestan club",
    "fa": "باشگاه مشتریان کافه گلستان"
  },
  "negative_balance": "allow",
  "partners": [],
  "pending_days": 0,
  "plans": [
    {
      "benefits": [
        "Free delivery",
        "10% off every order"
      ],
      "discount": "0.1",
      "fee": 290000,
      "free_delivery": true,
      "id": "plus",
      "multiplier": "1",
      "name": "Golestan Plus",
      "period": "month",
      "tier_floor": "silver"
    }
  ],
  "promotions": [
    {
      "end": "19:00",
      "factor": "1.5",
      "id": "friday",
      "name": "Friday happy hour",
      "names": {
        "fa": "ساعت شاد جمعه"
      },
      "start": "16:00",
      "weekdays": [
        "fri"
      ]
    }
  ],
  "redeem": {
    "max_share": "0.5",
    "min_points": 50,
    "point_value": "100"
  },
  "referral": {
    "min_spend": 0,
    "on": "first_purchase",
    "referee_campaign": "",
    "referee_points": 50,
    "referrer_campaign": "",
    "referrer_points": 100
  },
  "rewards": [
    {
      "amount": 0,
      "campaign": "",
      "cause": "",
      "id": "free-latte",
      "name": "A free latte",
      "per_member": 4,
      "points": 150,
      "sku": "LATTE",
      "stock": 0,
      "type": "product"
    },
    {
      "amount": 0,
      "campaign": "",
      "cause": "Hyrcanian forests",
      "id": "trees",
      "name": "Plant a tree",
      "per_member": 0,
      "points": 50,
      "sku": "",
      "stock": 0,
      "type": "donation"
    }
  ],
  "rfm": {
    "window_days": 365
  },
  "segments": [
    {
      "birthday_within_days": -1,
      "bought_within_days": 0,
      "branches": [],
      "consent": "sms",
      "id": "coffee-lovers",
      "joined_within_days": 0,
      "max_spend": 0,
      "max_visits": 0,
      "min_spend": 0,
      "min_visits": 0,
      "name": "Coffee lovers who take SMS",
      "not_bought_for_days": 0,
      "plan": "",
      "rfm_groups": [],
      "tags": [
        "coffee"
      ],
      "tiers": [],
      "window_days": 0
    },
    {
      "birthday_within_days": -1,
      "bought_within_days": 0,
      "branches": [],
      "consent": "",
      "id": "big-spenders",
      "joined_within_days": 0,
      "max_spend": 0,
      "max_visits": 0,
      "min_spend": 2000000,
      "min_visits": 0,
      "name": "Spent 2,000,000 toman or more this year",
      "not_bought_for_days": 0,
      "plan": "",
      "rfm_groups": [],
      "tags": [],
      "tiers": [],
      "window_days": 365
    },
    {
      "birthday_within_days": 7,
      "bought_within_days": 0,
      "branches": [],
      "consent": "",
      "id": "birthdays-this-week",
      "joined_within_days": 0,
      "max_spend": 0,
      "max_visits": 0,
      "min_spend": 0,
      "min_visits": 0,
      "name": "Birthday in the next 7 days",
      "not_bought_for_days": 0,
      "plan": "",
      "rfm_groups": [],
      "tags": [],
      "tiers": [],
      "window_days": 0
    }
  ],
  "spend": [
    {
      "after_discounts": true,
      "exclude_categories": [
        "gift-card"
      ],
      "id": "base",
      "include_service": false,
      "include_tax": false,
      "include_tips": false,
      "name": "Every 100,000 toman = 10 points",
      "names": {
        "fa": "هر ۱۰۰٬۰۰۰ تومان = ۱۰ امتیاز"
      },
      "per": 100000,
      "points": 10,
      "rounding": "floor"
    }
  ],
  "tiers": {
    "downgrade": "one_step",
    "grace_days": 30,
    "levels": [
      {
        "benefits": [],
        "discount": "0",
        "free_delivery": false,
        "id": "bronze",
        "multiplier": "1",
        "name": "Bronze",
        "names": {
          "fa": "برنزی"
        },
        "permanent": false,
        "threshold": 0
      },
      {
        "benefits": [
          "Priority service"
        ],
        "discount": "0",
        "free_delivery": false,
        "id": "silver",
        "multiplier": "1.25",
        "name": "Silver",
        "names": {
          "fa": "نقره‌ای"
        },
        "permanent": false,
        "threshold": 500
      },
      {
        "benefits": [
          "Free parking",
          "Event invitations"
        ],
        "discount": "0.05",
        "free_delivery": true,
        "id": "gold",
        "multiplier": "1.5",
        "name": "Gold",
        "names": {
          "fa": "طلایی"
        },
        "permanent": false,
        "threshold": 1000
      }
    ],
    "score": [
      {
        "metric": "points",
        "weight": "1"
      }
    ],
    "window": "rolling",
    "window_days": 365
  },
  "utc_offset_minutes": 210,
  "visit_points": 0,
  "week_start": "sat"
}',1796146481510);
CREATE TABLE refund_lines(
  refund_id INTEGER NOT NULL REFERENCES refunds(id),
  line_no INTEGER NOT NULL,
  quantity_milli INTEGER NOT NULL,
  amount INTEGER NOT NULL,
  points INTEGER NOT NULL,
  PRIMARY KEY(refund_id, line_no)) WITHOUT ROWID;
INSERT INTO "refund_lines" VALUES(1,1,1000,140000,27);
INSERT INTO "refund_lines" VALUES(2,1,2000,340000,65);
INSERT INTO "refund_lines" VALUES(2,2,1000,900000,90);
CREATE TABLE refunds(
  id INTEGER PRIMARY KEY,
  origin INTEGER NOT NULL REFERENCES origins(id),
  sale_id INTEGER NOT NULL REFERENCES sales(id),
  kind INTEGER NOT NULL, -- 1 refund, 2 void
  amount INTEGER NOT NULL,
  points_reversed INTEGER NOT NULL,
  points_restored INTEGER NOT NULL,
  value_restored INTEGER NOT NULL,
  balance_after INTEGER NOT NULL DEFAULT 0,
  available_after INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL, wallet_restored INTEGER NOT NULL DEFAULT 0, cashback_reversed INTEGER NOT NULL DEFAULT 0);
INSERT INTO "refunds" VALUES(1,1,3,1,140000,27,0,0,348,348,1773993600000,0,2800);
INSERT INTO "refunds" VALUES(2,1,6,2,1240000,155,0,0,270,270,1773993600000,0,24800);
CREATE TABLE requests(
  key TEXT PRIMARY KEY,
  op TEXT NOT NULL,
  digest TEXT NOT NULL,
  status INTEGER NOT NULL,
  message TEXT NOT NULL,
  result_id INTEGER,
  result_value INTEGER,
  created_at INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO "requests" VALUES('adjust-2','adjust','159198daf2f47b971e010cf4795cf009a6c4511c7927c38b34eb10a75a558ba4',0,'',10,300,1773993600000);
INSERT INTO "requests" VALUES('coupon-1','issue_coupon','4926940f63620d921fb14eef01b579c68bceedfa10594cbe2e3d3b53532e1f8d',0,'',1,0,1773993600000);
INSERT INTO "requests" VALUES('enrol-0','enrol','ac7ba30f0b81c45df357de1f585fa6c7f8f0e46bd0e827cb4e1285af919597bd',0,'',1,0,1763625600000);
INSERT INTO "requests" VALUES('enrol-1','enrol','68ccf1475b1088172eae999ed067d174724d573d98abee1eca9270723ea65dc0',0,'',2,0,1763629200000);
INSERT INTO "requests" VALUES('enrol-2','enrol','eec6c6b8226906f530958d9b3b48fedfbc19ee4bc2f98135f99edfbda2091150',0,'',3,0,1763632800000);
INSERT INTO "requests" VALUES('enrol-3','enrol','51fdef736d8ee8d196d492deb460f51508cd6de28d9c0e48aae413071c7e2806',0,'',4,0,1763636400000);
INSERT INTO "requests" VALUES('refund-2','refund:3','f4be3dc755a33c2f57e4477ed5556cd6a15d1c31663eb07a3aab50f1ae7bd859',0,'',1,0,1773993600000);
INSERT INTO "requests" VALUES('reward-2','reward','4a274ce79b2d584defd17d7c58753e3e0783b4538a5e87542fadef7936e0b528',0,'',1,0,1773993600000);
INSERT INTO "requests" VALUES('sale-0','sale','fdc13f70d741f392848408e2dc223ecfd13cfbcd2a1331119c87eafcbef9c5de',0,'',1,0,1765353600000);
INSERT INTO "requests" VALUES('sale-1','sale','4c55fba511eb0cda3c7dc23d754cbaf39533924c18c43b36eda65f30af869e56',0,'',2,0,1767081600000);
INSERT INTO "requests" VALUES('sale-2','sale','b9506ceb76eb912d5935cd9e14736d51ec30f1615ed3d39db35378c4b6ec57ad',0,'',3,0,1768809600000);
INSERT INTO "requests" VALUES('sale-3','sale','38dc622c7c73956bc68bf18f660c2b5531212ceb25e17c43cfdf815f7d489c5c',0,'',4,0,1770537600000);
INSERT INTO "requests" VALUES('sale-4','sale','1b79dfdfdbd468b02d04f66aa549e5d43e855aa561bb96ed3ed630149bc266f6',0,'',5,0,1772265600000);
INSERT INTO "requests" VALUES('sale-5','sale','a91419bb74f0523a4c1c0fa73da01fa33dc64a0f03944ab19f582e3af1b5d927',0,'',6,0,1773993600000);
INSERT INTO "requests" VALUES('void-5','void:6','e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',0,'',2,0,1773993600000);
INSERT INTO "requests" VALUES('wallet-3','wallet_credit','0096512f8873624e0a20eca2f62a061224faa3b7329addc6939f595a4712aa66',0,'',9,250000,1773993600000);
CREATE TABLE reward_redemptions(
  id INTEGER PRIMARY KEY,
  origin INTEGER NOT NULL REFERENCES origins(id),
  member_id INTEGER NOT NULL REFERENCES members(id),
  reward_id TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  points INTEGER NOT NULL,
  entry_id INTEGER NOT NULL REFERENCES ledger(id),
  coupon_id INTEGER REFERENCES coupons(id),
  wallet_entry_id INTEGER REFERENCES wallet_entries(id),
  cause TEXT,
  refunded_at INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL);
INSERT INTO "reward_redemptions" VALUES(1,1,3,'trees',1,50,11,NULL,NULL,'Hyrcanian forests',0,1773993600000);
CREATE TABLE sale_lines(
  sale_id INTEGER NOT NULL REFERENCES sales(id),
  line_no INTEGER NOT NULL,
  sku TEXT NOT NULL, category TEXT NOT NULL,
  quantity_milli INTEGER NOT NULL, unit_price INTEGER NOT NULL, discount INTEGER NOT NULL,
  amount INTEGER NOT NULL,
  points INTEGER NOT NULL, plan_id TEXT, benefit_discount INTEGER NOT NULL DEFAULT 0, coupon_discount INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY(sale_id, line_no)) WITHOUT ROWID;
INSERT INTO "sale_lines" VALUES(1,1,'LATTE','coffee',2000,120000,0,240000,45,NULL,0,0);
INSERT INTO "sale_lines" VALUES(1,2,'CAKE-SAFFRON','bakery',1000,900000,0,900000,90,NULL,0,0);
INSERT INTO "sale_lines" VALUES(2,1,'LATTE','coffee',2000,130000,0,260000,51,NULL,0,0);
INSERT INTO "sale_lines" VALUES(2,2,'CAKE-SAFFRON','bakery',1000,900000,0,900000,94,NULL,0,0);
INSERT INTO "sale_lines" VALUES(3,1,'LATTE','coffee',2000,140000,0,280000,54,NULL,0,0);
INSERT INTO "sale_lines" VALUES(3,2,'CAKE-SAFFRON','bakery',1000,900000,0,900000,91,NULL,0,0);
INSERT INTO "sale_lines" VALUES(4,1,'LATTE','coffee',2000,150000,0,255000,48,NULL,0,45000);
INSERT INTO "sale_lines" VALUES(4,2,'CAKE-SAFFRON','bakery',1000,900000,0,765000,77,NULL,0,135000);
INSERT INTO "sale_lines" VALUES(5,1,'LATTE','coffee',2000,160000,0,320000,62,NULL,0,0);
INSERT INTO "sale_lines" VALUES(5,2,'CAKE-SAFFRON','bakery',1000,900000,0,900000,93,NULL,0,0);
INSERT INTO "sale_lines" VALUES(6,1,'LATTE','coffee',2000,170000,0,340000,65,NULL,0,0);
INSERT INTO "sale_lines" VALUES(6,2,'CAKE-SAFFRON','bakery',1000,900000,0,900000,90,NULL,0,0);
CREATE TABLE sale_tenders(
  sale_id INTEGER NOT NULL REFERENCES sales(id),
  line_no INTEGER NOT NULL,
  type TEXT NOT NULL,
  amount INTEGER NOT NULL,
  PRIMARY KEY(sale_id, line_no)) WITHOUT ROWID;
CREATE TABLE sales(
  id INTEGER PRIMARY KEY,
  origin INTEGER NOT NULL REFERENCES origins(id),
  member_id INTEGER REFERENCES members(id),
  receipt TEXT, branch TEXT, terminal TEXT, cashier TEXT,
  currency TEXT NOT NULL,
  total INTEGER NOT NULL,
  tax INTEGER NOT NULL, service INTEGER NOT NULL, tip INTEGER NOT NULL,
  points_earned INTEGER NOT NULL,
  charge_points INTEGER NOT NULL,
  points_redeemed INTEGER NOT NULL,
  redeem_value INTEGER NOT NULL,
  amount_due INTEGER NOT NULL,
  program_version INTEGER NOT NULL,
  explanation TEXT NOT NULL,
  balance_after INTEGER NOT NULL DEFAULT 0,
  available_after INTEGER NOT NULL DEFAULT 0,
  status INTEGER NOT NULL DEFAULT 0, -- 0 sold, 1 partly refunded, 2 fully refunded, 3 voided
  created_at INTEGER NOT NULL, benefit_discount INTEGER NOT NULL DEFAULT 0, tier_before TEXT NOT NULL DEFAULT '', tier_after TEXT NOT NULL DEFAULT '', coupon_discount INTEGER NOT NULL DEFAULT 0, wallet_paid INTEGER NOT NULL DEFAULT 0, cashback INTEGER NOT NULL DEFAULT 0);
INSERT INTO "sales" VALUES(1,1,1,'R-0','golestan','t1','sara','IRT',1140000,0,0,0,135,0,0,0,1140000,1,'id=4:base;points=3:110;text=116:هر ۱۰۰٬۰۰۰ تومان = ۱۰ امتیاز: ۱٬۱۴۰٬۰۰۰ تومان مشمول ← ۱۱۰ امتیاز;id=9:coffee-x2;points=2:20;text=89:امتیاز دوبرابر برای قهوه (×۲) روی ۱ قلم: +۲۰ امتیاز;id=10:cake-bonus;points=1:5;text=58:کیک هفته: ۵ امتیاز × ۱ ← ۵ امتیاز;',135,135,0,1765353600000,0,'bronze','bronze',0,0,22800);
INSERT INTO "sales" VALUES(2,1,2,'R-1','golestan','t1','sara','IRT',1160000,0,0,0,145,0,0,0,1160000,1,'id=4:base;points=3:110;text=116:هر ۱۰۰٬۰۰۰ تومان = ۱۰ امتیاز: ۱٬۱۶۰٬۰۰۰ تومان مشمول ← ۱۱۰ امتیاز;id=9:coffee-x2;points=2:30;text=89:امتیاز دوبرابر برای قهوه (×۲) روی ۱ قلم: +۳۰ امتیاز;id=10:cake-bonus;points=1:5;text=58:کیک هفته: ۵ امتیاز × ۱ ← ۵ امتیاز;',145,145,0,1767081600000,0,'bronze','bronze',0,0,23200);
INSERT INTO "sales" VALUES(3,1,1,'R-2','golestan','t1','sara','IRT',1180000,0,0,0,145,0,0,0,1180000,1,'id=4:base;points=3:110;text=116:هر ۱۰۰٬۰۰۰ تومان = ۱۰ امتیاز: ۱٬۱۸۰٬۰۰۰ تومان مشمول ← ۱۱۰ امتیاز;id=9:coffee-x2;points=2:30;text=89:امتیاز دوبرابر برای قهوه (×۲) روی ۱ قلم: +۳۰ امتیاز;id=10:cake-bonus;points=1:5;text=58:کیک هفته: ۵ امتیاز × ۱ ← ۵ امتیاز;',280,280,1,1768809600000,0,'bronze','bronze',0,0,23600);
INSERT INTO "sales" VALUES(4,1,2,'R-3','golestan','t1','sara','IRT',1020000,0,0,0,125,0,0,0,1020000,1,'id=4:base;points=3:100;text=116:هر ۱۰۰٬۰۰۰ تومان = ۱۰ امتیاز: ۱٬۰۲۰٬۰۰۰ تومان مشمول ← ۱۰۰ امتیاز;id=9:coffee-x2;points=2:20;text=89:امتیاز دوبرابر برای قهوه (×۲) روی ۱ قلم: +۲۰ امتیاز;id=10:cake-bonus;points=1:5;text=58:کیک هفته: ۵ امتیاز × ۱ ← ۵ امتیاز;',270,270,0,1770537600000,0,'bronze','bronze',180000,0,20400);
INSERT INTO "sales" VALUES(5,1,1,'R-4','golestan','t1','sara','IRT',1220000,0,0,0,155,0,60,6000,1214000,1,'id=4:base;points=3:120;text=116:هر ۱۰۰٬۰۰۰ تومان = ۱۰ امتیاز: ۱٬۲۲۰٬۰۰۰ تومان مشمول ← ۱۲۰ امتیاز;id=9:coffee-x2;points=2:30;text=89:امتیاز دوبرابر برای قهوه (×۲) روی ۱ قلم: +۳۰ امتیاز;id=10:cake-bonus;points=1:5;text=58:کیک هفته: ۵ امتیاز × ۱ ← ۵ امتیاز;',375,375,0,1772265600000,0,'bronze','bronze',0,0,24400);
INSERT INTO "sales" VALUES(6,1,2,'R-5','golestan','t1','sara','IRT',1240000,0,0,0,155,0,0,0,1240000,1,'id=4:base;points=3:120;text=116:هر ۱۰۰٬۰۰۰ تومان = ۱۰ امتیاز: ۱٬۲۴۰٬۰۰۰ تومان مشمول ← ۱۲۰ امتیاز;id=9:coffee-x2;points=2:30;text=89:امتیاز دوبرابر برای قهوه (×۲) روی ۱ قلم: +۳۰ امتیاز;id=10:cake-bonus;points=1:5;text=58:کیک هفته: ۵ امتیاز × ۱ ← ۵ امتیاز;',425,425,3,1773993600000,0,'bronze','bronze',0,0,24800);
CREATE TABLE subscriptions(
  id INTEGER PRIMARY KEY,
  origin INTEGER NOT NULL REFERENCES origins(id),
  member_id INTEGER NOT NULL REFERENCES members(id),
  plan_id TEXT NOT NULL,
  sale_id INTEGER REFERENCES sales(id),
  line_no INTEGER,
  fee INTEGER NOT NULL,
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL,
  cancelled_at INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL);
CREATE TABLE tier_events(
  id INTEGER PRIMARY KEY,
  member_id INTEGER NOT NULL REFERENCES members(id),
  from_tier TEXT NOT NULL,
  to_tier TEXT NOT NULL,
  reason TEXT NOT NULL,
  score INTEGER NOT NULL,
  sale_id INTEGER REFERENCES sales(id),
  program_version INTEGER NOT NULL,
  created_at INTEGER NOT NULL);
INSERT INTO "tier_events" VALUES(1,1,'','bronze','joined at Bronze',0,NULL,1,1763625600000);
INSERT INTO "tier_events" VALUES(2,2,'','bronze','joined at Bronze',0,NULL,1,1763629200000);
INSERT INTO "tier_events" VALUES(3,3,'','bronze','joined at Bronze',0,NULL,1,1763632800000);
INSERT INTO "tier_events" VALUES(4,4,'','bronze','joined at Bronze',0,NULL,1,1763636400000);
CREATE TABLE wallet_entries(
  id INTEGER PRIMARY KEY,
  origin INTEGER NOT NULL REFERENCES origins(id),
  member_id INTEGER NOT NULL REFERENCES members(id),
  kind INTEGER NOT NULL,
  amount INTEGER NOT NULL,
  currency TEXT NOT NULL,
  sale_id INTEGER REFERENCES sales(id),
  refund_id INTEGER REFERENCES refunds(id),
  corrects INTEGER REFERENCES wallet_entries(id),
  reason TEXT,
  operator TEXT,
  available_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL);
INSERT INTO "wallet_entries" VALUES(1,1,1,1,22800,'IRT',1,NULL,NULL,'cashback','sara',1765353600000,1765353600000);
INSERT INTO "wallet_entries" VALUES(2,1,2,1,23200,'IRT',2,NULL,NULL,'cashback','sara',1767081600000,1767081600000);
INSERT INTO "wallet_entries" VALUES(3,1,1,1,23600,'IRT',3,NULL,NULL,'cashback','sara',1768809600000,1768809600000);
INSERT INTO "wallet_entries" VALUES(4,1,2,1,20400,'IRT',4,NULL,NULL,'cashback','sara',1770537600000,1770537600000);
INSERT INTO "wallet_entries" VALUES(5,1,1,1,24400,'IRT',5,NULL,NULL,'cashback','sara',1772265600000,1772265600000);
INSERT INTO "wallet_entries" VALUES(6,1,2,1,24800,'IRT',6,NULL,NULL,'cashback','sara',1773993600000,1773993600000);
INSERT INTO "wallet_entries" VALUES(7,1,1,5,-2800,'IRT',3,1,3,'refund: cashback taken back',NULL,1768809600000,1773993600000);
INSERT INTO "wallet_entries" VALUES(8,1,2,5,-24800,'IRT',6,2,6,'refund: cashback taken back',NULL,1773993600000,1773993600000);
INSERT INTO "wallet_entries" VALUES(9,1,4,2,250000,'IRT',NULL,NULL,NULL,'complaint','manager',1773993600000,1773993600000);
CREATE INDEX members_name ON members(name_key) WHERE name_key IS NOT NULL;
CREATE INDEX members_merged ON members(merged_into) WHERE merged_into IS NOT NULL;
CREATE INDEX member_tags_tag ON member_tags(tag, member_id);
CREATE INDEX sales_member ON sales(member_id, created_at) WHERE member_id IS NOT NULL;
CREATE INDEX sales_time ON sales(created_at);
CREATE INDEX refunds_sale ON refunds(sale_id);
CREATE INDEX ledger_member ON ledger(member_id, id);
CREATE INDEX ledger_sale ON ledger(sale_id) WHERE sale_id IS NOT NULL;
CREATE INDEX ledger_corrects ON ledger(corrects) WHERE corrects IS NOT NULL;
CREATE TRIGGER ledger_append_only_d BEFORE DELETE ON ledger
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE INDEX lots_open ON lots(member_id, expires_at, id) WHERE remaining > 0;
CREATE INDEX lots_expiry ON lots(expires_at) WHERE remaining > 0;
CREATE INDEX lots_entry ON lots(entry_id);
CREATE INDEX lot_moves_lot ON lot_moves(lot_id);
CREATE TRIGGER lot_moves_append_only_u BEFORE UPDATE ON lot_moves
  BEGIN SELECT RAISE(ABORT, 'lot moves are append-only'); END;
CREATE TRIGGER lot_moves_append_only_d BEFORE DELETE ON lot_moves
  BEGIN SELECT RAISE(ABORT, 'lot moves are append-only'); END;
CREATE TRIGGER ledger_append_only_u BEFORE UPDATE ON ledger
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE INDEX tier_events_member ON tier_events(member_id, id);
CREATE TRIGGER tier_events_append_only_u BEFORE UPDATE ON tier_events
  BEGIN SELECT RAISE(ABORT, 'tier events are append-only'); END;
CREATE TRIGGER tier_events_append_only_d BEFORE DELETE ON tier_events
  BEGIN SELECT RAISE(ABORT, 'tier events are append-only'); END;
CREATE INDEX subscriptions_member ON subscriptions(member_id, ends_at);
CREATE INDEX coupons_member ON coupons(member_id) WHERE member_id IS NOT NULL;
CREATE INDEX coupons_batch ON coupons(batch_id) WHERE batch_id IS NOT NULL;
CREATE INDEX coupons_sale ON coupons(issued_sale_id) WHERE issued_sale_id IS NOT NULL;
CREATE INDEX coupon_uses_campaign ON coupon_uses(campaign_id, member_id) WHERE restored_at = 0;
CREATE INDEX coupon_uses_coupon ON coupon_uses(coupon_id) WHERE coupon_id IS NOT NULL;
CREATE INDEX coupon_uses_sale ON coupon_uses(sale_id);
CREATE INDEX wallet_member ON wallet_entries(member_id, available_at);
CREATE INDEX wallet_sale ON wallet_entries(sale_id) WHERE sale_id IS NOT NULL;
CREATE TRIGGER wallet_append_only_u BEFORE UPDATE ON wallet_entries
  BEGIN SELECT RAISE(ABORT, 'the wallet ledger is append-only'); END;
CREATE TRIGGER wallet_append_only_d BEFORE DELETE ON wallet_entries
  BEGIN SELECT RAISE(ABORT, 'the wallet ledger is append-only'); END;
CREATE INDEX reward_redemptions_reward ON reward_redemptions(reward_id, member_id);
CREATE INDEX partner_redemptions_partner ON partner_redemptions(partner_id, created_at);
CREATE INDEX draw_tickets_draw ON draw_tickets(draw_id, member_id);
CREATE INDEX ledger_reason ON ledger(member_id, kind, reason) WHERE kind IN (7, 8);
CREATE INDEX outbox_due ON outbox(due_at) WHERE status = 0;
CREATE INDEX outbox_member ON outbox(member_id, created_at);
CREATE INDEX outbox_campaign ON outbox(campaign_id) WHERE campaign_id IS NOT NULL;
COMMIT;
