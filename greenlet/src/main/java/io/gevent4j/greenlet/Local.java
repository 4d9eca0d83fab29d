package io.gevent4j.greenlet;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * Greenlet-local storage (gevent's {@code gevent.local.local}): each greenlet sees its own
 * value, made by the initial-value supplier on first {@link #get()}. It also works on plain
 * threads. A greenlet's values go with it when it dies: greenlets are virtual threads, and
 * this is their thread-local storage.
 *
 * @param <T> the value
 */
public class Local<T> {
  private final ThreadLocal<T> values;

  /** A local whose initial value is null. */
  public Local() {
    this(() -> null);
  }

  /**
   * A local whose initial value in each greenlet comes from {@code initial}.
   *
   * @param initial gives each greenlet's first value
   */
  public Local(Supplier<T> initial) {
    Objects.requireNonNull(initial, "initial");
    this.values = ThreadLocal.withInitial(initial);
  }

  /** {@return this greenlet's value} */
  public T get() {
    return values.get();
  }

  /**
   * Sets this greenlet's value.
   *
   * @param value the new value
   */
  public void set(T value) {
    values.set(value);
  }

  /** Forgets this greenlet's value: the next {@link #get()} makes a fresh one. */
  public void remove() {
    values.remove();
  }
}
