/* io watchers on pipes and socket pairs: readiness, two watchers on one fd, changes while
 * active, POLLERR, fd flags, bad fds. */
#include "g4j_test.h"

#include <sys/socket.h>

static void test_io_pipe(int backend) {
  g4j_loop *loop = new_loop(backend);
  REQUIRE(loop);
  int p[2];
  REQUIRE(pipe(p) == 0);
  evlog log = {0};
  g4j_watcher *rd = new_io(loop, 1, p[0], G4J_EV_READ);
  g4j_watcher *wr = new_io(loop, 2, p[1], G4J_EV_WRITE);
  REQUIRE(rd && wr);
  /* an empty pipe is writable, not readable */
  CHECK_EQ(pump(loop, &log, 2, 1, 2.0), 1);
  CHECK_EQ(last_revents(&log, 2), G4J_EV_WRITE);
  CHECK_EQ(count_id(&log, 1), 0);
  g4j_watcher_stop(wr);
  /* data: readable */
  CHECK_EQ(write(p[1], "x", 1), 1);
  CHECK_EQ(pump(loop, &log, 1, 1, 2.0), 1);
  CHECK_EQ(last_revents(&log, 1), G4J_EV_READ);
  char c;
  CHECK_EQ(read(p[0], &c, 1), 1);
  /* drained: quiet again (level triggered, nothing left) */
  int before = count_id(&log, 1);
  pump_for(loop, &log, 0.03);
  CHECK_EQ(count_id(&log, 1), before);
  CHECK_EQ(count_id(&log, 2), 1);
  /* writer closed: readable (EOF) */
  close(p[1]);
  CHECK_EQ(pump(loop, &log, 1, before + 1, 2.0), before + 1);
  CHECK(last_revents(&log, 1) & G4J_EV_READ);
  g4j_watcher_free(rd);
  g4j_watcher_free(wr);
  close(p[0]);
  g4j_loop_destroy(loop);
}

/* A write watcher on a pipe whose reader is gone: epoll reports POLLERR. Both backends
 * report it as writability (the write then fails with EPIPE) and keep the watcher. */
static void test_io_pollerr(int backend) {
  g4j_loop *loop = new_loop(backend);
  REQUIRE(loop);
  int p[2];
  REQUIRE(pipe(p) == 0);
  close(p[0]);
  evlog log = {0};
  g4j_watcher *wr = new_io(loop, 1, p[1], G4J_EV_WRITE);
  REQUIRE(wr);
  CHECK_EQ(pump(loop, &log, 1, 2, 2.0), 2);
  CHECK(last_revents(&log, 1) & G4J_EV_WRITE);
  CHECK(wr->active);
  CHECK_EQ(loop->active_watchers, 1);
  g4j_watcher_free(wr);
  close(p[1]);
  g4j_loop_destroy(loop);
}

/* Two watchers on one fd (libuv: one poll entry): each gets only its own events. */
static void test_io_shared_fd(int backend) {
  g4j_loop *loop = new_loop(backend);
  REQUIRE(loop);
  int s[2];
  REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0);
  evlog log = {0};
  g4j_watcher *r = new_io(loop, 1, s[0], G4J_EV_READ);
  g4j_watcher *w = new_io(loop, 2, s[0], G4J_EV_WRITE);
  REQUIRE(r && w);
  CHECK_EQ(loop->active_watchers, 2);
  CHECK_EQ(pump(loop, &log, 2, 1, 2.0), 1);
  CHECK_EQ(last_revents(&log, 2), G4J_EV_WRITE);
  CHECK_EQ(count_id(&log, 1), 0);
  /* data arrives: the reader sees READ only, the writer WRITE only */
  CHECK_EQ(write(s[1], "ab", 2), 2);
  CHECK_EQ(pump(loop, &log, 1, 1, 2.0), 1);
  for (int i = 0; i < log.n; i++) {
    if (log.id[i] == 1) CHECK_EQ(log.revents[i], G4J_EV_READ);
    if (log.id[i] == 2) CHECK_EQ(log.revents[i], G4J_EV_WRITE);
  }
  /* stopping the writer leaves the reader working */
  g4j_watcher_stop(w);
  CHECK_EQ(loop->active_watchers, 1);
  int writes = count_id(&log, 2), reads = count_id(&log, 1);
  char buf[4];
  CHECK_EQ(read(s[0], buf, sizeof buf), 2);
  pump_for(loop, &log, 0.03);
  CHECK_EQ(count_id(&log, 1), reads); /* drained */
  CHECK_EQ(write(s[1], "c", 1), 1);
  CHECK_EQ(pump(loop, &log, 1, reads + 1, 2.0), reads + 1);
  CHECK_EQ(last_revents(&log, 1), G4J_EV_READ);
  CHECK_EQ(count_id(&log, 2), writes);
  /* and the other way round: stop the reader, restart the writer */
  g4j_watcher_stop(r);
  CHECK_EQ(g4j_watcher_start(w), 0);
  CHECK_EQ(pump(loop, &log, 2, writes + 1, 2.0), writes + 1);
  CHECK_EQ(count_id(&log, 1), reads + 1);
  g4j_watcher_free(r);
  g4j_watcher_free(w);
  CHECK_EQ(loop->active_watchers, 0);
  close(s[0]);
  close(s[1]);
  g4j_loop_destroy(loop);
}

