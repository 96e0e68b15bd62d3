/*
 * Time on virtio: the TSC, and the LAPIC timer to wake a halted CPU, both
 * calibrated at boot against the PIT (channel 0 counting down at
 * 1.193182 MHz; its interrupt stays masked).  The calibration window is
 * CALIBRATE_TICKS of the PIT, about 10 ms.  Without a PIT (microvm with
 * pit=off, Firecracker) the TSC frequency comes from CPUID leaf 0x16 or, as
 * a last resort, is assumed; the console says so.  The wall clock is the
 * CMOS RTC read once at boot plus monotonic time.
 */
#include <graft/platform.h>
#include "virtio_guest.h"

#define PIT_HZ		 1193182ULL
#define CALIBRATE_TICKS	 11932 /* 10 ms */
#define PIT_SPIN_MAX	 2000000
#define LAPIC_SVR	 0xf0
#define LAPIC_LVT_TIMER	 0x320
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR	 0x390
#define LAPIC_TIMER_DIV	 0x3e0
#define LAPIC_LVT_MASKED (1u << 16)
#define NSEC		 1000000000ULL
#define WAIT_MAX_NS	 NSEC /* yields return at least this often */

static uint64_t tsc_base, tsc_mult; /* ns = (tsc delta * tsc_mult) >> 32 */
static uint64_t lapic_mult;	    /* count = (ns * lapic_mult) >> 32 */
static uint64_t wall_base;

static inline uint32_t lapic_read(unsigned reg)
{
	return mmio_read32(VIRTIO_LAPIC_BASE + reg);
}

static inline void lapic_write(unsigned reg, uint32_t v)
{
	mmio_write32(VIRTIO_LAPIC_BASE + reg, v);
}

static uint16_t pit_read(void)
{
	uint16_t v;

	outb(0x43, 0x00); /* latch channel 0 */
	v = inb(0x40);
	v |= (uint16_t)inb(0x40) << 8;
	return v;
}

/* Count PIT ticks until CALIBRATE_TICKS have passed; 0 if it never moves. */
static int pit_window(uint64_t *tsc, uint32_t *lapic)
{
	uint16_t last;
	uint32_t ticks = 0;
	uint64_t t0;
	uint32_t l0;

	outb(0x43, 0x34); /* channel 0, lo/hi, mode 2, binary */
	outb(0x40, 0xff);
	outb(0x40, 0xff);
	last = pit_read();
	t0 = rdtsc();
	l0 = lapic_read(LAPIC_TIMER_CUR);
	for (int spin = 0; ticks < CALIBRATE_TICKS; spin++) {
		uint16_t now = pit_read();

		if (spin > PIT_SPIN_MAX)
			return 0;
		ticks += (uint16_t)(last - now);
		last = now;
	}
	*tsc = rdtsc() - t0;
	*lapic = l0 - lapic_read(LAPIC_TIMER_CUR);
	return 1;
}

static uint64_t fixed_ratio(uint64_t num, uint64_t den)
{
	return (uint64_t)(((unsigned __int128)num << 32) / den);
}

static uint64_t cpuid_tsc_hz(void)
{
	uint32_t a, b, c, d;

	__asm__ __volatile__("cpuid"
			     : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
			     : "a"(0));
	if (a < 0x16)
		return 0;
	__asm__ __volatile__("cpuid"
			     : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
			     : "a"(0x16));
	return (uint64_t)(a & 0xffff) * 1000000;
}

static unsigned cmos(unsigned reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static unsigned from_bcd(unsigned v, int binary)
{
	return binary ? v : (v >> 4) * 10 + (v & 15);
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static uint64_t days_from_civil(unsigned y, unsigned m, unsigned d)
{
	unsigned yy = y - (m <= 2), era = yy / 400, yoe = yy - era * 400;
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return (uint64_t)era * 146097 + doe - 719468;
}

static uint64_t rtc_wall_ns(void)
{
	unsigned s, mi, h, d, mo, y, b;

	for (int spin = 0; spin < PIT_SPIN_MAX && (cmos(0x0a) & 0x80); spin++)
		;
	b = cmos(0x0b);
	s = from_bcd(cmos(0x00), b & 4);
	mi = from_bcd(cmos(0x02), b & 4);
	h = from_bcd(cmos(0x04) & 0x7f, b & 4);
	d = from_bcd(cmos(0x07), b & 4);
	mo = from_bcd(cmos(0x08), b & 4);
	y = from_bcd(cmos(0x09), b & 4) + 2000;
	if (s > 59 || mi > 59 || h > 23 || d < 1 || d > 31 || mo < 1 || mo > 12)
		return 0; /* no RTC */
	return ((days_from_civil(y, mo, d) * 24 + h) * 3600 + mi * 60 + s) *
	       NSEC;
}

void virtio_clock_init(void)
{
	static const char guess[] = "virtio: no PIT; timing is a guess\n";
	uint64_t tsc = 0;
	uint32_t lapic = 0;

	lapic_write(LAPIC_SVR, 0x100 | VIRTIO_VEC_SPURIOUS);
	lapic_write(LAPIC_TIMER_DIV, 0x3); /* divide by 16 */
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | VIRTIO_VEC_TIMER);
	lapic_write(LAPIC_TIMER_INIT, 0xffffffff);
	if (pit_window(&tsc, &lapic) && tsc && lapic) {
		tsc_mult = fixed_ratio(CALIBRATE_TICKS * NSEC, tsc * PIT_HZ);
		lapic_mult =
		    fixed_ratio(lapic * PIT_HZ, CALIBRATE_TICKS * NSEC);
	} else {
		uint64_t hz = cpuid_tsc_hz();

		if (!hz) {
			virtio_console_emergency(guess, sizeof(guess) - 1);
			hz = NSEC;
		}
		tsc_mult = fixed_ratio(NSEC, hz);
		lapic_mult = fixed_ratio(NSEC / 16, NSEC); /* QEMU: 1 GHz */
	}
	lapic_write(LAPIC_TIMER_INIT, 0);
	lapic_write(LAPIC_LVT_TIMER, VIRTIO_VEC_TIMER); /* one-shot */
	tsc_base = rdtsc();
	wall_base = rtc_wall_ns();
}

uint64_t plat_clock_monotonic(void)
{
	return (
	    uint64_t)(((unsigned __int128)(rdtsc() - tsc_base) * tsc_mult) >>
		      32);
}

uint64_t plat_clock_wall(void)
{
	return wall_base + plat_clock_monotonic();
}

void virtio_timer_wait(uint64_t timeout_ns)
{
	uint64_t count;

	if (timeout_ns > WAIT_MAX_NS)
		timeout_ns = WAIT_MAX_NS;
	count = (uint64_t)(((unsigned __int128)timeout_ns * lapic_mult) >> 32);
	if (count == 0)
		count = 1;
	if (count > 0xffffffff)
		count = 0xffffffff;
	lapic_write(LAPIC_TIMER_INIT, (uint32_t)count);
	__asm__ __volatile__("sti; hlt; cli" ::: "memory");
	lapic_write(LAPIC_TIMER_INIT, 0);
}
