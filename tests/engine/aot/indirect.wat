;; test_aot.c's call_indirect cases: the inline check of native code (bounds, null, the
;; callee's instance and canonical type) after every kind of table write, and tables
;; shared with other instances (indirect_peer.wat), native or interpreted.
(module
  (type $ii (func (param i32) (result i32)))
  (type $ii2 (func (param i32) (result i32))) ;; the same signature, another index
  (type $v (func))
  (table $t (export "tab") 4 funcref)
  (global $id (mut i32) (i32.const 0))
  (func $inc (type $ii) local.get 0 i32.const 1 i32.add)
  (func $dbl (type $ii2) local.get 0 i32.const 2 i32.mul)
  (func $nop (type $v))
  ;; which instance runs: its id (set_id)
  (func $who (type $ii) global.get $id local.get 0 i32.add)
  (elem (i32.const 0) func $inc $dbl $nop) ;; slot 3 stays null
  (elem $pass func $who $dbl)
  (func (export "set_id") (param i32) local.get 0 global.set $id)
  (func (export "call") (param i32 i32) (result i32)
    local.get 1 local.get 0 call_indirect (type $ii))
  (func (export "call2") (param i32 i32) (result i32)
    local.get 1 local.get 0 call_indirect (type $ii2))
  (func (export "call_v") (param i32) local.get 0 call_indirect (type $v))
  (func (export "set_who") (param i32) local.get 0 ref.func $who table.set $t)
  (func (export "set_null") (param i32) local.get 0 ref.null func table.set $t)
  (func (export "grow") (param i32) (result i32) ref.func $who local.get 0 table.grow $t)
  (func (export "init") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 table.init $t $pass)
  (func (export "drop") elem.drop $pass)
  (func (export "copy") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 table.copy $t $t)
  (func (export "fill") (param i32 i32) local.get 0 ref.func $dbl local.get 1 table.fill $t))