/* g4j_io_set on an active watcher: new events (and fd) take effect, it stays active. */
static void test_io_set_active(int backend) {
  g4j_loop *loop = new_loop(backend);
  REQUIRE(loop);
  int s[2], p[2];
  REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0);
  REQUIRE(pipe(p) == 0);
  evlog log = {0};
  g4j_watcher *w = new_io(loop, 1, s[0], G4J_EV_READ);
  REQUIRE(w);
  pump_for(loop, &log, 0.03);
  CHECK_EQ(count_id(&log, 1), 0);
  CHECK_EQ(g4j_io_set(w, s[0], G4J_EV_WRITE), 0);
  CHECK(w->active);
  CHECK_EQ(loop->active_watchers, 1);
  CHECK_EQ(loop->referenced_watchers, 1);
  CHECK_EQ(pump(loop, &log, 1, 1, 2.0), 1);
  CHECK_EQ(last_revents(&log, 1), G4J_EV_WRITE);
  CHECK_EQ(write(s[1], "x", 1), 1);
  CHECK_EQ(g4j_io_set(w, s[0], G4J_EV_READ | G4J_EV_WRITE), 0);
  CHECK_EQ(pump(loop, &log, 1, 2, 2.0), 2);
  CHECK_EQ(last_revents(&log, 1), G4J_EV_READ | G4J_EV_WRITE);
  /* another fd while active */
  CHECK_EQ(g4j_io_set(w, p[0], G4J_EV_READ), 0);
  CHECK(w->active);
  int n = count_id(&log, 1);
  pump_for(loop, &log, 0.03);
  CHECK_EQ(count_id(&log, 1), n);
  CHECK_EQ(write(p[1], "y", 1), 1);
  CHECK_EQ(pump(loop, &log, 1, n + 1, 2.0), n + 1);
  CHECK_EQ(last_revents(&log, 1), G4J_EV_READ);
  g4j_watcher_free(w);
  CHECK_EQ(loop->active_watchers, 0);
  close(s[0]);
  close(s[1]);
  close(p[0]);
  close(p[1]);
  g4j_loop_destroy(loop);
}

/* Watching a fd leaves its flags alone (libuv's uv_poll_init sets O_NONBLOCK: a blocking
 * fd the JVM reads from, stdin say, would start failing with EAGAIN). */
static void test_io_keeps_flags(int backend) {
  g4j_loop *loop = new_loop(backend);
  REQUIRE(loop);
  int p[2];
  REQUIRE(pipe(p) == 0);
  int before = fcntl(p[0], F_GETFL);
  CHECK(!(before & O_NONBLOCK));
  evlog log = {0};
  g4j_watcher *w = new_io(loop, 1, p[0], G4J_EV_READ);
  REQUIRE(w);
  CHECK_EQ(fcntl(p[0], F_GETFL), before);
  CHECK_EQ(write(p[1], "x", 1), 1);
  CHECK_EQ(pump(loop, &log, 1, 1, 2.0), 1);
  CHECK_EQ(fcntl(p[0], F_GETFL), before);
  g4j_watcher_free(w);
  close(p[0]);
  close(p[1]);
  g4j_loop_destroy(loop);
}

static void test_io_bad_fd(int backend) {
  g4j_loop *loop = new_loop(backend);
  REQUIRE(loop);
  int p[2];
  REQUIRE(pipe(p) == 0);
  close(p[0]);
  close(p[1]);
  g4j_watcher *w = new_watcher(loop, G4J_IO, 1);
  REQUIRE(w);
  CHECK_EQ(g4j_watcher_start(w), -EBADF);        /* no fd set yet */
  CHECK_EQ(g4j_io_set(w, p[0], G4J_EV_READ), 0);
  CHECK_EQ(g4j_watcher_start(w), -EBADF);        /* a closed fd */
  CHECK(!w->active);
  CHECK_EQ(loop->active_watchers, 0);
  CHECK_EQ(g4j_io_set(w, -1, G4J_EV_READ), -EBADF);
  CHECK_EQ(g4j_io_set(w, 0, 0x40), -EINVAL);
  g4j_watcher *t = new_watcher(loop, G4J_TIMER, 2);
  CHECK_EQ(g4j_io_set(t, 0, G4J_EV_READ), -EINVAL); /* wrong kind */
  g4j_watcher_free(t);
  g4j_watcher_free(w);
  g4j_loop_destroy(loop);
}

const test_case tests[] = {
  {"io_pipe", test_io_pipe},
  {"io_pollerr", test_io_pollerr},
  {"io_shared_fd", test_io_shared_fd},
  {"io_set_active", test_io_set_active},
  {"io_keeps_flags", test_io_keeps_flags},
  {"io_bad_fd", test_io_bad_fd},
};
const int test_count = TEST_COUNT(tests);
