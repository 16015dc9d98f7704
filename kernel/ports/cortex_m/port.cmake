# Cortex-M port (ARMv7-M with FPv4-SP, e.g. Cortex-M4F): the scheduler's context
# switch in assembly, semihosting, and the board's sizes (stacks, clock) from its
# akira/board_config.h. Public headers for the board: ports/cortex_m/include.
enable_language(ASM)
target_sources(akira_kernel PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/sched.c
  ${CMAKE_CURRENT_LIST_DIR}/switch.S
  ${CMAKE_CURRENT_LIST_DIR}/semihost.c
  ${CMAKE_CURRENT_LIST_DIR}/atomic64.c
)
target_compile_definitions(akira_kernel PUBLIC AKIRA_PORT_CORTEX_M=1)
target_include_directories(akira_kernel PUBLIC ${CMAKE_CURRENT_LIST_DIR}/include
                                               ${AKIRA_BOARD_DIR}/include
                                        PRIVATE ${CMAKE_CURRENT_LIST_DIR})
