#include "service.hpp"

#include <cstdio>

#include "console.hpp"
#include "platform.hpp"

#ifdef _WIN32
#include <windows.h>

#include <chrono>
#include <thread>

namespace syncd {
namespace {

using loyalty::platform::widen;

// The service control manager calls back into plain functions: what they need lives here for
// the one service this process runs.
std::wstring g_name;
const std::function<int()>* g_body = nullptr;
std::atomic<bool>* g_stop = nullptr;
SERVICE_STATUS_HANDLE g_handle = nullptr;
int g_status = 0;

void report(DWORD state, DWORD exit_code = NO_ERROR, DWORD specific = 0) {
    SERVICE_STATUS s{};
    s.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
    s.dwCurrentState = state;
    s.dwControlsAccepted =
        state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN : 0;
    s.dwWin32ExitCode = exit_code;
    s.dwServiceSpecificExitCode = specific;
    s.dwWaitHint = state == SERVICE_RUNNING || state == SERVICE_STOPPED ? 0 : 30000;
    SetServiceStatus(g_handle, &s);
}

DWORD WINAPI control(DWORD code, DWORD, LPVOID, LPVOID) {
    switch (code) {
        case SERVICE_CONTROL_STOP:
        case SERVICE_CONTROL_SHUTDOWN:
            report(SERVICE_STOP_PENDING);
            g_stop->store(true);
            return NO_ERROR;
        case SERVICE_CONTROL_INTERROGATE:
            return NO_ERROR;
        default:
            return ERROR_CALL_NOT_IMPLEMENTED;
    }
}

void WINAPI service_main(DWORD, LPWSTR*) {
    g_handle = RegisterServiceCtrlHandlerExW(g_name.c_str(), control, nullptr);
    if (!g_handle) return;
    report(SERVICE_RUNNING);
    g_status = (*g_body)();
    if (g_status == 0)
        report(SERVICE_STOPPED);
    else
        report(SERVICE_STOPPED, ERROR_SERVICE_SPECIFIC_ERROR, static_cast<DWORD>(g_status));
}

std::string last_error() {
    const DWORD code = GetLastError();
    char text[512] = {0};
    FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, nullptr, code, 0,
                   text, sizeof text, nullptr);
    std::string s = text;
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' '))
        s.pop_back();
    return s + " (error " + std::to_string(code) + ")";
}

// One argument of a Windows command line, quoted as CommandLineToArgvW and the C runtime read it.
std::string quote(const std::string& a) {
    if (!a.empty() && a.find_first_of(" \t\"") == std::string::npos) return a;
    std::string q = "\"";
    std::size_t slashes = 0;
    for (char c : a) {
        if (c == '\\') {
            ++slashes;
            continue;
        }
        q.append(c == '"' ? slashes * 2 + 1 : slashes, '\\');
        slashes = 0;
        q += c;
    }
    q.append(slashes * 2, '\\');
    return q + "\"";
}

struct Handle {
    SC_HANDLE h;
    ~Handle() {
        if (h) CloseServiceHandle(h);
    }
};

}  // namespace

int run_as_service(const std::string& name, const std::function<int()>& body,
                   std::atomic<bool>& stop) {
    g_name = widen(name);
    g_body = &body;
    g_stop = &stop;
    SERVICE_TABLE_ENTRYW table[] = {{g_name.data(), service_main}, {nullptr, nullptr}};
    if (!StartServiceCtrlDispatcherW(table)) {
        std::fprintf(stderr,
                     "loyalty-syncd: --service: not started by the service control manager: %s\n",
                     last_error().c_str());
        return 1;
    }
    return g_status;
}

int install_service(const std::string& name, const std::vector<std::string>& args) {
    const std::string self = own_path();
    if (self.empty()) {
        std::fprintf(stderr, "loyalty-syncd: cannot find its own path: %s\n", last_error().c_str());
        return 1;
    }
    std::string command = quote(self) + " --service " + quote(name);
    for (const auto& a : args)
        command += " " + quote(a);
    Handle scm{OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CREATE_SERVICE)};
    if (!scm.h) {
        std::fprintf(stderr, "loyalty-syncd: cannot open the service control manager: %s\n",
                     last_error().c_str());
        return 1;
    }
    const std::wstring display = widen("libloyalty sync (" + name + ")");
    Handle svc{CreateServiceW(scm.h, widen(name).c_str(), display.c_str(), SERVICE_ALL_ACCESS,
                              SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START, SERVICE_ERROR_NORMAL,
                              widen(command).c_str(), nullptr, nullptr, nullptr, nullptr, nullptr)};
    if (!svc.h) {
        std::fprintf(stderr, "loyalty-syncd: cannot create the service %s: %s\n", name.c_str(),
                     last_error().c_str());
        return 1;
    }
    SERVICE_DESCRIPTIONW d{};
    std::wstring text = L"Keeps this till's loyalty file and the chain's authority in step.";
    d.lpDescription = text.data();
    ChangeServiceConfig2W(svc.h, SERVICE_CONFIG_DESCRIPTION, &d);
    std::printf("service %s installed (starts at boot; now: sc start %s)\n", name.c_str(),
                name.c_str());
    return 0;
}

int remove_service(const std::string& name) {
    Handle scm{OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT)};
    if (!scm.h) {
        std::fprintf(stderr, "loyalty-syncd: cannot open the service control manager: %s\n",
                     last_error().c_str());
        return 1;
    }
    Handle svc{
        OpenServiceW(scm.h, widen(name).c_str(), SERVICE_STOP | SERVICE_QUERY_STATUS | DELETE)};
    if (!svc.h) {
        std::fprintf(stderr, "loyalty-syncd: no service %s: %s\n", name.c_str(),
                     last_error().c_str());
        return 1;
    }
    SERVICE_STATUS s{};
    if (ControlService(svc.h, SERVICE_CONTROL_STOP, &s)) {
        // A round in flight finishes first: wait for the service to stop, up to 30 s.
        for (int i = 0;
             i < 300 && QueryServiceStatus(svc.h, &s) && s.dwCurrentState != SERVICE_STOPPED; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (!DeleteService(svc.h)) {
        std::fprintf(stderr, "loyalty-syncd: cannot delete the service %s: %s\n", name.c_str(),
                     last_error().c_str());
        return 1;
    }
    std::printf("service %s removed\n", name.c_str());
    return 0;
}

}  // namespace syncd

#else

namespace syncd {
namespace {
int windows_only() {
    std::fprintf(stderr,
                 "loyalty-syncd: services are Windows'; elsewhere run it under systemd "
                 "(docs/chain.md)\n");
    return 2;
}
}  // namespace

int run_as_service(const std::string&, const std::function<int()>&, std::atomic<bool>&) {
    return windows_only();
}
int install_service(const std::string&, const std::vector<std::string>&) {
    return windows_only();
}
int remove_service(const std::string&) {
    return windows_only();
}

}  // namespace syncd

#endif
