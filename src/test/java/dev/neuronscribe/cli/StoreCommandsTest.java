package dev.neuronscribe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuronscribe.activations.ActivationRecord;
import dev.neuronscribe.activations.ActivationStore;
import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.NeuronRecord;
import dev.neuronscribe.activations.NeuronRecordDirectory;
import dev.neuronscribe.activations.NeuronRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store as scribe record's output, and export/import against direct JSON recordings of the same run. */
class StoreCommandsTest {
  @TempDir static Path shared;
  static Path model, corpus, json, f32, f16;

  @BeforeAll
  static void record() throws Exception {
    model = shared.resolve("planted");
    corpus = shared.resolve("c.txt");
    assertThat(MainTest.scribe("plant", "--out", model.toString()).exitCode()).isZero();
    Files.writeString(corpus, "In March the red boat (and the blue one) sailed 12 miles past the green hill.\n".repeat(30));
    json = shared.resolve("json");
    f32 = shared.resolve("f32");
    f16 = shared.resolve("f16");
    for (String[] run : List.of(new String[] {json.toString(), "--output", "json"}, new String[] {f32.toString(), "--precision", "f32"},
        new String[] {f16.toString()})) {
      String[] args = {"record", "--model", model.toString(), "--corpus", corpus.toString(), "--layers", "0,1", "--neurons", "0-7,37",
          "--excerpt-tokens", "16", "--min-excerpt-tokens", "4", "--out"};
      String[] all = java.util.Arrays.copyOf(args, args.length + run.length);
      System.arraycopy(run, 0, all, args.length, run.length);
      MainTest.Result r = MainTest.scribe(all);
      assertThat(r.exitCode()).as(r.err()).isZero();
    }
  }

