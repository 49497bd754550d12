// Member import from CSV text: every row checked, all or nothing (docs/reports.md, "Member
// import").
#include <algorithm>
#include <cstdio>
#include <iterator>
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

// RFC 4180 CSV, read a record at a time: fields separated by commas, optionally quoted with "",
// "" inside quotes is a quote; CRLF or LF line ends; blank lines skipped. A record's fields reuse
// the strings of the one before (an import of a hundred thousand rows holds one row at a time).
class CsvReader {
  public:
    explicit CsvReader(std::string_view text) : text_(text) {
        if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // a spreadsheet's byte order mark
    }

    // The next record into `row` (or only past it, when `row` is null); false at the end. Throws
    // on an unterminated quote.
    bool next(std::vector<std::string>* row) {
        std::size_t n = 0;
        bool quoted = false, any = false;
        std::string* field = begin_field(row, n);
        for (; pos_ < text_.size(); ++pos_) {
            const char ch = text_[pos_];
            if (quoted) {
                if (ch == '"') {
                    if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
                        append(field, '"');
                        ++pos_;
                    } else {
                        quoted = false;
                    }
                } else {
                    append(field, ch);
                }
                continue;
            }
            if (ch == '"' && field_empty_) {
                quoted = any = true;
            } else if (ch == ',') {
                field = begin_field(row, ++n);
                any = true;
            } else if (ch == '\n' || ch == '\r') {
                if (ch == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ++pos_;
                if (any || !field_empty_) {
                    ++pos_;
                    return end_record(row, n + 1);
                }
                field = begin_field(row, n = 0);  // a blank line
            } else {
                append(field, ch);
                any = true;
            }
        }
        if (quoted) throw Error(Status::InvalidArgument, "CSV: a quoted field is not closed");
        if (any || !field_empty_) return end_record(row, n + 1);
        return false;
    }

  private:
    std::string* begin_field(std::vector<std::string>* row, std::size_t n) {
        field_empty_ = true;
        if (!row) return nullptr;
        if (row->size() <= n) row->resize(n + 1);
        (*row)[n].clear();
        return &(*row)[n];
    }
    void append(std::string* field, char ch) {
        field_empty_ = false;
        if (field) field->push_back(ch);
    }
    static bool end_record(std::vector<std::string>* row, std::size_t fields) {
        if (row) row->resize(fields);
        return true;
    }

    std::string_view text_;
    std::size_t pos_ = 0;
    bool field_empty_ = true;
};

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

// The columns an import knows, in the order of kColumns.
enum class Column {
    Phone,
    Card,
    Name,
    Email,
    Gender,
    Language,
    Branch,
    Referrer,
    Tags,
    BirthYear,
    BirthMonth,
    BirthDay,
    BirthDate,
    ConsentSms,
    ConsentEmail,
    ConsentPush
};
constexpr const char* kColumns[] = {"phone",      "card",        "name",          "email",
                                    "gender",     "language",    "branch",        "referrer",
                                    "tags",       "birth_year",  "birth_month",   "birth_day",
                                    "birth_date", "consent_sms", "consent_email", "consent_push"};

static_assert(std::size(kColumns) == static_cast<std::size_t>(Column::ConsentPush) + 1);

