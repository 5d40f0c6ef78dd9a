package dev.neuronscribe.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronscribe.llm.MiniLmEmbeddings;
import java.util.List;
import org.junit.jupiter.api.Test;

class BaselineMiniLmSimulatorTest {
  @Test
  void tokensWithNothingVisibleAreSimulatedThroughAWordForThem() {
    // OpenAI's puzzles hold a "\x00" token; whitespace tokens are everywhere in GPT-2 text.
    List<String> tokens = List.of(" red", "\u0000", "\n", "", " ", "\t", " the");
    assertThat(tokens.stream().map(BaselineMiniLmSimulator::text).toList())
        .containsExactly("red", "space", "newline", "space", "space", "tab", "the");
    SimulationOutcome o = new BaselineMiniLmSimulator(new MiniLmEmbeddings()).simulate("the colour red", tokens);
    assertThat(o).isInstanceOf(SimulationOutcome.Simulated.class);
    double[] p = ((SimulationOutcome.Simulated) o).simulation().expectedActivations();
    assertThat(p).hasSize(tokens.size());
    for (double v : p) assertThat(v).isBetween(0.0, 10.0);
    for (int i = 1; i < p.length; i++) assertThat(p[0]).as("token %d", i).isGreaterThan(p[i]);
  }
}
