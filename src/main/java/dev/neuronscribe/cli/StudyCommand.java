package dev.neuronscribe.cli;

import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.NeuronRecords;
import dev.neuronscribe.files.AtomicFiles;
import dev.neuronscribe.files.CsvWriter;
import dev.neuronscribe.prompts.PromptFormat;
import dev.neuronscribe.study.ExplanationTable;
import dev.neuronscribe.study.NewStudy;
import dev.neuronscribe.study.StudyInputs;
import dev.neuronscribe.study.StudyResults;
import dev.neuronscribe.study.StudyStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code scribe study}: create human evaluation studies and export their results. */
@Command(
    name = "study",
    mixinStandardHelpOptions = true,
    description = "Human evaluation studies (the paper's Table 5): create them, list them, export their results. Raters answer through `scribe serve`.",
    subcommands = {StudyCommand.Create.class, StudyCommand.Export.class, StudyCommand.ListStudies.class})
final class StudyCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Where the study database is: DIR/study.sqlite, or --db. */
  static final class Database {
    @Option(names = "--data", paramLabel = "DIR", description = "Data directory (NeuronRecords; the database is DIR/study.sqlite).")
    Path data;

    @Option(names = "--db", paramLabel = "FILE", description = "The study database, if not DIR/study.sqlite.")
    Path db;

    Path file() {
      if (db != null) return db;
      if (data == null) throw new UsageException("say where the studies are: --data DIR or --db FILE");
      return data.resolve("study.sqlite");
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = {
        "Creates a study from explanations per format and prints one link per rater.",
        "The explanations are a CSV in the paper's layout (Layer,Neuron,Original,Summary,Highlight,HighlightSummary,AVHS;",
        "an 'explainer' column is allowed) or the run directory of `scribe explain` (OUT/<format>/explanations.jsonl);",
        "raters see the top excerpts of the NeuronRecords in DIR/<layer>/<neuron>.json."
      })
  static final class Create implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Directory of NeuronRecords; the study database is DIR/study.sqlite unless --db.")
    Path data;

    @Option(names = "--db", paramLabel = "FILE", description = "The study database, if not DIR/study.sqlite.")
    Path db;

    @Option(names = "--explanations", required = true, paramLabel = "FILE.csv|OUT",
        description = "Explanations per format: a CSV with one row per neuron, or the --out directory of `scribe explain`/`pipeline`.")
    Path explanations;

    @Option(names = "--name", required = true, description = "The study's name, shown to raters.")
    String name;

    @Option(names = "--explainer", paramLabel = "MODEL",
        description = "The model that wrote the explanations (Table 5 is per explainer). Needed unless the CSV's 'explainer' column, or the run's files, name one model.")
    Optional<String> explainer;

    @Option(names = "--formats", split = ",", paramLabel = "F", description = "The explanation columns (a run's formats) to rate (default: all of them).")
    List<String> formats = new ArrayList<>();

    @Option(names = "--neurons", split = ",", paramLabel = "L:N", description = "The neurons to include (default: every row), e.g. 0:286,10:1838.")
    List<String> neurons = new ArrayList<>();

    @Option(names = "--top", defaultValue = "10", description = "Top-activating excerpts shown per neuron. Default: ${DEFAULT-VALUE}.")
    int top;

    @Option(names = "--random", defaultValue = "0", description = "Random excerpts shown in addition. Default: ${DEFAULT-VALUE}.")
    int random;

    @Option(names = "--instructions", description = "What raters read above each item (default: a short explanation of the task).")
    Optional<String> instructions;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Raters raters;

    static final class Raters {
      @Option(names = "--raters", paramLabel = "N", description = "Number of rater links to make (labelled rater 1..N).")
      int count;

      @Option(names = "--rater", paramLabel = "LABEL", description = "One rater link per label (repeatable).")
      List<String> labels;

      List<String> labels() {
        if (labels != null) return labels;
        if (count < 1 || count > 1000) throw new UsageException("--raters must be 1..1000, got " + count);
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= count; i++) out.add("rater " + i);
        return out;
      }
    }

    @Option(names = "--base-url", defaultValue = "http://127.0.0.1:7070",
        description = "Where raters will reach `scribe serve`, for the printed links. Default: ${DEFAULT-VALUE}.")
    String baseUrl;

    @Option(names = "--links", paramLabel = "FILE.csv", description = "Also write the rater links to this CSV (label,link).")
    Path linksFile;

    @Override
    public Integer call() {
      if (top < 1) throw new UsageException("--top must be at least 1, got " + top);
      if (random < 0) throw new UsageException("--random cannot be negative, got " + random);
      boolean run = Files.isDirectory(explanations);
      if (!run && explanations.toString().endsWith(".jsonl")) {
        Path formatDir = explanations.toAbsolutePath().getParent();
        Path out = formatDir.getParent() != null ? formatDir.getParent() : formatDir;
        throw new IllegalArgumentException(explanations + " holds one format; a study compares formats: pass the run directory instead, --explanations " + out);
      }
      ExplanationTable table = run ? ExplanationTable.fromRun(explanations) : ExplanationTable.read(explanations);
      // A run's columns are format ids; --formats takes the spellings the pipeline commands take (summary, hs, avhs).
      List<String> columns;
      List<NeuronId> ids;
      try {
        columns = run ? formats.stream().map(f -> PromptFormat.parse(f).id()).toList() : formats;
      } catch (IllegalArgumentException e) {
        throw UsageException.of("--formats", e);
      }
      try {
        ids = neurons.stream().map(NeuronId::parse).toList();
      } catch (IllegalArgumentException e) {
        throw UsageException.of("--neurons", e);
      }
      NewStudy study = StudyInputs.fromTable(table, NeuronRecords.open(data),
          new StudyInputs.Options(name, explainer, columns, ids, top, random, instructions.orElse(StudyInputs.DEFAULT_INSTRUCTIONS)));
      Path file = db != null ? db : data.resolve("study.sqlite");
      StudyStore.CreatedStudy created;
      try (StudyStore store = StudyStore.open(file)) {
        created = store.createStudy(study, raters.labels());
      }
      String base = baseUrl.replaceAll("/+$", "");
      spec.commandLine().getOut().println("Created study " + created.id() + " \"" + study.name() + "\": " + study.items().size() + " neurons, "
          + study.items().getFirst().explanationsByFormat().size() + " formats, explainer " + study.explainerModel() + ", in " + file);
      spec.commandLine().getOut().println("Rater links (shown only now; `scribe serve` must be running at " + base + "):");
      CsvWriter csv = CsvWriter.withHeader("label", "link");
      for (StudyStore.RaterLink link : created.raters()) {
        String url = base + "/r/" + link.token();
        spec.commandLine().getOut().println("  " + link.label() + "\t" + url);
        csv.row(link.label(), url);
      }
      if (linksFile != null) {
        csv.writeTo(linksFile);
        spec.commandLine().getOut().println("Links written to " + linksFile);
      }
      return Cli.OK;
    }
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = {
        "Writes Table 5 as CSV: per explainer model and format, the mean rating, its SEM and %% chosen best.",
        "Columns: explainer_model,format,n_ratings,mean_rating,sem,n_answers,n_chosen_best,percent_chosen_best.",
        "With --answers, writes every single rating of one study instead."
      })
  static final class Export implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @ArgGroup(exclusive = false, multiplicity = "1")
    Database database;

    @Option(names = "--study", paramLabel = "ID", description = "Only this study (default: all studies, grouped by explainer model).")
    Optional<Long> studyOption;

    @Option(names = "--answers", description = "Every rating (rater, neuron, format, rating, chosen best) instead of Table 5; needs --study.")
    boolean answers;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE.csv", description = "Write here (atomically) instead of to standard output.")
    Path out;

    @Override
    public Integer call() {
      OptionalLong study = studyOption.map(OptionalLong::of).orElse(OptionalLong.empty());
      Path file = database.file();
      if (!Files.isRegularFile(file)) throw new IllegalArgumentException(file + " not found: no study has been created there yet");
      String csv;
      try (StudyStore store = StudyStore.open(file)) {
        if (study.isPresent() && store.studies().stream().noneMatch(s -> s.id() == study.getAsLong())) {
          throw new IllegalArgumentException(file + " has no study " + study.getAsLong() + " (see `scribe study list`)");
        }
        if (answers) {
          if (study.isEmpty()) throw new UsageException("--answers needs --study ID");
          csv = new StudyResults(store).answersCsv(study.getAsLong());
        } else {
          csv = new StudyResults(store).table5(study).toCsv();
        }
      }
      if (out != null) {
        AtomicFiles.writeString(out, csv);
        spec.commandLine().getErr().println("wrote " + out);
      } else {
        spec.commandLine().getOut().print(csv);
        spec.commandLine().getOut().flush();
      }
      return Cli.OK;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the studies with their progress.")
  static final class ListStudies implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @ArgGroup(exclusive = false, multiplicity = "1")
    Database database;

    @Override
    public Integer call() {
      Path file = database.file();
      if (!Files.isRegularFile(file)) throw new IllegalArgumentException(file + " not found: no study has been created there yet");
      try (StudyStore store = StudyStore.open(file)) {
        spec.commandLine().getOut().println("id\tneurons\traters\tanswers\texplainer\tname");
        for (StudyStore.StudySummary s : store.studies()) {
          spec.commandLine().getOut().println(s.id() + "\t" + s.items() + "\t" + s.raters() + "\t" + s.answers() + "/" + (s.items() * s.raters())
              + "\t" + s.explainerModel() + "\t" + s.name());
        }
      }
      return Cli.OK;
    }
  }
}
