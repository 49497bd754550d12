// loyalty-syncd's arguments and files by UTF-8 names, on Windows too: a till's file under
// C:\Users\علی\AppData\ must reach the library intact. On Windows the arguments come from the
// UTF-16 command line (the C runtime's argv has lost what the ANSI code page cannot hold) and
// files open with _wfopen; elsewhere both are as given.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace syncd {

// The program's arguments, UTF-8.
std::vector<std::string> arguments(int argc, char** argv);

// fopen with a UTF-8 name.
std::FILE* open_file(const std::string& path, const char* mode);

#ifdef _WIN32
// This program's own path, UTF-8 ("" when unknown).
std::string own_path();

// UTF-8 <-> UTF-16 (invalid sequences become U+FFFD).
std::wstring widen(const std::string& utf8);
std::string narrow(const std::wstring& utf16);
#endif

}  // namespace syncd
