#!/usr/bin/env python3
"""Renders the HTML dashboard in headless Chromium and checks that it shows the figures.

    check_dashboard.py <loyalty-admin> <pos_session> <programme.json> <work dir>

Builds the example session's database, writes the dashboard (Persian, right-to-left), has
Chromium run its script and dump the rendered DOM, then compares what the page shows with the
same figures from `loyalty-admin report ... --format json`: the key-figure cards (in Persian
digits) and one bar per period in each chart, whose values are the report's. Also takes a
screenshot (dashboard.png in the work dir) for a person to look at.
"""
import html
import json
import os
import re
import shutil
import subprocess
import sys

admin, session, programme, work = sys.argv[1:5]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
db = os.path.join(work, "club.db")
subprocess.run([session, db, programme], check=True, stdout=subprocess.DEVNULL)
AT = "2026-12-01"  # the example session's sales are in Azar 1405
out = os.path.join(work, "dashboard.html")
subprocess.run([admin, "dashboard", db, "--out", out, "--at", AT, "--group", "month",
                "--from", "2026-11-01"], check=True, stdout=subprocess.DEVNULL)


def report(name, *extra):
    r = subprocess.run([admin, "report", db, name, "--at", AT, "--format", "json", *extra],
                       check=True, stdout=subprocess.PIPE)
    return json.loads(r.stdout)


FA = str.maketrans("0123456789,.", "۰۱۲۳۴۵۶۷۸۹٬٫")
CHROMIUM = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--user-data-dir=" + os.path.join(work, "profile")]
url = "file://" + os.path.abspath(out)
dom = subprocess.run(CHROMIUM + ["--dump-dom", url], check=True, stdout=subprocess.PIPE,
                     stderr=subprocess.DEVNULL, timeout=120).stdout.decode("utf-8")
subprocess.run(CHROMIUM + ["--window-size=1200,1800",
                           "--screenshot=" + os.path.join(work, "dashboard.png"), url],
               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)

failures = []


def expect(ok, what):
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        failures.append(what)


expect('data-rendered="yes"' in dom, "the page's script ran in Chromium")
expect('dir="rtl"' in dom and 'lang="fa"' in dom, "Persian programme: right-to-left, lang fa")

overview = {row["metric"]: row["value"] for row in report("overview", "--from", "2026-11-01")}
cards = dict(re.findall(r'id="card-([a-z_0-9]+)"><div class="value"><bdi>([^<]*)</bdi>', dom))
for key in ("members", "active_30", "revenue", "points_outstanding", "liability"):
    want = "{:,}".format(int(overview[key])).translate(FA)
    if key in ("revenue", "liability"):
        want += " تومان"  # every amount with its currency
    expect(html.unescape(cards.get(key, "")) == want,
           "card %s shows %s (page: %s)" % (key, want, cards.get(key)))

bars = re.findall(r'<rect[^>]*class="bar"[^>]*data-series="([^"]*)"[^>]*data-label="([^"]*)"'
                  r'[^>]*data-value="([^"]*)"', dom)
sales = report("sales", "--group", "month", "--calendar", "jalali", "--from", "2026-11-01")
MONTHS = ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی",
          "بهمن", "اسفند"]


def jalali_month(period):  # "1405-09" -> "آذر ۱۴۰۵", as the dashboard labels months
    year, month = period.split("-")
    return MONTHS[int(month) - 1] + " " + year.translate(FA)


member_bars = [(label, int(v)) for series, label, v in bars if series == "اعضا"]
want = [(jalali_month(row["period"]), int(row["member_revenue"])) for row in sales]
expect(member_bars[:len(want)] == want,
       "sales chart: one member-revenue bar per Jalali month, values %s (page: %s)"
       % (want, member_bars[:len(want)]))
