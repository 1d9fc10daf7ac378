/*
 * fcgi_static: the FastCGI ceiling for `make bench`. The least a FastCGI program can
 * do for a request: answer bytes it already holds in memory, with no database and no
 * parsing beyond the path. nginx in front of it shows what the FastCGI hop itself costs,
 * so the services' own cost is what they spend above this line.
 *
 * Usage: fcgi_static SOCKET WORKERS DIR
 * Every regular file in DIR is read once at start; a request for .../NAME answers the
 * file NAME (its type from the extension), anything else 404. WORKERS prefork processes
 * share the socket, like the real pools. SIGTERM/SIGINT stop the master and its workers.
 */
#include <dirent.h>
#include <errno.h>
#include <fcgiapp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_FILES 32

struct file {
	char name[64];
	const char *type;
	char *body;
	size_t len;
};

static struct file files[MAX_FILES];
static size_t nfiles;
static volatile sig_atomic_t stopping; /* master only */

static const char *type_of(const char *name)
{
	const char *dot = strrchr(name, '.');
	if (dot && strcmp(dot, ".html") == 0)
		return "text/html; charset=utf-8";
	if (dot && strcmp(dot, ".json") == 0)
		return "application/json";
	return "application/octet-stream";
}

static int load_file(const char *dir, const char *name)
{
	char path[4096];
	struct file *f = &files[nfiles];
	struct stat st;
	FILE *fp;

	if (nfiles == MAX_FILES || strlen(name) >= sizeof(f->name))
		return 0;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	fp = fopen(path, "rb");
	if (!fp) {
		fprintf(stderr, "fcgi_static: %s: %s\n", path, strerror(errno));
		return -1;
	}
	f->body = malloc((size_t)st.st_size + 1);
	if (!f->body) {
		fclose(fp);
		return -1;
	}
	f->len = fread(f->body, 1, (size_t)st.st_size, fp);
	fclose(fp);
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->type = type_of(name);
	nfiles++;
	return 0;
}

static int load_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d) {
		fprintf(stderr, "fcgi_static: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] != '.' && load_file(dir, e->d_name) != 0) {
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	return 0;
}

static const struct file *find(const char *uri)
{
	const char *slash = uri ? strrchr(uri, '/') : NULL;
	const char *name = slash ? slash + 1 : "";
	size_t i;

	for (i = 0; i < nfiles; i++)
		if (strcmp(files[i].name, name) == 0)
			return &files[i];
	return NULL;
}

static void serve(int sock)
{
	FCGX_Request req;

	if (FCGX_InitRequest(&req, sock, 0) != 0)
		_exit(1);
	while (FCGX_Accept_r(&req) == 0) {
		const struct file *f = find(FCGX_GetParam("DOCUMENT_URI", req.envp));
		if (f) {
			FCGX_FPrintF(req.out, "Content-Type: %s\r\nContent-Length: %lu\r\n\r\n",
			             f->type, (unsigned long)f->len);
			FCGX_PutStr(f->body, (int)f->len, req.out);
		} else {
			FCGX_FPrintF(req.out, "Status: 404 Not Found\r\n"
			                      "Content-Type: text/plain\r\n\r\nnot found\n");
		}
		FCGX_Finish_r(&req);
	}
	_exit(0);
}

/* The master's handler; workers keep the default action and simply die. */
static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

int main(int argc, char **argv)
{
	pid_t kids[64];
	int n, i, sock;
	struct sigaction sa;
	sigset_t block, old;

	if (argc != 4 || (n = atoi(argv[2])) < 1 || n > 64) {
		fprintf(stderr, "usage: fcgi_static SOCKET WORKERS(1-64) DIR\n");
		return 2;
	}
	if (FCGX_Init() != 0 || load_dir(argv[3]) != 0)
		return 1;
	unlink(argv[1]);
	sock = FCGX_OpenSocket(argv[1], 1024);
	if (sock < 0) {
		fprintf(stderr, "fcgi_static: cannot listen on %s\n", argv[1]);
		return 1;
	}
	chmod(argv[1], 0666);
	for (i = 0; i < n; i++) {
		kids[i] = fork();
		if (kids[i] == 0)
			serve(sock);
		if (kids[i] < 0) {
			perror("fcgi_static: fork");
			n = i;
			break;
		}
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* Block the stop signals and wait for them atomically, so none is missed. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &old);
	while (!stopping)
		sigsuspend(&old);
	for (i = 0; i < n; i++)
		kill(kids[i], SIGTERM);
	for (i = 0; i < n; i++)
		waitpid(kids[i], NULL, 0);
	unlink(argv[1]);
	return 0;
}
