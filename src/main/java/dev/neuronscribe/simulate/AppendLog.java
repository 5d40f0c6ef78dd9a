package dev.neuronscribe.simulate;

import dev.neuronscribe.files.InvalidInputException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A JSON Lines file that a run appends to, one line per write and each write forced to disk, so that a
 * killed run leaves every finished line and at most one torn last line, which opening drops (with a
 * warning) before anything is appended after it. Lines are read back by their byte offset, so a reader
 * need keep only offsets in memory, not the lines.
 */
final class AppendLog implements AutoCloseable {
  /** What a scan hands over per line: its text, where it starts, and a name for errors ({@code FILE line N}). */
  interface LineVisitor {
    void line(String text, long offset, String source, boolean last);
  }

  private final Path file;
  private FileChannel append;

  AppendLog(Path file) {
    this.file = file;
  }

  Path file() {
    return file;
  }

  /**
   * Visits every complete line ({@code last} tells the visitor which is the last one, to check it whole). A
   * last line without its newline, or one that {@code visitor} rejects, is the remains of an interrupted
   * write: it is cut off the file, with a warning. A bad line before the last one is an error naming it.
   */
  void scan(LineVisitor visitor) {
    if (!Files.exists(file)) return;
    try (InputStream in = Files.newInputStream(file)) {
      long size = Files.size(file);
      byte[] buf = new byte[1 << 16];
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      long start = 0, pos = 0, lineNo = 0;
      int n;
      while ((n = in.read(buf)) > 0) {
        int from = 0;
        for (int i = 0; i < n; i++) {
          if (buf[i] != '\n') continue;
          line.write(buf, from, i - from);
          from = i + 1;
          lineNo++;
          long next = pos + i + 1;
          String text = line.toString(StandardCharsets.UTF_8);
          line.reset();
          if (!text.isBlank()) {
            boolean last = next >= size;
            try {
              visitor.line(text, start, file + " line " + lineNo, last);
            } catch (RuntimeException e) {
              if (!last) throw e;
              truncate(start, "an unreadable last line (" + e.getMessage() + ")");
              return;
            }
          }
          start = next;
        }
        line.write(buf, from, n - from);
        pos += n;
      }
      if (line.size() > 0) truncate(start, "a last line without its end (" + line.size() + " bytes)");
    } catch (IOException e) {
      throw new InvalidInputException(file.toString(), "cannot be read: " + e.getMessage(), e);
    }
  }

  private void truncate(long length, String what) {
    System.err.println("warning: " + file + ": dropping " + what + ", left by an interrupted run; its unit is done again");
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(length);
      ch.force(true);
    } catch (IOException e) {
      throw new UncheckedIOException("could not cut the torn last line off " + file + ": " + e.getMessage(), e);
    }
  }

  /** Appends one line (the newline added) and forces it to disk; returns the offset where it starts. */
  long append(String line) {
    try {
      if (append == null) {
        Files.createDirectories(file.getParent());
        append = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      }
      long at = append.size();
      ByteBuffer b = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
      while (b.hasRemaining()) append.write(b);
      append.force(false);
      return at;
    } catch (IOException e) {
      throw new UncheckedIOException("could not append to " + file + ": " + e.getMessage(), e);
    }
  }

  /** The line that starts at {@code offset}. */
  String read(long offset) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return read(ch, offset);
    } catch (IOException e) {
      throw new InvalidInputException(file.toString(), "cannot be read: " + e.getMessage(), e);
    }
  }

  static String read(FileChannel ch, long offset) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer buf = ByteBuffer.allocate(1 << 15);
    long at = offset;
    while (true) {
      buf.clear();
      int n = ch.read(buf, at);
      if (n <= 0) break;
      byte[] a = buf.array();
      for (int i = 0; i < n; i++) {
        if (a[i] == '\n') {
          out.write(a, 0, i);
          return out.toString(StandardCharsets.UTF_8);
        }
      }
      out.write(a, 0, n);
      at += n;
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    if (append == null) return;
    try {
      append.close();
    } catch (IOException e) {
      // Every line was forced to disk when written: closing loses nothing.
    }
    append = null;
  }
}
