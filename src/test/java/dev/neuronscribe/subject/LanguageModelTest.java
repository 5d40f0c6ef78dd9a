package dev.neuronscribe.subject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronscribe.files.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The local LLM's Hugging Face side against transformers (fixtures and references written by
 * tools/make_local_llm_fixtures.py): log-probabilities at every position, the KV cache, greedy generation,
 * the chat metadata and bad input.
 */
class LanguageModelTest {
  private static final String[] FIXTURES = {"llama", "qwen2", "gemma2"};

  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2", "gemma2"})
  void logprobsAtEveryPositionMatchTransformersWithin1e4(String name) throws Exception {
    Path dir = LocalLlmReference.fixture(name);
    try (LanguageModel model = LanguageModels.open(dir)) {
      assertThat(model.architecture()).isEqualTo(name);
      assertThat(model.vocabSize()).isEqualTo(512);
      assertThat(model.contextLength()).isEqualTo(128);
      new LocalLlmReference(dir.resolve("reference.json")).checkLogprobs(model, 1e-4);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2", "gemma2"})
  void greedyGenerationThroughTheCacheMatchesTransformersTokenForToken(String name) throws Exception {
    Path dir = LocalLlmReference.fixture(name);
    try (LanguageModel model = LanguageModels.open(dir)) {
      new LocalLlmReference(dir.resolve("reference.json")).checkGreedy(model);
    }
  }

  /** Appending one token at a time, or in uneven chunks, gives the logits of one batched pass. */
  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2", "gemma2"})
  void incrementalAppendsEqualOneBatchedPass(String name) throws Exception {
    try (LanguageModel model = LanguageModels.open(LocalLlmReference.fixture(name))) {
      int vocab = model.vocabSize();
      int[] ids = new int[30];
      for (int i = 0; i < ids.length; i++) ids[i] = (i * 37 + 11) % vocab;
      float[] batched;
      try (LanguageModel.Session s = model.newSession(ids.length)) {
        batched = s.append(ids, true);
        assertThat(s.length()).isEqualTo(ids.length);
      }
      try (LanguageModel.Session s = model.newSession(ids.length)) {
        for (int t = 0; t < ids.length; t++) {
          float[] one = s.append(new int[] {ids[t]}, false);
          assertClose(one, Arrays.copyOfRange(batched, t * vocab, (t + 1) * vocab), 1e-5, "position " + t);
        }
      }
      try (LanguageModel.Session s = model.newSession(ids.length)) {
        float[] a = s.append(Arrays.copyOfRange(ids, 0, 7), true);
        float[] b = s.append(Arrays.copyOfRange(ids, 7, 30), true);
        assertClose(a, Arrays.copyOfRange(batched, 0, 7 * vocab), 1e-5, "first chunk");
        assertClose(b, Arrays.copyOfRange(batched, 7 * vocab, 30 * vocab), 1e-5, "second chunk");
      }
      try (LanguageModel.Session s = model.newSession(ids.length)) {
        // A prompt for its last position only runs the last block's query and MLP for that token alone; the keys and
        // values it leaves in the cache must be every token's, as the tokens appended after it show.
        float[] last = s.append(Arrays.copyOfRange(ids, 0, 20), false);
        assertClose(last, Arrays.copyOfRange(batched, 19 * vocab, 20 * vocab), 1e-5, "a prompt's last position alone");
        float[] rest = s.append(Arrays.copyOfRange(ids, 20, 30), true);
        assertClose(rest, Arrays.copyOfRange(batched, 20 * vocab, 30 * vocab), 1e-5, "after a prompt run for its last position");
      }
    }
  }

  @Test
  void forksAreIndependentAndTruncateForgetsTokens() throws Exception {
    try (LanguageModel model = LanguageModels.open(LocalLlmReference.fixture("llama"))) {
      int[] prompt = model.tokenizer().encode("The quick brown fox");
      try (LanguageModel.Session s = model.newSession(32)) {
        float[] afterPrompt = s.append(prompt, false);
        LanguageModel.Session fork = s.fork();
        float[] a = s.append(new int[] {5}, false);
        float[] b = fork.append(new int[] {9}, false);
        float[] c = fork.fork().append(new int[] {5}, false);
        assertThat(a).isNotEqualTo(b);
        assertThat(fork.length()).isEqualTo(prompt.length + 1);
        // the fork's own token 9 is not seen by s, and s's 5 is not seen by the fork
        LanguageModel.Session again = model.newSession(32);
        again.append(prompt, false);
        assertClose(a, again.append(new int[] {5}, false), 0, "original after fork");
        s.truncate(prompt.length);
        assertThat(s.length()).isEqualTo(prompt.length);
        assertClose(s.append(new int[] {9}, false), b, 0, "after truncate");
        assertThat(c).isNotEqualTo(a); // the fork of the fork holds 9 before 5
        s.truncate(prompt.length - 1);
        assertClose(s.append(new int[] {prompt[prompt.length - 1]}, false), afterPrompt, 1e-5, "re-appended last prompt token (one query: scores summed in another order)");
      }
    }
  }

  @Test
  void capacityContextAndVocabularyAreChecked() throws Exception {
    try (LanguageModel model = LanguageModels.open(LocalLlmReference.fixture("qwen2"))) {
      assertThatThrownBy(() -> model.newSession(129)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("context of 128");
      try (LanguageModel.Session s = model.newSession(4)) {
        s.append(new int[] {1, 2, 3}, false);
        assertThatThrownBy(() -> s.append(new int[] {4, 5}, false)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("capacity of 4");
        assertThat(s.length()).isEqualTo(3);
        assertThatThrownBy(() -> s.append(new int[] {512}, false)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("512");
        assertThatThrownBy(() -> s.append(new int[0], false)).isInstanceOf(IllegalArgumentException.class);
        assertThat(s.length()).isEqualTo(3);
        assertThat(s.append(new int[] {4}, false)).hasSize(512);
      }
    }
  }

  @Test
  void chatMetadataComesFromTokenizerAndGenerationConfig() throws Exception {
    try (LanguageModel llama = LanguageModels.open(LocalLlmReference.fixture("llama"))) {
      LanguageModel.Chat chat = llama.chat();
      HfTokenizer tok = (HfTokenizer) llama.tokenizer();
      assertThat(chat.templates()).containsOnlyKeys("default", "tool_use");
      assertThat(chat.template()).contains(chat.templates().get("default"));
      assertThat(chat.template().orElseThrow()).contains("<|start_header_id|>");
      assertThat(chat.bosToken()).contains("<|begin_of_text|>");
      assertThat(chat.eosToken()).contains("<|eot_id|>");
      assertThat(chat.addBos()).isTrue();
      assertThat(chat.bosId()).hasValue(tok.id("<|begin_of_text|>").getAsInt());
      assertThat(chat.endOfTurn()).isEqualTo(Set.of(tok.id("<|eot_id|>").getAsInt(), tok.id("<|end_of_text|>").getAsInt()));
    }
    try (LanguageModel qwen = LanguageModels.open(LocalLlmReference.fixture("qwen2"))) {
      LanguageModel.Chat chat = qwen.chat();
      HfTokenizer tok = (HfTokenizer) qwen.tokenizer();
      assertThat(chat.template().orElseThrow()).contains("<|im_start|>");
      assertThat(chat.templates()).containsOnlyKeys("default");
      assertThat(chat.bosToken()).isEmpty();
      assertThat(chat.addBos()).isFalse();
      assertThat(chat.endOfTurn()).isEqualTo(Set.of(tok.id("<|im_end|>").getAsInt(), tok.id("<|endoftext|>").getAsInt()));
    }
    try (LanguageModel gemma = LanguageModels.open(LocalLlmReference.fixture("gemma2"))) {
      assertThat(gemma.chat().template()).isEmpty();
      assertThat(gemma.chat().addBos()).isTrue();
    }
  }

  /** A turn ends at the union of tokenizer_config's eos_token and the eos_token_id(s) of generation_config.json and config.json. */
  @Test
  void endOfTurnIsTheUnionOfEveryFilesEos(@TempDir Path tmp) throws Exception {
    Path copy = tmp.resolve("qwen2");
    Files.createDirectories(copy);
    try (var files = Files.list(LocalLlmReference.fixture("qwen2"))) {
      for (Path f : files.toList()) Files.copy(f, copy.resolve(f.getFileName()));
    }
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    var tokenizerConfig = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(copy.resolve("tokenizer_config.json").toFile());
    json.writeValue(copy.resolve("tokenizer_config.json").toFile(), tokenizerConfig.put("eos_token", "<|im_start|>"));
    var config = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(copy.resolve("config.json").toFile());
    json.writeValue(copy.resolve("config.json").toFile(), config.put("eos_token_id", 0));
    Files.writeString(copy.resolve("generation_config.json"), "{\"eos_token_id\": [2]}");
    try (LanguageModel model = LanguageModels.open(copy)) {
      HfTokenizer tok = (HfTokenizer) model.tokenizer();
      assertThat(model.chat().endOfTurn()).containsExactlyInAnyOrder(
          tok.id("<|im_start|>").getAsInt(), tok.id("<|im_end|>").getAsInt(), tok.id("<|endoftext|>").getAsInt());
    }
    Files.delete(copy.resolve("generation_config.json"));
    try (LanguageModel model = LanguageModels.open(copy)) {
      HfTokenizer tok = (HfTokenizer) model.tokenizer();
      assertThat(model.chat().endOfTurn()).containsExactlyInAnyOrder(tok.id("<|im_start|>").getAsInt(), tok.id("<|endoftext|>").getAsInt());
    }
  }

  /** Newer transformers save the template as chat_template.jinja beside tokenizer_config.json; a malformed one is named. */
  @Test
  void chatTemplateJinjaFileAndMalformedFields(@TempDir Path tmp) throws Exception {
    Path copy = tmp.resolve("qwen2");
    Files.createDirectories(copy);
    try (var files = Files.list(LocalLlmReference.fixture("qwen2"))) {
      for (Path f : files.toList()) Files.copy(f, copy.resolve(f.getFileName()));
    }
    Files.writeString(copy.resolve("chat_template.jinja"), "{% for m in messages %}{{ m['content'] }}{% endfor %}");
    try (LanguageModel model = LanguageModels.open(copy)) {
      assertThat(model.chat().template()).contains("{% for m in messages %}{{ m['content'] }}{% endfor %}");
    }
    Files.writeString(copy.resolve("tokenizer_config.json"), "{\"chat_template\": 42, \"eos_token\": \"<|im_end|>\"}");
    assertThatThrownBy(() -> LanguageModels.open(copy)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("tokenizer_config.json").hasMessageContaining("chat_template");
    Files.writeString(copy.resolve("tokenizer_config.json"), "{\"eos_token\": [1]}");
    assertThatThrownBy(() -> LanguageModels.open(copy)).isInstanceOf(InvalidInputException.class).hasMessageContaining("eos_token");
  }

  @Test
  void decodeSpellsTheTextBack() throws Exception {
    for (String name : FIXTURES) {
      try (LanguageModel model = LanguageModels.open(LocalLlmReference.fixture(name))) {
        String text = "In March 2021 the committee met 3 times; café 🙂";
        assertThat(model.tokenizer().decode(model.tokenizer().encode(text))).as(name).isEqualTo(text);
      }
    }
    try (LanguageModel model = LanguageModels.open(LocalLlmReference.fixture("qwen2"))) {
      HfTokenizer tok = (HfTokenizer) model.tokenizer();
      assertThat(tok.decode(new int[] {tok.id("<|im_start|>").getAsInt()})).isEqualTo("<|im_start|>");
    }
  }

  @Test
  void unsupportedArchitectureAndMissingShardAreOneClearLine(@TempDir Path tmp) throws Exception {
    Path neox = Path.of("src", "test", "resources", "fixtures", "arch-neox");
    assertThatThrownBy(() -> LanguageModels.open(neox)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("config.json").hasMessageContaining("gpt_neox").hasMessageContaining("llama");
    Path copy = tmp.resolve("llama");
    Files.createDirectories(copy);
    try (var files = Files.list(LocalLlmReference.fixture("llama"))) {
      for (Path f : files.toList()) Files.copy(f, copy.resolve(f.getFileName()));
    }
    Files.delete(copy.resolve("model-00002-of-00002.safetensors"));
    assertThatThrownBy(() -> LanguageModels.open(copy)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("model-00002-of-00002.safetensors").hasMessageContaining("missing shard");
    assertThatThrownBy(() -> LanguageModels.open(tmp.resolve("nothing"))).isInstanceOf(InvalidInputException.class).hasMessageContaining("not found");
    try (var files = Files.walk(tmp)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  static void assertClose(float[] got, float[] expected, double tolerance, String what) {
    assertThat(got).as(what).hasSameSizeAs(expected);
    for (int i = 0; i < got.length; i++) {
      assertThat((double) Math.abs(got[i] - expected[i])).as("%s, element %d", what, i).isLessThanOrEqualTo(tolerance);
    }
  }
}
