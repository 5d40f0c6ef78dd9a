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
    ObjectNode root = JSON.createObjectNode();
    root.put("description", "A GPT-2 with planted neurons, written by 'scribe plant'. Each neuron below fires on "
        + "exactly the listed tokens; its explanation is the ground truth an explainer should find.");
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
