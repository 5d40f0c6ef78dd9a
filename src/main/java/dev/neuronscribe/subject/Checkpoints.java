package dev.neuronscribe.subject;

import dev.neuronscribe.files.AtomicFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Writes GPT-2 checkpoints in Hugging Face's layout (what {@code save_pretrained} writes, minus the tokenizer). */
final class Checkpoints {
  private Checkpoints() {}

  /** The tensors of a GPT-2 model, as names and value sources, in the hub's naming (no {@code transformer.} prefix). */
  interface Source {
    SafetensorsWriter.Values tensor(String name, long[] shape);
  }

  static void write(Path dir, Gpt2Config c, Source source) {
    List<SafetensorsWriter.Entry> entries = new ArrayList<>();
    int e = c.width(), i = c.mlpWidth();
    add(entries, source, "wte.weight", c.vocabSize(), e);
    add(entries, source, "wpe.weight", c.contextLength(), e);
    for (int l = 0; l < c.layers(); l++) {
      String p = "h." + l + ".";
      add(entries, source, p + "ln_1.weight", e);
      add(entries, source, p + "ln_1.bias", e);
      add(entries, source, p + "attn.c_attn.weight", e, 3 * e);
      add(entries, source, p + "attn.c_attn.bias", 3 * e);
      add(entries, source, p + "attn.c_proj.weight", e, e);
      add(entries, source, p + "attn.c_proj.bias", e);
      add(entries, source, p + "ln_2.weight", e);
      add(entries, source, p + "ln_2.bias", e);
      add(entries, source, p + "mlp.c_fc.weight", e, i);
      add(entries, source, p + "mlp.c_fc.bias", i);
      add(entries, source, p + "mlp.c_proj.weight", i, e);
      add(entries, source, p + "mlp.c_proj.bias", e);
    }
    add(entries, source, "ln_f.weight", e);
    add(entries, source, "ln_f.bias", e);
    SafetensorsWriter.write(dir.resolve("model.safetensors"), entries);
    AtomicFiles.writeString(dir.resolve("config.json"), c.toJson() + "\n");
  }

  private static void add(List<SafetensorsWriter.Entry> entries, Source source, String name, long... shape) {
    entries.add(new SafetensorsWriter.Entry(name, shape, source.tensor(name, shape)));
  }

  /**
   * Random weights at GPT-2's initial scale (normal, σ 0.02; layer-norm gains near 1), as the numpy peer's
   * benchmark draws them. Reproducible: each chunk of each tensor has its own seed.
   */
  static void writeRandom(Path dir, Gpt2Config c, long seed) {
    write(dir, c, (name, shape) -> {
      boolean gain = name.endsWith("ln_1.weight") || name.endsWith("ln_2.weight") || name.equals("ln_f.weight");
      float sigma = name.equals("wpe.weight") ? 0.01f : 0.02f;
      long tensorSeed = seed * 1_000_003L + name.hashCode();
      return (offset, chunk, n) -> {
        SplittableRandom r = new SplittableRandom(tensorSeed ^ (offset * 0x9E3779B97F4A7C15L));
        for (int k = 0; k < n; k++) chunk[k] = (float) r.nextGaussian() * sigma + (gain ? 1f : 0f);
      };
    });
  }
}
