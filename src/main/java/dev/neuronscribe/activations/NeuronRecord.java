package dev.neuronscribe.activations;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Everything recorded about one neuron (OpenAI's {@code NeuronRecord}): its top-activating excerpts
 * sorted by each excerpt's maximum activation (highest first), a uniform random sample, optionally a
 * random sample per quantile bin of the per-excerpt maximum, and the moments of all token activations.
 *
 * <p>The optional parts are optional in OpenAI's format too; files that lack them stay valid.
 */
public record NeuronRecord(
    NeuronId id,
    List<ActivationRecord> mostPositiveActivationRecords,
    List<ActivationRecord> randomSample,
    Optional<List<List<ActivationRecord>>> randomSampleByQuantile,
    Optional<QuantileBoundaries> quantileBoundaries,
    OptionalDouble mean,
    OptionalDouble variance,
    OptionalDouble skewness,
    OptionalDouble kurtosis) {

  public NeuronRecord {
    mostPositiveActivationRecords = List.copyOf(mostPositiveActivationRecords);
    randomSample = List.copyOf(randomSample);
    randomSampleByQuantile = randomSampleByQuantile.map(bins -> bins.stream().map(List::copyOf).toList());
  }

  /** A record with just the two excerpt lists, as built in tests and by simple producers. */
  public static NeuronRecord of(NeuronId id, List<ActivationRecord> top, List<ActivationRecord> random) {
    return new NeuronRecord(id, top, random, Optional.empty(), Optional.empty(),
        OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty());
  }

  /** The largest activation over all top-activating excerpts (0 when there are none). */
  public double maxActivation() {
    return mostPositiveActivationRecords.stream().mapToDouble(ActivationRecord::max).max().orElse(0);
  }
}
