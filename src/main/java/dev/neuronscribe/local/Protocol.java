package dev.neuronscribe.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuronscribe.llm.OpenAiCompatibleClient.InProcessServer.Reply;
import dev.neuronscribe.prompts.Message;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The OpenAI protocol over an {@link Engine}: {@code /models}, {@code /chat/completions} and the legacy
 * {@code /completions} (with {@code echo}, {@code logprobs} and {@code max_tokens: 0}), request bodies in and
 * replies out as JSON text. Both the HTTP server and the in-process client go through here, so a reply means
 * the same either way. A request it cannot serve gets status 400 and an OpenAI error object naming the field.
 */
final class Protocol {
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final int MAX_N = 128;

  private final Engine engine;
  private final String modelId;
  private final long created = System.currentTimeMillis() / 1000;

  Protocol(Engine engine, String modelId) {
    this.engine = engine;
    this.modelId = modelId;
  }

  String modelId() {
    return modelId;
  }

  Engine engine() {
    return engine;
  }

  /**
   * One request: {@code path} after the base URL ({@code /chat/completions}), {@code body} the JSON sent (empty for
   * GET). A request without a {@code seed} samples with {@code unseeded}'s seed, or a fresh random one when empty.
   * This is the in-process client's way in: it reads whole replies, so {@code stream: true} is refused here.
   */
  Reply handle(String path, String body, OptionalLong unseeded) {
    return switch (answer(path, body, unseeded)) {
      case Whole w -> w.reply();
      case Streamed s -> error(400, "stream: true is answered over HTTP (scribe llm serve); this in-process client reads whole replies",
          "invalid_request_error", "stream", "invalid_value");
    };
  }

  /** What a request gets: a whole JSON reply, or for {@code stream: true} events sent as the text is made. */
  sealed interface Answer permits Whole, Streamed {}

  /** A reply in one piece: a status and a JSON body (an OpenAI error object unless 200). */
  record Whole(Reply reply) implements Answer {}

  /**
   * A streamed reply to a request already checked (a request it cannot serve is a {@link Whole} error, before any
   * event): {@link #run} sends each chunk's JSON to the sink as OpenAI's server-sent events, then {@code [DONE]}.
   */
  record Streamed(Stream stream) implements Answer {
    void run(Sink sink) {
      stream.run(sink);
    }
  }

  interface Stream {
    void run(Sink sink);
  }

  /** Where a stream's events go, each the data of one server-sent event. Throws {@link Disconnected} when the client is gone. */
  interface Sink {
    void data(String data);
  }

  /** The client closed the connection: generation stops, nothing more is sent. */
  static final class Disconnected extends RuntimeException {
    Disconnected(Throwable cause) {
      super("the client closed the connection", cause);
    }
  }

  /** As {@link #handle}, a streamed reply when asked for ({@code scribe llm serve}'s way in). */
  Answer answer(String path, String body, OptionalLong unseeded) {
    try {
      return switch (path) {
        case "/models" -> new Whole(new Reply(200, models().toString()));
        case "/chat/completions" -> chat(object(body), unseeded);
        case "/completions" -> completions(object(body), unseeded);
        default -> new Whole(error(404, "there is no endpoint " + path + " here; this server answers /v1/models, /v1/chat/completions and /v1/completions",
            "invalid_request_error", null, "unknown_url"));
      };
    } catch (RuntimeException e) {
      return new Whole(failure(e));
    }
  }

  private static Reply failure(RuntimeException e) {
    return switch (e) {
      case Engine.BadRequest b -> error(400, b.getMessage(), "invalid_request_error", b.param, b.code);
      case Engine.MissingTemplate m -> error(400, m.getMessage(), "invalid_request_error", "messages", "no_chat_template");
      case ChatTemplate.TemplateException t -> error(400, t.getMessage(), "invalid_request_error", "messages", "chat_template");
      default -> error(500, "the model failed on this request: " + e, "server_error", null, null);
    };
  }

  // A stream whose model fails after the first event can no longer change its status: the error goes as an event.
  private static Stream guarded(Stream body) {
    return sink -> {
      try {
        body.run(sink);
      } catch (Disconnected e) {
        throw e;
      } catch (RuntimeException e) {
        sink.data(failure(e).body());
      }
      sink.data("[DONE]");
    };
  }

