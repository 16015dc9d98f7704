;; Seed for fuzz_engine: the paths between wasm and the embedder that spec modules (whose
;; imports are mostly spectest's print functions) hardly reach: host calls with the
;; caller's memory in use (the host grows and writes it: loads after the call must see
;; the moved memory), call_indirect through an imported table into host functions and
;; back, multi-value host results, imported mutable and reference globals, recursion
;; through the host.
(module
  (import "env" "f0" (func $f0))
  (import "env" "f1" (func $f1 (param i32) (result i32)))
  (import "env" "f2" (func $f2 (param i64 f64) (result f32 i32)))
  (import "env" "mem" (memory 1 4))
  (import "env" "tab" (table 4 funcref))
  (import "env" "g" (global $g (mut i32)))
  (import "env" "gi" (global $gi i64))
  (import "env" "ge" (global $ge externref))
  (type $t0 (func))
  (type $t1 (func (param i32) (result i32)))
  (func (export "host_then_load") (param $a i32) (result i32) (local $i i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (call $f1 (local.get $i))))
      (call $f0)
      (i32.store (local.get $a) (local.get $s))
      (local.set $s (i32.add (local.get $s)
        (i32.load (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 4)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 20))))
    (local.get $s))
  (func $grow (export "grow") (param $n i32) (result i32) (memory.grow (local.get $n)))
  (func (export "indirect") (param $i i32) (result i32)
    (call_indirect (type $t1) (local.get $i) (i32.and (local.get $i) (i32.const 3))))
  (func (export "indirect0") (param $i i32)
    (call_indirect (type $t0) (i32.and (local.get $i) (i32.const 3))))
  (func (export "multi") (param $x i64) (result i32) (local $r i32)
    (call $f2 (local.get $x) (f64.const 1.5))
    local.set $r
    i32.trunc_sat_f32_s
    local.get $r
    i32.add)
  (func (export "globals") (result i64)
    (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (drop (ref.is_null (global.get $ge)))
    (i64.add (global.get $gi) (i64.extend_i32_u (global.get $g))))
  (func $rec (export "rec") (param $n i32) (result i32)
    (if (result i32) (local.get $n)
      (then (call $f1 (call $rec (i32.sub (local.get $n) (i32.const 1)))))
      (else (memory.size))))
  (func (export "fill") (param $v i32)
    (memory.fill (i32.const 0) (local.get $v) (i32.mul (memory.size) (i32.const 65536)))
    (call $f0)
    (memory.copy (i32.const 1) (i32.const 0) (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 1))))
  (elem (i32.const 0) func $grow)
)
