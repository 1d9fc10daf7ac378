/*
 * pool_metrics: the pool master's own plain-HTTP listener (METRICS_LISTEN) answering
 * GET /metrics and GET /-/ping, so each pod is scraped on its own without a worker.
 * The master polls these sockets next to its signalfd; see pool_metrics.c for the
 * bounds that keep a hostile client from ever delaying supervision.
 */
#ifndef FCGI_POOL_METRICS_H
#define FCGI_POOL_METRICS_H

#include <poll.h>
#include <stdio.h>

/* Writes the metrics body to out: OpenMetrics 1.0 when openmetrics is set, else the
 * Prometheus text format 0.0.4 (what a client that does not ask for OpenMetrics,
 * such as promtool or curl, gets). */
typedef void (*pool_metrics_render_fn)(void *ctx, FILE *out, int openmetrics);

/* Connections served at once; the oldest is dropped to make room for a new one. */
#define POOL_METRICS_MAX_CONN 8
/* The whole request head, request line and headers; longer: 431. */
#define POOL_METRICS_MAX_REQUEST 4096
/* From accept to the last byte sent; a slower client is cut off (408 if it never
 * finished its request). */
#define POOL_METRICS_DEADLINE_MS 2000

struct pool_metrics;

/* "host:port", "[v6]:port", "*:port" or ":port" (every address). Returns 0 and a
 * message in why when the address is not of these forms. */
int pool_metrics_check_listen(const char *addr, char *why, size_t whylen);
/* Binds and listens (non-blocking, close-on-exec); NULL with a logged error. */
struct pool_metrics *pool_metrics_open(const char *addr, pool_metrics_render_fn render, void *ctx);
/* Fills up to max pollfds (listening socket, then each connection); returns how many. */
int pool_metrics_pollfds(const struct pool_metrics *m, struct pollfd *fds, int max);
/* Serves whatever is ready in fds (from pool_metrics_pollfds, after poll) and drops
 * connections past their deadline. Never blocks. */
void pool_metrics_service(struct pool_metrics *m, const struct pollfd *fds, int n);
/* The bound address, e.g. "127.0.0.1:9100" (the real port when 0 was asked). */
const char *pool_metrics_address(const struct pool_metrics *m);
void pool_metrics_close(struct pool_metrics *m);
/* In a forked worker: close the master's sockets without touching its state. */
void pool_metrics_forget(struct pool_metrics *m);

/* One metric family in the format asked for. For a counter, name is without
 * "_total" (OpenMetrics' family name); the sample gets it in both formats. */
void pool_metrics_family(FILE *out, int openmetrics, const char *name, const char *type,
                         const char *help);
/* One sample: name (without "_total" for counters), labels as given (already
 * escaped, without braces; may be ""), value. */
void pool_metrics_sample(FILE *out, const char *name, const char *type, const char *labels,
                         double value);

#endif
