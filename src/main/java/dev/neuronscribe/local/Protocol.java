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
   */
  Reply handle(String path, String body, OptionalLong unseeded) {
    try {
      return switch (path) {
        case "/models" -> new Reply(200, models().toString());
        case "/chat/completions" -> new Reply(200, chat(object(body), unseeded).toString());
        case "/completions" -> new Reply(200, completions(object(body), unseeded).toString());
        default -> error(404, "there is no endpoint " + path + " here; this server answers /v1/models, /v1/chat/completions and /v1/completions",
            "invalid_request_error", null, "unknown_url");
      };
    } catch (Engine.BadRequest e) {
      return error(400, e.getMessage(), "invalid_request_error", e.param, e.code);
    } catch (Engine.MissingTemplate e) {
      return error(400, e.getMessage(), "invalid_request_error", "messages", "no_chat_template");
    } catch (ChatTemplate.TemplateException e) {
      return error(400, e.getMessage(), "invalid_request_error", "messages", "chat_template");
    } catch (RuntimeException e) {
      return error(500, "the model failed on this request: " + e, "server_error", null, null);
    }
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

  private ObjectNode chat(JsonNode r, OptionalLong unseeded) {
    requireModel(r);
    refuseStreaming(r);
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
      if (logprobs) {
        ArrayNode content = c.putObject("logprobs").putArray("content");
        for (Engine.Step step : s.steps()) {
          ObjectNode t = content.addObject();
          putToken(t, step.token(), step.logprob());
          ArrayNode alts = t.putArray("top_logprobs");
          for (int j = 0; j < step.topIds().length; j++) putToken(alts.addObject(), step.topIds()[j], step.topLogprobs()[j]);
        }
      } else {
        c.putNull("logprobs");
      }
      c.put("finish_reason", s.finishReason());
    }
    putUsage(root, prompt.length, completion);
    return root;
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

  private ObjectNode completions(JsonNode r, OptionalLong unseeded) {
    requireModel(r);
    refuseStreaming(r);
    List<int[]> prompts = new ArrayList<>();
    List<String> promptTexts = new ArrayList<>();
    prompts(r.get("prompt"), prompts, promptTexts);
    boolean echo = bool(r, "echo", false);
    int k = r.hasNonNull("logprobs") ? integer(r, "logprobs", 0, 0, 20) : -1;
    Engine.Sampling sampling = sampling(r, unseeded);
    int n = integer(r, "n", 1, 1, MAX_N);
    List<String> stops = stops(r);
    ObjectNode root = reply("cmpl-", "text_completion");
    ArrayNode choices = root.putArray("choices");
    long promptTokens = 0;
    long completion = 0;
    for (int p = 0; p < prompts.size(); p++) {
      int[] prompt = prompts.get(p);
      engine.requireFits(prompt.length, 0);
      promptTokens += prompt.length;
      int max = maxTokens(r, prompt.length, 16, 0);
      if (max == 0 && !echo) throw bad("max_tokens 0 asks for nothing unless echo is true", "max_tokens");
      Engine.Scored scored = echo && k >= 0 ? engine.score(prompt, k) : null;
      List<Engine.Sample> samples = max == 0 ? null : engine.generate(prompt, sampling, n, max, stops, Math.max(k, 0));
      for (int j = 0; j < n; j++) {
        ObjectNode c = choices.addObject();
        c.put("index", p * n + j);
        Engine.Sample s = samples == null ? null : samples.get(j);
        if (s != null) completion += s.tokens().length;
        c.put("text", (echo ? promptTexts.get(p) : "") + (s == null ? "" : s.text()));
        if (k >= 0) c.set("logprobs", legacyLogprobs(scored, s)); else c.putNull("logprobs");
        c.put("finish_reason", s == null ? "length" : s.finishReason());
      }
    }
    putUsage(root, promptTokens, completion);
    return root;
  }

  // The legacy block: the echoed prompt's tokens (the first without a log-probability, as on vLLM), then the generated ones.
  private ObjectNode legacyLogprobs(Engine.Scored scored, Engine.Sample s) {
    ObjectNode lp = JSON.createObjectNode();
    ArrayNode tokens = lp.putArray("tokens");
    ArrayNode tokenLps = lp.putArray("token_logprobs");
    ArrayNode tops = lp.putArray("top_logprobs");
    ArrayNode offsets = lp.putArray("text_offset");
    int offset = 0;
    if (scored != null) {
      String[] texts = engine.texts().each(scored.tokens());
      for (int i = 0; i < texts.length; i++) {
        tokens.add(texts[i]);
        offsets.add(offset);
        offset += TokenTexts.visibleLength(texts[i]);
        if (i == 0) {
          tokenLps.addNull();
          tops.addNull();
        } else {
          tokenLps.add(scored.logprobs()[i]);
          tops.add(topMap(scored.topIds()[i], scored.topLogprobs()[i]));
        }
      }
    }
    if (s != null) {
      String[] texts = engine.texts().each(s.tokens());
      for (int i = 0; i < s.steps().size(); i++) {
        Engine.Step step = s.steps().get(i);
        tokens.add(texts[i]);
        offsets.add(offset);
        offset += TokenTexts.visibleLength(texts[i]);
        tokenLps.add(step.logprob());
        tops.add(topMap(step.topIds(), step.topLogprobs()));
      }
    }
    return lp;
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

  private static void refuseStreaming(JsonNode r) {
    if (bool(r, "stream", false)) throw bad("streaming is not supported here; send stream: false", "stream");
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
