package io.gevent4j.loop;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The native library {@code libgevent4j.so}: whether it could be loaded, why not, and the
 * versions of the libev and libuv it runs with (for bug reports).
 *
 * <p>The library is looked for on {@code java.library.path} first, then extracted from the
 * jar's {@code META-INF/native/<os>-<arch>/} folder together with the libev and libuv
 * shared objects it was linked against (its RUNPATH is {@code $ORIGIN}, so those copies
 * win over whatever the system has). Extraction goes to {@code java.io.tmpdir}, or to the
 * directory named by the system property {@code gevent4j.native.workdir} where the temp
 * directory is mounted {@code noexec}. Every failed attempt is attached to the final error
 * as a suppressed exception.
 *
 * <p>Availability is computed once: the library's constants are checked against
 * {@code Constants} by name, and a loop of each backend is really created and destroyed.
 */
public final class Native {
  private Native() {}

  private static final String LIBRARY = "gevent4j";
  private static final Throwable UNAVAILABILITY_CAUSE;
  private static final String[] VERSIONS;
  /**
   * The library's constants by name (g4j_constants.h); empty when it could not be loaded or
   * they do not match.
   */
  private static final Map<String, Integer> CONSTANTS;

  // Reads no field of Constants (which may be initializing on this very thread, having asked
  // for a constant first): the constants it checks are Constants' declared fields, by reflection.
  static {
    Throwable cause = null;
    String[] versions = null;
    Map<String, Integer> constants = Map.of();
    try {
      load();
      versions = Natives.versions0();
      constants = ConstantTable.check(Natives.constantNames0(), Natives.constantValues0(), ConstantTable.expected());
    } catch (Throwable t) {
      if (t instanceof VirtualMachineError vme && !(t instanceof OutOfMemoryError)) throw vme;
      cause = t;
    }
    if (cause == null) cause = probeLoops();
    UNAVAILABILITY_CAUSE = cause;
    VERSIONS = versions;
    CONSTANTS = constants;
  }

  /** {@return true when the library is loaded and both backends can create a loop} */
  public static boolean isAvailable() {
    return UNAVAILABILITY_CAUSE == null;
  }

  /**
   * Throws when the library is not usable, with the reason (and every failed attempt to
   * load it) attached.
   *
   * @throws UnsatisfiedLinkError when {@link #isAvailable()} is false
   */
  public static void ensureAvailable() {
    if (UNAVAILABILITY_CAUSE != null) {
      UnsatisfiedLinkError e = new UnsatisfiedLinkError("gevent4j's native library is not available: "
          + UNAVAILABILITY_CAUSE.getMessage());
      e.initCause(UNAVAILABILITY_CAUSE);
      throw e;
    }
  }

  /** {@return why the library is not usable, or null when it is} */
  public static Throwable unavailabilityCause() {
    return UNAVAILABILITY_CAUSE;
  }

  /** {@return the libev version the library runs with, e.g. {@code "4.33"}} */
  public static String libevVersion() {
    ensureAvailable();
    return VERSIONS[0];
  }

  /** {@return the libev version the library was compiled against} */
  public static String libevBuildVersion() {
    ensureAvailable();
    return VERSIONS[1];
  }

  /** {@return the libuv version the library runs with, e.g. {@code "1.44.2"}} */
  public static String libuvVersion() {
    ensureAvailable();
    return VERSIONS[2];
  }

  /** {@return the libuv version the library was compiled against} */
  public static String libuvBuildVersion() {
    ensureAvailable();
    return VERSIONS[3];
  }

  /**
   * The library's constant {@code name} (a field of {@code Constants}): its value, or 0 when
   * the library is not available (every entry point calls {@link #ensureAvailable()} first,
   * which says why).
   *
   * @throws LinkageError when the library is available and has no such constant, or while it
   *     is being loaded (never silently 0)
   */
  static int constant(String name) {
    Map<String, Integer> constants = CONSTANTS;
    if (constants == null) {
      throw new LinkageError("constant " + name + " read while libgevent4j.so is being loaded");
    }
    Integer value = constants.get(name);
    if (value != null) return value;
    if (UNAVAILABILITY_CAUSE != null) return 0;
    throw new LinkageError("libgevent4j.so has no constant " + name
        + ": the library and the jar are from different builds");
  }

