package dev.neuronscribe.study;

import static dev.neuronscribe.study.Html.html;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a rater sees. The hidden method must stay hidden: nothing here may print an explanation's format,
 * its id or anything that orders like them; explanations are named by their slot letter in this rater's
 * order only.
 */
final class RaterPages {
  private RaterPages() {}

  static String slot(int index) {
    return String.valueOf((char) ('A' + index));
  }

  static Html home(Study study, String token, List<Item> order, Set<Long> answered) {
    List<Html> rows = new ArrayList<>();
    Optional<Item> next = order.stream().filter(i -> !answered.contains(i.id())).findFirst();
    for (int k = 0; k < order.size(); k++) {
      Item item = order.get(k);
      boolean done = answered.contains(item.id());
      rows.add(html("<li class=\"{}\"><a href=\"/r/{}/items/{}\">Item {}</a> <span class=\"muted\">{}</span></li>",
          done ? "done" : "todo", token, item.id(), k + 1, done ? "✓ answered" : "to do"));
    }
    Html action = next.isPresent()
        ? html("<p><a class=\"button\" href=\"/r/{}/items/{}\">{}</a></p>", token, next.get().id(), answered.isEmpty() ? "Start" : "Continue")
        : html("<p class=\"done-note\">All {} items are answered. Thank you! You can close this page.</p>", order.size());
    return Layout.raterPage(study.name(), html("""
        <h1>{}</h1>
        <section class="card">
        <p>{}</p>
        <p>You have answered <strong>{}</strong> of <strong>{}</strong> items. You can stop at any time and come back to
        this link later; every answer is saved as soon as you submit it.</p>
        <progress max="{}" value="{}"></progress>
        {}
        </section>
        <section class="card"><h2>Items</h2><ol class="items">{}</ol></section>""",
        study.name(), study.instructions(), answered.size(), order.size(), order.size(), answered.size(), action, Html.join(rows)));
  }

  /**
   * One item: the neuron's excerpts, then each explanation with a 1–5 scale and a "best" choice. With a
   * stored answer the form is shown filled in and locked (answers are final).
   */
  static Html item(Study study, String token, Item item, int position, int total, List<Item.Explanation> order,
      Optional<Answer> stored, Optional<Item> next, Html csrf) {
    double max = item.excerpts().maxActivation();
    List<Html> explanations = new ArrayList<>();
    for (int i = 0; i < order.size(); i++) {
      Item.Explanation e = order.get(i);
      String slot = slot(i);
      List<Html> scale = new ArrayList<>();
      for (int r = 1; r <= 5; r++) {
        boolean checked = stored.isPresent() && Integer.valueOf(r).equals(stored.get().ratings().get(e.id()));
        scale.add(html("<label class=\"choice\"><input type=\"radio\" name=\"rating_{}\" value=\"{}\"{}{}><span>{}</span></label>",
            slot, r, checked ? new Html(" checked") : Html.EMPTY, stored.isPresent() ? new Html(" disabled") : new Html(" required"), r));
      }
      boolean best = stored.map(a -> a.bestExplanationId() == e.id()).orElse(false);
      explanations.add(html("""
          <fieldset class="explanation">
          <legend>Explanation {}</legend>
          <p class="explanation-text">{}</p>
          <div class="scale"><span class="muted">Rating</span>{}</div>
          <label class="best"><input type="radio" name="best" value="{}"{}{}> This is the best explanation</label>
          </fieldset>
          """, slot, e.text(), Html.join(scale), slot, best ? new Html(" checked") : Html.EMPTY,
          stored.isPresent() ? new Html(" disabled") : new Html(" required")));
    }
    Html footer = stored.isPresent()
        ? html("<p class=\"saved\">Your answer to this item is saved. Answers are final.</p>{}", nextLink(token, next))
        : html("<button type=\"submit\">Save and continue</button>");
    Html random = item.excerpts().randomSample().isEmpty() ? Html.EMPTY
        : html("<h3>Random excerpts</h3>{}", Excerpts.list(item.excerpts().randomSample(), max));
    return Layout.raterPage("Item " + position + " of " + total, html("""
        <p class="crumbs"><a href="/r/{}">{}</a> · Item {} of {}</p>
        <progress max="{}" value="{}"></progress>
        <section class="card instructions"><p>{}</p>
        <p class="muted">Scale: 1 = does not describe what the neuron responds to · 3 = partly · 5 = describes it precisely.</p></section>
        <section class="card"><h2>What the neuron fires on</h2>
        <p class="muted">Green marks tokens where the neuron is active; darker is stronger. Hover a token for its value.</p>
        {}{}</section>
        <form method="post" action="/r/{}/items/{}" class="card">
        <input type="hidden" name="{}" value="{}">
        <h2>Rate the explanations</h2>
        {}
        {}
        </form>""",
        token, study.name(), position, total, total, position - 1, study.instructions(),
        Excerpts.list(item.excerpts().mostPositiveActivationRecords(), max), random,
        token, item.id(), WebGuard.CSRF_FIELD, csrf, Html.join(explanations), footer));
  }

  private static Html nextLink(String token, Optional<Item> next) {
    return next.map(n -> html("<p><a class=\"button\" href=\"/r/{}/items/{}\">Next item</a></p>", token, n.id()))
        .orElse(html("<p><a class=\"button\" href=\"/r/{}\">Back to the overview</a></p>", token));
  }
}
