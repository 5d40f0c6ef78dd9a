package dev.neuronscribe.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronscribe.activations.NeuronId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class SubsetsTest {
  /** 3 layers × 10 neurons; score = neuron / 10, so neurons 4–9 of each layer exceed 0.35. */
  static NeuronIndex index(boolean shuffled) {
    List<NeuronIndex.Entry> e = new ArrayList<>();
    for (int l = 0; l < 3; l++) {
      for (int n = 0; n < 10; n++) e.add(new NeuronIndex.Entry(new NeuronId(l, n), OptionalDouble.of(n / 10.0 + l / 100.0), Optional.of("e" + l + n)));
    }
    if (shuffled) Collections.shuffle(e, new java.util.Random(5));
    return new NeuronIndex("test", e);
  }

  static List<NeuronId> ids(Subsets.Selection s) {
    return s.entries().stream().map(NeuronIndex.Entry::id).toList();
  }

  @Test
  void randomSubsetsAreReproducibleAndIndependentOfRowOrder() {
    Subsets.Selection a = Subsets.select(index(false), Subsets.Kind.RANDOM_PER_LAYER, 4, 7, Subsets.INTERPRETABLE);
    Subsets.Selection b = Subsets.select(index(true), Subsets.Kind.RANDOM_PER_LAYER, 4, 7, Subsets.INTERPRETABLE);
    assertThat(ids(a)).hasSize(12).doesNotHaveDuplicates().isEqualTo(ids(b));
    assertThat(ids(a).stream().filter(id -> id.layer() == 1)).hasSize(4);
    Subsets.Selection c = Subsets.select(index(false), Subsets.Kind.RANDOM_PER_LAYER, 4, 8, Subsets.INTERPRETABLE);
    assertThat(ids(c)).isNotEqualTo(ids(a));
  }

  @Test
  void randomInterpretableDrawsOnlyAboveTheThreshold() {
    Subsets.Selection s = Subsets.select(index(true), Subsets.Kind.RANDOM_INTERPRETABLE, 3, 1, Subsets.INTERPRETABLE);
    assertThat(s.entries()).hasSize(9).allSatisfy(e -> assertThat(e.score().getAsDouble()).isGreaterThan(0.35));
    Subsets.Selection all = Subsets.select(index(true), Subsets.Kind.RANDOM_INTERPRETABLE, 8, 1, Subsets.INTERPRETABLE);
    assertThat(all.entries()).hasSize(18);
    assertThat(all.shortfalls()).hasSize(3).first().asString().contains("layer 0 has only 6 candidates");
  }

  @Test
  void topKindsTakeTheBestWithTiesBrokenByPosition() {
    assertThat(ids(Subsets.select(index(true), Subsets.Kind.TOP_PER_LAYER, 2, 0, 0)))
        .containsExactly(new NeuronId(0, 8), new NeuronId(0, 9), new NeuronId(1, 8), new NeuronId(1, 9), new NeuronId(2, 8), new NeuronId(2, 9));
    assertThat(ids(Subsets.select(index(true), Subsets.Kind.TOP_K, 3, 0, 0)))
        .containsExactly(new NeuronId(2, 9), new NeuronId(1, 9), new NeuronId(0, 9));
  }

  @Test
  void scoreKindsNeedScores() {
    NeuronIndex noScores = new NeuronIndex("plain.csv", List.of(new NeuronIndex.Entry(new NeuronId(0, 0), OptionalDouble.empty(), Optional.empty())));
    assertThatThrownBy(() -> Subsets.select(noScores, Subsets.Kind.TOP_K, 1, 0, 0)).hasMessageContaining("plain.csv").hasMessageContaining("score");
    assertThat(Subsets.select(noScores, Subsets.Kind.RANDOM_PER_LAYER, 1, 0, 0).entries()).hasSize(1);
    assertThatThrownBy(() -> Subsets.Kind.parse("best")).hasMessageContaining("top-k");
  }
}
