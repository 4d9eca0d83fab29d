package io.gevent4j.loop;

/** How long {@link Loop#run(RunMode)} runs: libev's {@code ev_run} flags, libuv's run modes. */
public enum RunMode {
  /** Until no referenced watcher is active, or {@link Loop#breakLoop()} is called. */
  DEFAULT,
  /** One iteration that polls without waiting. */
  NOWAIT,
  /** One iteration that waits for at least one event when a referenced watcher is active. */
  ONCE
}
