package dev.neuronscribe.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.neuronscribe.llm.CompletionReply;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EchoParserTest {

  /** Builds the logprobs block of an echo reply: null first entry, digit alternatives at "unknown" slots. */
  private static CompletionReply.Logprobs echo(List<String> tokens, Map<Integer, Map<String, Double>> slots) {
    double[] lps = new double[tokens.size()];
    List<Map<String, Double>> tops = new ArrayList<>();
    int[] offsets = new int[tokens.size()];
    for (int i = 0; i < tokens.size(); i++) {
      lps[i] = i == 0 ? Double.NaN : -1;
      tops.add(i == 0 ? Map.of() : slots.getOrDefault(i, Map.of(tokens.get(i), -1.0)));
    }
    return new CompletionReply.Logprobs(tokens, lps, tops, offsets);
  }

  private static final Map<String, Double> SEVEN_OR_THREE = Map.of("7", Math.log(0.5), "3", Math.log(0.5), " 7", -0.1);
  private static final Map<String, Double> TEN = Map.of("10", Math.log(0.9), "1", Math.log(0.1));

  @Test
  void splitTokensBytesTokensAndASplitStartAreMatched() {
    // Subject tokens " café" and " ok". The simulator split " café" into " caf" + two byte tokens of "é",
    // and wrote "<start>" as three tokens; an earlier "<start>" (a few-shot example) must be skipped.
    List<String> t = List.of("Neuron", "<start>", "\n", " x", "\t", "unknown", "\n<end>\n", "<", "start", ">",
        "\n", " caf", "bytes:\\xc3", "bytes:\\xa9", "\t", "unknown", "\n", " ok", "\t", "unknown", "\n", "<end>", "\n");
    Map<Integer, Map<String, Double>> slots = new LinkedHashMap<>();
    slots.put(5, TEN);
    slots.put(15, SEVEN_OR_THREE);
    slots.put(19, TEN);
    SimulationOutcome o = EchoParser.parse(echo(t, slots), List.of(" café", " ok"));
    assertThat(o).isInstanceOf(SimulationOutcome.Simulated.class);
    SequenceSimulation s = ((SimulationOutcome.Simulated) o).simulation();
    assertThat(s.expected(0)).isCloseTo(5.0, offset(1e-12));
    assertThat(s.expected(1)).isCloseTo(0.9 * 10 + 0.1 * 1, offset(1e-12));
    assertThat(s.distributionValues().get(0)).containsExactly(3, 7);
  }

  @Test
  void mergedSubjectTokensMatchByConcatenation() {
    // Subject tokens "\n" and "\n": the simulator merged the line break before each with the token itself.
    List<String> t = List.of("<start>", "\n\n", "\t", "unknown", "\n\n", "\t", "unknown", "\n<end>\n");
    SimulationOutcome o = EchoParser.parse(echo(t, Map.of(3, TEN, 6, TEN)), List.of("\n", "\n"));
    assertThat(o).isInstanceOf(SimulationOutcome.Simulated.class);
  }

  @Test
  void aMismatchIsAFailureWithTheReasonNeverZeros() {
    List<String> t = List.of("<start>", "\n", " cafe", "\t", "unknown", "\n", " ok", "\t", "unknown", "\n<end>\n");
    SimulationOutcome o = EchoParser.parse(echo(t, Map.of(4, TEN, 8, TEN)), List.of(" café", " ok"));
    assertThat(o).isInstanceOfSatisfying(SimulationOutcome.Failed.class, f -> assertThat(f.reason()).contains("subject token 0").contains(" cafe"));
  }

  @Test
  void missingSlotsAreAFailure() {
    List<String> t = List.of("<start>", "\n", " a", "\t", "unknown", "\n<end>\n");
    SimulationOutcome o = EchoParser.parse(echo(t, Map.of(4, TEN)), List.of(" a", " b"));
    assertThat(o).isInstanceOfSatisfying(SimulationOutcome.Failed.class, f -> assertThat(f.reason()).contains("1 predictions for 2 tokens"));
    assertThat(EchoParser.parse(echo(List.of("no", " start"), Map.of()), List.of(" a"))).isInstanceOf(SimulationOutcome.Failed.class);
  }

  @Test
  void bytesTokensDecodeToTheirBytes() {
    assertThat(EchoParser.tokenBytes("bytes:\\xe2\\x80")).containsExactly((byte) 0xe2, (byte) 0x80);
    assertThat(EchoParser.tokenBytes("bytes: not hex")).isEqualTo("bytes: not hex".getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void logProbabilitiesThatNoProbabilityHasFailTheExcerptWithTheReason() {
    // A server speaking JSON the way Python writes it can send NaN and ±Infinity; none of them, no positive
    // value and no empty slot may become a prediction (they used to turn into NaN, 0 or a dropped entry).
    List<String> t = List.of("<start>", "\n", " a", "\t", "unknown", "\n", " b", "\t", "unknown", "\n<end>\n");
    Map<String, Map<String, Double>> cases = new LinkedHashMap<>();
    cases.put("Infinity", Map.of("7", Double.POSITIVE_INFINITY, "3", -1.0));
    cases.put("-Infinity", Map.of("7", Double.NEGATIVE_INFINITY, "3", -1.0));
    cases.put("NaN", Map.of("7", Double.NaN, "3", -1.0));
    cases.put("0.5", Map.of("7", 0.5, "3", -1.0));
    cases.put("no top log-probabilities", Map.of());
    for (var c : cases.entrySet()) {
      SimulationOutcome o = EchoParser.parse(echo(t, Map.of(4, TEN, 8, c.getValue())), List.of(" a", " b"));
      assertThat(o).as(c.getKey()).isInstanceOfSatisfying(SimulationOutcome.Failed.class,
          f -> assertThat(f.reason()).contains("subject token 1").contains("\" b\"").contains(c.getKey()));
    }
    // A value within float rounding of log 1 is a certain answer, not an error.
    SimulationOutcome ok = EchoParser.parse(echo(t, Map.of(4, TEN, 8, Map.of("7", 1e-9))), List.of(" a", " b"));
    assertThat(ok).isInstanceOfSatisfying(SimulationOutcome.Simulated.class, s -> assertThat(s.simulation().expected(1)).isCloseTo(7.0, offset(1e-9)));
  }
}
