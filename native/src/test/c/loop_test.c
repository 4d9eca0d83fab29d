/* The loop itself: names and versions, watcher kinds (fork), the batch growing, break,
 * references and the counts, freeing and destroying with every kind active. */
#include "g4j_test.h"

#include <sys/socket.h>

/* ---- names and kinds --------------------------------------------------------------- */

static void test_names(int backend) {
  g4j_loop *loop = new_loop(backend);
  REQUIRE(loop);
  char buf[64];
  const char *expected = backend == G4J_BACKEND_LIBEV ? "libev:epoll" : "libuv:epoll";
  CHECK(strcmp(g4j_loop_backend_name(loop, buf, sizeof buf), expected) == 0);
  const g4j_backend_ops *ops = g4j_backend(backend);
  CHECK(ops == loop->ops);
  /* built against the version we run with (the system's packages) */
  CHECK(strcmp(ops->version(), ops->build_version()) == 0);
  CHECK(g4j_backend(G4J_BACKENDS) == NULL);
  g4j_loop *none = NULL;
  CHECK_EQ(g4j_loop_new(G4J_BACKENDS, &none), -EINVAL);
  g4j_loop_destroy(loop);
}

static void test_fork_watcher(int backend) {
  g4j_loop *loop = new_loop(backend);
  REQUIRE(loop);
  g4j_watcher *w = NULL;
  int rc = g4j_watcher_new(loop, G4J_FORK, 1, &w);
  if (backend == G4J_BACKEND_LIBUV) {
    CHECK_EQ(rc, -ENOTSUP);
    CHECK(loop->watchers == NULL);
  } else {
    CHECK_EQ(rc, 0);
    REQUIRE(w);
    CHECK_EQ(g4j_watcher_start(w), 0);
    CHECK_EQ(loop->active_watchers, 1);
    g4j_watcher_free(w);
  }
  CHECK_EQ(g4j_watcher_new(loop, 0, 1, &w), -EINVAL);
  CHECK_EQ(g4j_watcher_new(loop, G4J_WATCHER_KINDS, 1, &w), -EINVAL);
  g4j_loop_destroy(loop);
}

/* ---- the batch, run, break, references ----------------------------------------------- */

/* 1000 timers due in one iteration: the batch grows past its initial 256 records. */
static void test_batch_growth(int backend) {
  enum { N = 1000 };
  g4j_loop *loop = new_loop(backend);
  REQUIRE(loop);
  int initial = loop->events_capacity;
  CHECK(initial < N);
  g4j_watcher **w = calloc(N, sizeof *w);
  REQUIRE(w);
  for (int i = 0; i < N; i++) w[i] = new_timer(loop, i, 0, 0);
  CHECK_EQ(loop->active_watchers, N);
  int n = g4j_loop_run(loop, G4J_RUN_ONCE);
  CHECK_EQ(n, N);
  CHECK(loop->events_capacity >= N);
  CHECK_EQ(loop->events_overflow, 0);
  char *seen = calloc(N, 1);
  REQUIRE(seen);
  for (int i = 0; i < n; i++) {
    int32_t id = loop->events[i].id;
    CHECK(id >= 0 && id < N);
    if (id >= 0 && id < N) seen[id]++;
    CHECK_EQ(loop->events[i].revents, G4J_EV_TIMER);
  }
  int once = 0;
  for (int i = 0; i < N; i++) once += seen[i] == 1;
  CHECK_EQ(once, N);
  CHECK_EQ(loop->active_watchers, 0);
  free(seen);
  for (int i = 0; i < N; i++) g4j_watcher_free(w[i]);
  free(w);
  g4j_loop_destroy(loop);
}

static int break_hits;
/* The test's hook into a run in progress: the core's internal_cb (which it uses for the
 * pidfd watchers of child watchers) is the only code that runs inside g4j_loop_run. */
static void break_on_third(g4j_watcher *w, int revents) {
  if (++break_hits == 3) g4j_loop_break(w->loop);
}

