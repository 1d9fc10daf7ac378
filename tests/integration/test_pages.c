/*
 * Integration tests of the pages, through nginx, against the real stack (MariaDB, both
 * pools): the list shows the seeded names; adding a user through the form (token read
 * from the form) redirects and the name appears, and the row is in the database;
 * without a token, with a forged one or with another browser's, 403 and no row; names
 * that look like markup are shown as text, every name in <bdi>; rename (409 taken, 422
 * invalid) and delete; issue 20's attacks: cookie tossing (400 for a cookie sent twice,
 * 403 for a cross-site post), a flash replayed on another browser, a token posting
 * another form, names that impersonate; one-use form tokens (a form sent twice writes
 * once and the second send gets "This form was already sent", a form refused for its
 * name can be sent again, two forms each once, sign-in included, expired nonces
 * purged); every page is valid HTML (tidy); and with the backend pool stopped the list answers
 * the friendly "unavailable" page, and after the stack is started again the list is
 * back. Each "browser" is a libcurl handle with its own cookie jar; browser_new() is
 * the stack's editor, signed in through the sign-in form (issue 17), and
 * browser_anonymous() a visitor: read-only pages, sent to sign in for the forms, and
 * after signing out a replayed cookie writes nothing.
 */
#include <check.h>
#include <curl/curl.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_run.h"
#include "harness.h"

/* ---- a browser: one handle, its cookies, no redirects followed ---- */

struct page {
	long status;
	char *body;
	size_t len;
	char location[512];
	char headers[8192];
	size_t hlen;
};

static size_t on_body(char *d, size_t s, size_t n, void *ctx)
{
	struct page *p = ctx;
	char *b = realloc(p->body, p->len + s * n + 1);
	if (!b)
		return 0;
	memcpy(b + p->len, d, s * n);
	p->body = b;
	p->len += s * n;
	p->body[p->len] = '\0';
	return s * n;
}

static size_t on_header(char *d, size_t s, size_t n, void *ctx)
{
	struct page *p = ctx;
	size_t k = s * n;
	if (p->hlen + k < sizeof p->headers) {
		memcpy(p->headers + p->hlen, d, k);
		p->hlen += k;
		p->headers[p->hlen] = '\0';
	}
	if (k > 10 && strncasecmp(d, "Location:", 9) == 0) {
		const char *v = d + 9;
		while (*v == ' ')
			v++;
		size_t m = strcspn(v, "\r\n");
		if (m < sizeof p->location) {
			memcpy(p->location, v, m);
			p->location[m] = '\0';
		}
	}
	return k;
}

static const char *base_url(void)
{
	return h_env("BASE_URL");
}

static CURL *browser_anonymous(void)
{
	CURL *c = curl_easy_init();
	ck_assert_ptr_nonnull(c);
	curl_easy_setopt(c, CURLOPT_COOKIEFILE, ""); /* in-memory cookie jar */
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	return c;
}

static long fetch(CURL *c, const char *method, const char *path, const char *form, struct page *p);
static void page_free(struct page *p);
static void token_of(const struct page *p, char *out, size_t cap);

/* The stack's editor (scripts/stack.sh made it) and its password. */
static void editor_credentials(char *name, size_t ncap, char *pw, size_t pcap)
{
	snprintf(name, ncap, "%s", h_env("EDITOR_NAME"));
	FILE *f = fopen(h_env("EDITOR_PASSWORD_FILE"), "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(pw, (int)pcap, f));
	fclose(f);
	pw[strcspn(pw, "\r\n")] = '\0';
}

/* Sign browser c in through the form as name/password; returns the POST's status. */
static long sign_in_as(CURL *c, const char *name, const char *password, struct page *answer)
{
	struct page f;
	ck_assert_int_eq(fetch(c, "GET", "/sign-in?next=%2F", NULL, &f), 200);
	char tok[128];
	token_of(&f, tok, sizeof tok);
	page_free(&f);
	char *n = curl_easy_escape(c, name, 0), *pw = curl_easy_escape(c, password, 0);
	char body[1024];
	snprintf(body, sizeof body, "name=%s&password=%s&next=%%2F&csrf_token=%s", n, pw, tok);
	curl_free(n);
	curl_free(pw);
	return fetch(c, "POST", "/sign-in", body, answer);
}

/* A browser with the stack's editor signed in (the "Signed in" flash already shown). */
static CURL *browser_new(void)
{
	CURL *c = browser_anonymous();
	char name[160], pw[256];
	editor_credentials(name, sizeof name, pw, sizeof pw);
	struct page p;
	ck_assert_int_eq(sign_in_as(c, name, pw, &p), 303);
	ck_assert_str_eq(p.location, "/");
	page_free(&p);
	ck_assert_int_eq(fetch(c, "GET", "/", NULL, &p), 200);
	ck_assert_ptr_nonnull(strstr(p.body, "Signed in as "));
	page_free(&p);
	return c;
}

/* method path [form body]; the answer goes to p (free with page_free). */
static long fetch(CURL *c, const char *method, const char *path, const char *form, struct page *p)
{
	memset(p, 0, sizeof *p);
	char url[2048];
	snprintf(url, sizeof url, "%s%s", base_url(), path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, NULL);
	curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	if (form) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, form);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(form));
	}
	if (strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, p);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, p);
	CURLcode rc = curl_easy_perform(c);
	ck_assert_msg(rc == CURLE_OK, "%s %s: %s", method, path, curl_easy_strerror(rc));
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &p->status);
	if (!p->body)
		p->body = calloc(1, 1);
	return p->status;
}

static void page_free(struct page *p)
{
	free(p->body);
	p->body = NULL;
}

/* The csrf_token of the first form on the page, into out. */
static void token_of(const struct page *p, char *out, size_t cap)
{
	const char *k = "name=\"csrf_token\" value=\"";
	const char *t = strstr(p->body, k);
	ck_assert_msg(t != NULL, "no csrf_token in the form");
	t += strlen(k);
	size_t n = strcspn(t, "\"");
	ck_assert_uint_lt(n, cap);
	memcpy(out, t, n);
	out[n] = '\0';
}

/* "userName=<enc>&csrf_token=<tok>" (tok NULL: none). */
static char *form_for(CURL *c, const char *name, const char *tok)
{
	char *enc = curl_easy_escape(c, name, 0);
	char *out = malloc(strlen(enc) + (tok ? strlen(tok) : 0) + 64);
	sprintf(out, "userName=%s%s%s", enc, tok ? "&csrf_token=" : "", tok ? tok : "");
	curl_free(enc);
	return out;
}

/* ---- the database, through the harness ---- */

/* Rows named exactly name. The name goes in as a hex literal, so no quoting is needed
 * for names made of markup and quotes. */
static long rows_named(const char *name)
{
	size_t n = strlen(name);
	char *sql = malloc(2 * n + 128);
	ck_assert_ptr_nonnull(sql);
	int at = sprintf(sql, "SELECT id FROM users WHERE userName = CONVERT(X'");
	for (size_t i = 0; i < n; i++)
		at += sprintf(sql + at, "%02x", (unsigned char)name[i]);
	sprintf(sql + at, "' USING utf8mb4)");
	long count = h_sql_count(NULL, sql);
	free(sql);
	return count;
}

/* A name nobody used yet (within 30 characters). */
static void fresh_name(char *out, size_t cap, const char *prefix)
{
	char *u = h_unique(prefix);
	snprintf(out, cap, "%s", u);
	free(u);
}

/* ---- the backend pool, stopped and started again ---- */

/* Stop the stack's backend pool (by its pid file, checking it is the backend). */
static int backend_stop(void)
{
	char path[1024], exe[1024];
	snprintf(path, sizeof path, "%s/pids/backend.pid", h_env("RUN_DIR"));
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	long pid = 0;
	int ok = fscanf(f, "%ld", &pid) == 1;
	fclose(f);
	if (!ok || pid <= 1)
		return -1;
	snprintf(path, sizeof path, "/proc/%ld/exe", pid);
	ssize_t n = readlink(path, exe, sizeof exe - 1);
	if (n <= 0)
		return -1;
	exe[n] = '\0';
	if (!strstr(exe, "fcgi-backend"))
		return -1;
	if (kill((pid_t)pid, SIGTERM) != 0)
		return -1;
	for (int i = 0; i < 150; i++) {
		if (kill((pid_t)pid, 0) != 0 && errno == ESRCH)
			return 0;
		usleep(100000);
	}
	return -1;
}

