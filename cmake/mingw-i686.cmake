# Toolchain file: Windows i686 with MinGW-w64 (cmake/mingw-common.cmake).
set(LOYALTY_MINGW_ARCH i686)
include(${CMAKE_CURRENT_LIST_DIR}/mingw-common.cmake)
