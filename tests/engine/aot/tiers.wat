;; The module of test_aot.c: one export per behaviour of the AOT tier it checks.
(module
  (import "env" "poke" (func $poke))
  (memory 1)
  (table 1 funcref)
  (func (export "add") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.add)
  ;; calls the host (which asks for an interrupt) in a loop
  (func (export "spin_call") (loop $l call $poke br $l))
  ;; a loop without calls: only the back-edge check can stop it
  (func (export "spin") (loop $l br $l))
  ;; a loop whose counter starts at a constant and meets its bound within a few
  ;; iterations has no poll (translate.c, bounded()): it still computes the same
  (func (export "count") (param i32 i32) (result i32)
    i32.const 0 local.set 1
    i32.const 0 local.set 0
    (loop $l
      local.get 1 local.get 0 i32.add local.set 1
      local.get 0 i32.const 1 i32.add local.tee 0 i32.const 100 i32.ne br_if $l)
    local.get 1)
  ;; endless loops that look like that one: each must keep its poll
  ;; (from 1 by 2, never 4)
  (func (export "spin_ne") (param i32 i32) (result i32)
    i32.const 1 local.set 0
    (loop $l local.get 0 i32.const 2 i32.add local.tee 0 i32.const 4 i32.ne br_if $l)
    local.get 0)
  ;; the counter reset in the body
  (func (export "spin_reset") (param i32 i32) (result i32)
    i32.const 0 local.set 0
    (loop $l
      i32.const 0 local.set 0
      local.get 0 i32.const 1 i32.add local.tee 0 i32.const 10 i32.ne br_if $l)
    local.get 0)
  ;; another branch back to the header (taken when the second argument is not 0)
  (func (export "spin_back") (param i32 i32) (result i32)
    i32.const 0 local.set 0
    (loop $l
      local.get 1 br_if $l
      local.get 0 i32.const 1 i32.add local.tee 0 i32.const 10 i32.ne br_if $l)
    local.get 0)
  ;; the bound compared with another local than the one counted
  (func (export "spin_other") (param i32 i32) (result i32)
    i32.const 0 local.set 1
    i32.const 0 local.set 0
    (loop $l local.get 0 i32.const 1 i32.add local.tee 1 i32.const 10 i32.ne br_if $l)
    local.get 0)
  (func (export "spin_other2") (param i32 i32) (result i32)
    i32.const 0 local.set 1
    i32.const 5 local.set 0
    i32.const 0 local.set 0
    (loop $l
      local.get 0 i32.const 1 i32.add local.set 1
      local.get 0 i32.const 10 i32.ne br_if $l)
    local.get 0)
  ;; the counter set before an outer loop, not in the block that enters the inner
  ;; one: the second time in, it is odd and never meets 10
  (func (export "spin_entry") (param i32 i32) (result i32)
    i32.const 0 local.set 0
    (loop $o
      (loop $i local.get 0 i32.const 2 i32.add local.tee 0 i32.const 10 i32.ne br_if $i)
      i32.const 1 local.set 0
      br $o)
    unreachable)
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
  (func (export "copy") (param i32 i32) local.get 0 i32.const 0 local.get 1 memory.copy)
  ;; asynchronous interruption (x86-64: loop headers have no poll): the host function
  ;; is interrupted while it sleeps, then a loop without calls follows
  (func (export "spin_after_call") call $poke (loop $l br $l))
  ;; a loop that spends its time in the C library's memset (a helper)
  (func (export "spin_fill")
    (loop $l i32.const 0 i32.const 0 i32.const 65536 memory.fill br $l))
  ;; a loop that spends about half of its time in a short helper
  (func (export "spin_helper") (loop $l table.size 0 drop br $l)))
