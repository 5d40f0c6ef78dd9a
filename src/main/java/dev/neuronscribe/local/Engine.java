package dev.neuronscribe.local;

import dev.neuronscribe.prompts.Message;
import dev.neuronscribe.subject.LanguageModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What a local model does for the OpenAI protocol: sampling continuations (temperature, top-p, a seed, n
 * samples that share the prompt's KV cache, stop tokens and strings) and scoring a prompt's own tokens. One
 * request at a time runs on the model — the forward pass already uses every core — and the others wait their
 * turn in arrival order (a fair lock), none dropped.
 */
final class Engine {
  private final LanguageModel model;
  private final Optional<ChatTemplate> template;
  private final String noTemplate;
  private final TokenTexts texts;
  private final Set<Integer> stopIds;
  private final ReentrantLock turn = new ReentrantLock(true);

  Engine(LanguageModel model, Optional<ChatTemplate> template, String noTemplate) {
    this.model = model;
    this.template = template;
    this.noTemplate = noTemplate;
    this.texts = new TokenTexts(model.tokenizer(), model.vocabSize());
    Set<Integer> stops = new HashSet<>(model.chat().endOfTurn());
    this.stopIds = Set.copyOf(stops);
  }

  LanguageModel model() {
    return model;
  }

  TokenTexts texts() {
    return texts;
  }

  int contextLength() {
    return model.contextLength();
  }

  /** The prompt a completion request means: BOS first when the model's tokenizer adds one, as vLLM does. */
  int[] promptTokens(String text) {
    int[] ids = model.tokenizer().encode(text);
    if (!model.chat().addBos() || model.chat().bosId().isEmpty()) return ids;
    int[] out = new int[ids.length + 1];
    out[0] = model.chat().bosId().getAsInt();
    System.arraycopy(ids, 0, out, 1, ids.length);
    return out;
  }

  /** A conversation in the model's own chat template, the assistant's turn opened (special tokens are in the text). */
  int[] chatTokens(List<Message> messages) {
    return model.tokenizer().encode(requireTemplate().render(messages, true));
  }

  ChatTemplate requireTemplate() {
    return template.orElseThrow(() -> new MissingTemplate(noTemplate));
  }

  /** The model has no chat template and none was given: the message says how to pass one. */
  static final class MissingTemplate extends RuntimeException {
    MissingTemplate(String message) {
      super(message);
    }
  }

  /** How to pick each next token. Temperature 0 is greedy (the first of equal maxima, as argmax gives). */
  record Sampling(double temperature, double topP, long seed) {}

  /** A generated token with its log-probability and the most likely tokens at its position (ids, best first). */
  record Step(int token, double logprob, int[] topIds, double[] topLogprobs) {}

  record Sample(int[] tokens, String text, String finishReason, List<Step> steps) {}

  /**
   * Told of each sample's text as it becomes final, for a streamed reply. Samples run one after another, each
   * reported in order; an exception thrown here (the client went away) ends the generation at once.
   */
  interface Listener {
    /** Sample {@code index} has {@code text} more settled text, made by {@code steps} (its tokens since the last call). */
    void progress(int index, String text, List<Step> steps);

    /** Sample {@code index} ended: the text and steps not yet reported, and the whole sample as a plain reply has it. */
    void finished(int index, String text, List<Step> steps, Sample sample);
  }

  private static final Listener QUIET = new Listener() {
    @Override
    public void progress(int index, String text, List<Step> steps) {}

    @Override
    public void finished(int index, String text, List<Step> steps, Sample sample) {}
  };

  /**
   * {@code n} continuations of {@code prompt}. The prompt runs once; every sample after the first starts from a
   * fork of its KV cache. Each stops at an end-of-sequence or end-of-turn token (not part of the text), at the
   * first of {@code stops} in its text (cut before it), at {@code maxTokens} or at the context's end.
   */
  List<Sample> generate(int[] prompt, Sampling sampling, int n, int maxTokens, List<String> stops, int topLogprobs) {
    return generate(prompt, sampling, n, maxTokens, stops, topLogprobs, QUIET);
  }

  /** As {@link #generate(int[], Sampling, int, int, List, int)}, telling {@code listener} of the text as it is made. */
  List<Sample> generate(int[] prompt, Sampling sampling, int n, int maxTokens, List<String> stops, int topLogprobs, Listener listener) {
    requireFits(prompt.length, 0);
    int budget = Math.min(maxTokens, model.contextLength() - prompt.length);
    SplittableRandom random = new SplittableRandom(sampling.seed());
    turn.lock();
    try (LanguageModel.Session base = model.newSession(prompt.length + budget)) {
      float[] first = base.append(prompt, false);
      List<Sample> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        Reporter reporter = new Reporter(i, stops, listener);
        // The last sample may use the prompt's cache itself; the others work on forks of it.
        if (i == n - 1) {
          out.add(continueFrom(base, first.clone(), sampling, random, budget, stops, topLogprobs, reporter));
        } else {
          try (LanguageModel.Session s = base.fork()) {
            out.add(continueFrom(s, first.clone(), sampling, random, budget, stops, topLogprobs, reporter));
          }
        }
      }
      return out;
    } finally {
      turn.unlock();
    }
  }

  private Sample continueFrom(LanguageModel.Session s, float[] logits, Sampling sampling, SplittableRandom random, int budget,
      List<String> stops, int topLogprobs, Reporter reporter) {
    List<Integer> tokens = new ArrayList<>();
    List<Step> steps = new ArrayList<>();
    int longestStop = stops.stream().mapToInt(String::length).max().orElse(0);
    String text = "";
    while (true) {
      int before = text.length();
      if (tokens.size() >= budget) return reporter.done(done(tokens, text, "length", steps));
      double[] lsm = LogSoftmax.of(logits, 0, model.vocabSize());
      int next = Sampler.pick(lsm, sampling, random);
      if (stopIds.contains(next)) return reporter.done(done(tokens, text, "stop", steps));
      int[] top = LogSoftmax.topK(lsm, topLogprobs);
      double[] topLp = new double[top.length];
      for (int j = 0; j < top.length; j++) topLp[j] = lsm[top[j]];
      steps.add(new Step(next, lsm[next], top, topLp));
      tokens.add(next);
      text = texts.decode(tokens.stream().mapToInt(Integer::intValue).toArray());
      if (longestStop > 0) {
        // Only text this token added (or completed: a character split over tokens) can hold a new stop string.
        int cut = firstStop(text, stops, Math.max(0, before - longestStop - 4));
        if (cut >= 0) return reporter.done(done(tokens, text.substring(0, cut), "stop", steps));
      }
      if (tokens.size() >= budget) return reporter.done(done(tokens, text, "length", steps));
      reporter.step(steps, text);
      logits = s.append(new int[] {next}, false);
    }
  }

  /**
   * Decides how much of a sample's text is settled, for a listener: not a character still missing bytes (the
   * decoder shows it as U+FFFD until the token that completes it), and not an end that could be the start of a
   * stop string (it is cut if the stop string follows). What is reported, joined, is the sample's text.
   */
  private static final class Reporter {
    private final int index;
    private final List<String> stops;
    private final Listener listener;
    private String sent = "";
    private int reported; // steps told so far

    Reporter(int index, List<String> stops, Listener listener) {
      this.index = index;
      this.stops = stops;
      this.listener = listener;
    }

    void step(List<Step> steps, String text) {
      int settled = text.length();
      while (settled > sent.length() && text.charAt(settled - 1) == '\uFFFD') settled--;
      settled -= stopPrefix(text.substring(0, settled));
      // A decoder that rewrote text already sent (none of ours does) gets the rest at the end instead.
      if (settled > sent.length() && text.startsWith(sent)) {
        listener.progress(index, text.substring(sent.length(), settled), List.copyOf(steps.subList(reported, steps.size())));
        reported = steps.size();
        sent = text.substring(0, settled);
      }
    }

    Sample done(Sample sample) {
      String rest = sample.text().startsWith(sent) ? sample.text().substring(sent.length()) : "";
      listener.finished(index, rest, List.copyOf(sample.steps().subList(reported, sample.steps().size())), sample);
      return sample;
    }

    // The longest end of text that is the beginning of a stop string (not the whole of one: that would have cut).
    private int stopPrefix(String text) {
      int hold = 0;
      for (String stop : stops) {
        for (int k = Math.min(stop.length() - 1, text.length() - sent.length()); k > hold; k--) {
          if (text.regionMatches(text.length() - k, stop, 0, k)) {
            hold = k;
            break;
          }
        }
      }
      return hold;
    }
  }

  private static int firstStop(String text, List<String> stops, int from) {
    int best = -1;
    for (String stop : stops) {
      int at = text.indexOf(stop, from);
      if (at >= 0 && (best < 0 || at < best)) best = at;
    }
    return best;
  }

  private static Sample done(List<Integer> tokens, String text, String reason, List<Step> steps) {
    return new Sample(tokens.stream().mapToInt(Integer::intValue).toArray(), text, reason, steps);
  }

  /** Log-probabilities of a prompt's own tokens: position i's under the model's prediction after tokens 0..i-1. */
  record Scored(int[] tokens, double[] logprobs, int[][] topIds, double[][] topLogprobs) {}

  /**
   * One batched pass over the whole prompt, every position's logits kept: the log-probability of each token
   * given those before it and the {@code k} most likely tokens there. The first token has nothing before it:
   * its entries are NaN and empty, as vLLM leaves them null.
   */
  Scored score(int[] prompt, int k) {
    requireFits(prompt.length, 0);
    int v = model.vocabSize();
    double[] lps = new double[prompt.length];
    int[][] topIds = new int[prompt.length][];
    double[][] topLps = new double[prompt.length][];
    lps[0] = Double.NaN;
    topIds[0] = new int[0];
    topLps[0] = new double[0];
    // All positions' logits of a long prompt with a large vocabulary would not fit one array (1,500 tokens ×
    // 150k ids is 900 MB): the prompt goes in as few passes as keep them under 64M floats, the cache carrying over.
    int chunk = Math.max(1, (1 << 26) / v);
    turn.lock();
    try (LanguageModel.Session s = model.newSession(prompt.length)) {
      for (int from = 0; from < prompt.length; from += chunk) {
        int to = Math.min(prompt.length, from + chunk);
        float[] logits = s.append(Arrays.copyOfRange(prompt, from, to), true);
        // Row r predicts token from + r + 1.
        for (int r = 0; r < to - from && from + r + 1 < prompt.length; r++) {
          int i = from + r + 1;
          double[] lsm = LogSoftmax.of(logits, r * v, v);
          lps[i] = lsm[prompt[i]];
          topIds[i] = LogSoftmax.topK(lsm, k);
          topLps[i] = new double[topIds[i].length];
          for (int j = 0; j < topIds[i].length; j++) topLps[i][j] = lsm[topIds[i][j]];
        }
      }
    } finally {
      turn.unlock();
    }
    return new Scored(prompt, lps, topIds, topLps);
  }

  /** Refuses a prompt the model cannot hold, in the words OpenAI-compatible servers use. */
  void requireFits(int promptTokens, int more) {
    if (promptTokens == 0) throw new BadRequest("the prompt is empty", "prompt", "invalid_value");
    if (promptTokens + more > model.contextLength()) {
      throw new BadRequest("this model's maximum context length is " + model.contextLength() + " tokens; the prompt has "
          + promptTokens + (more > 0 ? " and " + more + " more were asked for" : "") + ". Shorten the prompt.", "prompt", "context_length_exceeded");
    }
  }

  /** A request the model cannot serve as asked: HTTP 400 with an OpenAI error object. */
  static final class BadRequest extends RuntimeException {
    final String param;
    final String code;

    BadRequest(String message, String param, String code) {
      super(message);
      this.param = param;
      this.code = code;
    }
  }

  static String describe(int[] a) {
    return Arrays.toString(a);
  }
}
