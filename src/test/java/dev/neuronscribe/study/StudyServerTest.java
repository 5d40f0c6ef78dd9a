package dev.neuronscribe.study;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The app over real HTTP: the rater flow, validation, cross-site refusal, escaping, blinding, concurrency. */
class StudyServerTest {
  static final String ORGANISER = "organiser-token-for-tests-0123456789";
  private static final Pattern ITEM_LINK = Pattern.compile("href=\"(/r/[A-Za-z0-9_-]+/items/(\\d+))\"");

  @TempDir Path tmp;
  StudyFixtures.Setup setup;
  StudyServer server;

  @BeforeEach
  void start() throws Exception {
    setup = StudyFixtures.study(tmp, 6, 3);
    server = StudyServer.start(new StudyServer.Config("127.0.0.1", 0, setup.data(), List.of(), setup.db(), ORGANISER));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  String raterPath(int i) {
    return "/r/" + setup.raters().get(i).token();
  }

  /** The items of a rater's home page, in that rater's order: path and item id. */
  static List<String[]> items(WebClient.Response home) {
    Matcher m = ITEM_LINK.matcher(home.body());
    java.util.LinkedHashSet<String> seen = new java.util.LinkedHashSet<>();
    List<String[]> out = new java.util.ArrayList<>();
    while (m.find()) if (seen.add(m.group(1))) out.add(new String[] {m.group(1), m.group(2)});
    return out;
  }

  /** A complete answer for the page: each slot rated by its format's position (Original=1 ... AVHS=5), best = AVHS. */
  static Map<String, String> answerByFormat(WebClient.Response item) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("_csrf", item.csrf());
    item.slots().forEach((slot, text) -> {
      String format = StudyFixtures.formatOf(text);
      form.put("rating_" + slot, Integer.toString(StudyFixtures.FORMATS.indexOf(format) + 1));
      if (format.equals("AVHS")) form.put("best", slot);
    });
    return form;
  }

  @Test
  void raterAnswersEveryItemAndComesBackToTheSameOrder() {
    WebClient rater = new WebClient(server.baseUrl());
    WebClient.Response home = rater.get(raterPath(0));
    assertThat(home.status()).isEqualTo(200);
    List<String[]> items = items(home);
    assertThat(items).hasSize(6);

    WebClient.Response first = rater.get(items.get(0)[0]);
    Map<String, String> slotsBefore = first.slots();
    assertThat(slotsBefore).hasSize(5);
    // A reload (another browser, even) shows the same order.
    assertThat(new WebClient(server.baseUrl()).get(items.get(0)[0]).slots()).isEqualTo(slotsBefore);

    for (int k = 0; k < items.size(); k++) {
      WebClient.Response page = rater.get(items.get(k)[0]);
      WebClient.Response saved = rater.post(items.get(k)[0], answerByFormat(page));
      assertThat(saved.status()).as(saved.body()).isEqualTo(303);
      if (k + 1 < items.size()) assertThat(saved.location()).isEqualTo(items.get(k + 1)[0]);
      else assertThat(saved.location()).isEqualTo(raterPath(0));
    }
    assertThat(rater.get(raterPath(0)).body()).contains("All 6 items are answered");

    Table5 table = tableOfStudy();
    assertThat(table.rows()).extracting(Table5.Row::format).containsExactlyElementsOf(StudyFixtures.FORMATS);
    for (Table5.Row row : table.rows()) {
      assertThat(row.ratings()).isEqualTo(6);
      assertThat(row.mean()).isEqualTo(StudyFixtures.FORMATS.indexOf(row.format()) + 1.0);
      assertThat(row.sem()).isZero();
      assertThat(row.percentBest()).isEqualTo(row.format().equals("AVHS") ? 100.0 : 0.0);
    }
  }

  @Test
  void ordersDifferBetweenRatersAndNeverNameTheMethod() {
    Map<String, String> firstSlots = null;
    boolean someDifference = false;
    for (int r = 0; r < 3; r++) {
      WebClient rater = new WebClient(server.baseUrl());
      List<String[]> items = items(rater.get(raterPath(r)));
      for (String[] item : items) {
        WebClient.Response page = rater.get(item[0]);
        for (String format : StudyFixtures.FORMATS) assertThat(page.body()).doesNotContain(format).doesNotContain(format.toLowerCase());
        if (item[1].equals(items(new WebClient(server.baseUrl()).get(raterPath(0))).get(0)[1])) {
          if (firstSlots == null) firstSlots = page.slots();
          else someDifference |= !page.slots().equals(firstSlots);
        }
      }
    }
    // 3 raters x 1 item: the same 5-permutation thrice has probability 1/14400.
    assertThat(someDifference).isTrue();
  }