/* scripts/stack.sh start: finds the stack incomplete, restarts it (data kept). */
static int backend_start(void)
{
	int rc = system("scripts/stack.sh start >/dev/null 2>&1");
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* Delete every user named name through the API (test set-up and clean-up). */
static void delete_named(const char *name)
{
	CURL *c = browser_anonymous();
	char *q = curl_easy_escape(c, name, 0);
	char path[512];
	snprintf(path, sizeof path, "/api/v1/users?limit=100&q=%s", q);
	curl_free(q);
	struct page p;
	fetch(c, "GET", path, NULL, &p);
	const char *s = p.body;
	char key[256];
	while ((s = strstr(s, "\"id\":"))) {
		long long id = strtoll(s + 5, NULL, 10);
		const char *un = strstr(s, "\"userName\":\"");
		s += 5;
		if (!un)
			break;
		/* Compare the JSON string with the name (names here need no JSON escapes
		 * except \" and \/, which cJSON does not produce for '/'). */
		snprintf(key, sizeof key, "\"userName\":\"%s\"", name);
		if (strncmp(un, key, strlen(key)) != 0)
			continue;
		struct page d;
		snprintf(path, sizeof path, "/api/v1/users/%lld", id);
		char auth[160];
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", h_env("INTEGRATION_TOKEN"));
		struct curl_slist *hdr = curl_slist_append(NULL, auth);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
		fetch(c, "DELETE", path, NULL, &d);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
		curl_slist_free_all(hdr);
		page_free(&d);
	}
	page_free(&p);
	curl_easy_cleanup(c);
}

/* Add name through the form in browser c; returns the POST's status. */
static long add_via_form(CURL *c, const char *name, struct page *answer)
{
	struct page f;
	ck_assert_int_eq(fetch(c, "GET", "/users/new", NULL, &f), 200);
	char tok[128];
	token_of(&f, tok, sizeof tok);
	page_free(&f);
	char *body = form_for(c, name, tok);
	long st = fetch(c, "POST", "/users", body, answer);
	free(body);
	return st;
}

/* The id of the user named (HTML-escaped) esc in the list page, or -1. */
static long long id_in_list(const char *body, const char *esc)
{
	char needle[512];
	snprintf(needle, sizeof needle, "<span class=\"name\"><bdi>%s</bdi></span>", esc);
	const char *hit = strstr(body, needle);
	if (!hit)
		return -1;
	const char *a = hit;
	while (a > body && strncmp(a, "href=\"/users/", 13) != 0)
		a--;
	return strtoll(a + 13, NULL, 10);
}

/* ---- the tests ---- */

START_TEST(list_shows_seeded_names)
{
	CURL *c = browser_new();
	struct page p;
	ck_assert_int_eq(fetch(c, "GET", "/", NULL, &p), 200);
	ck_assert_ptr_nonnull(strstr(p.body, "<h1>Home Page</h1>"));
	const char *intro = strstr(p.body, "Here are our users:");
	ck_assert_ptr_nonnull(intro);
	const char *names[] = { "Bob", "Jay", "Matt", "Ferg", "Mo" };
	for (size_t i = 0; i < 5; i++) {
		char needle[64];
		snprintf(needle, sizeof needle, "<span class=\"name\"><bdi>%s</bdi></span>",
		         names[i]);
		const char *at = strstr(p.body, needle);
		ck_assert_msg(at != NULL, "%s is not listed", names[i]);
		ck_assert_msg(at > intro, "%s comes before \"Here are our users:\"", names[i]);
	}
	ck_assert_ptr_nonnull(strcasestr(p.headers, "Content-Type: text/html; charset=utf-8"));
	ck_assert_ptr_nonnull(strcasestr(p.headers, "frame-ancestors 'none'"));
	ck_assert_ptr_nonnull(strcasestr(p.headers, "X-Content-Type-Options: nosniff"));
	ck_assert_ptr_nonnull(strcasestr(p.headers, "Referrer-Policy:"));
	ck_assert_ptr_null(strstr(p.headers, "unsafe-inline"));
	/* The page links the stylesheet by its fingerprinted name (style.<10 hex>.css, made
	 * by the build from fcgi-frontend/static/style.css), which nginx serves with the
	 * source's bytes and lets browsers keep for a year. */
	const char *link = strstr(p.body, "<link rel=\"stylesheet\" href=\"/static/style.");
	ck_assert_ptr_nonnull(link);
	char href[64] = "";
	const char *start = strstr(link, "href=\"") + 6, *end = strchr(start, '"');
	ck_assert_ptr_nonnull(end);
	ck_assert_int_lt(end - start, (long)sizeof href);
	memcpy(href, start, (size_t)(end - start));
	ck_assert_uint_eq(strlen(href), strlen("/static/style.0123456789.css"));
	ck_assert_uint_eq(strspn(href + 14, "0123456789abcdef"), 10);
	page_free(&p);
	ck_assert_int_eq(fetch(c, "GET", href, NULL, &p), 200);
	ck_assert_ptr_nonnull(strcasestr(p.headers, "Content-Type: text/css"));
	ck_assert_ptr_nonnull(
	        strcasestr(p.headers, "Cache-Control: public, max-age=31536000, immutable"));
	FILE *src = fopen("fcgi-frontend/static/style.css", "rb");
	ck_assert_ptr_nonnull(src);
	char *want = calloc(1, p.len + 2);
	ck_assert_ptr_nonnull(want);
	ck_assert_uint_eq(fread(want, 1, p.len + 1, src), p.len);
	fclose(src);
	ck_assert_int_eq(memcmp(want, p.body, p.len), 0);
	free(want);
	page_free(&p);
	/* The plain name is still served (an old page), but not kept long. */
	ck_assert_int_eq(fetch(c, "GET", "/static/style.css", NULL, &p), 200);
	ck_assert_ptr_nonnull(strcasestr(p.headers, "Cache-Control: public, max-age=300"));
	page_free(&p);
	/* Search by prefix. */
	ck_assert_int_eq(fetch(c, "GET", "/?q=M", NULL, &p), 200);
	ck_assert_ptr_nonnull(strstr(p.body, "<bdi>Matt</bdi>"));
	ck_assert_ptr_nonnull(strstr(p.body, "<bdi>Mo</bdi>"));
	ck_assert_ptr_null(strstr(p.body, "<bdi>Bob</bdi>"));
	page_free(&p);
	curl_easy_cleanup(c);
}
END_TEST

START_TEST(add_via_form_redirects_and_lists)
{
	char name[64];
	fresh_name(name, sizeof name, "Integration");
	ck_assert_int_eq(rows_named(name), 0);
	CURL *c = browser_new();
	struct page p;
	ck_assert_int_eq(add_via_form(c, name, &p), 303);
	/* The browser lands on the new user's page (on the list they may be pages away). */
	ck_assert_msg(strncmp(p.location, "/users/", 7) == 0 && p.location[7] >= '1' &&
	                      p.location[7] <= '9' &&
	                      strspn(p.location + 7, "0123456789") == strlen(p.location + 7),
	              "303 to %s, not to the new user's page", p.location);
	char user_path[sizeof p.location];
	snprintf(user_path, sizeof user_path, "%s", p.location);
	page_free(&p);
	ck_assert_int_eq(rows_named(name), 1);
	ck_assert_int_eq(fetch(c, "GET", user_path, NULL, &p), 200);
	char flash[128], h1[128];
	snprintf(flash, sizeof flash, "Added %s.", name);
	snprintf(h1, sizeof h1, "<h1><bdi>%s</bdi></h1>", name);
	ck_assert_msg(strstr(p.body, flash) != NULL, "no confirmation \"%s\"", flash);
	ck_assert_msg(strstr(p.body, h1) != NULL, "%s: not the new user's page", user_path);
	page_free(&p);
	/* The confirmation is shown once; a search finds the name. */
	char search[128];
	snprintf(search, sizeof search, "/?q=%s", name);
	ck_assert_int_eq(fetch(c, "GET", search, NULL, &p), 200);
	ck_assert_ptr_null(strstr(p.body, flash));
	ck_assert_msg(id_in_list(p.body, name) > 0, "%s is not listed", name);
	page_free(&p);
	/* The same name again, in other case: 409; the form names who has it and links to
	 * them, says that names ignore case, keeps the typed value; still one row. */
	char lower[64];
	snprintf(lower, sizeof lower, "%s", name);
	for (char *q = lower; *q; q++)
		*q = (char)(*q >= 'A' && *q <= 'Z' ? *q + 32 : *q);
	ck_assert_int_eq(add_via_form(c, lower, &p), 409);
	char taken[256], link[sizeof user_path + 128], value[128];
	snprintf(taken, sizeof taken, "is taken: names ignore case, and %s already has it", name);
	snprintf(link, sizeof link, "<a href=\"%s\">See <bdi>%s</bdi>", user_path, name);
	snprintf(value, sizeof value, "value=\"%s\"", lower);
	ck_assert_msg(strstr(p.body, taken) != NULL, "409 page does not name the holder");
	ck_assert_msg(strstr(p.body, link) != NULL, "409 page does not link to the holder");
	ck_assert_ptr_nonnull(strstr(p.body, value));
	ck_assert_ptr_nonnull(strstr(p.body, "<title>Error: Add a user"));
	ck_assert_ptr_nonnull(strstr(p.body, "role=\"alert\""));
	page_free(&p);
	ck_assert_int_eq(rows_named(name), 1);
	/* An invalid name: 422 with the message beside the field, no row. */
	ck_assert_int_eq(add_via_form(c, "Bob\xe2\x80\x8b", &p), 422);
	ck_assert_ptr_nonnull(strstr(p.body, "id=\"userName-error\""));
	ck_assert_ptr_nonnull(strstr(p.body, "invisible or formatting characters"));
	page_free(&p);
	ck_assert_int_eq(rows_named("Bob\xe2\x80\x8b"), 0);
	/* A look-alike of a name that is taken: 409, and the form says so. */
	ck_assert_int_eq(add_via_form(c,
	                              "\xd0\x92\xd0\xbe"
	                              "b",
	                              &p),
	                 409);
	ck_assert_ptr_nonnull(strstr(p.body, "looks too much like Bob, a name that is taken"));
	page_free(&p);
	delete_named(name);
	curl_easy_cleanup(c);
}
END_TEST

/* Spaces around a name are trimmed, not refused (issue 19, issue 20 point 3): the form
 * stores and shows the name without them. */
START_TEST(padded_name_is_added_trimmed)
{
	char name[64], padded[80];
	fresh_name(name, sizeof name, "Padded");
	snprintf(padded, sizeof padded, " %s  ", name);
	CURL *c = browser_new();
	struct page p;
	ck_assert_int_eq(add_via_form(c, padded, &p), 303);
	char user_path[sizeof p.location];
	snprintf(user_path, sizeof user_path, "%s", p.location);
	page_free(&p);
	ck_assert_int_eq(rows_named(name), 1);
	ck_assert_int_eq(rows_named(padded), 0);
	ck_assert_int_eq(fetch(c, "GET", user_path, NULL, &p), 200);
	char h1[128];
	snprintf(h1, sizeof h1, "<h1><bdi>%s</bdi></h1>", name);
	ck_assert_msg(strstr(p.body, h1) != NULL, "%s does not show \"%s\" trimmed", user_path,
	              name);
	page_free(&p);
	delete_named(name);
	curl_easy_cleanup(c);
}
END_TEST

START_TEST(writes_without_valid_token_are_403)
{
	char name[64];
	fresh_name(name, sizeof name, "Forged");
	CURL *c = browser_new(), *other = browser_new();
	struct page p;
	ck_assert_int_eq(fetch(c, "GET", "/users/new", NULL, &p), 200);
	char tok[128];
	token_of(&p, tok, sizeof tok);
	page_free(&p);

	char *body = form_for(c, name, NULL); /* no token */
	ck_assert_int_eq(fetch(c, "POST", "/users", body, &p), 403);
	/* The form comes back with what was typed and a fresh token (issue 19). */
	char value[128];
	snprintf(value, sizeof value, "value=\"%s\"", name);
	ck_assert_ptr_nonnull(strstr(p.body, "nothing was saved"));
	ck_assert_ptr_nonnull(strstr(p.body, value));
	char fresh[128];
	token_of(&p, fresh, sizeof fresh);
	ck_assert_uint_gt(strlen(fresh), 0);
	page_free(&p);
	free(body);
	/* Reloading /users (a GET) shows the form, not 405. */
	ck_assert_int_eq(fetch(c, "GET", "/users", NULL, &p), 200);
	ck_assert_ptr_nonnull(strstr(p.body, "<h1>Add a user</h1>"));
	page_free(&p);

	char forged[160];
	snprintf(forged, sizeof forged, "%s", tok);
	size_t n = strlen(forged);
	forged[n - 1] = forged[n - 1] == 'a' ? 'b' : 'a'; /* one digit of the signature */
	body = form_for(c, name, forged);
	ck_assert_int_eq(fetch(c, "POST", "/users", body, &p), 403);
	page_free(&p);
	free(body);

	/* Another browser, with its own csrf cookie, sending this browser's token. */
	ck_assert_int_eq(fetch(other, "GET", "/users/new", NULL, &p), 200);
	page_free(&p);
	body = form_for(other, name, tok);
	ck_assert_int_eq(fetch(other, "POST", "/users", body, &p), 403);
	page_free(&p);
	free(body);

	ck_assert_int_eq(rows_named(name), 0);

	/* Rename and delete of a seeded user with a forged token change nothing. */
	body = form_for(c, name, forged);
	ck_assert_int_eq(fetch(c, "POST", "/users/1", body, &p), 403);
	page_free(&p);
	free(body);
	ck_assert_int_eq(fetch(c, "POST", "/users/1/delete", "csrf_token=1.00", &p), 403);
	page_free(&p);
	ck_assert_int_eq(rows_named("Bob"), 1);
	ck_assert_int_eq(rows_named(name), 0);
	curl_easy_cleanup(c);
	curl_easy_cleanup(other);
}
END_TEST

/* A browser without a jar: it sends exactly the Cookie header it is given, plus the
 * extra request headers (NULL-ended). */
static long send_raw(const char *method, const char *path, const char *cookie,
                     const char *const headers[], const char *form, struct page *p)
{
	CURL *c = curl_easy_init();
	ck_assert_ptr_nonnull(c);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	struct curl_slist *h = NULL;
	for (size_t i = 0; headers && headers[i]; i++)
		h = curl_slist_append(h, headers[i]);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	if (cookie)
		curl_easy_setopt(c, CURLOPT_COOKIE, cookie);
	long st = fetch(c, method, path, form, p);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return st;
}

/* The session cookie of the last browser cookie_and_token read (writes need an editor
 * since issue 17: the raw posts below carry it). */
static char jar_session[512];

/* A browser's csrf cookie value (from its jar) and a token for the form at page. */
static void cookie_and_token(CURL *c, const char *page, char cookie[128], char tok[128])
{
	struct page p;
	ck_assert_int_eq(fetch(c, "GET", page, NULL, &p), 200);
	token_of(&p, tok, 128);
	page_free(&p);
	struct curl_slist *jar = NULL;
	curl_easy_getinfo(c, CURLINFO_COOKIELIST, &jar);
	cookie[0] = '\0';
	for (struct curl_slist *k = jar; k; k = k->next) {
		/* Netscape format: domain flag path secure expiry name value */
		const char *f = k->data;
		for (int i = 0; i < 5 && f; i++) {
			f = strchr(f, '\t');
			if (f)
				f++;
		}
		if (f && strncmp(f, "csrf\t", 5) == 0)
			snprintf(cookie, 128, "%s", f + 5);
		if (f && strncmp(f, "session\t", 8) == 0)
			snprintf(jar_session, sizeof jar_session, "%s", f + 8);
	}
	curl_slist_free_all(jar);
	ck_assert_msg(cookie[0], "no csrf cookie in the jar");
}

/* Issue 20, point 2: cookie tossing. An attacker who can plant cookies for the
 * domain (a sibling subdomain) plants his own csrf cookie before the victim's and posts
 * with the token he got for it. */
START_TEST(tossed_cookies_refused)
{
	char name[64];
	fresh_name(name, sizeof name, "Tossed");
	CURL *attacker = browser_new(), *victim = browser_new();
	char a_cookie[128], a_tok[128], v_cookie[128], v_tok[128];
	cookie_and_token(attacker, "/users/new", a_cookie, a_tok);
	cookie_and_token(victim, "/users/new", v_cookie, v_tok);
	char both[900], *body = form_for(attacker, name, a_tok);
	snprintf(both, sizeof both, "csrf=%s; csrf=%s; session=%s", a_cookie, v_cookie,
	         jar_session);
	struct page p;
	ck_assert_int_eq(send_raw("POST", "/users", both, NULL, body, &p), 400);
	ck_assert_ptr_nonnull(strstr(p.body, "cookie twice"));
	page_free(&p);
	/* The same in two Cookie lines. */
	char one[800], two[160];
	snprintf(one, sizeof one, "Cookie: csrf=%s; session=%s", a_cookie, jar_session);
	snprintf(two, sizeof two, "Cookie: csrf=%s", v_cookie);
	const char *lines[] = { one, two, NULL };
	ck_assert_int_eq(send_raw("POST", "/users", NULL, lines, body, &p), 400);
	page_free(&p);
	/* The victim had no cookie yet: only the planted one goes. The token matches it,
	 * but the browser says the form came from the sibling site. */
	snprintf(one, sizeof one, "csrf=%s; session=%s", a_cookie, jar_session);
	const char *same_site[] = { "Sec-Fetch-Site: same-site", NULL };
	ck_assert_int_eq(send_raw("POST", "/users", one, same_site, body, &p), 403);
	ck_assert_ptr_nonnull(strstr(p.body, "came from another site"));
	page_free(&p);
	const char *origin[] = { "Origin: http://evil.example", NULL };
	ck_assert_int_eq(send_raw("POST", "/users", one, origin, body, &p), 403);
	page_free(&p);
	ck_assert_int_eq(rows_named(name), 0);
	/* From this site's own page the same post is accepted. */
	const char *own[] = { "Sec-Fetch-Site: same-origin", NULL };
	ck_assert_int_eq(send_raw("POST", "/users", one, own, body, &p), 303);
	page_free(&p);
	ck_assert_int_eq(rows_named(name), 1);
	delete_named(name);
	free(body);
	curl_easy_cleanup(attacker);
	curl_easy_cleanup(victim);
}
END_TEST

/* Issue 20, point 4: a flash captured from one browser showed on another, minutes later. */
START_TEST(flash_stays_with_its_browser)
{
	char name[64];
	fresh_name(name, sizeof name, "Flash");
	CURL *c = browser_new(), *other = browser_new();
	struct page p;
	ck_assert_int_eq(add_via_form(c, name, &p), 303);
	/* The flash cookie the answer set. */
	const char *set = strstr(p.headers, "flash=");
	ck_assert_ptr_nonnull(set);
	char flash[700];
	size_t n = strcspn(set + 6, ";\r\n");
	ck_assert_uint_lt(n, sizeof flash);
	memcpy(flash, set + 6, n);
	flash[n] = '\0';
	page_free(&p);
	char shown[128];
	snprintf(shown, sizeof shown, "Added %s.", name);
	/* Another browser replays it: not shown. */
	char o_cookie[128], o_tok[128], hdr[1000];
	cookie_and_token(other, "/users/new", o_cookie, o_tok);
	snprintf(hdr, sizeof hdr, "csrf=%s; flash=%s", o_cookie, flash);
	ck_assert_int_eq(send_raw("GET", "/", hdr, NULL, NULL, &p), 200);
	ck_assert_ptr_null(strstr(p.body, shown));
	page_free(&p);
	/* Its own browser sees it. */
	ck_assert_int_eq(fetch(c, "GET", "/", NULL, &p), 200);
	ck_assert_msg(strstr(p.body, shown) != NULL, "no confirmation \"%s\"", shown);
	page_free(&p);
	delete_named(name);
	curl_easy_cleanup(c);
	curl_easy_cleanup(other);
}
END_TEST

/* Issue 20, point 6: a form token worked for any form. */
START_TEST(token_of_one_form_posts_no_other)
{
	CURL *c = browser_new();
	char cookie[128], tok[128];
	cookie_and_token(c, "/users/new", cookie, tok);
	struct page p;
	char body[256];
	snprintf(body, sizeof body, "csrf_token=%s", tok);
	ck_assert_int_eq(fetch(c, "POST", "/users/1/delete", body, &p), 403);
	page_free(&p);
	char *form = form_for(c, "Renamed Bob", tok);
	ck_assert_int_eq(fetch(c, "POST", "/users/1", form, &p), 403);
	page_free(&p);
	free(form);
	ck_assert_int_eq(rows_named("Bob"), 1);
	curl_easy_cleanup(c);
}
END_TEST

/* ---- one-use form tokens (issue 20, point 6) ---- */

/* The token of the form on the page at path, as browser c gets it (tok: 128 bytes). */
static void form_token_at(CURL *c, const char *path, char *tok)
{
	struct page p;
	ck_assert_int_eq(fetch(c, "GET", path, NULL, &p), 200);
	token_of(&p, tok, 128);
	page_free(&p);
}

/* Rows of form_nonces holding the nonce inside token ("EXPIRY.NONCE.MAC"). */
static long nonce_rows(const char *token)
{
	const char *nonce = strchr(token, '.');
	ck_assert_ptr_nonnull(nonce);
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT 1 FROM form_nonces WHERE nonce = UNHEX('%.32s')",
	         nonce + 1);
	return h_sql_count(NULL, sql);
}

