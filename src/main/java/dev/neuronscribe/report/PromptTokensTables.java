package dev.neuronscribe.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuronscribe.prompts.PromptFormat;
import dev.neuronscribe.prompts.PromptTokens;
import java.util.Locale;

/** Table 1 (prompt tokens per format) as a terminal table and as JSON. */
public final class PromptTokensTables {
  private PromptTokensTables() {}

  public static String text(PromptTokens t) {
    int n = t.neurons().size();
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "Explainer prompt tokens, mean over %d neuron%s (%s, chat billing; pack '%s')%n",
        n, n == 1 ? "" : "s", t.encoding(), t.pack()));
    sb.append(String.format(Locale.ROOT, "%-18s %12s %14s %8s%n", "format", "mean tokens", "vs original", "saving"));
    for (PromptFormat f : PromptFormat.values()) {
      sb.append(String.format(Locale.ROOT, "%-18s %12.1f %13.2fx %7.1f%%%n", f.id(), t.mean(f), t.timesCheaperThanOriginal(f), 100 * t.savingVsOriginal(f)));
    }
    return sb.toString();
  }

  public static String json(PromptTokens t) {
    ObjectNode root = ResultsJson.object();
    root.put("encoding", t.encoding());
    root.put("pack", t.pack());
    root.put("counting", "prompt tokens as the chat API bills them: sum over messages of (3 + tokens of the content) + 3");
    ArrayNode ns = root.putArray("neurons");
    for (PromptTokens.Neuron n : t.neurons()) ns.addObject().put("file", n.source()).put("neuron", n.id().toString());
    ArrayNode formats = root.putArray("formats");
    for (PromptFormat f : PromptFormat.values()) {
      ObjectNode o = formats.addObject();
      o.put("format", f.id());
      o.put("mean_prompt_tokens", t.mean(f));
      o.put("times_cheaper_than_original", t.timesCheaperThanOriginal(f));
      o.put("saving_vs_original", t.savingVsOriginal(f));
      ArrayNode per = o.putArray("prompt_tokens");
      for (PromptTokens.Neuron n : t.neurons()) per.add(n.tokens().get(f));
    }
    return ResultsJson.text(root);
  }
}
