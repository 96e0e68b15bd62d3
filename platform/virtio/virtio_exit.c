/*
 * The end of a run.  QEMU's isa-debug-exit device turns a write of v into
 * QEMU's own exit status (v << 1) | 1, which loses a bit and cannot be told
 * from QEMU's failures.  So the guest first writes its status as text on
 * the exit channel (an isa-debugcon at VIRTIO_PORT_EXIT_CHANNEL that the
 * launcher sends to a file): "exit N\n", after "abort: MESSAGE\n" when it
 * aborts.  The launcher reads the file when QEMU has ended and exits with
 * N; without a status line, the guest did not end through here (a reset,
 * a triple fault, QEMU itself failing), which the launcher reports.
 *
 * If there is no isa-debug-exit device (a host other than our launcher),
 * the CPU halts with interrupts off for good.
 */
#include <string.h>
#include <graft/platform.h>
#include "virtio_guest.h"

static void channel_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		outb(VIRTIO_PORT_EXIT_CHANNEL, s[i]);
}

void virtio_shutdown(int status)
{
	char line[16] = "exit ";
	unsigned v = (unsigned)status & 0xff;
	int n = 5;

	if (v >= 100)
		line[n++] = '0' + v / 100;
	if (v >= 10)
		line[n++] = '0' + v / 10 % 10;
	line[n++] = '0' + v % 10;
	line[n++] = '\n';
	channel_write(line, n);
	outl(VIRTIO_PORT_DEBUG_EXIT, v);
	for (;;)
		__asm__ __volatile__("cli; hlt");
}

void plat_exit(int status)
{
	virtio_shutdown(status);
}

/* Without the exit channel (a read of its port does not return the
 * debugcon's 0xe9), the message goes to the console instead. */
void plat_abort(const char *msg)
{
	static const char prefix[] = "abort: ";

	if (inb(VIRTIO_PORT_EXIT_CHANNEL) != VIRTIO_PORT_DEBUGCON) {
		plat_console_write(prefix, sizeof(prefix) - 1);
		plat_console_write(msg, strlen(msg));
		plat_console_write("\n", 1);
		virtio_shutdown(255);
	}
	channel_write(prefix, sizeof(prefix) - 1);
	channel_write(msg, strlen(msg));
	channel_write("\n", 1);
	virtio_shutdown(255);
}
