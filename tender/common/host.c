/*
 * Host-side helpers shared by the tender and the launcher (see host.h).
 * The runtime directory holds, per instance, NAME.sock (the control socket)
 * and NAME.info (key=value lines read by `graft ps`).  A name is free when
 * no info file names a live pid.
 */
#include "host.h"

#include <ctype.h>
#include <elf.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <abi/ctl.h>
#include <abi/image.h>
#include <graft/nethdr.h>

int host_parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	uint64_t mul = 1;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	switch (toupper((unsigned char)*end)) {
	case 'K':
		mul = 1ULL << 10;
		end++;
		break;
	case 'M':
		mul = 1ULL << 20;
		end++;
		break;
	case 'G':
		mul = 1ULL << 30;
		end++;
		break;
	case '\0':
		break;
	default:
		return -1;
	}
	if (strcmp(end, "iB") == 0 || strcmp(end, "B") == 0 ||
	    strcmp(end, "ib") == 0)
		end += strlen(end);
	if (*end || v > UINT64_MAX / mul)
		return -1;
	*out = v * mul;
	return 0;
}

/* Ask the tap for virtio-net headers before every frame and for the
 * offloads graft/nethdr.h names: Linux then hands over TCP segments of up
 * to 64 KiB with partial checksums and takes the same from the guest. */
static int tap_offload(int fd, const char *ifname, uint32_t *offloads)
{
	int hdr_len = GRAFT_NET_HDR_LEN;

	if (ioctl(fd, TUNSETVNETHDRSZ, &hdr_len) < 0 ||
	    ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4) < 0) {
		warn("tap '%s': offloads", ifname);
		return -1;
	}
	*offloads = GRAFT_NET_OFF_CSUM | GRAFT_NET_OFF_TSO4;
	return 0;
}

int host_tap_open(const char *spec, uint32_t *offloads)
{
	char ifname[IFNAMSIZ];
	const char *colon = strchr(spec, ':');
	size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
	struct ifreq ifr;
	int fd;

	if (offloads)
		*offloads = 0;
	if (len >= IFNAMSIZ) {
		warnx("tap '%s': name too long", spec);
		return -1;
	}
	memcpy(ifname, spec, len);
	ifname[len] = '\0';
	if (colon && strcmp(colon, HOST_TAP_PLAIN) != 0) {
		warnx("tap '%s': unknown suffix '%s' (only %s)", spec, colon,
		      HOST_TAP_PLAIN);
		return -1;
	}
	if (colon)
		offloads = NULL;
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		warn("tap '%s': /dev/net/tun", ifname);
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_TUN_EXCL;
	memcpy(ifr.ifr_name, ifname, len + 1);
	/* TUNSETIFF would create a missing interface; refuse that first so
	 * that a typo in --net is an error, not a new device. */
	if (access("/sys/class/net", F_OK) == 0) {
		char p[64 + IFNAMSIZ];
		snprintf(p, sizeof(p), "/sys/class/net/%s", ifname);
		if (access(p, F_OK) != 0) {
			warnx("tap '%s': no such interface", ifname);
			close(fd);
			return -1;
		}
	}
	ifr.ifr_flags &= ~IFF_TUN_EXCL;
	if (offloads)
		ifr.ifr_flags |= IFF_VNET_HDR;
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		warn("tap '%s'", ifname);
		close(fd);
		return -1;
	}
	/* the offloads outlive the descriptor on a persistent tap: without
	 * headers to say so, Linux must not pass large segments on */
	if (offloads ? tap_offload(fd, ifname, offloads) < 0
		     : ioctl(fd, TUNSETOFFLOAD, 0) < 0) {
		if (!offloads)
			warn("tap '%s': offloads off", ifname);
		close(fd);
		return -1;
	}
	return fd;
}

void host_tap_mac(unsigned seed, uint8_t mac[6])
{
	uint32_t x = seed * 2654435761u ^ (uint32_t)getpid();

	mac[0] = 0x02; /* locally administered, unicast */
	mac[1] = 0x67; /* 'g' */
	mac[2] = x >> 24;
	mac[3] = x >> 16;
	mac[4] = x >> 8;
	mac[5] = x;
}

