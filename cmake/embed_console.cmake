# cmake -DDIR=built-console -DOUTPUT=header -P embed_console.cmake
# One header with the console's three built files (console/build.sh) as string_views.
set(parts "")
foreach(pair "index.html=kConsoleIndexHtml" "app.js=kConsoleAppJs" "app.css=kConsoleAppCss")
  string(REPLACE "=" ";" kv "${pair}")
  list(GET kv 0 file)
  list(GET kv 1 name)
  execute_process(COMMAND ${CMAKE_COMMAND} -DINPUT=${DIR}/${file} -DOUTPUT=${OUTPUT}.${name}.h -DNAME=${name}
                          -P ${CMAKE_CURRENT_LIST_DIR}/embed_text.cmake RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "embedding ${file} failed")
  endif()
  file(READ ${OUTPUT}.${name}.h text)
  file(REMOVE ${OUTPUT}.${name}.h)
  string(APPEND parts "${text}\n")
endforeach()
file(WRITE ${OUTPUT}.tmp "${parts}")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUTPUT}.tmp)
