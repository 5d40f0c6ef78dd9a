package dev.neuronscribe.activations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuronscribe.files.InvalidInputException;
import dev.neuronscribe.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NeuronRecordJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void realGpt2XlRecordRoundTripsEveryValue(@TempDir Path tmp) throws Exception {
    Path source = TestData.require("reference/gpt2xl-neuron-1-1.json");
    NeuronRecord record = NeuronRecordJson.read(source);

    assertThat(record.id()).isEqualTo(new NeuronId(1, 1));
    assertThat(record.mostPositiveActivationRecords()).hasSize(50);
    assertThat(record.randomSample()).hasSize(50);
    assertThat(record.randomSampleByQuantile()).get().satisfies(bins -> assertThat(bins).hasSize(5).allSatisfy(b -> assertThat(b).hasSize(20)));
    assertThat(record.quantileBoundaries().orElseThrow().values()).hasSize(6);
    assertThat(record.quantileBoundaries().orElseThrow().get(0)).isEmpty();
    assertThat(record.quantileBoundaries().orElseThrow().ninetiethPercentile()).isEqualTo(0.5005);
    assertThat(record.mean()).hasValue(-0.0499);
    assertThat(record.kurtosis()).hasValue(195.6007);

    Path copy = tmp.resolve("copy.json");
    NeuronRecordJson.write(copy, record);
    assertSameValues(JSON.readTree(source.toFile()), JSON.readTree(copy.toFile()), "$");
    assertThat(NeuronRecordJson.read(copy)).isEqualTo(record);
  }

  /** Same structure, same keys in the same order, same strings, numerically equal numbers, nulls kept. */
  static void assertSameValues(JsonNode expected, JsonNode actual, String path) {
    if (expected.isNumber()) {
      assertThat(actual.isNumber()).as(path).isTrue();
      assertThat(actual.doubleValue()).as(path).isEqualTo(expected.doubleValue());
    } else if (expected.isArray()) {
      assertThat(actual.isArray()).as(path).isTrue();
      assertThat(actual.size()).as(path).isEqualTo(expected.size());
      for (int i = 0; i < expected.size(); i++) assertSameValues(expected.get(i), actual.get(i), path + "[" + i + "]");
    } else if (expected.isObject()) {
      assertThat(actual.isObject()).as(path).isTrue();
      assertThat(actual.properties().stream().map(Map.Entry::getKey).toList()).as(path).isEqualTo(expected.properties().stream().map(Map.Entry::getKey).toList());
      for (Map.Entry<String, JsonNode> e : expected.properties()) {
        assertSameValues(e.getValue(), actual.get(e.getKey()), path + "." + e.getKey());
      }
    } else {
      assertThat(actual).as(path).isEqualTo(expected);
    }
  }

  @Test
  void missingOptionalPartsStayMissing() {
    NeuronRecord r = NeuronRecordJson.parse("""
        {"neuron_id": {"layer_index": 3, "neuron_index": 7},
         "most_positive_activation_records": [{"tokens": [" a", " b"], "activations": [1.5, -0.25]}],
         "random_sample": []}""", "mini.json");
    assertThat(r.id()).isEqualTo(new NeuronId(3, 7));
    assertThat(r.quantileBoundaries()).isEmpty();
    assertThat(r.mean()).isEmpty();
    String json = NeuronRecordJson.toJson(r);
    assertThat(json).contains("\"quantile_boundaries\":null").contains("\"dataclass_name\":\"NeuronRecord\"");
    assertThat(NeuronRecordJson.parse(json, "again")).isEqualTo(r);
  }

  @Test
  void badJsonNamesTheFileAndPosition(@TempDir Path tmp) throws Exception {
    Path f = tmp.resolve("broken.json");
    Files.writeString(f, "{\"neuron_id\": {\"layer_index\": 1,");
    assertThatThrownBy(() -> NeuronRecordJson.read(f))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("broken.json")
        .hasMessageContaining("not valid JSON")
        .hasMessageContaining("line 1");
  }

  @Test
  void missingFileIsNamed(@TempDir Path tmp) {
    assertThatThrownBy(() -> NeuronRecordJson.read(tmp.resolve("nope.json")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("nope.json: not found");
  }

  @Test
  void lengthMismatchNamesTheRecord() {
    assertThatThrownBy(() -> NeuronRecordJson.parse("""
        {"neuron_id": {"layer_index": 0, "neuron_index": 0}, "random_sample": [],
         "most_positive_activation_records": [
           {"tokens": ["a"], "activations": [1.0]},
           {"tokens": ["a", "b", "c"], "activations": [1.0, 2.0]}]}""", "n.json"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("n.json: field 'most_positive_activation_records[1]' has 3 tokens but 2 activations; each token needs exactly one activation");
  }

  @Test
  void nanIsRejectedWithItsPlace() {
    assertThatThrownBy(() -> NeuronRecordJson.parse("""
        {"neuron_id": {"layer_index": 0, "neuron_index": 0}, "random_sample": [],
         "most_positive_activation_records": [{"tokens": ["a", "b"], "activations": [1.0, NaN]}]}""", "n.json"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("n.json: field 'most_positive_activation_records[0].activations[1]' is NaN; only finite numbers are allowed");
    assertThatThrownBy(() -> NeuronRecordJson.parse("""
        {"neuron_id": {"layer_index": 0, "neuron_index": 0}, "random_sample": [], "mean": Infinity,
         "most_positive_activation_records": []}""", "n.json"))
        .hasMessage("n.json: field 'mean' is Infinity; only finite numbers are allowed");
  }

  @Test
  void missingFieldsAreNamed() {
    assertThatThrownBy(() -> NeuronRecordJson.parse("{\"most_positive_activation_records\": []}", "n.json"))
        .hasMessage("n.json: field 'neuron_id' is missing");
    assertThatThrownBy(() -> NeuronRecordJson.parse("{\"neuron_id\": {\"layer_index\": 0}, \"most_positive_activation_records\": []}", "n.json"))
        .hasMessage("n.json: field 'neuron_id.neuron_index' is missing");
    assertThatThrownBy(() -> NeuronRecordJson.parse("{\"neuron_id\": {\"layer_index\": 0, \"neuron_index\": 1}}", "n.json"))
        .hasMessage("n.json: field 'most_positive_activation_records' is missing");
    assertThatThrownBy(() -> NeuronRecordJson.parse("""
        {"neuron_id": {"layer_index": 0, "neuron_index": 0},
         "most_positive_activation_records": [{"tokens": ["a"]}]}""", "n.json"))
        .hasMessage("n.json: field 'most_positive_activation_records[0].activations' is missing");
  }

  @Test
  void wrongTypesAreNamed() {
    assertThatThrownBy(() -> NeuronRecordJson.parse("""
        {"neuron_id": {"layer_index": 0, "neuron_index": 0},
         "most_positive_activation_records": [{"tokens": ["a", 5], "activations": [1, 2]}]}""", "n.json"))
        .hasMessage("n.json: field 'most_positive_activation_records[0].tokens[1]' must be a string, found the number 5");
    assertThatThrownBy(() -> NeuronRecordJson.parse("[1, 2]", "n.json"))
        .hasMessageContaining("must hold one JSON object (a NeuronRecord)");
    assertThatThrownBy(() -> NeuronRecordJson.parse("""
        {"dataclass_name": "ActivationRecord", "neuron_id": {"layer_index": 0, "neuron_index": 0}, "most_positive_activation_records": []}""", "n.json"))
        .hasMessageContaining("field 'dataclass_name' is \"ActivationRecord\" but this place holds a NeuronRecord");
  }

  @Test
  void directoryLayoutListsAndChecksIds(@TempDir Path tmp) {
    NeuronRecordDirectory dir = new NeuronRecordDirectory(tmp);
    var rec = NeuronRecord.of(new NeuronId(2, 10), List.of(new ActivationRecord(List.of(" x"), new double[] {1})), List.of());
    dir.write(rec);
    dir.write(NeuronRecord.of(new NeuronId(0, 3), List.of(), List.of()));
    dir.write(NeuronRecord.of(new NeuronId(2, 9), List.of(), List.of()));
    assertThat(tmp.resolve("2/10.json")).exists();
    assertThat(dir.list()).containsExactly(new NeuronId(0, 3), new NeuronId(2, 9), new NeuronId(2, 10));
    assertThat(dir.read(new NeuronId(2, 10))).isEqualTo(rec);
  }
}
