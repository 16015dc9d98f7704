# cmake -DWAST2JSON=... -DIN=FILE.wast -DOUT=DIR/NAME.json -P convert.cmake
#
# Converts one spec script into a wast2json command list and its .wasm modules.
# wabt 1.0.32's --enable-all also turns on the function-references proposal, under
# which `ref.func` has a typed reference type, and it then refuses two Wasm 2.0
# scripts (ref_func.wast, table_grow.wast); its default feature set is Wasm 2.0
# exactly and converts them, so that is the fallback.
get_filename_component(dir ${OUT} DIRECTORY)
file(REMOVE_RECURSE ${dir})
file(MAKE_DIRECTORY ${dir})
execute_process(COMMAND ${WAST2JSON} --enable-all ${IN} -o ${OUT} RESULT_VARIABLE rc
                ERROR_VARIABLE why)
if(NOT rc EQUAL 0)
  file(REMOVE_RECURSE ${dir})
  file(MAKE_DIRECTORY ${dir})
  execute_process(COMMAND ${WAST2JSON} ${IN} -o ${OUT} RESULT_VARIABLE rc2 ERROR_VARIABLE why2)
  if(NOT rc2 EQUAL 0)
    message(FATAL_ERROR "wast2json cannot convert ${IN}:\n${why}\n${why2}")
  endif()
endif()