/* The "already sent" page: 409, what happened, a link to a fresh form at fresh. */
static void assert_already_sent(const struct page *p, const char *fresh)
{
	ck_assert_int_eq(p->status, 409);
	ck_assert_ptr_nonnull(strstr(p->body, "<h1>This form was already sent</h1>"));
	char link[128];
	snprintf(link, sizeof link, "href=\"%s\">Open a fresh form</a>", fresh);
	ck_assert_msg(strstr(p->body, link) != NULL, "no link to a fresh form at %s", fresh);
}

/* The same form post twice (a double click after the first answer, a replay): the
 * first writes (303), the second is refused with the page and writes nothing. */
START_TEST(form_sent_twice_writes_once)
{
	char name[64];
	fresh_name(name, sizeof name, "Twice");
	CURL *c = browser_new();
	struct page p;
	ck_assert_int_eq(fetch(c, "GET", "/users/new", NULL, &p), 200);
	char tok[128];
	token_of(&p, tok, sizeof tok);
	page_free(&p);
	char *body = form_for(c, name, tok);
	ck_assert_int_eq(fetch(c, "POST", "/users", body, &p), 303);
	char user_path[sizeof p.location];
	snprintf(user_path, sizeof user_path, "%s", p.location);
	page_free(&p);
	ck_assert_int_eq(rows_named(name), 1);
	ck_assert_int_eq(nonce_rows(tok), 1);
	ck_assert_int_eq(fetch(c, "POST", "/users", body, &p), 409);
	assert_already_sent(&p, "/users");
	ck_assert_ptr_null(strstr(p.body, "is taken")); /* not mistaken for a taken name */
	page_free(&p);
	free(body);
	ck_assert_int_eq(rows_named(name), 1);
	/* The fresh form it links to works. */
	ck_assert_int_eq(fetch(c, "GET", "/users", NULL, &p), 200);
	ck_assert_ptr_nonnull(strstr(p.body, "<h1>Add a user</h1>"));
	page_free(&p);
	/* The delete form twice: the second is "already sent", not "page not found". */
	char del[sizeof user_path + 16];
	snprintf(del, sizeof del, "%s/delete", user_path);
	form_token_at(c, del, tok);
	char form[200];
	snprintf(form, sizeof form, "csrf_token=%s", tok);
	ck_assert_int_eq(fetch(c, "POST", del, form, &p), 303);
	page_free(&p);
	ck_assert_int_eq(rows_named(name), 0);
	ck_assert_int_eq(fetch(c, "POST", del, form, &p), 409);
	assert_already_sent(&p, del);
	page_free(&p);
	curl_easy_cleanup(c);
}
END_TEST

