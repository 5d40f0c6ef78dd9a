package dev.neuronscribe.subject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuronscribe.files.InvalidInputException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A sparse dictionary's encoder — a sparse autoencoder's or a transcoder's — read from the files its training
 * library wrote, weights memory-mapped. A latent's value is the encoder's output after its activation function:
 * {@code act((x − b_dec)·W_enc + b_enc)}, the {@code − b_dec} only where the format applies it.
 *
 * <p>Formats: SAELens ({@code cfg.json} + {@code sae_weights.safetensors}; standard ReLU, JumpReLU, TopK and
 * their transcoders), EleutherAI's sparsify ({@code cfg.json} + {@code sae.safetensors} in a folder named
 * after the hook point, such as {@code layers.6}; TopK or group-max, SAE or transcoder) and Gemma Scope
 * ({@code params.npz}; JumpReLU). What a format can do and we cannot (gated SAEs, run-time input
 * normalisation, per-head hooks) is refused with the field that asks for it.
 */
public final class Dictionary implements AutoCloseable {
  public enum Format { SAELENS, SPARSIFY, GEMMA_SCOPE }

  public enum Activation { RELU, JUMP_RELU, TOPK, GROUP_MAX }

  /**
   * What the dictionary is, for a recording's metadata.
   *
   * @param hook where it reads the model
   * @param transcoder whether it is a transcoder (reads an MLP's input) rather than an autoencoder
   * @param k latents kept per token for TopK, groups for group-max; 0 otherwise
   * @param subtractsDecoderBias whether {@code b_dec} is subtracted from the input first
   */
  public record Info(Format format, Path path, HookName hook, boolean transcoder, Activation activation, int k, int dIn, int dSae,
      boolean subtractsDecoderBias) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern GEMMA_SCOPE_LAYER = Pattern.compile("layer_(\\d{1,6})");

  private final Info info;
  private final String fingerprint;
  private final Arena arena;
  private final Matrix encoder;
  /** {@code b_enc − b_dec·W_enc} when the input bias applies: subtracting it from every input costs a copy of the input. */
  private final float[] bias;
  private final float[] threshold;

  private Dictionary(Info info, String digest, Arena arena, Matrix encoder, float[] bias, float[] threshold) {
    this.info = info;
    this.fingerprint = info.format + "|" + info.hook.name() + "|" + info.activation + "/" + info.k + "|" + digest;
    this.arena = arena;
    this.encoder = encoder;
    this.bias = bias;
    this.threshold = threshold;
  }

  public Info info() {
    return info;
  }

  public HookName hook() {
    return info.hook;
  }

  /** Latents per token. */
  public int width() {
    return info.dSae;
  }

  @Override
  public void close() {
    arena.close();
  }

  /**
   * Checks that this dictionary reads a hook point {@code model} has, of the width it expects: a dictionary
   * trained on another model (or another layer's width) is refused before anything runs.
   */
  public void checkFits(Model model) {
    String where = info.format == Format.GEMMA_SCOPE ? info.path.toString() : info.path.resolve("cfg.json").toString();
    Model.Shape s = model.shape();
    if (info.hook.layer() >= s.layers()) {
      throw new InvalidInputException(where, "reads " + info.hook + ", but the " + s.architecture() + " model in " + model.directory()
          + " has layers 0-" + (s.layers() - 1) + "; give the dictionary of this model");
    }
    int width = model.width(info.hook.point());
    if (width != info.dIn) {
      throw new InvalidInputException(where, "field 'd_in' is " + info.dIn + ", but " + info.hook + " of the " + s.architecture()
          + " model in " + model.directory() + " has width " + width + "; the dictionary was trained on another model or hook point");
    }
  }

