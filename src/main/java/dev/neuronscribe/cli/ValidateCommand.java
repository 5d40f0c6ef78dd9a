package dev.neuronscribe.cli;

import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.NeuronRecords;
import dev.neuronscribe.activations.Puzzle;
import dev.neuronscribe.activations.PuzzleJson;
import dev.neuronscribe.activations.BuiltInPuzzles;
import dev.neuronscribe.evaluate.ScorerValidity;
import dev.neuronscribe.files.InvalidInputException;
import dev.neuronscribe.llm.EmbeddingModel;
import dev.neuronscribe.llm.LlmClient;
import dev.neuronscribe.llm.MiniLmEmbeddings;
import dev.neuronscribe.llm.PriceTable;
import dev.neuronscribe.prompts.PromptPack;
import dev.neuronscribe.report.ValidityReport;
import dev.neuronscribe.simulate.ExcerptScorer;
import dev.neuronscribe.simulate.Scorers;
import dev.neuronscribe.subject.PlantedModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "validate", mixinStandardHelpOptions = true,
    description = {
      "Checks every scorer on ground truth, to show which scores to trust.",
      "The cases are planted neurons (--planted with their --records), the built-in and any other puzzles (--puzzles), each unit's true explanation beside false ones and deliberately too narrow and too broad ones. Prints and writes",
      "OUT/validity.md, .html and .csv: per scorer the AUROC of true against false, how often the truth wins, the rank correlation,",
      "the re-seed SD and the cost per 1,000 units, and which scorers it recommends. Offline by default (MiniLM baselines);",
      "--llm PRESET:MODEL scores with a language model instead."
    })
final class ValidateCommand implements Callable<Integer> {
  @Option(names = "--planted", paramLabel = "DIR", description = "A planted model (scribe plant) whose planted.json names each planted neuron's concept.")
  Optional<Path> planted;

  @Option(names = "--records", paramLabel = "DIR", description = "NeuronRecords of the planted neurons (scribe record --model DIR).")
  Optional<Path> records;

  @Option(names = "--puzzles", paramLabel = "FILE", description = "More puzzles with false explanations (e.g. OpenAI's puzzles.json); repeatable.")
  List<Path> puzzles = new ArrayList<>();

  @Option(names = "--no-builtin-puzzles", description = "Leave out NeuronScribe's built-in puzzles.")
  boolean noBuiltIn;

  @Option(names = "--scorers", paramLabel = "S,...",
      description = "Scorers to check: all, or a list of simulation, detection, fuzzing, embedding, intruder, surprisal "
          + "(default: every scorer the backend can serve).")
  Optional<String> scorers;

  @Option(names = "--seeds", defaultValue = "3", paramLabel = "N", description = "Example sets per true explanation, for the re-seed SD (default ${DEFAULT-VALUE}).")
  int seeds;

  @Option(names = "--quantiles", defaultValue = "3", paramLabel = "N", description = "Quantiles of a neuron's activating excerpts (default ${DEFAULT-VALUE}).")
  int quantiles;

  @Option(names = "--batch", defaultValue = "5", paramLabel = "N", description = "Excerpts per detection/fuzzing request (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--pack", paramLabel = "FILE", description = "Prompt pack with the scorers' wording (default: the built-in pack).")
  Optional<Path> pack;

  @Option(names = {"--out", "-o"}, required = true, paramLabel = "DIR", description = "Where validity.md, validity.html and validity.csv go.")
  Path out;