/* A replayed rename, after the name was changed again: refused, the later name kept. */
START_TEST(replayed_rename_refused)
{
	char first[64], second[64], third[64];
	fresh_name(first, sizeof first, "RenA");
	fresh_name(second, sizeof second, "RenB");
	fresh_name(third, sizeof third, "RenC");
	CURL *c = browser_new();
	struct page p;
	ck_assert_int_eq(add_via_form(c, first, &p), 303);
	char path[sizeof p.location];
	snprintf(path, sizeof path, "%s", p.location);
	page_free(&p);
	char tok[128], later[128];
	form_token_at(c, path, tok);
	char *to_second = form_for(c, second, tok);
	ck_assert_int_eq(fetch(c, "POST", path, to_second, &p), 303);
	page_free(&p);
	form_token_at(c, path, later);
	char *to_third = form_for(c, third, later);
	ck_assert_int_eq(fetch(c, "POST", path, to_third, &p), 303);
	page_free(&p);
	ck_assert_int_eq(fetch(c, "POST", path, to_second, &p), 409);
	assert_already_sent(&p, path);
	page_free(&p);
	ck_assert_int_eq(rows_named(second), 0);
	ck_assert_int_eq(rows_named(third), 1);
	free(to_second);
	free(to_third);
	delete_named(third);
	curl_easy_cleanup(c);
}
END_TEST

