# The tests that run on SQLite only are tagged [sqlite-only] and left out of the `pg:` copy
# (tests/CMakeLists.txt, djflow_add_test BOTH_BACKENDS). docs/testing.md lists each with its
# reason, between the markers below; this check fails when the tags and the list differ, so that
# no test leaves the PostgreSQL run without a written reason (decision 0124).
# -DEXES=exe1|exe2|... -DDOC=docs/testing.md
cmake_policy(SET CMP0057 NEW)  # if(... IN_LIST ...) in script mode
string(REPLACE "|" ";" exes "${EXES}")
set(tagged "")
foreach(exe IN LISTS exes)
  # A test program not built (a build of some targets only) would make its tagged tests look
  # unlisted: say which program is missing instead.
  if(NOT EXISTS "${exe}")
    message(FATAL_ERROR "${exe} is not built: build every test program (cmake --build) before this check")
  endif()
  execute_process(COMMAND "${exe}" "[sqlite-only]" --list-test-names-only
                  OUTPUT_VARIABLE out RESULT_VARIABLE rc)
  if(rc LESS 0)
    message(FATAL_ERROR "${exe} did not run: ${rc}")
  endif()
  string(REPLACE "\n" ";" lines "${out}")
  foreach(l IN LISTS lines)
    if(NOT l STREQUAL "")
      list(APPEND tagged "${l}")
    endif()
  endforeach()
endforeach()

file(READ "${DOC}" doc)
string(FIND "${doc}" "<!-- sqlite-only:begin -->" b)
string(FIND "${doc}" "<!-- sqlite-only:end -->" e)
if(b EQUAL -1 OR e EQUAL -1)
  message(FATAL_ERROR "${DOC} has no <!-- sqlite-only:begin --> ... <!-- sqlite-only:end --> list")
endif()
math(EXPR len "${e} - ${b}")
string(SUBSTRING "${doc}" ${b} ${len} section)
string(REPLACE "\n" ";" lines "${section}")
set(listed "")
foreach(l IN LISTS lines)
  if(l MATCHES "^- `([^`]+)`: .+")
    list(APPEND listed "${CMAKE_MATCH_1}")
  endif()
endforeach()

set(bad "")
foreach(t IN LISTS tagged)
  if(NOT t IN_LIST listed)
    string(APPEND bad "\n  tagged [sqlite-only] but not listed with a reason: ${t}")
  endif()
endforeach()
foreach(t IN LISTS listed)
  if(NOT t IN_LIST tagged)
    string(APPEND bad "\n  listed but not tagged [sqlite-only] (it runs on PostgreSQL): ${t}")
  endif()
endforeach()
if(bad)
  message(FATAL_ERROR "the SQLite-only tests and docs/testing.md differ:${bad}")
endif()
list(LENGTH tagged n)
message(STATUS "${n} SQLite-only tests, each listed with its reason")
