package dev.neuronscribe.simulate;

import dev.neuronscribe.llm.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * The offline baseline for detection, fuzzing and intruder: no language model, only how close each
 * token is in meaning to the explanation, as {@link BaselineMiniLmSimulator} predicts it (MiniLM cosine
 * mapped to 0–10; 5 is the cosine the simulator treats as "named by the explanation"). Detection scores
 * an excerpt by its most similar token and says yes at 5 or more; fuzzing scores the marked tokens by
 * their mean and says yes at 5 or more; intruder picks the excerpt whose most similar token is least
 * similar. It is a named baseline: it shows what the explanation's words alone give, and a language
 * model judge should beat it.
 */
public final class MiniLmJudge implements ExcerptScorer {
  public static final String BACKEND = "baseline-minilm";
  private static final double YES = 5;

  private final BaselineMiniLmSimulator tokens;
  private final String method;

  /** {@code method}: detection, fuzzing or intruder. */
  public MiniLmJudge(BaselineMiniLmSimulator tokens, String method) {
    if (!List.of("detection", "fuzzing", "intruder").contains(method)) {
      throw new IllegalArgumentException("the MiniLM baseline judges detection, fuzzing or intruder, not " + method);
    }
    this.tokens = tokens;
    this.method = method;
  }

  @Override
  public String method() {
    return method;
  }

  @Override
  public String name() {
    return method + ":" + BACKEND;
  }

  @Override
  public Kind kind() {
    return method.equals("intruder") ? Kind.CHOOSE : Kind.CLASSIFY;
  }

  @Override
  public Verdicts score(String explanation, ScoringSet set) {
    if (explanation.isBlank()) return new Verdicts(name(), kind(), set.quantiles(), List.of(), List.of("the explanation is empty"), Usage.NONE, 0);
    List<Judgement> js = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    switch (method) {
      case "detection" -> {
        for (ScoringSet.Excerpt e : set.all()) {
          double[] p = predictions(explanation, e.record().tokens(), failures);
          if (p == null) continue;
          double s = max(p);
          js.add(new Judgement(e.quantile(), e.quantile() > 0, s >= YES, s));
        }
      }
      case "fuzzing" -> {
        for (Fuzz.Item f : Fuzz.items(set)) {
          double[] p = predictions(explanation, f.record().tokens(), failures);
          if (p == null) continue;
          double sum = 0;
          int n = 0;
          for (int t = 0; t < p.length; t++) {
            if (f.marks()[t]) {
              sum += p[t];
              n++;
            }
          }
          double s = sum / n;
          js.add(new Judgement(f.quantile(), f.correct(), s >= YES, s));
        }
      }
      default -> {
        List<Intruders.Group> groups = Intruders.groups(set);
        if (groups.isEmpty()) failures.add("no intruder groups: the unit has no non-activating excerpts");
        for (Intruders.Group g : groups) {
          int pick = -1;
          double lowest = Double.POSITIVE_INFINITY;
          for (int i = 0; i < g.excerpts().size(); i++) {
            double[] p = predictions(explanation, g.excerpts().get(i).tokens(), failures);
            if (p == null) {
              pick = -2;
              break;
            }
            if (max(p) < lowest) {
              lowest = max(p);
              pick = i;
            }
          }
          if (pick >= 0) js.add(new Judgement(g.quantile(), true, pick == g.intruder(), Double.NaN));
        }
      }
    }
    return new Verdicts(name(), kind(), set.quantiles(), js, failures, Usage.NONE, 0);
  }

  /** The baseline's 0–10 predictions, or null with the reason recorded (kept inside this class). */
  private double[] predictions(String explanation, List<String> toks, List<String> failures) {
    return switch (tokens.simulate(explanation, toks)) {
      case SimulationOutcome.Simulated(SequenceSimulation s) -> {
        double[] p = new double[toks.size()];
        for (int i = 0; i < p.length; i++) p[i] = s.expected(i);
        yield p;
      }
      case SimulationOutcome.Failed(String reason) -> {
        failures.add("an excerpt: " + reason);
        yield null;
      }
    };
  }

  private static double max(double[] p) {
    double m = Double.NEGATIVE_INFINITY;
    for (double v : p) m = Math.max(m, v);
    return m;
  }
}
