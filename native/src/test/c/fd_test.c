/* Descriptors: the core owns the life of what it watches (g4j_fd.c). A close under a started
 * watcher, a fd closed or reused behind the core's back, a close from another thread and one
 * pending until the other loop is destroyed, the loops' own fds, running out of fds. */
#include "g4j_test.h"

#include <pthread.h>
#include <sys/resource.h>

#define KILLED (G4J_EV_ERROR | G4J_EV_READ | G4J_EV_WRITE)

static int fd_open(int fd) { return fcntl(fd, F_GETFD) >= 0; }

/* g4j_fd_close under a started watcher: stopped, fired once with ERROR (without the poll
 * waiting), the fd closed; a second close is EBADF. */
static void test_fd_close_under_watcher(int backend) {
  g4j_loop *loop = new_loop(backend);
  REQUIRE(loop);
  int p[2];
  REQUIRE(pipe2(p, O_CLOEXEC) == 0);
  g4j_watcher *r = new_io(loop, 1, p[0], G4J_EV_READ);
  g4j_watcher *r2 = new_io(loop, 2, p[0], G4J_EV_READ | G4J_EV_WRITE);
  REQUIRE(r && r2);
  evlog log = {0};
  for (int i = 0; i < 2; i++) CHECK(run_log(loop, G4J_RUN_NOWAIT, &log) >= 0); /* registered with epoll */
  CHECK_EQ(g4j_fd_close(p[0]), 0);
  CHECK(!fd_open(p[0]));
  CHECK(!r->active && !r2->active);
  CHECK_EQ(loop->active_watchers, 0);
  CHECK_EQ(g4j_fd_close(p[0]), -EBADF);
  CHECK_EQ(run_log(loop, G4J_RUN_ONCE, &log), 2); /* no watcher left: the events alone */
  CHECK_EQ(count_id(&log, 1), 1);
  CHECK_EQ(count_id(&log, 2), 1);
  for (int i = 0; i < log.n; i++) CHECK_EQ(log.revents[i], KILLED);
  CHECK_EQ(g4j_watcher_start(r), -EBADF);
  g4j_watcher_free(r);
  g4j_watcher_free(r2);
  close(p[1]);
  g4j_loop_destroy(loop);
}

/* A descriptor closed behind the core's back between a start and the next poll: the watcher
 * fails instead of reaching epoll_ctl (libev asserted, libuv aborted). */
static void test_fd_closed_behind_back(int backend) {
  g4j_loop *loop = new_loop(backend);
  REQUIRE(loop);
  int p[2];
  REQUIRE(pipe2(p, O_CLOEXEC) == 0);
  g4j_watcher *r = new_io(loop, 1, p[0], G4J_EV_READ);
  REQUIRE(r);
  close(p[0]);
  evlog log = {0};
  CHECK_EQ(pump(loop, &log, 1, 1, 1.0), 1);
  CHECK_EQ(log.revents[first_index(&log, 1)], KILLED);
  CHECK(!r->active);
  CHECK_EQ(loop->active_watchers, 0);
  /* and a mask change on an fd closed after it was registered */
  REQUIRE(pipe2(p + 0, O_CLOEXEC) == 0 || 1);
  int q[2];
  REQUIRE(pipe2(q, O_CLOEXEC) == 0);
  g4j_watcher *a = new_io(loop, 2, q[0], G4J_EV_READ);
  REQUIRE(a);
  for (int i = 0; i < 2; i++) CHECK(run_log(loop, G4J_RUN_NOWAIT, &log) >= 0);
  close(q[0]);
  g4j_watcher *b = new_watcher(loop, G4J_IO, 3);
  CHECK_EQ(g4j_io_set(b, q[0], G4J_EV_WRITE), 0);
  CHECK_EQ(g4j_watcher_start(b), -EBADF);
  for (int i = 0; i < 2; i++) CHECK(run_log(loop, G4J_RUN_NOWAIT, &log) >= 0);
  g4j_watcher_free(a);
  g4j_watcher_free(b);
  g4j_watcher_free(r);
  close(p[1]);
  close(q[1]);
  g4j_loop_destroy(loop);
}

/* A number closed (either way) and reused by a new file: the new file's watcher fires
 * (libuv used to keep the dead registration and never fire), the old one fails. */
