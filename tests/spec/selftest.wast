;; akira-spectest's own check: the "ok" assertions must pass, the "wrong" ones must be
;; reported as failed with their line, the text-format one skipped.
(module
  (import "spectest" "global_i32" (global $g666 i32))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "nan") (result f32) (f32.const nan:0x600000))
  (func (export "g666") (result i32) (global.get $g666))
  (global (export "minus1") i64 (i64.const -1))
)
(assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 3))              ;; ok
(assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 4))              ;; wrong
(assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide by zero")     ;; ok
(assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer overflow")           ;; wrong
(assert_trap (invoke "add" (i32.const 1) (i32.const 0)) "unreachable")                ;; wrong
(assert_return (invoke "nan") (f32.const nan:arithmetic))                             ;; ok
(assert_return (invoke "nan") (f32.const nan:canonical))                              ;; wrong
(assert_return (get "minus1") (i64.const 0xffff_ffff_ffff_ffff))                      ;; ok
(assert_return (invoke "g666") (i32.const 666))                                       ;; ok
(assert_invalid (module (func (result i32) (i32.const 0) (drop))) "type mismatch")   ;; ok
(assert_invalid (module (func)) "type mismatch")                                      ;; wrong
(assert_unlinkable (module (import "spectest" "print_i32" (func (param i32)))) "unknown import") ;; wrong
(assert_malformed (module quote "(func") "unexpected end")                            ;; skipped
