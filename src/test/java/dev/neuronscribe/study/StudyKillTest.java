package dev.neuronscribe.study;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scribe serve} in its own process, killed with SIGKILL right after the last answer was
 * confirmed: every confirmed answer must be in the database, and a restarted server shows the rater
 * where they stopped.
 */
class StudyKillTest {
  private static final Pattern SERVING = Pattern.compile("NeuronScribe is serving (http://127\\.0\\.0\\.1:\\d+)");

  @TempDir Path tmp;

  @Test
  void answersConfirmedBeforeAKillAreKept() throws Exception {
    StudyFixtures.Setup setup = StudyFixtures.study(tmp, 5, 2);
    Process server = startServe(setup.data());
    List<String> confirmed = new ArrayList<>();
    try {
      String base = awaitServing(server);
      for (int r = 0; r < 2; r++) {
        WebClient rater = new WebClient(base);
        List<String[]> items = StudyServerTest.items(rater.get("/r/" + setup.raters().get(r).token()));
        // Rater 0 answers 3 of 5 items, rater 1 answers 2, and then the server dies.
        for (String[] item : items.subList(0, 3 - r)) {
          Map<String, String> form = StudyServerTest.answerByFormat(rater.get(item[0]));
          assertThat(rater.post(item[0], form).status()).isEqualTo(303);
          confirmed.add(setup.raters().get(r).label() + " " + item[1]);
        }
      }
    } finally {
      server.destroyForcibly();
      assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(server.exitValue()).as("killed, not exited").isNotZero();

    try (StudyStore store = StudyStore.open(setup.db())) {
      assertThat(store.studies().getFirst().answers()).isEqualTo(confirmed.size()).isEqualTo(5);
      List<Rater> raters = store.raters(setup.studyId());
      assertThat(store.answeredItems(raters.get(0).id())).hasSize(3);
      assertThat(store.answeredItems(raters.get(1).id())).hasSize(2);
    }

    // Back up: the rater continues where they stopped.
    Process again = startServe(setup.data());
    try {
      String base = awaitServing(again);
      WebClient.Response home = new WebClient(base).get("/r/" + setup.raters().get(0).token());
      assertThat(home.body()).contains("You have answered <strong>3</strong> of <strong>5</strong> items").contains(">Continue<");
    } finally {
      again.destroy();
      again.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static Process startServe(Path data) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
        "dev.neuronscribe.cli.Main", "serve", "--data", data.toString(), "--port", "0");
    pb.environment().put("SCRIBE_ORGANISER_TOKEN", StudyServerTest.ORGANISER);
    pb.redirectErrorStream(true);
    return pb.start();
  }

  private static String awaitServing(Process p) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      seen.append(line).append('\n');
      Matcher m = SERVING.matcher(line);
      if (m.find()) {
        // Keep draining its output so the child never blocks on a full pipe.
        Thread.ofVirtual().start(() -> out.lines().forEach(l -> {}));
        return m.group(1);
      }
    }
    throw new AssertionError("scribe serve did not start:\n" + seen);
  }
}
