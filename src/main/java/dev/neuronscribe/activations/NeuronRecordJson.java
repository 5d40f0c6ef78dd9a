package dev.neuronscribe.activations;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.neuronscribe.files.AtomicFiles;
import dev.neuronscribe.files.InvalidInputException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Reads and writes NeuronRecords in OpenAI's neuron-explainer JSON, field for field as their public
 * GPT-2 data stores it ({@code dataclass_name} tags, {@code null} for what was not recorded, the open
 * ends of {@code quantile_boundaries}).
 */
public final class NeuronRecordJson {
  private static final JsonFactory FACTORY = new JsonFactory();

  private NeuronRecordJson() {}

  /** Reads one NeuronRecord file; any problem is an {@link InvalidInputException} naming the file and field. */
  public static NeuronRecord read(Path file) {
    return fromTree(JsonFields.readTree(file), file.toString());
  }

  /** Parses a NeuronRecord from JSON text; {@code source} names it in error messages. */
  public static NeuronRecord parse(String json, String source) {
    return fromTree(JsonFields.parse(source, json), source);
  }

  /** Writes the record atomically (a crash leaves the old file or none, never half a file). */
  public static void write(Path file, NeuronRecord record) {
    write(file, fields(record), NeuronRecordJson::writeRecord);
  }

  public static String toJson(NeuronRecord record) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      writeNeuron(g, fields(record), NeuronRecordJson::writeRecord);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /**
   * A NeuronRecord's fields with the excerpts in any representation: the stored records' doubles, or the
   * recorder's float32 activations, which {@link RecordingWriter} writes without converting them first.
   */
  record Fields<E>(
      NeuronId id, List<E> randomSample, Optional<List<List<E>>> randomSampleByQuantile, Optional<QuantileBoundaries> quantileBoundaries,
      OptionalDouble mean, OptionalDouble variance, OptionalDouble skewness, OptionalDouble kurtosis, List<E> mostPositiveActivationRecords) {}

  /** Writes one excerpt as an {@code ActivationRecord} object. */
  @FunctionalInterface
  interface ExcerptWriter<E> {
    void write(JsonGenerator g, E excerpt) throws IOException;
  }

  private static Fields<ActivationRecord> fields(NeuronRecord r) {
    return new Fields<>(r.id(), r.randomSample(), r.randomSampleByQuantile(), r.quantileBoundaries(),
        r.mean(), r.variance(), r.skewness(), r.kurtosis(), r.mostPositiveActivationRecords());
  }

