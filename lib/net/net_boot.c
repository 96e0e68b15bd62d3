/*
 * The boot step that brings the stack up in an instance (guest builds
 * only).  When the image links lib/net and the host attached a network
 * device, it makes a stack on net0, configured from the kernel options
 *
 *	graft.ip=A.B.C.D[/PREFIX]   static address (prefix 24 if left out)
 *	graft.gw=A.B.C.D            default gateway, within the subnet
 *	graft.dns=A.B.C.D           DNS server
 *	graft.dhcp                  ask a DHCP server instead of graft.ip
 *
 * starts its driver (net_driver.c) and makes it the default stack
 * before main() runs.  net_default() lives here so that an application
 * that asks for the default stack pulls this step out of libnet.a: the
 * step registers only by declaration (GRAFT_INIT), which a linker taking
 * what is referenced from an archive would otherwise leave out.  A bad option
 *ends the instance with one line naming it.  TCP buffers and the socket cap are
 *scaled to the instance's memory, so that the sockets' buffers can take at most
 * half of the heap.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <graft/device.h>
#include <graft/error.h>
#include <graft/heap.h>
#include <graft/init.h>
#include <graft/log.h>
#include <graft/net.h>
#include <graft/time.h>

#define BOOT_DEVICE	"net0"
#define TCP_BUF_MIN	(16u << 10)
#define TCP_BUF_MAX	(256u << 10)
#define TCP_SOCKETS_MIN 16u
#define TCP_SOCKETS_MAX 256u

static struct net_stack *default_stack;

void net_set_default(struct net_stack *s)
{
	default_stack = s;
}

struct net_stack *net_default(void)
{
	return default_stack;
}

/* "A.B.C.D" or "A.B.C.D/N" into *ip and *mask. */
static int parse_cidr(const char *str, uint32_t *ip, uint32_t *mask)
{
	char addr[16];
	const char *slash = strchr(str, '/');
	size_t n = slash ? (size_t)(slash - str) : strlen(str);
	char *end;
	long prefix = 24;

	if (n >= sizeof(addr))
		return GRAFT_EINVAL;
	memcpy(addr, str, n);
	addr[n] = '\0';
	if (net_ip4_parse(addr, ip) < 0 || *ip == 0)
		return GRAFT_EINVAL;
	if (slash) {
		prefix = strtol(slash + 1, &end, 10);
		if (end == slash + 1 || *end || prefix < 1 || prefix > 32)
			return GRAFT_EINVAL;
	}
	*mask = prefix == 32 ? 0xffffffffu : ~(0xffffffffu >> prefix);
	return 0;
}

/* The option key as an address into *ip (left alone if absent). */
static int option_addr(const char *key, uint32_t *ip)
{
	const char *v = graft_option(key);

	if (!v)
		return 0;
	if (net_ip4_parse(v, ip) == 0)
		return 0;
	graft_log(GRAFT_LOG_ERROR, "net",
		  "option graft.%s=%s: not an IPv4 address (e.g. 192.0.2.1)",
		  key, v);
	return GRAFT_EINVAL;
}

/* Addresses from the options; *dhcp if graft.dhcp was given. */
static int boot_options(struct net_config *cfg, bool *dhcp)
{
	const char *ip = graft_option("ip"), *d = graft_option("dhcp");
	char a[16], b[16];

	if (d && *d) {
		graft_log(GRAFT_LOG_ERROR, "net",
			  "option graft.dhcp=%s: takes no value", d);
		return GRAFT_EINVAL;
	}
	*dhcp = d != NULL;
	if (ip && *dhcp) {
		graft_log(
		    GRAFT_LOG_ERROR, "net",
		    "options graft.ip and graft.dhcp: give one, not both");
		return GRAFT_EINVAL;
	}
	if (ip && parse_cidr(ip, &cfg->ip, &cfg->netmask) < 0) {
		graft_log(GRAFT_LOG_ERROR, "net",
			  "option graft.ip=%s: not an address/prefix (e.g. "
			  "192.0.2.2/24)",
			  ip);
		return GRAFT_EINVAL;
	}
	if (option_addr("gw", &cfg->gateway) < 0 ||
	    option_addr("dns", &cfg->dns) < 0)
		return GRAFT_EINVAL;
	if (cfg->gateway && cfg->ip &&
	    (cfg->gateway & cfg->netmask) != (cfg->ip & cfg->netmask)) {
		graft_log(GRAFT_LOG_ERROR, "net",
			  "option graft.gw=%s: not within the subnet of %s",
			  net_ip4_format(cfg->gateway, a),
			  net_ip4_format(cfg->ip, b));
		return GRAFT_EINVAL;
	}
	return 0;
}