// A row's fields as a member's. `at` is left at the field being read when one is refused (the
// error names its column), and past the last field when all are read.
MemberFields row_fields(const std::vector<std::string>& header, const std::vector<Column>& kinds,
                        const std::vector<std::string>& row, std::size_t& at) {
    MemberFields f;
    at = header.size();
    if (row.size() != header.size())
        throw Error(Status::InvalidArgument, "the row has " + std::to_string(row.size()) +
                                                 " fields, the header " +
                                                 std::to_string(header.size()));
    for (at = 0; at < header.size(); ++at) {
        const std::string& h = header[at];
        const std::string& v = row[at];
        text::check_field(h, v, 500);
        switch (kinds[at]) {
            case Column::Phone:
                f.phone = v;
                break;
            case Column::Card:
                f.card = v;
                break;
            case Column::Name:
                f.name = v;
                break;
            case Column::Email:
                f.email = v;
                break;
            case Column::Gender:
                f.gender = v;
                break;
            case Column::Language:
                f.language = v;
                break;
            case Column::Branch:
                f.branch = v;
                break;
            case Column::Referrer:
                f.referrer = v;
                break;
            case Column::Tags:
                f.tags = text::parse_tags(v);
                break;
            case Column::BirthYear:
                f.birth_year = whole(v, h);
                break;
            case Column::BirthMonth:
                f.birth_month = whole(v, h);
                break;
            case Column::BirthDay:
                f.birth_day = whole(v, h);
                break;
            case Column::BirthDate: {
                if (v.empty()) break;
                int y = 0, m = 0, d = 0;
                char tail = 0;
                if (v.size() != 10 ||
                    std::sscanf(v.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
                    throw Error(Status::InvalidArgument, "birth_date must be YYYY-MM-DD");
                f.birth_year = y;
                f.birth_month = m;
                f.birth_day = d;
                break;
            }
            case Column::ConsentSms:
                f.consent_sms = yes_no(v, h);
                break;
            case Column::ConsentEmail:
                f.consent_email = yes_no(v, h);
                break;
            case Column::ConsentPush:
                f.consent_push = yes_no(v, h);
                break;
        }
    }
    return f;
}

}  // namespace

ImportResult Database::import_members_csv(
    const std::string& csv, bool dry_run,
    const std::function<void(std::int64_t, std::int64_t)>& progress) {
    if (!text::is_valid_utf8(csv)) throw Error(Status::InvalidUtf8, "the CSV is not valid UTF-8");
    std::vector<std::string> first;
    CsvReader reader(csv);
    if (!reader.next(&first)) throw Error(Status::InvalidArgument, "the CSV has no header line");
    std::int64_t records = 0;  // the rows under the header, counted (and the quoting checked)
    for (CsvReader count = reader; count.next(nullptr);)
        ++records;
    std::vector<std::string> header;
    std::vector<Column> kinds;
    for (const auto& h0 : first) {
        std::string h = text::ascii_lower(h0);
        h.erase(0, h.find_first_not_of(' '));
        h.erase(h.find_last_not_of(' ') + 1);
        const auto known = std::find_if(std::begin(kColumns), std::end(kColumns),
                                        [&h](const char* k) { return h == k; });
        if (known == std::end(kColumns))
            throw Error(Status::InvalidArgument,
                        "CSV header: unknown column '" + h0 +
                            "' (known: phone card name email gender language branch referrer "
                            "tags birth_date birth_year birth_month birth_day consent_sms "
                            "consent_email consent_push)");
        if (std::find(header.begin(), header.end(), h) != header.end())
            throw Error(Status::InvalidArgument, "CSV header: column '" + h + "' appears twice");
        header.push_back(h);
        kinds.push_back(static_cast<Column>(known - std::begin(kColumns)));
    }
    ImportResult r;
    r.rows = records;
    r.errors.columns = {"row", "column", "status", "message"};
    // A row is checked before it writes anything, so a row its checks refuse leaves nothing to
    // undo and the rows after it are checked against exactly the rows before it. Rows therefore
    // run without a savepoint each (one would copy every page a row changes first: a tenth of
    // an import's time). A row that fails once it has written fails the whole import.
    storage::Access::run(*this, true, [&](Session& s) {
        std::vector<std::string> row;
        for (std::int64_t i = 1; reader.next(&row); ++i) {
            std::size_t at = header.size();
            const std::int64_t written = s.c.total_changes();
            try {
                MemberFields f = row_fields(header, kinds, row, at);
                s.enrol(f);
            } catch (const Error& e) {
                // A failure of the machine (memory, disk, lock) fails the whole import: SQLite
                // may already have rolled the transaction back.
                if (is_transient(e.status()) || e.status() == Status::Internal) throw;
                if (s.c.total_changes() != written)
                    throw Error(Status::Internal, "row " + std::to_string(i + 1) +
                                                      " failed after it was written: " + e.what());
                r.errors.rows.push_back({cell(i + 1),
                                         cell(at < header.size() ? header[at] : std::string()),
                                         cell(status_name(e.status())), cell(e.what())});
            }
            if (progress && (i % 500 == 0 || i == records)) progress(i, records);
        }
        const bool commit = !dry_run && r.errors.rows.empty();
        r.imported = commit ? r.rows : 0;
        return commit;
    });
    return r;
}

}  // namespace loyalty
