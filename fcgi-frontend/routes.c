/*
 * routes: the page service as a table (DESIGN.md "Frontend pages"). Each route names
 * its method, path, handler and inputs; each input names its validator, so a handler
 * sees only validated values. Form posts are ROUTE_HANDLE_INVALID: the handler checks
 * the CSRF token first and then shows the form again with the messages.
 */
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "error_pages.h"
#include "frontend.h"

static int check_backend_url(const char *value, char *why, size_t whylen)
{
	if ((strncmp(value, "http://", 7) == 0 && value[7]) ||
	    (strncmp(value, "https://", 8) == 0 && value[8]))
		return 0;
	snprintf(why, whylen, "'%s' is not an http:// or https:// URL", value);
	return -1;
}

static int check_flag(const char *value, char *why, size_t whylen)
{
	if (strcmp(value, "0") == 0 || strcmp(value, "1") == 0)
		return 0;
	snprintf(why, whylen, "'%s' must be 0 or 1", value);
	return -1;
}

static int check_page_size(const char *value, char *why, size_t whylen)
{
	if (setting_check_positive(value, why, whylen) != 0)
		return -1;
	if (strtol(value, NULL, 10) > 100) {
		snprintf(why, whylen, "'%s': at most 100 names a page", value);
		return -1;
	}
	return 0;
}

const struct setting_def frontend_settings[] = {
	{ "BACKEND_URL", NULL, check_backend_url,
	  "where the backend API answers, e.g. http://127.0.0.1:8080 (through nginx)" },
	{ "BACKEND_CONNECT_TIMEOUT_MS", "1000", setting_check_positive,
	  "milliseconds to connect to the backend" },
	{ "BACKEND_TIMEOUT_MS", "5000", setting_check_positive,
	  "milliseconds for a whole backend call" },
	{ "SECRET_KEY", "", NULL,
	  "signs CSRF tokens, 32 to 256 characters; required unless SECRET_KEY_FILE or "
	  "DEV_INSECURE_SECRET=1" },
	{ "SECRET_KEY_FILE", "", NULL, "file whose first line is SECRET_KEY" },
	{ "DEV_INSECURE_SECRET", "0", check_flag,
	  "1: without SECRET_KEY, use a random key per start (local runs only)" },
	{ "CSRF_TOKEN_TTL", "7200", setting_check_positive, "seconds a form stays valid" },
	{ "PAGE_SIZE", "20", check_page_size, "names per list page (1 to 100)" },
	{ NULL, NULL, NULL, NULL },
};

static const struct input_def list_inputs[] = {
	[LIST_Q] = { "q", IN_QUERY, 0, valid_text, 0, 30, "" },
	[LIST_PAGE] = { "page", IN_QUERY, 0, valid_int, 1, 1000000, "1" },
	{ NULL, 0, 0, NULL, 0, 0, NULL },
};

static const struct input_def new_inputs[] = {
	[NEW_USER_NAME] = { "userName", IN_FORM, INPUT_REQUIRED, valid_user_name, 0, 0, NULL },
	[NEW_CSRF] = { "csrf_token", IN_FORM, 0, valid_text, 0, 100, NULL },
	{ NULL, 0, 0, NULL, 0, 0, NULL },
};

static const struct input_def show_inputs[] = {
	[SHOW_ID] = { "id", IN_PATH, INPUT_REQUIRED, valid_int, 1, LLONG_MAX, NULL },
	{ NULL, 0, 0, NULL, 0, 0, NULL },
};

static const struct input_def rename_inputs[] = {
	[RENAME_ID] = { "id", IN_PATH, INPUT_REQUIRED, valid_int, 1, LLONG_MAX, NULL },
	[RENAME_USER_NAME] = { "userName", IN_FORM, INPUT_REQUIRED, valid_user_name, 0, 0, NULL },
	[RENAME_CSRF] = { "csrf_token", IN_FORM, 0, valid_text, 0, 100, NULL },
	{ NULL, 0, 0, NULL, 0, 0, NULL },
};

static const struct input_def delete_inputs[] = {
	[DELETE_ID] = { "id", IN_PATH, INPUT_REQUIRED, valid_int, 1, LLONG_MAX, NULL },
	[DELETE_CSRF] = { "csrf_token", IN_FORM, 0, valid_text, 0, 100, NULL },
	{ NULL, 0, 0, NULL, 0, 0, NULL },
};

static const struct route routes[] = {
	{ METHOD_GET, "/", page_list, list_inputs, 0 },
	{ METHOD_GET, "/users/new", page_new, NULL, 0 },
	{ METHOD_POST, "/users", page_create, new_inputs, ROUTE_HANDLE_INVALID },
	{ METHOD_GET, "/users/{id}", page_show, show_inputs, 0 },
	{ METHOD_POST, "/users/{id}", page_rename, rename_inputs, ROUTE_HANDLE_INVALID },
	{ METHOD_GET, "/users/{id}/delete", page_confirm_delete, show_inputs, 0 },
	{ METHOD_POST, "/users/{id}/delete", page_delete, delete_inputs, ROUTE_HANDLE_INVALID },
};

const struct http_app frontend_app = {
	.name = "frontend",
	.routes = routes,
	.nroutes = sizeof routes / sizeof routes[0],
	.max_body = 0,
	.error = frontend_error,
	.ctx = NULL,
};
