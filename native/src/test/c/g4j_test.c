/*
 * The helpers of g4j_test.h and the runner: main() runs every test of the program (or the
 * one named on the command line) once per backend, one line each, then "N passed, N failed".
 */
#include "g4j_test.h"

#include <spawn.h>
#include <sys/syscall.h>
#include <time.h>

extern char **environ;

const char *test_current = "?";
int test_failures;
int have_pidfd = 1;
volatile sig_atomic_t handler_hits;

/* ---- loops, watchers and the event log ---------------------------------------------- */

g4j_loop *new_loop(int backend) {
  g4j_loop *loop = NULL;
  int rc = g4j_loop_new(backend, &loop);
  if (rc < 0) FAIL_AT("g4j_loop_new: %s", strerror(-rc));
  return loop;
}

g4j_watcher *new_watcher(g4j_loop *loop, int kind, int32_t id) {
  g4j_watcher *w = NULL;
  int rc = g4j_watcher_new(loop, kind, id, &w);
  if (rc < 0) FAIL_AT("g4j_watcher_new(kind %d): %s", kind, strerror(-rc));
  return w;
}

g4j_watcher *new_timer(g4j_loop *loop, int32_t id, double after, double repeat) {
  g4j_watcher *w = new_watcher(loop, G4J_TIMER, id);
  if (w && (g4j_timer_set(w, after, repeat) < 0 || g4j_watcher_start(w) < 0)) FAIL_AT("timer %d", id);
  return w;
}

g4j_watcher *new_io(g4j_loop *loop, int32_t id, int fd, int events) {
  g4j_watcher *w = new_watcher(loop, G4J_IO, id);
  if (w && (g4j_io_set(w, fd, events) < 0 || g4j_watcher_start(w) < 0)) FAIL_AT("io %d on fd %d", id, fd);
  return w;
}

int run_log(g4j_loop *loop, int mode, evlog *log) {
  int n = g4j_loop_run(loop, mode);
  for (int i = 0; i < n; i++) {
    if (log->n == LOG_MAX) {
      FAIL_AT("event log full: a watcher fires on every iteration?");
      return n;
    }
    log->id[log->n] = loop->events[i].id;
    log->revents[log->n] = loop->events[i].revents;
    log->n++;
  }
  return n;
}

int batch_has(g4j_loop *loop, int n, int32_t id) {
  for (int i = 0; i < n; i++) if (loop->events[i].id == id) return 1;
  return 0;
}

int count_id(const evlog *log, int32_t id) {
  int c = 0;
  for (int i = 0; i < log->n; i++) c += log->id[i] == id;
  return c;
}

int first_index(const evlog *log, int32_t id) {
  for (int i = 0; i < log->n; i++) if (log->id[i] == id) return i;
  return -1;
}

int32_t last_revents(const evlog *log, int32_t id) {
  for (int i = log->n - 1; i >= 0; i--) if (log->id[i] == id) return log->revents[i];
  return 0;
}

int pump(g4j_loop *loop, evlog *log, int32_t id, int want, double timeout) {
  loop->ops->update_now(loop);
  g4j_watcher *guard = new_timer(loop, GUARD_ID, timeout, 0);
  if (!guard) return count_id(log, id);
  int n = 0;
  while (count_id(log, id) < want && !batch_has(loop, n, GUARD_ID)) {
    n = run_log(loop, G4J_RUN_ONCE, log);
    if (n < 0 || log->n == LOG_MAX) break;
  }
  g4j_watcher_free(guard);
  return count_id(log, id);
}

void pump_for(g4j_loop *loop, evlog *log, double timeout) { pump(loop, log, NEVER_ID, 1, timeout); }

/* ---- processes and signals ------------------------------------------------------------ */

pid_t spawn_sh(const char *script) {
  char *argv[] = {"/bin/sh", "-c", (char *) script, NULL};
  pid_t pid;
  int rc = posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ);
  return rc == 0 ? pid : -rc;
}

static void detect_pidfd(void) {
  int fd = (int) syscall(SYS_pidfd_open, getpid(), 0);
  if (fd >= 0) close(fd);
  else if (errno == ENOSYS) have_pidfd = 0;
}

int reap(pid_t pid, int sig) {
  int status = 0;
  if (sig) kill(pid, sig);
  return waitpid(pid, &status, 0) == pid ? status : -1;
}

void counting_handler(int signum) { handler_hits++; }

int handler_is(int signum, void (*handler)(int)) {
  struct sigaction sa;
  return sigaction(signum, NULL, &sa) == 0 && sa.sa_handler == handler;
}

/* ---- main -------------------------------------------------------------------------- */

int main(int argc, char **argv) {
  alarm(120); /* a hang fails the run instead of stalling ctest */
  setvbuf(stdout, NULL, _IOLBF, 0);
  detect_pidfd();
  if (!have_pidfd) printf("note: pidfd_open is ENOSYS here (valgrind < 3.20?): child watchers only checked to fail cleanly\n");
  static const int backends[] = {G4J_BACKEND_LIBEV, G4J_BACKEND_LIBUV};
  int passed = 0, failed = 0;
  if (argc > 1) {
    int known = 0;
    for (int t = 0; t < test_count; t++) known |= strcmp(argv[1], tests[t].name) == 0;
    if (!known) {
      fprintf(stderr, "no test named %s in %s\n", argv[1], argv[0]);
      return 2;
    }
  }
  for (int b = 0; b < 2; b++) {
    for (int t = 0; t < test_count; t++) {
      if (argc > 1 && strcmp(argv[1], tests[t].name) != 0) continue;
      char label[96];
      snprintf(label, sizeof label, "%s/%s", tests[t].name, g4j_backend(backends[b])->name);
      test_current = label;
      test_failures = 0;
      struct timespec t0, t1;
      clock_gettime(CLOCK_MONOTONIC, &t0);
      tests[t].fn(backends[b]);
      clock_gettime(CLOCK_MONOTONIC, &t1);
      if (test_failures) failed++;
      else passed++;
      long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
      printf("%s %s (%ld ms)\n", test_failures ? "FAIL" : "ok  ", label, ms);
    }
  }
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
