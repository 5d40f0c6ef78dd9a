package dev.neuronscribe.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuronscribe.llm.ChatReply;
import dev.neuronscribe.llm.ChatRequest;
import dev.neuronscribe.llm.CompletionReply;
import dev.neuronscribe.llm.CompletionRequest;
import dev.neuronscribe.llm.CostMeter;
import dev.neuronscribe.llm.LlmEndpoint;
import dev.neuronscribe.llm.LlmException;
import dev.neuronscribe.llm.LlmSettings;
import dev.neuronscribe.llm.OpenAiCompatibleClient;
import dev.neuronscribe.llm.Preset;
import dev.neuronscribe.prompts.Message;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code scribe llm serve} end to end over HTTP on the held-out tiny checkpoint of tools/make_local_llm_fixtures.py
 * (a Mistral-shaped model with random weights, ChatML template, byte-level BPE of 448 ids): the echoed prompt
 * log-probabilities against transformers', the protocol's fields one by one, errors, and our own client.
 */
class LocalServerTest {
  static final Path HELDOUT = Path.of("src", "test", "resources", "fixtures", "local-llm", "heldout");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static LocalServer server;

  @BeforeAll
  static void start() {
    server = LocalServer.start(LocalLlm.of(HELDOUT, Optional.empty()), 0);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode ok(String path, String body) throws IOException, InterruptedException {
    HttpResponse<String> r = post(path, body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
    return JSON.readTree(r.body());
  }

  /** The done-when check: /v1/completions echo log-probabilities equal transformers' (top-20 sets and values, 1e-4). */
  @Test
  void echoedPromptLogprobsEqualTransformers() throws Exception {
    JsonNode reference = JSON.readTree(HELDOUT.resolve("reference.json").toFile());
    assertThat(reference.get("top").asInt()).isEqualTo(20);
    TokenTexts texts = server.model().protocol().engine().texts();
    double worst = 0;
    int checked = 0;
    for (JsonNode prompt : reference.get("prompts")) {
      ObjectNode req = JSON.createObjectNode().put("model", "heldout").put("echo", true).put("logprobs", 20).put("max_tokens", 0).put("temperature", 0);
      req.set("prompt", prompt.get("token_ids"));
      JsonNode reply = ok("/completions", req.toString());
      JsonNode lp = reply.at("/choices/0/logprobs");
      int n = prompt.get("token_ids").size();
      assertThat(lp.get("tokens")).hasSize(n);
      assertThat(lp.get("token_logprobs")).hasSize(n);
      assertThat(lp.get("top_logprobs")).hasSize(n);
      assertThat(lp.get("text_offset")).hasSize(n);
      assertThat(lp.get("token_logprobs").get(0).isNull()).isTrue();
      assertThat(lp.get("top_logprobs").get(0).isNull()).isTrue();
      assertThat(reply.at("/usage/prompt_tokens").asInt()).isEqualTo(n);
      assertThat(reply.at("/usage/completion_tokens").asInt()).isZero();
      assertThat(reply.at("/choices/0/finish_reason").asText()).isEqualTo("length");
      for (int i = 1; i < n; i++) {
        // Reference row i-1 is the prediction made after token i-1, i.e. for token i.
        JsonNode ids = prompt.get("top_ids").get(i - 1), values = prompt.get("top_logprobs").get(i - 1);
        Map<String, Double> expected = new HashMap<>();
        for (int j = 0; j < ids.size(); j++) expected.put(texts.token(ids.get(j).asInt()), values.get(j).asDouble());
        assertThat(expected).as("20 distinct token texts at position %d", i).hasSize(20);
        JsonNode got = lp.get("top_logprobs").get(i);
        Set<String> keys = new HashSet<>();
        got.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).as("top-20 set at position %d", i).isEqualTo(expected.keySet());
        for (var e : expected.entrySet()) {
          double d = Math.abs(got.get(e.getKey()).asDouble() - e.getValue());
          worst = Math.max(worst, d);
          assertThat(d).as("position %d token %s", i, e.getKey()).isLessThanOrEqualTo(1e-4);
        }
        int actual = prompt.get("token_ids").get(i).asInt();
        for (int j = 0; j < ids.size(); j++) {
          if (ids.get(j).asInt() == actual) {
            assertThat(lp.get("token_logprobs").get(i).asDouble()).isCloseTo(values.get(j).asDouble(), org.assertj.core.data.Offset.offset(1e-4));
            checked++;
          }
        }
      }
    }
    assertThat(checked).as("prompt tokens whose own log-probability the reference holds").isPositive();
    assertThat(worst).isLessThanOrEqualTo(1e-4);
  }

  @Test
  void modelsListsTheServedModel() throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/models")).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode m = JSON.readTree(r.body());
    assertThat(m.get("object").asText()).isEqualTo("list");
    assertThat(m.at("/data/0/id").asText()).isEqualTo("heldout");
    assertThat(m.at("/data/0/object").asText()).isEqualTo("model");
    assertThat(m.at("/data/0/max_model_len").asInt()).isEqualTo(96);
  }

