/*
 * pages_sign_in: see pages_sign_in.h. A sign-in always ends with a new session from
 * the backend written over whatever cookie the browser had (no fixation), and a
 * password never leaves this request: not into a log line, not back into the form.
 */
#include "pages_sign_in.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api_auth_client.h"
#include "browser.h"
#include "error_pages.h"
#include "frontend.h"
#include "html.h"
#include "layout.h"
#include "log.h"
#include "response.h"
#include "session_cookie.h"
#include "site_cookies.h"
#include "urlencoded.h"

#define NEXT_MAX 512

/* next if it is a path on this site ("/…", not "//host" or "/\host", printable
 * ASCII), else "/". Never back to the sign-in pages themselves. */
static const char *safe_next(const char *next)
{
	if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\' ||
	    strlen(next) > NEXT_MAX || strncmp(next, "/sign-in", 8) == 0 ||
	    strncmp(next, "/sign-out", 9) == 0)
		return "/";
	for (const char *p = next; *p; p++)
		if (*p <= ' ' || *p > '~' || *p == '\\')
			return "/";
	return next;
}

static void link_to(char *buf, size_t cap, const char *where)
{
	char *enc = url_encode(safe_next(where));
	snprintf(buf, cap, "/sign-in%s%s", enc && strcmp(where, "/") ? "?next=" : "",
	         enc && strcmp(where, "/") ? enc : "");
	free(enc);
}

void sign_in_link(const struct request *r, char *buf, size_t cap)
{
	char here[NEXT_MAX + 2];
	if (r->method == METHOD_GET || r->method == METHOD_HEAD) {
		snprintf(here, sizeof here, "%s%s%s", r->path, *r->query_string ? "?" : "",
		         r->query_string);
	} else {
		/* A form post: back to the page the form is on, if the path has one. */
		const struct route *found = NULL;
		struct params pp = { 0 };
		unsigned allowed = 0;
		int has_page =
		        r->app && router_match(r->app->routes, r->app->nroutes, METHOD_GET, r->path,
		                               &found, &pp, &allowed) == ROUTE_FOUND;
		params_free(&pp);
		snprintf(here, sizeof here, "%s", has_page ? r->path : "/");
	}
	link_to(buf, cap, here);
}

/* The session cookie's spelling follows COOKIE_SECURE like the others (browser.h). */
static int cookies_secure(const struct request *r, const struct frontend *fe)
{
	return browser_secure(r, fe);
}

int frontend_authenticate(struct request *r, void *svc)
{
	struct frontend *fe = svc;
	char value[SESSION_COOKIE_MAX];
	time_t expiry = 0;
	if (site_cookie_get(r, SITE_COOKIE_SESSION, cookies_secure(r, fe), value, sizeof value) ==
	            0 &&
	    session_cookie_read(&fe->key, value, time(NULL), &r->principal, &expiry) != 0)
		log_kv(LOG_INFO, "session cookie ignored (forged, altered or expired)", NULL);
	explicit_bzero(value, sizeof value);
	api_client_act_for(&fe->api, &r->principal);
	return 0;
}

void frontend_unauthenticated(struct request *r, void *svc)
{
	(void)svc;
	char to[3 * NEXT_MAX + 32];
	sign_in_link(r, to, sizeof to);
	page_security_headers(r);
	resp_redirect(r, 303, to);
}

void page_sign_in_again(struct request *r)
{
	/* No frontend here to say which spelling is in use: both are cleared. */
	site_cookie_set(r, SITE_COOKIE_SESSION, 0, "", 0);
	site_cookie_set(r, SITE_COOKIE_SESSION, 1, "", 0);
	frontend_unauthenticated(r, NULL);
}

/* ---- the form ---- */

static int valid_next(const struct input_def *def, const struct raw_input *raw, struct input *out,
                      char *why, size_t whylen)
{
	(void)def;
	if (raw->len > NEXT_MAX || memchr(raw->str, '\0', raw->len)) {
		snprintf(why, whylen, "is not a page of this site");
		return -1;
	}
	out->str = raw->str;
	out->len = raw->len;
	return 0;
}

const struct input_def sign_in_show_in[] = {
	[SIGN_IN_NEXT] = { .name = "next", .src = IN_QUERY, .check = valid_next, .fallback = "/" },
	{ 0 },
};

