/*
 * same_origin: see same_origin.h. Only the host[:port] of Origin is compared, with the
 * Host header, not the scheme: behind a TLS-terminating proxy the pool sees http while
 * the browser says https, and a scheme mismatch on one host is not a cross-site
 * request (Sec-Fetch-Site, which browsers compute themselves, covers that case).
 */
#include "same_origin.h"

#include <string.h>
#include <strings.h>

/* host[:port] of len bytes with a default port (":80" for http, ":443" for https)
 * left out; returns the length to compare. */
static size_t without_default_port(const char *hp, size_t len, const char *scheme)
{
	const char *def = scheme && strcasecmp(scheme, "https") == 0 ? ":443" : ":80";
	size_t dl = strlen(def);
	if (len > dl && memcmp(hp + len - dl, def, dl) == 0)
		return len - dl;
	return len;
}

const char *same_origin_problem(const struct request *r)
{
	const char *site = request_header(r, "Sec-Fetch-Site");
	if (site) {
		if (strcmp(site, "same-origin") == 0 || strcmp(site, "none") == 0)
			return NULL;
		return "the form was sent from another site (Sec-Fetch-Site)";
	}
	const char *origin = request_header(r, "Origin");
	if (!origin)
		return NULL; /* not a browser: the CSRF token decides */
	const char *host = request_header(r, "Host");
	const char *sep = strstr(origin, "://");
	if (!host || !*host || !sep || sep == origin)
		return "the form was sent from another site (Origin)";
	char scheme[8];
	size_t sl = (size_t)(sep - origin);
	if (sl >= sizeof scheme)
		return "the form was sent from another site (Origin)";
	memcpy(scheme, origin, sl);
	scheme[sl] = '\0';
	const char *ohost = sep + 3;
	if (strpbrk(ohost, "/?#@"))
		return "the form was sent from another site (Origin)";
	size_t ol = without_default_port(ohost, strlen(ohost), scheme);
	size_t hl = strlen(host);
	/* The Host header's default port is the request's own scheme's; accept either. */
	size_t hl80 = without_default_port(host, hl, "http");
	size_t hl443 = without_default_port(host, hl, "https");
	hl = hl80 < hl ? hl80 : hl443;
	if (ol == hl && strncasecmp(ohost, host, ol) == 0)
		return NULL;
	return "the form was sent from another site (Origin)";
}
