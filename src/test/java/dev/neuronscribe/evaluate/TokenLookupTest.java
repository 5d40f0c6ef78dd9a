package dev.neuronscribe.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronscribe.activations.ActivationRecord;
import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.NeuronRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

class TokenLookupTest {
  /** 50 random excerpts of 32 tokens from a 40-token vocabulary; activation(token) plus noise of the given size. */
  static NeuronRecord neuron(ToDoubleFunction<String> byToken, double noise, long seed) {
    Random rnd = new Random(seed);
    List<ActivationRecord> random = new ArrayList<>();
    for (int e = 0; e < 50; e++) {
      List<String> tokens = new ArrayList<>();
      double[] acts = new double[32];
      for (int i = 0; i < 32; i++) {
        String t = " w" + rnd.nextInt(40);
        tokens.add(t);
        acts[i] = byToken.applyAsDouble(t) + noise * rnd.nextGaussian();
      }
      random.add(new ActivationRecord(tokens, acts));
    }
    return NeuronRecord.of(new NeuronId(0, 0), List.of(), random);
  }

  @Test
  void aNeuronSetByItsTokenIsPredictedByTheLookupAndANoiseNeuronIsNot() {
    ToDoubleFunction<String> tokenValue = t -> (t.hashCode() % 7) / 3.0;
    assertThat(TokenLookup.heldOutCorrelation(neuron(tokenValue, 0.05, 1))).isGreaterThan(0.95);
    double half = TokenLookup.heldOutCorrelation(neuron(tokenValue, 1.5, 2));
    assertThat(half).isBetween(0.3, 0.9);
    assertThat(TokenLookup.heldOutCorrelation(neuron(t -> 0, 1, 3))).isBetween(-0.15, 0.15);
  }

  @Test
  void undefinedWithoutTwoExcerptsOrWithConstantActivations() {
    assertThat(TokenLookup.heldOutCorrelation(NeuronRecord.of(new NeuronId(0, 0), List.of(), List.of()))).isNaN();
    assertThat(TokenLookup.heldOutCorrelation(neuron(t -> 1, 0, 4))).isNaN();
  }
}
