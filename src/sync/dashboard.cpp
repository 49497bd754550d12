// The chain's dashboard for the manager (docs/chain.md, "Chain reports"): one self-contained HTML
// page of the reports the authority computes over every branch (loyalty.report_branches,
// report_points, report_liability, report_campaigns, report_offline_spends), by branch and
// Jalali month, in Persian (right to left, Persian digits and month names) or English. It reads
// through a role of loyalty_manager; a read replica will do.
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <string>
#include <vector>

#include "../html.hpp"
#include "../segments.hpp"
#include "loyalty/sync.h"
#include "pg.hpp"

using loyalty::sync::Failure;
using loyalty::sync::guard;
using loyalty::sync::Result;

namespace {

struct Words {
    const char *title, *lead, *sales_total, *revenue, *outstanding, *branches_n, *by_branch,
        *branch, *month, *sales, *members, *total, *refunded, *earned, *redeemed, *points,
        *reversed, *expired, *adjusted, *liability, *expired_to_date, *redeemed_to_date, *campaigns,
        *campaign, *uses, *discount, *given_back, *offline, *till, *spent, *in_debt, *no_branch,
        *no_data, *amounts, *top, *member, *name, *purchases, *spend, *members_by, *enrolled,
        *buying, *repeat, *tiers, *tier, *no_tier, *rfm, *rfm_group;
    const char* months[12];
};

constexpr Words kPersian{
    "داشبورد باشگاه مشتریان: همهٔ شعبه‌ها",
    "گزارش‌های زنجیره از سرور مرکزی، به تفکیک شعبه و "
    "ماه "
    "شمسی",
    "تعداد فروش",
    "مبلغ فروش",
    "امتیاز نزد اعضا",
    "شعبه‌ها",
    "فروش به تفکیک شعبه و ماه",
    "شعبه",
    "ماه",
    "فروش",
    "اعضا",
    "مبلغ",
    "مرجوعی",
    "امتیاز کسب‌شده",
    "امتیاز خرج‌شده",
    "امتیازها به تفکیک شعبه و ماه",
    "برگشت‌خورده",
    "منقضی‌شده",
    "اصلاح دستی",
    "تعهد امتیاز در پایان هر ماه",
    "منقضی تا آن ماه",
    "خرج‌شده تا آن ماه",
    "کوپن‌ها به تفکیک کمپین",
    "کمپین",
    "استفاده",
    "تخفیف",
    "برگشت‌خورده",
    "خرج امتیاز بدون اتصال (سهمیهٔ آفلاین)",
    "صندوق",
    "امتیاز",
    "اعضای بدهکار",
    "بدون شعبه",
    "هنوز داده‌ای نیست",
    "مبالغ به کوچک‌ترین واحد پول برنامه",
    "بهترین اعضا",
    "شناسه عضو",
    "نام",
    "خرید",
    "مبلغ خالص",
    "اعضا به تفکیک شعبهٔ عضویت و ماه",
    "عضو جدید",
    "خریدار",
    "خرید تکراری",
    "اعضای فعال در هر سطح",
    "سطح",
    "بدون سطح",
    "گروه‌های RFM (خرید یک سال اخیر)",
    "گروه",
    {"فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن",
     "اسفند"}};

constexpr Words kEnglish{"Loyalty dashboard: every branch",
                         "The chain's reports from the authority, by branch and Jalali month",
                         "Sales",
                         "Revenue",
                         "Points held by members",
                         "Branches",
                         "Sales by branch and month",
                         "Branch",
                         "Month",
                         "Sales",
                         "Members",
                         "Total",
                         "Refunded",
                         "Points earned",
                         "Points redeemed",
                         "Points by branch and month",
                         "Reversed",
                         "Expired",
                         "Adjusted",
                         "Points liability at each month's end",
                         "Expired to date",
                         "Redeemed to date",
                         "Coupons by campaign",
                         "Campaign",
                         "Uses",
                         "Discount",
                         "Given back",
                         "Points spent offline (within tills' allowances)",
                         "Till",
                         "Points",
                         "Members in debt",
                         "No branch",
                         "No data yet",
                         "Amounts in the programme's minor units",
                         "Top members",
                         "Member",
                         "Name",
                         "Purchases",
                         "Net spend",
                         "Members by joining branch and month",
                         "Enrolled",
                         "Buying",
                         "Buying again",
                         "Active members per tier",
                         "Tier",
                         "No tier yet",
                         "RFM groups (the last year's purchases)",
                         "Group",
                         {"Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar",
                          "Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand"}};

// Digits as the page's language writes them: Persian digits and the Arabic thousands separator
// (U+066C), or ASCII with commas.
std::string localise(const std::string& ascii, bool fa) {
    if (!fa) return ascii;
    static const char* digits[] = {"۰", "۱", "۲", "۳", "۴", "۵", "۶", "۷", "۸", "۹"};
    std::string out;
    for (const char ch : ascii) {
        if (ch >= '0' && ch <= '9')
            out += digits[ch - '0'];
        else if (ch == ',')
            out += "٬";
        else if (ch == '-')
            out += "−";
        else
            out += ch;
    }
    return out;
}

std::string number(const char* text, bool fa) {
    const std::string s = text;
    const bool negative = !s.empty() && s[0] == '-';
    const std::string digits = negative ? s.substr(1) : s;
    std::string grouped;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
        grouped += digits[i];
    }
    return localise((negative ? "-" : "") + grouped, fa);
}

