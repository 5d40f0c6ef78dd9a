package dev.neuronscribe.activations;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.neuronscribe.files.InvalidInputException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The neuron puzzles file format of OpenAI's neuron-explainer: an object keyed by puzzle name, each
 * with {@code name}, {@code explanation}, {@code false_explanations} and {@code sentences}, where a
 * sentence is a list of tokens and a token is either a bare string (activation 0) or
 * {@code [token, activation]}.
 */
public final class PuzzleJson {
  private PuzzleJson() {}

  /** Reads a puzzles file, keeping the file's order. */
  public static List<Puzzle> read(Path file) {
    return fromTree(JsonFields.readTree(file), file.toString());
  }

  public static List<Puzzle> parse(String json, String source) {
    return fromTree(JsonFields.parse(source, json), source);
  }

  /** Finds a puzzle by name, or says which names there are. */
  public static Puzzle find(List<Puzzle> puzzles, String name, String source) {
    return puzzles.stream()
        .filter(p -> p.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new InvalidInputException(source, "has no puzzle named '" + name + "'; it has: "
            + String.join(", ", puzzles.stream().map(Puzzle::name).toList())));
  }

  static List<Puzzle> fromTree(JsonNode root, String source) {
    JsonFields f = new JsonFields(source);
    if (!root.isObject()) {
      throw new InvalidInputException(source, "must hold a JSON object of puzzles keyed by name, found " + JsonFields.describe(root));
    }
    if (root.isEmpty()) throw new InvalidInputException(source, "holds no puzzles");
    List<Puzzle> out = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      String path = e.getKey();
      JsonNode p = e.getValue();
      if (!p.isObject()) throw f.error(path, "must be a puzzle object, found " + JsonFields.describe(p));
      JsonNode nameNode = f.optional(p, "name");
      String name = nameNode == null ? e.getKey() : f.text(nameNode, path + ".name");
      if (!name.equals(e.getKey())) throw f.error(path + ".name", "is '" + name + "' but the puzzle is filed under '" + e.getKey() + "'");
      String explanation = f.text(f.required(p, path, "explanation"), path + ".explanation");
      JsonNode falseNode = f.optional(p, "false_explanations");
      List<String> falseExplanations = falseNode == null ? List.of() : f.list(falseNode, path + ".false_explanations", f::text);
      List<ActivationRecord> sentences = f.list(f.required(p, path, "sentences"), path + ".sentences", (s, sp) -> sentence(f, s, sp));
      if (sentences.isEmpty()) throw f.error(path + ".sentences", "is empty; a puzzle needs at least one sentence");
      out.add(new Puzzle(name, explanation, sentences, falseExplanations));
    }
    return List.copyOf(out);
  }

  private static ActivationRecord sentence(JsonFields f, JsonNode node, String path) {
    f.array(node, path);
    List<String> tokens = new ArrayList<>();
    double[] acts = new double[node.size()];
    for (int i = 0; i < node.size(); i++) {
      JsonNode t = node.get(i);
      String tp = path + "[" + i + "]";
      if (t.isTextual()) {
        tokens.add(t.textValue());
      } else if (t.isArray() && t.size() == 2) {
        tokens.add(f.text(t.get(0), tp + "[0]"));
        acts[i] = f.number(t.get(1), tp + "[1]");
      } else {
        throw f.error(tp, "must be a token string or a [token, activation] pair, found " + JsonFields.describe(t));
      }
    }
    return new ActivationRecord(tokens, acts);
  }

  /** Writes puzzles in the same format (a token with activation 0 is written as a bare string). */
  public static String toJson(List<Puzzle> puzzles) {
    Map<String, Puzzle> byName = new LinkedHashMap<>();
    for (Puzzle p : puzzles) {
      if (byName.put(p.name(), p) != null) throw new IllegalArgumentException("two puzzles are named '" + p.name() + "'");
    }
    StringWriter out = new StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      for (Puzzle p : byName.values()) {
        g.writeObjectFieldStart(p.name());
        g.writeStringField("name", p.name());
        g.writeStringField("explanation", p.explanation());
        g.writeArrayFieldStart("sentences");
        for (ActivationRecord s : p.sentences()) {
          g.writeStartArray();
          for (int i = 0; i < s.size(); i++) {
            if (s.activation(i) == 0) {
              g.writeString(s.token(i));
            } else {
              g.writeStartArray();
              g.writeString(s.token(i));
              double a = s.activation(i);
              if (a == Math.rint(a) && Math.abs(a) < 1e15) g.writeNumber((long) a);
              else g.writeNumber(a);
              g.writeEndArray();
            }
          }
          g.writeEndArray();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("false_explanations");
        for (String fe : p.falseExplanations()) g.writeString(fe);
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
