// The request log: per idempotency key, the operation, a digest of the canonical request and
// the outcome (Impl::idempotent in storage/impl.hpp runs a write exactly once per key).
#include "storage/impl.hpp"

namespace loyalty {

std::string Database::Impl::request_digest(const std::string& request) {
    Sha256 h;
    h.update(request);
    const auto d = h.finish();
    return std::string(reinterpret_cast<const char*>(d.data()), 16);
}

bool Database::Impl::StoredRequest::same(const std::string& request, const std::string& d) const {
    return digest_is_hex ? digest == sha256_hex(request) : digest == d;
}

std::optional<Database::Impl::StoredRequest> Database::Impl::find_request(const std::string& key) {
    auto q = c.query(
        "SELECT op, digest, status, message, result_id, result_value FROM requests WHERE key=?",
        key);
    if (!q.next()) return std::nullopt;
    StoredRequest r;
    r.op = q.text(0);
    r.digest_is_hex = q.type(1) == SQLITE_TEXT;  // before text(), which may convert the value
    r.digest = q.text(1);
    r.status = static_cast<Status>(q.i64(2));
    r.message = q.text(3);
    r.result_id = q.i64(4);
    r.result_value = q.i64(5);
    return r;
}

void Database::Impl::save_request(const std::string& key, const std::string& op,
                                  const std::string& digest, Status status,
                                  const std::string& message, std::int64_t result_id,
                                  std::int64_t result_value) {
    c.query(
         "INSERT INTO requests(key, op, digest, status, message, result_id, result_value, "
         "created_at) VALUES (?,?,?,?,?,?,?,?)",
         key, op, storage::Bytes{digest}, static_cast<std::int64_t>(status), message, result_id,
         result_value, now())
        .run();
}

}  // namespace loyalty
