/*
 * c-ares as a raw DNS query transport, without JNI: the C half of io.gevent4j.loop.internal.Ares
 * (whose JNI glue is g4j_ares.c), also driven directly by the C test (ares_test.c).
 *
 * A channel sends whole query messages built by its caller (ares_send) to its nameservers, with
 * c-ares's retries, timeouts and TCP fallback, and nothing of c-ares's own configuration: no
 * resolv.conf, no search list, no hosts file. It has no thread and no event loop of its own: its
 * owner watches the descriptors c-ares asks it to and calls g4j_ares_channel_process when one is
 * ready or when g4j_ares_channel_timeout's time has come (gevent's resolver.ares does the same with
 * its hub's watchers).
 *
 * Nothing calls out of a channel. What happens during a call is appended to the channel's record
 * list, in order, for the owner to take after the call returns:
 *
 *   G4J_ARES_SOCKET  c-ares wants a descriptor watched for (events) G4J_EV_READ / G4J_EV_WRITE,
 *                    or (0) no longer: it is about to close it
 *   G4J_ARES_DONE    the query sent with (token) ended with (status): ARES_SUCCESS and the reply's
 *                    (length) bytes right after the record, or an ARES_E* code and no bytes
 *
 * Each record is a g4j_ares_record followed by its `length` bytes, unaligned (copy it out with
 * memcpy); Java reads the layout's size and offsets from g4j_constants.h. Every query sent ends
 * in exactly one DONE record, also when the channel is destroyed (ARES_EDESTRUCTION).
 *
 * Descriptors: the channel opens its sockets close-on-exec and non-blocking, sends with
 * MSG_NOSIGNAL, and closes them through g4j_fd_close, which stops every io watcher of the fd
 * first (so no backend ever sees the dead fd, whichever thread closes it).
 *
 * Threading: a channel belongs to one thread at a time (Java: its loop's owner); nothing here
 * locks. Statuses are c-ares's (ARES_SUCCESS = 0, ARES_E* > 0).
 */
#ifndef G4J_ARES_CHANNEL_H
#define G4J_ARES_CHANNEL_H

#include <ares.h>
#include <stdint.h>

/* Record kinds. */
enum { G4J_ARES_SOCKET = 1, G4J_ARES_DONE = 2 };

/* One record's header; a DONE record's reply bytes follow it. */
typedef struct g4j_ares_record {
  int32_t kind;    /* G4J_ARES_SOCKET or G4J_ARES_DONE */
  int32_t fd;      /* SOCKET: the descriptor; DONE: -1 */
  int32_t events;  /* SOCKET: G4J_EV_READ | G4J_EV_WRITE, 0 when c-ares closes it; DONE: 0 */
  int32_t token;   /* DONE: the token the query was sent with; SOCKET: 0 */
  int32_t status;  /* DONE: ARES_SUCCESS or an ARES_E* code; SOCKET: 0 */
  int32_t length;  /* DONE: the bytes of the reply after this record; SOCKET: 0 */
} g4j_ares_record;

typedef struct g4j_ares_channel g4j_ares_channel;

/*
 * A channel for the nameservers `servers` ("ip:port,[ipv6]:port", ares_set_servers_ports_csv's
 * format), waiting `timeout_ms` per try (c-ares doubles it at each round over the servers) and
 * trying each server `tries` times; replies are returned whatever their RCODE
 * (ARES_FLAG_NOCHECKRESP), a truncated UDP reply is asked again over TCP. Initializes c-ares
 * (ares_library_init) on first use. Returns ARES_SUCCESS, or the failure (ARES_EBADSTR for a bad
 * server list, ARES_ENOMEM, ...) with nothing made.
 */
int g4j_ares_channel_new(const char *servers, int timeout_ms, int tries, g4j_ares_channel **out);

/* Sends a whole query message (copied); its DONE record comes later, or at once (ARES_EBADQUERY
 * for fewer than 12 or more than 65535 bytes, ARES_ENOMEM). */
void g4j_ares_channel_send(g4j_ares_channel *c, const unsigned char *query, int length, int32_t token);

/* ares_process_fd: read_fd is readable, write_fd writable (-1: none), and whatever timed out is
 * handled; with both -1 only the timeouts. */
void g4j_ares_channel_process(g4j_ares_channel *c, int read_fd, int write_fd);

/* Milliseconds until g4j_ares_channel_process must be called for a timeout (rounded up), or -1
 * when no query is under way. */
int g4j_ares_channel_timeout(g4j_ares_channel *c);

/* The records not taken yet: their bytes (0: none), or -ARES_ENOMEM when one could not be
 * recorded (a query's end is lost: the owner must fail every query and destroy the channel). */
int g4j_ares_channel_pending(const g4j_ares_channel *c);

/* The records not taken yet (g4j_ares_channel_pending bytes of them); valid until the next call. */
const unsigned char *g4j_ares_channel_records(const g4j_ares_channel *c);

/* Forgets the records (after the owner copied them). */
void g4j_ares_channel_clear(g4j_ares_channel *c);

/* ares_destroy: every query under way ends (DONE, ARES_EDESTRUCTION) and every socket is closed
 * (SOCKET, 0); the records stay to be taken. Later sends end at once with ARES_EDESTRUCTION,
 * processing does nothing. Idempotent. */
void g4j_ares_channel_shutdown(g4j_ares_channel *c);

/* Shuts the channel down (when not done yet) and frees it with its records. */
void g4j_ares_channel_free(g4j_ares_channel *c);

/* "ARES_ETIMEOUT" for a status, "ARES_E?" for an unknown one. */
const char *g4j_ares_status_name(int status);

/* The c-ares version running, and the one compiled against ("1.18.1"). */
const char *g4j_ares_version(void);
const char *g4j_ares_build_version(void);

#endif
