package io.gevent4j.loop;

/** POSIX calls on raw descriptors (being written). */
public final class Posix {
  private Posix() {}
}
