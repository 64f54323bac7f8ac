/*
 * ctl.h - the control protocol: one JSON object per line each way over a
 * UNIX stream socket, every reply carrying "version". The server side
 * runs on the daemon's loop and distrusts its clients: bounded lines,
 * bounded output for clients that never read, a bounded number of
 * clients, peer credentials checked. The client side (for the smtprobe
 * command) is plain blocking I/O with a deadline.
 */
#ifndef SMTPROBE_CTL_H
#define SMTPROBE_CTL_H

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct event_base;
struct ctl_server;

#define CTL_VERSION		1
#define CTL_LINE_MAX		(64 * 1024)	/* a request line */
/*
 * Memory, by design: a client's unread output never exceeds
 * CTL_OUTPUT_MAX (a reply larger than that is refused with an error, a
 * follower that lets it fill up is dropped), so the socket holds at most
 * CTL_OUTPUT_MAX * CTL_CLIENTS_MAX (64 MiB) however its clients behave.
 * Commands whose answer grows with the daemon (targets, history) answer
 * a page at a time, each well under the bound.
 */
#define CTL_OUTPUT_MAX		(1024 * 1024)	/* unread output per client */
#define CTL_CLIENTS_MAX		64		/* at most; the daemon may
						   allow fewer (ctl_config) */
#define CTL_PAGE_BYTES		(CTL_OUTPUT_MAX / 2) /* a page, about */
#define CTL_TARGETS_PAGE	1000		/* targets in a page */
#define CTL_HISTORY_PAGE	100		/* rows of each kind in a page */
#define CTL_IDLE_SECONDS	60		/* a silent client is dropped */

/*
 * The commands, one row each: what a request carries besides "cmd", and
 * how long a client waits for a line of the reply. The daemon's handler
 * and the client's printer of each are indexed by enum ctl_cmd.
 */
enum ctl_cmd {
	CTL_STATUS,
	CTL_TARGETS,
	CTL_SHOW,
	CTL_HISTORY,
	CTL_PROBE,
	CTL_FOLLOW,
	CTL_RELOAD,
	CTL_LOGS,
	CTL_NCMDS
};

#define CTL_TARGET	0x1	/* "target": a target id, required */
#define CTL_RANGE	0x2	/* "since", "until", "limit": optional */
#define CTL_STREAM	0x4	/* replies, then events until the client goes */
#define CTL_PAGED	0x8	/* a page per request: the reply's "next",
				   unless null, goes in the next request's
				   "cursor" for the page after */

#define CTL_HISTORY_LIMIT_MAX	10000	/* history's "limit": 1 to it */

#define CTL_TIMEOUT_MS		(30 * 1000)	/* a reply, as a rule */
/*
 * A probe is answered when its run ends: within the target's whole-check
 * deadline (timeout = DURATION: 15m by default, 1h at most) of its
 * start, and a probe that comes while a run is under way waits for that
 * one to end first. Twice the longest deadline and a margin: a bound for
 * a stuck daemon, never shorter than a slow server's run (at 15m, the
 * default deadline, the client gave up as the daemon answered).
 */
#define CTL_PROBE_TIMEOUT_MS	((2 * 60 + 5) * 60 * 1000)

struct ctl_command {
	enum ctl_cmd	 cmd;		/* its index in ctl_commands */
	const char	*name;		/* "cmd" of the request */
	unsigned	 flags;		/* CTL_TARGET, CTL_RANGE, CTL_STREAM,
					   CTL_PAGED */
	int		 timeout_ms;	/* the client's wait for each line; 0:
					   none (a stream) */
	const char	*help;		/* one line */
};

extern const struct ctl_command ctl_commands[CTL_NCMDS];

/* The command named name, or NULL. */
const struct ctl_command *ctl_command_find(const char *name);

/*
 * A request. id names the client for ctl_reply(), which may come later
 * (the client may be gone by then: the reply is dropped). cmd is a row
 * of ctl_commands; a request whose "cmd" is not one, or that lacks a
 * "target" its command takes, is answered with an error by the server
 * and never gets here. req is the whole object (borrowed for the call).
 */
typedef void (*ctl_request_cb)(struct ctl_server *, uint64_t id,
    const struct ctl_command *cmd, json_t *req, void *arg);

struct ctl_config {
	const char	*path;
	mode_t		 mode;		/* e.g. 0660 */
	gid_t		 gid;		/* group allowed besides root and us;
					   (gid_t)-1 for none */
	int		 clients_max;	/* clients at once; 0: CTL_CLIENTS_MAX */
	int		 fd;		/* > 2: a socket listening on path
					   already (systemd's, socket
					   activation), used as it is: its
					   mode and group are its maker's, and
					   it is not removed at close; else
					   the socket is made here */
};

/*
 * Listen on cfg->path (or take cfg->fd). Refuses (NULL, *cause) when
 * another process answers there; removes a stale socket file; sets mode
 * and group (the group only as root or a member of it).
 * When accept(2) fails (out of descriptors) accepting pauses a moment
 * (accept.h) instead of spinning.
 */
struct ctl_server *ctl_listen(struct event_base *, const struct ctl_config *,
		    ctl_request_cb, void *arg, char **cause);

/*
 * Reply to client id (adds "version"); steals ref. 0, or -1 if gone. A
 * reply larger than CTL_OUTPUT_MAX is not sent: the client gets an error
 * saying so instead; a client that has not read what it was sent before
 * and would go over the bound is dropped (it does not read).
 */
int		 ctl_reply(struct ctl_server *, uint64_t id, json_t *reply);

/* An error reply: {"version":1,"ok":false,"error":msg}. */
int		 ctl_reply_error(struct ctl_server *, uint64_t id, const char *msg);

/* Make client id a follower: it gets every ctl_broadcast() from now on. */
int		 ctl_follow(struct ctl_server *, uint64_t id);

/*
 * Send an event to every follower (adds "version"); steals ref. A
 * follower whose unread output would go over CTL_OUTPUT_MAX is dropped.
 */
void		 ctl_broadcast(struct ctl_server *, json_t *event);

/* Clients connected now, and followers. */
int		 ctl_clients(const struct ctl_server *, int *followers);

/*
 * Parse one request line (without its newline): a JSON object whose
 * "cmd" is a lower-case word. Returns the object (to json_decref) with
 * *cmd pointing into it, or NULL with *why.
 */
json_t		*ctl_parse_request(const char *line, size_t len,
		    const char **cmd, const char **why);

/* Close every client and the socket, and remove the socket file. */
void		 ctl_close(struct ctl_server *);

/*
 * Client: connect to path, send req (adds nothing), and call cb for
 * each reply line until cb returns non-zero, the server closes, or
 * timeout_ms passes without a line (0: wait forever, for follow).
 * Returns 0, or -1 with *cause (static or allocated into buf).
 */
typedef int (*ctl_line_cb)(json_t *reply, void *arg);
int		 ctl_request(const char *path, json_t *req, int timeout_ms,
		    ctl_line_cb cb, void *arg, char *errbuf, size_t errsz);

#endif
