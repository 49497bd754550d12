# Toolchain file: Windows x86_64 with MinGW-w64 (cmake/mingw-common.cmake).
set(LOYALTY_MINGW_ARCH x86_64)
include(${CMAKE_CURRENT_LIST_DIR}/mingw-common.cmake)