/* A form refused for what it says (a taken name at the backend, an invalid one at the
 * frontend) spends nothing: the same token, the name fixed, is accepted. */
START_TEST(refused_form_can_be_sent_again)
{
	char name[64];
	fresh_name(name, sizeof name, "Again");
	CURL *c = browser_new();
	struct page p;
	ck_assert_int_eq(fetch(c, "GET", "/users/new", NULL, &p), 200);
	char tok[128];
	token_of(&p, tok, sizeof tok);
	page_free(&p);
	char *body = form_for(c, "Bob", tok);
	ck_assert_int_eq(fetch(c, "POST", "/users", body, &p), 409); /* taken */
	ck_assert_ptr_nonnull(strstr(p.body, "already has that name"));
	page_free(&p);
	free(body);
	ck_assert_int_eq(nonce_rows(tok), 0);
	body = form_for(c, "", tok);
	ck_assert_int_eq(fetch(c, "POST", "/users", body, &p), 422); /* empty */
	page_free(&p);
	free(body);
	ck_assert_int_eq(nonce_rows(tok), 0);
	body = form_for(c, name, tok);
	ck_assert_int_eq(fetch(c, "POST", "/users", body, &p), 303);
	page_free(&p);
	free(body);
	ck_assert_int_eq(rows_named(name), 1);
	ck_assert_int_eq(nonce_rows(tok), 1);
	delete_named(name);
	curl_easy_cleanup(c);
}
END_TEST

/* Two forms open at once (two tabs of the add form, and a user's rename form): each
 * is sent once, and each is accepted. */
START_TEST(two_forms_each_once)
{
	char a[64], b[64], b2[64];
	fresh_name(a, sizeof a, "TabA");
	fresh_name(b, sizeof b, "TabB");
	fresh_name(b2, sizeof b2, "TabB2");
	CURL *c = browser_new();
	struct page p;
	char ta[128], tb[128];
	form_token_at(c, "/users/new", ta);
	form_token_at(c, "/users/new", tb);
	ck_assert_str_ne(ta, tb);
	char *fb = form_for(c, b, tb), *fa = form_for(c, a, ta);
	ck_assert_int_eq(fetch(c, "POST", "/users", fb, &p), 303);
	char path[sizeof p.location];
	snprintf(path, sizeof path, "%s", p.location);
	page_free(&p);
	ck_assert_int_eq(fetch(c, "POST", "/users", fa, &p), 303);
	page_free(&p);
	free(fa);
	free(fb);
	ck_assert_int_eq(rows_named(a), 1);
	ck_assert_int_eq(rows_named(b), 1);
	char tr[128];
	form_token_at(c, path, tr);
	char *fr = form_for(c, b2, tr);
	ck_assert_int_eq(fetch(c, "POST", path, fr, &p), 303);
	page_free(&p);
	free(fr);
	ck_assert_int_eq(rows_named(b2), 1);
	delete_named(a);
	delete_named(b2);
	curl_easy_cleanup(c);
}
END_TEST

/* The sign-in form is one-use too: sent again it makes no second session. Sessions are
 * counted while live (a sign-in purges expired ones). */
#define LIVE_SESSIONS "SELECT COUNT(*) FROM sessions WHERE expiresAt > UTC_TIMESTAMP()"
START_TEST(sign_in_form_sent_twice)
{
	CURL *c = browser_anonymous();
	char editor[160], pw[256];
	editor_credentials(editor, sizeof editor, pw, sizeof pw);
	struct page p;
	ck_assert_int_eq(fetch(c, "GET", "/sign-in?next=%2F", NULL, &p), 200);
	char tok[128];
	token_of(&p, tok, sizeof tok);
	page_free(&p);
	char *n = curl_easy_escape(c, editor, 0), *w = curl_easy_escape(c, pw, 0);
	char body[1024], wrong[1024];
	snprintf(body, sizeof body, "name=%s&password=%s&next=%%2F&csrf_token=%s", n, w, tok);
	snprintf(wrong, sizeof wrong, "name=%s&password=nope&next=%%2F&csrf_token=%s", n, tok);
	curl_free(n);
	curl_free(w);
	/* A wrong password spends nothing. */
	ck_assert_int_eq(fetch(c, "POST", "/sign-in", wrong, &p), 403);
	page_free(&p);
	ck_assert_int_eq(nonce_rows(tok), 0);
	char *before = h_sql_value(NULL, LIVE_SESSIONS);
	ck_assert_int_eq(fetch(c, "POST", "/sign-in", body, &p), 303);
	page_free(&p);
	ck_assert_int_eq(nonce_rows(tok), 1);
	char *after = h_sql_value(NULL, LIVE_SESSIONS);
	ck_assert_int_eq(atol(after), atol(before) + 1);
	ck_assert_int_eq(fetch(c, "POST", "/sign-in", body, &p), 409);
	assert_already_sent(&p, "/sign-in");
	ck_assert_ptr_null(strcasestr(p.headers, "Set-Cookie: session="));
	page_free(&p);
	char *again = h_sql_value(NULL, LIVE_SESSIONS);
	ck_assert_int_eq(atol(again), atol(after));
	free(before);
	free(after);
	free(again);
	curl_easy_cleanup(c);
}
END_TEST

/* Spent nonces are kept until their token expires, then purged by later spends: a few
 * expired rows, put there by hand, are gone after one form is sent; a live one stays. */
START_TEST(expired_nonces_are_purged)
{
	const char *expired[] = { "ee000000000000000000000000000001",
		                  "ee000000000000000000000000000002",
		                  "ee000000000000000000000000000003" };
	const char *live = "ee0000000000000000000000000000ff";
	char sql[200];
	for (size_t i = 0; i < 3; i++) {
		snprintf(sql, sizeof sql,
		         "INSERT INTO form_nonces (nonce, expiresAt) VALUES (UNHEX('%s'), "
		         "UTC_TIMESTAMP() - INTERVAL %zu MINUTE)",
		         expired[i], i + 1);
		ck_assert_int_eq(h_sql(NULL, sql), 0);
	}
	snprintf(sql, sizeof sql,
	         "INSERT INTO form_nonces (nonce, expiresAt) VALUES (UNHEX('%s'), "
	         "UTC_TIMESTAMP() + INTERVAL 1 HOUR)",
	         live);
	ck_assert_int_eq(h_sql(NULL, sql), 0);
	const char *count_ee = "SELECT 1 FROM form_nonces WHERE HEX(nonce) LIKE 'EE%' AND "
	                       "expiresAt < UTC_TIMESTAMP()";
	ck_assert_int_eq(h_sql_count(NULL, count_ee), 3);
	char name[64];
	fresh_name(name, sizeof name, "Purge");
	CURL *c = browser_new();
	struct page p;
	ck_assert_int_eq(add_via_form(c, name, &p), 303);
	page_free(&p);
	ck_assert_int_eq(h_sql_count(NULL, count_ee), 0);
	snprintf(sql, sizeof sql, "SELECT 1 FROM form_nonces WHERE nonce = UNHEX('%s')", live);
	ck_assert_int_eq(h_sql_count(NULL, sql), 1);
	/* Every row left is one a token could still name. */
	ck_assert_int_eq(
	        h_sql_count(NULL, "SELECT 1 FROM form_nonces WHERE expiresAt < UTC_TIMESTAMP()"),
	        0);
	snprintf(sql, sizeof sql, "DELETE FROM form_nonces WHERE nonce = UNHEX('%s')", live);
	ck_assert_int_eq(h_sql(NULL, sql), 0);
	delete_named(name);
	curl_easy_cleanup(c);
}
END_TEST