// "1405-09" as "آذر ۱۴۰۵" or "Azar 1405".
std::string month(const char* text, const Words& w, bool fa) {
    const std::string s = text;
    const int m = s.size() == 7 ? std::atoi(s.c_str() + 5) : 0;
    if (m < 1 || m > 12) return loyalty::html_escape(s);
    return std::string(w.months[m - 1]) + " " + localise(s.substr(0, 4), fa);
}

// An RFM group's name in the page's language.
std::string group(const char* name, bool fa) {
    const std::string g = name;
    for (std::size_t i = 0; fa && i < std::size(loyalty::segments::kRfmGroups); ++i)
        if (g == loyalty::segments::kRfmGroups[i]) return loyalty::segments::kRfmGroupsFa[i];
    return loyalty::html_escape(g);
}

enum class Cell { Text, Number, Month, Branch, Tier, Group };

// One report as a table: its columns' headings and kinds, the query's columns in order; `args`:
// the query's parameters.
void table(std::string& out, PGconn* conn, const std::vector<std::string>& args, const Words& w,
           bool fa, const char* heading, const char* sql, const std::vector<const char*>& headings,
           const std::vector<Cell>& kinds) {
    const Result r = loyalty::sync::call(conn, sql, args);
    out += "<section><h2>";
    out += heading;
    out += "</h2>";
    if (r.rows() == 0) {
        out += "<p class=\"empty\">";
        out += w.no_data;
        out += "</p></section>\n";
        return;
    }
    out += "<table><thead><tr>";
    for (const char* h : headings)
        out += std::string("<th>") + h + "</th>";
    out += "</tr></thead><tbody>\n";
    for (int i = 0; i < r.rows(); ++i) {
        out += "<tr>";
        for (std::size_t c = 0; c < kinds.size(); ++c) {
            const char* v = r.text(i, static_cast<int>(c));
            switch (kinds[c]) {
                case Cell::Number:
                    out += "<td class=\"n\">" + number(v, fa) + "</td>";
                    break;
                case Cell::Month:
                    out += "<td>" + month(v, w, fa) + "</td>";
                    break;
                case Cell::Branch:
                    out += "<td>" + (*v ? loyalty::html_escape(v) : std::string(w.no_branch)) +
                           "</td>";
                    break;
                case Cell::Tier:
                    out +=
                        "<td>" + (*v ? loyalty::html_escape(v) : std::string(w.no_tier)) + "</td>";
                    break;
                case Cell::Group:
                    out += "<td>" + group(v, fa) + "</td>";
                    break;
                case Cell::Text:
                    out += "<td>" + loyalty::html_escape(v) + "</td>";
                    break;
            }
        }
        out += "</tr>\n";
    }
    out += "</tbody></table></section>\n";
}

