package dev.neuronscribe.llm;

import dev.neuronscribe.files.ParseErrors;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.neuronscribe.prompts.Message;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

/**
 * The OpenAI HTTP protocol ({@code /chat/completions}, {@code /completions}, {@code /embeddings}) on the
 * JDK's HTTP client, with everything a long paid run needs: replies served from the response cache when
 * the same request was answered before, identical concurrent requests sent once, a rate limiter, bounded
 * concurrency, a per-request timeout, retries with backoff on faults that can pass (429, 408/409, 5xx,
 * timeouts, dropped connections, malformed bodies), none on requests the server rejected, and a cost
 * meter that refuses requests past the budget.
 */
public final class OpenAiCompatibleClient implements LlmClient {
  private final LlmEndpoint endpoint;
  private final LlmSettings settings;
  private final Optional<ResponseCache> cache;
  private final CostMeter meter;
  private final Optional<String> apiKey;
  private final HttpClient http;
  private final RateLimiter limiter;
  private final Semaphore inFlight;
  private final Encoding counter = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
  private final ConcurrentHashMap<String, CompletableFuture<String>> pending = new ConcurrentHashMap<>();
  private final Map<LlmException.Kind, AtomicLong> retries = new EnumMap<>(LlmException.Kind.class);
  private final Optional<InProcessServer> inProcess;

  /**
   * A server in this process that speaks the same protocol (a local model): requests go to it as JSON
   * bodies instead of over HTTP, so the cache, de-duplication, ledger and parsing are the ones every
   * backend has, and a reply means the same whether it came from {@code scribe llm serve} or from here.
   */
  public interface InProcessServer {
    /** What identifies the model's replies (its files, its chat template): part of every cache key. */
    String identity();

    /** Answers one request as an HTTP server would: a status and a JSON body (an OpenAI error object unless 200). */
    Reply handle(String path, String body);

    record Reply(int status, String body) {}
  }

  public OpenAiCompatibleClient(LlmEndpoint endpoint, LlmSettings settings, Optional<ResponseCache> cache, CostMeter meter) {
    this(endpoint, settings, cache, meter, endpoint.apiKey());
  }

  /**
   * A client for a dry run: it counts tokens, prices requests and looks replies up in the cache, which
   * needs no API key, so a missing key is no error here (a request it did send would go without one).
   */
  public static OpenAiCompatibleClient forEstimates(LlmEndpoint endpoint, LlmSettings settings, Optional<ResponseCache> cache, CostMeter meter) {
    return new OpenAiCompatibleClient(endpoint, settings, cache, meter, endpoint.apiKeyIfSet());
  }

  OpenAiCompatibleClient(LlmEndpoint endpoint, LlmSettings settings, Optional<ResponseCache> cache, CostMeter meter, Optional<String> apiKey) {
    this(endpoint, settings, cache, meter, apiKey, Optional.empty());
  }

  /** A client whose requests {@code server} answers in this process (see {@link InProcessServer}). */
  public static OpenAiCompatibleClient inProcess(LlmEndpoint endpoint, LlmSettings settings, Optional<ResponseCache> cache, CostMeter meter,
      InProcessServer server) {
    return new OpenAiCompatibleClient(endpoint, settings, cache, meter, Optional.empty(), Optional.of(server));
  }

