/* async watchers: sends from several threads, coalescing, a stopped watcher. */
#include "g4j_test.h"

#include <pthread.h>
#include <stdatomic.h>

enum { SENDERS = 4, SENDS = 500 };

typedef struct {
  g4j_watcher *w;
  pthread_barrier_t *barrier;
  atomic_int *done;
  int errors;
} sender_arg;

static void *sender(void *p) {
  sender_arg *a = p;
  pthread_barrier_wait(a->barrier);
  for (int i = 0; i < SENDS; i++) a->errors += g4j_async_send(a->w) != 0;
  atomic_fetch_add(a->done, 1);
  return NULL;
}

static void test_async(int backend) {
  g4j_loop *loop = new_loop(backend);
  REQUIRE(loop);
  g4j_watcher *w = new_watcher(loop, G4J_ASYNC, 3);
  REQUIRE(w);
  CHECK_EQ(g4j_watcher_start(w), 0);
  CHECK_EQ(loop->active_watchers, 1);
  evlog log = {0};

  /* several threads send at once while the loop runs */
  pthread_barrier_t barrier;
  pthread_barrier_init(&barrier, NULL, SENDERS + 1);
  atomic_int done = 0;
  pthread_t threads[SENDERS];
  sender_arg args[SENDERS];
  for (int i = 0; i < SENDERS; i++) {
    args[i] = (sender_arg) {w, &barrier, &done, 0};
    REQUIRE(pthread_create(&threads[i], NULL, sender, &args[i]) == 0);
  }
  pthread_barrier_wait(&barrier);
  while (atomic_load(&done) < SENDERS) run_log(loop, G4J_RUN_NOWAIT, &log);
  for (int i = 0; i < SENDERS; i++) {
    pthread_join(threads[i], NULL);
    CHECK_EQ(args[i].errors, 0);
  }
  pthread_barrier_destroy(&barrier);
  /* every send is visible now: a non-blocking iteration delivers what is left */
  run_log(loop, G4J_RUN_NOWAIT, &log);
  run_log(loop, G4J_RUN_NOWAIT, &log);
  int n = count_id(&log, 3);
  CHECK(n >= 1);
  CHECK(n <= SENDERS * SENDS);
  CHECK_EQ(log.n, n);
  for (int i = 0; i < log.n; i++) CHECK_EQ(log.revents[i], G4J_EV_ASYNC);
  run_log(loop, G4J_RUN_NOWAIT, &log);
  CHECK_EQ(count_id(&log, 3), n); /* nothing more was sent */

  /* one send, one event; a blocking run wakes up for it */
  CHECK_EQ(g4j_async_send(w), 0);
  CHECK_EQ(g4j_async_send(w), 0);
  CHECK_EQ(pump(loop, &log, 3, n + 1, 2.0), n + 1);
  run_log(loop, G4J_RUN_NOWAIT, &log);
  CHECK_EQ(count_id(&log, 3), n + 1); /* coalesced */

  /* stopped: sends are not delivered */
  g4j_watcher_stop(w);
  CHECK_EQ(loop->active_watchers, 0);
  CHECK_EQ(g4j_async_send(w), 0);
  run_log(loop, G4J_RUN_NOWAIT, &log);
  run_log(loop, G4J_RUN_NOWAIT, &log);
  CHECK_EQ(count_id(&log, 3), n + 1);
  g4j_watcher *t = new_watcher(loop, G4J_TIMER, 4);
  CHECK_EQ(g4j_async_send(t), -EINVAL); /* wrong kind */
  g4j_watcher_free(t);
  g4j_watcher_free(w);
  g4j_loop_destroy(loop);
}

const test_case tests[] = {
  {"async", test_async},
};
const int test_count = TEST_COUNT(tests);
