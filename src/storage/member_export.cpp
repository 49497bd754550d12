// A member's data export: everything the file holds about one person, for an access request.
//
// Each section is the rows of one table that belong to the member or to a member merged into it
// (the same person), every column as stored, so nothing is left out when a column is added.
// Other people appear only as ids (a referred member, a referrer).
#include <nlohmann/json.hpp>

#include "loyalty/database.hpp"
#include "storage/access.hpp"
#include "storage/family.hpp"
#include "storage/sqlite.hpp"

namespace loyalty {

namespace {

using ordered_json = nlohmann::ordered_json;
using storage::Session;

struct Section {
    const char* name;
    const char* sql;  // ?1 = the member
};

const Section kSections[] = {
    {"merged_members", LOY_FAMILY "SELECT * FROM members WHERE id IN fam AND id <> ?1"},
    {"tags", LOY_FAMILY "SELECT * FROM member_tags WHERE member_id IN fam ORDER BY tag"},
    {"merges",
     LOY_FAMILY "SELECT * FROM merges WHERE survivor_id IN fam OR absorbed_id IN fam ORDER BY id"},
    {"referred_members",
     LOY_FAMILY "SELECT id, created_at FROM members WHERE referrer_id IN fam ORDER BY id"},
    {"sales", LOY_FAMILY
     "SELECT * FROM sales WHERE id IN (SELECT sale_id FROM member_sales WHERE member_id IN fam) "
     "ORDER BY id"},
    {"sale_lines", LOY_FAMILY "SELECT * FROM sale_lines WHERE sale_id IN (SELECT sale_id FROM "
                              "member_sales WHERE member_id IN fam) "
                              "ORDER BY sale_id, line_no"},
    {"sale_tenders", LOY_FAMILY "SELECT * FROM sale_tenders WHERE sale_id IN (SELECT sale_id FROM "
                                "member_sales WHERE member_id IN fam) "
                                "ORDER BY sale_id"},
    {"refunds", LOY_FAMILY "SELECT * FROM refunds WHERE sale_id IN (SELECT sale_id FROM "
                           "member_sales WHERE member_id IN fam) "
                           "ORDER BY id"},
    {"refund_lines", LOY_FAMILY
     "SELECT * FROM refund_lines WHERE refund_id IN (SELECT r.id FROM refunds r WHERE r.sale_id "
     "IN (SELECT sale_id FROM member_sales WHERE member_id IN fam)) ORDER BY refund_id, line_no"},
    {"ledger", LOY_FAMILY
     "SELECT * FROM ledger WHERE id IN (SELECT entry_id FROM member_entries WHERE member_id IN "
     "fam) ORDER BY id"},
    {"lots", LOY_FAMILY
     "SELECT l.*, COALESCE(o.remaining, 0) AS remaining FROM lots l LEFT JOIN lots_left o ON "
     "o.member_id = l.member_id AND o.id = l.id WHERE l.entry_id IN (SELECT entry_id FROM "
     "member_entries WHERE member_id IN fam) ORDER BY l.entry_id"},
    {"tier_events", LOY_FAMILY "SELECT * FROM tier_events WHERE member_id IN fam ORDER BY id"},
    {"subscriptions", LOY_FAMILY "SELECT * FROM subscriptions WHERE member_id IN fam ORDER BY id"},
    {"coupons", LOY_FAMILY "SELECT * FROM coupons WHERE member_id IN fam ORDER BY 1"},
    {"coupon_uses", LOY_FAMILY "SELECT * FROM coupon_uses WHERE member_id IN fam ORDER BY 1"},
    {"wallet_entries",
     LOY_FAMILY "SELECT * FROM wallet_entries WHERE member_id IN fam ORDER BY id"},
    {"reward_redemptions",
     LOY_FAMILY "SELECT * FROM reward_redemptions WHERE member_id IN fam ORDER BY id"},
    {"draw_tickets", LOY_FAMILY "SELECT * FROM draw_tickets WHERE member_id IN fam ORDER BY 1"},
    {"draw_wins", LOY_FAMILY "SELECT * FROM draw_winners WHERE member_id IN fam ORDER BY 1"},
    {"messages", LOY_FAMILY "SELECT * FROM outbox WHERE member_id IN fam ORDER BY id"},
};

ordered_json row_of(const storage::Query& q) {
    ordered_json o = ordered_json::object();
    for (int i = 0; i < q.columns(); ++i) {
        const char* name = q.column_name(i);
        switch (q.type(i)) {
            case SQLITE_NULL:
                o[name] = nullptr;
                break;
            case SQLITE_INTEGER:
                o[name] = q.i64(i);
                break;
            default:
                o[name] = q.text(i);
                break;
        }
    }
    return o;
}

ordered_json rows(Session& s, const char* sql, std::int64_t member) {
    ordered_json out = ordered_json::array();
    auto q = s.c.query(sql, member);
    while (q.next())
        out.push_back(row_of(q));
    return out;
}

}  // namespace

std::string Database::member_export_json(std::int64_t member_id) {
    std::string text;
    storage::Access::run(*this, false, [&](Session& s) {
        auto m = s.c.query("SELECT * FROM members WHERE id = ?", member_id);
        if (!m.next())
            throw Error(Status::NotFound, "no member with id " + std::to_string(member_id));
        ordered_json doc = ordered_json::object();
        doc["format"] = "libloyalty member export 1";
        doc["exported_at"] = s.now;
        doc["member_id"] = member_id;
        doc["member"] = row_of(m);
        for (const Section& sec : kSections)
            doc[sec.name] = rows(s, sec.sql, member_id);
        text = doc.dump(2);
        return false;
    });
    return text;
}

}  // namespace loyalty
