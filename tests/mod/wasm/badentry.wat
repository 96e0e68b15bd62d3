;; graft_module_init with the wrong type; the INFO record for "badentry".
(module (memory 1)
  (global (export "graft_module_info") i32 (i32.const 16))
  (data (i32.const 16) "GRFM\01\00\01\00badentry")
  (func (export "graft_module_init") (param i32)))
