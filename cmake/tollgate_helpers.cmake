# Small helpers so each folder's CMakeLists.txt stays a list of files.

# tollgate_test(NAME LABEL SOURCES files... LIBS libs... [SERIAL]): one Catch2 executable,
# every TEST_CASE registered with ctest under LABEL. SERIAL for tests that must not run
# beside others (kernel state, fixed ports).
function(tollgate_test name label)
  cmake_parse_arguments(ARG "SERIAL" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} $<TARGET_OBJECTS:tollgate_catch_main> ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE Catch2::Catch2 ${ARG_LIBS})
  target_precompile_headers(${name} REUSE_FROM tollgate_catch_pch)
  target_compile_options(${name} PRIVATE -O0)
  target_compile_definitions(${name} PRIVATE
    TOLLGATE_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
    TOLLGATE_SHARED_DIR="${CMAKE_SOURCE_DIR}/../shared"
    TOLLGATE_BINARY_DIR="${CMAKE_BINARY_DIR}")
  set(properties LABELS ${label} TIMEOUT 300)
  if(ARG_SERIAL)
    list(APPEND properties RUN_SERIAL TRUE)
  endif()
  # --warn NoTests: a ctest entry whose name no longer selects its test case fails instead
  # of passing with nothing run.
  catch_discover_tests(${name} EXTRA_ARGS --warn NoTests PROPERTIES ${properties})
endfunction()

# tollgate_bench(NAME SOURCES files... LIBS libs...): a Google Benchmark executable,
# run by `make bench`, never by ctest.
function(tollgate_bench name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE benchmark::benchmark benchmark::benchmark_main ${ARG_LIBS})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)
endfunction()