static void test_fd_reused(int backend) {
  for (int through_core = 0; through_core < 2; through_core++) {
    g4j_loop *loop = new_loop(backend);
    REQUIRE(loop);
    int p[2], q[2];
    REQUIRE(pipe2(p, O_CLOEXEC) == 0);
    g4j_watcher *old = new_io(loop, 1, p[0], G4J_EV_READ);
    REQUIRE(old);
    evlog log = {0};
    for (int i = 0; i < 2; i++) CHECK(run_log(loop, G4J_RUN_NOWAIT, &log) >= 0);
    int number = p[0];
    if (through_core) CHECK_EQ(g4j_fd_close(number), 0);
    else close(number);
    REQUIRE(pipe2(q, O_CLOEXEC) == 0);
    if (q[0] != number) {
      REQUIRE(dup2(q[0], number) == number);
      close(q[0]);
      q[0] = number;
    }
    g4j_watcher *fresh = new_io(loop, 2, q[0], G4J_EV_READ);
    REQUIRE(fresh);
    REQUIRE(write(q[1], "x", 1) == 1);
    CHECK_EQ(pump(loop, &log, 2, 1, 2.0), 1);
    CHECK_EQ(log.revents[first_index(&log, 2)], G4J_EV_READ);
    CHECK_EQ(count_id(&log, 1), 1);
    CHECK_EQ(log.revents[first_index(&log, 1)], KILLED);
    CHECK(!old->active && fresh->active);
    g4j_watcher_free(old);
    g4j_watcher_free(fresh);
    CHECK_EQ(g4j_fd_close(q[0]), 0);
    close(q[1]);
    close(p[1]);
    g4j_loop_destroy(loop);
  }
}

typedef struct {
  int fd;
  int rc;
  pthread_barrier_t *ready;
} closer_arg;

static void *closer(void *p) {
  closer_arg *a = p;
  pthread_barrier_wait(a->ready);
  a->rc = g4j_fd_close(a->fd);
  return NULL;
}

/* Another thread closes a fd this loop waits on: the poll wakes, the watcher fails, and the
 * fd is closed by this loop once it let go. */
static void test_fd_close_cross_thread(int backend) {
  g4j_loop *loop = new_loop(backend);
  REQUIRE(loop);
  int p[2];
  REQUIRE(pipe2(p, O_CLOEXEC) == 0);
  g4j_watcher *r = new_io(loop, 1, p[0], G4J_EV_READ);
  REQUIRE(r);
  evlog log = {0};
  CHECK(run_log(loop, G4J_RUN_NOWAIT, &log) >= 0);
  pthread_barrier_t ready;
  pthread_barrier_init(&ready, NULL, 2);
  closer_arg arg = {p[0], -1, &ready};
  pthread_t t;
  REQUIRE(pthread_create(&t, NULL, closer, &arg) == 0);
  pthread_barrier_wait(&ready);
  CHECK_EQ(pump(loop, &log, 1, 1, 5.0), 1); /* blocks in the poll until the closer's wake-up */
  pthread_join(t, NULL);
  CHECK_EQ(arg.rc, 0);
  CHECK_EQ(log.revents[first_index(&log, 1)], KILLED);
  CHECK(!fd_open(p[0]));
  CHECK(!r->active);
  g4j_watcher_free(r);
  close(p[1]);
  pthread_barrier_destroy(&ready);
  g4j_loop_destroy(loop);
}

typedef struct {
  int backend, fd;
  pthread_barrier_t *started, *closed;
  int ok;
} owner_arg;

/* A loop on its own thread that watches fd, then is destroyed without running again. */
static void *owner(void *p) {
  owner_arg *a = p;
  g4j_loop *loop = NULL;
  g4j_watcher *w = NULL;
  if (g4j_loop_new(a->backend, &loop) == 0 && g4j_watcher_new(loop, G4J_IO, 1, &w) == 0 &&
      g4j_io_set(w, a->fd, G4J_EV_READ) == 0 && g4j_watcher_start(w) == 0) {
    a->ok = 1;
  }
  pthread_barrier_wait(a->started);
  pthread_barrier_wait(a->closed);
  if (loop) g4j_loop_destroy(loop);
  return NULL;
}

/* A close under another thread's loop that never runs again: the fd stays open until that
 * loop lets go (here: its destruction), and no watcher can start on it meanwhile. */