  /** This dictionary as the recorder's units of its layer; each call gives units with their own buffers (one per recording). */
  public LayerUnits units() {
    Scratch scratch = new Scratch();
    float[][] buffer = new float[1][];
    return new LayerUnits() {
      @Override
      public HookPoint point() {
        return info.hook.point();
      }

      @Override
      public int count() {
        return info.dSae;
      }

      @Override
      public String kind() {
        return "latent";
      }

      @Override
      public String fingerprint() {
        return fingerprint;
      }

      @Override
      public float[] compute(float[] values, int rows) {
        int need = Math.multiplyExact(rows, info.dSae);
        if (buffer[0] == null || buffer[0].length < need) buffer[0] = new float[need];
        encode(values, rows, buffer[0], scratch);
        return buffer[0];
      }
    };
  }

  /**
   * Opens the dictionaries at {@code path}: one folder (SAELens, sparsify, Gemma Scope), a {@code params.npz}
   * file, or a sparsify run's folder holding one sub-folder per hook point. {@code hook} names the hook point
   * where the files do not (Gemma Scope) or overrides theirs; it must be empty for a folder of several.
   */
  public static List<Dictionary> open(Path path, Optional<String> hook) {
    if (Files.isRegularFile(path) && path.getFileName().toString().endsWith(".npz")) return List.of(gemmaScope(path, hook));
    if (!Files.isDirectory(path)) {
      throw new InvalidInputException(path.toString(), "no such dictionary; give a SAELens folder (cfg.json + sae_weights.safetensors), "
          + "a sparsify folder (cfg.json + sae.safetensors) or a Gemma Scope params.npz");
    }
    Optional<Dictionary> one = single(path, hook);
    if (one.isPresent()) return List.of(one.get());
    List<Path> parts;
    try (Stream<Path> s = Files.list(path)) {
      parts = s.filter(p -> Files.isRegularFile(p.resolve("cfg.json")) && Files.isRegularFile(p.resolve("sae.safetensors")))
          .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
    } catch (IOException e) {
      throw new InvalidInputException(path.toString(), "cannot be listed: " + e.getMessage(), e);
    }
    if (parts.isEmpty()) {
      throw new InvalidInputException(path.toString(), "holds no dictionary: expected cfg.json + sae_weights.safetensors (SAELens), "
          + "cfg.json + sae.safetensors (sparsify), params.npz (Gemma Scope), or sparsify's layers.N folders");
    }
    if (hook.isPresent()) {
      throw new InvalidInputException(path.toString(), "holds " + parts.size() + " sparsify dictionaries, each named by its folder; "
          + "leave out --hook, or give one of the folders");
    }
    List<Dictionary> out = new ArrayList<>();
    try {
      for (Path p : parts) out.add(sparsify(p, Optional.empty()));
    } catch (RuntimeException e) {
      out.forEach(Dictionary::close);
      throw e;
    }
    return out;
  }

  private static Optional<Dictionary> single(Path dir, Optional<String> hook) {
    boolean cfg = Files.isRegularFile(dir.resolve("cfg.json"));
    if (cfg && Files.isRegularFile(dir.resolve("sae_weights.safetensors"))) return Optional.of(saeLens(dir, hook));
    if (cfg && Files.isRegularFile(dir.resolve("sae.safetensors"))) return Optional.of(sparsify(dir, hook));
    if (Files.isRegularFile(dir.resolve("params.npz"))) return Optional.of(gemmaScope(dir.resolve("params.npz"), hook));
    return Optional.empty();
  }

  // ---------------------------------------------------------------- SAELens

