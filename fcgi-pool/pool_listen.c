/*
 * pool_listen: the listening socket (php-fpm's fpm_sockets.c). One of, in order:
 * a systemd-activated socket (LISTEN_PID/LISTEN_FDS, fd 3), LISTEN=unix:/path
 * (owner, group and mode applied; a stale socket file is replaced, a live one is
 * refused), LISTEN=host:port, or with LISTEN empty an inherited socket on fd 0
 * (spawn-fcgi). The socket is non-blocking: workers poll it and race to accept.
 *
 * Listen queue, as php-fpm reads it (fpm_socket_get_listening_queue): for TCP,
 * TCP_INFO on a listening socket gives tcpi_unacked = connections waiting for
 * accept() and tcpi_sacked = the backlog. Unix sockets have no TCP_INFO and SIOCINQ
 * refuses listening sockets; sock_diag (NETLINK_SOCK_DIAG, UDIAG_SHOW_RQLEN) gives
 * the same two numbers (what `ss -xl` shows as Recv-Q / Send-Q).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "pool_internal.h"

static int fail(const char *what, const char *listen)
{
	log_kv(LOG_ERROR, what, "listen", listen, "error", strerror(errno), NULL);
	return -1;
}

int pool_listen_check(const char *value, char *why, size_t whylen)
{
	if (!*value)
		return 0; /* an inherited socket */
	if (strncmp(value, "unix:", 5) == 0) {
		if (value[5] != '/') {
			snprintf(why, whylen, "'%s': a unix socket needs an absolute path", value);
			return -1;
		}
		if (strlen(value + 5) >= sizeof((struct sockaddr_un *)0)->sun_path) {
			snprintf(why, whylen, "'%s': unix socket path too long", value);
			return -1;
		}
		return 0;
	}
	const char *colon = strrchr(value, ':');
	if (!colon || colon == value) {
		snprintf(why, whylen, "'%s' is neither unix:/path nor host:port", value);
		return -1;
	}
	char *end;
	errno = 0;
	long port = strtol(colon + 1, &end, 10);
	if (!colon[1] || *end || errno || port < 1 || port > 65535) {
		snprintf(why, whylen, "'%s': port must be 1 to 65535", value);
		return -1;
	}
	return 0;
}

/* A user or group by name or number; exits 2 on an unknown one. */
static long lookup_id(const char *setting, const char *v, int is_group)
{
	char *end;
	long n = strtol(v, &end, 10);
	if (*v && !*end)
		return n;
	if (is_group) {
		struct group *g = getgrnam(v);
		if (g)
			return (long)g->gr_gid;
	} else {
		struct passwd *p = getpwnam(v);
		if (p)
			return (long)p->pw_uid;
	}
	settings_fail(setting, "no such %s '%s'", is_group ? "group" : "user", v);
}

static int adopt(struct pool_listener *l, int fd, const char *what)
{
	int acc = 0;
	socklen_t len = sizeof acc;
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &len) != 0 || !acc)
		settings_fail("LISTEN", "not set, and %s is not a listening socket", what);
	struct sockaddr_storage ss;
	len = sizeof ss;
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0 && ss.ss_family == AF_UNIX) {
		l->is_unix = 1;
		struct sockaddr_un *sun = (struct sockaddr_un *)&ss;
		snprintf(l->path, sizeof l->path, "%s", sun->sun_path);
	}
	l->fd = fd;
	struct stat st;
	if (fstat(fd, &st) == 0)
		l->ino = st.st_ino;
	return 0;
}

/* A socket file left by a pool that died is replaced; one a live pool answers is not. */
static int clear_stale(const char *path, const char *listen)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return 0;
	if (!S_ISSOCK(st.st_mode)) {
		errno = EEXIST;
		return fail("cannot listen: the path exists and is not a socket", listen);
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail("socket failed", listen);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
	int live = connect(fd, (struct sockaddr *)&sun, sizeof sun) == 0;
	close(fd);
	if (live) {
		errno = EADDRINUSE;
		return fail("cannot listen: another process serves this socket", listen);
	}
	unlink(path);
	return 0;
}

static int open_unix(const struct pool_config *cfg, struct pool_listener *l)
{
	const char *path = cfg->listen + 5;
	snprintf(l->path, sizeof l->path, "%s", path);
	l->is_unix = 1;
	long uid = -1, gid = -1;
	if (*cfg->listen_owner)
		uid = lookup_id("LISTEN_OWNER", cfg->listen_owner, 0);
	if (*cfg->listen_group)
		gid = lookup_id("LISTEN_GROUP", cfg->listen_group, 1);
	mode_t mode = cfg->listen_mode >= 0 ? (mode_t)cfg->listen_mode : 0660;
	if (clear_stale(path, cfg->listen) != 0)
		return -1;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail("socket failed", cfg->listen);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
	/* Created with no permissions, then given the mode: never briefly too open. */
	mode_t old = umask(0777);
	int rc = bind(fd, (struct sockaddr *)&sun, sizeof sun);
	umask(old);
	if (rc != 0) {
		close(fd);
		return fail("cannot bind", cfg->listen);
	}
	l->created_path = 1;
	l->fd = fd;
	struct stat st;
	if (stat(path, &st) == 0)
		l->ino = st.st_ino;
	if ((uid != -1 || gid != -1) && chown(path, (uid_t)uid, (gid_t)gid) != 0)
		return fail("cannot chown the socket (LISTEN_OWNER/LISTEN_GROUP)", cfg->listen);
	if (chmod(path, mode) != 0)
		return fail("cannot chmod the socket (LISTEN_MODE)", cfg->listen);
	if (listen(fd, cfg->backlog) != 0)
		return fail("cannot listen", cfg->listen);
	return 0;
}

