package dev.neuronscribe.cli;

import dev.neuronscribe.subject.RecorderBenchmark;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Benchmarks: measured figures for the performance targets (never asserted in tests). */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Measures how fast parts of NeuronScribe run on this machine.",
    subcommands = {BenchCommand.Record.class, BenchCommand.StoreRead.class, BenchCommand.RunDir.class, BenchCommand.Encode.class, BenchCommand.Fma.class, BenchCommand.Llm.class})
final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "record",
      mixinStandardHelpOptions = true,
      description = {
        "Times the recorder on a random model it writes to a temporary directory, or on --model DIR.",
        "The random model has GPT-2 small's shape by default (--arch for Llama, Qwen2, GPT-NeoX or Gemma 2 shapes).",
        "tools/bench-record-vs-peers.sh runs GPT-2 beside PyTorch and numpy (bench/peers/); tools/bench-record-arch.sh the other",
        "architectures beside PyTorch."
      })
  static final class Record implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--arch", defaultValue = "gpt2", description = "gpt2, llama, qwen2, gpt_neox or gemma2 (default: ${DEFAULT-VALUE}).")
    String arch;

    @Option(names = "--kv-heads", description = "Key/value heads, for grouped-query attention (default: heads / 3 when that divides, else heads).")
    Integer kvHeads;

    @Option(names = "--mlp", description = "Neurons per layer (default: 4 × width; gated MLPs: 8/3 × width rounded up to 256).")
    Integer mlp;

    @Option(names = "--vocab", description = "Vocabulary (default: GPT-2's 50257, GPT-NeoX's 50304, else 32000).")
    Integer vocab;

    @Option(names = "--bf16", description = "Store the random weights as BF16 (default F32; not for gpt2).")
    boolean bf16;

    @Option(names = "--model", paramLabel = "DIR", description = "Time this checkpoint instead of writing a random one (shape options are then ignored).")
    java.nio.file.Path model;

    @Option(names = "--layers", defaultValue = "12", description = "Layers (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--width", defaultValue = "768", description = "Residual width (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--heads", description = "Attention heads (default: width / 64).")
    Integer heads;

    @Option(names = "--excerpt-tokens", defaultValue = "64", description = "Tokens per excerpt (default: ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--batch", defaultValue = "16", description = "Excerpts per forward pass (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--rounds", defaultValue = "4", description = "Batches per timed run (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--repeats", defaultValue = "5", description = "Timed runs; the median is reported (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--keep-model", paramLabel = "DIR",
        description = "Write the random checkpoint to DIR and keep it (e.g. to time `scribe record` on it end to end).")
    java.nio.file.Path keepModel;

    @Override
    public Integer call() {
      if (!java.util.List.of("gpt2", "llama", "qwen2", "gpt_neox", "gemma2").contains(arch)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--arch is gpt2, llama, qwen2, gpt_neox or gemma2, got '" + arch + "'");
      }
      if (bf16 && arch.equals("gpt2")) throw new CommandLine.ParameterException(spec.commandLine(), "--bf16 is for the other architectures; GPT-2 is written as F32");
      int h = heads == null ? Math.max(1, width / 64) : heads;
      int kv = kvHeads != null ? kvHeads : arch.equals("gpt2") || arch.equals("gpt_neox") || h % 3 != 0 ? h : h / 3;
      var settings = new RecorderBenchmark.Settings(arch, layers, width, h, kv, mlp == null ? 0 : mlp, vocab == null ? 0 : vocab, bf16,
          tokens, batch, rounds, repeats);
      var r = model != null ? RecorderBenchmark.runOn(model, settings, spec.commandLine().getOut()::println)
          : RecorderBenchmark.run(settings, java.util.Optional.ofNullable(keepModel), spec.commandLine().getOut()::println);
      spec.commandLine().getOut().println();
      spec.commandLine().getOut().printf("%s, %d×%d tokens per batch, %d rounds per run, %d runs:%n", model != null ? model.toString()
          : String.format("%s, %d layers, width %d", arch, layers, width), batch, tokens, rounds, repeats);
      line("forward pass", "median", RecorderBenchmark.Report.median(r.forward()), r);
      line("", "best", RecorderBenchmark.Report.best(r.forward()), r);
      if (!r.recording().isEmpty()) {
        line("recording", "median", RecorderBenchmark.Report.median(r.recording()), r);
        line("", "best", RecorderBenchmark.Report.best(r.recording()), r);
      }
      spec.commandLine().getOut().printf("machine peak: %s%n", r.nominalPeakGflops().map(p -> String.format("%.1f GFLOP/s nominal = %s", p, r.nominalPeakBasis()))
          .orElse("nominal peak unknown (no clock in /proc/cpuinfo)"));
      spec.commandLine().getOut().printf("              %.1f GFLOP/s measured (pure-FMA loop, %d cores, %d lanes)%n", r.measuredPeakGflops(), r.cores(), r.lanes());
      spec.commandLine().getOut().printf("forward pass vs the FMA peak measured right after each run: median %.0f%% (paired, %d runs)%n",
          100 * r.medianPairedPeakFraction(), r.pairedPeakFractions().size());
      spec.commandLine().getOut().println("FLOPs: 2 per weight of the blocks' matmuls per token (GPT-2: gpt2_numpy.py's 2·layers·12·width²), attention scores");
      spec.commandLine().getOut().println("excluded. The recorder skips the language-model head and the last layer's MLP output projection.");
      return Cli.OK;
    }

    private void line(String what, String statistic, double tokensPerSecond, RecorderBenchmark.Report r) {
      double gflops = tokensPerSecond * r.flopsPerToken() / 1e9;
      String peak = r.nominalPeakGflops().map(p -> String.format("%.0f%% of nominal peak, ", 100 * gflops / p)).orElse("");
      spec.commandLine().getOut().printf("  %-13s %-6s %8.1f tokens/s  %6.1f GFLOP/s  (%s%.0f%% of measured FMA peak)%n",
          what, statistic, tokensPerSecond, gflops, peak, 100 * gflops / r.measuredPeakGflops());
    }
  }

  @Command(
      name = "store-read",
      mixinStandardHelpOptions = true,
      description = {
        "Times reading units from a store in this fresh process.",
        "First opening it and the first unit (cold: classes, files and caches loaded for the first time), a second handle,",
        "more units at random (warm), and new handles opened and read once the code is warm (the store's own cost)."
      })
  static final class StoreRead implements Callable<Integer> {
    @Option(names = "--records", required = true, paramLabel = "DIR", description = "The store (or a JSON folder, to compare).")
    java.nio.file.Path records;

    @Option(names = "--unit", paramLabel = "L:N", description = "The unit read first (default: the middle one).")
    String unit;

    @Option(names = "--units", defaultValue = "200", description = "Random units read afterwards (default: ${DEFAULT-VALUE}).")
    int units;

    @Override
    public Integer call() {
      long jvmStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
      long t0 = System.nanoTime();
      var store = dev.neuronscribe.activations.NeuronRecords.open(records);
      long t1 = System.nanoTime();
      // The first unit is read before listing the others: a lookup by id is what a cold reader does.
      var first = unit == null ? java.util.Optional.<dev.neuronscribe.activations.NeuronId>empty()
          : java.util.Optional.of(dev.neuronscribe.activations.NeuronId.parse(unit));
      java.util.List<dev.neuronscribe.activations.NeuronId> ids = first.isEmpty() ? store.list() : java.util.List.of();
      var id = first.orElseGet(() -> ids.get(ids.size() / 2));
      long t2 = System.nanoTime();
      var r = store.read(id);
      long t3 = System.nanoTime();
      long sinceJvm = System.currentTimeMillis() - jvmStart;
      // A second store handle, as a later lookup in the same process: the files again, the classes loaded.
      var again = dev.neuronscribe.activations.NeuronRecords.open(records);
      long t4 = System.nanoTime();
      var otherId = ids.isEmpty() ? id : ids.get(ids.size() / 3);
      again.read(otherId);
      long t5 = System.nanoTime();
      java.util.List<dev.neuronscribe.activations.NeuronId> all = ids.isEmpty() ? store.list() : ids;
      java.util.Random rnd = new java.util.Random(1);
      long warm = 0;
      for (int i = 0; i < units; i++) {
        var x = all.get(rnd.nextInt(all.size()));
        long a = System.nanoTime();
        store.read(x);
        warm += System.nanoTime() - a;
      }
      // The store's own cost of a lookup, without the JVM's warm-up: once the code is compiled, a new handle
      // (nothing cached by it) opened and one unit read, for units not read before; the median of 20.
      long[] fresh = new long[20];
      for (int i = 0; i < fresh.length; i++) {
        var x = all.get(rnd.nextInt(all.size()));
        long a = System.nanoTime();
        dev.neuronscribe.activations.NeuronRecords.open(records).read(x);
        fresh[i] = System.nanoTime() - a;
      }
      java.util.Arrays.sort(fresh);
      System.out.printf("%s: %,d units%n", records, all.size());
      System.out.printf("first lookup in this process: open %.1f ms + read unit %s (%d top excerpts) %.1f ms = %.1f ms; since the JVM started: %d ms%n",
          (t1 - t0) / 1e6, id, r.mostPositiveActivationRecords().size(), (t3 - t2) / 1e6, (t1 - t0 + t3 - t2) / 1e6, sinceJvm);
      System.out.printf("a second open + read (unit %s; classes loaded, files not yet read by this process): %.1f ms%n", otherId, (t5 - t4) / 1e6);
      System.out.printf("then %d random units: %.2f ms each (mean)%n", units, warm / 1e6 / Math.max(1, units));
      System.out.printf("then a new handle opened + one unit read, once warmed up: %.1f ms (median of %d; min %.1f, max %.1f)%n",
          fresh[fresh.length / 2] / 1e6, fresh.length, fresh[0] / 1e6, fresh[fresh.length - 1] / 1e6);
      return Cli.OK;
    }
  }

  @Command(
      name = "run-dir",
      mixinStandardHelpOptions = true,
      description = {
        "Times and sizes a run directory of simulated units, without a simulator.",
        "UNITS units are appended as a run does, reopened, compacted and scored. Run it with a small heap",
        "(SCRIBE_JAVA_OPTS=-Xmx512m) to see that the run's state does not grow with the units; the simulations (about",
        "66 KB of JSON each at the defaults) stay on disk."
      })
  static final class RunDir implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "An empty directory to write the run into.")
    java.nio.file.Path out;

    @Option(names = "--units", defaultValue = "36864", description = "Units (default: ${DEFAULT-VALUE}, GPT-2 small's neurons).")
    int units;

    @Option(names = "--excerpts", defaultValue = "20", description = "Simulated excerpts per unit (default: ${DEFAULT-VALUE}).")
    int excerpts;

    @Option(names = "--tokens", defaultValue = "64", description = "Tokens per excerpt (default: ${DEFAULT-VALUE}).")
    int tokens;

    @Override
    public Integer call() {
      if (units < 1 || excerpts < 1 || tokens < 1) throw new UsageException("--units, --excerpts and --tokens must be at least 1");
      var r = dev.neuronscribe.simulate.RunDirectoryBenchmark.run(out, units, excerpts, tokens);
      spec.commandLine().getOut().printf("%,d units simulated, reopened, compacted and scored (%,d scored) in %.1f s; simulations.jsonl %,d bytes%n",
          r.units(), r.scored(), r.seconds(), r.simulationsBytes());
      spec.commandLine().getOut().printf("heap: %,d MB in use after the last collection, of a maximum of %,d MB (-Xlog:gc shows every collection)%n",
          r.heapUsedAfterGcMax() >> 20, r.heapMax() >> 20);
      return Cli.OK;
    }
  }

  @Command(
      name = "dictionary",
      mixinStandardHelpOptions = true,
      description = {
        "Times a dictionary's encoder on a random SAE it writes to a temporary directory.",
        "It encodes ROWS tokens of D_IN values into D_SAE latents, as the recorder encodes one batch. Comparable with",
        "tools/bench_dictionary_torch.py (PyTorch, CPU); tools/bench-dictionary-vs-torch.sh alternates both."
      })
  static final class Encode implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--layout", defaultValue = "saelens", description = "saelens (W_enc [d_in, d_sae]) or sparsify (encoder.weight [d_sae, d_in]) (default: ${DEFAULT-VALUE}).")
    String layout;

    @Option(names = "--activation", defaultValue = "topk", description = "relu, jumprelu or topk (sparsify: topk) (default: ${DEFAULT-VALUE}).")
    String activation;

    @Option(names = "--d-in", defaultValue = "768", description = "Input width (default: ${DEFAULT-VALUE}, GPT-2 small's residual stream).")
    int dIn;

    @Option(names = "--d-sae", defaultValue = "24576", description = "Latents (default: ${DEFAULT-VALUE}, SAELens' GPT-2 small residual SAEs).")
    int dSae;

    @Option(names = "--k", defaultValue = "32", description = "TopK's k (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--rows", defaultValue = "1024", description = "Tokens per encode (default: ${DEFAULT-VALUE} = 16 excerpts of 64).")
    int rows;

    @Option(names = "--rounds", defaultValue = "4", description = "Encodes per timed run (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--repeats", defaultValue = "5", description = "Timed runs; the median is reported (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Override
    public Integer call() {
      var s = new dev.neuronscribe.subject.DictionaryBenchmark.Settings(layout, activation, dIn, dSae, k, rows, rounds, repeats);
      var r = dev.neuronscribe.subject.DictionaryBenchmark.run(s, spec.commandLine().getOut()::println);
      spec.commandLine().getOut().printf("%n%s %s encoder, %d → %d, %d rows per encode: median %.0f rows/s, %.1f GFLOP/s (matmul: 2·d_in·d_sae per row)%n",
          layout, activation, dIn, dSae, rows, r.median(), r.median() * r.flopsPerRow() / 1e9);
      return Cli.OK;
    }
  }

  @Command(
      name = "fma",
      mixinStandardHelpOptions = true,
      description = {
        "Measures this machine's FMA peak: independent FMA chains on the widest vectors, on every core, no memory traffic.",
        "Every other benchmark's GFLOP/s is reported as a share of it."
      })
  static final class Fma implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--repeats", defaultValue = "5", description = "Measurements; the median and best are reported (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Override
    public Integer call() {
      double[] v = new double[repeats];
      for (int i = 0; i < repeats; i++) v[i] = RecorderBenchmark.fmaPeakGflops();
      java.util.Arrays.sort(v);
      spec.commandLine().getOut().printf("FMA peak: median %.1f GFLOP/s, best %.1f GFLOP/s (%d runs; %d cores × %d float lanes)%n",
          v[v.length / 2], v[v.length - 1], repeats, Runtime.getRuntime().availableProcessors(), jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length());
      return Cli.OK;
    }
  }

  @Command(
      name = "llm",
      mixinStandardHelpOptions = true,
      description = {
        "Times a local language model (--model: a GGUF file or a Hugging Face directory): prompt processing and generation.",
        "tools/bench-local-llm.sh runs it beside llama.cpp (node-llama-cpp) on the same GGUF files."
      })
  static final class Llm implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "PATH", description = "A GGUF file or a Hugging Face model directory.")
    java.nio.file.Path model;

    @Option(names = "--prompt", defaultValue = "256", description = "Prompt tokens, run in one pass (default: ${DEFAULT-VALUE}).")
    int prompt;

    @Option(names = "--generate", defaultValue = "16", description = "Tokens generated greedily afterwards (default: ${DEFAULT-VALUE}).")
    int generate;

    @Option(names = "--rounds", defaultValue = "3", description = "Timed rounds after a warm-up; medians reported (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--all-positions", description = "The prompt asks for every position's logits, as the all-at-once simulator's echo does (default: the last position's only, as before generating).")
    boolean allPositions;

    @Override
    public Integer call() {
      if (prompt < 1 || generate < 1 || rounds < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--prompt, --generate and --rounds must be at least 1");
      var r = dev.neuronscribe.subject.LanguageModelBenchmark.run(model, prompt, generate, rounds, allPositions, spec.commandLine().getOut()::println);
      var out = spec.commandLine().getOut();
      out.printf("prompt     median %8.1f tokens/s  %6.1f GFLOP/s  (%.0f%% of the FMA peak measured after each round)%n",
          r.promptTokensPerSecond(), r.promptGflops(), 100 * r.promptPeakShare());
      out.printf("generation median %8.2f tokens/s  %6.1f GFLOP/s  (%.0f%% of the FMA peak)%n",
          r.generatedTokensPerSecond(), r.generatedGflops(), 100 * r.generatedPeakShare());
      out.printf("FMA peak median %.1f GFLOP/s. FLOPs: 2 per weight of the blocks' matmuls per token and of the head per generated token; %s.%n",
          r.peakGflops(), allPositions ? "the prompt runs the head for every token"
              : "the prompt runs the head once, and its last block past the keys and values for the last token only");
      return Cli.OK;
    }
  }
}
