# bench/virtio: hello's boot-to-exit time under QEMU beside hvt and unix.
BENCHES += bench/virtio/run.sh
