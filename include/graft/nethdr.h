/*
 * Net device offloads and the header that carries them.
 *
 * A net device that takes offloads (plat_device_info's net_offloads,
 * struct graft_netdev's offloads, nonzero) prefixes every frame, both
 * ways, with a GRAFT_NET_HDR_LEN-byte header in the layout of virtio's
 * struct virtio_net_hdr_v1 (virtio 1.x, 5.1.6), little-endian:
 *
 *	offset 0  u8  flags        GRAFT_NET_HDR_F_*
 *	       1  u8  gso_type     GRAFT_NET_GSO_*
 *	       2  u16 hdr_len      Ethernet + IP + TCP header bytes (GSO)
 *	       4  u16 gso_size     payload bytes per segment on the wire
 *	       6  u16 csum_start   NEEDS_CSUM: where the checksum's sum
 *	       8  u16 csum_offset  begins, and where from there it goes
 *	      10  u16 num_buffers  0 (mergeable buffers are not used)
 *
 * It is what a Linux tap opened with IFF_VNET_HDR and TUNSETVNETHDRSZ 12
 * reads and writes, and what a virtio-net device puts before its frames.
 * A frame with gso_type other than NONE is one large TCP segment (an IP
 * packet up to 65535 bytes) that the host cuts into gso_size pieces, or
 * that it merged from them; NEEDS_CSUM says the TCP or UDP checksum field
 * holds only the pseudo-header sum and the rest is still to be added from
 * csum_start on (the host does it on send; on receive the host vouches for
 * the data), DATA_VALID that the host checked the checksum.  The
 * header's fields come from outside and are checked before use
 * (lib/net's wire_nethdr_parse).
 */
#ifndef GRAFT_NETHDR_H
#define GRAFT_NETHDR_H

/* offloads: what the device does for the guest */
#define GRAFT_NET_OFF_CSUM 1u /* completes partial checksums; may pass them */
#define GRAFT_NET_OFF_TSO4 2u /* cuts and merges TCP/IPv4 segments */

#define GRAFT_NET_HDR_LEN	   12
#define GRAFT_NET_HDR_F_NEEDS_CSUM 1
#define GRAFT_NET_HDR_F_DATA_VALID 2
#define GRAFT_NET_GSO_NONE	   0
#define GRAFT_NET_GSO_TCPV4	   1
#define GRAFT_NET_GSO_ECN	   0x80

/* The largest frame with its header on a device with offloads: an IP
 * packet of 65535 bytes with its Ethernet header (without offloads,
 * frames are at most mtu + 14 bytes). */
#define GRAFT_NET_FRAME_MAX (GRAFT_NET_HDR_LEN + 14 + 65535)

#endif
