package dev.neuronscribe.subject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuronscribe.files.AtomicFiles;
import dev.neuronscribe.files.InvalidInputException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A small GPT-2 whose chosen MLP neurons respond to known sets of tokens: the subject of the offline demo
 * and of end-to-end tests, where every stage can be checked against the right answer without a download.
 *
 * <p>How the answers are planted: the first {@link #CONCEPTS}.size() dimensions of the residual stream are
 * reserved, one per concept. A token of concept {@code c} has 1 in dimension {@code c} of its embedding;
 * every other token has 0 there, and nothing else ever writes to those dimensions (position embeddings,
 * attention and MLP outputs are zero in them). A planted neuron reads only its concept's dimension, with
 * a bias that keeps it near zero unless that dimension is lit, so it fires on exactly its tokens. The
 * other dimensions, the attention and the other neurons are random, as in an untrained GPT-2: the model is
 * valid, loads in Hugging Face transformers (same tensor names and shapes), and its other neurons are noise.
 */
public final class PlantedModel {
  public static final Gpt2Config CONFIG = new Gpt2Config(2, 64, 4, 256, 1024, Gpt2Tokenizer.VOCABULARY_SIZE, 1e-5f, false);

  /** A planted neuron: where it is, the ground-truth explanation in our words, and the tokens it fires on. */
  public record PlantedNeuron(int layer, int neuron, String concept, String explanation, List<String> tokens, List<Integer> tokenIds) {
    public PlantedNeuron {
      tokens = List.copyOf(tokens);
      tokenIds = List.copyOf(tokenIds);
    }
  }

  private record Concept(int layer, int neuron, String name, String explanation, Predicate<String> member) {}

  private static final Set<String> COLOURS = Set.of("red", "orange", "yellow", "green", "blue", "purple", "violet", "pink",
      "brown", "black", "white", "grey", "gray", "crimson", "teal", "scarlet", "maroon", "turquoise", "indigo", "magenta",
      "beige", "cyan", "lavender");
  private static final Pattern WORD = Pattern.compile(" ?[A-Za-z]+");
  private static final Pattern DIGITS = Pattern.compile(" ?[0-9]+");
  private static final Pattern CLOSING = Pattern.compile(" ?[.,;:!?'\"]*[)\\]}][)\\]}.,;:!?'\"]*");
  private static final Pattern MONTHS = Pattern.compile(
      " ?(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)");

  static final List<Concept> CONCEPTS = List.of(
      new Concept(0, 37, "colours", "colour words such as red, blue, green and white",
          t -> WORD.matcher(t).matches() && COLOURS.contains(t.strip().toLowerCase(Locale.ROOT))),
      new Concept(0, 141, "digits", "numbers written with digits",
          t -> DIGITS.matcher(t).matches()),
      new Concept(1, 18, "closing brackets", "closing brackets and parentheses, such as ) ] and }",
          t -> CLOSING.matcher(t).matches()),
      new Concept(1, 203, "months", "names of the months of the year, such as January or March",
          t -> MONTHS.matcher(t).matches() || (t.equals(t.toUpperCase(Locale.ROOT)) && MONTHS.matcher(titleCase(t)).matches())));

  /** " JANUARY" → " January": month names in capitals count too; lower-case "may" and "march" do not. */
  private static String titleCase(String t) {
    StringBuilder sb = new StringBuilder(t.toLowerCase(Locale.ROOT));
    for (int i = 0; i < sb.length(); i++) {
      if (sb.charAt(i) != ' ') {
        sb.setCharAt(i, Character.toUpperCase(sb.charAt(i)));
        break;
      }
    }
    return sb.toString();
  }

  private PlantedModel() {}

  /** The planted dictionary's folder inside a planted model's directory (SAELens layout). */
  public static final String DICTIONARY = "sae";
  /** Where it reads: the residual stream entering layer 1, where the concept dimensions are exactly 0 or 1. */
  public static final String DICTIONARY_HOOK = "blocks.1.hook_resid_pre";
  static final int DICTIONARY_WIDTH = 32;

  /** A planted latent: the concept dimensions it reads, so the tokens of any of them make it fire. */
  private record LatentConcept(int latent, String name, String explanation, List<Integer> dimensions) {}

  private static final List<LatentConcept> LATENTS = List.of(
      new LatentConcept(5, "dates", "parts of dates: month names and numbers written with digits", List.of(1, 3)),
      new LatentConcept(12, "colours", "colour words such as red, blue, green and white", List.of(0)),
      new LatentConcept(20, "closing brackets", "closing brackets and parentheses, such as ) ] and }", List.of(2)));

  /** The planted neurons and their token sets (computed from GPT-2's vocabulary). */
  public static List<PlantedNeuron> neurons(Gpt2Tokenizer tokenizer) {
    List<PlantedNeuron> out = new ArrayList<>();
    for (Concept c : CONCEPTS) {
      List<String> tokens = new ArrayList<>();
      List<Integer> ids = new ArrayList<>();
      for (int id = 0; id < Gpt2Tokenizer.VOCABULARY_SIZE - 1; id++) {
        String t = tokenizer.token(id);
        if (c.member().test(t)) {
          tokens.add(t);
          ids.add(id);
        }
      }
      out.add(new PlantedNeuron(c.layer(), c.neuron(), c.name(), c.explanation(), tokens, ids));
    }
    return out;
  }

  /** Writes {@code config.json}, {@code model.safetensors} and the manifest {@code planted.json} into {@code dir}. */
  public static List<PlantedNeuron> write(Path dir, Gpt2Tokenizer tokenizer, long seed) {
    List<PlantedNeuron> planted = neurons(tokenizer);
    Gpt2Config c = CONFIG;
    int e = c.width(), inner = c.mlpWidth(), reserved = CONCEPTS.size();
    SplittableRandom random = new SplittableRandom(seed);

    float[] wte = new float[c.vocabSize() * e];
    for (int v = 0; v < c.vocabSize(); v++) for (int d = reserved; d < e; d++) wte[v * e + d] = gauss(random, 0.1);
    for (int k = 0; k < planted.size(); k++) for (int id : planted.get(k).tokenIds()) wte[id * e + k] = 1f;
    float[] wpe = new float[c.contextLength() * e];
    for (int t = 0; t < c.contextLength(); t++) for (int d = reserved; d < e; d++) wpe[t * e + d] = gauss(random, 0.02);

    java.util.Map<String, float[]> w = new java.util.HashMap<>();
    w.put("wte.weight", wte);
    w.put("wpe.weight", wpe);
    for (int l = 0; l < c.layers(); l++) {
      String p = "h." + l + ".";
      for (String ln : List.of("ln_1", "ln_2")) {
        w.put(p + ln + ".weight", freeDims(e, reserved, random, 0.02, 1f));
        w.put(p + ln + ".bias", freeDims(e, reserved, random, 0.02, 0f));
      }
      w.put(p + "attn.c_attn.weight", gaussians(e * 3 * e, random, 0.1));
      w.put(p + "attn.c_attn.bias", gaussians(3 * e, random, 0.02));
      w.put(p + "attn.c_proj.weight", writesFreeDims(e, e, reserved, random, 0.05));
      w.put(p + "attn.c_proj.bias", freeDims(e, reserved, random, 0.02, 0f));
      // Ordinary neurons read only the free dimensions; a planted one reads only its concept's dimension.
      float[] fc = new float[e * inner];
      float[] fcBias = new float[inner];
      for (int n = 0; n < inner; n++) {
        fcBias[n] = gauss(random, 0.1);
        for (int d = reserved; d < e; d++) fc[d * inner + n] = gauss(random, 0.15);
      }
      float[] proj = writesFreeDims(inner, e, reserved, random, 0.02);
      for (int k = 0; k < planted.size(); k++) {
        PlantedNeuron pn = planted.get(k);
        if (pn.layer() != l) continue;
        for (int d = 0; d < e; d++) fc[d * inner + pn.neuron()] = 0f;
        fc[k * inner + pn.neuron()] = l == 0 ? 1.0f : 1.5f;
        fcBias[pn.neuron()] = l == 0 ? -2f : -3f;
        for (int d = 0; d < e; d++) proj[pn.neuron() * e + d] = 0f;
      }
      w.put(p + "mlp.c_fc.weight", fc);
      w.put(p + "mlp.c_fc.bias", fcBias);
      w.put(p + "mlp.c_proj.weight", proj);
      w.put(p + "mlp.c_proj.bias", freeDims(e, reserved, random, 0.02, 0f));
    }
    float[] gain = new float[e];
    java.util.Arrays.fill(gain, 1f);
    w.put("ln_f.weight", gain);
    w.put("ln_f.bias", new float[e]);

    Checkpoints.write(dir, c, (name, shape) -> SafetensorsWriter.Values.of(w.get(name)));
    AtomicFiles.writeString(dir.resolve("planted.json"), manifestJson(planted, seed));
    return planted;
  }

  /**
   * Writes a sparse autoencoder for the planted model in SAELens' layout ({@code cfg.json} +
   * {@code sae_weights.safetensors}, standard ReLU, {@code apply_b_dec_to_input}) into {@code dir}, with the
   * manifest {@code planted.json} of its planted latents. It reads {@link #DICTIONARY_HOOK}. A planted latent reads
   * its concept dimensions with weight 1 and bias −0.5: it is about 0.5 on its tokens and 0 on every other token. Its
   * other latents read random mixtures of the free dimensions, as an untrained dictionary's would.
   */
  public static List<PlantedNeuron> writeDictionary(Path dir, Gpt2Tokenizer tokenizer, long seed) {
    List<PlantedNeuron> neurons = neurons(tokenizer);
    int e = CONFIG.width(), width = DICTIONARY_WIDTH, reserved = CONCEPTS.size();
    SplittableRandom random = new SplittableRandom(seed ^ 0x5AE5AE5AEL);
    float[] enc = new float[e * width], bEnc = new float[width], dec = new float[width * e], bDec = new float[e];
    for (int j = 0; j < width; j++) {
      bEnc[j] = -0.6f + gauss(random, 0.1);
      for (int d = reserved; d < e; d++) enc[d * width + j] = gauss(random, 0.4);
      for (int d = 0; d < e; d++) dec[j * e + d] = gauss(random, 0.125);
    }
    for (int d = reserved; d < e; d++) bDec[d] = gauss(random, 0.05);
    List<PlantedNeuron> planted = new ArrayList<>();
    for (LatentConcept c : LATENTS) {
      // Faint weights on the free dimensions make its value vary around 0.5 from token to token, as a real feature's does
      // (a constant would leave no excerpt above the 90th percentile that the highlight formats mark); far too faint
      // to lift it above 0 on any other token.
      for (int d = 0; d < e; d++) enc[d * width + c.latent()] = d < reserved ? 0f : gauss(random, 0.02);
      List<String> tokens = new ArrayList<>();
      List<Integer> ids = new ArrayList<>();
      for (int dim : c.dimensions()) {
        enc[dim * width + c.latent()] = 1f;
        tokens.addAll(neurons.get(dim).tokens());
        ids.addAll(neurons.get(dim).tokenIds());
      }
      bEnc[c.latent()] = -0.5f;
      planted.add(new PlantedNeuron(1, c.latent(), c.name(), c.explanation(), tokens, ids));
    }
    try {
      java.nio.file.Files.createDirectories(dir);
    } catch (IOException ex) {
      throw new java.io.UncheckedIOException("cannot create " + dir + ": " + ex.getMessage(), ex);
    }
    SafetensorsWriter.write(dir.resolve("sae_weights.safetensors"), List.of(
        new SafetensorsWriter.Entry("W_enc", new long[] {e, width}, SafetensorsWriter.Values.of(enc)),
        new SafetensorsWriter.Entry("b_enc", new long[] {width}, SafetensorsWriter.Values.of(bEnc)),
        new SafetensorsWriter.Entry("W_dec", new long[] {width, e}, SafetensorsWriter.Values.of(dec)),
        new SafetensorsWriter.Entry("b_dec", new long[] {e}, SafetensorsWriter.Values.of(bDec))));
    ObjectNode cfg = JSON.createObjectNode();
    cfg.put("architecture", "standard").put("d_in", e).put("d_sae", width).put("dtype", "float32").put("device", "cpu")
        .put("apply_b_dec_to_input", true).put("normalize_activations", "none").put("reshape_activations", "none");
    cfg.putObject("metadata").put("model_name", "planted-gpt2").put("hook_name", DICTIONARY_HOOK).putNull("hook_head_index")
        .put("prepend_bos", false).put("context_size", CONFIG.contextLength());
    AtomicFiles.writeString(dir.resolve("cfg.json"), cfg.toPrettyString() + "\n");
    AtomicFiles.writeString(dir.resolve("planted.json"), manifestJson(planted, seed, "latent",
        "A sparse autoencoder for the planted GPT-2, written by 'scribe plant', reading " + DICTIONARY_HOOK + ". Each latent below "
            + "fires on exactly the listed tokens (neuron = the latent's index); its explanation is the ground truth an explainer should find."));
    return planted;
  }

  private static float gauss(SplittableRandom r, double sigma) {
    return (float) (r.nextGaussian() * sigma);
  }

  private static float[] gaussians(int n, SplittableRandom r, double sigma) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) a[i] = gauss(r, sigma);
    return a;
  }

  /** A vector that is {@code base} plus noise in the free dimensions and exactly {@code base} in the reserved ones. */
  private static float[] freeDims(int e, int reserved, SplittableRandom r, double sigma, float base) {
    float[] a = new float[e];
    for (int d = 0; d < e; d++) a[d] = base + (d < reserved ? 0f : gauss(r, sigma));
    return a;
  }

  /** A {@code rows × e} projection into the residual stream that leaves the reserved dimensions alone. */
  private static float[] writesFreeDims(int rows, int e, int reserved, SplittableRandom r, double sigma) {
    float[] a = new float[rows * e];
    for (int i = 0; i < rows; i++) for (int d = reserved; d < e; d++) a[i * e + d] = gauss(r, sigma);
    return a;
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  static String manifestJson(List<PlantedNeuron> planted, long seed) {
    return manifestJson(planted, seed, "neuron", "A GPT-2 with planted neurons, written by 'scribe plant'. Each neuron below fires on "
        + "exactly the listed tokens; its explanation is the ground truth an explainer should find.");
  }

  private static String manifestJson(List<PlantedNeuron> planted, long seed, String unit, String description) {
    ObjectNode root = JSON.createObjectNode();
    root.put("description", description);
    if (!unit.equals("neuron")) root.put("unit", unit);
    root.put("seed", seed);
    ArrayNode list = root.putArray("neurons");
    for (PlantedNeuron p : planted) {
      ObjectNode n = list.addObject();
      n.put("layer", p.layer()).put("neuron", p.neuron()).put("concept", p.concept()).put("explanation", p.explanation());
      ArrayNode tokens = n.putArray("tokens");
      p.tokens().forEach(tokens::add);
      ArrayNode ids = n.putArray("token_ids");
      p.tokenIds().forEach(ids::add);
    }
    return root.toPrettyString() + "\n";
  }

  /** Reads the {@code planted.json} manifest of a planted model directory. */
  public static List<PlantedNeuron> readManifest(Path dir) {
    Path file = dir.resolve("planted.json");
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new InvalidInputException(file.toString(), "cannot be read as the manifest of a planted model (" + e.getMessage() + ")", e);
    }
    List<PlantedNeuron> out = new ArrayList<>();
    JsonNode neurons = root == null ? null : root.get("neurons");
    if (neurons == null || !neurons.isArray()) throw new InvalidInputException(file.toString(), "field 'neurons' is missing; is this a planted.json?");
    for (JsonNode n : neurons) {
      List<String> tokens = new ArrayList<>();
      n.path("tokens").forEach(t -> tokens.add(t.asText()));
      List<Integer> ids = new ArrayList<>();
      n.path("token_ids").forEach(t -> ids.add(t.asInt()));
      out.add(new PlantedNeuron(n.path("layer").asInt(), n.path("neuron").asInt(), n.path("concept").asText(),
          n.path("explanation").asText(), tokens, ids));
    }
    return out;
  }
}
