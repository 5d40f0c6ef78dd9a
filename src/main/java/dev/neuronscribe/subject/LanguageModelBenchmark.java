package dev.neuronscribe.subject;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Times a local language model the way llama.cpp's users time one: a prompt of {@code promptTokens} tokens in
 * one {@link LanguageModel.Session#append} (only its last position's logits, as when generating), then
 * {@code generateTokens} tokens generated greedily one at a time. Token ids follow a fixed rule ({@link #promptIds})
 * that {@code tools/llama_cpp_speed.mjs} follows too, so both run the same tokens.
 */
public final class LanguageModelBenchmark {
  private LanguageModelBenchmark() {}

  /** Prompt and generation speeds: medians over the rounds, and FLOPs as shares of the FMA peak measured after each round. */
  public record Report(double promptTokensPerSecond, double generatedTokensPerSecond, double promptGflops, double generatedGflops,
      double promptPeakShare, double generatedPeakShare, double peakGflops) {}

  /** The benchmark's prompt: token {@code i} is {@code (i·37 + 11) mod min(vocab, 256)}, ids every tokenizer has. */
  public static int[] promptIds(int n, int vocab) {
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) ids[i] = (i * 37 + 11) % Math.min(vocab, 256);
    return ids;
  }

  /**
   * @param allPositions the prompt asks for every position's logits, as the all-at-once simulator's echo does (the
   *     head runs for every token and the last block for all of them), instead of the last position's only
   */
  public static Report run(Path model, int promptTokens, int generateTokens, int rounds, boolean allPositions, Consumer<String> log) {
    try (LanguageModel lm = LanguageModels.open(model)) {
      double[] flops = lm instanceof DecoderLanguageModel d ? d.flopsPerToken() : new double[] {Double.NaN, Double.NaN, Double.NaN};
      int[] prompt = promptIds(promptTokens, lm.vocabSize());
      double[] pp = new double[rounds + 1], tg = new double[rounds + 1], peaks = new double[rounds + 1];
      for (int r = 0; r <= rounds; r++) { // round 0 warms the JIT up and is not counted
        try (LanguageModel.Session s = lm.newSession(promptTokens + generateTokens)) {
          long t0 = System.nanoTime();
          float[] logits = s.append(prompt, allPositions);
          if (allPositions) logits = Arrays.copyOfRange(logits, (promptTokens - 1) * lm.vocabSize(), promptTokens * lm.vocabSize());
          long t1 = System.nanoTime();
          for (int g = 0; g < generateTokens; g++) logits = s.append(new int[] {argmax(logits)}, false);
          long t2 = System.nanoTime();
          pp[r] = promptTokens / ((t1 - t0) / 1e9);
          tg[r] = generateTokens / ((t2 - t1) / 1e9);
        }
        peaks[r] = RecorderBenchmark.fmaPeak();
        log.accept(String.format("%s %d: prompt %.1f tokens/s, generation %.2f tokens/s (FMA peak after: %.1f GFLOP/s)",
            r == 0 ? "warm-up" : "round", r, pp[r], tg[r], peaks[r]));
      }
      double ppMedian = median(Arrays.copyOfRange(pp, 1, rounds + 1)), tgMedian = median(Arrays.copyOfRange(tg, 1, rounds + 1));
      // Prompt: the blocks for every token, less the part of the last block run for the last token only, and the head
      // once (with allPositions: blocks and head for every token); generation: blocks and head for every token.
      double ppFlops = allPositions ? flops[0] + flops[1] : flops[0] - flops[2] * (promptTokens - 1) / promptTokens + flops[1] / promptTokens;
      double tgFlops = flops[0] + flops[1];
      double[] ppShare = new double[rounds], tgShare = new double[rounds];
      for (int r = 1; r <= rounds; r++) {
        ppShare[r - 1] = pp[r] * ppFlops / 1e9 / peaks[r];
        tgShare[r - 1] = tg[r] * tgFlops / 1e9 / peaks[r];
      }
      return new Report(ppMedian, tgMedian, ppMedian * ppFlops / 1e9, tgMedian * tgFlops / 1e9, median(ppShare), median(tgShare),
          median(Arrays.copyOfRange(peaks, 1, rounds + 1)));
    }
  }

  private static int argmax(float[] logits) {
    int best = 0;
    for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
    return best;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
