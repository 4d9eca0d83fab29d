package io.gevent4j.loop;

/** Fires after each poll (gevent's {@code loop.check}). */
public final class CheckWatcher extends Watcher {
  CheckWatcher(NativeLoop loop) {
    super(loop, Constants.KIND_CHECK);
  }
}
