;; A valid module without graft_module_info: not a graft module.
(module (memory 1) (func (export "graft_module_init") (result i32) i32.const 0))