std::string dashboard(PGconn* conn, int offset_minutes, bool fa) {
    const Words& w = fa ? kPersian : kEnglish;
    const std::string offset = std::to_string(offset_minutes);
    std::string out = "<!DOCTYPE html>\n<html lang=\"";
    out += fa ? "fa\" dir=\"rtl\">" : "en\" dir=\"ltr\">";
    out += "<head><meta charset=\"utf-8\"><title>";
    out += w.title;
    out +=
        "</title><style>body{font-family:Vazirmatn,Tahoma,sans-serif;margin:2em;color:#222}"
        "h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em}"
        ".cards{display:flex;gap:1em;flex-wrap:wrap}.card{border:1px solid #ccc;"
        "border-radius:6px;padding:.8em 1.2em}.card b{display:block;font-size:1.4em}"
        "table{border-collapse:collapse}th,td{border:1px solid #ddd;padding:.3em .7em}"
        "th{background:#f3f3f3}td.n{text-align:end;font-variant-numeric:tabular-nums}"
        ".empty,.note{color:#777}</style></head><body>\n<h1>";
    out += w.title;
    out += "</h1><p class=\"note\">";
    out += w.lead;
    out += ". ";
    out += w.amounts;
    out += ".</p>\n";
    {
        const Result s = loyalty::sync::call(
            conn,
            "SELECT coalesce(sum(sales), 0), coalesce(sum(total), 0), count(DISTINCT branch) "
            "FROM loyalty.report_branches($1)",
            {offset});
        const Result l = loyalty::sync::call(
            conn,
            "SELECT coalesce((SELECT points_outstanding FROM loyalty.report_liability($1) "
            "ORDER BY month DESC LIMIT 1), 0)",
            {offset});
        auto card = [&](const char* label, const char* value) {
            out += std::string("<div class=\"card\">") + label + "<b>" + number(value, fa) +
                   "</b></div>";
        };
        out += "<div class=\"cards\">";
        card(w.sales_total, s.text(0, 0));
        card(w.revenue, s.text(0, 1));
        card(w.outstanding, l.text(0, 0));
        card(w.branches_n, s.text(0, 2));
        out += "</div>\n";
    }
    using C = Cell;
    table(out, conn, {offset}, w, fa, w.by_branch,
          "SELECT branch, month, sales, members, total, refunded, points_earned, points_redeemed "
          "FROM loyalty.report_branches($1)",
          {w.branch, w.month, w.sales, w.members, w.total, w.refunded, w.earned, w.redeemed},
          {C::Branch, C::Month, C::Number, C::Number, C::Number, C::Number, C::Number, C::Number});
    table(out, conn, {offset}, w, fa, w.points,
          "SELECT branch, month, earned, reversed, redeemed, expired, adjusted "
          "FROM loyalty.report_points($1)",
          {w.branch, w.month, w.earned, w.reversed, w.redeemed, w.expired, w.adjusted},
          {C::Branch, C::Month, C::Number, C::Number, C::Number, C::Number, C::Number});
    table(out, conn, {offset}, w, fa, w.liability,
          "SELECT month, points_outstanding, expired_to_date, redeemed_to_date "
          "FROM loyalty.report_liability($1)",
          {w.month, w.outstanding, w.expired_to_date, w.redeemed_to_date},
          {C::Month, C::Number, C::Number, C::Number});
    table(out, conn, {offset}, w, fa, w.campaigns,
          "SELECT campaign, branch, month, uses, discount, given_back "
          "FROM loyalty.report_campaigns($1)",
          {w.campaign, w.branch, w.month, w.uses, w.discount, w.given_back},
          {C::Text, C::Branch, C::Month, C::Number, C::Number, C::Number});
    table(out, conn, {offset}, w, fa, w.offline,
          "SELECT till, month, sales, points, members_in_debt "
          "FROM loyalty.report_offline_spends($1)",
          {w.till, w.month, w.sales, w.spent, w.in_debt},
          {C::Text, C::Month, C::Number, C::Number, C::Number});
    table(out, conn, {offset}, w, fa, w.members_by,
          "SELECT branch, month, enrolled, buying, repeat FROM loyalty.report_members($1)",
          {w.branch, w.month, w.enrolled, w.buying, w.repeat},
          {C::Branch, C::Month, C::Number, C::Number, C::Number});
    table(out, conn, {}, w, fa, w.tiers, "SELECT tier, members FROM loyalty.report_tiers()",
          {w.tier, w.members}, {C::Tier, C::Number});
    table(out, conn, {offset}, w, fa, w.rfm,
          "SELECT rfm_group, members, spend FROM loyalty.report_rfm("
          "(extract(epoch FROM now()) * 1000)::bigint, $1, 365)",
          {w.rfm_group, w.members, w.spend}, {C::Group, C::Number, C::Number});
    table(out, conn, {"20"}, w, fa, w.top,
          "SELECT member_uid, name, purchases, spend, points FROM loyalty.report_top_members($1)",
          {w.member, w.name, w.purchases, w.spend, w.outstanding},
          {C::Text, C::Text, C::Number, C::Number, C::Number});
    out += "</body></html>\n";
    return out;
}

}  // namespace

extern "C" {

int32_t loy_sync_dashboard_html(const char* conninfo, int32_t utc_offset_minutes,
                                const char* language, char* buf, size_t capacity,
                                size_t* out_needed, loy_error* err) {
    if (out_needed) *out_needed = 0;
    if (buf && capacity) buf[0] = '\0';
    return guard(err, [&] {
        if (!conninfo || !*conninfo)
            throw Failure{LOY_ERR_INVALID_ARGUMENT,
                          "a conninfo (libpq connection string) is "
                          "required"};
        if (utc_offset_minutes < -720 || utc_offset_minutes > 840)
            throw Failure{LOY_ERR_INVALID_ARGUMENT,
                          "utc_offset_minutes must be -720 to 840 (210 for Tehran)"};
        const std::string lang = language ? language : "fa";
        if (lang != "fa" && lang != "en")
            throw Failure{LOY_ERR_INVALID_ARGUMENT, "language must be \"fa\" or \"en\""};
        if (!buf && capacity) throw Failure{LOY_ERR_INVALID_ARGUMENT, "buf is NULL"};
        PGconn* conn = loyalty::sync::connect(conninfo, 10);
        std::string page;
        try {
            page = dashboard(conn, utc_offset_minutes, lang == "fa");
        } catch (...) {
            PQfinish(conn);
            throw;
        }
        PQfinish(conn);
        if (out_needed) *out_needed = page.size();
        if (buf && capacity) std::snprintf(buf, capacity, "%s", page.c_str());
    });
}

}  // extern "C"
