/*
 * pool_children: forking, reaping and signalling workers (php-fpm's fpm_children.c).
 * A worker that dies is accounted for and its slot freed; pool_pm.c then replaces
 * it at once. Workers that die right after start (worker_init failing, a crash on
 * the first request path) are restarted with an exponential back-off, and the master
 * logs why; the master itself never exits because a worker died.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "pool_internal.h"
#include "pool_metrics.h"

#define EARLY_MS        1000  /* dying sooner than this, without a request: a failed start */
#define BACKOFF_BASE_MS 100   /* then 200, 400, … */
#define BACKOFF_MAX_MS  30000 /* the slowest retry rate */

int pool_children_backoff_ms(struct pool_master *m)
{
	if (!m->early_failures)
		return 0;
	long left = -pool_ms_since(&m->next_spawn_ok);
	return left > 0 ? (int)left : 0;
}

int pool_children_spawn(struct pool_master *m)
{
	if (pool_children_backoff_ms(m) > 0)
		return -1;
	struct sb_slot *slot = pool_sb_free_slot(m->sb);
	if (!slot)
		return -1;
	memset(slot, 0, sizeof *slot);
	slot->generation = m->sb->generation;
	clock_gettime(CLOCK_REALTIME, &slot->spawned);
	clock_gettime(CLOCK_MONOTONIC, &slot->req_start);
	atomic_store(&slot->state, SLOT_STARTING);
	pid_t master = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		atomic_store(&slot->state, SLOT_FREE);
		log_kv(LOG_ERROR, "fork failed", "error", strerror(errno), NULL);
		m->early_failures++;
		clock_gettime(CLOCK_MONOTONIC, &m->next_spawn_ok);
		m->next_spawn_ok.tv_sec += 1;
		return -1;
	}
	if (pid == 0) {
		/* A worker outlives no master: a master that dies takes its workers along. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != master)
			_exit(0);
		close(m->sfd);
		pool_metrics_forget(m->metrics); /* the master's HTTP sockets are not ours */
		pool_signals_worker_reset();
		slot->pid = getpid();
		pool_worker_main(m->app, m->cfg, m->sb, slot, m->listener);
	}
	slot->pid = pid;
	return 0;
}

static void describe(int status, char *buf, size_t len)
{
	if (WIFSIGNALED(status))
		snprintf(buf, len, "signal %d (%s)%s", WTERMSIG(status),
		         strsignal(WTERMSIG(status)), WCOREDUMP(status) ? ", core dumped" : "");
	else if (WEXITSTATUS(status) == POOL_EXIT_INIT)
		snprintf(buf, len, "exit status %d (worker_init failed)", POOL_EXIT_INIT);
	else
		snprintf(buf, len, "exit status %d", WEXITSTATUS(status));
}

