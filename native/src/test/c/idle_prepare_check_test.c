/* idle, prepare and check watchers: once per iteration each, prepare before check. */
#include "g4j_test.h"

static void test_idle_prepare_check(int backend) {
  g4j_loop *loop = new_loop(backend);
  REQUIRE(loop);
  g4j_watcher *idle = new_watcher(loop, G4J_IDLE, 1);
  g4j_watcher *prepare = new_watcher(loop, G4J_PREPARE, 2);
  g4j_watcher *check = new_watcher(loop, G4J_CHECK, 3);
  REQUIRE(idle && prepare && check);
  CHECK_EQ(g4j_watcher_start(idle), 0);
  CHECK_EQ(g4j_watcher_start(prepare), 0);
  CHECK_EQ(g4j_watcher_start(check), 0);
  CHECK_EQ(loop->active_watchers, 3);
  for (int round = 0; round < 3; round++) {
    evlog log = {0};
    /* an active idle watcher: the iteration does not block */
    CHECK_EQ(run_log(loop, G4J_RUN_ONCE, &log), 3);
    CHECK_EQ(count_id(&log, 1), 1);
    CHECK_EQ(count_id(&log, 2), 1);
    CHECK_EQ(count_id(&log, 3), 1);
    CHECK(first_index(&log, 2) < first_index(&log, 3));
    CHECK_EQ(last_revents(&log, 1), G4J_EV_IDLE);
    CHECK_EQ(last_revents(&log, 2), G4J_EV_PREPARE);
    CHECK_EQ(last_revents(&log, 3), G4J_EV_CHECK);
  }
  g4j_watcher_stop(idle);
  g4j_watcher_stop(prepare);
  evlog log = {0};
  CHECK_EQ(run_log(loop, G4J_RUN_NOWAIT, &log), 1);
  CHECK_EQ(count_id(&log, 3), 1);
  g4j_watcher_free(idle);
  g4j_watcher_free(prepare);
  g4j_watcher_free(check);
  CHECK_EQ(loop->active_watchers, 0);
  g4j_loop_destroy(loop);
}

const test_case tests[] = {
  {"idle_prepare_check", test_idle_prepare_check},
};
const int test_count = TEST_COUNT(tests);
