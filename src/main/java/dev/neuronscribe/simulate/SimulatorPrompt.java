package dev.neuronscribe.simulate;

import dev.neuronscribe.activations.ActivationRecord;
import dev.neuronscribe.prompts.Message;
import dev.neuronscribe.prompts.SimulatorExample;
import dev.neuronscribe.prompts.SimulatorWording;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders simulator prompts from a pack's simulator wording. The all-at-once prompt follows the spec
 * byte for byte; the chat prompts (for the two chat simulators) reuse its few-shot examples but ask the
 * model to write {@code token<TAB>number} lines itself, with newlines and tabs inside tokens escaped as
 * {@code \n} and {@code \t} so that one token stays one line.
 */
final class SimulatorPrompt {
  static final String UNKNOWN = "unknown";

  private SimulatorPrompt() {}

  /** The paper's prompt, ending with the target's tokens each marked "unknown". */
  static List<Message> allAtOnce(SimulatorWording w, String explanation, List<String> tokens) {
    List<Message> m = new ArrayList<>();
    m.add(Message.system(w.system()));
    int k = 1;
    for (SimulatorExample ex : w.fewShot()) {
      m.add(Message.user(neuronHeader(w, k++, ex.explanation())));
      StringBuilder sb = new StringBuilder("\nActivations: ");
      for (int r = 0; r < ex.records().size(); r++) {
        ActivationRecord rec = ex.records().get(r);
        int firstShown = ex.firstRevealedIndex().get(r);
        List<String> lines = new ArrayList<>();
        for (int t = 0; t < rec.size(); t++) lines.add(rec.token(t) + "\t" + (t < firstShown ? UNKNOWN : number(rec.activation(t))));
        sb.append("\n<start>\n").append(String.join("\n", lines)).append("\n<end>\n");
      }
      m.add(Message.assistant(sb.append("\n").toString()));
    }
    m.add(Message.user(neuronHeader(w, k, explanation.strip())));
    List<String> lines = tokens.stream().map(t -> t + "\t" + UNKNOWN).toList();
    m.add(Message.assistant("\nActivations: " + "\n<start>\n" + String.join("\n", lines) + "\n<end>\n"));
    return List.copyOf(m);
  }

  /** A chat conversation whose last user turn lists the target tokens; the model answers with the lines. */
  static List<Message> chat(SimulatorWording w, String explanation, List<String> tokens) {
    List<Message> m = new ArrayList<>();
    m.add(Message.system(w.system() + CHAT_RULES));
    int k = 1;
    for (SimulatorExample ex : w.fewShot()) {
      for (ActivationRecord rec : ex.records()) {
        m.add(Message.user(neuronHeader(w, k, ex.explanation()) + tokenList(rec.tokens())));
        List<String> lines = new ArrayList<>();
        for (int t = 0; t < rec.size(); t++) lines.add(escape(rec.token(t)) + "\t" + number(rec.activation(t)));
        m.add(Message.assistant("<start>\n" + String.join("\n", lines) + "\n<end>"));
      }
      k++;
    }
    m.add(Message.user(neuronHeader(w, k, explanation.strip()) + tokenList(tokens)));
    return List.copyOf(m);
  }

  // Our wording: the chat simulators must say how to answer, which the all-at-once prompt shows by example.
  private static final String CHAT_RULES = "\n\nAnswer with the text between <start> and <end>, one line per token, in order: "
      + "the token exactly as listed, a tab, then the activation as a whole number from 0 to 10. "
      + "Tokens are listed with newlines written as \\n and tabs as \\t. Write nothing else.";

  private static String neuronHeader(SimulatorWording w, int k, String explanation) {
    return "\n\nNeuron " + k + w.stem(k) + " " + explanation;
  }

  private static String tokenList(List<String> tokens) {
    return "\nTokens:\n<start>\n" + String.join("\n", tokens.stream().map(SimulatorPrompt::escape).toList()) + "\n<end>";
  }

  static String escape(String token) {
    return token.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r");
  }

  private static String number(double v) {
    return Long.toString(Math.round(v));
  }
}
