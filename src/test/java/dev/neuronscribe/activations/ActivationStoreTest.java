package dev.neuronscribe.activations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuronscribe.subject.Gpt2Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ActivationStoreTest {

  private static NeuronRecord unit(int layer, int index, List<List<String>> texts) {
    List<ActivationRecord> top = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      double[] a = new double[texts.get(i).size()];
      for (int k = 0; k < a.length; k++) a[k] = (index + 1) * 0.25 * (k + 1) - i;
      top.add(new ActivationRecord(texts.get(i), a));
    }
    return new NeuronRecord(new NeuronId(layer, index), top, top.subList(0, 1), Optional.of(List.of(List.of(), top.subList(1, 2))),
        Optional.of(new QuantileBoundaries(List.of(OptionalDouble.empty(), OptionalDouble.of(0.5), OptionalDouble.empty()))),
        OptionalDouble.of(0.125), OptionalDouble.of(2.5), OptionalDouble.empty(), OptionalDouble.of(-1.5));
  }

  private static final List<List<String>> TEXTS = List.of(List.of(" a", " b", "c"), List.of("\n", " caf\u00e9"), List.of(" x"));

  @Test
  void aKilledWriteLeavesWholePartsAndAResumeAddsNoDuplicate(@TempDir Path dir) throws Exception {
    List<NeuronRecord> all = new ArrayList<>();
    for (int n = 0; n < 40; n++) all.add(unit(n % 3, n, TEXTS));
    try (ActivationStoreWriter w = ActivationStoreWriter.open(dir, StorePrecision.F32, Map.of("neuronscribe.unit_kind", "latent"), 16)) {
      for (NeuronRecord r : all) w.add(r);
    }
    assertThat(StoreFiles.parts(dir, StoreFiles.UNITS)).containsExactly(0, 1, 2);
    // A kill after a part's records but before its units file: the part is not committed.
    Files.delete(StoreFiles.part(dir, StoreFiles.UNITS, 1));
    Files.writeString(dir.resolve("records/.part-00003.arrow.123.tmp"), "half a file");
    assertThat(ActivationStore.open(dir).size()).isEqualTo(24);

    try (ActivationStoreWriter w = ActivationStoreWriter.open(dir, StorePrecision.F32, Map.of("neuronscribe.unit_kind", "latent"), 16)) {
      assertThat(Files.exists(StoreFiles.part(dir, StoreFiles.RECORDS, 1))).as("orphan part removed").isFalse();
      assertThat(Files.exists(dir.resolve("records/.part-00003.arrow.123.tmp"))).isFalse();
      for (NeuronRecord r : all) w.add(r);
    }
    ActivationStore store = ActivationStore.open(dir);
    assertThat(store.list()).hasSize(40).doesNotHaveDuplicates();
    for (NeuronRecord r : all) assertThat(store.read(r.id())).isEqualTo(r);
    assertThat(store.metadata()).containsEntry("neuronscribe.unit_kind", "latent").containsEntry(StoreFiles.FORMAT_KEY, "1");
    // Each excerpt is stored once, whatever the number of units that refer to it.
    long excerptRows = 0;
    for (int p : StoreFiles.parts(dir, StoreFiles.EXCERPTS)) {
      try (StoreFiles.Reader r = new StoreFiles.Reader(StoreFiles.part(dir, StoreFiles.EXCERPTS, p), StoreFiles.EXCERPTS)) {
        for (int b = 0; b < r.batches(); b++) excerptRows += r.batch(b).getRowCount();
      }
    }
    assertThat(excerptRows).isEqualTo(TEXTS.size());
  }

  @Test
  void theIndexFindsEachUnitAsAScanOfEveryPartDoes(@TempDir Path dir) throws Exception {
    List<NeuronRecord> all = new ArrayList<>();
    for (int n = 0; n < 70; n++) all.add(unit(n % 4, 1000 - n, TEXTS.subList(0, 2 + n % 2)));
    try (ActivationStoreWriter w = ActivationStoreWriter.open(dir, StorePrecision.F16, Map.of(), 16)) {
      for (NeuronRecord r : all) w.add(r);
    }
    assertThat(dir.resolve(StoreIndex.FILE)).exists();
    ActivationStore indexed = ActivationStore.open(dir);
    List<NeuronRecord> viaIndex = all.stream().map(r -> indexed.read(r.id())).toList();
    assertThat(indexed.list()).hasSize(70).isSorted();
    assertThat(indexed.contains(new NeuronId(0, 5))).isFalse();

    // A store of the previous layout (no index file) reads the same, by scanning its parts.
    Files.delete(dir.resolve(StoreIndex.FILE));
    ActivationStore scanned = ActivationStore.open(dir);
    assertThat(scanned.list()).isEqualTo(indexed.list());
    for (int i = 0; i < all.size(); i++) assertThat(scanned.read(all.get(i).id())).isEqualTo(viaIndex.get(i));

    // A resumed writer adds a part: until it finishes, the old index is gone; then it covers every part.
    try (ActivationStoreWriter w = ActivationStoreWriter.open(dir, StorePrecision.F16, Map.of(), 16)) {
      assertThat(dir.resolve(StoreIndex.FILE)).doesNotExist();
      w.add(unit(9, 9, TEXTS));
    }
    assertThat(ActivationStore.open(dir).read(new NeuronId(9, 9)).mostPositiveActivationRecords()).hasSize(3);
    assertThat(ActivationStore.open(dir).size()).isEqualTo(71);

    // An index that does not cover the committed parts (a part removed by hand) is stale and ignored.
    Files.delete(StoreFiles.part(dir, StoreFiles.UNITS, 0));
    assertThat(ActivationStore.open(dir).size()).isEqualTo(71 - 16);

    // A damaged index names itself and what to do.
    byte[] bytes = Files.readAllBytes(dir.resolve(StoreIndex.FILE));
    Files.write(dir.resolve(StoreIndex.FILE), java.util.Arrays.copyOf(bytes, bytes.length - 3));
    assertThatThrownBy(() -> ActivationStore.open(dir)).isInstanceOf(StoreFileException.class)
        .hasMessageContaining("index.bin").hasMessageContaining("delete it");
  }

  @Test
  void aStoreFromANewerVersionIsRefusedWithWhatToDo(@TempDir Path dir) throws Exception {
    try (ActivationStoreWriter w = ActivationStoreWriter.open(dir, StorePrecision.F16, Map.of(StoreFiles.FORMAT_KEY, "9"), 16)) {
      w.add(unit(0, 0, TEXTS));
    }
    assertThat(ActivationStore.open(dir).metadata()).as("a caller cannot set the format version").containsEntry(StoreFiles.FORMAT_KEY, "1");
    Path newer = dir.resolve("newer");
    try (ActivationStoreWriter w = ActivationStoreWriter.claimingVersion(newer, 9)) {
      w.add(unit(0, 0, TEXTS));
    }
    assertThatThrownBy(() -> ActivationStore.open(newer)).isInstanceOf(StoreFileException.class)
        .hasMessageContaining("part-00000.arrow").hasMessageContaining("newer NeuronScribe").hasMessageContaining("format 9");
  }

  @Test
  void aDelphiCacheImportsAsLatentsWithItsTopExcerptsAndMoments(@TempDir Path dir) throws Exception {
    Path cache = Path.of("src/test/resources/fixtures/delphi-cache");
    JsonNode expected = new ObjectMapper().readTree(cache.resolve("expected.json").toFile());
    Gpt2Tokenizer tok = new Gpt2Tokenizer();
    Path module = cache.resolve("layers.1.mlp");
    assertThat(DelphiCache.layerOf(module)).contains(1);
    assertThat(DelphiCache.modelName(module)).contains("gpt2");
    int written;
    try (ActivationStoreWriter w = ActivationStoreWriter.open(dir, StorePrecision.F32, Map.of("neuronscribe.unit_kind", "latent"))) {
      written = DelphiCache.importInto(module, 1, new DelphiCache.Options(16, 5, 6, 3, 0), tok::token, w, n -> {});
    }
    assertThat(written).isEqualTo(expected.size());
    ActivationStore store = ActivationStore.open(dir);
    assertThat(store.list()).hasSize(expected.size()).doesNotContain(new NeuronId(1, 39));
    for (var e : (Iterable<Map.Entry<String, JsonNode>>) expected::fields) {
      NeuronRecord r = store.read(new NeuronId(1, Integer.parseInt(e.getKey())));
      JsonNode x = e.getValue();
      ActivationRecord top = r.mostPositiveActivationRecords().get(0);
      assertThat(top.max()).as("latent %s", e.getKey()).isCloseTo(x.get("top_max").asDouble(), org.assertj.core.data.Offset.offset(1e-6));
      List<String> text = new ArrayList<>();
      for (JsonNode id : x.get("top_tokens")) text.add(tok.token(id.asInt()));
      if (r.mostPositiveActivationRecords().stream().filter(a -> a.max() == top.max()).count() == 1) assertThat(top.tokens()).isEqualTo(text);
      assertThat(r.mostPositiveActivationRecords()).hasSize(Math.min(5, x.get("active_excerpts").asInt()));
      assertThat(r.randomSample()).hasSize(6);
      assertThat(r.mean().getAsDouble()).isCloseTo(x.get("mean").asDouble(), org.assertj.core.data.Offset.offset(1e-9));
      assertThat(r.variance().getAsDouble()).isCloseTo(x.get("variance").asDouble(), org.assertj.core.data.Offset.offset(1e-9));
      assertThat(r.skewness().getAsDouble()).isCloseTo(x.get("skewness").asDouble(), org.assertj.core.data.Offset.offset(1e-6));
      assertThat(r.kurtosis().getAsDouble()).isCloseTo(x.get("kurtosis").asDouble(), org.assertj.core.data.Offset.offset(1e-5));
      assertThat(r.randomSampleByQuantile().get()).hasSize(5);
    }
    // A rerun imports nothing twice.
    try (ActivationStoreWriter w = ActivationStoreWriter.open(dir, StorePrecision.F32, Map.of())) {
      assertThat(DelphiCache.importInto(module, 1, new DelphiCache.Options(16, 5, 6, 3, 0), tok::token, w, n -> {})).isZero();
    }
  }

  @Test
  void aFolderOfJsonAndAStoreOpenThroughOneFacade(@TempDir Path dir) throws Exception {
    NeuronRecordDirectory json = new NeuronRecordDirectory(dir.resolve("json"));
    json.write(unit(2, 5, TEXTS));
    assertThat(NeuronRecords.open(json.root())).isInstanceOf(NeuronRecordDirectory.class);
    try (ActivationStoreWriter w = ActivationStoreWriter.open(dir.resolve("store"), StorePrecision.F32, Map.of())) {
      Interchange.importRecords(json, json.list(), w, n -> {});
    }
    NeuronRecords store = NeuronRecords.open(dir.resolve("store"));
    assertThat(store).isInstanceOf(ActivationStore.class);
    assertThat(store.read(new NeuronId(2, 5))).isEqualTo(json.read(new NeuronId(2, 5)));
    try (Stream<Path> files = Files.list(dir.resolve("store"))) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("excerpts", "records", "units", "index.bin");
    }
  }
}
