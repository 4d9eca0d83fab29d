/* The c-ares channel (g4j_ares_channel.h) driven by a loop's watchers, as Java drives it: io
 * watchers on the descriptors its SOCKET records name, one timer for its timeout, and its DONE
 * records read after each call. The nameserver is a tiny responder in the same loop: a loopback
 * UDP socket (and a TCP listener on the same port for the truncated case) answering canned
 * replies, or none. */
#include "g4j_test.h"

#include "g4j_ares_channel.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>

#define TIMER_ID 900000
#define UDP_ID 900001
#define LISTEN_ID 900002
#define TCP_ID 900003
#define MAX_WATCHERS 64
#define MAX_RESULTS 512

enum mode { ANSWER, SILENT, WRONG_ID, WRONG_QUESTION, TRUNCATE, SERVFAIL };

typedef struct {
  int32_t token;
  int status;
  int length;
  unsigned char reply[512];
} result;

/* The channel, its watchers, and the responder. */
typedef struct {
  g4j_loop *loop;
  g4j_ares_channel *c;
  struct { int32_t id; int fd; g4j_watcher *w; } io[MAX_WATCHERS];
  int32_t next_id;
  int opened, closed;           /* SOCKET records: first sight of a fd, and events 0 */
  g4j_watcher *timer;
  result results[MAX_RESULTS];
  int done;
  /* the responder */
  enum mode mode;
  int udp, listener, conn;
  g4j_watcher *udp_w, *listen_w, *conn_w;
  unsigned char tcp_in[2 + 512];
  int tcp_have;
  int udp_queries, tcp_queries;
  int family;
  int port;
} driver;

/* ---- DNS messages ------------------------------------------------------------------------ */

/* A query for name, type A, class IN, recursion desired: its length. */
static int make_query(unsigned char *buf, uint16_t id, const char *name) {
  unsigned char *p = buf;
  *p++ = id >> 8;
  *p++ = id & 0xff;
  *p++ = 0x01; /* RD */
  *p++ = 0;
  *p++ = 0;
  *p++ = 1; /* QDCOUNT */
  for (int i = 0; i < 6; i++) *p++ = 0;
  const char *label = name;
  while (*label) {
    const char *dot = strchr(label, '.');
    size_t n = dot ? (size_t) (dot - label) : strlen(label);
    *p++ = (unsigned char) n;
    memcpy(p, label, n);
    p += n;
    label += n + (dot ? 1 : 0);
  }
  *p++ = 0;
  *p++ = 0;
  *p++ = 1; /* A */
  *p++ = 0;
  *p++ = 1; /* IN */
  return (int) (p - buf);
}

/* The reply to query (its length n) in the responder's mode; QR and RA set. */
static int make_reply(const driver *d, const unsigned char *query, int n, unsigned char *out, int over_tcp) {
  memcpy(out, query, (size_t) n);
  out[2] |= 0x80;
  out[3] |= 0x80;
  switch (d->mode) {
    case WRONG_ID: out[1] ^= 0x5a; break;
    case WRONG_QUESTION: out[13] ^= 0x01; break; /* the first letter of the name */
    case TRUNCATE: if (!over_tcp) out[2] |= 0x02; break;
    case SERVFAIL: out[3] = (out[3] & 0xf0) | 2; break;
    default: break;
  }
  return n;
}

static uint16_t id_of(const unsigned char *msg) { return (uint16_t) (msg[0] << 8 | msg[1]); }

/* ---- the responder ------------------------------------------------------------------------- */

/* A socket bound to the loopback of family at port (0: any): its fd, or -1. */
static int bound(int family, int type, int port) {
  int fd = socket(family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  socklen_t len;
  if (family == AF_INET) {
    struct sockaddr_in *a = (struct sockaddr_in *) &ss;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t) port);
    a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    len = sizeof *a;
  } else {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *) &ss;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons((uint16_t) port);
    a->sin6_addr = in6addr_loopback;
    len = sizeof *a;
  }
  if (bind(fd, (struct sockaddr *) &ss, len) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

static int port_of(int fd) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  if (getsockname(fd, (struct sockaddr *) &ss, &len) != 0) return -1;
  return ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *) &ss)->sin_port : ((struct sockaddr_in6 *) &ss)->sin6_port);
}

/* A UDP responder on family's loopback and a TCP listener on the same port (retried when that
 * port is taken for TCP): 0, or -1 (family not available here). */
