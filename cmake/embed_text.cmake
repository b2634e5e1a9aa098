# cmake -DIN=file -DOUT=file.cpp -P embed_text.cmake
# Writes a C++ file defining djflow::engine::detail::kHolidaysCsv with the text of IN.
file(READ ${IN} content)
file(WRITE ${OUT} "// Generated from ${IN}. Do not edit.\n"
  "namespace djflow::engine::detail {\n"
  "extern const char* const kHolidaysCsv;\n"
  "const char* const kHolidaysCsv = R\"djflow_csv(${content})djflow_csv\";\n"
  "}\n")
