# What only a Windows build tests (included from tests/CMakeLists.txt after the tests every
# platform runs, which ctest runs under wine here).

# loyalty.dll: named so, built for the target machine, exporting exactly tests/abi/exports.txt
# under plain C names on both architectures, importing only Windows' own DLLs, and carrying a
# version resource.
add_test(NAME dll_exports_imports_version
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/abi/check_dll.sh $<TARGET_FILE:loyalty>
                 ${CMAKE_OBJDUMP} ${CMAKE_SYSTEM_PROCESSOR} ${PROJECT_VERSION}
                 ${CMAKE_CURRENT_SOURCE_DIR}/abi/exports.txt)
# loyalty-sync.dll likewise, with its own functions (tests/abi/sync-exports.txt), importing
# loyalty.dll and libpq.dll beside it besides Windows' own.
if(TARGET loyalty_sync)
  add_test(NAME sync_dll_exports_imports_version
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/abi/check_dll.sh $<TARGET_FILE:loyalty_sync>
                   ${CMAKE_OBJDUMP} ${CMAKE_SYSTEM_PROCESSOR} ${PROJECT_VERSION}
                   ${CMAKE_CURRENT_SOURCE_DIR}/abi/sync-exports.txt loyalty.dll libpq.dll)
endif()

# The C++ unit suite as one test (discovering each case would run the program under wine at build
# time).
add_test(NAME unit_tests COMMAND loyalty_tests)
