#include "console.hpp"

#include "platform.hpp"

#ifdef _WIN32
#include <windows.h>
#endif

namespace syncd {

#ifdef _WIN32

std::FILE* open_file(const std::string& path, const char* mode) {
    return _wfopen(loyalty::platform::widen(path).c_str(), loyalty::platform::widen(mode).c_str());
}

std::string own_path() {
    std::wstring buf(32768, L'\0');
    const DWORD n = GetModuleFileNameW(nullptr, buf.data(), static_cast<DWORD>(buf.size()));
    if (n == 0 || n >= buf.size()) return "";
    buf.resize(n);
    return loyalty::platform::narrow(buf);
}

#else

std::FILE* open_file(const std::string& path, const char* mode) {
    return std::fopen(path.c_str(), mode);
}

#endif

}  // namespace syncd
