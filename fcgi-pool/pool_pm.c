/*
 * pool_pm: the process manager's heartbeat (php-fpm's fpm_process_ctl.c and
 * fpm_request.c timeouts). Every round: keep the worker count (static: WORKERS;
 * dynamic: between the spare bounds, at most WORKERS), count "max children
 * reached", sample the listen queue, and enforce SLOW_REQUEST_TIMEOUT and
 * REQUEST_TIMEOUT on workers inside a request.
 */
#include <signal.h>
#include <stdio.h>
#include <time.h>

#include "log.h"
#include "pool_internal.h"

#define SPAWN_MAX_PER_ROUND 32 /* php-fpm's cap on forks per maintenance round */

static void spawn_up_to(struct pool_master *m, int want, int have)
{
	for (int i = 0; have + i < want && i < SPAWN_MAX_PER_ROUND; i++)
		if (pool_children_spawn(m) != 0)
			break;
}

/* Ask one idle worker of the current generation to leave. */
static void stop_one_idle(struct pool_master *m)
{
	for (int i = 0; i < m->sb->nslots; i++) {
		struct sb_slot *s = &m->sb->slots[i];
		if (atomic_load(&s->state) == SLOT_IDLE && s->generation == m->sb->generation &&
		    !atomic_load(&s->quitting)) {
			atomic_store(&s->quitting, 1);
			kill(s->pid, SIGQUIT);
			return;
		}
	}
}

static void max_children_reached(struct pool_master *m, int reached)
{
	if (!reached) {
		m->max_children_warned = 0;
		return;
	}
	if (m->max_children_warned)
		return;
	m->max_children_warned = 1;
	atomic_fetch_add(&m->sb->max_children_reached, 1);
	/* Counted every episode; logged at most every 10 s, or a busy pool floods its log. */
	if (m->max_children_logged.tv_sec && pool_ms_since(&m->max_children_logged) < 10000)
		return;
	clock_gettime(CLOCK_MONOTONIC, &m->max_children_logged);
	char n[16], total[24];
	snprintf(n, sizeof n, "%d", m->cfg->max_children);
	snprintf(total, sizeof total, "%lu", atomic_load(&m->sb->max_children_reached));
	log_kv(LOG_WARN, "server reached max children (WORKERS), consider raising it", "workers", n,
	       "max_children_reached", total, NULL);
}

void pool_pm_maintain(struct pool_master *m)
{
	const struct pool_config *c = m->cfg;
	int queue = -1;
	unsigned backlog = 0;
	queue = pool_listen_queue(m->listener, &backlog);
	if (queue >= 0) {
		pool_sb_note_max(&m->sb->max_listen_queue, (unsigned)queue);
		atomic_store(&m->sb->listen_queue_len, backlog);
	}

	int idle;
	int have = pool_children_current(m, &idle);
	if (c->pm == PM_STATIC) {
		spawn_up_to(m, c->max_children, have);
		/* Not counted by php-fpm for static pools: every worker busy and requests
		 * waiting in the queue is the same signal, so count it too. */
		max_children_reached(m, have >= c->max_children && idle == 0 && queue > 0);
	} else if (m->pm_started_gen != m->sb->generation + 1) {
		/* A new generation (start, reload) begins with PM_START_SERVERS. */
		spawn_up_to(m, c->start_servers, have);
		if (pool_children_current(m, &idle) >= c->start_servers)
			m->pm_started_gen = m->sb->generation + 1;
	} else {
		if (idle < c->min_spare) {
			max_children_reached(m, have >= c->max_children);
			int want = have + (c->min_spare - idle);
			if (want > c->max_children)
				want = c->max_children;
			spawn_up_to(m, want, have);
		} else {
			max_children_reached(m, 0);
			/* Scale down by one a second, as php-fpm does: bursts come back. */
			if (idle > c->max_spare && pool_ms_since(&m->last_idle_kill) >= 1000) {
				stop_one_idle(m);
				clock_gettime(CLOCK_MONOTONIC, &m->last_idle_kill);
			}
		}
	}
	pool_pm_check_requests(m);
}

void pool_pm_check_requests(struct pool_master *m)
{
	const struct pool_config *c = m->cfg;
	if (!c->request_timeout && !c->slow_request_ms)
		return;
	long timeout_ms = c->request_timeout * 1000L;
	for (int i = 0; i < m->sb->nslots; i++) {
		struct sb_slot *slot = &m->sb->slots[i];
		int st = atomic_load(&slot->state);
		if (st != SLOT_READING && st != SLOT_RUNNING && st != SLOT_FINISHING)
			continue;
		struct sb_slot s;
		pool_sb_read_slot(slot, &s);
		long ms = pool_ms_since(&s.req_start);
		char pid[16], took[24];
		snprintf(pid, sizeof pid, "%d", (int)s.pid);
		snprintf(took, sizeof took, "%ld", ms);
		int zero = 0;
		if (c->slow_request_ms && ms >= c->slow_request_ms &&
		    atomic_compare_exchange_strong(&slot->slow_counted, &zero, 1)) {
			atomic_fetch_add(&m->sb->slow_requests, 1);
			log_kv(LOG_WARN, "slow request", "pid", pid, "method", s.method, "uri",
			       s.uri, "running_ms", took, NULL);
		}
		if (timeout_ms && ms >= timeout_ms && !atomic_load(&slot->timed_out)) {
			atomic_store(&slot->timed_out, 1);
			char limit[24];
			snprintf(limit, sizeof limit, "%d", c->request_timeout);
			log_kv(LOG_ERROR, "request timed out; killing the worker", "pid", pid,
			       "method", s.method, "uri", s.uri, "running_ms", took,
			       "request_timeout_s", limit, NULL);
			kill(s.pid, SIGKILL);
		}
	}
}
