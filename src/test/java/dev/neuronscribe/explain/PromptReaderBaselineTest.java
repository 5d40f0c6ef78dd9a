package dev.neuronscribe.explain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronscribe.activations.ActivationRecord;
import dev.neuronscribe.activations.BuiltInPuzzles;
import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.NeuronRecord;
import dev.neuronscribe.activations.Puzzle;
import dev.neuronscribe.activations.QuantileBoundaries;
import dev.neuronscribe.prompts.ExplanationPrompts;
import dev.neuronscribe.prompts.PromptFormat;
import dev.neuronscribe.prompts.PromptPack;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PromptReaderBaselineTest {
  private static final PromptPack PACK = PromptPack.builtIn();
  private static final List<String> FILLER = List.of(" the", " river", " was", " quiet", " after", " a", " long", " day", ",", " and",
      " we", " walked", " home", ".", " It", " rained");

  /** The made-up neuron of docs/prompt-formats.md: a coffee-shop excerpt and a tea-prices excerpt, cutoff 1.0. */
  static List<ActivationRecord> specExample() {
    return List.of(
        new ActivationRecord(List.of(" She", " ordered", " a", " coffee", " and", " two", " cro", "iss", "ants", " at", " the", " bakery", "."),
            new double[] {-0.02, -0.05, -0.01, 2.71, -0.03, -0.04, 0.64, 1.12, 0.97, -0.02, -0.01, 1.53, -0.06}),
        new ActivationRecord(List.of(" Tea", " prices", " rose", " again", " in", " March", "."),
            new double[] {2.2, 0.31, -0.02, -0.05, -0.01, -0.03, -0.04}));
  }

  static String block(PromptFormat format, List<ActivationRecord> records, double cutoff) {
    return ExplanationPrompts.render(format, PACK, records, cutoff).getLast().content();
  }

  static List<PromptReading.Shown> read(PromptFormat format, List<ActivationRecord> records, double cutoff) {
    return PromptReading.read(format, PACK, block(format, records, cutoff), PACK.fewShot().size() + 1);
  }

  static String explain(PromptFormat format, List<ActivationRecord> records, double cutoff) {
    return PromptReaderBaseline.describe(read(format, records, cutoff)).orElseThrow();
  }

  @Test
  void readsBackWhatEachFormatOfTheSpecExampleShows() {
    List<ActivationRecord> r = specExample();
    String a = " She ordered a coffee and two croissants at the bakery.";
    for (PromptFormat f : PromptFormat.values()) {
      assertThat(read(f, r, 1.0)).as(f.id()).extracting(PromptReading.Shown::text).containsExactly(a, " Tea prices rose again in March.");
    }
    // Summary: the listed tokens, with no place.
    assertThat(read(PromptFormat.SUMMARY, r, 1.0).getFirst().hot())
        .containsExactly(new PromptReading.Hot(" coffee", -1, 1), new PromptReading.Hot("iss", -1, 1), new PromptReading.Hot(" bakery", -1, 1));
    // Highlight and HS: the same tokens, where they stand.
    for (PromptFormat f : List.of(PromptFormat.HIGHLIGHT, PromptFormat.HIGHLIGHT_SUMMARY)) {
      assertThat(read(f, r, 1.0).getFirst().hot()).as(f.id()).containsExactly(new PromptReading.Hot(" coffee", a.indexOf(" coffee"), 1),
          new PromptReading.Hot("iss", a.indexOf("iss"), 1), new PromptReading.Hot(" bakery", a.indexOf(" bakery"), 1));
    }
    // Original and AVHS: every token with a non-zero 0-10 value, with that value.
    for (PromptFormat f : List.of(PromptFormat.ORIGINAL, PromptFormat.AVHS)) {
      assertThat(read(f, r, 1.0).getFirst().hot()).as(f.id()).containsExactly(new PromptReading.Hot(" coffee", a.indexOf(" coffee"), 1.0),
          new PromptReading.Hot(" cro", a.indexOf(" cro"), 0.2), new PromptReading.Hot("iss", a.indexOf("iss"), 0.4),
          new PromptReading.Hot("ants", a.indexOf("ants"), 0.3), new PromptReading.Hot(" bakery", a.indexOf(" bakery"), 0.5));
      assertThat(read(f, r, 1.0).get(1).hot()).as(f.id()).containsExactly(new PromptReading.Hot(" Tea", 0, 0.8), new PromptReading.Hot(" prices", 4, 0.1));
    }
  }

  @Test
  void differentFormatsGiveDifferentExplanationsOfTheSameNeuron() {
    List<ActivationRecord> r = specExample();
    Map<PromptFormat, String> e = new EnumMap<>(PromptFormat.class);
    for (PromptFormat f : PromptFormat.values()) e.put(f, explain(f, r, 1.0));
    // Summary lists "iss" with no place; Highlight shows it inside "croissants"; neither shows how strong anything is.
    assertThat(e.get(PromptFormat.SUMMARY)).isEqualTo("\"bakery\", \"coffee\" and \"iss\"");
    assertThat(e.get(PromptFormat.HIGHLIGHT)).isEqualTo("\"bakery\", \"coffee\" and \"croissants\"");
    // Original and AVHS show values: " Tea" (8) outranks " bakery" (5); croissants (at most 4) never reaches half.
    assertThat(e.get(PromptFormat.ORIGINAL)).isEqualTo("\"coffee\", \"Tea\" and \"bakery\"");
    // Highlight-summary shows what Highlight shows, AVHS what Original shows: a faithful reader says the same.
    assertThat(e.get(PromptFormat.HIGHLIGHT_SUMMARY)).isEqualTo(e.get(PromptFormat.HIGHLIGHT));
    assertThat(e.get(PromptFormat.AVHS)).isEqualTo(e.get(PromptFormat.ORIGINAL));
  }

  @Test
  void thePromptIsTheBottleneckActivationsAFormatDoesNotShowChangeNothing() {
    // " coffee" at about 10 in every excerpt, the cutoff 9.5; the variant lifts " bridge" from -0.05 to about 9,
    // which Original and AVHS show (a value of 8) and the cutoff formats do not.
    NeuronRecord base = planted(new NeuronId(0, 1), 7, Map.of(" coffee", 10.0, " bridge", -0.05), 9.5);
    NeuronRecord variant = planted(new NeuronId(0, 1), 7, Map.of(" coffee", 10.0, " bridge", 9.0), 9.5);
    PromptReaderBaseline reader = new PromptReaderBaseline(PACK);
    for (PromptFormat f : List.of(PromptFormat.SUMMARY, PromptFormat.HIGHLIGHT, PromptFormat.HIGHLIGHT_SUMMARY)) {
      assertThat(ExplanationPrompts.forNeuron(f, PACK, variant)).as(f.id()).isEqualTo(ExplanationPrompts.forNeuron(f, PACK, base));
      assertThat(text(reader, f, variant)).as(f.id()).isEqualTo(text(reader, f, base)).isEqualTo("\"coffee\"");
    }
    for (PromptFormat f : List.of(PromptFormat.ORIGINAL, PromptFormat.AVHS)) {
      assertThat(text(reader, f, base)).as(f.id()).isEqualTo("\"coffee\"");
      assertThat(text(reader, f, variant)).as(f.id()).isEqualTo("\"coffee\" and \"bridge\"");
    }
  }

  @Test
  void onARealGpt2XlNeuronTheFormatsThatShowDifferentThingsDisagree() {
    NeuronRecord r = dev.neuronscribe.activations.NeuronRecordJson.read(dev.neuronscribe.testing.TestData.require("reference/gpt2xl-neuron-1-1.json"));
    PromptReaderBaseline reader = new PromptReaderBaseline(PACK);
    Map<PromptFormat, String> e = new EnumMap<>(PromptFormat.class);
    for (PromptFormat f : PromptFormat.values()) e.put(f, text(reader, f, r));
    // Values (Original, AVHS) against marks above the 90th-percentile cutoff; words (Highlight) against listed tokens (Summary).
    assertThat(e.get(PromptFormat.ORIGINAL)).isEqualTo(e.get(PromptFormat.AVHS)).contains("\"transfer\"");
    assertThat(e.get(PromptFormat.HIGHLIGHT)).isEqualTo(e.get(PromptFormat.HIGHLIGHT_SUMMARY));
    assertThat(java.util.Set.copyOf(e.values())).hasSize(3);
  }

  @Test
  void namesThePlantedTokensInEveryFormat() {
    PromptReaderBaseline reader = new PromptReaderBaseline(PACK);
    for (long seed = 1; seed <= 5; seed++) {
      NeuronRecord r = planted(new NeuronId(2, (int) seed), seed, Map.of(" coffee", 9.0, " tea", 7.0), 3.0);
      for (PromptFormat f : PromptFormat.values()) {
        String text = text(reader, f, r);
        assertThat(text).as("seed %d, %s", seed, f.id()).contains("\"coffee\"").contains("\"tea\"");
        for (String w : FILLER) assertThat(text).as("seed %d, %s", seed, f.id()).doesNotContain("\"" + w.strip() + "\"");
      }
    }
  }

  @Test
  void onThePuzzlesItNamesOnlyWhatThePuzzleMarks() {
    PromptReaderBaseline reader = new PromptReaderBaseline(PACK);
    List<Puzzle> puzzles = BuiltInPuzzles.load();
    assertThat(puzzles).hasSizeGreaterThan(5);
    for (Puzzle p : puzzles) {
      List<String> marked = new ArrayList<>();
      for (ActivationRecord s : p.sentences()) {
        for (int i = 0; i < s.size(); i++) if (s.activation(i) > 0) marked.add(s.token(i).strip().toLowerCase(Locale.ROOT));
      }
      for (PromptFormat f : PromptFormat.values()) {
        Explanation e = reader.explain(f, new Explainee.Puzzle(p), 1).getFirst();
        assertThat(e.ok()).as("%s %s: %s", p.name(), f.id(), e.error()).isTrue();
        assertThat(e.explainer()).isEqualTo("baseline-prompt-reader");
        assertThat(e.promptTokens()).isPositive();
        // Each named item is a marked token or the word around one.
        for (String item : items(e.text().orElseThrow())) {
          assertThat(marked).as("%s %s names %s", p.name(), f.id(), item)
              .anySatisfy(t -> assertThat(!t.isEmpty() && (item.contains(t) || t.contains(item))).isTrue());
        }
      }
    }
  }

  @Test
  void isDeterministic() {
    NeuronRecord r = planted(new NeuronId(3, 3), 11, Map.of(" coffee", 9.0, " tea", 7.0), 3.0);
    for (PromptFormat f : PromptFormat.values()) {
      List<Explanation> once = new PromptReaderBaseline(PACK).explain(f, new Explainee.Neuron(r), 3);
      List<Explanation> again = new PromptReaderBaseline(PACK).explain(f, new Explainee.Neuron(r), 3);
      assertThat(once).isEqualTo(again).hasSize(3);
      assertThat(once).extracting(Explanation::text).containsOnly(once.getFirst().text());
    }
  }

  @Test
  void readsTokensThatLookLikeTheLayout() {
    // Tokens holding newlines, tabs and digits; a token that is a comma; brackets that belong to the text.
    ActivationRecord odd = new ActivationRecord(List.of("\n", "\t5", "10", " a\tb", ",", " see", " [", "1", "]", " this"),
        new double[] {0, 3, 5, 10, 6, 0, 0, 0, 0, 8});
    List<ActivationRecord> r = List.of(odd, new ActivationRecord(List.of(" x", ",", " y"), new double[] {0, 0, 0}));
    String text = "\n\t510 a\tb, see [1] this";
    List<PromptReading.Shown> original = read(PromptFormat.ORIGINAL, r, 1.0);
    assertThat(original.getFirst().text()).isEqualTo(text);
    assertThat(original.getFirst().hot()).extracting(PromptReading.Hot::token).containsExactly("\t5", "10", " a\tb", ",", " this");
    assertThat(original.get(1).hot()).isEmpty();
    // Summary's list " a\tb,,, this": the empty pieces are the comma token.
    assertThat(read(PromptFormat.SUMMARY, r, 1.0).getFirst().hot()).extracting(PromptReading.Hot::token)
        .containsExactly("\t5", "10", " a\tb", ",", " this");
    // Highlight cannot tell the text's "[1]" from a mark; Highlight-summary's list can.
    assertThat(read(PromptFormat.HIGHLIGHT, r, 1.0).getFirst().hot()).extracting(PromptReading.Hot::token).contains("1");
    PromptReading.Shown hs = read(PromptFormat.HIGHLIGHT_SUMMARY, r, 1.0).getFirst();
    assertThat(hs.text()).isEqualTo(text);
    assertThat(hs.hot()).extracting(PromptReading.Hot::token).containsExactly("\t5", "10", " a\tb", ",", " this");
    assertThat(read(PromptFormat.AVHS, r, 1.0).getFirst().hot()).extracting(PromptReading.Hot::weight).containsExactly(0.3, 0.5, 1.0, 0.6, 0.8);
  }

  @Test
  void aPromptItCannotReadIsAFailedExplanationWithTheReason() {
    // An excerpt that contains the layout's own "<end> \n" cuts the text short.
    ActivationRecord broken = new ActivationRecord(List.of(" a", "<end> \n", " b"), new double[] {5, 0, 0});
    Puzzle p = new Puzzle("broken", "the letter a", List.of(broken), List.of());
    Explanation e = new PromptReaderBaseline(PACK).explain(PromptFormat.SUMMARY, new Explainee.Puzzle(p), 1).getFirst();
    assertThat(e.ok()).isFalse();
    assertThat(e.error().orElseThrow()).startsWith("could not read the rendered summary prompt back: ");
    // Nothing marked: failed, not an empty explanation.
    Puzzle quiet = new Puzzle("quiet", "nothing", List.of(new ActivationRecord(List.of(" a", " b"), new double[] {0, 0})), List.of());
    assertThat(new PromptReaderBaseline(PACK).explain(PromptFormat.HIGHLIGHT, new Explainee.Puzzle(quiet), 1).getFirst().error())
        .contains("the prompt marks no token as activating");
  }

  private static String text(PromptReaderBaseline reader, PromptFormat f, NeuronRecord r) {
    Explanation e = reader.explain(f, new Explainee.Neuron(r), 1).getFirst();
    return e.text().orElseThrow(() -> new AssertionError(f.id() + ": " + e.error()));
  }

  /** The quoted items of an explanation, lower case. */
  private static List<String> items(String explanation) {
    List<String> out = new ArrayList<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"([^\"]*)\"").matcher(explanation);
    while (m.find()) out.add(m.group(1).toLowerCase(Locale.ROOT));
    return out;
  }

  /**
   * 20 top excerpts of filler text, each holding every planted token once at (about) its activation,
   * and 15 quiet random excerpts; fillers sit just below zero.
   */
  static NeuronRecord planted(NeuronId id, long seed, Map<String, Double> plants, double q90) {
    Random random = new Random(seed);
    List<ActivationRecord> top = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      List<String> tokens = new ArrayList<>();
      List<Double> acts = new ArrayList<>();
      for (int t = 0; t < 14; t++) {
        tokens.add(FILLER.get(random.nextInt(FILLER.size())));
        acts.add(-0.15 * random.nextDouble());
      }
      for (var p : new java.util.TreeMap<>(plants).entrySet()) {
        int at = random.nextInt(tokens.size() + 1);
        tokens.add(at, p.getKey());
        acts.add(at, p.getValue() * (1 - 0.002 * i));
      }
      top.add(new ActivationRecord(tokens, acts.stream().mapToDouble(Double::doubleValue).toArray()));
    }
    List<ActivationRecord> rnd = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      List<String> tokens = new ArrayList<>();
      double[] acts = new double[10];
      for (int t = 0; t < 10; t++) {
        tokens.add(FILLER.get(random.nextInt(FILLER.size())));
        acts[t] = -0.1 * random.nextDouble();
      }
      rnd.add(new ActivationRecord(tokens, acts));
    }
    return new NeuronRecord(id, top, rnd, Optional.empty(), Optional.of(QuantileBoundaries.openAi(0.1, q90, q90 + 1, q90 + 2)),
        OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty());
  }
}
