/*
 * layout: see layout.h. The frame is one template; the content is a fragment built
 * by html.c, so everything in it was escaped on the way in.
 */
#include "layout.h"

#include "log.h"
#include "response.h"
#include "static_assets.h" /* generated: fingerprinted names (scripts/static-assets.sh) */

#define CSP                                                                                        \
	"default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "               \
	"base-uri 'none'; frame-ancestors 'none'"

void page_security_headers(struct request *r)
{
	resp_header(r, "Content-Security-Policy", CSP);
	resp_header(r, "X-Content-Type-Options", "nosniff");
	resp_header(r, "Referrer-Policy", "same-origin");
	resp_header(r, "X-Frame-Options", "DENY");
	resp_header(r, "Cache-Control", "no-store");
}

/* The header's links: what an editor may do and who they are, or the way to sign in.
 * The anonymous header is the same on every page (the bench peers render it byte for
 * byte); the forms themselves send a visitor to sign in and back (pages_sign_in.h). */
static void nav(struct html *h, const struct request *r)
{
	if (r->principal.kind != PRINCIPAL_NONE) {
		HTML(h,
		     "<nav aria-label=\"Main\"><a href=\"/users/new\">Add a user</a>"
		     "<span class=\"who\">Signed in as {{name}}</span>"
		     "<a href=\"/sign-out\">Sign out</a></nav>",
		     "name", r->principal.name);
		return;
	}
	HTML_LIT(h, "<nav aria-label=\"Main\"><a href=\"/sign-in\">Sign in</a></nav>");
}

static void frame(struct html *h, const struct request *r, const char *title, const char *flash,
                  const struct html *content)
{
	HTML(h,
	     "<!DOCTYPE html>\n"
	     "<html lang=\"en\">\n"
	     "<head>\n"
	     "<meta charset=\"utf-8\">\n"
	     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	     "<title>{{title}} · Users directory</title>\n"
	     "<meta name=\"description\" content=\"The users directory: find people by "
	     "name, see when they were added, add and rename users.\">\n"
	     "<link rel=\"stylesheet\" href=\"" STATIC_STYLE_CSS "\">\n"
	     "<link rel=\"icon\" href=\"" STATIC_FAVICON_SVG "\" type=\"image/svg+xml\">\n"
	     "</head>\n"
	     "<body>\n"
	     "<a class=\"skip\" href=\"#main\">Skip to content</a>\n"
	     "<header class=\"site\"><div class=\"wrap\">"
	     "<a class=\"brand\" href=\"/\">Users directory</a>",
	     "title", title);
	nav(h, r);
	HTML_LIT(h, "</div></header>\n"
	            "<main id=\"main\" class=\"wrap\">\n");
	if (flash && *flash)
		HTML(h, "<p class=\"flash\" role=\"status\">{{flash}}</p>\n", "flash", flash);
	html_append(h, content);
	HTML_LIT(h, "\n</main>\n"
	            "<footer class=\"site\"><div class=\"wrap\">fcgi-users · a small users "
	            "directory</div></footer>\n"
	            "</body>\n"
	            "</html>\n");
}

void page_send(struct request *r, int status, const char *title, const char *flash,
               const struct html *content)
{
	struct html h = { 0 };
	frame(&h, r, title, flash, content);
	if (h.failed) {
		log_kv(LOG_ERROR, "page could not be built", "title", title, NULL);
		html_free(&h);
		struct html oops = { 0 };
		HTML_LIT(&oops, "<h1>Something went wrong</h1>"
		                "<p>This page could not be shown. Please try again.</p>");
		frame(&h, r, "Something went wrong", NULL, &oops);
		html_free(&oops);
		status = 500;
	}
	page_security_headers(r);
	resp_send(r, status, "text/html; charset=utf-8", html_str(&h), h.len);
	html_free(&h);
}
