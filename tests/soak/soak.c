/*
 * soak: the load client of `make soak`. For a fixed time, WRITERS threads POST users
 * with names unique to this run (PREFIX-w<thread>-<n>) to /api/v1/users and DELETE
 * about a tenth of the ones they created; READERS threads GET / (a page: frontend →
 * backend) and /api/v1/users. Every request has a short timeout. Each request is
 * recorded, one tab-separated line in OUT_FILE:
 *
 *   start_ms end_ms thread method path name status curl_error
 *
 * (times are Unix epoch milliseconds, so tests/soak/run.sh can place its faults on the
 * same clock; status 0 = no HTTP answer, curl_error names why). tests/soak/check.awk
 * compares the writes with the database and the errors with the fault windows.
 *
 * Writes are an editor's: before the load starts, soak signs in as the stack's editor
 * (EDITOR_NAME, and the password in EDITOR_PASSWORD_FILE: scripts/stack.sh's RUN_DIR/env)
 * with POST /api/v1/sessions, and every write carries that session as a bearer token.
 *
 * usage: soak BASE_URL SECONDS PREFIX OUT_FILE
 */
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { WRITERS = 4, READERS = 2, PAUSE_MS = 15, TIMEOUT_MS = 5000, CONNECT_MS = 2000 };

struct rec {
	long long start_ms, end_ms;
	char method[8];
	char path[48];
	char name[32];
	long status;
	CURLcode err;
};

struct thread {
	pthread_t tid;
	int no;
	int writer;
	struct rec *recs;
	size_t n, cap;
	unsigned seed;
};

static const char *base_url, *prefix;
static long long stop_at_ms;
static char bearer[128]; /* "Authorization: Bearer <session>" for the writes */

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Keeps the Location header's value (for the new user's id). */
struct answer {
	char location[128];
};

static size_t on_header(char *buf, size_t size, size_t n, void *arg)
{
	struct answer *a = arg;
	size_t len = size * n;
	if (len > 10 && strncasecmp(buf, "Location:", 9) == 0) {
		size_t i = 9;
		while (i < len && buf[i] == ' ')
			i++;
		size_t j = len;
		while (j > i && (buf[j - 1] == '\r' || buf[j - 1] == '\n'))
			j--;
		snprintf(a->location, sizeof a->location, "%.*s", (int)(j - i), buf + i);
	}
	return len;
}

static size_t discard(char *buf, size_t size, size_t n, void *arg)
{
	(void)buf;
	(void)arg;
	return size * n;
}

static struct rec *next_rec(struct thread *t)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 4096;
		struct rec *r = realloc(t->recs, cap * sizeof *r);
		if (!r) {
			fprintf(stderr, "soak: out of memory\n");
			exit(1);
		}
		t->recs = r;
		t->cap = cap;
	}
	struct rec *r = &t->recs[t->n++];
	memset(r, 0, sizeof *r);
	return r;
}

/* One request; fills rec and, for a 201, the Location. */
static void request(CURL *c, struct rec *r, const char *method, const char *path, const char *json,
                    struct answer *a)
{
	char url[256];
	snprintf(url, sizeof url, "%s%s", base_url, path);
	snprintf(r->method, sizeof r->method, "%s", method);
	snprintf(r->path, sizeof r->path, "%s", path);
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)TIMEOUT_MS);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)CONNECT_MS);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, a);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	struct curl_slist *h = NULL;
	if (strcmp(method, "GET") != 0)
		h = curl_slist_append(h, bearer);
	if (json) {
		h = curl_slist_append(h, "Content-Type: application/json");
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, json);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	a->location[0] = '\0';
	r->start_ms = now_ms();
	r->err = curl_easy_perform(c);
	r->end_ms = now_ms();
	if (r->err == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(h);
}

struct created {
	long id;
	char name[32];
};

static void writer(struct thread *t, CURL *c)
{
	struct created *mine = NULL;
	size_t nmine = 0, cap = 0;
	struct answer a;
	for (long n = 1; now_ms() < stop_at_ms; n++) {
		struct rec *r = next_rec(t);
		snprintf(r->name, sizeof r->name, "%s-w%d-%ld", prefix, t->no, n);
		char body[96];
		snprintf(body, sizeof body, "{\"userName\":\"%s\"}", r->name);
		request(c, r, "POST", "/api/v1/users", body, &a);
		const char *slash = strrchr(a.location, '/');
		if (r->status == 201 && slash) {
			if (nmine == cap) {
				cap = cap ? 2 * cap : 256;
				struct created *m = realloc(mine, cap * sizeof *m);
				if (!m) {
					fprintf(stderr, "soak: out of memory\n");
					exit(1);
				}
				mine = m;
			}
			mine[nmine].id = strtol(slash + 1, NULL, 10);
			snprintf(mine[nmine].name, sizeof mine[nmine].name, "%s", r->name);
			nmine++;
		}
		pause_ms(PAUSE_MS);
		/* About one write in ten deletes one of this thread's users (each once). */
		if (nmine > 0 && rand_r(&t->seed) % 10 == 0 && now_ms() < stop_at_ms) {
			size_t i = (size_t)rand_r(&t->seed) % nmine;
			struct rec *d = next_rec(t);
			char path[48];
			snprintf(path, sizeof path, "/api/v1/users/%ld", mine[i].id);
			snprintf(d->name, sizeof d->name, "%s", mine[i].name);
			request(c, d, "DELETE", path, NULL, &a);
			mine[i] = mine[--nmine];
			pause_ms(PAUSE_MS);
		}
	}
	free(mine);
}

