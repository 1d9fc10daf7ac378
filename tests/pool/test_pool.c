/*
 * test_pool: integration tests of the pool manager. Each test starts
 * tests/pool/pool_app ($POOL_APP) as a pool in a temporary directory, in its own
 * process group, talks FastCGI to it (fcgi_client.c), and checks what an operator
 * would see: responses, worker pids, the status page, the log, exit status. The
 * test process is a child subreaper, and every pool is stopped and reaped at the end
 * of its test: nothing is left running, no zombies. The figures the tests measure
 * are printed as "FIGURE:" lines.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "check_run.h"
#include "fcgi_client.h"

struct pool {
	pid_t pid;
	char dir[48];
	char addr[96];
	char log[256];
	char prog[128]; /* the program to run; empty: $POOL_APP */
	int exited;     /* the master was reaped; status in exit_status */
	int exit_status;
};

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	while (nanosleep(&ts, &ts) != 0)
		;
}

static const char *app_path(void)
{
	const char *p = getenv("POOL_APP");
	return p ? p : "build/tests/pool/pool_app";
}

/* Fork and exec the pool app with env (NULL-terminated "K=V" list); listen_fd, when
 * >= 0, is passed as fd 0 (spawn-fcgi) or fd 3 (systemd, when systemd is set). */
static void pool_spawn(struct pool *p, const char *const env[], int listen_fd, int systemd)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL); /* a test killed by its timeout takes the pool */
		int log = open(p->log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		dup2(log, 1);
		dup2(log, 2);
		if (listen_fd >= 0) {
			dup2(listen_fd, systemd ? 3 : 0);
			if (systemd) {
				char v[32];
				snprintf(v, sizeof v, "%d", (int)getpid());
				setenv("LISTEN_PID", v, 1);
				setenv("LISTEN_FDS", "1", 1);
			}
		}
		for (size_t i = 0; env && env[i]; i++)
			putenv((char *)env[i]);
		execl(p->prog[0] ? p->prog : app_path(), "pool_app", (char *)NULL);
		_exit(127);
	}
	setpgid(pid, pid);
	p->pid = pid;
}

static int status_json(struct pool *p, cJSON **out, const char *query)
{
	struct fcgi_resp *r = malloc(sizeof *r);
	char uri[128];
	snprintf(uri, sizeof uri, "/-/status/testpool?%s", query);
	int rc = fcgi_get(p->addr, uri, r, 5000);
	*out = rc == 0 && r->status == 200 ? cJSON_Parse(r->body) : NULL;
	free(r);
	return *out ? 0 : -1;
}

static long jnum(cJSON *o, const char *name)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	ck_assert_msg(cJSON_IsNumber(v), "status field '%s' missing or not a number", name);
	return (long)v->valuedouble;
}

static long status_field(struct pool *p, const char *name)
{
	cJSON *j;
	ck_assert_int_eq(status_json(p, &j, "json"), 0);
	long v = jnum(j, name);
	cJSON_Delete(j);
	return v;
}

/* Worker pids from ?json&full. */
static int worker_pids(struct pool *p, pid_t *pids, int max)
{
	cJSON *j;
	if (status_json(p, &j, "json&full") != 0)
		return -1;
	int n = 0;
	cJSON *proc;
	cJSON_ArrayForEach(proc, cJSON_GetObjectItemCaseSensitive(j, "processes"))
	{
		if (n < max)
			pids[n++] = (pid_t)jnum(proc, "pid");
	}
	cJSON_Delete(j);
	return n;
}

/* Wait until the pool answers its status page with `total` workers. */
static void pool_wait_total(struct pool *p, long total, long timeout_ms)
{
	long deadline = now_ms() + timeout_ms, seen = -1;
	while (now_ms() < deadline) {
		cJSON *j;
		if (status_json(p, &j, "json") == 0) {
			seen = jnum(j, "total processes");
			cJSON_Delete(j);
			if (seen == total)
				return;
		}
		sleep_ms(20);
	}
	ck_abort_msg("pool did not reach %ld workers in %ld ms (last seen %ld)", total, timeout_ms,
	             seen);
}

/* Every test's directory lives under this one, which main() removes at the end: a
 * failed assertion ends a test with _exit, and its pool dies with it (PDEATHSIG),
 * but its files stay until then. */
static char base_dir[32];

/* Pools of this test, cleaned up at exit when the test ends normally. */
static struct pool *started[4];
static int nstarted;

