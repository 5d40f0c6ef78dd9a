package dev.neuronscribe.subject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronscribe.files.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusTest {
  private final Gpt2Tokenizer tokenizer = new Gpt2Tokenizer();

  @Test
  void jsonlDocumentsAreCutIntoWindowsAndShortTailsDropped(@TempDir Path tmp) throws Exception {
    String longDoc = "word ".repeat(150).strip(); // 150 tokens: two windows of 64, a tail of 22
    String shortDoc = "one two three"; // 3 tokens: below the minimum, dropped
    Path file = tmp.resolve("c.jsonl");
    Files.writeString(file, "{\"text\": \"" + longDoc + "\"}\n\n{\"text\": \"" + shortDoc + "\", \"id\": 7}\n");
    try (ExcerptStore store = store(Corpus.detect(file), tmp, 64, 16)) {
      assertThat(store.count()).isEqualTo(3);
      assertThat(store.length(0)).isEqualTo(64);
      assertThat(store.length(1)).isEqualTo(64);
      assertThat(store.length(2)).isEqualTo(22);
      int[] all = tokenizer.encode(longDoc);
      assertThat(store.tokens(1)).containsExactly(java.util.Arrays.copyOfRange(all, 64, 128));
      assertThat(store.tokens(2)).containsExactly(java.util.Arrays.copyOfRange(all, 128, 150));
    }
    try (ExcerptStore store = store(Corpus.detect(file), tmp, 64, 23)) {
      assertThat(store.count()).isEqualTo(2);
    }
  }

  @Test
  void plainTextIsOneDocumentTokenisedExactlyAsAWhole(@TempDir Path tmp) throws Exception {
    // Long enough to be read in several pieces, with runs of blank lines and indented lines at the cuts.
    Random r = new Random(3);
    StringBuilder text = new StringBuilder();
    String[] words = {"alpha", "beta", "(gamma)", "12", "über", "naïve", "x", "\u2014", "it's"};
    while (text.length() < 300_000) {
      for (int i = 0; i < 12; i++) text.append(words[r.nextInt(words.length)]).append(' ');
      text.setLength(text.length() - 1);
      text.append(r.nextInt(4) == 0 ? "\n\n" : r.nextInt(3) == 0 ? "\n  " : "\n");
    }
    Path file = tmp.resolve("book.txt");
    Files.writeString(file, text.toString());
    List<Integer> pieces = new ArrayList<>();
    StringBuilder rebuilt = new StringBuilder();
    new Corpus(file, Corpus.Format.TEXT).read((piece, end) -> {
      pieces.add(piece.length());
      rebuilt.append(piece);
    }, bytes -> {});
    assertThat(pieces.size()).isGreaterThanOrEqualTo(3);
    assertThat(rebuilt.toString()).isEqualTo(text.toString());

    int[] whole = tokenizer.encode(text.toString());
    try (ExcerptStore store = store(Corpus.detect(file), tmp, 64, 1)) {
      List<Integer> stored = new ArrayList<>();
      for (long e = 0; e < store.count(); e++) for (int id : store.tokens(e)) stored.add(id);
      assertThat(stored).hasSize(whole.length);
      for (int i = 0; i < whole.length; i++) {
        if (stored.get(i) != whole[i]) throw new AssertionError("token " + i + " differs: " + stored.get(i) + " vs " + whole[i]);
      }
    }
  }

  @Test
  void aSingleHugeLineIsReadInBoundedPiecesWithTheWholeTextsTokens(@TempDir Path tmp) throws Exception {
    // One line of 600 K characters: words and spaces, then a stretch with no space at all (only changes
    // between letters, digits and punctuation), then 300 K of one letter, where no cut is token-neutral.
    Random r = new Random(5);
    String[] words = {"alpha", "beta", "(gamma)", "12", "über", "naïve", "it's", "\u00a0", "x\u00a0\u00a0y", "e\u0301t\u00e9"};
    StringBuilder text = new StringBuilder();
    while (text.length() < 400_000) text.append(words[r.nextInt(words.length)]).append(r.nextInt(5) == 0 ? "  " : " ");
    String[] glued = {"abc", "123", "-", "def", "4.5", "ghi", "!!", "jkl'", "'s", "ümlaut"};
    while (text.length() < 600_000) text.append(glued[r.nextInt(glued.length)]);
    String prefix = text.toString();
    text.append("a".repeat(300_000));
    Path file = tmp.resolve("line.txt");
    Files.writeString(file, text.toString());

    List<String> pieces = new ArrayList<>();
    new Corpus(file, Corpus.Format.TEXT).read((piece, end) -> pieces.add(piece), bytes -> {});
    assertThat(String.join("", pieces)).isEqualTo(text.toString());
    assertThat(pieces).hasSizeGreaterThan(6).allSatisfy(p -> assertThat(p.length()).isLessThanOrEqualTo(2 << 16));

    // Up to the run of one letter every cut is token-neutral: the pieces' tokens are the whole text's.
    List<Integer> fromPieces = new ArrayList<>();
    int covered = 0;
    for (String piece : pieces) {
      if (covered + piece.length() > prefix.length()) {
        for (int id : tokenizer.encode(prefix.substring(covered))) fromPieces.add(id);
        break;
      }
      for (int id : tokenizer.encode(piece)) fromPieces.add(id);
      covered += piece.length();
    }
    int[] whole = tokenizer.encode(prefix);
    assertThat(fromPieces).hasSize(whole.length);
    for (int i = 0; i < whole.length; i++) {
      if (fromPieces.get(i) != whole[i]) throw new AssertionError("token " + i + " differs: " + fromPieces.get(i) + " vs " + whole[i]);
    }
  }

  @Test
  void aBadJsonlLineIsReportedWithItsNumber(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("bad.jsonl");
    Files.writeString(file, "{\"text\": \"fine\"}\n{\"text\": \"broken\n");
    assertThatThrownBy(() -> store(Corpus.detect(file), tmp, 64, 1))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("bad.jsonl").hasMessageContaining("line 2 is not valid JSON");
    Files.writeString(file, "{\"text\": \"fine\"}\n\n{\"body\": \"no text\"}\n");
    assertThatThrownBy(() -> store(Corpus.detect(file), tmp, 64, 1))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("line 3 has no field 'text'");
    Files.writeString(file, "[\"text\"]\n");
    assertThatThrownBy(() -> store(Corpus.detect(file), tmp, 64, 1))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("line 1 is not a JSON object");
    Files.writeString(file, "{\"text\": 42}\n");
    assertThatThrownBy(() -> store(Corpus.detect(file), tmp, 64, 1))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("line 1 has a 'text' field that is not a string");
    assertThat(Files.list(tmp).filter(p -> p.getFileName().toString().contains("excerpts"))).as("no half-written store").isEmpty();
  }

  @Test
  void nonUtf8TextIsAClearError(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("latin1.txt");
    Files.write(file, "caf\u00e9 au lait".getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> store(Corpus.detect(file), tmp, 64, 1)).isInstanceOf(InvalidInputException.class).hasMessageContaining("not UTF-8");
  }

  @Test
  void theFormatFollowsTheFileName() {
    assertThat(Corpus.detect(Path.of("a.jsonl")).format()).isEqualTo(Corpus.Format.JSONL);
    assertThat(Corpus.detect(Path.of("a.NDJSON")).format()).isEqualTo(Corpus.Format.JSONL);
    assertThat(Corpus.detect(Path.of("a.txt")).format()).isEqualTo(Corpus.Format.TEXT);
  }

  private ExcerptStore store(Corpus corpus, Path tmp, int tokens, int min) {
    Path file = tmp.resolve("excerpts-" + tokens + "-" + min + ".bin");
    ExcerptStore.write(file, corpus, corpus.digest(), tokenizer, tokens, min, b -> {});
    return ExcerptStore.open(file, tokens, min).orElseThrow();
  }
}
