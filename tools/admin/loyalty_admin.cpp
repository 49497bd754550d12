// loyalty-admin: the back-office tool for managers and integrators (docs/reports.md).
//
//   loyalty-admin init club.db --currency IRT --programme programme.json
//   loyalty-admin report club.db sales --group month --calendar jalali --format csv
//   loyalty-admin members import club.db members.csv
//   loyalty-admin member show club.db 09121234567
//   loyalty-admin member export club.db 09121234567 --out request-1405-09.json
//   loyalty-admin dashboard club.db --out dashboard.html
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "calendar.hpp"
#include "dates.hpp"
#include "platform.hpp"
#include "loyalty/loyalty.h"
#include "loyalty/loyalty.hpp"

using namespace loyalty;

namespace {

struct Common {
    std::string db;
    std::string at;  // "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM": the clock, in the programme's zone
    std::string currency = "IRR";
    int exponent = -1;  // the currency's exponent, for a currency a new file does not know
};

struct ProgrammeInfo {
    int offset = 210;
    std::string language = "en";
    std::string currency = "IRR";
};

ProgrammeInfo programme_info(Database& db) {
    ProgrammeInfo p;
    if (db.active_program_version() == 0) return p;
    auto j = nlohmann::json::parse(db.export_program());
    p.offset = j.value("utc_offset_minutes", 210);
    p.language = j.value("language", "en");
    p.currency = j.value("currency", "IRR");
    return p;
}

// A typed date or time in the programme's zone -> epoch ms; "" -> 0 (tools/admin/dates.hpp).
std::int64_t parse_time(const std::string& s, int offset) {
    return admin::parse_local_time(s, offset);
}

std::string format_time(std::int64_t ms, int offset) {
    if (ms == 0) return "";
    const std::int64_t day = cal::local_day(ms, offset);
    const cal::Date d = cal::civil_from_days(day);
    const std::int64_t minute = (ms - cal::local_midnight(day, offset)) / 60000;
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02lld:%02lld", d.year, d.month, d.day,
                  static_cast<long long>(minute / 60), static_cast<long long>(minute % 60));
    return buf;
}

std::unique_ptr<Database> open(const Common& c, bool read_only = false) {
    OpenOptions o;
    o.path = c.db;
    o.default_currency = c.currency;
    o.default_currency_exponent = c.exponent;
    o.read_only = read_only;
    auto db = Database::open(o);
    if (!c.at.empty()) db->set_clock(parse_time(c.at, programme_info(*db).offset));
    return db;
}

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string out = "\"";
    for (char ch : s)
        out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return out + "\"";
}

// UTF-8 code points, for aligning Persian text in a terminal table.
std::size_t width(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char ch : s)
        n += (ch & 0xC0) != 0x80;
    return n;
}

void print_table(const Table& t, const std::string& format, std::ostream& out) {
    if (format == "csv") {
        for (std::size_t c = 0; c < t.columns.size(); ++c)
            out << (c ? "," : "") << csv_field(t.columns[c]);
        out << "\n";
        for (const auto& r : t.rows) {
            for (std::size_t c = 0; c < r.size(); ++c)
                out << (c ? "," : "") << csv_field(r[c].text);
            out << "\n";
        }
        return;
    }
    if (format == "json") {
        nlohmann::json rows = nlohmann::json::array();
        for (const auto& r : t.rows) {
            nlohmann::json o = nlohmann::json::object();
            for (std::size_t c = 0; c < r.size(); ++c) {
                const bool integer = r[c].numeric && r[c].text == std::to_string(r[c].number);
                if (integer)
                    o[t.columns[c]] = r[c].number;
                else
                    o[t.columns[c]] = r[c].text;
            }
            rows.push_back(o);
        }
        out << rows.dump(2) << "\n";
        return;
    }
    std::vector<std::size_t> w(t.columns.size());
    for (std::size_t c = 0; c < t.columns.size(); ++c)
        w[c] = width(t.columns[c]);
    for (const auto& r : t.rows)
        for (std::size_t c = 0; c < r.size(); ++c)
            w[c] = std::max(w[c], width(r[c].text));
    auto line = [&](const std::vector<std::string>& cells, const std::vector<bool>& right) {
        for (std::size_t c = 0; c < cells.size(); ++c) {
            const std::string pad(w[c] - width(cells[c]), ' ');
            out << (c ? "  " : "") << (right[c] ? pad + cells[c] : cells[c] + pad);
        }
        out << "\n";
    };
    line(t.columns, std::vector<bool>(t.columns.size(), false));
    std::string rule;
    for (std::size_t c = 0; c < w.size(); ++c)
        rule += (c ? "  " : "") + std::string(w[c], '-');
    out << rule << "\n";
    for (const auto& r : t.rows) {
        std::vector<std::string> cells;
        std::vector<bool> right;
        for (const auto& cell : r) {
            cells.push_back(cell.text);
            right.push_back(cell.numeric);
        }
        line(cells, right);
    }
}

