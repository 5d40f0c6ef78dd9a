package dev.neuronscribe.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuronscribe.files.CsvWriter;
import dev.neuronscribe.files.InvalidInputException;
import dev.neuronscribe.llm.EmbeddingModel;
import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.files.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A list of neurons with, optionally, an explanation and its score each: the input of the subset
 * selectors, the references of the similarity evaluation, and what {@code scribe subset} writes.
 *
 * <p>On disk either CSV with a header naming {@code layer}, {@code neuron} and optionally {@code score}
 * and {@code explanation} (the paper's {@code neurons_to_evaluate.csv}; other columns are ignored), or
 * JSON lines {@code {"layer": 0, "neuron": 286, "score": 0.66, "explanation": "..."}}, chosen by the
 * file's extension ({@code .jsonl} / {@code .ndjson}, otherwise CSV).
 */
public record NeuronIndex(String source, List<Entry> entries) {

  /** One neuron. An empty score cell is an unknown score, not zero. */
  public record Entry(NeuronId id, OptionalDouble score, Optional<String> explanation) {}

  public NeuronIndex {
    entries = List.copyOf(entries);
  }

  public static NeuronIndex read(Path file) {
    return isJsonLines(file) ? readJsonLines(file) : readCsv(file);
  }

  static boolean isJsonLines(Path file) {
    String name = Csv.lower(file.getFileName().toString());
    return name.endsWith(".jsonl") || name.endsWith(".ndjson");
  }

  private static NeuronIndex readCsv(Path file) {
    Csv csv = Csv.read(file);
    int layer = csv.requireColumn("layer", "layer", "layer_index");
    int neuron = csv.requireColumn("neuron", "neuron", "neuron_index");
    int score = csv.column("score", "ev_correlation_score");
    int explanation = csv.column("explanation", "description");
    List<Entry> entries = new ArrayList<>();
    Map<NeuronId, Integer> seen = new HashMap<>();
    for (Csv.Line line : csv.lines()) {
      NeuronId id = id(csv.source(), line.number(), csv.integer(line, layer, "layer"), csv.integer(line, neuron, "neuron"));
      Integer before = seen.put(id, line.number());
      if (before != null) throw new InvalidInputException(csv.source(), "neuron " + id + " appears twice (lines " + before + " and " + line.number() + ")");
      double s = score < 0 ? Double.NaN : csv.number(line, score, "score");
      String e = explanation < 0 ? "" : line.cell(explanation);
      entries.add(new Entry(id, Double.isNaN(s) ? OptionalDouble.empty() : OptionalDouble.of(s), EmbeddingModel.blank(e) ? Optional.empty() : Optional.of(e)));
    }
    return new NeuronIndex(csv.source(), entries);
  }

  private static NeuronId id(String source, int line, int layer, int neuron) {
    if (layer < 0 || neuron < 0) throw new InvalidInputException(source, "line " + line + ": layer and neuron must be >= 0, got " + layer + ":" + neuron);
    return new NeuronId(layer, neuron);
  }

  private static NeuronIndex readJsonLines(Path file) {
    String source = file.toString();
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(source, "not found");
    } catch (IOException e) {
      throw new InvalidInputException(source, "cannot be read: " + e.getMessage(), e);
    }
    ObjectMapper json = new ObjectMapper();
    List<Entry> entries = new ArrayList<>();
    Map<NeuronId, Integer> seen = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String text = lines.get(i).trim();
      if (text.isEmpty()) continue;
      int lineNo = i + 1;
      JsonNode node;
      try {
        node = json.readTree(text);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new InvalidInputException(source, "line " + lineNo + " is not JSON: " + e.getOriginalMessage());
      }
      if (!node.isObject()) throw new InvalidInputException(source, "line " + lineNo + " must be a JSON object with layer and neuron");
      NeuronId id = id(source, lineNo, intField(source, lineNo, node, "layer"), intField(source, lineNo, node, "neuron"));
      Integer before = seen.put(id, lineNo);
      if (before != null) throw new InvalidInputException(source, "neuron " + id + " appears twice (lines " + before + " and " + lineNo + ")");
      JsonNode s = node.get("score");
      if (s != null && !s.isNull() && !s.isNumber()) throw new InvalidInputException(source, "line " + lineNo + ": field 'score' must be a number or null");
      JsonNode e = node.get("explanation");
      if (e != null && !e.isNull() && !e.isTextual()) throw new InvalidInputException(source, "line " + lineNo + ": field 'explanation' must be a string or null");
      entries.add(new Entry(id,
          s == null || s.isNull() ? OptionalDouble.empty() : OptionalDouble.of(s.doubleValue()),
          e == null || e.isNull() || EmbeddingModel.blank(e.textValue()) ? Optional.empty() : Optional.of(e.textValue())));
    }
    return new NeuronIndex(source, entries);
  }

  private static int intField(String source, int line, JsonNode node, String name) {
    JsonNode v = node.get(name);
    if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
      throw new InvalidInputException(source, "line " + line + ": field '" + name + "' must be a whole number");
    }
    return v.intValue();
  }

  public List<NeuronId> ids() {
    return entries.stream().map(Entry::id).toList();
  }

  /** Writes the index as CSV or JSON lines (by the file's extension), atomically. */
  public void write(Path file) {
    StringBuilder out = new StringBuilder();
    if (isJsonLines(file)) {
      ObjectMapper json = new ObjectMapper();
      for (Entry e : entries) {
        ObjectNode o = json.createObjectNode();
        o.put("layer", e.id().layer());
        o.put("neuron", e.id().neuron());
        if (e.score().isPresent()) o.put("score", e.score().getAsDouble());
        else o.putNull("score");
        if (e.explanation().isPresent()) o.put("explanation", e.explanation().get());
        else o.putNull("explanation");
        out.append(o).append('\n');
      }
    } else {
      CsvWriter csv = CsvWriter.withHeader("layer", "neuron", "score", "explanation");
      for (Entry e : entries) {
        csv.row(Integer.toString(e.id().layer()), Integer.toString(e.id().neuron()),
            e.score().isPresent() ? Double.toString(e.score().getAsDouble()) : "", e.explanation().orElse(""));
      }
      out.append(csv.text());
    }
    AtomicFiles.writeString(file, out.toString());
  }
}