static void account(struct pool_master *m, struct sb_slot *slot, int status)
{
	struct sb_slot s;
	pool_sb_read_slot(slot, &s);
	int state = atomic_load(&slot->state);
	int busy = state == SLOT_READING || state == SLOT_RUNNING || state == SLOT_FINISHING;
	if (busy)
		atomic_fetch_sub(&m->sb->active, 1);
	unsigned long requests = atomic_load(&slot->requests);
	int asked = atomic_load(&slot->quitting) || m->stopping;
	int clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	char pid[16], why[96], reqs[24], ms[24];
	snprintf(pid, sizeof pid, "%d", (int)s.pid);
	snprintf(reqs, sizeof reqs, "%lu", requests);
	describe(status, why, sizeof why);
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	long lived = (long)(now.tv_sec - s.spawned.tv_sec) * 1000 +
	             (now.tv_nsec - s.spawned.tv_nsec) / 1000000;
	snprintf(ms, sizeof ms, "%ld", lived);

	if (atomic_load(&slot->timed_out)) {
		atomic_fetch_add(&m->sb->respawned, 1);
		/* pool_pm.c logged the kill with the request; nothing more to say. */
	} else if (clean || (asked && !busy) ||
	           (asked && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM)) {
		log_kv(LOG_DEBUG, "worker exited", "pid", pid, "requests", reqs, NULL);
	} else if (busy) {
		atomic_fetch_add(&m->sb->respawned, 1);
		log_kv(LOG_ERROR, "worker died during a request", "pid", pid, "cause", why,
		       "method", s.method, "uri", s.uri, "requests", reqs, NULL);
	} else {
		atomic_fetch_add(&m->sb->respawned, 1);
		log_kv(LOG_WARN, "worker died", "pid", pid, "cause", why, "requests", reqs,
		       "lived_ms", ms, NULL);
	}

	/* SIGKILL comes from outside (an admin, the OOM killer): not a failed start. */
	int killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
	int early = !clean && !asked && !killed && requests == 0 && lived < EARLY_MS;
	if (!early) {
		if (clean || requests > 0)
			m->early_failures = 0;
		return;
	}
	m->early_failures++;
	long delay = BACKOFF_BASE_MS;
	for (int i = 1; i < m->early_failures && delay < BACKOFF_MAX_MS; i++)
		delay *= 2;
	if (delay > BACKOFF_MAX_MS)
		delay = BACKOFF_MAX_MS;
	clock_gettime(CLOCK_MONOTONIC, &m->next_spawn_ok);
	m->next_spawn_ok.tv_sec += delay / 1000;
	m->next_spawn_ok.tv_nsec += (delay % 1000) * 1000000;
	if (m->next_spawn_ok.tv_nsec >= 1000000000) {
		m->next_spawn_ok.tv_sec++;
		m->next_spawn_ok.tv_nsec -= 1000000000;
	}
	char n[16], d[24];
	snprintf(n, sizeof n, "%d", m->early_failures);
	snprintf(d, sizeof d, "%ld", delay);
	log_kv(LOG_ERROR, "worker failed right after start; backing off", "pid", pid, "cause", why,
	       "failures_in_a_row", n, "next_start_in_ms", d, NULL);
}

void pool_children_reap(struct pool_master *m)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		struct sb_slot *slot = pool_sb_find(m->sb, pid);
		if (!slot)
			continue; /* not a worker of ours (an application's own child) */
		account(m, slot, status);
		slot->pid = 0;
		atomic_store(&slot->state, SLOT_FREE);
	}
}

void pool_children_signal(struct pool_master *m, int sig, int only_old)
{
	for (int i = 0; i < m->sb->nslots; i++) {
		struct sb_slot *s = &m->sb->slots[i];
		if (atomic_load(&s->state) == SLOT_FREE || s->pid <= 0)
			continue;
		if (only_old && s->generation == m->sb->generation)
			continue;
		if (sig == SIGQUIT || sig == SIGTERM || sig == SIGKILL)
			atomic_store(&s->quitting, 1);
		kill(s->pid, sig);
	}
}

int pool_children_running(struct pool_master *m)
{
	int idle, active, total;
	pool_sb_counts(m->sb, &idle, &active, &total);
	return total;
}

int pool_children_current(struct pool_master *m, int *idle)
{
	int n = 0;
	*idle = 0;
	for (int i = 0; i < m->sb->nslots; i++) {
		struct sb_slot *s = &m->sb->slots[i];
		int st = atomic_load(&s->state);
		if (st == SLOT_FREE || s->generation != m->sb->generation ||
		    atomic_load(&s->quitting))
			continue;
		n++;
		if (st == SLOT_IDLE || st == SLOT_STARTING)
			(*idle)++;
	}
	return n;
}

int pool_children_ready(struct pool_master *m)
{
	int n = 0;
	for (int i = 0; i < m->sb->nslots; i++) {
		struct sb_slot *s = &m->sb->slots[i];
		int st = atomic_load(&s->state);
		if (st != SLOT_FREE && st != SLOT_STARTING && s->generation == m->sb->generation &&
		    !atomic_load(&s->quitting))
			n++;
	}
	return n;
}
