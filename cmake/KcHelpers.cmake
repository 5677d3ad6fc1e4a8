# kc_library / kc_executable / kc_test: the one way every kconnect target is made.
#
#   kc_library(<name> SOURCES ... [DEPS ...] [PRIVATE_DEPS ...])
#   kc_executable(<name> SOURCES ... [DEPS ...] [OUTPUT_NAME n])
#   kc_test(<name> SOURCES ... [DEPS ...] [LABELS unit|integration|e2e|broker] [TIMEOUT s]
#           [ONE_PROCESS])   ONE_PROCESS: one CTest test runs every test of the binary in one
#                            process (a suite sharing an expensive fixture, such as a broker)
#   kc_fuzz_target(<name> SOURCES ... [DEPS ...])   (KC_BUILD_FUZZ=ON, clang)
#
# Includes are rooted at the repository top (#include "libs/base/error.h").
# Warnings, -Werror (KC_WERROR) and sanitizers (KC_SANITIZE) apply to our targets only.

set(KC_WARNINGS
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wconversion -Wsign-conversion -Wdouble-promotion
  -Wformat=2 -Wimplicit-fallthrough
  -Wno-missing-field-initializers)  # designated initializers rely on member defaults
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  list(APPEND KC_WARNINGS -Wduplicated-cond -Wlogical-op)
endif()

set(KC_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=undefined
  -fno-omit-frame-pointer)

function(kc_apply_common target)
  target_include_directories(${target} PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>)
  target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:${KC_WARNINGS}>)
  if(KC_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(KC_SANITIZE)
    target_compile_options(${target} PRIVATE ${KC_SANITIZER_FLAGS})
    target_link_options(${target} PUBLIC ${KC_SANITIZER_FLAGS})
  endif()
  if(KC_BUILD_FUZZ)
    # Coverage for libFuzzer in every kconnect library a target links, ASan everywhere.
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link,address -fno-omit-frame-pointer)
    target_link_options(${target} PUBLIC -fsanitize=address)
  endif()
endfunction()

# kc_fuzz_target(<name> SOURCES ... DEPS ...): a libFuzzer executable in <build>/fuzz/ (KC_BUILD_FUZZ).
function(kc_fuzz_target name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  kc_apply_common(${name})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/fuzz)
endfunction()

function(kc_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  kc_apply_common(${name})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
endfunction()

function(kc_executable name)
  cmake_parse_arguments(ARG "" "OUTPUT_NAME" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  kc_apply_common(${name})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
  if(ARG_OUTPUT_NAME)
    set_target_properties(${name} PROPERTIES OUTPUT_NAME ${ARG_OUTPUT_NAME})
  endif()
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/bin)
endfunction()

function(kc_test name)
  cmake_parse_arguments(ARG "ONE_PROCESS" "TIMEOUT" "SOURCES;DEPS;LABELS" ${ARGN})
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  kc_apply_common(${name})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
  if(ARG_ONE_PROCESS)
    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT})
  else()
    gtest_discover_tests(${name}
      DISCOVERY_MODE PRE_TEST
      PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT})
  endif()
endfunction()