static int open_tcp(const struct pool_config *cfg, struct pool_listener *l)
{
	char host[256];
	const char *colon = strrchr(cfg->listen, ':');
	size_t hlen = (size_t)(colon - cfg->listen);
	if (hlen >= sizeof host)
		hlen = sizeof host - 1;
	memcpy(host, cfg->listen, hlen);
	host[hlen] = '\0';
	char *h = host;
	if (h[0] == '[' && hlen > 1 && h[hlen - 1] == ']') { /* [::1]:9000 */
		h[hlen - 1] = '\0';
		h++;
	}
	struct addrinfo hints = { .ai_family = AF_UNSPEC,
		                  .ai_socktype = SOCK_STREAM,
		                  .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
	struct addrinfo *res;
	int gai = getaddrinfo(*h && strcmp(h, "*") != 0 ? h : NULL, colon + 1, &hints, &res);
	if (gai != 0) {
		log_kv(LOG_ERROR, "cannot resolve the listen address", "listen", cfg->listen,
		       "error", gai_strerror(gai), NULL);
		return -1;
	}
	int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		freeaddrinfo(res);
		return fail("socket failed", cfg->listen);
	}
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	int rc = bind(fd, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	if (rc != 0 || listen(fd, cfg->backlog) != 0) {
		close(fd);
		return fail("cannot listen", cfg->listen);
	}
	l->fd = fd;
	return 0;
}

int pool_listen_open(const struct pool_config *cfg, struct pool_listener *l)
{
	memset(l, 0, sizeof *l);
	l->fd = -1;
	int rc;
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	const char *ours = getenv("FCGI_POOL_LISTEN_FD");
	if (ours) {
		/* Our own socket, across a SIGUSR2 re-exec (pool_exec.c). */
		int owned = getenv("FCGI_POOL_LISTEN_OWNED") != NULL;
		int fd = atoi(ours);
		unsetenv("FCGI_POOL_LISTEN_FD");
		unsetenv("FCGI_POOL_LISTEN_OWNED");
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		rc = adopt(l, fd, "the socket kept across re-exec");
		struct stat st;
		if (rc == 0 && owned && l->is_unix && stat(l->path, &st) == 0) {
			l->created_path = 1;
			l->ino = st.st_ino;
		}
	} else if (pid && fds && atol(pid) == (long)getpid() && atoi(fds) >= 1) {
		/* systemd socket activation: the first socket is fd 3 (SD_LISTEN_FDS_START). */
		if (atoi(fds) > 1)
			log_kv(LOG_WARN, "systemd passed several sockets; using the first", NULL);
		unsetenv("LISTEN_PID");
		unsetenv("LISTEN_FDS");
		unsetenv("LISTEN_FDNAMES");
		rc = adopt(l, 3, "the systemd socket (fd 3)");
	} else if (!*cfg->listen) {
		rc = adopt(l, 0, "fd 0");
	} else if (strncmp(cfg->listen, "unix:", 5) == 0) {
		rc = open_unix(cfg, l);
	} else {
		rc = open_tcp(cfg, l);
	}
	if (rc != 0) {
		pool_listen_close(l);
		return -1;
	}
	int fl = fcntl(l->fd, F_GETFL);
	if (fl < 0 || fcntl(l->fd, F_SETFL, fl | O_NONBLOCK) != 0)
		return fail("cannot make the socket non-blocking", cfg->listen);
	return 0;
}

void pool_listen_close(struct pool_listener *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	/* Remove the file only if it is still ours (not replaced by a newer pool). */
	struct stat st;
	if (l->created_path && stat(l->path, &st) == 0 && st.st_ino == l->ino)
		unlink(l->path);
	l->created_path = 0;
}

static int unix_queue(const struct pool_listener *l, unsigned *backlog)
{
	struct stat st;
	if (fstat(l->fd, &st) != 0)
		return -1;
	int nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (nl < 0)
		return -1;
	struct {
		struct nlmsghdr nlh;
		struct unix_diag_req req;
	} msg = { 0 };
	msg.nlh.nlmsg_len = sizeof msg;
	msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	msg.nlh.nlmsg_flags = NLM_F_REQUEST;
	msg.req.sdiag_family = AF_UNIX;
	msg.req.udiag_states = 1u << 10; /* TCP_LISTEN */
	msg.req.udiag_ino = (unsigned)st.st_ino;
	msg.req.udiag_show = UDIAG_SHOW_RQLEN;
	msg.req.udiag_cookie[0] = msg.req.udiag_cookie[1] = ~0u; /* INET_DIAG_NOCOOKIE */
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	int result = -1;
	if (sendto(nl, &msg, sizeof msg, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0)
		goto out;
	long buf[1024];
	int n = (int)recv(nl, buf, sizeof buf, 0);
	if (n <= 0)
		goto out;
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	for (; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
		if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY)
			break;
		struct unix_diag_msg *m = NLMSG_DATA(h);
		struct rtattr *a = (struct rtattr *)(m + 1);
		int alen = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof *m));
		for (; RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
			if (a->rta_type == UNIX_DIAG_RQLEN) {
				struct unix_diag_rqlen *q = RTA_DATA(a);
				*backlog = q->udiag_wqueue;
				result = (int)q->udiag_rqueue;
			}
		}
	}
out:
	close(nl);
	return result;
}

int pool_listen_queue(const struct pool_listener *l, unsigned *backlog)
{
	if (l->is_unix)
		return unix_queue(l, backlog);
	struct tcp_info ti;
	socklen_t len = sizeof ti;
	if (getsockopt(l->fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0)
		return -1;
	*backlog = ti.tcpi_sacked;
	return (int)ti.tcpi_unacked;
}
