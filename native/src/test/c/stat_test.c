/* stat watchers: a change of the file is reported. */
#include "g4j_test.h"

static void test_stat(int backend) {
  g4j_loop *loop = new_loop(backend);
  REQUIRE(loop);
  char path[] = "/tmp/g4j-loop-test-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  g4j_watcher *w = new_watcher(loop, G4J_STAT, 1);
  REQUIRE(w);
  CHECK_EQ(g4j_watcher_start(w), -EINVAL); /* no path */
  CHECK_EQ(g4j_stat_set(w, path, -1), -EINVAL);
  CHECK_EQ(g4j_stat_set(w, path, 0.05), 0);
  CHECK_EQ(g4j_watcher_start(w), 0);
  CHECK_EQ(g4j_stat_set(w, path, 0.05), -EBUSY);
  CHECK_EQ(loop->active_watchers, 1);
  /* Touch the file (a byte more: libev compares whole seconds of mtime) on every tick
   * until the watcher reports it: the first change after the watcher's own first stat
   * (libuv takes it on its thread pool) is seen. */
  g4j_watcher *tick = new_timer(loop, 2, 0.02, 0.05);
  REQUIRE(tick);
  evlog log = {0};
  loop->ops->update_now(loop);
  g4j_watcher *guard = new_timer(loop, GUARD_ID, 5.0, 0);
  int ticks = 0;
  while (count_id(&log, 1) == 0 && count_id(&log, GUARD_ID) == 0 && log.n < LOG_MAX) {
    run_log(loop, G4J_RUN_ONCE, &log);
    for (; ticks < count_id(&log, 2); ticks++) CHECK_EQ(write(fd, "x", 1), 1);
  }
  CHECK_EQ(count_id(&log, GUARD_ID), 0);
  CHECK(count_id(&log, 1) >= 1);
  CHECK_EQ(last_revents(&log, 1), G4J_EV_STAT);
  CHECK(w->active);
  g4j_watcher_free(guard);
  g4j_watcher_free(tick);
  g4j_watcher_free(w);
  CHECK_EQ(loop->active_watchers, 0);
  close(fd);
  unlink(path);
  g4j_loop_destroy(loop);
}

const test_case tests[] = {
  {"stat", test_stat},
};
const int test_count = TEST_COUNT(tests);
