# Third-party dependencies, all from Debian packages (see README "Set-up").
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(fmt REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(simdjson REQUIRED)
find_package(Boost 1.74 REQUIRED)
find_package(ZLIB REQUIRED)  # libs/http gzip bodies
# librdkafka ships no CMake package on Debian.
pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET rdkafka)
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