  @Test
  void chatCompletionHasEveryField() throws Exception {
    JsonNode r = ok("/chat/completions", """
        {"model": "heldout", "messages": [{"role": "user", "content": "hello there"}], "temperature": 0.8, "top_p": 0.9,
         "n": 3, "max_tokens": 6, "seed": 7, "logprobs": true, "top_logprobs": 4}""");
    assertThat(r.get("id").asText()).startsWith("chatcmpl-");
    assertThat(r.get("object").asText()).isEqualTo("chat.completion");
    assertThat(r.get("model").asText()).isEqualTo("heldout");
    assertThat(r.get("created").asLong()).isPositive();
    assertThat(r.get("choices")).hasSize(3);
    long completion = 0;
    for (int i = 0; i < 3; i++) {
      JsonNode c = r.get("choices").get(i);
      assertThat(c.get("index").asInt()).isEqualTo(i);
      assertThat(c.at("/message/role").asText()).isEqualTo("assistant");
      assertThat(c.get("finish_reason").asText()).isIn("stop", "length");
      JsonNode content = c.at("/logprobs/content");
      assertThat(content.size()).isBetween(1, 6);
      completion += content.size();
      StringBuilder joined = new StringBuilder();
      for (JsonNode t : content) {
        assertThat(t.get("logprob").asDouble()).isLessThanOrEqualTo(0);
        assertThat(t.get("top_logprobs")).hasSize(4);
        assertThat(t.get("bytes").isArray()).isTrue();
        double previous = 0;
        for (JsonNode alt : t.get("top_logprobs")) {
          assertThat(alt.get("logprob").asDouble()).isLessThanOrEqualTo(previous);
          previous = alt.get("logprob").asDouble();
        }
        byte[] b = new byte[t.get("bytes").size()];
        for (int j = 0; j < b.length; j++) b[j] = (byte) t.get("bytes").get(j).asInt();
        joined.append(new String(b, java.nio.charset.StandardCharsets.ISO_8859_1));
      }
      String text = new String(joined.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), java.nio.charset.StandardCharsets.UTF_8);
      if (c.get("finish_reason").asText().equals("length")) assertThat(content).hasSize(6);
      assertThat(c.at("/message/content").asText()).isEqualTo(text);
    }
    assertThat(r.at("/usage/completion_tokens").asLong()).isEqualTo(completion);
    assertThat(r.at("/usage/total_tokens").asLong()).isEqualTo(completion + r.at("/usage/prompt_tokens").asLong());
    // The prompt is the template's rendering: default system turn, the user turn, the assistant turn opened.
    int[] prompt = server.model().protocol().engine().chatTokens(List.of(Message.user("hello there")));
    assertThat(r.at("/usage/prompt_tokens").asInt()).isEqualTo(prompt.length);
    // The template's special tokens are single ids, as transformers' apply_chat_template(tokenize=True) gives them.
    assertThat(prompt[0]).isEqualTo(1); // <|im_start|>
    assertThat(java.util.Arrays.stream(prompt).filter(id -> id == 2).count()).isEqualTo(2); // <|im_end|> after system and user
  }

  @Test
  void aSeedGivesTheSameSamplesAndGreedyIsTheArgmax() throws Exception {
    String body = """
        {"model": "x", "prompt": "the cat sat", "temperature": 1.0, "n": 2, "max_tokens": 8, "seed": 42}""";
    JsonNode a = ok("/completions", body), b = ok("/completions", body);
    assertThat(a.get("choices")).isEqualTo(b.get("choices"));
    JsonNode other = ok("/completions", body.replace("42", "43"));
    assertThat(other.get("choices")).isNotEqualTo(a.get("choices"));
    // Greedy: every generated token is the most likely one at its position.
    JsonNode g = ok("/completions", """
        {"model": "x", "prompt": "the cat sat", "temperature": 0, "max_tokens": 5, "logprobs": 3}""");
    JsonNode lp = g.at("/choices/0/logprobs");
    for (int i = 0; i < lp.get("tokens").size(); i++) {
      double best = lp.get("top_logprobs").get(i).elements().next().asDouble();
      assertThat(lp.get("token_logprobs").get(i).asDouble()).isEqualTo(best);
    }
  }

  @Test
  void greedyGenerationMatchesTransformersTokenForToken() throws Exception {
    JsonNode reference = JSON.readTree(HELDOUT.resolve("reference.json").toFile());
    for (JsonNode prompt : reference.get("prompts")) {
      int k = prompt.get("greedy").size();
      ObjectNode req = JSON.createObjectNode().put("model", "x").put("temperature", 0).put("max_tokens", k).put("logprobs", 0);
      req.set("prompt", prompt.get("token_ids"));
      JsonNode r = ok("/completions", req.toString());
      // The reference's greedy ids, shown as this server shows tokens (generation may stop early at an end-of-turn id).
      TokenTexts texts = server.model().protocol().engine().texts();
      List<String> expected = new ArrayList<>();
      for (JsonNode id : prompt.get("greedy")) {
        if (server.model().protocol().engine().model().chat().endOfTurn().contains(id.asInt())) break;
        expected.add(texts.token(id.asInt()));
      }
      List<String> got = new ArrayList<>();
      r.at("/choices/0/logprobs/tokens").forEach(t -> got.add(t.asText()));
      assertThat(got).isEqualTo(expected);
    }
  }

  @Test
  void stopStringsCutTheTextAndMaxTokensEndsWithLength() throws Exception {
    JsonNode free = ok("/completions", """
        {"model": "x", "prompt": "abc", "temperature": 0, "max_tokens": 12}""");
    String text = free.at("/choices/0/text").asText();
    assertThat(free.at("/choices/0/finish_reason").asText()).isIn("length", "stop");
    if (text.length() >= 4) {
      String stop = text.substring(2, 4);
      JsonNode cut = ok("/completions", """
          {"model": "x", "prompt": "abc", "temperature": 0, "max_tokens": 12, "stop": %s}""".formatted(JSON.writeValueAsString(stop)));
      assertThat(cut.at("/choices/0/text").asText()).isEqualTo(text.substring(0, text.indexOf(stop)));
      assertThat(cut.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    }
    JsonNode echo = ok("/completions", """
        {"model": "x", "prompt": "abc", "echo": true, "temperature": 0, "max_tokens": 3, "logprobs": 2}""");
    assertThat(echo.at("/choices/0/text").asText()).startsWith("abc");
    assertThat(echo.at("/choices/0/logprobs/token_logprobs/0").isNull()).isTrue();
    assertThat(echo.at("/usage/completion_tokens").asInt()).isBetween(1, 3);
  }

  @Test
  void badRequestsGetOpenAiErrorObjects() throws Exception {
    Map<String, String> cases = Map.of(
        "{\"model\": \"x\", \"prompt\": \"a\", \"temperature\": 3}", "temperature",
        "{\"model\": \"x\", \"prompt\": \"a\", \"logprobs\": 21}", "logprobs",
        "{\"model\": \"x\", \"prompt\": \"a\", \"max_tokens\": 0}", "max_tokens",
        "{\"prompt\": \"a\"}", "model",
        "{\"model\": \"x\", \"prompt\": [1, 99999]}", "prompt",
        "{\"model\": \"x\", \"prompt\": \"" + "word ".repeat(200) + "\", \"max_tokens\": 0, \"echo\": true}", "prompt");
    for (var c : cases.entrySet()) {
      HttpResponse<String> r = post("/completions", c.getKey());
      assertThat(r.statusCode()).as(c.getKey()).isEqualTo(400);
      JsonNode e = JSON.readTree(r.body()).get("error");
      assertThat(e.get("message").asText()).isNotBlank();
      assertThat(e.get("type").asText()).isEqualTo("invalid_request_error");
      assertThat(e.get("param").asText()).isEqualTo(c.getValue());
      assertThat(e.has("code")).isTrue();
    }
    HttpResponse<String> tooLong = post("/completions", "{\"model\": \"x\", \"prompt\": \"" + "word ".repeat(200) + "\", \"max_tokens\": 0, \"echo\": true}");
    assertThat(JSON.readTree(tooLong.body()).at("/error/code").asText()).isEqualTo("context_length_exceeded");
    assertThat(JSON.readTree(tooLong.body()).at("/error/message").asText()).contains("maximum context length is 96 tokens");
    HttpResponse<String> notJson = post("/chat/completions", "{not json");
    assertThat(notJson.statusCode()).isEqualTo(400);
    HttpResponse<String> badRole = post("/chat/completions", "{\"model\": \"x\", \"messages\": [{\"role\": \"tool\", \"content\": \"a\"}]}");
    assertThat(JSON.readTree(badRole.body()).at("/error/param").asText()).isEqualTo("messages[0].role");
    HttpResponse<String> missing = post("/embeddings", "{\"model\": \"x\", \"input\": \"a\"}");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(missing.body()).at("/error/type").asText()).isEqualTo("invalid_request_error");
  }

  @Test
  void concurrentRequestsAreAllAnswered() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<JsonNode>> replies = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        String body = "{\"model\": \"x\", \"prompt\": \"req " + i + "\", \"temperature\": 0, \"max_tokens\": 4}";
        replies.add(pool.submit((Callable<JsonNode>) () -> ok("/completions", body)));
      }
      for (Future<JsonNode> f : replies) assertThat(f.get().at("/choices/0/text").isTextual()).isTrue();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void ourOwnClientTalksToTheServer() {
    OpenAiCompatibleClient c = new OpenAiCompatibleClient(new LlmEndpoint(Preset.VLLM, URI.create(server.baseUrl()), "heldout", "NO_KEY_NEEDED"),
        LlmSettings.defaults().withRetries(1, java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(1)), Optional.empty(), CostMeter.unlimited());
    CompletionReply echo = c.complete(CompletionRequest.promptLogprobs("one two three", 15));
    CompletionReply.Logprobs lp = echo.choices().getFirst().logprobs().orElseThrow();
    assertThat(String.join("", lp.tokens())).isEqualTo("one two three");
    assertThat(Double.isNaN(lp.tokenLogprobs()[0])).isTrue();
    assertThat(lp.topLogprobs().get(1)).hasSize(15);
    assertThat(echo.usage().promptTokens()).isEqualTo(lp.tokens().size());
    ChatReply chat = c.chat(new ChatRequest(List.of(Message.system("Be brief."), Message.user("hi")), 2, 0.7, 1.0, 5, true, 3));
    assertThat(chat.choices()).hasSize(2);
    assertThat(chat.choices().getFirst().logprobs()).isNotEmpty();
    assertThat(chat.usage().completionTokens()).isPositive();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.complete(CompletionRequest.promptLogprobs("word ".repeat(200), 5)))
        .isInstanceOf(LlmException.class).hasMessageContaining("maximum context length is 96");
  }
}
