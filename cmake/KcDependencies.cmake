# Third-party dependencies, all from Debian packages (see README "Set-up").
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(fmt REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(simdjson REQUIRED)
find_package(Boost 1.74 REQUIRED)
find_package(ZLIB REQUIRED)  # libs/base/gzip.h
# librdkafka ships no CMake package on Debian. KC_RDKAFKA_PREFIX (./dev passes the librdkafka it
# builds, docs/testing.md) is searched before the system's; a changed prefix finds it again.
# Targets get an RPATH to it in the build tree (CMake adds one for a library outside the system's
# directories), so the binaries run without LD_LIBRARY_PATH.
set(KC_RDKAFKA_PREFIX "" CACHE PATH "A librdkafka installation to use before the system's")
if(KC_RDKAFKA_PREFIX)
  set(ENV{PKG_CONFIG_PATH} "${KC_RDKAFKA_PREFIX}/lib/pkgconfig:$ENV{PKG_CONFIG_PATH}")
endif()
if(NOT "${KC_RDKAFKA_PREFIX}" STREQUAL "${KC_RDKAFKA_PREFIX_FOUND}")
  unset(__pkg_config_checked_RDKAFKA CACHE)
  unset(pkgcfg_lib_RDKAFKA_rdkafka CACHE)
  set(KC_RDKAFKA_PREFIX_FOUND "${KC_RDKAFKA_PREFIX}" CACHE INTERNAL "")
endif()
pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET rdkafka)
if(RDKAFKA_VERSION VERSION_LESS 2.6.1)
  message(WARNING "librdkafka ${RDKAFKA_VERSION}: SCRAM fails against Kafka 4.x brokers and a consumer "
    "closed before its first assignment can abort the process (fixed in 2.3.0); ./dev builds 2.8.0")
endif()
# PCRE2 (libpcre2-dev): the Java regular expressions of the transforms.
pkg_check_modules(PCRE2 REQUIRED IMPORTED_TARGET libpcre2-8)

# tl::expected (libexpected-dev) is header-only.
find_path(TL_EXPECTED_INCLUDE_DIR tl/expected.hpp REQUIRED)
add_library(kc_tl_expected INTERFACE)
target_include_directories(kc_tl_expected SYSTEM INTERFACE ${TL_EXPECTED_INCLUDE_DIR})

if(KC_BUILD_TESTS)
  find_package(GTest REQUIRED)
  include(GoogleTest)
endif()
find_package(prometheus-cpp REQUIRED COMPONENTS core)
find_package(CLI11 QUIET)
if(NOT CLI11_FOUND)
  find_path(CLI11_INCLUDE_DIR CLI/CLI.hpp REQUIRED)
  add_library(CLI11::CLI11 INTERFACE IMPORTED)
  target_include_directories(CLI11::CLI11 INTERFACE ${CLI11_INCLUDE_DIR})
endif()

# Schema Registry converters (runtime/converters/schema_registry): Apache Avro C (libavro-dev),
# protobuf with libprotoc's .proto parser (libprotobuf-dev, libprotoc-dev).
pkg_check_modules(AVRO REQUIRED IMPORTED_TARGET avro-c)
find_package(Protobuf REQUIRED)
# The postgres sink (runtime/sinks/postgres): libpq (libpq-dev).
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
