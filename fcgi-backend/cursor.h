/*
 * cursor: the `after` of keyset paging (GET /api/v1/users?after=…) and the `next` that
 * produces it. A cursor names the last user of a page in the page's order: its id, and
 * for the orders by name its name key too, so the next page starts right after it
 * through the index (a page a million rows deep costs what the first costs). The text
 * is base64url (no padding) of "<order>:<id>:<key>": opaque to clients, safe in a URL
 * whatever the name holds, and checked when it comes back (a cursor of another order,
 * or bytes that are not one, are refused: 400).
 */
#ifndef BACKEND_CURSOR_H
#define BACKEND_CURSOR_H

#include <stddef.h>

/* The orders of a list; the sort= names are "id", "-id", "name", "-name". */
enum list_order { ORDER_ID, ORDER_ID_DESC, ORDER_NAME, ORDER_NAME_DESC };

#define CURSOR_KEY_MAX  128 /* bytes of a name key (30 characters of UTF-8 fit) */
#define CURSOR_TEXT_MAX 256 /* characters of the text, NUL included */

struct cursor {
	enum list_order order;
	long long id; /* 1 to 4294967295 */
	char key[CURSOR_KEY_MAX + 1];
	size_t key_len; /* 0 for the orders by id */
};

/* The text for `next`. 0, or -1 when out does not hold it. */
int cursor_encode(const struct cursor *c, char *out, size_t cap);
/* A cursor from `after`. 0, or -1 when text is not a cursor. */
int cursor_decode(const char *text, struct cursor *c);

/* "id" → ORDER_ID …; -1 for a name it does not know. And back. */
int list_order_parse(const char *name);
const char *list_order_name(enum list_order order);

#endif