static void test_fd_close_pending_until_destroy(int backend) {
  int p[2];
  REQUIRE(pipe2(p, O_CLOEXEC) == 0);
  pthread_barrier_t started, closed;
  pthread_barrier_init(&started, NULL, 2);
  pthread_barrier_init(&closed, NULL, 2);
  owner_arg arg = {backend, p[0], &started, &closed, 0};
  pthread_t t;
  REQUIRE(pthread_create(&t, NULL, owner, &arg) == 0);
  pthread_barrier_wait(&started);
  CHECK(arg.ok);
  CHECK_EQ(g4j_fd_close(p[0]), 0);
  CHECK(fd_open(p[0]));                  /* the other loop has not let go yet */
  CHECK_EQ(g4j_fd_close(p[0]), -EBADF);  /* closed already, as far as anyone can tell */
  g4j_loop *loop = new_loop(backend);
  g4j_watcher *w = new_watcher(loop, G4J_IO, 1);
  CHECK_EQ(g4j_io_set(w, p[0], G4J_EV_READ), 0);
  CHECK_EQ(g4j_watcher_start(w), -EBADF);
  g4j_watcher_free(w);
  g4j_loop_destroy(loop);
  pthread_barrier_wait(&closed);
  pthread_join(t, NULL);
  CHECK(!fd_open(p[0]));
  close(p[1]);
  pthread_barrier_destroy(&started);
  pthread_barrier_destroy(&closed);
}

/* A loop's own descriptors (its epoll set first) can be neither closed nor watched. */
static void test_fd_own(int backend) {
  g4j_loop *loop = new_loop(backend);
  REQUIRE(loop);
  CHECK(loop->own_fd_count >= 2); /* the epoll set and the wake-up */
  for (int i = 0; i < loop->own_fd_count; i++) {
    int fd = loop->own_fds[i];
    CHECK(fd_open(fd));
    CHECK_EQ(g4j_fd_close(fd), -EBUSY);
    CHECK(fd_open(fd));
    g4j_watcher *w = new_watcher(loop, G4J_IO, 1);
    CHECK_EQ(g4j_io_set(w, fd, G4J_EV_READ), 0);
    CHECK_EQ(g4j_watcher_start(w), -EBUSY);
    g4j_watcher_free(w);
  }
  char path[64], target[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", loop->own_fds[0]);
  ssize_t n = readlink(path, target, sizeof target - 1);
  REQUIRE(n > 0);
  target[n] = 0;
  CHECK(strcmp(target, "anon_inode:[eventpoll]") == 0);
  /* a second loop cannot watch the first one's epoll set either */
  g4j_loop *other = new_loop(backend);
  g4j_watcher *w = new_watcher(other, G4J_IO, 1);
  CHECK_EQ(g4j_io_set(w, loop->own_fds[0], G4J_EV_READ), 0);
  CHECK_EQ(g4j_watcher_start(w), -EBUSY);
  g4j_watcher_free(w);
  g4j_loop_destroy(other);
  int epfd = loop->own_fds[0];
  g4j_loop_destroy(loop);
  /* released with the loop */
  int again = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (again == epfd) CHECK_EQ(g4j_fd_close(again), 0);
  else if (again >= 0) close(again);
}

/* Out of descriptors: a loop cannot be made, and says so (libev aborted creating its
 * wake-up pipe). In a child process, whose limit can drop without hurting the others. */
static void test_fd_exhausted(int backend) {
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    struct rlimit lim = {64, 64};
    if (setrlimit(RLIMIT_NOFILE, &lim) != 0) _exit(3); /* valgrind keeps the limit for itself */
    g4j_loop *loops[64];
    int made = 0, rc = 0;
    while (made < 64 && (rc = g4j_loop_new(backend, &loops[made])) == 0) made++;
    int ok = rc == -EMFILE && made > 0;
    while (made > 0) g4j_loop_destroy(loops[--made]);
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status));
  if (WIFEXITED(status) && WEXITSTATUS(status) == 3) {
    printf("note: %s skipped: the descriptor limit cannot be lowered here (valgrind)\n", test_current);
    return;
  }
  CHECK_EQ(WEXITSTATUS(status), 0);
}

const test_case tests[] = {
  {"fd_close_under_watcher", test_fd_close_under_watcher},
  {"fd_closed_behind_back", test_fd_closed_behind_back},
  {"fd_reused", test_fd_reused},
  {"fd_close_cross_thread", test_fd_close_cross_thread},
  {"fd_close_pending_until_destroy", test_fd_close_pending_until_destroy},
  {"fd_own", test_fd_own},
  {"fd_exhausted", test_fd_exhausted},
};
const int test_count = TEST_COUNT(tests);
