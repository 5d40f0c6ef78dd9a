package dev.neuronscribe.prompts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuronscribe.files.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * All the wording of the explainer prompts, kept apart from their structure: one instruction (system
 * text) per format, the stem that ends each neuron's block, the header of Original's zeros-filtered
 * repeat, the few-shot examples and the cutoff that picks their hot tokens; optionally the simulator's
 * wording too. The project ships its own pack ({@link #builtIn()}); users load others from JSON files
 * (format: {@code docs/prompt-packs.md}).
 */
public final class PromptPack {
  private final String name;
  private final String explanationStem;
  private final String zerosFilteredHeader;
  private final double fewShotCutoff;
  private final Map<PromptFormat, String> systems;
  private final List<FewShotExample> fewShot;
  private final Optional<SimulatorWording> simulator;
  private final Optional<ScorerWording> scorers;
  private final String source;
  // The JSON the pack was read from, so that export keeps fields we do not know. Never handed out.
  private final Optional<ObjectNode> readFrom;

  PromptPack(
      String name,
      String explanationStem,
      String zerosFilteredHeader,
      double fewShotCutoff,
      Map<PromptFormat, String> systems,
      List<FewShotExample> fewShot,
      Optional<SimulatorWording> simulator,
      Optional<ScorerWording> scorers,
      String source,
      Optional<ObjectNode> readFrom) {
    PackRules.require(PackRules.name(name), "name");
    PackRules.require(PackRules.stem(explanationStem), "explanation_stem");
    PackRules.require(PackRules.cutoff(fewShotCutoff), "few_shot_cutoff");
    Objects.requireNonNull(zerosFilteredHeader, "zeros_filtered_header");
    EnumMap<PromptFormat, String> copy = new EnumMap<>(PromptFormat.class);
    for (PromptFormat f : PromptFormat.values()) {
      String system = systems.get(f);
      if (system == null) throw new IllegalArgumentException("formats." + f.id() + ".system is missing");
      copy.put(f, system);
    }
    this.name = name;
    this.explanationStem = explanationStem;
    this.zerosFilteredHeader = zerosFilteredHeader;
    this.fewShotCutoff = fewShotCutoff;
    this.systems = Collections.unmodifiableMap(copy);
    this.fewShot = List.copyOf(fewShot);
    this.simulator = Objects.requireNonNull(simulator);
    this.scorers = Objects.requireNonNull(scorers);
    this.source = source;
    this.readFrom = readFrom.map(ObjectNode::deepCopy);
  }

  /** A pack built in code; {@code systems} needs an entry for every format, {@code fewShot} may be empty. */
  public static PromptPack of(
      String name,
      String explanationStem,
      String zerosFilteredHeader,
      double fewShotCutoff,
      Map<PromptFormat, String> systems,
      List<FewShotExample> fewShot,
      Optional<SimulatorWording> simulator) {
    return of(name, explanationStem, zerosFilteredHeader, fewShotCutoff, systems, fewShot, simulator, Optional.empty());
  }

  /** As above, with the wording of the other scorers. */
  public static PromptPack of(
      String name,
      String explanationStem,
      String zerosFilteredHeader,
      double fewShotCutoff,
      Map<PromptFormat, String> systems,
      List<FewShotExample> fewShot,
      Optional<SimulatorWording> simulator,
      Optional<ScorerWording> scorers) {
    return new PromptPack(name, explanationStem, zerosFilteredHeader, fewShotCutoff, systems, fewShot, simulator, scorers,
        "pack '" + name + "'", Optional.empty());
  }

  /** NeuronScribe's own wording and few-shot examples. */
  public static PromptPack builtIn() {
    return BuiltIn.PACK;
  }

  /** Reads a pack file; any problem is an {@link InvalidInputException} naming the file and the field. */
  public static PromptPack load(Path file) {
    String source = file.toString();
    try {
      return PackJson.parse(Files.readString(file, StandardCharsets.UTF_8), source);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(source, "not found (a prompt pack file; `scribe pack export` writes one to start from)");
    } catch (IOException e) {
      throw new InvalidInputException(source, "cannot be read: " + e.getMessage(), e);
    }
  }

  /** Parses a pack from JSON text; {@code source} names it in error messages. */
  public static PromptPack parse(String json, String source) {
    return PackJson.parse(json, source);
  }

  /** The pack as JSON in the pack format; fields unknown to NeuronScribe in a loaded pack are kept. */
  public String toJson() {
    return PackJson.write(this);
  }

  public String name() {
    return name;
  }

  /** The stem ending each neuron's block, with {@code {k}} where the neuron's number goes. */
  public String explanationStem() {
    return explanationStem;
  }

  /** The stem for neuron number {@code k}. */
  public String stem(int k) {
    return explanationStem.replace(PackRules.K, Integer.toString(k));
  }

  public String zerosFilteredHeader() {
    return zerosFilteredHeader;
  }

  /** Hot-token cutoff for the few-shot examples' raw activations (Summary, Highlight, HS). */
  public double fewShotCutoff() {
    return fewShotCutoff;
  }

  /** The instruction (system message) for a format. */
  public String system(PromptFormat format) {
    return systems.get(format);
  }

  public Map<PromptFormat, String> systems() {
    return systems;
  }

  public List<FewShotExample> fewShot() {
    return fewShot;
  }

  public Optional<SimulatorWording> simulator() {
    return simulator;
  }

  /** The wording of the detection, fuzzing, intruder and surprisal scorers, when the pack has it. */
  public Optional<ScorerWording> scorers() {
    return scorers;
  }

  /** Where the pack came from ("built-in" or the file), for messages and reports. */
  public String source() {
    return source;
  }

  Optional<ObjectNode> readFrom() {
    return readFrom.map(ObjectNode::deepCopy);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PromptPack p
        && name.equals(p.name)
        && explanationStem.equals(p.explanationStem)
        && zerosFilteredHeader.equals(p.zerosFilteredHeader)
        && Double.compare(fewShotCutoff, p.fewShotCutoff) == 0
        && systems.equals(p.systems)
        && fewShot.equals(p.fewShot)
        && simulator.equals(p.simulator)
        && scorers.equals(p.scorers);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, explanationStem, zerosFilteredHeader, fewShotCutoff, systems, fewShot, simulator, scorers);
  }

  @Override
  public String toString() {
    return "PromptPack[" + name + " from " + source + ", " + fewShot.size() + " few-shot examples"
        + (simulator.isPresent() ? ", simulator wording" : "") + (scorers.isPresent() ? ", scorer wording" : "") + "]";
  }

  /** Parsed once, on first use; immutable afterwards. */
  private static final class BuiltIn {
    static final String RESOURCE = "builtin-pack.json";
    static final PromptPack PACK = read();

    private static PromptPack read() {
      try (InputStream in = PromptPack.class.getResourceAsStream(RESOURCE)) {
        if (in == null) throw new IllegalStateException("the built-in prompt pack " + RESOURCE + " is missing from the class path; rebuild NeuronScribe");
        return PackJson.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "built-in");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
