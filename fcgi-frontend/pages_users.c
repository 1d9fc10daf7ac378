/*
 * pages_users: the pages people use — the list with search and paging, a user's page
 * with the rename form, the add form, the delete confirmation — and the form posts
 * behind them, with the route table at the end (kcgi's sample.c shape: each handler's
 * input table sits right above it, indexed by its own enum). Every form that writes is
 * a ROUTE_CSRF route: the dispatcher checks its token first (403, nothing written);
 * the handler then sees the validated input (422 with the message beside the field),
 * asks the backend (409 when the name is taken) and answers 303 with a one-time
 * confirmation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_auth_client.h"
#include "api_client.h"
#include "browser.h"
#include "error_pages.h"
#include "frontend.h"
#include "html.h"
#include "layout.h"
#include "log.h"
#include "pages_sign_in.h"
#include "pager.h"
#include "response.h"
#include "site_cookies.h"
#include "urlencoded.h"
#include "users_contract.h"

/* The first validation message for field, or NULL. */
static const char *error_for(const struct request *r, const char *field)
{
	for (size_t i = 0; i < r->nerrors; i++)
		if (strcmp(r->errors[i].field, field) == 0)
			return r->errors[i].message;
	return NULL;
}

/* "2026-01-02T03:04:05Z" -> "2026-01-02 03:04 UTC"; anything else is shown as is. */
static void human_time(const char *iso, char *out, size_t cap)
{
	if (strlen(iso) >= 16 && iso[10] == 'T')
		snprintf(out, cap, "%.10s %.5s UTC", iso, iso + 11);
	else
		snprintf(out, cap, "%s", iso);
}

static void csrf_field(struct html *h, const char *token)
{
	HTML(h, "<input type=\"hidden\" name=\"" CSRF_FIELD "\" value=\"{{token}}\">", "token",
	     token);
}

/* Who already has a name (the backend's 409 says so), for the message's link. */
struct name_holder {
	long long id; /* 0: not known */
	const char *name;
};

/* A validator's fragment ("must be 1 to 30 characters") made a sentence; a sentence
 * from elsewhere is kept as it is. */
static void error_sentence(const char *error, char *out, size_t cap)
{
	int fragment = *error >= 'a' && *error <= 'z';
	snprintf(out, cap, "%s%s%s", fragment ? "The name " : "", error, fragment ? "." : "");
}

/* After a refused form: the summary at the top of the form (role=alert, so it is
 * announced), its link taking people to the field. The field itself gets autofocus, so
 * a keyboard user is where the fix is (issue 19: focus was lost at the top). */
static void error_summary(struct html *h, const char *sentence)
{
	HTML(h,
	     "<div class=\"error-summary\" role=\"alert\" aria-labelledby=\"error-summary-title\">"
	     "<h2 id=\"error-summary-title\">There is a problem</h2>"
	     "<ul><li><a href=\"#userName\">{{sentence}}</a></li></ul></div>",
	     "sentence", sentence);
}

/* The labelled name input, with its hint and, when error is set, the message (and the
 * holder of a taken name, linked). */
static void name_field(struct html *h, const char *label, const char *value, const char *error,
                       const struct name_holder *holder)
{
	HTML(h,
	     "<div class=\"field\">"
	     "<label for=\"userName\">{{label}}</label>"
	     "<span class=\"hint\" id=\"userName-hint\">" USER_NAME_RULE
	     ". Names ignore case: “Bob” and “bob” are one name.</span>",
	     "label", label);
	if (error) {
		char sentence[512];
		error_sentence(error, sentence, sizeof sentence);
		HTML(h,
		     "<p class=\"error\" id=\"userName-error\"><span class=\"visually-hidden\">"
		     "Error: </span>{{sentence}}",
		     "sentence", sentence);
		if (holder && holder->id > 0) {
			char id[24];
			snprintf(id, sizeof id, "%lld", holder->id);
			HTML(h, " <a href=\"/users/{{id}}\">See <bdi>{{name}}</bdi>’s page</a>.",
			     "id", id, "name", holder->name);
		}
		HTML_LIT(h, "</p>");
		HTML(h,
		     ""
		     "<input id=\"userName\" name=\"userName\" type=\"text\" value=\"{{value}}\" "
		     "required maxlength=\"" USER_NAME_MAX_CHARS_TEXT "\" autocomplete=\"off\" "
		     "spellcheck=\"false\" aria-invalid=\"true\" autofocus "
		     "aria-describedby=\"userName-hint userName-error\">",
		     "value", value ? value : "");
	} else {
		HTML(h,
		     "<input id=\"userName\" name=\"userName\" type=\"text\" value=\"{{value}}\" "
		     "required maxlength=\"" USER_NAME_MAX_CHARS_TEXT "\" autocomplete=\"off\" "
		     "spellcheck=\"false\" aria-describedby=\"userName-hint\">",
		     "value", value ? value : "");
	}
	HTML_LIT(h, "</div>");
}

