;; The module of test_aot.c: one export per behaviour of the AOT tier it checks.
(module
  (import "env" "poke" (func $poke))
  (memory 1)
  (func (export "add") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.add)
  ;; calls the host (which asks for an interrupt) in a loop
  (func (export "spin_call") (loop $l call $poke br $l))
  ;; a loop without calls: only the back-edge check can stop it
  (func (export "spin") (loop $l br $l))
  (func $rec (export "rec") (param i32) (result i32)
    local.get 0 i32.const 1 i32.add call $rec)
  (func (export "peek") (param i32) (result i32) local.get 0 i32.load))
