/*
 * api: the backend's HTTP routes (the "Backend API" table of DESIGN.md) and their
 * handlers. The worker context is a struct backend.
 */
#ifndef BACKEND_API_H
#define BACKEND_API_H

#include "db.h"
#include "http.h"

struct backend {
	struct db db;
};

extern const struct http_app backend_app;

#endif
