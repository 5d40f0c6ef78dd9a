package dev.neuronscribe.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

/**
 * A local server speaking OpenAI's HTTP protocol as vLLM and OpenAI do: {@code /v1/chat/completions}
 * (with {@code n}, {@code logprobs}/{@code top_logprobs}), {@code /v1/completions} (with {@code echo}
 * and prompt log-probabilities: cl100k tokens, {@code bytes:\xNN} for partial characters, the first
 * {@code top_logprobs} entry {@code null}) and {@code /v1/embeddings}, with {@code usage} in every reply.
 * Faults are injected on demand: scripted (one per request, in order) or at random with a seed, and a
 * rate limit answered with 429. It counts what it answered, so tests can prove nothing was paid twice.
 */
public final class OpenAiTestServer implements AutoCloseable {
  /** What the server does instead of answering. */
  public enum Fault { /** the server's own rate limit: 429 with retry-after-ms */ OVER_LIMIT, RATE_LIMIT_RETRY_AFTER, RATE_LIMIT_RETRY_AFTER_MS, RATE_LIMIT_BARE, ERROR_500, ERROR_503, SLOW, DROP, TRUNCATE, MALFORMED, HTML, BAD_REQUEST }

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpServer server;
  private final Encoding cl100k = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
  private final Deque<Fault> script = new ArrayDeque<>();
  private final Map<String, AtomicInteger> answeredByBody = new ConcurrentHashMap<>();
  private final Map<Fault, AtomicInteger> injected = new ConcurrentHashMap<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger answered = new AtomicInteger();
  private final AtomicInteger rateLimited = new AtomicInteger();
  private volatile String lastAuthorization = "";
  private volatile long latencyMillis;
  private volatile long slowMillis = 5_000;
  private volatile double randomFaultRate;
  private volatile List<Fault> randomFaults = List.of();
  private final Random random = new Random(42);
  private volatile ToIntFunction<String> activation = token -> token.strip().isEmpty() ? 0 : (Math.abs(token.strip().hashCode()) % 11);
  private volatile String explanation = "the tokens \"red\", \"blue\" and \"green\"";
  private volatile java.util.function.UnaryOperator<String> judge = OpenAiTestServer::wordJudge;
  private volatile java.util.function.ToDoubleBiFunction<String, String> promptLogprob = (before, token) -> -1.25;
  // Rate limit: a token bucket of requests per second (0 = none).
  private volatile double limitPerSecond;
  private double limitBurst;
  private double bucket;
  private long bucketTime = System.nanoTime();

