/*
 * Shared by the C tests of the loop layer (g4j_loop.h): the checks, the event log and the
 * pump helpers, and the runner (g4j_test.c holds main). Each *_test.c file is one program
 * that lists its tests in `tests[]`; the runner runs each once per backend.
 *
 * Every test builds its own loop, checks the batch the loop hands back ((id, revents)
 * records after g4j_loop_run) and frees everything it made, so that valgrind's leak check
 * means something.
 *
 * Deterministic: nothing sleeps to let things settle; a test that waits runs the loop
 * until the event it wants arrives, bounded by a guard timer. alarm() is the last resort
 * against a hang. The last line printed is "N passed, N failed" (tests, per backend).
 */
#ifndef G4J_TEST_H
#define G4J_TEST_H

#include "g4j_loop.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- checks ------------------------------------------------------------------------ */

extern const char *test_current; /* "test/backend", for messages */
extern int test_failures;        /* failed checks of the test running */

#define FAIL_AT(...)                                                        \
  do {                                                                      \
    fprintf(stderr, "%s:%d: %s: ", __FILE__, __LINE__, test_current);       \
    fprintf(stderr, __VA_ARGS__);                                           \
    fputc('\n', stderr);                                                    \
    test_failures++;                                                        \
  } while (0)
#define CHECK(cond) \
  do { if (!(cond)) FAIL_AT("CHECK(%s) failed", #cond); } while (0)
#define CHECK_EQ(a, b)                                                      \
  do {                                                                      \
    long long a_ = (long long) (a), b_ = (long long) (b);                   \
    if (a_ != b_) FAIL_AT("CHECK_EQ(%s, %s) failed: %lld != %lld", #a, #b, a_, b_); \
  } while (0)
/* For setup steps the rest of a test depends on. */
#define REQUIRE(cond) \
  do { if (!(cond)) { FAIL_AT("REQUIRE(%s) failed", #cond); return; } } while (0)

/* ---- the tests of one program ---------------------------------------------------------- */

typedef struct {
  const char *name;
  void (*fn)(int backend);
} test_case;

/* Defined by each *_test.c: its tests, in the order they run. */
extern const test_case tests[];
extern const int test_count;

#define TEST_COUNT(tests) ((int) (sizeof tests / sizeof tests[0]))

/* ---- loops, watchers and the event log ---------------------------------------------- */

#define GUARD_ID 1000000   /* the guard timer of pump() */
#define NEVER_ID 1000001   /* an id no watcher has: pump() until the guard fires */
#define LOG_MAX 4096

typedef struct {
  int n;
  int32_t id[LOG_MAX], revents[LOG_MAX];
} evlog;

g4j_loop *new_loop(int backend);
g4j_watcher *new_watcher(g4j_loop *loop, int kind, int32_t id);
g4j_watcher *new_timer(g4j_loop *loop, int32_t id, double after, double repeat); /* started */
g4j_watcher *new_io(g4j_loop *loop, int32_t id, int fd, int events);             /* started */

/* One g4j_loop_run; its batch is appended to log. */
int run_log(g4j_loop *loop, int mode, evlog *log);
/* Whether the last run's batch of n records holds id. */
int batch_has(g4j_loop *loop, int n, int32_t id);
int count_id(const evlog *log, int32_t id);
int first_index(const evlog *log, int32_t id);      /* -1 when id never fired */
int32_t last_revents(const evlog *log, int32_t id); /* revents of id's last event, or 0 */

/* Runs RUN_ONCE iterations until id has fired `want` times in log, or until a guard
 * timer of `timeout` seconds fires. Returns how often id has fired. */
int pump(g4j_loop *loop, evlog *log, int32_t id, int want, double timeout);
/* Runs the loop for `timeout` seconds (bounded by the guard), for "nothing fires" checks. */
void pump_for(g4j_loop *loop, evlog *log, double timeout);

/* ---- processes and signals ------------------------------------------------------------ */

/* /bin/sh -c script: the pid, or -errno. */
pid_t spawn_sh(const char *script);
/* Sends sig (unless 0) and reaps pid: its wait status, or -1. */
int reap(pid_t pid, int sig);

/* Child watchers need pidfd_open (Linux 5.3). Valgrind 3.19 (Debian 12's) does not know
 * the syscall and fails it with ENOSYS: there, the child tests check that the start fails
 * cleanly and skip the rest. Set by the runner before the first test. */
extern int have_pidfd;

/* A handler that counts its calls, to tell whether a signal reached it or a loop. */
extern volatile sig_atomic_t handler_hits;
void counting_handler(int signum);
/* Whether handler is signum's current disposition. */
int handler_is(int signum, void (*handler)(int));

#endif