static int start_responder(driver *d, int family, enum mode mode) {
  d->mode = mode;
  d->family = family;
  d->conn = d->listener = d->udp = -1;
  for (int attempt = 0; attempt < 20; attempt++) {
    d->udp = bound(family, SOCK_DGRAM, 0);
    if (d->udp < 0) return -1;
    d->port = port_of(d->udp);
    d->listener = bound(family, SOCK_STREAM, d->port);
    if (d->listener >= 0 && listen(d->listener, 4) == 0) break;
    if (d->listener >= 0) close(d->listener);
    close(d->udp);
    d->udp = d->listener = -1;
  }
  if (d->udp < 0) return -1;
  d->udp_w = new_io(d->loop, UDP_ID, d->udp, G4J_EV_READ);
  d->listen_w = new_io(d->loop, LISTEN_ID, d->listener, G4J_EV_READ);
  return 0;
}

static void stop_responder(driver *d) {
  if (d->udp_w) g4j_watcher_free(d->udp_w);
  if (d->listen_w) g4j_watcher_free(d->listen_w);
  if (d->conn_w) g4j_watcher_free(d->conn_w);
  d->udp_w = d->listen_w = d->conn_w = NULL;
  if (d->udp >= 0) close(d->udp);
  if (d->listener >= 0) close(d->listener);
  if (d->conn >= 0) close(d->conn);
  d->udp = d->listener = d->conn = -1;
}

static void respond_udp(driver *d) {
  unsigned char in[600], out[600];
  struct sockaddr_storage from;
  for (;;) {
    socklen_t len = sizeof from;
    ssize_t n = recvfrom(d->udp, in, sizeof in, 0, (struct sockaddr *) &from, &len);
    if (n < 0) return;
    d->udp_queries++;
    if (d->mode == SILENT || n < 12) continue;
    int m = make_reply(d, in, (int) n, out, 0);
    CHECK_EQ(sendto(d->udp, out, (size_t) m, 0, (struct sockaddr *) &from, len), m);
  }
}

