package dev.neuronscribe.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuronscribe.explain.Explainee;
import dev.neuronscribe.explain.Explanation;
import dev.neuronscribe.explain.Target;
import dev.neuronscribe.files.AtomicFiles;
import dev.neuronscribe.files.InvalidInputException;
import dev.neuronscribe.llm.BudgetExceededException;
import dev.neuronscribe.llm.Usage;
import dev.neuronscribe.prompts.PromptFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Consumer;

/**
 * Scores a run's explanations with the scorers other than simulation, resumably, and optionally picks the
 * best of K samples under one of them. Results go to {@code OUT/<format>/scorers.jsonl}, one line per
 * (unit, sample, scorer) with the figures, the failures and the tokens; a rerun scores only what is
 * missing (and replays paid replies from the response cache).
 *
 * <p>Best of K: each unit's examples are split in two halves ({@link ScoringSet#halves()}); the K samples
 * are scored on the first half, the best is kept, and the kept one and sample 0 (what a single sample
 * would have given) are both reported on the second half, so that the gain is not the choice flattering
 * itself.
 */
public final class Judging {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Best of {@code k} samples under the scorer whose method is {@code by}. */
  public record BestOf(int k, String by) {
    public BestOf {
      if (k < 2) throw new IllegalArgumentException("--best-of needs at least 2 samples to choose from, got " + k);
    }
  }

  public record Options(List<ExcerptScorer> scorers, int quantiles, long seed, Optional<BestOf> bestOf) {
    public Options {
      scorers = List.copyOf(scorers);
      if (bestOf.isPresent() && scorers.stream().noneMatch(s -> s.method().equals(bestOf.get().by()))) {
        throw new IllegalArgumentException("--best-by " + bestOf.get().by() + " is not among the scorers being run");
      }
    }
  }

  /** Per format and scorer: units scored, the mean headline with its standard error, failed items, tokens. */
  public record Row(PromptFormat format, String scorer, int units, OptionalDouble mean, OptionalDouble sem, int failedItems, long tokens) {}

  /** Best of K for one format: held-out headline of sample 0 and of the chosen sample, per unit and on average. */
  public record BestOfRow(PromptFormat format, String by, int k, int units, OptionalDouble single, OptionalDouble best, OptionalDouble gain,
      OptionalDouble gainSem, long explainTokensSingle, long explainTokensAll, long scoringTokens) {}

  public record Summary(List<Row> rows, List<BestOfRow> bestOf, Optional<String> stoppedBecause) {}

  private Judging() {}

  public static Summary run(Path runDir, List<Explainee> explainees, List<PromptFormat> formats, Options o, Consumer<Target> onUnit) {
    List<Row> rows = new ArrayList<>();
    List<BestOfRow> best = new ArrayList<>();
    Optional<String> stopped = Optional.empty();
    for (PromptFormat f : formats) {
      FormatStore store = new FormatStore(runDir, f);
      Path file = runDir.resolve(f.id()).resolve("scorers.jsonl");
      Map<String, ObjectNode> lines = read(file);
      Map<String, List<Double>> headlines = new LinkedHashMap<>();
      Map<String, Integer> failed = new LinkedHashMap<>();
      Map<String, Long> tokens = new LinkedHashMap<>();
      List<Double> singles = new ArrayList<>(), bests = new ArrayList<>(), gains = new ArrayList<>();
      long explainSingle = 0, explainAll = 0, scoringTokens = 0;
      long lastSave = System.nanoTime();
      try {
        for (Explainee e : explainees) {
          Target t = e.target();
          List<Explanation> xs = store.explanations(t).stream().filter(Explanation::ok).toList();
          if (xs.isEmpty()) continue;
          ScoringSet set = ScoringSet.of(e, o.quantiles(), o.seed());
          int samples = o.bestOf().map(BestOf::k).orElse(xs.size());
          for (ExcerptScorer s : o.scorers()) {
            List<Double> unitHeadlines = new ArrayList<>();
            for (Explanation x : xs.subList(0, Math.min(samples, xs.size()))) {
              String key = key(t, x.sample(), s.name(), "all");
              ObjectNode line = lines.get(key);
              if (line == null) {
                line = line(t, x, s.name(), "all", s.score(x.text().orElseThrow(), set));
                lines.put(key, line);
              }
              if (x.sample() == 0 || o.bestOf().isEmpty()) {
                // One figure per unit: sample 0 with best-of (what one sample gives), else the mean over the samples.
                JsonNode h = line.get("headline");
                if (h != null && h.isNumber()) unitHeadlines.add(h.asDouble());
              }
              failed.merge(s.name(), line.get("failures").size(), Integer::sum);
              tokens.merge(s.name(), line.get("tokens").asLong(), Long::sum);
            }
            mean(unitHeadlines).ifPresent(m -> headlines.computeIfAbsent(s.name(), k -> new ArrayList<>()).add(m));
          }
          if (o.bestOf().isPresent() && xs.size() >= 1) {
            BestOf b = o.bestOf().get();
            ExcerptScorer by = o.scorers().stream().filter(s -> s.method().equals(b.by())).findFirst().orElseThrow();
            List<ScoringSet> halves = set.halves();
            List<Explanation> pool = xs.subList(0, Math.min(b.k(), xs.size()));
            int chosen = -1;
            double top = Double.NEGATIVE_INFINITY;
            for (Explanation x : pool) {
              ObjectNode line = cached(lines, t, x, by, "select", halves.get(0));
              scoringTokens += line.get("tokens").asLong();
              JsonNode h = line.get("headline");
              if (h != null && h.isNumber() && h.asDouble() > top) {
                top = h.asDouble();
                chosen = x.sample();
              }
            }
            explainSingle += pool.getFirst().promptTokens() + pool.getFirst().completionTokens();
            for (Explanation x : pool) explainAll += x.promptTokens() + x.completionTokens();
            if (chosen >= 0) {
              final int c = chosen;
              Explanation winner = pool.stream().filter(x -> x.sample() == c).findFirst().orElseThrow();
              ObjectNode single = cached(lines, t, pool.getFirst(), by, "report", halves.get(1));
              ObjectNode kept = cached(lines, t, winner, by, "report", halves.get(1));
              scoringTokens += single.get("tokens").asLong() + (c == pool.getFirst().sample() ? 0 : kept.get("tokens").asLong());
              if (single.get("headline").isNumber() && kept.get("headline").isNumber()) {
                singles.add(single.get("headline").asDouble());
                bests.add(kept.get("headline").asDouble());
                gains.add(kept.get("headline").asDouble() - single.get("headline").asDouble());
              }
            }
          }
          onUnit.accept(t);
          if (System.nanoTime() - lastSave > 2_000_000_000L) {
            write(file, lines);
            lastSave = System.nanoTime();
          }
        }
      } catch (BudgetExceededException ex) {
        stopped = Optional.of(ex.getMessage());
      } finally {
        write(file, lines);
      }
      for (ExcerptScorer s : o.scorers()) {
        List<Double> h = headlines.getOrDefault(s.name(), List.of());
        rows.add(new Row(f, s.name(), h.size(), mean(h), sem(h), failed.getOrDefault(s.name(), 0), tokens.getOrDefault(s.name(), 0L)));
      }
      if (o.bestOf().isPresent()) {
        best.add(new BestOfRow(f, o.bestOf().get().by(), o.bestOf().get().k(), gains.size(), mean(singles), mean(bests), mean(gains), sem(gains),
            explainSingle, explainAll, scoringTokens));
      }
      if (stopped.isPresent()) break;
    }
    return new Summary(rows, best, stopped);
  }

