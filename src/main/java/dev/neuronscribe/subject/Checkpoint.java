package dev.neuronscribe.subject;

import dev.neuronscribe.files.InvalidInputException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The weights of a Hugging Face checkpoint directory, memory-mapped: one {@code model.safetensors}, or the
 * shards a {@code model.safetensors.index.json} names. Tensors are found by name with or without the
 * prefix the {@code *ForCausalLM} classes add ({@code model.}, {@code gpt_neox.}); nothing is copied onto
 * the heap here.
 */
final class Checkpoint {
  static final String SINGLE = "model.safetensors";
  static final String INDEX = "model.safetensors.index.json";

  private final Path directory;
  private final Map<String, Safetensors.Tensor> tensors;
  private final Map<String, Path> files;
  private final String digest;
  private final String prefix;
  private final Gguf.Conventions gguf;

  private Checkpoint(Path directory, Map<String, Safetensors.Tensor> tensors, Map<String, Path> files, String digest, String prefix,
      Gguf.Conventions gguf) {
    this.directory = directory;
    this.tensors = tensors;
    this.files = files;
    this.digest = digest;
    this.prefix = prefix;
    this.gguf = gguf;
  }

  /**
   * A GGUF file's tensors under the Hugging Face names the forward passes look up ({@code layers.0.self_attn.q_proj.weight}),
   * shapes in torch's order, with llama.cpp's storage conventions.
   */
  static Checkpoint ofGguf(Path file, Map<String, Safetensors.Tensor> tensors, String digest, Gguf.Conventions conventions) {
    Map<String, Path> files = new LinkedHashMap<>();
    for (String name : tensors.keySet()) files.put(name, file);
    return new Checkpoint(file, tensors, files, digest, "", conventions);
  }

  /**
   * Maps the directory's safetensors into {@code arena}. {@code prefix} is tried before each name (the bare
   * name second), as {@code save_pretrained} of a {@code *ForCausalLM} writes it.
   */
  static Checkpoint open(Path directory, String prefix, Arena arena) {
    Path single = directory.resolve(SINGLE), index = directory.resolve(INDEX);
    Map<String, Safetensors> byTensor = new LinkedHashMap<>();
    Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
    Map<String, Path> files = new LinkedHashMap<>();
    StringBuilder digest = new StringBuilder();
    if (Files.exists(single)) {
      Safetensors s = Safetensors.open(single, arena);
      for (String name : s.names()) byTensor.put(name, s);
      digest.append(s.digest());
    } else if (Files.exists(index)) {
      JsonNode map = weightMap(index);
      Map<String, Safetensors> shards = new LinkedHashMap<>();
      for (var it = map.fields(); it.hasNext(); ) {
        var e = it.next();
        String shard = e.getValue().asText();
        if (shard.contains("/") || shard.contains("\\")) {
          throw new InvalidInputException(index.toString(), "names shard '" + shard + "' outside the model directory; shards must sit beside the index");
        }
        if (!shards.containsKey(shard)) {
          Path file = directory.resolve(shard);
          if (!Files.exists(file)) {
            throw new InvalidInputException(file.toString(), "no such file, but " + INDEX + " maps tensor '" + e.getKey()
                + "' to it; download the missing shard (every file the index names)");
          }
          Safetensors s = Safetensors.open(file, arena);
          shards.put(shard, s);
          digest.append(s.digest()).append(',');
        }
        Safetensors s = shards.get(shard);
        if (s.find(e.getKey()).isEmpty()) {
          throw new InvalidInputException(s.file().toString(), "has no tensor '" + e.getKey() + "', but " + INDEX + " says it holds it; the shard is from another checkpoint");
        }
        byTensor.put(e.getKey(), s);
      }
    } else {
      throw new InvalidInputException(single.toString(), "no such file (nor " + INDEX + "); this recorder reads safetensors weights "
          + "(convert pytorch_model.bin with save_pretrained(..., safe_serialization=True))");
    }
    byTensor.forEach((name, s) -> {
      tensors.put(name, s.find(name).orElseThrow());
      files.put(name, s.file());
    });
    return new Checkpoint(directory, tensors, files, digest.toString(), prefix, Gguf.Conventions.NONE);
  }

