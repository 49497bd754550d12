# Cross build for Windows with Debian's MinGW-w64 (the POSIX-threads variant of g++, for
# std::thread and std::mutex), for the architecture LOYALTY_MINGW_ARCH (x86_64 or i686) set by
# cmake/mingw-<arch>.cmake. Tests run under wine (cmake/wine-run.sh). See scripts/windows.sh.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR ${LOYALTY_MINGW_ARCH})
set(triplet ${LOYALTY_MINGW_ARCH}-w64-mingw32)
set(CMAKE_C_COMPILER ${triplet}-gcc-posix)
set(CMAKE_CXX_COMPILER ${triplet}-g++-posix)
set(CMAKE_RC_COMPILER ${triplet}-windres)
set(CMAKE_AR ${triplet}-ar)
set(CMAKE_RANLIB ${triplet}-ranlib)
set(CMAKE_OBJDUMP ${triplet}-objdump)
set(CMAKE_FIND_ROOT_PATH /usr/${triplet})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(CMAKE_CROSSCOMPILING_EMULATOR ${CMAKE_CURRENT_LIST_DIR}/wine-run.sh)
