package dev.neuronscribe.subject;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuronscribe.files.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Times a dictionary's encoder (the part of recording latents that the model's forward pass does not already
 * do) on a random SAE it writes in SAELens' or sparsify's layout: {@code rows} tokens of {@code d_in} values
 * encoded into {@code d_sae} latents, as the recorder encodes one batch. {@code tools/bench_dictionary_torch.py}
 * times the same encoder in PyTorch.
 */
public final class DictionaryBenchmark {
  private DictionaryBenchmark() {}

  /**
   * @param layout {@code saelens} ({@code W_enc [d_in, d_sae]}) or {@code sparsify} ({@code encoder.weight [d_sae, d_in]})
   * @param activation {@code relu}, {@code jumprelu} or {@code topk}
   */
  public record Settings(String layout, String activation, int dIn, int dSae, int k, int rows, int rounds, int repeats) {}

  /** Rows (tokens) encoded per second in each timed run, and the matmul's 2·d_in·d_sae FLOPs per row. */
  public record Report(List<Double> rowsPerSecond, double flopsPerRow) {
    public double median() {
      double[] s = rowsPerSecond.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
  }

  public static Report run(Settings s, Consumer<String> log) {
    Path dir;
    try {
      dir = Files.createTempDirectory("scribe-bench-dictionary");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Path sae = write(dir, s);
      log.accept("random " + s.layout() + " " + s.activation() + " dictionary, d_in " + s.dIn() + ", d_sae " + s.dSae() + ", in " + sae);
      try (Dictionary d = Dictionary.open(sae, Optional.of("blocks.0.hook_resid_post")).getFirst()) {
        SplittableRandom random = new SplittableRandom(1);
        float[] x = new float[s.rows() * s.dIn()];
        for (int i = 0; i < x.length; i++) x[i] = (float) random.nextGaussian();
        float[] out = new float[s.rows() * s.dSae()];
        Dictionary.Scratch scratch = new Dictionary.Scratch();
        for (int w = 0; w < 3; w++) d.encode(x, s.rows(), out, scratch);
        List<Double> runs = new ArrayList<>();
        for (int r = 0; r < s.repeats(); r++) {
          long t0 = System.nanoTime();
          for (int i = 0; i < s.rounds(); i++) d.encode(x, s.rows(), out, scratch);
          double seconds = (System.nanoTime() - t0) / 1e9;
          runs.add(s.rows() * (double) s.rounds() / seconds);
          log.accept(String.format("run %d: %.0f rows/s", r + 1, runs.getLast()));
        }
        return new Report(runs, 2.0 * s.dIn() * s.dSae());
      }
    } finally {
      RecorderBenchmark.deleteTree(dir);
    }
  }

  private static Path write(Path dir, Settings s) {
    Path sae = dir.resolve(s.layout().equals("sparsify") ? "layers.0" : "sae");
    try {
      Files.createDirectories(sae);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    float scale = (float) (1 / Math.sqrt(s.dIn()));
    SafetensorsWriter.Values weights = (offset, chunk, n) -> {
      SplittableRandom r = new SplittableRandom(offset * 0x9E3779B97F4A7C15L);
      for (int i = 0; i < n; i++) chunk[i] = (float) r.nextGaussian() * scale;
    };
    SafetensorsWriter.Values small = (offset, chunk, n) -> {
      SplittableRandom r = new SplittableRandom(~offset);
      for (int i = 0; i < n; i++) chunk[i] = (float) r.nextGaussian() * 0.1f;
    };
    ObjectNode cfg = new ObjectMapper().createObjectNode();
    if (s.layout().equals("sparsify")) {
      SafetensorsWriter.write(sae.resolve("sae.safetensors"), List.of(
          new SafetensorsWriter.Entry("encoder.weight", new long[] {s.dSae(), s.dIn()}, weights),
          new SafetensorsWriter.Entry("encoder.bias", new long[] {s.dSae()}, small),
          new SafetensorsWriter.Entry("b_dec", new long[] {s.dIn()}, small)));
      cfg.put("activation", "topk").put("num_latents", s.dSae()).put("k", s.k()).put("transcode", false).put("d_in", s.dIn());
    } else {
      List<SafetensorsWriter.Entry> entries = new ArrayList<>(List.of(
          new SafetensorsWriter.Entry("W_enc", new long[] {s.dIn(), s.dSae()}, weights),
          new SafetensorsWriter.Entry("b_enc", new long[] {s.dSae()}, small),
          new SafetensorsWriter.Entry("b_dec", new long[] {s.dIn()}, small)));
      if (s.activation().equals("jumprelu")) entries.add(new SafetensorsWriter.Entry("threshold", new long[] {s.dSae()}, small));
      SafetensorsWriter.write(sae.resolve("sae_weights.safetensors"), entries);
      cfg.put("architecture", s.activation().equals("relu") ? "standard" : s.activation()).put("d_in", s.dIn()).put("d_sae", s.dSae())
          .put("apply_b_dec_to_input", true).put("k", s.k());
    }
    AtomicFiles.writeString(sae.resolve("cfg.json"), cfg.toString());
    return sae;
  }
}
