package io.gevent4j.loop;

/** Fires at the start of each loop iteration, before the poll (gevent's {@code loop.prepare}). */
public final class PrepareWatcher extends Watcher {
  PrepareWatcher(NativeLoop loop) {
    super(loop, Constants.KIND_PREPARE);
  }
}
