package dev.neuronscribe.activations;

import dev.neuronscribe.files.ParseErrors;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.neuronscribe.files.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Reading JSON trees field by field, with errors that say which file and which field is wrong. Shared by
 * the readers of every JSON input format (records, puzzles, prompt packs).
 */
public final class JsonFields {
  // NaN and Infinity are accepted by the parser only so that we can reject them with a message that
  // names the field (Python's json module writes them; a parse error would just say "unexpected token").
  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .build();

  private final String source;
  private final String hint;

  public JsonFields(String source) {
    this(source, "");
  }

  /** {@code hint} ends every field error, e.g. where to find a valid example of the file. */
  public JsonFields(String source, String hint) {
    this.source = source;
    this.hint = hint;
  }

  static JsonNode readTree(Path file) {
    String source = file.toString();
    try {
      return parse(source, Files.readString(file));
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(source, "not found");
    } catch (IOException e) {
      throw new InvalidInputException(source, "cannot be read: " + e.getMessage(), e);
    }
  }

  static JsonNode parse(String source, String json) {
    try (JsonParser parser = MAPPER.createParser(json)) {
      JsonNode node = MAPPER.readTree(parser);
      if (node == null) throw new InvalidInputException(source, "is empty; expected a JSON document");
      if (parser.nextToken() != null) {
        throw new InvalidInputException(source, "has more after the JSON document ends (line " + parser.currentLocation().getLineNr() + ")");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new InvalidInputException(source, "is not valid JSON: " + ParseErrors.describe(e), e);
    } catch (IOException e) {
      throw new InvalidInputException(source, "cannot be read: " + e.getMessage(), e);
    }
  }

  public InvalidInputException error(String path, String problem) {
    return new InvalidInputException(source, "field '" + path + "' " + problem + hint);
  }

  /** The field; absent or JSON null is an error saying it is missing. */
  public JsonNode required(JsonNode object, String path, String name) {
    String full = join(path, name);
    if (!object.isObject()) throw error(path.isEmpty() ? "(top level)" : path, "must be a JSON object");
    JsonNode v = object.get(name);
    if (v == null || v.isNull()) throw error(full, "is missing");
    return v;
  }

  public JsonNode object(JsonNode node, String path) {
    if (!node.isObject()) throw error(path, "must be a JSON object, found " + describe(node));
    return node;
  }

  /** The field, or null when it is absent or JSON null (both mean "not recorded" in OpenAI's files). */
  public JsonNode optional(JsonNode object, String name) {
    JsonNode v = object.get(name);
    return v == null || v.isNull() ? null : v;
  }

  public JsonNode array(JsonNode node, String path) {
    if (!node.isArray()) throw error(path, "must be a list, found " + describe(node));
    return node;
  }

  public double number(JsonNode node, String path) {
    if (!node.isNumber()) throw error(path, "must be a number, found " + describe(node));
    double v = node.doubleValue();
    if (!Double.isFinite(v)) throw error(path, "is " + v + "; only finite numbers are allowed");
    return v;
  }

  public int integer(JsonNode node, String path) {
    if (!node.isIntegralNumber() || !node.canConvertToInt()) throw error(path, "must be a whole number, found " + describe(node));
    return node.intValue();
  }

  public String text(JsonNode node, String path) {
    if (!node.isTextual()) throw error(path, "must be a string, found " + describe(node));
    return node.textValue();
  }

  public <T> List<T> list(JsonNode node, String path, BiFunction<JsonNode, String, T> element) {
    array(node, path);
    List<T> out = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) out.add(element.apply(node.get(i), path + "[" + i + "]"));
    return out;
  }

  void expectDataclass(JsonNode object, String path, String expected) {
    JsonNode name = object.get("dataclass_name");
    if (name != null && !(name.isTextual() && name.textValue().equals(expected))) {
      throw error(join(path, "dataclass_name"), "is " + name + " but this place holds a " + expected);
    }
  }

  static String join(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  public static String describe(JsonNode node) {
    if (node.isNull()) return "null";
    if (node.isTextual()) return "a string";
    if (node.isNumber()) return "the number " + node.asText();
    if (node.isBoolean()) return node.asText();
    if (node.isArray()) return "a list";
    if (node.isObject()) return "an object";
    return node.getNodeType().toString().toLowerCase();
  }
}
