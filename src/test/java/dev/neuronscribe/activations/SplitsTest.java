package dev.neuronscribe.activations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronscribe.files.InvalidInputException;
import dev.neuronscribe.testing.TestData;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SplitsTest {

  /** Excerpt i of a list is tagged by its single token, so a split can be read back as indices. */
  private static List<ActivationRecord> tagged(String prefix, int n) {
    return IntStream.range(0, n).mapToObj(i -> new ActivationRecord(List.of(prefix + i), new double[] {100 - i})).toList();
  }

  private static List<String> tags(List<ActivationRecord> records) {
    return records.stream().map(r -> r.token(0)).toList();
  }

  @Test
  void interleavedSplitsFollowTheSpec() {
    NeuronRecord r = NeuronRecord.of(new NeuronId(0, 0), tagged("t", 50), tagged("r", 50));
    assertThat(tags(Splits.explain(r))).containsExactly("t0", "t4", "t8", "t12", "t16");
    assertThat(tags(Splits.score(r))).containsExactly("t2", "t6", "t10", "t14", "t18", "r1", "r4", "r7", "r10", "r13");
    assertThat(tags(Splits.calibration(r))).containsExactly("t1", "t5", "t9", "t13", "t17", "r0", "r3", "r6", "r9", "r12");
    assertThat(tags(Splits.test(r))).containsExactly("t3", "t7", "t11", "t15", "t19", "r2", "r5", "r8", "r11", "r14");
  }

  @Test
  void splitsNeverOverlapOnRealData() {
    NeuronRecord r = NeuronRecordJson.read(TestData.require("reference/gpt2xl-neuron-1-1.json"));
    List<ActivationRecord> all = new ArrayList<>();
    all.addAll(Splits.explain(r));
    all.addAll(Splits.score(r));
    all.addAll(Splits.calibration(r));
    all.addAll(Splits.test(r));
    assertThat(all).hasSize(35);
    assertThat(new HashSet<>(all)).hasSize(35);
    assertThat(Splits.explain(r).getFirst()).isEqualTo(r.mostPositiveActivationRecords().getFirst());
  }

  @Test
  void tooFewExcerptsIsAClearError() {
    NeuronRecord shortTop = NeuronRecord.of(new NeuronId(3, 9), tagged("t", 19), tagged("r", 50));
    assertThatThrownBy(() -> Splits.test(shortTop))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("neuron 3:9")
        .hasMessageContaining("has 19 top-activating excerpts; the explain/score splits need at least 20");
    NeuronRecord shortRandom = NeuronRecord.of(new NeuronId(3, 9), tagged("t", 20), tagged("r", 14));
    assertThat(Splits.explain(shortRandom)).hasSize(5);
    assertThatThrownBy(() -> Splits.score(shortRandom))
        .hasMessageContaining("has 14 random excerpts; the score/calibration/test splits need at least 15");
  }
}