int host_disk_open(const char *path, int ro, uint64_t *size, int *read_only)
{
	struct stat st;
	int fd = -1;

	if (!ro)
		fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0 && (ro || errno == EACCES || errno == EROFS)) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		ro = 1;
	}
	if (fd < 0) {
		warn("disk '%s'", path);
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		warnx("disk '%s': not a regular file", path);
		close(fd);
		return -1;
	}
	if (st.st_size % 512) {
		warnx("disk '%s': size %lld is not a multiple of 512", path,
		      (long long)st.st_size);
		close(fd);
		return -1;
	}
	*size = st.st_size;
	*read_only = ro;
	return fd;
}

int host_disk_open_spec(char *spec, uint64_t *size, int *read_only)
{
	size_t len = strlen(spec);
	int ro = 0;

	if (len > 3 && strcmp(spec + len - 3, ":ro") == 0) {
		spec[len - 3] = '\0';
		ro = 1;
	}
	return host_disk_open(spec, ro, size, read_only);
}

int host_module_open(const char *path, uint64_t *len, char *name, size_t size)
{
	struct stat st;
	const char *base = strrchr(path, '/');
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		warn("module '%s'", path);
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0 ||
	    st.st_size > CTL_MAX_MESSAGE) {
		warnx("module '%s': %s", path,
		      !S_ISREG(st.st_mode) ? "not a regular file"
		      : st.st_size == 0
			  ? "empty file"
			  : "larger than the control channel takes (4 MiB)");
		close(fd);
		return -1;
	}
	*len = st.st_size;
	snprintf(name, size, "%s", base ? base + 1 : path);
	return fd;
}

static int read_exact(int fd, void *buf, size_t len, off_t off)
{
	ssize_t n = pread(fd, buf, len, off);
	return n == (ssize_t)len ? 0 : -1;
}

int host_image_target(const char *path, char *buf, size_t size, char *why,
		      size_t whylen)
{
	Elf64_Ehdr eh;
	struct stat st;
	int fd, rc = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, whylen, "%s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "not a regular file");
		goto out;
	}
	if (read_exact(fd, &eh, sizeof(eh), 0) < 0) {
		if (st.st_size >= 4 && read_exact(fd, &eh, 4, 0) == 0 &&
		    memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0)
			snprintf(why, whylen, "truncated ELF header");
		else
			snprintf(why, whylen, "not an ELF file");
		goto out;
	}
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) {
		snprintf(why, whylen, "not an ELF file");
		goto out;
	}
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_X86_64) {
		snprintf(why, whylen, "not an x86_64 ELF64 image");
		goto out;
	}
	if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 ||
	    eh.e_phoff > (uint64_t)st.st_size ||
	    (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr) >
		(uint64_t)st.st_size - eh.e_phoff) {
		snprintf(why, whylen, "truncated ELF image (program headers)");
		goto out;
	}
	for (unsigned i = 0; i < eh.e_phnum && rc < 0; i++) {
		Elf64_Phdr ph;
		char note[256];
		size_t off = 0;

		if (read_exact(fd, &ph, sizeof(ph),
			       eh.e_phoff + i * sizeof(ph)) < 0)
			break;
		if (ph.p_type != PT_NOTE)
			continue;
		if (ph.p_filesz > sizeof(note) ||
		    ph.p_offset > (uint64_t)st.st_size ||
		    ph.p_filesz > (uint64_t)st.st_size - ph.p_offset ||
		    read_exact(fd, note, ph.p_filesz, ph.p_offset) < 0)
			continue;
		while (off + sizeof(Elf64_Nhdr) <= ph.p_filesz) {
			Elf64_Nhdr nh;
			size_t name_off = off + sizeof(nh), desc_off;

			memcpy(&nh, note + off, sizeof(nh));
			desc_off = name_off + ((nh.n_namesz + 3) & ~3u);
			if (desc_off + nh.n_descsz > ph.p_filesz)
				break;
			if (nh.n_type == GRAFT_NOTE_TARGET &&
			    nh.n_namesz == sizeof(GRAFT_NOTE_OWNER) &&
			    memcmp(note + name_off, GRAFT_NOTE_OWNER,
				   nh.n_namesz) == 0) {
				snprintf(
				    buf, size, "%.*s",
				    (int)strnlen(note + desc_off, nh.n_descsz),
				    note + desc_off);
				rc = 0;
				break;
			}
			off = desc_off + ((nh.n_descsz + 3) & ~3u);
		}
	}
	if (rc < 0)
		snprintf(why, whylen,
			 "not a graft image (no graft target note)");
