"""libloyalty for Python: the C ABI through ctypes, with no compiled extension.

    with libloyalty.Database.open("club.db") as db:
        db.load_programme_file("programme.json")
        member = db.enrol(phone="0912 345 6789", name="Sara")
        with db.basket(member=member.id, receipt="R-1") as basket:
            basket.add_line("LATTE", "coffee", 2000, 150_000)
            quote = db.quote(basket)
            receipt = db.commit(basket, idempotency_key="T1-R1")

Every failure raises LoyaltyError, which carries the C status code (`status`), its name and the
library's message. Results are frozen dataclasses copied out of the C result handles, which are
freed before the call returns. The library is found without configuration (see
`library_candidates`): $LOYALTY_LIBRARY if set; else the platform's file name (loyalty.dll on
Windows, libloyalty.so.0 on Linux, libloyalty.0.dylib on macOS) beside this package (a wheel's
bundled copy), in the working directory, on PATH (Windows), and through the system's search.
"""
import ctypes
import ctypes.util
import json
import os
import sys
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

from . import _capi
from ._capi import *  # noqa: F401,F403  (the LOY_* constants)

__all__ = ["Database", "Basket", "Coupon", "HistoryEntry", "JournalRecord", "LoyaltyError",
           "Member", "Origin", "Quote", "Receipt", "RuleLine", "TierStatus", "load"]

_lib = None
_lib_path = None


def library_path() -> Optional[str]:
    """The library loaded: a path, or the bare name the system's search resolved."""
    return _lib_path


def library_candidates(platform: str = sys.platform, here: Optional[str] = None,
                       env=None, cwd: Optional[str] = None) -> List[str]:
    """Where the library is looked for, in order: paths (tried if the file exists), then the bare
    file name for the system's own search. On Windows, Python 3.8+ no longer searches PATH or the
    working directory for a bare name, so both are searched here."""
    env = os.environ if env is None else env
    if env.get("LOYALTY_LIBRARY"):
        return [env["LOYALTY_LIBRARY"]]
    here = here or os.path.dirname(os.path.abspath(__file__))
    cwd = cwd or os.getcwd()
    if platform == "win32":
        name, join = "loyalty.dll", lambda d, n: d.rstrip("\\/") + "\\" + n
        dirs = [here, cwd] + [d for d in env.get("PATH", "").split(";") if d]
    elif platform == "darwin":
        name, join = "libloyalty.0.dylib", os.path.join
        dirs = [here, cwd]
    else:
        name, join = "libloyalty.so.0", os.path.join
        dirs = [here]
    return [join(d, name) for d in dirs] + [name]


def check_version(number: int) -> None:
    """Refuses a library of another major version than the header these declarations were
    generated from (its functions may differ); `number` is loy_version_number()."""
    if number // 10000 != _capi.LOY_VERSION_MAJOR:
        raise OSError("libloyalty %d.%d.%d was loaded, but this binding is for %d.x; install a "
                      "matching library or binding" % (number // 10000, number // 100 % 100,
                                                       number % 100, _capi.LOY_VERSION_MAJOR))


def load(path: Optional[str] = None):
    """Loads the shared library once: `path`, or the first of `library_candidates()` that loads."""
    global _lib, _lib_path
    if _lib is None or path:
        tried = []
        for candidate in [path] if path else library_candidates():
            is_path = os.sep in candidate or "/" in candidate or "\\" in candidate
            if is_path and not path and not os.path.exists(candidate):
                continue
            try:
                lib = _capi.declare(ctypes.CDLL(candidate))
                check_version(lib.loy_version_number())
                _lib, _lib_path = lib, candidate
                break
            except OSError as e:
                tried.append(f"{candidate}: {e}")
        else:
            raise OSError("libloyalty not found; set LOYALTY_LIBRARY to its path (tried: "
                          + "; ".join(tried or library_candidates()) + ")")
    return _lib


class LoyaltyError(Exception):
    """A call failed: `status` is the LOY_ERR_* code, `name` its symbol, `message` the detail."""

    def __init__(self, status: int, message: str):
        self.status = status
        self.name = load().loy_status_name(status).decode()
        self.message = message
        super().__init__("%s: %s" % (self.name, message))

    @property
    def transient(self) -> bool:
        """True when the same call with the same idempotency key may succeed if retried."""
        return bool(load().loy_status_is_transient(self.status))

    @property
    def family(self) -> int:
        """LOY_FAMILY_*: what to do about it (loy_status_family)."""
        return load().loy_status_family(self.status)


class InvalidInputError(LoyaltyError):
    """Fix the call: an argument, amount, phone, currency or programme is wrong."""


class NotFoundError(LoyaltyError):
    """No such member, sale, coupon, reward, report..."""


class ConflictError(LoyaltyError):
    """The data's state refuses: a duplicate, a key reused, a voided sale, an inactive member."""


class DeclinedError(LoyaltyError):
    """The programme refuses (tell the customer): not enough points, a coupon, a cap, stock."""


class TransientError(LoyaltyError):
    """Nothing was written: retry with the same idempotency key."""


class FailureError(LoyaltyError):
    """The file or the library: not a database, too new, read-only, internal."""


_FAMILIES = {_capi.LOY_FAMILY_INVALID_INPUT: InvalidInputError,
             _capi.LOY_FAMILY_NOT_FOUND: NotFoundError,
             _capi.LOY_FAMILY_CONFLICT: ConflictError,
             _capi.LOY_FAMILY_DECLINED: DeclinedError,
             _capi.LOY_FAMILY_TRANSIENT: TransientError,
             _capi.LOY_FAMILY_FAILURE: FailureError}


def error(status: int, message: str) -> LoyaltyError:
    """The exception of a status's family, e.g. NotFoundError for LOY_ERR_NOT_FOUND."""
    return _FAMILIES.get(load().loy_status_family(status), FailureError)(status, message)


def _b(text: Optional[str]) -> Optional[bytes]:
    return None if text is None else text.encode("utf-8")


def _s(raw: Optional[bytes]) -> str:
    return (raw or b"").decode("utf-8")


class _Call:
    """One loy_error per call; raises LoyaltyError on failure."""

    def __init__(self):
        self.err = _capi.loy_error()
        load().loy_error_init(ctypes.byref(self.err))

    def __call__(self, status: int):
        if status != _capi.LOY_OK:
            raise error(status, _s(self.err.message))


def _call(fn, *args):
    c = _Call()
    c(fn(*args, ctypes.byref(c.err)))


def _text_out(fn, *args) -> str:
    """Calls a snprintf-style function twice: once for the size, once for the text."""
    needed = ctypes.c_size_t(0)
    c = _Call()
    c(fn(*args, None, 0, ctypes.byref(needed), ctypes.byref(c.err)))
    buf = ctypes.create_string_buffer(needed.value + 1)
    c(fn(*args, buf, len(buf), ctypes.byref(needed), ctypes.byref(c.err)))
    return _s(buf.value)


