;; akira-spectest's own check of v128 values: the "ok" assertions must pass, the "wrong"
;; ones (one lane off, a NaN lane of the wrong class, a v128 after a scalar result, a
;; v128 global) must be reported as failed with their line.
(module
  (func (export "splat") (param i32) (result v128) (i32x4.splat (local.get 0)))
  (func (export "fnan") (result v128) (f32x4.splat (f32.const nan:0x600000)))
  (func (export "swap") (param v128 i32) (result i32 v128) (local.get 1) (local.get 0))
  (global (export "gv") v128 (v128.const i16x8 1 2 3 4 5 6 7 8))
)
(assert_return (invoke "splat" (i32.const 7)) (v128.const i32x4 7 7 7 7))                ;; ok
(assert_return (invoke "splat" (i32.const 7)) (v128.const i32x4 7 7 7 8))                ;; wrong
(assert_return (invoke "splat" (i32.const 7)) (v128.const i64x2 0x700000007 0x700000007)) ;; ok
(assert_return (invoke "fnan") (v128.const f32x4 nan:arithmetic nan:arithmetic nan:arithmetic nan:arithmetic)) ;; ok
(assert_return (invoke "fnan") (v128.const f32x4 nan:arithmetic nan:arithmetic nan:arithmetic nan:canonical))  ;; wrong
(assert_return (invoke "swap" (v128.const i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16) (i32.const 5))
               (i32.const 5) (v128.const i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16))  ;; ok
(assert_return (invoke "swap" (v128.const i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16) (i32.const 5))
               (i32.const 5) (v128.const i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 0))   ;; wrong
(assert_return (get "gv") (v128.const i16x8 1 2 3 4 5 6 7 8))                            ;; ok
(assert_return (get "gv") (v128.const i16x8 1 2 3 4 5 6 7 9))                            ;; wrong
