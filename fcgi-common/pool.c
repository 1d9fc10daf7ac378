/*
 * pool (placeholder): a fixed set of prefork workers sharing one listening socket.
 * The full process manager (dynamic pm, scoreboard, status, signals) replaces this.
 */
#include "pool.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"

const struct setting_def pool_settings[] = {
	{ "LISTEN", "", setting_check_listen,
	  "unix:/path.sock or host:port; empty: socket on fd 0" },
	{ "LISTEN_BACKLOG", "511", setting_check_positive, "listen(2) backlog" },
	{ "WORKERS", "4", setting_check_positive, "number of worker processes" },
	{ "MAX_REQUESTS", "0", setting_check_uint,
	  "recycle a worker after this many requests; 0: never" },
	{ "REQUEST_TIMEOUT", "0", setting_check_uint,
	  "seconds before a stuck worker is killed; 0: never" },
	{ NULL, NULL, NULL, NULL },
};

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	if (sig != SIGCHLD)
		stopping = 1;
}

static _Noreturn void worker(int fd, const struct pool_app *app)
{
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	if (app->worker_init && app->worker_init(app->ctx) != 0)
		_exit(1);
	FCGX_Request req;
	FCGX_InitRequest(&req, fd, 0);
	long max = settings_long("MAX_REQUESTS");
	for (long n = 0; max == 0 || n < max; n++) {
		if (FCGX_Accept_r(&req) < 0)
			break;
		app->handle(&req, app->ctx);
		FCGX_Finish_r(&req);
	}
	if (app->worker_exit)
		app->worker_exit(app->ctx);
	_exit(0);
}

int pool_run(const struct pool_app *app)
{
	if (FCGX_Init() != 0)
		return 1;
	const char *listen = settings_str("LISTEN");
	int fd = 0;
	if (*listen) {
		const char *path = strncmp(listen, "unix:", 5) == 0 ? listen + 5 : listen;
		if (path != listen)
			unlink(path);
		fd = FCGX_OpenSocket(path, (int)settings_long("LISTEN_BACKLOG"));
		if (fd < 0) {
			log_kv(LOG_ERROR, "cannot listen", "listen", listen, NULL);
			return 1;
		}
	}
	struct sigaction sa = { 0 };
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);

	long want = settings_long("WORKERS"), running = 0;
	log_kv(LOG_INFO, "pool started", "listen", listen, NULL);
	while (!stopping) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			running--;
		while (running < want && !stopping) {
			pid_t pid = fork();
			if (pid == 0)
				worker(fd, app);
			if (pid < 0)
				break;
			running++;
		}
		pause();
	}
	signal(SIGTERM, SIG_IGN);
	kill(0, SIGTERM);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	return 0;
}
