package io.gevent4j.loop;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Fires when the attributes of a path change: created, deleted, written, touched
 * (gevent's {@code loop.stat}). libev may notice through inotify, libuv polls every
 * {@code interval} seconds.
 */
public final class StatWatcher extends Watcher {
  private final Path path;
  private final double interval;

  StatWatcher(NativeLoop loop, Path path, double interval) {
    super(loop, Constants.KIND_STAT);
    this.path = path;
    this.interval = interval;
    Errors.checkUnchecked(NativeLoop.Natives.statSet0(pointer, path.toString().getBytes(StandardCharsets.UTF_8), interval),
        "stat set");
  }

  /** {@return the watched path} */
  public Path path() {
    return path;
  }

  /** {@return the seconds between checks; 0: the backend's default} */
  public double interval() {
    return interval;
  }

  @Override
  String describe() {
    return "StatWatcher(" + path + ")";
  }
}
