package dev.neuronscribe.activations;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.neuronscribe.testing.TestData;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a real HTTP server on localhost laid out like OpenAI's bucket, with failures injected per
 * path: server errors, slow answers, 404s, rate limits and damaged content.
 */
class OpenAiPublicDataTest {
  /** What the server does for one request to a path; the last action repeats. */
  sealed interface Action permits Serve, Status, Slow {}

  record Serve(String body) implements Action {}

  record Status(int code) implements Action {}

  record Slow(long millis, String body) implements Action {}

  HttpServer server;
  ExecutorService serverThreads;
  final Map<String, Deque<Action>> script = new ConcurrentHashMap<>();
  final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
  final AtomicInteger inFlight = new AtomicInteger();
  final AtomicInteger maxInFlight = new AtomicInteger();
  @TempDir Path cache;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    serverThreads = Executors.newFixedThreadPool(16);
    server.setExecutor(serverThreads);
    server.createContext("/neuron-explainer/data/", exchange -> {
      String path = exchange.getRequestURI().getPath().substring("/neuron-explainer/data/".length());
      requests.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
      maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      try {
        Deque<Action> actions = script.get(path);
        Action a = actions == null ? new Status(404) : actions.size() > 1 ? actions.pollFirst() : actions.peekFirst();
        switch (a) {
          case Status s -> {
            if (s.code() == 429) exchange.getResponseHeaders().add("Retry-After", "0");
            exchange.sendResponseHeaders(s.code(), -1);
          }
          case Serve s -> send(exchange, s.body());
          case Slow s -> {
            try {
              Thread.sleep(s.millis());
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            send(exchange, s.body());
          }
        }
      } finally {
        inFlight.decrementAndGet();
        exchange.close();
      }
    });
    server.start();
  }

