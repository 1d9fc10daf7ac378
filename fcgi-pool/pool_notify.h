/*
 * pool_notify: the pool master's messages to systemd (Type=notify units, as Debian's
 * php-fpm): READY once the workers can answer, a STATUS line with the worker counts,
 * RELOADING around SIGUSR2, STOPPING on the way out. Nothing when NOTIFY_SOCKET is
 * unset (containers, tests, a shell).
 */
#ifndef FCGI_POOL_NOTIFY_H
#define FCGI_POOL_NOTIFY_H

/* READY=1 with the status; after a re-exec (SIGUSR2) too, which systemd expects. */
int pool_notify_ready(int idle, int active, int total);
/* STATUS=… when the counts changed since the last one sent (cheap to call every
 * heartbeat: at most one datagram a second). */
int pool_notify_status(int idle, int active, int total);
int pool_notify_reloading(void);
int pool_notify_stopping(void);

#endif
