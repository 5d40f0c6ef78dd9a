package dev.neuronscribe.activations;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.neuronscribe.subject.NeuronSink;
import dev.neuronscribe.subject.RecordedExcerpt;
import dev.neuronscribe.subject.RecordedNeuron;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Stores what the recorder finds as OpenAI-format NeuronRecords, one file per neuron in a
 * {@link NeuronRecordDirectory}, each written atomically; a neuron whose file exists counts as done.
 *
 * <p>Activations are float32 as the model computed them, written as the shortest decimal that reads back
 * as the same float ({@code 0.1}, not {@code 0.10000000149011612}); with {@code decimals} every number is
 * rounded to that many places instead, as OpenAI's public GPT-2 files are (4).
 */
public final class RecordingWriter implements NeuronSink {
  private final NeuronRecordDirectory directory;
  private final OptionalInt decimals;

  public RecordingWriter(NeuronRecordDirectory directory, OptionalInt decimals) {
    if (decimals.isPresent() && (decimals.getAsInt() < 0 || decimals.getAsInt() > 9)) {
      throw new IllegalArgumentException("decimals must be between 0 and 9, got " + decimals.getAsInt());
    }
    this.directory = directory;
    this.decimals = decimals;
  }

  @Override
  public boolean contains(int layer, int neuron) {
    return directory.contains(new NeuronId(layer, neuron));
  }

  /**
   * Streams the neuron's file straight from the recorder's floats: the same bytes as
   * {@code NeuronRecordJson.write(toRecord(neuron, decimals))} (a test holds them equal), without turning
   * each of its 12,800 activations into a decimal string and back first, which took about half of the
   * writing phase's processor time.
   */
  @Override
  public void accept(RecordedNeuron neuron) {
    NeuronRecordJson.Fields<RecordedExcerpt> f = fields(neuron, decimals);
    NeuronRecordJson.write(directory.pathOf(f.id()), f, this::writeExcerpt);
  }

  private static NeuronRecordJson.Fields<RecordedExcerpt> fields(RecordedNeuron n, OptionalInt decimals) {
    return new NeuronRecordJson.Fields<>(new NeuronId(n.layer(), n.neuron()), n.random(), Optional.of(n.byQuantile()),
        Optional.of(boundaries(n, decimals)), OptionalDouble.of(round(n.mean(), decimals)), OptionalDouble.of(round(n.variance(), decimals)),
        map(n.skewness(), decimals), map(n.kurtosis(), decimals), n.top());
  }

  private void writeExcerpt(JsonGenerator g, RecordedExcerpt e) throws IOException {
    NeuronRecordJson.startRecord(g, e.tokens());
    g.writeArrayFieldStart("activations");
    for (int i = 0; i < e.size(); i++) {
      float a = e.activation(i);
      if (!Float.isFinite(a)) {
        throw new IllegalArgumentException("activation " + i + " (token " + e.tokens().get(i) + ") is " + a
            + "; the model produced a non-finite activation, which a NeuronRecord cannot hold: check the checkpoint's weights");
      }
      // Float.toString gives the float's shortest decimal, exactly what floatValue's double prints as.
      if (decimals.isEmpty()) g.writeNumber(a);
      else g.writeNumber(floatValue(a, decimals));
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  public static NeuronRecord toRecord(RecordedNeuron n, OptionalInt decimals) {
    NeuronRecordJson.Fields<RecordedExcerpt> f = fields(n, decimals);
    List<List<ActivationRecord>> bins = new ArrayList<>();
    for (List<RecordedExcerpt> bin : n.byQuantile()) bins.add(records(bin, decimals));
    return new NeuronRecord(f.id(), records(n.top(), decimals), records(n.random(), decimals), Optional.of(bins),
        f.quantileBoundaries(), f.mean(), f.variance(), f.skewness(), f.kurtosis());
  }

  private static QuantileBoundaries boundaries(RecordedNeuron n, OptionalInt decimals) {
    List<Double> b = n.quantileBoundaries();
    if (b.size() != 4) throw new IllegalArgumentException("expected the 4 quantile boundaries of OpenAI's layout, got " + b.size());
    return QuantileBoundaries.openAi(
        floatValue(b.get(0), decimals), floatValue(b.get(1), decimals), floatValue(b.get(2), decimals), floatValue(b.get(3), decimals));
  }

  private static List<ActivationRecord> records(List<RecordedExcerpt> excerpts, OptionalInt decimals) {
    List<ActivationRecord> out = new ArrayList<>(excerpts.size());
    for (RecordedExcerpt e : excerpts) {
      double[] a = new double[e.size()];
      for (int i = 0; i < a.length; i++) a[i] = floatValue(e.activation(i), decimals);
      out.add(new ActivationRecord(e.tokens(), a));
    }
    return out;
  }

  /** A record with every number rounded to {@code decimals} places, as a recording with {@code --decimals} writes it. */
  public static NeuronRecord rounded(NeuronRecord r, OptionalInt decimals) {
    java.util.function.Function<List<ActivationRecord>, List<ActivationRecord>> list = xs -> xs.stream().map(x -> {
      double[] a = x.activations();
      for (int i = 0; i < a.length; i++) a[i] = round(a[i], decimals);
      return new ActivationRecord(x.tokens(), a);
    }).toList();
    return new NeuronRecord(r.id(), list.apply(r.mostPositiveActivationRecords()), list.apply(r.randomSample()),
        r.randomSampleByQuantile().map(bins -> bins.stream().map(list).toList()),
        r.quantileBoundaries().map(q -> new QuantileBoundaries(q.values().stream().map(v -> map(v, decimals)).toList())),
        map(r.mean(), decimals), map(r.variance(), decimals), map(r.skewness(), decimals), map(r.kurtosis(), decimals));
  }

  /** A float32 value as the double that prints as its shortest decimal, or rounded to {@code decimals} places. */
  static double floatValue(double v, OptionalInt decimals) {
    double shortest = Double.parseDouble(Float.toString((float) v));
    return round(shortest, decimals);
  }

  private static double round(double v, OptionalInt decimals) {
    if (decimals.isEmpty()) return v;
    double scale = Math.pow(10, decimals.getAsInt());
    double r = Math.round(v * scale) / scale;
    return r == 0 ? 0.0 : r; // no "-0.0" in the files
  }

  private static OptionalDouble map(OptionalDouble v, OptionalInt decimals) {
    return v.isPresent() ? OptionalDouble.of(round(v.getAsDouble(), decimals)) : OptionalDouble.empty();
  }
}
