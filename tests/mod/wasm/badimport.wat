;; Imports something outside the graft namespace.
(module (import "env" "memcpy" (func (param i32 i32 i32) (result i32)))
  (memory 1) (global (export "graft_module_info") i32 (i32.const 0)))
