;; Asks for more memory than a bytecode module may have (256 pages).
(module (memory 300)
  (global (export "graft_module_info") i32 (i32.const 16))
  (data (i32.const 16) "GRFM\01\00\01\00bigmem"))
