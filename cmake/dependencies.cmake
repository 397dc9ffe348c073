# Every dependency comes from Debian's packages (scripts/install-deps installs them).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS program_options)
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(SQLite3 REQUIRED)
pkg_check_modules(PQ REQUIRED IMPORTED_TARGET libpq)
find_package(EXPAT REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
pkg_check_modules(SOFIA REQUIRED IMPORTED_TARGET sofia-sip-ua)
pkg_check_modules(INIH REQUIRED IMPORTED_TARGET inih)
pkg_check_modules(IDN2 REQUIRED IMPORTED_TARGET libidn2)
pkg_check_modules(IDN REQUIRED IMPORTED_TARGET libidn)
# libcsv ships no pkg-config file.
find_path(CSV_INCLUDE_DIR csv.h REQUIRED)
find_library(CSV_LIBRARY csv REQUIRED)
add_library(cusax_libcsv INTERFACE)
target_include_directories(cusax_libcsv SYSTEM INTERFACE ${CSV_INCLUDE_DIR})
target_link_libraries(cusax_libcsv INTERFACE ${CSV_LIBRARY})

# Sofia-SIP's headers trip -Wextra: mark them as system headers.
set_target_properties(PkgConfig::SOFIA PROPERTIES INTERFACE_SYSTEM_INCLUDE_DIRECTORIES
                      "${SOFIA_INCLUDE_DIRS}")

# cusax_add_component(NAME DIR EXE): DIR/*.cpp except main.cpp become library NAME,
# DIR/main.cpp becomes executable EXE. Sources are globbed so a new file needs no CMake edit.
# DIR/*_config*.cpp, the program's key table and its checks, become NAME_config, which links
# only the shared library: config-catalog/ lists every program's table without linking the
# programs' wire libraries (Sofia-SIP, Asio, expat).
function(cusax_add_component name dir exe)
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${dir}/*.cpp)
  list(FILTER sources EXCLUDE REGEX "/main\\.cpp$")
  set(config_sources ${sources})
  list(FILTER config_sources INCLUDE REGEX "_config[^/]*\\.cpp$")
  list(FILTER sources EXCLUDE REGEX "_config[^/]*\\.cpp$")
  if(config_sources)
    add_library(${name}_config STATIC ${config_sources})
    target_include_directories(${name}_config PUBLIC ${PROJECT_SOURCE_DIR})
    target_link_libraries(${name}_config PUBLIC cusax_shared)
  else()
    add_library(${name}_config INTERFACE)
  endif()
  add_library(${name} STATIC ${sources})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${name}_config cusax_shared ${ARGN})
  if(EXISTS ${dir}/main.cpp)
    add_executable(${exe} ${dir}/main.cpp)
    target_link_libraries(${exe} PRIVATE ${name})
  endif()
endfunction()

# A program directory with no sources yet contributes nothing.
macro(cusax_add_component_if_any name dir exe)
  file(GLOB_RECURSE _any CONFIGURE_DEPENDS ${dir}/*.cpp)
  if(_any)
    cusax_add_component(${name} ${dir} ${exe} ${ARGN})
  endif()
endmacro()
