/*
 * smtp_responder.c - a cheap, polite SMTP responder for daemon_bench.sh: one
 * listening socket on each of COUNT loopback addresses (127.1.0.1,
 * 127.1.0.2 ... : 250 per /24, starting at 127.1.0.0/24) and one port,
 * so that every one of thousands of smtprobed targets has an address of
 * its own. One libevent loop, no TLS.
 *
 *	smtp_responder -P PORT -n COUNT [-r READYFILE]
 *
 * Answers: 220 greeting; EHLO 250 (PIPELINING, 8BITMIME, SIZE); HELO,
 * MAIL, RCPT, RSET, NOOP 250; QUIT 221 and close; anything else 502.
 * Lines longer than 1000 bytes close the connection. On SIGTERM it
 * prints "responder.sessions=N" and "responder.commands=N" and exits. READYFILE is
 * written once every socket listens. Linux: binding any 127/8 address
 * needs no configuration.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

static struct event_base *base;
static unsigned long	 sessions, commands;

static void
close_cb(struct bufferevent *bev, void *arg)
{
	(void)arg;
	if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		bufferevent_free(bev);
}

static void
say(struct bufferevent *bev, const char *s)
{
	bufferevent_write(bev, s, strlen(s));
}

static void
read_cb(struct bufferevent *bev, void *arg)
{
	struct evbuffer	*in = bufferevent_get_input(bev);
	char		*line;
	size_t		 len;

	(void)arg;
	while ((line = evbuffer_readln(in, &len, EVBUFFER_EOL_CRLF)) != NULL) {
		commands++;
		if (strncasecmp(line, "EHLO", 4) == 0)
			say(bev, "250-responder.bench.example\r\n250-PIPELINING\r\n"
			    "250-SIZE 10240000\r\n250 8BITMIME\r\n");
		else if (strncasecmp(line, "HELO", 4) == 0)
			say(bev, "250 responder.bench.example\r\n");
		else if (strncasecmp(line, "MAIL", 4) == 0)
			say(bev, "250 2.1.0 Ok\r\n");
		else if (strncasecmp(line, "RCPT", 4) == 0)
			say(bev, "250 2.1.5 Ok\r\n");
		else if (strncasecmp(line, "RSET", 4) == 0 ||
		    strncasecmp(line, "NOOP", 4) == 0)
			say(bev, "250 2.0.0 Ok\r\n");
		else if (strncasecmp(line, "QUIT", 4) == 0) {
			free(line);
			say(bev, "221 2.0.0 Bye\r\n");
			bufferevent_disable(bev, EV_READ);
			bufferevent_setcb(bev, NULL, close_cb, NULL, NULL);
			return;
		} else
			say(bev, "502 5.5.2 Error: command not recognized\r\n");
		free(line);
	}
	if (evbuffer_get_length(in) > 1000)
		bufferevent_free(bev);
}

static void
event_cb(struct bufferevent *bev, short what, void *arg)
{
	(void)arg;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		bufferevent_free(bev);
}

static void
accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg)
{
	struct bufferevent	*bev;

	(void)l;
	(void)sa;
	(void)salen;
	(void)arg;
	sessions++;
	bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		close(fd);
		return;
	}
	bufferevent_setcb(bev, read_cb, NULL, event_cb, NULL);
	bufferevent_enable(bev, EV_READ);
	say(bev, "220 responder.bench.example ESMTP responder\r\n");
}

static void
term_cb(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	(void)arg;
	event_base_loopbreak(base);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in	 sin;
	struct rlimit		 rl;
	struct event		*ev;
	const char		*ready = NULL;
	long			 count = 0, i;
	int			 ch, port = 0;
	FILE			*f;

	while ((ch = getopt(argc, argv, "n:P:r:")) != -1) {
		switch (ch) {
		case 'n':
			count = atol(optarg);
			break;
		case 'P':
			port = atoi(optarg);
			break;
		case 'r':
			ready = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (port <= 0 || port > 65535 || count < 1 || count > 250 * 250) {
usage:
		fprintf(stderr, "usage: smtp_responder -P PORT -n COUNT"
		    " [-r READYFILE]\n");
		return 2;
	}
	rl.rlim_cur = rl.rlim_max = (rlim_t)count + 4096;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1) {
		perror("smtp_responder: RLIMIT_NOFILE");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	if ((base = event_base_new()) == NULL)
		return 1;
	for (i = 0; i < count; i++) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = htons((uint16_t)port);
		sin.sin_addr.s_addr = htonl(0x7f010000u |
		    (uint32_t)(i / 250) << 8 | (uint32_t)(i % 250 + 1));
		if (evconnlistener_new_bind(base, accept_cb, NULL,
		    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 64,
		    (struct sockaddr *)&sin, sizeof(sin)) == NULL) {
			fprintf(stderr, "smtp_responder: cannot listen on "
			    "127.1.%ld.%ld:%d\n", i / 250, i % 250 + 1, port);
			return 1;
		}
	}
	ev = evsignal_new(base, SIGTERM, term_cb, NULL);
	evsignal_add(ev, NULL);
	if (ready != NULL && (f = fopen(ready, "w")) != NULL) {
		fprintf(f, "%ld\n", (long)getpid());
		fclose(f);
	}
	event_base_dispatch(base);
	printf("responder.sessions=%lu\nresponder.commands=%lu\n", sessions, commands);
	fflush(stdout);
	return 0;
}
