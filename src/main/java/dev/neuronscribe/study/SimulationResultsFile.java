package dev.neuronscribe.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuronscribe.activations.InvalidDataException;
import dev.neuronscribe.activations.NeuronId;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Reads the few fields the viewer shows from OpenAI's {@code NeuronSimulationResults} JSON lines:
 * {@code neuron_id}, and per scored explanation its text and {@code ev_correlation_score}.
 *
 * <p>Stand-in until simulate/ (branch llm) provides the full reader of this format; then this class
 * should go and the viewer should use that one.
 */
final class SimulationResultsFile {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SimulationResultsFile() {}

  /** One scored explanation; the score is empty when undefined (NaN or null: a constant simulation). */
  record Scored(NeuronId neuron, String explanation, OptionalDouble evCorrelationScore) {}

  static List<Scored> read(Path file) {
    String source = file.toString();
    List<Scored> out = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file)) {
      int lineNo = 0;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lineNo++;
        if (line.isBlank()) continue;
        String where = "line " + lineNo;
        JsonNode root;
        try {
          root = JSON.readTree(line);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          throw new InvalidDataException(source, where + " is not JSON: " + e.getOriginalMessage());
        }
        JsonNode id = root.path("neuron_id");
        if (!id.path("layer_index").canConvertToInt() || !id.path("neuron_index").canConvertToInt()) {
          throw new InvalidDataException(source, where + ": field 'neuron_id' needs integer 'layer_index' and 'neuron_index' (a NeuronSimulationResults line)");
        }
        NeuronId neuron = new NeuronId(id.get("layer_index").intValue(), id.get("neuron_index").intValue());
        JsonNode explanations = root.path("scored_explanations");
        if (!explanations.isArray()) throw new InvalidDataException(source, where + ": field 'scored_explanations' must be a list");
        for (int i = 0; i < explanations.size(); i++) {
          JsonNode e = explanations.get(i);
          if (!e.path("explanation").isTextual()) {
            throw new InvalidDataException(source, where + ": scored_explanations[" + i + "].explanation must be a string");
          }
          JsonNode score = e.path("scored_simulation").path("ev_correlation_score");
          OptionalDouble value = score.isNumber() && Double.isFinite(score.doubleValue()) ? OptionalDouble.of(score.doubleValue()) : OptionalDouble.empty();
          out.add(new Scored(neuron, e.get("explanation").textValue(), value));
        }
      }
    } catch (IOException e) {
      throw new InvalidDataException(source, "cannot be read: " + e.getMessage(), e);
    }
    return out;
  }
}
