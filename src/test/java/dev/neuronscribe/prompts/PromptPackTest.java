package dev.neuronscribe.prompts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuronscribe.activations.ActivationRecord;
import dev.neuronscribe.files.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptPackTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void builtInPackHasEveryPartWithRealisticFewShotExamples() {
    PromptPack pack = PromptPack.builtIn();
    assertThat(pack.name()).isEqualTo("neuronscribe");
    assertThat(pack.source()).isEqualTo("built-in");
    assertThat(pack.explanationStem()).startsWith("\nExplanation of neuron {k} behavior: ").doesNotEndWith(" ");
    assertThat(pack.stem(4)).startsWith("\nExplanation of neuron 4 behavior: ");
    assertThat(pack.fewShotCutoff()).isEqualTo(1.0);
    for (PromptFormat f : PromptFormat.values()) assertThat(pack.system(f)).isNotBlank();

    assertThat(pack.fewShot()).hasSize(3);
    for (FewShotExample ex : pack.fewShot()) {
      List<ActivationRecord> records = ex.records();
      // GPT-2 tokens: most carry their leading space; raw GELU activations: small negatives and a peak above the cutoff.
      long spaced = records.stream().flatMap(r -> r.tokens().stream()).filter(t -> t.startsWith(" ")).count();
      long all = records.stream().mapToLong(ActivationRecord::size).sum();
      assertThat((double) spaced / all).as(ex.explanation()).isGreaterThan(0.6);
      assertThat(records.stream().mapToDouble(ActivationRecord::max).max().orElseThrow()).isGreaterThan(pack.fewShotCutoff());
      double min = records.stream().flatMapToDouble(r -> java.util.Arrays.stream(r.activations())).min().orElseThrow();
      assertThat(min).isNegative().isGreaterThan(-0.2);
    }

    SimulatorWording sim = pack.simulator().orElseThrow();
    assertThat(sim.system()).isNotBlank();
    assertThat(sim.explanationStem()).isEqualTo(pack.explanationStem());
    assertThat(sim.stem(2)).isEqualTo(pack.stem(2));
    assertThat(sim.fewShot()).hasSize(2);
    for (SimulatorExample ex : sim.fewShot()) {
      assertThat(ex.firstRevealedIndex()).hasSameSizeAs(ex.records());
      for (ActivationRecord r : ex.records()) {
        for (int i = 0; i < r.size(); i++) assertThat(r.activation(i)).isBetween(0.0, 10.0);
      }
    }
  }

  @Test
  void builtInWordingIsOurOwnNotThePapers() {
    // The paper's sentences may be loaded from a user's pack but are not shipped (team rule: our own words).
    PromptPack pack = PromptPack.builtIn();
    StringBuilder all = new StringBuilder(pack.explanationStem()).append(pack.zerosFilteredHeader());
    pack.systems().values().forEach(all::append);
    pack.fewShot().forEach(e -> all.append(e.explanation()));
    pack.simulator().ifPresent(s -> all.append(s.system()));
    String text = all.toString().toLowerCase(Locale.ROOT);
    for (String phrase : List.of("we're studying neurons in a neural network", "the main thing this neuron does is find",
        "same activations, but with all zeros filtered out", "look at the parts of the document",
        "don't list examples of words", "present tense verbs ending in", "phrases related to community")) {
      assertThat(text).doesNotContain(phrase);
    }
  }

  @Test
  void exportedJsonReadsBackToTheSamePack() throws Exception {
    PromptPack pack = PromptPack.builtIn();
    String json = pack.toJson();
    PromptPack again = PromptPack.parse(json, "exported");
    assertThat(again).isEqualTo(pack);
    assertThat(again.toJson()).isEqualTo(json);
    JsonNode tree = JSON.readTree(json);
    assertThat(names(tree.fieldNames())).startsWith(
        "name", "explanation_stem", "zeros_filtered_header", "few_shot_cutoff", "formats", "few_shot", "simulator");
    assertThat(names(tree.get("formats").fieldNames()))
        .containsExactly("original", "summary", "highlight", "highlight-summary", "avhs");
  }

  @Test
  void loadedPackKeepsUnknownFieldsOnExport() throws Exception {
    ObjectNode tree = builtInTree();
    tree.put("author", "a user");
    ((ObjectNode) tree.get("formats").get("summary")).put("note", "tried on 50 neurons");
    ((ObjectNode) tree.get("few_shot").get(0)).put("source", "hand-written");
    ((ObjectNode) tree.get("few_shot").get(0).get("records").get(0)).put("dataclass_name", "ActivationRecord");
    Path file = write(tree);

    PromptPack pack = PromptPack.load(file);
    assertThat(pack).isEqualTo(PromptPack.builtIn());
    assertThat(pack.source()).isEqualTo(file.toString());
    JsonNode exported = JSON.readTree(pack.toJson());
    assertThat(exported.get("author").asText()).isEqualTo("a user");
    assertThat(exported.get("formats").get("summary").get("note").asText()).isEqualTo("tried on 50 neurons");
    assertThat(exported.get("few_shot").get(0).get("source").asText()).isEqualTo("hand-written");
    assertThat(exported.get("few_shot").get(0).get("records").get(0).get("dataclass_name").asText()).isEqualTo("ActivationRecord");
  }

  @Test
  void loadedPackWordingReachesThePrompt() throws Exception {
    ObjectNode tree = builtInTree();
    tree.put("explanation_stem", "\nWhat neuron {k} does:");
    ((ObjectNode) tree.get("formats").get("highlight")).put("system", "Bracketed tokens matter.");
    ArrayNode fewShot = tree.putArray("few_shot");
    ObjectNode ex = fewShot.addObject();
    ex.put("explanation", "the letter x");
    ObjectNode rec = ex.putArray("records").addObject();
    rec.putArray("tokens").add(" x").add(" y");
    rec.putArray("activations").add(1.5).add(-0.02);
    PromptPack pack = PromptPack.load(write(tree));

    List<Message> m = ExplanationPrompts.render(PromptFormat.HIGHLIGHT, pack,
        List.of(new ActivationRecord(List.of(" z"), new double[] {3})), 2.0);
    assertThat(m).containsExactly(
        Message.system("Bracketed tokens matter."),
        Message.user("\n\nNeuron 1\nActivations:\n\n Text excerpt - A:\n<start>[ x] y<end> \n\nWhat neuron 1 does:"),
        Message.assistant(" the letter x."),
        Message.user("\n\nNeuron 2\nActivations:\n\n Text excerpt - A:\n<start>[ z]<end> \n\nWhat neuron 2 does:"));
  }

  @Test
  void aPackWithoutFewShotExamplesOrSimulatorIsValid() throws Exception {
    ObjectNode tree = builtInTree();
    tree.putArray("few_shot");
    tree.remove("simulator");
    PromptPack pack = PromptPack.load(write(tree));
    assertThat(pack.fewShot()).isEmpty();
    assertThat(pack.simulator()).isEmpty();
    assertThat(JSON.readTree(pack.toJson()).has("simulator")).isFalse();
    assertThat(ExplanationPrompts.render(PromptFormat.SUMMARY, pack, List.of(new ActivationRecord(List.of(" a"), new double[] {1})), 0))
        .hasSize(2);
  }

  @Test
  void packsShippedInDocsLoadAndRender() throws Exception {
    List<Path> packs;
    try (var files = Files.list(Path.of("docs", "packs"))) {
      packs = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(packs).isNotEmpty();
    List<ActivationRecord> target = List.of(new ActivationRecord(List.of(" a", " b"), new double[] {2, -0.1}));
    for (Path file : packs) {
      PromptPack pack = PromptPack.load(file);
      assertThat(pack.toJson()).as("%s is stored as `pack export` writes it", file).isEqualTo(Files.readString(file));
      for (PromptFormat f : PromptFormat.values()) {
        assertThat(ExplanationPrompts.render(f, pack, target, 1.0)).hasSize(2 * pack.fewShot().size() + 2);
      }
    }
    PromptPack zeroShot = PromptPack.load(Path.of("docs", "packs", "zero-shot.json"));
    assertThat(zeroShot.fewShot()).isEmpty();
    assertThat(zeroShot.systems()).isEqualTo(PromptPack.builtIn().systems());
  }

  @Test
  void builtInResourceIsStoredAsExportWritesIt() throws Exception {
    try (var in = PromptPack.class.getResourceAsStream("builtin-pack.json")) {
      assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(PromptPack.builtIn().toJson());
    }
  }

  // --- bad packs: the message names the file and the field ---

  @Test
  void missingFieldsAreNamed() throws Exception {
    assertBad(t -> t.remove("name"), "field 'name' is missing");
    assertBad(t -> ((ObjectNode) t.get("formats")).remove("avhs"), "field 'formats.avhs' is missing");
    assertBad(t -> ((ObjectNode) t.get("formats").get("summary")).remove("system"), "field 'formats.summary.system' is missing");
    assertBad(t -> t.remove("few_shot_cutoff"), "field 'few_shot_cutoff' is missing");
    assertBad(t -> ((ObjectNode) t.get("few_shot").get(1)).remove("explanation"), "field 'few_shot[1].explanation' is missing");
    assertBad(t -> ((ObjectNode) t.get("simulator")).remove("system"), "field 'simulator.system' is missing");
  }

  @Test
  void wrongTypesAreNamed() throws Exception {
    assertBad(t -> t.put("few_shot_cutoff", "1.0"), "field 'few_shot_cutoff' must be a number, found a string");
    assertBad(t -> t.put("explanation_stem", 3), "field 'explanation_stem' must be a string, found the number 3");
    assertBad(t -> t.put("formats", "summary"), "field 'formats' must be a JSON object, found a string");
    assertBad(t -> ((ArrayNode) t.get("few_shot").get(0).get("records").get(1).get("activations")).set(2, "high"),
        "field 'few_shot[0].records[1].activations[2]' must be a number, found a string");
    assertBad(t -> ((ArrayNode) t.get("few_shot").get(2).get("records").get(0).get("tokens")).set(0, 7),
        "field 'few_shot[2].records[0].tokens[0]' must be a string, found the number 7");
  }

  @Test
  void brokenRulesAreNamed() throws Exception {
    assertBad(t -> t.put("explanation_stem", "\nExplanation of this neuron's behavior:"), "field 'explanation_stem' must contain {k}");
    assertBad(t -> ((ObjectNode) t.get("simulator")).put("explanation_stem", "\nExplanation:"), "field 'simulator.explanation_stem' must contain {k}");
    assertBad(t -> t.put("name", " "), "field 'name' must not be blank");
    assertBad(t -> ((ObjectNode) t.get("formats")).putObject("hs").put("system", "x"), "field 'formats.hs' is not a prompt format; the formats are: original, summary, highlight, highlight-summary, avhs");
    assertBad(t -> ((ObjectNode) t.get("few_shot").get(0)).put("explanation", "units of length."), "field 'few_shot[0].explanation' must not end with a period");
    assertBad(t -> ((ArrayNode) t.get("few_shot").get(0).get("records").get(0).get("tokens")).remove(0),
        "field 'few_shot[0].records[0]' has 18 tokens but 19 activations");
    assertBad(t -> ((ObjectNode) t.get("few_shot").get(0)).putArray("records"), "field 'few_shot[0].records' must hold at least one record");
    assertBad(t -> {
      ArrayNode records = (ArrayNode) t.get("few_shot").get(0).get("records");
      while (records.size() < 27) records.add(records.get(0).deepCopy());
    }, "field 'few_shot[0].records' holds 27 records; at most 26");
    assertBad(t -> ((ArrayNode) t.get("simulator").get("few_shot").get(0).get("records").get(0).get("activations")).set(1, 12),
        "field 'simulator.few_shot[0].records[0].activations[1]' is 12.0; simulator examples use the 0–10 scale");
    assertBad(t -> ((ArrayNode) t.get("simulator").get("few_shot").get(0).get("first_revealed_index")).remove(0),
        "field 'simulator.few_shot[0].first_revealed_index' has 1 entries for 2 records");
    assertBad(t -> ((ArrayNode) t.get("simulator").get("few_shot").get(1).get("first_revealed_index")).set(0, 99),
        "field 'simulator.few_shot[1].first_revealed_index[0]' is 99 but the record has 14 tokens");
  }

  @Test
  void unreadableFilesAreNamed() throws Exception {
    Path missing = tmp.resolve("nope.json");
    assertThatThrownBy(() -> PromptPack.load(missing)).isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(missing + ": not found");
    Path broken = tmp.resolve("broken.json");
    Files.writeString(broken, "{\"name\": \"x\",");
    assertThatThrownBy(() -> PromptPack.load(broken)).isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(broken + ": is not valid JSON").hasMessageContaining("line 1");
    Path list = tmp.resolve("list.json");
    Files.writeString(list, "[]");
    assertThatThrownBy(() -> PromptPack.load(list)).hasMessageStartingWith(list + ": must hold a prompt pack (a JSON object), found a list");
    Path nan = tmp.resolve("nan.json");
    Files.writeString(nan, JSON.writeValueAsString(builtInTree()).replace("\"few_shot_cutoff\":1.0", "\"few_shot_cutoff\":NaN"));
    assertThatThrownBy(() -> PromptPack.load(nan)).hasMessageStartingWith(nan + ": field 'few_shot_cutoff' is NaN; only finite numbers are allowed");
    Path dup = tmp.resolve("dup.json");
    Files.writeString(dup, "{\"name\": \"a\", \"name\": \"b\"}");
    assertThatThrownBy(() -> PromptPack.load(dup)).hasMessageStartingWith(dup + ": is not valid JSON").hasMessageContaining("Duplicate field 'name'");
  }

  @Test
  void packsBuiltInCodeAreCheckedToo() {
    PromptPack base = PromptPack.builtIn();
    assertThatThrownBy(() -> PromptPack.of("x", "\nno placeholder", "", 1, base.systems(), List.of(), base.simulator()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("explanation_stem must contain {k}");
    assertThatThrownBy(() -> PromptPack.of("x", base.explanationStem(), "", 1, java.util.Map.of(), List.of(), base.simulator()))
        .hasMessageContaining("formats.original.system is missing");
    assertThatThrownBy(() -> new FewShotExample("cats.", base.fewShot().get(0).records())).hasMessageContaining("must not end with a period");
    assertThatThrownBy(() -> new SimulatorExample("x", base.fewShot().get(0).records()))
        .hasMessageContaining("simulator examples use the 0–10 scale");
  }

  private void assertBad(Consumer<ObjectNode> breakIt, String expectedProblem) throws Exception {
    ObjectNode tree = builtInTree();
    breakIt.accept(tree);
    Path file = write(tree);
    assertThatThrownBy(() -> PromptPack.load(file))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(file + ": ")
        .hasMessageContaining(expectedProblem);
  }

  private ObjectNode builtInTree() throws Exception {
    return (ObjectNode) JSON.readTree(PromptPack.builtIn().toJson());
  }

  private int files;

  private Path write(JsonNode tree) throws Exception {
    Path file = tmp.resolve("pack-" + (files++) + ".json");
    Files.writeString(file, JSON.writeValueAsString(tree));
    return file;
  }

  private static List<String> names(java.util.Iterator<String> it) {
    List<String> out = new java.util.ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}
