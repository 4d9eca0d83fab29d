package io.gevent4j.loop;

/** Fires in the child after a fork (gevent's {@code loop.fork}); libev only. */
public final class ForkWatcher extends Watcher {
  ForkWatcher(NativeLoop loop) {
    super(loop, Constants.KIND_FORK);
  }
}