START_TEST(markup_names_are_text)
{
	const char *names[] = { "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>" };
	const char *escaped[] = { "&lt;script&gt;alert(1)&lt;/script&gt;",
		                  "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" };
	CURL *c = browser_new();
	for (size_t i = 0; i < 2; i++) {
		delete_named(names[i]);
		struct page p;
		ck_assert_int_eq(add_via_form(c, names[i], &p), 303);
		page_free(&p);
		ck_assert_int_eq(rows_named(names[i]), 1);
		ck_assert_int_eq(fetch(c, "GET", "/", NULL, &p), 200);
		long long id = id_in_list(p.body, escaped[i]);
		ck_assert_msg(id > 0, "%s is not listed as text", names[i]);
		ck_assert_ptr_null(strstr(p.body, "<script>alert"));
		ck_assert_ptr_null(strstr(p.body, "<img src=x"));
		page_free(&p);
		char path[64];
		snprintf(path, sizeof path, "/users/%lld", id);
		ck_assert_int_eq(fetch(c, "GET", path, NULL, &p), 200);
		ck_assert_ptr_nonnull(strstr(p.body, escaped[i]));
		ck_assert_ptr_null(strstr(p.body, "<script>alert"));
		ck_assert_ptr_null(strstr(p.body, "<img src=x"));
		/* Delete through the confirmation page and its form. */
		page_free(&p);
		snprintf(path, sizeof path, "/users/%lld/delete", id);
		ck_assert_int_eq(fetch(c, "GET", path, NULL, &p), 200);
		char tok[128];
		token_of(&p, tok, sizeof tok);
		ck_assert_ptr_null(strstr(p.body, "<script>alert"));
		page_free(&p);
		char body[200];
		snprintf(body, sizeof body, "csrf_token=%s", tok);
		ck_assert_int_eq(fetch(c, "POST", path, body, &p), 303);
		page_free(&p);
		ck_assert_int_eq(rows_named(names[i]), 0);
	}
	curl_easy_cleanup(c);
}
END_TEST

START_TEST(rename_through_the_form)
{
	char name[64], renamed[64];
	fresh_name(name, sizeof name, "Before");
	fresh_name(renamed, sizeof renamed, "After");
	CURL *c = browser_new();
	struct page p;
	ck_assert_int_eq(add_via_form(c, name, &p), 303);
	page_free(&p);
	char q[128], *enc = curl_easy_escape(c, name, 0);
	snprintf(q, sizeof q, "/?q=%s", enc);
	curl_free(enc);
	ck_assert_int_eq(fetch(c, "GET", q, NULL, &p), 200);
	long long id = id_in_list(p.body, name);
	page_free(&p);
	ck_assert_int_gt(id, 0);
	char path[64];
	snprintf(path, sizeof path, "/users/%lld", id);
	ck_assert_int_eq(fetch(c, "GET", path, NULL, &p), 200);
	char tok[128];
	token_of(&p, tok, sizeof tok);
	page_free(&p);
	char *body = form_for(c, "Bob", tok);
	ck_assert_int_eq(fetch(c, "POST", path, body, &p), 409); /* taken */
	page_free(&p);
	free(body);
	body = form_for(c, "", tok);
	ck_assert_int_eq(fetch(c, "POST", path, body, &p), 422); /* empty */
	page_free(&p);
	free(body);
	ck_assert_int_eq(rows_named(name), 1);
	body = form_for(c, renamed, tok);
	ck_assert_int_eq(fetch(c, "POST", path, body, &p), 303);
	ck_assert_str_eq(p.location, path);
	page_free(&p);
	free(body);
	ck_assert_int_eq(rows_named(name), 0);
	ck_assert_int_eq(rows_named(renamed), 1);
	ck_assert_int_eq(fetch(c, "GET", path, NULL, &p), 200);
	char flash[128];
	snprintf(flash, sizeof flash, "Renamed to %s.", renamed);
	ck_assert_ptr_nonnull(strstr(p.body, flash));
	page_free(&p);
	delete_named(renamed);
	ck_assert_int_eq(fetch(c, "GET", path, NULL, &p), 404);
	ck_assert_ptr_nonnull(strstr(p.body, "Page not found"));
	page_free(&p);
	curl_easy_cleanup(c);
}
END_TEST

/* Whether every line of tidy's report is the warning Debian 12's tidy (5.6) gives for
 * aria-current (the pager's and the order links' "where you are"): WAI-ARIA 1.1 has it,
 * that tidy predates it. Any other line is a defect. */
static int only_aria_current(const char *report)
{
	int lines = 0;
	for (const char *l = report; *l; lines++) {
		size_t n = strcspn(l, "\n");
		const char *w = strstr(l, "Warning: <a> proprietary attribute \"aria-current\"");
		if (!w || w > l + n)
			return 0;
		l += n + (l[n] == '\n');
	}
	return lines > 0;
}

START_TEST(pages_are_valid_html)
{
	if (access("/usr/bin/tidy", X_OK) != 0) {
		printf("SKIPPED: test_pages: HTML validity: /usr/bin/tidy is missing (make deps "
		       "installs it)\n");
		fflush(stdout);
		return;
	}
	const char *paths[] = { "/",        "/?sort=newest",   "/?q=M",        "/users/new",
		                "/users/1", "/users/1/delete", "/no-such-page" };
	CURL *c = browser_new();
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		struct page p;
		fetch(c, "GET", paths[i], NULL, &p);
		char file[] = "/tmp/fcgi-users-page-XXXXXX";
		int fd = mkstemp(file);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(write(fd, p.body, p.len), (ssize_t)p.len);
		close(fd);
		char cmd[256];
		snprintf(cmd, sizeof cmd, "/usr/bin/tidy -q -e %s 2>&1", file);
		FILE *t = popen(cmd, "r");
		char report[2048] = "";
		size_t got = fread(report, 1, sizeof report - 1, t);
		report[got] = '\0';
		int rc = pclose(t);
		unlink(file);
		/* tidy exits 0 when clean, 1 on warnings, 2 on errors. */
		int only_known = WIFEXITED(rc) && WEXITSTATUS(rc) == 1 && only_aria_current(report);
		ck_assert_msg(rc == 0 || only_known, "%s is not clean HTML: %s", paths[i], report);
		page_free(&p);
	}
	curl_easy_cleanup(c);
}
END_TEST

START_TEST(backend_down_gives_friendly_page_then_recovers)
{
	CURL *c = browser_new();
	struct page p;
	ck_assert_int_eq(fetch(c, "GET", "/", NULL, &p), 200);
	page_free(&p);

	ck_assert_int_eq(backend_stop(), 0);
	long st = fetch(c, "GET", "/", NULL, &p);
	ck_assert_msg(st == 502 || st == 503, "backend down: / answered %ld", st);
	ck_assert_ptr_nonnull(strstr(p.body, "The directory is unavailable"));
	ck_assert_ptr_nonnull(strstr(p.body, "<html lang=\"en\">")); /* our page, not nginx's */
	page_free(&p);
	/* A write while it is down: the same page, and the frontend keeps serving. */
	ck_assert_int_eq(fetch(c, "GET", "/users/new", NULL, &p), 200);
	char tok[128];
	token_of(&p, tok, sizeof tok);
	page_free(&p);
	char *body = form_for(c, "While Down", tok);
	st = fetch(c, "POST", "/users", body, &p);
	free(body);
	ck_assert_msg(st == 502 || st == 503, "backend down: POST answered %ld", st);
	page_free(&p);

	ck_assert_int_eq(backend_start(), 0);
	ck_assert_int_eq(fetch(c, "GET", "/", NULL, &p), 200);
	ck_assert_ptr_nonnull(strstr(p.body, "<span class=\"name\"><bdi>Bob</bdi></span>"));
	page_free(&p);
	ck_assert_int_eq(rows_named("While Down"), 0);
	curl_easy_cleanup(c);
}
END_TEST

/* Run build/fcgi-frontend with only env (and PATH); returns the exit status, output in
 * out. */
static int run_frontend(const char *env, char *out, size_t cap)
{
	const char *build = getenv("BUILD");
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "env -i %s %s/fcgi-frontend 2>&1", env,
	         build && *build ? build : "build");
	FILE *f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	size_t n = fread(out, 1, cap - 1, f);
	out[n] = '\0';
	int rc = pclose(f);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

