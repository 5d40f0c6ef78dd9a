package dev.neuronscribe.files;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes files so that a reader (or a rerun after a crash) sees either the old content or the whole
 * new content, never half of it: write a temporary file beside the target, force it to disk, then
 * rename it over the target.
 *
 * <p>The guarantee rests on the rename being atomic. The temporary file is in the target's own folder,
 * so on every local POSIX file system it is. Where the file system refuses an atomic rename (some network
 * or FUSE mounts), we fall back to a plain move so that the command still works, and the guarantee is
 * weaker there: a crash during that move may leave the target missing or partly copied, though the
 * complete new content is still in the temporary file until the move finishes.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Something that writes the whole content to a stream. */
  @FunctionalInterface
  public interface Writer {
    void writeTo(OutputStream out) throws IOException;
  }

  public static void writeString(Path target, String content) {
    write(target, out -> out.write(content.getBytes(StandardCharsets.UTF_8)));
  }

  private static void setUsualPermissions(Path tmp, Path target) throws IOException {
    if (!Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class)) return;
    Set<PosixFilePermission> perms =
        Files.exists(target) ? Files.getPosixFilePermissions(target) : PosixFilePermissions.fromString("rw-r--r--");
    Files.setPosixFilePermissions(tmp, perms);
  }

  public static void write(Path target, Writer writer) {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
      // createTempFile makes the file private (0600); an output file should look like any other file.
      setUsualPermissions(tmp, target);
      try (OutputStream out = Files.newOutputStream(tmp)) {
        writer.writeTo(out);
      }
      try (var channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        // Not atomic (see the class comment): better a weaker guarantee than no output on such a mount.
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + target + ": " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // The original error matters more than a leftover temporary file.
        }
      }
    }
  }

  /** The name {@link #write} gives its temporary file: {@code .TARGET.<digits>.tmp}. */
  private static final java.util.regex.Pattern TEMPORARY = java.util.regex.Pattern.compile("\\..+\\.\\d+\\.tmp");

  /**
   * Deletes, in {@code dir} and up to {@code depth} folders below, the temporary files of writes that were
   * cut short (kill -9, power loss) before this process started; a write under way in another process is
   * younger than that and is left alone. For a command that has just finished its work in {@code dir}.
   *
   * @return how many were deleted
   */
  public static int removeLeftovers(Path dir, int depth) {
    if (!Files.isDirectory(dir)) return 0;
    java.time.Instant started = ProcessHandle.current().info().startInstant().orElse(java.time.Instant.now());
    int removed = 0;
    try (var files = Files.walk(dir, depth + 1)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        if (!TEMPORARY.matcher(p.getFileName().toString()).matches() || !Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) continue;
        if (Files.getLastModifiedTime(p).toInstant().isBefore(started) && Files.deleteIfExists(p)) removed++;
      }
    } catch (IOException | UncheckedIOException e) {
      // Leftovers are untidy, not wrong: a folder that cannot be walked is no reason to fail finished work.
    }
    return removed;
  }
}
