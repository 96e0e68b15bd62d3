/*
 * udpecho: a driver-style module on a granted net device (net0 unless
 * built with -DUDPECHO_DEVICE='"name"'): it answers ARP requests for its
 * address (192.0.2.2, TEST-NET-1, unless -DUDPECHO_IP=a,b,c,d) and echoes
 * every UDP datagram sent to port 7 of that address back to its sender.
 * No IP stack: it parses and builds the few headers it needs, checking
 * every length against the frame first.
 */
#include <stdbool.h>
#include <graft/error.h>
#include <graft/log.h>
#include <graft/modapi.h>
#include <graft/module.h>

#ifndef UDPECHO_DEVICE
#define UDPECHO_DEVICE "net0"
#endif
#ifndef UDPECHO_IP
#define UDPECHO_IP 192, 0, 2, 2
#endif

GRAFT_MODULE("udpecho", "1.0", "MIT");

#define ETH_LEN	  14
#define ARP_LEN	  28
#define IP_MIN	  20
#define UDP_LEN	  8
#define ECHO_PORT 7

static const uint8_t my_ip[4] = {UDPECHO_IP};
static uint8_t my_mac[6];
static uint8_t frame[1600];
static int dev;

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void copy(uint8_t *dst, const uint8_t *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = src[i];
}

static bool same(const uint8_t *a, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

/* Turn the frame around at the Ethernet layer. */
static void eth_reply(uint8_t *f)
{
	copy(f, f + 6, 6);
	copy(f + 6, my_mac, 6);
}

static void arp(uint8_t *f, size_t len)
{
	uint8_t *a = f + ETH_LEN;

	if (len < ETH_LEN + ARP_LEN || get16(a) != 1 ||
	    get16(a + 2) != 0x0800 || a[4] != 6 || a[5] != 4 ||
	    get16(a + 6) != 1 || !same(a + 24, my_ip, 4))
		return;
	put16(a + 6, 2);
	copy(a + 18, a + 8, 10); /* their sha, spa become tha, tpa */
	copy(a + 8, my_mac, 6);
	copy(a + 14, my_ip, 4);
	eth_reply(f);
	graft_mod_net_send(dev, f, ETH_LEN + ARP_LEN);
}

static uint16_t ip_checksum(const uint8_t *h, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += get16(h + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void udp(uint8_t *f, size_t len)
{
	uint8_t *ip = f + ETH_LEN, *u, tmp[4];
	size_t ihl, total;

	if (len < ETH_LEN + IP_MIN || ip[0] >> 4 != 4)
		return;
	ihl = (size_t)(ip[0] & 15) * 4;
	total = get16(ip + 2);
	if (ihl < IP_MIN || total < ihl + UDP_LEN || total > len - ETH_LEN ||
	    ip[9] != 17 || (get16(ip + 6) & 0x3fff) != 0 ||
	    !same(ip + 16, my_ip, 4) || ip_checksum(ip, ihl) != 0)
		return;
	u = ip + ihl;
	if (get16(u + 2) != ECHO_PORT || get16(u + 4) < UDP_LEN ||
	    get16(u + 4) > total - ihl)
		return;
	copy(tmp, ip + 12, 4);
	copy(ip + 12, ip + 16, 4);
	copy(ip + 16, tmp, 4);
	ip[8] = 64;
	put16(ip + 10, 0);
	put16(ip + 10, ip_checksum(ip, ihl));
	copy(tmp, u, 2);
	copy(u, u + 2, 2);
	copy(u + 2, tmp, 2);
	put16(u + 6, 0); /* no UDP checksum: allowed over IPv4 */
	eth_reply(f);
	graft_mod_net_send(dev, f, ETH_LEN + total);
}

static void udpecho_net(int handle)
{
	int n;

	while ((n = graft_mod_net_recv(handle, frame, sizeof(frame))) > 0) {
		if ((size_t)n < ETH_LEN)
			continue;
		if (get16(frame + 12) == 0x0806)
			arp(frame, (size_t)n);
		else if (get16(frame + 12) == 0x0800)
			udp(frame, (size_t)n);
	}
}

static int udpecho_init(void)
{
	dev = graft_mod_dev_open(UDPECHO_DEVICE);
	if (dev < 0) {
		graft_mod_logs(
		    GRAFT_LOG_ERROR,
		    "cannot open " UDPECHO_DEVICE
		    " (was it granted: graft.grant=udpecho:" UDPECHO_DEVICE
		    "?)");
		return dev;
	}
	return graft_mod_net_mac(dev, my_mac);
}

GRAFT_MODULE_INIT(udpecho_init);
GRAFT_MODULE_NET(udpecho_net);
