# cmake -DWAST2JSON=... -DWAST=x.wast -DSCRATCH=dir -DSEEDS=dir -DSTAMP=file -P wast_seeds.cmake
#
# Converts one spec script with wast2json and copies the binary modules it holds (the
# valid ones, and the assert_invalid / binary assert_malformed ones) into the seed
# directory; the JSON and the text-format modules are dropped.
foreach(v WAST2JSON WAST SCRATCH SEEDS STAMP)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "wast_seeds.cmake: -D${v}= missing")
  endif()
endforeach()
get_filename_component(name ${WAST} NAME_WE)
file(REMOVE_RECURSE ${SCRATCH})
file(MAKE_DIRECTORY ${SCRATCH} ${SEEDS})
execute_process(COMMAND ${WAST2JSON} --enable-all ${WAST} -o ${SCRATCH}/${name}.json
                RESULT_VARIABLE rc ERROR_VARIABLE errout)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "wast2json failed on ${WAST}: ${errout}")
endif()
file(GLOB wasms ${SCRATCH}/*.wasm)
if(wasms)
  file(COPY ${wasms} DESTINATION ${SEEDS})
endif()
file(REMOVE_RECURSE ${SCRATCH})
file(TOUCH ${STAMP})
