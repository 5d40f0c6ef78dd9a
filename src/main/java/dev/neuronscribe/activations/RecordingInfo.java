package dev.neuronscribe.activations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuronscribe.files.AtomicFiles;
import dev.neuronscribe.files.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the records in a directory are, in {@code DIR/recording.json} beside them: the unit kind (an MLP neuron or
 * a dictionary's latent) and, for latents, each layer's dictionary. A {@link NeuronId} stays (layer, index)
 * whatever the kind; this file says how to read the index. Directories without it (OpenAI's public records, older
 * recordings) hold neurons.
 *
 * @param unit {@link #NEURON} or {@link #LATENT}
 * @param model the model directory recorded, as given
 * @param architecture the model's {@code model_type}
 * @param point for neurons, the hook point whose values they are ({@code mlp_act}: the MLP's neurons); empty for latents
 * @param dictionaries one per recorded layer when the units are latents; empty for neurons
 */
public record RecordingInfo(String unit, String model, String architecture, String point, List<DictionaryInfo> dictionaries) {
  public static final String NEURON = "neuron";
  public static final String LATENT = "latent";
  public static final String FILE = "recording.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One dictionary's description.
   *
   * @param kind {@code sae} or {@code transcoder}
   * @param hook the hook point as the dictionary names it, e.g. {@code blocks.6.hook_resid_post}
   * @param point our name for it, e.g. {@code resid_post}
   * @param k latents kept per token (TopK) or groups (group-max); 0 otherwise
   */
  public record DictionaryInfo(int layer, String format, String path, String kind, String hook, String point, String activation,
      int k, int dIn, int dSae) {}

  public RecordingInfo {
    if (!unit.equals(NEURON) && !unit.equals(LATENT)) throw new IllegalArgumentException("unit is neuron or latent, got " + unit);
    dictionaries = List.copyOf(dictionaries);
  }

  public static RecordingInfo neurons(String model, String architecture, String point) {
    return new RecordingInfo(NEURON, model, architecture, point, List.of());
  }

  /** Latents of {@code dictionaries}, one per layer. */
  public static RecordingInfo latents(String model, String architecture, List<dev.neuronscribe.subject.Dictionary.Info> dictionaries) {
    List<DictionaryInfo> list = new ArrayList<>();
    for (dev.neuronscribe.subject.Dictionary.Info d : dictionaries) {
      list.add(new DictionaryInfo(d.hook().layer(), d.format().name().toLowerCase(java.util.Locale.ROOT), d.path().toString(),
          d.transcoder() ? "transcoder" : "sae", d.hook().name(), d.hook().point().id(), d.activation().name().toLowerCase(java.util.Locale.ROOT),
          d.k(), d.dIn(), d.dSae()));
    }
    return new RecordingInfo(LATENT, model, architecture, "", list);
  }

  public boolean latents() {
    return unit.equals(LATENT);
  }

  /** The unit's name for people: "neuron" / "latent", or the plural. */
  public String unitName(boolean plural) {
    return plural ? unit + "s" : unit;
  }

  /** The dictionary of {@code layer}, for latents. */
  public Optional<DictionaryInfo> dictionary(int layer) {
    return dictionaries.stream().filter(d -> d.layer() == layer).findFirst();
  }

  /**
   * This description and {@code added} as one, for recording more units into the same folder: empty when they
   * disagree (neurons beside latents, or two dictionaries for one layer). The model named is {@code added}'s.
   */
  public Optional<RecordingInfo> mergedWith(RecordingInfo added) {
    if (!unit.equals(added.unit) || !point.equals(added.point)) return Optional.empty();
    List<DictionaryInfo> all = new ArrayList<>(dictionaries);
    for (DictionaryInfo d : added.dictionaries) {
      Optional<DictionaryInfo> held = dictionary(d.layer());
      if (held.isEmpty()) all.add(d);
      else if (!sameDictionary(held.get(), d)) return Optional.empty();
    }
    all.sort(java.util.Comparator.comparingInt(DictionaryInfo::layer));
    return Optional.of(new RecordingInfo(unit, added.model, added.architecture, point, all));
  }

  /** The same latents: where they live on disk may differ between runs. */
  private static boolean sameDictionary(DictionaryInfo a, DictionaryInfo b) {
    return a.format().equals(b.format()) && a.hook().equals(b.hook()) && a.dSae() == b.dSae() && a.activation().equals(b.activation()) && a.k() == b.k();
  }

  /** The unit kind of the records in {@code dir}: what its {@code recording.json} says, or neurons without one. */
  public static String unitOf(Path dir) {
    return read(dir).map(RecordingInfo::unit).orElse(NEURON);
  }

  public static Optional<RecordingInfo> read(Path dir) {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) return Optional.empty();
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new InvalidInputException(file.toString(), "is not valid JSON (" + e.getMessage() + "); delete it if the records hold MLP neurons");
    }
    String unit = root == null ? "" : root.path("unit").asText("");
    if (!unit.equals(NEURON) && !unit.equals(LATENT)) {
      throw new InvalidInputException(file.toString(), "field 'unit' must be \"neuron\" or \"latent\", got " + root.path("unit"));
    }
    List<DictionaryInfo> dictionaries = new ArrayList<>();
    for (JsonNode d : root.path("dictionaries")) {
      dictionaries.add(new DictionaryInfo(d.path("layer").asInt(), d.path("format").asText(), d.path("path").asText(), d.path("kind").asText(),
          d.path("hook").asText(), d.path("point").asText(), d.path("activation").asText(), d.path("k").asInt(), d.path("d_in").asInt(),
          d.path("d_sae").asInt()));
    }
    String point = root.path("point").asText(unit.equals(NEURON) ? "mlp_act" : "");
    return Optional.of(new RecordingInfo(unit, root.path("model").asText(""), root.path("architecture").asText(""), point, dictionaries));
  }

  /** Writes {@code dir/recording.json} atomically. */
  public void write(Path dir) {
    ObjectNode root = JSON.createObjectNode();
    root.put("unit", unit).put("model", model).put("architecture", architecture);
    if (!latents()) root.put("point", point);
    ArrayNode list = root.putArray("dictionaries");
    for (DictionaryInfo d : dictionaries) {
      list.addObject().put("layer", d.layer()).put("format", d.format()).put("path", d.path()).put("kind", d.kind()).put("hook", d.hook())
          .put("point", d.point()).put("activation", d.activation()).put("k", d.k()).put("d_in", d.dIn()).put("d_sae", d.dSae());
    }
    AtomicFiles.writeString(dir.resolve(FILE), root.toPrettyString() + "\n");
  }
}
