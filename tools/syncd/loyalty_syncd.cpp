// loyalty-syncd: runs beside the POS and keeps the till's file and the chain's authority in step
// (docs/chain.md). Every few seconds it pushes the till's new journal records and pulls the other
// tills'; while the authority cannot be reached it retries with exponential backoff and jitter
// (0.5 s to 60 s), and the till goes on selling. A fork stops it with exit status 3: the till's
// file wrote records under ids another file had used, and must not send more until it is looked
// at. Each round writes one status line a till can show, to standard output or, with --log, to
// the end of a file (with the time). SIGINT or SIGTERM (Ctrl+C) stops it between rounds.
//
//   loyalty-syncd --db till.db --conninfo "host=hq dbname=loyalty user=golestan_t1 ..."
//                 [--interval 5] [--batch 500] [--once] [--log FILE]
//
// On Windows it runs as a service: --install-service NAME creates one, started at boot, that
// runs with the options given beside it (its log, unless --log says otherwise, is the till's file
// with ".sync.log" added); --remove-service NAME stops and deletes it; the service control
// manager starts it with --service NAME.
//
// For the manager, the chain's dashboard from the authority (a role of loyalty_manager):
//
//   loyalty-syncd --dashboard chain.html --conninfo "host=hq dbname=loyalty user=manager"
//                 [--offset 210] [--language fa|en]
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "console.hpp"
#include "loyalty/status.hpp"
#include "loyalty/sync.h"
#include "platform.hpp"
#include "service.hpp"

namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_signal(int) {
    g_stop.store(true);
}

int usage() {
    std::fprintf(stderr,
                 "usage: loyalty-syncd --db FILE --conninfo CONNINFO [--interval SECONDS] "
                 "[--batch RECORDS] [--once] [--log FILE]\n"
                 "       loyalty-syncd --install-service NAME --db FILE --conninfo CONNINFO "
                 "[--interval SECONDS] [--batch RECORDS] [--log FILE]   (Windows)\n"
                 "       loyalty-syncd --remove-service NAME   (Windows)\n"
                 "       loyalty-syncd --dashboard FILE --conninfo CONNINFO [--offset MINUTES] "
                 "[--language fa|en]\n");
    return 2;
}

