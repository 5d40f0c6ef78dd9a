package dev.neuronscribe.subject;

import com.fasterxml.jackson.databind.JsonNode;
import dev.neuronscribe.files.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A Hugging Face directory's chat conventions: {@code tokenizer_config.json} ({@code chat_template} as one string
 * or a list of named templates, {@code bos_token} / {@code eos_token} as strings or {@code {"content": ...}}
 * objects, {@code add_bos_token}), the {@code chat_template.jinja} newer transformers save beside it, and
 * {@code generation_config.json}'s {@code eos_token_id} (one id or a list; config.json's when it is absent).
 */
final class ChatFiles {
  private ChatFiles() {}

  static LanguageModel.Chat read(Path dir, HfTokenizer tokenizer) {
    Path configFile = dir.resolve("tokenizer_config.json");
    JsonNode config = Files.exists(configFile) ? Models.readConfig(configFile) : null;
    Map<String, String> templates = new LinkedHashMap<>();
    if (config != null) {
      JsonNode t = config.get("chat_template");
      if (t != null && t.isTextual()) {
        templates.put("default", t.textValue());
      } else if (t != null && t.isArray()) {
        for (JsonNode named : t) {
          if (!named.path("name").isTextual() || !named.path("template").isTextual()) {
            throw new InvalidInputException(configFile.toString(), "field 'chat_template' is a list whose entries must be {\"name\": ..., \"template\": ...} objects");
          }
          templates.put(named.get("name").textValue(), named.get("template").textValue());
        }
      } else if (t != null && !t.isNull()) {
        throw new InvalidInputException(configFile.toString(), "field 'chat_template' must be a string or a list of named templates, found " + t.getNodeType());
      }
    }
    Path jinja = dir.resolve("chat_template.jinja");
    if (Files.exists(jinja)) {
      try {
        templates.put("default", Files.readString(jinja));
      } catch (IOException e) {
        throw new InvalidInputException(jinja.toString(), "cannot be read: " + e.getMessage(), e);
      }
    }
    Optional<String> template = Optional.ofNullable(templates.containsKey("default") ? templates.get("default")
        : templates.isEmpty() ? null : templates.values().iterator().next());
    Optional<String> bos = config == null ? Optional.empty() : token(config.get("bos_token"), configFile, "bos_token");
    Optional<String> eos = config == null ? Optional.empty() : token(config.get("eos_token"), configFile, "eos_token");
    Set<Integer> endOfTurn = new LinkedHashSet<>();
    eos.flatMap(s -> box(tokenizer.id(s))).ifPresent(endOfTurn::add);
    Path generation = dir.resolve("generation_config.json");
    JsonNode ids = Files.exists(generation) ? Models.readConfig(generation).get("eos_token_id") : Models.readConfig(dir.resolve("config.json")).get("eos_token_id");
    String idSource = (Files.exists(generation) ? generation : dir.resolve("config.json")).toString();
    if (ids != null && ids.isArray()) {
      for (JsonNode id : ids) endOfTurn.add(tokenId(id, idSource));
    } else if (ids != null && !ids.isNull()) {
      endOfTurn.add(tokenId(ids, idSource));
    }
    OptionalInt bosId = bos.isPresent() ? tokenizer.id(bos.get()) : OptionalInt.empty();
    if (bosId.isEmpty()) bosId = tokenizer.bos();
    boolean addBos = config != null && config.has("add_bos_token") && config.get("add_bos_token").isBoolean()
        ? config.get("add_bos_token").booleanValue() : tokenizer.bos().isPresent();
    return new LanguageModel.Chat(template, Map.copyOf(templates), bos, eos, Set.copyOf(endOfTurn), bosId, addBos);
  }

  private static Optional<Integer> box(OptionalInt i) {
    return i.isPresent() ? Optional.of(i.getAsInt()) : Optional.empty();
  }

  private static int tokenId(JsonNode id, String source) {
    if (!id.isIntegralNumber() || !id.canConvertToInt() || id.intValue() < 0) {
      throw new InvalidInputException(source, "field 'eos_token_id' must be a token id or a list of them, found " + id);
    }
    return id.intValue();
  }

  /** A special token as tokenizer_config.json gives it: a string, an AddedToken object ({@code content}), or null. */
  private static Optional<String> token(JsonNode node, Path file, String field) {
    if (node == null || node.isNull()) return Optional.empty();
    if (node.isTextual()) return Optional.of(node.textValue());
    if (node.isObject() && node.path("content").isTextual()) return Optional.of(node.get("content").textValue());
    throw new InvalidInputException(file.toString(), "field '" + field + "' must be a token's text or an object with 'content', found " + node);
  }
}