static void cleanup_at_exit(void)
{
	for (int i = 0; i < nstarted; i++) {
		struct pool *p = started[i];
		if (p->pid > 0 && !p->exited) {
			kill(-p->pid, SIGKILL);
			waitpid(p->pid, NULL, 0);
		}
		char cmd[200];
		snprintf(cmd, sizeof cmd, "rm -rf %s", p->dir);
		if (p->dir[0] && system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", p->dir);
	}
	nstarted = 0;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

static void pool_init(struct pool *p)
{
	memset(p, 0, sizeof *p);
	/* Orphaned workers come to this test process (the flag is not inherited by
	 * Check's per-test fork): we reap them and prove none is left. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	snprintf(p->dir, sizeof p->dir, "%s/p.XXXXXX", base_dir);
	ck_assert_ptr_nonnull(mkdtemp(p->dir));
	if (nstarted == 0)
		atexit(cleanup_at_exit);
	int known = 0;
	for (int i = 0; i < nstarted; i++)
		known |= started[i] == p;
	if (!known && nstarted < 4)
		started[nstarted++] = p;
	snprintf(p->addr, sizeof p->addr, "unix:%s/p.sock", p->dir);
	snprintf(p->log, sizeof p->log, "%s/pool.log", p->dir);
}

static void copy_file(const char *from, const char *to)
{
	char cmd[400];
	snprintf(cmd, sizeof cmd, "cp %s %s.tmp && mv %s.tmp %s", from, to, to, to);
	ck_assert_int_eq(system(cmd), 0);
}

/* A socket the pool inherits instead of opening LISTEN. */
enum inherit { INHERIT_NONE, INHERIT_FD0 /* spawn-fcgi */, INHERIT_SYSTEMD /* fd 3 */ };

/*
 * How a test starts its pool. All zero is the usual: a unix socket in the pool's own
 * directory (LISTEN=unix:…/p.sock), the program $POOL_APP, no waiting.
 */
struct pool_opts {
	const char *env[8]; /* more settings, "K=V"; "{dir}" stands for the pool's directory */
	long workers;       /* wait until the status page shows this many workers; 0: don't */
	const char *listen; /* LISTEN (and the address tests talk to) instead of the socket */
	enum inherit inherit;
	int fd;       /* with inherit: the listening socket (LISTEN is then not set) */
	int copy_app; /* run a copy of $POOL_APP from the directory (binary upgrades) */
};

/* s with "{dir}" replaced by dir (into out), or s itself. */
static const char *expand_dir(const char *s, const char *dir, char *out, size_t cap)
{
	const char *at = strstr(s, "{dir}");
	if (!at)
		return s;
	snprintf(out, cap, "%.*s%s%s", (int)(at - s), s, dir, at + 5);
	return out;
}

/* The one way tests start a pool: p (pool_init'ed here unless the test did, to prepare
 * its directory first) as o says. */
static void pool_start(struct pool *p, const struct pool_opts *o)
{
	if (!p->dir[0])
		pool_init(p);
	if (o->listen)
		snprintf(p->addr, sizeof p->addr, "%s", o->listen);
	if (o->copy_app) {
		snprintf(p->prog, sizeof p->prog, "%s/app", p->dir);
		copy_file(app_path(), p->prog);
	}
	char listen[200], values[8][300];
	const char *env[10];
	size_t n = 0;
	if (o->inherit == INHERIT_NONE) {
		snprintf(listen, sizeof listen, "LISTEN=%s", p->addr);
		env[n++] = listen;
	}
	for (size_t i = 0; i < 8 && o->env[i]; i++)
		env[n++] = expand_dir(o->env[i], p->dir, values[i], sizeof values[i]);
	env[n] = NULL;
	pool_spawn(p, env, o->inherit ? o->fd : -1, o->inherit == INHERIT_SYSTEMD);
	if (o->workers)
		pool_wait_total(p, o->workers, 5000);
}

/* Wait for the master to exit by itself; 0 when it did within timeout_ms. */
/* One GET /hello through the pool answers 200. */
static void hello_ok(struct pool *p)
{
	struct fcgi_resp *r = malloc(sizeof *r);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(fcgi_get(p->addr, "/hello", r, 5000), 0);
	ck_assert_int_eq(r->status, 200);
	free(r);
}

static int pool_wait_exit(struct pool *p, long timeout_ms)
{
	long deadline = now_ms() + timeout_ms;
	while (!p->exited && now_ms() < deadline) {
		if (waitpid(p->pid, &p->exit_status, WNOHANG) == p->pid)
			p->exited = 1;
		else
			sleep_ms(10);
	}
	return p->exited ? 0 : -1;
}

static int log_contains(struct pool *p, const char *needle)
{
	FILE *f = fopen(p->log, "r");
	if (!f)
		return 0;
	char line[4096];
	int found = 0;
	while (!found && fgets(line, sizeof line, f))
		found = strstr(line, needle) != NULL;
	fclose(f);
	return found;
}

static void reap_orphans(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* Stop the pool (SIGTERM), reap it, and check nothing of it is left. */
static void pool_stop(struct pool *p)
{
	if (!p->exited) {
		kill(p->pid, SIGTERM);
		if (pool_wait_exit(p, 5000) != 0) {
			kill(-p->pid, SIGKILL);
			waitpid(p->pid, &p->exit_status, 0);
			p->exited = 1;
			reap_orphans();
			ck_abort_msg("the master did not stop on SIGTERM within 5 s");
		}
		ck_assert_msg(WIFEXITED(p->exit_status) && WEXITSTATUS(p->exit_status) == 0,
		              "master exit status %d", p->exit_status);
	}
	reap_orphans();
	/* Every worker is gone: nothing in the pool's process group, zombies included. */
	long deadline = now_ms() + 2000;
	while (kill(-p->pid, 0) == 0 && now_ms() < deadline) {
		reap_orphans();
		sleep_ms(10);
	}
	ck_assert_msg(kill(-p->pid, 0) == -1 && errno == ESRCH,
	              "processes of the pool are still running after it stopped");
	/* Under `make pool-test-san` the pool's own sanitizer reports land in its log. */
	ck_assert_msg(!log_contains(p, "Sanitizer") && !log_contains(p, "runtime error:"),
	              "sanitizer report in %s", p->log);
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf %s", p->dir);
	ck_assert_int_eq(system(cmd), 0);
	p->dir[0] = '\0';
	/* Done with: forget it (it lives on the test's stack, gone after it returns). */
	for (int i = 0; i < nstarted; i++)
		if (started[i] == p)
			started[i--] = started[--nstarted];
}

/* ---- load: client processes that send requests until a deadline ---- */

struct load {
	pid_t pids[8];
	int n;
	long *counts; /* shared: [2*i] ok, [2*i+1] failed */
};

static void load_start(struct load *l, struct pool *p, int clients, const char *uri, long ms)
{
	l->n = clients;
	l->counts = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(l->counts, MAP_FAILED);
	long until = now_ms() + ms;
	for (int i = 0; i < clients; i++) {
		l->pids[i] = fork();
		ck_assert_int_ge(l->pids[i], 0);
		if (l->pids[i] == 0) {
			struct fcgi_resp *r = malloc(sizeof *r);
			while (now_ms() < until) {
				int ok = fcgi_get(p->addr, uri, r, 5000) == 0 && r->status == 200;
				l->counts[2 * i + (ok ? 0 : 1)]++;
			}
			_exit(0);
		}
	}
}

static void load_wait(struct load *l, long *ok, long *failed)
{
	*ok = *failed = 0;
	for (int i = 0; i < l->n; i++) {
		waitpid(l->pids[i], NULL, 0);
		*ok += l->counts[2 * i];
		*failed += l->counts[2 * i + 1];
	}
	munmap(l->counts, 4096);
}

/* ---- tests ---- */

START_TEST(serves_and_counts)
{
	struct pool p = { 0 };
	pool_start(&p, &(struct pool_opts){ .env = { "WORKERS=3" }, .workers = 3 });
	long before = status_field(&p, "accepted conn");
	struct fcgi_resp *r = malloc(sizeof *r);
	for (int i = 0; i < 10; i++) {
		ck_assert_int_eq(fcgi_get(p.addr, "/hello", r, 5000), 0);
		ck_assert_int_eq(r->status, 200);
		ck_assert_ptr_nonnull(strstr(r->body, "hello pid="));
	}
	ck_assert_int_eq(fcgi_get(p.addr, "/-/ping", r, 5000), 0);
	ck_assert_str_eq(r->body, "pong\n");
	ck_assert_int_eq(fcgi_get(p.addr, "/nope", r, 5000), 0);
	ck_assert_int_eq(r->status, 404);

	/* A worker turns idle a moment after its client has the answer (it waits for the
	 * client to close), so read until the pool has settled. */
	cJSON *j = NULL;
	int reads = 0;
	for (; reads < 50; reads++) {
		cJSON_Delete(j);
		ck_assert_int_eq(status_json(&p, &j, "json"), 0);
		if (jnum(j, "active processes") == 1 && jnum(j, "idle processes") == 2)
			break;
		sleep_ms(20);
	}
	/* 1 status read + 10 hello + ping + 404 + the status reads here */
	ck_assert_int_eq(jnum(j, "accepted conn"), before + 12 + reads + 1);
	ck_assert_int_eq(jnum(j, "active processes"), 1); /* the one answering */
	ck_assert_int_eq(jnum(j, "idle processes"), 2);
	ck_assert_int_eq(jnum(j, "total processes"), 3);
	ck_assert_int_eq(jnum(j, "listen queue"), 0);
	ck_assert_int_eq(jnum(j, "listen queue len"), 511);
	ck_assert_int_eq(jnum(j, "max children reached"), 0);
	ck_assert_str_eq(cJSON_GetObjectItem(j, "pool")->valuestring, "testpool");
	ck_assert_str_eq(cJSON_GetObjectItem(j, "process manager")->valuestring, "static");
	cJSON_Delete(j);

	/* Plain text has php-fpm's field names; ?full one block per worker. */
	ck_assert_int_eq(fcgi_get(p.addr, "/-/status/testpool?full", r, 5000), 0);
	const char *fields[] = { "pool:",
		                 "process manager:",
		                 "start time:",
		                 "start since:",
		                 "accepted conn:",
		                 "listen queue:",
		                 "max listen queue:",
		                 "listen queue len:",
		                 "idle processes:",
		                 "active processes:",
		                 "total processes:",
		                 "max active processes:",
		                 "max children reached:",
		                 "slow requests:",
		                 "request URI:" };
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		ck_assert_msg(strstr(r->body, fields[i]), "text status lacks '%s'", fields[i]);
	int blocks = 0;
	for (const char *s = r->body; (s = strstr(s, "\npid:")); s++)
		blocks++;
	ck_assert_int_eq(blocks, 3);
	ck_assert_ptr_nonnull(strstr(r->body, "request URI:          /-/status/testpool?full"));
	for (const char *c = r->body; (c = strstr(c, "last request cpu:     ")); c++) {
		double cpu = -1;
		ck_assert_int_eq(sscanf(c + 22, "%lf", &cpu), 1);
		ck_assert_msg(cpu >= 0 && cpu <= 1000, "last request cpu %f", cpu);
	}
	/* a worker that served a request reports its peak memory (at least 100 KiB) */
	int mem = 0;
	for (const char *m = r->body; (m = strstr(m, "last request memory:  ")); m++) {
		long bytes = atol(m + 22);
		ck_assert_msg(bytes >= 0 && bytes < (1L << 31), "last request memory %ld", bytes);
		mem += bytes > 100 * 1024;
	}
	ck_assert_int_ge(mem, 1);
	free(r);
	pool_stop(&p);
}
END_TEST

START_TEST(openmetrics_is_valid)
{
	struct pool p = { 0 };
	pool_start(&p, &(struct pool_opts){ .env = { "WORKERS=2" }, .workers = 2 });
	struct fcgi_resp *r = malloc(sizeof *r);
	ck_assert_int_eq(fcgi_get(p.addr, "/-/status/testpool?openmetrics", r, 5000), 0);
	ck_assert_int_eq(r->status, 200);
	char path[200];
	snprintf(path, sizeof path, "%s/metrics.txt", p.dir);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fwrite(r->body, 1, r->len, f);
	fclose(f);
	/* The reference parser, strict: fails on any syntax or type error. */
	char cmd[800];
	snprintf(
	        cmd, sizeof cmd,
	        "/usr/bin/python3 -c 'import sys; from prometheus_client.openmetrics.parser import "
	        "text_string_to_metric_families as p; fams = {f.name: f for f in "
	        "p(open(sys.argv[1]).read())}; "
	        "s = fams[\"fcgi_pool_accepted_connections\"].samples[0]; "
	        "assert s.labels == {\"pool\": \"testpool\"} and s.value >= 2, s; "
	        "assert fams[\"fcgi_pool_total_processes\"].samples[0].value == 2; "
	        "assert \"fcgi_pool_responses\" in fams; "
	        "assert len(fams) == 14, sorted(fams)' %s",
	        path);
	ck_assert_msg(system(cmd) == 0, "openmetrics output rejected by prometheus_client");
	free(r);
	pool_stop(&p);
}
END_TEST

START_TEST(kill9_under_load)
{
	struct pool p = { 0 };
	pool_start(&p, &(struct pool_opts){ .env = { "WORKERS=4" }, .workers = 4 });
	struct load l;
	load_start(&l, &p, 3, "/sleep?ms=5", 2500);
	sleep_ms(500);
	pid_t before[16];
	ck_assert_int_eq(worker_pids(&p, before, 16), 4);
	pid_t victim = before[0];
	long t0 = now_ms();
	ck_assert_int_eq(kill(victim, SIGKILL), 0);
	long took = -1;
	while (now_ms() - t0 < 3000) {
		pid_t now[16];
		int n = worker_pids(&p, now, 16);
		int gone = 1;
		for (int i = 0; i < n; i++)
			gone &= now[i] != victim;
		if (n == 4 && gone) {
			took = now_ms() - t0;
			break;
		}
		sleep_ms(5);
	}
	printf("FIGURE: pool back to 4 workers %ld ms after kill -9 of a worker under load\n",
	       took);
	ck_assert_msg(took >= 0 && took < 1000, "back to full size after %ld ms", took);
	ck_assert_int_eq(status_field(&p, "respawned processes"), 1);
	long ok, failed;
	load_wait(&l, &ok, &failed);
	printf("FIGURE: kill -9 under load: %ld requests ok, %ld failed\n", ok, failed);
	ck_assert_int_gt(ok, 100);
	ck_assert_int_le(failed, 1); /* at most the one the killed worker held */
	pool_stop(&p);
}
END_TEST

static int count_in_log(struct pool *p, const char *needle)
{
	FILE *f = fopen(p->log, "r");
	if (!f)
		return 0;
	char line[4096];
	int n = 0;
	while (fgets(line, sizeof line, f))
		n += strstr(line, needle) != NULL;
	fclose(f);
	return n;
}

/* SIGUSR2 under a steady stream: nothing fails, every worker is new, the master
 * pid stays. exec: "1" re-executes the program, "0" replaces the workers only. */
static void reload_under_load(const char *exec)
{
	struct pool p = { 0 };
	char setting[32];
	snprintf(setting, sizeof setting, "RELOAD_EXEC=%s", exec);
	pool_start(&p, &(struct pool_opts){ .env = { "WORKERS=3", setting }, .workers = 3 });
	pid_t before[16], after[16];
	ck_assert_int_eq(worker_pids(&p, before, 16), 3);
	struct load l;
	load_start(&l, &p, 4, "/sleep?ms=20", 3000);
	sleep_ms(700);
	ck_assert_int_eq(kill(p.pid, SIGUSR2), 0);
	long ok, failed;
	load_wait(&l, &ok, &failed);
	printf("FIGURE: SIGUSR2 (RELOAD_EXEC=%s) during load: %ld requests ok, %ld failed\n", exec,
	       ok, failed);
	ck_assert_int_eq(failed, 0);
	ck_assert_int_gt(ok, 50);
	pool_wait_total(&p, 3, 3000);
	ck_assert_int_eq(worker_pids(&p, after, 16), 3);
	for (int i = 0; i < 3; i++)
		for (int k = 0; k < 3; k++)
			ck_assert_msg(before[i] != after[k], "worker %d survived the reload",
			              (int)before[i]);
	ck_assert_int_eq(status_field(&p, "respawned processes"), 0);
	ck_assert_int_eq(kill(p.pid, 0), 0); /* same master */
	ck_assert_int_eq(count_in_log(&p, "re-executing"), *exec == '1' ? 1 : 0);
	ck_assert_int_eq(count_in_log(&p, "pool started"), *exec == '1' ? 2 : 1);
	pool_stop(&p);
}

START_TEST(reload_exec_drops_nothing)
{
	reload_under_load("1");
}
END_TEST

START_TEST(reload_workers_drops_nothing)
{
	reload_under_load("0");
}
END_TEST

/* Install a new binary over the running one, SIGUSR2: the master runs the new one. */
START_TEST(reload_upgrades_binary)
{
	struct pool p = { 0 };
	pool_start(&p, &(struct pool_opts){ .env = { "WORKERS=2" }, .workers = 2, .copy_app = 1 });
	copy_file(app_path(), p.prog); /* a new inode: the old one is now "(deleted)" */
	char link[64], exe[256];
	snprintf(link, sizeof link, "/proc/%d/exe", (int)p.pid);
	ssize_t n = readlink(link, exe, sizeof exe - 1);
	ck_assert_int_gt(n, 0);
	exe[n] = '\0';
	ck_assert_ptr_nonnull(strstr(exe, "(deleted)"));
	ck_assert_int_eq(kill(p.pid, SIGUSR2), 0);
	long deadline = now_ms() + 5000;
	while (count_in_log(&p, "pool started") < 2 && now_ms() < deadline)
		sleep_ms(20);
	pool_wait_total(&p, 2, 3000);
	n = readlink(link, exe, sizeof exe - 1);
	ck_assert_int_gt(n, 0);
	exe[n] = '\0';
	ck_assert_msg(!strstr(exe, "(deleted)"), "master still runs the old binary: %s", exe);
	struct fcgi_resp *r = malloc(sizeof *r);
	ck_assert_int_eq(fcgi_get(p.addr, "/hello", r, 5000), 0);
	free(r);
	pool_stop(&p);
}
END_TEST

/* A broken program on disk: SIGUSR2 keeps the running master, replaces workers. */
START_TEST(reload_refuses_broken_binary)
{
	struct pool p = { 0 };
	pool_start(&p, &(struct pool_opts){ .env = { "WORKERS=2" }, .workers = 2, .copy_app = 1 });
	pid_t before[16], after[16];
	ck_assert_int_eq(worker_pids(&p, before, 16), 2);
	char script[200];
	snprintf(script, sizeof script, "%s/broken", p.dir);
	FILE *f = fopen(script, "w");
	fputs("#!/bin/sh\necho 'app: setting WORKERS: broken' >&2\nexit 2\n", f);
	fclose(f);
	chmod(script, 0755);
	copy_file(script, p.prog);
	ck_assert_int_eq(kill(p.pid, SIGUSR2), 0);
	long deadline = now_ms() + 5000;
	while (!log_contains(&p, "fails its settings check") && now_ms() < deadline)
		sleep_ms(20);
	ck_assert(log_contains(&p, "fails its settings check"));
	sleep_ms(300);
	pool_wait_total(&p, 2, 3000);
	ck_assert_int_eq(worker_pids(&p, after, 16), 2);
	for (int i = 0; i < 2; i++)
		ck_assert(before[i] != after[0] && before[i] != after[1]);
	struct fcgi_resp *r = malloc(sizeof *r);
	ck_assert_int_eq(fcgi_get(p.addr, "/hello", r, 5000), 0);
	free(r);
	pool_stop(&p);
}
END_TEST

START_TEST(sigquit_finishes_inflight)
{
	struct pool p = { 0 };
	pool_start(&p, &(struct pool_opts){ .env = { "WORKERS=2" }, .workers = 2 });
	int fd = fcgi_connect(p.addr);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fcgi_send(fd, "/sleep?ms=1500"), 0);
	sleep_ms(300);
	long t0 = now_ms();
	ck_assert_int_eq(kill(p.pid, SIGQUIT), 0);
	struct fcgi_resp *r = malloc(sizeof *r);
	ck_assert_int_eq(fcgi_recv(fd, r, 5000), 0);
	close(fd);
	ck_assert_int_eq(r->status, 200);
	ck_assert_ptr_nonnull(strstr(r->body, "slept"));
	ck_assert_int_eq(pool_wait_exit(&p, 5000), 0);
	printf("FIGURE: SIGQUIT: in-flight request finished, master exited %ld ms after the "
	       "signal\n",
	       now_ms() - t0);
	ck_assert(WIFEXITED(p.exit_status) && WEXITSTATUS(p.exit_status) == 0);
	ck_assert(now_ms() - t0 >= 1000); /* it waited for the request */
	struct stat st;
	ck_assert_int_ne(stat(p.addr + 5, &st), 0); /* socket file removed */
	ck_assert(log_contains(&p, "graceful stop"));
	free(r);
	pool_stop(&p);
}
END_TEST

/* Wait until exactly one of the n workers in before[] was replaced by a new one. */
static void wait_one_replaced(struct pool *p, const pid_t *before, int n, long timeout_ms)
{
	long deadline = now_ms() + timeout_ms;
	int gone = -1, got = -1;
	while (now_ms() < deadline) {
		pid_t now[16];
		got = worker_pids(p, now, 16);
		gone = 0;
		for (int i = 0; i < n; i++) {
			int found = 0;
			for (int k = 0; k < got; k++)
				found |= now[k] == before[i];
			gone += !found;
		}
		if (got == n && gone == 1)
			return;
		sleep_ms(10);
	}
	ck_abort_msg("no single worker replaced in %ld ms (%d workers, %d gone)", timeout_ms, got,
	             gone);
}

START_TEST(request_timeout_kills_hung_worker)
{
	struct pool p = { 0 };
	pool_start(&p, &(struct pool_opts){ .env = { "WORKERS=2", "REQUEST_TIMEOUT=1" },
	                                    .workers = 2 });
	pid_t before[16];
	ck_assert_int_eq(worker_pids(&p, before, 16), 2);
	struct fcgi_resp *r = malloc(sizeof *r);
	long t0 = now_ms();
	ck_assert_int_ne(fcgi_get(p.addr, "/hang", r, 20000), 0); /* dropped, not answered */
	long took = now_ms() - t0;
	printf("FIGURE: hung request cut after %ld ms (REQUEST_TIMEOUT=1)\n", took);
	/* Not before the timeout, and by the pool (not by our own 20 s client timeout):
	 * no tighter bound, a busy machine may delay the master's heartbeat. */
	ck_assert_msg(took >= 1000 && took < 19000, "hung request ended after %ld ms", took);
	ck_assert(log_contains(&p, "request timed out; killing the worker"));
	ck_assert(log_contains(&p, "uri=/hang"));
	wait_one_replaced(&p, before, 2, 2000);
	ck_assert_int_eq(status_field(&p, "respawned processes"), 1);
	ck_assert_int_eq(fcgi_get(p.addr, "/hello", r, 5000), 0);
	ck_assert_int_eq(r->status, 200);
	free(r);
	pool_stop(&p);
}
END_TEST

START_TEST(max_requests_recycles)
{
	struct pool p = { 0 };
	pool_start(&p,
	           &(struct pool_opts){ .env = { "WORKERS=2", "MAX_REQUESTS=100" }, .workers = 2 });
	struct fcgi_resp *r = malloc(sizeof *r);
	pid_t pids[64] = { 0 };
	int npids = 0;
	for (int i = 0; i < 1000; i++) {
		ck_assert_int_eq(fcgi_get(p.addr, "/hello", r, 5000), 0);
		ck_assert_int_eq(r->status, 200);
		int pid = 0;
		long n = 0;
		ck_assert_int_eq(sscanf(r->body, "hello pid=%d n=%ld", &pid, &n), 2);
		ck_assert_int_le(n, 100); /* no worker served more than MAX_REQUESTS */
		int seen = 0;
		for (int k = 0; k < npids; k++)
			seen |= pids[k] == pid;
		if (!seen && npids < 64)
			pids[npids++] = pid;
	}
	printf("FIGURE: MAX_REQUESTS=100: 1000 requests served by %d workers, 0 failed\n", npids);
	/* The status reads in pool_start count too, so at least 10 workers. */
	ck_assert_int_ge(npids, 10);
	free(r);
	pool_stop(&p);
}
END_TEST

START_TEST(listen_queue_and_max_children)
{
	struct pool p = { 0 };
	pool_start(&p, &(struct pool_opts){ .env = { "WORKERS=2" }, .workers = 2 });
	int a = fcgi_connect(p.addr), b = fcgi_connect(p.addr);
	ck_assert_int_eq(fcgi_send(a, "/sleep?ms=2500"), 0);
	ck_assert_int_eq(fcgi_send(b, "/sleep?ms=1000"), 0);
	sleep_ms(300); /* both workers busy */
	int s = fcgi_connect(p.addr);
	ck_assert_int_eq(fcgi_send(s, "/-/status/testpool?json"), 0);
	int h[3];
	for (int i = 0; i < 3; i++) {
		h[i] = fcgi_connect(p.addr);
		ck_assert_int_eq(fcgi_send(h[i], "/hello"), 0);
	}
	/* The status request waits first in line; the worker that frees up takes it while
	 * the three others still wait behind it. */
	struct fcgi_resp *r = malloc(sizeof *r);
	ck_assert_int_eq(fcgi_recv(s, r, 5000), 0);
	cJSON *j = cJSON_Parse(r->body);
	ck_assert_ptr_nonnull(j);
	ck_assert_int_eq(jnum(j, "listen queue"), 3);
	ck_assert_int_eq(jnum(j, "max listen queue"), 4);
	ck_assert_int_eq(jnum(j, "active processes"), 2);
	ck_assert_int_eq(jnum(j, "idle processes"), 0);
	ck_assert_int_eq(jnum(j, "max active processes"), 2);
	ck_assert_int_eq(jnum(j, "max children reached"), 1);
	cJSON_Delete(j);
	int fds[] = { a, b, s, h[0], h[1], h[2] };
	for (int i = 0; i < 6; i++) {
		if (fds[i] != s)
			ck_assert_int_eq(fcgi_recv(fds[i], r, 5000), 0);
		close(fds[i]);
	}
	free(r);
	pool_stop(&p);
}
END_TEST

START_TEST(dynamic_scales)
{
	struct pool p = { 0 };
	pool_start(&p, &(struct pool_opts){ .env = { "PM=dynamic", "WORKERS=3",
	                                             "PM_START_SERVERS=2", "PM_MIN_SPARE_SERVERS=1",
	                                             "PM_MAX_SPARE_SERVERS=2" },
	                                    .workers = 2 });
	int fds[3];
	for (int i = 0; i < 3; i++) {
		fds[i] = fcgi_connect(p.addr);
		ck_assert_int_eq(fcgi_send(fds[i], "/sleep?ms=1500"), 0);
	}
	struct fcgi_resp *r = malloc(sizeof *r);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(fcgi_recv(fds[i], r, 5000), 0);
		ck_assert_int_eq(r->status, 200);
		close(fds[i]);
	}
	cJSON *j;
	ck_assert_int_eq(status_json(&p, &j, "json"), 0);
	ck_assert_str_eq(cJSON_GetObjectItem(j, "process manager")->valuestring, "dynamic");
	ck_assert_int_eq(jnum(j, "max active processes"), 3);
	ck_assert_int_eq(jnum(j, "max children reached"), 1);
	cJSON_Delete(j);
	/* Three idle workers, two allowed spare: one is asked to leave. */
	pool_wait_total(&p, 2, 4000);
	free(r);
	pool_stop(&p);
}
END_TEST

START_TEST(slow_requests_counted)
{
	struct pool p = { 0 };
	pool_start(&p, &(struct pool_opts){ .env = { "WORKERS=2", "SLOW_REQUEST_TIMEOUT=200" },
	                                    .workers = 2 });
	struct fcgi_resp *r = malloc(sizeof *r);
	ck_assert_int_eq(fcgi_get(p.addr, "/sleep?ms=450", r, 5000), 0);
	ck_assert_int_eq(fcgi_get(p.addr, "/sleep?ms=250", r, 5000), 0);
	ck_assert_int_eq(fcgi_get(p.addr, "/sleep?ms=20", r, 5000), 0);
	ck_assert_int_eq(status_field(&p, "slow requests"), 2);
	ck_assert(log_contains(&p, "slow request"));
	free(r);
	pool_stop(&p);
}
END_TEST

START_TEST(crash_is_replaced)
{
	struct pool p = { 0 };
	pool_start(&p, &(struct pool_opts){ .env = { "WORKERS=2" }, .workers = 2 });
	pid_t before[16];
	ck_assert_int_eq(worker_pids(&p, before, 16), 2);
	struct fcgi_resp *r = malloc(sizeof *r);
	ck_assert_int_ne(fcgi_get(p.addr, "/crash", r, 5000), 0);
	wait_one_replaced(&p, before, 2, 2000);
	ck_assert_int_eq(status_field(&p, "respawned processes"), 1);
	ck_assert(log_contains(&p, "worker died during a request"));
	ck_assert(log_contains(&p, "uri=/crash"));
	ck_assert_int_eq(fcgi_get(p.addr, "/hello", r, 5000), 0);
	free(r);
	pool_stop(&p);
}
END_TEST

START_TEST(failing_init_backs_off)
{
	struct pool p = { 0 };
	pool_start(&p, &(struct pool_opts){ .env = { "WORKERS=2", "FAIL_INIT=1" } });
	sleep_ms(2000);
	ck_assert_msg(pool_wait_exit(&p, 0) != 0, "the master exited because workers failed");
	ck_assert(log_contains(&p, "worker_init failed"));
	ck_assert(log_contains(&p, "backing off"));
	/* Back-off: 100, 200, 400, 800 ms… so few attempts in 2 s, not hundreds. */
	FILE *f = fopen(p.log, "r");
	char line[4096];
	int attempts = 0;
	while (fgets(line, sizeof line, f))
		attempts += strstr(line, "backing off") != NULL;
	fclose(f);
	printf("FIGURE: failing worker_init: %d restarts in 2 s with back-off\n", attempts);
	ck_assert_int_ge(attempts, 3);
	ck_assert_int_le(attempts, 20);
	pool_stop(&p);
}
END_TEST

static int run_app(const char *const env[], char *err, size_t errlen)
{
	int pipefd[2];
	ck_assert_int_eq(pipe(pipefd), 0);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], 2);
		close(pipefd[0]);
		for (size_t i = 0; env[i]; i++)
			putenv((char *)env[i]);
		execl(app_path(), "pool_app", (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	ssize_t n = read(pipefd[0], err, errlen - 1);
	err[n > 0 ? n : 0] = '\0';
	close(pipefd[0]);
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

START_TEST(bad_settings_exit_2)
{
	char err[512];
	const char *e1[] = { "LISTEN=unix:/tmp/pooltest-never.sock",
		             "PM=dynamic",
		             "WORKERS=4",
		             "PM_MIN_SPARE_SERVERS=3",
		             "PM_MAX_SPARE_SERVERS=2",
		             NULL };
	ck_assert_int_eq(run_app(e1, err, sizeof err), 2);
	ck_assert_ptr_nonnull(strstr(err, "setting PM_MAX_SPARE_SERVERS: 2 is less than"));
	ck_assert_ptr_eq(strchr(err, '\n'), err + strlen(err) - 1); /* one line */
	const char *e2[] = { "LISTEN=unix:/tmp/pooltest-never.sock", "PM=static",
		             "PM_START_SERVERS=2", NULL };
	ck_assert_int_eq(run_app(e2, err, sizeof err), 2);
	ck_assert_ptr_nonnull(
	        strstr(err, "setting PM_START_SERVERS: only applies with PM=dynamic"));
	const char *e3[] = { "LISTEN=unix:/tmp/pooltest-never.sock", "PM=ondemand", NULL };
	ck_assert_int_eq(run_app(e3, err, sizeof err), 2);
	ck_assert_ptr_nonnull(strstr(err, "setting PM:"));
	const char *e4[] = { "LISTEN=127.0.0.1:18299", "LISTEN_MODE=0600", NULL };
	ck_assert_int_eq(run_app(e4, err, sizeof err), 2);
	ck_assert_ptr_nonnull(strstr(err, "setting LISTEN_MODE: only applies to LISTEN=unix"));
	const char *e6[] = { "LISTEN=unix:/tmp/pooltest-never.sock", "LISTEN_OWNER=no-such-user-x",
		             NULL };
	ck_assert_int_eq(run_app(e6, err, sizeof err), 2);
	ck_assert_ptr_nonnull(strstr(err, "setting LISTEN_OWNER: no such user 'no-such-user-x'"));
	const char *e7[] = { "LISTEN=unix:/tmp/pooltest-never.sock", "SCHED_POLICY=fifo", NULL };
	ck_assert_int_eq(run_app(e7, err, sizeof err), 2);
	ck_assert_ptr_nonnull(strstr(err, "setting SCHED_POLICY:"));
	const char *e5[] = { "LISTEN=", NULL }; /* fd 0 is not a socket here */
	ck_assert_int_eq(run_app(e5, err, sizeof err), 2);
	ck_assert_ptr_nonnull(strstr(err, "setting LISTEN: not set, and fd 0 is not a listening"));
}
END_TEST

START_TEST(listen_tcp_and_mode)
{
	struct pool p = { 0 };
	pool_start(&p, &(struct pool_opts){ .listen = "127.0.0.1:18201",
	                                    .env = { "LISTEN_BACKLOG=64", "WORKERS=2" },
	                                    .workers = 2 });
	ck_assert_int_eq(status_field(&p, "listen queue len"), 64);
	pool_stop(&p);

	p = (struct pool){ 0 };
	/* As root, hand the socket to nobody:nogroup (nginx's workers' user, say);
	 * otherwise to ourselves, which still goes through the same code. */
	int root = getuid() == 0;
	char owner[64], group[64];
	snprintf(owner, sizeof owner, "LISTEN_OWNER=%s", root ? "nobody" : "");
	snprintf(group, sizeof group, "LISTEN_GROUP=%s", root ? "nogroup" : "");
	if (!root) {
		snprintf(owner, sizeof owner, "LISTEN_OWNER=%d", (int)getuid());
		snprintf(group, sizeof group, "LISTEN_GROUP=%d", (int)getgid());
	}
	pool_start(&p,
	           &(struct pool_opts){ .env = { "LISTEN_MODE=0600", owner, group, "WORKERS=1" },
	                                .workers = 1 });
	struct stat st;
	ck_assert_int_eq(stat(p.addr + 5, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert(S_ISSOCK(st.st_mode));
	if (root) {
		ck_assert_int_ne(st.st_uid, 0);
		ck_assert_int_ne(st.st_gid, 0);
	}
	pool_stop(&p);
}
END_TEST

static int listening_socket(const char *path)
{
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	ck_assert_uint_lt(strlen(path), sizeof sun.sun_path);
	memcpy(sun.sun_path, path, strlen(path) + 1);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun, sizeof sun), 0);
	ck_assert_int_eq(listen(fd, 16), 0);
	return fd;
}

START_TEST(inherited_sockets)
{
	for (int systemd = 0; systemd <= 1; systemd++) {
		struct pool p = { 0 };
		pool_init(&p);
		int fd = listening_socket(p.addr + 5);
		pool_start(&p,
		           &(struct pool_opts){ .env = { "WORKERS=2" },
		                                .inherit = systemd ? INHERIT_SYSTEMD : INHERIT_FD0,
		                                .fd = fd });
		close(fd);
		pool_wait_total(&p, 2, 5000);
		hello_ok(&p);
		pool_stop(&p);
	}
}
END_TEST

START_TEST(sigusr1_reopens_log)
{
	struct pool p = { 0 };
	pool_start(&p, &(struct pool_opts){ .env = { "LOG_FILE={dir}/app.log", "WORKERS=2" },
	                                    .workers = 2 });
	char logfile[200], moved[220];
	snprintf(logfile, sizeof logfile, "%s/app.log", p.dir);
	snprintf(moved, sizeof moved, "%s/app.log.1", p.dir);
	ck_assert_int_eq(rename(logfile, moved), 0);
	ck_assert_int_eq(kill(p.pid, SIGUSR1), 0);
	sleep_ms(300);
	snprintf(p.log, sizeof p.log, "%s", logfile);
	ck_assert(log_contains(&p, "log reopened"));
	/* the workers write to the new file too */
	struct fcgi_resp *r = malloc(sizeof *r);
	for (int i = 0; i < 4; i++) /* reach both workers */
		ck_assert_int_eq(fcgi_get(p.addr, "/log", r, 5000), 0);
	FILE *f = fopen(moved, "r");
	char line[4096];
	while (fgets(line, sizeof line, f))
		ck_assert_msg(!strstr(line, "app log line"), "a worker still logs to the old file");
	fclose(f);
	ck_assert(log_contains(&p, "app log line"));
	free(r);
	pool_stop(&p);
}
END_TEST

/* nginx with fastcgi_keep_conn off (no upstream keepalive): the worker closes the
 * connection once it has answered and is free for the next request at once, even while
 * nginx has not yet closed its end. (libfcgi's lingering close would hold the worker
 * until the peer closes, up to 2 s: the second request would wait that long.) */
START_TEST(answered_connection_frees_worker)
{
	struct pool p = { 0 };
	pool_start(&p, &(struct pool_opts){ .env = { "WORKERS=1" }, .workers = 1 });
	struct fcgi_resp *r = malloc(sizeof *r);
	int held = fcgi_connect(p.addr);
	ck_assert_int_ge(held, 0);
	ck_assert_int_eq(fcgi_send(held, "/hello"), 0);
	ck_assert_int_eq(fcgi_recv(held, r, 5000), 0);
	ck_assert_int_eq(r->status, 200);
	/* The worker closed its end: EOF, though this side never shut down. */
	char c;
	struct timeval tv = { 5, 0 };
	setsockopt(held, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	ck_assert_int_eq(read(held, &c, 1), 0);
	/* The one worker serves the next connection while the first is still open. */
	long t0 = now_ms();
	ck_assert_int_eq(fcgi_get(p.addr, "/hello", r, 5000), 0);
	long took = now_ms() - t0;
	ck_assert_int_eq(r->status, 200);
	ck_assert_msg(took < 1500, "the next request waited %ld ms for a worker", took);
	close(held);
	free(r);
	pool_stop(&p);
}
END_TEST

/* A process's voluntary context switches so far (each time it slept and was woken). */
static long voluntary_switches(pid_t pid)
{
	char path[64], line[128];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot read %s", path);
	long v = -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "voluntary_ctxt_switches: %ld", &v) == 1)
			break;
	fclose(f);
	ck_assert_int_ge(v, 0);
	return v;
}

/* Idle workers wait through EPOLLEXCLUSIVE: a new connection wakes one of them, not
 * every idle worker (the thundering herd, where all but one find nothing to accept).
 * Counted as the workers' wakeups per connection, with every worker idle each time. */
START_TEST(connection_wakes_one_idle_worker)
{
	enum { WORKERS = 4, REQUESTS = 60 };
	struct pool p = { 0 };
	pool_start(&p, &(struct pool_opts){ .env = { "WORKERS=4" }, .workers = WORKERS });
	pid_t pids[WORKERS];
	ck_assert_int_eq(worker_pids(&p, pids, WORKERS), WORKERS);
	struct fcgi_resp *r = malloc(sizeof *r);
	sleep_ms(50); /* the status request's worker is back waiting */
	long before = 0, after = 0;
	for (int i = 0; i < WORKERS; i++)
		before += voluntary_switches(pids[i]);
	for (int i = 0; i < REQUESTS; i++) {
		ck_assert_int_eq(fcgi_get(p.addr, "/hello", r, 5000), 0);
		ck_assert_int_eq(r->status, 200);
		sleep_ms(5); /* every worker idle again before the next connection */
	}
	for (int i = 0; i < WORKERS; i++)
		after += voluntary_switches(pids[i]);
	double per = (double)(after - before) / REQUESTS;
	printf("FIGURE: %.2f worker wakeups per connection with %d idle workers\n", per, WORKERS);
	/* The worker that serves sleeps once or twice per connection (waiting for it, and
	 * for its request if that comes after the connect); a herd adds one wakeup per
	 * other idle worker, 3 here: at least 4 in all. */
	ck_assert_msg(per < 3.0, "%.2f wakeups per connection: every idle worker is woken", per);
	free(r);
	pool_stop(&p);
}
END_TEST

/* Workers run under SCHED_BATCH unless SCHED_POLICY=inherit keeps the master's
 * policy (the one this test runs under); the master keeps its own either way. */
START_TEST(workers_sched_policy)
{
	const int ours = sched_getscheduler(0);
	ck_assert_int_ne(ours, SCHED_BATCH); /* else the test could not tell them apart */
	const char *policies[] = { NULL, "SCHED_POLICY=inherit" };
	const int want[] = { SCHED_BATCH, ours };
	for (int k = 0; k < 2; k++) {
		struct pool p = { 0 };
		pool_start(&p, &(struct pool_opts){ .env = { "WORKERS=2", policies[k] },
		                                    .workers = 2 });
		pid_t pids[2];
		ck_assert_int_eq(worker_pids(&p, pids, 2), 2);
		for (int i = 0; i < 2; i++)
			ck_assert_int_eq(sched_getscheduler(pids[i]), want[k]);
		ck_assert_int_eq(sched_getscheduler(p.pid), ours);
		hello_ok(&p);
		pool_stop(&p);
	}
}
END_TEST

/* nginx with fastcgi_keep_conn on: one connection, many requests, one worker. */
START_TEST(keep_conn)
{
	struct pool p = { 0 };
	pool_start(&p, &(struct pool_opts){ .env = { "WORKERS=1" }, .workers = 1 });
	struct fcgi_resp *r = malloc(sizeof *r);
	int fd = fcgi_connect(p.addr);
	int first = 0;
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(fcgi_send_keep(fd, "/hello"), 0);
		ck_assert_int_eq(fcgi_recv(fd, r, 5000), 0);
		int pid = 0;
		long n = 0;
		ck_assert_int_eq(sscanf(r->body, "hello pid=%d n=%ld", &pid, &n), 2);
		if (i == 0)
			first = pid;
		ck_assert_int_eq(pid, first);
	}
	/* nginx closes the connection: the worker goes back to accepting. */
	close(fd);
	ck_assert_int_eq(fcgi_get(p.addr, "/hello", r, 5000), 0);
	ck_assert_int_eq(r->status, 200);

	/* A reload while the connection is idle: the old worker holds no request, so it
	 * closes the connection and leaves (nginx retries a failed cached connection). */
	fd = fcgi_connect(p.addr);
	ck_assert_int_eq(fcgi_send_keep(fd, "/hello"), 0);
	ck_assert_int_eq(fcgi_recv(fd, r, 5000), 0);
	ck_assert_int_eq(kill(p.pid, SIGUSR2), 0);
	char c;
	struct timeval tv = { 5, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	ck_assert_int_eq(read(fd, &c, 1), 0); /* EOF: closed by the leaving worker */
	close(fd);
	pool_wait_total(&p, 1, 3000);
	ck_assert_int_eq(fcgi_get(p.addr, "/hello", r, 5000), 0);
	free(r);
	pool_stop(&p);
}
END_TEST

/* A socket file left by a dead pool is replaced; a live pool's is not taken over.
 * PID_FILE holds the master's pid while it runs and is removed at exit. */
START_TEST(socket_in_use_and_pid_file)
{
	struct pool p = { 0 };
	pool_init(&p);
	int stale = listening_socket(p.addr + 5);
	close(stale); /* the file stays, nobody listens: stale */
	pool_start(&p, &(struct pool_opts){ .env = { "PID_FILE={dir}/pool.pid", "WORKERS=1" },
	                                    .workers = 1 });
	char pidfile[200];
	snprintf(pidfile, sizeof pidfile, "%s/pool.pid", p.dir);
	FILE *f = fopen(pidfile, "r");
	ck_assert_ptr_nonnull(f);
	int pid = 0;
	ck_assert_int_eq(fscanf(f, "%d", &pid), 1);
	fclose(f);
	ck_assert_int_eq(pid, p.pid);

	struct pool second = { 0 };
	pool_start(&second, &(struct pool_opts){ .listen = p.addr, .env = { "WORKERS=1" } });
	ck_assert_int_eq(pool_wait_exit(&second, 5000), 0);
	ck_assert_int_eq(WEXITSTATUS(second.exit_status), 1);
	ck_assert(log_contains(&second, "another process serves this socket"));
	struct fcgi_resp *r = malloc(sizeof *r);
	ck_assert_int_eq(fcgi_get(p.addr, "/hello", r, 5000), 0); /* the first still serves */
	free(r);
	pool_stop(&second);
	ck_assert_int_eq(kill(p.pid, SIGTERM), 0);
	ck_assert_int_eq(pool_wait_exit(&p, 5000), 0);
	struct stat st;
	ck_assert_int_ne(stat(pidfile, &st), 0);    /* removed at exit */
	ck_assert_int_ne(stat(p.addr + 5, &st), 0); /* and so is the socket */
	pool_stop(&p);
}
END_TEST

static Suite *pool_suite(void)
{
	const TTest *const integration_tests[] = { serves_and_counts,
		                                   openmetrics_is_valid,
		                                   kill9_under_load,
		                                   reload_exec_drops_nothing,
		                                   reload_workers_drops_nothing,
		                                   reload_upgrades_binary,
		                                   reload_refuses_broken_binary,
		                                   sigquit_finishes_inflight,
		                                   request_timeout_kills_hung_worker,
		                                   max_requests_recycles,
		                                   listen_queue_and_max_children,
		                                   dynamic_scales,
		                                   slow_requests_counted,
		                                   crash_is_replaced,
		                                   failing_init_backs_off,
		                                   bad_settings_exit_2,
		                                   listen_tcp_and_mode,
		                                   inherited_sockets,
		                                   sigusr1_reopens_log,
		                                   keep_conn,
		                                   answered_connection_frees_worker,
		                                   connection_wakes_one_idle_worker,
		                                   workers_sched_policy,
		                                   socket_in_use_and_pid_file,
		                                   NULL };
	Suite *s = check_suite("pool", (const struct check_case[]){ { .name = "integration",
	                                                              .tests = integration_tests,
	                                                              .timeout = 60 },
	                                                            { 0 } });
	return s;
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(base_dir, sizeof base_dir, "/tmp/pooltest.XXXXXX");
	if (!mkdtemp(base_dir)) {
		perror("mkdtemp");
		return 1;
	}
	/* Orphans of a failed test (its pool's workers) come here to be reaped. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	int status = check_run(pool_suite());
	usleep(200000); /* workers of a failed test get SIGTERM when their master dies */
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	char cmd[64];
	snprintf(cmd, sizeof cmd, "rm -rf %s", base_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", base_dir);
	return status;
}