struct Options {
    std::string path, conninfo, dashboard, language = "fa", log, service, install, remove;
    int interval = 5, batch = 500, offset = 210;
    bool once = false;
    std::vector<std::string> to_install;  // what an installed service runs with
};

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
    try {
        loyalty::platform::write_file(path, page, "the dashboard");
    } catch (const loyalty::Error& e) {
        std::fprintf(stderr, "loyalty-syncd: %s\n", e.what());
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

// Where status lines go: standard output, or the end of a log file with the UTC time first.
class Status {
  public:
    explicit Status(const std::string& log) {
        if (!log.empty()) file_ = syncd::open_file(log, "a");
    }
    ~Status() {
        if (file_) std::fclose(file_);
    }
    bool ok(const std::string& log) const { return log.empty() || file_; }
    void line(const std::string& text) {
        std::FILE* f = file_ ? file_ : stdout;
        if (file_) {
            const std::time_t t = std::time(nullptr);
            char at[32];
            std::tm tm{};
#ifdef _WIN32
            gmtime_s(&tm, &t);
#else
            gmtime_r(&t, &tm);
#endif
            std::strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ ", &tm);
            std::fputs(at, f);
        }
        std::fputs(text.c_str(), f);
        std::fputc('\n', f);
        std::fflush(f);
    }

  private:
    std::FILE* file_ = nullptr;
};

// Rounds until a fork, a stop, or after one round with --once: the exit status.
int sync_loop(const Options& opt) {
    Status out(opt.log);
    if (!out.ok(opt.log)) {
        std::fprintf(stderr, "loyalty-syncd: cannot write %s\n", opt.log.c_str());
        return 1;
    }
    loy_error err;
    loy_error_init(&err);
    loy_open_options o;
    loy_open_options_init(&o);
    o.path = opt.path.c_str();
    loy_db* db = nullptr;
    if (loy_open(&o, &db, &err) != LOY_OK) {
        out.line(std::string("not started (") + loy_status_name(err.code) + "): " + err.message);
        return 1;
    }
    loy_sync_options so;
    loy_sync_options_init(&so);
    so.conninfo = opt.conninfo.c_str();
    so.batch_records = opt.batch;
    loy_sync* sync = nullptr;
    if (loy_sync_open(db, &so, &sync, &err) != LOY_OK) {
        out.line(std::string("not started (") + loy_status_name(err.code) + "): " + err.message);
        loy_close(db);
        return 1;
    }
    std::mt19937 rng(std::random_device{}());
    double backoff = 0.5;
    int status = 0;
    while (!g_stop.load()) {
        loy_sync_report rep;
        loy_sync_report_init(&rep);
        const int32_t rc = loy_sync_run_once(sync, &rep, &err);
        char line[2048];
        if (rc == LOY_OK) {
            std::snprintf(line, sizeof line,
                          "synced: %lld sent, %lld received; last synced %s, %lld records waiting",
                          static_cast<long long>(rep.pushed), static_cast<long long>(rep.pulled),
                          ago(rep.last_synced_at).c_str(), static_cast<long long>(rep.waiting));
            backoff = 0.5;
        } else {
            std::snprintf(line, sizeof line,
                          "not synced (%s): %s; last synced %s, %lld records waiting",
                          loy_status_name(rc), err.message, ago(rep.last_synced_at).c_str(),
                          static_cast<long long>(rep.waiting));
        }
        out.line(line);
        if (rc == LOY_ERR_SYNC_FORK) {
            status = 3;
            break;
        }
        if (rc != LOY_OK && !loy_status_is_transient(rc)) status = 1;
        if (opt.once) {
            status = rc == LOY_OK ? 0 : (status ? status : 1);
            break;
        }
        double wait = opt.interval;
        if (rc != LOY_OK) {
            std::uniform_real_distribution<double> jitter(0.5, 1.0);
            wait = backoff * jitter(rng);
            backoff = backoff * 2 > 60 ? 60 : backoff * 2;
        }
        // In steps of 0.1 s, so that a stop is seen at once.
        const auto until = std::chrono::steady_clock::now() +
                           std::chrono::milliseconds(static_cast<long>(wait * 1000));
        while (!g_stop.load() && std::chrono::steady_clock::now() < until)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (g_stop.load()) {
        out.line("stopped");
        status = 0;
    }
    loy_sync_close(sync);
    loy_close(db);
    return status;
}

// The absolute form of a path: a service starts in Windows' system folder, not here.
std::string absolute(const std::string& path) {
    std::error_code ec;
    const auto p = std::filesystem::absolute(std::filesystem::u8path(path), ec);
    return ec ? path : p.u8string();
}

}  // namespace

int main(int argc, char** argv) {
    Options opt;
    const std::vector<std::string> args = loyalty::platform::utf8_arguments(argc, argv);
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& a = args[i];
        const bool has_value = i + 1 < args.size();
        if (a == "--db" && has_value) {
            opt.path = args[++i];
            opt.to_install.insert(opt.to_install.end(), {a, absolute(opt.path)});
        } else if (a == "--conninfo" && has_value) {
            opt.conninfo = args[++i];
            opt.to_install.insert(opt.to_install.end(), {a, opt.conninfo});
        } else if (a == "--interval" && has_value) {
            opt.interval = std::atoi(args[++i].c_str());
            opt.to_install.insert(opt.to_install.end(), {a, args[i]});
        } else if (a == "--batch" && has_value) {
            opt.batch = std::atoi(args[++i].c_str());
            opt.to_install.insert(opt.to_install.end(), {a, args[i]});
        } else if (a == "--log" && has_value) {
            opt.log = args[++i];
            opt.to_install.insert(opt.to_install.end(), {a, absolute(opt.log)});
        } else if (a == "--once") {
            opt.once = true;
        } else if (a == "--dashboard" && has_value) {
            opt.dashboard = args[++i];
        } else if (a == "--offset" && has_value) {
            opt.offset = std::atoi(args[++i].c_str());
        } else if (a == "--language" && has_value) {
            opt.language = args[++i];
        } else if (a == "--service" && has_value) {
            opt.service = args[++i];
        } else if (a == "--install-service" && has_value) {
            opt.install = args[++i];
        } else if (a == "--remove-service" && has_value) {
            opt.remove = args[++i];
        } else {
            return usage();
        }
    }
    if (!opt.remove.empty()) return syncd::remove_service(opt.remove);
    if (!opt.dashboard.empty() && !opt.conninfo.empty() && opt.path.empty())
        return write_dashboard(opt.dashboard, opt.conninfo, opt.offset, opt.language);
    if (opt.path.empty() || opt.conninfo.empty() || opt.interval < 1) return usage();
    if (!opt.install.empty()) {
        if (opt.once) return usage();
        if (opt.log.empty())
            opt.to_install.insert(opt.to_install.end(),
                                  {"--log", absolute(opt.path) + ".sync.log"});
        return syncd::install_service(opt.install, opt.to_install);
    }
    if (!opt.service.empty()) {
        if (opt.log.empty()) opt.log = opt.path + ".sync.log";
        return syncd::run_as_service(
            opt.service, [&opt] { return sync_loop(opt); }, g_stop);
    }
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    return sync_loop(opt);
}
