/*
 * pool_status: the status and ping pages (php-fpm's fpm_status.c), answered by the
 * worker that received the request, from the scoreboard, before the application
 * sees it. Field names and formats are php-fpm's, so its tools and habits carry
 * over: plain text by default, ?json, ?openmetrics, and ?full for one block per
 * worker (combinable: ?json&full). The request path is DOCUMENT_URI, or REQUEST_URI
 * without its query. pool_status_metrics() renders the same numbers as metrics for
 * ?openmetrics here and for the master's own /metrics (pool_metrics.c, METRICS_LISTEN).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "pool_internal.h"
#include "pool_metrics.h"

enum fmt { FMT_TEXT, FMT_JSON, FMT_OPENMETRICS };

static const char *const state_names[] = { "Free",    "Starting", "Idle", "Reading headers",
	                                   "Running", "Finishing" };

struct totals {
	int idle, active, total;
	int queue;
	unsigned backlog;
	long since;
};

static int path_is(FCGX_Request *req, const char *want)
{
	if (!*want)
		return 0;
	const char *p = FCGX_GetParam("DOCUMENT_URI", req->envp);
	if (p)
		return strcmp(p, want) == 0;
	p = FCGX_GetParam("REQUEST_URI", req->envp);
	if (!p)
		return 0;
	size_t n = strcspn(p, "?");
	return strlen(want) == n && strncmp(p, want, n) == 0;
}

/* ?json&full, ?full, ?openmetrics: words separated by & (values ignored). */
static int has_word(const char *query, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = query; p && *p;) {
		size_t len = strcspn(p, "&");
		size_t key = strcspn(p, "=&");
		if (key == n && strncmp(p, word, n) == 0)
			return 1;
		p += len;
		if (*p == '&')
			p++;
	}
	return 0;
}

static void no_cache_headers(FCGX_Request *req, const char *type)
{
	FCGX_FPrintF(req->out,
	             "Status: 200 OK\r\nContent-Type: %s\r\n"
	             "Expires: Thu, 01 Jan 1970 00:00:00 GMT\r\n"
	             "Cache-Control: no-cache, no-store, must-revalidate, max-age=0\r\n\r\n",
	             type);
}

static void fmt_time(time_t t, char *buf, size_t len)
{
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(buf, len, "%d/%b/%Y:%H:%M:%S %z", &tm);
}

static long slot_duration_us(const struct sb_slot *s, int st)
{
	if (st == SLOT_IDLE || st == SLOT_STARTING)
		return s->last_duration_us;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - s->req_start.tv_sec) * 1000000 +
	       (now.tv_nsec - s->req_start.tv_nsec) / 1000;
}

/* The next worker after slot *i (start at -1), read consistently; 0 when there is none. */
static int next_worker(struct scoreboard *sb, int *i, struct sb_slot *s, int *state)
{
	while (++*i < sb->nslots) {
		*state = atomic_load(&sb->slots[*i].state);
		if (*state == SLOT_FREE)
			continue;
		pool_sb_read_slot(&sb->slots[*i], s);
		return 1;
	}
	return 0;
}

static void text(FCGX_Request *req, struct scoreboard *sb, const struct totals *t, int full)
{
	no_cache_headers(req, "text/plain; charset=utf-8");
	char st[64];
	fmt_time(sb->start_time, st, sizeof st);
	/* snprintf, not FCGX_FPrintF: the compiler checks these formats. */
	char buf[2048];
	snprintf(buf, sizeof buf,
	         "pool:                 %s\n"
	         "process manager:      %s\n"
	         "start time:           %s\n"
	         "start since:          %ld\n"
	         "accepted conn:        %lu\n"
	         "listen queue:         %d\n"
	         "max listen queue:     %u\n"
	         "listen queue len:     %u\n"
	         "idle processes:       %d\n"
	         "active processes:     %d\n"
	         "total processes:      %d\n"
	         "max active processes: %u\n"
	         "max children reached: %lu\n"
	         "slow requests:        %lu\n"
	         "respawned processes:  %lu\n",
	         sb->pool, sb->pm == PM_STATIC ? "static" : "dynamic", st, t->since,
	         atomic_load(&sb->accepted_conn), t->queue, atomic_load(&sb->max_listen_queue),
	         t->backlog, t->idle, t->active, t->total, atomic_load(&sb->max_active),
	         atomic_load(&sb->max_children_reached), atomic_load(&sb->slow_requests),
	         atomic_load(&sb->respawned));
	FCGX_PutS(buf, req->out);
	if (!full)
		return;
	time_t now = time(NULL);
	struct sb_slot s;
	int state;
	for (int i = -1; next_worker(sb, &i, &s, &state);) {
		fmt_time(s.spawned.tv_sec, st, sizeof st);
		snprintf(buf, sizeof buf,
		         "\n************************\n"
		         "pid:                  %d\n"
		         "state:                %s\n"
		         "start time:           %s\n"
		         "start since:          %ld\n"
		         "requests:             %lu\n"
		         "request duration:     %ld\n"
		         "request method:       %s\n"
		         "request URI:          %s\n"
		         "content length:       %ld\n"
		         "user:                 -\n"
		         "script:               -\n"
		         "last request cpu:     %.2f\n"
		         "last request memory:  %ld\n",
		         (int)s.pid, state_names[state], st, (long)(now - s.spawned.tv_sec),
		         atomic_load(&sb->slots[i].requests), slot_duration_us(&s, state),
		         s.method[0] ? s.method : "-", s.uri[0] ? s.uri : "-", s.content_length,
		         (double)s.last_cpu_centi / 100, s.last_memory);
		FCGX_PutS(buf, req->out);
	}
}

