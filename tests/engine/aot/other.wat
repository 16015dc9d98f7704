;; Another module: the native code of tiers.wat must not attach to it.
(module
  (import "env" "poke" (func $poke))
  (memory 1)
  (func (export "add") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.sub))
