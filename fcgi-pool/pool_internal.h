/*
 * pool_internal: what the pool's files share and nothing else includes. The pool is
 * split the way php-fpm's sapi/fpm is: pool.c (entry, settings), pool_listen.c
 * (sockets), pool_scoreboard.c (shared memory), pool_children.c (fork, reap,
 * back-off), pool_pm.c (static/dynamic maintenance, timeouts), pool_signals.c
 * (signalfd in the master), pool_worker.c (the accept loop), pool_status.c (status
 * and ping pages).
 */
#ifndef FCGI_POOL_INTERNAL_H
#define FCGI_POOL_INTERNAL_H

#include <stdatomic.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "pool.h"

/* Worker states, php-fpm's names. */
enum slot_state { SLOT_FREE, SLOT_STARTING, SLOT_IDLE, SLOT_READING, SLOT_RUNNING, SLOT_FINISHING };

/*
 * One worker's row. The master fills pid, generation, spawned and clears the rest
 * before fork; afterwards the worker alone writes the request fields, under seq (a
 * seqlock: odd while writing) so a status reader never shows a torn URI.
 */
struct sb_slot {
	atomic_int state;
	pid_t pid;
	unsigned generation;
	struct timespec spawned; /* CLOCK_REALTIME */
	atomic_uint seq;
	atomic_ulong requests;
	struct timespec req_start; /* CLOCK_MONOTONIC, of the current or last request */
	long last_duration_us;
	long last_cpu_centi; /* CPU time of the last request, % of its duration × 100 */
	long last_memory;    /* the worker's peak resident memory after it, bytes */
	long content_length;
	char method[16];
	char uri[256];
	atomic_int slow_counted; /* this request already counted as slow */
	atomic_int quitting;     /* master asked it to stop (reload, scale down, stop) */
	atomic_int timed_out;    /* master killed it for REQUEST_TIMEOUT */
};

struct scoreboard {
	char pool[32];
	enum pm_style pm;
	time_t start_time;
	struct timespec start_mono;
	atomic_ulong accepted_conn;
	atomic_int active; /* workers reading or running a request */
	atomic_uint max_active;
	atomic_uint max_listen_queue;
	atomic_uint listen_queue_len; /* the backlog the kernel uses */
	atomic_ulong max_children_reached;
	atomic_ulong slow_requests;
	atomic_ulong respawned; /* workers that died unexpectedly and were replaced */
	/* Answers by HTTP status, [status - 100] for 100..599 (pool_note_status). */
	atomic_ulong responses[500];
	unsigned generation; /* current generation; older workers are leaving */
	int nslots;
	struct sb_slot slots[];
};

/* pool_listen.c */
struct pool_listener {
	int fd;
	int is_unix;
	int created_path; /* we made the socket file: remove it at exit */
	char path[128];
	ino_t ino;
};
/* LISTEN's shape: "", unix:/absolute/path, host:port. 0, or -1 with why. */
int pool_listen_check(const char *value, char *why, size_t whylen);
int pool_listen_open(const struct pool_config *cfg, struct pool_listener *l);
void pool_listen_close(struct pool_listener *l);
/* Connections waiting in the accept queue now, or -1 if it cannot be read. */
int pool_listen_queue(const struct pool_listener *l, unsigned *backlog);

/* pool_scoreboard.c */
struct scoreboard *pool_sb_create(const struct pool_config *cfg, const char *pool_name);
void pool_sb_destroy(struct scoreboard *sb);
struct sb_slot *pool_sb_find(struct scoreboard *sb, pid_t pid);
struct sb_slot *pool_sb_free_slot(struct scoreboard *sb);
/* Request fields of a slot, consistent (seqlock read). */
void pool_sb_read_slot(const struct sb_slot *s, struct sb_slot *out);
void pool_sb_write_begin(struct sb_slot *s);
void pool_sb_write_end(struct sb_slot *s);
void pool_sb_note_max(atomic_uint *max, unsigned v);
void pool_sb_counts(struct scoreboard *sb, int *idle, int *active, int *total);
long pool_ms_since(const struct timespec *mono);

/* A worker whose worker_init failed exits with this, so the master can say why. */
#define POOL_EXIT_INIT 78

/* pool_responses.c: where pool_note_status() counts (a worker's scoreboard). */
void pool_responses_attach(atomic_ulong *counts);

/* pool_worker.c: never returns. */
_Noreturn void pool_worker_main(const struct pool_app *app, const struct pool_config *cfg,
                                struct scoreboard *sb, struct sb_slot *slot,
                                const struct pool_listener *l);

/* pool_status.c: 1 when the request was the status or ping page and was answered. */
int pool_status_handle(FCGX_Request *req, const struct pool_config *cfg, struct scoreboard *sb,
                       const struct pool_listener *l);
/* The status page's numbers as metrics (OpenMetrics 1.0, or Prometheus text 0.0.4),
 * for ?openmetrics and the master's own /metrics (pool_metrics.c). */
void pool_status_metrics(FILE *out, struct scoreboard *sb, const struct pool_listener *l,
                         int openmetrics);

/* pool_signals.c (master) */
int pool_signals_master_init(void); /* returns the signalfd */
void pool_signals_worker_reset(void);
/* Next pending signal number, 0 when none, -1 on error. */
int pool_signals_next(int sfd);

/* pool_children.c */
struct pool_master {
	const struct pool_app *app;
	const struct pool_config *cfg;
	struct scoreboard *sb;
	struct pool_listener *listener;
	int sfd;
	int stopping;                  /* 0, or the signal that started the stop */
	int early_failures;            /* consecutive workers that died right after start */
	struct timespec next_spawn_ok; /* back-off: no spawn before this */
	int spawn_rate;                /* dynamic pm: how many to spawn next round */
	struct timespec last_idle_kill;
	int reload_pending; /* SIGUSR2: new generation starting, old one still serving */
	struct timespec reload_started;
	int max_children_warned; /* php-fpm's warn_max_children: once per episode */
	struct timespec max_children_logged;
	unsigned pm_started_gen;      /* dynamic: generation + 1 once it has its start servers */
	struct pool_metrics *metrics; /* METRICS_LISTEN, or NULL */
	int notified_ready;           /* systemd was told READY for this generation */
};
/* Fork one worker of the current generation; 0 on success, -1 when not now. */
int pool_children_spawn(struct pool_master *m);
/* Reap every exited child, log why, account for it. */
void pool_children_reap(struct pool_master *m);
/* Send sig to every worker (or only those of older generations). */
void pool_children_signal(struct pool_master *m, int sig, int only_old);
int pool_children_running(struct pool_master *m);
/* Workers of the current generation not leaving; *idle counts the idle or starting. */
int pool_children_current(struct pool_master *m, int *idle);
/* Workers of the current generation that finished worker_init. */
int pool_children_ready(struct pool_master *m);
int pool_children_backoff_ms(struct pool_master *m);

/* pool_exec.c: SIGUSR2 re-exec of the master's program. */
int pool_exec_init(void);
/* Returns only when the program was not re-executed (check or exec failed). */
int pool_exec_reload(struct pool_master *m);
/* 1 while the process has any child, ours or inherited from before a re-exec. */
int pool_exec_has_children(void);

/* pool_pm.c: one round of maintenance (spawn, scale, timeouts, listen queue). */
void pool_pm_maintain(struct pool_master *m);
/* REQUEST_TIMEOUT and SLOW_REQUEST_TIMEOUT for every worker in a request. */
void pool_pm_check_requests(struct pool_master *m);

#endif
