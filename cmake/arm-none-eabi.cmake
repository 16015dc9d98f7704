# CMake toolchain file: bare-metal Arm Cortex-M4F (Thumb-2, single-precision FPU,
# hard-float ABI) with Debian's gcc-arm-none-eabi and libnewlib-arm-none-eabi.
# Used by the build tree build/mps2_an386 (make run BOARD=mps2_an386).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
set(CMAKE_OBJCOPY arm-none-eabi-objcopy CACHE FILEPATH "objcopy")
set(CMAKE_SIZE arm-none-eabi-size CACHE FILEPATH "size")

# No host executable can be linked without our linker script: test the compiler with a
# static library instead.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(AKIRA_CPU_FLAGS "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16")
# Debian's cross gcc installs its freestanding <stdint.h> first in the search path, which
# hides newlib's: <inttypes.h> then lacks PRIu64 and friends. newlib's stdint.h goes
# first in every unit (same types; gcc's then only repeats the typedefs).
set(AKIRA_NEWLIB_INCLUDE /usr/lib/arm-none-eabi/include)
set(CMAKE_C_FLAGS_INIT "${AKIRA_CPU_FLAGS} -include ${AKIRA_NEWLIB_INCLUDE}/stdint.h -ffunction-sections -fdata-sections")
set(CMAKE_ASM_FLAGS_INIT "${AKIRA_CPU_FLAGS}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "${AKIRA_CPU_FLAGS} -Wl,--gc-sections")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
