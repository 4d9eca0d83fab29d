/* Timers: order, repeat, again, extreme values. */
#include "g4j_test.h"

static void test_timer_order(int backend) {
  g4j_loop *loop = new_loop(backend);
  REQUIRE(loop);
  static const double after[] = {0.05, 0.01, 0.04, 0.02, 0.03};
  static const int32_t expected[] = {1, 3, 4, 2, 0};
  g4j_watcher *w[5];
  loop->ops->update_now(loop);
  double start = loop->ops->now(loop);
  for (int i = 0; i < 5; i++) w[i] = new_timer(loop, i, after[i], 0);
  CHECK_EQ(loop->active_watchers, 5);
  CHECK_EQ(loop->referenced_watchers, 5);
  /* RUN_DEFAULT returns when the last one-shot timer has fired; the batch keeps them all */
  evlog log = {0};
  CHECK_EQ(run_log(loop, G4J_RUN_DEFAULT, &log), 5);
  for (int i = 0; i < 5 && i < log.n; i++) {
    CHECK_EQ(log.id[i], expected[i]);
    CHECK_EQ(log.revents[i], G4J_EV_TIMER);
  }
  CHECK(loop->ops->now(loop) >= start + 0.05 - 1e-6); /* never early */
  CHECK_EQ(loop->active_watchers, 0);
  CHECK_EQ(loop->referenced_watchers, 0);
  for (int i = 0; i < 5; i++) {
    CHECK(!w[i]->active);
    g4j_watcher_free(w[i]);
  }
  g4j_loop_destroy(loop);
}

static void test_timer_repeat(int backend) {
  g4j_loop *loop = new_loop(backend);
  REQUIRE(loop);
  g4j_watcher *w = new_timer(loop, 7, 0.005, 0.005);
  REQUIRE(w);
  evlog log = {0};
  CHECK_EQ(pump(loop, &log, 7, 5, 3.0), 5);
  CHECK_EQ(last_revents(&log, 7), G4J_EV_TIMER);
  CHECK(w->active);
  CHECK_EQ(loop->active_watchers, 1);
  g4j_watcher_stop(w);
  CHECK(!w->active);
  CHECK_EQ(loop->active_watchers, 0);
  /* stopped: no more events */
  pump_for(loop, &log, 0.03);
  CHECK_EQ(count_id(&log, 7), 5);

  /* parameters are checked */
  CHECK_EQ(g4j_timer_set(w, -1, 0), -EINVAL);
  CHECK_EQ(g4j_timer_set(w, 0, -1), -EINVAL);
  CHECK_EQ(g4j_timer_set(w, 0.0 / 0.0, 0), -EINVAL);
  CHECK_EQ(g4j_timer_set(w, 0, 1.0 / 0.0), -EINVAL);
  g4j_watcher_free(w);
  g4j_loop_destroy(loop);
}

static void test_timer_again(int backend) {
  g4j_loop *loop = new_loop(backend);
  REQUIRE(loop);
  evlog log = {0};

  /* repeating: restarts with the repeat value, not `after` */
  g4j_watcher *r = new_timer(loop, 1, 30.0, 0.01);
  REQUIRE(r);
  CHECK_EQ(g4j_timer_again(r), 0);
  CHECK(r->active);
  CHECK_EQ(loop->active_watchers, 1);
  CHECK_EQ(pump(loop, &log, 1, 2, 2.0), 2);
  CHECK_EQ(count_id(&log, GUARD_ID), 0);
  CHECK(r->active);
  CHECK(r->u.timer.after == 30.0); /* the parameters are kept */
  /* on a stopped repeating timer, again starts it */
  g4j_watcher_stop(r);
  CHECK_EQ(g4j_timer_again(r), 0);
  CHECK(r->active);
  CHECK_EQ(pump(loop, &log, 1, 3, 2.0), 3);
  g4j_watcher_free(r);
  CHECK_EQ(loop->active_watchers, 0);

  /* one-shot: again stops it */
  g4j_watcher *o = new_timer(loop, 2, 0.01, 0);
  REQUIRE(o);
  CHECK_EQ(loop->active_watchers, 1);
  CHECK_EQ(g4j_timer_again(o), 0);
  CHECK(!o->active);
  CHECK_EQ(loop->active_watchers, 0);
  CHECK_EQ(loop->referenced_watchers, 0);
  pump_for(loop, &log, 0.05);
  CHECK_EQ(count_id(&log, 2), 0);
  g4j_watcher_free(o);
  g4j_loop_destroy(loop);
}

/* Out-of-range values reach the backends intact: a huge or infinite `after` never fires
 * (libuv: no overflow converting to milliseconds), a tiny `repeat` keeps repeating (libuv:
 * not rounded down to 0, which it takes for one-shot). */
static void test_timer_extremes(int backend) {
  g4j_loop *loop = new_loop(backend);
  REQUIRE(loop);
  evlog log = {0};
  g4j_watcher *huge = new_timer(loop, 1, 1e300, 0);
  g4j_watcher *inf = new_timer(loop, 2, 1.0 / 0.0, 0);
  g4j_watcher *tiny = new_timer(loop, 3, 0, 1e-12);
  REQUIRE(huge && inf && tiny);
  CHECK_EQ(loop->active_watchers, 3);
  CHECK_EQ(pump(loop, &log, 3, 5, 2.0), 5);
  CHECK(tiny->active);
  CHECK_EQ(count_id(&log, 1), 0);
  CHECK_EQ(count_id(&log, 2), 0);
  CHECK(huge->active && inf->active);
  g4j_watcher_free(huge);
  g4j_watcher_free(inf);
  g4j_watcher_free(tiny);
  CHECK_EQ(loop->active_watchers, 0);
  g4j_loop_destroy(loop);
}

const test_case tests[] = {
  {"timer_order", test_timer_order},
  {"timer_repeat", test_timer_repeat},
  {"timer_again", test_timer_again},
  {"timer_extremes", test_timer_extremes},
};
const int test_count = TEST_COUNT(tests);
