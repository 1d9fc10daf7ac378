/*
 * pool_worker: a worker's life (php-fpm's fpm_request.c and the SAPI accept loop).
 * It runs worker_init, then loops: wait for a connection (epoll, exclusive wakeup)
 * or the next request on a kept-alive one (ppoll), accept it itself, let libfcgi
 * read the request, answer the status/ping paths or hand it to the application, and
 * update its scoreboard slot at each step. A connection nginx does not keep is
 * closed right after the answer, without libfcgi's lingering close.
 *
 * SIGQUIT (graceful stop, reload, scale-down) and SIGUSR1 (reopen logs) are blocked
 * except inside ppoll and epoll_pwait, so they never interrupt a request: a worker
 * holding a request finishes it and then sees the flag; an idle one wakes at once. Accepting
 * ourselves, instead of inside FCGX_Accept_r, is what lets an idle worker leave
 * without ever having taken a connection it would drop. SIGTERM keeps its default
 * action (fast stop).
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "pool_internal.h"

static volatile sig_atomic_t quit_flag, reopen_flag;

static void on_quit(int sig)
{
	(void)sig;
	quit_flag = 1;
}

static void on_reopen(int sig)
{
	(void)sig;
	reopen_flag = 1;
}

static void install_handlers(sigset_t *wait_mask)
{
	struct sigaction sa = { 0 };
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_quit; /* no SA_RESTART: ppoll must return */
	sigaction(SIGQUIT, &sa, NULL);
	sa.sa_handler = on_reopen;
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGUSR2, SIG_IGN); /* the master's business */
	signal(SIGPIPE, SIG_IGN); /* a client that went away is an error return, not death */
	sigset_t block;
	sigemptyset(&block);
	sigaddset(&block, SIGQUIT);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, wait_mask);
	sigdelset(wait_mask, SIGQUIT);
	sigdelset(wait_mask, SIGUSR1);
}

static void copy_param(char *dst, size_t len, const char *v)
{
	snprintf(dst, len, "%s", v ? v : "-");
}

static void request_begins(struct scoreboard *sb, struct sb_slot *slot)
{
	pool_sb_write_begin(slot);
	clock_gettime(CLOCK_MONOTONIC, &slot->req_start);
	slot->method[0] = slot->uri[0] = '\0';
	slot->content_length = 0;
	atomic_store(&slot->slow_counted, 0);
	pool_sb_write_end(slot);
	atomic_store(&slot->state, SLOT_READING);
	int active = atomic_fetch_add(&sb->active, 1) + 1;
	pool_sb_note_max(&sb->max_active, (unsigned)active);
}

static void request_read(struct scoreboard *sb, struct sb_slot *slot, FCGX_Request *req)
{
	atomic_fetch_add(&sb->accepted_conn, 1);
	atomic_fetch_add(&slot->requests, 1);
	pool_sb_write_begin(slot);
	copy_param(slot->method, sizeof slot->method, FCGX_GetParam("REQUEST_METHOD", req->envp));
	const char *uri = FCGX_GetParam("REQUEST_URI", req->envp);
	copy_param(slot->uri, sizeof slot->uri,
	           uri ? uri : FCGX_GetParam("DOCUMENT_URI", req->envp));
	const char *cl = FCGX_GetParam("CONTENT_LENGTH", req->envp);
	slot->content_length = cl ? atol(cl) : 0;
	pool_sb_write_end(slot);
	atomic_store(&slot->state, SLOT_RUNNING);
}

/* The handler returned: count a slow request before the response is flushed, so a
 * client that reads the status page right after its answer sees it counted. The
 * master checks on its heartbeat too; slow_counted makes sure it is counted once. */
static void request_handled(const struct pool_config *cfg, struct scoreboard *sb,
                            struct sb_slot *slot)
{
	if (!cfg->slow_request_ms)
		return;
	long ms = pool_ms_since(&slot->req_start);
	int zero = 0;
	if (ms >= cfg->slow_request_ms &&
	    atomic_compare_exchange_strong(&slot->slow_counted, &zero, 1)) {
		atomic_fetch_add(&sb->slow_requests, 1);
		char took[24];
		snprintf(took, sizeof took, "%ld", ms);
		log_kv(LOG_WARN, "slow request", "method", slot->method, "uri", slot->uri,
		       "took_ms", took, NULL);
	}
}

static long cpu_us(const struct rusage *ru)
{
	return (long)(ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) * 1000000 + ru->ru_utime.tv_usec +
	       ru->ru_stime.tv_usec;
}

/* php-fpm's "last request cpu" and "last request memory", from getrusage. */
static void request_ends(struct scoreboard *sb, struct sb_slot *slot, const struct rusage *ru0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long us = (long)(now.tv_sec - slot->req_start.tv_sec) * 1000000 +
	          (now.tv_nsec - slot->req_start.tv_nsec) / 1000;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	pool_sb_write_begin(slot);
	slot->last_duration_us = us;
	slot->last_cpu_centi = us > 0 ? (cpu_us(&ru) - cpu_us(ru0)) * 10000 / us : 0;
	slot->last_memory = ru.ru_maxrss * 1024L;
	pool_sb_write_end(slot);
	atomic_fetch_sub(&sb->active, 1);
	atomic_store(&slot->state, SLOT_IDLE);
}

/* The request's input read to its end: what the application left is read here, up to
 * 64 KiB (a body it refused unread may be larger: that one keeps libfcgi's linger). */
static int input_drained(FCGX_Stream *in)
{
	char scrap[4096];
	for (int i = 0; i < 16; i++)
		if (FCGX_GetStr(scrap, sizeof scrap, in) < (int)sizeof scrap)
			return FCGX_HasSeenEOF(in) == EOF;
	return 0;
}