  public OpenAiTestServer() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/v1/", this::handle);
    server.start();
  }

  public URI baseUrl() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
  }

  /** Faults for the next requests, one each, in order. */
  public synchronized OpenAiTestServer script(Fault... faults) {
    script.addAll(List.of(faults));
    return this;
  }

  public OpenAiTestServer randomFaults(double rate, Fault... kinds) {
    this.randomFaultRate = rate;
    this.randomFaults = List.of(kinds);
    return this;
  }

  public OpenAiTestServer latency(long millis) {
    this.latencyMillis = millis;
    return this;
  }

  public OpenAiTestServer slowMillis(long millis) {
    this.slowMillis = millis;
    return this;
  }

  public synchronized OpenAiTestServer rateLimit(double perMinute, double burst) {
    this.limitPerSecond = perMinute / 60.0;
    this.limitBurst = burst;
    this.bucket = burst;
    return this;
  }

  /** The digit the simulated model believes most for a subject token. */
  public OpenAiTestServer activation(ToIntFunction<String> f) {
    this.activation = f;
    return this;
  }

  /**
   * How the model answers a scorer's batch (a user message with "Excerpts:"): given that message, the
   * reply. The default is {@link #wordJudge}.
   */
  public OpenAiTestServer judge(java.util.function.UnaryOperator<String> f) {
    this.judge = f;
    return this;
  }

  /** The log-probability of an echoed prompt token, given the prompt text before it (default −1.25 for all). */
  public OpenAiTestServer promptLogprob(java.util.function.ToDoubleBiFunction<String, String> f) {
    this.promptLogprob = f;
    return this;
  }

  /**
   * A judge that knows only words: an excerpt fits the explanation when it shares a word of three letters
   * or more with it (common words such as "the" and "tokens" aside). Detection says yes to such excerpts; fuzzing says yes when every marked token is such
   * a word; intruder names the first excerpt that shares none.
   */
  public static String wordJudge(String message) {
    String explanation = message.substring("Explanation: ".length(), message.indexOf("\n\nExcerpts:\n"));
    java.util.Set<String> words = words(explanation);
    String body = message.substring(message.indexOf("\n\nExcerpts:\n") + "\n\nExcerpts:\n".length(), message.lastIndexOf("\n\n"));
    String[] lines = body.split("\n");
    if (message.contains("odd one out")) {
      for (int i = 0; i < lines.length; i++) {
        if (java.util.Collections.disjoint(words, words(lines[i].substring(lines[i].indexOf(". ") + 2)))) return Integer.toString(i + 1);
      }
      return "1";
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < lines.length; i++) {
      String text = lines[i].substring(lines[i].indexOf(". ") + 2);
      boolean yes;
      if (text.contains("<<")) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<<(.*?)>>").matcher(text);
        yes = true;
        while (m.find()) yes &= words.containsAll(words(m.group(1))) && !words(m.group(1)).isEmpty();
      } else {
        yes = !java.util.Collections.disjoint(words, words(text));
      }
      sb.append(i + 1).append(": ").append(yes ? 1 : 0).append('\n');
    }
    return sb.toString();
  }

  private static final java.util.Set<String> STOP_WORDS = java.util.Set.of("the", "and", "tokens", "token", "words", "word", "such", "with", "for",
      "this", "that", "nothing", "else");

  private static java.util.Set<String> words(String text) {
    java.util.Set<String> out = new java.util.HashSet<>();
    for (String w : text.toLowerCase(java.util.Locale.ROOT).split("[^a-z]+")) if (w.length() >= 3 && !STOP_WORDS.contains(w)) out.add(w);
    return out;
  }

  public OpenAiTestServer explanation(String text) {
    this.explanation = text;
    return this;
  }

  public int requests() {
    return requests.get();
  }

  public int answered() {
    return answered.get();
  }

  /** The Authorization header of the latest request ("" when none). */
  public String lastAuthorization() {
    return lastAuthorization;
  }

  public int rateLimited() {
    return rateLimited.get();
  }

  public int injected(Fault f) {
    AtomicInteger n = injected.get(f);
    return n == null ? 0 : n.get();
  }

  public int totalInjected() {
    return injected.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  /** The most times one and the same request body was answered with 200. */
  public int maxAnswersForOneRequest() {
    return answeredByBody.values().stream().mapToInt(AtomicInteger::get).max().orElse(0);
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private synchronized Fault nextFault() {
    if (!script.isEmpty()) return script.poll();
    if (limitPerSecond > 0) {
      long now = System.nanoTime();
      bucket = Math.min(limitBurst, bucket + (now - bucketTime) / 1e9 * limitPerSecond);
      bucketTime = now;
      if (bucket < 1) {
        rateLimited.incrementAndGet();
        return Fault.OVER_LIMIT;
      }
      bucket -= 1;
    }
    if (randomFaultRate > 0 && random.nextDouble() < randomFaultRate) return randomFaults.get(random.nextInt(randomFaults.size()));
    return null;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      requests.incrementAndGet();
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      lastAuthorization = auth == null ? "" : auth;
      byte[] raw = ex.getRequestBody().readAllBytes();
      String body = new String(raw, StandardCharsets.UTF_8);
      Fault fault = nextFault();
      if (latencyMillis > 0) sleep(latencyMillis);
      if (fault != null) {
        if (fault != Fault.OVER_LIMIT) injected.computeIfAbsent(fault, k -> new AtomicInteger()).incrementAndGet();
        inject(ex, fault);
        return;
      }
      String path = ex.getRequestURI().getPath();
      JsonNode req = JSON.readTree(body);
      String reply = switch (path) {
        case "/v1/chat/completions" -> chat(req);
        case "/v1/completions" -> completion(req);
        case "/v1/embeddings" -> embeddings(req);
        default -> null;
      };
      if (reply == null) {
        send(ex, 404, "{\"error\":{\"message\":\"unknown path " + path + "\",\"type\":\"invalid_request_error\"}}");
        return;
      }
      answeredByBody.computeIfAbsent(sha(path + body), k -> new AtomicInteger()).incrementAndGet();
      answered.incrementAndGet();
      send(ex, 200, reply);
    }
  }

  private void inject(HttpExchange ex, Fault fault) throws IOException {
    String rateLimited = "{\"error\":{\"message\":\"Rate limit reached for requests\",\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}";
    switch (fault) {
      case RATE_LIMIT_RETRY_AFTER -> {
        ex.getResponseHeaders().add("Retry-After", "1");
        send(ex, 429, rateLimited);
      }
      case OVER_LIMIT -> {
        long wait = 1 + (long) Math.ceil(1000 / Math.max(limitPerSecond, 1e-3));
        ex.getResponseHeaders().add("retry-after-ms", Long.toString(Math.min(wait, 60_000)));
        send(ex, 429, rateLimited);
      }
      case RATE_LIMIT_RETRY_AFTER_MS -> {
        ex.getResponseHeaders().add("retry-after-ms", "150");
        send(ex, 429, rateLimited);
      }
      case RATE_LIMIT_BARE -> send(ex, 429, rateLimited);
      case ERROR_500 -> send(ex, 500, "{\"error\":{\"message\":\"The server had an error while processing your request.\",\"type\":\"server_error\"}}");
      case ERROR_503 -> send(ex, 503, "upstream connect error or disconnect/reset before headers");
      case SLOW -> {
        sleep(slowMillis);
        send(ex, 500, "{\"error\":{\"message\":\"too late\"}}");
      }
      case DROP -> { /* close without a response: the client sees the connection end */ }
      case TRUNCATE -> {
        byte[] partial = "{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"choices\":[{\"text\":".getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, partial.length * 4L);
        ex.getResponseBody().write(partial);
        ex.getResponseBody().flush();
      }
      case MALFORMED -> send(ex, 200, "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"x\"");
      case HTML -> send(ex, 200, "<html><body>Bad gateway</body></html>");
      case BAD_REQUEST -> send(ex, 400, "{\"error\":{\"message\":\"This model's maximum context length is 4097 tokens.\",\"type\":\"invalid_request_error\",\"param\":\"messages\",\"code\":\"context_length_exceeded\"}}");
    }
  }

  // ---- replies ----

  private String chat(JsonNode req) {
    ArrayNode messages = (ArrayNode) req.get("messages");
    String last = messages.get(messages.size() - 1).get("content").asText();
    int n = req.path("n").asInt(1);
    boolean logprobs = req.path("logprobs").asBoolean(false);
    int k = req.path("top_logprobs").asInt(0);
    ObjectNode root = JSON.createObjectNode();
    root.put("id", "chatcmpl-test").put("object", "chat.completion").put("created", 1700000000).put("model", req.path("model").asText());
    ArrayNode choices = root.putArray("choices");
    long completionTokens = 0;
    int tokensAt = last.lastIndexOf("\nTokens:\n<start>\n");
    for (int i = 0; i < n; i++) {
      String content;
      if (last.startsWith("Explanation: ") && last.contains("\n\nExcerpts:\n")) {
        content = judge.apply(last);
      } else if (tokensAt >= 0) {
        // A chat simulator's request: answer each listed token with its digit.
        String list = last.substring(tokensAt + "\nTokens:\n<start>\n".length(), last.lastIndexOf("\n<end>"));
        StringBuilder sb = new StringBuilder("<start>\n");
        for (String t : list.split("\n", -1)) sb.append(t).append('\t').append(activation.applyAsInt(unescape(t))).append('\n');
        content = sb.append("<end>").toString();
      } else {
        content = " " + explanation + (n > 1 ? " (sample " + i + ")" : "") + ".";
      }
      ObjectNode c = choices.addObject();
      c.put("index", i);
      c.putObject("message").put("role", "assistant").put("content", content).putNull("refusal");
      if (logprobs) c.set("logprobs", chatLogprobs(content, k));
      else c.putNull("logprobs");
      c.put("finish_reason", "stop");
      completionTokens += cl100k.countTokensOrdinary(content);
    }
    long prompt = 3;
    for (JsonNode m : messages) prompt += 3 + cl100k.countTokensOrdinary(m.get("content").asText());
    usage(root, prompt, completionTokens);
    return root.toString();
  }

  private ObjectNode chatLogprobs(String content, int k) {
    ObjectNode lp = JSON.createObjectNode();
    ArrayNode arr = lp.putArray("content");
    IntArrayList ids = cl100k.encodeOrdinary(content);
    boolean afterTab = false;
    for (int i = 0; i < ids.size(); i++) {
      byte[] b = tokenBytes(ids.get(i));
      String tok = tokenText(b);
      ObjectNode t = arr.addObject();
      t.put("token", tok).put("logprob", -0.05);
      ArrayNode bytes = t.putArray("bytes");
      for (byte x : b) bytes.add(x & 0xff);
      ArrayNode top = t.putArray("top_logprobs");
      int chosen = Distributions.digit(tok);
      if (afterTab && chosen >= 0) {
        for (var e : digitAlternatives(chosen, k).entrySet()) top.addObject().put("token", e.getKey()).put("logprob", e.getValue()).putNull("bytes");
      } else {
        top.addObject().put("token", tok).put("logprob", -0.05).putNull("bytes");
      }
      afterTab = tok.endsWith("\t");
    }
    return lp;
  }

  private String completion(JsonNode req) {
    String prompt = req.get("prompt").asText();
    boolean echo = req.path("echo").asBoolean(false);
    int k = req.path("logprobs").asInt(0);
    IntArrayList ids = cl100k.encodeOrdinary(prompt);
    ObjectNode root = JSON.createObjectNode();
    root.put("id", "cmpl-test").put("object", "text_completion").put("created", 1700000000).put("model", req.path("model").asText());
    ObjectNode c = root.putArray("choices").addObject();
    c.put("text", echo ? prompt : "");
    c.put("index", 0);
    if (echo && k > 0) {
      ObjectNode lp = c.putObject("logprobs");
      ArrayNode tokens = lp.putArray("tokens");
      ArrayNode tokenLps = lp.putArray("token_logprobs");
      ArrayNode tops = lp.putArray("top_logprobs");
      ArrayNode offsets = lp.putArray("text_offset");
      int offset = 0;
      String previous = "";
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < ids.size(); i++) {
        byte[] b = tokenBytes(ids.get(i));
        String tok = tokenText(b);
        tokens.add(tok);
        offsets.add(offset);
        offset += new String(b, StandardCharsets.UTF_8).length();
        if (i == 0) {
          tokenLps.addNull();
          tops.addNull();
        } else {
          tokenLps.add(promptLogprob.applyAsDouble(line.toString(), tok));
          ObjectNode top = tops.addObject();
          if (tok.equals("unknown") && previous.endsWith("\t")) {
            // The slot of a subject token: the line so far is "\n" + token + "\t".
            String subject = line.toString();
            subject = subject.substring(subject.lastIndexOf('\n') + 1, subject.length() - 1);
            digitAlternatives(activation.applyAsInt(subject), k).forEach(top::put);
            top.put("unknown", -4.5);
            top.put(" 0", -5.0); // near-miss spelling: must not count as a digit
          } else {
            top.put(tok, -1.25);
            top.put(" the", -2.5);
          }
        }
        line.append(new String(b, StandardCharsets.UTF_8));
        previous = tok;
      }
    } else {
      c.putNull("logprobs");
    }
    c.put("finish_reason", "length");
    usage(root, ids.size(), 0);
    return root.toString();
  }

  private String embeddings(JsonNode req) {
    ObjectNode root = JSON.createObjectNode();
    root.put("object", "list").put("model", req.path("model").asText());
    ArrayNode data = root.putArray("data");
    long tokens = 0;
    int i = 0;
    for (JsonNode in : req.get("input")) {
      ObjectNode d = data.addObject();
      d.put("object", "embedding").put("index", i++);
      ArrayNode v = d.putArray("embedding");
      Random r = new Random(in.asText().hashCode());
      for (int j = 0; j < 8; j++) v.add(r.nextGaussian());
      tokens += cl100k.countTokensOrdinary(in.asText());
    }
    root.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
    return root.toString();
  }

  /** Log-probabilities over 0–10 peaked at {@code chosen}, at most k of them. */
  private static Map<String, Double> digitAlternatives(int chosen, int k) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put(Integer.toString(chosen), Math.log(0.7));
    if (chosen > 0) m.put(Integer.toString(chosen - 1), Math.log(0.15));
    if (chosen < 10) m.put(Integer.toString(chosen + 1), Math.log(0.1));
    if (chosen != 0 && chosen != 1) m.put("0", Math.log(0.05));
    while (m.size() > Math.max(1, k)) m.remove(m.keySet().toArray(String[]::new)[m.size() - 1]);
    return m;
  }

  private static void usage(ObjectNode root, long prompt, long completion) {
    root.putObject("usage").put("prompt_tokens", prompt).put("completion_tokens", completion).put("total_tokens", prompt + completion);
  }

  private byte[] tokenBytes(int id) {
    IntArrayList one = new IntArrayList();
    one.add(id);
    return cl100k.decodeBytes(one);
  }

  /** The token as servers write it: text when it is whole UTF-8, else {@code bytes:\xNN...}. */
  static String tokenText(byte[] b) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      StringBuilder sb = new StringBuilder("bytes:");
      for (byte x : b) sb.append(String.format("\\x%02x", x & 0xff));
      return sb.toString();
    }
  }

  private static String unescape(String t) {
    return t.replace("\\n", "\n").replace("\\t", "\t").replace("\\r", "\r").replace("\\\\", "\\");
  }

  private static void send(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String sha(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Exact digit texts 0–10, as the simulators read them. */
  static final class Distributions {
    static int digit(String t) {
      return t.matches("10|[0-9]") ? Integer.parseInt(t) : -1;
    }
  }
}
