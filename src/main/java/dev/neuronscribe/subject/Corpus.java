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
 * document). Read as a stream: memory does not grow with the file, nor, for plain text, with its lines.
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
      throw new InvalidInputException(file.toString(), "not found");
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
      throw new InvalidInputException(source, "not found");
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
   * Hands the text over in pieces of at most {@code 2 × PIECE_CHARS} characters, so memory stays bounded
   * whatever the lines look like. Each cut is made, as late in the buffer as possible, where GPT-2's
   * pre-tokenizer splits anyway, so the pieces' tokens are exactly the whole text's (see {@link #cut}).
   * Only a run of that many characters with no such place (no space, line break or change between
   * letters, digits and punctuation, e.g. 128 K of one letter) is cut at a character boundary; the tokens
   * at that one place can then differ from the whole text's.
   */
  private static void readText(BufferedReader in, Reader reader) throws IOException {
    char[] buf = new char[2 * PIECE_CHARS];
    int filled = 0;
    while (true) {
      int n = in.read(buf, filled, buf.length - filled);
      if (n < 0) break;
      filled += n;
      if (filled < buf.length) continue;
      int cut = cut(buf, filled);
      reader.piece(new String(buf, 0, cut), false);
      System.arraycopy(buf, cut, buf, 0, filled - cut);
      filled -= cut;
    }
    reader.piece(new String(buf, 0, filled), true);
  }

  /**
   * The last place in {@code buf[0, filled)} where a cut leaves GPT-2's pre-tokens unchanged: a pre-token
   * (regex {@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+}) holds
   * a space only as its first character, so it starts at a single space between two non-spaces, at a
   * newline's end between non-spaces, and where a non-space of one class (letter, number, other) follows
   * one of another, except next to an apostrophe (the contractions). Failing all of those, the end of the
   * buffer, moved back so as not to split a surrogate pair.
   */
  static int cut(char[] buf, int filled) {
    for (int p = filled - 1; p >= 2; p--) {
      char before = buf[p - 1], at = buf[p];
      if (Character.isSurrogate(before) || Character.isSurrogate(at)) continue;
      boolean space = at == ' ' && p + 1 < filled && !isSpace(before) && !isSpace(buf[p + 1]);
      boolean newline = before == '\n' && !isSpace(buf[p - 2]) && !isSpace(at);
      boolean classChange = !isSpace(before) && !isSpace(at) && before != '\'' && at != '\''
          && charClass(before) != charClass(at);
      if (space || newline || classChange) return p;
    }
    return Character.isHighSurrogate(buf[filled - 1]) ? filled - 1 : filled;
  }

  /**
   * Whitespace as the pre-tokenizer's {@code \\s} sees it (Unicode White_Space; jtokkit compiles with
   * UNICODE_CHARACTER_CLASS), or a little more: counting too much as space only forbids cuts.
   */
  private static boolean isSpace(char c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
  }

  /** 0 letter ({@code \p{L}}), 1 number ({@code \p{N}}), 2 anything else. */
  private static int charClass(char c) {
    if (Character.isLetter(c)) return 0;
    int t = Character.getType(c);
    return t == Character.DECIMAL_DIGIT_NUMBER || t == Character.LETTER_NUMBER || t == Character.OTHER_NUMBER ? 1 : 2;
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
