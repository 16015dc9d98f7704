;; Another module on indirect.wat's table (test_aot.c): writes its own function into the
;; shared table and calls through it; its function returns 1000 + its instance's id.
(module
  (import "a" "tab" (table 4 funcref))
  (type $ii (func (param i32) (result i32)))
  (global $id (mut i32) (i32.const 0))
  (func $who (type $ii) global.get $id i32.const 1000 i32.add local.get 0 i32.add)
  (elem declare func $who)
  (func (export "set_id") (param i32) local.get 0 global.set $id)
  (func (export "put") (param i32) local.get 0 ref.func $who table.set 0)
  (func (export "call") (param i32 i32) (result i32)
    local.get 1 local.get 0 call_indirect (type $ii)))