static void json(FCGX_Request *req, struct scoreboard *sb, const struct totals *t, int full)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "pool", sb->pool);
	cJSON_AddStringToObject(o, "process manager", sb->pm == PM_STATIC ? "static" : "dynamic");
	cJSON_AddNumberToObject(o, "start time", (double)sb->start_time);
	cJSON_AddNumberToObject(o, "start since", (double)t->since);
	cJSON_AddNumberToObject(o, "accepted conn", (double)atomic_load(&sb->accepted_conn));
	cJSON_AddNumberToObject(o, "listen queue", t->queue);
	cJSON_AddNumberToObject(o, "max listen queue", atomic_load(&sb->max_listen_queue));
	cJSON_AddNumberToObject(o, "listen queue len", t->backlog);
	cJSON_AddNumberToObject(o, "idle processes", t->idle);
	cJSON_AddNumberToObject(o, "active processes", t->active);
	cJSON_AddNumberToObject(o, "total processes", t->total);
	cJSON_AddNumberToObject(o, "max active processes", atomic_load(&sb->max_active));
	cJSON_AddNumberToObject(o, "max children reached",
	                        (double)atomic_load(&sb->max_children_reached));
	cJSON_AddNumberToObject(o, "slow requests", (double)atomic_load(&sb->slow_requests));
	cJSON_AddNumberToObject(o, "respawned processes", (double)atomic_load(&sb->respawned));
	if (full) {
		cJSON *procs = cJSON_AddArrayToObject(o, "processes");
		time_t now = time(NULL);
		struct sb_slot s;
		int state;
		for (int i = -1; next_worker(sb, &i, &s, &state);) {
			cJSON *p = cJSON_CreateObject();
			cJSON_AddNumberToObject(p, "pid", s.pid);
			cJSON_AddStringToObject(p, "state", state_names[state]);
			cJSON_AddNumberToObject(p, "start time", (double)s.spawned.tv_sec);
			cJSON_AddNumberToObject(p, "start since", (double)(now - s.spawned.tv_sec));
			cJSON_AddNumberToObject(p, "requests",
			                        (double)atomic_load(&sb->slots[i].requests));
			cJSON_AddNumberToObject(p, "request duration",
			                        (double)slot_duration_us(&s, state));
			cJSON_AddStringToObject(p, "request method", s.method[0] ? s.method : "-");
			cJSON_AddStringToObject(p, "request uri", s.uri[0] ? s.uri : "-");
			cJSON_AddNumberToObject(p, "content length", (double)s.content_length);
			cJSON_AddStringToObject(p, "user", "-");
			cJSON_AddStringToObject(p, "script", "-");
			cJSON_AddNumberToObject(p, "last request cpu",
			                        (double)s.last_cpu_centi / 100);
			cJSON_AddNumberToObject(p, "last request memory", (double)s.last_memory);
			cJSON_AddItemToArray(procs, p);
		}
	}
	char *body = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	no_cache_headers(req, "application/json");
	if (body) {
		FCGX_PutS(body, req->out);
		cJSON_free(body);
	}
}

