// What loyalty-syncd needs beyond the library's own platform layer (src/platform.hpp, which also
// gives it its arguments in UTF-8 and writes the dashboard's file): a file opened for appending
// by a UTF-8 name, and on Windows the program's own path, so that a till's file and log under
// C:\Users\علی\AppData\ keep their names.
#pragma once

#include <cstdio>
#include <string>

namespace syncd {

// fopen with a UTF-8 name (on Windows, _wfopen with its UTF-16 form).
std::FILE* open_file(const std::string& path, const char* mode);

#ifdef _WIN32
// This program's own path, UTF-8 ("" when unknown).
std::string own_path();
#endif

}  // namespace syncd
