/* signal watchers: one loop owns a signal at a time, the handler from before comes back. */
#include "g4j_test.h"

static void test_signal(int backend) {
  struct sigaction mine = {0}, original;
  mine.sa_handler = counting_handler;
  sigemptyset(&mine.sa_mask);
  REQUIRE(sigaction(SIGUSR1, &mine, &original) == 0);
  handler_hits = 0;

  g4j_loop *loop = new_loop(backend);
  g4j_loop *other = new_loop(backend);
  g4j_loop *foreign = new_loop(1 - backend);
  REQUIRE(loop && other && foreign);
  g4j_watcher *a = new_watcher(loop, G4J_SIGNAL, 1);
  g4j_watcher *b = new_watcher(loop, G4J_SIGNAL, 2);
  g4j_watcher *c = new_watcher(other, G4J_SIGNAL, 3);
  g4j_watcher *d = new_watcher(foreign, G4J_SIGNAL, 4);
  REQUIRE(a && b && c && d);
  CHECK_EQ(g4j_watcher_start(a), -EINVAL); /* no signal set */
  CHECK_EQ(g4j_signal_set(a, 0), -EINVAL);
  CHECK_EQ(g4j_signal_set(a, NSIG), -EINVAL);
  CHECK_EQ(g4j_signal_set(a, SIGUSR1), 0);
  CHECK_EQ(g4j_signal_set(b, SIGUSR1), 0);
  CHECK_EQ(g4j_signal_set(c, SIGUSR1), 0);
  CHECK_EQ(g4j_signal_set(d, SIGUSR1), 0);
  CHECK_EQ(g4j_watcher_start(a), 0);
  CHECK_EQ(g4j_signal_set(a, SIGUSR2), -EBUSY);  /* active */
  CHECK_EQ(g4j_watcher_start(b), 0);             /* same loop: fine */
  CHECK_EQ(g4j_watcher_start(c), -EBUSY);        /* another loop owns it */
  CHECK_EQ(g4j_watcher_start(d), -EBUSY);        /* ... of either backend */
  CHECK(!c->active && !d->active);
  CHECK_EQ(loop->active_watchers, 2);
  CHECK_EQ(other->active_watchers, 0);

  evlog log = {0};
  CHECK_EQ(kill(getpid(), SIGUSR1), 0);
  CHECK_EQ(pump(loop, &log, 1, 1, 2.0), 1);
  CHECK_EQ(pump(loop, &log, 2, 1, 2.0), 1);
  CHECK_EQ(last_revents(&log, 1), G4J_EV_SIGNAL);
  CHECK_EQ(last_revents(&log, 2), G4J_EV_SIGNAL);
  CHECK_EQ(handler_hits, 0); /* the loop had it, not the handler from before */

  /* one watcher left: still the loop's */
  g4j_watcher_stop(a);
  CHECK_EQ(g4j_watcher_start(c), -EBUSY);
  CHECK(!handler_is(SIGUSR1, counting_handler));
  /* the last one stops: the handler from before is back, the signal is free */
  g4j_watcher_stop(b);
  CHECK(handler_is(SIGUSR1, counting_handler));
  CHECK_EQ(kill(getpid(), SIGUSR1), 0);
  CHECK_EQ(handler_hits, 1);
  CHECK_EQ(g4j_watcher_start(d), 0);
  CHECK_EQ(kill(getpid(), SIGUSR1), 0);
  evlog flog = {0};
  CHECK_EQ(pump(foreign, &flog, 4, 1, 2.0), 1);
  CHECK_EQ(handler_hits, 1);
  g4j_watcher_stop(d);
  CHECK(handler_is(SIGUSR1, counting_handler));

  g4j_watcher_free(a);
  g4j_watcher_free(b);
  g4j_watcher_free(c);
  g4j_watcher_free(d);
  g4j_loop_destroy(loop);
  g4j_loop_destroy(other);
  g4j_loop_destroy(foreign);
  sigaction(SIGUSR1, &original, NULL);
}

const test_case tests[] = {
  {"signal", test_signal},
};
const int test_count = TEST_COUNT(tests);