/* "Error: " before a page's title when the page shows a refused form. */
static void error_title(const char *title, const char *error, char *out, size_t cap)
{
	snprintf(out, cap, "%s%s", error ? "Error: " : "", title);
}

/* The message of a 409: the name, who has it, and that names ignore case, or that it
 * looks too much like a name that is taken (the backend's confusable skeleton). */
static void taken_message(const char *typed, const struct api_error *e, char *out, size_t cap)
{
	if (strncmp(e->field_message, "looks like", 10) == 0 && *e->holder_name)
		snprintf(out, cap,
		         "“%s” looks too much like %s, a name that is taken. Choose another.",
		         typed, e->holder_name);
	else if (strncmp(e->field_message, "looks like", 10) == 0)
		snprintf(out, cap,
		         "That name looks too much like one that is taken. Choose another.");
	else if (*e->holder_name && strcmp(e->holder_name, typed) != 0)
		snprintf(out, cap,
		         "“%s” is taken: names ignore case, and %s already has it. Choose another.",
		         typed, e->holder_name);
	else if (*e->holder_name)
		snprintf(out, cap, "%s already has that name. Choose another.", e->holder_name);
	else
		snprintf(out, cap, "That name is taken (names ignore case). Choose another.");
}

static void redirect_with_flash(struct request *r, const struct frontend *fe, const char *location,
                                const char *flash)
{
	browser_flash_set(r, fe, flash);
	page_security_headers(r);
	resp_redirect(r, 303, location);
}

/* ---- the list ---- */

/* The list's links are "<base>page=N": base is "/?", "/?q=Q&" (q URL-encoded) or
 * "/?sort=newest&", so every page link, the pager's and the past-the-end redirect's,
 * keeps the search or the order the visitor chose. */
/* A name is at most 4 bytes a character, 3 URL-encoded: "/?q=" that "&", then
 * "page=" and a number. */
#define LIST_BASE_MAX (4 * 3 * USER_NAME_MAX_CHARS + 8)
#define LIST_HREF_MAX (LIST_BASE_MAX + 32)

static void list_href(char *out, size_t cap, const char *base, long long page)
{
	snprintf(out, cap, "%spage=%lld", base, page);
}

static void pager_link(struct html *h, const char *base, long long page, const char *rel,
                       const char *text)
{
	char href[LIST_HREF_MAX];
	list_href(href, sizeof href, base, page);
	HTML(h, "<a rel=\"{{rel}}\" href=\"{{href}}\">{{text}}</a>", "rel", rel, "href", href,
	     "text", text);
}

/* Previous, the page numbers (pager.c: first, last, the current page's neighbours),
 * Next, and "Page N of M" for whoever reads rather than scans. */
static void pager_nav(struct html *h, const char *base, const struct pager *p,
                      const char *total_pages)
{
	HTML_LIT(h, "<nav class=\"pager\" aria-label=\"Pages\">");
	if (p->page > 1)
		pager_link(h, base, p->page - 1, "prev", "‹ Previous");
	else
		HTML_LIT(h, "<span class=\"disabled\">‹ Previous</span>");
	HTML_LIT(h, "<ol>");
	for (int i = 0; i < p->nitems; i++) {
		char n[24], href[LIST_HREF_MAX];
		snprintf(n, sizeof n, "%lld", p->items[i]);
		list_href(href, sizeof href, base, p->items[i]);
		if (p->items[i] == PAGER_GAP)
			HTML_LIT(h, "<li class=\"gap\" aria-hidden=\"true\">…</li>");
		else if (p->items[i] == p->page)
			HTML(h,
			     "<li><a href=\"{{href}}\" aria-current=\"page\">"
			     "<span class=\"visually-hidden\">Page </span>{{n}}</a></li>",
			     "href", href, "n", n);
		else
			HTML(h,
			     "<li><a href=\"{{href}}\"><span class=\"visually-hidden\">Page </span>"
			     "{{n}}</a></li>",
			     "href", href, "n", n);
	}
	HTML_LIT(h, "</ol>");
	if (p->page < p->pages || !p->pages_exact)
		pager_link(h, base, p->page + 1, "next", "Next ›");
	else
		HTML_LIT(h, "<span class=\"disabled\">Next ›</span>");
	char cur[80];
	snprintf(cur, sizeof cur, "%lld", p->page);
	HTML(h, "<p class=\"current\">Page {{cur}} of {{total}}</p>", "cur", cur, "total",
	     total_pages);
	HTML_LIT(h, "</nav>\n");
}

/* The list's orders (issue 19): by name, A to Z ignoring case, unless the visitor
 * asks for the newest first. ?sort= names one; .api is what the backend is asked. A
 * search is always by name (the API orders a prefix search by name only). */
