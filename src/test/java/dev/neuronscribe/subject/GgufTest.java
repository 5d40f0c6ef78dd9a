package dev.neuronscribe.subject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronscribe.files.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * GGUF files written by tools/make_local_llm_fixtures.py with the gguf package, the way llama.cpp's converter
 * writes them (permuted Llama q/k rows, Gemma's 1 + w norms, rope_freqs), against transformers run on the weights
 * as stored (F16/BF16 rounded, Q8_0 dequantised).
 */
class GgufTest {
  static Path gguf(String name) {
    return LocalLlmReference.fixture("gguf").resolve(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama-f32", "llama-f16", "llama-bf16", "llama-q8_0", "qwen2-q8_0", "gemma2/gemma2-q8_0"})
  void logprobsAndGreedyTokensMatchTransformersOnTheStoredWeights(String name) throws Exception {
    Path file = gguf(name + ".gguf");
    LocalLlmReference reference = new LocalLlmReference(gguf(name + ".reference.json"));
    try (LanguageModel model = LanguageModels.open(file)) {
      assertThat(model.architecture()).isEqualTo(name.replaceAll(".*/", "").replaceAll("-.*", ""));
      assertThat(model.vocabSize()).isEqualTo(512);
      assertThat(model.contextLength()).isEqualTo(128);
      reference.checkLogprobs(model, 1e-4);
      reference.checkGreedy(model);
    }
  }

  /** The vocabulary rebuilt from tokenizer.ggml.* tokenises as the model's tokenizer.json does (Llama 3's and Qwen2's splits). */
  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2"})
  void tokenizerRebuiltFromMetadataMatchesTheOriginal(String name) throws Exception {
    String[] texts = {"The quick brown fox jumps over the lazy dog.", "In 1998 the red car was parked near 42 Elm Street: 12345 67!",
        "  two  spaces\tand a tab\nnew line\n\n", "Ünïcödé text, emoji 🙂 and café au lait; I'll say it's done", "<|im_start|>user\nhi<|im_end|>", ""};
    try (LanguageModel model = LanguageModels.open(gguf(name + "-q8_0.gguf"));
        HfTokenizer original = HfTokenizer.open(LocalLlmReference.fixture(name).resolve("tokenizer.json"))) {
      for (String text : texts) {
        int[] ids = model.tokenizer().encode(text);
        assertThat(ids).as(text).containsExactly(original.encode(text));
        assertThat(model.tokenizer().decode(ids)).isEqualTo(original.decode(ids));
      }
    }
  }

  /** The recorder reads a GGUF file too: every hook point of the F32 file equals the Hugging Face checkpoint's. */
  @Test
  void theRecorderRunsAGgufFileAsItsCheckpoint() throws Exception {
    try (Model gguf = Models.load(gguf("llama-f32.gguf")); Model hf = Models.load(LocalLlmReference.fixture("llama"));
        Tokenizer ggufTokens = Models.tokenizer(gguf); Tokenizer hfTokens = Models.tokenizer(hf)) {
      assertThat(gguf.shape()).isEqualTo(hf.shape());
      String text = "In March 2021 the committee met 3 times; in April it met twice.";
      int[] ids = ggufTokens.encode(text);
      assertThat(ids).containsExactly(hfTokens.encode(text));
      var a = ArchitecturesTest.run(gguf, ids);
      var b = ArchitecturesTest.run(hf, ids);
      for (HookPoint p : HookPoint.values()) {
        for (int l = 0; l < hf.shape().layers(); l++) LanguageModelTest.assertClose(a.get(p)[l], b.get(p)[l], 1e-5, p + " layer " + l);
      }
    }
  }

  /** A vocabulary-only GGUF of fixtures/tokenizers/byte-level.json with GPT-2's pre-tokenizer ("gpt-2"). */
  @Test
  void gpt2PreTokenizerIsRebuiltToo() throws Exception {
    String[] texts = {"The quick brown fox jumps over the lazy dog.", "  two  spaces\tand a tab\nnew line", "zzzz qqq éè 😀 中文 I'll 12345", ""};
    try (var arena = java.lang.foreign.Arena.ofConfined();
        HfTokenizer rebuilt = GgufTokenizer.open(Gguf.read(gguf("gpt2-vocab.gguf"), arena));
        HfTokenizer original = HfTokenizer.open(Path.of("src", "test", "resources", "fixtures", "tokenizers", "byte-level.json"))) {
      for (String text : texts) {
        assertThat(rebuilt.encode(text)).as(text).containsExactly(original.encode(text));
        assertThat(rebuilt.decode(rebuilt.encode(text))).isEqualTo(text);
      }
      assertThat(rebuilt.vocabularySize()).isEqualTo(original.vocabularySize());
    }
  }

  @Test
  void chatMetadataComesFromTheFile() {
    try (LanguageModel gguf = LanguageModels.open(gguf("llama-q8_0.gguf")); LanguageModel hf = LanguageModels.open(LocalLlmReference.fixture("llama"))) {
      LanguageModel.Chat g = gguf.chat(), h = hf.chat();
      assertThat(g.template()).isEqualTo(h.template());
      assertThat(g.templates()).isEqualTo(h.templates());
      assertThat(g.bosToken()).isEqualTo(h.bosToken());
      assertThat(g.eosToken()).isEqualTo(h.eosToken());
      // GGUF keeps the EOS and EOT ids (here both <|eot_id|>), not generation_config's list, which also has <|end_of_text|>
      assertThat(g.endOfTurn()).containsExactly(((HfTokenizer) hf.tokenizer()).id("<|eot_id|>").getAsInt());
      assertThat(h.endOfTurn()).containsAll(g.endOfTurn());
      assertThat(g.bosId()).isEqualTo(h.bosId());
      assertThat(g.addBos()).isTrue();
    }
    try (LanguageModel gguf = LanguageModels.open(gguf("qwen2-q8_0.gguf")); LanguageModel hf = LanguageModels.open(LocalLlmReference.fixture("qwen2"))) {
      assertThat(gguf.chat().template()).isEqualTo(hf.chat().template());
      assertThat(gguf.chat().eosToken()).contains("<|im_end|>");
      assertThat(gguf.chat().endOfTurn()).isEqualTo(hf.chat().endOfTurn());
      assertThat(gguf.chat().addBos()).isFalse();
    }
  }

  @Test
  void aSentencePieceVocabularyNeedsItsTokenizerJsonBeside(@TempDir Path tmp) throws Exception {
    Path alone = tmp.resolve("gemma2-q8_0.gguf");
    Files.copy(gguf("gemma2/gemma2-q8_0.gguf"), alone);
    assertThatThrownBy(() -> LanguageModels.open(alone)).isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(alone.toString()).hasMessageContaining("'llama'").hasMessageContaining("tokenizer.json");
  }

  @Test
  void truncatedFilesAreOneClearError(@TempDir Path tmp) throws Exception {
    byte[] all = Files.readAllBytes(gguf("llama-q8_0.gguf"));
    for (int length : new int[] {0, 3, 100, 4000, all.length - 10}) {
      Path cut = tmp.resolve("cut-" + length + ".gguf");
      Files.write(cut, Arrays.copyOf(all, length));
      assertThatThrownBy(() -> LanguageModels.open(cut)).as("%d bytes", length).isInstanceOf(InvalidInputException.class)
          .hasMessageStartingWith(cut.toString()).satisfiesAnyOf(
              e -> assertThat(e).hasMessageContaining("truncated"), e -> assertThat(e).hasMessageContaining("not a GGUF file"));
    }
  }

  @Test
  void unsupportedTensorTypeAndArchitectureAreNamed(@TempDir Path tmp) throws Exception {
    byte[] all = Files.readAllBytes(gguf("llama-f16.gguf"));
    byte[] q4k = all.clone();
    int at = indexOf(q4k, "blk.0.attn_q.weight".getBytes(StandardCharsets.UTF_8)) + "blk.0.attn_q.weight".length();
    int dims = q4k[at];
    q4k[at + 4 + 8 * dims] = 12; // the tensor's type: Q4_K
    Path file = tmp.resolve("q4k.gguf");
    Files.write(file, q4k);
    assertThatThrownBy(() -> LanguageModels.open(file)).isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(file.toString()).hasMessageContaining("blk.0.attn_q.weight").hasMessageContaining("Q4_K")
        .hasMessageContaining("F32, F16, BF16 and Q8_0");
    byte[] other = all.clone();
    int arch = indexOf(other, "general.architecture".getBytes(StandardCharsets.UTF_8)) + "general.architecture".length() + 4 + 8;
    System.arraycopy("bloom".getBytes(StandardCharsets.UTF_8), 0, other, arch, 5);
    Path bloom = tmp.resolve("bloom.gguf");
    Files.write(bloom, other);
    assertThatThrownBy(() -> LanguageModels.open(bloom)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("general.architecture").hasMessageContaining("'bloom'").hasMessageContaining("llama");
    Path text = tmp.resolve("notes.txt");
    Files.writeString(text, "hello there, not a model");
    assertThatThrownBy(() -> LanguageModels.open(text)).isInstanceOf(InvalidInputException.class).hasMessageContaining("not a GGUF file");
  }

  @Test
  void q8_0DecodesBlockwise() {
    try (var arena = java.lang.foreign.Arena.ofConfined()) {
      var data = arena.allocate(2 * Q8_0.BLOCK_BYTES);
      data.set(Safetensors.I16_LE, 0, Float.floatToFloat16(0.5f));
      data.set(Safetensors.I16_LE, Q8_0.BLOCK_BYTES, Float.floatToFloat16(-2f));
      for (int i = 0; i < 32; i++) {
        data.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 2 + i, (byte) (i - 16));
        data.set(java.lang.foreign.ValueLayout.JAVA_BYTE, Q8_0.BLOCK_BYTES + 2 + i, (byte) (127 - i));
      }
      float[] out = new float[40];
      Q8_0.copy(data, 20, out, 0, 40);
      for (int i = 0; i < 40; i++) {
        int e = 20 + i;
        float expected = e < 32 ? 0.5f * (e - 16) : -2f * (127 - (e - 32));
        assertThat(out[i]).isEqualTo(expected);
        assertThat(Q8_0.get(data, e)).isEqualTo(expected);
      }
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
      return i;
    }
    throw new AssertionError("not found");
  }

  static Set<Integer> set(int... ids) {
    return Arrays.stream(ids).boxed().collect(java.util.stream.Collectors.toSet());
  }
}
