package dev.neuronscribe.prompts;

import dev.neuronscribe.files.ParseErrors;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuronscribe.activations.ActivationRecord;
import dev.neuronscribe.activations.JsonFields;
import dev.neuronscribe.files.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reading and writing prompt packs (format: {@code docs/prompt-packs.md}). */
final class PackJson {
  // NaN is parsed only to be rejected with a message naming the field; duplicate keys are a mistake
  // in a hand-edited file (which "summary" did the user mean?), so they are an error.
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String HINT = " (`scribe pack export` prints a complete pack to start from)";

  private final String source;
  private final JsonFields fields;

  private PackJson(String source) {
    this.source = source;
    this.fields = new JsonFields(source, HINT);
  }

  static PromptPack parse(String json, String source) {
    JsonNode root;
    try (JsonParser parser = MAPPER.createParser(json)) {
      root = MAPPER.readTree(parser);
      if (root == null) throw new InvalidInputException(source, "is empty; expected a prompt pack (a JSON object)" + HINT);
      if (parser.nextToken() != null) {
        throw new InvalidInputException(source, "has more after the JSON object ends (line " + parser.currentLocation().getLineNr() + ")");
      }
    } catch (JsonProcessingException e) {
      throw new InvalidInputException(source, "is not valid JSON: " + ParseErrors.describe(e), e);
    } catch (IOException e) {
      throw new InvalidInputException(source, "cannot be read: " + e.getMessage(), e);
    }
    return new PackJson(source).pack(root);
  }

  private PromptPack pack(JsonNode root) {
    if (!root.isObject()) throw new InvalidInputException(source, "must hold a prompt pack (a JSON object), found " + JsonFields.describe(root) + HINT);
    String name = fields.text(fields.required(root, "", "name"), "name");
    check(name, "name", PackRules.name(name));
    String stem = fields.text(fields.required(root, "", "explanation_stem"), "explanation_stem");
    check(stem, "explanation_stem", PackRules.stem(stem));
    String header = fields.text(fields.required(root, "", "zeros_filtered_header"), "zeros_filtered_header");
    double cutoff = fields.number(fields.required(root, "", "few_shot_cutoff"), "few_shot_cutoff");

    JsonNode formats = fields.object(fields.required(root, "", "formats"), "formats");
    for (Iterator<String> it = formats.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!isFormat(key)) {
        throw error("formats." + key, "is not a prompt format; the formats are: " + PromptFormat.validIds());
      }
    }
    Map<PromptFormat, String> systems = new EnumMap<>(PromptFormat.class);
    for (PromptFormat f : PromptFormat.values()) {
      String path = "formats." + f.id();
      JsonNode format = fields.object(fields.required(formats, "formats", f.id()), path);
      systems.put(f, fields.text(fields.required(format, path, "system"), path + ".system"));
    }

