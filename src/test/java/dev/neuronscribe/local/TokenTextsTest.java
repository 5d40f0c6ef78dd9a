package dev.neuronscribe.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronscribe.subject.LanguageModel;
import dev.neuronscribe.subject.LanguageModels;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Token labels as the protocol shows them, for a GGUF file's own vocabulary and for the Hugging Face directory it came from. */
class TokenTextsTest {
  private static final Path FIXTURES = Path.of("src", "test", "resources", "fixtures", "local-llm");

  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2"})
  void aGgufFileWithoutTokenizerJsonLabelsPartialCharactersAsTheDirectoryDoes(String name) {
    // The GGUF fixtures sit with no tokenizer.json beside them: their labels come from tokenizer.ggml.tokens alone.
    try (LanguageModel gguf = LanguageModels.open(FIXTURES.resolve("gguf").resolve(name + "-q8_0.gguf"));
        LanguageModel hf = LanguageModels.open(FIXTURES.resolve(name))) {
      TokenTexts g = new TokenTexts(gguf.tokenizer(), gguf.vocabSize());
      TokenTexts h = new TokenTexts(hf.tokenizer(), hf.vocabSize());
      String text = "emoji 🙂 and 日本語, café";
      int[] ids = gguf.tokenizer().encode(text);
      String[] labels = g.each(ids);
      assertThat(labels).containsExactly(h.each(ids));
      assertThat(String.join("", labels)).doesNotContain("\uFFFD").contains("bytes:\\xe6bytes:\\x97bytes:\\xa5"); // 日 = E6 97 A5, one byte token each
      // Partial characters are labelled by their bytes, and those bytes are what the chat protocol reports.
      assertThat(Arrays.stream(labels).filter(l -> l.startsWith("bytes:")).toList()).isNotEmpty()
          .allSatisfy(l -> assertThat(l).matches("bytes:(\\\\x[0-9a-f]{2})+"));
      for (int id : ids) {
        if (g.token(id).startsWith("bytes:")) assertThat(g.bytes(id)).isEqualTo(gguf.tokenizer().bytes(id)).isNotEmpty();
      }
      // Alternatives stay apart: every one of the vocabulary's ids has a label of its own.
      Set<String> seen = new HashSet<>();
      for (int id = 0; id < gguf.tokenizer().vocabularySize(); id++) assertThat(seen.add(g.token(id))).as("label of %d: %s", id, g.token(id)).isTrue();
    }
  }
}
