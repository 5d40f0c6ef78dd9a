package dev.neuronscribe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.neuronscribe.activations.ActivationRecord;
import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.NeuronRecord;
import dev.neuronscribe.activations.NeuronRecordJson;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The similarity, subset and fetch commands end to end, as a user runs them. */
class EvaluateCommandsTest {
  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter(), err = new StringWriter();
    var cl = Cli.commandLine(new Main());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  Path write(String name, String content) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, content);
    return p;
  }

  @Test
  void similarityPrintsMeansPairsAndWritesJsonScoresAndReport() throws Exception {
    Path e = write("e.csv", "Layer,Neuron,Original,Summary\n0,1,words about colours,colour names\n0,2,numbers,dates and times\n1,3,code brackets,closing parentheses\n");
    Path r = write("r.csv", "layer,neuron,score,explanation\n0,1,0.5,names of colours\n0,2,0.6,dates\n1,3,0.4,parentheses in code\n");
    String[] common = {"similarity", "--explanations", e.toString(), "--references", r.toString(), "--embedding-cache", dir.resolve("c.sqlite").toString(),
        "--bootstrap", "500"};
    Run text = run(concat(common, "--scores", dir.resolve("s.csv").toString(), "--report", dir.resolve("rep").toString()));
    assertThat(text.code()).as(text.err()).isZero();
    assertThat(text.out()).contains("mean ± SEM").contains("Original").contains("Summary").contains("Original − Summary");
    assertThat(text.err()).contains("3 of 3 explanation rows joined").contains("0 from the cache, 9 computed");
    assertThat(Files.readAllLines(dir.resolve("s.csv"))).hasSize(4).first().isEqualTo("layer,neuron,Original,Summary");
    assertThat(Files.readAllLines(dir.resolve("s.csv")).get(3)).startsWith("1,3,");
    assertThat(dir.resolve("rep/similarity.html")).exists();
    assertThat(dir.resolve("rep/similarity.md")).exists();

    Run json = run(concat(common, "--json"));
    assertThat(json.code()).isZero();
    assertThat(json.err()).contains("9 from the cache, 0 computed");
    JsonNode j = new ObjectMapper().readTree(json.out());
    assertThat(j.at("/similarity/formats").size()).isEqualTo(2);
    assertThat(j.at("/similarity/formats/0/n").asInt()).isEqualTo(3);
    assertThat(j.at("/similarity/pairs/0/n").asInt()).isEqualTo(3);
    assertThat(j.at("/join/matched").asInt()).isEqualTo(3);
  }

  @Test
  void similarityRefusesUnmatchedRowsUnlessAllowedAndExplainsBadInput() throws Exception {
    Path e = write("e.csv", "Layer,Neuron,Summary\n0,1,colours\n7,7,orphans\n");
    Path r = write("r.csv", "layer,neuron,explanation\n0,1,colours\n");
    String cache = dir.resolve("c.sqlite").toString();
    Run refused = run("similarity", "--explanations", e.toString(), "--references", r.toString(), "--embedding-cache", cache);
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.err()).contains("1 explanation rows have no reference").contains("7:7").contains("--allow-unmatched");
    Run allowed = run("similarity", "--explanations", e.toString(), "--references", r.toString(), "--embedding-cache", cache, "--allow-unmatched",
        "--bootstrap", "200");
    assertThat(allowed.code()).isZero();
    assertThat(allowed.err()).contains("1 explanation rows of").contains("are not scored");

    Run badColumn = run("similarity", "--explanations", write("bad.csv", "Layer,Summary\n0,x\n").toString(), "--references", r.toString(), "--no-cache");
    assertThat(badColumn.code()).isEqualTo(1);
    assertThat(badColumn.err()).startsWith("error: ").contains("bad.csv").contains("no neuron column");
    Run badModel = run("similarity", "--explanations", e.toString(), "--references", r.toString(), "--embeddings", "word2vec");
    assertThat(badModel.code()).isEqualTo(2);
    assertThat(badModel.err()).contains("available: minilm");
    assertThat(run("similarity", "--explanations", e.toString()).code()).isEqualTo(2);
  }

  @Test
  void referencesWithoutExplanationsAreAnErrorNotATableOfNaN() throws Exception {
    Path e = write("e.csv", "Layer,Neuron,Summary\n0,1,colours\n0,2,digits\n");
    Path r = write("ids-only.csv", "layer,neuron,score\n0,1,0.5\n0,2,0.4\n");
    Run noText = run("similarity", "--explanations", e.toString(), "--references", r.toString(), "--no-cache");
    assertThat(noText.code()).isEqualTo(1);
    assertThat(noText.err()).startsWith("error: ").contains("ids-only.csv").contains("'explanation' column");
    assertThat(noText.out()).doesNotContain("NaN");
    Path other = write("other.csv", "layer,neuron,explanation\n5,5,something else\n");
    Run disjoint = run("similarity", "--explanations", e.toString(), "--references", other.toString(), "--no-cache", "--allow-unmatched");
    assertThat(disjoint.code()).isEqualTo(1);
    assertThat(disjoint.err()).contains("other.csv").contains("none of its 1 neurons");
  }

  @Test
  void similarityScoresPuzzleResultsWithTheBuiltInPuzzles() throws Exception {
    Path p = write("p.csv", "Puzzle id,GT Explanation,Summary,AVHS\nweekdays,names of the days of the week and nothing else,days of the week,weekday names\n"
        + "weekdays,names of the days of the week and nothing else,calendar words,time expressions\nanimals,,animal names,nouns\n");
    Run r = run("similarity", "--puzzle-results", p.toString(), "--no-cache", "--bootstrap", "200", "--json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertThat(j.at("/similarity/items").asInt()).isEqualTo(2);
    assertThat(j.at("/discrimination/formats/0/n").asInt()).isEqualTo(2);
    assertThat(j.at("/ranks/formats").size()).isEqualTo(2);
  }

  @Test
  void subsetWritesAReproducibleIndex() throws Exception {
    StringBuilder idx = new StringBuilder("layer,neuron,score,explanation\n");
    for (int l = 0; l < 4; l++) for (int n = 0; n < 30; n++) idx.append(l).append(',').append(n).append(',').append(n / 30.0).append(",e\n");
    Path index = write("idx.csv", idx.toString());
    Run a = run("subset", "--index", index.toString(), "--kind", "random-interpretable", "--n", "5", "--seed", "3", "--out", dir.resolve("a.csv").toString());
    Run b = run("subset", "--index", index.toString(), "--kind", "random-interpretable", "--n", "5", "--seed", "3", "--out", dir.resolve("b.jsonl").toString());
    assertThat(a.code()).isZero();
    assertThat(a.err()).contains("wrote 20 neurons from 4 layers");
    assertThat(b.code()).isZero();
    var fromCsv = dev.neuronscribe.evaluate.NeuronIndex.read(dir.resolve("a.csv")).ids();
    assertThat(fromCsv).hasSize(20).isEqualTo(dev.neuronscribe.evaluate.NeuronIndex.read(dir.resolve("b.jsonl")).ids());
    assertThat(run("subset", "--index", index.toString(), "--kind", "best", "--n", "5", "--out", "x.csv").code()).isEqualTo(2);
  }

  @Test
  void fetchReportsWhatItGotAndFailsForWhatItCouldNot() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    String record = NeuronRecordJson.toJson(NeuronRecord.of(new NeuronId(0, 1), List.of(new ActivationRecord(List.of("a"), new double[] {1})), List.of()));
    server.createContext("/data/", ex -> {
      String path = ex.getRequestURI().getPath();
      if (path.equals("/data/collated-activations/0/1.json")) {
        byte[] b = record.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, b.length);
        try (OutputStream o = ex.getResponseBody()) {
          o.write(b);
        }
      } else {
        ex.sendResponseHeaders(404, -1);
      }
      ex.close();
    });
    server.start();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/data/";
      String cache = dir.resolve("cache").toString();
      Run ok = run("fetch", "--neurons", "0:1", "--what", "records", "--base-url", base, "--cache", cache);
      assertThat(ok.code()).as(ok.err()).isZero();
      assertThat(ok.out()).contains("1 files downloaded, 0 already in the cache, 0 failed");
      assertThat(dir.resolve("cache/collated-activations/0/1.json")).exists();
      Run again = run("fetch", "--neurons", "0:1,0:2", "--base-url", base, "--cache", cache, "--attempts", "1");
      assertThat(again.code()).isEqualTo(1);
      assertThat(again.out()).contains("0 files downloaded, 1 already in the cache, 3 failed");
      assertThat(again.err()).contains("0:2 record: not found (HTTP 404)").contains("0:1 explanations").contains("Run the same command again");
      assertThat(run("fetch", "--neurons", "zero:one").code()).isEqualTo(2);
    } finally {
      server.stop(0);
    }
  }

  static String[] concat(String[] a, String... b) {
    String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
