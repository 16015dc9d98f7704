;; simd: a valid Wasm 2.0 module using v128: runs on an engine built with SIMD, is
;; refused (unsupported) by one built without it.
(module
  (func (export "f") (result i32)
    (i32x4.extract_lane 2 (i32x4.add (v128.const i32x4 1 2 3 4) (v128.const i32x4 0 0 0 0))))
  (func (export "g") (param i32) (result v128)
    (i32x4.splat (local.get 0))))
