# cmake -DINPUT=file -DOUTPUT=header -DNAME=kIdentifier -P embed_text.cmake
# Writes a header holding INPUT's exact bytes as `inline constexpr std::string_view NAME` in
# namespace csms::generated (a raw string literal; INPUT must not contain the delimiter).
file(READ "${INPUT}" content)
string(FIND "${content}" ")csms_embed\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter )csms_embed\"")
endif()
get_filename_component(input_name "${INPUT}" NAME)
set(text "// Generated at build time from ${input_name} by cmake/embed_text.cmake; do not edit.\n")
string(APPEND text "#pragma once\n\n#include <string_view>\n\nnamespace csms::generated {\n\n")
string(APPEND text "inline constexpr std::string_view ${NAME} = R\"csms_embed(${content})csms_embed\";\n\n")
string(APPEND text "}  // namespace csms::generated\n")
file(WRITE "${OUTPUT}.tmp" "${text}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