  private OpenAiCompatibleClient(LlmEndpoint endpoint, LlmSettings settings, Optional<ResponseCache> cache, CostMeter meter,
      Optional<String> apiKey, Optional<InProcessServer> inProcess) {
    this.inProcess = inProcess;
    this.endpoint = endpoint;
    this.settings = settings;
    this.cache = cache;
    this.meter = meter;
    this.apiKey = apiKey;
    this.http = HttpClient.newBuilder()
        .connectTimeout(settings.timeout().compareTo(Duration.ofSeconds(30)) < 0 ? settings.timeout() : Duration.ofSeconds(30))
        .version(endpoint.baseUrl().getScheme().equals("https") ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
        .build();
    this.limiter = new RateLimiter(settings.requestsPerMinute(), settings.tokensPerMinute());
    this.inFlight = new Semaphore(settings.maxConcurrency(), true);
    for (LlmException.Kind k : LlmException.Kind.values()) retries.put(k, new AtomicLong());
  }

  @Override
  public String name() {
    return endpoint.name();
  }

  @Override
  public String model() {
    return endpoint.model();
  }

  @Override
  public boolean local() {
    return endpoint.preset().local();
  }

  public LlmEndpoint endpoint() {
    return endpoint;
  }

  @Override
  public boolean promptLogprobs() {
    return endpoint.preset().promptLogprobs();
  }

  /** Retries so far, by the fault that caused them. */
  public Map<LlmException.Kind, Long> retries() {
    Map<LlmException.Kind, Long> out = new LinkedHashMap<>();
    retries.forEach((k, v) -> { if (v.get() > 0) out.put(k, v.get()); });
    return out;
  }

  // ---- chat ----

  @Override
  public ChatReply chat(ChatRequest r) {
    String body = chatBody(r).toString();
    return call("/chat/completions", body, chatPromptTokens(r.messages()), (long) r.maxTokens() * r.n(), OpenAiCompatibleClient::parseChat);
  }

  @Override
  public Estimate estimate(ChatRequest r) {
    return new Estimate(chatPromptTokens(r.messages()), (long) r.maxTokens() * r.n(), isCached("/chat/completions", chatBody(r).toString()));
  }

  private ObjectNode chatBody(ChatRequest r) {
    ObjectNode b = Json.MAPPER.createObjectNode();
    b.put("model", endpoint.model());
    ArrayNode msgs = b.putArray("messages");
    for (Message m : r.messages()) msgs.addObject().put("role", m.role().wireName()).put("content", m.content());
    if (r.n() != 1) b.put("n", r.n());
    b.put("temperature", r.temperature());
    b.put("top_p", r.topP());
    b.put("max_tokens", r.maxTokens());
    if (r.logprobs()) {
      b.put("logprobs", true);
      b.put("top_logprobs", r.topLogprobs());
    }
    return b;
  }

  // The chat format's own overhead, as OpenAI counts it for gpt-3.5/4: 3 per message and 3 to prime the reply.
  private long chatPromptTokens(List<Message> messages) {
    long n = 3;
    for (Message m : messages) n += 3 + counter.countTokensOrdinary(m.content());
    return n;
  }

  static ChatReply parseChat(JsonNode root, boolean cached) {
    JsonNode choices = requireArray(root, "choices");
    List<ChatReply.Choice> out = new ArrayList<>();
    for (JsonNode c : choices) {
      JsonNode message = c.get("message");
      if (message == null || !message.isObject()) throw malformed("a choice has no 'message' object");
      JsonNode content = message.get("content");
      if (content != null && !content.isNull() && !content.isTextual()) throw malformed("'message.content' is not a string");
      List<ChatReply.TokenLogprob> lps = new ArrayList<>();
      JsonNode logprobs = c.get("logprobs");
      if (logprobs != null && logprobs.isObject() && logprobs.get("content") != null && logprobs.get("content").isArray()) {
        for (JsonNode t : logprobs.get("content")) {
          List<ChatReply.TopLogprob> top = new ArrayList<>();
          JsonNode tops = t.get("top_logprobs");
          if (tops != null && tops.isArray()) {
            for (JsonNode alt : tops) top.add(new ChatReply.TopLogprob(text(alt, "token"), number(alt, "logprob")));
          }
          lps.add(new ChatReply.TokenLogprob(text(t, "token"), number(t, "logprob"), bytes(t.get("bytes")), top));
        }
      }
      out.add(new ChatReply.Choice(content == null || content.isNull() ? "" : content.textValue(), finish(c), lps));
    }
    return new ChatReply(out, usage(root), cached);
  }

  // ---- completions ----

  @Override
  public CompletionReply complete(CompletionRequest r) {
    String body = completionBody(r).toString();
    return call("/completions", body, counter.countTokensOrdinary(r.prompt()), r.maxTokens(), OpenAiCompatibleClient::parseCompletion);
  }

  @Override
  public Estimate estimate(CompletionRequest r) {
    return new Estimate(counter.countTokensOrdinary(r.prompt()), r.maxTokens(), isCached("/completions", completionBody(r).toString()));
  }

  private ObjectNode completionBody(CompletionRequest r) {
    ObjectNode b = Json.MAPPER.createObjectNode();
    b.put("model", endpoint.model());
    b.put("prompt", r.prompt());
    b.put("max_tokens", r.maxTokens());
    b.put("temperature", r.temperature());
    if (r.echo()) b.put("echo", true);
    if (r.logprobs() > 0) b.put("logprobs", r.logprobs());
    return b;
  }

  static CompletionReply parseCompletion(JsonNode root, boolean cached) {
    JsonNode choices = requireArray(root, "choices");
    List<CompletionReply.Choice> out = new ArrayList<>();
    for (JsonNode c : choices) {
      JsonNode text = c.get("text");
      if (text == null || !text.isTextual()) throw malformed("a choice has no 'text' string");
      Optional<CompletionReply.Logprobs> lp = Optional.empty();
      JsonNode logprobs = c.get("logprobs");
      if (logprobs != null && logprobs.isObject()) {
        JsonNode tokens = requireArray(logprobs, "tokens");
        JsonNode tokenLps = requireArray(logprobs, "token_logprobs");
        JsonNode tops = requireArray(logprobs, "top_logprobs");
        JsonNode offsets = logprobs.get("text_offset");
        int n = tokens.size();
        if (tokenLps.size() != n || tops.size() != n || (offsets != null && offsets.isArray() && offsets.size() != n)) {
          throw malformed("the logprobs lists differ in length");
        }
        List<String> toks = new ArrayList<>(n);
        double[] lps = new double[n];
        List<Map<String, Double>> topList = new ArrayList<>(n);
        int[] offs = new int[n];
        for (int i = 0; i < n; i++) {
          if (!tokens.get(i).isTextual()) throw malformed("logprobs.tokens[" + i + "] is not a string");
          toks.add(tokens.get(i).textValue());
          JsonNode lpi = tokenLps.get(i);
          lps[i] = lpi.isNumber() ? lpi.doubleValue() : Double.NaN;
          JsonNode ti = tops.get(i);
          Map<String, Double> m = new LinkedHashMap<>();
          if (ti.isObject()) {
            for (var it = ti.properties().iterator(); it.hasNext(); ) {
              var e = it.next();
              if (!e.getValue().isNumber()) throw malformed("logprobs.top_logprobs[" + i + "] holds a non-number");
              m.put(e.getKey(), e.getValue().doubleValue());
            }
          } else if (!ti.isNull()) {
            throw malformed("logprobs.top_logprobs[" + i + "] is neither an object nor null");
          }
          topList.add(m);
          offs[i] = offsets != null && offsets.isArray() ? offsets.get(i).asInt(-1) : -1;
        }
        lp = Optional.of(new CompletionReply.Logprobs(toks, lps, topList, offs));
      }
      out.add(new CompletionReply.Choice(text.textValue(), finish(c), lp));
    }
    return new CompletionReply(out, usage(root), cached);
  }

  // ---- embeddings ----

  @Override
  public List<float[]> embed(List<String> texts) {
    if (texts.isEmpty()) return List.of();
    // The same texts are refused whichever model embeds them, before anything is paid for.
    EmbeddingModel.requireNotBlank(texts);
    ObjectNode b = Json.MAPPER.createObjectNode();
    b.put("model", endpoint.model());
    ArrayNode input = b.putArray("input");
    long tokens = 0;
    for (String t : texts) {
      input.add(t);
      tokens += counter.countTokensOrdinary(t);
    }
    return call("/embeddings", b.toString(), tokens, 0, (root, cached) -> {
      JsonNode data = requireArray(root, "data");
      if (data.size() != texts.size()) throw malformed("asked for " + texts.size() + " embeddings, got " + data.size());
      float[][] out = new float[texts.size()][];
      for (int i = 0; i < data.size(); i++) {
        JsonNode d = data.get(i);
        int index = d.has("index") ? d.get("index").asInt() : i;
        JsonNode e = d.get("embedding");
        if (e == null || !e.isArray() || index < 0 || index >= out.length) throw malformed("data[" + i + "] has no usable 'embedding'");
        float[] v = new float[e.size()];
        for (int j = 0; j < v.length; j++) v[j] = (float) e.get(j).asDouble();
        out[index] = v;
      }
      return List.of(out);
    });
  }

  // ---- the request path: cache, de-duplication, budget, retries ----

  private boolean isCached(String path, String body) {
    return cache.isPresent() && cache.get().get(key(path, body)).isPresent();
  }

  String key(String path, String body) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update((endpoint.baseUrl() + path + "\n").getBytes(StandardCharsets.UTF_8));
      if (inProcess.isPresent()) sha.update(("in-process " + inProcess.get().identity() + "\n").getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest(body.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private <T> T call(String path, String body, long promptTokens, long maxCompletion, BiFunction<JsonNode, Boolean, T> parser) {
    String key = key(path, body);
    if (cache.isPresent()) {
      Optional<String> hit = cache.get().get(key);
      if (hit.isPresent()) {
        meter.countCached();
        return parser.apply(parse(hit.get()), true);
      }
    }
    CompletableFuture<String> mine = new CompletableFuture<>();
    CompletableFuture<String> other = pending.putIfAbsent(key, mine);
    if (other != null) {
      // The same request is already on its way: share its reply instead of paying for it again.
      meter.countCached();
      try {
        return parser.apply(parse(other.get()), true);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LlmException(LlmException.Kind.CONNECTION, "interrupted", e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException re) throw re;
        throw new IllegalStateException(e.getCause());
      }
    }
    try {
      // Between the cache lookup above and claiming the request, another caller may have finished the same
      // request and cached it (and left 'pending'): look again, or it would be paid twice.
      if (cache.isPresent()) {
        Optional<String> late = cache.get().get(key);
        if (late.isPresent()) {
          meter.countCached();
          mine.complete(late.get());
          return parser.apply(parse(late.get()), true);
        }
      }
      CostMeter.Reservation reservation = meter.reserve(endpoint.model(), endpoint.preset().local(), promptTokens, maxCompletion);
      String reply;
      T parsed;
      try {
        var result = sendWithRetries(path, body, promptTokens + maxCompletion, parser);
        reply = result.body();
        parsed = result.parsed();
      } catch (RuntimeException e) {
        meter.release(reservation);
        throw e;
      }
      JsonNode usageNode = parse(reply).get("usage");
      boolean reported = usageNode != null && usageNode.isObject() && usageNode.has("prompt_tokens");
      Usage usage = reported ? usage(parse(reply)) : new Usage(promptTokens, 0);
      double dollars = meter.settle(reservation, usage);
      // Cache first: once the reply is stored, a crash here costs nothing on rerun.
      cache.ifPresent(c -> c.put(key, path, endpoint.model(), body, reply));
      meter.record(endpoint.name(), endpoint.model(), path, key, usage, reported, dollars, reservation.priced());
      mine.complete(reply);
      return parsed;
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      pending.remove(key, mine);
    }
  }

  private record Sent<T>(String body, T parsed) {}

  private <T> Sent<T> sendWithRetries(String path, String body, long tokens, BiFunction<JsonNode, Boolean, T> parser) {
    if (inProcess.isPresent()) return sendInProcess(path, body, parser);
    HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(endpoint.baseUrl() + path))
        .timeout(settings.timeout())
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    apiKey.ifPresent(k -> rb.header("Authorization", "Bearer " + k));
    HttpRequest request = rb.build();
    for (int attempt = 1; ; attempt++) {
      LlmException failure;
      OptionalLong retryAfterMillis = OptionalLong.empty();
      try {
        limiter.acquire(tokens);
        inFlight.acquire();
        HttpResponse<String> response;
        try {
          response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } finally {
          inFlight.release();
        }
        int status = response.statusCode();
        if (status == 200) {
          try {
            return new Sent<>(response.body(), parser.apply(parse(response.body()), false));
          } catch (LlmException e) {
            failure = e;
          }
        } else {
          failure = httpFailure(path, status, response.body());
          retryAfterMillis = retryAfter(response.headers());
        }
      } catch (HttpTimeoutException e) {
        failure = new LlmException(LlmException.Kind.TIMEOUT, "no reply from " + endpoint.baseUrl() + path + " within " + settings.timeout().toSeconds() + " s", e);
      } catch (ConnectException e) {
        failure = new LlmException(LlmException.Kind.CONNECTION, "cannot connect to " + endpoint.baseUrl() + " (is the server running?)", e);
      } catch (IOException e) {
        failure = new LlmException(LlmException.Kind.CONNECTION, "connection to " + endpoint.baseUrl() + " failed: " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LlmException(LlmException.Kind.CONNECTION, "interrupted while talking to " + endpoint.baseUrl(), e);
      }
      if (!failure.kind().retryable()) throw failure;
      if (attempt >= settings.maxAttempts()) {
        throw new LlmException(failure.kind(), failure.getMessage() + " (gave up after " + attempt + " attempts)", failure);
      }
      retries.get(failure.kind()).incrementAndGet();
      try {
        Thread.sleep(backoff(attempt, retryAfterMillis));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LlmException(LlmException.Kind.CONNECTION, "interrupted while waiting to retry", e);
      }
    }
  }

  // A model in this process: no network faults to wait out, and its answer is deterministic for a request, so
  // a failure is final and nothing is retried. The concurrency bound still applies (the model runs one at a time).
  private <T> Sent<T> sendInProcess(String path, String body, BiFunction<JsonNode, Boolean, T> parser) {
    try {
      inFlight.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LlmException(LlmException.Kind.CONNECTION, "interrupted while waiting for the local model", e);
    }
    InProcessServer.Reply reply;
    try {
      reply = inProcess.orElseThrow().handle(path, body);
    } finally {
      inFlight.release();
    }
    if (reply.status() != 200) {
      LlmException f = httpFailure(path, reply.status(), reply.body());
      throw f.kind().retryable() ? new LlmException(LlmException.Kind.REJECTED, f.getMessage(), f) : f;
    }
    return new Sent<>(reply.body(), parser.apply(parse(reply.body()), false));
  }

  private LlmException httpFailure(String path, int status, String body) {
    String message = errorMessage(body);
    String where = endpoint.baseUrl() + path;
    if (status == 429) {
      // OpenAI answers 429 also when the account has no credit left; waiting does not fix that.
      if (body.contains("insufficient_quota")) {
        return new LlmException(LlmException.Kind.REJECTED, "HTTP 429 from " + where + ": " + message + " (out of credit; retrying cannot help)");
      }
      return new LlmException(LlmException.Kind.RATE_LIMITED, "HTTP 429 (rate limited) from " + where + ": " + message);
    }
    if (status == 408 || status == 409 || status >= 500) {
      return new LlmException(LlmException.Kind.SERVER_ERROR, "HTTP " + status + " from " + where + ": " + message);
    }
    String hint = switch (status) {
      case 401, 403 -> " (check the key in $" + endpoint.apiKeyEnv() + ")";
      case 404 -> " (check the base URL and the model name '" + endpoint.model() + "')";
      default -> "";
    };
    return new LlmException(LlmException.Kind.REJECTED, "HTTP " + status + " from " + where + ": " + message + hint);
  }

  private long backoff(int attempt, OptionalLong retryAfterMillis) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    if (retryAfterMillis.isPresent()) {
      long asked = Math.min(retryAfterMillis.getAsLong(), Duration.ofMinutes(10).toMillis());
      return asked + (long) (random.nextDouble() * Math.max(10, asked * 0.1));
    }
    double base = settings.firstBackoff().toMillis() * Math.pow(2, attempt - 1);
    double capped = Math.min(base, settings.maxBackoff().toMillis());
    return (long) (capped / 2 + random.nextDouble() * capped / 2);
  }

  static OptionalLong retryAfter(java.net.http.HttpHeaders headers) {
    Optional<String> ms = headers.firstValue("retry-after-ms");
    if (ms.isPresent()) {
      try {
        return OptionalLong.of((long) Math.ceil(Double.parseDouble(ms.get().trim())));
      } catch (NumberFormatException ignored) {
        // fall through to Retry-After
      }
    }
    Optional<String> ra = headers.firstValue("retry-after");
    if (ra.isEmpty()) return OptionalLong.empty();
    String v = ra.get().trim();
    try {
      return OptionalLong.of((long) Math.ceil(Double.parseDouble(v) * 1000));
    } catch (NumberFormatException e) {
      try {
        long millis = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME)).toMillis();
        return OptionalLong.of(Math.max(0, millis));
      } catch (RuntimeException notADate) {
        return OptionalLong.empty();
      }
    }
  }

