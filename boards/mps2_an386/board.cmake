# mps2_an386's choices in the layers above the kernel, read by the top-level
# CMakeLists.txt before them.
# Debian has no libsodium for arm-none-eabi: the signature backend that refuses signed
# apps (runtime/src/sig/none.c, docs/runtime.md "Trust policy").
set(AKIRA_RUNTIME_ED25519 OFF)
# Nor mbedTLS: the BLE host without SMP, refusing pairing (connectivity/ble/host_smp_none.c).
set(AKIRA_BLE_SMP OFF)
# The bridge's API modules with something behind them on this board: the CMSDK UARTs,
# flash0 (storage), timers, IPC, memory, lifecycle, WASI. No GPIO, I2C, PWM, sensors,
# power control or network here: apps importing those fail with "unknown import".
set(AKIRA_RUNTIME_API_MODULES common lifecycle memory timer wasi wasi0 ipc storage uart)
# The kernel log's RAM rings: the system's 64 entries (10 KiB) instead of the host's 256
# (40 KiB), and 32 for apps' tagged lines instead of 64 (each app's last 48 lines are
# also in its own ring, in PSRAM, for `app logs`): the largest tables in internal RAM
# (bench/RESULTS.md, "Cortex-M4F firmware").
add_compile_definitions(AKIRA_LOG_RING_ENTRIES=64 AKIRA_LOG_GUEST_RING_ENTRIES=32)
# The engine without SIMD (v128): 12 KiB less flash; SIMD modules fail to load with
# "SIMD is not supported" (docs/engine_loader.md). -DAKIRA_WASM_SIMD=ON builds it in.
set(AKIRA_WASM_SIMD OFF CACHE BOOL "WebAssembly fixed-width SIMD (v128) in the engine")