  private static ObjectNode cached(Map<String, ObjectNode> lines, Target t, Explanation x, ExcerptScorer s, String half, ScoringSet set) {
    return lines.computeIfAbsent(key(t, x.sample(), s.name(), half), k -> line(t, x, s.name(), half, s.score(x.text().orElseThrow(), set)));
  }

  private static String key(Target t, int sample, String scorer, String examples) {
    return t.key() + "\u0000" + sample + "\u0000" + scorer + "\u0000" + examples;
  }

  private static ObjectNode line(Target t, Explanation x, String scorer, String examples, Verdicts s) {
    ObjectNode n = JSON.createObjectNode();
    n.put("target", t.key()).put("sample", x.sample()).put("explanation", x.text().orElseThrow()).put("scorer", scorer).put("examples", examples);
    OptionalDouble h = Scorers.headline(s);
    if (h.isPresent()) n.put("headline", h.getAsDouble());
    else n.putNull("headline");
    ScorerMetrics m = s.metrics();
    ObjectNode metrics = n.putObject("metrics");
    metrics.put("decided", m.decided()).put("failed", m.failed());
    put(metrics, "accuracy", m.accuracy());
    put(metrics, "precision", m.precision());
    put(metrics, "recall", m.recall());
    put(metrics, "f1", m.f1());
    put(metrics, "auroc", m.auroc());
    ArrayNode per = metrics.putArray("per_quantile");
    for (ScorerMetrics.Quantile q : m.perQuantile()) {
      ObjectNode qn = per.addObject().put("quantile", q.quantile()).put("decided", q.decided());
      put(qn, "accuracy", q.accuracy());
      put(qn, "auroc", q.auroc());
    }
    ArrayNode failures = n.putArray("failures");
    s.failures().forEach(failures::add);
    Usage u = s.usage();
    n.put("tokens", u.totalTokens()).put("requests", s.requests());
    return n;
  }

  private static void put(ObjectNode n, String field, OptionalDouble v) {
    if (v.isPresent()) n.put(field, v.getAsDouble());
    else n.putNull(field); // undefined, not 0
  }

  private static Map<String, ObjectNode> read(Path file) {
    Map<String, ObjectNode> out = new LinkedHashMap<>();
    if (!Files.exists(file)) return out;
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).isBlank()) continue;
        JsonNode n;
        try {
          n = JSON.readTree(lines.get(i));
        } catch (IOException e) {
          throw new InvalidInputException(file.toString(), "line " + (i + 1) + " is not valid JSON; delete the file to score again");
        }
        if (!(n instanceof ObjectNode o) || !o.has("target") || !o.has("sample") || !o.has("scorer") || !o.has("examples")) {
          throw new InvalidInputException(file.toString(), "line " + (i + 1) + " lacks target, sample, scorer or examples; delete the file to score again");
        }
        out.put(o.get("target").asText() + "\u0000" + o.get("sample").asInt() + "\u0000" + o.get("scorer").asText() + "\u0000" + o.get("examples").asText(), o);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return out;
  }

  private static void write(Path file, Map<String, ObjectNode> lines) {
    if (lines.isEmpty()) return;
    StringBuilder sb = new StringBuilder();
    for (ObjectNode n : lines.values()) sb.append(n).append('\n');
    AtomicFiles.writeString(file, sb.toString());
  }

  private static OptionalDouble mean(List<Double> v) {
    return v.isEmpty() ? OptionalDouble.empty() : v.stream().mapToDouble(Double::doubleValue).average();
  }

  private static OptionalDouble sem(List<Double> v) {
    if (v.size() < 2) return OptionalDouble.empty();
    double m = mean(v).getAsDouble();
    double ss = v.stream().mapToDouble(x -> (x - m) * (x - m)).sum();
    return OptionalDouble.of(Math.sqrt(ss / (v.size() - 1) / v.size()));
  }
}