expect(any(v > 0 for _, v in want), "the sales chart has a non-empty month")
points = report("points", "--group", "month", "--calendar", "jalali", "--from", "2026-11-01")
earned = [int(v) for series, _, v in bars if series == "کسب‌شده"]
expect(earned == [int(r["earned"]) for r in points], "points chart: earned per month")


def chart_bars(chart_id):
    """(label, value) of every bar inside one chart's box, in order."""
    box = re.search(r'<div class="chartbox" id="%s">(.*?)</div>' % chart_id, dom, re.S)
    if not box:
        return []
    return [(label, int(v)) for _, label, v in re.findall(
        r'<rect[^>]*class="bar"[^>]*data-series="([^"]*)"[^>]*data-label="([^"]*)"'
        r'[^>]*data-value="([^"]*)"', box.group(1))]


tiers = report("tiers")
with open(programme, encoding="utf-8") as f:
    prog = json.load(f)
tier_fa = {lv["id"]: lv.get("names", {}).get("fa", lv["name"]) for lv in prog["tiers"]["levels"]}
expect(chart_bars("chart-tiers") == [(tier_fa[r["tier"]], int(r["members"])) for r in tiers],
       "tier chart: one bar per level, named in Persian, with its members")
members = report("members", "--group", "month", "--calendar", "jalali", "--from", "2026-11-01")
expect(chart_bars("chart-members") == [(jalali_month(r["period"]), int(r["new_members"]))
                                       for r in members],
       "members chart: new members per Jalali month")
rfm = [r for r in report("segments") if r["kind"] == "rfm"]
expect([v for _, v in chart_bars("chart-rfm")] == [int(r["members"]) for r in rfm],
       "RFM chart: one bar per group with its size")
top = report("top_members", "--from", "2026-11-01")
expect(all(html.escape(r["name"]) in dom for r in top) and len(top) > 0,
       "top members table lists %d members" % len(top))

# A page a manager can read and print.
for cid in ("chart-sales", "chart-members", "chart-points", "chart-tiers", "chart-rfm"):
    box = re.search(r'id="%s">(.*?)</div>' % cid, dom, re.S)
    svg = box.group(1) if box else ""
    n_bars = len(re.findall(r'<rect[^>]*class="bar"', svg))
    figures = re.findall(r'<text[^>]*class="value"[^>]*>([^<]+)</text>', svg)
    ticks = re.findall(r'<text[^>]*class="tick"[^>]*>([^<]+)</text>', svg)
    expect(n_bars > 0 and len(figures) == n_bars and all(re.search("[۰-۹]", t) for t in figures),
           "%s: every one of its %d bars shows its figure in Persian digits" % (cid, n_bars))
    expect(len(ticks) >= 2 and ticks[0] == "۰", "%s: a value axis with %d ticks" % (cid, len(ticks)))
expect("(تومان)" in re.search(r'id="chart-sales">(.*?)</div>', dom, re.S).group(1),
       "the sales chart names its currency")
expect(prog["names"]["fa"] in dom and prog["name"] not in dom,
       "the Persian page shows the programme's Persian name, not its English one")
expect(not re.search(r">(Gold|Silver|Bronze)<", dom), "no English tier name on the Persian page")
expect(prog["branches"][0]["names"]["fa"] in dom, "branches by their Persian names")
heads = re.search(r'<table id="table-branches">\s*(?:<tbody>)?\s*<tr>(.*?)</tr>', dom, re.S).group(1)
cols = re.findall(r"<th>([^<]*)</th>", heads)
expect(len(cols) == len(set(cols)), "the branch table's headings are distinct: %s" % cols)
expect(re.search(r'<bdi dir="ltr">\+۹۸۹', dom) is not None,
       "a phone reads left to right (+۹۸۹...), not as ۹۸۹...+")
font = re.search(r"font-family:([^;]*);", dom).group(1)
expect(font.startswith("Tahoma"), "the font stack starts with a font Windows has: " + font)
print("%d failed" % len(failures))
sys.exit(1 if failures else 0)
