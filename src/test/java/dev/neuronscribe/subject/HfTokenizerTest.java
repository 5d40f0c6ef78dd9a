package dev.neuronscribe.subject;

import dev.neuronscribe.files.InvalidInputException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** tokenizer.json files made with the tokenizers library (tools/make_arch_fixtures.py) against the encodings it recorded. */
class HfTokenizerTest {
  private static final Path DIR = ArchitecturesTest.fixture("tokenizers");

  @ParameterizedTest
  @CsvSource({"byte-level-bos, ''", "byte-level, ''", "sentencepiece-llama2, ' '", "sentencepiece-gemma, ''"})
  void idsBosAndTokenStringsAreTheLibrarysOwn(String name, String prefix) throws Exception {
    JsonNode ref = new ObjectMapper().readTree(DIR.resolve(name + ".reference.json").toFile());
    try (HfTokenizer t = HfTokenizer.open(DIR.resolve(name + ".json"))) {
      assertThat(t.vocabularySize()).isEqualTo(ref.get("vocab_size").intValue());
      if (ref.get("bos").isNull()) assertThat(t.bos()).isEmpty();
      else assertThat(t.bos()).hasValue(ref.get("bos").intValue());
      for (JsonNode c : ref.get("cases")) {
        String text = c.get("text").textValue();
        int[] ids = t.encode(text);
        assertThat(ids).as("ids of %s", text).containsExactly(ArchitecturesTest.ids(c.get("ids")));
        StringBuilder joined = new StringBuilder();
        for (int id : ids) joined.append(t.token(id));
        // Each token on its own, joined, spells the text (SentencePiece with a dummy prefix: after that leading space),
        // except that a character split over several tokens shows as U+FFFD in each of them, as in OpenAI's records.
        if (!text.isEmpty()) assertThat(joined.toString()).as("tokens of %s", text).matches(spelling(prefix + text));
      }
    }
  }

  /** Each token's raw bytes, joined, are the text's UTF-8, also where one character spans several tokens. */
  @ParameterizedTest
  @CsvSource({"byte-level-bos, ''", "byte-level, ''", "sentencepiece-llama2, ' '", "sentencepiece-gemma, ''"})
  void tokenBytesJoinUpToTheTextsUtf8(String name, String prefix) throws Exception {
    JsonNode ref = new ObjectMapper().readTree(DIR.resolve(name + ".reference.json").toFile());
    try (HfTokenizer t = HfTokenizer.open(DIR.resolve(name + ".json"))) {
      int split = 0;
      for (JsonNode c : ref.get("cases")) {
        String text = c.get("text").textValue();
        if (text.isEmpty()) continue;
        java.io.ByteArrayOutputStream joined = new java.io.ByteArrayOutputStream();
        for (int id : t.encode(text)) {
          joined.writeBytes(t.bytes(id));
          if (t.token(id).contains("\uFFFD")) split++;
        }
        assertThat(joined.toString(java.nio.charset.StandardCharsets.UTF_8)).as("bytes of %s", text).isEqualTo(prefix + text);
      }
      assertThat(split).as("tokens that are part of a character, in " + name).isPositive();
    }
  }

  /** A pattern for the text, each non-ASCII character either whole or as 1-4 replacement characters. */
  private static java.util.regex.Pattern spelling(String text) {
    StringBuilder re = new StringBuilder();
    text.codePoints().forEach(cp -> {
      String ch = java.util.regex.Pattern.quote(new String(Character.toChars(cp)));
      re.append(cp < 128 ? ch : "(?:" + ch + "|\uFFFD{1,4})");
    });
    return java.util.regex.Pattern.compile(re.toString(), java.util.regex.Pattern.DOTALL);
  }

  @Test
  void longDocumentsAreNotTruncated() {
    try (HfTokenizer t = HfTokenizer.open(DIR.resolve("byte-level-bos.json"))) {
      assertThat(t.encode("x ".repeat(3000)).length).isGreaterThanOrEqualTo(3000);
    }
  }

  @Test
  void unreadableTokenizerFilesNameTheFile(@TempDir Path tmp) throws Exception {
    Path notJson = Files.writeString(tmp.resolve("tokenizer.json"), "{ not json");
    assertThatThrownBy(() -> HfTokenizer.open(notJson)).isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(notJson.toString()).hasMessageContaining("not valid JSON");
    Path config = Files.writeString(tmp.resolve("other.json"), "{\"add_bos_token\": true}");
    assertThatThrownBy(() -> HfTokenizer.open(config)).isInstanceOf(InvalidInputException.class).hasMessageContaining("no 'model' object");
    Path broken = Files.writeString(tmp.resolve("broken.json"), "{\"model\": {\"type\": \"NoSuchModel\"}}");
    assertThatThrownBy(() -> HfTokenizer.open(broken)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("cannot be read by the Hugging Face tokenizers library");
    assertThatThrownBy(() -> HfTokenizer.open(tmp.resolve("missing.json"))).isInstanceOf(InvalidInputException.class).hasMessageContaining("no such file");
  }
}
