package io.gevent4j.loop;

/** Watches a file descriptor for {@link #READ} and/or {@link #WRITE} (gevent's {@code loop.io}). */
public final class IoWatcher extends Watcher {
  private int fd;
  private int events;

  IoWatcher(NativeLoop loop, int fd, int events) {
    super(loop, Constants.KIND_IO);
    set(fd, events);
  }

  /** {@return the watched descriptor} */
  public int fd() {
    return fd;
  }

  /** {@return the watched events: {@link #READ}, {@link #WRITE} or both} */
  public int events() {
    return events;
  }

  /**
   * Changes the descriptor and events, also while active (gevent's {@code io.events = ...}).
   *
   * @param fd the descriptor to watch
   * @param events {@link #READ}, {@link #WRITE} or both
   * @throws IllegalArgumentException for a negative fd or events other than READ|WRITE
   */
  public void set(int fd, int events) {
    loop.checkUsable();
    checkOpen();
    if (fd < 0) throw new IllegalArgumentException(describe() + ".set(fd " + fd + "): a file descriptor cannot be negative");
    if (events == 0 || (events & ~(READ | WRITE)) != 0) {
      throw new IllegalArgumentException(describe() + ".set: events must be READ, WRITE or both, not " + events);
    }
    int rc = NativeLoop.Natives.ioSet0(pointer, fd, events);
    this.fd = fd;
    this.events = events;
    if (rc < 0) {
      active = false;
      Errors.checkUnchecked(loop.translate(rc, this), describe() + " set");
    }
  }

  /**
   * Changes the events, also while active.
   *
   * @param events {@link #READ}, {@link #WRITE} or both
   */
  public void setEvents(int events) {
    set(fd, events);
  }

  @Override
  String describe() {
    return "IoWatcher(fd " + fd + ")";
  }
}
