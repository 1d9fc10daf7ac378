/*
 * error_pages: see error_pages.h. The wording tells a person what happened and what
 * to do next; technical detail goes to the log, not the page.
 */
#include "error_pages.h"
#include "pages_sign_in.h"

#include <stdio.h>

#include "html.h"
#include "layout.h"
#include "log.h"
#include "response.h"
#include "validate.h"

static void field_errors(struct html *h, const struct request *r)
{
	if (r->nerrors == 0)
		return;
	HTML_LIT(h, "<ul class=\"error-summary\">");
	for (size_t i = 0; i < r->nerrors; i++)
		HTML(h, "<li>{{field}}: {{message}}</li>", "field", r->errors[i].field, "message",
		     r->errors[i].message);
	HTML_LIT(h, "</ul>");
}

void frontend_error(struct request *r, int status, const char *detail)
{
	struct html h = { 0 };
	const char *title;
	switch (status) {
	case 400:
		title = "That request was not understood";
		HTML_LIT(&h, "<h1>That request was not understood</h1>"
		             "<p class=\"lead\">Something in the address or the form was not "
		             "valid.</p>");
		field_errors(&h, r);
		HTML_LIT(&h, "<p><a href=\"/\">Back to the list of users</a></p>");
		break;
	case 403:
		title = "Not allowed";
		HTML_LIT(&h, "<h1>Not allowed</h1>"
		             "<p class=\"lead\">This request is not allowed.</p>"
		             "<p><a href=\"/\">Back to the list of users</a></p>");
		break;
	case 404:
		title = "Page not found";
		HTML_LIT(&h, "<h1>Page not found</h1>"
		             "<p class=\"lead\">There is nothing at this address. If you followed "
		             "a link to a user, that user may have been deleted.</p>"
		             "<p><a class=\"button\" href=\"/\">See all users</a></p>");
		break;
	case 405:
		title = "Not possible here";
		HTML_LIT(&h, "<h1>Not possible here</h1>"
		             "<p class=\"lead\">This address does not accept that kind of "
		             "request.</p><p><a href=\"/\">Back to the list of users</a></p>");
		break;
	case 413:
		title = "Too much data";
		HTML_LIT(&h, "<h1>Too much data</h1>"
		             "<p class=\"lead\">The form sent more than this site accepts.</p>"
		             "<p><a href=\"/\">Back to the list of users</a></p>");
		break;
	case 415:
		title = "Form not understood";
		HTML_LIT(&h, "<h1>Form not understood</h1>"
		             "<p class=\"lead\">Please use the forms on this site's pages.</p>"
		             "<p><a href=\"/\">Back to the list of users</a></p>");
		break;
	case 502:
	case 503:
	case 504:
		title = "The directory is unavailable";
		HTML_LIT(&h, "<h1>The directory is unavailable</h1>"
		             "<p class=\"lead\">The users directory cannot be reached right now, "
		             "so nothing could be shown or changed.</p>"
		             "<p>Please try again in a minute.</p>"
		             "<p><a class=\"button\" href=\"/\">Try again</a></p>");
		if (status == 503)
			resp_header(r, "Retry-After", "30");
		break;
	default:
		if (status < 500) {
			title = "That did not work";
			HTML_LIT(&h, "<h1>That did not work</h1>"
			             "<p><a href=\"/\">Back to the list of users</a></p>");
		} else {
			title = "Something went wrong";
			HTML_LIT(&h, "<h1>Something went wrong</h1>"
			             "<p class=\"lead\">This page could not be shown. Please try "
			             "again; if it keeps happening, tell the site's "
			             "administrators.</p>"
			             "<p><a href=\"/\">Back to the list of users</a></p>");
		}
		break;
	}
	if (status >= 500) {
		char code[8];
		snprintf(code, sizeof code, "%d", status);
		log_kv(LOG_WARN, "error page", "status", code, "detail", detail ? detail : "",
		       NULL);
	}
	page_send(r, status, title, NULL, &h);
	html_free(&h);
}

void page_api_error(struct request *r, const struct api_error *e)
{
	switch (e->status) {
	case API_NOT_FOUND:
		frontend_error(r, 404, e->detail);
		return;
	case API_UNAUTHORIZED:
		page_sign_in_again(r);
		return;
	case API_UNAVAILABLE:
		frontend_error(r, e->http_status == 502 || e->http_status == 504 ? 502 : 503,
		               e->detail);
		return;
	case API_INVALID:
		frontend_error(r, 400, e->detail);
		return;
	case API_REPLAYED:
		page_form_sent(r);
		return;
	default:
		frontend_error(r, 500, e->detail);
		return;
	}
}

void page_csrf_refused(struct request *r, enum csrf_result why)
{
	log_kv(LOG_WARN, "form refused", "reason", csrf_result_str(why), "path", r->path, NULL);
	struct html h = { 0 };
	if (why == CSRF_EXPIRED) {
		HTML_LIT(&h, "<h1>This form has expired</h1>"
		             "<p class=\"lead\">Nothing was changed. Forms on this site stay valid "
		             "for a limited time.</p>");
	} else if (why == CSRF_CROSS_SITE) {
		HTML_LIT(&h,
		         "<h1>This form came from another site</h1>"
		         "<p class=\"lead\">Nothing was changed. Your browser says the form was "
		         "sent from a page that is not part of this site; changes are only "
		         "accepted from this site's own pages.</p>");
	} else {
		HTML_LIT(&h, "<h1>This form could not be accepted</h1>"
		             "<p class=\"lead\">Nothing was changed. For your safety, changes are "
		             "only accepted from this site's own pages, with cookies "
		             "enabled.</p>");
	}
	HTML_LIT(&h, "<p>Go back, reload the page and try again.</p>"
	             "<p><a class=\"button\" href=\"/\">Back to the list of users</a></p>");
	page_send(r, 403, "Form not accepted", NULL, &h);
	html_free(&h);
}

void page_form_sent(struct request *r)
{
	log_kv(LOG_WARN, "form refused", "reason", "already sent", "path", r->path, NULL);
	/* Every form posts to a path whose GET shows that form afresh ("/users" the add
	 * form, "/users/7" the rename form, "/users/7/delete" the confirmation). */
	struct html h = { 0 };
	HTML(&h,
	     "<h1>This form was already sent</h1>"
	     "<p class=\"lead\">Nothing was changed this time. Each form on this site can be "
	     "sent once; this one had been sent before (a second click, a page sent again, or "
	     "a copy of an old request). If your first send went through, its change is "
	     "already saved.</p>"
	     "<p><a class=\"button\" href=\"{{fresh}}\">Open a fresh form</a> "
	     "<a class=\"button secondary\" href=\"/\">See all users</a></p>",
	     "fresh", r->path);
	page_send(r, 409, "Form already sent", NULL, &h);
	html_free(&h);
}

void page_cookie_twice(struct request *r, const char *name)
{
	log_kv(LOG_WARN, "request refused: a cookie of ours sent twice", "cookie", name, "path",
	       r->path, NULL);
	struct html h = { 0 };
	HTML(&h,
	     "<h1>Your browser sent a cookie twice</h1>"
	     "<p class=\"lead\">Nothing was changed. Your browser sent this site's cookie "
	     "“{{name}}” twice: another site under the same domain may have set one of them, "
	     "and this site cannot tell which is its own.</p>"
	     "<p>Clear this site's cookies in your browser, then reload the page.</p>",
	     "name", name);
	page_send(r, 400, "Cookie sent twice", NULL, &h);
	html_free(&h);
}
