package dev.neuronscribe.simulate;

import dev.neuronscribe.llm.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * Simulation seen as one more scorer, so that it can be set beside the others on the same examples:
 * every token of every excerpt of the set is simulated, and the figure is the AUROC of the simulated
 * activation for activating tokens (at or above the set's threshold) against the rest. The paper's
 * correlation score stays with {@code scribe simulate}/{@code scribe score}; this view asks the same
 * question the other scorers ask, which tokens fire.
 */
public final class SimulationExcerptScorer implements ExcerptScorer {
  private final Simulator simulator;

  public SimulationExcerptScorer(Simulator simulator) {
    this.simulator = simulator;
  }

  @Override
  public String method() {
    return "simulation";
  }

  @Override
  public String name() {
    return "simulation:" + simulator.name();
  }

  @Override
  public Kind kind() {
    return Kind.RANK;
  }

  @Override
  public Verdicts score(String explanation, ScoringSet set) {
    // One excerpt after another on the calling thread: the offline simulator runs ONNX Runtime, whose native
    // code can overflow the small stack of a virtual thread's carrier.
    List<SimulationOutcome> outcomes = set.all().stream().map(e -> simulator.simulate(explanation, e.record().tokens())).toList();
    List<Judgement> js = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < outcomes.size(); i++) {
      ScoringSet.Excerpt e = set.all().get(i);
      switch (outcomes.get(i)) {
        case SimulationOutcome.Simulated(SequenceSimulation s) -> {
          for (int t = 0; t < e.record().size(); t++) {
            boolean hot = set.hot(e.record(), t);
            js.add(new Judgement(e.quantile(), hot, hot, s.expected(t)));
          }
        }
        case SimulationOutcome.Failed(String reason) -> failures.add("excerpt " + i + ": " + reason);
      }
    }
    return new Verdicts(name(), kind(), set.quantiles(), js, failures, Usage.NONE, 0);
  }
}
