package dev.neuronscribe.study;

import static dev.neuronscribe.study.Html.html;

import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.NeuronRecord;
import dev.neuronscribe.subject.OutputTokens;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The neuron viewer: an index of the units in the data directory and one page per unit. A unit is an MLP neuron
 * or a dictionary's latent (the directory's recording.json says which); the pages name the kind they show.
 */
final class ViewerPages {
  /** How many excerpts of each kind are open at first; the rest are one click away. */
  private static final int OPEN_EXCERPTS = 20;

  private ViewerPages() {}

  /** {@code unit} is "neuron" or "latent"; {@code about} says where latents come from (empty for neurons). */
  static Html index(List<NeuronId> neurons, KnownExplanations known, String dataDir, String unit, List<String> about) {
    String units = unit + "s", title = capital(units);
    Map<Integer, List<NeuronId>> byLayer = new LinkedHashMap<>();
    for (NeuronId id : neurons) byLayer.computeIfAbsent(id.layer(), k -> new ArrayList<>()).add(id);
    List<Html> layers = new ArrayList<>();
    byLayer.forEach((layer, ids) -> {
      List<Html> links = new ArrayList<>();
      for (NeuronId id : ids) {
        int n = known.count(id);
        links.add(html("<li><a href=\"/neurons/{}/{}\">{}</a>{}</li>", id.layer(), id.neuron(), id.neuron(),
            n == 0 ? Html.EMPTY : html("<span class=\"badge\" title=\"known explanations\">{}</span>", n)));
      }
      layers.add(html("""
          <section class="card"><h2>Layer {} <span class="muted">· {} {}</span></h2>
          <ul class="neuron-grid">{}</ul></section>
          """, layer, ids.size(), units, Html.join(links)));
    });
    Html sources = known.sources().isEmpty()
        ? html("<p class=\"muted\">No results files found (put <code>*.jsonl</code> or <code>*.csv</code> in <code>{}/results/</code>, or pass <code>--results</code>).</p>", dataDir)
        : html("<p class=\"muted\">Explanations and scores from: {}</p>", String.join(", ", known.sources()));
    List<Html> dictionaries = new ArrayList<>();
    for (String a : about) dictionaries.add(html("<li>{}</li>", a));
    Html origin = about.isEmpty() ? Html.EMPTY : html("<p>Latents of these dictionaries:</p><ul>{}</ul>", Html.join(dictionaries));
    return Layout.organiserPage(title, html("""
        <h1>{}</h1>
        <section class="card">
        <p>{} {} with recorded activations in <code>{}</code>.</p>
        {}{}
        <form class="inline" method="get" action="/neurons/go">
          <label>Layer <input name="layer" type="number" min="0" required></label>
          <label>{} <input name="neuron" type="number" min="0" required></label>
          <button type="submit">Open</button>
        </form>
        </section>
        {}""", title, neurons.size(), units, dataDir, origin, sources, capital(unit), Html.join(layers)));
  }

