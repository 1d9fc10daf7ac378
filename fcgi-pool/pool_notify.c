/*
 * pool_notify: systemd's notify protocol through libsystemd's sd_notify(3) (what
 * Debian's php-fpm links for its Type=notify unit), so `systemctl start` returns only
 * once the pool answers and `systemctl status` shows how busy it is:
 * "STATUS=Ready: 3 idle, 1 active of 4 workers". NOTIFY_SOCKET stays in the
 * environment (unset_environment=0): after a SIGUSR2 re-exec the new program tells
 * systemd READY again. Only the master calls these (NotifyAccess=main).
 */
#include "pool_notify.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <systemd/sd-daemon.h>

static struct {
	int idle, active, total;
	time_t sent; /* CLOCK_MONOTONIC seconds of the last STATUS */
	int any;
} last;

static void status_text(char *buf, size_t len, const char *state, int idle, int active, int total)
{
	snprintf(buf, len, "STATUS=%s: %d idle, %d active of %d workers", state, idle, active,
	         total);
}

static time_t now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec;
}

static void remember(int idle, int active, int total)
{
	last.idle = idle;
	last.active = active;
	last.total = total;
	last.sent = now_s();
	last.any = 1;
}

int pool_notify_ready(int idle, int active, int total)
{
	char st[128];
	status_text(st, sizeof st, "Ready", idle, active, total);
	remember(idle, active, total);
	return sd_notifyf(0, "READY=1\n%s", st);
}

int pool_notify_status(int idle, int active, int total)
{
	if (last.any && last.idle == idle && last.active == active && last.total == total)
		return 0;
	if (last.any && now_s() == last.sent)
		return 0; /* at most one a second; the next heartbeat sends the news */
	char st[128];
	status_text(st, sizeof st, "Serving", idle, active, total);
	remember(idle, active, total);
	return sd_notify(0, st);
}

int pool_notify_reloading(void)
{
	last.any = 0;
	return sd_notify(0, "RELOADING=1\nSTATUS=Reloading: new workers starting");
}

int pool_notify_stopping(void)
{
	return sd_notify(0, "STOPPING=1\nSTATUS=Stopping: workers finish their requests");
}
