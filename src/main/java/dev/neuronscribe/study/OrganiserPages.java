package dev.neuronscribe.study;

import static dev.neuronscribe.study.Html.html;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The organiser's pages: sign-in, the list of studies, one study with its raters, and Table 5. */
final class OrganiserPages {
  private OrganiserPages() {}

  static Html signIn(Html csrf, boolean failed) {
    return Layout.raterPage("Sign in", html("""
        <section class="card narrow">
        <h1>Organiser sign-in</h1>
        {}
        <p>Paste the organiser token that <code>scribe serve</code> printed when it started.
        Raters do not sign in: they use the link the organiser gave them.</p>
        <form method="post" action="/login">
        <input type="hidden" name="{}" value="{}">
        <label>Organiser token <input name="token" type="password" autocomplete="off" required></label>
        <button type="submit">Sign in</button>
        </form>
        </section>""", failed ? html("<p class=\"error\">That is not the organiser token.</p>") : Html.EMPTY, WebGuard.CSRF_FIELD, csrf));
  }

  static Html dashboard(List<StudyStore.StudySummary> studies, Html csrf) {
    List<Html> rows = new ArrayList<>();
    for (StudyStore.StudySummary s : studies) {
      int expected = s.items() * s.raters();
      rows.add(html("<tr><td><a href=\"/studies/{}\">{}</a></td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
              + "<td><progress max=\"{}\" value=\"{}\"></progress> <span class=\"muted\">{} / {}</span></td></tr>",
          s.id(), s.name(), s.explainerModel(), s.items(), s.raters(), Math.max(1, expected), s.answers(), s.answers(), expected));
    }
    Html table = studies.isEmpty()
        ? html("<p class=\"muted\">No studies yet.</p>")
        : html("""
            <table class="data"><thead><tr><th>Study</th><th>Explainer</th><th class="num">Neurons</th><th class="num">Raters</th><th>Answers</th></tr></thead>
            <tbody>{}</tbody></table>""", Html.join(rows));
    return Layout.organiserPage("Studies", html("""
        <h1>Studies</h1>
        <section class="card">{}
        <p class="muted">Create a study from the command line:
        <code>./scribe study create --data DIR --explanations FILE.csv --name NAME --explainer MODEL --raters 5</code></p>
        </section>
        <form method="post" action="/logout" class="right"><input type="hidden" name="{}" value="{}"><button class="quiet" type="submit">Sign out</button></form>""",
        table, WebGuard.CSRF_FIELD, csrf));
  }

  static Html study(Study study, int items, List<Rater> raters, Map<Long, Integer> progress, Table5 table,
      List<StudyStore.RaterLink> newLinks, String baseUrl, Html csrf) {
    List<Html> rows = new ArrayList<>();
    for (Rater r : raters) {
      int done = progress.getOrDefault(r.id(), 0);
      rows.add(html("""
          <tr><td>{}</td><td><progress max="{}" value="{}"></progress> <span class="muted">{} / {}</span></td>
          <td><form method="post" action="/studies/{}/raters/{}/link"><input type="hidden" name="{}" value="{}">
          <button class="quiet" type="submit">New link</button></form></td></tr>""",
          r.label(), Math.max(1, items), done, done, items, study.id(), r.id(), WebGuard.CSRF_FIELD, csrf));
    }
    Html links = newLinks.isEmpty() ? Html.EMPTY : html("""
        <section class="card notice"><h2>New rater links</h2>
        <p>Send each rater their own link. They are shown only now: the server keeps only a hash of each.</p>
        <table class="data"><tbody>{}</tbody></table></section>""",
        newLinks.stream().map(l -> html("<tr><td>{}</td><td><code class=\"link\">{}/r/{}</code></td></tr>", l.label(), baseUrl, l.token())).collect(Html.joining()));
    return Layout.organiserPage(study.name(), html("""
        <p class="crumbs"><a href="/">Studies</a> · {}</p>
        <h1>{}</h1>
        <p class="muted">Explainer model {} · {} neurons · {} raters · created {}</p>
        {}
        <section class="card"><h2>Results (Table 5)</h2>{}
        <p><a href="/studies/{}/table5.csv">Table 5 as CSV</a> · <a href="/studies/{}/answers.csv">every rating as CSV</a></p></section>
        <section class="card"><h2>Raters</h2>
        <table class="data"><thead><tr><th>Rater</th><th>Progress</th><th></th></tr></thead><tbody>{}</tbody></table>
        <form method="post" action="/studies/{}/raters" class="inline">
        <input type="hidden" name="{}" value="{}">
        <label>Add raters (one name per line or comma) <textarea name="labels" rows="2" required></textarea></label>
        <button type="submit">Add</button>
        </form></section>""",
        study.name(), study.name(), study.explainerModel(), items, raters.size(), study.createdAt().toString().substring(0, 10),
        links, table5(table), study.id(), study.id(), Html.join(rows), study.id(), WebGuard.CSRF_FIELD, csrf));
  }

  static Html results(Table5 table) {
    return Layout.organiserPage("Results", html("""
        <h1>Human evaluation (Table 5)</h1>
        <section class="card">{}
        <p><a href="/results/table5.csv">as CSV</a></p></section>""", table5(table)));
  }

  /** One table per explainer model; the best mean rating and the most often chosen format are marked. */
  static Html table5(Table5 table) {
    if (table.rows().isEmpty()) return html("<p class=\"muted\">No studies yet.</p>");
    List<Html> parts = new ArrayList<>();
    for (String model : table.explainerModels()) {
      List<Table5.Row> rows = table.rowsFor(model);
      double bestMean = rows.stream().mapToDouble(Table5.Row::mean).filter(d -> !Double.isNaN(d)).max().orElse(Double.NaN);
      double bestPct = rows.stream().mapToDouble(Table5.Row::percentBest).filter(d -> !Double.isNaN(d)).max().orElse(Double.NaN);
      List<Html> lines = new ArrayList<>();
      for (Table5.Row r : rows) {
        String mean = Double.isNaN(r.mean()) ? "–" : String.format(Locale.ROOT, "%.2f", r.mean());
        String sem = Double.isNaN(r.sem()) ? "" : String.format(Locale.ROOT, " ± %.2f", r.sem());
        String pct = Double.isNaN(r.percentBest()) ? "–" : String.format(Locale.ROOT, "%.1f%%", r.percentBest());
        lines.add(html("<tr><td>{}</td><td class=\"num{}\">{}{}</td><td class=\"num{}\">{}</td><td><meter min=\"0\" max=\"100\" value=\"{}\"></meter></td><td class=\"num muted\">{}</td></tr>",
            r.format(), r.mean() == bestMean ? " top" : "", mean, sem, r.percentBest() == bestPct ? " top" : "", pct,
            Double.isNaN(r.percentBest()) ? "0" : String.format(Locale.ROOT, "%.1f", r.percentBest()), r.ratings()));
      }
      parts.add(html("""
          <h3>Explainer: {}</h3>
          <table class="data table5"><thead><tr><th>Format</th><th class="num">Mean rating ± SEM</th><th class="num">Chosen best</th><th></th><th class="num">Ratings</th></tr></thead>
          <tbody>{}</tbody></table>
          <p class="muted">{} answered items. Ratings are 1–5; SEM over all ratings of the format.</p>""",
          model, Html.join(lines), rows.isEmpty() ? 0 : rows.getFirst().answers()));
    }
    return Html.join(parts);
  }
}