    List<FewShotExample> fewShot = fields.list(fields.required(root, "", "few_shot"), "few_shot", this::fewShotExample);
    Optional<SimulatorWording> simulator =
        optional(root, "simulator").map(s -> simulator(fields.object(s, "simulator"), "simulator"));
    Optional<ScorerWording> scorers = optional(root, "scorers").map(s -> scorers(fields.object(s, "scorers"), "scorers"));
    try {
      return new PromptPack(name, stem, header, cutoff, systems, fewShot, simulator, scorers, source, Optional.of((ObjectNode) root));
    } catch (IllegalArgumentException e) {
      // Every rule is checked above with the field's path; this is a safety net, not the usual route.
      throw new InvalidInputException(source, e.getMessage(), e);
    }
  }

  private FewShotExample fewShotExample(JsonNode node, String path) {
    fields.object(node, path);
    String explanation = fields.text(fields.required(node, path, "explanation"), path + ".explanation");
    check(explanation, path + ".explanation", PackRules.explanation(explanation));
    List<ActivationRecord> records = records(node, path);
    return new FewShotExample(explanation, records);
  }

  private SimulatorWording simulator(JsonNode node, String path) {
    String system = fields.text(fields.required(node, path, "system"), path + ".system");
    String stem = fields.text(fields.required(node, path, "explanation_stem"), path + ".explanation_stem");
    check(stem, path + ".explanation_stem", PackRules.stem(stem));
    List<SimulatorExample> examples = fields.list(fields.required(node, path, "few_shot"), path + ".few_shot", this::simulatorExample);
    return new SimulatorWording(system, stem, examples);
  }

  private ScorerWording scorers(JsonNode node, String path) {
    String detection = nonBlank(node, path, "detection");
    String fuzzing = nonBlank(node, path, "fuzzing");
    String intruder = nonBlank(node, path, "intruder");
    String prefix = fields.text(fields.required(node, path, "surprisal_prefix"), path + ".surprisal_prefix");
    check(prefix, path + ".surprisal_prefix", PackRules.surprisalPrefix(prefix));
    return new ScorerWording(detection, fuzzing, intruder, prefix);
  }

  private String nonBlank(JsonNode node, String path, String name) {
    String text = fields.text(fields.required(node, path, name), path + "." + name);
    return check(text, path + "." + name, PackRules.notBlank(text));
  }

  private SimulatorExample simulatorExample(JsonNode node, String path) {
    fields.object(node, path);
    String explanation = fields.text(fields.required(node, path, "explanation"), path + ".explanation");
    check(explanation, path + ".explanation", PackRules.explanation(explanation));
    List<ActivationRecord> records = records(node, path);
    for (int i = 0; i < records.size(); i++) {
      ActivationRecord r = records.get(i);
      for (int t = 0; t < r.size(); t++) {
        check(r, path + ".records[" + i + "].activations[" + t + "]", PackRules.simulatorActivation(r.activation(t)));
      }
    }
    Optional<JsonNode> revealedNode = optional(node, "first_revealed_index");
    if (revealedNode.isEmpty()) return new SimulatorExample(explanation, records);
    String rp = path + ".first_revealed_index";
    List<Integer> revealed = fields.list(revealedNode.get(), rp, fields::integer);
    if (revealed.size() != records.size()) {
      throw error(rp, "has " + revealed.size() + " entries for " + records.size() + " records; give one per record (or leave the field out for 0s)");
    }
    for (int i = 0; i < revealed.size(); i++) check(revealed, rp + "[" + i + "]", PackRules.firstRevealed(revealed.get(i), records.get(i)));
    return new SimulatorExample(explanation, records, revealed);
  }

  private List<ActivationRecord> records(JsonNode example, String path) {
    String rp = path + ".records";
    List<ActivationRecord> records = fields.list(fields.required(example, path, "records"), rp, this::record);
    check(records, rp, PackRules.records(records));
    return records;
  }

  private ActivationRecord record(JsonNode node, String path) {
    fields.object(node, path);
    List<String> tokens = fields.list(fields.required(node, path, "tokens"), path + ".tokens", fields::text);
    List<Double> acts = fields.list(fields.required(node, path, "activations"), path + ".activations", fields::number);
    if (tokens.size() != acts.size()) {
      throw error(path, "has " + tokens.size() + " tokens but " + acts.size() + " activations; give one activation per token");
    }
    double[] a = new double[acts.size()];
    for (int i = 0; i < a.length; i++) a[i] = acts.get(i);
    ActivationRecord record = new ActivationRecord(tokens, a);
    check(record, path + ".tokens", PackRules.record(record));
    return record;
  }

  private static boolean isFormat(String key) {
    for (PromptFormat f : PromptFormat.values()) if (f.id().equals(key)) return true;
    return false;
  }

  // --- field helpers: every error names the file and the field ---

  private InvalidInputException error(String path, String problem) {
    return fields.error(path, problem);
  }

  private <T> T check(T value, String path, Optional<String> problem) {
    if (problem.isPresent()) throw error(path, problem.get());
    return value;
  }

  private static Optional<JsonNode> optional(JsonNode object, String name) {
    JsonNode v = object.get(name);
    return v == null || v.isNull() ? Optional.empty() : Optional.of(v);
  }

  // --- writing ---

  static String write(PromptPack pack) {
    ObjectNode canonical = tree(pack);
    JsonNode out = pack.readFrom().map(read -> merge(read, canonical)).orElse(canonical);
    try {
      return MAPPER.writer(printer()).writeValueAsString(out) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectNode tree(PromptPack pack) {
    ObjectNode root = NODES.objectNode();
    root.put("name", pack.name());
    root.put("explanation_stem", pack.explanationStem());
    root.put("zeros_filtered_header", pack.zerosFilteredHeader());
    root.put("few_shot_cutoff", pack.fewShotCutoff());
    ObjectNode formats = root.putObject("formats");
    for (PromptFormat f : PromptFormat.values()) formats.putObject(f.id()).put("system", pack.system(f));
    ArrayNode fewShot = root.putArray("few_shot");
    for (FewShotExample e : pack.fewShot()) {
      ObjectNode example = fewShot.addObject();
      example.put("explanation", e.explanation());
      example.set("records", records(e.records()));
    }
    pack.simulator().ifPresent(s -> {
      ObjectNode sim = root.putObject("simulator");
      sim.put("system", s.system());
      sim.put("explanation_stem", s.explanationStem());
      ArrayNode examples = sim.putArray("few_shot");
      for (SimulatorExample e : s.fewShot()) {
        ObjectNode example = examples.addObject();
        example.put("explanation", e.explanation());
        example.set("records", records(e.records()));
        ArrayNode revealed = example.putArray("first_revealed_index");
        e.firstRevealedIndex().forEach(revealed::add);
      }
    });
    pack.scorers().ifPresent(s -> {
      ObjectNode sc = root.putObject("scorers");
      sc.put("detection", s.detection());
      sc.put("fuzzing", s.fuzzing());
      sc.put("intruder", s.intruder());
      sc.put("surprisal_prefix", s.surprisalPrefix());
    });
    return root;
  }

  private static ArrayNode records(List<ActivationRecord> records) {
    ArrayNode out = NODES.arrayNode();
    for (ActivationRecord r : records) {
      ObjectNode record = out.addObject();
      ArrayNode tokens = record.putArray("tokens");
      r.tokens().forEach(tokens::add);
      ArrayNode acts = record.putArray("activations");
      for (int i = 0; i < r.size(); i++) acts.add(r.activation(i));
    }
    return out;
  }

  /**
   * Our fields (in our order, with our values), then whatever else the file had at the same place.
   * Lists are merged element by element; ours and the file's have the same length since ours was read
   * from it.
   */
  static JsonNode merge(JsonNode read, JsonNode ours) {
    if (ours.isObject() && read.isObject()) {
      ObjectNode out = NODES.objectNode();
      for (Map.Entry<String, JsonNode> e : ours.properties()) {
        JsonNode theirs = read.get(e.getKey());
        out.set(e.getKey(), theirs == null ? e.getValue() : merge(theirs, e.getValue()));
      }
      for (Map.Entry<String, JsonNode> e : read.properties()) {
        if (!out.has(e.getKey())) out.set(e.getKey(), e.getValue());
      }
      return out;
    }
    if (ours.isArray() && read.isArray() && ours.size() == read.size()) {
      ArrayNode out = NODES.arrayNode();
      for (int i = 0; i < ours.size(); i++) out.add(merge(read.get(i), ours.get(i)));
      return out;
    }
    return ours;
  }

  /** Objects one field a line; lists of numbers or tokens on one line, so that a record reads as a row. */
  private static DefaultPrettyPrinter printer() {
    DefaultPrettyPrinter p = new DefaultPrettyPrinter(Separators.createDefaultInstance()
        .withObjectFieldValueSpacing(Separators.Spacing.AFTER));
    p.indentObjectsWith(new DefaultIndenter("  ", "\n"));
    return p;
  }
}
