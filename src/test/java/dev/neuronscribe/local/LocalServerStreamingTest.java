package dev.neuronscribe.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code "stream": true} on {@code scribe llm serve}, over real HTTP on the held-out tiny checkpoint: the events
 * as OpenAI sends them, and the streamed pieces joined equal to the whole reply to the same request (text,
 * log-probabilities, finish reasons, usage).
 */
class LocalServerStreamingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static LocalServer server;

  @BeforeAll
  static void start() {
    server = LocalServer.start(LocalLlm.of(LocalServerTest.HELDOUT, Optional.empty()), 0);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode whole(String path, ObjectNode request) throws IOException, InterruptedException {
    HttpResponse<String> r = post(path, request.toString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  /** The events of a streamed reply, checked for the framing: text/event-stream, "data: " lines, [DONE] last. */
  private static List<JsonNode> streamed(String path, ObjectNode request) throws IOException, InterruptedException {
    request.put("stream", true);
    HttpResponse<String> r = post(path, request.toString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
    String body = r.body();
    assertThat(body).endsWith("data: [DONE]\n\n");
    List<JsonNode> events = new ArrayList<>();
    String[] parts = body.split("\n\n", -1);
    assertThat(parts[parts.length - 1]).isEmpty();
    for (int i = 0; i < parts.length - 2; i++) {
      assertThat(parts[i]).startsWith("data: ").doesNotContain("\n");
      events.add(JSON.readTree(parts[i].substring("data: ".length())));
    }
    assertThat(parts[parts.length - 2]).isEqualTo("data: [DONE]");
    return events;
  }

  /**
   * The same JSON, but numbers to 1e-6: the model's forward pass is not bit-for-bit the same from one request to the
   * next while the JIT compiles its vector kernels (sums taken in another order), so two replies to one request may
   * differ in the 8th digit of a log-probability. Tokens, texts, keys and order must be identical.
   */
  private static void assertSame(JsonNode actual, JsonNode expected, String where) {
    if (expected.isNumber() && !expected.isIntegralNumber()) {
      assertThat(actual.isNumber()).as(where).isTrue();
      assertThat(actual.asDouble()).as(where).isCloseTo(expected.asDouble(), org.assertj.core.data.Offset.offset(1e-6));
    } else if (expected.isArray()) {
      assertThat(actual.isArray()).as(where).isTrue();
      assertThat(actual.size()).as(where).isEqualTo(expected.size());
      for (int i = 0; i < expected.size(); i++) assertSame(actual.get(i), expected.get(i), where + "[" + i + "]");
    } else if (expected.isObject()) {
      List<String> a = new ArrayList<>(), e = new ArrayList<>();
      actual.fieldNames().forEachRemaining(a::add);
      expected.fieldNames().forEachRemaining(e::add);
      assertThat(a).as(where).isEqualTo(e);
      for (String f : e) assertSame(actual.get(f), expected.get(f), where + "." + f);
    } else {
      assertThat(actual).as(where).isEqualTo(expected);
    }
  }

  private static ObjectNode chatRequest(int n, double temperature, int maxTokens) {
    ObjectNode req = JSON.createObjectNode().put("model", "heldout").put("n", n).put("temperature", temperature).put("max_tokens", maxTokens)
        .put("seed", 11).put("logprobs", true).put("top_logprobs", 3);
    req.putArray("messages").addObject().put("role", "user").put("content", "name three colours");
    return req;
  }

  @Test
  void chatStreamJoinsToTheWholeReplyChoiceByChoice() throws Exception {
    for (int n : new int[] {1, 3}) {
      ObjectNode req = chatRequest(n, n == 1 ? 0 : 0.9, 24);
      JsonNode whole = whole("/chat/completions", req.deepCopy());
      ObjectNode streamReq = req.deepCopy();
      streamReq.putObject("stream_options").put("include_usage", true);
      List<JsonNode> events = streamed("/chat/completions", streamReq);

      String id = events.getFirst().get("id").asText();
      assertThat(id).startsWith("chatcmpl-");
      JsonNode last = events.getLast();
      assertThat(last.get("choices")).isEmpty(); // the usage chunk
      assertThat(last.get("usage")).isEqualTo(whole.get("usage"));
      for (JsonNode e : events.subList(0, events.size() - 1)) {
        assertThat(e.get("id").asText()).isEqualTo(id);
        assertThat(e.get("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(e.get("model").asText()).isEqualTo("heldout");
        assertThat(e.get("created").asLong()).isPositive();
        assertThat(e.get("choices")).hasSize(1);
        assertThat(e.has("usage") && e.get("usage").isNull()).as("usage: null before the last chunk").isTrue();
      }
      for (int i = 0; i < n; i++) {
        List<JsonNode> mine = new ArrayList<>();
        for (JsonNode e : events.subList(0, events.size() - 1)) if (e.at("/choices/0/index").asInt() == i) mine.add(e.get("choices").get(0));
        assertThat(mine.size()).as("role, content, finish chunks of choice %d", i).isGreaterThanOrEqualTo(3);
        assertThat(mine.getFirst().get("delta")).isEqualTo(JSON.readTree("{\"role\": \"assistant\", \"content\": \"\"}"));
        JsonNode end = mine.getLast();
        assertThat(end.get("delta")).isEmpty();
        JsonNode expected = whole.get("choices").get(i);
        assertThat(end.get("finish_reason").asText()).isEqualTo(expected.get("finish_reason").asText());
        StringBuilder text = new StringBuilder();
        ArrayNode logprobs = JSON.createArrayNode();
        for (JsonNode c : mine.subList(1, mine.size() - 1)) {
          assertThat(c.get("finish_reason").isNull()).isTrue();
          assertThat(c.get("delta").size()).isEqualTo(1);
          text.append(c.at("/delta/content").asText());
          logprobs.addAll((ArrayNode) c.at("/logprobs/content"));
        }
        assertThat(text.toString()).isEqualTo(expected.at("/message/content").asText()).isNotEmpty();
        assertSame(logprobs, expected.at("/logprobs/content"), "choice " + i + " logprobs");
      }
    }
  }

  @Test
  void completionsStreamJoinsToTheWholeReplyWithEchoAndLegacyLogprobs() throws Exception {
    ObjectNode req = JSON.createObjectNode().put("model", "heldout").put("prompt", "the cat sat on").put("temperature", 0).put("max_tokens", 20)
        .put("echo", true).put("logprobs", 2);
    JsonNode whole = whole("/completions", req.deepCopy());
    List<JsonNode> events = streamed("/completions", req.deepCopy());
    assertThat(events.getFirst().get("id").asText()).startsWith("cmpl-");
    StringBuilder text = new StringBuilder();
    ObjectNode lp = JSON.createObjectNode();
    for (String f : new String[] {"tokens", "token_logprobs", "top_logprobs", "text_offset"}) lp.putArray(f);
    for (JsonNode e : events.subList(0, events.size() - 1)) {
      assertThat(e.get("object").asText()).isEqualTo("text_completion");
      assertThat(e.has("usage")).as("no usage unless asked").isFalse();
      JsonNode c = e.get("choices").get(0);
      assertThat(c.get("index").asInt()).isZero();
      assertThat(c.get("finish_reason").isNull()).isTrue();
      text.append(c.get("text").asText());
      for (String f : new String[] {"tokens", "token_logprobs", "top_logprobs", "text_offset"}) ((ArrayNode) lp.get(f)).addAll((ArrayNode) c.at("/logprobs/" + f));
    }
    assertThat(events.getFirst().at("/choices/0/text").asText()).isEqualTo("the cat sat on"); // the echo comes first
    JsonNode end = events.getLast().get("choices").get(0);
    assertThat(end.get("text").asText()).isEmpty();
    assertThat(end.get("finish_reason").asText()).isEqualTo(whole.at("/choices/0/finish_reason").asText());
    assertThat(text.toString()).isEqualTo(whole.at("/choices/0/text").asText());
    assertSame(lp, whole.at("/choices/0/logprobs"), "logprobs");
  }

  @Test
  void everyChoiceOfEveryPromptStreamsWithItsIndexAndUsageCountsAsTheWholeReply() throws Exception {
    ObjectNode req = JSON.createObjectNode().put("model", "heldout").put("temperature", 1.0).put("seed", 5).put("n", 2).put("max_tokens", 10);
    req.putArray("prompt").add("one two").add("red green blue");
    JsonNode whole = whole("/completions", req.deepCopy());
    ObjectNode streamReq = req.deepCopy();
    streamReq.putObject("stream_options").put("include_usage", true);
    List<JsonNode> events = streamed("/completions", streamReq);
    assertThat(events.getLast().get("usage")).isEqualTo(whole.get("usage"));
    for (int i = 0; i < 4; i++) {
      StringBuilder text = new StringBuilder();
      String finish = null;
      for (JsonNode e : events.subList(0, events.size() - 1)) {
        JsonNode c = e.get("choices").get(0);
        if (c.get("index").asInt() != i) continue;
        assertThat(finish).as("nothing after the finish chunk of choice %d", i).isNull();
        text.append(c.get("text").asText());
        if (!c.get("finish_reason").isNull()) finish = c.get("finish_reason").asText();
      }
      assertThat(text.toString()).isEqualTo(whole.at("/choices/" + i + "/text").asText());
      assertThat(finish).isEqualTo(whole.at("/choices/" + i + "/finish_reason").asText());
    }
  }

  @Test
  void aStopStringIsNeverSentEvenInPartsAndTheTextEndsBeforeIt() throws Exception {
    ObjectNode free = JSON.createObjectNode().put("model", "heldout").put("prompt", "abc").put("temperature", 0).put("max_tokens", 30);
    String text = whole("/completions", free).at("/choices/0/text").asText();
    assertThat(text.length()).as("the greedy text this test cuts").isGreaterThanOrEqualTo(8);
    // A stop string that starts in one token's text and ends in a later one's, wherever the tokens split.
    String stop = text.substring(text.length() / 2, text.length() / 2 + 3);
    ObjectNode req = free.deepCopy();
    req.putArray("stop").add(stop).add("\u0000never");
    JsonNode whole = whole("/completions", req.deepCopy());
    assertThat(whole.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    List<JsonNode> events = streamed("/completions", req);
    StringBuilder joined = new StringBuilder();
    for (JsonNode e : events) joined.append(e.at("/choices/0/text").asText());
    assertThat(joined.toString()).isEqualTo(whole.at("/choices/0/text").asText()).isEqualTo(text.substring(0, text.indexOf(stop)));
    assertThat(events.getLast().at("/choices/0/finish_reason").asText()).isEqualTo("stop");
  }

  @Test
  void charactersMadeOfSeveralTokensAreNeverSplitAcrossChunks() throws Exception {
    // The random tiny model writes byte tokens freely; sampled replies give characters whose UTF-8 bytes come from
    // several tokens. Every piece sent must be whole characters: joined, they equal the reply, and no piece shows
    // U+FFFD where the reply has none.
    int multiByte = 0;
    for (int seed = 0; seed < 12 && multiByte < 3; seed++) {
      ObjectNode req = JSON.createObjectNode().put("model", "heldout").put("prompt", "été ünï 日本").put("temperature", 1.5).put("seed", seed)
          .put("max_tokens", 40).put("logprobs", 0);
      JsonNode whole = whole("/completions", req.deepCopy());
      String text = whole.at("/choices/0/text").asText();
      List<JsonNode> events = streamed("/completions", req);
      StringBuilder joined = new StringBuilder();
      for (JsonNode e : events) {
        String piece = e.at("/choices/0/text").asText();
        if (!text.contains("\uFFFD")) assertThat(piece).doesNotContain("\uFFFD");
        joined.append(piece);
      }
      assertThat(joined.toString()).isEqualTo(text);
      // Count characters past ASCII built from more than one generated token (a token shown as bytes:\x..).
      JsonNode tokens = whole.at("/choices/0/logprobs/tokens");
      boolean split = false;
      for (JsonNode t : tokens) split |= t.asText().startsWith("bytes:");
      if (split && text.codePoints().anyMatch(c -> c > 0x7f && c != 0xFFFD)) multiByte++;
    }
    assertThat(multiByte).as("replies with a character made of byte tokens, among those tried").isPositive();
  }

  @Test
  void aRequestItCannotServeGetsAJsonErrorBeforeAnyEvent() throws Exception {
    String[][] cases = {
        {"/completions", "{\"model\": \"x\", \"prompt\": \"a\", \"stream\": true, \"temperature\": 3}", "temperature"},
        {"/completions", "{\"model\": \"x\", \"prompt\": \"a\", \"stream_options\": {\"include_usage\": true}}", "stream_options"},
        {"/completions", "{\"model\": \"x\", \"prompt\": \"a\", \"stream\": true, \"stream_options\": {\"include_usage\": 1}}", "stream_options.include_usage"},
        {"/completions", "{\"model\": \"x\", \"prompt\": \"a\", \"stream\": \"yes\"}", "stream"},
        {"/chat/completions", "{\"model\": \"x\", \"stream\": true, \"messages\": [{\"role\": \"tool\", \"content\": \"a\"}]}", "messages[0].role"},
        {"/completions", "{\"model\": \"x\", \"stream\": true, \"prompt\": \"" + "word ".repeat(200) + "\"}", "prompt"},
    };
    for (String[] c : cases) {
      HttpResponse<String> r = post(c[0], c[1]);
      assertThat(r.statusCode()).as(c[1]).isEqualTo(400);
      assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
      assertThat(JSON.readTree(r.body()).at("/error/param").asText()).as(c[1]).isEqualTo(c[2]);
    }
  }

  @Test
  void theInProcessClientIsToldThatStreamingIsForHttp() {
    OpenAiReply r = new OpenAiReply(server.model().handle("/completions", "{\"model\": \"x\", \"prompt\": \"a\", \"stream\": true}"));
    assertThat(r.status).isEqualTo(400);
    assertThat(r.body.at("/error/param").asText()).isEqualTo("stream");
  }

  private static final class OpenAiReply {
    final int status;
    final JsonNode body;

    OpenAiReply(dev.neuronscribe.llm.OpenAiCompatibleClient.InProcessServer.Reply r) {
      status = r.status();
      try {
        body = JSON.readTree(r.body());
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @Test
  void aClientThatGoesAwayStopsTheGenerationAndALateFailureIsAnEvent() throws Exception {
    // In the protocol: the sink fails on the third event, as the server's does when the connection is gone. The
    // failure ends the generation where it is (no error event, no [DONE]) and the model is free for the next request.
    Protocol protocol = server.model().protocol();
    Protocol.Answer a = protocol.answer("/completions",
        "{\"model\": \"x\", \"prompt\": \"once upon\", \"temperature\": 0, \"max_tokens\": 60, \"stream\": true}", OptionalLong.empty());
    assertThat(a).isInstanceOf(Protocol.Streamed.class);
    List<String> sent = new ArrayList<>();
    assertThatThrownBy(() -> ((Protocol.Streamed) a).run(data -> {
      if (sent.size() == 2) throw new Protocol.Disconnected(new IOException("Broken pipe"));
      sent.add(data);
    })).isInstanceOf(Protocol.Disconnected.class);
    assertThat(sent).hasSize(2).noneMatch(d -> d.equals("[DONE]") || d.contains("\"error\""));

    // A failure after the first event (here the sink's own, standing for the model's) cannot change the status any
    // more: it goes as an event with the error object, then [DONE].
    Protocol.Answer b = protocol.answer("/chat/completions",
        "{\"model\": \"x\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"max_tokens\": 30, \"stream\": true}", OptionalLong.empty());
    List<String> events = new ArrayList<>();
    ((Protocol.Streamed) b).run(data -> {
      events.add(data);
      if (events.size() == 2) throw new IllegalStateException("failed on purpose");
    });
    assertThat(events).hasSize(4);
    assertThat(JSON.readTree(events.get(2)).at("/error/type").asText()).isEqualTo("server_error");
    assertThat(JSON.readTree(events.get(2)).at("/error/message").asText()).contains("failed on purpose");
    assertThat(events.get(3)).isEqualTo("[DONE]");

    // Over HTTP: a client reads the first event and hangs up; the server goes on answering others.
    try (Socket socket = new Socket(LocalServer.HOST, server.port())) {
      byte[] body = "{\"model\": \"x\", \"prompt\": \"once upon\", \"temperature\": 1, \"max_tokens\": 80, \"stream\": true}".getBytes(StandardCharsets.UTF_8);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      Set<String> seen = new HashSet<>();
      for (String line = in.readLine(); line != null && !line.startsWith("data: "); line = in.readLine()) seen.add(line.toLowerCase(java.util.Locale.ROOT));
      assertThat(seen).anyMatch(h -> h.startsWith("content-type: text/event-stream"));
    }
    ObjectNode after = JSON.createObjectNode().put("model", "x").put("prompt", "after").put("temperature", 0).put("max_tokens", 3);
    assertThat(whole("/completions", after).at("/choices/0/text").isTextual()).isTrue();
  }
}
