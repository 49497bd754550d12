// The manager's dashboard: one self-contained HTML page (no network, no external script).
// Figures and tables are plain HTML; the charts are drawn as SVG by a small inline script from
// the data embedded in the page.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "calendar.hpp"
#include "html.hpp"
#include "loyalty/database.hpp"
#include "loyalty/money.hpp"
#include "periods.hpp"
#include "segments.hpp"
#include "storage/access.hpp"
#include "storage/report_kit.hpp"
#include "text.hpp"

namespace loyalty {

namespace {

struct Words {
    const char *title, *period, *members, *active, *revenue, *member_share, *repeat, *outstanding,
        *liability, *breakage, *sales_chart, *member_series, *guest_series, *members_chart,
        *new_series, *points_chart, *earned_series, *redeemed_series, *expired_series, *tiers_chart,
        *rfm_chart, *top, *branches, *name, *phone, *tier, *purchases, *spend, *balance, *branch,
        *sales, *points, *generated, *no_data, *no_branch, *toman, *rial, *points_unit;
};

constexpr Words kEnglish{"Loyalty dashboard",
                         "Period",
                         "Members",
                         "Active in the last 30 days",
                         "Revenue",
                         "Member share of revenue",
                         "Repeat rate",
                         "Points outstanding",
                         "Points liability",
                         "Breakage",
                         "Revenue by period",
                         "Members",
                         "Guests",
                         "New members by period",
                         "New members",
                         "Points by period",
                         "Earned",
                         "Redeemed",
                         "Expired",
                         "Members by tier",
                         "Members by RFM group",
                         "Top members",
                         "Branches",
                         "Name",
                         "Phone",
                         "Tier",
                         "Purchases",
                         "Spend",
                         "Balance",
                         "Branch",
                         "Purchases",
                         "Points",
                         "Generated",
                         "No data for this period",
                         "(no branch)",
                         "toman",
                         "rial",
                         "points"};

constexpr Words kPersian{"داشبورد باشگاه مشتریان",
                         "دوره",
                         "اعضا",
                         "فعال در ۳۰ روز اخیر",
                         "مبلغ فروش",
                         "سهم اعضا از فروش",
                         "نرخ خرید مجدد",
                         "امتیاز باقی‌مانده",
                         "ارزش امتیازهای باقی‌مانده",
                         "امتیاز سوخت‌شده",
                         "فروش در هر دوره",
                         "اعضا",
                         "مهمان",
                         "عضو جدید در هر دوره",
                         "عضو جدید",
                         "امتیاز در هر دوره",
                         "کسب‌شده",
                         "خرج‌شده",
                         "منقضی‌شده",
                         "اعضا در هر سطح",
                         "اعضا در هر گروه RFM",
                         "برترین اعضا",
                         "شعبه‌ها",
                         "نام",
                         "تلفن",
                         "سطح",
                         "خرید",
                         "مبلغ خرید",
                         "مانده امتیاز",
                         "شعبه",
                         "تعداد خرید",
                         "امتیاز",
                         "تهیه‌شده در",
                         "در این دوره داده‌ای نیست",
                         "(بدون شعبه)",
                         "تومان",
                         "ریال",
                         "امتیاز"};

std::string html(const std::string& s) {
    return html_escape(s);
}

// A JSON string literal that is also safe inside <script>.
std::string js(const std::string& s) {
    return text::json_string(s, true);
}

using report_kit::find_cell;

struct Formatter {
    bool fa;
    int exponent;
    std::string unit;  // the currency as the page names it: "تومان", "toman", "USD"
    std::string digits(const std::string& s) const { return fa ? periods::persian_digits(s) : s; }
    std::string number(std::int64_t v) const { return money(v, 0); }
    std::string money(std::int64_t v, int places) const {
        const std::string s = format_money(v, places, true);
        return fa ? periods::persian_number(s) : s;
    }
    std::string money(std::int64_t v) const { return money(v, exponent); }
    // An amount with its unit: "۶٬۶۸۱٬۰۰۰ تومان".
    std::string amount(std::int64_t v) const { return money(v) + " " + unit; }
    // A short figure for a chart: exact below 10,000 (in major units), else three significant
    // digits with a word: "6.05M" / "۶٫۰۵ میلیون". `places` is the currency's exponent (0 for
    // counts); the exact value is in the bar's tooltip and the tables.
    std::string compact(std::int64_t v, int places) const {
        std::int64_t scale = 1;
        for (int i = 0; i < places; ++i)
            scale *= 10;
        const std::int64_t whole = v / scale;
        if (whole < 10000 && whole > -10000) return money(v, places);
        static const struct {
            std::int64_t size;
            const char *en, *fa;
        } kUnits[] = {{1000000000000LL, "T", " هزار میلیارد"},
                      {1000000000LL, "B", " میلیارد"},
                      {1000000LL, "M", " میلیون"},
                      {1000LL, "K", " هزار"}};
        for (const auto& u : kUnits) {
            if (whole < u.size && whole > -u.size) continue;
            // Three significant digits, rounded once, half up: 12,449,500 -> 12.4M.
            const std::int64_t units = (whole < 0 ? -whole : whole) / u.size;
            int decimals = units >= 100 ? 0 : units >= 10 ? 1 : 2;
            std::int64_t shown = mul_div(whole,
                                         decimals == 0   ? 1
                                         : decimals == 1 ? 10
                                                         : 100,
                                         u.size, Rounding::HalfUp);
            while (decimals > 0 && shown % 10 == 0) {  // 45.0 -> 45, 6.00 -> 6
                shown /= 10;
                --decimals;
            }
            return money(shown, decimals) + (fa ? u.fa : u.en);
        }
        return money(v, places);
    }
    std::string percent(const Table::Cell* c) const {
        if (!c || c->text.empty()) return "–";
        return fa ? periods::persian_number(c->text) + "٪" : c->text + "%";
    }
};

// Round steps for a value axis: 1, 2 or 5 times a power of ten, so that at most 4 steps reach
// the largest value. Returns the tick values from 0 up to the first at or above `max`.
std::vector<std::int64_t> axis_ticks(std::int64_t max) {
    if (max <= 0) return {0, 1};
    std::int64_t step = 1;
    for (;;) {
        bool found = false;
        for (std::int64_t m : {1, 2, 5})
            if (step * m * 4 >= max) {
                step *= m;
                found = true;
                break;
            }
        if (found) break;
        step *= 10;
    }
    std::vector<std::int64_t> ticks;
    for (std::int64_t t = 0;; t += step) {
        ticks.push_back(t);
        if (t >= max) break;
    }
    return ticks;
}

// {"labels": [...], "series": [{"name": "...", "values": [...], "shown": [...]}],
//  "ticks": [{"value": 0, "shown": "۰"}, ...], "unit": "تومان"}
std::string series_json(
    const std::vector<std::string>& labels,
    const std::vector<std::pair<std::string, std::vector<std::int64_t>>>& series,
    const std::function<std::string(std::int64_t)>& show,
    const std::function<std::string(std::int64_t)>& brief, const std::string& unit) {
    std::string out = "{\"labels\":[";
    for (std::size_t i = 0; i < labels.size(); ++i)
        out += (i ? "," : "") + js(labels[i]);
    out += "],\"series\":[";
    for (std::size_t k = 0; k < series.size(); ++k) {
        out += (k ? ",{" : "{") + std::string("\"name\":") + js(series[k].first) + ",\"values\":[";
        for (std::size_t i = 0; i < series[k].second.size(); ++i)
            out += (i ? "," : "") + std::to_string(series[k].second[i]);
        out += "],\"shown\":[";
        for (std::size_t i = 0; i < series[k].second.size(); ++i)
            out += (i ? "," : "") + js(show(series[k].second[i]));
        out += "],\"short\":[";
        for (std::size_t i = 0; i < series[k].second.size(); ++i)
            out += (i ? "," : "") + js(brief(series[k].second[i]));
        out += "]}";
    }
    std::int64_t max = 0;
    for (const auto& s : series)
        for (std::int64_t v : s.second)
            max = std::max(max, v);
    out += "],\"ticks\":[";
    const std::vector<std::int64_t> ticks = axis_ticks(max);
    for (std::size_t i = 0; i < ticks.size(); ++i)
        out += (i ? ",{" : "{") + std::string("\"value\":") + std::to_string(ticks[i]) +
               ",\"shown\":" + js(brief(ticks[i])) + "}";
    return out + "],\"unit\":" + js(unit) + "}";
}

std::vector<std::int64_t> column_values(const Table& t, const char* column) {
    std::vector<std::int64_t> v;
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
        const Table::Cell* c = find_cell(t, r, column);
        v.push_back(c ? c->number : 0);
    }
    return v;
}

// "1404-09" -> "آذر ۱۴۰۴" (Persian) or "Azar 1404"; "2026-11" -> "Nov 2026"; other labels as
// they are, with Persian digits for Persian.
std::string period_label(const std::string& label, const ReportOptions& o, const Formatter& f) {
    static const char* const kJalaliFa[] = {"فروردین", "اردیبهشت", "خرداد", "تیر",
                                            "مرداد",   "شهریور",   "مهر",   "آبان",
                                            "آذر",     "دی",       "بهمن",  "اسفند"};
    static const char* const kJalaliEn[] = {"Farvardin", "Ordibehesht", "Khordad", "Tir",
                                            "Mordad",    "Shahrivar",   "Mehr",    "Aban",
                                            "Azar",      "Dey",         "Bahman",  "Esfand"};
    static const char* const kGregorianEn[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    static const char* const kGregorianFa[] = {"ژانویه",  "فوریه", "مارس",   "آوریل",
                                               "مه",      "ژوئن",  "ژوئیه",  "اوت",
                                               "سپتامبر", "اکتبر", "نوامبر", "دسامبر"};
    int year = 0, month = 0;
    char tail = 0;
    if (o.group != Grouping::Month ||
        std::sscanf(label.c_str(), "%4d-%2d%c", &year, &month, &tail) != 2 || month < 1 ||
        month > 12)
        return f.digits(label);
    const bool jalali = o.calendar == CalendarKind::Jalali;
    const char* name = jalali ? (f.fa ? kJalaliFa : kJalaliEn)[month - 1]
                              : (f.fa ? kGregorianFa : kGregorianEn)[month - 1];
    return std::string(name) + " " + f.digits(std::to_string(year));
}

constexpr const char* kScript = R"JS(
(function () {
  var data = JSON.parse(document.getElementById('dashboard-data').textContent);
  var colours = ['#2f6f8f', '#e39b3b', '#8c5fa8', '#5a9e4b'];
  function el(name, attrs, text) {
    var e = document.createElementNS('http://www.w3.org/2000/svg', name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function chart(id, d) {
    var box = document.getElementById(id);
    if (!box) return;
    var n = d.labels.length, k = d.series.length;
    var top = d.ticks[d.ticks.length - 1].value || 1;
    // Every bar carries its figure: a bar is as wide as its widest figure needs.
    var longest = 1;
    d.series.forEach(function (s) { s.short.forEach(function (t) { longest = Math.max(longest, t.length); }); });
    d.ticks.forEach(function (t) { longest = Math.max(longest, t.shown.length / 1.5); });
    var bar = Math.max(26, Math.round(longest * 7.2)), gap = 6, axisw = Math.round(longest * 8) + 14;
    var slot = k * (bar + gap) + 28, w = Math.max(360, n * slot + axisw + 20);
    var h = 270, base = 215, height = 170;
    // Time runs the way the page reads, and the value axis stands where a line starts: on the
    // right of a right-to-left page.
    var rtl = document.documentElement.dir === 'rtl';
    var svg = el('svg', {'class': 'chart', 'viewBox': '0 0 ' + w + ' ' + h, 'width': w, 'height': h,
                         'role': 'img', 'direction': 'ltr', 'font-family': 'inherit'});
    d.ticks.forEach(function (t) {
      var y = base - Math.round(t.value / top * height);
      svg.appendChild(el('line', {x1: rtl ? 5 : axisw, y1: y, x2: rtl ? w - axisw : w - 5, y2: y,
                                  stroke: t.value ? '#e6e6e6' : '#888'}));
      svg.appendChild(el('text', {x: rtl ? w - axisw + 8 : axisw - 8, y: y + 4, 'font-size': 12,
                                  'text-anchor': rtl ? 'start' : 'end', fill: '#555',
                                  'class': 'tick'}, t.shown));
    });
    d.labels.forEach(function (label, i) {
      var x0 = rtl ? w - axisw - (i + 1) * slot + 14 : axisw + 14 + i * slot;
      d.series.forEach(function (s, j) {
        // Bars in the reading order too: the first series nearest where the line starts.
        var jj = rtl ? k - 1 - j : j;
        var v = s.values[i], bh = Math.round(v / top * height);
        if (v > 0 && bh < 3) bh = 3;  // a small value stays visible
        var x = x0 + jj * (bar + gap);
        var r = el('rect', {x: x, y: base - bh, width: bar, height: bh,
                            fill: colours[j % colours.length], 'class': 'bar',
                            'data-series': s.name, 'data-label': label, 'data-value': v});
        r.appendChild(el('title', {}, s.name + ' — ' + label + ': ' + s.shown[i]));
        svg.appendChild(r);
        svg.appendChild(el('text', {x: x + bar / 2, y: base - bh - 5, 'font-size': 12,
                                    'text-anchor': 'middle', fill: '#222', 'class': 'value',
                                    'data-series': s.name, 'data-label': label}, s.short[i]));
      });
      svg.appendChild(el('text', {x: x0 + (k * (bar + gap) - gap) / 2, y: base + 20,
                                  'font-size': 12, 'text-anchor': 'middle', 'class': 'axis'},
                         label));
    });
    box.appendChild(svg);
    var legend = document.createElement('p');
    legend.className = 'legend';
    d.series.forEach(function (s, j) {
      var span = document.createElement('span');
      span.style.color = colours[j % colours.length];
      span.textContent = '■ ' + s.name + '  ';
      legend.appendChild(span);
    });
    if (d.unit) {
      var unit = document.createElement('span');
      unit.className = 'unit';
      unit.textContent = '(' + d.unit + ')';
      legend.appendChild(unit);
    }
    box.appendChild(legend);
  }
  for (var id in data.charts) chart(id, data.charts[id]);
  document.body.setAttribute('data-rendered', 'yes');
})();
)JS";

}  // namespace

std::string Database::dashboard_html(const ReportOptions& options) {
    Program program;
    storage::Access::run(*this, false, [&](storage::Session& s) {
        program = s.program;
        return false;
    });
    const std::string& language = program.language;
    const std::string& currency = program.currency;
    const int offset = program.utc_offset_minutes;
    const bool fa = periods::is_persian(language);
    const Words& w = fa ? kPersian : kEnglish;
    // Names as the page's language has them: the programme's, each tier's and branch's.
    const std::string programme_name = display_name(program.names, language, program.name);
    const auto tier_name = [&](const std::string& id) -> std::string {
        for (const auto& lv : program.tiers.levels)
            if (lv.id == id) return display_name(lv.names, language, lv.name);
        return id;
    };
    const auto branch_name = [&](const std::string& id) -> std::string {
        if (id.empty() || id == "(none)") return w.no_branch;
        for (const auto& b : program.branches)
            if (b.id == id) return display_name(b.names, language, id);
        return id;
    };
    const std::string unit = currency == "IRT" ? w.toman : currency == "IRR" ? w.rial : currency;
    const Formatter f{fa, currency_exponent(currency), unit};
    ReportOptions periodic = options;
    if (periodic.group == Grouping::None) periodic.group = Grouping::Month;
    ReportOptions whole = options;
    whole.group = Grouping::None;
    ReportOptions top = whole;
    top.limit = 10;

    const Table overview = report("overview", whole);
    const Table sales = report("sales", periodic);
    const Table members = report("members", periodic);
    const Table points = report("points", periodic);
    const Table tiers = report("tiers", whole);
    const Table segs = report("segments", whole);
    const Table tops = report("top_members", top);
    const Table branches = report("branches", whole);

    auto metric = [&](const char* name) -> const Table::Cell* {
        for (const auto& row : overview.rows)
            if (row[0].text == name) return &row[1];
        return nullptr;
    };
    auto num = [&](const char* name) { return metric(name) ? metric(name)->number : 0; };

    std::string out;
    out += fmt::format(
        "<!DOCTYPE html>\n<html lang=\"{}\" dir=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>{} — {}</title>\n<style>\n"
        // Fonts a manager's machine has that draw Persian letters, digits and separators: Tahoma
        // and Segoe UI on Windows, Noto or DejaVu Sans on Linux; Vazirmatn where installed.
        "body{{font-family:Tahoma,'Segoe UI','Noto Sans Arabic','Noto Sans',Vazirmatn,"
        "'DejaVu Sans',sans-serif;margin:1.5rem;color:#222;"
        "background:#f7f7f5}}\nh1{{font-size:1.5rem}}h2{{font-size:1.1rem;margin-top:2rem}}\n"
        ".cards{{display:flex;flex-wrap:wrap;gap:.8rem}}\n.card{{background:#fff;border-radius:8px;"
        "padding:.8rem 1rem;min-width:11rem;box-shadow:0 1px 3px #0002}}\n.card .value{{font-size:"
        "1.4rem;font-weight:bold}}\n.card .label{{color:#555;font-size:.85rem}}\n"
        "table{{border-collapse:collapse;background:#fff}}td,th{{padding:.3rem .7rem;border-bottom:"
        "1px solid #ddd;text-align:start}}\n.chartbox{{background:#fff;padding:.5rem;"
        "border-radius:8px;overflow-x:auto}}\n.legend{{font-size:.85rem}}.unit{{color:#555}}\n"
        "@media print{{body{{background:#fff}}.chartbox{{overflow:visible}}}}\n</style>\n</head>\n"
        "<body data-rendered=\"no\">\n<h1>{}</h1>\n<p class=\"subtitle\">{}</p>\n",
        fa ? "fa" : "en", fa ? "rtl" : "ltr", html(w.title), html(programme_name), html(w.title),
        html(programme_name));

    struct Card {
        const char* id;
        const char* label;
        std::string value;
    };
    const std::vector<Card> cards = {
        {"members", w.members, f.number(num("members"))},
        {"active_30", w.active, f.number(num("active_30"))},
        {"revenue", w.revenue, f.amount(num("revenue"))},
        {"member_revenue_pct", w.member_share, f.percent(metric("member_revenue_pct"))},
        {"repeat_rate_pct", w.repeat, f.percent(metric("repeat_rate_pct"))},
        {"points_outstanding", w.outstanding, f.number(num("points_outstanding"))},
        {"liability", w.liability, f.amount(num("liability"))},
        {"breakage_pct", w.breakage, f.percent(metric("breakage_pct"))},
    };
    out += "<section class=\"cards\">\n";
    for (const auto& c : cards)
        out += fmt::format(
            "<div class=\"card\" id=\"card-{}\"><div class=\"value\"><bdi>{}</bdi></div><div "
            "class=\"label\">{}</div></div>\n",
            c.id, html(c.value), html(c.label));
    out += "</section>\n";

    auto chart_box = [&](const char* id, const char* title) {
        out +=
            fmt::format("<h2>{}</h2>\n<div class=\"chartbox\" id=\"{}\"></div>\n", html(title), id);
    };
    chart_box("chart-sales", w.sales_chart);
    chart_box("chart-members", w.members_chart);
    chart_box("chart-points", w.points_chart);
    chart_box("chart-tiers", w.tiers_chart);
    chart_box("chart-rfm", w.rfm_chart);

    auto table = [&](const char* title, const std::vector<std::string>& head,
                     const std::vector<std::vector<std::string>>& rows, const char* id,
                     const std::set<std::size_t>& ltr_columns) {
        out += fmt::format("<h2>{}</h2>\n<table id=\"{}\">\n<tr>", html(title), id);
        for (const auto& h : head)
            out += "<th>" + html(h) + "</th>";
        out += "</tr>\n";
        if (rows.empty())
            out +=
                fmt::format("<tr><td colspan=\"{}\">{}</td></tr>\n", head.size(), html(w.no_data));
        // Every cell is isolated (<bdi>): a number or a phone keeps its own direction inside a
        // right-to-left row; a phone number reads left to right.
        for (const auto& r : rows) {
            out += "<tr>";
            for (std::size_t i = 0; i < r.size(); ++i)
                out += (ltr_columns.count(i) ? "<td><bdi dir=\"ltr\">" : "<td><bdi>") + html(r[i]) +
                       "</bdi></td>";
            out += "</tr>\n";
        }
        out += "</table>\n";
    };
    std::vector<std::vector<std::string>> top_rows;
    for (std::size_t r = 0; r < tops.rows.size(); ++r)
        top_rows.push_back({f.digits(find_cell(tops, r, "rank")->text),
                            find_cell(tops, r, "name")->text,
                            f.digits(find_cell(tops, r, "phone")->text),
                            tier_name(find_cell(tops, r, "tier")->text),
                            f.number(find_cell(tops, r, "purchases")->number),
                            f.money(find_cell(tops, r, "spend")->number),
                            f.number(find_cell(tops, r, "balance")->number)});
    const std::string spend_head = std::string(w.spend) + " (" + unit + ")";
    table(w.top, {"#", w.name, w.phone, w.tier, w.purchases, spend_head, w.balance}, top_rows,
          "table-top", {2});
    std::vector<std::vector<std::string>> branch_rows;
    for (std::size_t r = 0; r < branches.rows.size(); ++r)
        branch_rows.push_back({branch_name(find_cell(branches, r, "branch")->text),
                               f.number(find_cell(branches, r, "sales")->number),
                               f.money(find_cell(branches, r, "revenue")->number),
                               f.percent(find_cell(branches, r, "member_revenue_pct")),
                               f.number(find_cell(branches, r, "points_earned")->number)});
    const std::string revenue_head = std::string(w.revenue) + " (" + unit + ")";
    table(w.branches, {w.branch, w.sales, revenue_head, w.member_share, w.points}, branch_rows,
          "table-branches", {});

    const auto money = [&](std::int64_t v) { return f.money(v); };
    const auto periods_of = [&](const Table& t) {
        std::vector<std::string> labels;
        for (const auto& row : t.rows)
            labels.push_back(period_label(row[0].text, periodic, f));
        return labels;
    };
    const auto count = [&](std::int64_t v) { return f.number(v); };
    const auto money_short = [&](std::int64_t v) { return f.compact(v, f.exponent); };
    const auto count_short = [&](std::int64_t v) { return f.compact(v, 0); };
    std::vector<std::string> tier_labels;
    for (std::size_t r = 0; r < tiers.rows.size(); ++r)
        tier_labels.push_back(tier_name(find_cell(tiers, r, "tier")->text));
    std::string charts = "{";
    charts +=
        "\"chart-sales\":" + series_json(periods_of(sales),
                                         {{w.member_series, column_values(sales, "member_revenue")},
                                          {w.guest_series, column_values(sales, "guest_revenue")}},
                                         money, money_short, unit);
    charts +=
        ",\"chart-members\":" + series_json(periods_of(members),
                                            {{w.new_series, column_values(members, "new_members")}},
                                            count, count_short, "");
    charts +=
        ",\"chart-points\":" + series_json(periods_of(points),
                                           {{w.earned_series, column_values(points, "earned")},
                                            {w.redeemed_series, column_values(points, "redeemed")},
                                            {w.expired_series, column_values(points, "expired")}},
                                           count, count_short, w.points_unit);
    charts += ",\"chart-tiers\":" + series_json(tier_labels,
                                                {{w.members, column_values(tiers, "members")}},
                                                count, count_short, "");
    std::vector<std::string> groups;
    std::vector<std::int64_t> sizes;
    for (const auto& row : segs.rows)
        if (row[2].text == "rfm") {
            std::string label = row[1].text;
            for (std::size_t g = 0; g < std::size(segments::kRfmGroups); ++g)
                if (fa && label == segments::kRfmGroups[g]) label = segments::kRfmGroupsFa[g];
            groups.push_back(label);
            sizes.push_back(row[3].number);
        }
    charts += ",\"chart-rfm\":" + series_json(groups, {{w.members, sizes}}, count, count_short, "");
    charts += "}";

    const std::int64_t now_day = cal::local_day(now(), offset);
    out += fmt::format("<p class=\"generated\">{}: {}</p>\n", html(w.generated),
                       html(f.digits(periods::format_date(
                           now_day, fa ? CalendarKind::Jalali : CalendarKind::Gregorian))));
    out += "<script type=\"application/json\" id=\"dashboard-data\">{\"charts\":" + charts +
           "}</script>\n<script>" + kScript + "</script>\n</body>\n</html>\n";
    return out;
}

}  // namespace loyalty
