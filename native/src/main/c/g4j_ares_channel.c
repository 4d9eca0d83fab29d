/*
 * c-ares as a raw DNS query transport (g4j_ares_channel.h): a channel, its socket functions, and
 * the record list its callbacks fill.
 */
#include "g4j_ares_channel.h"
#include "g4j_loop.h"

#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

struct g4j_ares_channel {
  ares_channel channel;        /* NULL once shut down */
  unsigned char *records;      /* the record list: g4j_ares_record headers, each with its bytes */
  size_t count, capacity;      /* bytes */
  int lost;                    /* a record could not be appended (out of memory) */
};

/* What a query's callback needs: the channel to record into and the caller's token. */
typedef struct {
  g4j_ares_channel *c;
  int32_t token;
} query_arg;

/* ---- c-ares, once per process ------------------------------------------------------------- */

static pthread_once_t library_once = PTHREAD_ONCE_INIT;
static int library_status = ARES_ENOTINITIALIZED;

/* Never cleaned up: other channels may come at any time, and on Linux it holds nothing. */
static void library_init(void) { library_status = ares_library_init(ARES_LIB_INIT_ALL); }

/* ---- records ------------------------------------------------------------------------------- */

static void append(g4j_ares_channel *c, const g4j_ares_record *r, const unsigned char *bytes) {
  size_t need = sizeof *r + (size_t) r->length;
  if (c->count + need > (size_t) INT_MAX) {
    c->lost = 1;
    return;
  }
  if (c->count + need > c->capacity) {
    size_t capacity = c->capacity ? c->capacity : 1024;
    while (capacity < c->count + need) capacity *= 2;
    if (capacity > (size_t) INT_MAX) capacity = (size_t) INT_MAX;
    unsigned char *grown = realloc(c->records, capacity);
    if (!grown) {
      c->lost = 1;
      return;
    }
    c->records = grown;
    c->capacity = capacity;
  }
  memcpy(c->records + c->count, r, sizeof *r);
  if (r->length > 0) memcpy(c->records + c->count + sizeof *r, bytes, (size_t) r->length);
  c->count += need;
}

static void record_done(g4j_ares_channel *c, int32_t token, int status, const unsigned char *reply, int length) {
  g4j_ares_record r = {G4J_ARES_DONE, -1, 0, token, status, 0};
  if (status == ARES_SUCCESS && reply && length > 0) r.length = length;
  append(c, &r, reply);
}

/* ARES_OPT_SOCK_STATE_CB */
static void sock_state(void *data, ares_socket_t fd, int readable, int writable) {
  g4j_ares_record r = {G4J_ARES_SOCKET, fd, (readable ? G4J_EV_READ : 0) | (writable ? G4J_EV_WRITE : 0), 0, 0, 0};
  append(data, &r, NULL);
}

/* ares_send's callback: exactly once per query. */
static void query_done(void *arg, int status, int timeouts, unsigned char *reply, int length) {
  query_arg *q = arg;
  record_done(q->c, q->token, status, reply, length);
  free(q);
}

/* ---- socket functions ----------------------------------------------------------------------
 * c-ares's own defaults would close(2) its sockets behind the core's back (an io watcher of the
 * owner's loop may still be on one) and write to a TCP socket without MSG_NOSIGNAL. With socket
 * functions set c-ares configures nothing itself: these make the sockets non-blocking and
 * close-on-exec (and TCP_NODELAY, as c-ares would). They keep errno, which c-ares reads. */

static ares_socket_t open_socket(int family, int type, int protocol, void *data) {
  int fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
  if (fd >= 0 && type == SOCK_STREAM) {
    int on = 1;
    (void) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  }
  return fd < 0 ? ARES_SOCKET_BAD : fd;
}

/* Through the core: the fd's io watchers stop first, on every loop. */
static int close_socket(ares_socket_t fd, void *data) {
  int rc = g4j_fd_close(fd);
  if (rc < 0) {
    errno = -rc;
    return -1;
  }
  return 0;
}

static int connect_socket(ares_socket_t fd, const struct sockaddr *addr, ares_socklen_t len, void *data) {
  return connect(fd, addr, len); /* non-blocking: EINPROGRESS for TCP, which c-ares expects */
}

static ares_ssize_t recvfrom_socket(ares_socket_t fd, void *buf, size_t len, int flags, struct sockaddr *from,
                                    ares_socklen_t *from_len, void *data) {
  ssize_t n;
  do n = recvfrom(fd, buf, len, flags, from, from_len);
  while (n < 0 && errno == EINTR);
  return n;
}