enum list_sort { SORT_NAME, SORT_NEWEST };
static const struct {
	const char *name, *api;
} list_sorts[] = {
	[SORT_NAME] = { "name", "name" },
	[SORT_NEWEST] = { "newest", "-id" },
};

/* ?sort=: one of list_sorts (num is its index); anything else is a 400 page. */
static int valid_list_sort(const struct input_def *def, const struct raw_input *raw,
                           struct input *out, char *why, size_t whylen)
{
	(void)def;
	for (size_t i = 0; !raw->json && i < sizeof list_sorts / sizeof list_sorts[0]; i++) {
		if (raw->len == strlen(list_sorts[i].name) &&
		    memcmp(raw->str, list_sorts[i].name, raw->len) == 0) {
			out->str = raw->str;
			out->len = raw->len;
			out->num = (long long)i;
			return 0;
		}
	}
	snprintf(why, whylen, "must be name or newest");
	return -1;
}

enum { LIST_Q, LIST_PAGE, LIST_SORT };
static const struct input_def list_in[] = {
	[LIST_Q] = { .name = "q",
	             .src = IN_QUERY,
	             .check = valid_text,
	             .min = 0,
	             .max = USER_NAME_MAX_CHARS,
	             .fallback = "" },
	[LIST_PAGE] = { .name = "page",
	                .src = IN_QUERY,
	                .check = valid_int,
	                .min = 1,
	                .max = 1000000,
	                .fallback = "1" },
	[LIST_SORT] = { .name = "sort",
	                .src = IN_QUERY,
	                .check = valid_list_sort,
	                .fallback = "name" },
	{ 0 },
};

/* The order control above the list: two links, the current one marked (aria-current
 * and a filled look), so it works without JavaScript and says where you are. Changing
 * the order starts again at page 1. */
static void sort_nav(struct html *h, enum list_sort sort)
{
	if (sort == SORT_NEWEST)
		HTML_LIT(
		        h,
		        "<nav class=\"sort\" aria-label=\"Order\"><span>Order:</span> "
		        "<a href=\"/\">Name A–Z</a> "
		        "<a href=\"/?sort=newest\" aria-current=\"true\">Newest first</a></nav>\n");
	else
		HTML_LIT(h, "<nav class=\"sort\" aria-label=\"Order\"><span>Order:</span> "
		            "<a href=\"/\" aria-current=\"true\">Name A–Z</a> "
		            "<a href=\"/?sort=newest\">Newest first</a></nav>\n");
}

/* Names never start or end with a space, so neither does a search for one: " Al"
 * searches "Al" (the page says so). */
static void trim_spaces(const char *in, char *out, size_t cap)
{
	while (*in == ' ')
		in++;
	size_t n = strlen(in);
	while (n > 0 && in[n - 1] == ' ')
		n--;
	if (n >= cap)
		n = cap - 1;
	memcpy(out, in, n);
	out[n] = '\0';
}

