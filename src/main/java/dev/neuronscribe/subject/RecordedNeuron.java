package dev.neuronscribe.subject;

import java.util.List;
import java.util.OptionalDouble;

/**
 * What the recorder found for one neuron over a corpus, in the terms of OpenAI's NeuronRecord.
 *
 * @param top the excerpts with the highest max activation, highest first
 * @param random a uniform random sample of the corpus's excerpts
 * @param byQuantile a uniform random sample of each bin of the per-excerpt max, lowest bin first
 * @param quantileBoundaries the per-excerpt max at the quantiles {@link RecordingOptions#QUANTILES}
 * @param count the number of token activations the moments are over
 * @param mean mean of every token activation in the corpus
 * @param variance population variance (divided by the count)
 * @param skewness population skewness; empty when the variance is 0
 * @param kurtosis excess kurtosis (a normal distribution has 0); empty when the variance is 0
 */
public record RecordedNeuron(
    int layer, int neuron, List<RecordedExcerpt> top, List<RecordedExcerpt> random, List<List<RecordedExcerpt>> byQuantile,
    List<Double> quantileBoundaries, long count, double mean, double variance, OptionalDouble skewness, OptionalDouble kurtosis) {

  public RecordedNeuron {
    top = List.copyOf(top);
    random = List.copyOf(random);
    byQuantile = byQuantile.stream().map(List::copyOf).toList();
    quantileBoundaries = List.copyOf(quantileBoundaries);
  }
}