  static Reply error(int status, String message, String type, String param, String code) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode e = root.putObject("error");
    e.put("message", message);
    e.put("type", type);
    if (param == null) e.putNull("param"); else e.put("param", param);
    if (code == null) e.putNull("code"); else e.put("code", code);
    return new Reply(status, root.toString());
  }

  private ObjectNode models() {
    ObjectNode root = JSON.createObjectNode();
    root.put("object", "list");
    ObjectNode m = root.putArray("data").addObject();
    m.put("id", modelId);
    m.put("object", "model");
    m.put("created", created);
    m.put("owned_by", "neuronscribe");
    m.put("max_model_len", engine.contextLength());
    return root;
  }

  // ---- /chat/completions ----

  private Answer chat(JsonNode r, OptionalLong unseeded) {
    requireModel(r);
    boolean stream = stream(r);
    boolean usage = includeUsage(r, stream);
    List<Message> messages = messages(r.get("messages"));
    Engine.Sampling sampling = sampling(r, unseeded);
    int n = integer(r, "n", 1, 1, MAX_N);
    boolean logprobs = bool(r, "logprobs", false);
    int top = integer(r, "top_logprobs", 0, 0, 20);
    if (r.hasNonNull("top_logprobs") && !logprobs) throw bad("top_logprobs needs logprobs: true", "top_logprobs");
    List<String> stops = stops(r);
    int[] prompt = engine.chatTokens(messages);
    engine.requireFits(prompt.length, 0);
    int max = maxTokens(r, prompt.length, engine.contextLength() - prompt.length, 1);
    if (stream) return new Streamed(guarded(sink -> streamChat(sink, prompt, sampling, n, max, stops, logprobs ? top : -1, usage)));
    List<Engine.Sample> samples = engine.generate(prompt, sampling, n, max, stops, logprobs ? top : 0);
    ObjectNode root = reply("chatcmpl-", "chat.completion");
    ArrayNode choices = root.putArray("choices");
    long completion = 0;
    for (int i = 0; i < samples.size(); i++) {
      Engine.Sample s = samples.get(i);
      completion += s.tokens().length;
      ObjectNode c = choices.addObject();
      c.put("index", i);
      ObjectNode msg = c.putObject("message");
      msg.put("role", "assistant");
      msg.put("content", s.text());
      if (logprobs) c.putObject("logprobs").set("content", chatLogprobs(s.steps())); else c.putNull("logprobs");
      c.put("finish_reason", s.finishReason());
    }
    putUsage(root, prompt.length, completion);
    return new Whole(new Reply(200, root.toString()));
  }

  private ArrayNode chatLogprobs(List<Engine.Step> steps) {
    ArrayNode content = JSON.createArrayNode();
    for (Engine.Step step : steps) {
      ObjectNode t = content.addObject();
      putToken(t, step.token(), step.logprob());
      ArrayNode alts = t.putArray("top_logprobs");
      for (int j = 0; j < step.topIds().length; j++) putToken(alts.addObject(), step.topIds()[j], step.topLogprobs()[j]);
    }
    return content;
  }

  /**
   * OpenAI's chat stream: per choice a first chunk with the role, chunks of content as it settles (with the
   * log-probabilities of the tokens that made it, when asked: {@code top} is -1 when not), a chunk with the
   * finish reason and an empty delta; with {@code include_usage} a last chunk of usage and no choices.
   */
  private void streamChat(Sink sink, int[] prompt, Engine.Sampling sampling, int n, int max, List<String> stops, int top, boolean usage) {
    Chunks chunks = new Chunks("chatcmpl-", "chat.completion.chunk", usage);
    for (int i = 0; i < n; i++) {
      ObjectNode delta = JSON.createObjectNode().put("role", "assistant").put("content", "");
      sink.data(chunks.chat(i, delta, null, null).toString());
    }
    List<Engine.Sample> samples = engine.generate(prompt, sampling, n, max, stops, Math.max(top, 0), new Engine.Listener() {
      @Override
      public void progress(int index, String text, List<Engine.Step> steps) {
        sink.data(chunks.chat(index, JSON.createObjectNode().put("content", text), top < 0 ? null : steps, null).toString());
      }

      @Override
      public void finished(int index, String text, List<Engine.Step> steps, Engine.Sample sample) {
        // Text held back (a possible stop string's start, a character's first bytes) or the tokens of a stop string.
        if (!text.isEmpty() || (top >= 0 && !steps.isEmpty())) progress(index, text, steps);
        sink.data(chunks.chat(index, JSON.createObjectNode(), null, sample.finishReason()).toString());
      }
    });
    if (usage) sink.data(chunks.usage(prompt.length, samples.stream().mapToLong(s -> s.tokens().length).sum()).toString());
  }

  /** The chunks of one streamed reply: one id and creation time, and {@code "usage": null} on each when usage comes last. */
  private final class Chunks {
    private final String id;
    private final String object;
    private final long created = System.currentTimeMillis() / 1000;
    private final boolean usage;

    Chunks(String idPrefix, String object, boolean usage) {
      this.id = idPrefix + id();
      this.object = object;
      this.usage = usage;
    }

    private ObjectNode root() {
      ObjectNode root = JSON.createObjectNode();
      root.put("id", id);
      root.put("object", object);
      root.put("created", created);
      root.put("model", modelId);
      return root;
    }

    ObjectNode chat(int index, ObjectNode delta, List<Engine.Step> steps, String finishReason) {
      ObjectNode root = root();
      ObjectNode c = root.putArray("choices").addObject();
      c.put("index", index);
      c.set("delta", delta);
      if (steps == null) c.putNull("logprobs"); else c.putObject("logprobs").set("content", chatLogprobs(steps));
      if (finishReason == null) c.putNull("finish_reason"); else c.put("finish_reason", finishReason);
      if (usage) root.putNull("usage");
      return root;
    }

    ObjectNode text(int index, String text, ObjectNode logprobs, String finishReason) {
      ObjectNode root = root();
      ObjectNode c = root.putArray("choices").addObject();
      c.put("index", index);
      c.put("text", text);
      if (logprobs == null) c.putNull("logprobs"); else c.set("logprobs", logprobs);
      if (finishReason == null) c.putNull("finish_reason"); else c.put("finish_reason", finishReason);
      if (usage) root.putNull("usage");
      return root;
    }

    ObjectNode usage(long prompt, long completion) {
      ObjectNode root = root();
      root.putArray("choices");
      putUsage(root, prompt, completion);
      return root;
    }
  }

  private void putToken(ObjectNode t, int id, double logprob) {
    String text = engine.texts().token(id);
    t.put("token", text);
    t.put("logprob", logprob);
    ArrayNode bytes = t.putArray("bytes");
    for (byte b : engine.texts().bytes(id)) bytes.add(b & 0xff);
  }

  private static List<Message> messages(JsonNode node) {
    if (node == null || !node.isArray() || node.isEmpty()) throw bad("'messages' must be a non-empty list of {role, content}", "messages");
    List<Message> out = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode m = node.get(i);
      String where = "messages[" + i + "]";
      if (!m.isObject()) throw bad(where + " is not an object", where);
      String content = content(m.get("content"), where + ".content");
      String role = m.path("role").asText("");
      out.add(switch (role) {
        case "system", "developer" -> Message.system(content);
        case "user" -> Message.user(content);
        case "assistant" -> Message.assistant(content);
        default -> throw bad(where + ".role must be system, developer, user or assistant, got '" + role + "'", where + ".role");
      });
    }
    return out;
  }

  // Content is a string, or a list of parts of which this text-only model takes the {"type": "text"} ones.
  private static String content(JsonNode c, String where) {
    if (c != null && c.isTextual()) return c.textValue();
    if (c != null && c.isArray()) {
      StringBuilder b = new StringBuilder();
      for (JsonNode part : c) {
        if (!part.path("type").asText().equals("text") || !part.path("text").isTextual()) {
          throw bad(where + " holds a part that is not {\"type\": \"text\", \"text\": ...}; this model reads text only", where);
        }
        b.append(part.get("text").textValue());
      }
      return b.toString();
    }
    throw bad(where + " must be a string", where);
  }

  // ---- /completions ----

  private Answer completions(JsonNode r, OptionalLong unseeded) {
    requireModel(r);
    boolean stream = stream(r);
    boolean usage = includeUsage(r, stream);
    List<int[]> prompts = new ArrayList<>();
    List<String> promptTexts = new ArrayList<>();
    prompts(r.get("prompt"), prompts, promptTexts);
    boolean echo = bool(r, "echo", false);
    int k = r.hasNonNull("logprobs") ? integer(r, "logprobs", 0, 0, 20) : -1;
    Engine.Sampling sampling = sampling(r, unseeded);
    int n = integer(r, "n", 1, 1, MAX_N);
    List<String> stops = stops(r);
    int[] maxes = new int[prompts.size()];
    for (int p = 0; p < prompts.size(); p++) {
      engine.requireFits(prompts.get(p).length, 0);
      maxes[p] = maxTokens(r, prompts.get(p).length, 16, 0);
      if (maxes[p] == 0 && !echo) throw bad("max_tokens 0 asks for nothing unless echo is true", "max_tokens");
    }
    if (stream) return new Streamed(guarded(sink -> streamCompletions(sink, prompts, promptTexts, maxes, echo, k, sampling, n, stops, usage)));
    ObjectNode root = reply("cmpl-", "text_completion");
    ArrayNode choices = root.putArray("choices");
    long promptTokens = 0;
    long completion = 0;
    for (int p = 0; p < prompts.size(); p++) {
      int[] prompt = prompts.get(p);
      promptTokens += prompt.length;
      Engine.Scored scored = echo && k >= 0 ? engine.score(prompt, k) : null;
      List<Engine.Sample> samples = maxes[p] == 0 ? null : engine.generate(prompt, sampling, n, maxes[p], stops, Math.max(k, 0));
      for (int j = 0; j < n; j++) {
        ObjectNode c = choices.addObject();
        c.put("index", p * n + j);
        Engine.Sample s = samples == null ? null : samples.get(j);
        if (s != null) completion += s.tokens().length;
        c.put("text", (echo ? promptTexts.get(p) : "") + (s == null ? "" : s.text()));
        if (k >= 0) {
          LegacyLogprobs lp = new LegacyLogprobs();
          if (scored != null) lp.addPrompt(scored);
          if (s != null) lp.add(s.steps());
          c.set("logprobs", lp.node);
        } else {
          c.putNull("logprobs");
        }
        c.put("finish_reason", s == null ? "length" : s.finishReason());
      }
    }
    putUsage(root, promptTokens, completion);
    return new Whole(new Reply(200, root.toString()));
  }

  /**
   * OpenAI's completions stream: for each prompt in turn and each of its {@code n} choices, the echoed prompt
   * first (with its log-probabilities) when asked, then the text as it settles, then a chunk with the finish
   * reason; with {@code include_usage} a last chunk of usage and no choices.
   */
  private void streamCompletions(Sink sink, List<int[]> prompts, List<String> promptTexts, int[] maxes, boolean echo, int k,
      Engine.Sampling sampling, int n, List<String> stops, boolean usage) {
    Chunks chunks = new Chunks("cmpl-", "text_completion", usage);
    long promptTokens = 0;
    long completion = 0;
    for (int p = 0; p < prompts.size(); p++) {
      int[] prompt = prompts.get(p);
      promptTokens += prompt.length;
      int first = p * n;
      int[] offsets = new int[n]; // each choice's text_offset so far: they count from the start of its text
      if (echo) {
        Engine.Scored scored = k >= 0 ? engine.score(prompt, k) : null;
        for (int j = 0; j < n; j++) {
          LegacyLogprobs lp = null;
          if (scored != null) {
            lp = new LegacyLogprobs();
            lp.addPrompt(scored);
            offsets[j] = lp.offset;
          }
          sink.data(chunks.text(first + j, promptTexts.get(p), lp == null ? null : lp.node, null).toString());
        }
      }
      if (maxes[p] == 0) {
        for (int j = 0; j < n; j++) sink.data(chunks.text(first + j, "", null, "length").toString());
        continue;
      }
      List<Engine.Sample> samples = engine.generate(prompt, sampling, n, maxes[p], stops, Math.max(k, 0), new Engine.Listener() {
        @Override
        public void progress(int index, String text, List<Engine.Step> steps) {
          LegacyLogprobs lp = null;
          if (k >= 0) {
            lp = new LegacyLogprobs(offsets[index]);
            lp.add(steps);
            offsets[index] = lp.offset;
          }
          sink.data(chunks.text(first + index, text, lp == null ? null : lp.node, null).toString());
        }

        @Override
        public void finished(int index, String text, List<Engine.Step> steps, Engine.Sample sample) {
          if (!text.isEmpty() || (k >= 0 && !steps.isEmpty())) progress(index, text, steps);
          sink.data(chunks.text(first + index, "", null, sample.finishReason()).toString());
        }
      });
      for (Engine.Sample s : samples) completion += s.tokens().length;
    }
    if (usage) sink.data(chunks.usage(promptTokens, completion).toString());
  }

  /**
   * The legacy log-probabilities block: the echoed prompt's tokens (the first without a log-probability, as on
   * vLLM), then generated ones; {@code text_offset} counts characters from the start of the choice's text.
   */
  private final class LegacyLogprobs {
    final ObjectNode node = JSON.createObjectNode();
    private final ArrayNode tokens = node.putArray("tokens");
    private final ArrayNode tokenLps = node.putArray("token_logprobs");
    private final ArrayNode tops = node.putArray("top_logprobs");
    private final ArrayNode offsets = node.putArray("text_offset");
    int offset;

    LegacyLogprobs() {
      this(0);
    }

    LegacyLogprobs(int offset) {
      this.offset = offset;
    }

    void addPrompt(Engine.Scored scored) {
      String[] texts = engine.texts().each(scored.tokens());
      for (int i = 0; i < texts.length; i++) {
        if (i == 0) {
          token(texts[i]);
          tokenLps.addNull();
          tops.addNull();
        } else {
          token(texts[i]);
          tokenLps.add(scored.logprobs()[i]);
          tops.add(topMap(scored.topIds()[i], scored.topLogprobs()[i]));
        }
      }
    }

    void add(List<Engine.Step> steps) {
      for (Engine.Step step : steps) {
        token(engine.texts().token(step.token()));
        tokenLps.add(step.logprob());
        tops.add(topMap(step.topIds(), step.topLogprobs()));
      }
    }

    private void token(String text) {
      tokens.add(text);
      offsets.add(offset);
      offset += TokenTexts.visibleLength(text);
    }
  }

  // Alternatives keyed by their text, best first; two ids with the same text keep the likelier one's value.
  private ObjectNode topMap(int[] ids, double[] lps) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int j = 0; j < ids.length; j++) m.putIfAbsent(engine.texts().token(ids[j]), lps[j]);
    ObjectNode o = JSON.createObjectNode();
    m.forEach(o::put);
    return o;
  }

  private void prompts(JsonNode p, List<int[]> out, List<String> texts) {
    if (p == null || p.isNull()) throw bad("'prompt' is required: a string, a list of token ids, or a list of either", "prompt");
    if (p.isTextual()) {
      if (p.textValue().isEmpty()) throw bad("'prompt' is empty", "prompt");
      out.add(engine.promptTokens(p.textValue()));
      texts.add(p.textValue());
      return;
    }
    if (p.isArray() && !p.isEmpty() && p.get(0).isNumber()) {
      int[] ids = new int[p.size()];
      for (int i = 0; i < ids.length; i++) {
        JsonNode t = p.get(i);
        if (!t.canConvertToInt() || !t.isIntegralNumber() || t.intValue() < 0 || t.intValue() >= engine.texts().vocabSize()) {
          throw bad("prompt[" + i + "] is not a token id of this model (0–" + (engine.texts().vocabSize() - 1) + ")", "prompt");
        }
        ids[i] = t.intValue();
      }
      out.add(ids);
      texts.add(engine.texts().decode(ids));
      return;
    }
    if (p.isArray() && !p.isEmpty()) {
      for (JsonNode one : p) {
        if (one.isArray() && one.isEmpty()) throw bad("'prompt' holds an empty list", "prompt");
        if (!one.isTextual() && !(one.isArray() && one.get(0).isNumber())) throw bad("'prompt' must be a string, a list of token ids, or a list of either", "prompt");
        prompts(one, out, texts);
      }
      return;
    }
    throw bad("'prompt' must be a string, a list of token ids, or a list of either", "prompt");
  }

  // ---- shared fields ----

  private static JsonNode object(String body) {
    try {
      JsonNode n = JSON.readTree(body);
      if (n == null || !n.isObject()) throw bad("the request body must be a JSON object", null);
      return n;
    } catch (JsonProcessingException e) {
      throw bad("the request body is not valid JSON: " + e.getOriginalMessage(), null);
    }
  }

  private static void requireModel(JsonNode r) {
    if (!r.path("model").isTextual()) throw bad("'model' is required (GET /v1/models names the one served)", "model");
  }

  private static boolean stream(JsonNode r) {
    return bool(r, "stream", false);
  }

  // stream_options: {"include_usage": true} asks for a last chunk with the usage; OpenAI refuses it without stream.
  private static boolean includeUsage(JsonNode r, boolean stream) {
    JsonNode o = r.get("stream_options");
    if (o == null || o.isNull()) return false;
    if (!stream) throw bad("stream_options is only allowed with stream: true", "stream_options");
    if (!o.isObject()) throw bad("'stream_options' must be an object such as {\"include_usage\": true}", "stream_options");
    JsonNode u = o.get("include_usage");
    if (u == null || u.isNull()) return false;
    if (!u.isBoolean()) throw bad("'stream_options.include_usage' must be true or false, got " + u, "stream_options.include_usage");
    return u.booleanValue();
  }

  private static Engine.Sampling sampling(JsonNode r, OptionalLong unseeded) {
    double t = number(r, "temperature", 1, 0, 2);
    double p = number(r, "top_p", 1, 0, 1);
    if (p == 0) throw bad("top_p must be in (0, 1], got 0", "top_p");
    JsonNode seed = r.get("seed");
    long s;
    if (seed == null || seed.isNull()) {
      s = unseeded.orElseGet(() -> ThreadLocalRandom.current().nextLong());
    } else if (seed.isIntegralNumber() && seed.canConvertToLong()) {
      s = seed.longValue();
    } else {
      throw bad("'seed' must be an integer", "seed");
    }
    return new Engine.Sampling(t, p, s);
  }

  private static int maxTokens(JsonNode r, int promptTokens, int byDefault, int least) {
    String field = r.hasNonNull("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
    return integer(r, field, byDefault, least, Integer.MAX_VALUE);
  }

  private static List<String> stops(JsonNode r) {
    JsonNode s = r.get("stop");
    if (s == null || s.isNull()) return List.of();
    List<String> out = new ArrayList<>();
    if (s.isTextual()) {
      out.add(s.textValue());
    } else if (s.isArray() && s.size() <= 4) {
      for (JsonNode x : s) {
        if (!x.isTextual()) throw bad("'stop' must be a string or a list of up to 4 strings", "stop");
        out.add(x.textValue());
      }
    } else {
      throw bad("'stop' must be a string or a list of up to 4 strings", "stop");
    }
    if (out.stream().anyMatch(String::isEmpty)) throw bad("'stop' strings cannot be empty", "stop");
    return out;
  }

  private static int integer(JsonNode r, String field, int byDefault, int min, int max) {
    JsonNode v = r.get(field);
    if (v == null || v.isNull()) return byDefault;
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < min || v.intValue() > max) {
      throw bad("'" + field + "' must be an integer " + (max == Integer.MAX_VALUE ? "of at least " + min : "from " + min + " to " + max)
          + ", got " + v, field);
    }
    return v.intValue();
  }

  private static double number(JsonNode r, String field, double byDefault, double min, double max) {
    JsonNode v = r.get(field);
    if (v == null || v.isNull()) return byDefault;
    if (!v.isNumber() || !(v.doubleValue() >= min && v.doubleValue() <= max)) {
      throw bad("'" + field + "' must be a number from " + fmt(min) + " to " + fmt(max) + ", got " + v, field);
    }
    return v.doubleValue();
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  private static boolean bool(JsonNode r, String field, boolean byDefault) {
    JsonNode v = r.get(field);
    if (v == null || v.isNull()) return byDefault;
    if (!v.isBoolean()) throw bad("'" + field + "' must be true or false, got " + v, field);
    return v.booleanValue();
  }

  private ObjectNode reply(String idPrefix, String object) {
    ObjectNode root = JSON.createObjectNode();
    root.put("id", idPrefix + id());
    root.put("object", object);
    root.put("created", System.currentTimeMillis() / 1000);
    root.put("model", modelId);
    return root;
  }

  private static void putUsage(ObjectNode root, long prompt, long completion) {
    ObjectNode u = root.putObject("usage");
    u.put("prompt_tokens", prompt);
    u.put("completion_tokens", completion);
    u.put("total_tokens", prompt + completion);
  }

  private static Engine.BadRequest bad(String message, String param) {
    return new Engine.BadRequest(message, param, "invalid_value");
  }

  private static String id() {
    byte[] b = new byte[12];
    ThreadLocalRandom.current().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