  @Test
  void anF32StoreExportsToTheVeryBytesOfADirectJsonRecording(@TempDir Path tmp) throws Exception {
    assertThat(ActivationStore.isStore(f32)).isTrue();
    MainTest.Result r = MainTest.scribe("export", "--records", f32.toString(), "--out", tmp.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    List<NeuronId> ids = new NeuronRecordDirectory(json).list();
    assertThat(ids).hasSize(18);
    assertThat(new NeuronRecordDirectory(tmp).list()).isEqualTo(ids);
    for (NeuronId id : ids) {
      Path a = new NeuronRecordDirectory(tmp).pathOf(id), b = new NeuronRecordDirectory(json).pathOf(id);
      assertThat(Files.readString(a)).as("%s", id).isEqualTo(Files.readString(b));
    }
    MainTest.Result again = MainTest.scribe("export", "--records", f32.toString(), "--out", tmp.toString());
    assertThat(again.out()).contains("Exported 0 units (18 already there)");
  }

  @Test
  void anF16StoreKeepsExcerptsOrderBoundariesAndMomentsAndActivationsToHalfPrecision(@TempDir Path tmp) throws Exception {
    MainTest.Result r = MainTest.scribe("export", "--records", f16.toString(), "--out", tmp.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    ObjectMapper m = new ObjectMapper();
    for (NeuronId id : new NeuronRecordDirectory(json).list()) {
      JsonNode a = m.readTree(new NeuronRecordDirectory(tmp).pathOf(id).toFile()), b = m.readTree(new NeuronRecordDirectory(json).pathOf(id).toFile());
      for (String field : List.of("neuron_id", "quantile_boundaries", "mean", "variance", "skewness", "kurtosis")) {
        assertThat(a.get(field)).as("%s %s", id, field).isEqualTo(b.get(field));
      }
      NeuronRecord x = new NeuronRecordDirectory(tmp).read(id), y = new NeuronRecordDirectory(json).read(id);
      assertClose(x.mostPositiveActivationRecords(), y.mostPositiveActivationRecords());
      assertClose(x.randomSample(), y.randomSample());
      for (int bin = 0; bin < 5; bin++) assertClose(x.randomSampleByQuantile().get().get(bin), y.randomSampleByQuantile().get().get(bin));
    }
    assertThat(size(f16) * 8).as("f16 store vs JSON of the same recording").isLessThan(size(json));
    assertThat(NeuronRecords.open(f16).metadata()).containsEntry("neuronscribe.unit_kind", "neuron").containsEntry("neuronscribe.store.precision", "f16");
  }

  private static void assertClose(List<ActivationRecord> got, List<ActivationRecord> want) {
    assertThat(got).hasSameSizeAs(want);
    for (int i = 0; i < got.size(); i++) {
      assertThat(got.get(i).tokens()).isEqualTo(want.get(i).tokens());
      for (int k = 0; k < got.get(i).size(); k++) {
        double w = want.get(i).activation(k);
        // Half precision: 11 significant bits; below 2^-14 the step is 2^-24.
        assertThat(got.get(i).activation(k)).isCloseTo(w, org.assertj.core.data.Offset.offset(Math.abs(w) / 1024 + 6e-8));
      }
    }
  }

  @Test
  void importingAJsonRecordingGivesAStoreThatExportsItBack(@TempDir Path tmp) throws Exception {
    Path store = tmp.resolve("store"), back = tmp.resolve("back");
    MainTest.Result r = MainTest.scribe("import", "--from", "openai-json", "--in", json.toString(), "--out", store.toString(), "--precision", "f32");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("Imported 18 units");
    assertThat(MainTest.scribe("export", "--records", store.toString(), "--out", back.toString()).exitCode()).isZero();
    for (NeuronId id : new NeuronRecordDirectory(json).list()) {
      assertThat(Files.readString(new NeuronRecordDirectory(back).pathOf(id))).isEqualTo(Files.readString(new NeuronRecordDirectory(json).pathOf(id)));
    }
    MainTest.Result again = MainTest.scribe("import", "--from", "openai-json", "--in", json.toString(), "--out", store.toString(), "--precision", "f32");
    assertThat(again.out()).contains("Imported 0 units");
    assertThat(NeuronRecords.open(store).list()).hasSize(18);
  }

  @Test
  void commandsThatReadRecordsReadAStore(@TempDir Path tmp) throws Exception {
    MainTest.Result fromStore = MainTest.scribe("prompt", "--records", f32.toString(), "--neuron", "1:37", "--format", "summary");
    MainTest.Result fromFile = MainTest.scribe("prompt", "--record", new NeuronRecordDirectory(json).pathOf(new NeuronId(1, 37)).toString(), "--format", "summary");
    assertThat(fromStore.exitCode()).as(fromStore.err()).isZero();
    assertThat(fromStore.out()).isEqualTo(fromFile.out()).contains("===");

    MainTest.Result explainStore = MainTest.scribe("explain", "--records", f32.toString(), "--neurons", "0:3,1:37", "--formats", "original",
        "--out", tmp.resolve("s").toString());
    MainTest.Result explainJson = MainTest.scribe("explain", "--records", json.toString(), "--neurons", "0:3,1:37", "--formats", "original",
        "--out", tmp.resolve("j").toString());
    assertThat(explainStore.exitCode()).as(explainStore.err()).isZero();
    assertThat(explainJson.exitCode()).as(explainJson.err()).isZero();
    MainTest.Result tokensStore = MainTest.scribe("tokens", "--record", f32.toString());
    MainTest.Result tokensJson = MainTest.scribe("tokens", "--record", json.toString());
    assertThat(tokensStore.exitCode()).as(tokensStore.err()).isZero();
    assertThat(tokensStore.out()).isEqualTo(tokensJson.out()).contains("18");

    Path s = tmp.resolve("s/original/explanations.jsonl"), j = tmp.resolve("j/original/explanations.jsonl");
    assertThat(Files.readAllLines(s).stream().sorted().toList()).isEqualTo(Files.readAllLines(j).stream().sorted().toList()).hasSize(2);
  }

  @Test
  void aTruncatedOrForeignStoreFileIsOneLineNamingTheFile(@TempDir Path tmp) throws Exception {
    Path broken = tmp.resolve("broken");
    copyTree(f16, broken);
    Path units = broken.resolve("units/part-00000.arrow");
    byte[] bytes = Files.readAllBytes(units);
    Files.write(units, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    MainTest.Result r = MainTest.scribe("export", "--records", broken.toString(), "--out", tmp.resolve("o").toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).contains("units/part-00000.arrow").contains("truncated");

    Files.write(units, "not arrow at all".getBytes());
    MainTest.Result foreign = MainTest.scribe("export", "--records", broken.toString(), "--out", tmp.resolve("o").toString());
    assertThat(foreign.exitCode()).isEqualTo(2);
    assertThat(foreign.err().strip().lines()).hasSize(1);
    assertThat(foreign.err()).contains("part-00000.arrow");
  }

  @Test
  void aDelphiCacheImportsAsLatentsThatExportToOpenAiJson(@TempDir Path tmp) throws Exception {
    Path module = Path.of("src/test/resources/fixtures/delphi-cache/layers.1.mlp"), store = tmp.resolve("store");
    MainTest.Result r = MainTest.scribe("import", "--from", "delphi", "--in", module.toString(), "--out", store.toString(), "--excerpt-tokens", "16");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("Imported 39 units");
    assertThat(NeuronRecords.open(store).metadata()).containsEntry("neuronscribe.unit_kind", "latent").containsEntry("neuronscribe.model", "gpt2");
    MainTest.Result e = MainTest.scribe("export", "--records", store.toString(), "--out", tmp.resolve("json").toString(), "--neurons", "1:0,1:38");
    assertThat(e.exitCode()).as(e.err()).isZero();
    NeuronRecord latent = new NeuronRecordDirectory(tmp.resolve("json")).read(new NeuronId(1, 38));
    assertThat(latent.mostPositiveActivationRecords()).isNotEmpty();
    assertThat(latent.mostPositiveActivationRecords().get(0).size()).isEqualTo(16);
    MainTest.Result noLayer = MainTest.scribe("import", "--from", "delphi", "--in", module.getParent().toString(), "--out", tmp.resolve("x").toString());
    assertThat(noLayer.exitCode()).isEqualTo(2);
    assertThat(noLayer.err()).contains("--layer");
  }

  static long size(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(t);
        else Files.copy(p, t);
      }
    }
  }
}