static void test_break(int backend) {
  g4j_loop *loop = new_loop(backend);
  REQUIRE(loop);
  evlog log = {0};
  /* a break outside a run does not leak into the next one: it still waits for the timer */
  g4j_loop_break(loop);
  g4j_watcher *once = new_timer(loop, 1, 0.02, 0);
  REQUIRE(once);
  CHECK_EQ(run_log(loop, G4J_RUN_ONCE, &log), 1);
  CHECK_EQ(count_id(&log, 1), 1);
  g4j_watcher_free(once);

  /* a break inside RUN_DEFAULT ends it after that iteration, with the loop still alive */
  g4j_watcher *keep = new_timer(loop, 2, 0.005, 0.005);
  g4j_watcher *breaker = new_watcher(loop, G4J_TIMER, 3);
  REQUIRE(keep && breaker);
  breaker->internal_cb = break_on_third;
  break_hits = 0;
  CHECK_EQ(g4j_timer_set(breaker, 0.005, 0.005), 0);
  CHECK_EQ(g4j_watcher_start(breaker), 0);
  int n = run_log(loop, G4J_RUN_DEFAULT, &log);
  CHECK(n >= 0);
  CHECK_EQ(break_hits, 3);
  CHECK(keep->active);
  /* and the next run goes on as usual */
  CHECK(pump(loop, &log, 2, count_id(&log, 2) + 1, 2.0) >= 1);
  CHECK(break_hits > 3);
  g4j_watcher_free(breaker);
  g4j_watcher_free(keep);

  CHECK_EQ(g4j_loop_run(loop, 3), -EINVAL);
  CHECK_EQ(g4j_loop_run(loop, G4J_RUN_NOWAIT), 0); /* nothing active */
  CHECK_EQ(g4j_loop_run(loop, G4J_RUN_DEFAULT), 0);
  g4j_loop_destroy(loop);
}

static void test_unref(int backend) {
  g4j_loop *loop = new_loop(backend);
  REQUIRE(loop);
  int p[2];
  REQUIRE(pipe(p) == 0);
  evlog log = {0};
  /* unreferenced before start, and after */
  g4j_watcher *timer = new_watcher(loop, G4J_TIMER, 1);
  g4j_watcher *async = new_watcher(loop, G4J_ASYNC, 2);
  g4j_watcher *io = new_watcher(loop, G4J_IO, 3);
  g4j_watcher *idle = new_watcher(loop, G4J_IDLE, 4);
  REQUIRE(timer && async && io && idle);
  g4j_watcher_set_ref(timer, 0);
  g4j_watcher_set_ref(async, 0);
  CHECK_EQ(g4j_timer_set(timer, 0.005, 0.005), 0);
  CHECK_EQ(g4j_watcher_start(timer), 0);
  CHECK_EQ(g4j_watcher_start(async), 0);
  CHECK_EQ(g4j_io_set(io, p[0], G4J_EV_READ), 0);
  CHECK_EQ(g4j_watcher_start(io), 0);
  CHECK_EQ(loop->referenced_watchers, 1);
  g4j_watcher_set_ref(io, 0);
  CHECK_EQ(loop->active_watchers, 3);
  CHECK_EQ(loop->referenced_watchers, 0);
  /* nothing referenced: RUN_DEFAULT returns at once */
  CHECK(g4j_loop_run(loop, G4J_RUN_DEFAULT) >= 0);
  /* a referenced one-shot timer keeps it running until it fired */
  g4j_watcher *one = new_timer(loop, 5, 0.03, 0);
  REQUIRE(one);
  CHECK_EQ(loop->referenced_watchers, 1);
  CHECK(run_log(loop, G4J_RUN_DEFAULT, &log) >= 1);
  CHECK_EQ(count_id(&log, 5), 1);
  CHECK_EQ(loop->active_watchers, 3);
  CHECK_EQ(loop->referenced_watchers, 0);
  /* the unreferenced watchers still work */
  CHECK(pump(loop, &log, 1, count_id(&log, 1) + 1, 2.0) >= 1);
  CHECK_EQ(g4j_async_send(async), 0);
  CHECK_EQ(pump(loop, &log, 2, 1, 2.0), 1);
  CHECK_EQ(write(p[1], "x", 1), 1);
  CHECK_EQ(pump(loop, &log, 3, 1, 2.0), 1);
  char drained;
  CHECK_EQ(read(p[0], &drained, 1), 1); /* level-triggered: else it fires at every poll and fills the log */
  /* references follow set_ref on active watchers, and restarts */
  g4j_watcher_set_ref(timer, 1);
  CHECK_EQ(loop->referenced_watchers, 1);
  g4j_watcher_set_ref(timer, 1);
  CHECK_EQ(loop->referenced_watchers, 1);
  g4j_watcher_stop(timer);
  CHECK_EQ(loop->referenced_watchers, 0);
  g4j_watcher_set_ref(timer, 0);
  CHECK_EQ(g4j_timer_again(timer), 0);
  CHECK_EQ(loop->referenced_watchers, 0);
  CHECK_EQ(loop->active_watchers, 3);
  /* an unreferenced idle watcher: RUN_DEFAULT returns too */
  g4j_watcher_set_ref(idle, 0);
  CHECK_EQ(g4j_watcher_start(idle), 0);
  CHECK(g4j_loop_run(loop, G4J_RUN_DEFAULT) >= 0);
  g4j_watcher_stop(idle);

  /* an unreferenced child watcher (its pidfd watcher too) */
  if (!have_pidfd) goto done;
  pid_t pid = spawn_sh("exec sleep 30");
  REQUIRE(pid > 0);
  g4j_watcher *child = new_watcher(loop, G4J_CHILD, 6);
  REQUIRE(child);
  CHECK_EQ(g4j_child_set(child, pid), 0);
  CHECK_EQ(g4j_watcher_start(child), 0);
  CHECK_EQ(loop->referenced_watchers, 1);
  g4j_watcher_set_ref(child, 0);
  CHECK_EQ(loop->referenced_watchers, 0);
  CHECK(g4j_loop_run(loop, G4J_RUN_DEFAULT) >= 0);
  CHECK(child->active);
  kill(pid, SIGKILL);
  CHECK_EQ(pump(loop, &log, 6, 1, 5.0), 1);
  CHECK(WIFSIGNALED(child->u.child.status));
  CHECK(!child->active);
  CHECK_EQ(loop->referenced_watchers, 0);
  CHECK_EQ(loop->active_watchers, 3);
  g4j_watcher_free(child);

done:
  g4j_watcher_free(one);
  g4j_watcher_free(timer);
  g4j_watcher_free(async);
  g4j_watcher_free(io);
  g4j_watcher_free(idle);
  CHECK_EQ(loop->active_watchers, 0);
  CHECK_EQ(loop->referenced_watchers, 0);
  close(p[0]);
  close(p[1]);
  g4j_loop_destroy(loop);
}

