package io.gevent4j.loop;

/** Run in a fresh JVM by {@link NativePackagingIT}: prints the configured loop's backend, or why not. */
public final class BackendProbe {
  private BackendProbe() {}

  public static void main(String[] args) {
    try (Loop loop = Loop.create()) {
      System.out.println("backend " + loop.backend());
    } catch (IllegalArgumentException e) {
      System.out.println("refused " + e.getMessage());
    }
  }
}
