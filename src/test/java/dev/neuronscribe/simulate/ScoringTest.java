package dev.neuronscribe.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.neuronscribe.activations.ActivationRecord;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScoringTest {

  /*
   * Worked by hand. Excerpt A: true [0, 1, 2], predicted [0, 2, 2]; excerpt B: true [3, -1], predicted [5, 0].
   * Flattened: t = [0, 1, 2, 3, -1] (mean 1), p = [0, 2, 2, 5, 0] (mean 1.8).
   *   Σ(t−t̄)(p−p̄) = 1.8 + 0 + 0.2 + 6.4 + 3.6 = 12;  Σ(t−t̄)² = 10;  Σ(p−p̄)² = 16.8
   *   ev_correlation = 12 / √168 = √(6/7)
   *   rsquared       = 1 − (0+1+0+4+1)/(0+1+4+9+1) = 1 − 6/15 = 0.6
   *   abs. dev.      = 1 − (0+1+0+2+1)/(0+1+2+3+1) = 1 − 4/7 = 3/7
   * Excerpt A alone: correlation √3/2; excerpt B alone (two points): 1. Their mean, 0.933, is NOT the score.
   */
  @Test
  void scoresAreComputedOverTheFlattenedExcerptsAsWorkedByHand() {
    List<ActivationRecord> truth = List.of(record(0, 1, 2), record(3, -1));
    List<SequenceSimulation> sims = List.of(sim(truth.get(0), 0, 2, 2), sim(truth.get(1), 5, 0));
    ScoredSimulation s = Scoring.score(truth, sims);
    assertThat(s.evCorrelationScore()).isCloseTo(Math.sqrt(6.0 / 7.0), offset(1e-9));
    assertThat(s.rsquaredScore()).isCloseTo(0.6, offset(1e-9));
    assertThat(s.absoluteDevExplainedScore()).isCloseTo(3.0 / 7.0, offset(1e-9));
    assertThat(s.scoredSequenceSimulations().get(0).evCorrelationScore()).isCloseTo(Math.sqrt(3) / 2, offset(1e-9));
    assertThat(s.scoredSequenceSimulations().get(1).evCorrelationScore()).isCloseTo(1.0, offset(1e-9));
    assertThat(s.scoredSequenceSimulations().get(0).rsquaredScore()).isCloseTo(1 - 1.0 / 5, offset(1e-9));
    assertThat(s.scoredSequenceSimulations().get(1).absoluteDevExplainedScore()).isCloseTo(1 - 3.0 / 4, offset(1e-9));
  }

  @Test
  void undefinedScoresStayUndefined() {
    List<ActivationRecord> truth = List.of(record(0, 1, 2));
    ScoredSimulation constantPrediction = Scoring.score(truth, List.of(sim(truth.getFirst(), 3, 3, 3)));
    assertThat(constantPrediction.evCorrelationScore()).isNaN();
    assertThat(constantPrediction.rsquaredScore()).isCloseTo(1 - (9 + 4 + 1) / 5.0, offset(1e-12));

    List<ActivationRecord> silent = List.of(record(0, 0, 0));
    ScoredSimulation s = Scoring.score(silent, List.of(sim(silent.getFirst(), 1, 2, 3)));
    assertThat(s.evCorrelationScore()).isNaN();
    assertThat(s.rsquaredScore()).isNaN();
    assertThat(s.absoluteDevExplainedScore()).isNaN();
  }

  @Test
  void theExpectedValueKeepsOnlyExactAnswersAndRenormalises() {
    // "0": 0.2 and "5": 0.3 kept (→ 0.4 / 0.6); " 5", "05" and "unknown" are not answers.
    Distribution d = Distribution.fromTopLogprobs(Map.of("0", Math.log(0.2), "5", Math.log(0.3), " 5", Math.log(0.3), "05", Math.log(0.1), "unknown", Math.log(0.1)));
    assertThat(d.expectedValue()).isCloseTo(3.0, offset(1e-12));
    assertThat(d.values()).containsExactly(0, 5);
    assertThat(d.probabilities()[0]).isCloseTo(0.4, offset(1e-12));
    assertThat(Distribution.fromTopLogprobs(Map.of("10", -0.1)).expectedValue()).isCloseTo(10, offset(1e-12));
    // No digit among the alternatives: the spec's EV 0 with an empty distribution.
    Distribution none = Distribution.fromTopLogprobs(Map.of("the", -0.1));
    assertThat(none.expectedValue()).isZero();
    assertThat(none.values()).isEmpty();
  }

  static ActivationRecord record(double... acts) {
    List<String> tokens = new java.util.ArrayList<>();
    for (int i = 0; i < acts.length; i++) tokens.add(" t" + i);
    return new ActivationRecord(tokens, acts);
  }

  static SequenceSimulation sim(ActivationRecord r, double... predicted) {
    return SequenceSimulation.pointEstimates(r.tokens(), predicted);
  }
}