/* ---- destroy ----------------------------------------------------------------------- */

/* A loop destroyed with an active watcher of every kind, once before it ever ran and once
 * after a few iterations (libuv: requests in flight on its thread pool). Valgrind and
 * ASan tell whether anything leaked or was touched after free. */
static void destroy_with_everything(int backend, int iterations) {
  struct sigaction mine = {0}, original;
  mine.sa_handler = counting_handler;
  sigemptyset(&mine.sa_mask);
  REQUIRE(sigaction(SIGUSR2, &mine, &original) == 0);
  int s[2], p[2];
  REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0);
  REQUIRE(pipe(p) == 0);
  char path[] = "/tmp/g4j-loop-test-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  pid_t pid = spawn_sh("exec sleep 30");
  REQUIRE(pid > 0);

  g4j_loop *loop = new_loop(backend);
  REQUIRE(loop);
  new_io(loop, 1, s[0], G4J_EV_READ);
  new_io(loop, 2, s[0], G4J_EV_WRITE);
  new_io(loop, 3, p[0], G4J_EV_READ);
  new_timer(loop, 4, 0.001, 0.001);
  new_timer(loop, 5, 60, 0);
  g4j_watcher *unref = new_timer(loop, 6, 0.001, 0.002);
  if (unref) g4j_watcher_set_ref(unref, 0);
  g4j_watcher *w = new_watcher(loop, G4J_SIGNAL, 7);
  CHECK(w && g4j_signal_set(w, SIGUSR2) == 0 && g4j_watcher_start(w) == 0);
  w = new_watcher(loop, G4J_ASYNC, 8);
  CHECK(w && g4j_watcher_start(w) == 0 && g4j_async_send(w) == 0);
  w = new_watcher(loop, G4J_CHILD, 9);
  CHECK(w && g4j_child_set(w, pid) == 0 && g4j_watcher_start(w) == (have_pidfd ? 0 : -ENOSYS));
  static const int simple[] = {G4J_IDLE, G4J_PREPARE, G4J_CHECK};
  for (int i = 0; i < 3; i++) {
    w = new_watcher(loop, simple[i], 10 + i);
    CHECK(w && g4j_watcher_start(w) == 0);
  }
  w = new_watcher(loop, G4J_STAT, 13);
  CHECK(w && g4j_stat_set(w, path, 0.01) == 0 && g4j_watcher_start(w) == 0);
  if (backend == G4J_BACKEND_LIBEV) {
    w = new_watcher(loop, G4J_FORK, 14);
    CHECK(w && g4j_watcher_start(w) == 0);
  }
  new_watcher(loop, G4J_TIMER, 15); /* never started */
  CHECK_EQ(loop->active_watchers, (backend == G4J_BACKEND_LIBEV ? 14 : 13) - !have_pidfd);
  CHECK(!handler_is(SIGUSR2, counting_handler));
  CHECK_EQ(write(s[1], "x", 1), 1);
  for (int i = 0; i < iterations; i++) CHECK(g4j_loop_run(loop, G4J_RUN_ONCE) >= 0);
  g4j_loop_destroy(loop);

  /* the signal is released and its handler back; the child was not reaped */
  CHECK(handler_is(SIGUSR2, counting_handler));
  g4j_loop *again = new_loop(backend);
  REQUIRE(again);
  w = new_watcher(again, G4J_SIGNAL, 1);
  CHECK(w && g4j_signal_set(w, SIGUSR2) == 0 && g4j_watcher_start(w) == 0);
  g4j_loop_destroy(again);
  kill(pid, SIGKILL);
  int status;
  CHECK_EQ(waitpid(pid, &status, 0), pid);
  sigaction(SIGUSR2, &original, NULL);
  close(s[0]);
  close(s[1]);
  close(p[0]);
  close(p[1]);
  close(fd);
  unlink(path);
}

