// Members: reading, checking and writing a member's row and tags; enrol, update, status,
// erasure, merge and listing.
#include "storage/impl.hpp"

namespace loyalty {

Member Database::Impl::read_member(storage::Query& q) {
    Member m;
    m.id = q.i64(0);
    m.uid = uid(q.text(1), 'M', q.i64(24));
    m.status = static_cast<MemberStatus>(q.i64(2));
    m.phone = q.text(3);
    m.card = q.text(4);
    m.name = q.text(5);
    m.email = q.text(6);
    m.birth_year = static_cast<int>(q.i64(7));
    m.birth_month = static_cast<int>(q.i64(8));
    m.birth_day = static_cast<int>(q.i64(9));
    m.gender = q.text(10);
    m.language = q.text(11);
    m.consent_sms = q.i64(12) != 0;
    m.consent_email = q.i64(13) != 0;
    m.consent_push = q.i64(14) != 0;
    m.branch = q.text(15);
    m.referrer_id = q.i64(16);
    m.referral_code = q.text(17);
    m.merged_into = q.i64(18);
    m.created_at = q.i64(19);
    m.balance = q.i64(20);
    m.lifetime_earned = q.i64(21);
    m.tier = q.text(22);
    m.wallet_balance = q.i64(23);
    return m;
}

void Database::Impl::complete_member(Member& m, std::int64_t* until) {
    auto t = c.query("SELECT tag FROM member_tags WHERE member_id=? ORDER BY tag", m.id);
    while (t.next())
        m.tags.push_back(t.text(0));
    m.tags_text = text::join(m.tags, ",");
    // A household's member shows the household's points and tier (its head's account).
    const std::int64_t account = m.status == MemberStatus::Active ? account_of(m.id) : m.id;
    if (account != m.id) {
        auto a = c.query("SELECT balance, tier FROM members WHERE id=?", account);
        if (a.next()) {
            m.balance = a.i64(0);
            m.tier = a.text(1);
        }
    }
    auto [avail, pend] = spendable(account, until);
    m.available = avail;
    m.pending = pend;
}

void Database::Impl::remember_member(const Member& m, std::int64_t until) {
    MemberMemo& r = member_memo;
    r.id = 0;
    const std::uint64_t e = c.epoch();
    if (e == 0) return;  // outside a transaction: nothing to tell a later read by
    r.member = m;
    r.epoch = e;
    r.changes = c.total_changes();
    r.from = now();
    r.until = until;
    r.id = m.id;
}

Member Database::Impl::read_and_remember(storage::Query& q) {
    Member m = read_member(q);
    std::int64_t until = 0;
    complete_member(m, &until);
    remember_member(m, until);
    return m;
}

const Member* Database::Impl::remembered_member(std::int64_t id) {
    const MemberMemo& r = member_memo;
    // Another connection's commit, or a rollback here, moves the epoch on; a write here (the
    // only way this connection commits a change) the count of its changes.
    if (r.id == 0 || r.id != id || r.changes != c.total_changes() || !c.unchanged_since(r.epoch))
        return nullptr;
    const std::int64_t t = now();  // a clock set back may find lots not yet available
    return t >= r.from && t < r.until ? &r.member : nullptr;
}

std::optional<Member> Database::Impl::try_member(const char* where, const std::string& arg) {
    static std::string by_phone = std::string(kMemberCols) + "WHERE m.phone = ?";
    static std::string by_card = std::string(kMemberCols) + "WHERE m.card = ?";
    const std::string& sql = std::strcmp(where, "phone") == 0 ? by_phone : by_card;
    auto q = c.query(sql.c_str(), arg);
    if (!q.next()) return std::nullopt;
    return read_and_remember(q);
}

Member Database::Impl::load_member(std::int64_t id) {
    if (const Member* known = remembered_member(id)) return *known;
    static std::string by_id = std::string(kMemberCols) + "WHERE m.id = ?";
    auto q = c.query(by_id.c_str(), id);
    if (!q.next()) throw Error(Status::NotFound, "no member with id " + std::to_string(id));
    return read_and_remember(q);
}

// The member that now owns `id`'s points (follows merges).
namespace {

// The member that holds `id`'s points — `id` itself, or the member it was merged into, followed
// to the end — and that member's status: one read a hop.
std::pair<std::int64_t, MemberStatus> follow_merges(storage::Connection& c, std::int64_t id) {
    for (int hops = 0; hops < 64; ++hops) {
        auto q = c.query("SELECT merged_into, status FROM members WHERE id=?", id);
        if (!q.next()) throw Error(Status::NotFound, "no member with id " + std::to_string(id));
        if (q.is_null(0)) return {id, static_cast<MemberStatus>(q.i64(1))};
        id = q.i64(0);
    }
    throw Error(Status::Internal, "merge chain too long");
}

void refuse_inactive(std::int64_t id, MemberStatus s) {
    if (s != MemberStatus::Active)
        throw Error(Status::MemberInactive,
                    "member " + std::to_string(id) +
                        (s == MemberStatus::Inactive ? " is deactivated"
                         : s == MemberStatus::Erased ? " was erased"
                                                     : " was merged into another member"));
}

}  // namespace

std::int64_t Database::Impl::owner_of(std::int64_t id) {
    return follow_merges(c, id).first;
}

void Database::Impl::require_active(std::int64_t id) {
    auto q = c.query("SELECT status FROM members WHERE id=?", id);
    if (!q.next()) throw Error(Status::NotFound, "no member with id " + std::to_string(id));
    refuse_inactive(id, static_cast<MemberStatus>(q.i64(0)));
}

std::int64_t Database::Impl::active_owner(std::int64_t id) {
    const auto [owner, status] = follow_merges(c, id);
    refuse_inactive(owner, status);
    return owner;
}

std::string Database::Impl::normalize_phone(const std::string& p) const {
    return text::normalize_phone(p, opt.default_country);
}

// Validates and normalises fields; `enrol` decides the meaning of unset.
void Database::Impl::check_fields(MemberFields& f) const {
    auto chk = [](const char* name, const std::optional<std::string>& v, std::size_t max) {
        if (v) text::check_field(name, *v, max);
    };
    chk("card", f.card, kMaxShort);
    chk("name", f.name, kMaxName);
    chk("email", f.email, kMaxName);
    chk("gender", f.gender, kMaxShort);
    chk("language", f.language, 35);
    chk("branch", f.branch, kMaxShort);
    chk("referrer", f.referrer, kMaxShort);
    if (f.phone && !f.phone->empty()) f.phone = normalize_phone(*f.phone);
    if (f.email && !f.email->empty() &&
        (f.email->find('@') == std::string::npos || f.email->front() == '@' ||
         f.email->back() == '@'))
        throw Error(Status::InvalidArgument, "email '" + *f.email + "' has no valid '@'");
    if (f.birth_month && (*f.birth_month < 0 || *f.birth_month > 12))
        throw Error(Status::InvalidArgument, "birth month must be 1 to 12");
    if (f.birth_day && (*f.birth_day < 0 || *f.birth_day > 31))
        throw Error(Status::InvalidArgument, "birth day must be 1 to 31");
    if (f.birth_year && *f.birth_year != 0 && (*f.birth_year < 1900 || *f.birth_year > 2200))
        throw Error(Status::InvalidArgument, "birth year must be 1900 to 2200, or 0 for unknown");
}

void Database::Impl::check_birthday(int y, int m, int d) const {
    if ((m == 0) != (d == 0))
        throw Error(Status::InvalidArgument, "a birthday needs both month and day");
    if (m == 0 && y != 0)
        throw Error(Status::InvalidArgument, "a birth year needs a month and a day");
    if (m == 0) return;
    static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int max = kDays[m - 1];
    if (m == 2 && y != 0 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) max = 28;
    if (d > max)
        throw Error(Status::InvalidArgument,
                    "day " + std::to_string(d) + " does not exist in month " + std::to_string(m));
}

std::int64_t Database::Impl::resolve_referrer(const std::string& ref) {
    bool numeric =
        !ref.empty() && ref.size() < 19 &&
        std::all_of(ref.begin(), ref.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
    if (numeric) {
        auto q = c.query("SELECT id FROM members WHERE id=?",
                         static_cast<std::int64_t>(std::stoll(ref)));
        if (q.next()) return q.i64(0);
    }
    // Codes are printed upper-case; accept them typed in lower case too.
    std::string up = ref;
    for (auto& ch : up)
        if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
    auto q = c.query("SELECT id FROM members WHERE referral_code=?", up);
    if (q.next()) return q.i64(0);
    throw Error(Status::NotFound, "no member with id or referral code '" + ref + "'");
}

void Database::Impl::check_unique(const std::optional<std::string>& phone,
                                  const std::optional<std::string>& card, std::int64_t self) {
    if (phone && !phone->empty()) {
        auto q = c.query("SELECT id FROM members WHERE phone=? AND id<>?", *phone, self);
        if (q.next())
            // (The message names no phone or card: a refusal is remembered for its key,
            // and the request log keeps no personal data.)
            throw Error(Status::Duplicate,
                        "the phone number already belongs to member " + std::to_string(q.i64(0)));
    }
    if (card && !card->empty()) {
        auto q = c.query("SELECT id FROM members WHERE card=? AND id<>?", *card, self);
        if (q.next())
            throw Error(Status::Duplicate,
                        "the card already belongs to member " + std::to_string(q.i64(0)));
    }
}

void Database::Impl::write_tags(std::int64_t id, const std::vector<std::string>& tags,
                                bool replace) {
    if (replace) c.query("DELETE FROM member_tags WHERE member_id=?", id).run();
    for (const auto& t : tags)
        c.query("INSERT INTO member_tags(member_id, tag) VALUES (?, ?)", id, t).run();
}

std::int64_t Database::Impl::do_enrol(const MemberFields& f) {
    bool has_phone = f.phone && !f.phone->empty();
    bool has_card = f.card && !f.card->empty();
    if (!has_phone && !has_card)
        throw Error(Status::InvalidArgument, "a member needs a phone number or a card");
    check_birthday(f.birth_year.value_or(0), f.birth_month.value_or(0), f.birth_day.value_or(0));
    check_unique(f.phone, f.card, 0);
    std::int64_t referrer = 0;
    if (f.referrer && !f.referrer->empty()) referrer = resolve_referrer(*f.referrer);
    std::string code;
    for (int attempt = 0;; ++attempt) {
        code = random_code(8);
        auto q = c.query("SELECT 1 FROM members WHERE referral_code=?", code);
        if (!q.next()) break;
        if (attempt > 20) throw Error(Status::Internal, "cannot find a free referral code");
    }
    auto opt_text = [](const std::optional<std::string>& v) -> std::optional<std::string> {
        if (!v || v->empty()) return std::nullopt;
        return v;
    };
    std::optional<std::string> name_key;
    if (f.name && !f.name->empty()) name_key = text::ascii_lower(*f.name);
    std::int64_t t = now();
    c.query(
         "INSERT INTO members(origin, phone, card, name, name_key, email, birth_year, "
         "birth_month, birth_day, gender, language, consent_sms, consent_email, consent_push, "
         "branch, referrer_id, referral_code, created_at, updated_at) "
         "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
         origin_id, opt_text(f.phone), opt_text(f.card), opt_text(f.name), name_key,
         opt_text(f.email), f.birth_year.value_or(0), f.birth_month.value_or(0),
         f.birth_day.value_or(0), opt_text(f.gender), opt_text(f.language),
         f.consent_sms.value_or(false), f.consent_email.value_or(false),
         f.consent_push.value_or(false), opt_text(f.branch), NullIfZero{referrer}, code, t, t)
        .run();
    std::int64_t id = c.last_id();
    if (f.tags) write_tags(id, *f.tags, false);
    active_program();
    maybe_upgrade(id, 0);  // the entry level of the tier ladder
    return id;
}

void Database::Impl::do_update(std::int64_t id, const MemberFields& f) {
    Member cur = load_member(id);
    if (cur.status == MemberStatus::Erased || cur.status == MemberStatus::Merged)
        throw Error(Status::MemberInactive,
                    "member " + std::to_string(id) + " was erased or merged and cannot be changed");
    std::string phone = f.phone ? *f.phone : cur.phone;
    std::string card = f.card ? *f.card : cur.card;
    if (phone.empty() && card.empty())
        throw Error(Status::InvalidArgument, "a member needs a phone number or a card");
    int y = f.birth_year ? *f.birth_year : cur.birth_year;
    int mo = f.birth_month ? *f.birth_month : cur.birth_month;
    int d = f.birth_day ? *f.birth_day : cur.birth_day;
    check_birthday(y, mo, d);
    check_unique(f.phone, f.card, id);
    std::int64_t referrer = cur.referrer_id;
    if (f.referrer) {
        if (f.referrer->empty()) {
            referrer = 0;
        } else {
            referrer = resolve_referrer(*f.referrer);
            // Refuse loops: the new referrer must not have been referred, directly or not,
            // by this member.
            for (std::int64_t up = referrer, hops = 0; up != 0 && hops < 1000; ++hops) {
                if (up == id)
                    throw Error(Status::InvalidArgument,
                                "member " + std::to_string(referrer) +
                                    " was referred through this member: a referral loop");
                up = scalar(c.query("SELECT COALESCE(referrer_id, 0) FROM members WHERE id=?", up));
            }
            if (referrer == id)
                throw Error(Status::InvalidArgument, "a member cannot refer themselves");
        }
    }
    auto pick = [](const std::optional<std::string>& v,
                   const std::string& old) -> std::optional<std::string> {
        const std::string& s = v ? *v : old;
        if (s.empty()) return std::nullopt;
        return s;
    };
    auto name = pick(f.name, cur.name);
    std::optional<std::string> name_key;
    if (name) name_key = text::ascii_lower(*name);
    c.query(
         "UPDATE members SET phone=?, card=?, name=?, name_key=?, email=?, birth_year=?, "
         "birth_month=?, birth_day=?, gender=?, language=?, consent_sms=?, consent_email=?, "
         "consent_push=?, branch=?, referrer_id=?, updated_at=? WHERE id=?",
         pick(f.phone, cur.phone), pick(f.card, cur.card), name, name_key, pick(f.email, cur.email),
         y, mo, d, pick(f.gender, cur.gender), pick(f.language, cur.language),
         f.consent_sms.value_or(cur.consent_sms), f.consent_email.value_or(cur.consent_email),
         f.consent_push.value_or(cur.consent_push), pick(f.branch, cur.branch),
         NullIfZero{referrer}, now(), id)
        .run();
    if (f.tags) write_tags(id, *f.tags);
}

std::string Database::normalize_phone(const std::string& phone) const {
    return impl_->normalize_phone(phone);
}

Member Database::enrol(const MemberFields& fields, const std::string& key) {
    MemberFields f = fields;
    impl_->check_fields(f);
    std::lock_guard<std::mutex> lock(impl_->mu);
    const std::string req = canonical(
        "phone", f.phone.value_or(""), "card", f.card.value_or(""), "name", f.name.value_or(""),
        "email", f.email.value_or(""), "by", f.birth_year.value_or(0), "bm",
        f.birth_month.value_or(0), "bd", f.birth_day.value_or(0), "referrer",
        f.referrer.value_or(""), "branch", f.branch.value_or(""));
    return impl_->member_event(
        key, "enrol", req,
        [&] { return std::pair<std::int64_t, std::int64_t>(impl_->do_enrol(f), 0); },
        [&](const Impl::Outcome& o) { return impl_->load_member(o.id); });
}

Member Database::member(std::int64_t id) {
    std::lock_guard<std::mutex> lock(impl_->mu);
    Transaction t(impl_->c, false);
    return impl_->load_member(id);
}

Member Database::find_by_phone(const std::string& phone) {
    std::string p = impl_->normalize_phone(phone);
    std::lock_guard<std::mutex> lock(impl_->mu);
    Transaction t(impl_->c, false);
    auto m = impl_->try_member("phone", p);
    if (!m) throw Error(Status::NotFound, "no member with phone " + p);
    return *m;
}

Member Database::member_by_uid(const std::string& uid) {
    std::lock_guard<std::mutex> lock(impl_->mu);
    Transaction t(impl_->c, false);
    return impl_->load_member(impl_->local_id("members", 'M', uid));
}

Member Database::find_by_card(const std::string& card) {
    text::check_field("card", card, kMaxShort);
    if (card.empty()) throw Error(Status::InvalidArgument, "card code is empty");
    std::lock_guard<std::mutex> lock(impl_->mu);
    Transaction t(impl_->c, false);
    auto m = impl_->try_member("card", card);
    if (!m) throw Error(Status::NotFound, "no member with card " + card);
    return *m;
}

Member Database::identify(const std::string& text_in) {
    text::check_field("identifier", text_in, kMaxShort);
    if (text_in.empty()) throw Error(Status::InvalidArgument, "identifier is empty");
    std::lock_guard<std::mutex> lock(impl_->mu);
    Transaction t(impl_->c, false);
    if (auto m = impl_->try_member("card", text_in)) return *m;
    std::string p;
    try {
        p = impl_->normalize_phone(text_in);
    } catch (const Error&) {
        throw Error(Status::NotFound, "no member with card or phone '" + text_in + "'");
    }
    if (auto m = impl_->try_member("phone", p)) return *m;
    throw Error(Status::NotFound, "no member with card or phone '" + text_in + "'");
}

namespace {

// The canonical text of an update's fields, for its idempotency key: set fields only, so that
// "leave as is" and "set to empty" differ.
std::string fields_request(std::int64_t id, const MemberFields& f) {
    std::string out = canonical("member", id);
    auto opt = [&out](const char* name, const auto& v) {
        if (v) storage::put_field(out, name, *v);
    };
    opt("phone", f.phone);
    opt("card", f.card);
    opt("name", f.name);
    opt("email", f.email);
    opt("gender", f.gender);
    opt("language", f.language);
    opt("branch", f.branch);
    opt("referrer", f.referrer);
    if (f.tags) storage::put_field(out, "tags", text::join(*f.tags, ","));
    auto num = [&out](const char* name, const auto& v) {
        if (v) storage::put_field(out, name, static_cast<std::int64_t>(*v));
    };
    num("by", f.birth_year);
    num("bm", f.birth_month);
    num("bd", f.birth_day);
    num("sms", f.consent_sms);
    num("mail", f.consent_email);
    num("push", f.consent_push);
    return out;
}

}  // namespace

Member Database::update(std::int64_t id, const MemberFields& fields, const std::string& key) {
    MemberFields f = fields;
    impl_->check_fields(f);
    std::lock_guard<std::mutex> lock(impl_->mu);
    return impl_->member_event(
        key, "member_update", fields_request(id, f),
        [&] {
            impl_->do_update(id, f);
            return std::pair<std::int64_t, std::int64_t>(id, 0);
        },
        [&](const Impl::Outcome& o) { return impl_->load_member(o.id); });
}

void Database::Impl::set_status(std::int64_t id, MemberStatus from, MemberStatus to) {
    Member m = load_member(id);
    if (m.status == to) return;  // already there: nothing to do
    if (m.status != from)
        throw Error(Status::InvalidState, "member " + std::to_string(id) + " is erased or merged");
    c.query("UPDATE members SET status=?, updated_at=? WHERE id=?", static_cast<std::int64_t>(to),
            now(), id)
        .run();
}

void Database::deactivate(std::int64_t id, const std::string& key) {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->member_event(key, "member_deactivate", canonical("member", id), [&] {
        impl_->set_status(id, MemberStatus::Active, MemberStatus::Inactive);
        return std::pair<std::int64_t, std::int64_t>(id, 0);
    });
}

void Database::reactivate(std::int64_t id, const std::string& key) {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->member_event(key, "member_reactivate", canonical("member", id), [&] {
        impl_->set_status(id, MemberStatus::Inactive, MemberStatus::Active);
        return std::pair<std::int64_t, std::int64_t>(id, 0);
    });
}

void Database::erase(std::int64_t id, const std::string& key) {
    {
        std::lock_guard<std::mutex> lock(impl_->mu);
        impl_->member_event(key, "member_erase", canonical("member", id), [&] {
            impl_->do_erase(id);
            return std::pair<std::int64_t, std::int64_t>(id, 0);
        });
    }
    // The old pages: secure_delete zeroed them in the pages written; the checkpoint copies those
    // pages over the main file and empties the WAL, so no image of the old rows stays in either
    // (a reader holding an older snapshot defers this to the next checkpoint).
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->checkpoint_truncate();
}

void Database::Impl::do_erase(std::int64_t id) {
    Member m = load_member(id);
    if (m.status == MemberStatus::Erased) return;
    if (m.status == MemberStatus::Merged)
        throw Error(Status::InvalidState, "member " + std::to_string(id) +
                                              " was merged; erase the surviving member instead");
    // An erased member leaves their household (the pooled points stay with it); a head with
    // members is refused by leave_household.
    if (household_of(id) != 0) leave_household(id);
    // The person is the member and every member merged into it: all their profiles are cleared
    // (an absorbed member kept its name, e-mail and birthday).
    c.query(LOY_FAMILY
            "UPDATE members SET phone=NULL, card=NULL, name=NULL, name_key=NULL, email=NULL, "
            "birth_year=0, birth_month=0, birth_day=0, gender=NULL, language=NULL, "
            "consent_sms=0, consent_email=0, consent_push=0, branch=NULL, updated_at=?2 "
            "WHERE id IN fam",
            id, now())
        .run();
    c.query("UPDATE members SET status=? WHERE id=?",
            static_cast<std::int64_t>(MemberStatus::Erased), id)
        .run();
    c.query(LOY_FAMILY "DELETE FROM member_tags WHERE member_id IN fam", id).run();
    // Messages keep their place in the reports but lose their address and text; those not yet
    // sent are suppressed.
    c.query(LOY_FAMILY
            "UPDATE outbox SET address='', body='', leased_until=0, "
            "reason = CASE WHEN status = 0 THEN 'erased' ELSE reason END, "
            "status = CASE WHEN status = 0 THEN 3 ELSE status END WHERE member_id IN fam",
            id)
        .run();
    member_memo = MemberMemo{};  // no copy of the profile kept in memory either
}

Member Database::merge(std::int64_t survivor_id, std::int64_t absorbed_id, const std::string& key) {
    impl_->not_on_a_till("merging members");
    if (survivor_id == absorbed_id)
        throw Error(Status::InvalidArgument, "a member cannot be merged into itself");
    std::lock_guard<std::mutex> lock(impl_->mu);
    return impl_->member_event(
        key, "member_merge", canonical("survivor", survivor_id, "absorbed", absorbed_id),
        [&] {
            impl_->do_merge(survivor_id, absorbed_id);
            return std::pair<std::int64_t, std::int64_t>(survivor_id, 0);
        },
        [&](const Impl::Outcome& o) { return impl_->load_member(o.id); });
}

void Database::Impl::do_merge(std::int64_t survivor_id, std::int64_t absorbed_id) {
    auto& d = *this;
    Member s = d.load_member(survivor_id);
    Member a = d.load_member(absorbed_id);
    if (s.status != MemberStatus::Active)
        throw Error(Status::MemberInactive, "the surviving member must be active");
    if (a.status == MemberStatus::Erased || a.status == MemberStatus::Merged)
        throw Error(Status::InvalidState, "the absorbed member was erased or merged already");
    if (d.household_of(survivor_id) != 0 || d.household_of(absorbed_id) != 0)
        throw Error(Status::InvalidState,
                    "a member of a household cannot be merged: leave the household first");
    d.active_program();
    std::int64_t tnow = d.now();
    EntryContext ctx;
    ctx.reason =
        "merge of member " + std::to_string(absorbed_id) + " into " + std::to_string(survivor_id);
    const std::int64_t moved = d.carry_points(absorbed_id, survivor_id, ctx);
    // MergeOut/MergeIn are not earnings; carry the absorbed member's lifetime figure over.
    d.c.query("UPDATE members SET lifetime_earned = lifetime_earned + ? WHERE id=?",
              a.lifetime_earned, survivor_id)
        .run();
    d.c.query(
           "UPDATE members SET status=?, merged_into=?, phone=NULL, card=NULL, updated_at=? "
           "WHERE id=?",
           static_cast<std::int64_t>(MemberStatus::Merged), survivor_id, tnow, absorbed_id)
        .run();
    if (s.phone.empty() && !a.phone.empty())
        d.c.query("UPDATE members SET phone=? WHERE id=?", a.phone, survivor_id).run();
    if (s.card.empty() && !a.card.empty())
        d.c.query("UPDATE members SET card=? WHERE id=?", a.card, survivor_id).run();
    std::vector<std::string> tags = s.tags;
    tags.insert(tags.end(), a.tags.begin(), a.tags.end());
    std::sort(tags.begin(), tags.end());
    tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
    d.write_tags(survivor_id, tags);
    d.c.query(
           "INSERT INTO merges(survivor_id, absorbed_id, points_moved, created_at) VALUES "
           "(?,?,?,?)",
           survivor_id, absorbed_id, moved, tnow)
        .run();
    d.maybe_upgrade(survivor_id, 0);  // the survivor's score now includes the absorbed history
}

// Moves an absorbed member's balance to the member that absorbs it: each open lot with its dates;
// a negative balance (debt) moves as debt. Returns the points moved.
std::int64_t Database::Impl::carry_points(std::int64_t from, std::int64_t to,
                                          const EntryContext& ctx) {
    const std::int64_t moved = balance_of(from);
    if (moved > 0) {
        move_points(from, to, ctx, EntryKind::MergeOut, EntryKind::MergeIn);
    } else if (moved < 0) {
        std::vector<Take> takes;
        for (const OpenLot& l : open_lots(from))
            takes.push_back({l.id, l.remaining});
        std::int64_t out_entry = add_entry(EntryKind::MergeOut, from, -moved, ctx);
        apply(out_entry, takes, from);
        auto p = plan(to, -moved, false, 0);
        std::int64_t in_entry = add_entry(EntryKind::MergeIn, to, moved, ctx);
        apply(in_entry, p, to);
    }
    return moved;
}

// At the head office (a file not in chain mode, docs/chain.md, "Jobs run once"): the points that
// applied records left on members merged here — a till sold to them, or took their points,
// before it learned of the merge — move on to the member who absorbed them, as the merge moved
// the rest. Facts of this file's origin, in the applying transaction, which every till then
// applies; a till in chain mode never moves them, so they move once for the whole chain.
void Database::Impl::settle_merged() {
    std::vector<std::int64_t> ids;
    ids.swap(landed_on_merged);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    bool named = false;
    for (const std::int64_t id : ids) {
        const auto [owner, status] = follow_merges(c, id);
        if (owner == id || status != MemberStatus::Active || balance_of(id) == 0) continue;
        if (!named) journal_operation("merge_settle", "");
        named = true;
        EntryContext ctx;
        ctx.reason = "merge of member " + std::to_string(id) + " into " + std::to_string(owner) +
                     ": points recorded after the merge";
        carry_points(id, account_of(owner), ctx);
    }
}

std::vector<Member> Database::list(const MemberQuery& query) {
    text::check_field("name prefix", query.name_prefix, kMaxName);
    text::check_field("phone prefix", query.phone_prefix, kMaxShort);
    text::check_field("tag", query.tag, kMaxShort);
    if (query.limit < 0 || query.limit > 1000)
        throw Error(Status::InvalidArgument, "page size must be 1 to 1000");
    int limit = query.limit == 0 ? 100 : query.limit;
    auto like = [](const std::string& s) {
        std::string out;
        for (char ch : s) {
            if (ch == '%' || ch == '_' || ch == '\\') out.push_back('\\');
            out.push_back(ch);
        }
        return out + "%";
    };
    std::string name = query.name_prefix.empty() ? "" : like(text::ascii_lower(query.name_prefix));
    std::string phone;
    if (!query.phone_prefix.empty())
        phone = like(text::phone_search_prefix(query.phone_prefix, impl_->opt.default_country));
    static const std::string sql = std::string(Impl::kMemberCols) +
                                   "WHERE m.id > ?1 AND (?2 = 1 OR m.status = 0) "
                                   "AND (?3 = '' OR m.name_key LIKE ?3 ESCAPE '\\') "
                                   "AND (?4 = '' OR m.phone LIKE ?4 ESCAPE '\\') "
                                   "AND (?5 = '' OR EXISTS (SELECT 1 FROM member_tags t WHERE "
                                   "t.member_id = m.id AND t.tag = ?5)) "
                                   "ORDER BY m.id LIMIT ?6";
    std::lock_guard<std::mutex> lock(impl_->mu);
    Transaction t(impl_->c, false);
    std::vector<Member> out;
    {
        auto q = impl_->c.query(sql.c_str(), query.after_id, query.include_inactive ? 1 : 0, name,
                                phone, query.tag, limit);
        while (q.next())
            out.push_back(impl_->read_member(q));
    }
    for (auto& m : out)
        impl_->complete_member(m);
    return out;
}

}  // namespace loyalty