START_TEST(bad_settings_stop_with_one_line)
{
	struct {
		const char *env, *says;
	} cases[] = {
		{ "", "setting BACKEND_URL: required" },
		{ "BACKEND_URL=ftp://x", "setting BACKEND_URL: 'ftp://x' is not an http" },
		{ "BACKEND_URL=http://127.0.0.1:1", "setting SECRET_KEY: required" },
		{ "BACKEND_URL=http://127.0.0.1:1 SECRET_KEY=short",
		  "setting SECRET_KEY: must be" },
		{ "BACKEND_URL=http://127.0.0.1:1 SECRET_KEY_FILE=/nonexistent/key",
		  "setting SECRET_KEY_FILE: cannot read" },
		{ "BACKEND_URL=http://127.0.0.1:1 DEV_INSECURE_SECRET=1 PAGE_SIZE=0",
		  "setting PAGE_SIZE" },
		{ "BACKEND_URL=http://127.0.0.1:1 DEV_INSECURE_SECRET=1 BACKEND_TIMEOUT_MS=soon",
		  "setting BACKEND_TIMEOUT_MS" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char out[1024];
		int rc = run_frontend(cases[i].env, out, sizeof out);
		ck_assert_msg(rc == 2, "[%s] exit %d, not 2: %s", cases[i].env, rc, out);
		ck_assert_msg(strstr(out, cases[i].says) != NULL, "[%s] said: %s", cases[i].env,
		              out);
		char *nl = strchr(out, '\n');
		ck_assert_msg(nl && nl[1] == '\0', "[%s] more than one line: %s", cases[i].env,
		              out);
	}
}
END_TEST

START_TEST(anonymous_visitor_reads_only)
{
	CURL *c = browser_anonymous();
	struct page p;
	ck_assert_int_eq(fetch(c, "GET", "/", NULL, &p), 200);
	ck_assert_ptr_nonnull(strstr(p.body, ">Bob<"));
	ck_assert_ptr_null(strstr(p.body, "href=\"/users/new\""));
	ck_assert_ptr_nonnull(strstr(p.body, ">Sign in</a>"));
	page_free(&p);
	ck_assert_int_eq(fetch(c, "GET", "/users/1", NULL, &p), 200);
	ck_assert_ptr_null(strstr(p.body, "<form class=\"card\" method=\"post\""));
	ck_assert_ptr_null(strstr(p.body, "/users/1/delete"));
	ck_assert_ptr_nonnull(strstr(p.body, "/sign-in?next=%2Fusers%2F1"));
	page_free(&p);
	/* The forms send a visitor to sign in, and back after. */
	ck_assert_int_eq(fetch(c, "GET", "/users/new", NULL, &p), 303);
	ck_assert_str_eq(p.location, "/sign-in?next=%2Fusers%2Fnew");
	page_free(&p);
	ck_assert_int_eq(fetch(c, "GET", "/users/1/delete", NULL, &p), 303);
	ck_assert_str_eq(p.location, "/sign-in?next=%2Fusers%2F1%2Fdelete");
	page_free(&p);
	/* A form post without a session, even with a valid CSRF token from the sign-in
	 * page: sent to sign in, nothing written. */
	ck_assert_int_eq(fetch(c, "GET", "/sign-in", NULL, &p), 200);
	char tok[128];
	token_of(&p, tok, sizeof tok);
	page_free(&p);
	char name[64];
	fresh_name(name, sizeof name, "Anon");
	char *body = form_for(c, name, tok);
	ck_assert_int_eq(fetch(c, "POST", "/users", body, &p), 303);
	ck_assert_ptr_nonnull(strstr(p.location, "/sign-in"));
	page_free(&p);
	free(body);
	ck_assert_int_eq(rows_named(name), 0);
	curl_easy_cleanup(c);
}
END_TEST

START_TEST(sign_in_add_rename_delete_sign_out)
{
	CURL *c = browser_anonymous();
	char editor[160], pw[256];
	editor_credentials(editor, sizeof editor, pw, sizeof pw);
	struct page p;
	/* A wrong password: the form again, no session. */
	ck_assert_int_eq(sign_in_as(c, editor, "not the password", &p), 403);
	ck_assert_ptr_nonnull(strstr(p.body, "The name or the password is not right."));
	ck_assert_ptr_null(strcasestr(p.headers, "Set-Cookie: session="));
	page_free(&p);
	ck_assert_int_eq(sign_in_as(c, editor, pw, &p), 303);
	ck_assert_ptr_nonnull(strcasestr(p.headers, "Set-Cookie: session="));
	ck_assert_ptr_nonnull(strcasestr(p.headers, "HttpOnly"));
	ck_assert_ptr_nonnull(strcasestr(p.headers, "SameSite=Lax"));
	page_free(&p);
	char name[64], renamed[64];
	fresh_name(name, sizeof name, "Flow");
	fresh_name(renamed, sizeof renamed, "Flowed");
	ck_assert_int_eq(add_via_form(c, name, &p), 303);
	page_free(&p);
	ck_assert_int_eq(fetch(c, "GET", "/", NULL, &p), 200);
	long long id = id_in_list(p.body, name);
	page_free(&p);
	ck_assert_int_gt(id, 0);
	char path[64];
	snprintf(path, sizeof path, "/users/%lld", id);
	ck_assert_int_eq(fetch(c, "GET", path, NULL, &p), 200);
	char tok[128];
	token_of(&p, tok, sizeof tok);
	/* The page says who changed it last. */
	ck_assert_ptr_nonnull(strstr(p.body, "<dt>Last change</dt><dd>Added by editor "));
	page_free(&p);
	char *body = form_for(c, renamed, tok);
	ck_assert_int_eq(fetch(c, "POST", path, body, &p), 303);
	free(body);
	page_free(&p);
	ck_assert_int_eq(fetch(c, "GET", path, NULL, &p), 200);
	char want[400];
	snprintf(want, sizeof want, "<dt>Last change</dt><dd>Renamed from %s by editor %s", name,
	         editor);
	ck_assert_msg(strstr(p.body, want) != NULL, "no \"%s\"", want);
	page_free(&p);
	/* Keep this browser's cookies (the session) for a replay after signing out. */
	struct curl_slist *jar = NULL;
	curl_easy_getinfo(c, CURLINFO_COOKIELIST, &jar);
	ck_assert_ptr_nonnull(jar);
	ck_assert_int_eq(fetch(c, "GET", "/sign-out", NULL, &p), 200);
	token_of(&p, tok, sizeof tok);
	page_free(&p);
	char out[160];
	snprintf(out, sizeof out, "csrf_token=%s", tok);
	ck_assert_int_eq(fetch(c, "POST", "/sign-out", out, &p), 303);
	ck_assert_str_eq(p.location, "/");
	page_free(&p);
	ck_assert_int_eq(fetch(c, "GET", "/users/new", NULL, &p), 303);
	page_free(&p);
	/* Replayed: another browser with the old cookies tries to delete; the backend
	 * has forgotten the session, so it is sent to sign in and nothing is deleted. */
	CURL *replay = browser_anonymous();
	for (struct curl_slist *x = jar; x; x = x->next)
		curl_easy_setopt(replay, CURLOPT_COOKIELIST, x->data);
	curl_slist_free_all(jar);
	snprintf(path, sizeof path, "/users/%lld/delete", id);
	ck_assert_int_eq(fetch(replay, "GET", path, NULL, &p), 200); /* the cookie is genuine */
	token_of(&p, tok, sizeof tok);
	page_free(&p);
	snprintf(out, sizeof out, "csrf_token=%s", tok);
	ck_assert_int_eq(fetch(replay, "POST", path, out, &p), 303);
	ck_assert_ptr_nonnull(strstr(p.location, "/sign-in"));
	page_free(&p);
	ck_assert_int_eq(rows_named(renamed), 1);
	curl_easy_cleanup(replay);
	/* Signed in again: delete. */
	char ed[160], pw2[256];
	editor_credentials(ed, sizeof ed, pw2, sizeof pw2);
	ck_assert_int_eq(sign_in_as(c, ed, pw2, &p), 303);
	page_free(&p);
	ck_assert_int_eq(fetch(c, "GET", path, NULL, &p), 200);
	token_of(&p, tok, sizeof tok);
	page_free(&p);
	snprintf(out, sizeof out, "csrf_token=%s", tok);
	ck_assert_int_eq(fetch(c, "POST", path, out, &p), 303);
	page_free(&p);
	ck_assert_int_eq(rows_named(renamed), 0);
	curl_easy_cleanup(c);
}
END_TEST

/* ---- the list's order (issue 19: A to Z by name, or newest first) ---- */

/* The names (as the page writes them) and ids of a list page, in page order. */
struct listed {
	char name[25][128];
	long long id[25];
	int n;
};

static void list_rows(const char *body, struct listed *out)
{
	out->n = 0;
	const char *k = "<span class=\"name\">";
	for (const char *s = body; (s = strstr(s, k)) && out->n < 25; out->n++) {
		const char *a = s;
		while (a > body && strncmp(a, "href=\"/users/", 13) != 0)
			a--;
		out->id[out->n] = a > body ? strtoll(a + 13, NULL, 10) : -1;
		s += strlen(k);
		if (strncmp(s, "<bdi>", 5) == 0) /* names are isolated (issue 20) */
			s += 5;
		size_t m = strcspn(s, "<");
		snprintf(out->name[out->n], sizeof out->name[0], "%.*s", (int)m, s);
	}
}

/* A name of letters, digits and '-' only: its place in the database's order (by
 * LOWER(userName), bytewise) is where strcasecmp puts it among such names. */
static int plain(const char *name)
{
	for (const char *c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '-'))
			return 0;
	return 1;
}

