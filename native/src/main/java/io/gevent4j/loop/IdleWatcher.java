package io.gevent4j.loop;

/** Fires on loop iterations with nothing else to do (gevent's {@code loop.idle}); while active, the loop does not block. */
public final class IdleWatcher extends Watcher {
  IdleWatcher(NativeLoop loop) {
    super(loop, Constants.KIND_IDLE);
  }
}