void progress_line(const char* what, std::int64_t done, std::int64_t total) {
    std::fprintf(stderr, "\r%s: %lld / %lld", what, static_cast<long long>(done),
                 static_cast<long long>(total));
    if (done >= total) std::fputc('\n', stderr);
    std::fflush(stderr);
}

std::string read_file(const std::string& path) {
    return platform::read_file(path, "file");
}

struct ReportArgs {
    std::string from, to, branch, group = "none", calendar, format = "table";
    int limit = 20;
};

void add_report_options(CLI::App* app, ReportArgs& r) {
    app->add_option("--from", r.from,
                    "first day (YYYY-MM-DD or Jalali 1405-09-01, the programme's zone)");
    app->add_option("--to", r.to, "day after the last (YYYY-MM-DD)");
    app->add_option("--branch", r.branch, "one branch only");
    app->add_option("--group", r.group, "none, day, week or month")
        ->check(CLI::IsMember({"none", "day", "week", "month"}));
    app->add_option("--calendar", r.calendar,
                    "gregorian or jalali (default: jalali when the programme is in Persian)")
        ->check(CLI::IsMember({"gregorian", "jalali"}));
    app->add_option("--limit", r.limit, "rows of ranked reports");
}

ReportOptions report_options(const ReportArgs& a, const ProgrammeInfo& p) {
    ReportOptions o;
    o.from_ms = parse_time(a.from, p.offset);
    o.to_ms = parse_time(a.to, p.offset);
    o.branch = a.branch;
    o.group = a.group == "day"     ? Grouping::Day
              : a.group == "week"  ? Grouping::Week
              : a.group == "month" ? Grouping::Month
                                   : Grouping::None;
    const std::string cal =
        a.calendar.empty() ? (p.language == "fa" ? "jalali" : "gregorian") : a.calendar;
    o.calendar = cal == "jalali" ? CalendarKind::Jalali : CalendarKind::Gregorian;
    o.limit = a.limit;
    return o;
}

// A member id, else a phone number or card code (a phone typed without its 0 is all digits too).
Member find_member(Database& db, const std::string& who) {
    const bool digits = !who.empty() && who.size() < 19 &&
                        who.find_first_not_of("0123456789") == std::string::npos &&
                        who.front() != '0';
    if (digits) {
        try {
            return db.member(std::stoll(who));
        } catch (const Error& e) {
            if (e.status() != Status::NotFound) throw;
        }
    }
    return db.identify(who);
}

