package dev.neuronscribe.cli;

import dev.neuronscribe.llm.OpenAiTestServer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Benchmark (not a test): explain + simulate over N synthetic neurons against a local OpenAI-protocol
 * server that answers after 300 ms and allows 600 requests per minute (429 with retry-after-ms beyond
 * that), through the real {@code scribe pipeline} command with {@code --rpm 600}. Reports neurons per
 * minute, the fraction of the rate limit used, the server's 429s and requests lost (neurons not done).
 *
 * <p>Run: {@code bench/llm-pipeline-bench [NEURONS]} (default 60).
 */
public final class LlmPipelineBench {
  public static void main(String[] args) throws Exception {
    int neurons = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    double limit = 600;
    Path dir = Files.createTempDirectory("scribe-bench");
    SyntheticRecords.write(dir.resolve("records"), neurons);
    try (OpenAiTestServer server = new OpenAiTestServer().latency(300).rateLimit(limit, limit / 60)) {
      long t0 = System.nanoTime();
      int code = Main.run("pipeline", "--records", dir.resolve("records").toString(), "--out", dir.resolve("run").toString(),
          "--formats", "summary", "--llm", "vllm:bench-model", "--base-url", server.baseUrl().toString(),
          "--rpm", Double.toString(limit), "--concurrency", "64", "--parallel", "64",
          "--cache", dir.resolve("cache.sqlite").toString(), "--ledger", dir.resolve("ledger.sqlite").toString());
      double minutes = (System.nanoTime() - t0) / 6e10;
      int done = dev.neuronscribe.simulate.Pipeline.results(dir.resolve("run"), dev.neuronscribe.prompts.PromptFormat.SUMMARY).size();
      System.out.printf("%nbenchmark: %d neurons (1 explain + 10 simulate requests each), server latency 300 ms, limit %.0f requests/min%n", neurons, limit);
      System.out.printf("  wall time            %.2f min (includes start-up)%n", minutes);
      System.out.printf("  neurons/min          %.1f (ceiling at this limit: %.1f)%n", neurons / minutes, limit / 11);
      System.out.printf("  requests answered    %d (%.1f/min)%n", server.answered(), server.answered() / minutes);
      System.out.printf("  rate limit used      %.1f%%%n", 100 * server.answered() / minutes / limit);
      System.out.printf("  429s from the server %d (retried)%n", server.rateLimited());
      System.out.printf("  neurons done         %d of %d; lost %d; exit code %d%n", done, neurons, neurons - done, code);
    }
  }
}
