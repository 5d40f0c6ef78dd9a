package dev.neuronscribe.subject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuronscribe.files.InvalidInputException;
import dev.neuronscribe.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading checkpoints: both naming styles, and every kind of broken file giving a clear error, never a crash. */
class CheckpointLoadingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Gpt2Config TINY = new Gpt2Config(2, 16, 2, 64, 32, Gpt2Tokenizer.VOCABULARY_SIZE, 1e-5f, false);

  @Test
  void namesWithoutTheTransformerPrefixLoadToTheSameModel(@TempDir Path tmp) {
    Path fixture = TestData.require("fixtures/gpt2-tiny-a");
    int[] ids = {464, 2068, 7586, 21831, 18045, 625, 262, 16931, 3290, 13};
    float[][][] expected;
    try (Gpt2 prefixed = Gpt2.load(fixture)) {
      expected = prefixed.mlpActivations(ids, 1);
      // Re-save the fixture's tensors under the hub's names (no "transformer." prefix), as Hugging Face's gpt2 files have them.
      Gpt2Config c = prefixed.config();
      try (var arena = java.lang.foreign.Arena.ofConfined()) {
        Safetensors source = Safetensors.open(fixture.resolve("model.safetensors"), arena);
        Checkpoints.write(tmp, c, (name, shape) -> {
          Safetensors.Tensor t = source.find("transformer." + name).orElseThrow();
          assertThat(t.shape()).isEqualTo(shape);
          return (offset, chunk, n) -> t.copy(offset, chunk, 0, n);
        });
      }
    }
    try (Gpt2 plain = Gpt2.load(tmp)) {
      float[][][] actual = plain.mlpActivations(ids, 1);
      for (int l = 0; l < 2; l++) for (int t = 0; t < ids.length; t++) assertThat(actual[l][t]).containsExactly(expected[l][t]);
    }
  }

  @Test
  void aTruncatedFileNamesTheTensorThatRunsPastTheEnd(@TempDir Path tmp) throws Exception {
    Path dir = writeTiny(tmp);
    Path file = dir.resolve("model.safetensors");
    byte[] all = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(all, all.length - 1000));
    assertThatThrownBy(() -> Gpt2.load(dir))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("model.safetensors")
        .hasMessageContaining("ends at byte")
        .hasMessageContaining("the file is truncated");
  }

  @Test
  void aFileCutInsideTheHeaderOrTooShortIsRejected(@TempDir Path tmp) throws Exception {
    Path dir = writeTiny(tmp);
    Path file = dir.resolve("model.safetensors");
    byte[] all = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(all, 100));
    assertThatThrownBy(() -> Gpt2.load(dir)).isInstanceOf(InvalidInputException.class).hasMessageContaining("header length");
    Files.write(file, Arrays.copyOf(all, 5));
    assertThatThrownBy(() -> Gpt2.load(dir)).isInstanceOf(InvalidInputException.class).hasMessageContaining("too short");
    Files.write(file, new byte[0]);
    assertThatThrownBy(() -> Gpt2.load(dir)).isInstanceOf(InvalidInputException.class).hasMessageContaining("0 bytes");
  }

  @Test
  void aHeaderThatLiesAboutOffsetsOrShapesIsRejectedBeforeAnyByteIsRead(@TempDir Path tmp) throws Exception {
    Path dir = writeTiny(tmp);
    // Offsets beyond the file's end.
    rewriteHeader(dir, h -> ((ObjectNode) h.get("wpe.weight")).putArray("data_offsets").add(0).add(1L << 40));
    assertThatThrownBy(() -> Gpt2.load(dir)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'wpe.weight'").hasMessageContaining("data_offsets");

    writeTiny(tmp);
    // A shape whose size disagrees with the byte range.
    rewriteHeader(dir, h -> ((ObjectNode) h.get("h.0.mlp.c_fc.weight")).putArray("shape").add(16).add(65));
    assertThatThrownBy(() -> Gpt2.load(dir)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'h.0.mlp.c_fc.weight'").hasMessageContaining("needs").hasMessageContaining("bytes");

    writeTiny(tmp);
    // Two tensors claiming the same bytes.
    rewriteHeader(dir, h -> {
      var a = h.get("h.0.ln_1.weight").get("data_offsets");
      ((ObjectNode) h.get("h.0.ln_1.bias")).set("data_offsets", a.deepCopy());
    });
    assertThatThrownBy(() -> Gpt2.load(dir)).isInstanceOf(InvalidInputException.class).hasMessageContaining("overlapping");

    writeTiny(tmp);
    // A shape so large that its byte count overflows.
    rewriteHeader(dir, h -> ((ObjectNode) h.get("h.0.ln_1.bias")).putArray("shape").add(Long.MAX_VALUE / 2).add(4));
    assertThatThrownBy(() -> Gpt2.load(dir)).isInstanceOf(InvalidInputException.class).hasMessageContaining("too large");

    writeTiny(tmp);
    Path file = dir.resolve("model.safetensors");
    byte[] all = Files.readAllBytes(file);
    all[8] = 'x'; // the header is no longer JSON
    Files.write(file, all);
    assertThatThrownBy(() -> Gpt2.load(dir)).isInstanceOf(InvalidInputException.class).hasMessageContaining("not valid JSON");
  }

  @Test
  void aMissingTensorIsNamed(@TempDir Path tmp) throws Exception {
    Path dir = writeTiny(tmp);
    rewriteHeader(dir, h -> {
      ObjectNode t = (ObjectNode) h.remove("h.1.attn.c_proj.bias");
      h.set("h.1.attn.c_proj.bias_renamed", t);
    });
    assertThatThrownBy(() -> Gpt2.load(dir)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("has no tensor 'h.1.attn.c_proj.bias'");
  }

  @Test
  void anUnsupportedDtypeIsNamedWithWhatIsSupported(@TempDir Path tmp) throws Exception {
    Path dir = writeTiny(tmp);
    // The same bytes read as I32: sizes agree, the type does not.
    rewriteHeader(dir, h -> ((ObjectNode) h.get("h.0.mlp.c_proj.weight")).put("dtype", "I32"));
    assertThatThrownBy(() -> Gpt2.load(dir)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'h.0.mlp.c_proj.weight' is stored as I32").hasMessageContaining("F32, F16 and BF16");
    writeTiny(tmp);
    rewriteHeader(dir, h -> ((ObjectNode) h.get("h.0.mlp.c_proj.weight")).put("dtype", "Q4_K"));
    assertThatThrownBy(() -> Gpt2.load(dir)).isInstanceOf(InvalidInputException.class).hasMessageContaining("dtype 'Q4_K'");
  }

  @Test
  void aConfigThatDisagreesWithTheWeightsIsCaught(@TempDir Path tmp) throws Exception {
    Path dir = writeTiny(tmp);
    editConfig(dir, c -> c.put("n_embd", 32).put("n_head", 2));
    assertThatThrownBy(() -> Gpt2.load(dir)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("has shape [50257, 16]").hasMessageContaining("needs [50257, 32]");

    writeTiny(tmp);
    editConfig(dir, c -> c.put("n_layer", 1));
    assertThatThrownBy(() -> Gpt2.load(dir)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'h.1.").hasMessageContaining("n_layer = 1");

    writeTiny(tmp);
    editConfig(dir, c -> c.put("n_layer", 3));
    assertThatThrownBy(() -> Gpt2.load(dir)).isInstanceOf(InvalidInputException.class).hasMessageContaining("has no tensor 'h.2.ln_1.weight'");

    writeTiny(tmp);
    editConfig(dir, c -> c.put("n_inner", 128));
    assertThatThrownBy(() -> Gpt2.load(dir)).isInstanceOf(InvalidInputException.class).hasMessageContaining("'h.0.mlp.c_fc.weight' has shape [16, 64]");

    writeTiny(tmp);
    editConfig(dir, c -> c.put("model_type", "llama"));
    assertThatThrownBy(() -> Gpt2.load(dir)).isInstanceOf(InvalidInputException.class).hasMessageContaining("GPT-2 models");

    writeTiny(tmp);
    editConfig(dir, c -> c.put("activation_function", "relu"));
    assertThatThrownBy(() -> Gpt2.load(dir)).isInstanceOf(InvalidInputException.class).hasMessageContaining("activation_function");

    writeTiny(tmp);
    editConfig(dir, c -> c.remove("n_embd"));
    assertThatThrownBy(() -> Gpt2.load(dir)).isInstanceOf(InvalidInputException.class).hasMessageContaining("'n_embd' is missing");
  }

  @Test
  void missingFilesAreNamed(@TempDir Path tmp) throws Exception {
    assertThatThrownBy(() -> Gpt2.load(tmp.resolve("nowhere"))).isInstanceOf(InvalidInputException.class).hasMessageContaining("nowhere: not found");
    Path dir = writeTiny(tmp);
    Files.delete(dir.resolve("model.safetensors"));
    assertThatThrownBy(() -> Gpt2.load(dir)).isInstanceOf(InvalidInputException.class).hasMessageContaining("model.safetensors: not found");
    Files.delete(dir.resolve("config.json"));
    assertThatThrownBy(() -> Gpt2.load(dir)).isInstanceOf(InvalidInputException.class).hasMessageContaining("config.json: not found");
  }

  @Test
  void aClosedModelRefusesToRunInsteadOfCrashing(@TempDir Path tmp) {
    Gpt2 model = Gpt2.load(writeTiny(tmp));
    model.close();
    assertThatThrownBy(() -> model.mlpActivations(new int[] {1, 2, 3}, 0)).isInstanceOf(IllegalStateException.class);
  }

  // ------------------------------------------------------------------ helpers

  private static Path writeTiny(Path tmp) {
    Path dir = tmp.resolve("model");
    Checkpoints.writeRandom(dir, TINY, 1);
    return dir;
  }

  private interface HeaderEdit {
    void edit(ObjectNode header);
  }

  /** Rewrites the JSON header of DIR/model.safetensors, keeping the tensor bytes as they are. */
  private static void rewriteHeader(Path dir, HeaderEdit edit) throws Exception {
    Path file = dir.resolve("model.safetensors");
    byte[] all = Files.readAllBytes(file);
    long n = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    ObjectNode header = (ObjectNode) JSON.readTree(new String(all, 8, (int) n, StandardCharsets.UTF_8));
    edit.edit(header);
    byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).array());
    out.write(json);
    out.write(all, (int) (8 + n), all.length - (int) (8 + n));
    Files.write(file, out.toByteArray());
  }

  private interface ConfigEdit {
    void edit(ObjectNode config);
  }

  private static void editConfig(Path dir, ConfigEdit edit) throws Exception {
    Path file = dir.resolve("config.json");
    ObjectNode config = (ObjectNode) JSON.readTree(file.toFile());
    edit.edit(config);
    Files.writeString(file, config.toString());
  }
}
