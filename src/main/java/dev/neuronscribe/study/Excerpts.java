package dev.neuronscribe.study;

import static dev.neuronscribe.study.Html.html;

import dev.neuronscribe.activations.ActivationRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Excerpts with each token shaded by the neuron's activation, as researchers know them from OpenAI's
 * NeuronViewer: white at zero, full green at the neuron's maximum, negative activations unshaded. The
 * exact value is in each token's tooltip.
 *
 * <p>Shades come in 21 steps (CSS classes {@code s0}…{@code s20}) rather than computed inline styles, so
 * that the pages can forbid inline styles in their Content-Security-Policy.
 */
final class Excerpts {
  static final int STEPS = 20;

  private Excerpts() {}

  /** The shade step of an activation relative to the maximum (0 for negatives or a non-positive maximum). */
  static int step(double activation, double max) {
    if (!(max > 0) || !(activation > 0)) return 0;
    return (int) Math.round(Math.min(1.0, activation / max) * STEPS);
  }

  static Html list(List<ActivationRecord> records, double max) {
    List<Html> items = new ArrayList<>();
    for (ActivationRecord r : records) items.add(html("<li class=\"excerpt\">{}</li>\n", excerpt(r, max)));
    return html("<ol class=\"excerpts\">\n{}</ol>", Html.join(items));
  }

  static Html excerpt(ActivationRecord record, double max) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < record.size(); i++) {
      String token = record.token(i);
      double a = record.activation(i);
      String shown = token.replace("\n", "↵");
      String cls = "tok s" + step(a, max) + (token.contains("\n") ? " nl" : "");
      out.append(html("<span class=\"{}\" title=\"{}\">{}</span>", cls, String.format(Locale.ROOT, "%.3f", a), shown).markup());
      if (token.contains("\n")) out.append("<br>");
    }
    return new Html(out.toString());
  }
}
