package dev.neuronscribe.cli;

import dev.neuronscribe.activations.ActivationRecord;
import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.NeuronRecord;
import dev.neuronscribe.activations.NeuronRecordDirectory;
import dev.neuronscribe.activations.QuantileBoundaries;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;

/** NeuronRecords made for tests and benchmarks: a "colour neuron" per id, 20 top and 15 random excerpts. */
final class SyntheticRecords {
  private static final String[] WORDS = {" the", " car", " was", " red", " and", " a", " blue", " sky", " over", " green", " fields", ",", ".", " we", " saw", " it"};

  private SyntheticRecords() {}

  static NeuronRecordDirectory write(Path dir, int count) {
    NeuronRecordDirectory d = new NeuronRecordDirectory(dir);
    for (int n = 0; n < count; n++) d.write(record(new NeuronId(n / 100, n % 100), n));
    return d;
  }

  static NeuronRecord record(NeuronId id, long seed) {
    Random r = new Random(seed);
    List<ActivationRecord> top = new ArrayList<>();
    for (int i = 0; i < 20; i++) top.add(excerpt(r, 10 - i * 0.3));
    List<ActivationRecord> random = new ArrayList<>();
    for (int i = 0; i < 15; i++) random.add(excerpt(r, 1));
    return new NeuronRecord(id, top, random, Optional.empty(), Optional.of(QuantileBoundaries.openAi(1, 4, 8, 9.5)),
        OptionalDouble.of(0.1), OptionalDouble.of(1), OptionalDouble.empty(), OptionalDouble.empty());
  }

  private static ActivationRecord excerpt(Random r, double peak) {
    List<String> tokens = new ArrayList<>();
    double[] acts = new double[16];
    for (int i = 0; i < 16; i++) {
      String w = WORDS[r.nextInt(WORDS.length)];
      tokens.add(w);
      boolean colour = w.equals(" red") || w.equals(" blue") || w.equals(" green");
      acts[i] = colour ? peak * (0.7 + 0.3 * r.nextDouble()) : r.nextGaussian() * 0.05;
    }
    return new ActivationRecord(tokens, acts);
  }
}