static void page_list(struct request *r, void *svc)
{
	struct frontend *fe = svc;
	const char *typed = r->in[LIST_Q].present ? r->in[LIST_Q].str : "";
	char q[4 * USER_NAME_MAX_CHARS + 1];
	trim_spaces(typed, q, sizeof q);
	long long page = r->in[LIST_PAGE].present ? r->in[LIST_PAGE].num : 1;
	/* A search is A to Z whatever ?sort= says (its links do not carry it). */
	const enum list_sort sort =
	        *q || !r->in[LIST_SORT].present ? SORT_NAME : (enum list_sort)r->in[LIST_SORT].num;
	/* A page by number is a page by offset, and offsets are bounded (issue 20: a deep
	 * offset costs the rows it skips): past the bound there is no page by number. The
	 * first page is asked instead, for the total: a number past the end of a short list
	 * (a bookmark, a list that shrank) still goes to the last page. */
	const long long max_page = USERS_LIST_OFFSET_MAX / fe->page_size + 1;
	const int too_deep = page > max_page;
	struct api_user_page users;
	struct api_error e;
	const struct api_list_query lq = { .prefix = q,
		                           .sort = list_sorts[sort].api,
		                           .limit = fe->page_size,
		                           .offset = too_deep ? 0 : (page - 1) * fe->page_size };
	if (api_list_users(&fe->api, &lq, &users, &e) != API_OK) {
		page_api_error(r, &e);
		return;
	}
	long long pages = pager_pages(users.total, fe->page_size);
	/* Past the bound: 400, unless the list is known to end before it. */
	if (too_deep &&
	    (page <= pages || pages > max_page || !users.total_exact || users.total == 0)) {
		api_user_page_free(&users);
		request_add_error(r, "page", "there is no page %lld to go to by number", page);
		http_error(r, 400, "that page is too far to go to by number: use the search");
		return;
	}
	char *q_enc = url_encode(q);
	if (!q_enc) {
		api_user_page_free(&users);
		frontend_error(r, 500, "out of memory");
		return;
	}
	char base[LIST_BASE_MAX];
	if (*q)
		snprintf(base, sizeof base, "/?q=%s&", q_enc);
	else
		snprintf(base, sizeof base, "/?%s", sort == SORT_NEWEST ? "sort=newest&" : "");
	free(q_enc);
	/* A page past the end (a bookmark, a list that shrank): go to the last page. */
	if (users.total > 0 && page > pages) {
		char loc[LIST_HREF_MAX];
		list_href(loc, sizeof loc, base, pages);
		api_user_page_free(&users);
		page_security_headers(r);
		resp_redirect(r, 303, loc);
		return;
	}
	char flash[FLASH_MAX + 1];
	browser_flash_take(r, fe, flash, sizeof flash);

	struct html h = { 0 };
	HTML(&h,
	     "<h1>Home Page</h1>\n"
	     "<form class=\"search\" method=\"get\" action=\"/\" role=\"search\">"
	     "<div class=\"field\"><label for=\"q\">Find users whose name starts with</label>"
	     "<input id=\"q\" name=\"q\" type=\"search\" value=\"{{q}}\" "
	     "maxlength=\"" USER_NAME_MAX_CHARS_TEXT "\" "
	     "autocomplete=\"off\" spellcheck=\"false\"></div>"
	     "<button type=\"submit\">Search</button></form>\n"
	     "<p>Here are our users:</p>\n",
	     "q", q);

	char total[24], total_pages[32];
	/* A broad search is counted only so far: say "1000+" rather than a wrong number. */
	snprintf(total, sizeof total, "%lld%s", users.total, users.total_exact ? "" : "+");
	int editor = r->principal.kind != PRINCIPAL_NONE;
	snprintf(total_pages, sizeof total_pages, "%s%lld", users.total_exact ? "" : "at least ",
	         pages);
	if (*q)
		HTML(&h,
		     "<div class=\"toolbar\"><span>{{total}} {{noun}} starting with "
		     "“<bdi>{{q}}</bdi>” · "
		     "<a href=\"/\">show all</a></span>",
		     "total", total, "noun", users.total == 1 ? "name" : "names", "q", q);
	else
		HTML(&h, "<div class=\"toolbar\"><span>{{total}} {{noun}}</span>", "total", total,
		     "noun", users.total == 1 ? "user" : "users");
	/* The forms are for editors; a visitor reads. */
	if (editor)
		HTML_LIT(&h, "<a href=\"/users/new\">Add a user</a>");
	HTML_LIT(&h, "</div>\n");
	if (strcmp(q, typed) != 0)
		HTML(&h,
		     "<p class=\"note\">Names never start or end with a space, so this is a "
		     "search for “<bdi>{{q}}</bdi>”.</p>\n",
		     "q", q);

	if (!*q && users.total > 1)
		sort_nav(&h, sort);

	if (users.count == 0) {
		if (*q)
			HTML(&h,
			     "<p class=\"empty\">No user’s name starts with "
			     "“<bdi>{{q}}</bdi>”.</p>\n",
			     "q", q);
		else if (editor)
			HTML_LIT(&h, "<p class=\"empty\">There are no users yet. "
			             "<a href=\"/users/new\">Add the first one</a>.</p>\n");
		else
			HTML_LIT(&h, "<p class=\"empty\">There are no users yet.</p>\n");
	} else {
		HTML_LIT(&h, "<ul class=\"users\">\n");
		for (size_t i = 0; i < users.count; i++) {
			char id[24];
			snprintf(id, sizeof id, "%lld", users.items[i].id);
			HTML(&h,
			     "<li><a href=\"/users/{{id}}\"><span "
			     "class=\"name\"><bdi>{{name}}</bdi></span>"
			     "<span class=\"go\" aria-hidden=\"true\">View ›</span></a></li>\n",
			     "id", id, "name", users.items[i].name);
		}
		HTML_LIT(&h, "</ul>\n");
	}

	/* One page needs no pager; a count that stopped short ("1000+") always has one. */
	int paged = pages > 1 || !users.total_exact;
	struct pager p;
	pager_plan(&p, page, pages, users.total_exact);
	if (paged)
		pager_nav(&h, base, &p, total_pages);
	api_user_page_free(&users);

	/* Where am I: "Users – page 2 of 7", "Search “Al”", "Search “Al” – page 2 of 3". */
	char title[200], where[64] = "";
	if (paged)
		snprintf(where, sizeof where, " – page %lld of %s", page, total_pages);
	if (*q)
		snprintf(title, sizeof title, "Search “%s”%s", q, where);
	else
		snprintf(title, sizeof title, "Users%s%s",
		         sort == SORT_NEWEST ? ", newest first" : "", where);
	page_send(r, 200, title, flash, &h);
	html_free(&h);
}

