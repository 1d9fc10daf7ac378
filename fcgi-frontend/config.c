/*
 * config: the page service's settings table and its signing key. SECRET_KEY (or
 * SECRET_KEY_FILE) is required. A local run may set DEV_INSECURE_SECRET=1 instead,
 * which makes a random key at each start (forms open across a restart then stop
 * working; that is the price of not configuring a key).
 */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fcgi_client.h"
#include "frontend.h"
#include "users_contract.h"

static int set_backend_url(const struct setting *s, const char *value, void *field, char *why,
                           size_t whylen)
{
	if ((strncmp(value, "http://", 7) == 0 && value[7]) ||
	    (strncmp(value, "https://", 8) == 0 && value[8]))
		return setting_text(s, value, field, why, whylen);
	if (fcgi_url_is(value)) {
		struct fcgi_target t;
		char bad[128];
		if (fcgi_target_parse(value, &t, bad, sizeof bad) == 0)
			return setting_text(s, value, field, why, whylen);
		snprintf(why, whylen, "'%s': %s", value, bad);
		return -1;
	}
	snprintf(why, whylen, "'%s' is not an http://, https:// or fcgi:// URL", value);
	return -1;
}

#define CONF(field) offsetof(struct frontend_config, field)

const struct setting frontend_settings[] = {
	{ .name = "BACKEND_URL",
	  .set = set_backend_url,
	  .offset = CONF(backend_url),
	  .help = "the backend: fcgi://unix:/path or fcgi://host:port (its pool, straight) or "
	          "http://127.0.0.1:8080 (through nginx)" },
	{ .name = "BACKEND_CONNECT_TIMEOUT_MS",
	  .set = setting_int,
	  .offset = CONF(backend_connect_timeout_ms),
	  .fallback = "1000",
	  .min = 1,
	  .max = INT_MAX,
	  .help = "milliseconds to connect to the backend" },
	{ .name = "BACKEND_TIMEOUT_MS",
	  .set = setting_int,
	  .offset = CONF(backend_timeout_ms),
	  .fallback = "5000",
	  .min = 1,
	  .max = INT_MAX,
	  .help = "milliseconds for a whole backend call" },
	{ .name = "SECRET_KEY",
	  .set = setting_text,
	  .offset = CONF(secret_key),
	  .fallback = "",
	  .help = "signs CSRF tokens, 32 to 256 characters; required unless SECRET_KEY_FILE or "
	          "DEV_INSECURE_SECRET=1" },
	{ .name = "SECRET_KEY_FILE",
	  .set = setting_text,
	  .offset = CONF(secret_key_file),
	  .fallback = "",
	  .help = "file whose first line is SECRET_KEY" },
	{ .name = "DEV_INSECURE_SECRET",
	  .set = setting_flag,
	  .offset = CONF(dev_insecure_secret),
	  .fallback = "0",
	  .help = "1: without SECRET_KEY, use a random key per start (local runs only)" },
	{ .name = "CSRF_TOKEN_TTL",
	  .set = setting_int,
	  .offset = CONF(csrf_ttl),
	  .fallback = "1800",
	  .min = 1,
	  .max = INT_MAX,
	  .help = "seconds a form stays valid" },
	{ .name = "COOKIE_SECURE",
	  .set = setting_flag,
	  .offset = CONF(cookie_secure),
	  .fallback = "0",
	  .help = "1: cookies are __Host- and Secure even when the request does not say it came "
	          "over TLS (a TLS proxy that sends no X-Forwarded-Proto)" },
	{ .name = "PAGE_SIZE",
	  .set = setting_int,
	  .offset = CONF(page_size),
	  .fallback = "20",
	  .min = 1,
	  .max = USERS_LIST_LIMIT_MAX,
	  .help = "names per list page (1 to 100: the API's largest page)" },
	{ .name = "SSO",
	  .set = setting_flag,
	  .offset = CONF(sso),
	  .fallback = "0",
	  .help = "1: editors may sign in through single sign-on at /sign-in/sso (nginx "
	          "render.sh --sso-url; the backend's SSO=1 too)" },
	{ 0 },
};

void frontend_key_load(const struct frontend_config *cfg, struct sign_key *key)
{
	char *secret = settings_secret(cfg->secret_key, "SECRET_KEY_FILE", cfg->secret_key_file);
	char random[65];
	const char *use = secret;
	if (!*secret) {
		if (!cfg->dev_insecure_secret)
			settings_fail("SECRET_KEY", "required (or SECRET_KEY_FILE; "
			                            "DEV_INSECURE_SECRET=1 for a throwaway key in "
			                            "local runs)");
		if (sign_random_hex(random, 32) != 0)
			settings_fail("SECRET_KEY", "cannot make a random key");
		log_kv(LOG_WARN, "DEV_INSECURE_SECRET=1: using a random SECRET_KEY for this run",
		       NULL);
		use = random;
	}
	if (strlen(use) < 32 || sign_key_set(key, use) != 0)
		settings_fail("SECRET_KEY", "must be 32 to 256 characters");
	memset(random, 0, sizeof random);
	memset(secret, 0, strlen(secret));
	free(secret);
}
