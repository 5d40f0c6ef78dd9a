package dev.neuronscribe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.ActivationStore;
import dev.neuronscribe.activations.NeuronRecordDirectory;
import dev.neuronscribe.activations.NeuronRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordCommandTest {

  @Test
  void plantThenRecordWritesOneRecordPerNeuronAndARerunHasNothingToDo(@TempDir Path tmp) throws Exception {
    Path model = tmp.resolve("planted"), out = tmp.resolve("records"), corpus = tmp.resolve("c.txt");
    MainTest.Result plant = MainTest.scribe("plant", "--out", model.toString());
    assertThat(plant.exitCode()).as(plant.err()).isZero();
    assertThat(plant.out()).contains("0:37").contains("colour words");
    assertThat(model.resolve("planted.json")).exists();

    Files.writeString(corpus, "In March the red boat (and the blue one) sailed 12 miles.\n".repeat(40));
    String[] record = {"record", "--model", model.toString(), "--corpus", corpus.toString(), "--out", out.toString(),
        "--layers", "1", "--neurons", "0-3,18", "--excerpt-tokens", "16", "--min-excerpt-tokens", "4", "--decimals", "4", "--output", "json"};
    MainTest.Result r = MainTest.scribe(record);
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("Recorded 5 neurons of layers [1]");
    // stderr is not a terminal here: no bar frames, carriage returns or colour codes in it.
    assertThat(r.err()).doesNotContain("\r").doesNotContain("\u001b[").doesNotContain("tok/s");
    assertThat(new NeuronRecordDirectory(out).list()).containsExactly(
        new NeuronId(1, 0), new NeuronId(1, 1), new NeuronId(1, 2), new NeuronId(1, 3), new NeuronId(1, 18));
    assertThat(new NeuronRecordDirectory(out).read(new NeuronId(1, 18)).mostPositiveActivationRecords().get(0).text()).contains(")");
    assertThat(out.resolve(RecordCommand.WORK_DIR)).doesNotExist();

    // What a run killed with -9 while writing leaves: a half-written record and the recorder's work folder
    // with its excerpt cache and a half-written state. A finished rerun removes them.
    Path work = Files.createDirectories(out.resolve(RecordCommand.WORK_DIR));
    List<Path> leftovers = List.of(out.resolve("1/.7.json.8412093711.tmp"), work.resolve(".state.bin.99120.tmp"), work.resolve("excerpts.bin"));
    for (Path p : leftovers) {
      Files.writeString(p, "cut short");
      Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(86_400 * 365)));
    }
    Path live = out.resolve("1/.9.json.5550123.tmp"); // being written by another process right now: kept
    Files.writeString(live, "in flight");
    MainTest.Result again = MainTest.scribe(record);
    assertThat(again.exitCode()).isZero();
    assertThat(again.out()).contains("Nothing to do");
    assertThat(leftovers).allSatisfy(p -> assertThat(p).doesNotExist());
    assertThat(work).doesNotExist();
    assertThat(live).exists();
  }

  @Test
  void neuronsCanBeNamedAsLayerNeuronPairs(@TempDir Path tmp) throws Exception {
    Path model = tmp.resolve("planted"), out = tmp.resolve("records"), corpus = tmp.resolve("c.txt");
    assertThat(MainTest.scribe("plant", "--out", model.toString()).exitCode()).isZero();
    Files.writeString(corpus, "In March the red boat (and the blue one) sailed 12 miles.\n".repeat(30));
    String[] common = {"record", "--model", model.toString(), "--corpus", corpus.toString(), "--out", out.toString(),
        "--excerpt-tokens", "16", "--min-excerpt-tokens", "4"};
    MainTest.Result mixed = MainTest.scribe(concat(common, "--layers", "0", "--neurons", "0:37"));
    assertThat(mixed.exitCode()).isEqualTo(2);
    assertThat(mixed.err()).contains("leave out --layers");
    MainTest.Result r = MainTest.scribe(concat(common, "--neurons", "1:18,0:37,1:203-204"));
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("Recorded 4 neurons of layers [0, 1]");
    assertThat(ActivationStore.isStore(out)).as("a store is the default output").isTrue();
    assertThat(NeuronRecords.open(out).list()).containsExactly(
        new NeuronId(0, 37), new NeuronId(1, 18), new NeuronId(1, 203), new NeuronId(1, 204));
  }

  @Test
  void latentsOfThePlantedDictionaryAreRecordedAsUnitsAndSaySo(@TempDir Path tmp) throws Exception {
    Path model = tmp.resolve("planted"), out = tmp.resolve("latents"), corpus = tmp.resolve("c.txt");
    MainTest.Result plant = MainTest.scribe("plant", "--out", model.toString());
    assertThat(plant.exitCode()).as(plant.err()).isZero();
    assertThat(plant.out()).contains("Planted latents").contains("1:12").contains("--dictionary");
    Files.writeString(corpus, "In March the red boat (and the blue one) sailed 12 miles.\n".repeat(40));
    String[] record = {"record", "--model", model.toString(), "--dictionary", model.resolve("sae").toString(), "--corpus", corpus.toString(),
        "--out", out.toString(), "--neurons", "5,12,20,0", "--excerpt-tokens", "16", "--min-excerpt-tokens", "4", "--output", "json"};
    MainTest.Result r = MainTest.scribe(record);
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("Recorded 4 latents of layers [1]");
    NeuronRecordDirectory dir = new NeuronRecordDirectory(out);
    assertThat(dir.unitKind()).isEqualTo("latent");
    assertThat(dir.list()).containsExactly(new NeuronId(1, 0), new NeuronId(1, 5), new NeuronId(1, 12), new NeuronId(1, 20));
    // Planted latent 12 fires on colour words only, at about 0.5.
    var top = dir.read(new NeuronId(1, 12)).mostPositiveActivationRecords().getFirst();
    for (int i = 0; i < top.size(); i++) {
      if (top.activation(i) > 0) assertThat(top.token(i)).isIn(" red", " blue");
    }
    assertThat(top.max()).isBetween(0.3, 0.7);
    assertThat(MainTest.scribe(record).out()).contains("Nothing to do").contains("latent");

    // Neurons into a folder of latents: refused, nothing written.
    MainTest.Result neurons = MainTest.scribe("record", "--model", model.toString(), "--corpus", corpus.toString(), "--out", out.toString(),
        "--layers", "1", "--neurons", "3", "--excerpt-tokens", "16", "--min-excerpt-tokens", "4", "--output", "json");
    assertThat(neurons.exitCode()).isEqualTo(2);
    assertThat(neurons.err()).contains("holds latents").contains("--out");
    assertThat(dir.list()).hasSize(4);
  }

  @Test
  void aDictionaryThatDoesNotFitTheModelIsAOneLineErrorAndNothingIsWritten(@TempDir Path tmp) throws Exception {
    Path model = tmp.resolve("planted"), out = tmp.resolve("latents"), corpus = tmp.resolve("c.txt");
    assertThat(MainTest.scribe("plant", "--out", model.toString()).exitCode()).isZero();
    Files.writeString(corpus, "In March the red boat sailed 12 miles.\n".repeat(20));
    MainTest.Result wide = MainTest.scribe("record", "--model", model.toString(), "--dictionary", model.resolve("sae").toString(),
        "--hook", "blocks.1.mlp.hook_post", "--corpus", corpus.toString(), "--out", out.toString());
    assertThat(wide.exitCode()).isEqualTo(2);
    assertThat(wide.err().lines().filter(l -> l.startsWith("error:")).toList()).singleElement().asString()
        .contains("sae/cfg.json").contains("field 'd_in' is 64").contains("width 256");
    MainTest.Result unknown = MainTest.scribe("record", "--model", model.toString(), "--dictionary", model.resolve("sae").toString(),
        "--hook", "blocks.1.attn.hook_z", "--corpus", corpus.toString(), "--out", out.toString());
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("hook point 'blocks.1.attn.hook_z' is not one we know").contains("blocks.L.hook_resid_post");
    assertThat(out).doesNotExist();
    MainTest.Result noCorpus = MainTest.scribe("record", "--model", model.toString(), "--dictionary", model.resolve("sae").toString(),
        "--corpus", tmp.resolve("missing.jsonl").toString(), "--out", out.toString(), "--output", "json");
    assertThat(noCorpus.exitCode()).as(noCorpus.err()).isNotZero();
    assertThat(out).as("nothing written, not even recording.json").doesNotExist();
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void badInputIsOneClearLine(@TempDir Path tmp) throws Exception {
    Path corpus = tmp.resolve("c.jsonl");
    Files.writeString(corpus, "{\"text\": \"fine\"}\nnot json\n");
    MainTest.Result missing = MainTest.scribe("record", "--model", tmp.resolve("none").toString(), "--corpus", corpus.toString(), "--out", tmp.toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).startsWith("error: ").contains("none: not found");

    Path model = tmp.resolve("m");
    assertThat(MainTest.scribe("plant", "--out", model.toString()).exitCode()).isZero();
    MainTest.Result badLine = MainTest.scribe("record", "--model", model.toString(), "--corpus", corpus.toString(), "--out", tmp.resolve("o").toString());
    assertThat(badLine.exitCode()).isEqualTo(2);
    assertThat(badLine.err()).contains("c.jsonl: line 2 is not valid JSON");

    MainTest.Result badLayers = MainTest.scribe("record", "--model", model.toString(), "--corpus", corpus.toString(), "--out", tmp.resolve("o").toString(), "--layers", "5");
    assertThat(badLayers.exitCode()).isEqualTo(1);
    assertThat(badLayers.err()).contains("layer 5 does not exist");

    MainTest.Result noModel = MainTest.scribe("record", "--corpus", corpus.toString(), "--out", tmp.toString());
    assertThat(noModel.exitCode()).isEqualTo(2);
    assertThat(noModel.err()).contains("--model");
  }

  /** Copies a test fixture so that a test can break it. */
  private static Path copy(String fixture, Path to) throws Exception {
    Path from = Path.of("src", "test", "resources", "fixtures", fixture);
    Files.createDirectories(to);
    try (var files = Files.list(from)) {
      for (Path f : files.toList()) Files.copy(f, to.resolve(f.getFileName()));
    }
    return to;
  }

  private static void assertOneLineExit2NothingWritten(MainTest.Result r, Path out, String... mentions) {
    assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
    assertThat(r.err().strip()).startsWith("error: ").doesNotContain("\n").contains(mentions);
    assertThat(r.out()).isEmpty();
    assertThat(out).doesNotExist();
  }

  @Test
  void unusableModelsTokenizersAndHooksAreOneLineExit2AndNothingWritten(@TempDir Path tmp) throws Exception {
    Path corpus = Path.of("src", "test", "resources", "fixtures", "corpus.jsonl"), out = tmp.resolve("out");
    Path bert = copy("arch-llama", tmp.resolve("bert"));
    Files.writeString(bert.resolve("config.json"), Files.readString(bert.resolve("config.json")).replace("\"llama\"", "\"bert\""));
    assertOneLineExit2NothingWritten(MainTest.scribe("record", "--model", bert.toString(), "--corpus", corpus.toString(), "--out", out.toString()),
        out, bert.resolve("config.json").toString(), "model_type", "'bert'", "supported: gpt2, llama");

    Path sharded = copy("arch-qwen2", tmp.resolve("qwen2"));
    Files.delete(sharded.resolve("model-00003-of-00005.safetensors"));
    assertOneLineExit2NothingWritten(MainTest.scribe("record", "--model", sharded.toString(), "--corpus", corpus.toString(), "--out", out.toString()),
        out, sharded.resolve("model-00003-of-00005.safetensors").toString(), "no such file", "model.safetensors.index.json");

    Path badTokenizer = copy("arch-gemma2", tmp.resolve("gemma2"));
    Files.writeString(badTokenizer.resolve("tokenizer.json"), "{\"model\": {\"type\": \"BPE\", \"vocab\": 7}}");
    assertOneLineExit2NothingWritten(MainTest.scribe("record", "--model", badTokenizer.toString(), "--corpus", corpus.toString(), "--out", out.toString()),
        out, badTokenizer.resolve("tokenizer.json").toString(), "cannot be read by the Hugging Face tokenizers library");

    Path llama = fixture("arch-llama");
    assertOneLineExit2NothingWritten(MainTest.scribe("record", "--model", llama.toString(), "--corpus", corpus.toString(), "--out", out.toString(),
        "--hook", "blocks.1.hook_resid_post"), out, "--hook", "'blocks.1.hook_resid_post'", "supported: resid_pre, mlp_in, mlp_act, mlp_out, resid_post");
  }

  private static Path fixture(String name) {
    return Path.of("src", "test", "resources", "fixtures", name);
  }

  @Test
  void recordsALlamaWithItsTokenizerAtAnyHookPoint(@TempDir Path tmp) throws Exception {
    Path corpus = Path.of("src", "test", "resources", "fixtures", "corpus.jsonl"), out = tmp.resolve("out");
    MainTest.Result r = MainTest.scribe("record", "--model", fixture("arch-llama").toString(), "--corpus", corpus.toString(),
        "--out", out.toString(), "--layers", "1", "--neurons", "0-2", "--hook", "resid_post", "--excerpt-tokens", "16", "--min-excerpt-tokens", "4",
        "--output", "json");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(NeuronRecords.open(out).list()).containsExactly(new NeuronId(1, 0), new NeuronId(1, 1), new NeuronId(1, 2));
    // BOS is fed but not recorded: no excerpt shows it.
    assertThat(NeuronRecords.open(out).read(new NeuronId(1, 0)).mostPositiveActivationRecords())
        .allSatisfy(rec -> assertThat(rec.tokens()).doesNotContain("<|begin_of_text|>"));
  }

  @Test
  void benchRecordReportsTokensPerSecondAndPeak() {
    MainTest.Result r = MainTest.scribe("bench", "record", "--layers", "1", "--width", "64", "--rounds", "1", "--repeats", "1", "--batch", "2");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("forward pass").contains("recording").contains("tokens/s").contains("GFLOP/s").contains("measured FMA peak");
  }

  @Test
  void benchRecordCanKeepItsCheckpointForAnEndToEndRun(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
    java.nio.file.Path kept = tmp.resolve("random-gpt2");
    String[] bench = {"bench", "record", "--layers", "1", "--width", "64", "--rounds", "1", "--repeats", "1", "--batch", "2", "--keep-model", kept.toString()};
    MainTest.Result r = MainTest.scribe(bench);
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(kept.resolve("config.json")).exists();
    assertThat(kept.resolve("model.safetensors")).exists();
    MainTest.Result again = MainTest.scribe(bench);
    assertThat(again.exitCode()).isNotZero();
    assertThat(again.err()).contains(kept.toString()).contains("already holds a checkpoint");
  }

  @Test
  void rangesAreParsedAsUsersWriteThem() {
    assertThat(Ranges.parse("0-3,7, 5", "layers")).isEqualTo(List.of(0, 1, 2, 3, 5, 7));
    assertThat(Ranges.parse("11", "layers")).isEqualTo(List.of(11));
    assertThatThrownBy(() -> Ranges.parse("3-1", "layers")).hasMessageContaining("backwards");
    assertThatThrownBy(() -> Ranges.parse("a-b", "neurons")).hasMessageContaining("written like 0-11");
    assertThatThrownBy(() -> Ranges.parse("-1", "layers")).hasMessageContaining("numbered from 0");
    assertThat(Ranges.parsePairs("0:1, 5:100-102,0/3")).isEqualTo(java.util.Map.of(0, List.of(1, 3), 5, List.of(100, 101, 102)));
    assertThatThrownBy(() -> Ranges.parsePairs("0:1,7")).hasMessageContaining("LAYER:NEURON");
    assertThatThrownBy(() -> Ranges.parsePairs("0-2:1")).hasMessageContaining("one layer per");
  }
}
