;; No SIMD instruction, only a v128 in a signature, a local and a global: the
;; translator must still refuse it (before the check it took v128 for a reference).
(module
  (global $g (mut v128) (v128.const i64x2 0 0))
  (func (export "id") (param v128) (result v128) (local v128) (local.get 0)))
