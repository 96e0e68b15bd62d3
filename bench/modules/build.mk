# bench/modules: live load against rebuild-and-reboot (run by make bench).
BENCHES += bench/modules/run.sh
