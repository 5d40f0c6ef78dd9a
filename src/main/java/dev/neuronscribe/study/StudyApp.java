package dev.neuronscribe.study;

import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.NeuronRecords;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The web app, routes first. Organiser pages need the organiser's sign-in; rater pages need only the
 * rater's own link; every POST passes the cross-site check ({@link WebGuard}); every page is built from
 * {@link Html} templates, which escape all text they are given.
 */
final class StudyApp {
  private final StudyStore store;
  private final StudyResults results;
  private final NeuronRecords records;
  private final KnownExplanations known;
  private final WebGuard guard;
  private final String stylesheet;
  /** Items never change once a study is created, so each study's are read (and parsed) once. */
  private final Map<Long, List<Item>> itemsByStudy = new ConcurrentHashMap<>();

  StudyApp(StudyStore store, NeuronRecords records, KnownExplanations known, WebGuard guard) {
    this.store = store;
    this.results = new StudyResults(store);
    this.records = records;
    this.known = known;
    this.guard = guard;
    this.stylesheet = resource("style.css");
  }

  Javalin create() {
    return Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      var routes = config.routes;
      routes.before(this::guard);

      routes.get("/static/style.css", ctx -> ctx.contentType("text/css; charset=utf-8").result(stylesheet));
      routes.get("/", this::home);
      routes.get("/login", this::signInPage);
      routes.post("/login", this::signIn);
      routes.post("/logout", this::signOut);

      // The neuron viewer (organisers: it shows which method wrote which explanation).
      routes.get("/neurons", organiser(this::neuronIndex));
      routes.get("/neurons/go", organiser(this::neuronJump));
      routes.get("/neurons/{layer}/{neuron}", organiser(this::neuronPage));

      // Studies, for their organiser.
      routes.get("/studies/{study}", organiser(this::studyPage));
      routes.post("/studies/{study}/raters", organiser(this::addRaters));
      routes.post("/studies/{study}/raters/{rater}/link", organiser(this::newRaterLink));
      routes.get("/studies/{study}/table5.csv", organiser(ctx -> csv(ctx, "table5-study" + studyId(ctx) + ".csv", results.table5(OptionalLong.of(studyId(ctx))).toCsv())));
      routes.get("/studies/{study}/answers.csv", organiser(ctx -> csv(ctx, "answers-study" + studyId(ctx) + ".csv", results.answersCsv(studyId(ctx)))));
      routes.get("/results", organiser(ctx -> page(ctx, OrganiserPages.results(results.table5(OptionalLong.empty())))));
      routes.get("/results/table5.csv", organiser(ctx -> csv(ctx, "table5.csv", results.table5(OptionalLong.empty()).toCsv())));

      // Raters, each through their own link.
      routes.get("/r/{token}", this::raterHome);
      routes.get("/r/{token}/items/{item}", this::raterItem);
      routes.post("/r/{token}/items/{item}", this::raterAnswer);

      routes.exception(HttpProblem.class, (e, ctx) -> problem(ctx, e));
      routes.exception(Exception.class, (e, ctx) -> {
        System.err.println("study server: " + ctx.method() + " " + ctx.path() + " failed: " + e);
        if (System.getenv("SCRIBE_DEBUG") != null) e.printStackTrace();
        problem(ctx, new HttpProblem(500, "Something went wrong", "The server could not handle this request. Nothing was saved from it; try again."));
      });
      routes.error(404, ctx -> {
        if (ctx.result() == null || ctx.result().isEmpty()) problem(ctx, HttpProblem.notFound("There is no page at this address."));
      });
    });
  }

  // ---------------------------------------------------------------- guard, sign-in, home

  private void guard(Context ctx) {
    guard.secureHeaders(ctx);
    guard.checkHost(ctx);
    if (ctx.method() == HandlerType.POST) guard.checkPost(ctx);
  }

  private Handler organiser(Handler handler) {
    return ctx -> {
      guard.requireOrganiser(ctx);
      handler.handle(ctx);
    };
  }

  private void home(Context ctx) {
    if (!guard.isOrganiser(ctx)) {
      ctx.redirect("/login", HttpStatus.SEE_OTHER);
      return;
    }
    page(ctx, OrganiserPages.dashboard(store.studies(), guard.formToken(ctx)));
  }

  /** {@code /login?token=…} (the link {@code scribe serve} prints) signs in at once, like Jupyter's. */
  private void signInPage(Context ctx) {
    String token = ctx.queryParam("token");
    if (token != null && guard.signIn(ctx, token)) {
      ctx.redirect("/", HttpStatus.SEE_OTHER);
      return;
    }
    page(ctx, OrganiserPages.signIn(guard.formToken(ctx), token != null));
  }

  private void signIn(Context ctx) {
    String token = Optional.ofNullable(ctx.formParam("token")).orElse("");
    if (guard.signIn(ctx, token)) {
      ctx.redirect("/", HttpStatus.SEE_OTHER);
    } else {
      ctx.status(401);
      page(ctx, OrganiserPages.signIn(guard.formToken(ctx), true));
    }
  }

  private void signOut(Context ctx) {
    guard.signOut(ctx);
    ctx.redirect("/login", HttpStatus.SEE_OTHER);
  }

  // ---------------------------------------------------------------- viewer

  private void neuronIndex(Context ctx) {
    page(ctx, ViewerPages.index(records.list(), known, records.root().toString()));
  }

  private void neuronJump(Context ctx) {
    int layer = intParam(ctx.queryParam("layer"), "layer");
    int neuron = intParam(ctx.queryParam("neuron"), "neuron");
    ctx.redirect("/neurons/" + layer + "/" + neuron, HttpStatus.SEE_OTHER);
  }

  private void neuronPage(Context ctx) {
    NeuronId id = new NeuronId(intParam(ctx.pathParam("layer"), "layer"), intParam(ctx.pathParam("neuron"), "neuron"));
    if (!records.contains(id)) throw HttpProblem.notFound("No NeuronRecord for neuron " + id + " in " + records.root() + ".");
    List<NeuronId> all = records.list();
    int at = all.indexOf(id);
    Optional<NeuronId> previous = at > 0 ? Optional.of(all.get(at - 1)) : Optional.empty();
    Optional<NeuronId> next = at >= 0 && at + 1 < all.size() ? Optional.of(all.get(at + 1)) : Optional.empty();
    page(ctx, ViewerPages.neuron(records.read(id), known.of(id), previous, next));
  }

  // ---------------------------------------------------------------- organiser

  private void studyPage(Context ctx) {
    studyPage(ctx, List.of());
  }

  private void studyPage(Context ctx, List<StudyStore.RaterLink> newLinks) {
    Study study = study(studyId(ctx));
    page(ctx, OrganiserPages.study(study, items(study.id()).size(), store.raters(study.id()), store.progress(study.id()),
        results.table5(OptionalLong.of(study.id())), newLinks, baseUrl(ctx), guard.formToken(ctx)));
  }

  /** Answers with the page itself (not a redirect): the new links are shown this once and never again. */
  private void addRaters(Context ctx) {
    Study study = study(studyId(ctx));
    List<String> labels = Arrays.stream(Optional.ofNullable(ctx.formParam("labels")).orElse("").split("[,\\n]"))
        .map(String::strip).filter(s -> !s.isEmpty()).toList();
    if (labels.isEmpty()) throw HttpProblem.badRequest("Give at least one rater name.");
    if (labels.size() > 500) throw HttpProblem.badRequest("Add at most 500 raters at a time.");
    studyPage(ctx, store.addRaters(study.id(), labels));
  }

  private void newRaterLink(Context ctx) {
    Study study = study(studyId(ctx));
    long rater = longParam(ctx.pathParam("rater"), "rater");
    StudyStore.RaterLink link = store.reissueLink(study.id(), rater)
        .orElseThrow(() -> HttpProblem.notFound("Study " + study.id() + " has no rater " + rater + "."));
    studyPage(ctx, List.of(link));
  }

  // ---------------------------------------------------------------- raters

  /** The rater behind a link, their study and their order of its items. */
  private record RaterView(String token, Rater rater, Study study, List<Item> order) {
    Item item(String idText) {
      long id;
      try {
        id = Long.parseLong(idText);
      } catch (NumberFormatException e) {
        throw HttpProblem.notFound("There is no item '" + idText + "'.");
      }
      return order.stream().filter(i -> i.id() == id).findFirst()
          .orElseThrow(() -> HttpProblem.notFound("Item " + id + " is not part of your study."));
    }

    /** The first item after {@code from} (in this rater's order, wrapping round) not yet answered. */
    Optional<Item> nextOpen(java.util.Set<Long> answered, Optional<Item> from) {
      int start = from.map(order::indexOf).orElse(-1) + 1;
      for (int k = 0; k < order.size(); k++) {
        Item i = order.get((start + k) % order.size());
        if (!answered.contains(i.id())) return Optional.of(i);
      }
      return Optional.empty();
    }
  }

  private RaterView rater(Context ctx) {
    String token = ctx.pathParam("token");
    Rater rater = store.raterByToken(token)
        .orElseThrow(() -> HttpProblem.notFound("This rater link is not valid, or the organiser has replaced it with a new one. Ask the study's organiser for your link."));
    Study study = study(rater.studyId());
    return new RaterView(token, rater, study, RaterOrder.items(rater, items(study.id())));
  }

  private void raterHome(Context ctx) {
    RaterView v = rater(ctx);
    page(ctx, RaterPages.home(v.study(), v.token(), v.order(), store.answeredItems(v.rater().id())));
  }

  private void raterItem(Context ctx) {
    RaterView v = rater(ctx);
    Item item = v.item(ctx.pathParam("item"));
    Optional<Answer> stored = store.answer(v.rater().id(), item.id());
    Optional<Item> next = v.nextOpen(store.answeredItems(v.rater().id()), Optional.of(item));
    page(ctx, RaterPages.item(v.study(), v.token(), item, v.order().indexOf(item) + 1, v.order().size(),
        RaterOrder.explanations(v.rater(), item), stored, next, guard.formToken(ctx)));
  }

  /**
   * Stores the answer (committed before the reply) and moves on. Sending the same answer again changes
   * nothing and moves on the same way; a different answer to an answered item is refused (409).
   */
  private void raterAnswer(Context ctx) {
    RaterView v = rater(ctx);
    Item item = v.item(ctx.pathParam("item"));
    Answer answer = AnswerForm.parse(ctx.formParamMap(), RaterOrder.explanations(v.rater(), item));
    switch (store.submit(v.rater(), item, answer)) {
      case StudyStore.Submission.Saved s -> moveOn(ctx, v, item);
      case StudyStore.Submission.AlreadySaved s -> moveOn(ctx, v, item);
      case StudyStore.Submission.Conflict c -> throw new HttpProblem(409, "Already answered",
          "You answered this item before, differently; answers are final, so the first one stands.");
    }
  }

  private void moveOn(Context ctx, RaterView v, Item item) {
    Optional<Item> next = v.nextOpen(store.answeredItems(v.rater().id()), Optional.of(item));
    ctx.redirect(next.map(n -> "/r/" + v.token() + "/items/" + n.id()).orElse("/r/" + v.token()), HttpStatus.SEE_OTHER);
  }

  // ---------------------------------------------------------------- helpers

  private List<Item> items(long studyId) {
    return itemsByStudy.computeIfAbsent(studyId, store::items);
  }

  private Study study(long id) {
    return store.study(id).orElseThrow(() -> HttpProblem.notFound("There is no study " + id + "."));
  }

  private static long studyId(Context ctx) {
    return longParam(ctx.pathParam("study"), "study");
  }

  private static String baseUrl(Context ctx) {
    return ctx.scheme() + "://" + ctx.header("Host");
  }

  private static int intParam(String value, String name) {
    long v = longParam(value, name);
    if (v > Integer.MAX_VALUE) throw HttpProblem.notFound("'" + name + "' is too large.");
    return (int) v;
  }

  private static long longParam(String value, String name) {
    try {
      long v = Long.parseLong(value == null ? "" : value.strip());
      if (v < 0) throw new NumberFormatException();
      return v;
    } catch (NumberFormatException e) {
      throw HttpProblem.notFound("'" + name + "' must be a whole number >= 0.");
    }
  }

  private static void page(Context ctx, Html html) {
    ctx.contentType("text/html; charset=utf-8").result(html.markup());
  }

  private static void csv(Context ctx, String fileName, String csv) {
    ctx.contentType("text/csv; charset=utf-8").header("Content-Disposition", "attachment; filename=\"" + fileName + "\"").result(csv);
  }

  private void problem(Context ctx, HttpProblem p) {
    ctx.status(p.status());
    page(ctx, Layout.problem(p, guard.isOrganiser(ctx)));
  }

  private static String resource(String name) {
    try (InputStream in = StudyApp.class.getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("missing resource dev/neuronscribe/study/" + name + " (a broken build?)");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