@dataclass(frozen=True)
class Member:
    id: int
    uid: str
    status: int
    phone: str
    card: str
    name: str
    email: str
    tags: str
    language: str
    tier: str
    balance: int
    available: int
    pending: int
    lifetime_earned: int
    wallet_balance: int
    referral_code: str
    gender: str = ""
    branch: str = ""
    birth_year: int = 0
    birth_month: int = 0
    birth_day: int = 0
    consent_sms: bool = False
    consent_email: bool = False
    consent_push: bool = False
    referrer_id: int = 0
    merged_into: int = 0
    created_at: int = 0

    @staticmethod
    def _from(ptr) -> "Member":
        L = load()
        return Member(L.loy_member_id(ptr), _s(L.loy_member_uid(ptr)), L.loy_member_status(ptr),
                      _s(L.loy_member_phone(ptr)), _s(L.loy_member_card(ptr)),
                      _s(L.loy_member_name(ptr)), _s(L.loy_member_email(ptr)),
                      _s(L.loy_member_tags(ptr)), _s(L.loy_member_language(ptr)),
                      _s(L.loy_member_tier(ptr)), L.loy_member_balance(ptr),
                      L.loy_member_available(ptr), L.loy_member_pending(ptr),
                      L.loy_member_lifetime_earned(ptr), L.loy_member_wallet_balance(ptr),
                      _s(L.loy_member_referral_code(ptr)), _s(L.loy_member_gender(ptr)),
                      _s(L.loy_member_branch(ptr)), L.loy_member_birth_year(ptr),
                      L.loy_member_birth_month(ptr), L.loy_member_birth_day(ptr),
                      bool(L.loy_member_consent_sms(ptr)), bool(L.loy_member_consent_email(ptr)),
                      bool(L.loy_member_consent_push(ptr)), L.loy_member_referrer_id(ptr),
                      L.loy_member_merged_into(ptr), L.loy_member_created_at(ptr))


@dataclass(frozen=True)
class RuleLine:
    rule: str
    points: int
    explanation: str


@dataclass(frozen=True)
class CouponResult:
    """A coupon presented in a basket: its normalised code, campaign ("" if unknown), status
    (LOY_OK = applies), why (or what it gives), its money off and its points."""
    code: str
    campaign: str
    status: int
    message: str
    amount: int
    points: int


@dataclass(frozen=True)
class Quote:
    member_id: int
    program_version: int
    total: int
    points_earned: int
    balance: int
    available: int
    redeemable_points: int
    redeemable_value: int
    redeem_status: int
    redeem_points: int
    redeem_value: int
    amount_due: int
    benefit_discount: int
    coupon_discount: int
    cashback: int
    tier: str
    tier_after: str
    progress: str
    rules: Tuple[RuleLine, ...]
    coupons: Tuple[CouponResult, ...] = ()
    free_delivery: bool = False
    wallet_balance: int = 0
    wallet_available: int = 0
    wallet_status: int = 0
    wallet_amount: int = 0
    line_points: Tuple[int, ...] = ()  # per basket line, in line order
    gift_card_amount: int = 0  # paid with the basket's gift cards


@dataclass(frozen=True)
class Receipt:
    kind: int
    replayed: bool
    sale_id: int
    uid: str
    member_id: int
    program_version: int
    total: int
    points_earned: int
    points_redeemed: int
    redeem_value: int
    amount_due: int
    refund_amount: int
    balance_after: int
    available_after: int
    wallet_amount: int
    cashback: int
    money_back: int
    tier_before: str
    tier_after: str
    issued_codes: Tuple[str, ...]
    rules: Tuple[RuleLine, ...]
    redeem_mode: int = 0  # LOY_REDEEM_NONE, _HOLD (chain: under a hold), _ALLOWANCE (offline)
    created_at: int = 0
    benefit_discount: int = 0
    coupon_discount: int = 0
    coupons: Tuple[Tuple[str, int], ...] = ()  # (code, money off) per coupon applied
    gift_card_amount: int = 0  # sale: paid with gift cards; refund: credited back to them


@dataclass(frozen=True)
class HistoryEntry:
    uid: str
    kind: int
    points: int
    sale_id: int
    reason: str
    branch: str
    terminal: str
    created_at: int
    expires_at: int
    corrects: str
    operator: str = ""  # the sale's cashier, the adjustment's operator
    approver: str = ""  # the second operator who approved an adjustment


@dataclass(frozen=True)
class TierStatus:
    tier: str
    tier_name: str
    score: int
    next_tier: str
    next_tier_name: str
    missing: int
    progress: str
    plan: str
    benefits: Tuple[str, ...]
    since: int = 0
    next_threshold: int = 0
    at_risk_since: int = 0  # 0 = not at risk
    floor_tier: str = ""
    multiplier: str = ""
    discount: str = ""
    free_delivery: bool = False
    plan_ends_at: int = 0
    events: Tuple["TierEvent", ...] = ()
    assigned_tier: str = ""  # a level staff assigned as a floor ("" = none in force)
    assigned_until: int = 0  # when it ends (0 = until withdrawn)


@dataclass(frozen=True)
class TierEvent:
    """A tier change: from, to, why, the score then, the sale behind it (0 = none)."""
    uid: str
    from_tier: str
    to_tier: str
    reason: str
    score: int
    sale_id: int
    at: int


@dataclass(frozen=True)
class Redemption:
    """Points spent on a reward of the catalogue."""
    id: int
    replayed: bool
    reward: str
    quantity: int
    points: int
    coupon_code: str
    wallet_credit: int
    cause: str
    uid: str = ""


@dataclass(frozen=True)
class TierReview:
    reviewed: int
    upgraded: int
    downgraded: int
    at_risk: int


@dataclass(frozen=True)
class CampaignSend:
    queued: int
    holdout: int
    suppressed: int


@dataclass(frozen=True)
class ImportResult:
    """rows read, rows written (0 when any failed or on a dry run), and the failed rows."""
    rows: int
    imported: int
    errors: List[dict]


@dataclass(frozen=True)
class ReportInfo:
    name: str
    title: str
    description: str


def reports() -> List[ReportInfo]:
    """The manager reports this library computes (loy_report's names)."""
    L = load()
    return [ReportInfo(_s(L.loy_report_name(i)), _s(L.loy_report_title(i)),
                       _s(L.loy_report_description(i))) for i in range(L.loy_report_count())]


def version() -> str:
    """The loaded library's version, "0.4.0"."""
    return _s(load().loy_version_string())


@dataclass(frozen=True)
class Coupon:
    code: str
    campaign: str
    member_id: int
    max_uses: int
    uses: int
    valid_until: int
    revoked: bool
    uid: str = ""
    batch_id: int = 0
    issued_sale_id: int = 0


@dataclass(frozen=True)
class Origin:
    """What a handle writes as (docs/journal.md): the name in every id it writes, its generation,
    and whether this open found the file copied, moved or restored."""
    name: str
    generation: int
    new_generation: bool


@dataclass(frozen=True)
class JournalRecord:
    """One record of an origin's journal: the facts one committed write made."""
    origin: str
    seq: int
    kind: str
    key: str
    body: str
    prev: str
    hash: str
    created_at: int

    def facts(self) -> list:
        """The body's facts, each a dict with "t" (its type), "id" and its fields."""
        return json.loads(self.body)