  private static Dictionary saeLens(Path dir, Optional<String> hookOverride) {
    Path cfgFile = dir.resolve("cfg.json");
    JsonNode cfg = readJson(cfgFile);
    String src = cfgFile.toString();
    JsonNode meta = cfg.path("metadata");
    refuseUnless(cfg, src, "normalize_activations", "none");
    if (meta.isObject()) refuseUnless(meta, src, "normalize_activations", "none");
    refuseUnless(cfg, src, "reshape_activations", "none");
    if (!cfg.path("hook_head_index").isMissingNode() && !cfg.path("hook_head_index").isNull()) {
      throw new InvalidInputException(src, "field 'hook_head_index' is " + cfg.get("hook_head_index") + ": SAEs on one attention head are not supported; "
          + "use an SAE on the residual stream or the MLP");
    }
    if (cfg.path("rescale_acts_by_decoder_norm").asBoolean(false)) {
      throw new InvalidInputException(src, "field 'rescale_acts_by_decoder_norm' is true, which is not supported; use an SAE saved without it");
    }
    String architecture = text(cfg, "architecture").orElse("");
    String activationFn = text(cfg, "activation_fn_str").or(() -> text(cfg, "activation_fn")).orElse("relu").toLowerCase(Locale.ROOT);
    boolean transcoder = architecture.endsWith("transcoder");
    Activation activation = switch (architecture) {
      case "standard", "transcoder", "skip_transcoder", "" -> switch (activationFn) {
        case "relu" -> Activation.RELU;
        case "topk" -> Activation.TOPK;
        default -> throw new InvalidInputException(src, "field 'activation_fn_str' is '" + activationFn + "'; supported are relu and topk");
      };
      case "jumprelu", "jumprelu_transcoder" -> Activation.JUMP_RELU;
      case "topk" -> Activation.TOPK;
      default -> throw new InvalidInputException(src, "field 'architecture' is '" + architecture
          + "'; supported are standard, jumprelu, topk, transcoder, skip_transcoder and jumprelu_transcoder");
    };
    int k = 0;
    if (activation == Activation.TOPK) {
      JsonNode kNode = cfg.has("k") ? cfg.get("k") : cfg.path("activation_fn_kwargs").path("k");
      if (!kNode.canConvertToInt() || kNode.asInt() < 1) {
        throw new InvalidInputException(src, "a TopK SAE needs 'k' (or 'activation_fn_kwargs': {\"k\": ...}), a whole number >= 1");
      }
      k = kNode.asInt();
    }
    int dIn = positive(cfg, "d_in", src), dSae = positive(cfg, "d_sae", src);
    String hookName = hookOverride.or(() -> text(cfg, "hook_name")).or(() -> text(meta, "hook_name")).orElseThrow(() ->
        new InvalidInputException(src, "has no 'hook_name' (nor metadata.hook_name); say where the SAE reads the model with --hook"));
    // SAELens's default is to subtract b_dec; its transcoders never do (their b_dec lives in the output space).
    boolean subtract = !transcoder && (!cfg.has("apply_b_dec_to_input") || cfg.get("apply_b_dec_to_input").asBoolean());
    HookName hook = hook(hookName, transcoder, hookOverride.isPresent() ? "--hook" : src + " field 'hook_name'");
    Path weights = dir.resolve("sae_weights.safetensors");
    Arena arena = Arena.ofShared();
    try {
      Safetensors st = Safetensors.open(weights, arena);
      Tensors t = new Tensors(weights.toString(), st::find);
      Matrix encoder = new Matrix(t.get("W_enc", dIn, dSae));
      float[] bEnc = t.vector("b_enc", dSae);
      float[] threshold = null;
      if (activation == Activation.JUMP_RELU) {
        Optional<Safetensors.Tensor> plain = st.find("threshold");
        if (plain.isPresent()) {
          threshold = t.vector("threshold", dSae);
        } else {
          threshold = t.vector("log_threshold", dSae);
          for (int j = 0; j < dSae; j++) threshold[j] = (float) Math.exp(threshold[j]);
        }
      }
      float[] bias = subtract ? fold(bEnc, t.vector("b_dec", dIn), encoder) : bEnc;
      Info info = new Info(Format.SAELENS, dir, hook, transcoder, activation, k, dIn, dSae, subtract);
      return new Dictionary(info, st.digest(), arena, encoder, bias, threshold);
    } catch (RuntimeException e) {
      arena.close();
      throw e;
    }
  }

  // ---------------------------------------------------------------- sparsify

