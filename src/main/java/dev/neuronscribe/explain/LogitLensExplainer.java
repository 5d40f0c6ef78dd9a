package dev.neuronscribe.explain;

import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.prompts.PromptFormat;
import dev.neuronscribe.subject.OutputTokens;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An offline explainer from the output side: names the tokens a neuron promotes through the
 * unembedding ({@link OutputTokens}, the logit lens of its output weights). It never looks at
 * activations, so it explains what the neuron does to the next-token prediction, not what it reads;
 * scorers that test the input side will judge it by a question it does not answer, which is the point
 * of setting the two side by side. Puzzles have no weights and fail with that reason.
 */
public final class LogitLensExplainer implements Explainer {
  public static final String NAME = "logit-lens";
  static final int NAMED = 5;

  private final OutputTokens weights;

  public LogitLensExplainer(OutputTokens weights) {
    this.weights = weights;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Explanation> explain(PromptFormat format, Explainee e, int samples) {
    List<Explanation> out = new ArrayList<>();
    for (int s = 0; s < samples; s++) {
      out.add(switch (e) {
        case Explainee.Neuron n -> Explanation.of(e.target(), format, s, NAME, describe(n.record().id()), 0, 0);
        case Explainee.Puzzle p -> Explanation.failed(e.target(), format, s, NAME, "a puzzle has no model weights to read its output side from", 0);
      });
    }
    return out;
  }

  private String describe(NeuronId id) {
    OutputTokens.Neuron n = weights.neuron(id.layer(), id.neuron(), NAMED);
    return "makes the next tokens " + quoted(n.promoted()) + " more likely";
  }

  static String quoted(List<OutputTokens.Token> tokens) {
    List<String> q = tokens.stream().map(t -> "\"" + t.text().strip().replace("\"", "'") + "\"").filter(t -> t.length() > 2).distinct().toList();
    if (q.isEmpty()) return "(whitespace only)";
    if (q.size() == 1) return q.getFirst();
    return q.subList(0, q.size() - 1).stream().collect(Collectors.joining(", ")) + " and " + q.getLast();
  }
}
