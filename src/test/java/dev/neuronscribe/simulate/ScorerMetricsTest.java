package dev.neuronscribe.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.neuronscribe.llm.Usage;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScorerMetricsTest {

  @Test
  void aurocIsTheShareOfPositiveNegativePairsOrderedRightWithTiesHalf() {
    // pairs: (3>1) (3>2) (2>1) (2=2 half) → 3.5 of 4
    assertThat(ScorerMetrics.auroc(new double[] {3, 2}, new double[] {1, 2}).getAsDouble()).isCloseTo(0.875, offset(1e-12));
    assertThat(ScorerMetrics.auroc(new double[] {0}, new double[] {1}).getAsDouble()).isZero();
    assertThat(ScorerMetrics.auroc(new double[] {1}, new double[] {})).isEmpty();
  }

  @Test
  void classifyingScorersReportAccuracyF1AndPerQuantileCounts() {
    List<Judgement> js = List.of(
        new Judgement(1, true, true, 1), new Judgement(1, true, true, 1),
        new Judgement(2, true, false, 0), new Judgement(2, true, true, 1),
        new Judgement(0, false, false, 0), new Judgement(0, false, true, 1));
    ScorerMetrics m = new Verdicts("detection:x", ExcerptScorer.Kind.CLASSIFY, 2, js, List.of("2 items: unreadable"), Usage.NONE, 2).metrics();
    assertThat(m.decided()).isEqualTo(6);
    assertThat(m.failed()).isEqualTo(1);
    assertThat(m.accuracy().getAsDouble()).isCloseTo(4.0 / 6, offset(1e-12));
    assertThat(m.precision().getAsDouble()).isCloseTo(3.0 / 4, offset(1e-12));
    assertThat(m.recall().getAsDouble()).isCloseTo(3.0 / 4, offset(1e-12));
    assertThat(m.f1().getAsDouble()).isCloseTo(0.75, offset(1e-12));
    assertThat(m.perQuantile()).extracting(ScorerMetrics.Quantile::quantile).containsExactly(0, 1, 2);
    ScorerMetrics.Quantile q1 = m.perQuantile().get(1);
    assertThat(q1.decided()).isEqualTo(2);
    assertThat(q1.accuracy().getAsDouble()).isEqualTo(1.0);
    // quantile 1 (scores 1, 1) against non-activating (0, 1): pairs 1>0 twice, 1=1 twice → 3 of 4
    assertThat(q1.auroc().getAsDouble()).isCloseTo(0.75, offset(1e-12));
  }

  @Test
  void choosingScorersHaveNoF1OrAuroc() {
    List<Judgement> js = List.of(new Judgement(1, true, true, Double.NaN), new Judgement(1, true, false, Double.NaN));
    ScorerMetrics m = new Verdicts("intruder:x", ExcerptScorer.Kind.CHOOSE, 1, js, List.of(), Usage.NONE, 2).metrics();
    assertThat(m.accuracy().getAsDouble()).isEqualTo(0.5);
    assertThat(m.f1()).isEmpty();
    assertThat(m.auroc()).isEmpty();
  }
}
