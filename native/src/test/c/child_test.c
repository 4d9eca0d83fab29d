/* child watchers (pidfd based): exactly their pid reaped, zombies, not our child, stopped early. */
#include "g4j_test.h"

static void test_child(int backend) {
  g4j_loop *loop = new_loop(backend);
  REQUIRE(loop);
  pid_t a = spawn_sh("exit 7");
  pid_t b = spawn_sh("exit 3");
  REQUIRE(a > 0 && b > 0);
  g4j_watcher *w = new_watcher(loop, G4J_CHILD, 1);
  REQUIRE(w);
  CHECK_EQ(g4j_watcher_start(w), -EINVAL); /* no pid */
  CHECK_EQ(g4j_child_set(w, 0), -EINVAL);
  CHECK_EQ(g4j_child_set(w, a), 0);
  if (!have_pidfd) {
    CHECK_EQ(g4j_watcher_start(w), -ENOSYS);
    CHECK(!w->active);
    CHECK_EQ(loop->active_watchers, 0);
    CHECK(loop->watchers == w && w->next == NULL); /* no pidfd watcher left behind */
    CHECK_EQ(reap(a, 0), 7 << 8);
    CHECK_EQ(reap(b, 0), 3 << 8);
    g4j_watcher_free(w);
    g4j_loop_destroy(loop);
    return;
  }
  CHECK_EQ(g4j_watcher_start(w), 0);
  CHECK_EQ(g4j_child_set(w, b), -EBUSY);
  /* the pidfd watcher behind it is not counted */
  CHECK_EQ(loop->active_watchers, 1);
  CHECK_EQ(loop->referenced_watchers, 1);
  evlog log = {0};
  CHECK_EQ(pump(loop, &log, 1, 1, 5.0), 1);
  CHECK_EQ(last_revents(&log, 1), G4J_EV_CHILD);
  CHECK(WIFEXITED(w->u.child.status) && WEXITSTATUS(w->u.child.status) == 7);
  CHECK(!w->active);
  CHECK_EQ(loop->active_watchers, 0);
  CHECK_EQ(loop->referenced_watchers, 0);
  /* a was reaped by the watcher, b was left alone */
  int status = 0;
  errno = 0;
  CHECK_EQ(waitpid(a, &status, WNOHANG), -1);
  CHECK_EQ(errno, ECHILD);
  CHECK_EQ(waitpid(b, &status, 0), b);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3);

  /* a child that has exited before the watcher starts */
  pid_t z = spawn_sh("exit 5");
  REQUIRE(z > 0);
  siginfo_t info;
  REQUIRE(waitid(P_PID, z, &info, WEXITED | WNOWAIT) == 0); /* a zombie now, not reaped */
  CHECK_EQ(g4j_child_set(w, z), 0);
  CHECK_EQ(g4j_watcher_start(w), 0);
  CHECK_EQ(pump(loop, &log, 1, 2, 5.0), 2);
  CHECK(WIFEXITED(w->u.child.status) && WEXITSTATUS(w->u.child.status) == 5);
  CHECK_EQ(waitpid(z, &status, WNOHANG), -1);

  /* not our child, or no such process */
  CHECK_EQ(g4j_child_set(w, getppid() > 1 ? getppid() : 1), 0);
  CHECK_EQ(g4j_watcher_start(w), -ECHILD);
  CHECK_EQ(g4j_child_set(w, a), 0); /* reaped already */
  CHECK_EQ(g4j_watcher_start(w), -ECHILD);
  CHECK(!w->active);
  CHECK_EQ(loop->active_watchers, 0);

  /* stopped before its child exits: the child is not reaped by anyone */
  pid_t s = spawn_sh("exec sleep 30");
  REQUIRE(s > 0);
  CHECK_EQ(g4j_child_set(w, s), 0);
  CHECK_EQ(g4j_watcher_start(w), 0);
  g4j_watcher_stop(w);
  CHECK_EQ(loop->active_watchers, 0);
  kill(s, SIGKILL);
  CHECK_EQ(waitpid(s, &status, 0), s);
  CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  g4j_watcher_free(w);
  g4j_loop_destroy(loop);
}

const test_case tests[] = {
  {"child", test_child},
};
const int test_count = TEST_COUNT(tests);