/* Buffers per direction: a power of two, heap/512 within [16, 256] KiB;
 * sockets: as many as fit in half the heap, within [16, 256]. */
static void boot_scale(struct net_config *cfg)
{
	struct graft_heap_stats hs;
	uint32_t buf = TCP_BUF_MIN;
	size_t n;

	graft_heap_get_stats(&hs);
	while (buf < TCP_BUF_MAX && (size_t)buf * 2 <= hs.total / 512)
		buf *= 2;
	n = hs.total / 2 / (2 * (size_t)buf);
	if (n < TCP_SOCKETS_MIN)
		n = TCP_SOCKETS_MIN;
	if (n > TCP_SOCKETS_MAX)
		n = TCP_SOCKETS_MAX;
	cfg->tcp_sndbuf = cfg->tcp_rcvbuf = buf;
	cfg->tcp_max = (uint32_t)n;
}

static void log_addr(struct net_stack *s, const char *dev, const char *how)
{
	uint32_t ip, mask, gw, dns;
	char a[16], g[16], d[16];

	net_get_addr(s, &ip, &mask, &gw, &dns);
	graft_log(GRAFT_LOG_INFO, "net", "%s: %s/%d gw %s dns %s (%s)", dev,
		  net_ip4_format(ip, a), __builtin_popcount(mask),
		  gw ? net_ip4_format(gw, g) : "none",
		  dns ? net_ip4_format(dns, d) : "none", how);
}

static void dhcp_done(void *ctx, int err)
{
	struct net_stack *s = ctx;

	if (err)
		graft_log(GRAFT_LOG_WARN, "net", "%s: no DHCP lease: %s",
			  BOOT_DEVICE, graft_strerror(err));
	else
		log_addr(s, BOOT_DEVICE, "dhcp");
}

static int net_boot(void)
{
	struct graft_netdev *dev =
	    graft_device_find(GRAFT_DEVICE_NET, BOOT_DEVICE);
	struct net_config cfg;
	struct net_stack *s;
	bool dhcp;
	int err;

	/* A bad option is the user's mistake, not the kernel's: the line
	 * naming it and exit status 1, rather than a boot-step panic. */
	memset(&cfg, 0, sizeof(cfg));
	if (boot_options(&cfg, &dhcp) < 0)
		graft_shutdown(1);
	if (!dev) {
		if (cfg.ip || dhcp) {
			graft_log(GRAFT_LOG_ERROR, "net",
				  "option graft.%s: no network device %s "
				  "(attach one with --net)",
				  dhcp ? "dhcp" : "ip", BOOT_DEVICE);
			graft_shutdown(1);
		}
		return 0;
	}
	boot_scale(&cfg);
	cfg.seed = graft_wall() ^ ((uint64_t)dev->mac[4] << 40) ^
		   ((uint64_t)dev->mac[5] << 32);
	err = net_stack_new(dev, &cfg, graft_now(), &s);
	if (!err)
		err = net_driver_start(s);
	if (!err && dhcp)
		err = net_dhcp_start(s, dhcp_done, s);
	if (err) {
		graft_log(GRAFT_LOG_ERROR, "net",
			  "%s: cannot start the stack: %s", BOOT_DEVICE,
			  graft_strerror(err));
		graft_shutdown(1);
	}
	net_set_default(s);
	if (cfg.ip)
		log_addr(s, BOOT_DEVICE, "static");
	else if (!dhcp)
		graft_log(GRAFT_LOG_WARN, "net",
			  "%s: no address (give graft.ip=A.B.C.D/N or "
			  "graft.dhcp)",
			  BOOT_DEVICE);
	return 0;
}
GRAFT_INIT(net_boot, GRAFT_INIT_LIBS);