  // ---- JSON helpers ----

  private static JsonNode parse(String body) {
    try {
      JsonNode n = Json.MAPPER.readTree(body);
      if (n == null || !n.isObject()) throw malformed("the reply is not a JSON object");
      return n;
    } catch (IOException e) {
      throw malformed("the reply is not valid JSON: " + ParseErrors.describe(e));
    }
  }

  private static String errorMessage(String body) {
    try {
      JsonNode n = Json.MAPPER.readTree(body);
      JsonNode m = n == null ? null : n.path("error").path("message");
      if (m != null && m.isTextual()) return m.textValue();
      if (n != null && n.path("error").isTextual()) return n.path("error").textValue();
    } catch (IOException | RuntimeException ignored) {
      // not JSON: show the start of the body instead
    }
    String s = body.strip();
    return s.isEmpty() ? "(empty body)" : s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }

  private static LlmException malformed(String what) {
    return new LlmException(LlmException.Kind.MALFORMED_REPLY, "malformed reply: " + what);
  }

  private static JsonNode requireArray(JsonNode node, String field) {
    JsonNode a = node.get(field);
    if (a == null || !a.isArray()) throw malformed("'" + field + "' is missing or not a list");
    if (field.equals("choices") && a.isEmpty()) throw malformed("'choices' is empty");
    return a;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) throw malformed("'" + field + "' is missing or not a string");
    return v.textValue();
  }

  private static double number(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isNumber()) throw malformed("'" + field + "' is missing or not a number");
    return v.doubleValue();
  }

  private static byte[] bytes(JsonNode node) {
    if (node == null || !node.isArray()) return new byte[0];
    byte[] out = new byte[node.size()];
    for (int i = 0; i < out.length; i++) out[i] = (byte) node.get(i).asInt();
    return out;
  }

  private static String finish(JsonNode choice) {
    JsonNode f = choice.get("finish_reason");
    return f == null || f.isNull() ? "" : f.asText();
  }

  private static Usage usage(JsonNode root) {
    JsonNode u = root.get("usage");
    if (u == null || !u.isObject()) return Usage.NONE;
    return new Usage(Math.max(0, u.path("prompt_tokens").asLong(0)), Math.max(0, u.path("completion_tokens").asLong(0)));
  }
}
