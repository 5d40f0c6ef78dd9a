package dev.neuronscribe.subject;

import dev.neuronscribe.files.AtomicFiles;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * The corpus cut into excerpts and tokenised once, kept on disk for the passes of a recording:
 * {@code excerpts.bin}. Each excerpt is a fixed-size slot of {@code 1 + tokens} big-endian ints: its length,
 * then its token ids, zero-padded. Read slot by slot (not mapped), so that neither the heap nor the
 * resident memory grows with the corpus.
 *
 * <p>Cutting: each document's tokens are cut into consecutive windows of {@code tokens}; a document's
 * shorter tail is kept when it has at least {@code minTokens} tokens, dropped otherwise (it would be an
 * excerpt too short to show a neuron anything). Excerpts never span two documents.
 */
final class ExcerptStore implements AutoCloseable {
  private static final int MAGIC = 0x4e534558; // "NSEX"
  private static final int HEADER_BYTES = 4 + 4 + 4 + 4 + 64;

  private final FileChannel channel;
  private final int tokens;
  private final long count;
  private final String corpusDigest;

  private ExcerptStore(FileChannel channel, int tokens, long count, String corpusDigest) {
    this.channel = channel;
    this.tokens = tokens;
    this.count = count;
    this.corpusDigest = corpusDigest;
  }

  /** Tokenises {@code corpus}, whose SHA-256 is {@code corpusDigest}, into {@code file} (written atomically). */
  static void write(Path file, Corpus corpus, String corpusDigest, Tokenizer tokenizer, int tokens, int minTokens, LongConsumer bytesRead) {
    byte[] digest = corpusDigest.getBytes(StandardCharsets.US_ASCII);
    if (digest.length != 64) throw new IllegalArgumentException("a SHA-256 in hex has 64 characters");
    AtomicFiles.write(file, raw -> {
      DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16));
      out.writeInt(MAGIC);
      out.writeInt(tokens);
      out.writeInt(minTokens);
      out.writeInt(0);
      out.write(digest);
      int[] window = new int[tokens];
      int[] filled = {0};
      corpus.read((text, end) -> {
        try {
          for (int id : tokenizer.encode(text)) {
            window[filled[0]++] = id;
            if (filled[0] == tokens) {
              writeExcerpt(out, window, tokens, tokens);
              filled[0] = 0;
            }
          }
          if (end) {
            if (filled[0] >= minTokens) writeExcerpt(out, window, filled[0], tokens);
            filled[0] = 0;
          }
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }, bytesRead);
      out.flush();
    });
  }

  private static void writeExcerpt(DataOutputStream out, int[] window, int length, int tokens) throws IOException {
    out.writeInt(length);
    for (int i = 0; i < tokens; i++) out.writeInt(i < length ? window[i] : 0);
  }

  /** Opens a store written by {@link #write}; empty when it is missing, incomplete or was cut differently. */
  static Optional<ExcerptStore> open(Path file, int tokens, int minTokens) {
    if (!Files.isRegularFile(file)) return Optional.empty();
    FileChannel ch = null;
    try {
      ch = FileChannel.open(file, StandardOpenOption.READ);
      long size = ch.size();
      long slot = 4L * (1 + tokens);
      if (size < HEADER_BYTES || (size - HEADER_BYTES) % slot != 0) {
        ch.close();
        return Optional.empty();
      }
      ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
      while (header.hasRemaining() && ch.read(header, header.position()) > 0) {
        // read the whole header
      }
      header.flip();
      byte[] digest = new byte[64];
      header.get(16, digest);
      if (header.getInt(0) != MAGIC || header.getInt(4) != tokens || header.getInt(8) != minTokens) {
        ch.close();
        return Optional.empty();
      }
      return Optional.of(new ExcerptStore(ch, tokens, (size - HEADER_BYTES) / slot, new String(digest, StandardCharsets.US_ASCII)));
    } catch (IOException e) {
      try {
        if (ch != null) ch.close();
      } catch (IOException ignored) {
        // reporting the first problem
      }
      throw new java.io.UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
    }
  }

  long count() {
    return count;
  }

  String corpusDigest() {
    return corpusDigest;
  }

  int length(long excerpt) {
    return slot(excerpt).getInt(0);
  }

  /** Copies the excerpt's {@code tokens} slots (padding included) into {@code dst[off..]}. */
  void tokens(long excerpt, int[] dst, int off) {
    slot(excerpt).position(4).asIntBuffer().get(dst, off, tokens);
  }

  int[] tokens(long excerpt) {
    ByteBuffer b = slot(excerpt);
    int[] t = new int[b.getInt(0)];
    b.position(4).asIntBuffer().get(t);
    return t;
  }

  private ByteBuffer slot(long excerpt) {
    ByteBuffer b = ByteBuffer.allocate(4 * (1 + tokens));
    try {
      long at = offset(excerpt);
      while (b.hasRemaining()) {
        if (channel.read(b, at + b.position()) < 0) throw new java.io.EOFException("excerpts.bin ends early");
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("could not read the excerpt store: " + e.getMessage(), e);
    }
    return b.flip();
  }

  private long offset(long excerpt) {
    if (excerpt < 0 || excerpt >= count) throw new IndexOutOfBoundsException("excerpt " + excerpt + " of " + count);
    return HEADER_BYTES + excerpt * 4L * (1 + tokens);
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
