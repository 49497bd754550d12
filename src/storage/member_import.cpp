// Member import from CSV text: every row checked, all or nothing (docs/reports.md, "Member
// import").
#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "loyalty/database.hpp"
#include "storage/access.hpp"
#include "storage/report_kit.hpp"
#include "text.hpp"

namespace loyalty {

using report_kit::cell;
using storage::Session;

namespace {

// RFC 4180 CSV: fields separated by commas, optionally quoted with "", "" inside quotes is a
// quote; CRLF or LF line ends. Throws on an unterminated quote.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string field;
    bool quoted = false, any = false;
    std::size_t i = 0;
    if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) i = 3;  // a spreadsheet's byte order mark
    for (; i < text.size(); ++i) {
        const char ch = text[i];
        if (quoted) {
            if (ch == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                field += ch;
            }
            continue;
        }
        if (ch == '"' && field.empty()) {
            quoted = any = true;
        } else if (ch == ',') {
            row.push_back(std::move(field));
            field.clear();
            any = true;
        } else if (ch == '\n' || ch == '\r') {
            if (ch == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
            if (any || !field.empty()) {
                row.push_back(std::move(field));
                rows.push_back(std::move(row));
            }
            row.clear();
            field.clear();
            any = false;
        } else {
            field += ch;
            any = true;
        }
    }
    if (quoted) throw Error(Status::InvalidArgument, "CSV: a quoted field is not closed");
    if (any || !field.empty()) {
        row.push_back(std::move(field));
        rows.push_back(std::move(row));
    }
    return rows;
}

std::optional<bool> yes_no(const std::string& v, const std::string& column) {
    const std::string l = text::ascii_lower(v);
    if (l.empty()) return std::nullopt;
    if (l == "1" || l == "yes" || l == "true" || l == "y") return true;
    if (l == "0" || l == "no" || l == "false" || l == "n") return false;
    throw Error(Status::InvalidArgument, column + " must be yes/no, true/false or 1/0");
}

std::optional<int> whole(const std::string& v, const std::string& column) {
    if (v.empty()) return std::nullopt;
    if (v.size() > 6 ||
        !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }))
        throw Error(Status::InvalidArgument, column + " must be a whole number");
    return std::stoi(v);
}

MemberFields row_fields(const std::vector<std::string>& header, const std::vector<std::string>& row,
                        std::string& column) {
    MemberFields f;
    if (row.size() != header.size())
        throw Error(Status::InvalidArgument, "the row has " + std::to_string(row.size()) +
                                                 " fields, the header " +
                                                 std::to_string(header.size()));
    for (std::size_t i = 0; i < header.size(); ++i) {
        column = header[i];
        const std::string& v = row[i];
        text::check_field(column, v, 500);
        const std::string& h = header[i];
        if (h == "phone")
            f.phone = v;
        else if (h == "card")
            f.card = v;
        else if (h == "name")
            f.name = v;
        else if (h == "email")
            f.email = v;
        else if (h == "gender")
            f.gender = v;
        else if (h == "language")
            f.language = v;
        else if (h == "branch")
            f.branch = v;
        else if (h == "referrer")
            f.referrer = v;
        else if (h == "tags")
            f.tags = text::parse_tags(v);
        else if (h == "birth_year")
            f.birth_year = whole(v, h);
        else if (h == "birth_month")
            f.birth_month = whole(v, h);
        else if (h == "birth_day")
            f.birth_day = whole(v, h);
        else if (h == "birth_date") {
            if (v.empty()) continue;
            int y = 0, m = 0, d = 0;
            char tail = 0;
            if (v.size() != 10 || std::sscanf(v.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
                throw Error(Status::InvalidArgument, "birth_date must be YYYY-MM-DD");
            f.birth_year = y;
            f.birth_month = m;
            f.birth_day = d;
        } else if (h == "consent_sms")
            f.consent_sms = yes_no(v, h);
        else if (h == "consent_email")
            f.consent_email = yes_no(v, h);
        else if (h == "consent_push")
            f.consent_push = yes_no(v, h);
    }
    column.clear();
    return f;
}

}  // namespace

ImportResult Database::import_members_csv(
    const std::string& csv, bool dry_run,
    const std::function<void(std::int64_t, std::int64_t)>& progress) {
    if (!text::is_valid_utf8(csv)) throw Error(Status::InvalidUtf8, "the CSV is not valid UTF-8");
    const auto rows = parse_csv(csv);
    if (rows.empty()) throw Error(Status::InvalidArgument, "the CSV has no header line");
    static const char* const kColumns[] = {
        "phone",      "card",        "name",          "email",       "gender",      "language",
        "branch",     "referrer",    "tags",          "birth_year",  "birth_month", "birth_day",
        "birth_date", "consent_sms", "consent_email", "consent_push"};
    std::vector<std::string> header;
    for (const auto& h0 : rows[0]) {
        std::string h = text::ascii_lower(h0);
        h.erase(0, h.find_first_not_of(' '));
        h.erase(h.find_last_not_of(' ') + 1);
        if (std::find(std::begin(kColumns), std::end(kColumns), h) == std::end(kColumns))
            throw Error(Status::InvalidArgument,
                        "CSV header: unknown column '" + h0 +
                            "' (known: phone card name email gender language branch referrer "
                            "tags birth_date birth_year birth_month birth_day consent_sms "
                            "consent_email consent_push)");
        if (std::find(header.begin(), header.end(), h) != header.end())
            throw Error(Status::InvalidArgument, "CSV header: column '" + h + "' appears twice");
        header.push_back(h);
    }
    ImportResult r;
    r.rows = static_cast<std::int64_t>(rows.size()) - 1;
    r.errors.columns = {"row", "column", "status", "message"};
    // A row is checked before it writes anything, so a row its checks refuse leaves nothing to
    // undo and the rows after it are checked against exactly the rows before it. Rows therefore
    // run without a savepoint each (one would copy every page a row changes first: a tenth of
    // an import's time). A row that fails once it has written fails the whole import.
    storage::Access::run(*this, true, [&](Session& s) {
        for (std::size_t i = 1; i < rows.size(); ++i) {
            std::string column;
            const std::int64_t written = s.c.total_changes();
            try {
                MemberFields f = row_fields(header, rows[i], column);
                s.enrol(f);
            } catch (const Error& e) {
                // A failure of the machine (memory, disk, lock) fails the whole import: SQLite
                // may already have rolled the transaction back.
                if (is_transient(e.status()) || e.status() == Status::Internal) throw;
                if (s.c.total_changes() != written)
                    throw Error(Status::Internal, "row " + std::to_string(i + 1) +
                                                      " failed after it was written: " + e.what());
                r.errors.rows.push_back({cell(static_cast<std::int64_t>(i + 1)), cell(column),
                                         cell(status_name(e.status())), cell(e.what())});
            }
            if (progress && (i % 500 == 0 || i + 1 == rows.size()))
                progress(static_cast<std::int64_t>(i), r.rows);
        }
        const bool commit = !dry_run && r.errors.rows.empty();
        r.imported = commit ? r.rows : 0;
        return commit;
    });
    return r;
}

}  // namespace loyalty
