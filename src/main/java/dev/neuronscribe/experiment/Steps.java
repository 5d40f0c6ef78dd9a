package dev.neuronscribe.experiment;

/** The steps a unit of work belongs to, as stored and as Table 7 names them. */
final class Steps {
  static final String EXPLAIN = "explain";
  static final String SIMULATE = "simulate";
  static final String SIMILARITY = "similarity";

  private Steps() {}

  /** Whether a step is one of the excerpt scorers; the step is the scorer's method, e.g. "detection". */
  static boolean scorer(String step) {
    return dev.neuronscribe.simulate.Scorers.METHODS.contains(step) && !step.equals("simulation");
  }

  /** The name in reports (the paper's Table 7 calls the second step "simulate and score"). */
  static String label(String step) {
    return switch (step) {
      case SIMULATE -> "simulate and score";
      default -> step;
    };
  }
}
