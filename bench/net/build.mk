# bench/net: graft's stack in instances beside Linux's (needs root, wrk, nginx).
BENCHES += bench/net/run.sh
