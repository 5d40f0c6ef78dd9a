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
  private final Map<String, Safetensors> byTensor;
  private final String digest;
  private final String prefix;

  private Checkpoint(Path directory, Map<String, Safetensors> byTensor, String digest, String prefix) {
    this.directory = directory;
    this.byTensor = byTensor;
    this.digest = digest;
    this.prefix = prefix;
  }

  /**
   * Maps the directory's safetensors into {@code arena}. {@code prefix} is tried before each name (the bare
   * name second), as {@code save_pretrained} of a {@code *ForCausalLM} writes it.
   */
  static Checkpoint open(Path directory, String prefix, Arena arena) {
    Path single = directory.resolve(SINGLE), index = directory.resolve(INDEX);
    Map<String, Safetensors> byTensor = new LinkedHashMap<>();
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
    return new Checkpoint(directory, byTensor, digest.toString(), prefix);
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
    return false;
  }

  String digest() {
    return digest;
  }

  Path directory() {
    return directory;
  }

  Iterable<String> names() {
    return byTensor.keySet();
  }

  Optional<Safetensors.Tensor> find(String name) {
    Safetensors s = byTensor.get(prefix + name);
    if (s != null) return s.find(prefix + name);
    s = byTensor.get(name);
    return s == null ? Optional.empty() : s.find(name);
  }

  /** A tensor that must be there with this shape, stored as F32, F16 or BF16. */
  Safetensors.Tensor tensor(String name, long... shape) {
    Safetensors.Tensor t = find(name).orElseThrow(() -> new InvalidInputException(where(name), "has no tensor '" + prefix + name + "'"
        + (prefix.isEmpty() ? "" : " (nor '" + name + "')") + "; is the checkpoint complete and does config.json belong to it?"));
    if (!Arrays.equals(t.shape(), shape)) {
      throw new InvalidInputException(where(name), "tensor '" + t.name() + "' has shape " + t.shapeText() + ", but config.json needs "
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
    Safetensors s = byTensor.get(prefix + name);
    if (s == null) s = byTensor.get(name);
    if (s != null) return s.file().toString();
    return directory.resolve(byTensor.isEmpty() ? SINGLE : byTensor.values().iterator().next().file().getFileName().toString()).toString();
  }
}
