/*
 * api: the backend's HTTP routes (the "Backend API" table of DESIGN.md) and their
 * handlers. The service every handler gets is a struct backend: the worker's database
 * connection.
 */
#ifndef BACKEND_API_H
#define BACKEND_API_H

#include "db.h"
#include "http.h"

struct backend {
	struct db db; /* db_init'ed in worker_init, one per worker */
};

extern const struct http_app backend_http;

#endif