/* ---- add ---- */

static void render_new(struct request *r, const struct frontend *fe, int status, const char *value,
                       const char *error, const struct name_holder *holder)
{
	char token[CSRF_TOKEN_MAX];
	if (browser_csrf_token(r, fe, "/users", token) != 0) {
		frontend_error(r, 500, "cannot make a CSRF token");
		return;
	}
	struct html h = { 0 };
	HTML_LIT(&h, "<p><a href=\"/\">‹ All users</a></p>"
	             "<h1>Add a user</h1>\n");
	if (error) {
		char sentence[512];
		error_sentence(error, sentence, sizeof sentence);
		error_summary(&h, sentence);
	}
	HTML_LIT(&h, "<form class=\"card\" method=\"post\" action=\"/users\">");
	csrf_field(&h, token);
	name_field(&h, "Name", value, error, holder);
	HTML_LIT(&h, "<div class=\"actions\"><button type=\"submit\">Add user</button>"
	             "<a class=\"button secondary\" href=\"/\">Cancel</a></div></form>\n");
	char title[64];
	error_title("Add a user", error, title, sizeof title);
	page_send(r, status, title, NULL, &h);
	html_free(&h);
}

/* GET /users/new, and GET /users: reloading /users after a refused add (or typing it)
 * shows the form, not a 405. */
static void page_new(struct request *r, void *svc)
{
	render_new(r, svc, 200, "", NULL, NULL);
}

enum { CREATE_NAME };
static const struct input_def create_in[] = {
	[CREATE_NAME] = USER_NAME_INPUT(IN_FORM),
	{ 0 },
};

/* The backend could not be reached: the form again, with what was typed. */
static const char unavailable_message[] =
        "The directory could not be reached, so nothing was saved. Try again in a minute.";

static void page_create(struct request *r, void *svc)
{
	struct frontend *fe = svc;
	/* The raw value only goes back into the field (escaped) for the person to fix. */
	const char *raw = params_get(&r->form, USER_FIELD_NAME);
	const char *problem = error_for(r, USER_FIELD_NAME);
	if (problem || !r->in[CREATE_NAME].present) {
		render_new(r, fe, 422, raw, problem ? problem : "Enter a name.", NULL);
		return;
	}
	struct api_user u;
	struct api_error e;
	switch (api_create_user(&fe->api, r->in[CREATE_NAME].str, &u, &e)) {
	case API_OK: {
		/* Land on the new user's page: on the list they may be pages away. */
		char msg[FLASH_MAX + 1], loc[64];
		snprintf(msg, sizeof msg, "Added %s.", u.name);
		snprintf(loc, sizeof loc, "/users/%lld", u.id);
		redirect_with_flash(r, fe, loc, msg);
		return;
	}
	case API_CONFLICT: {
		char msg[512];
		taken_message(r->in[CREATE_NAME].str, &e, msg, sizeof msg);
		struct name_holder holder = { e.holder_id, e.holder_name };
		render_new(r, fe, 409, raw, msg, &holder);
		return;
	}
	case API_INVALID:
		render_new(r, fe, 422, raw, *e.field_message ? e.field_message : e.detail, NULL);
		return;
	case API_FULL:
		render_new(r, fe, 507, raw,
		           "No user can be added: every user number has been used. Tell the "
		           "directory's operator.",
		           NULL);
		return;
	case API_UNAVAILABLE:
		resp_header(r, "Retry-After", "30");
		render_new(r, fe, 503, raw, unavailable_message, NULL);
		return;
	default:
		page_api_error(r, &e);
		return;
	}
}

/* ---- a user's page and rename ---- */

/* "Renamed from Ann by editor alice, 2026-01-02 03:04 UTC": the newest audit entry
 * about u, for editors (the audit trail is theirs to read). Nothing when there is
 * none or the backend cannot say: the page does not depend on it. */
static void last_change(struct html *h, struct frontend *fe, const struct api_user *u)
{
	struct api_change c = { 0 };
	struct api_error e;
	int found = 0;
	if (api_last_change(&fe->api, u->id, &c, &found, &e) != API_OK || !found)
		return;
	char when[64];
	human_time(c.at, when, sizeof when);
	const char *what = strcmp(c.action, "user.rename") == 0   ? "Renamed from "
	                   : strcmp(c.action, "user.create") == 0 ? "Added"
	                                                          : c.action;
	HTML(h,
	     "<dt>Last change</dt><dd>{{what}}{{old}} by {{kind}} {{who}}, "
	     "<time datetime=\"{{iso}}\">{{when}}</time></dd>",
	     "what", what, "old", strcmp(c.action, "user.rename") == 0 ? c.old_name : "", "kind",
	     c.actor_kind, "who", c.actor_name, "iso", c.at, "when", when);
}