  private static String capital(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  static final int OUTPUT_TOKENS = 10;

  static Html neuron(NeuronRecord record, List<KnownExplanations.Known> known, Optional<NeuronId> previous, Optional<NeuronId> next, String unit) {
    return neuron(record, known, previous, next, unit, Optional.empty());
  }

  /** With {@code output}: the tokens the neuron promotes and suppresses through the unembedding, beside what it reads. */
  static Html neuron(NeuronRecord record, List<KnownExplanations.Known> known, Optional<NeuronId> previous, Optional<NeuronId> next,
      String unit, Optional<OutputTokens.Neuron> output) {
    NeuronId id = record.id();
    double max = record.maxActivation();
    Html nav = html("<nav class=\"pager\">{}<a href=\"/neurons\">All {}s</a>{}</nav>",
        previous.map(p -> html("<a rel=\"prev\" href=\"/neurons/{}/{}\">← {}</a>", p.layer(), p.neuron(), p.toString())).orElse(html("<span></span>")),
        unit,
        next.map(n -> html("<a rel=\"next\" href=\"/neurons/{}/{}\">{} →</a>", n.layer(), n.neuron(), n.toString())).orElse(html("<span></span>")));
    List<Html> stats = new ArrayList<>();
    stats.add(stat("max activation", OptionalDouble.of(max)));
    stats.add(stat("mean", record.mean()));
    stats.add(stat("variance", record.variance()));
    stats.add(stat("skewness", record.skewness()));
    stats.add(stat("kurtosis", record.kurtosis()));
    return Layout.organiserPage(capital(unit) + " " + id, html("""
        {}
        <h1>Layer {}, {} {}</h1>
        <dl class="stats">{}</dl>
        <section class="card"><h2>Explanations</h2>{}</section>
        {}
        <section class="card"><h2>Top-activating excerpts</h2>{}</section>
        <section class="card"><h2>Random excerpts</h2>{}</section>
        {}""",
        nav, id.layer(), unit, id.neuron(), Html.join(stats), explanations(known, unit), output.map(ViewerPages::outputSide).orElse(Html.EMPTY),
        excerpts(record.mostPositiveActivationRecords(), max), excerpts(record.randomSample(), max), nav));
  }

  private static Html outputSide(OutputTokens.Neuron n) {
    return html("""
        <section class="card output-side"><h2>Output side (logit lens)</h2>
        <p class="muted">What this neuron's output weights add to each next-token logit per unit of activation (its row of the MLP
        output projection times the unembedding; later layers and the final layer norm left out).</p>
        <table class="data"><thead><tr><th>Promotes</th><th>logit</th><th>Suppresses</th><th>logit</th></tr></thead><tbody>{}</tbody></table>
        </section>""", outputRows(n));
  }

  private static Html outputRows(OutputTokens.Neuron n) {
    List<Html> rows = new ArrayList<>();
    for (int i = 0; i < Math.max(n.promoted().size(), n.suppressed().size()); i++) {
      rows.add(html("<tr><td><code>{}</code></td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
          i < n.promoted().size() ? n.promoted().get(i).text() : "", i < n.promoted().size() ? logit(n.promoted().get(i)) : "",
          i < n.suppressed().size() ? n.suppressed().get(i).text() : "", i < n.suppressed().size() ? logit(n.suppressed().get(i)) : ""));
    }
    return Html.join(rows);
  }

  private static String logit(OutputTokens.Token t) {
    return String.format(Locale.ROOT, "%+.3f", t.logit());
  }

  private static Html stat(String name, OptionalDouble value) {
    if (value.isEmpty()) return Html.EMPTY;
    return html("<div><dt>{}</dt><dd>{}</dd></div>", name, String.format(Locale.ROOT, "%.3f", value.getAsDouble()));
  }

  private static Html excerpts(List<dev.neuronscribe.activations.ActivationRecord> records, double max) {
    if (records.isEmpty()) return html("<p class=\"muted\">None recorded.</p>");
    if (records.size() <= OPEN_EXCERPTS) return Excerpts.list(records, max);
    return html("{}<details><summary>{} more</summary>{}</details>",
        Excerpts.list(records.subList(0, OPEN_EXCERPTS), max), records.size() - OPEN_EXCERPTS,
        Excerpts.list(records.subList(OPEN_EXCERPTS, records.size()), max));
  }

  private static Html explanations(List<KnownExplanations.Known> known, String unit) {
    if (known.isEmpty()) return html("<p class=\"muted\">No explanation of this {} in the results files.</p>", unit);
    List<Html> rows = new ArrayList<>();
    for (KnownExplanations.Known k : known) {
      List<Html> scores = new ArrayList<>();
      k.scores().forEach((name, v) -> scores.add(html("<div><span class=\"muted\">{}</span> {}</div>", name,
          Double.isNaN(v) ? "undefined" : String.format(Locale.ROOT, "%.3f", v))));
      String method = k.method().isEmpty() ? "—" : k.method();
      rows.add(html("<tr><td>{}</td><td class=\"explanation\">{}</td><td class=\"scores\">{}</td><td class=\"muted\">{}{}</td></tr>",
          method, k.text(), Html.join(scores), k.source(), k.explainer().isEmpty() ? "" : " · " + k.explainer()));
    }
    return html("""
        <table class="data"><thead><tr><th>Method</th><th>Explanation</th><th>Scores</th><th>Source</th></tr></thead>
        <tbody>{}</tbody></table>""", Html.join(rows));
  }
}