  private static JsonNode weightMap(Path index) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readString(index));
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(index.toString(), "no such file");
    } catch (JsonProcessingException e) {
      throw new InvalidInputException(index.toString(), "is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new InvalidInputException(index.toString(), "cannot be read: " + e.getMessage(), e);
    }
    JsonNode map = root == null ? null : root.get("weight_map");
    if (map == null || !map.isObject() || map.isEmpty()) {
      throw new InvalidInputException(index.toString(), "has no 'weight_map' object (tensor name → shard file)");
    }
    return map;
  }

  /** Whether Llama's query and key rows are in llama.cpp's interleaved rotary order (never for safetensors). */
  boolean interleavedRope() {
    return gguf.interleavedRope();
  }

  /** Whether Gemma's norm weights are stored as the gain {@code 1 + w} (llama.cpp's converter adds the 1). */
  boolean normsHoldOnePlus() {
    return gguf.normsHoldOnePlus();
  }

  /** Per rotary pair, a divisor of its frequency (GGUF's {@code rope_freqs}); empty when none. */
  float[] ropeFactors() {
    return gguf.ropeFactors();
  }

  String digest() {
    return digest;
  }

  Path directory() {
    return directory;
  }

  Iterable<String> names() {
    return tensors.keySet();
  }

  Optional<Safetensors.Tensor> find(String name) {
    Safetensors.Tensor t = tensors.get(prefix + name);
    return t != null ? Optional.of(t) : Optional.ofNullable(tensors.get(name));
  }

  /** A tensor that must be there with this shape, stored as F32, F16 or BF16. */
  Safetensors.Tensor tensor(String name, long... shape) {
    Safetensors.Tensor t = find(name).orElseThrow(() -> new InvalidInputException(where(name), "has no tensor '" + gguf.label(prefix + name) + "'"
        + (prefix.isEmpty() ? "" : " (nor '" + name + "')") + "; is the checkpoint complete and does " + gguf.config() + " belong to it?"));
    if (!Arrays.equals(t.shape(), shape)) {
      throw new InvalidInputException(where(name), "tensor '" + t.name() + "' has shape " + t.shapeText() + ", but " + gguf.config() + " needs "
          + Safetensors.shapeText(shape) + "; the config does not belong to these weights");
    }
    if (!t.dtype().readable()) {
      throw new InvalidInputException(where(name), "tensor '" + t.name() + "' is stored as " + t.dtype()
          + "; supported weight types are F32, F16 and BF16 (save the model with torch_dtype float32, float16 or bfloat16)");
    }
    return t;
  }

  Optional<Safetensors.Tensor> optional(String name, long... shape) {
    return find(name).map(t -> tensor(name, shape));
  }

  /** A small vector (a norm's gain, a bias), copied into a float array. */
  float[] vector(String name, int n) {
    Safetensors.Tensor t = tensor(name, n);
    float[] v = new float[n];
    t.copy(0, v, 0, n);
    return v;
  }

  /** A bias the checkpoint may leave out: zeros then, which is what a layer without one adds. */
  float[] biasOrZero(String name, int n) {
    return find(name).isPresent() ? vector(name, n) : new float[n];
  }

  /** A {@code torch.nn.Linear} weight, {@code [out, in]}, read in place. */
  Matrix linear(String name, int out, int in) {
    return Matrix.linear(tensor(name, out, in));
  }

  private String where(String name) {
    Path f = files.get(prefix + name);
    if (f == null) f = files.get(name);
    if (f != null) return f.toString();
    if (!gguf.equals(Gguf.Conventions.NONE)) return directory.toString();
    return directory.resolve(files.isEmpty() ? SINGLE : files.values().iterator().next().getFileName().toString()).toString();
  }
}
