package dev.neuronscribe.study;

import static dev.neuronscribe.study.Html.html;

/** The frame every page shares: head, top bar, main column. */
final class Layout {
  private Layout() {}

  /** A page for organisers and viewers: the top bar links to the organiser's places. */
  static Html organiserPage(String title, Html body) {
    return page(title, html("""
        <nav class="links"><a href="/">Studies</a><a href="/results">Results</a><a href="/neurons">Neurons</a></nav>"""), body);
  }

  /** A page for raters: nothing in it leads anywhere but their own study. */
  static Html raterPage(String title, Html body) {
    return page(title, Html.EMPTY, body);
  }

  static Html page(String title, Html nav, Html body) {
    return html("""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="same-origin">
        <title>{} · NeuronScribe</title>
        <link rel="stylesheet" href="/static/style.css">
        </head>
        <body>
        <header class="bar"><span class="brand">NeuronScribe</span>{}</header>
        <main>
        {}
        </main>
        </body>
        </html>
        """, title, nav, body);
  }

  static Html problem(HttpProblem p, boolean organiser) {
    Html body = html("""
        <section class="card problem">
        <h1>{}</h1>
        <p>{}</p>
        {}
        <p class="muted">HTTP {}</p>
        </section>""", p.title(), p.getMessage(),
        p.status() == 401 ? html("<p><a class=\"button\" href=\"/login\">Sign in</a></p>") : Html.EMPTY, p.status());
    return organiser ? organiserPage(p.title(), body) : raterPage(p.title(), body);
  }
}