  @Test
  void untrustedTextIsEscapedEverywhere() {
    WebClient rater = new WebClient(server.baseUrl());
    String itemOfFirstNeuron = firstNeuronItemPath(rater);
    String body = rater.get(itemOfFirstNeuron).body();
    assertThat(body).doesNotContain("<img src=x").doesNotContain("<script>alert");
    assertThat(body).contains("&lt;img src=x onerror=alert(1)&gt;").contains("&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;");
    assertThat(rater.get(raterPath(0)).body()).contains("Pilot &lt;b&gt;study&lt;/b&gt;").doesNotContain("<b>study");
    // No page allows scripts at all, should anything slip through.
    assertThat(rater.get(raterPath(0)).headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v).contains("default-src 'none'"));
  }

  String firstNeuronItemPath(WebClient rater) {
    for (String[] item : items(rater.get(raterPath(0)))) {
      if (rater.get(item[0]).body().contains("&lt;script&gt;")) return item[0];
    }
    throw new AssertionError("no item shows the first neuron");
  }

  @Test
  void refusesRatingsOutsideOneToFiveAndMissingChoices() {
    WebClient rater = new WebClient(server.baseUrl());
    String item = items(rater.get(raterPath(0))).get(0)[0];
    WebClient.Response page = rater.get(item);

    Map<String, String> form = answerByFormat(page);
    form.put("rating_B", "6");
    WebClient.Response tooHigh = rater.post(item, form);
    assertThat(tooHigh.status()).isEqualTo(400);
    assertThat(tooHigh.body()).contains("explanation B must be a whole number from 1 to 5; got &#39;6&#39;");

    form.put("rating_B", "0");
    assertThat(rater.post(item, form).status()).isEqualTo(400);
    form.put("rating_B", "2.5");
    assertThat(rater.post(item, form).status()).isEqualTo(400);
    form.remove("rating_B");
    assertThat(rater.post(item, form).body()).contains("Explanation B has no rating");
    form.put("rating_B", "3");
    form.put("best", "Z");
    assertThat(rater.post(item, form).status()).isEqualTo(400);
    form.remove("best");
    assertThat(rater.post(item, form).body()).contains("Pick the explanation you find best");
    assertThat(answersInDatabase()).isZero();
  }

  @Test
  void refusesItemsOfAnotherStudyAndUnknownLinks() {
    // A second study in the same database, with its own rater.
    StudyStore.CreatedStudy other;
    try (StudyStore store = StudyStore.open(setup.db())) {
      NewStudy second = StudyInputs.fromTable(ExplanationTable.read(setup.data().resolve("explanations.csv")),
          new dev.neuronscribe.activations.NeuronRecordDirectory(setup.data()),
          new StudyInputs.Options("Second", java.util.Optional.of("gpt-4"), List.of(), setup.neurons().subList(0, 2), 3, 0, "x"));
      other = store.createStudy(second, List.of("someone else"));
    }
    WebClient rater = new WebClient(server.baseUrl());
    String anyItem = items(rater.get(raterPath(0))).get(0)[0];
    String csrf = rater.get(anyItem).csrf();
    WebClient stranger = new WebClient(server.baseUrl());
    List<String[]> foreignItems = items(stranger.get("/r/" + other.raters().get(0).token()));
    assertThat(foreignItems).hasSize(2);

    String foreignId = foreignItems.get(0)[1];
    WebClient.Response foreign = rater.post(raterPath(0) + "/items/" + foreignId,
        Map.of("_csrf", csrf, "rating_A", "3", "rating_B", "3", "rating_C", "3", "rating_D", "3", "rating_E", "3", "best", "A"));
    assertThat(foreign.status()).isEqualTo(404);
    assertThat(foreign.body()).contains("not part of your study");
    assertThat(rater.get(raterPath(0) + "/items/" + foreignId).status()).isEqualTo(404);
    assertThat(rater.get("/r/AAAAAAAAAAAAAAAAAAAAAA").status()).isEqualTo(404);
    assertThat(rater.get("/r/%3Cscript%3E").status()).isEqualTo(404);
    assertThat(answersInDatabase()).isZero();
  }

  @Test
  void doubleSubmissionIsIdempotentAndAChangedAnswerIsRefused() {
    WebClient rater = new WebClient(server.baseUrl());
    String item = items(rater.get(raterPath(0))).get(0)[0];
    Map<String, String> form = answerByFormat(rater.get(item));
    WebClient.Response first = rater.post(item, form);
    WebClient.Response again = rater.post(item, form);
    assertThat(first.status()).isEqualTo(303);
    assertThat(again.status()).isEqualTo(303);
    assertThat(again.location()).isEqualTo(first.location());

    Map<String, String> changed = new HashMap<>(form);
    changed.put("rating_A", form.get("rating_A").equals("1") ? "2" : "1");
    WebClient.Response conflict = rater.post(item, changed);
    assertThat(conflict.status()).isEqualTo(409);
    assertThat(answersInDatabase()).isEqualTo(1);
    assertThat(tableOfStudy().rows()).allSatisfy(r -> assertThat(r.ratings()).isEqualTo(1));
    // The answered item is shown filled in and locked.
    assertThat(rater.get(item).body()).contains("Your answer to this item is saved").contains(" disabled");
  }

  @Test
  void crossSitePostsAreRefused() {
    WebClient rater = new WebClient(server.baseUrl());
    String item = items(rater.get(raterPath(0))).get(0)[0];
    Map<String, String> form = answerByFormat(rater.get(item));

    assertThat(rater.post(item, form, "Origin", "http://evil.example").status()).isEqualTo(403);
    assertThat(rater.post(item, form, "Origin", "null").status()).isEqualTo(403);
    assertThat(rater.post(item, form, "-Origin", "").status()).as("neither Origin nor Referer").isEqualTo(403);
    assertThat(rater.post(item, form, "-Origin", "", "Referer", "http://evil.example/page").status()).isEqualTo(403);
    Map<String, String> noToken = new HashMap<>(form);
    noToken.remove("_csrf");
    assertThat(rater.post(item, noToken).status()).isEqualTo(403);
    Map<String, String> wrongToken = new HashMap<>(form);
    wrongToken.put("_csrf", "0".repeat(64));
    assertThat(rater.post(item, wrongToken).status()).isEqualTo(403);
    // Another browser's valid token is not this browser's.
    WebClient other = new WebClient(server.baseUrl());
    Map<String, String> othersToken = new HashMap<>(form);
    othersToken.put("_csrf", other.get(items(other.get(raterPath(1))).get(0)[0]).csrf());
    assertThat(rater.post(item, othersToken).status()).isEqualTo(403);
    assertThat(answersInDatabase()).isZero();

    // A same-origin post with a Referer and no Origin (older browsers) is fine.
    assertThat(rater.post(item, form, "-Origin", "", "Referer", server.baseUrl() + item).status()).isEqualTo(303);
  }

  @Test
  void organiserPagesNeedTheOrganiserToken() {
    WebClient anyone = new WebClient(server.baseUrl());
    assertThat(anyone.get("/results").status()).isEqualTo(401);
    assertThat(anyone.get("/neurons").status()).isEqualTo(401);
    assertThat(anyone.get("/studies/" + setup.studyId()).status()).isEqualTo(401);
    assertThat(anyone.get("/results/table5.csv").status()).isEqualTo(401);
    assertThat(anyone.get("/").status()).isEqualTo(303);
    assertThat(anyone.get("/login?token=wrong-token-wrong-token").body()).contains("not the organiser token");
    WebClient.Response login = anyone.get("/login");
    assertThat(anyone.post("/login", Map.of("_csrf", login.csrf(), "token", "nope-nope-nope-nope")).status()).isEqualTo(401);
    assertThat(anyone.get("/results").status()).isEqualTo(401);

    WebClient organiser = new WebClient(server.baseUrl());
    WebClient.Response signIn = organiser.post("/login", Map.of("_csrf", organiser.get("/login").csrf(), "token", ORGANISER));
    assertThat(signIn.status()).isEqualTo(303);
    assertThat(organiser.get("/").body()).contains("Pilot &lt;b&gt;study&lt;/b&gt;");
    assertThat(organiser.get("/results").body()).contains("Mean rating ± SEM").contains("gpt-3.5-turbo");
    assertThat(organiser.get("/results/table5.csv").body()).startsWith("explainer_model,format,n_ratings,mean_rating,sem,");
    // Scripts can use a bearer token instead of a cookie.
    assertThat(anyone.get("/studies/" + setup.studyId() + "/table5.csv", "Authorization", "Bearer " + ORGANISER).status()).isEqualTo(200);
  }

  @Test
  void organiserAddsRatersAndReissuesALink() {
    WebClient organiser = new WebClient(server.baseUrl());
    organiser.get("/login?token=" + ORGANISER);
    WebClient.Response study = organiser.get("/studies/" + setup.studyId());
    WebClient.Response added = organiser.post("/studies/" + setup.studyId() + "/raters", Map.of("_csrf", study.csrf(), "labels", "Ada, <Grace>"));
    assertThat(added.status()).isEqualTo(200);
    assertThat(added.body()).contains("&lt;Grace&gt;");
    Matcher link = Pattern.compile("/r/([A-Za-z0-9_-]{22})</code>").matcher(added.body());
    assertThat(link.find()).isTrue();
    assertThat(new WebClient(server.baseUrl()).get("/r/" + link.group(1)).status()).isEqualTo(200);

    long raterId = setup.raters().get(0).raterId();
    WebClient.Response reissued = organiser.post("/studies/" + setup.studyId() + "/raters/" + raterId + "/link", Map.of("_csrf", study.csrf()));
    assertThat(reissued.status()).isEqualTo(200);
    assertThat(new WebClient(server.baseUrl()).get(raterPath(0)).status()).as("the old link stops working").isEqualTo(404);
  }

  @Test
  void refusesRequestsForOtherHostNamesWhileOnLoopback() throws Exception {
    assertThat(rawStatus("127.0.0.1:" + server.port())).isEqualTo(303);
    assertThat(rawStatus("localhost:" + server.port())).isEqualTo(303);
    assertThat(rawStatus("rebound.evil.example:" + server.port())).isEqualTo(403);
  }

  int rawStatus(String hostHeader) throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      OutputStream out = s.getOutputStream();
      out.write(("GET / HTTP/1.1\r\nHost: " + hostHeader + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String status = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
      return Integer.parseInt(status.split(" ")[1]);
    }
  }

  @Test
  void concurrentRatersLoseNothing() throws Exception {
    // More raters than the fixture made: 12 raters answer 6 items each, all at once, every answer sent twice.
    List<StudyStore.RaterLink> links;
    try (StudyStore store = StudyStore.open(setup.db())) {
      links = store.addRaters(setup.studyId(), java.util.stream.IntStream.range(0, 12).mapToObj(i -> "busy " + i).toList());
    }
    CyclicBarrier go = new CyclicBarrier(links.size());
    ExecutorService pool = Executors.newFixedThreadPool(links.size());
    try {
      List<Future<Integer>> done = new java.util.ArrayList<>();
      for (StudyStore.RaterLink link : links) {
        done.add(pool.submit(() -> {
          WebClient c = new WebClient(server.baseUrl());
          List<String[]> items = items(c.get("/r/" + link.token()));
          List<Map<String, String>> forms = new java.util.ArrayList<>();
          for (String[] item : items) forms.add(answerByFormat(c.get(item[0])));
          go.await();
          int saved = 0;
          for (int k = 0; k < items.size(); k++) {
            if (c.post(items.get(k)[0], forms.get(k)).status() == 303) saved++;
            if (c.post(items.get(k)[0], forms.get(k)).status() != 303) throw new AssertionError("re-post not idempotent");
          }
          return saved;
        }));
      }
      for (Future<Integer> f : done) assertThat(f.get()).isEqualTo(6);
    } finally {
      pool.shutdownNow();
    }
    assertThat(answersInDatabase()).isEqualTo(12 * 6);
    assertThat(tableOfStudy().rows()).allSatisfy(r -> {
      assertThat(r.ratings()).isEqualTo(72);
      assertThat(r.mean()).isEqualTo(StudyFixtures.FORMATS.indexOf(r.format()) + 1.0);
    });
  }

  int answersInDatabase() {
    try (StudyStore store = StudyStore.open(setup.db())) {
      return store.studies().stream().filter(s -> s.id() == setup.studyId()).findFirst().orElseThrow().answers();
    }
  }

  Table5 tableOfStudy() {
    try (StudyStore store = StudyStore.open(setup.db())) {
      return new StudyResults(store).table5(OptionalLong.of(setup.studyId()));
    }
  }
}
