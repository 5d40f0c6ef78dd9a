package dev.neuronscribe.simulate;

import dev.neuronscribe.files.ParseErrors;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.explain.Target;
import dev.neuronscribe.files.AtomicFiles;
import dev.neuronscribe.files.InvalidInputException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI's explanation files: JSON lines of {@code NeuronSimulationResults}, every object tagged with its
 * {@code dataclass_name}. Undefined scores are written as a bare {@code NaN}, as Python's json module
 * writes them (and reads them back); {@code null} and {@code "NaN"} are read as undefined too.
 * OpenAI's format has no puzzles: a puzzle's line carries {@code "puzzle": NAME} where a neuron's
 * carries {@code neuron_id}.
 */
public final class NeuronSimulationResultsJson {
  private static final JsonFactory FACTORY = JsonFactory.builder().disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS).build();
  private static final ObjectMapper MAPPER = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  private NeuronSimulationResultsJson() {}

  public static List<NeuronSimulationResults> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(file.toString(), "not found");
    } catch (IOException e) {
      throw new InvalidInputException(file.toString(), "cannot be read: " + e.getMessage(), e);
    }
    List<NeuronSimulationResults> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) continue;
      out.add(parseLine(lines.get(i), file + " line " + (i + 1)));
    }
    return out;
  }

  /** Writes all results atomically, one line each. */
  public static void write(Path file, List<NeuronSimulationResults> results) {
    AtomicFiles.write(file, out -> {
      for (NeuronSimulationResults r : results) out.write((toJsonLine(r) + "\n").getBytes(StandardCharsets.UTF_8));
    });
  }

  public static String toJsonLine(NeuronSimulationResults r) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("dataclass_name", "NeuronSimulationResults");
      switch (r.target()) {
        case Target.Neuron n -> {
          g.writeObjectFieldStart("neuron_id");
          g.writeStringField("dataclass_name", "NeuronId");
          g.writeNumberField("layer_index", n.id().layer());
          g.writeNumberField("neuron_index", n.id().neuron());
          g.writeEndObject();
        }
        case Target.Puzzle p -> g.writeStringField("puzzle", p.name());
      }
      g.writeArrayFieldStart("scored_explanations");
      for (ScoredExplanation e : r.scoredExplanations()) {
        g.writeStartObject();
        g.writeStringField("dataclass_name", "ScoredExplanation");
        g.writeStringField("explanation", e.explanation());
        ScoredSimulation s = e.scoredSimulation();
        g.writeObjectFieldStart("scored_simulation");
        g.writeStringField("dataclass_name", "ScoredSimulation");
        g.writeArrayFieldStart("scored_sequence_simulations");
        for (ScoredSequenceSimulation q : s.scoredSequenceSimulations()) {
          g.writeStartObject();
          g.writeStringField("dataclass_name", "ScoredSequenceSimulation");
          g.writeObjectFieldStart("simulation");
          SequenceSimulation sim = q.simulation();
          g.writeStringField("dataclass_name", "SequenceSimulation");
          g.writeArrayFieldStart("tokens");
          for (String t : sim.tokens()) g.writeString(t);
          g.writeEndArray();
          numbers(g, "expected_activations", sim.expectedActivations());
          g.writeStringField("activation_scale", SequenceSimulation.SIMULATED_SCALE);
          g.writeArrayFieldStart("distribution_values");
          for (double[] v : sim.distributionValues()) numbers(g, null, v);
          g.writeEndArray();
          g.writeArrayFieldStart("distribution_probabilities");
          for (double[] v : sim.distributionProbabilities()) numbers(g, null, v);
          g.writeEndArray();
          g.writeEndObject();
          numbers(g, "true_activations", q.trueActivations());
          g.writeNumberField("ev_correlation_score", q.evCorrelationScore());
          g.writeNumberField("rsquared_score", q.rsquaredScore());
          g.writeNumberField("absolute_dev_explained_score", q.absoluteDevExplainedScore());
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeNumberField("ev_correlation_score", s.evCorrelationScore());
        g.writeNumberField("rsquared_score", s.rsquaredScore());
        g.writeNumberField("absolute_dev_explained_score", s.absoluteDevExplainedScore());
        g.writeEndObject();
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void numbers(JsonGenerator g, String field, double[] values) throws IOException {
    if (field != null) g.writeFieldName(field);
    g.writeStartArray();
    for (double v : values) g.writeNumber(v);
    g.writeEndArray();
  }

  /** A line's target and whether it scored any explanation (a line with none withdraws a run's simulation). */
  record Head(Target target, boolean scored) {
    static Head of(NeuronSimulationResults r) {
      return new Head(r.target(), !r.scoredExplanations().isEmpty());
    }
  }

  /**
   * Reads a line only as far as its target and first scored explanation (ours write {@code neuron_id} first),
   * without building its simulations: what a run directory needs to know of each line when it reopens.
   */
  static Head head(String line, String source) {
    try (JsonParser p = MAPPER.getFactory().createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw new InvalidInputException(source, "must be a NeuronSimulationResults object");
      Target target = null;
      Boolean scored = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        if (field.equals("neuron_id") && v == JsonToken.START_OBJECT) {
          Integer layer = null, neuron = null;
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken x = p.nextToken();
            if (f.equals("layer_index") && x == JsonToken.VALUE_NUMBER_INT) layer = p.getIntValue();
            else if (f.equals("neuron_index") && x == JsonToken.VALUE_NUMBER_INT) neuron = p.getIntValue();
            else p.skipChildren();
          }
          if (layer == null || neuron == null) throw new InvalidInputException(source, "field 'neuron_id' lacks 'layer_index' or 'neuron_index'");
          target = new Target.Neuron(new NeuronId(layer, neuron));
        } else if (field.equals("puzzle") && v == JsonToken.VALUE_STRING) {
          target = new Target.Puzzle(p.getText());
        } else if (field.equals("scored_explanations") && v == JsonToken.START_ARRAY) {
          scored = false;
          JsonToken x;
          while ((x = p.nextToken()) != JsonToken.END_ARRAY) {
            if (x == null) throw new InvalidInputException(source, "ends inside 'scored_explanations'");
            if (x != JsonToken.VALUE_NULL) scored = true; // OpenAI's files may hold null for an unscored explanation
            if (scored && target != null) return new Head(target, true);
            p.skipChildren();
          }
        } else {
          p.skipChildren();
        }
        if (target != null && scored != null) return new Head(target, scored);
      }
      if (target == null) throw new InvalidInputException(source, "field 'neuron_id' is missing");
      throw new InvalidInputException(source, "field 'scored_explanations' is missing");
    } catch (IOException e) {
      throw new InvalidInputException(source, "is not valid JSON: " + ParseErrors.describe(e));
    }
  }

  public static NeuronSimulationResults parseLine(String line, String source) {
    JsonNode root;
    try {
      root = MAPPER.readTree(line);
    } catch (IOException e) {
      throw new InvalidInputException(source, "is not valid JSON: " + ParseErrors.describe(e));
    }
    if (root == null || !root.isObject()) throw new InvalidInputException(source, "must be a NeuronSimulationResults object");
    Target target;
    if (root.hasNonNull("neuron_id")) {
      JsonNode id = root.get("neuron_id");
      target = new Target.Neuron(new NeuronId(integer(id, "layer_index", source, "neuron_id"), integer(id, "neuron_index", source, "neuron_id")));
    } else if (root.hasNonNull("puzzle")) {
      target = new Target.Puzzle(root.get("puzzle").asText());
    } else {
      throw new InvalidInputException(source, "field 'neuron_id' is missing");
    }
    List<ScoredExplanation> explanations = new ArrayList<>();
    JsonNode list = array(root, "scored_explanations", source, "");
    for (int i = 0; i < list.size(); i++) {
      JsonNode e = list.get(i);
      String path = "scored_explanations[" + i + "]";
      if (e.isNull()) continue; // OpenAI's files may hold null for an explanation that was never scored
      JsonNode expl = e.get("explanation");
      if (expl == null || !expl.isTextual()) throw new InvalidInputException(source, "field '" + path + ".explanation' is missing or not a string");
      JsonNode ss = e.get("scored_simulation");
      if (ss == null || !ss.isObject()) throw new InvalidInputException(source, "field '" + path + ".scored_simulation' is missing");
      List<ScoredSequenceSimulation> seqs = new ArrayList<>();
      JsonNode seqList = array(ss, "scored_sequence_simulations", source, path + ".scored_simulation");
      for (int j = 0; j < seqList.size(); j++) {
        JsonNode q = seqList.get(j);
        String qp = path + ".scored_simulation.scored_sequence_simulations[" + j + "]";
        JsonNode sim = q.get("simulation");
        if (sim == null || !sim.isObject()) throw new InvalidInputException(source, "field '" + qp + ".simulation' is missing");
        List<String> tokens = new ArrayList<>();
        for (JsonNode t : array(sim, "tokens", source, qp + ".simulation")) tokens.add(t.asText());
        double[] expected = doubles(array(sim, "expected_activations", source, qp + ".simulation"), source, qp + ".simulation.expected_activations");
        List<double[]> values = new ArrayList<>();
        List<double[]> probs = new ArrayList<>();
        JsonNode dv = sim.get("distribution_values");
        JsonNode dp = sim.get("distribution_probabilities");
        for (int t = 0; t < tokens.size(); t++) {
          values.add(dv != null && dv.isArray() && dv.size() > t ? doubles(dv.get(t), source, qp + ".simulation.distribution_values") : new double[0]);
          probs.add(dp != null && dp.isArray() && dp.size() > t ? doubles(dp.get(t), source, qp + ".simulation.distribution_probabilities") : new double[0]);
        }
        SequenceSimulation simulation;
        try {
          simulation = new SequenceSimulation(tokens, expected, values, probs);
        } catch (IllegalArgumentException ex) {
          throw new InvalidInputException(source, "field '" + qp + ".simulation' " + ex.getMessage());
        }
        double[] truth = doubles(array(q, "true_activations", source, qp), source, qp + ".true_activations");
        if (truth.length != tokens.size()) throw new InvalidInputException(source, "field '" + qp + ".true_activations' has " + truth.length + " values for " + tokens.size() + " tokens");
        seqs.add(new ScoredSequenceSimulation(simulation, truth, score(q, "ev_correlation_score"), score(q, "rsquared_score"), score(q, "absolute_dev_explained_score")));
      }
      explanations.add(new ScoredExplanation(expl.textValue(),
          new ScoredSimulation(seqs, score(ss, "ev_correlation_score"), score(ss, "rsquared_score"), score(ss, "absolute_dev_explained_score"))));
    }
    return new NeuronSimulationResults(target, explanations);
  }

  private static int integer(JsonNode node, String field, String source, String path) {
    JsonNode v = node.get(field);
    if (v == null || !v.canConvertToInt()) throw new InvalidInputException(source, "field '" + path + "." + field + "' is missing or not an integer");
    return v.intValue();
  }

  private static JsonNode array(JsonNode node, String field, String source, String path) {
    JsonNode v = node.get(field);
    if (v == null || !v.isArray()) throw new InvalidInputException(source, "field '" + (path.isEmpty() ? "" : path + ".") + field + "' is missing or not a list");
    return v;
  }

  private static double[] doubles(JsonNode list, String source, String path) {
    if (!list.isArray()) throw new InvalidInputException(source, "field '" + path + "' must be a list of numbers");
    double[] out = new double[list.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = list.get(i);
      if (!v.isNumber()) throw new InvalidInputException(source, "field '" + path + "[" + i + "]' is not a number");
      out[i] = v.doubleValue();
    }
    return out;
  }

  /** A score; absent, null or "NaN" all mean undefined. */
  private static double score(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) return Double.NaN;
    if (v.isNumber()) return v.doubleValue();
    if (v.isTextual()) {
      try {
        return Double.parseDouble(v.textValue());
      } catch (NumberFormatException e) {
        return Double.NaN;
      }
    }
    return Double.NaN;
  }
}