  @Mixin LlmOptions llm;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter pw = spec.commandLine().getOut();
    if (llm.dryRun) throw new IllegalArgumentException("validate has no --dry-run; try it offline first (leave out --llm), which costs nothing");
    if (planted.isPresent() != records.isPresent()) throw new IllegalArgumentException("give --planted DIR and --records DIR together");
    if (seeds < 1 || quantiles < 1 || batch < 1) throw new IllegalArgumentException("--seeds, --quantiles and --batch must be at least 1");
    List<ScorerValidity.Case> cases = cases();
    if (cases.isEmpty()) throw new IllegalArgumentException("no ground truth: give --planted/--records or --puzzles, or keep the built-in puzzles");
    PromptPack p = pack.map(PromptPack::load).orElseGet(PromptPack::builtIn);
    try (Backends b = new Backends(llm, out)) {
      Optional<LlmClient> client = b.explainerSpec.baseline() ? Optional.empty() : Optional.of(b.explainerClient());
      EmbeddingModel[] miniLm = new EmbeddingModel[1];
      Supplier<EmbeddingModel> sharedMiniLm = () -> miniLm[0] == null ? (miniLm[0] = new MiniLmEmbeddings()) : miniLm[0];
      List<String> methods = scorers.map(Scorers::parse).orElseGet(() -> defaults(client));
      List<ExcerptScorer> list = new ArrayList<>();
      for (String m : methods) list.add(Scorers.create(m, client, p, () -> b.simulator(p), sharedMiniLm, batch));
      Optional<PriceTable.Price> price = client.flatMap(c -> b.prices.priceOf(c.model()));
      boolean terminal = System.console() != null;
      List<ScorerValidity.Row> rows = ScorerValidity.run(cases, list, quantiles, seeds, price, unit -> {
        if (terminal) System.err.print("\r\033[Kscoring " + unit);
      });
      if (terminal) System.err.print("\r\033[K");
      List<String> advice = ScorerValidity.recommend(rows);
      String groundTruth = groundTruth(cases);
      String machine = Runtime.getRuntime().availableProcessors() + " CPUs";
      pw.print(ValidityReport.text(rows));
      pw.println();
      pw.println("Recommended (AUROC of true vs false >= 0.8 and rank correlation >= 0.5):");
      for (String a : advice) pw.println("  " + a);
      List<Path> written = ValidityReport.write(out, rows, advice, groundTruth, machine);
      pw.println();
      pw.println("Ground truth: " + groundTruth + ". Seconds measured on " + machine + ".");
      for (Path w : written) pw.println("wrote " + w);
      pw.flush();
    }
    return Cli.OK;
  }

  private static List<String> defaults(Optional<LlmClient> client) {
    List<String> m = new ArrayList<>(List.of("simulation", "detection", "fuzzing", "embedding", "intruder"));
    if (client.isPresent() && client.get().promptLogprobs()) m.add("surprisal");
    return m;
  }

  private List<ScorerValidity.Case> cases() {
    List<ScorerValidity.Case> cases = new ArrayList<>();
    if (planted.isPresent()) {
      List<PlantedModel.PlantedNeuron> manifest = PlantedModel.readManifest(planted.get());
      NeuronRecords dir = NeuronRecords.open(records.get());
      for (PlantedModel.PlantedNeuron n : manifest) {
        NeuronId id = new NeuronId(n.layer(), n.neuron());
        if (!dir.contains(id)) {
          throw new InvalidInputException(dir.where(id), "no record of planted neuron " + id
              + "; record it with: scribe record --model " + planted.get() + " --neurons " + id + " --out " + records.get());
        }
        List<String> others = manifest.stream().filter(o -> o != n).map(PlantedModel.PlantedNeuron::explanation).toList();
        cases.add(ScorerValidity.planted(dir.read(id), n.explanation(), others));
      }
    }
    List<Puzzle> all = new ArrayList<>();
    if (!noBuiltIn) all.addAll(BuiltInPuzzles.load());
    for (Path f : puzzles) all.addAll(PuzzleJson.read(f));
    for (Puzzle pz : all) {
      if (pz.falseExplanations().isEmpty()) continue; // nothing false to tell it from
      cases.add(ScorerValidity.puzzle(pz));
    }
    return cases;
  }

  private String groundTruth(List<ScorerValidity.Case> cases) {
    long plantedN = cases.stream().filter(c -> !c.unit().startsWith("puzzle:")).count();
    long puzzleN = cases.size() - plantedN;
    List<String> parts = new ArrayList<>();
    if (plantedN > 0) parts.add(plantedN + " planted neurons");
    if (puzzleN > 0) parts.add(puzzleN + " puzzles" + (noBuiltIn ? "" : " (built-in" + (puzzles.isEmpty() ? "" : " and " + puzzles.size() + " file(s)") + ")"));
    return String.join(" and ", parts);
  }
}
