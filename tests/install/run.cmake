# Installs the build tree into WORK_DIR/prefix, then builds and runs consumers of the installed
# package: CMake config (shared and static) and pkg-config (shared and static).
file(REMOVE_RECURSE ${WORK_DIR})
set(PREFIX ${WORK_DIR}/prefix)
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}")
  endif()
  message(STATUS "${out}")
endfunction()

run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${PREFIX})
foreach(f include/loyalty/loyalty.h lib/libloyalty.so lib/libloyalty.so.0 lib/libloyalty.a
          lib/pkgconfig/loyalty.pc lib/cmake/loyalty/loyaltyConfig.cmake
          lib/cmake/loyalty/loyaltyConfigVersion.cmake)
  if(NOT EXISTS ${PREFIX}/${f})
    # Debian-style multiarch layouts put libraries under lib/<triplet>.
    file(GLOB alt ${PREFIX}/lib/*/${f})
    string(REPLACE "lib/" "" rest ${f})
    file(GLOB alt ${PREFIX}/lib/*/${rest})
    if(NOT alt)
      message(FATAL_ERROR "missing from the install: ${f}")
    endif()
  endif()
endforeach()

# The Debian -dev layout: the real file is versioned, libloyalty.so.0 (the SONAME) and
# libloyalty.so (for the linker) are symlinks to it.
file(GLOB_RECURSE real ${PREFIX}/lib/libloyalty.so.*.*.*)
file(GLOB_RECURSE soname ${PREFIX}/lib/libloyalty.so.0)
file(GLOB_RECURSE devlink ${PREFIX}/lib/libloyalty.so)
if(NOT real OR IS_SYMLINK ${real})
  message(FATAL_ERROR "the versioned libloyalty.so.X.Y.Z is missing or not a file")
endif()
foreach(link ${soname} ${devlink})
  if(NOT IS_SYMLINK ${link})
    message(FATAL_ERROR "${link} should be a symlink")
  endif()
  file(REAL_PATH ${link} target)
  if(NOT target STREQUAL real)
    message(FATAL_ERROR "${link} points to ${target}, not ${real}")
  endif()
endforeach()
execute_process(COMMAND readelf -d ${real} OUTPUT_VARIABLE dyn)
if(NOT dyn MATCHES "Library soname: \\[libloyalty\\.so\\.0\\]")
  message(FATAL_ERROR "SONAME is not libloyalty.so.0:\n${dyn}")
endif()
foreach(h loyalty.h loyalty.hpp loyalty_raii.hpp)
  if(NOT EXISTS ${PREFIX}/include/loyalty/${h})
    message(FATAL_ERROR "header not installed: ${h}")
  endif()
endforeach()

# The back-office tool is installed with the library and runs from the prefix.
if(NOT EXPECT_ADMIN)
  # built without the tool (LOYALTY_BUILD_TOOLS=OFF)
elseif(EXISTS ${PREFIX}/bin/loyalty-admin)
  execute_process(COMMAND ${PREFIX}/bin/loyalty-admin reports OUTPUT_VARIABLE listed RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0 OR NOT listed MATCHES "top_members")
    message(FATAL_ERROR "the installed loyalty-admin does not list the reports (${rc})")
  endif()
  if(NOT EXISTS ${PREFIX}/share/man/man1/loyalty-admin.1)
    message(FATAL_ERROR "the man page share/man/man1/loyalty-admin.1 is not installed")
  endif()
else()
  message(FATAL_ERROR "bin/loyalty-admin is not installed")
endif()

# CMake consumer.
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/install/consumer -B ${WORK_DIR}/cmake-build
    -DCMAKE_PREFIX_PATH=${PREFIX} -DCMAKE_BUILD_TYPE=Release)
run(${CMAKE_COMMAND} --build ${WORK_DIR}/cmake-build)
file(GLOB libdirs LIST_DIRECTORIES true ${PREFIX}/lib ${PREFIX}/lib/*-linux-gnu)
string(REPLACE ";" ":" ld_path "${libdirs}")
run(${CMAKE_COMMAND} -E env LD_LIBRARY_PATH=${ld_path} ${WORK_DIR}/cmake-build/consumer_shared ${WORK_DIR}/a.db)
run(${WORK_DIR}/cmake-build/consumer_static ${WORK_DIR}/b.db)
run(${CMAKE_COMMAND} -E env LD_LIBRARY_PATH=${ld_path} ${WORK_DIR}/cmake-build/consumer_raii ${WORK_DIR}/e.db)

# pkg-config consumer.
file(GLOB pcdirs LIST_DIRECTORIES true ${PREFIX}/lib/pkgconfig ${PREFIX}/lib/*/pkgconfig)
string(REPLACE ";" ":" pc_path "${pcdirs}")
execute_process(COMMAND ${CMAKE_COMMAND} -E env PKG_CONFIG_PATH=${pc_path} pkg-config --cflags --libs loyalty
                OUTPUT_VARIABLE flags RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pkg-config does not know loyalty")
endif()
separate_arguments(flags UNIX_COMMAND "${flags}")
# As docs/building.md says: the library's folder as the program's run path, so that it runs
# without LD_LIBRARY_PATH from a prefix outside the system's library folders.
execute_process(COMMAND ${CMAKE_COMMAND} -E env PKG_CONFIG_PATH=${pc_path} pkg-config
                        --variable=libdir loyalty
                OUTPUT_VARIABLE pc_libdir OUTPUT_STRIP_TRAILING_WHITESPACE)
run(cc -std=c99 -Wall -Wextra -pedantic -Werror ${SOURCE_DIR}/tests/install/consumer/main.c ${flags}
    -Wl,-rpath,${pc_libdir} -o ${WORK_DIR}/pc_shared)
run(${CMAKE_COMMAND} -E env --unset=LD_LIBRARY_PATH ${WORK_DIR}/pc_shared ${WORK_DIR}/c.db)
execute_process(COMMAND ${CMAKE_COMMAND} -E env PKG_CONFIG_PATH=${pc_path} pkg-config --static --libs-only-l loyalty
                OUTPUT_VARIABLE slibs OUTPUT_STRIP_TRAILING_WHITESPACE)
separate_arguments(slibs UNIX_COMMAND "${slibs}")
list(REMOVE_ITEM slibs -lloyalty)
file(GLOB_RECURSE archive ${PREFIX}/lib/libloyalty.a)
run(cc -std=c99 -Wall -Wextra -pedantic -Werror ${SOURCE_DIR}/tests/install/consumer/main.c -I${PREFIX}/include
    -DLOYALTY_STATIC ${archive} ${slibs} -o ${WORK_DIR}/pc_static)
run(${WORK_DIR}/pc_static ${WORK_DIR}/d.db)
message(STATUS "installed package consumed by CMake and pkg-config, shared and static")