static void render_user(struct request *r, struct frontend *fe, int status,
                        const struct api_user *u, const char *flash, const char *value,
                        const char *error, const struct name_holder *holder)
{
	int editor = r->principal.kind != PRINCIPAL_NONE;
	char id[24], when[64], action[64];
	snprintf(id, sizeof id, "%lld", u->id);
	snprintf(action, sizeof action, "/users/%s", id);
	char token[CSRF_TOKEN_MAX];
	if (editor && browser_csrf_token(r, fe, action, token) != 0) {
		frontend_error(r, 500, "cannot make a CSRF token");
		return;
	}
	human_time(u->created_at, when, sizeof when);
	struct html h = { 0 };
	HTML(&h,
	     "<p><a href=\"/\">‹ All users</a></p>"
	     "<h1><bdi>{{name}}</bdi></h1>\n",
	     "name", u->name);
	if (error) {
		char sentence[512];
		error_sentence(error, sentence, sizeof sentence);
		error_summary(&h, sentence);
	}
	HTML(&h, "<dl class=\"facts\"><dt>User number</dt><dd>{{id}}</dd>", "id", id);
	if (*u->created_at)
		HTML(&h, "<dt>Added</dt><dd><time datetime=\"{{iso}}\">{{when}}</time></dd>", "iso",
		     u->created_at, "when", when);
	if (editor)
		last_change(&h, fe, u);
	HTML_LIT(&h, "</dl>\n");
	if (!editor) {
		char to[600];
		sign_in_link(r, to, sizeof to);
		HTML(&h, "<p><a href=\"{{to}}\">Sign in</a> to rename or delete this user.</p>\n",
		     "to", to);
		page_send(r, status, u->name, flash, &h);
		html_free(&h);
		return;
	}
	HTML(&h,
	     "<form class=\"card\" method=\"post\" action=\"/users/{{id}}\">"
	     "<h2>Rename</h2>",
	     "id", id);
	csrf_field(&h, token);
	name_field(&h, "New name", value ? value : u->name, error, holder);
	HTML(&h,
	     "<div class=\"actions\"><button type=\"submit\">Rename</button></div></form>\n"
	     "<section class=\"card\"><h2>Delete</h2>"
	     "<p>Remove this user from the directory.</p>"
	     "<p><a class=\"button secondary\" href=\"/users/{{id}}/delete\">Delete "
	     "<bdi>{{name}}</bdi>…"
	     "</a></p></section>\n",
	     "id", id, "name", u->name);
	char title[USER_NAME_MAX_BYTES + 16];
	error_title(u->name, error, title, sizeof title);
	page_send(r, status, title, flash, &h);
	html_free(&h);
}

/* The user as the backend has it now into u; 0, or after answering (404, 503…), -1. */
static int fetch_user(struct request *r, struct frontend *fe, long long id, struct api_user *u)
{
	struct api_error e;
	if (api_get_user(&fe->api, id, u, &e) == API_OK)
		return 0;
	page_api_error(r, &e);
	return -1;
}

/* The user's page and the delete confirmation. */
enum { ID };
static const struct input_def id_in[] = {
	[ID] = USER_ID_INPUT,
	{ 0 },
};

static void page_show(struct request *r, void *svc)
{
	struct frontend *fe = svc;
	struct api_user u;
	if (fetch_user(r, fe, r->in[ID].num, &u) != 0)
		return;
	char flash[FLASH_MAX + 1];
	browser_flash_take(r, fe, flash, sizeof flash);
	render_user(r, fe, 200, &u, flash, NULL, NULL, NULL);
}

enum { RENAME_ID, RENAME_NAME };
static const struct input_def rename_in[] = {
	[RENAME_ID] = USER_ID_INPUT,
	[RENAME_NAME] = USER_NAME_INPUT(IN_FORM),
	{ 0 },
};

