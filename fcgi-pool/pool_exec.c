/*
 * pool_exec: SIGUSR2 re-executes the master's program, as php-fpm does
 * (fpm_pctl_exec), so installing a new binary and sending SIGUSR2 upgrades the pool
 * without closing the listening socket: connections wait in the accept queue while
 * the new program starts, and none is refused.
 *
 * Safety first: the new program is run once in check mode (FCGI_POOL_CHECK=1: load
 * and check the settings, exit 0) before the master replaces itself; if that fails,
 * the master keeps running and only replaces its workers. The listening socket
 * crosses exec as an inherited descriptor named in FCGI_POOL_LISTEN_FD; workers of
 * the old program are asked to finish (SIGQUIT) and stay children of the same pid,
 * which reaps them.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "pool_internal.h"

#define MAX_ARGS 64

static char exe[4096];
static char cmdline[8192];
static char *args[MAX_ARGS + 1];

int pool_exec_init(void)
{
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return -1;
	exe[n] = '\0';
	FILE *f = fopen("/proc/self/cmdline", "re");
	if (!f)
		return -1;
	size_t len = fread(cmdline, 1, sizeof cmdline - 1, f);
	fclose(f);
	cmdline[len] = '\0';
	int argc = 0;
	for (size_t i = 0; i < len && argc < MAX_ARGS; i += strlen(cmdline + i) + 1)
		args[argc++] = cmdline + i;
	args[argc] = NULL;
	return argc > 0 ? 0 : -1;
}

/* The program on disk now: after a package upgrade /proc/self/exe reads
 * "/usr/bin/x (deleted)" while /usr/bin/x is the new binary. */
static const char *program(void)
{
	static char path[4096];
	snprintf(path, sizeof path, "%s", exe);
	size_t n = strlen(path);
	const char *del = " (deleted)";
	if (n > strlen(del) && strcmp(path + n - strlen(del), del) == 0)
		path[n - strlen(del)] = '\0';
	return path;
}

static int check_new_program(void)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		pool_signals_worker_reset();
		setenv("FCGI_POOL_CHECK", "1", 1);
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0)
			dup2(null, 1);
		execv(program(), args);
		_exit(127);
	}
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	int status;
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			break;
		if (r < 0 || pool_ms_since(&start) > 5000) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		usleep(5000);
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int pool_exec_reload(struct pool_master *m)
{
	if (!args[0]) {
		log_kv(LOG_WARN, "reload: cannot re-execute (no program path); replacing workers",
		       NULL);
		return -1;
	}
	if (check_new_program() != 0) {
		log_kv(LOG_ERROR,
		       "reload: the program on disk fails its settings check; keeping the "
		       "running one and replacing workers only",
		       "program", program(), NULL);
		return -1;
	}
	log_kv(LOG_INFO, "reload: re-executing; old workers finish their requests", "program",
	       program(), NULL);
	pool_children_signal(m, SIGQUIT, 0);

	int fd = m->listener->fd;
	char v[16];
	snprintf(v, sizeof v, "%d", fd);
	int flags = fcntl(fd, F_GETFD);
	fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC);
	setenv("FCGI_POOL_LISTEN_FD", v, 1);
	if (m->listener->created_path)
		setenv("FCGI_POOL_LISTEN_OWNED", "1", 1);
	execv(program(), args);

	/* Still here: the workers are leaving; the caller starts new ones. */
	log_kv(LOG_ERROR, "reload: exec failed; replacing workers only", "error", strerror(errno),
	       NULL);
	fcntl(fd, F_SETFD, flags);
	unsetenv("FCGI_POOL_LISTEN_FD");
	unsetenv("FCGI_POOL_LISTEN_OWNED");
	return -1;
}

int pool_exec_has_children(void)
{
	siginfo_t si;
	memset(&si, 0, sizeof si);
	if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) != 0)
		return errno != ECHILD;
	return 1; /* running, or exited and not reaped yet */
}
