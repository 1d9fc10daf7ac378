/*
 * pool_responses: a worker counts each answer's HTTP status in its pool's scoreboard
 * (fcgi_pool_responses_total{code}). Its own file, holding only a pointer, so that the
 * request layer can call pool_note_status() in builds without a pool (unit tests, the
 * fuzz targets), where it does nothing.
 */
#include <stddef.h>

#include "pool_internal.h"

/* The scoreboard's responses[500] of this worker's pool; NULL outside a worker. */
static atomic_ulong *responses;

void pool_responses_attach(atomic_ulong *counts)
{
	responses = counts;
}

void pool_note_status(int status)
{
	if (responses && status >= 100 && status <= 599)
		atomic_fetch_add(&responses[status - 100], 1);
}
