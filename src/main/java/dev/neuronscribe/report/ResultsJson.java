package dev.neuronscribe.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuronscribe.evaluate.ExplanationSimilarity;
import dev.neuronscribe.evaluate.FormatComparison;
import dev.neuronscribe.evaluate.PairedComparison;
import dev.neuronscribe.evaluate.RankSummary;

/** Machine-readable results: the same numbers as the tables, undefined values as {@code null}. */
public final class ResultsJson {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ResultsJson() {}

  public static ObjectNode comparison(FormatComparison c) {
    ObjectNode o = JSON.createObjectNode();
    o.put("metric", c.table().metric());
    o.put("item_kind", c.table().itemKind());
    o.put("items", c.table().rows().size());
    ArrayNode sums = o.putArray("formats");
    for (FormatComparison.ConditionSummary s : c.summaries()) {
      ObjectNode x = sums.addObject();
      x.put("format", s.condition());
      x.put("n", s.summary().n());
      num(x, "mean", s.summary().mean());
      num(x, "sd", s.summary().sd());
      num(x, "sem", s.summary().sem());
      x.put("missing", s.missing());
      num(x, "rank", s.rank());
    }
    ArrayNode pairs = o.putArray("pairs");
    for (PairedComparison p : c.pairs()) {
      ObjectNode x = pairs.addObject();
      x.put("a", p.a());
      x.put("b", p.b());
      x.put("n", p.n());
      num(x, "mean_difference", p.meanDifference());
      num(x, "sem_difference", p.semDifference());
      num(x, "ci_low", p.ciLow());
      num(x, "ci_high", p.ciHigh());
      num(x, "t", p.t());
      x.put("df", p.df());
      num(x, "p_t", p.pT());
      num(x, "p_t_holm", p.pTHolm());
      num(x, "wilcoxon_w", p.wilcoxonW());
      num(x, "p_wilcoxon", p.pWilcoxon());
      x.put("wilcoxon_method", p.wilcoxonMethod());
    }
    ObjectNode s = o.putObject("settings");
    s.put("bootstrap_resamples", c.settings().bootstrapResamples());
    s.put("confidence", c.settings().confidence());
    s.put("seed", c.settings().seed());
    return o;
  }

  public static ObjectNode ranks(RankSummary r) {
    ObjectNode o = JSON.createObjectNode();
    ArrayNode ev = o.putArray("evaluations");
    r.evaluations().forEach(ev::add);
    ArrayNode rows = o.putArray("formats");
    for (RankSummary.Row row : r.rows()) {
      ObjectNode x = rows.addObject();
      x.put("format", row.condition());
      ArrayNode ranks = x.putArray("ranks");
      row.ranks().forEach(k -> {
        if (k.isPresent()) ranks.add(k.getAsDouble());
        else ranks.addNull();
      });
      num(x, "average_rank", row.averageRank());
    }
    return o;
  }

  /** How explanations and references lined up (counts). */
  public static ObjectNode join(ExplanationSimilarity.Join j) {
    ObjectNode join = JSON.createObjectNode();
    join.put("explanation_rows", j.explanationRows());
    join.put("reference_rows", j.referenceRows());
    join.put("matched", j.matched());
    join.put("explanations_without_reference", j.explanationsWithoutReference().size());
    join.put("references_without_explanation", j.referencesWithoutExplanation());
    return join;
  }

  public static ObjectNode object() {
    return JSON.createObjectNode();
  }

  public static String text(ObjectNode o) {
    try {
      return JSON.writeValueAsString(o) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static void num(ObjectNode o, String name, double v) {
    if (Double.isFinite(v)) o.put(name, v);
    else o.putNull(name);
  }
}