/* The numbers every format shares, read now. */
static void totals_read(struct scoreboard *sb, const struct pool_listener *l, struct totals *t)
{
	pool_sb_counts(sb, &t->idle, &t->active, &t->total);
	t->backlog = atomic_load(&sb->listen_queue_len);
	t->queue = pool_listen_queue(l, &t->backlog);
	if (t->queue < 0)
		t->queue = 0;
	else
		pool_sb_note_max(&sb->max_listen_queue, (unsigned)t->queue);
	t->since = pool_ms_since(&sb->start_mono) / 1000;
}

static void metric(FILE *out, int om, const char *labels, const char *name, const char *type,
                   const char *help, double v)
{
	pool_metrics_family(out, om, name, type, help);
	pool_metrics_sample(out, name, type, labels, v);
}

void pool_status_metrics(FILE *out, struct scoreboard *sb, const struct pool_listener *l, int om)
{
	struct totals t;
	totals_read(sb, l, &t);
	char p[64]; /* a pool name is a program constant: no escaping needed */
	snprintf(p, sizeof p, "pool=\"%s\"", sb->pool);
	metric(out, om, p, "up", "gauge", "Whether the pool answers.", 1);
	metric(out, om, p, "start_since", "gauge", "Seconds since the pool started.",
	       (double)t.since);
	metric(out, om, p, "accepted_connections", "counter", "Requests accepted by the pool.",
	       (double)atomic_load(&sb->accepted_conn));
	metric(out, om, p, "listen_queue", "gauge", "Connections waiting in the listen queue.",
	       t.queue);
	metric(out, om, p, "max_listen_queue", "gauge",
	       "The most connections seen waiting in the listen queue.",
	       atomic_load(&sb->max_listen_queue));
	metric(out, om, p, "listen_queue_length", "gauge", "Size of the listen queue (backlog).",
	       t.backlog);
	metric(out, om, p, "idle_processes", "gauge", "Idle workers.", t.idle);
	metric(out, om, p, "active_processes", "gauge", "Workers serving a request.", t.active);
	metric(out, om, p, "total_processes", "gauge", "Workers, idle and active.", t.total);
	metric(out, om, p, "max_active_processes", "gauge", "The most workers seen active at once.",
	       atomic_load(&sb->max_active));
	metric(out, om, p, "max_children_reached", "counter",
	       "Times the pool ran out of workers (WORKERS reached).",
	       (double)atomic_load(&sb->max_children_reached));
	metric(out, om, p, "slow_requests", "counter", "Requests over SLOW_REQUEST_TIMEOUT.",
	       (double)atomic_load(&sb->slow_requests));
	metric(out, om, p, "respawned_processes", "counter",
	       "Workers that died unexpectedly and were replaced.",
	       (double)atomic_load(&sb->respawned));
	pool_metrics_family(out, om, "responses", "counter",
	                    "Answers the application sent, by HTTP status code.");
	for (int i = 0; i < 500; i++) {
		unsigned long n = atomic_load(&sb->responses[i]);
		if (!n)
			continue;
		char labels[96];
		snprintf(labels, sizeof labels, "%s,code=\"%d\"", p, i + 100);
		pool_metrics_sample(out, "responses", "counter", labels, (double)n);
	}
	if (om)
		fputs("# EOF\n", out);
}

static void openmetrics(FCGX_Request *req, struct scoreboard *sb, const struct pool_listener *l)
{
	char *body = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&body, &len);
	if (f) {
		pool_status_metrics(f, sb, l, 1);
		if (fclose(f) != 0)
			len = 0;
	}
	no_cache_headers(req, "application/openmetrics-text; version=1.0.0; charset=utf-8");
	if (body && len)
		FCGX_PutStr(body, (int)len, req->out);
	free(body);
}

int pool_status_handle(FCGX_Request *req, const struct pool_config *cfg, struct scoreboard *sb,
                       const struct pool_listener *l)
{
	if (path_is(req, cfg->ping_path)) {
		no_cache_headers(req, "text/plain; charset=utf-8");
		FCGX_PutS("pong\n", req->out);
		return 1;
	}
	if (!path_is(req, cfg->status_path))
		return 0;
	const char *q = FCGX_GetParam("QUERY_STRING", req->envp);
	if (has_word(q, "openmetrics")) {
		openmetrics(req, sb, l);
		return 1;
	}
	struct totals t;
	totals_read(sb, l, &t);
	int full = has_word(q, "full");
	if (has_word(q, "json"))
		json(req, sb, &t, full);
	else
		text(req, sb, &t, full);
	return 1;
}