START_TEST(list_is_a_to_z_unless_newest_first)
{
	/* 25 users whose names differ in case ("Srt", "sRT", "SRT"): A to Z ignoring case
	 * puts them in number order, a case-sensitive or an id order would not (they are
	 * created in a shuffled order). Together with the rest they fill two pages. */
	static const int order[25] = { 7,  19, 2,  24, 11, 0,  15, 5,  21, 9,  13, 1, 17,
		                       23, 3,  10, 20, 6,  14, 8,  22, 4,  16, 12, 18 };
	static const char *const cases[3] = { "Srt", "sRT", "SRT" };
	char names[25][32];
	long long last_id = 0;
	for (int i = 0; i < 25; i++) {
		int k = order[i];
		snprintf(names[k], sizeof names[k], "%s%d-%02d", cases[k % 3], (int)getpid(), k);
		last_id = h_create_user(names[k]);
	}
	CURL *c = browser_new();
	struct page p;
	/* Walk the default list page by page: the plain names in A to Z order, also across
	 * page boundaries, and ours in number order. */
	char prev[128] = "";
	int ours = 0, pages = 0, pairs = 0;
	for (int page = 1; page <= 60; page++) {
		char path[64];
		snprintf(path, sizeof path, "/?page=%d", page);
		ck_assert_int_eq(fetch(c, "GET", path, NULL, &p), 200);
		pages++;
		if (page == 1)
			ck_assert_ptr_nonnull(
			        strstr(p.body, "<a href=\"/\" aria-current=\"true\">Name A–Z</a>"));
		struct listed l;
		list_rows(p.body, &l);
		for (int i = 0; i < l.n; i++) {
			if (ours < 25 && strcmp(l.name[i], names[ours]) == 0)
				ours++;
			if (!plain(l.name[i]))
				continue;
			if (*prev) {
				ck_assert_msg(strcasecmp(prev, l.name[i]) < 0,
				              "page %d: “%s” comes after “%s”", page, l.name[i],
				              prev);
				pairs++;
			}
			snprintf(prev, sizeof prev, "%s", l.name[i]);
		}
		int more = strstr(p.body, "rel=\"next\"") != NULL;
		page_free(&p);
		if (!more)
			break;
	}
	ck_assert_msg(pages >= 2, "the list fits one page: the test proves nothing");
	ck_assert_msg(pairs >= 20, "only %d pairs of plain names compared", pairs);
	ck_assert_msg(ours == 25, "only %d of the 25 test users in A–Z order", ours);

	/* Newest first: the last user added is on top, ids fall, page 2 goes on below. */
	ck_assert_int_eq(fetch(c, "GET", "/?sort=newest", NULL, &p), 200);
	struct listed l1, l2;
	list_rows(p.body, &l1);
	ck_assert_int_eq(l1.n, 20);
	ck_assert_msg(l1.id[0] == last_id, "newest first starts with %lld, not %lld", l1.id[0],
	              last_id);
	for (int i = 1; i < l1.n; i++)
		ck_assert_int_lt(l1.id[i], l1.id[i - 1]);
	ck_assert_ptr_nonnull(
	        strstr(p.body, "<a href=\"/?sort=newest\" aria-current=\"true\">Newest first</a>"));
	ck_assert_ptr_nonnull(strstr(p.body, "<title>Users, newest first – page 1 of "));
	/* The pager keeps the order. */
	ck_assert_ptr_nonnull(strstr(p.body, "rel=\"next\" href=\"/?sort=newest&amp;page=2\""));
	ck_assert_ptr_null(strstr(p.body, "href=\"/?page="));
	page_free(&p);
	ck_assert_int_eq(fetch(c, "GET", "/?sort=newest&page=2", NULL, &p), 200);
	list_rows(p.body, &l2);
	ck_assert_int_gt(l2.n, 0);
	ck_assert_int_lt(l2.id[0], l1.id[l1.n - 1]);
	ck_assert_ptr_nonnull(strstr(p.body, "rel=\"prev\" href=\"/?sort=newest&amp;page=1\""));
	ck_assert_ptr_nonnull(strstr(p.body, "<title>Users, newest first – page 2 of "));
	page_free(&p);
	/* Past the end: to the last page, newest first still. */
	ck_assert_int_eq(fetch(c, "GET", "/?sort=newest&page=45", NULL, &p), 303);
	ck_assert_msg(strncmp(p.location, "/?sort=newest&page=", 19) == 0, "303 to %s", p.location);
	page_free(&p);
	/* A search is A to Z whatever sort says, and its links do not carry it. */
	char search[96];
	snprintf(search, sizeof search, "/?q=srt%d&sort=newest", (int)getpid());
	ck_assert_int_eq(fetch(c, "GET", search, NULL, &p), 200);
	list_rows(p.body, &l1);
	ck_assert_int_eq(l1.n, 20);
	for (int i = 0; i < l1.n; i++)
		ck_assert_str_eq(l1.name[i], names[i]);
	ck_assert_ptr_null(strstr(p.body, "sort=newest&amp;"));
	ck_assert_ptr_null(strstr(p.body, "class=\"sort\""));
	page_free(&p);
	/* An order the page does not know: 400, naming the parameter. */
	ck_assert_int_eq(fetch(c, "GET", "/?sort=oldest", NULL, &p), 400);
	ck_assert_ptr_nonnull(strstr(p.body, "must be name or newest"));
	page_free(&p);
	ck_assert_int_eq(fetch(c, "GET", "/?sort=-id", NULL, &p), 400);
	page_free(&p);
	curl_easy_cleanup(c);
}
END_TEST

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const TTest *const pages_tests[] = { list_shows_seeded_names,
		                             anonymous_visitor_reads_only,
		                             sign_in_add_rename_delete_sign_out,
		                             add_via_form_redirects_and_lists,
		                             padded_name_is_added_trimmed,
		                             writes_without_valid_token_are_403,
		                             tossed_cookies_refused,
		                             flash_stays_with_its_browser,
		                             token_of_one_form_posts_no_other,
		                             form_sent_twice_writes_once,
		                             replayed_rename_refused,
		                             refused_form_can_be_sent_again,
		                             two_forms_each_once,
		                             sign_in_form_sent_twice,
		                             expired_nonces_are_purged,
		                             markup_names_are_text,
		                             rename_through_the_form,
		                             pages_are_valid_html,
		                             list_is_a_to_z_unless_newest_first,
		                             bad_settings_stop_with_one_line,
		                             NULL };
	const TTest *const backend_down_tests[] = { backend_down_gives_friendly_page_then_recovers,
		                                    NULL };
	Suite *s = check_suite(
	        "pages",
	        (const struct check_case[]){
	                { .name = "pages", .tests = pages_tests, .timeout = 60 },
	                /* Last: it stops and starts the backend. */
	                { .name = "backend_down", .tests = backend_down_tests, .timeout = 120 },
	                { 0 } });
	int status = check_run(s);
	curl_global_cleanup();
	return status;
}