  private static Dictionary sparsify(Path dir, Optional<String> hookOverride) {
    Path cfgFile = dir.resolve("cfg.json");
    JsonNode cfg = readJson(cfgFile);
    String src = cfgFile.toString();
    if (cfg.path("gram_lookup").asBoolean(false)) {
      throw new InvalidInputException(src, "field 'gram_lookup' is true: the encoder's input then depends on an n-gram table, which is not supported");
    }
    int dIn = positive(cfg, "d_in", src);
    int latents = cfg.path("num_latents").asInt(0);
    if (latents <= 0) latents = Math.multiplyExact(dIn, cfg.path("expansion_factor").asInt(32));
    int k = cfg.has("k") ? positive(cfg, "k", src) : 32;
    String activationName = text(cfg, "activation").orElse("topk");
    Activation activation = switch (activationName) {
      case "topk" -> Activation.TOPK;
      case "groupmax" -> Activation.GROUP_MAX;
      default -> throw new InvalidInputException(src, "field 'activation' is '" + activationName + "'; supported are topk and groupmax");
    };
    if (activation == Activation.GROUP_MAX && latents % k != 0) {
      throw new InvalidInputException(src, "group-max needs the " + latents + " latents to split into k = " + k + " equal groups");
    }
    boolean transcoder = cfg.path("transcode").asBoolean(false);
    String hookName = hookOverride.orElse(dir.toAbsolutePath().normalize().getFileName().toString());
    HookName hook = hook(hookName, transcoder, hookOverride.isPresent() ? "--hook" : dir + " (sparsify names the hook point by the folder)");
    Path weights = dir.resolve("sae.safetensors");
    Arena arena = Arena.ofShared();
    try {
      Safetensors st = Safetensors.open(weights, arena);
      Tensors t = new Tensors(weights.toString(), st::find);
      Matrix encoder = Matrix.linear(t.get("encoder.weight", latents, dIn)); // nn.Linear [d_sae, d_in], read in place
      float[] bEnc = t.vector("encoder.bias", latents);
      // sparsify subtracts b_dec from an autoencoder's input, never from a transcoder's.
      float[] bias = transcoder ? bEnc : fold(bEnc, t.vector("b_dec", dIn), encoder);
      Info info = new Info(Format.SPARSIFY, dir, hook, transcoder, activation, k, dIn, latents, !transcoder);
      return new Dictionary(info, st.digest(), arena, encoder, bias, null);
    } catch (RuntimeException e) {
      arena.close();
      throw e;
    }
  }

  // ---------------------------------------------------------------- Gemma Scope

  private static Dictionary gemmaScope(Path file, Optional<String> hookOverride) {
    String src = file.toString();
    boolean transcoder = file.toAbsolutePath().toString().contains("transcoder");
    String hookName = hookOverride.orElseGet(() -> gemmaScopeHook(file).orElseThrow(() -> new InvalidInputException(src,
        "a Gemma Scope params.npz does not say where it reads the model; give --hook (e.g. blocks.12.hook_resid_post for a -res SAE, "
            + "blocks.12.hook_mlp_out for -mlp, blocks.12.ln2.hook_normalized for a transcoder)")));
    HookName hook = hook(hookName, transcoder, hookOverride.isPresent() ? "--hook" : src + " (the hook point its folders name)");
    Arena arena = Arena.ofShared();
    try {
      Npz npz = Npz.open(file, arena);
      Safetensors.Tensor wEnc = npz.find("W_enc").orElseThrow(() -> new InvalidInputException(src, "has no array 'W_enc'; is this a Gemma Scope params.npz?"));
      if (wEnc.shape().length != 2) throw new InvalidInputException(src, "array 'W_enc' has shape " + wEnc.shapeText() + "; expected [d_in, d_sae]");
      int dIn = (int) wEnc.shape()[0], dSae = (int) wEnc.shape()[1];
      Tensors t = new Tensors(src, npz::find);
      Matrix encoder = new Matrix(t.get("W_enc", dIn, dSae));
      float[] bEnc = t.vector("b_enc", dSae);
      float[] threshold = t.vector("threshold", dSae);
      Info info = new Info(Format.GEMMA_SCOPE, file, hook, transcoder, Activation.JUMP_RELU, 0, dIn, dSae, false);
      return new Dictionary(info, npz.digest(), arena, encoder, bEnc, threshold);
    } catch (RuntimeException e) {
      arena.close();
      throw e;
    }
  }

