/*
 * pool_signals: signals in the master arrive through a signalfd (php-fpm's
 * fpm_signals.c uses a self-pipe for the same reason): the master blocks them and
 * reads them in its loop, so no work ever happens inside a signal handler. Workers
 * start from a clean slate: nothing blocked, default dispositions, and their own
 * handlers installed by pool_worker.c.
 */
#include <errno.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "pool_internal.h"

static const int master_signals[] = { SIGTERM, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGCHLD };

int pool_signals_master_init(void)
{
	sigset_t set;
	sigemptyset(&set);
	for (size_t i = 0; i < sizeof master_signals / sizeof master_signals[0]; i++)
		sigaddset(&set, master_signals[i]);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
		return -1;
	/* A closed FastCGI connection must not kill the master either. */
	signal(SIGPIPE, SIG_IGN);
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

void pool_signals_worker_reset(void)
{
	for (size_t i = 0; i < sizeof master_signals / sizeof master_signals[0]; i++)
		signal(master_signals[i], SIG_DFL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

int pool_signals_next(int sfd)
{
	struct signalfd_siginfo si;
	ssize_t n = read(sfd, &si, sizeof si);
	if (n == (ssize_t)sizeof si)
		return (int)si.ssi_signo;
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	return -1;
}
