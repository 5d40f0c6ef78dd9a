package dev.neuronscribe.subject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuronscribe.files.InvalidInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A text corpus: JSONL with one {@code {"text": ...}} document per line, or plain UTF-8 text (one
 * document). Read as a stream: memory does not grow with the file.
 */
public record Corpus(Path file, Format format) {

  public enum Format {
    /** One JSON object per line with a string field {@code text}; blank lines are skipped. */
    JSONL,
    /** The whole file is one document. */
    TEXT
  }

  /** JSONL for {@code .jsonl}, {@code .ndjson} and {@code .json} files, plain text otherwise. */
  public static Corpus detect(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    boolean jsonl = name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json");
    return new Corpus(file, jsonl ? Format.JSONL : Format.TEXT);
  }

  /** Receives the corpus as pieces of text; {@code endOfDocument} closes the current document. */
  interface Reader {
    void piece(String text, boolean endOfDocument);
  }

  /** Plain text is handed over in pieces of about this many characters, cut where tokenisation is unaffected. */
  private static final int PIECE_CHARS = 1 << 16;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The SHA-256 of the file's bytes, in hex: a resumed recording checks that its corpus has not changed. */
  public String digest() {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) sha.update(buf, 0, n);
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(file.toString(), "no such file");
    } catch (IOException e) {
      throw new InvalidInputException(file.toString(), "cannot be read: " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Streams the documents to {@code reader}, calling {@code bytesRead} as the file is consumed. */
  void read(Reader reader, java.util.function.LongConsumer bytesRead) {
    String source = file.toString();
    try (Counting in = new Counting(Files.newInputStream(file), bytesRead);
        BufferedReader text = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)), 1 << 16)) {
      if (format == Format.JSONL) readJsonl(text, reader, source);
      else readText(text, reader);
    } catch (CharacterCodingException e) {
      throw new InvalidInputException(source, "is not UTF-8 text; convert it to UTF-8");
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(source, "no such file");
    } catch (IOException e) {
      throw new InvalidInputException(source, "cannot be read: " + e.getMessage(), e);
    }
  }

  private static void readJsonl(BufferedReader lines, Reader reader, String source) throws IOException {
    long lineNo = 0;
    for (String line; (line = lines.readLine()) != null; ) {
      lineNo++;
      if (!line.isBlank()) reader.piece(jsonText(line, lineNo, source), true);
    }
  }

  /**
   * Hands the text over in pieces cut only between a non-space, a newline and a non-space: GPT-2's
   * pre-tokenizer splits there anyway, so the pieces' tokens are exactly the whole text's.
   */
  private static void readText(BufferedReader in, Reader reader) throws IOException {
    char[] buf = new char[2 * PIECE_CHARS];
    int filled = 0;
    while (true) {
      int n = in.read(buf, filled, buf.length - filled);
      if (n < 0) break;
      filled += n;
      if (filled < buf.length) continue;
      int cut = -1;
      for (int p = filled - 1; p >= 2 && cut < 0; p--) {
        if (buf[p - 1] == '\n' && !Character.isWhitespace(buf[p - 2]) && !Character.isWhitespace(buf[p])) cut = p;
      }
      if (cut < 0) {
        // No safe cut in the whole buffer (a very long line): grow rather than change the tokens.
        buf = java.util.Arrays.copyOf(buf, buf.length * 2);
        continue;
      }
      reader.piece(new String(buf, 0, cut), false);
      System.arraycopy(buf, cut, buf, 0, filled - cut);
      filled -= cut;
    }
    reader.piece(new String(buf, 0, filled), true);
  }

  /** Counts the bytes read, for the progress bar. */
  private static final class Counting extends java.io.FilterInputStream {
    private final java.util.function.LongConsumer bytesRead;

    Counting(InputStream in, java.util.function.LongConsumer bytesRead) {
      super(in);
      this.bytesRead = bytesRead;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) bytesRead.accept(1);
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) bytesRead.accept(n);
      return n;
    }
  }

  private static String jsonText(String line, long lineNo, String source) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new InvalidInputException(source, "line " + lineNo + " is not valid JSON (" + e.getOriginalMessage()
          + "); each line must be one object like {\"text\": \"...\"} (or name the file .txt to read it as plain text)");
    }
    if (node == null || !node.isObject()) {
      throw new InvalidInputException(source, "line " + lineNo + " is not a JSON object; each line must be like {\"text\": \"...\"}");
    }
    JsonNode text = node.get("text");
    if (text == null || !text.isTextual()) {
      throw new InvalidInputException(source, "line " + lineNo + (text == null ? " has no field 'text'" : " has a 'text' field that is not a string")
          + "; each line must be like {\"text\": \"...\"}");
    }
    return text.textValue();
  }
}