  /** Gemma Scope's folders say where: {@code gemma-scope-2b-pt-res/layer_12/width_16k/average_l0_82/params.npz}. */
  private static Optional<String> gemmaScopeHook(Path file) {
    String path = file.toAbsolutePath().normalize().toString().replace('\\', '/');
    Matcher m = GEMMA_SCOPE_LAYER.matcher(path);
    String layer = null;
    while (m.find()) layer = m.group(1);
    if (layer == null) return Optional.empty();
    if (path.contains("transcoder")) return Optional.of("blocks." + layer + ".ln2.hook_normalized");
    if (path.contains("-res")) return Optional.of("blocks." + layer + ".hook_resid_post");
    if (path.contains("-mlp")) return Optional.of("blocks." + layer + ".hook_mlp_out");
    return Optional.empty();
  }

  // ---------------------------------------------------------------- encoding

  private static final int ROWS_PER_TASK = 16;

  /**
   * Latent values of {@code rows} inputs: {@code x} is {@code rows × dIn}, {@code out} receives
   * {@code rows × dSae}, row-major. {@code scratch} is the matmul's packing memory (one per thread that encodes).
   */
  public void encode(float[] x, int rows, float[] out, Scratch scratch) {
    Gemm.multiply(x, rows, encoder, bias, out, false, scratch.gemm);
    int n = info.dSae;
    Parallel.forEach((rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK, task -> {
      int end = Math.min(rows, (task + 1) * ROWS_PER_TASK);
      float[] work = info.activation == Activation.TOPK ? new float[info.k] : null;
      for (int r = task * ROWS_PER_TASK; r < end; r++) {
        int o = r * n;
        switch (info.activation) {
          case RELU -> {
            for (int j = 0; j < n; j++) out[o + j] = Math.max(out[o + j], 0f);
          }
          case JUMP_RELU -> {
            for (int j = 0; j < n; j++) {
              float v = out[o + j];
              out[o + j] = v > threshold[j] ? Math.max(v, 0f) : 0f;
            }
          }
          case TOPK -> topK(out, o, n, info.k, work);
          case GROUP_MAX -> groupMax(out, o, n, info.k);
        }
      }
    });
  }

  /** Packing memory for {@link #encode}. */
  public static final class Scratch {
    final Gemm.Scratch gemm = new Gemm.Scratch();
  }

  /**
   * Keeps the {@code k} largest of {@code v[o..o+n)}, through a ReLU, and zeroes the rest; of values tied with the
   * k-th largest, the first ones. The k-th largest comes from one pass with a min-heap of the best k so far: with
   * k ≪ n almost every value is rejected by one comparison with the heap's root ({@code work} holds the heap).
   */
  static void topK(float[] v, int o, int n, int k, float[] work) {
    if (k >= n) {
      for (int j = 0; j < n; j++) v[o + j] = Math.max(v[o + j], 0f);
      return;
    }
    float[] heap = work;
    System.arraycopy(v, o, heap, 0, k);
    for (int i = k / 2 - 1; i >= 0; i--) siftDown(heap, i, k);
    for (int j = k; j < n; j++) {
      float x = v[o + j];
      if (x > heap[0]) {
        heap[0] = x;
        siftDown(heap, 0, k);
      }
    }
    float kth = heap[0];
    int above = 0;
    for (int j = 0; j < n; j++) if (v[o + j] > kth) above++;
    int ties = k - above; // values equal to the k-th largest that still fit: the first ones
    for (int j = 0; j < n; j++) {
      float x = v[o + j];
      boolean keep = x > kth || (x == kth && ties-- > 0);
      v[o + j] = keep ? Math.max(x, 0f) : 0f;
    }
  }

  private static void siftDown(float[] heap, int i, int size) {
    float x = heap[i];
    while (true) {
      int child = 2 * i + 1;
      if (child >= size) break;
      if (child + 1 < size && heap[child + 1] < heap[child]) child++;
      if (heap[child] >= x) break;
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = x;
  }

  /** sparsify's group-max: {@code k} equal groups, each keeps only its largest (ReLU'd) value. */
  static void groupMax(float[] v, int o, int n, int k) {
    int size = n / k;
    for (int g = 0; g < k; g++) {
      int start = o + g * size, best = start;
      for (int j = start + 1; j < start + size; j++) if (v[j] > v[best]) best = j;
      float keep = Math.max(v[best], 0f);
      Arrays.fill(v, start, start + size, 0f);
      v[best] = keep;
    }
  }

  // ---------------------------------------------------------------- helpers

  /** {@code b_enc − b_dec·W_enc}: subtracting b_dec from the input, folded into the bias once. */
  private static float[] fold(float[] bEnc, float[] bDec, Matrix encoder) {
    float[] shift = new float[bEnc.length];
    Gemm.multiply(bDec, 1, encoder, new float[bEnc.length], shift, false);
    float[] out = new float[bEnc.length];
    for (int j = 0; j < out.length; j++) out[j] = bEnc[j] - shift[j];
    return out;
  }

  private static HookName hook(String name, boolean transcoder, String where) {
    return HookName.parse(name, transcoder).orElseThrow(() -> new InvalidInputException(where,
        "hook point '" + name + "' is not one we know; supported: " + HookName.SUPPORTED));
  }

  private record Tensors(String source, java.util.function.Function<String, Optional<Safetensors.Tensor>> find) {
    Safetensors.Tensor get(String name, long... shape) {
      Safetensors.Tensor t = find.apply(name).orElseThrow(() -> new InvalidInputException(source, "has no tensor '" + name + "'"));
      if (!Arrays.equals(t.shape(), shape)) {
        throw new InvalidInputException(source, "tensor '" + name + "' has shape " + t.shapeText() + ", but the config's sizes need "
            + Safetensors.shapeText(shape) + "; the config does not belong to these weights");
      }
      if (!t.dtype().readable()) {
        throw new InvalidInputException(source, "tensor '" + name + "' is " + t.dtype() + "; supported are F32, F16 and BF16");
      }
      return t;
    }

    float[] vector(String name, int n) {
      Safetensors.Tensor t = get(name, n);
      float[] v = new float[n];
      t.copy(0, v, 0, n);
      return v;
    }
  }

  private static JsonNode readJson(Path file) {
    try {
      JsonNode n = JSON.readTree(file.toFile());
      if (n == null || !n.isObject()) throw new InvalidInputException(file.toString(), "must hold a JSON object");
      return n;
    } catch (IOException e) {
      throw new InvalidInputException(file.toString(), "is not valid JSON (" + e.getMessage() + ")", e);
    }
  }

  private static Optional<String> text(JsonNode n, String field) {
    JsonNode v = n.path(field);
    return v.isTextual() && !v.textValue().isBlank() ? Optional.of(v.textValue()) : Optional.empty();
  }

  private static int positive(JsonNode n, String field, String src) {
    JsonNode v = n.path(field);
    if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 1) {
      throw new InvalidInputException(src, "field '" + field + "' must be a whole number >= 1, got " + (v.isMissingNode() ? "nothing" : v.toString()));
    }
    return v.asInt();
  }

  /** A field that must be absent, null or {@code allowed}: anything else changes the encoder in a way we do not implement. */
  private static void refuseUnless(JsonNode n, String src, String field, String allowed) {
    JsonNode v = n.path(field);
    if (v.isMissingNode() || v.isNull() || (v.isTextual() && v.textValue().equals(allowed))) return;
    throw new InvalidInputException(src, "field '" + field + "' is " + v + "; only '" + allowed + "' is supported (an SAE trained with "
        + "run-time input normalisation or reshaping reads its input differently)");
  }
}