void show_member(Database& db, const std::string& who, const ProgrammeInfo& p) {
    const Member m = find_member(db, who);
    static const char* const kStatus[] = {"active", "inactive", "erased", "merged"};
    std::cout << "Member #" << m.id << "  " << m.name << "  ("
              << kStatus[static_cast<int>(m.status)] << ")\n"
              << "  phone " << m.phone << "  card " << m.card << "  email " << m.email << "\n"
              << "  joined " << format_time(m.created_at, p.offset) << " at "
              << (m.branch.empty() ? "-" : m.branch) << "  tags " << m.tags_text << "  language "
              << m.language << "\n"
              << "  consent: sms " << m.consent_sms << ", email " << m.consent_email << ", push "
              << m.consent_push << "\n\n"
              << "Points: balance " << m.balance << ", available " << m.available << ", pending "
              << m.pending << ", earned in all " << m.lifetime_earned << "\n"
              << "Wallet: " << m.wallet_balance << " " << p.currency << "\n";
    for (int days : {30, 90}) {
        auto [pts, next] = db.expiring(m.id, db.now() + days * 86400000LL);
        std::cout << "  expiring within " << days << " days: " << pts << " points"
                  << (next ? " (next lot expires " + format_time(next, p.offset) + ")" : "")
                  << "\n";
    }
    const TierStatus ts = db.tier_status(m.id);
    if (!ts.tier.empty()) {
        std::cout << "\nTier: " << ts.tier_name << " since " << format_time(ts.since, p.offset)
                  << ", score " << ts.score;
        if (!ts.progress.empty()) std::cout << "; " << ts.progress;
        if (!ts.plan.empty())
            std::cout << "\n  plan " << ts.plan << " until "
                      << format_time(ts.plan_ends_at, p.offset);
        std::cout << "\n";
    }
    auto section = [&](const char* title, Table t, std::initializer_list<const char*> times) {
        std::cout << "\n" << title << ":\n";
        for (auto& r : t.rows)
            for (std::size_t c = 0; c < t.columns.size(); ++c)
                for (const char* tc : times)
                    if (t.columns[c] == tc) r[c].text = format_time(r[c].number, p.offset);
        if (t.rows.empty())
            std::cout << "  (none)\n";
        else
            print_table(t, "table", std::cout);
    };
    section("Last purchases", db.member_sales(m.id, 10), {"created_at"});
    section("Coupons", db.member_coupons(m.id), {"valid_until"});
    section("Segments", db.member_segments(m.id), {});
    section("Messages", db.member_messages(m.id, 10), {"created_at", "sent_at"});
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"loyalty-admin: the libloyalty back-office tool"};
    app.set_version_flag("--version", std::string("loyalty-admin ") + loy_version_string());
    app.require_subcommand(1);
    // Options are --long and -s on every platform: CLI11's Windows default would read a path
    // such as "/data/club.db" as an option named "data/club.db".
    app.allow_windows_style_options(false);
    Common c;
    auto db_arg = [&](CLI::App* sub) {
        sub->add_option("database", c.db, "the database file")->required();
        sub->add_option(
            "--at", c.at,
            "run as if it were this local time (YYYY-MM-DD[THH:MM]; a Jalali year works too)");
        sub->add_option("--currency", c.currency, "default currency of a new database");
    };

    auto* init = app.add_subcommand("init", "create a database (and load a programme)");
    db_arg(init);
    init->add_option("--exponent", c.exponent,
                     "decimal places of --currency when the file does not know it (INR 2, JPY 0)")
        ->check(CLI::Range(0, 9));
    std::string programme_file;
    init->add_option("--programme", programme_file, "programme JSON file to load");

    auto* prog = app.add_subcommand("programme", "load or export the programme");
    prog->require_subcommand(1);
    auto* prog_load = prog->add_subcommand("load", "load a programme file (a new version)");
    db_arg(prog_load);
    prog_load->add_option("file", programme_file, "programme JSON")->required();
    auto* prog_export = prog->add_subcommand("export", "print the programme's JSON");
    db_arg(prog_export);
    std::int64_t version = 0;
    prog_export->add_option("--version", version, "a version (default: the active one)");

    auto* members = app.add_subcommand("members", "import members");
    members->require_subcommand(1);
    auto* import = members->add_subcommand("import", "import members from CSV (all or nothing)");
    db_arg(import);
    std::string csv_file;
    bool dry_run = false;
    import->add_option("file", csv_file, "CSV with a header line")->required();
    import->add_flag("--dry-run", dry_run, "check every row, write nothing");

    auto* member = app.add_subcommand("member", "a member's full picture");
    member->require_subcommand(1);
    auto* show = member->add_subcommand("show",
                                        "balance, expiry, tier, purchases, coupons, "
                                        "segments, messages");
    db_arg(show);
    std::string who;
    show->add_option("member", who, "member id, phone or card")->required();
    auto* exp = member->add_subcommand(
        "export", "everything held about a member, as JSON (for an access request)");
    db_arg(exp);
    std::string export_file;
    exp->add_option("member", who, "member id, phone or card")->required();
    exp->add_option("--out", export_file, "write to this file instead of standard output");

    auto* list = app.add_subcommand("reports", "list the reports");

    auto* report = app.add_subcommand("report", "run a report");
    db_arg(report);
    std::string report_name;
    ReportArgs ra;
    report->add_option("name", report_name, "report name (see: loyalty-admin reports)")->required();
    add_report_options(report, ra);
    report->add_option("--format", ra.format, "table, csv or json")
        ->check(CLI::IsMember({"table", "csv", "json"}));

    auto* expire = app.add_subcommand("expire", "run the points expiry sweep");
    db_arg(expire);
    auto* tiers = app.add_subcommand("tiers", "tier review");
    tiers->require_subcommand(1);
    auto* review = tiers->add_subcommand("review", "upgrade, mark at risk, downgrade");
    db_arg(review);

    auto* segs = app.add_subcommand("segments", "segments and their sizes");
    db_arg(segs);
    std::string format = "table";
    segs->add_option("--format", format, "table, csv or json")
        ->check(CLI::IsMember({"table", "csv", "json"}));
    auto* seg = app.add_subcommand("segment", "export a segment's members");
    db_arg(seg);
    std::string segment_id;
    seg->add_option("segment", segment_id, "segment id (rfm:<group> or a custom id)")->required();
    seg->add_option("--format", format, "table, csv or json")
        ->check(CLI::IsMember({"table", "csv", "json"}));

    auto* camp = app.add_subcommand("campaign", "message campaigns");
    camp->require_subcommand(1);
    auto* send = camp->add_subcommand("send", "send a message campaign to its segment");
    db_arg(send);
    std::string campaign_id;
    send->add_option("campaign", campaign_id, "campaign id")->required();

    auto* outbox = app.add_subcommand("outbox", "the message outbox");
    outbox->require_subcommand(1);
    auto* drain = outbox->add_subcommand(
        "drain", "generate due messages, print them as JSON lines, acknowledge them as sent");
    db_arg(drain);
    bool no_ack = false;
    int drain_limit = 1000;
    drain->add_flag("--no-ack", no_ack, "print only; the messages stay due");
    drain->add_option("--limit", drain_limit, "at most this many");

    auto* dash = app.add_subcommand("dashboard", "write the HTML dashboard");
    db_arg(dash);
    std::string out_file;
    ReportArgs da;
    dash->add_option("--out", out_file, "HTML file to write")->required();
    add_report_options(dash, da);

    // UTF-8 arguments on every platform (a Persian file name on Windows included).
    std::vector<std::string> args = platform::utf8_arguments(argc, argv);
    std::vector<char*> arg_ptrs;
    for (auto& a : args)
        arg_ptrs.push_back(a.data());
    // Bad input never aborts: every refusal is a message and exit status 2 (0 for --help and
    // --version), and nothing is opened or created before every date given has been checked.
    try {
        app.parse(static_cast<int>(arg_ptrs.size()), arg_ptrs.data());
    } catch (const CLI::ParseError& e) {
        const int rc = app.exit(e);
        return rc == 0 ? 0 : 2;
    }
    try {
        for (const std::string* d : {&c.at, &ra.from, &ra.to, &da.from, &da.to})
            if (!d->empty()) admin::parse_typed_time(*d);
    } catch (const admin::BadDate& e) {
        std::cerr << "loyalty-admin: " << e.what() << "\n";
        return 2;
    }
    try {
        if (*list) {
            for (const auto& r : report_catalogue())
                std::cout << r.name
                          << std::string(16 - std::min<std::size_t>(15, r.name.size()), ' ')
                          << (r.periodic ? "[by period]  " : "             ") << r.description
                          << "\n";
            return 0;
        }
        if (*init) {
            // All or nothing: a database this command created is removed again when the
            // programme cannot be loaded into it.
            const bool existed = platform::path_kind(c.db) != platform::PathKind::Missing;
            try {
                auto db = open(c);
                if (!programme_file.empty()) {
                    const std::int64_t v = db->load_program(read_file(programme_file));
                    std::cout << "programme version " << v << " loaded\n";
                }
            } catch (...) {
                if (!existed) platform::remove_database_files(c.db);
                throw;
            }
            std::cout << "database " << c.db << " ready\n";
            return 0;
        }
        if (*prog_load) {
            auto db = open(c);
            const std::int64_t v = db->load_program(read_file(programme_file));
            std::cout << "programme version " << v << " active\n";
            return 0;
        }
        if (*prog_export) {
            auto db = open(c, true);
            std::cout << db->export_program(version) << "\n";
            return 0;
        }
        if (*import) {
            auto db = open(c);
            const ImportResult r = db->import_members_csv(
                read_file(csv_file), dry_run,
                [](std::int64_t d, std::int64_t t) { progress_line("rows checked", d, t); });
            if (!r.errors.rows.empty()) {
                std::cerr << r.errors.rows.size() << " of " << r.rows
                          << " rows cannot be imported; nothing was written:\n";
                print_table(r.errors, "table", std::cerr);
                return 1;
            }
            std::cout << (dry_run ? "dry run: all " + std::to_string(r.rows) + " rows are valid\n"
                                  : "imported " + std::to_string(r.imported) + " members\n");
            return 0;
        }
        if (*show) {
            auto db = open(c, true);
            show_member(*db, who, programme_info(*db));
            return 0;
        }
        if (*exp) {
            auto db = open(c, true);
            const std::string json = db->member_export_json(find_member(*db, who).id) + "\n";
            if (export_file.empty()) {
                std::cout << json;
            } else {
                platform::write_file(export_file, json, "export");
                std::cerr << "member data written to " << export_file << " (" << json.size()
                          << " bytes)\n";
            }
            return 0;
        }
        if (*report) {
            auto db = open(c, true);
            const ProgrammeInfo p = programme_info(*db);
            print_table(db->report(report_name, report_options(ra, p)), ra.format, std::cout);
            return 0;
        }
        if (*expire) {
            auto db = open(c);
            const ExpireResult r = db->expire(
                0, [](std::int64_t d, std::int64_t t) { progress_line("lots expired", d, t); });
            std::cout << "expired " << r.points << " points in " << r.lots << " lots\n";
            return 0;
        }
        if (*review) {
            auto db = open(c);
            const ReviewResult r = db->review_tiers(
                0, [](std::int64_t d, std::int64_t t) { progress_line("members reviewed", d, t); });
            std::cout << "reviewed " << r.reviewed << ": " << r.upgraded << " up, " << r.downgraded
                      << " down, " << r.at_risk << " newly at risk\n";
            return 0;
        }
        if (*segs) {
            auto db = open(c, true);
            print_table(db->segments(), format, std::cout);
            return 0;
        }
        if (*seg) {
            auto db = open(c, true);
            print_table(db->segment_members(segment_id), format, std::cout);
            return 0;
        }
        if (*send) {
            auto db = open(c);
            const CampaignSendResult r = db->send_campaign(campaign_id);
            std::cout << "segment: " << r.targeted << " members; queued " << r.queued
                      << ", held out " << r.holdout << ", suppressed " << r.suppressed
                      << ", already sent " << r.already << "\n";
            return 0;
        }
        if (*drain) {
            auto db = open(c);
            const std::int64_t made = db->generate_messages();
            std::cerr << "generated " << made << " new messages\n";
            const Table t = db->fetch_messages(0, std::max(1, std::min(drain_limit, 1000)), 60000);
            for (const auto& r : t.rows) {
                nlohmann::json o = nlohmann::json::object();
                for (std::size_t i = 0; i < r.size(); ++i)
                    if (r[i].numeric)
                        o[t.columns[i]] = r[i].number;
                    else
                        o[t.columns[i]] = r[i].text;
                std::cout << o.dump() << "\n";
                if (!no_ack) db->acknowledge_message(r[0].number, Delivery::Sent, "", 0);
            }
            std::cerr << t.rows.size() << " messages " << (no_ack ? "printed" : "sent") << "\n";
            return 0;
        }
        if (*dash) {
            auto db = open(c, true);
            const std::string html = db->dashboard_html(report_options(da, programme_info(*db)));
            platform::write_file(out_file, html, "dashboard");
            std::cout << "dashboard written to " << out_file << " (" << html.size() << " bytes)\n";
            return 0;
        }
    } catch (const Error& e) {
        std::cerr << "loyalty-admin: " << status_name(e.status()) << ": " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {  // a bad date, a malformed JSON, anything else
        std::cerr << "loyalty-admin: " << e.what() << "\n";
        return 2;
    }
    return 0;
}