/* Wait for the next request; 1 with a connection in req->ipcFd, 0 to re-check flags.
 * Idle workers wait on the listening socket through an epoll set with EPOLLEXCLUSIVE:
 * a new connection wakes one of them, not all (with ppoll each connection woke every
 * idle worker, and all but one found nothing to accept). */
static int wait_for_request(FCGX_Request *req, const struct pool_listener *l, int ep,
                            const sigset_t *wait_mask)
{
	int kept = req->ipcFd >= 0;
	int n;
	if (kept || ep < 0) {
		struct pollfd p = { .fd = kept ? req->ipcFd : l->fd, .events = POLLIN };
		n = ppoll(&p, 1, NULL, wait_mask);
	} else {
		struct epoll_event ev;
		n = epoll_pwait(ep, &ev, 1, -1, wait_mask);
	}
	if (n < 0) {
		if (errno != EINTR)
			log_kv(LOG_ERROR, kept || ep < 0 ? "ppoll failed" : "epoll_pwait failed",
			       "error", strerror(errno), NULL);
		return 0;
	}
	if (kept)
		return 1;
	int fd = accept4(l->fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd >= 0) {
		req->ipcFd = fd;
		return 1;
	}
	if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
		log_kv(LOG_ERROR, "accept failed", "error", strerror(errno), NULL);
		usleep(100000); /* do not spin while out of descriptors */
	}
	return 0; /* EAGAIN: another worker was faster */
}

/* SCHED_BATCH: a request passes nginx, a worker, the database (and on a page a second
 * pool) in turn, each waking the next. Under the default policy the woken process
 * preempts its waker, which then runs again only to go to sleep: two extra context
 * switches per handoff. A batch worker woken by a peer waits until the running process
 * sleeps or its slice ends instead (sched(7)); any process may choose it, no privilege
 * needed. Measured on 2 cores: 10% less CPU per page (docs/benchmarks.md). */
static void apply_sched(const struct pool_config *cfg)
{
	if (cfg->sched != POOL_SCHED_BATCH)
		return;
	struct sched_param none = { .sched_priority = 0 };
	if (sched_setscheduler(0, SCHED_BATCH, &none) != 0)
		log_kv(LOG_WARN, "cannot run under SCHED_BATCH; keeping the inherited policy",
		       "error", strerror(errno), NULL);
}

_Noreturn void pool_worker_main(const struct pool_app *app, const struct pool_config *cfg,
                                struct scoreboard *sb, struct sb_slot *slot,
                                const struct pool_listener *l)
{
	sigset_t wait_mask;
	install_handlers(&wait_mask);
	pool_responses_attach(sb->responses);
	apply_sched(cfg);
	if (app->worker_init && app->worker_init(app->svc) != 0) {
		log_kv(LOG_ERROR, "worker_init failed; this worker cannot serve", NULL);
		_exit(POOL_EXIT_INIT);
	}
	FCGX_Request req;
	if (FCGX_InitRequest(&req, l->fd, 0) != 0)
		_exit(POOL_EXIT_INIT);
	/* Without an epoll set (it cannot fail short of memory) ppoll does the same job,
	 * waking every idle worker. */
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event lev = { .events = EPOLLIN | EPOLLEXCLUSIVE };
	if (ep >= 0 && epoll_ctl(ep, EPOLL_CTL_ADD, l->fd, &lev) != 0) {
		close(ep);
		ep = -1;
	}
	atomic_store(&slot->state, SLOT_IDLE);

	long served = 0;
	for (;;) {
		if (reopen_flag) {
			reopen_flag = 0;
			log_reopen();
		}
		if (quit_flag)
			break;
		if (cfg->max_requests && served >= cfg->max_requests) {
			char n[24];
			snprintf(n, sizeof n, "%ld", served);
			log_kv(LOG_DEBUG, "recycling worker (MAX_REQUESTS)", "requests", n, NULL);
			break;
		}
		if (!wait_for_request(&req, l, ep, &wait_mask))
			continue;
		struct rusage ru0;
		getrusage(RUSAGE_SELF, &ru0);
		request_begins(sb, slot);
		/* FCGX_Accept_r reads the request from req.ipcFd. It first finishes "the
		 * previous request", which closes ipcFd unless keepConnection is set: set
		 * it, the BEGIN_REQUEST record then says whether nginx keeps the
		 * connection. If a kept-alive connection was closed, it tries the
		 * (non-blocking) listening socket once and fails when nothing waits. */
		req.keepConnection = 1;
		if (FCGX_Accept_r(&req) < 0) {
			request_ends(sb, slot, &ru0);
			continue;
		}
		request_read(sb, slot, &req);
		if (!pool_status_handle(&req, cfg, sb, l))
			app->handle(&req, app);
		request_handled(cfg, sb, slot);
		atomic_store(&slot->state, SLOT_FINISHING);
		/* nginx did not ask to keep the connection: close it as soon as the answer is
		 * out. libfcgi would linger first (shutdown, then wait up to 2 s for nginx to
		 * close its end), holding this worker until nginx gets round to it; a plain
		 * close is safe once the input is read to its end (nothing unread to turn it
		 * into a reset). "detached" is libfcgi's flag for exactly that close. */
		if (!req.keepConnection && input_drained(req.in))
			req.detached = 1;
		FCGX_Finish_r(&req);
		served++;
		request_ends(sb, slot, &ru0);
	}
	if (req.ipcFd >= 0)
		close(req.ipcFd); /* an idle kept-alive connection: nginx retries on another */
	if (app->worker_exit)
		app->worker_exit(app->svc);
	_exit(0);
}
