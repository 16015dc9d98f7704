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
  (func (export "peek") (param i32) (result i32) local.get 0 i32.load)
  ;; the largest offset: address + offset reaches past 4 GiB
  (func (export "peek_far") (param i32) (result i32) local.get 0 i64.load offset=4294967295 i32.wrap_i64)
  (func (export "poke8") (param i32 i32) local.get 0 local.get 1 i32.store8)
  ;; the translator leaves out a check that its basic block made already on the same
  ;; local: a larger offset, a local set or teed since, a check on one path only (then)
  ;; must still be checked
  (func (export "peek_more") (param i32 i32) (result i32)
    local.get 0 i32.load drop local.get 0 i32.load offset=4)
  (func (export "peek_set") (param i32 i32) (result i32)
    local.get 0 i32.load drop local.get 1 local.set 0 local.get 0 i32.load)
  (func (export "peek_if") (param i32 i32) (result i32)
    local.get 1 if local.get 0 i32.load drop end local.get 0 i32.load)
  (func (export "peek_tee") (param i32 i32) (result i32)
    local.get 0 i32.load drop local.get 1 local.tee 0 i32.load)
  ;; grows by one page; the new page reads as zero
  (func (export "grow") (param i32 i32) (result i32) i32.const 1 memory.grow drop memory.size)
  (func (export "fill") (param i32 i32) local.get 0 i32.const 7 local.get 1 memory.fill)
  (func (export "copy") (param i32 i32) local.get 0 i32.const 0 local.get 1 memory.copy))
