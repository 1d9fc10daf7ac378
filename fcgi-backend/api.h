/*
 * api: the backend's HTTP routes (the "Backend API" table of DESIGN.md) and their
 * handlers. The service every handler gets is a struct backend: the worker's database
 * connection, and its connection to the read replica when there is one.
 */
#ifndef BACKEND_API_H
#define BACKEND_API_H

#include "db.h"
#include "http.h"

struct backend {
	struct db db; /* db_init'ed in worker_init, one per worker */
	/* DATABASE_READ_URI: the replica reads go to, when has_read. A client that has
	 * just written reads from db instead (api.c backend_reader). */
	struct db read_db;
	int has_read;
	long read_down_until; /* CLOCK_MONOTONIC seconds: the replica failed, use db */
};

extern const struct http_app backend_http;

#endif
