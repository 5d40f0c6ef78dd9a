package dev.neuronscribe.experiment;

import dev.neuronscribe.files.ParseErrors;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.files.InvalidInputException;
import dev.neuronscribe.prompts.PromptFormat;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * An experiment run file (YAML or JSON): which neurons and puzzles, in which prompt formats, explained
 * and simulated by which backends, evaluated how. The run is the cross product. Relative paths are
 * relative to the file's folder. Unknown fields are errors, so that a typo never silently changes a run;
 * every message names the file and the field. The schema, with a commented example, is in
 * {@code docs/experiments.md}.
 */
public record RunSpec(
    String source, String name, String description, Path store, List<NeuronSet> sets, List<PromptFormat> formats,
    List<Backend> explainers, List<SimulatorChoice> simulators, Set<Evaluation> evaluations, int samples, int puzzleRuns,
    Embeddings embeddings, Optional<Path> pack, long seed, int bootstrap, OptionalDouble budgetUsd, int parallel, LlmConfig llm) {

  public RunSpec {
    sets = List.copyOf(sets);
    formats = List.copyOf(formats);
    explainers = List.copyOf(explainers);
    simulators = List.copyOf(simulators);
    evaluations = Set.copyOf(evaluations);
  }

  /** What a run measures. */
  public enum Evaluation {
    /** Simulate each explanation on the scoring excerpts and score the simulation (the paper's Table 2). */
    SIMULATE_SCORE("simulate-score"),
    /** Embedding similarity to a reference explanation per neuron (the paper's Table 3, "AdaCS"). */
    SIMILARITY("similarity"),
    /** Similarity of puzzle explanations to the ground truth (Table 4) and to the false explanations. */
    PUZZLES("puzzles"),
    /** The other scorers (docs/scorers.md), each with every simulator's backend (baseline: the offline MiniLM baselines). */
    DETECTION("detection"),
    FUZZING("fuzzing"),
    EMBEDDING("embedding"),
    INTRUDER("intruder"),
    SURPRISAL("surprisal");

    final String id;

    Evaluation(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    /** Whether this evaluation is one of the excerpt scorers (run with each simulator's backend). */
    public boolean scorer() {
      return ordinal() >= DETECTION.ordinal();
    }

    static Evaluation parse(String s) {
      for (Evaluation e : values()) if (e.id.equalsIgnoreCase(s.strip())) return e;
      throw new IllegalArgumentException("unknown evaluation '" + s + "'; the evaluations are simulate-score, similarity, puzzles, "
          + "detection, fuzzing, embedding, intruder, surprisal");
    }
  }

  /** A set of things to explain. */
  public sealed interface NeuronSet {
    String name();
  }

  /**
   * Recorded neurons: a NeuronRecord directory ({@code DIR/<layer>/<neuron>.json}), all of it or the
   * neurons listed and/or those of a subset file (a neuron index), and optional reference explanations
   * for the similarity evaluation: a neuron index with an explanation column, a planted model's
   * {@code planted.json}, or a directory of OpenAI explanation files ({@code <layer>/<neuron>.jsonl}).
   */
  public record RecordSet(String name, Path records, List<NeuronId> neurons, Optional<Path> subset, Optional<Path> references)
      implements NeuronSet {
    public RecordSet {
      neurons = List.copyOf(neurons);
    }
  }

  /** Neuron puzzles: OpenAI's puzzles file, or NeuronScribe's built-in puzzles when {@code file} is empty. */
  public record PuzzleSet(String name, Optional<Path> file) implements NeuronSet {}

  /** A simulator: {@code baseline}, or a method on a model. */
  public record SimulatorChoice(Backend backend, String method) {
    static final List<String> METHODS = List.of("all-at-once", "chat-logprobs", "logprob-free", Backend.BASELINE);

    public String label() {
      return method.equals(Backend.BASELINE) ? Backend.BASELINE : method + ":" + backend.label();
    }
  }

  /** The embedding model of the similarity evaluations: the embedded MiniLM, or an endpoint. */
  public record Embeddings(Optional<Backend> endpoint, Path cache) {
    public static final String MINILM = "minilm";

    public String label() {
      return endpoint.map(Backend::label).orElse(MINILM);
    }
  }

  /** How to talk to model servers: limits, retries, and where the response cache and cost ledger live. */
  public record LlmConfig(double rpm, double tpm, int concurrency, double timeoutSeconds, int attempts, Optional<Path> cache,
      boolean noCache, Optional<Path> ledger, Optional<Path> prices) {}

  public static final int DEFAULT_PUZZLE_RUNS = 3;
  public static final long DEFAULT_SEED = 20231010L;

  public boolean usesLlm() {
    return explainers.stream().anyMatch(b -> !b.baseline())
        || (evaluations.stream().anyMatch(e -> e == Evaluation.SIMULATE_SCORE || e.scorer()) && simulators.stream().anyMatch(s -> !s.backend().baseline()))
        || embeddings.endpoint().isPresent();
  }

  /** The same run with another budget (a command-line override). */
  public RunSpec withBudget(OptionalDouble budget) {
    return new RunSpec(source, name, description, store, sets, formats, explainers, simulators, evaluations, samples, puzzleRuns, embeddings,
        pack, seed, bootstrap, budget, parallel, llm);
  }

  /** The same run with its store elsewhere (a command-line override). */
  public RunSpec withStore(Path dir) {
    return new RunSpec(source, name, description, dir, sets, formats, explainers, simulators, evaluations, samples, puzzleRuns,
        new Embeddings(embeddings.endpoint(), embeddings.cache().equals(store.resolve(DEFAULT_EMBEDDING_CACHE)) ? dir.resolve(DEFAULT_EMBEDDING_CACHE) : embeddings.cache()),
        pack, seed, bootstrap, budgetUsd, parallel, llm);
  }

  static final String DEFAULT_EMBEDDING_CACHE = "embeddings.sqlite";

  // ---- reading -------------------------------------------------------------------------------

  public static RunSpec read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new InvalidInputException(file.toString(), "not found");
    } catch (IOException e) {
      throw new InvalidInputException(file.toString(), "cannot be read: " + e.getMessage(), e);
    }
    Path dir = file.toAbsolutePath().getParent();
    String stem = file.getFileName().toString().replaceFirst("\\.(ya?ml|json)$", "");
    return parse(text, file.toString(), dir, dir.resolve(stem));
  }

  /**
   * Parses a run file's text. {@code baseDir} resolves relative paths; {@code defaultStore} is used
   * when the file names no store.
   */
  public static RunSpec parse(String text, String source, Path baseDir, Path defaultStore) {
    JsonNode root;
    try {
      String trimmed = text.stripLeading();
      ObjectMapper mapper = trimmed.startsWith("{") ? new ObjectMapper() : new ObjectMapper(new YAMLFactory());
      root = mapper.readTree(text);
    } catch (IOException e) {
      throw new InvalidInputException(source, "is not valid YAML or JSON: " + yamlProblem(e));
    }
    if (root == null || !root.isObject()) throw new InvalidInputException(source, "must be a mapping of fields (name, neuron_sets, formats, ...)");
    return new Reader(source, baseDir).run(root, defaultStore);
  }

  /**
   * Where the YAML parser stopped and why, in one line: SnakeYAML's problem and the line it found it on
   * (its context, e.g. "while parsing a block collection", alone names no line).
   */
  private static String yamlProblem(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.yaml.snakeyaml.error.MarkedYAMLException m && m.getProblemMark() != null) {
        return "line " + (m.getProblemMark().getLine() + 1) + ", column " + (m.getProblemMark().getColumn() + 1) + ": " + m.getProblem()
            + (m.getContext() != null ? " (" + m.getContext() + (m.getContextMark() != null ? " from line " + (m.getContextMark().getLine() + 1) : "") + ")" : "");
      }
    }
    return ParseErrors.describe(e);
  }

  /** Field-by-field reading that remembers where it is, for messages. */
  private record Reader(String source, Path baseDir) {

    RunSpec run(JsonNode root, Path defaultStore) {
      known(root, "", Set.of("name", "description", "store", "neuron_sets", "formats", "explainers", "simulators", "evaluations", "samples",
          "puzzle_runs", "embeddings", "embedding_cache", "pack", "seed", "bootstrap", "budget_usd", "parallel", "llm"));
      String name = text(root, "name").orElseThrow(() -> fail("name", "is missing; give the run a short name, e.g. name: my-run"));
      if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) fail("name", "must be letters, digits, '.', '_' or '-', got '" + name + "'");
      Path store = text(root, "store").map(this::path).orElse(defaultStore);

      JsonNode setsNode = root.get("neuron_sets");
      if (setsNode == null || !setsNode.isArray() || setsNode.isEmpty()) {
        throw fail("neuron_sets", "is missing or empty; list at least one set, e.g. '- {name: puzzles, puzzles: builtin}'");
      }
      List<NeuronSet> sets = new ArrayList<>();
      Set<String> names = new HashSet<>();
      for (int i = 0; i < setsNode.size(); i++) {
        NeuronSet s = set(setsNode.get(i), "neuron_sets[" + i + "]");
        if (!names.add(s.name())) throw fail("neuron_sets[" + i + "].name", "'" + s.name() + "' is used by two sets; names must differ");
        sets.add(s);
      }

      List<PromptFormat> formats = formats(root.get("formats"));
      List<Backend> explainers = new ArrayList<>();
      for (Entry e : list(root, "explainers", "baseline")) explainers.add(backend(e.path(), e.node(), false));
      if (new HashSet<>(explainers.stream().map(Backend::label).toList()).size() != explainers.size()) throw fail("explainers", "lists a backend twice");
      List<SimulatorChoice> simulators = new ArrayList<>();
      for (Entry e : list(root, "simulators", "baseline")) simulators.add(simulator(e.path(), e.node()));
      if (new HashSet<>(simulators.stream().map(SimulatorChoice::label).toList()).size() != simulators.size()) throw fail("simulators", "lists a simulator twice");

      Set<Evaluation> evaluations = EnumSet.noneOf(Evaluation.class);
      for (Entry e : list(root, "evaluations", null)) {
        try {
          evaluations.add(Evaluation.parse(e.node().asText()));
        } catch (IllegalArgumentException ex) {
          throw fail(e.path(), ex.getMessage());
        }
      }
      if (evaluations.isEmpty()) {
        for (NeuronSet s : sets) {
          evaluations.add(Evaluation.SIMULATE_SCORE);
          if (s instanceof PuzzleSet) evaluations.add(Evaluation.PUZZLES);
          if (s instanceof RecordSet r && r.references().isPresent()) evaluations.add(Evaluation.SIMILARITY);
        }
      }
      if (evaluations.contains(Evaluation.PUZZLES) && sets.stream().noneMatch(s -> s instanceof PuzzleSet)) {
        throw fail("evaluations", "asks for 'puzzles' but no neuron set is a puzzle set (add '- {name: puzzles, puzzles: builtin}')");
      }
      if (evaluations.contains(Evaluation.SIMILARITY)
          && sets.stream().noneMatch(s -> s instanceof RecordSet r && r.references().isPresent())) {
        throw fail("evaluations", "asks for 'similarity' but no neuron set has 'references' (reference explanations to compare with)");
      }

      int samples = integer(root, "samples", 1, 1, 100);
      int puzzleRuns = integer(root, "puzzle_runs", DEFAULT_PUZZLE_RUNS, 1, 100);
      Path embeddingCache = text(root, "embedding_cache").map(this::path).orElse(store.resolve(DEFAULT_EMBEDDING_CACHE));
      JsonNode e = root.get("embeddings");
      boolean minilm = e == null || e.isNull() || (e.isTextual() && e.asText().strip().equalsIgnoreCase(Embeddings.MINILM));
      Embeddings embeddings = new Embeddings(minilm ? Optional.empty() : Optional.of(backend("embeddings", e, true)), embeddingCache);
      Optional<Path> pack = text(root, "pack").map(this::path);
      long seed = root.has("seed") ? longValue(root, "seed") : DEFAULT_SEED;
      int bootstrap = integer(root, "bootstrap", 10_000, 100, 10_000_000);
      OptionalDouble budget = OptionalDouble.empty();
      if (root.hasNonNull("budget_usd")) {
        JsonNode b = root.get("budget_usd");
        if (!b.isNumber() || b.asDouble() < 0) throw fail("budget_usd", "must be a non-negative number of dollars, got " + b);
        budget = OptionalDouble.of(b.asDouble());
      }
      int parallel = integer(root, "parallel", 16, 1, 4096);
      LlmConfig llm = llm(root.get("llm"));
      String description = text(root, "description").orElse("");
      return new RunSpec(source, name, description, store, sets, formats, explainers, simulators, evaluations, samples, puzzleRuns, embeddings,
          pack, seed, bootstrap, budget, parallel, llm);
    }

    NeuronSet set(JsonNode n, String where) {
      if (n == null || !n.isObject()) throw fail(where, "must be a mapping, e.g. {name: planted, records: records/}");
      known(n, where + ".", Set.of("name", "records", "neurons", "subset", "references", "puzzles"));
      String name = text(n, "name").orElseThrow(() -> fail(where + ".name", "is missing"));
      if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) throw fail(where + ".name", "must be letters, digits, '.', '_' or '-', got '" + name + "'");
      boolean records = n.hasNonNull("records");
      boolean puzzles = n.hasNonNull("puzzles");
      if (records == puzzles) throw fail(where, "needs exactly one of 'records' (a NeuronRecord directory) and 'puzzles' (builtin or a puzzles file)");
      if (puzzles) {
        for (String f : List.of("neurons", "subset", "references")) {
          if (n.has(f)) throw fail(where + "." + f, "applies to recorded neurons, not to puzzles (puzzles carry their own ground truth)");
        }
        String p = n.get("puzzles").asText();
        return new PuzzleSet(name, p.equalsIgnoreCase("builtin") ? Optional.empty() : Optional.of(path(p)));
      }
      List<NeuronId> neurons = new ArrayList<>();
      JsonNode list = n.get("neurons");
      if (list != null && !list.isNull()) {
        Iterator<JsonNode> it = list.isArray() ? list.elements() : List.of(list).iterator();
        int k = 0;
        while (it.hasNext()) {
          JsonNode x = it.next();
          for (String part : x.asText().split(",")) {
            if (part.isBlank()) continue;
            try {
              neurons.add(NeuronId.parse(part.strip()));
            } catch (IllegalArgumentException ex) {
              throw fail(where + ".neurons[" + k + "]", "'" + part.strip() + "' is not LAYER:NEURON (e.g. 5:131)");
            }
          }
          k++;
        }
      }
      return new RecordSet(name, path(n.get("records").asText()), List.copyOf(new LinkedHashSet<>(neurons)), text(n, "subset").map(this::path),
          text(n, "references").map(this::path));
    }

    List<PromptFormat> formats(JsonNode n) {
      if (n == null || n.isNull() || (n.isTextual() && n.asText().equalsIgnoreCase("all"))) return List.of(PromptFormat.values());
      List<String> ids = new ArrayList<>();
      if (n.isArray()) n.forEach(x -> ids.add(x.asText()));
      else ids.addAll(List.of(n.asText().split(",")));
      List<PromptFormat> out = new ArrayList<>();
      for (String id : ids) {
        if (id.isBlank()) continue;
        try {
          PromptFormat f = PromptFormat.parse(id);
          if (!out.contains(f)) out.add(f);
        } catch (IllegalArgumentException ex) {
          throw fail("formats", ex.getMessage());
        }
      }
      if (out.isEmpty()) throw fail("formats", "is empty; write 'all' or a list of " + PromptFormat.validIds());
      return out;
    }

    record Entry(String path, JsonNode node) {}

    /** A list field (a single value counts as a list of one); {@code fallback} when absent. */
    List<Entry> list(JsonNode root, String field, String fallback) {
      JsonNode n = root.get(field);
      List<Entry> out = new ArrayList<>();
      if (n == null || n.isNull()) {
        if (fallback != null) out.add(new Entry(field, new com.fasterxml.jackson.databind.node.TextNode(fallback)));
        return out;
      }
      if (n.isArray()) {
        for (int i = 0; i < n.size(); i++) out.add(new Entry(field + "[" + i + "]", n.get(i)));
      } else {
        out.add(new Entry(field, n));
      }
      if (out.isEmpty() && fallback != null) throw fail(field, "is empty; name at least one backend (e.g. baseline)");
      return out;
    }

    Backend backend(String where, JsonNode n, boolean embeddings) {
      Backend b;
      if (n.isTextual()) {
        b = parseBackend(where, n.asText());
      } else if (n.isObject()) {
        known(n, where + ".", Set.of("llm", "base_url", "api_key_env", "chat_template"));
        b = parseBackend(where + ".llm", text(n, "llm").orElseThrow(() -> fail(where + ".llm", "is missing (baseline or PRESET:MODEL)")));
        b = b.with(text(n, "base_url").map(u -> url(where + ".base_url", u)), text(n, "api_key_env"));
        b = chatTemplate(where, n, b);
      } else {
        throw fail(where, "must be 'baseline', PRESET:MODEL or a mapping {llm: PRESET:MODEL, base_url: URL}");
      }
      if (embeddings && b.baseline()) throw fail(where, "takes minilm or PRESET:MODEL (e.g. openai:text-embedding-ada-002)");
      return b;
    }

    SimulatorChoice simulator(String where, JsonNode n) {
      if (n.isObject()) {
        known(n, where + ".", Set.of("llm", "method", "base_url", "api_key_env", "chat_template"));
        Backend b = parseBackend(where + ".llm", text(n, "llm").orElse(Backend.BASELINE));
        b = b.with(text(n, "base_url").map(u -> url(where + ".base_url", u)), text(n, "api_key_env"));
        b = chatTemplate(where, n, b);
        String method = text(n, "method").map(s -> s.toLowerCase(Locale.ROOT)).orElse(Backend.defaultMethod(b));
        if (!SimulatorChoice.METHODS.contains(method)) throw fail(where + ".method", "takes " + String.join(", ", SimulatorChoice.METHODS) + ", got '" + method + "'");
        if (!method.equals(Backend.BASELINE) && b.baseline()) throw fail(where, "method " + method + " needs a model: give llm: PRESET:MODEL");
        if (method.equals(Backend.BASELINE) && !b.baseline()) throw fail(where, "method baseline is the offline MiniLM simulator and takes no model; drop 'llm' or choose another method");
        return new SimulatorChoice(b, method);
      }
      Backend b = backend(where, n, false);
      if (b.baseline() && !n.asText().strip().equalsIgnoreCase(Backend.BASELINE)) {
        throw fail(where, "is an offline explainer; the offline simulator is 'baseline'");
      }
      return new SimulatorChoice(b, Backend.defaultMethod(b));
    }

    /** {@code chat_template: FILE} (relative to the run file): a Jinja template for a local:PATH model instead of its own. */
    Backend chatTemplate(String where, JsonNode n, Backend b) {
      Optional<String> file = text(n, "chat_template");
      if (file.isEmpty()) return b;
      if (b.preset().filter(p -> p == dev.neuronscribe.llm.Preset.LOCAL).isEmpty()) {
        throw fail(where + ".chat_template", "is only for local:PATH models (a server applies its own template); drop it or use llm: local:PATH");
      }
      Path template = path(file.get());
      if (!Files.isRegularFile(template)) throw fail(where + ".chat_template", "names " + template + ", which is not a file (a Jinja chat template)");
      return b.withChatTemplate(Optional.of(template));
    }

    Backend parseBackend(String where, String text) {
      try {
        return Backend.parse(text);
      } catch (IllegalArgumentException ex) {
        throw fail(where, ex.getMessage());
      }
    }

    LlmConfig llm(JsonNode n) {
      if (n == null || n.isNull()) return new LlmConfig(0, 0, 16, 120, 8, Optional.empty(), false, Optional.empty(), Optional.empty());
      if (!n.isObject()) throw fail("llm", "must be a mapping (rpm, tpm, concurrency, timeout_s, attempts, cache, no_cache, ledger, prices)");
      known(n, "llm.", Set.of("rpm", "tpm", "concurrency", "timeout_s", "attempts", "cache", "no_cache", "ledger", "prices"));
      double rpm = number(n, "llm.rpm", "rpm", 0);
      double tpm = number(n, "llm.tpm", "tpm", 0);
      int concurrency = (int) number(n, "llm.concurrency", "concurrency", 16);
      double timeout = number(n, "llm.timeout_s", "timeout_s", 120);
      int attempts = (int) number(n, "llm.attempts", "attempts", 8);
      if (concurrency < 1 || attempts < 1 || timeout <= 0) throw fail("llm", "concurrency and attempts must be at least 1 and timeout_s positive");
      return new LlmConfig(rpm, tpm, concurrency, timeout, attempts, text(n, "cache").map(this::path), n.path("no_cache").asBoolean(false),
          text(n, "ledger").map(this::path), text(n, "prices").map(this::path));
    }

    double number(JsonNode n, String where, String field, double fallback) {
      if (!n.hasNonNull(field)) return fallback;
      JsonNode v = n.get(field);
      if (!v.isNumber() || v.asDouble() < 0) throw fail(where, "must be a non-negative number, got " + v);
      return v.asDouble();
    }

    int integer(JsonNode root, String field, int fallback, int min, int max) {
      if (!root.hasNonNull(field)) return fallback;
      JsonNode v = root.get(field);
      if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < min || v.asInt() > max) {
        throw fail(field, "must be a whole number from " + min + " to " + max + ", got " + v);
      }
      return v.asInt();
    }

    long longValue(JsonNode root, String field) {
      JsonNode v = root.get(field);
      if (!v.isIntegralNumber()) throw fail(field, "must be a whole number, got " + v);
      return v.asLong();
    }

    Optional<String> text(JsonNode n, String field) {
      JsonNode v = n.get(field);
      if (v == null || v.isNull()) return Optional.empty();
      if (!v.isValueNode()) throw fail(field, "must be a single value, got " + v);
      String s = v.asText().strip();
      return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    URI url(String where, String u) {
      if (!u.startsWith("http://") && !u.startsWith("https://")) throw fail(where, "must start with http:// or https://, got '" + u + "'");
      return URI.create(u);
    }

    Path path(String p) {
      if (p.equals("~") || p.startsWith("~/")) p = System.getProperty("user.home") + p.substring(1);
      Path x = Path.of(p);
      return x.isAbsolute() ? x.normalize() : baseDir.resolve(x).normalize();
    }

    void known(JsonNode n, String prefix, Set<String> allowed) {
      for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!allowed.contains(f)) {
          throw fail(prefix + f, "is not a field of a run file here; the fields are: " + String.join(", ", allowed.stream().sorted().toList())
              + " (see docs/experiments.md)");
        }
      }
    }

    InvalidInputException fail(String field, String problem) {
      throw new InvalidInputException(source, "field '" + field + "' " + problem);
    }
  }
}
