/* Constants the virtio platform's assembly and C share. */
#ifndef GRAFT_PLATFORM_VIRTIO_LAYOUT_H
#define GRAFT_PLATFORM_VIRTIO_LAYOUT_H

#include <abi/virtio.h>

#define VIRTIO_GDT_CODE	       0x08
#define VIRTIO_GDT_DATA	       0x10
#define VIRTIO_GDT_TSS	       0x18
#define VIRTIO_BOOT_STACK_SIZE 65536
#define VIRTIO_LAPIC_BASE      0xfee00000
#define VIRTIO_MAPPED_TOP      0x100000000 /* the page tables map 0..4 GiB */

/* Interrupt vectors: every one from VIRTIO_VEC_FIRST up only wakes. */
#define VIRTIO_VEC_FIRST    0x20
#define VIRTIO_VEC_TIMER    0x20
#define VIRTIO_VEC_DEVICE   0x21
#define VIRTIO_VEC_SPURIOUS 0xff

/* Host ports.  The launcher attaches isa-debugcon devices here: the
 * console (fast: one rep outsb per write) and the exit channel, whose text
 * ("abort: ...", then "exit N") the launcher reads after QEMU ends. */
#define VIRTIO_PORT_DEBUGCON	 0xe9
#define VIRTIO_PORT_EXIT_CHANNEL 0x4e9
#define VIRTIO_PORT_DEBUG_EXIT	 0xf4
#define VIRTIO_PORT_COM1	 0x3f8

#endif
