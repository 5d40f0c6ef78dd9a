package dev.neuronscribe.study;

import dev.neuronscribe.activations.ActivationRecord;
import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.NeuronRecord;
import dev.neuronscribe.activations.NeuronRecordDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Test data for the study app: NeuronRecords made here (the app's job is showing them, not where they
 * come from) and explanation CSVs in the paper's layout. Some tokens and explanations are hostile HTML,
 * because tokens and explanations are untrusted input.
 */
final class StudyFixtures {
  static final String XSS_TOKEN = "<img src=x onerror=alert(1)>";
  static final String XSS_EXPLANATION = "<script>alert('pwned')</script> words about \"quotes\" & ampersands";
  static final List<String> FORMATS = List.of("Original", "Summary", "Highlight", "HighlightSummary", "AVHS");
  /** What each format's explanation is about, so tests can tell formats apart without the app saying. */
  static final List<String> TOPICS = List.of("comparisons", "animals", "numbers", "gratitude", "places");

  private StudyFixtures() {}

  /** A record whose top excerpts contain the given token at the peak, plus hostile tokens. */
  static NeuronRecord record(NeuronId id, long seed) {
    Random random = new Random(seed);
    String[] words = {" the", " cat", " sat", " on", " a", " mat", ",", " and", " then", " it", " ran", " away", ".", "\n", " transfer", " window"};
    List<ActivationRecord> top = new ArrayList<>();
    List<ActivationRecord> rnd = new ArrayList<>();
    for (int r = 0; r < 12; r++) {
      List<String> tokens = new ArrayList<>();
      double[] acts = new double[16];
      for (int i = 0; i < 16; i++) {
        tokens.add(words[random.nextInt(words.length)]);
        acts[i] = random.nextDouble() * 0.5 - 0.1;
      }
      tokens.set(5, r == 0 ? XSS_TOKEN : " transfer");
      acts[5] = 3.0 - r * 0.1;
      top.add(new ActivationRecord(tokens, acts));
      rnd.add(new ActivationRecord(tokens.subList(8, 16), java.util.Arrays.copyOfRange(acts, 8, 16)));
    }
    return NeuronRecord.of(id, top, rnd);
  }

  static NeuronRecordDirectory records(Path dir, List<NeuronId> ids) {
    NeuronRecordDirectory d = new NeuronRecordDirectory(dir);
    for (NeuronId id : ids) d.write(record(id, id.layer() * 1000L + id.neuron()));
    return d;
  }

  static List<NeuronId> neurons(int n) {
    List<NeuronId> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) ids.add(new NeuronId(i % 3, 10 + i));
    return ids;
  }

  /** A CSV in the paper's layout; the first neuron's HighlightSummary explanation is hostile HTML. */
  static String formatOf(String explanationText) {
    if (explanationText.equals(XSS_EXPLANATION)) return "HighlightSummary";
    for (int f = 0; f < TOPICS.size(); f++) if (explanationText.startsWith(TOPICS.get(f) + " ")) return FORMATS.get(f);
    throw new IllegalArgumentException("not a fixture explanation: " + explanationText);
  }

  static Path explanationsCsv(Path file, List<NeuronId> ids) throws IOException {
    StringBuilder csv = new StringBuilder("Layer,Neuron," + String.join(",", FORMATS) + "\n");
    for (int k = 0; k < ids.size(); k++) {
      NeuronId id = ids.get(k);
      csv.append(id.layer()).append(',').append(id.neuron());
      for (int f = 0; f < FORMATS.size(); f++) {
        String text = k == 0 && f == 3 ? XSS_EXPLANATION : TOPICS.get(f) + " in text (neuron " + id + "), with a comma";
        csv.append(",\"").append(text.replace("\"", "\"\"")).append('"');
      }
      csv.append('\n');
    }
    Files.writeString(file, csv.toString());
    return file;
  }

  /** A data directory with records, an explanations CSV, and a study with the given raters. */
  record Setup(Path data, Path db, List<NeuronId> neurons, long studyId, List<StudyStore.RaterLink> raters) {}

  static Setup study(Path data, int neurons, int raters) throws IOException {
    List<NeuronId> ids = neurons(neurons);
    NeuronRecordDirectory dir = records(data, ids);
    Path csv = explanationsCsv(data.resolve("explanations.csv"), ids);
    NewStudy study = StudyInputs.fromTable(ExplanationTable.read(csv), dir,
        new StudyInputs.Options("Pilot <b>study</b>", java.util.Optional.of("gpt-3.5-turbo"), List.of(), List.of(), 5, 2, StudyInputs.DEFAULT_INSTRUCTIONS));
    List<String> labels = new ArrayList<>();
    for (int i = 1; i <= raters; i++) labels.add("rater " + i);
    Path db = data.resolve("study.sqlite");
    try (StudyStore store = StudyStore.open(db)) {
      StudyStore.CreatedStudy created = store.createStudy(study, labels);
      return new Setup(data, db, ids, created.id(), created.raters());
    }
  }
}