static void page_rename(struct request *r, void *svc)
{
	struct frontend *fe = svc;
	long long id = r->in[RENAME_ID].num;
	const char *raw = params_get(&r->form, USER_FIELD_NAME);
	const char *problem = error_for(r, USER_FIELD_NAME);
	if (!problem && !r->in[RENAME_NAME].present)
		problem = "Enter a name.";
	/* The page needs the user as stored: to show the form again, and to tell a rename
	 * to the same name (nothing to do) from a real one. */
	struct api_user u;
	struct api_error e;
	if (fetch_user(r, fe, id, &u) != 0)
		return;
	char loc[64];
	snprintf(loc, sizeof loc, "/users/%lld", id);
	if (!problem && strcmp(u.name, r->in[RENAME_NAME].str) == 0) {
		char msg[FLASH_MAX + 1];
		snprintf(msg, sizeof msg, "The name is already %s: nothing changed.", u.name);
		redirect_with_flash(r, fe, loc, msg);
		return;
	}
	int status = 422;
	char message[512];
	struct name_holder holder = { 0, "" };
	if (!problem) {
		struct api_user renamed;
		switch (api_rename_user(&fe->api, id, r->in[RENAME_NAME].str, &renamed, &e)) {
		case API_OK: {
			char msg[FLASH_MAX + 1];
			snprintf(msg, sizeof msg, "Renamed to %s.", renamed.name);
			redirect_with_flash(r, fe, loc, msg);
			return;
		}
		case API_CONFLICT:
			status = 409;
			taken_message(r->in[RENAME_NAME].str, &e, message, sizeof message);
			holder.id = e.holder_id;
			holder.name = e.holder_name;
			problem = message;
			break;
		case API_INVALID:
			problem = *e.field_message ? e.field_message : e.detail;
			break;
		case API_UNAVAILABLE:
			status = 503;
			resp_header(r, "Retry-After", "30");
			problem = unavailable_message;
			break;
		default:
			page_api_error(r, &e);
			return;
		}
	}
	render_user(r, fe, status, &u, NULL, raw ? raw : "", problem, &holder);
}

/* ---- delete ---- */

static void page_confirm_delete(struct request *r, void *svc)
{
	struct frontend *fe = svc;
	struct api_user u;
	if (fetch_user(r, fe, r->in[ID].num, &u) != 0)
		return;
	char id[24], action[64];
	snprintf(id, sizeof id, "%lld", u.id);
	snprintf(action, sizeof action, "/users/%s/delete", id);
	char token[CSRF_TOKEN_MAX];
	if (browser_csrf_token(r, fe, action, token) != 0) {
		frontend_error(r, 500, "cannot make a CSRF token");
		return;
	}
	struct html h = { 0 };
	HTML(&h,
	     "<p><a href=\"/users/{{id}}\">‹ Back to <bdi>{{name}}</bdi></a></p>"
	     "<h1>Delete <bdi>{{name}}</bdi>?</h1>\n"
	     "<p class=\"lead\">This removes <bdi>{{name}}</bdi> from the directory. It cannot be "
	     "undone.</p>\n"
	     "<form method=\"post\" action=\"/users/{{id}}/delete\">",
	     "id", id, "name", u.name);
	csrf_field(&h, token);
	HTML(&h,
	     "<div class=\"actions\"><button class=\"danger\" type=\"submit\">Delete "
	     "<bdi>{{name}}</bdi>"
	     "</button><a class=\"button secondary\" href=\"/users/{{id}}\">Cancel</a></div>"
	     "</form>\n",
	     "name", u.name, "id", id);
	page_send(r, 200, "Delete user", NULL, &h);
	html_free(&h);
}

static void page_delete(struct request *r, void *svc)
{
	struct frontend *fe = svc;
	long long id = r->in[ID].num;
	struct api_user u = { 0 };
	struct api_error e;
	/* The name is for the confirmation only. A user already gone is still asked to be
	 * deleted: the backend answers a form sent a second time with "already sent" (the
	 * first send deleted them) and any other with 404, and the page says which. */
	enum api_status got = api_get_user(&fe->api, id, &u, &e);
	if (got != API_OK && got != API_NOT_FOUND) {
		page_api_error(r, &e);
		return;
	}
	if (api_delete_user(&fe->api, id, &e) != API_OK) {
		page_api_error(r, &e);
		return;
	}
	char msg[FLASH_MAX + 1];
	if (got == API_OK)
		snprintf(msg, sizeof msg, "Deleted %s.", u.name);
	else
		snprintf(msg, sizeof msg, "Deleted user %lld.", id);
	redirect_with_flash(r, fe, "/", msg);
}

/* ---- the CSRF check of every ROUTE_CSRF form, and the routes ---- */

/* Every request: one of our cookies sent twice is cookie tossing (site_cookies.h). */
static int admit(struct request *r, void *svc)
{
	(void)svc;
	const char *twice = site_cookies_duplicate(r);
	if (!twice)
		return 0;
	page_cookie_twice(r, twice);
	return -1;
}

_Static_assert(CSRF_NONCE_LEN == FORM_NONCE_HEX_LEN, "a token's nonce is what Form-Nonce carries");