static ares_ssize_t sendv_socket(ares_socket_t fd, const struct iovec *iov, int count, void *data) {
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_iov = (struct iovec *) iov;
  msg.msg_iovlen = (size_t) count;
  ssize_t n;
  do n = sendmsg(fd, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  return n;
}

static const struct ares_socket_functions socket_functions = {
  open_socket, close_socket, connect_socket, recvfrom_socket, sendv_socket,
};

/* ---- the channel ---------------------------------------------------------------------------- */

int g4j_ares_channel_new(const char *servers, int timeout_ms, int tries, g4j_ares_channel **out) {
  *out = NULL;
  if (!servers || !*servers || timeout_ms <= 0 || tries <= 0) return ARES_EBADSTR;
  pthread_once(&library_once, library_init);
  if (library_status != ARES_SUCCESS) return library_status;
  g4j_ares_channel *c = calloc(1, sizeof *c);
  if (!c) return ARES_ENOMEM;
  /* Everything set here, so that c-ares reads no configuration of its own (ARES_CONFIG_CHECK in
   * ares_init.c: no resolv.conf, no nsswitch.conf; RES_OPTIONS and LOCALDOMAIN change nothing
   * already set). No server yet: the list with its ports is set just after. */
  struct ares_options options;
  memset(&options, 0, sizeof options);
  options.flags = ARES_FLAG_NOCHECKRESP; /* a SERVFAIL or REFUSED reply is the caller's to read */
  options.timeout = timeout_ms;
  options.tries = tries;
  options.ndots = 1;
  options.nservers = 0;
  options.ndomains = 0;
  options.lookups = "b";
  options.nsort = 0;
  options.sock_state_cb = sock_state;
  options.sock_state_cb_data = c;
  int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_NDOTS | ARES_OPT_SERVERS |
             ARES_OPT_DOMAINS | ARES_OPT_LOOKUPS | ARES_OPT_SORTLIST | ARES_OPT_NOROTATE | ARES_OPT_SOCK_STATE_CB;
  int status = ares_init_options(&c->channel, &options, mask);
  if (status != ARES_SUCCESS) {
    free(c);
    return status;
  }
  ares_set_socket_functions(c->channel, &socket_functions, c);
  status = ares_set_servers_ports_csv(c->channel, servers);
  if (status == ARES_SUCCESS) {
    struct ares_addr_port_node *list = NULL;
    status = ares_get_servers_ports(c->channel, &list);
    if (status == ARES_SUCCESS && !list) status = ARES_EBADSTR; /* parsed to nothing */
    if (list) ares_free_data(list);
  }
  if (status != ARES_SUCCESS) {
    ares_destroy(c->channel);
    free(c->records);
    free(c);
    return status;
  }
  *out = c;
  return ARES_SUCCESS;
}

void g4j_ares_channel_send(g4j_ares_channel *c, const unsigned char *query, int length, int32_t token) {
  if (!c->channel) {
    record_done(c, token, ARES_EDESTRUCTION, NULL, 0);
    return;
  }
  if (!query || length < 12 || length > 65535) {
    record_done(c, token, ARES_EBADQUERY, NULL, 0);
    return;
  }
  query_arg *q = malloc(sizeof *q);
  if (!q) {
    record_done(c, token, ARES_ENOMEM, NULL, 0);
    return;
  }
  q->c = c;
  q->token = token;
  ares_send(c->channel, query, length, query_done, q);
}

void g4j_ares_channel_process(g4j_ares_channel *c, int read_fd, int write_fd) {
  if (!c->channel) return;
  ares_process_fd(c->channel, read_fd < 0 ? ARES_SOCKET_BAD : read_fd, write_fd < 0 ? ARES_SOCKET_BAD : write_fd);
}

int g4j_ares_channel_timeout(g4j_ares_channel *c) {
  if (!c->channel) return -1;
  struct timeval tv;
  if (!ares_timeout(c->channel, NULL, &tv)) return -1;
  long long ms = (long long) tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000;
  if (ms < 0) ms = 0;
  return ms > INT_MAX ? INT_MAX : (int) ms;
}

int g4j_ares_channel_pending(const g4j_ares_channel *c) { return c->lost ? -ARES_ENOMEM : (int) c->count; }

const unsigned char *g4j_ares_channel_records(const g4j_ares_channel *c) { return c->records; }

void g4j_ares_channel_clear(g4j_ares_channel *c) { c->count = 0; }

void g4j_ares_channel_shutdown(g4j_ares_channel *c) {
  if (!c->channel) return;
  ares_channel channel = c->channel;
  ares_destroy(channel); /* its callbacks record into c: the channel pointer stays valid meanwhile */
  c->channel = NULL;
}

void g4j_ares_channel_free(g4j_ares_channel *c) {
  if (!c) return;
  g4j_ares_channel_shutdown(c);
  free(c->records);
  free(c);
}

const char *g4j_ares_status_name(int status) {
  switch (status) {
#define NAME(s) case s: return #s;
    NAME(ARES_SUCCESS) NAME(ARES_ENODATA) NAME(ARES_EFORMERR) NAME(ARES_ESERVFAIL) NAME(ARES_ENOTFOUND)
    NAME(ARES_ENOTIMP) NAME(ARES_EREFUSED) NAME(ARES_EBADQUERY) NAME(ARES_EBADNAME) NAME(ARES_EBADFAMILY)
    NAME(ARES_EBADRESP) NAME(ARES_ECONNREFUSED) NAME(ARES_ETIMEOUT) NAME(ARES_EOF) NAME(ARES_EFILE)
    NAME(ARES_ENOMEM) NAME(ARES_EDESTRUCTION) NAME(ARES_EBADSTR) NAME(ARES_EBADFLAGS) NAME(ARES_ENONAME)
    NAME(ARES_EBADHINTS) NAME(ARES_ENOTINITIALIZED) NAME(ARES_ELOADIPHLPAPI) NAME(ARES_EADDRGETNETWORKPARAMS)
    NAME(ARES_ECANCELLED) NAME(ARES_ESERVICE)
#undef NAME
    default: return "ARES_E?";
  }
}

const char *g4j_ares_version(void) { return ares_version(NULL); }

const char *g4j_ares_build_version(void) { return ARES_VERSION_STR; }
