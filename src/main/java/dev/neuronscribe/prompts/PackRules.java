package dev.neuronscribe.prompts;

import dev.neuronscribe.activations.ActivationRecord;
import java.util.List;
import java.util.Optional;

/**
 * What makes pack wording usable, checked in one place for packs read from files (where the message
 * names the file and field) and packs built in code (where it names the field only).
 */
final class PackRules {
  /** Excerpts are lettered A–Z in the prompt. */
  static final int MAX_EXCERPTS = 26;

  static final String K = "{k}";

  private PackRules() {}

  static Optional<String> stem(String stem) {
    if (!stem.contains(K)) {
      return Optional.of("must contain {k}, the place where the neuron's number goes (e.g. \"\\nExplanation of neuron {k} behavior: this neuron responds to\")");
    }
    return Optional.empty();
  }

  static Optional<String> name(String name) {
    return name.isBlank() ? Optional.of("must not be blank") : Optional.empty();
  }

  static Optional<String> notBlank(String text) {
    return text.isBlank() ? Optional.of("must not be blank") : Optional.empty();
  }

  static Optional<String> surprisalPrefix(String prefix) {
    return prefix.contains(ScorerWording.EXPLANATION)
        ? Optional.empty()
        : Optional.of("must contain {explanation}, the place where the explanation goes");
  }

  static Optional<String> explanation(String explanation) {
    if (explanation.isBlank()) return Optional.of("must not be blank");
    if (explanation.strip().endsWith(".")) {
      return Optional.of("must not end with a period: the prompt adds \" \" before and \".\" after the explanation");
    }
    if (!explanation.equals(explanation.strip())) {
      return Optional.of("must not start or end with spaces: the prompt adds \" \" before and \".\" after the explanation");
    }
    return Optional.empty();
  }

  static Optional<String> records(List<ActivationRecord> records) {
    if (records.isEmpty()) return Optional.of("must hold at least one record");
    if (records.size() > MAX_EXCERPTS) {
      return Optional.of("holds " + records.size() + " records; at most " + MAX_EXCERPTS + " fit in a prompt (excerpts are lettered A–Z)");
    }
    return Optional.empty();
  }

  static Optional<String> record(ActivationRecord record) {
    return record.size() == 0 ? Optional.of("has no tokens; a few-shot record needs at least one") : Optional.empty();
  }

  static Optional<String> cutoff(double cutoff) {
    return Double.isFinite(cutoff) ? Optional.empty() : Optional.of("must be a finite number, got " + cutoff);
  }

  /** Simulator examples show activations already on the 0–10 scale the simulator answers in. */
  static Optional<String> simulatorActivation(double a) {
    return a >= 0 && a <= 10 ? Optional.empty() : Optional.of("is " + a + "; simulator examples use the 0–10 scale");
  }

  static Optional<String> firstRevealed(int index, ActivationRecord record) {
    return index >= 0 && index <= record.size()
        ? Optional.empty()
        : Optional.of("is " + index + " but the record has " + record.size() + " tokens (allowed: 0 to " + record.size() + ")");
  }

  /** Throws for packs built in code; {@code field} names the offending part. */
  static void require(Optional<String> problem, String field) {
    problem.ifPresent(p -> {
      throw new IllegalArgumentException(field + " " + p);
    });
  }
}
