// loyalty-syncd: runs beside the POS and keeps the till's file and the chain's authority in step
// (docs/chain.md). Every few seconds it pushes the till's new journal records and pulls the other
// tills'; while the authority cannot be reached it retries with exponential backoff and jitter
// (0.5 s to 60 s), and the till goes on selling. A fork stops it with exit status 3: the till's
// file wrote records under ids another file had used, and must not send more until it is looked
// at. Each round prints one status line a till can show.
//
//   loyalty-syncd --db till.db --conninfo "host=hq dbname=loyalty user=golestan_t1 ..."
//                 [--interval 5] [--batch 500] [--once]
//
// For the manager, the chain's dashboard from the authority (a role of loyalty_manager):
//
//   loyalty-syncd --dashboard chain.html --conninfo "host=hq dbname=loyalty user=manager"
//                 [--offset 210] [--language fa|en]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>

#include "loyalty/sync.h"

namespace {

int usage() {
    std::fprintf(stderr,
                 "usage: loyalty-syncd --db FILE --conninfo CONNINFO [--interval SECONDS] "
                 "[--batch RECORDS] [--once]\n"
                 "       loyalty-syncd --dashboard FILE --conninfo CONNINFO [--offset MINUTES] "
                 "[--language fa|en]\n");
    return 2;
}

// Writes the chain's dashboard to `path`: 0, or 1 with the reason.
int write_dashboard(const std::string& path, const std::string& conninfo, int offset,
                    const std::string& language) {
    loy_error err;
    loy_error_init(&err);
    std::size_t needed = 0;
    std::string page(1 << 16, '\0');
    int32_t rc = loy_sync_dashboard_html(conninfo.c_str(), offset, language.c_str(), page.data(),
                                         page.size(), &needed, &err);
    if (rc == LOY_OK && needed >= page.size()) {
        page.assign(needed + 1, '\0');
        rc = loy_sync_dashboard_html(conninfo.c_str(), offset, language.c_str(), page.data(),
                                     page.size(), &needed, &err);
    }
    if (rc != LOY_OK) {
        std::fprintf(stderr, "loyalty-syncd: %s: %s\n", loy_status_name(rc), err.message);
        return 1;
    }
    page.resize(needed < page.size() ? needed : page.size() - 1);
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f || std::fwrite(page.data(), 1, page.size(), f) != page.size() || std::fclose(f) != 0) {
        std::fprintf(stderr, "loyalty-syncd: cannot write %s\n", path.c_str());
        return 1;
    }
    std::printf("dashboard written to %s\n", path.c_str());
    return 0;
}

std::string ago(std::int64_t at_ms) {
    if (at_ms == 0) return "never";
    using namespace std::chrono;
    const auto now = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    const std::int64_t s = (now - at_ms) / 1000;
    if (s < 60) return std::to_string(s) + " s ago";
    if (s < 3600) return std::to_string(s / 60) + " min ago";
    return std::to_string(s / 3600) + " h ago";
}

}  // namespace

int main(int argc, char** argv) {
    std::string path, conninfo, dashboard, language = "fa";
    int interval = 5, batch = 500, offset = 210;
    bool once = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--db" && i + 1 < argc)
            path = argv[++i];
        else if (a == "--conninfo" && i + 1 < argc)
            conninfo = argv[++i];
        else if (a == "--interval" && i + 1 < argc)
            interval = std::atoi(argv[++i]);
        else if (a == "--batch" && i + 1 < argc)
            batch = std::atoi(argv[++i]);
        else if (a == "--once")
            once = true;
        else if (a == "--dashboard" && i + 1 < argc)
            dashboard = argv[++i];
        else if (a == "--offset" && i + 1 < argc)
            offset = std::atoi(argv[++i]);
        else if (a == "--language" && i + 1 < argc)
            language = argv[++i];
        else
            return usage();
    }
    if (!dashboard.empty() && !conninfo.empty() && path.empty())
        return write_dashboard(dashboard, conninfo, offset, language);
    if (path.empty() || conninfo.empty() || interval < 1) return usage();
    loy_error err;
    loy_error_init(&err);
    loy_open_options o;
    loy_open_options_init(&o);
    o.path = path.c_str();
    loy_db* db = nullptr;
    if (loy_open(&o, &db, &err) != LOY_OK) {
        std::fprintf(stderr, "loyalty-syncd: %s: %s\n", loy_status_name(err.code), err.message);
        return 1;
    }
    loy_sync_options so;
    loy_sync_options_init(&so);
    so.conninfo = conninfo.c_str();
    so.batch_records = batch;
    loy_sync* sync = nullptr;
    if (loy_sync_open(db, &so, &sync, &err) != LOY_OK) {
        std::fprintf(stderr, "loyalty-syncd: %s: %s\n", loy_status_name(err.code), err.message);
        loy_close(db);
        return 1;
    }
    std::mt19937 rng(std::random_device{}());
    double backoff = 0.5;
    int status = 0;
    for (;;) {
        loy_sync_report rep;
        loy_sync_report_init(&rep);
        const int32_t rc = loy_sync_run_once(sync, &rep, &err);
        if (rc == LOY_OK) {
            std::printf("synced: %lld sent, %lld received; last synced %s, %lld records waiting\n",
                        static_cast<long long>(rep.pushed), static_cast<long long>(rep.pulled),
                        ago(rep.last_synced_at).c_str(), static_cast<long long>(rep.waiting));
            backoff = 0.5;
        } else {
            std::printf("not synced (%s): %s; last synced %s, %lld records waiting\n",
                        loy_status_name(rc), err.message, ago(rep.last_synced_at).c_str(),
                        static_cast<long long>(rep.waiting));
            if (rc == LOY_ERR_SYNC_FORK) {
                status = 3;
                break;
            }
            if (!loy_status_is_transient(rc)) {
                status = 1;
                if (once) break;
            }
        }
        std::fflush(stdout);
        if (once) {
            status = rc == LOY_OK ? 0 : (status ? status : 1);
            break;
        }
        double wait = interval;
        if (rc != LOY_OK) {
            std::uniform_real_distribution<double> jitter(0.5, 1.0);
            wait = backoff * jitter(rng);
            backoff = backoff * 2 > 60 ? 60 : backoff * 2;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<long>(wait * 1000)));
    }
    std::fflush(stdout);
    loy_sync_close(sync);
    loy_close(db);
    return status;
}
