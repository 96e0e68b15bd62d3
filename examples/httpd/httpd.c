/*
 * httpd: an HTTP/1.1 static file server on port 80 over lib/net's blocking
 * API.  Serves the files embedded below (index.html at /), with keep-alive,
 * exact Content-Length and Content-Type, 404 for a missing path, 405 for
 * methods other than GET and HEAD, and one fiber per client.  Requests are
 * read into a fixed buffer: a header over REQ_MAX bytes gets 431 and the
 * connection closes, so a client cannot make the server hold more.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <graft/error.h>
#include <graft/fiber.h>
#include <graft/net.h>
#include <graft/time.h>

#define HTTP_PORT 80
#define REQ_MAX 8192
#define IDLE_NS (30 * GRAFT_NSEC_PER_SEC)

struct file {
	const char *path, *type, *body;
};

static const struct file files[] = {
	{ "/index.html", "text/html; charset=utf-8",
	  "<!doctype html>\n<html><head><title>graft</title>"
	  "<link rel=\"stylesheet\" href=\"/style.css\"></head>\n"
	  "<body><h1>Hello from graft</h1>\n"
	  "<p>This page was served by a unikernel's own TCP/IP stack.</p>"
	  "</body></html>\n" },
	{ "/style.css", "text/css", "body { font-family: sans-serif; }\n" },
	{ "/hello.txt", "text/plain", "hello, world\n" },
};

static const struct file *find_file(const char *path)
{
	unsigned i;

	if (strcmp(path, "/") == 0)
		path = "/index.html";
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (strcmp(files[i].path, path) == 0)
			return &files[i];
	return NULL;
}

static int send_all(struct net_conn *c, const char *p, size_t n)
{
	return net_blocking_write(c, p, n, graft_now() + IDLE_NS, NULL);
}

static int respond(struct net_conn *c, int status, const char *reason,
		   const char *type, const char *body, bool head, bool close)
{
	char hdr[512];
	size_t len = strlen(body);
	int n = snprintf(hdr, sizeof(hdr),
			 "HTTP/1.1 %d %s\r\nServer: graft\r\n"
			 "Content-Type: %s\r\nContent-Length: %zu\r\n"
			 "Connection: %s\r\n\r\n",
			 status, reason, type, len,
			 close ? "close" : "keep-alive");

	if (send_all(c, hdr, (size_t)n))
		return -1;
	if (!head && send_all(c, body, len))
		return -1;
	return 0;
}

/* the header field name (lower case) has value (case-insensitive) */
static bool has_header(const char *req, const char *name, const char *value)
{
	const char *p = strstr(req, "\r\n");

	while (p && p[2] != '\r') {
		const char *line = p + 2;
		size_t n = strlen(name);
		p = strstr(line, "\r\n");
		if (strncasecmp(line, name, n) == 0 && line[n] == ':') {
			const char *v = line + n + 1;
			while (*v == ' ')
				v++;
			if (strncasecmp(v, value, strlen(value)) == 0)
				return true;
		}
	}
	return false;
}

/* copy the next space-separated word of the request line into out */
static const char *word(const char *p, char *out, size_t size)
{
	size_t n = 0;

	while (*p && *p != ' ' && *p != '\r') {
		if (n + 1 >= size)
			return NULL;
		out[n++] = *p++;
	}
	out[n] = 0;
	if (n == 0)
		return NULL;
	return *p == ' ' ? p + 1 : p;
}

/* "METHOD PATH VERSION\r\n": 0, or -1 if malformed or too long */
static int parse_request_line(const char *req, char *method, char *path,
			      char *version)
{
	const char *p = word(req, method, 8);

	if (p)
		p = word(p, path, 256);
	if (p)
		p = word(p, version, 16);
	if (!p || strncmp(p, "\r\n", 2) != 0 || path[0] != '/' ||
	    strncmp(version, "HTTP/1.", 7) != 0)
		return -1;
	return 0;
}

/* one request in req (NUL-terminated, ending with the blank line);
 * returns whether to keep the connection */
static bool handle(struct net_conn *c, char *req)
{
	char method[8], path[256], version[16];
	const struct file *f;
	bool head, close;

	if (parse_request_line(req, method, path, version))
		return respond(c, 400, "Bad Request", "text/plain",
			       "bad request\n", false, true), false;
	head = strcmp(method, "HEAD") == 0;
	close = strcmp(version, "HTTP/1.0") == 0
			? !has_header(req, "connection", "keep-alive")
			: has_header(req, "connection", "close");
	if (!head && strcmp(method, "GET") != 0)
		return respond(c, 405, "Method Not Allowed", "text/plain",
			       "method not allowed\n", false, close) == 0 &&
		       !close;
	f = find_file(path);
	if (!f)
		return respond(c, 404, "Not Found", "text/plain",
			       "not found\n", head, close) == 0 &&
		       !close;
	return respond(c, 200, "OK", f->type, f->body, head, close) == 0 &&
	       !close;
}

static void serve(void *arg)
{
	struct net_conn *c = arg;
	static const char too_big[] =
		"HTTP/1.1 431 Request Header Fields Too Large\r\n"
		"Content-Length: 0\r\nConnection: close\r\n\r\n";
	char *buf = malloc(REQ_MAX + 1);
	size_t len = 0;
	long n;

	if (!buf)
		goto out;
	for (;;) {
		char *end;
		buf[len] = 0;
		end = strstr(buf, "\r\n\r\n");
		if (end) {
			size_t used = (size_t)(end + 4 - buf);
			end[2] = 0; /* keep the last header's CRLF */
			if (!handle(c, buf))
				break;
			memmove(buf, buf + used, len - used);
			len -= used;
			continue;
		}
		if (len == REQ_MAX) {
			send_all(c, too_big, sizeof(too_big) - 1);
			break;
		}
		n = net_blocking_read(c, buf + len, REQ_MAX - len,
				      graft_now() + IDLE_NS);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
out:
	free(buf);
	net_blocking_close(c);
}

int main(int argc, char **argv)
{
	struct net_stack *s = net_default();
	struct net_conn *l, *c;
	int err;

	if (!s) {
		printf("httpd: no network stack (run with --net)\n");
		return 1;
	}
	err = net_blocking_listen(s, HTTP_PORT, 128, &l);
	if (err) {
		printf("httpd: port %d: %s\n", HTTP_PORT, graft_strerror(err));
		return 1;
	}
	printf("httpd: serving %zu files on port %d\n",
	       sizeof(files) / sizeof(files[0]), HTTP_PORT);
	for (;;) {
		err = net_blocking_accept(l, GRAFT_FOREVER, &c);
		if (err)
			continue;
		if (graft_fiber_spawn("httpd-conn", serve, c, 0, NULL))
			net_blocking_close(c);
	}
}
