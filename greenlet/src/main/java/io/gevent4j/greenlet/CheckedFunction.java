package io.gevent4j.greenlet;

import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * A {@link Function} that may throw a checked exception, for {@link Group#map},
 * {@link Group#imap} and friends: {@code pool.map(url -> fetch(url), urls)} with a
 * {@code fetch} that throws {@code IOException}. As a plain {@code Function}, it throws a checked
 * failure wrapped in a {@link CompletionException} (as {@link Greenlet#get()} rethrows it).
 *
 * @param <A> the argument
 * @param <R> the result
 */
@FunctionalInterface
public interface CheckedFunction<A, R> extends Function<A, R> {
  /**
   * Applies the function.
   *
   * @param a the argument
   * @return the function's value
   * @throws Exception whatever the function throws
   */
  R applyChecked(A a) throws Exception;

  /** {@link #applyChecked}, a checked failure wrapped in a {@link CompletionException}. */
  @Override
  default R apply(A a) {
    try {
      return applyChecked(a);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new CompletionException(e);
    }
  }
}
