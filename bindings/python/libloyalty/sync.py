"""libloyalty-sync from Python: a till's journal to and from the chain's authority on PostgreSQL
(docs/chain.md). The library is looked for beside libloyalty (LOYALTY_SYNC_LIBRARY overrides);
it is built on Linux where libpq is installed, and the Windows wheels carry loyalty-sync.dll with
its libpq.dll beside loyalty.dll.

    with libloyalty.Database.open("till.db", chain_mode=True) as db, \\
         Sync(db, "host=hq dbname=loyalty user=golestan_t1") as sync:
        report = sync.run_once()      # push, pull, apply; raises TransientError when offline
        hold_id, expires_at = sync.hold(member.uid, 80, ttl_s=120)
        coupon_hold, expires_at = sync.hold_coupons(basket)   # set on the basket
"""
import ctypes
import os
import sys
from dataclasses import dataclass
from typing import Tuple

from . import _b, _capi, _s, error, load

_sync = None


class _Options(ctypes.Structure):
    _fields_ = [("size", ctypes.c_uint32), ("conninfo", ctypes.c_char_p),
                ("batch_records", ctypes.c_int32), ("connect_timeout_s", ctypes.c_int32)]


class _Report(ctypes.Structure):
    _fields_ = [("size", ctypes.c_uint32), ("pushed", ctypes.c_int64),
                ("duplicates", ctypes.c_int64), ("pulled", ctypes.c_int64),
                ("profiles", ctypes.c_int64), ("conflicts", ctypes.c_int64),
                ("waiting", ctypes.c_int64), ("acked_seq", ctypes.c_int64),
                ("last_synced_at", ctypes.c_int64)]


@dataclass(frozen=True)
class Report:
    """What a round did, and what a till shows: "last synced 2 min ago, 14 records waiting"."""
    pushed: int
    duplicates: int
    pulled: int
    profiles: int
    conflicts: int
    waiting: int
    acked_seq: int
    last_synced_at: int


def _load_sync():
    global _sync
    if _sync is None:
        path = os.environ.get("LOYALTY_SYNC_LIBRARY")
        if not path:
            load()
            core = sys.modules[__package__]._lib_path or ""
            # On Windows, loyalty-sync.dll and the libpq.dll it needs lie beside loyalty.dll.
            name = "loyalty-sync.dll" if os.name == "nt" else "libloyalty-sync.so.0"
            path = os.path.join(os.path.dirname(core), name) if os.sep in core else name
        lib = ctypes.CDLL(path)
        err = ctypes.POINTER(_capi.loy_error)
        vp, i32, i64 = ctypes.c_void_p, ctypes.c_int32, ctypes.c_int64
        for name, res, args in [
            ("loy_sync_options_init", None, [ctypes.POINTER(_Options)]),
            ("loy_sync_report_init", None, [ctypes.POINTER(_Report)]),
            ("loy_sync_open", i32, [vp, ctypes.POINTER(_Options), ctypes.POINTER(vp), err]),
            ("loy_sync_run_once", i32, [vp, ctypes.POINTER(_Report), err]),
            ("loy_sync_status", i32, [vp, ctypes.POINTER(_Report), err]),
            ("loy_sync_hold", i32, [vp, ctypes.c_char_p, i64, i32, ctypes.c_char_p,
                                    ctypes.c_size_t, ctypes.POINTER(i64), err]),
            ("loy_sync_hold_wallet", i32, [vp, ctypes.c_char_p, i64, i32, ctypes.c_char_p,
                                           ctypes.c_size_t, ctypes.POINTER(i64), err]),
            ("loy_sync_hold_reward", i32, [vp, ctypes.c_char_p, ctypes.c_char_p, i64, i32,
                                           ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(i64),
                                           err]),
            ("loy_sync_hold_giftcards", i32, [vp, vp, i32, ctypes.c_char_p, ctypes.c_size_t,
                                              ctypes.POINTER(i64), err]),
            ("loy_sync_hold_coupons", i32, [vp, vp, i32, ctypes.c_char_p, ctypes.c_size_t,
                                            ctypes.POINTER(i64), err]),
            ("loy_sync_void_hold", i32, [vp, ctypes.c_char_p, err]),
            ("loy_sync_close", None, [vp]),
            ("loy_sync_dashboard_html", i32, [ctypes.c_char_p, i32, ctypes.c_char_p,
                                              ctypes.c_char_p, ctypes.c_size_t,
                                              ctypes.POINTER(ctypes.c_size_t), err]),
        ]:
            fn = getattr(lib, name)
            fn.restype, fn.argtypes = res, args
        _sync = lib
    return _sync


def _check(fn, *args):
    err = _capi.loy_error()
    load().loy_error_init(ctypes.byref(err))
    status = fn(*args, ctypes.byref(err))
    if status != _capi.LOY_OK:
        raise error(status, _s(err.message))


