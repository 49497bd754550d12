"""The chain from Python (tests/chain/run.sh): a new till's file, in chain mode, syncs through
libloyalty-sync's Python binding, finds a member enrolled at another branch by phone, holds and
gives back some of her points, is refused wallet money she does not have, and prints her balance for run.sh to compare with the authority's.

    python3 python_sync.py <till file> <conninfo> <phone> [<manager's conninfo>]
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "bindings", "python"))
import libloyalty  # noqa: E402
from libloyalty.sync import Sync, dashboard_html  # noqa: E402

path, conninfo, phone = sys.argv[1:4]
db = libloyalty.Database.open(path, default_currency="IRT", origin="py-till", chain_mode=True)
try:
    with Sync(db, conninfo, batch_records=50) as sync:
        report = sync.run_once()
        assert report.pushed == 0 and report.pulled > 0 and report.waiting == 0, report
        member = db.identify(phone)
        hold_id, expires_at = sync.hold(member.uid, 10, ttl_s=60)
        assert hold_id and expires_at > 0
        sync.void_hold(hold_id)
        try:
            sync.void_hold(hold_id)
            raise AssertionError("a hold given back twice")
        except libloyalty.LoyaltyError as e:
            assert e.status == libloyalty.LOY_ERR_NOT_FOUND, e
        assert sync.status().last_synced_at == report.last_synced_at
        # Her wallet is empty over the whole chain; a basket with no coupon holds nothing.
        try:
            sync.hold_wallet(member.uid, 1000, ttl_s=60)
            raise AssertionError("wallet money held that the member does not have")
        except libloyalty.LoyaltyError as e:
            assert e.status == libloyalty.LOY_ERR_INSUFFICIENT_FUNDS, e
        # This till has loaded no programme: it has no reward to hold.
        try:
            sync.hold_reward(member.uid, "free-latte", 1, ttl_s=60)
            raise AssertionError("a reward held that the programme does not have")
        except libloyalty.LoyaltyError as e:
            assert e.status == libloyalty.LOY_ERR_NOT_FOUND, e
        with db.basket(member=member.id) as basket:
            basket.add_line("TEA", "drinks", 1000, 20_000)
            assert sync.hold_coupons(basket, ttl_s=60) == ("", 0)
            assert sync.hold_giftcards(basket, ttl_s=60) == ("", 0)
        if len(sys.argv) > 4:  # the manager's conninfo: the chain's dashboard
            page = dashboard_html(sys.argv[4], 210, "en")
            assert '<html lang="en" dir="ltr">' in page and "<td>north</td>" in page, page[:200]
        print(member.balance)
finally:
    db.close()