static void test_destroy_fresh(int backend) { destroy_with_everything(backend, 0); }
static void test_destroy_running(int backend) { destroy_with_everything(backend, 5); }

/* Every kind freed one by one while active, on a loop that then runs on. */
static void test_free_active(int backend) {
  g4j_loop *loop = new_loop(backend);
  REQUIRE(loop);
  int p[2];
  REQUIRE(pipe(p) == 0);
  pid_t pid = spawn_sh("exec sleep 30");
  REQUIRE(pid > 0);
  g4j_watcher *ws[12];
  int n = 0;
  ws[n++] = new_io(loop, 1, p[0], G4J_EV_READ);
  ws[n++] = new_io(loop, 2, p[1], G4J_EV_WRITE);
  ws[n++] = new_timer(loop, 3, 0.001, 0.001);
  ws[n] = new_watcher(loop, G4J_ASYNC, 4);
  CHECK(ws[n] && g4j_watcher_start(ws[n]) == 0 && g4j_async_send(ws[n]) == 0);
  n++;
  ws[n] = new_watcher(loop, G4J_CHILD, 5);
  CHECK(ws[n] && g4j_child_set(ws[n], pid) == 0 && g4j_watcher_start(ws[n]) == (have_pidfd ? 0 : -ENOSYS));
  n++;
  ws[n] = new_watcher(loop, G4J_IDLE, 6);
  CHECK(ws[n] && g4j_watcher_start(ws[n]) == 0);
  n++;
  ws[n] = new_watcher(loop, G4J_STAT, 7);
  CHECK(ws[n] && g4j_stat_set(ws[n], "/", 0.01) == 0 && g4j_watcher_start(ws[n]) == 0);
  n++;
  for (int i = 0; i < 3; i++) CHECK(g4j_loop_run(loop, G4J_RUN_NOWAIT) >= 0);
  for (int i = 0; i < n; i++) if (ws[i]) g4j_watcher_free(ws[i]);
  CHECK(loop->watchers == NULL);
  CHECK_EQ(loop->active_watchers, 0);
  CHECK_EQ(loop->referenced_watchers, 0);
  for (int i = 0; i < 3; i++) CHECK_EQ(g4j_loop_run(loop, G4J_RUN_NOWAIT), 0);
  g4j_loop_destroy(loop);
  kill(pid, SIGKILL);
  int status;
  CHECK_EQ(waitpid(pid, &status, 0), pid);
  close(p[0]);
  close(p[1]);
}

const test_case tests[] = {
  {"names", test_names},
  {"fork_watcher", test_fork_watcher},
  {"batch_growth", test_batch_growth},
  {"break", test_break},
  {"unref", test_unref},
  {"free_active", test_free_active},
  {"destroy_fresh", test_destroy_fresh},
  {"destroy_running", test_destroy_running},
};
const int test_count = TEST_COUNT(tests);
