# Writes OUT: a C++ file defining `const char* const NAMESPACE::SYMBOL` as the text of IN (a raw
# string), so a small data file (a model's weights) is compiled into the binary.
file(READ "${IN}" body)
string(FIND "${body}" ")codextext\"" bad)
if(NOT bad EQUAL -1)
  message(FATAL_ERROR "${IN} holds the raw-string delimiter")
endif()
set(code "// Generated from ${IN} by cmake/embed_text.cmake: do not edit.\nnamespace ${NAMESPACE} {\nextern const char* const ${SYMBOL};\nconst char* const ${SYMBOL} = R\"codextext(${body})codextext\";\n}  // namespace ${NAMESPACE}\n")
file(WRITE "${OUT}.tmp" "${code}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
