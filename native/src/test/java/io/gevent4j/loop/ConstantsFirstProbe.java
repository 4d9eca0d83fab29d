package io.gevent4j.loop;

/**
 * Run in a fresh JVM by {@link NativePackagingIT}: touches a class that reads constants before
 * anything else, then prints constants that must not be 0, and whether the library (whose
 * constants were checked by name while {@code Constants} was initializing) is available.
 */
public final class ConstantsFirstProbe {
  private ConstantsFirstProbe() {}

  public static void main(String[] args) {
    int read = Watcher.READ; // Watcher first: Constants, then Native, load the library
    System.out.println("READ=" + read + " AF_INET=" + Posix.AF_INET + " SOCK_STREAM=" + Posix.SOCK_STREAM
        + " SIGSEGV refused=" + refused() + " available=" + Native.isAvailable() + " checked=" + ConstantTable.expected().size());
  }

  private static boolean refused() {
    try (Loop loop = Loop.create()) {
      loop.signal(Constants.SIGSEGV);
      return false;
    } catch (IllegalArgumentException e) {
      return true;
    }
  }
}
