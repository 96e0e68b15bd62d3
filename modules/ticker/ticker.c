/*
 * ticker: a timer module.  Timer 0 fires every TICKER_PERIOD_MS (100 ms); each tick
 * is counted and reported to the host as the message "tick N (vV)".  On
 * upgrade the count is handed over (save/restore), so the new version
 * carries on from where the old one was.  Build a second version with
 * -DTICKER_VERSION='"2"'.
 * The state crosses formats too: a native ticker upgrades to a bytecode
 * one and back (graft_mod_state_copy/free keep each format's contract).
 */
#include <graft/error.h>
#include <graft/log.h>
#include <graft/modapi.h>
#include <graft/module.h>

#ifndef TICKER_VERSION
#define TICKER_VERSION "1"
#endif
#ifndef TICKER_PERIOD_MS
#define TICKER_PERIOD_MS 100
#endif

GRAFT_MODULE("ticker", TICKER_VERSION, "MIT");

#define TICKER_STATE_FORMAT 1
struct ticker_state {
	uint32_t format;
	uint32_t ticks;
};

static struct ticker_state state = {TICKER_STATE_FORMAT, 0};

static size_t append(char *p, size_t n, const char *s)
{
	while (*s)
		p[n++] = *s++;
	return n;
}

static void ticker_tick(uint32_t id)
{
	char msg[48];
	size_t n;

	state.ticks++;
	n = append(msg, 0, "tick ");
	n += graft_mod_utoa(msg + n, state.ticks);
	n = append(msg, n, " (v" TICKER_VERSION ")");
	graft_mod_send(GRAFT_MOD_HOST, msg, n);
}

static int ticker_init(void)
{
	uint64_t period = TICKER_PERIOD_MS * 1000000ull;

	return graft_mod_timer_start(0, period, period);
}

static int ticker_save(void **s, size_t *len)
{
	*s = graft_mod_state_copy(&state, sizeof(state));
	*len = sizeof(state);
	return *s ? 0 : GRAFT_ENOMEM;
}

static int ticker_restore(void *s, size_t len)
{
	const struct ticker_state *old = s;
	int rc = 0;

	if (len != sizeof(state) || old->format != TICKER_STATE_FORMAT)
		rc = GRAFT_EFORMAT;
	else
		state.ticks = old->ticks;
	graft_mod_state_free(s);
	return rc;
}

GRAFT_MODULE_INIT(ticker_init);
GRAFT_MODULE_TIMER(ticker_tick);
GRAFT_MODULE_SAVE(ticker_save);
GRAFT_MODULE_RESTORE(ticker_restore);