static void reader(struct thread *t, CURL *c)
{
	struct answer a;
	for (long n = 0; now_ms() < stop_at_ms; n++) {
		struct rec *r = next_rec(t);
		request(c, r, "GET", n % 2 ? "/api/v1/users?limit=20" : "/", NULL, &a);
		pause_ms(PAUSE_MS);
	}
}

struct text {
	char buf[1024];
	size_t len;
};

static size_t keep(char *buf, size_t size, size_t n, void *arg)
{
	struct text *t = arg;
	size_t k = size * n;
	if (t->len + k < sizeof t->buf) {
		memcpy(t->buf + t->len, buf, k);
		t->len += k;
		t->buf[t->len] = '\0';
	}
	return k;
}

/* Sign in as the stack's editor; the session goes into bearer. 0, or -1 after saying
 * why. */
static int sign_in(void)
{
	const char *name = getenv("EDITOR_NAME"), *file = getenv("EDITOR_PASSWORD_FILE");
	char pw[256] = "";
	FILE *f = file ? fopen(file, "r") : NULL;
	if (!name || !f || !fgets(pw, sizeof pw, f)) {
		fprintf(stderr,
		        "soak: EDITOR_NAME and EDITOR_PASSWORD_FILE (RUN_DIR/env) are needed\n");
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	pw[strcspn(pw, "\r\n")] = '\0';
	/* Both come from scripts/stack.sh: an editor name and a base64url password, so
	 * they need no JSON escaping. */
	char body[512], url[256];
	snprintf(body, sizeof body, "{\"name\":\"%s\",\"password\":\"%s\"}", name, pw);
	snprintf(url, sizeof url, "%s/api/v1/sessions", base_url);
	CURL *c = curl_easy_init();
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	struct text answer = { .len = 0 };
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
	long status = 0;
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	const char *tok = strstr(answer.buf, "\"token\":\"");
	if (status != 201 || !tok) {
		fprintf(stderr, "soak: sign-in as %s failed: %ld %s\n", name, status, answer.buf);
		return -1;
	}
	tok += strlen("\"token\":\"");
	snprintf(bearer, sizeof bearer, "Authorization: Bearer %.*s", (int)strcspn(tok, "\""), tok);
	return 0;
}

static void *run(void *arg)
{
	struct thread *t = arg;
	CURL *c = curl_easy_init();
	if (!c) {
		fprintf(stderr, "soak: curl_easy_init failed\n");
		exit(1);
	}
	if (t->writer)
		writer(t, c);
	else
		reader(t, c);
	curl_easy_cleanup(c);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: soak BASE_URL SECONDS PREFIX OUT_FILE\n");
		return 2;
	}
	base_url = argv[1];
	long secs = strtol(argv[2], NULL, 10);
	prefix = argv[3];
	if (secs <= 0 || strlen(prefix) > 14) {
		fprintf(stderr, "soak: SECONDS must be > 0 and PREFIX at most 14 characters\n");
		return 2;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (sign_in() != 0)
		return 1;
	FILE *out = fopen(argv[4], "w");
	if (!out) {
		fprintf(stderr, "soak: cannot write %s: %s\n", argv[4], strerror(errno));
		return 1;
	}
	stop_at_ms = now_ms() + secs * 1000;
	struct thread th[WRITERS + READERS];
	memset(th, 0, sizeof th);
	for (int i = 0; i < WRITERS + READERS; i++) {
		th[i].no = i;
		th[i].writer = i < WRITERS;
		th[i].seed = (unsigned)(i * 7919 + getpid());
		if (pthread_create(&th[i].tid, NULL, run, &th[i]) != 0) {
			fprintf(stderr, "soak: pthread_create failed\n");
			return 1;
		}
	}
	size_t total = 0, failed = 0;
	for (int i = 0; i < WRITERS + READERS; i++) {
		pthread_join(th[i].tid, NULL);
		for (size_t k = 0; k < th[i].n; k++) {
			const struct rec *r = &th[i].recs[k];
			fprintf(out, "%lld\t%lld\t%d\t%s\t%s\t%s\t%ld\t%s\n", r->start_ms,
			        r->end_ms, i, r->method, r->path, r->name[0] ? r->name : "-",
			        r->status, r->err == CURLE_OK ? "-" : curl_easy_strerror(r->err));
			total++;
			failed += r->status == 0 || r->status >= 400;
		}
		free(th[i].recs);
	}
	curl_global_cleanup();
	if (fclose(out) != 0) {
		fprintf(stderr, "soak: writing %s failed\n", argv[4]);
		return 1;
	}
	printf("soak: %zu requests in %ld s by %d writers and %d readers, %zu without a "
	       "2xx/3xx answer\n",
	       total, secs, WRITERS, READERS, failed);
	return 0;
}
