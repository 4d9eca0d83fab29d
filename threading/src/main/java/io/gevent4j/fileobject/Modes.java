package io.gevent4j.fileobject;

import java.io.Serial;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Python's binary {@code open()} modes ({@code r w a x}, {@code +}, {@code b}) as gevent's file
 * objects take them, checked once, and the exceptions for a call the mode does not allow.
 *
 * @param text the mode as given
 * @param kind one of {@code r w a x}
 * @param plus {@code '+'}: reading and writing
 */
record Modes(String text, char kind, boolean plus) {
  /** Parses {@code mode} for {@code call}; text modes and anything else Python would refuse are refused. */
  static Modes parse(String mode, String call) {
    Objects.requireNonNull(mode, "mode");
    char kind = 0;
    boolean plus = false;
    boolean binary = false;
    for (int i = 0; i < mode.length(); i++) {
      char c = mode.charAt(i);
      switch (c) {
        case 'r', 'w', 'a', 'x' -> {
          if (kind != 0) throw bad(mode, call, "it has more than one of r, w, a, x");
          kind = c;
        }
        case '+' -> {
          if (plus) throw bad(mode, call, "'+' appears twice");
          plus = true;
        }
        case 'b' -> {
          if (binary) throw bad(mode, call, "'b' appears twice");
          binary = true;
        }
        case 't', 'U' -> throw bad(mode, call, "text mode is not supported: file objects move bytes;"
            + " wrap the streams in an InputStreamReader or OutputStreamWriter to decode or encode text");
        default -> throw bad(mode, call, "'" + c + "' is not a mode character");
      }
    }
    if (kind == 0) throw bad(mode, call, "it needs one of r, w, a, x");
    return new Modes(mode, kind, plus);
  }

  private static IllegalArgumentException bad(String mode, String call, String why) {
    return new IllegalArgumentException(call + ": bad mode '" + mode + "': " + why
        + " (Python's binary modes: r, w, a, x, each optionally with + and b)");
  }

  boolean readable() {
    return kind == 'r' || plus;
  }

  boolean writable() {
    return kind != 'r' || plus;
  }

  /** The options of {@code FileChannel.open} for this mode (for 'a+', those of its writing channel). */
  Set<OpenOption> options() {
    Set<OpenOption> o = new java.util.HashSet<>();
    switch (kind) {
      case 'r' -> o.add(StandardOpenOption.READ);
      case 'w' -> o.addAll(EnumSet.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING));
      case 'a' -> o.addAll(EnumSet.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE, StandardOpenOption.APPEND));
      case 'x' -> o.addAll(EnumSet.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW));
      default -> throw new AssertionError(kind);
    }
    if (plus && kind != 'a') {
      o.add(StandardOpenOption.READ);
      o.add(StandardOpenOption.WRITE);
    }
    return o;
  }

  @Override
  public String toString() {
    return "'" + text + "'";
  }

  /** A read on what was not opened for reading: the JDK's exception for it, with a message. */
  static final class NotReadable extends NonReadableChannelException {
    @Serial private static final long serialVersionUID = 1L;
    private final String message;

    NotReadable(String message) {
      this.message = message;
    }

    @Override
    public String getMessage() {
      return message;
    }
  }

  /** A write on what was not opened for writing: the JDK's exception for it, with a message. */
  static final class NotWritable extends NonWritableChannelException {
    @Serial private static final long serialVersionUID = 1L;
    private final String message;

    NotWritable(String message) {
      this.message = message;
    }

    @Override
    public String getMessage() {
      return message;
    }
  }
}
