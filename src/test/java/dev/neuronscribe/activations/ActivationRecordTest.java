package dev.neuronscribe.activations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ActivationRecordTest {
  @Test
  void isImmutable() {
    List<String> tokens = new ArrayList<>(List.of(" a", " b"));
    double[] acts = {1.0, -0.5};
    ActivationRecord r = new ActivationRecord(tokens, acts);
    tokens.set(0, "changed");
    acts[0] = 99;
    r.activations()[1] = 42;
    assertThat(r.tokens()).containsExactly(" a", " b");
    assertThat(r.activations()).containsExactly(1.0, -0.5);
    assertThat(r.max()).isEqualTo(1.0);
    assertThat(r.text()).isEqualTo(" a b");
  }

  @Test
  void rejectsMismatchAndNonFinite() {
    assertThatThrownBy(() -> new ActivationRecord(List.of("a"), new double[] {1, 2}))
        .hasMessageContaining("got 1 tokens and 2 activations");
    assertThatThrownBy(() -> new ActivationRecord(List.of("a", "b"), new double[] {1, Double.NaN}))
        .hasMessageContaining("activation 1 (token \"b\") is NaN");
  }

  @Test
  void neuronIdsParseAndOrder() {
    assertThat(NeuronId.parse("12:345")).isEqualTo(new NeuronId(12, 345));
    assertThat(NeuronId.parse("3/4")).isEqualTo(new NeuronId(3, 4));
    assertThat(new NeuronId(1, 10).compareTo(new NeuronId(2, 0))).isNegative();
    assertThatThrownBy(() -> NeuronId.parse("x")).hasMessageContaining("LAYER:NEURON");
    assertThatThrownBy(() -> new NeuronId(-1, 0)).hasMessageContaining("layer index must be >= 0");
  }
}