  /** Streams the JSON (UTF-8) into the file, atomically. */
  static <E> void write(Path file, Fields<E> fields, ExcerptWriter<E> excerpt) {
    AtomicFiles.write(file, out -> {
      try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
        writeNeuron(g, fields, excerpt);
      }
    });
  }

  /** The fields in the order OpenAI's files have them. */
  private static <E> void writeNeuron(JsonGenerator g, Fields<E> f, ExcerptWriter<E> excerpt) throws IOException {
    g.writeStartObject();
    g.writeStringField("dataclass_name", "NeuronRecord");
    g.writeObjectFieldStart("neuron_id");
    g.writeStringField("dataclass_name", "NeuronId");
    g.writeNumberField("layer_index", f.id().layer());
    g.writeNumberField("neuron_index", f.id().neuron());
    g.writeEndObject();
    g.writeFieldName("random_sample");
    writeList(g, f.randomSample(), excerpt);
    g.writeFieldName("random_sample_by_quantile");
    if (f.randomSampleByQuantile().isPresent()) {
      g.writeStartArray();
      for (List<E> bin : f.randomSampleByQuantile().get()) writeList(g, bin, excerpt);
      g.writeEndArray();
    } else {
      g.writeNull();
    }
    g.writeFieldName("quantile_boundaries");
    if (f.quantileBoundaries().isPresent()) {
      g.writeStartArray();
      for (OptionalDouble v : f.quantileBoundaries().get().values()) writeOptional(g, v);
      g.writeEndArray();
    } else {
      g.writeNull();
    }
    g.writeFieldName("mean");
    writeOptional(g, f.mean());
    g.writeFieldName("variance");
    writeOptional(g, f.variance());
    g.writeFieldName("skewness");
    writeOptional(g, f.skewness());
    g.writeFieldName("kurtosis");
    writeOptional(g, f.kurtosis());
    g.writeFieldName("most_positive_activation_records");
    writeList(g, f.mostPositiveActivationRecords(), excerpt);
    g.writeEndObject();
  }

  private static <E> void writeList(JsonGenerator g, List<E> excerpts, ExcerptWriter<E> excerpt) throws IOException {
    g.writeStartArray();
    for (E e : excerpts) excerpt.write(g, e);
    g.writeEndArray();
  }

  /** Opens an {@code ActivationRecord} object and writes its tokens; the caller writes the activations and closes it. */
  static void startRecord(JsonGenerator g, List<String> tokens) throws IOException {
    g.writeStartObject();
    g.writeStringField("dataclass_name", "ActivationRecord");
    g.writeArrayFieldStart("tokens");
    for (String t : tokens) g.writeString(t);
    g.writeEndArray();
  }

  private static void writeRecord(JsonGenerator g, ActivationRecord r) throws IOException {
    startRecord(g, r.tokens());
    g.writeArrayFieldStart("activations");
    for (int i = 0; i < r.size(); i++) g.writeNumber(r.activation(i));
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void writeOptional(JsonGenerator g, OptionalDouble v) throws IOException {
    if (v.isPresent()) g.writeNumber(v.getAsDouble());
    else g.writeNull();
  }

  static NeuronRecord fromTree(JsonNode root, String source) {
    JsonFields f = new JsonFields(source);
    if (!root.isObject()) throw new InvalidInputException(source, "must hold one JSON object (a NeuronRecord), found " + JsonFields.describe(root));
    f.expectDataclass(root, "", "NeuronRecord");

    JsonNode idNode = f.required(root, "", "neuron_id");
    f.expectDataclass(idNode, "neuron_id", "NeuronId");
    int layer = f.integer(f.required(idNode, "neuron_id", "layer_index"), "neuron_id.layer_index");
    int neuron = f.integer(f.required(idNode, "neuron_id", "neuron_index"), "neuron_id.neuron_index");
    if (layer < 0 || neuron < 0) throw f.error("neuron_id", "has a negative index");
    NeuronId id = new NeuronId(layer, neuron);

    List<ActivationRecord> top = records(f, f.required(root, "", "most_positive_activation_records"), "most_positive_activation_records");
    // Not re-sorted or checked for order: OpenAI's own files are sorted only almost everywhere (the
    // GPT-2 XL record for 1:1 has one inversion at its tail), and the splits index the list as stored.
    JsonNode randomNode = f.optional(root, "random_sample");
    List<ActivationRecord> random = randomNode == null ? List.of() : records(f, randomNode, "random_sample");

    JsonNode byQuantileNode = f.optional(root, "random_sample_by_quantile");
    Optional<List<List<ActivationRecord>>> byQuantile =
        byQuantileNode == null ? Optional.empty() : Optional.of(f.list(byQuantileNode, "random_sample_by_quantile", (n, p) -> records(f, n, p)));

    JsonNode boundariesNode = f.optional(root, "quantile_boundaries");
    Optional<QuantileBoundaries> boundaries =
        boundariesNode == null
            ? Optional.empty()
            : Optional.of(new QuantileBoundaries(
                f.list(boundariesNode, "quantile_boundaries",
                    (n, p) -> n.isNull() ? OptionalDouble.empty() : OptionalDouble.of(f.number(n, p)))));

    return new NeuronRecord(id, top, random, byQuantile, boundaries,
        optionalNumber(f, root, "mean"), optionalNumber(f, root, "variance"),
        optionalNumber(f, root, "skewness"), optionalNumber(f, root, "kurtosis"));
  }

  private static OptionalDouble optionalNumber(JsonFields f, JsonNode root, String name) {
    JsonNode n = f.optional(root, name);
    return n == null ? OptionalDouble.empty() : OptionalDouble.of(f.number(n, name));
  }

  static List<ActivationRecord> records(JsonFields f, JsonNode node, String path) {
    return f.list(node, path, (n, p) -> record(f, n, p));
  }

  static ActivationRecord record(JsonFields f, JsonNode node, String path) {
    if (!node.isObject()) throw f.error(path, "must be an ActivationRecord object, found " + JsonFields.describe(node));
    f.expectDataclass(node, path, "ActivationRecord");
    List<String> tokens = f.list(f.required(node, path, "tokens"), path + ".tokens", f::text);
    List<Double> acts = f.list(f.required(node, path, "activations"), path + ".activations", f::number);
    if (tokens.size() != acts.size()) {
      throw f.error(path, "has " + tokens.size() + " tokens but " + acts.size() + " activations; each token needs exactly one activation");
    }
    double[] a = new double[acts.size()];
    for (int i = 0; i < a.length; i++) a[i] = acts.get(i);
    return new ActivationRecord(tokens, a);
  }
}
