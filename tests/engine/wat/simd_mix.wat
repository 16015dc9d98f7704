;; v128 values beside scalars everywhere a value can be: parameters, locals, results,
;; a global, select, calls, multi-value blocks, loops with parameters and br_table
;; (test_exec_simd.c calls "mix" and "count"). Every v128 takes two frame slots, so
;; these catch a slot miscounted anywhere on the way.
(module
  (global $g (mut v128) (v128.const i32x4 0 0 0 0))
  (func $inner (param i32 v128 i64 v128) (result v128 i32 v128)
    (local.get 3) (local.get 0) (local.get 1))
  ;; (a, b, c, d) -> (a ? b : d, a + (i32)c, b + d), through a global and blocks
  (func (export "mix") (param $a i32) (param $b v128) (param $c i64) (param $d v128)
                       (result v128 i32 v128)
    (local $t v128) (local $x i32)
    (local.set $t (i32x4.add (local.get $d) (local.get $b)))
    (global.set $g (local.get $t))
    (call $inner (i32.add (local.get $a) (i32.wrap_i64 (local.get $c)))
                 (global.get $g) (local.get $c)
                 (select (local.get $b) (local.get $d) (local.get $a)))
    (block (param v128 i32 v128) (result v128 i32 v128)
      (br_table 0 1 (i32.wrap_i64 (local.get $c)))))
  ;; splat(x) added to itself n times in a loop that carries the v128 as its parameter
  (func (export "count") (param $x i32) (param $n i32) (result v128 i32)
    (i32x4.splat (i32.const 0))
    (loop $l (param v128) (result v128)
      (i32x4.add (i32x4.splat (local.get $x)))
      (local.tee $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l)
      )
    (local.get $n)))
