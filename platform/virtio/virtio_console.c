/*
 * The console: isa-debugcon at port 0xe9 where the launcher attached one
 * (a read there returns 0xe9), else the COM1 UART, polled.  The debugcon
 * takes a whole buffer in one rep outsb; the UART a byte at a time once
 * its transmitter is empty, which is what any PVH host offers.
 */
#include <graft/platform.h>
#include "virtio_guest.h"

#define UART_THR      0
#define UART_IER      1
#define UART_FCR      2
#define UART_LCR      3
#define UART_MCR      4
#define UART_LSR      5
#define UART_LSR_THRE 0x20
#define UART_SPIN_MAX 100000 /* give up on a UART that never drains */

static int have_debugcon;

void virtio_console_init(void)
{
	const uint16_t p = VIRTIO_PORT_COM1;

	have_debugcon = inb(VIRTIO_PORT_DEBUGCON) == VIRTIO_PORT_DEBUGCON;
	outb(p + UART_IER, 0);
	outb(p + UART_LCR, 0x80); /* divisor latch: 115200 baud */
	outb(p + UART_THR, 1);
	outb(p + UART_IER, 0);
	outb(p + UART_LCR, 0x03); /* 8N1 */
	outb(p + UART_FCR, 0xc7);
	outb(p + UART_MCR, 0x03);
}

static void uart_write(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		for (int spin = 0; spin < UART_SPIN_MAX; spin++)
			if (inb(VIRTIO_PORT_COM1 + UART_LSR) & UART_LSR_THRE)
				break;
		if (buf[i] == '\n')
			outb(VIRTIO_PORT_COM1 + UART_THR, '\r');
		outb(VIRTIO_PORT_COM1 + UART_THR, buf[i]);
	}
}

void plat_console_write(const char *buf, size_t len)
{
	if (have_debugcon)
		__asm__ __volatile__("rep outsb"
				     : "+S"(buf), "+c"(len)
				     : "d"((uint16_t)VIRTIO_PORT_DEBUGCON)
				     : "memory");
	else
		uart_write(buf, len);
}

void virtio_console_emergency(const char *s, size_t len)
{
	plat_console_write(s, len);
}