out:
	close(fd);
	return rc;
}

const char *host_runtime_dir(void)
{
	static char dir[4096];
	const char *env = getenv("GRAFT_RUNTIME_DIR");

	if (dir[0])
		return dir;
	if (env && *env)
		snprintf(dir, sizeof(dir), "%s", env);
	else if (geteuid() == 0)
		snprintf(dir, sizeof(dir), "/run/graft");
	else if ((env = getenv("XDG_RUNTIME_DIR")) && *env)
		snprintf(dir, sizeof(dir), "%s/graft", env);
	else
		snprintf(dir, sizeof(dir), "/tmp/graft-%u", (unsigned)getuid());
	return dir;
}

/* A name is taken when its info file names a process that is alive. */
static int instance_alive(const char *info_path)
{
	FILE *f = fopen(info_path, "r");
	char line[256];
	long pid = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "pid=", 4) == 0)
			pid = strtol(line + 4, NULL, 10);
	fclose(f);
	return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

static int valid_name(const char *name)
{
	if (!*name || strlen(name) >= 64)
		return 0;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("-_.", *p))
			return 0;
	return name[0] != '.';
}

int host_instance_create(struct host_instance *in, const char *name,
			 const char *image, const char *target, uint64_t mem)
{
	const char *dir = host_runtime_dir();
	struct sockaddr_un sa;
	char tmp[sizeof(in->info_path) + 8];
	FILE *f;

	memset(in, 0, sizeof(*in));
	in->listen_fd = -1;
	if (name) {
		snprintf(in->name, sizeof(in->name), "%s", name);
	} else {
		snprintf(tmp, sizeof(tmp), "%s", image);
		char *base = basename(tmp), *dot = strchr(base, '.');
		if (dot)
			*dot = '\0';
		snprintf(in->name, sizeof(in->name), "%.40s-%d", base,
			 (int)getpid());
	}
	if (!valid_name(in->name)) {
		warnx("instance name '%s': use letters, digits, '-', '_', '.'",
		      in->name);
		return -1;
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		warn("runtime directory '%s'", dir);
		return -1;
	}
	snprintf(in->info_path, sizeof(in->info_path), "%s/%s.info", dir,
		 in->name);
	if (snprintf(in->ctl_path, sizeof(in->ctl_path), "%s/%s.sock", dir,
		     in->name) >= (int)sizeof(in->ctl_path)) {
		warnx("runtime directory '%s': path too long for a socket",
		      dir);
		return -1;
	}
	if (instance_alive(in->info_path)) {
		warnx("instance name '%s' is in use (see graft ps)", in->name);
		return -1;
	}
	unlink(in->ctl_path);
	in->listen_fd =
	    socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (in->listen_fd < 0) {
		warn("control socket");
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, in->ctl_path, strlen(in->ctl_path) + 1);
	if (bind(in->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(in->listen_fd, 8) < 0) {
		warn("control socket '%s'", in->ctl_path);
		close(in->listen_fd);
		in->listen_fd = -1;
		return -1;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", in->info_path);
	f = fopen(tmp, "w");
	if (!f) {
		warn("instance file '%s'", tmp);
		host_instance_destroy(in);
		return -1;
	}
	fprintf(f, "name=%s\ntarget=%s\npid=%d\nmem=%llu\nimage=%s\nctl=%s\n",
		in->name, target, (int)getpid(), (unsigned long long)mem, image,
		in->ctl_path);
	fclose(f);
	rename(tmp, in->info_path);
	return 0;
}

void host_instance_destroy(struct host_instance *in)
{
	if (in->listen_fd >= 0)
		close(in->listen_fd);
	in->listen_fd = -1;
	if (in->ctl_path[0])
		unlink(in->ctl_path);
	if (in->info_path[0])
		unlink(in->info_path);
}