static void render_form(struct request *r, struct frontend *fe, int status, const char *next,
                        const char *name, const char *error)
{
	char token[CSRF_TOKEN_MAX];
	if (browser_csrf_token(r, fe, "/sign-in", token) != 0) {
		frontend_error(r, 500, "cannot make a CSRF token");
		return;
	}
	const char *to = safe_next(next);
	struct html h = { 0 };
	HTML_LIT(&h, "<h1>Sign in</h1>\n"
	             "<p class=\"lead\">Editors sign in to add, rename and delete users. "
	             "Everyone may read the directory.</p>\n");
	if (error)
		HTML(&h,
		     "<div class=\"error-summary\" role=\"alert\"><p class=\"error\">"
		     "<span class=\"visually-hidden\">Error: </span>{{error}}</p></div>\n",
		     "error", error);
	if (fe->sso) {
		char *enc = url_encode(to);
		HTML(&h,
		     "<p><a class=\"button\" href=\"/sign-in/sso?next={{next}}\">Sign in with "
		     "single sign-on</a></p>\n<p>Or with a name and password:</p>\n",
		     "next", enc ? enc : "%2F");
		free(enc);
	}
	HTML(&h,
	     "<form class=\"card\" method=\"post\" action=\"/sign-in\">"
	     "<input type=\"hidden\" name=\"" CSRF_FIELD "\" value=\"{{token}}\">"
	     "<input type=\"hidden\" name=\"next\" value=\"{{next}}\">"
	     "<div class=\"field\"><label for=\"name\">Name</label>"
	     "<input id=\"name\" name=\"name\" type=\"text\" value=\"{{name}}\" required "
	     "maxlength=\"128\" autocomplete=\"username\" autocapitalize=\"none\" "
	     "spellcheck=\"false\"></div>"
	     "<div class=\"field\"><label for=\"password\">Password</label>"
	     "<input id=\"password\" name=\"password\" type=\"password\" required "
	     "autocomplete=\"current-password\"></div>"
	     "<div class=\"actions\"><button type=\"submit\">Sign in</button>"
	     "<a class=\"button secondary\" href=\"{{next}}\">Cancel</a></div></form>\n",
	     "token", token, "next", to, "name", name ? name : "");
	page_send(r, status, "Sign in", NULL, &h);
	html_free(&h);
}

void page_sign_in(struct request *r, void *svc)
{
	render_form(r, svc, 200, r->in[SIGN_IN_NEXT].str, NULL, NULL);
}

const struct input_def sign_in_post_in[] = {
	[SIGN_IN_POST_NAME] = { .name = "name",
	                        .src = IN_FORM,
	                        .flags = INPUT_REQUIRED,
	                        .check = valid_text,
	                        .min = 1,
	                        .max = PRINCIPAL_NAME_MAX },
	[SIGN_IN_POST_PASSWORD] = { .name = "password",
	                            .src = IN_FORM,
	                            .flags = INPUT_REQUIRED,
	                            .check = valid_text,
	                            .min = 1,
	                            .max = 1024 },
	[SIGN_IN_POST_NEXT] = { .name = "next",
	                        .src = IN_FORM,
	                        .check = valid_next,
	                        .fallback = "/" },
	{ 0 },
};

/* A session from the backend: the cookie, then back to where the editor was. */
static void signed_in(struct request *r, struct frontend *fe, struct api_session *s,
                      const char *next)
{
	time_t now = time(NULL), expiry = session_expiry_parse(s->expires_at);
	char value[SESSION_COOKIE_MAX];
	if (expiry <= now ||
	    session_cookie_make(&fe->key, s->token, expiry, s->editor, value) != 0) {
		explicit_bzero(s, sizeof *s);
		frontend_error(r, 500, "the backend's session could not be kept");
		return;
	}
	site_cookie_set(r, SITE_COOKIE_SESSION, cookies_secure(r, fe), value, (long)(expiry - now));
	explicit_bzero(value, sizeof value);
	char msg[FLASH_MAX + 1];
	snprintf(msg, sizeof msg, "Signed in as %s.", s->editor);
	log_kv(LOG_INFO, "editor signed in", "editor", s->editor, NULL);
	explicit_bzero(s, sizeof *s);
	browser_flash_set(r, fe, msg);
	page_security_headers(r);
	resp_redirect(r, 303, safe_next(next));
}

