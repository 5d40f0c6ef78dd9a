package dev.neuronscribe.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuronscribe.activations.BuiltInPuzzles;
import dev.neuronscribe.activations.Puzzle;
import dev.neuronscribe.activations.PuzzleJson;
import dev.neuronscribe.evaluate.CachedEmbeddings;
import dev.neuronscribe.evaluate.ComparisonSettings;
import dev.neuronscribe.evaluate.ExplanationSimilarity;
import dev.neuronscribe.evaluate.ExplanationTable;
import dev.neuronscribe.evaluate.FormatComparison;
import dev.neuronscribe.evaluate.NeuronIndex;
import dev.neuronscribe.evaluate.PuzzleExplanations;
import dev.neuronscribe.evaluate.PuzzleScoring;
import dev.neuronscribe.llm.EmbeddingModel;
import dev.neuronscribe.llm.MiniLmEmbeddings;
import dev.neuronscribe.report.EvaluationSections;
import dev.neuronscribe.report.Report;
import dev.neuronscribe.report.ReportWriter;
import dev.neuronscribe.report.ResultsJson;
import dev.neuronscribe.report.TextTables;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code scribe similarity}: embedding similarity of explanations to references (the paper's AdaCS). */
@Command(
    name = "similarity",
    mixinStandardHelpOptions = true,
    description = {
      "Embedding similarity of explanations to references (the paper's AdaCS), with statistics per format.",
      "",
      "Scores each explanation by the cosine similarity of its embedding to the reference explanation's, then prints",
      "the mean ± SEM per format and paired comparisons between formats.",
      "",
      "Neurons:  --explanations FILE --references FILE   (Layer,Neuron,<formats> against layer,neuron,[score,]explanation)",
      "Puzzles:  --puzzle-results FILE [--puzzles FILE]    (Puzzle id,GT Explanation,<formats>; a puzzle on several rows has several runs)"
    },
    sortOptions = false)
public final class SimilarityCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  static final class Input {
    @ArgGroup(exclusive = false)
    Neurons neurons;

    @ArgGroup(exclusive = false)
    Puzzles puzzles;
  }

  static final class Neurons {
    @Option(names = "--explanations", required = true, paramLabel = "FILE",
        description = "CSV of generated explanations: Layer,Neuron and one column per format.")
    Path explanations;

    @Option(names = "--references", required = true, paramLabel = "FILE",
        description = "Reference explanations: CSV with layer,neuron,explanation (score optional) or JSON lines.")
    Path references;
  }

  static final class Puzzles {
    @Option(names = "--puzzle-results", required = true, paramLabel = "FILE",
        description = "CSV of puzzle explanations: Puzzle id (or puzzle_name), GT Explanation (or answer), one column per format.")
    Path results;

    @Option(names = "--puzzles", paramLabel = "FILE",
        description = "Puzzles file (OpenAI's format) for ground truths and false explanations. Default: NeuronScribe's built-in puzzles.")
    Path puzzles;
  }

  @Option(names = "--formats", split = ",", paramLabel = "NAME",
      description = "Explanation columns to score. Default: the columns named like the five formats.")
  List<String> formats = new ArrayList<>();

  @Option(names = "--embeddings", defaultValue = "minilm", paramLabel = "MODEL",
      description = "Embedding model: minilm (embedded all-MiniLM-L6-v2, offline) or PRESET:MODEL for an OpenAI-compatible /embeddings endpoint, "
          + "e.g. openai:text-embedding-ada-002 (the paper's AdaCS; key from OPENAI_API_KEY). Default: ${DEFAULT-VALUE}.")
  String embeddings;

  @Option(names = "--embeddings-base-url", paramLabel = "URL", description = "Server base URL for --embeddings PRESET:MODEL (default: the preset's).")
  java.net.URI embeddingsBaseUrl;

  @Option(names = "--embeddings-key-env", paramLabel = "VAR", description = "Environment variable holding the key for --embeddings (default: the preset's).")
  String embeddingsKeyEnv;

  @Option(names = "--ledger", paramLabel = "FILE", description = "Cost ledger for paid embeddings (default: $NEURONSCRIBE_HOME/llm-ledger.sqlite).")
  Path ledger;

  @Option(names = "--embedding-cache", paramLabel = "FILE", description = "SQLite cache of embeddings. Default: ~/.cache/neuronscribe/embeddings.sqlite.")
  Path cache;

  @Option(names = "--no-cache", description = "Embed everything afresh and keep nothing.")
  boolean noCache;

  @Option(names = "--allow-unmatched", description = "Score the neurons that have a reference even when some explanation rows have none.")
  boolean allowUnmatched;

  @Option(names = "--bootstrap", defaultValue = "10000", paramLabel = "N", description = "Bootstrap resamples for the intervals. Default: ${DEFAULT-VALUE}.")
  int bootstrap;

  @Option(names = "--seed", defaultValue = "20231010", paramLabel = "S", description = "Seed of the bootstrap. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--scores", paramLabel = "FILE", description = "Also write the per-neuron (or per-puzzle) scores as CSV.")
  Path scoresOut;

  @Option(names = "--report", paramLabel = "DIR", description = "Also write the report (similarity.md and similarity.html) into DIR.")
  Path reportDir;

  @Option(names = "--json", description = "Print the results as JSON instead of tables.")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ComparisonSettings settings = new ComparisonSettings(bootstrap, 0.95, seed);
    try (Embeddings e = openEmbeddings(err)) {
      List<Report.Section> sections = new ArrayList<>();
      ObjectNode result = ResultsJson.object();
      List<String> intro = new ArrayList<>();
      if (input.neurons != null) {
        ExplanationTable explanations = ExplanationTable.read(input.neurons.explanations, formats);
        NeuronIndex references = NeuronIndex.read(input.neurons.references);
        ExplanationSimilarity.Result r;
        try (ProgressBar bar = ProgressBars.start("embedding", ExplanationSimilarity.textsToEmbed(explanations, references), "texts")) {
          r = new ExplanationSimilarity(e.model).score(explanations, references, bar::stepBy);
        }
        List<String> notes = r.join().notes(input.neurons.explanations, input.neurons.references);
        if (!r.join().explanationsWithoutReference().isEmpty() && !allowUnmatched) {
          notes.forEach(err::println);
          err.println("error: " + r.join().explanationsWithoutReference().size() + " explanation rows have no reference (first: "
              + r.join().explanationsWithoutReference().stream().limit(5).map(Object::toString).toList()
              + "); check that both files cover the same neurons, or pass --allow-unmatched to score the rest");
          return Cli.FAILURE;
        }
        FormatComparison c = FormatComparison.of(r.table(), settings);
        result.set("similarity", ResultsJson.comparison(c));
        result.set("join", ResultsJson.join(r.join()));
        if (!json) {
          notes.forEach(err::println);
          out.print(TextTables.comparison("Similarity to the reference explanations", c));
        }
        intro.add("Explanations from `" + input.neurons.explanations + "` against references from `" + input.neurons.references + "`, embedded with "
            + e.model.name() + ".");
        sections.add(EvaluationSections.formatComparison("Similarity to the reference explanations", c, notes));
        if (scoresOut != null) r.table().writeCsv(scoresOut);
      } else {
        PuzzleExplanations.Table table = PuzzleExplanations.read(input.puzzles.results, formats);
        List<Puzzle> puzzles = input.puzzles.puzzles == null ? BuiltInPuzzles.load() : PuzzleJson.read(input.puzzles.puzzles);
        PuzzleScoring.Result r;
        try (ProgressBar bar = ProgressBars.start("embedding", PuzzleScoring.textsToEmbed(table, puzzles), "texts")) {
          r = new PuzzleScoring(e.model).score(table, puzzles, bar::stepBy);
        }
        List<String> notes = PuzzleScoring.notes(table, r, input.puzzles.results,
            input.puzzles.puzzles == null ? "the built-in puzzles" : input.puzzles.puzzles.toString(), input.puzzles.puzzles == null);
        FormatComparison sim = FormatComparison.of(r.similarity(), settings);
        FormatComparison disc = FormatComparison.of(r.discrimination(), settings);
        result.set("similarity", ResultsJson.comparison(sim));
        result.set("discrimination", ResultsJson.comparison(disc));
        if (!json) {
          notes.forEach(err::println);
          out.print(TextTables.comparison("Puzzles: similarity to the ground truth", sim));
          out.print(TextTables.comparison("Puzzles: share of false explanations farther from the explanation than the ground truth", disc));
        }
        intro.add("Puzzle explanations from `" + input.puzzles.results + "`, embedded with " + e.model.name() + ".");
        sections.add(EvaluationSections.formatComparison("Puzzles: similarity to the ground truth", sim, notes));
        sections.add(EvaluationSections.formatComparison("Puzzles: closer to the ground truth than to the false explanations", disc, List.of(
            "For each run and each false explanation of its puzzle: is the generated explanation more similar to the ground truth than to the false one? "
                + "The score is the share of false explanations so beaten, averaged over runs.")));
        java.util.Map<String, FormatComparison> evaluations = new java.util.LinkedHashMap<>();
        evaluations.put("Similarity to ground truth", sim);
        evaluations.put("Closer to truth than to false", disc);
        dev.neuronscribe.evaluate.RankSummary ranks = dev.neuronscribe.evaluate.RankSummary.of(evaluations);
        result.set("ranks", ResultsJson.ranks(ranks));
        sections.add(new Report.Section("Ranks across the two puzzle evaluations", List.of(EvaluationSections.rankSummary(ranks))));
        sections.add(new Report.Section("Per puzzle", List.of(EvaluationSections.puzzleDetail(r))));
        if (scoresOut != null) r.similarity().writeCsv(scoresOut);
      }
      if (e.cached != null) {
        err.printf(Locale.ROOT, "embeddings: %d from the cache, %d computed (%s)%n", e.cached.hits(), e.cached.misses(), e.cached.file());
      }
      if (e.meter != null) {
        var m = e.meter.snapshot();
        err.printf(Locale.ROOT, "embedding requests: %d paid, %,d tokens, $%.4f%n", m.requests(), m.promptTokens(), m.dollars());
      }
      if (reportDir != null) {
        ReportWriter.Written w = ReportWriter.write(new Report("Embedding similarity", intro, sections), reportDir, "similarity");
        err.println("report: " + w.html() + " and " + w.markdown());
      }
      if (json) out.print(ResultsJson.text(result));
      out.flush();
      return Cli.OK;
    }
  }

  /** The embedding model, its cache unless --no-cache, and for an endpoint the ledger its spending goes to. */
  private static final class Embeddings implements AutoCloseable {
    final EmbeddingModel model;
    final CachedEmbeddings cached;
    final dev.neuronscribe.llm.CostLedger ledger;
    final dev.neuronscribe.llm.CostMeter meter;

    Embeddings(EmbeddingModel model, CachedEmbeddings cached, dev.neuronscribe.llm.CostLedger ledger, dev.neuronscribe.llm.CostMeter meter) {
      this.model = model;
      this.cached = cached;
      this.ledger = ledger;
      this.meter = meter;
    }

    @Override
    public void close() {
      if (cached != null) cached.close();
      if (ledger != null) ledger.close();
    }
  }

  private Embeddings openEmbeddings(PrintWriter err) {
    EmbeddingModel model;
    dev.neuronscribe.llm.CostLedger costs = null;
    dev.neuronscribe.llm.CostMeter meter = null;
    if (embeddings.equalsIgnoreCase("minilm")) {
      model = new MiniLmEmbeddings();
    } else {
      dev.neuronscribe.experiment.Backend b;
      String choices = "available: minilm, or PRESET:MODEL for an OpenAI-compatible /embeddings endpoint (PRESET one of "
          + dev.neuronscribe.llm.Preset.ids() + "), e.g. openai:text-embedding-ada-002";
      try {
        b = dev.neuronscribe.experiment.Backend.parse(embeddings);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "unknown embedding model '" + embeddings + "'; " + choices);
      }
      if (b.baseline()) throw new picocli.CommandLine.ParameterException(spec.commandLine(), "unknown embedding model '" + embeddings + "'; " + choices);
      dev.neuronscribe.llm.Preset p = b.preset().orElseThrow();
      costs = dev.neuronscribe.llm.CostLedger.open(ledger != null ? ledger : LlmOptions.home().resolve("llm-ledger.sqlite"));
      meter = new dev.neuronscribe.llm.CostMeter(dev.neuronscribe.llm.PriceTable.builtIn(), java.util.OptionalDouble.empty(), java.util.Optional.of(costs));
      dev.neuronscribe.llm.LlmEndpoint endpoint = new dev.neuronscribe.llm.LlmEndpoint(p, embeddingsBaseUrl != null ? embeddingsBaseUrl : p.baseUrl(), b.model(),
          embeddingsKeyEnv != null ? embeddingsKeyEnv : p.keyEnv());
      // No response cache: the embedding cache below keeps every vector already, keyed by text.
      model = new dev.neuronscribe.llm.LlmEmbeddings(new dev.neuronscribe.llm.OpenAiCompatibleClient(endpoint, dev.neuronscribe.llm.LlmSettings.defaults(),
          java.util.Optional.empty(), meter));
    }
    if (noCache) return new Embeddings(model, null, costs, meter);
    CachedEmbeddings c = new CachedEmbeddings(model, cache != null ? cache : CachedEmbeddings.defaultFile());
    return new Embeddings(c, c, costs, meter);
  }
}