  /** The jar folder for this machine, e.g. {@code "linux-x86_64"}. */
  static String platform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    String osName = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "osx" : os.replace(' ', '_');
    String archName = switch (arch) {
      case "amd64", "x86_64" -> "x86_64";
      case "aarch64", "arm64" -> "aarch_64";
      default -> arch;
    };
    return osName + "-" + archName;
  }

  @SuppressWarnings("restricted") // loading the JNI library is what --enable-native-access allows
  private static void load() throws IOException {
    List<Throwable> attempts = new ArrayList<>();
    try {
      System.loadLibrary(LIBRARY);
      return;
    } catch (UnsatisfiedLinkError e) {
      attempts.add(e);
    }
    try {
      loadFromJar();
    } catch (IOException | UnsatisfiedLinkError e) {
      attempts.forEach(e::addSuppressed);
      throw e;
    }
  }

  @SuppressWarnings("restricted")
  private static void loadFromJar() throws IOException {
    String platform = platform();
    String folder = "META-INF/native/" + platform + "/";
    ClassLoader loader = Native.class.getClassLoader();
    List<String> files = new ArrayList<>();
    try (InputStream list = loader.getResourceAsStream(folder + "bundled.list")) {
      if (list == null) {
        throw new UnsatisfiedLinkError("gevent4j has no native library for " + platform + " (os.name="
            + System.getProperty("os.name") + ", os.arch=" + System.getProperty("os.arch")
            + "); this jar supports linux-x86_64");
      }
      for (String line : new String(list.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) files.add(line.strip());
      }
    }
    String workdir = System.getProperty("gevent4j.native.workdir", System.getProperty("java.io.tmpdir"));
    Path dir = Files.createTempDirectory(Path.of(workdir), "gevent4j-");
    try {
      for (String name : files) {
        try (InputStream in = loader.getResourceAsStream(folder + name)) {
          if (in == null) throw new IOException("missing from the jar: " + folder + name);
          Files.copy(in, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      Path library = dir.resolve(System.mapLibraryName(LIBRARY));
      try {
        System.load(library.toString());
      } catch (UnsatisfiedLinkError e) {
        if (String.valueOf(e.getMessage()).contains("failed to map segment")) {
          UnsatisfiedLinkError hint = new UnsatisfiedLinkError(e.getMessage() + " (is " + workdir
              + " mounted noexec? set -Dgevent4j.native.workdir to an executable directory)");
          hint.initCause(e);
          throw hint;
        }
        throw e;
      }
    } finally {
      // The loaded copies stay mapped; the files are no longer needed.
      for (String name : files) Files.deleteIfExists(dir.resolve(name));
      Files.deleteIfExists(dir);
    }
  }

  private static Throwable probeLoops() {
    for (Backend backend : Backend.values()) {
      int rc = Natives.probe0(backend.ordinal());
      if (rc < 0) return new NativeIoException(-rc, backend.id() + " loop_new");
    }
    return null;
  }

  /**
   * The natives of {@code g4j_native.c}. A holder without static state: {@code JNI_OnLoad}
   * finds it (which initializes it) while this class is still loading the library.
   */
  static final class Natives {
    private Natives() {}

    /** Creates and destroys a loop of the backend: 0 or -errno. */
    static native int probe0(int backend);

    /** The names of the constants of g4j_constants.h, in the order of {@link #constantValues0()}. */
    static native String[] constantNames0();

    /** The values of the constants of g4j_constants.h. */
    static native int[] constantValues0();

    /** The errno's symbolic name ({@code strerrorname_np}), or null. */
    static native String errnoName0(int errno);

    /** The errno's description ({@code strerror_r}). */
    static native String strerror0(int errno);

    /** {libev runtime, libev build, libuv runtime, libuv build} versions. */
    static native String[] versions0();
  }
}