  private static void send(com.sun.net.httpserver.HttpExchange exchange, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, b.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(b);
    }
  }

  @AfterEach
  void stop() {
    server.stop(0);
    serverThreads.shutdownNow();
  }

  void on(String path, Action... actions) {
    script.put(path, new ArrayDeque<>(List.of(actions)));
  }

  OpenAiPublicData data(int jobs, int attempts, Duration timeout) {
    URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/neuron-explainer/data");
    return new OpenAiPublicData(new OpenAiPublicData.Settings(base, cache, jobs, attempts, timeout, Duration.ofMillis(10)));
  }

  static String record(int layer, int neuron) {
    return NeuronRecordJson.toJson(NeuronRecord.of(new NeuronId(layer, neuron),
        List.of(new ActivationRecord(List.of("The", " cat"), new double[] {0.5, 3.25})),
        List.of(new ActivationRecord(List.of(" dog"), new double[] {-0.1}))));
  }

  static final String EXPLANATIONS = "{\"dataclass_name\": \"NeuronSimulationResults\", \"neuron_id\": {\"layer_index\": 0, \"neuron_index\": 1}}\n";

  @Test
  void downloadsValidatesAndStoresInOpenAisLayout() throws Exception {
    on("collated-activations/0/1.json", new Serve(record(0, 1)));
    on("explanations/0/1.jsonl", new Serve(EXPLANATIONS));
    OpenAiPublicData d = data(4, 3, Duration.ofSeconds(5));
    List<OpenAiPublicData.Outcome> out = d.fetch(List.of(new NeuronId(0, 1)), EnumSet.allOf(OpenAiPublicData.Kind.class), o -> {});
    assertThat(out).extracting(OpenAiPublicData.Outcome::status).containsOnly(OpenAiPublicData.Status.DOWNLOADED);
    assertThat(d.records().read(new NeuronId(0, 1)).mostPositiveActivationRecords().getFirst().activation(1)).isEqualTo(3.25);
    assertThat(Files.readString(cache.resolve("explanations/0/1.jsonl"))).isEqualTo(EXPLANATIONS);
  }

  @Test
  void retriesServerErrorsTimeoutsAndRateLimitsThenSucceeds() throws Exception {
    on("collated-activations/1/2.json", new Status(500), new Status(503), new Serve(record(1, 2)));
    on("collated-activations/1/3.json", new Slow(1500, record(1, 3)), new Serve(record(1, 3)));
    on("collated-activations/1/4.json", new Status(429), new Serve(record(1, 4)));
    OpenAiPublicData d = data(4, 3, Duration.ofMillis(400));
    List<OpenAiPublicData.Outcome> out = d.fetch(List.of(new NeuronId(1, 2), new NeuronId(1, 3), new NeuronId(1, 4)),
        EnumSet.of(OpenAiPublicData.Kind.RECORD), o -> {});
    assertThat(out).extracting(OpenAiPublicData.Outcome::status).containsOnly(OpenAiPublicData.Status.DOWNLOADED);
    assertThat(out).extracting(OpenAiPublicData.Outcome::attempts).containsExactly(3, 2, 2);
    assertThat(requests.get("collated-activations/1/2.json").get()).isEqualTo(3);
  }

  @Test
  void saysWhatCouldNotBeHadAndWhy() throws Exception {
    on("collated-activations/2/1.json", new Status(500));
    on("collated-activations/2/2.json", new Serve("{\"dataclass_name\": \"NeuronRecord\", \"neuron_id\": "));
    on("collated-activations/2/3.json", new Serve(record(9, 9)));
    on("collated-activations/2/4.json", new Status(403));
    OpenAiPublicData d = data(2, 2, Duration.ofSeconds(5));
    List<OpenAiPublicData.Outcome> out = d.fetch(
        List.of(new NeuronId(2, 0), new NeuronId(2, 1), new NeuronId(2, 2), new NeuronId(2, 3), new NeuronId(2, 4)),
        EnumSet.of(OpenAiPublicData.Kind.RECORD), o -> {});
    assertThat(out).extracting(OpenAiPublicData.Outcome::status).containsOnly(OpenAiPublicData.Status.FAILED);
    assertThat(out.get(0).detail()).contains("404").contains("2/0.json");
    assertThat(out.get(0).attempts()).isEqualTo(1);
    assertThat(out.get(1).detail()).contains("HTTP 500").contains("gave up after 2 attempts");
    assertThat(out.get(2).detail()).contains("not a valid NeuronRecord");
    assertThat(out.get(3).detail()).contains("says 9:9").contains("2:3");
    assertThat(out.get(4).detail()).contains("HTTP 403").contains("not retried");
    assertThat(requests.get("collated-activations/2/4.json").get()).isEqualTo(1);
    try (var files = Files.walk(cache)) {
      assertThat(files.filter(Files::isRegularFile).toList()).as("nothing half-written or invalid is kept").isEmpty();
    }
  }

  @Test
  void resumesWithoutFetchingWhatIsAlreadyCached() throws Exception {
    on("collated-activations/3/1.json", new Serve(record(3, 1)));
    on("collated-activations/3/2.json", new Status(500), new Status(500), new Serve(record(3, 2)));
    OpenAiPublicData d = data(2, 2, Duration.ofSeconds(5));
    List<NeuronId> ids = List.of(new NeuronId(3, 1), new NeuronId(3, 2));
    List<OpenAiPublicData.Outcome> first = d.fetch(ids, EnumSet.of(OpenAiPublicData.Kind.RECORD), o -> {});
    assertThat(first).extracting(OpenAiPublicData.Outcome::status)
        .containsExactly(OpenAiPublicData.Status.DOWNLOADED, OpenAiPublicData.Status.FAILED);
    List<OpenAiPublicData.Outcome> second = d.fetch(ids, EnumSet.of(OpenAiPublicData.Kind.RECORD), o -> {});
    assertThat(second).extracting(OpenAiPublicData.Outcome::status)
        .containsExactly(OpenAiPublicData.Status.CACHED, OpenAiPublicData.Status.DOWNLOADED);
    assertThat(requests.get("collated-activations/3/1.json").get()).isEqualTo(1);
  }

  @Test
  void boundsTheNumberOfDownloadsAtOnce() throws Exception {
    List<NeuronId> ids = new java.util.ArrayList<>();
    for (int i = 0; i < 12; i++) {
      ids.add(new NeuronId(4, i));
      on("collated-activations/4/" + i + ".json", new Slow(150, record(4, i)));
    }
    AtomicInteger heard = new AtomicInteger();
    List<OpenAiPublicData.Outcome> out = data(3, 1, Duration.ofSeconds(5)).fetch(ids, EnumSet.of(OpenAiPublicData.Kind.RECORD), o -> heard.incrementAndGet());
    assertThat(out).extracting(OpenAiPublicData.Outcome::status).containsOnly(OpenAiPublicData.Status.DOWNLOADED);
    assertThat(heard.get()).isEqualTo(12);
    assertThat(maxInFlight.get()).isBetween(2, 3);
  }

  @Test
  void acceptsOpenAisRealGpt2XlRecord() throws Exception {
    String real = Files.readString(TestData.require("reference/gpt2xl-neuron-1-1.json"));
    on("collated-activations/1/1.json", new Serve(real));
    OpenAiPublicData d = data(1, 1, Duration.ofSeconds(30));
    assertThat(d.fetch(List.of(new NeuronId(1, 1)), EnumSet.of(OpenAiPublicData.Kind.RECORD), o -> {}))
        .extracting(OpenAiPublicData.Outcome::status).containsExactly(OpenAiPublicData.Status.DOWNLOADED);
    assertThat(d.records().read(new NeuronId(1, 1)).mostPositiveActivationRecords()).isNotEmpty();
    assertThat(Files.readString(d.pathOf(new NeuronId(1, 1), OpenAiPublicData.Kind.RECORD))).isEqualTo(real);
  }

  @Test
  void rejectsExplanationFilesThatAreNotJsonLines() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> OpenAiPublicData.check(new NeuronId(0, 0), OpenAiPublicData.Kind.EXPLANATIONS,
        "{\"a\": 1}\n[1, 2]\n", "x.jsonl")).hasMessageContaining("line 2");
  }
}