class Sync:
    """One connection to the authority for one open database (which must outlive it)."""

    def __init__(self, db, conninfo: str, batch_records: int = 500, connect_timeout_s: int = 5):
        L = _load_sync()
        o = _Options()
        L.loy_sync_options_init(ctypes.byref(o))
        self._conninfo = _b(conninfo)
        o.conninfo = self._conninfo
        o.batch_records = batch_records
        o.connect_timeout_s = connect_timeout_s
        self.ptr = ctypes.c_void_p()
        _check(L.loy_sync_open, db.ptr, ctypes.byref(o), ctypes.byref(self.ptr))

    def _report(self, fn) -> Report:
        r = _Report()
        _load_sync().loy_sync_report_init(ctypes.byref(r))
        _check(fn, self.ptr, ctypes.byref(r))
        return Report(r.pushed, r.duplicates, r.pulled, r.profiles, r.conflicts, r.waiting,
                      r.acked_seq, r.last_synced_at)

    def run_once(self) -> Report:
        """Pushes this till's records, pulls and applies the others'."""
        return self._report(_load_sync().loy_sync_run_once)

    def status(self) -> Report:
        """The last known figures, without the network."""
        return self._report(_load_sync().loy_sync_status)

    def hold(self, member_uid: str, points: int, ttl_s: int = 120) -> Tuple[str, int]:
        """Holds `points` of the member on the authority for a sale: (hold id, expires at ms)."""
        buf = ctypes.create_string_buffer(80)
        expires = ctypes.c_int64(0)
        _check(_load_sync().loy_sync_hold, self.ptr, _b(member_uid), points, ttl_s, buf,
               len(buf), ctypes.byref(expires))
        return _s(buf.value), expires.value

    def hold_wallet(self, member_uid: str, amount: int, ttl_s: int = 120) -> Tuple[str, int]:
        """Holds `amount` of the member's wallet money on the authority for a sale: (hold id,
        expires at ms); set it on the basket with Basket.set_wallet_hold."""
        buf = ctypes.create_string_buffer(80)
        expires = ctypes.c_int64(0)
        _check(_load_sync().loy_sync_hold_wallet, self.ptr, _b(member_uid), amount, ttl_s, buf,
               len(buf), ctypes.byref(expires))
        return _s(buf.value), expires.value

    def hold_reward(self, member_uid: str, reward_id: str, quantity: int = 1,
                    ttl_s: int = 120) -> Tuple[str, int]:
        """Holds a reward's points and stock on the authority: (hold id, expires at ms); then
        Database.redeem_reward(..., hold_id=...)."""
        buf = ctypes.create_string_buffer(80)
        expires = ctypes.c_int64(0)
        _check(_load_sync().loy_sync_hold_reward, self.ptr, _b(member_uid), _b(reward_id),
               quantity, ttl_s, buf, len(buf), ctypes.byref(expires))
        return _s(buf.value), expires.value

    def hold_giftcards(self, basket, ttl_s: int = 120) -> Tuple[str, int]:
        """Holds the basket's gift card payments and sets the hold on the basket: (hold id,
        expires at ms); ("", 0) when it pays with none."""
        buf = ctypes.create_string_buffer(80)
        expires = ctypes.c_int64(0)
        _check(_load_sync().loy_sync_hold_giftcards, self.ptr, basket.ptr, ttl_s, buf, len(buf),
               ctypes.byref(expires))
        return _s(buf.value), expires.value

    def hold_coupons(self, basket, ttl_s: int = 120) -> Tuple[str, int]:
        """Holds the basket's coupon uses that a limit counts over the whole chain, and sets the
        hold on the basket: (hold id, expires at ms); ("", 0) when it uses none."""
        buf = ctypes.create_string_buffer(80)
        expires = ctypes.c_int64(0)
        _check(_load_sync().loy_sync_hold_coupons, self.ptr, basket.ptr, ttl_s, buf, len(buf),
               ctypes.byref(expires))
        return _s(buf.value), expires.value

    def void_hold(self, hold_id: str) -> None:
        _check(_load_sync().loy_sync_void_hold, self.ptr, _b(hold_id))

    def close(self) -> None:
        if self.ptr:
            _load_sync().loy_sync_close(self.ptr)
            self.ptr = ctypes.c_void_p()

    def __enter__(self) -> "Sync":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def dashboard_html(conninfo: str, utc_offset_minutes: int = 210, language: str = "fa") -> str:
    """The chain's dashboard computed on the authority, as one HTML page; `conninfo` logs in as
    a member of loyalty_manager."""
    L = _load_sync()
    needed = ctypes.c_size_t(0)
    _check(L.loy_sync_dashboard_html, _b(conninfo), utc_offset_minutes, _b(language), None, 0,
           ctypes.byref(needed))
    buf = ctypes.create_string_buffer(needed.value + 1)
    _check(L.loy_sync_dashboard_html, _b(conninfo), utc_offset_minutes, _b(language), buf,
           len(buf), ctypes.byref(needed))
    return _s(buf.value)


__all__ = ["Sync", "Report", "dashboard_html"]