void page_sign_in_post(struct request *r, void *svc)
{
	struct frontend *fe = svc;
	const char *next = r->in[SIGN_IN_POST_NEXT].present ? r->in[SIGN_IN_POST_NEXT].str : "/";
	const struct input *name = &r->in[SIGN_IN_POST_NAME];
	const struct input *pw = &r->in[SIGN_IN_POST_PASSWORD];
	const char *typed = params_get(&r->form, "name");
	if (r->nerrors || !name->present || !pw->present) {
		render_form(r, fe, 422, next, typed, "Enter your name and your password.");
		return;
	}
	struct api_session s;
	struct api_error e;
	char msg[200];
	switch (api_sign_in(&fe->api, name->str, pw->str, &s, &e)) {
	case API_OK:
		signed_in(r, fe, &s, next);
		return;
	case API_UNAUTHORIZED:
	case API_INVALID:
		render_form(r, fe, 403, next, typed, "The name or the password is not right.");
		return;
	case API_THROTTLED:
		snprintf(msg, sizeof msg,
		         "Too many failed sign-ins for this name. Try again in %ld seconds.",
		         e.retry_after > 0 ? e.retry_after : 60);
		if (e.retry_after > 0) {
			char secs[24];
			snprintf(secs, sizeof secs, "%ld", e.retry_after);
			resp_header(r, "Retry-After", secs);
		}
		render_form(r, fe, 429, next, typed, msg);
		return;
	default:
		page_api_error(r, &e);
		return;
	}
}

void page_sign_in_sso(struct request *r, void *svc)
{
	struct frontend *fe = svc;
	if (!fe->sso) {
		frontend_error(r, 404, "single sign-on is not enabled here");
		return;
	}
	/* nginx sets SSO_USER here only behind its auth_request (nginx/README.md). Through
	 * nginx (http://) the backend does not take the frontend's word for it: the call
	 * carries the browser's cookies and nginx asks the proxy again for the backend.
	 * Over fcgi:// the frontend is the backend's web server and passes the param on. */
	const char *who = request_param(r, "SSO_USER");
	if (!who || !*who) {
		frontend_error(r, 403, "single sign-on did not say who you are");
		return;
	}
	struct api_session s;
	struct api_error e;
	switch (api_sign_in_sso(&fe->api, request_header(r, "Cookie"), who, &s, &e)) {
	case API_OK:
		signed_in(r, fe, &s, r->in[SIGN_IN_NEXT].str);
		return;
	case API_FORBIDDEN:
	case API_UNAUTHORIZED: {
		struct html h = { 0 };
		HTML(&h,
		     "<h1>Not an editor here</h1>\n<p class=\"lead\">Single sign-on says you are "
		     "{{who}}, but that is not one of this directory's editors. Ask an operator "
		     "to add you.</p>\n<p><a href=\"/\">Back to the list of users</a></p>\n",
		     "who", who);
		page_send(r, 403, "Not an editor here", NULL, &h);
		html_free(&h);
		return;
	}
	default:
		page_api_error(r, &e);
		return;
	}
}

/* ---- sign out ---- */

void page_sign_out(struct request *r, void *svc)
{
	struct frontend *fe = svc;
	if (r->principal.kind == PRINCIPAL_NONE) {
		page_security_headers(r);
		resp_redirect(r, 303, "/");
		return;
	}
	char token[CSRF_TOKEN_MAX];
	if (browser_csrf_token(r, fe, "/sign-out", token) != 0) {
		frontend_error(r, 500, "cannot make a CSRF token");
		return;
	}
	struct html h = { 0 };
	HTML(&h,
	     "<h1>Sign out</h1>\n<p class=\"lead\">You are signed in as {{name}}.</p>\n"
	     "<form method=\"post\" action=\"/sign-out\">"
	     "<input type=\"hidden\" name=\"" CSRF_FIELD "\" value=\"{{token}}\">"
	     "<div class=\"actions\"><button type=\"submit\">Sign out</button>"
	     "<a class=\"button secondary\" href=\"/\">Cancel</a></div></form>\n",
	     "name", r->principal.name, "token", token);
	page_send(r, 200, "Sign out", NULL, &h);
	html_free(&h);
}

void page_sign_out_post(struct request *r, void *svc)
{
	struct frontend *fe = svc;
	if (r->principal.kind != PRINCIPAL_NONE) {
		struct api_error e;
		enum api_status st = api_sign_out(&fe->api, &e);
		/* 401: the backend had forgotten it already; the cookie goes all the same. */
		if (st != API_OK && st != API_UNAUTHORIZED) {
			page_api_error(r, &e);
			return;
		}
	}
	site_cookie_set(r, SITE_COOKIE_SESSION, cookies_secure(r, fe), "", 0);
	browser_flash_set(r, fe, "Signed out.");
	page_security_headers(r);
	resp_redirect(r, 303, "/");
}