class _Handle:
    """Owns one C handle and frees it exactly once (close() or the with-block's end)."""
    _free = None

    def __init__(self, ptr):
        self._ptr = ctypes.c_void_p(ptr)

    @property
    def ptr(self):
        if not self._ptr.value:
            raise error(_capi.LOY_ERR_INVALID_STATE, "the handle is closed")
        return self._ptr

    def close(self):
        if self._ptr.value:
            getattr(load(), self._free)(self._ptr)
            self._ptr = ctypes.c_void_p(None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown
            pass


def _owned(fn, *args):
    """Calls a function whose last two parameters are (out handle, err) and returns the pointer."""
    out = ctypes.c_void_p()
    c = _Call()
    c(fn(*args, ctypes.byref(out), ctypes.byref(c.err)))
    return out


def _journal_records(j) -> List[JournalRecord]:
    """The records of a loy_journal handle."""
    L = load()
    return [JournalRecord(_s(L.loy_journal_origin(j, i)), L.loy_journal_seq(j, i),
                          _s(L.loy_journal_kind(j, i)), _s(L.loy_journal_key(j, i)),
                          _s(L.loy_journal_body(j, i)), _s(L.loy_journal_prev(j, i)),
                          _s(L.loy_journal_hash(j, i)), L.loy_journal_created_at(j, i))
            for i in range(L.loy_journal_count(j))]


def _scoped(free_name, ptr, read):
    try:
        return read(ptr)
    finally:
        getattr(load(), free_name)(ptr)


class Basket(_Handle):
    """A basket builder (loy_basket). Amounts are int minor units; quantities in thousandths."""
    _free = "loy_basket_free"

    def __init__(self):
        super().__init__(_owned(load().loy_basket_new).value)
        self.lines = 0  # basket lines added (a plan is a line too)

    def set_member(self, member_id: int) -> "Basket":
        _call(load().loy_basket_set_member, self.ptr, member_id)
        return self

    def set_context(self, receipt=None, branch=None, terminal=None, cashier=None) -> "Basket":
        _call(load().loy_basket_set_context, self.ptr, _b(receipt), _b(branch), _b(terminal),
              _b(cashier))
        return self

    def set_currency(self, currency: str) -> "Basket":
        _call(load().loy_basket_set_currency, self.ptr, _b(currency))
        return self

    def add_line(self, sku: str, category: Optional[str], quantity_milli: int, unit_price: int,
                 line_discount: int = 0) -> int:
        line = ctypes.c_int32(0)
        _call(load().loy_basket_add_line, self.ptr, _b(sku), _b(category), quantity_milli,
              unit_price, line_discount, ctypes.byref(line))
        self.lines = max(self.lines, line.value)
        return line.value

    def set_charges(self, tax: int = 0, service: int = 0, tip: int = 0) -> "Basket":
        _call(load().loy_basket_set_charges, self.ptr, tax, service, tip)
        return self

    def add_tender(self, kind: str, amount: int) -> "Basket":
        _call(load().loy_basket_add_tender, self.ptr, _b(kind), amount)
        return self

    def add_coupon(self, code: str) -> "Basket":
        _call(load().loy_basket_add_coupon, self.ptr, _b(code))
        return self

    def pay_wallet(self, amount: int) -> "Basket":
        _call(load().loy_basket_pay_wallet, self.ptr, amount)
        return self

    def pay_gift_card(self, code: str, amount: int) -> "Basket":
        """Pays part of the sale with a gift card, redeemed with the sale (docs/wallet.md)."""
        _call(load().loy_basket_pay_giftcard, self.ptr, _b(code), amount)
        return self

    def redeem_points(self, points: int) -> "Basket":
        _call(load().loy_basket_redeem_points, self.ptr, points)
        return self

    def set_hold(self, hold_id: Optional[str], points: int = 0) -> "Basket":
        """In chain mode: the authority's hold covering the points this sale spends."""
        _call(load().loy_basket_set_hold, self.ptr, _b(hold_id), points)
        return self

    def set_wallet_hold(self, hold_id: Optional[str], amount: int = 0) -> "Basket":
        """In chain mode: the authority's hold covering the wallet money this sale pays."""
        _call(load().loy_basket_set_wallet_hold, self.ptr, _b(hold_id), amount)
        return self

    def set_giftcard_hold(self, hold_id: Optional[str]) -> "Basket":
        """In chain mode: the authority's hold covering the basket's gift cards."""
        _call(load().loy_basket_set_giftcard_hold, self.ptr, _b(hold_id))
        return self

    def set_coupon_hold(self, hold_id: Optional[str]) -> "Basket":
        """In chain mode: the authority's hold covering the coupon uses a limit counts over the
        whole chain (Sync.hold_coupons sets it)."""
        _call(load().loy_basket_set_coupon_hold, self.ptr, _b(hold_id))
        return self

    def add_plan(self, plan_id: str, periods: int = 1) -> int:
        line = ctypes.c_int32(0)
        _call(load().loy_basket_add_plan, self.ptr, _b(plan_id), periods, ctypes.byref(line))
        self.lines = max(self.lines, line.value)
        return line.value

    def add_wallet_topup(self, amount: int) -> int:
        """A wallet top-up sold as a line: the member's wallet gets `amount` when the sale
        commits (docs/wallet.md); returns its line number."""
        line = ctypes.c_int32(0)
        _call(load().loy_basket_add_wallet_topup, self.ptr, amount, ctypes.byref(line))
        self.lines = max(self.lines, line.value)
        return line.value


def _rules(L, prefix, ptr):
    count = getattr(L, prefix + "_rule_count")(ptr)
    return tuple(RuleLine(_s(getattr(L, prefix + "_rule_id")(ptr, i)),
                          getattr(L, prefix + "_rule_points")(ptr, i),
                          _s(getattr(L, prefix + "_rule_explanation")(ptr, i)))
                 for i in range(count))


def _quote(ptr, lines: int = 0) -> Quote:
    L = load()
    coupons = tuple(CouponResult(_s(L.loy_quote_coupon_code(ptr, i)),
                                 _s(L.loy_quote_coupon_campaign(ptr, i)),
                                 L.loy_quote_coupon_status(ptr, i),
                                 _s(L.loy_quote_coupon_message(ptr, i)),
                                 L.loy_quote_coupon_amount(ptr, i),
                                 L.loy_quote_coupon_points(ptr, i))
                    for i in range(L.loy_quote_coupon_count(ptr)))
    return Quote(L.loy_quote_member_id(ptr), L.loy_quote_program_version(ptr),
                 L.loy_quote_total(ptr), L.loy_quote_points_earned(ptr), L.loy_quote_balance(ptr),
                 L.loy_quote_available(ptr), L.loy_quote_redeemable_points(ptr),
                 L.loy_quote_redeemable_value(ptr), L.loy_quote_redeem_status(ptr),
                 L.loy_quote_redeem_points(ptr), L.loy_quote_redeem_value(ptr),
                 L.loy_quote_amount_due(ptr), L.loy_quote_benefit_discount(ptr),
                 L.loy_quote_coupon_discount(ptr), L.loy_quote_cashback(ptr),
                 _s(L.loy_quote_tier(ptr)), _s(L.loy_quote_tier_after(ptr)),
                 _s(L.loy_quote_progress(ptr)), _rules(L, "loy_quote", ptr), coupons,
                 bool(L.loy_quote_free_delivery(ptr)), L.loy_quote_wallet_balance(ptr),
                 L.loy_quote_wallet_available(ptr), L.loy_quote_wallet_status(ptr),
                 L.loy_quote_wallet_amount(ptr),
                 tuple(L.loy_quote_line_points(ptr, n) for n in range(1, lines + 1)),
                 L.loy_quote_gift_card_amount(ptr))


def _receipt(ptr) -> Receipt:
    L = load()
    issued = tuple(_s(L.loy_receipt_issued_code(ptr, i)) for i in range(L.loy_receipt_issued_count(ptr)))
    return Receipt(L.loy_receipt_kind(ptr), bool(L.loy_receipt_replayed(ptr)),
                   L.loy_receipt_sale_id(ptr), _s(L.loy_receipt_uid(ptr)),
                   L.loy_receipt_member_id(ptr), L.loy_receipt_program_version(ptr),
                   L.loy_receipt_total(ptr), L.loy_receipt_points_earned(ptr),
                   L.loy_receipt_points_redeemed(ptr), L.loy_receipt_redeem_value(ptr),
                   L.loy_receipt_amount_due(ptr), L.loy_receipt_refund_amount(ptr),
                   L.loy_receipt_balance_after(ptr), L.loy_receipt_available_after(ptr),
                   L.loy_receipt_wallet_amount(ptr), L.loy_receipt_cashback(ptr),
                   L.loy_receipt_money_back(ptr), _s(L.loy_receipt_tier_before(ptr)), _s(L.loy_receipt_tier_after(ptr)), issued,
                   _rules(L, "loy_receipt", ptr), L.loy_receipt_redeem_mode(ptr),
                   L.loy_receipt_created_at(ptr), L.loy_receipt_benefit_discount(ptr),
                   L.loy_receipt_coupon_discount(ptr),
                   tuple((_s(L.loy_receipt_coupon_code(ptr, i)), L.loy_receipt_coupon_amount(ptr, i))
                         for i in range(L.loy_receipt_coupon_count(ptr))),
                   L.loy_receipt_gift_card_amount(ptr))


def _table(ptr) -> List[dict]:
    L = load()
    cols = [_s(L.loy_table_column_name(ptr, c)) for c in range(L.loy_table_column_count(ptr))]
    rows = []
    for r in range(L.loy_table_row_count(ptr)):
        row = {}
        for c, name in enumerate(cols):
            text = _s(L.loy_table_text(ptr, r, c))
            number = L.loy_table_int(ptr, r, c)
            # Whole numbers as int; decimals (percentages "66.7", ratios "1.50") as their text.
            row[name] = number if L.loy_table_is_number(ptr, r, c) and text == str(number) else text
        rows.append(row)
    return rows


def _report_options(from_ms, to_ms, branch, group_by, calendar, limit):
    o = _capi.loy_report_options()
    load().loy_report_options_init(ctypes.byref(o))
    o.from_ms, o.to_ms, o.group_by, o.calendar, o.limit = from_ms, to_ms, group_by, calendar, limit
    o.branch = _b(branch)
    return o


def _ints(n):
    return tuple(ctypes.c_int64(0) for _ in range(n))


def _outs(fn, *args, n: int):
    """Calls fn(*args, &out1..&outN, &err) and returns the N int64 values."""
    outs = _ints(n)
    _call(fn, *args, *(ctypes.byref(o) for o in outs))
    return tuple(o.value for o in outs)


_MEMBER_FIELDS = ("phone", "card", "name", "email", "gender", "tags", "language", "branch",
                  "referrer")
_MEMBER_INTS = ("birth_year", "birth_month", "birth_day", "consent_sms", "consent_email",
                "consent_push")


class Database(_Handle):
    """An open libloyalty database (loy_db). Safe to share between threads."""
    _free = "loy_close"

    @classmethod
    def open(cls, path: str, durability: int = _capi.LOY_DURABILITY_FULL, busy_timeout_ms=0,
             default_country=None, default_currency=None, origin=None,
             read_only=False, currency_exponent=None, chain_mode=False,
             offline_till_points=0, offline_member_points=0,
             checkpoint: int = _capi.LOY_CHECKPOINT_BACKGROUND) -> "Database":
        """Opens (or creates) a database. `currency_exponent`: the default currency's decimal
        places, for a currency the file does not know yet (INR: 2). `chain_mode`: a till of a
        chain, which spends points only under the authority's hold (docs/chain.md), or, offline,
        within `offline_till_points` a day (`offline_member_points` per member). `checkpoint`:
        who copies the write-ahead log into the file (LOY_CHECKPOINT_BACKGROUND, _INLINE or
        _MANUAL, docs/storage.md)."""
        L = load()
        opts = _capi.loy_open_options()
        L.loy_open_options_init(ctypes.byref(opts))
        keep = {"path": path, "default_country": default_country,
                "default_currency": default_currency, "origin": origin}
        for key, value in keep.items():
            if value is not None:
                setattr(opts, key, _b(value))
        opts.durability = durability
        if busy_timeout_ms:
            opts.busy_timeout_ms = busy_timeout_ms
        opts.read_only = 1 if read_only else 0
        if currency_exponent is not None:
            opts.default_currency_exponent = currency_exponent
        opts.chain_mode = 1 if chain_mode else 0
        opts.offline_till_points = offline_till_points
        opts.offline_member_points = offline_member_points
        opts.checkpoint = checkpoint
        return cls(_owned(L.loy_open, ctypes.byref(opts)).value)

    # -- set-up
    def set_currency(self, code: str, exponent: int) -> None:
        """Declares a currency and its decimal places (IRR 0, USD 2, KWD 3)."""
        _call(load().loy_currency_set, self.ptr, _b(code), exponent)

    def programme_version(self) -> int:
        """The active programme's version (0 = none loaded)."""
        return load().loy_program_active_version(self.ptr)

    def set_clock(self, now_ms: int):
        _call(load().loy_set_clock, self.ptr, now_ms)

    def checkpoint(self) -> tuple:
        """Copies what it can of the write-ahead log into the file now (for
        LOY_CHECKPOINT_MANUAL, when the till is idle): (frames in the log, frames copied)."""
        frames, copied = ctypes.c_int32(0), ctypes.c_int32(0)
        _call(load().loy_checkpoint, self.ptr, ctypes.byref(frames), ctypes.byref(copied))
        return frames.value, copied.value

    def now(self) -> int:
        return load().loy_now(self.ptr)

    def load_programme(self, json_text: str) -> int:
        version = ctypes.c_int64(0)
        _call(load().loy_program_load_json, self.ptr, _b(json_text), ctypes.byref(version))
        return version.value

    def load_programme_file(self, path: str) -> int:
        version = ctypes.c_int64(0)
        _call(load().loy_program_load_file, self.ptr, _b(path), ctypes.byref(version))
        return version.value

    def publish_programme(self, json_text: str, starts_at_ms: int = 0) -> int:
        """On the head office's file: a programme for the whole chain, in effect in every file
        from `starts_at_ms` (0 = now). Its version here."""
        version = ctypes.c_int64(0)
        _call(load().loy_program_publish, self.ptr, _b(json_text), starts_at_ms,
              ctypes.byref(version))
        return version.value

    def next_programme(self) -> Tuple[int, int]:
        """The programme released to start next: (version, starts at ms); (0, 0) when none."""
        version, starts = ctypes.c_int64(0), ctypes.c_int64(0)
        _call(load().loy_program_next, self.ptr, ctypes.byref(version), ctypes.byref(starts))
        return version.value, starts.value

    def export_programme(self, version: int = 0) -> str:
        return _text_out(load().loy_program_export_json, self.ptr, version)

    def export_member(self, member_id: int) -> dict:
        """Everything held about a member (an access request), parsed from its JSON."""
        import json
        return json.loads(_text_out(load().loy_member_export, self.ptr, member_id))

    def format_money(self, minor_units: int, currency: str, grouping: bool = True) -> str:
        return _text_out(load().loy_money_format, self.ptr, minor_units, _b(currency),
                         1 if grouping else 0)

    def normalize_phone(self, phone: str) -> str:
        return _text_out(load().loy_phone_normalize, self.ptr, _b(phone))

    # -- members
    def _fields(self, values: dict, for_update: bool):
        L = load()
        f = _capi.loy_member_fields()
        L.loy_member_fields_init(ctypes.byref(f))
        keep = []
        for key, value in values.items():
            if key in _MEMBER_FIELDS:
                keep.append(_b(value))
                setattr(f, key, keep[-1])
            elif key in _MEMBER_INTS:
                setattr(f, key, int(value))
            else:
                raise TypeError("unknown member field: %s" % key)
        return f, keep

    def enrol(self, idempotency_key: Optional[str] = None, **fields) -> Member:
        f, _keep = self._fields(fields, False)
        L = load()
        ptr = _owned(L.loy_member_enrol, self.ptr, ctypes.byref(f), _b(idempotency_key))
        return _scoped("loy_member_free", ptr, Member._from)

    def update_member(self, member_id: int, idempotency_key: Optional[str] = None,
                      **fields) -> Member:
        f, _keep = self._fields(fields, True)
        ptr = _owned(load().loy_member_update_with_key, self.ptr, member_id, ctypes.byref(f),
                     _b(idempotency_key))
        return _scoped("loy_member_free", ptr, Member._from)

    def member(self, member_id: int) -> Member:
        return _scoped("loy_member_free", _owned(load().loy_member_get, self.ptr, member_id),
                       Member._from)

    def apply_profile(self, uid: str, **fields) -> Member:
        """A member's profile as another till holds it (phone, card, name...), written without a
        journal record; consents are facts and are not taken from it (docs/chain.md)."""
        f, _keep = self._fields(fields, True)
        ptr = _owned(load().loy_member_profile_apply, self.ptr, _b(uid), ctypes.byref(f))
        return _scoped("loy_member_free", ptr, Member._from)

    def identify(self, phone_or_card: str) -> Member:
        return _scoped("loy_member_free",
                       _owned(load().loy_member_identify, self.ptr, _b(phone_or_card)),
                       Member._from)

    def find_by_phone(self, phone: str) -> Member:
        return _scoped("loy_member_free",
                       _owned(load().loy_member_find_by_phone, self.ptr, _b(phone)), Member._from)

    def search_members(self, name_prefix: Optional[str] = None,
                       phone_prefix: Optional[str] = None, tag: Optional[str] = None,
                       include_inactive: bool = False, limit: int = 0,
                       after_id: int = 0) -> List[Member]:
        """One page of members by id (keyset paging: pass the last id as after_id)."""
        L = load()
        q = _capi.loy_member_query()
        L.loy_member_query_init(ctypes.byref(q))
        q.name_prefix, q.phone_prefix, q.tag = _b(name_prefix), _b(phone_prefix), _b(tag)
        q.include_inactive, q.limit, q.after_id = 1 if include_inactive else 0, limit, after_id

        def read(lst):
            return [Member._from(L.loy_member_list_at(lst, i))
                    for i in range(L.loy_member_list_count(lst))]
        return _scoped("loy_member_list_free", _owned(L.loy_member_search, self.ptr,
                                                      ctypes.byref(q)), read)

    def import_members_csv(self, csv: str, dry_run: bool = False) -> ImportResult:
        """Imports members from CSV (docs/reports.md), all or nothing."""
        L = load()
        rows, imported, errors = ctypes.c_int64(0), ctypes.c_int64(0), ctypes.c_void_p()
        _call(L.loy_members_import_csv, self.ptr, _b(csv), 1 if dry_run else 0,
              ctypes.byref(rows), ctypes.byref(imported), ctypes.byref(errors))
        return ImportResult(rows.value, imported.value,
                            _scoped("loy_table_free", errors, _table))

    def member_sales(self, member_id: int, limit: int = 20) -> List[dict]:
        return _scoped("loy_table_free",
                       _owned(load().loy_member_sales, self.ptr, member_id, limit), _table)

    def member_coupons(self, member_id: int) -> List[dict]:
        return _scoped("loy_table_free",
                       _owned(load().loy_member_coupons, self.ptr, member_id), _table)

    def member_messages(self, member_id: int, limit: int = 20) -> List[dict]:
        return _scoped("loy_table_free",
                       _owned(load().loy_member_messages, self.ptr, member_id, limit), _table)

    def member_segments(self, member_id: int, at_ms: int = 0) -> List[dict]:
        return _scoped("loy_table_free",
                       _owned(load().loy_member_segments, self.ptr, member_id, at_ms), _table)

    def find_by_card(self, card: str) -> Member:
        return _scoped("loy_member_free",
                       _owned(load().loy_member_find_by_card, self.ptr, _b(card)), Member._from)

    def deactivate(self, member_id: int, idempotency_key: Optional[str] = None) -> None:
        """Blocks earning and redemption (reactivate undoes it)."""
        _call(load().loy_member_deactivate_with_key, self.ptr, member_id, _b(idempotency_key))

    def reactivate(self, member_id: int, idempotency_key: Optional[str] = None) -> None:
        _call(load().loy_member_reactivate_with_key, self.ptr, member_id, _b(idempotency_key))

    def erase(self, member_id: int, idempotency_key: Optional[str] = None) -> None:
        """Erases the member's personal data for good (docs/members.md); history stays anonymous."""
        _call(load().loy_member_erase_with_key, self.ptr, member_id, _b(idempotency_key))

    def merge(self, survivor_id: int, absorbed_id: int,
              idempotency_key: Optional[str] = None) -> Member:
        return _scoped("loy_member_free",
                       _owned(load().loy_member_merge_with_key, self.ptr, survivor_id, absorbed_id,
                              _b(idempotency_key)),
                       Member._from)

    def history(self, member_id: int, limit: int = 50, offset: int = 0) -> List[HistoryEntry]:
        """The member's ledger, newest first (members merged into it included)."""
        L = load()

        def read(h):
            return [HistoryEntry(_s(L.loy_history_uid(h, i)), L.loy_history_kind(h, i),
                                 L.loy_history_points(h, i), L.loy_history_sale_id(h, i),
                                 _s(L.loy_history_reason(h, i)), _s(L.loy_history_branch(h, i)),
                                 _s(L.loy_history_terminal(h, i)),
                                 L.loy_history_created_at(h, i), L.loy_history_expires_at(h, i),
                                 _s(L.loy_history_corrects(h, i)), _s(L.loy_history_operator(h, i)),
                                 _s(L.loy_history_approver(h, i)))
                    for i in range(L.loy_history_count(h))]
        return _scoped("loy_history_free",
                       _owned(L.loy_history_get, self.ptr, member_id, limit, offset), read)

    def record_event(self, member_id: int, action: str, idempotency_key: str) -> int:
        """Awards an action's points ("review", "app_login"...) within its cap; returns them."""
        points = ctypes.c_int64(0)
        _call(load().loy_event_record, self.ptr, member_id, _b(action), _b(idempotency_key),
              ctypes.byref(points))
        return points.value

    def tier_status(self, member_id: int) -> TierStatus:
        L = load()

        def read(s):
            return TierStatus(_s(L.loy_tier_status_tier(s)), _s(L.loy_tier_status_tier_name(s)),
                              L.loy_tier_status_score(s), _s(L.loy_tier_status_next_tier(s)),
                              _s(L.loy_tier_status_next_tier_name(s)),
                              L.loy_tier_status_missing(s), _s(L.loy_tier_status_progress(s)),
                              _s(L.loy_tier_status_plan(s)),
                              tuple(_s(L.loy_tier_status_benefit(s, i))
                                    for i in range(L.loy_tier_status_benefit_count(s))),
                              L.loy_tier_status_since(s), L.loy_tier_status_next_threshold(s),
                              L.loy_tier_status_at_risk_since(s),
                              _s(L.loy_tier_status_floor_tier(s)),
                              _s(L.loy_tier_status_multiplier(s)),
                              _s(L.loy_tier_status_discount(s)),
                              bool(L.loy_tier_status_free_delivery(s)),
                              L.loy_tier_status_plan_ends_at(s),
                              tuple(TierEvent(_s(L.loy_tier_status_event_uid(s, i)),
                                              _s(L.loy_tier_status_event_from(s, i)),
                                              _s(L.loy_tier_status_event_to(s, i)),
                                              _s(L.loy_tier_status_event_reason(s, i)),
                                              L.loy_tier_status_event_score(s, i),
                                              L.loy_tier_status_event_sale_id(s, i),
                                              L.loy_tier_status_event_at(s, i))
                                    for i in range(L.loy_tier_status_event_count(s))),
                              assigned_tier=_s(L.loy_tier_status_assigned_tier(s)),
                              assigned_until=L.loy_tier_status_assigned_until(s))
        return _scoped("loy_tier_status_free",
                       _owned(L.loy_tier_status_get, self.ptr, member_id), read)

    def review_tiers(self, now_ms: int = 0) -> TierReview:
        """The tier review at period end (docs/tiers.md); idempotent."""
        return TierReview(*_outs(load().loy_tiers_review, self.ptr, now_ms, n=4))

    def assign_tier(self, member_id: int, tier: Optional[str], reason: str, idempotency_key: str,
                    until_ms: int = 0, operator: Optional[str] = None) -> None:
        """Staff assign a level as a floor until `until_ms` (0 = until withdrawn); tier None or
        "" withdraws it (docs/tiers.md)."""
        _call(load().loy_tier_assign, self.ptr, member_id, _b(tier), until_ms, _b(reason),
              _b(operator), _b(idempotency_key))

    # -- households (docs/members.md): one points account, the head's
    def create_household(self, head_member_id: int, idempotency_key: str) -> int:
        return _outs(load().loy_household_create, self.ptr, head_member_id, _b(idempotency_key),
                     n=1)[0]

    def join_household(self, household_id: int, member_id: int, idempotency_key: str) -> None:
        """The member's points move into the household's account, with their dates."""
        _call(load().loy_household_join, self.ptr, household_id, member_id, _b(idempotency_key))

    def leave_household(self, member_id: int, idempotency_key: str) -> None:
        _call(load().loy_household_leave, self.ptr, member_id, _b(idempotency_key))

    def household(self, member_id: int) -> Tuple[int, int, int]:
        """(household id, head member id, members); (0, 0, 0) when none."""
        return tuple(_outs(load().loy_member_household, self.ptr, member_id, n=3))

    def stamps(self, member_id: int, card: str) -> int:
        """The member's stamps on one of the programme's stamp cards."""
        return _outs(load().loy_member_stamps, self.ptr, member_id, _b(card), n=1)[0]

    def cancel_plan(self, member_id: int, idempotency_key: str) -> None:
        """Ends a paid plan at the end of its paid period (no renewal)."""
        _call(load().loy_plan_cancel, self.ptr, member_id, _b(idempotency_key))

    # -- wallet and coupons
    def wallet(self, member_id: int) -> Tuple[int, int, int]:
        """(balance, available, pending) in minor units."""
        b, a, p = ctypes.c_int64(0), ctypes.c_int64(0), ctypes.c_int64(0)
        _call(load().loy_wallet_get, self.ptr, member_id, ctypes.byref(b), ctypes.byref(a),
              ctypes.byref(p))
        return b.value, a.value, p.value

    def credit_wallet(self, member_id: int, amount: int, reason: str, operator: str,
                      idempotency_key: str) -> int:
        """Credits money to the member's wallet; returns the new balance."""
        balance = ctypes.c_int64(0)
        _call(load().loy_wallet_credit, self.ptr, member_id, amount, _b(reason), _b(operator),
              _b(idempotency_key), ctypes.byref(balance))
        return balance.value

    def issue_coupon(self, campaign_id: str, member_id: int, idempotency_key: str) -> str:
        """One code of a campaign, to a member (or to anyone: 0), in display form."""
        return _text_out(load().loy_coupon_issue, self.ptr, _b(campaign_id), member_id,
                         _b(idempotency_key))

    @staticmethod
    def _coupon(c) -> Coupon:
        L = load()
        return Coupon(_s(L.loy_coupon_code(c)), _s(L.loy_coupon_campaign(c)),
                      L.loy_coupon_member_id(c), L.loy_coupon_max_uses(c), L.loy_coupon_uses(c),
                      L.loy_coupon_valid_until(c), bool(L.loy_coupon_revoked(c)),
                      _s(L.loy_coupon_uid(c)), L.loy_coupon_batch_id(c),
                      L.loy_coupon_issued_sale_id(c))

    def coupon(self, code: str) -> Coupon:
        return _scoped("loy_coupon_free", _owned(load().loy_coupon_get, self.ptr, _b(code)),
                       self._coupon)

    # -- chain-wide ids and the journal (docs/journal.md)
    def origin(self) -> Origin:
        needed, generation, renewed = ctypes.c_size_t(0), ctypes.c_int64(0), ctypes.c_int32(0)
        c = _Call()
        fn = load().loy_origin_get
        c(fn(self.ptr, None, 0, ctypes.byref(needed), None, None, ctypes.byref(c.err)))
        buf = ctypes.create_string_buffer(needed.value + 1)
        c(fn(self.ptr, buf, len(buf), ctypes.byref(needed), ctypes.byref(generation),
             ctypes.byref(renewed), ctypes.byref(c.err)))
        return Origin(_s(buf.value), generation.value, bool(renewed.value))

    def member_by_uid(self, uid: str) -> Member:
        return _scoped("loy_member_free",
                       _owned(load().loy_member_find_by_uid, self.ptr, _b(uid)), Member._from)

    def sale_by_key(self, idempotency_key: str) -> int:
        """The sale a commit with this key made (after a timeout: did it land?)."""
        return _outs(load().loy_sale_find_by_key, self.ptr, _b(idempotency_key), n=1)[0]

    def sale_by_receipt(self, receipt: str, branch: Optional[str] = None) -> int:
        """The latest sale with this receipt number (at this branch, when given)."""
        return _outs(load().loy_sale_find_by_receipt, self.ptr, _b(receipt), _b(branch), n=1)[0]

    def sale_by_uid(self, uid: str) -> int:
        out = ctypes.c_int64(0)
        _call(load().loy_sale_find_by_uid, self.ptr, _b(uid), ctypes.byref(out))
        return out.value

    def receipt(self, uid: str) -> Receipt:
        """A sale's (…:S12), refund's or void's (…:R3) receipt again, e.g. to reprint it."""
        return _scoped("loy_receipt_free", _owned(load().loy_receipt_get, self.ptr, _b(uid)),
                       _receipt)

    def coupon_by_uid(self, uid: str) -> Coupon:
        return _scoped("loy_coupon_free",
                       _owned(load().loy_coupon_find_by_uid, self.ptr, _b(uid)), self._coupon)

    def journal(self, origin: Optional[str] = None, after_seq: int = 0,
                limit: int = 1000) -> List[JournalRecord]:
        """The records of `origin` (None: this handle's) after `after_seq`, in order."""
        L = load()
        return _scoped("loy_journal_free",
                       _owned(L.loy_journal_read, self.ptr, _b(origin), after_seq, limit),
                       _journal_records)

    def journal_heads(self) -> List[JournalRecord]:
        """The last record this file holds of each origin: where a sync resumes."""
        L = load()
        return _scoped("loy_journal_free", _owned(L.loy_journal_heads, self.ptr), _journal_records)

    def apply_journal(self, records: List[JournalRecord],
                      profiles: Optional[Dict[str, dict]] = None) -> Tuple[int, int]:
        """Applies other origins' records (as another file's journal() gives them) in one
        transaction: returns (applied, duplicates). A fork raises LOY_ERR_SYNC_FORK, a record out
        of order LOY_ERR_SYNC_GAP; a refused list changes nothing (docs/journal.md). `profiles`
        ({member uid: fields, as for apply_profile}) are written after the records in the same
        transaction; one the file cannot take (no such member, erased, or its phone another
        member's here) is passed over."""
        L = load()

        def apply(j):
            for r in records:
                _call(L.loy_journal_add, j, _b(r.origin), r.seq, _b(r.kind), _b(r.key),
                      _b(r.body), _b(r.prev), _b(r.hash), r.created_at)
            for uid, fields in (profiles or {}).items():
                f, _keep = self._fields(fields, True)
                _call(L.loy_journal_add_profile, j, _b(uid), ctypes.byref(f))
            applied, duplicates = ctypes.c_int64(0), ctypes.c_int64(0)
            _call(L.loy_journal_apply, self.ptr, j, ctypes.byref(applied),
                  ctypes.byref(duplicates))
            return applied.value, duplicates.value
        return _scoped("loy_journal_free", _owned(L.loy_journal_new), apply)

    def create_coupon_batch(self, campaign_id: str, count: int, idempotency_key: str) -> int:
        """Codes of a campaign to print or hand out; returns the batch's id."""
        return _outs(load().loy_coupon_batch_create, self.ptr, _b(campaign_id), count,
                     _b(idempotency_key), n=1)[0]

    def export_coupon_batch(self, batch_id: int) -> List[str]:
        """A batch's codes (its CSV, without the header line)."""
        csv = _text_out(load().loy_coupon_batch_export, self.ptr, batch_id)
        return [line for line in csv.splitlines()[1:] if line]

    # -- gift cards (docs/wallet.md)
    def sell_gift_card(self, amount: int, idempotency_key: str, reference: Optional[str] = None,
                       operator: Optional[str] = None) -> str:
        """Sells a gift card with its first amount; returns its code (the same key, the same
        card)."""
        return _text_out(load().loy_giftcard_sell, self.ptr, amount, _b(reference), _b(operator),
                         _b(idempotency_key))

    def _gift_card(self, fn, code, amount, key, reference, operator) -> int:
        return _outs(fn, self.ptr, _b(code), amount, _b(reference), _b(operator), _b(key), n=1)[0]

    def load_gift_card(self, code: str, amount: int, idempotency_key: str,
                       reference: Optional[str] = None, operator: Optional[str] = None) -> int:
        return self._gift_card(load().loy_giftcard_load, code, amount, idempotency_key, reference,
                               operator)

    def redeem_gift_card(self, code: str, amount: int, idempotency_key: str,
                         reference: Optional[str] = None, operator: Optional[str] = None) -> int:
        """Pays `amount` with the card (DeclinedError beyond its balance); the balance left."""
        return self._gift_card(load().loy_giftcard_redeem, code, amount, idempotency_key,
                               reference, operator)

    def refund_gift_card(self, code: str, amount: int, idempotency_key: str,
                         reference: Optional[str] = None, operator: Optional[str] = None) -> int:
        return self._gift_card(load().loy_giftcard_refund, code, amount, idempotency_key,
                               reference, operator)

    def gift_card_balance(self, code: str) -> int:
        return _outs(load().loy_giftcard_balance, self.ptr, _b(code), n=1)[0]

    # -- rewards, partners, prize draws (docs/coupons.md)
    def redeem_reward(self, member_id: int, reward_id: str, quantity: int,
                      idempotency_key: str, hold_id: Optional[str] = None) -> Redemption:
        """`hold_id`: at a till of a chain, the authority's hold for the reward
        (Sync.hold_reward)."""
        L = load()

        def read(r):
            return Redemption(L.loy_redemption_id(r), bool(L.loy_redemption_replayed(r)),
                              _s(L.loy_redemption_reward(r)), L.loy_redemption_quantity(r),
                              L.loy_redemption_points(r), _s(L.loy_redemption_coupon_code(r)),
                              L.loy_redemption_wallet_credit(r), _s(L.loy_redemption_cause(r)),
                              _s(L.loy_redemption_uid(r)))
        if hold_id is not None:
            handle = _owned(L.loy_reward_redeem_held, self.ptr, member_id, _b(reward_id), quantity,
                            _b(hold_id), _b(idempotency_key))
        else:
            handle = _owned(L.loy_reward_redeem, self.ptr, member_id, _b(reward_id), quantity,
                            _b(idempotency_key))
        return _scoped("loy_redemption_free", handle, read)

    def refund_reward(self, redemption_id: int, idempotency_key: str) -> None:
        _call(load().loy_reward_refund, self.ptr, redemption_id, _b(idempotency_key))

    def record_partner_redemption(self, partner_id: str, code: str, amount: int,
                                  idempotency_key: str) -> None:
        """One of our coupons was used at a partner business."""
        _call(load().loy_partner_record_redemption, self.ptr, _b(partner_id), _b(code), amount,
              _b(idempotency_key))

    def partner_settlement(self, partner_id: Optional[str] = None, from_ms: int = 0,
                           to_ms: int = 0) -> List[dict]:
        return _scoped("loy_table_free", _owned(load().loy_partner_settlement, self.ptr,
                                                _b(partner_id), from_ms, to_ms), _table)

    def enter_draw(self, draw_id: str, member_id: int, entries: int,
                   idempotency_key: str) -> int:
        """Buys entries with points; returns the points spent."""
        return _outs(load().loy_draw_enter, self.ptr, _b(draw_id), member_id, entries,
                     _b(idempotency_key), n=1)[0]

    def draw_entries(self, draw_id: str) -> List[dict]:
        return _scoped("loy_table_free", _owned(load().loy_draw_entries, self.ptr, _b(draw_id)),
                       _table)

    def run_draw(self, draw_id: str, seed: str, winners: int, idempotency_key: str) -> List[dict]:
        """Runs a draw after its period, from a published seed; returns the winners."""
        return _scoped("loy_table_free", _owned(load().loy_draw_run, self.ptr, _b(draw_id),
                                                _b(seed), winners, _b(idempotency_key)), _table)

    def revoke_coupon(self, code: str, idempotency_key: str) -> None:
        _call(load().loy_coupon_revoke, self.ptr, _b(code), _b(idempotency_key))

    @staticmethod
    def coupon_code_is_valid(code: str) -> bool:
        """The check symbol catches a mistyped code before any lookup."""
        return load().loy_coupon_code_check(_b(code)) == _capi.LOY_OK

    # -- checkout
    def basket(self, member: int = 0, receipt=None, branch=None, terminal=None,
               cashier=None) -> Basket:
        b = Basket()
        if member:
            b.set_member(member)
        if receipt or branch or terminal or cashier:
            b.set_context(receipt, branch, terminal, cashier)
        return b

    def quote(self, basket: Basket) -> Quote:
        return _scoped("loy_quote_free", _owned(load().loy_quote_basket, self.ptr, basket.ptr),
                       lambda q: _quote(q, basket.lines))

    def giftcard_claims(self, basket: Basket) -> dict:
        """The basket's gift card payments as the chain's authority holds them."""
        import json
        return json.loads(_text_out(load().loy_basket_giftcard_claims, self.ptr, basket.ptr))

    def coupon_claims(self, basket: Basket) -> dict:
        """What the basket's coupons use that a limit counts over the whole chain, as the
        authority holds it: {"member": uid or "", "items": [{"code", "campaign", ...}]}."""
        import json
        return json.loads(_text_out(load().loy_basket_coupon_claims, self.ptr, basket.ptr))

    def commit(self, basket: Basket, idempotency_key: str) -> Receipt:
        return _scoped("loy_receipt_free",
                       _owned(load().loy_commit, self.ptr, basket.ptr, _b(idempotency_key)),
                       _receipt)

    def refund(self, sale_id: int, lines: List[Tuple[int, int]], idempotency_key: str) -> Receipt:
        """lines: (line number, quantity in thousandths); empty = the whole remaining sale."""
        L = load()
        refund = _owned(L.loy_refund_new)
        try:
            for line_no, qty in lines:
                _call(L.loy_refund_add_line, refund, line_no, qty)
            ptr = _owned(L.loy_refund_sale, self.ptr, sale_id, refund, _b(idempotency_key))
        finally:
            L.loy_refund_free(refund)
        return _scoped("loy_receipt_free", ptr, _receipt)

    def void(self, sale_id: int, idempotency_key: str) -> Receipt:
        return _scoped("loy_receipt_free",
                       _owned(load().loy_void_sale, self.ptr, sale_id, _b(idempotency_key)),
                       _receipt)

    def claim_sale(self, sale_id: int, member_id: int, idempotency_key: str,
                   cashier: Optional[str] = None) -> Receipt:
        """Attach a member to a sale made without one, within the programme's `claims` window,
        exactly once; the receipt now shows the member and the points."""
        return _scoped("loy_receipt_free",
                       _owned(load().loy_sale_claim, self.ptr, sale_id, member_id, _b(cashier),
                              _b(idempotency_key)),
                       _receipt)

    # -- points
    def adjust_points(self, member_id: int, points: int, reason: str, operator: str,
                      idempotency_key: str, approver: Optional[str] = None) -> int:
        """A manual adjustment; `approver`: the second operator the programme's
        `adjustments.approval_above` asks for (else DeclinedError, LOY_ERR_NEEDS_APPROVAL)."""
        balance = ctypes.c_int64(0)
        _call(load().loy_points_adjust_approved, self.ptr, member_id, points, _b(reason),
              _b(operator), _b(approver), _b(idempotency_key), ctypes.byref(balance))
        return balance.value

    def hold_points(self, member_id: int, points: int, ttl_ms: int, idempotency_key: str,
                    reference: Optional[str] = None) -> int:
        """Reserves points for an open tab or a web order for ttl_ms; returns the hold's id."""
        return _outs(load().loy_points_hold, self.ptr, member_id, points, ttl_ms, _b(reference),
                     _b(idempotency_key), n=1)[0]

    def capture_hold(self, hold_id: int, points: int, idempotency_key: str) -> int:
        """Spends 0..the held points (the rest is released); returns the balance after."""
        return _outs(load().loy_points_hold_capture, self.ptr, hold_id, points,
                     _b(idempotency_key), n=1)[0]

    def release_hold(self, hold_id: int, idempotency_key: str) -> None:
        """Releases a hold of points or of wallet money."""
        _call(load().loy_points_hold_release, self.ptr, hold_id, _b(idempotency_key))

    def hold_wallet(self, member_id: int, amount: int, ttl_ms: int, idempotency_key: str,
                    reference: Optional[str] = None) -> int:
        """Reserves wallet money (minor units) for ttl_ms; returns the hold's id."""
        return _outs(load().loy_wallet_hold, self.ptr, member_id, amount, ttl_ms, _b(reference),
                     _b(idempotency_key), n=1)[0]

    def capture_wallet_hold(self, hold_id: int, amount: int, idempotency_key: str) -> int:
        """Pays 0..the held money from the wallet; returns the wallet's balance after."""
        return _outs(load().loy_wallet_hold_capture, self.ptr, hold_id, amount,
                     _b(idempotency_key), n=1)[0]

    def release_wallet_hold(self, hold_id: int, idempotency_key: str) -> None:
        _call(load().loy_wallet_hold_release, self.ptr, hold_id, _b(idempotency_key))

    def transfer_points(self, from_member: int, to_member: int, points: int,
                        idempotency_key: str, reason: str = "", operator: str = "") -> int:
        """Gives points to another member (they keep their expiry dates), when the programme
        allows `transfers`; returns the giver's balance."""
        return _outs(load().loy_points_transfer, self.ptr, from_member, to_member, points,
                     _b(reason), _b(operator), _b(idempotency_key), n=1)[0]

    def expire_points(self, now_ms: int = 0) -> Tuple[int, int]:
        lots, points = ctypes.c_int64(0), ctypes.c_int64(0)
        _call(load().loy_points_expire, self.ptr, now_ms, ctypes.byref(lots), ctypes.byref(points))
        return lots.value, points.value

    def points_expiring(self, member_id: int, before_ms: int) -> Tuple[int, int]:
        """(points that expire before before_ms unless spent, the next expiry date or 0)."""
        return _outs(load().loy_points_expiring, self.ptr, member_id, before_ms, n=2)

    def rebuild(self) -> int:
        """Recomputes every projection from the facts; returns the rows corrected."""
        return _outs(load().loy_rebuild, self.ptr, n=1)[0]

    def verify(self) -> Tuple[int, str]:
        problems = ctypes.c_int64(0)
        L = load()
        needed = ctypes.c_size_t(0)
        c = _Call()
        c(L.loy_verify(self.ptr, ctypes.byref(problems), None, 0, ctypes.byref(needed),
                       ctypes.byref(c.err)))
        buf = ctypes.create_string_buffer(needed.value + 1)
        c(L.loy_verify(self.ptr, ctypes.byref(problems), buf, len(buf), ctypes.byref(needed),
                       ctypes.byref(c.err)))
        return problems.value, _s(buf.value)

    # -- tables: reports, segments, the outbox (docs/reports.md)
    def reward_report(self, from_ms: int = 0, to_ms: int = 0) -> List[dict]:
        return _scoped("loy_table_free",
                       _owned(load().loy_reward_report, self.ptr, from_ms, to_ms), _table)

    def report(self, name: str, from_ms: int = 0, to_ms: int = 0, branch: Optional[str] = None,
               group_by: int = _capi.LOY_GROUP_NONE,
               calendar: int = _capi.LOY_CALENDAR_GREGORIAN, limit: int = 20) -> List[dict]:
        """A manager report as a list of rows (dicts); percentages are text ("66.7")."""
        o = _report_options(from_ms, to_ms, branch, group_by, calendar, limit)
        return _scoped("loy_table_free", _owned(load().loy_report, self.ptr, _b(name),
                                                ctypes.byref(o)), _table)

    def dashboard_html(self, from_ms: int = 0, to_ms: int = 0, branch: Optional[str] = None,
                       calendar: int = _capi.LOY_CALENDAR_GREGORIAN) -> str:
        """The manager's dashboard: one self-contained HTML page (docs/reports.md)."""
        o = _report_options(from_ms, to_ms, branch, _capi.LOY_GROUP_NONE, calendar, 20)
        return _text_out(load().loy_dashboard_html, self.ptr, ctypes.byref(o))

    def segment_members(self, segment_id: str, at_ms: int = 0) -> List[dict]:
        return _scoped("loy_table_free",
                       _owned(load().loy_segment_members, self.ptr, _b(segment_id), at_ms), _table)

    def send_campaign(self, campaign_id: str, now_ms: int = 0) -> CampaignSend:
        """Queues a message campaign to its segment (a member gets it at most once)."""
        return CampaignSend(*_outs(load().loy_campaign_send, self.ptr, _b(campaign_id), now_ms,
                                   n=3))

    def segments(self, at_ms: int = 0) -> List[dict]:
        return _scoped("loy_table_free", _owned(load().loy_segments, self.ptr, at_ms), _table)

    def generate_messages(self, now_ms: int = 0) -> int:
        queued = ctypes.c_int64(0)
        _call(load().loy_messages_generate, self.ptr, now_ms, ctypes.byref(queued))
        return queued.value

    def fetch_messages(self, limit: int = 100, lease_ms: int = 60000, now_ms: int = 0) -> List[dict]:
        return _scoped("loy_table_free",
                       _owned(load().loy_outbox_fetch, self.ptr, now_ms, limit, lease_ms), _table)

    def acknowledge(self, message_id: int, sent: bool = True, error: Optional[str] = None,
                    retry_after_ms: int = 0):
        result = _capi.LOY_DELIVERY_SENT if sent else _capi.LOY_DELIVERY_FAILED
        _call(load().loy_outbox_ack, self.ptr, message_id, result, _b(error), retry_after_ms)