/* The form's origin and token (browser.h); 403 when refused. */
static int check_csrf(struct request *r, void *svc)
{
	const struct frontend *fe = svc;
	const struct param *tok = params_find(&r->form, CSRF_FIELD);
	/* A token with a NUL inside is not one we made. */
	int has_nul = tok && strlen(tok->value) != tok->len;
	struct csrf_form form;
	enum csrf_result c =
	        has_nul ? CSRF_FORGED : browser_csrf_check(r, fe, tok ? tok->value : NULL, &form);
	if (c == CSRF_OK) {
		/* The write this form makes spends its nonce (csrf.h "One use"). */
		api_client_spend_form(&((struct frontend *)svc)->api, form.nonce, form.expiry);
		return 0;
	}
	/* A post another site made the browser send never comes back as a filled form
	 * with a fresh token: one click would then send the attacker's value from our
	 * own page. It gets the page that explains. */
	if (c == CSRF_CROSS_SITE) {
		page_csrf_refused(r, c);
		return -1;
	}
	/* A form that cannot be accepted (expired, or not from this browser's page) writes
	 * nothing; the add and rename forms come back with what was typed and a fresh token,
	 * so sending again is one click. Other forms get the page that explains. */
	const char *raw = params_get(&r->form, USER_FIELD_NAME);
	const char *why = c == CSRF_EXPIRED
	                          ? "This form had expired, so nothing was saved. Check the name "
	                            "and send the form again."
	                          : "This form could not be accepted (it did not come from this "
	                            "site's page in this browser, or cookies are off), so nothing "
	                            "was saved. Check the name and send the form again.";
	if (r->route->handler == page_create) {
		log_kv(LOG_WARN, "form refused", "reason", csrf_result_str(c), "path", r->path,
		       NULL);
		render_new(r, svc, 403, raw ? raw : "", why, NULL);
		return -1;
	}
	char *end = NULL;
	long long id = strncmp(r->path, "/users/", 7) == 0 ? strtoll(r->path + 7, &end, 10) : 0;
	struct api_user u;
	struct api_error e;
	if (r->route->handler == page_rename && id > 0 && end && *end == '\0' &&
	    api_get_user(&((struct frontend *)svc)->api, id, &u, &e) == API_OK) {
		log_kv(LOG_WARN, "form refused", "reason", csrf_result_str(c), "path", r->path,
		       NULL);
		render_user(r, svc, 403, &u, NULL, raw ? raw : "", why, NULL);
		return -1;
	}
	page_csrf_refused(r, c);
	return -1;
}

static const struct route routes[] = {
	{ .methods = METHOD_GET, .pattern = "/", .handler = page_list, .inputs = list_in },
	{ .methods = METHOD_GET,
	  .pattern = "/users/new",
	  .handler = page_new,
	  .flags = ROUTE_EDITOR },
	{ .methods = METHOD_GET, .pattern = "/users", .handler = page_new, .flags = ROUTE_EDITOR },
	{ .methods = METHOD_POST,
	  .pattern = "/users",
	  .handler = page_create,
	  .inputs = create_in,
	  .flags = ROUTE_EDITOR | ROUTE_CSRF | ROUTE_HANDLE_INVALID },
	{ .methods = METHOD_GET, .pattern = "/users/{id}", .handler = page_show, .inputs = id_in },
	{ .methods = METHOD_POST,
	  .pattern = "/users/{id}",
	  .handler = page_rename,
	  .inputs = rename_in,
	  .flags = ROUTE_EDITOR | ROUTE_CSRF | ROUTE_HANDLE_INVALID },
	{ .methods = METHOD_GET,
	  .pattern = "/users/{id}/delete",
	  .handler = page_confirm_delete,
	  .inputs = id_in,
	  .flags = ROUTE_EDITOR },
	{ .methods = METHOD_POST,
	  .pattern = "/users/{id}/delete",
	  .handler = page_delete,
	  .inputs = id_in,
	  .flags = ROUTE_EDITOR | ROUTE_CSRF },
	{ .methods = METHOD_GET,
	  .pattern = "/sign-in",
	  .handler = page_sign_in,
	  .inputs = sign_in_show_in },
	{ .methods = METHOD_POST,
	  .pattern = "/sign-in",
	  .handler = page_sign_in_post,
	  .inputs = sign_in_post_in,
	  .flags = ROUTE_CSRF | ROUTE_HANDLE_INVALID },
	{ .methods = METHOD_GET,
	  .pattern = "/sign-in/sso",
	  .handler = page_sign_in_sso,
	  .inputs = sign_in_show_in },
	{ .methods = METHOD_GET, .pattern = "/sign-out", .handler = page_sign_out },
	{ .methods = METHOD_POST,
	  .pattern = "/sign-out",
	  .handler = page_sign_out_post,
	  .flags = ROUTE_CSRF },
};

/* Each page's backend calls carry what the browser's request says about it. */
static void begin_request(const struct request *r, void *svc)
{
	struct frontend *fe = svc;
	api_client_bind(&fe->api, r);
}

const struct http_app frontend_http = {
	.name = "frontend",
	.routes = routes,
	.nroutes = sizeof routes / sizeof routes[0],
	.error = frontend_error,
	.admit = admit,
	.check_csrf = check_csrf,
	.authenticate = frontend_authenticate,
	.unauthenticated = frontend_unauthenticated,
	.begin = begin_request,
};
