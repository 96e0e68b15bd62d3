#!/usr/bin/env bash
# The WebAssembly spec test suite, one TAP line per .wast file: ok when
# every assertion of the file passes, SKIP for the SIMD files.
exec bash "$(dirname "$0")/run.sh" --tap
