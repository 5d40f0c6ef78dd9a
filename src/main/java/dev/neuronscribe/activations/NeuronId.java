package dev.neuronscribe.activations;

import java.util.Comparator;

/** Which neuron: its layer and its index in that layer's MLP, both from 0 (OpenAI's {@code NeuronId}). */
public record NeuronId(int layer, int neuron) implements Comparable<NeuronId> {
  private static final Comparator<NeuronId> ORDER =
      Comparator.comparingInt(NeuronId::layer).thenComparingInt(NeuronId::neuron);

  public NeuronId {
    if (layer < 0) throw new IllegalArgumentException("layer index must be >= 0, got " + layer);
    if (neuron < 0) throw new IllegalArgumentException("neuron index must be >= 0, got " + neuron);
  }

  /** Parses {@code "LAYER:NEURON"} or {@code "LAYER/NEURON"}, as users write neurons on the command line. */
  public static NeuronId parse(String text) {
    String[] parts = text.trim().split("[:/]");
    if (parts.length != 2) {
      throw new IllegalArgumentException("a neuron is written LAYER:NEURON (e.g. 1:1), got '" + text + "'");
    }
    try {
      return new NeuronId(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("a neuron is written LAYER:NEURON (e.g. 1:1), got '" + text + "'");
    }
  }

  @Override
  public int compareTo(NeuronId other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return layer + ":" + neuron;
  }
}
