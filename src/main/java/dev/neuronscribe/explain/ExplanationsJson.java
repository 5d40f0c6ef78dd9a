package dev.neuronscribe.explain;

import dev.neuronscribe.files.ParseErrors;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.files.AtomicFiles;
import dev.neuronscribe.files.InvalidInputException;
import dev.neuronscribe.prompts.PromptFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The explanations file: JSON lines, one per sample, e.g.
 * <pre>{"layer_index":1,"neuron_index":1,"format":"summary","sample":0,"explainer":"openai:gpt-4o-mini",
 *  "explanation":"...","prompt_tokens":956,"completion_tokens":11}</pre>
 * A puzzle's line has {@code "puzzle": NAME} instead of the two indices; a failed sample has
 * {@code "error"} instead of {@code "explanation"}.
 */
public final class ExplanationsJson {
  private static final ObjectMapper MAPPER = JsonMapper.builder().build();

  private ExplanationsJson() {}

  public static String toJsonLine(Explanation e) {
    ObjectNode o = MAPPER.createObjectNode();
    switch (e.target()) {
      case Target.Neuron n -> o.put("layer_index", n.id().layer()).put("neuron_index", n.id().neuron());
      case Target.Puzzle p -> o.put("puzzle", p.name());
    }
    o.put("format", e.format().id());
    o.put("sample", e.sample());
    o.put("explainer", e.explainer());
    e.text().ifPresent(t -> o.put("explanation", t));
    e.error().ifPresent(t -> o.put("error", t));
    o.put("prompt_tokens", e.promptTokens());
    o.put("completion_tokens", e.completionTokens());
    return o.toString();
  }

  public static Explanation parseLine(String line, String source) {
    JsonNode o;
    try {
      o = MAPPER.readTree(line);
    } catch (IOException ex) {
      throw new InvalidInputException(source, "is not valid JSON: " + ParseErrors.describe(ex));
    }
    if (o == null || !o.isObject()) throw new InvalidInputException(source, "must be a JSON object");
    Target target;
    if (o.hasNonNull("puzzle")) target = new Target.Puzzle(o.get("puzzle").asText());
    else if (o.has("layer_index") && o.has("neuron_index")) target = new Target.Neuron(new NeuronId(o.get("layer_index").asInt(), o.get("neuron_index").asInt()));
    else throw new InvalidInputException(source, "needs 'layer_index' and 'neuron_index', or 'puzzle'");
    if (!o.hasNonNull("format")) throw new InvalidInputException(source, "field 'format' is missing");
    PromptFormat format;
    try {
      format = PromptFormat.parse(o.get("format").asText());
    } catch (IllegalArgumentException ex) {
      throw new InvalidInputException(source, "field 'format': " + ex.getMessage());
    }
    Optional<String> text = o.hasNonNull("explanation") ? Optional.of(o.get("explanation").asText()) : Optional.empty();
    Optional<String> error = o.hasNonNull("error") ? Optional.of(o.get("error").asText()) : Optional.empty();
    if (text.isPresent() == error.isPresent()) throw new InvalidInputException(source, "needs exactly one of 'explanation' and 'error'");
    return new Explanation(target, format, o.path("sample").asInt(0), o.path("explainer").asText(""), text, error,
        o.path("prompt_tokens").asLong(0), o.path("completion_tokens").asLong(0));
  }

  /** All lines of a file; an absent file is an empty list (nothing done yet). */
  public static List<Explanation> read(Path file) {
    if (!Files.exists(file)) return List.of();
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException ex) {
      throw new InvalidInputException(file.toString(), "cannot be read: " + ex.getMessage(), ex);
    }
    List<Explanation> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).isBlank()) out.add(parseLine(lines.get(i), file + " line " + (i + 1)));
    }
    return out;
  }

  public static void write(Path file, List<Explanation> explanations) {
    AtomicFiles.write(file, out -> {
      for (Explanation e : explanations) out.write((toJsonLine(e) + "\n").getBytes(StandardCharsets.UTF_8));
    });
  }
}