static void accept_tcp(driver *d) {
  int fd = accept4(d->listener, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (fd < 0) return;
  if (d->conn >= 0) { /* one connection at a time is all c-ares makes per server */
    FAIL_AT("a second TCP connection");
    close(fd);
    return;
  }
  d->conn = fd;
  d->tcp_have = 0;
  d->conn_w = new_io(d->loop, TCP_ID, fd, G4J_EV_READ);
}

static void respond_tcp(driver *d) {
  ssize_t n = read(d->conn, d->tcp_in + d->tcp_have, sizeof d->tcp_in - (size_t) d->tcp_have);
  if (n <= 0) { /* c-ares closed it: the query is over */
    g4j_watcher_free(d->conn_w);
    d->conn_w = NULL;
    close(d->conn);
    d->conn = -1;
    return;
  }
  d->tcp_have += (int) n;
  if (d->tcp_have < 2) return;
  int want = d->tcp_in[0] << 8 | d->tcp_in[1];
  if (d->tcp_have < 2 + want) return;
  d->tcp_queries++;
  unsigned char out[2 + 512];
  int m = make_reply(d, d->tcp_in + 2, want, out + 2, 1);
  out[0] = (unsigned char) (m >> 8);
  out[1] = (unsigned char) m;
  CHECK_EQ(write(d->conn, out, (size_t) m + 2), m + 2);
  d->tcp_have = 0;
}

/* ---- driving the channel --------------------------------------------------------------------- */

static int slot_of_fd(driver *d, int fd) {
  for (int i = 0; i < MAX_WATCHERS; i++) if (d->io[i].w && d->io[i].fd == fd) return i;
  return -1;
}

/* Applies the records of the last call: watchers started, changed, freed; results kept. */
static void apply_records(driver *d) {
  int n = g4j_ares_channel_pending(d->c);
  CHECK(n >= 0);
  if (n <= 0) return;
  const unsigned char *p = g4j_ares_channel_records(d->c), *end = p + n;
  while (p < end) {
    g4j_ares_record r;
    REQUIRE(end - p >= (long) sizeof r);
    memcpy(&r, p, sizeof r);
    p += sizeof r;
    if (r.kind == G4J_ARES_SOCKET) {
      CHECK_EQ(r.length, 0);
      int slot = slot_of_fd(d, r.fd);
      if (r.events == 0) {
        CHECK(slot >= 0); /* never closes what it did not announce */
        if (slot >= 0) {
          /* g4j_fd_close stopped it (the fd is closed by now); a later ERROR event of its id is ignored */
          g4j_watcher_free(d->io[slot].w);
          d->io[slot].w = NULL;
        }
        d->closed++;
      } else if (slot >= 0) {
        CHECK_EQ(g4j_io_set(d->io[slot].w, r.fd, r.events), 0);
        CHECK_EQ(g4j_watcher_start(d->io[slot].w), 0);
      } else {
        int free_slot = -1;
        for (int i = 0; i < MAX_WATCHERS && free_slot < 0; i++) if (!d->io[i].w) free_slot = i;
        REQUIRE(free_slot >= 0);
        d->io[free_slot].id = ++d->next_id;
        d->io[free_slot].fd = r.fd;
        d->io[free_slot].w = new_io(d->loop, d->io[free_slot].id, r.fd, r.events);
        d->opened++;
      }
    } else {
      CHECK_EQ(r.kind, G4J_ARES_DONE);
      REQUIRE(r.length >= 0 && end - p >= r.length);
      REQUIRE(d->done < MAX_RESULTS);
      result *out = &d->results[d->done++];
      out->token = r.token;
      out->status = r.status;
      out->length = r.length;
      if (r.length > 0 && r.length <= (int) sizeof out->reply) memcpy(out->reply, p, (size_t) r.length);
      p += r.length;
    }
  }
  g4j_ares_channel_clear(d->c);
}

/* After every call: records applied, the timer set to the channel's next timeout. */
static void after_call(driver *d) {
  apply_records(d);
  int ms = g4j_ares_channel_timeout(d->c);
  g4j_watcher_stop(d->timer);
  if (ms >= 0) {
    d->loop->ops->update_now(d->loop);
    CHECK_EQ(g4j_timer_set(d->timer, (ms > 0 ? ms : 1) / 1000.0, 0), 0);
    CHECK_EQ(g4j_watcher_start(d->timer), 0);
  }
}

static void send_query(driver *d, uint16_t id, const char *name, int32_t token) {
  unsigned char q[300];
  int n = make_query(q, id, name);
  g4j_ares_channel_send(d->c, q, n, token);
  after_call(d);
}

/* Runs the loop until `want` queries are done, bounded by a guard of `timeout` seconds. */
static void run_until_done(driver *d, int want, double timeout) {
  d->loop->ops->update_now(d->loop);
  g4j_watcher *guard = new_timer(d->loop, GUARD_ID, timeout, 0);
  REQUIRE(guard);
  int guard_fired = 0;
  while (d->done < want && !guard_fired) {
    int n = g4j_loop_run(d->loop, G4J_RUN_ONCE);
    if (n < 0) {
      FAIL_AT("loop run: %s", strerror(-n));
      break;
    }
    g4j_event batch[256];
    if (n > 256) n = 256;
    memcpy(batch, d->loop->events, (size_t) n * sizeof batch[0]);
    for (int i = 0; i < n; i++) {
      int32_t id = batch[i].id, revents = batch[i].revents;
      if (id == GUARD_ID) guard_fired = 1;
      else if (id == TIMER_ID) {
        g4j_ares_channel_process(d->c, -1, -1);
        after_call(d);
      } else if (id == UDP_ID) respond_udp(d);
      else if (id == LISTEN_ID) accept_tcp(d);
      else if (id == TCP_ID) { if (d->conn_w) respond_tcp(d); }
      else {
        int slot = -1;
        for (int s = 0; s < MAX_WATCHERS; s++) if (d->io[s].w && d->io[s].id == id) slot = s;
        if (slot < 0) continue; /* freed since it fired */
        int fd = d->io[slot].fd;
        g4j_ares_channel_process(d->c, revents & (G4J_EV_READ | G4J_EV_ERROR) ? fd : -1,
                                 revents & G4J_EV_WRITE ? fd : -1);
        after_call(d);
      }
    }
  }
  g4j_watcher_free(guard);
  if (d->done < want) FAIL_AT("%d of %d queries done after %.1f s", d->done, want, timeout);
}

static int open_fds(void) {
  DIR *dir = opendir("/proc/self/fd");
  if (!dir) return -1;
  int n = 0;
  while (readdir(dir)) n++;
  closedir(dir);
  return n;
}

/* The descriptors open before a test: counted after a first loop of the backend was made, since
 * libuv opens process-wide ones (its signal lock pipe) once, with its first loop. */
static int baseline_fds(int backend) {
  g4j_loop *loop = new_loop(backend);
  if (loop) g4j_loop_destroy(loop);
  return open_fds();
}

/* A loop, a responder of family in mode, and a channel asking it (timeout_ms per try, tries):
 * 0, or -1 when the family has no loopback here (the test is then skipped). */
static int setup(driver *d, int backend, int family, enum mode mode, int timeout_ms, int tries) {
  memset(d, 0, sizeof *d);
  d->loop = new_loop(backend);
  if (!d->loop) return -2;
  d->timer = new_watcher(d->loop, G4J_TIMER, TIMER_ID);
  if (start_responder(d, family, mode) != 0) {
    if (d->timer) g4j_watcher_free(d->timer);
    g4j_loop_destroy(d->loop);
    return -1;
  }
  char servers[80], addr[INET6_ADDRSTRLEN];
  if (family == AF_INET) snprintf(servers, sizeof servers, "127.0.0.1:%d", d->port);
  else snprintf(servers, sizeof servers, "[%s]:%d", inet_ntop(AF_INET6, &in6addr_loopback, addr, sizeof addr), d->port);
  int status = g4j_ares_channel_new(servers, timeout_ms, tries, &d->c);
  if (status != ARES_SUCCESS) FAIL_AT("g4j_ares_channel_new(%s): %s", servers, g4j_ares_status_name(status));
  return d->c ? 0 : -2;
}

/* Destroys the channel (what is still under way ends), frees everything, checks that every
 * socket c-ares announced was closed. */
static void teardown(driver *d) {
  if (d->c) {
    g4j_ares_channel_shutdown(d->c);
    apply_records(d);
    g4j_ares_channel_free(d->c);
  }
  CHECK_EQ(d->opened, d->closed);
  for (int i = 0; i < MAX_WATCHERS; i++) if (d->io[i].w) g4j_watcher_free(d->io[i].w);
  g4j_watcher_free(d->timer);
  stop_responder(d);
  g4j_loop_destroy(d->loop);
}

/* ---- tests ------------------------------------------------------------------------------- */

static void test_versions(int backend) {
  CHECK(strcmp(g4j_ares_version(), g4j_ares_build_version()) == 0);
  CHECK(strcmp(g4j_ares_status_name(ARES_ETIMEOUT), "ARES_ETIMEOUT") == 0);
  CHECK(strcmp(g4j_ares_status_name(-5), "ARES_E?") == 0);
}

static void test_reply(int backend) {
  int fds = baseline_fds(backend);
  driver d;
  REQUIRE(setup(&d, backend, AF_INET, ANSWER, 1000, 2) == 0);
  CHECK_EQ(g4j_ares_channel_timeout(d.c), -1);
  send_query(&d, 0x1234, "example.com", 7);
  CHECK_EQ(d.opened, 1); /* the UDP socket, at once */
  run_until_done(&d, 1, 5);
  CHECK_EQ(d.results[0].token, 7);
  CHECK_EQ(d.results[0].status, ARES_SUCCESS);
  unsigned char q[300], expected[300];
  int n = make_query(q, 0x1234, "example.com");
  make_reply(&d, q, n, expected, 0);
  CHECK_EQ(d.results[0].length, n);
  CHECK(memcmp(d.results[0].reply, expected, (size_t) n) == 0);
  CHECK_EQ(d.udp_queries, 1);
  CHECK_EQ(d.closed, 1); /* the last query ended: c-ares closed its socket */
  CHECK_EQ(g4j_ares_channel_timeout(d.c), -1);
  teardown(&d);
  CHECK_EQ(open_fds(), fds);
}

static void test_ipv6(int backend) {
  driver d;
  int rc = setup(&d, backend, AF_INET6, ANSWER, 1000, 2);
  if (rc == -1) {
    printf("note: no IPv6 loopback here: ipv6 skipped\n");
    return;
  }
  REQUIRE(rc == 0);
  send_query(&d, 0x0606, "six.example", 1);
  run_until_done(&d, 1, 5);
  CHECK_EQ(d.results[0].status, ARES_SUCCESS);
  CHECK_EQ(id_of(d.results[0].reply), 0x0606);
  teardown(&d);
}

static void test_many(int backend) {
  enum { N = 200 };
  driver d;
  REQUIRE(setup(&d, backend, AF_INET, ANSWER, 2000, 2) == 0);
  for (int i = 0; i < N; i++) send_query(&d, (uint16_t) (1000 + i), "many.example", i);
  CHECK_EQ(d.opened, 1); /* one UDP socket per server */
  run_until_done(&d, N, 10);
  int ok = 0;
  for (int i = 0; i < d.done; i++) {
    ok += d.results[i].status == ARES_SUCCESS && id_of(d.results[i].reply) == 1000 + d.results[i].token;
  }
  CHECK_EQ(ok, N);
  teardown(&d);
}

/* Nothing answers: ETIMEOUT after both tries (50 ms, then 100: c-ares doubles per round). */
static void test_timeout(int backend) {
  int fds = baseline_fds(backend);
  driver d;
  REQUIRE(setup(&d, backend, AF_INET, SILENT, 50, 2) == 0);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  send_query(&d, 1, "silent.example", 3);
  int ms = g4j_ares_channel_timeout(d.c);
  CHECK(ms > 0 && ms <= 50);
  run_until_done(&d, 1, 5);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  long elapsed = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
  CHECK_EQ(d.results[0].status, ARES_ETIMEOUT);
  CHECK_EQ(d.results[0].length, 0);
  CHECK(elapsed >= 140);
  CHECK_EQ(d.udp_queries, 2);
  teardown(&d);
  CHECK_EQ(open_fds(), fds);
}

/* A reply whose ID or question differs is dropped, as if lost. */
static void test_mismatch_ignored(int backend) {
  enum mode modes[] = {WRONG_ID, WRONG_QUESTION};
  for (int m = 0; m < 2; m++) {
    driver d;
    REQUIRE(setup(&d, backend, AF_INET, modes[m], 50, 1) == 0);
    send_query(&d, 0x4242, "mismatch.example", 5);
    run_until_done(&d, 1, 5);
    CHECK_EQ(d.results[0].status, ARES_ETIMEOUT);
    CHECK_EQ(d.udp_queries, 1);
    teardown(&d);
  }
}

/* A truncated UDP reply: asked again over TCP, whose reply is the one returned. */
static void test_truncated_over_tcp(int backend) {
  int fds = baseline_fds(backend);
  driver d;
  REQUIRE(setup(&d, backend, AF_INET, TRUNCATE, 1000, 2) == 0);
  send_query(&d, 0x7c7c, "big.example", 9);
  run_until_done(&d, 1, 5);
  CHECK_EQ(d.results[0].status, ARES_SUCCESS);
  CHECK_EQ(d.udp_queries, 1);
  CHECK_EQ(d.tcp_queries, 1);
  CHECK_EQ(d.results[0].reply[2] & 0x02, 0); /* not truncated */
  CHECK_EQ(id_of(d.results[0].reply), 0x7c7c);
  CHECK_EQ(d.opened, 2); /* UDP, then TCP */
  teardown(&d);
  CHECK_EQ(open_fds(), fds);
}

/* A SERVFAIL reply is a reply (ARES_FLAG_NOCHECKRESP): the caller reads its RCODE. */
static void test_servfail_returned(int backend) {
  driver d;
  REQUIRE(setup(&d, backend, AF_INET, SERVFAIL, 1000, 2) == 0);
  send_query(&d, 0x5e5e, "fail.example", 2);
  run_until_done(&d, 1, 5);
  CHECK_EQ(d.results[0].status, ARES_SUCCESS);
  CHECK_EQ(d.results[0].reply[3] & 0x0f, 2);
  CHECK_EQ(d.udp_queries, 1);
  teardown(&d);
}

/* Nobody listens on the port: the ICMP error ends the query with ECONNREFUSED, before its time. */
static void test_refused(int backend) {
  driver d;
  REQUIRE(setup(&d, backend, AF_INET, ANSWER, 5000, 2) == 0);
  /* the responder goes away: its port is closed */
  stop_responder(&d);
  send_query(&d, 0x0b0b, "refused.example", 4);
  run_until_done(&d, 1, 4);
  CHECK_EQ(d.results[0].status, ARES_ECONNREFUSED);
  teardown(&d);
}

/* Destroyed with queries under way: each ends with EDESTRUCTION, each socket is closed through
 * the core, which stops its started watcher first. */
static void test_destroy_with_queries(int backend) {
  int fds = baseline_fds(backend);
  driver d;
  REQUIRE(setup(&d, backend, AF_INET, SILENT, 5000, 2) == 0);
  for (int i = 0; i < 3; i++) send_query(&d, (uint16_t) (50 + i), "pending.example", 100 + i);
  CHECK_EQ(d.opened, 1);
  CHECK_EQ(d.done, 0);
  g4j_watcher *w = NULL;
  for (int i = 0; i < MAX_WATCHERS; i++) if (d.io[i].w) w = d.io[i].w;
  REQUIRE(w);
  CHECK(w->active);
  g4j_ares_channel_shutdown(d.c);
  CHECK(!w->active); /* g4j_fd_close stopped it before closing the fd */
  apply_records(&d);
  CHECK_EQ(d.done, 3);
  for (int i = 0; i < d.done; i++) {
    CHECK_EQ(d.results[i].status, ARES_EDESTRUCTION);
    CHECK_EQ(d.results[i].token, 100 + i);
  }
  CHECK_EQ(d.closed, 1);
  CHECK_EQ(g4j_ares_channel_timeout(d.c), -1);
  /* a shut-down channel ends what is sent at once, and processes nothing */
  send_query(&d, 99, "late.example", 200);
  CHECK_EQ(d.done, 4);
  CHECK_EQ(d.results[3].status, ARES_EDESTRUCTION);
  g4j_ares_channel_process(d.c, 0, 1);
  CHECK_EQ(g4j_ares_channel_pending(d.c), 0);
  g4j_ares_channel_shutdown(d.c); /* idempotent */
  teardown(&d);
  CHECK_EQ(open_fds(), fds);
}

/* Queries c-ares refuses end at once; nothing is sent. */
static void test_bad_queries(int backend) {
  driver d;
  REQUIRE(setup(&d, backend, AF_INET, ANSWER, 1000, 1) == 0);
  unsigned char q[12] = {0};
  g4j_ares_channel_send(d.c, q, 11, 1);
  g4j_ares_channel_send(d.c, NULL, 40, 2);
  g4j_ares_channel_send(d.c, q, 65536, 3);
  g4j_ares_channel_send(d.c, q, -1, 4);
  after_call(&d);
  CHECK_EQ(d.done, 4);
  for (int i = 0; i < d.done; i++) CHECK_EQ(d.results[i].status, ARES_EBADQUERY);
  CHECK_EQ(d.opened, 0);
  teardown(&d);
}

/* Server lists and settings c-ares cannot use: no channel, nothing leaked (valgrind). */
static void test_bad_settings(int backend) {
  int fds = baseline_fds(backend);
  g4j_ares_channel *c = (g4j_ares_channel *) &c;
  CHECK_EQ(g4j_ares_channel_new("nameserver.example", 1000, 2, &c), ARES_EBADSTR);
  CHECK(c == NULL);
  CHECK_EQ(g4j_ares_channel_new("", 1000, 2, &c), ARES_EBADSTR);
  CHECK_EQ(g4j_ares_channel_new(NULL, 1000, 2, &c), ARES_EBADSTR);
  CHECK_EQ(g4j_ares_channel_new("127.0.0.1:53", 0, 2, &c), ARES_EBADSTR);
  CHECK_EQ(g4j_ares_channel_new("127.0.0.1:53", 1000, 0, &c), ARES_EBADSTR);
  CHECK_EQ(g4j_ares_channel_new(",", 1000, 2, &c), ARES_EBADSTR);
  CHECK(c == NULL);
  /* two servers, one of each family, with ports */
  CHECK_EQ(g4j_ares_channel_new("127.0.0.1:5353,[::1]:53", 1000, 2, &c), ARES_SUCCESS);
  CHECK(c != NULL);
  g4j_ares_channel_free(c);
  g4j_ares_channel_free(NULL);
  CHECK_EQ(open_fds(), fds);
}

const test_case tests[] = {
  {"versions", test_versions},
  {"reply", test_reply},
  {"ipv6", test_ipv6},
  {"many", test_many},
  {"timeout", test_timeout},
  {"mismatch_ignored", test_mismatch_ignored},
  {"truncated_over_tcp", test_truncated_over_tcp},
  {"servfail_returned", test_servfail_returned},
  {"refused", test_refused},
  {"destroy_with_queries", test_destroy_with_queries},
  {"bad_queries", test_bad_queries},
  {"bad_settings", test_bad_settings},
};
const int test_count = TEST_COUNT(tests);
