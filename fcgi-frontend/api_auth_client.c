/*
 * api_auth_client: see api_auth_client.h. JSON in and out with cJSON; a session
 * token only ever lands in the caller's struct, never in a log line.
 */
#include "api_auth_client.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

static int copy_string(const cJSON *o, const char *key, char *out, size_t cap, int required)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
	if (!s) {
		out[0] = '\0';
		return required ? -1 : 0;
	}
	if (strlen(s) >= cap)
		return -1;
	memcpy(out, s, strlen(s) + 1);
	return 0;
}

int api_parse_session(const char *json, struct api_session *out)
{
	memset(out, 0, sizeof *out);
	cJSON *root = json ? cJSON_Parse(json) : NULL;
	int rc =
	        cJSON_IsObject(root) &&
	                        copy_string(root, "token", out->token, sizeof out->token, 1) == 0 &&
	                        copy_string(root, "expiresAt", out->expires_at,
	                                    sizeof out->expires_at, 1) == 0 &&
	                        copy_string(root, "editor", out->editor, sizeof out->editor, 1) == 0
	                ? 0
	                : -1;
	cJSON_Delete(root);
	if (rc != 0)
		explicit_bzero(out, sizeof *out);
	return rc;
}

int api_parse_last_change(const char *json, struct api_change *out, int *found)
{
	memset(out, 0, sizeof *out);
	*found = 0;
	cJSON *root;
	cJSON *items = api_parse_items(json, &root);
	if (!items)
		return -1;
	const cJSON *first = cJSON_GetArrayItem(items, 0);
	int rc = 0;
	if (first) {
		const cJSON *actor = cJSON_GetObjectItemCaseSensitive(first, "actor");
		rc = cJSON_IsObject(first) && cJSON_IsObject(actor) &&
		                     copy_string(first, "at", out->at, sizeof out->at, 1) == 0 &&
		                     copy_string(first, "action", out->action, sizeof out->action,
		                                 1) == 0 &&
		                     copy_string(actor, "kind", out->actor_kind,
		                                 sizeof out->actor_kind, 1) == 0 &&
		                     copy_string(actor, "name", out->actor_name,
		                                 sizeof out->actor_name, 1) == 0 &&
		                     copy_string(first, "oldName", out->old_name,
		                                 sizeof out->old_name, 0) == 0 &&
		                     copy_string(first, "newName", out->new_name,
		                                 sizeof out->new_name, 0) == 0
		             ? 0
		             : -1;
		*found = rc == 0;
	}
	cJSON_Delete(root);
	return rc;
}

static int parse_session_cb(const char *json, void *out)
{
	return api_parse_session(json, out);
}

struct change_out {
	struct api_change *change;
	int *found;
};

static int parse_change_cb(const char *json, void *out)
{
	struct change_out *c = out;
	return api_parse_last_change(json, c->change, c->found);
}

enum api_status api_sign_in(struct api_client *c, const char *name, const char *password,
                            struct api_session *out, struct api_error *err)
{
	memset(out, 0, sizeof *out);
	cJSON *o = cJSON_CreateObject();
	char *json = NULL;
	if (o && cJSON_AddStringToObject(o, "name", name) &&
	    cJSON_AddStringToObject(o, "password", password))
		json = cJSON_PrintUnformatted(o);
	cJSON_Delete(o); /* the password's copy inside is freed with it */
	if (!json) {
		err->status = API_FAILED;
		err->http_status = 0;
		snprintf(err->detail, sizeof err->detail, "out of memory");
		return err->status;
	}
	enum api_status st =
	        api_call_json(c, "POST", "/api/v1/sessions", json, 201, parse_session_cb, out, err);
	explicit_bzero(json, strlen(json));
	cJSON_free(json);
	return st;
}

enum api_status api_sign_in_sso(struct api_client *c, const char *browser_cookies,
                                const char *sso_user, struct api_session *out,
                                struct api_error *err)
{
	memset(out, 0, sizeof *out);
	/* Each transport takes the one it can carry (api_client.c). */
	c->forward_cookie = c->fcgi ? NULL : browser_cookies;
	c->sso_user = c->fcgi ? sso_user : NULL;
	enum api_status st = api_call_json(c, "POST", "/api/v1/sessions/sso", NULL, 201,
	                                   parse_session_cb, out, err);
	c->forward_cookie = NULL;
	c->sso_user = NULL;
	return st;
}

enum api_status api_sign_out(struct api_client *c, struct api_error *err)
{
	return api_call_json(c, "DELETE", "/api/v1/sessions/current", NULL, 204, NULL, NULL, err);
}

enum api_status api_last_change(struct api_client *c, long long user_id, struct api_change *out,
                                int *found, struct api_error *err)
{
	char path[80];
	snprintf(path, sizeof path, "/api/v1/audit?userId=%lld&limit=1", user_id);
	struct change_out co = { out, found };
	*found = 0;
	return api_call_json(c, "GET", path, NULL, 200, parse_change_cb, &co, err);
}
