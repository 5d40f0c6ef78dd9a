package dev.neuronscribe.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.neuronscribe.activations.NeuronId;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StudyStoreTest {
  @TempDir Path tmp;

  private static NewStudy twoFormatStudy(String explainer) {
    List<NewStudy.Item> items = List.of(new NeuronId(0, 1), new NeuronId(0, 2)).stream()
        .map(id -> {
          Map<String, String> byFormat = new LinkedHashMap<>();
          byFormat.put("Original", "orig " + id);
          byFormat.put("AVHS", "avhs " + id);
          return new NewStudy.Item(id, StudyFixtures.record(id, id.neuron()), byFormat);
        })
        .toList();
    return new NewStudy("s", explainer, "read", items);
  }

  /** Rates Original then AVHS of an item; best is Original when {@code originalBest}. */
  private static Answer answer(Item item, int original, int avhs, boolean originalBest) {
    long o = item.explanations().stream().filter(e -> e.format().equals("Original")).findFirst().orElseThrow().id();
    long a = item.explanations().stream().filter(e -> e.format().equals("AVHS")).findFirst().orElseThrow().id();
    return new Answer(Map.of(o, original, a, avhs), originalBest ? o : a);
  }

  @Test
  void table5HasMeanSemAndShareChosenBestPerExplainerModel() {
    Path db = tmp.resolve("s.sqlite");
    try (StudyStore store = StudyStore.open(db)) {
      var s1 = store.createStudy(twoFormatStudy("gpt-4"), List.of("r1", "r2"));
      var s2 = store.createStudy(twoFormatStudy("gpt-3.5-turbo"), List.of("r3"));
      List<Item> items = store.items(s1.id());
      List<Rater> raters = store.raters(s1.id());
      // Original: 5, 4, 3, 4 -> mean 4, sd sqrt(2/3), SEM sqrt(2/3)/2; AVHS: 2, 2, 3, 1 -> mean 2, sd sqrt(2/3).
      store.submit(raters.get(0), items.get(0), answer(items.get(0), 5, 2, true));
      store.submit(raters.get(0), items.get(1), answer(items.get(1), 4, 2, true));
      store.submit(raters.get(1), items.get(0), answer(items.get(0), 3, 3, false));
      store.submit(raters.get(1), items.get(1), answer(items.get(1), 4, 1, true));
      Item other = store.items(s2.id()).getFirst();
      store.submit(store.raters(s2.id()).getFirst(), other, answer(other, 1, 5, false));

      Table5 study1 = new StudyResults(store).table5(OptionalLong.of(s1.id()));
      assertThat(study1.explainerModels()).containsExactly("gpt-4");
      Table5.Row original = study1.rows().get(0);
      assertThat(original.format()).isEqualTo("Original");
      assertThat(original.ratings()).isEqualTo(4);
      assertThat(original.mean()).isEqualTo(4.0);
      assertThat(original.sem()).isCloseTo(Math.sqrt(2.0 / 3) / 2, within(1e-12));
      assertThat(original.percentBest()).isEqualTo(75.0);
      Table5.Row avhs = study1.rows().get(1);
      assertThat(avhs.mean()).isEqualTo(2.0);
      assertThat(avhs.percentBest()).isEqualTo(25.0);

      Table5 all = new StudyResults(store).table5(OptionalLong.empty());
      assertThat(all.explainerModels()).containsExactly("gpt-3.5-turbo", "gpt-4");
      assertThat(all.rowsFor("gpt-3.5-turbo")).extracting(Table5.Row::mean).containsExactly(1.0, 5.0);
      assertThat(all.rowsFor("gpt-3.5-turbo").getFirst().sem()).isNaN();
      assertThat(all.toCsv()).contains("gpt-4,Original,4,4.000000,0.408248,4,3,75.000000\n")
          .contains("gpt-3.5-turbo,Original,1,1.000000,,1,0,0.000000\n");
    }
  }

  @Test
  void answersAreFinalAndSurviveReopening() {
    Path db = tmp.resolve("s.sqlite");
    long study;
    try (StudyStore store = StudyStore.open(db)) {
      study = store.createStudy(twoFormatStudy("m"), List.of("only")).id();
      Item item = store.items(study).getFirst();
      Rater rater = store.raters(study).getFirst();
      assertThat(store.submit(rater, item, answer(item, 4, 2, true))).isInstanceOf(StudyStore.Submission.Saved.class);
      assertThat(store.submit(rater, item, answer(item, 4, 2, true))).isInstanceOf(StudyStore.Submission.AlreadySaved.class);
      assertThat(store.submit(rater, item, answer(item, 3, 2, true))).isInstanceOf(StudyStore.Submission.Conflict.class);
    }
    try (StudyStore store = StudyStore.open(db)) {
      Item item = store.items(study).getFirst();
      Rater rater = store.raters(study).getFirst();
      assertThat(store.answer(rater.id(), item.id())).contains(answer(item, 4, 2, true));
      assertThat(new StudyResults(store).answersCsv(study)).startsWith("study_id,explainer_model,rater_id,rater_label,layer,neuron,format,explanation,rating,chosen_best,answered_at\n")
          .contains(",m,1,only,0,1,Original,orig 0:1,4,1,").contains(",m,1,only,0,1,AVHS,avhs 0:1,2,0,");
      // The excerpts come back exactly as stored.
      assertThat(item.excerpts()).isEqualTo(dev.neuronscribe.activations.NeuronRecord.of(item.neuron(),
          StudyFixtures.record(item.neuron(), 1).mostPositiveActivationRecords(), StudyFixtures.record(item.neuron(), 1).randomSample()));
    }
  }

  @Test
  void raterTokensAreStoredOnlyAsHashesAndCanBeReplaced() {
    try (StudyStore store = StudyStore.open(tmp.resolve("s.sqlite"))) {
      var created = store.createStudy(twoFormatStudy("m"), List.of("a", "b"));
      String token = created.raters().getFirst().token();
      assertThat(token).hasSize(22).matches("[A-Za-z0-9_-]+");
      assertThat(created.raters().get(1).token()).isNotEqualTo(token);
      assertThat(store.raterByToken(token)).map(Rater::label).contains("a");
      var fresh = store.reissueLink(created.id(), created.raters().getFirst().raterId()).orElseThrow();
      assertThat(store.raterByToken(token)).isEmpty();
      assertThat(store.raterByToken(fresh.token())).map(Rater::label).contains("a");
      assertThat(store.reissueLink(created.id() + 1, created.raters().getFirst().raterId())).isEmpty();
    }
  }

  @Test
  void orderIsFixedPerRaterAndItem() {
    try (StudyStore store = StudyStore.open(tmp.resolve("s.sqlite"))) {
      long id = store.createStudy(twoFormatStudy("m"), List.of("a")).id();
      Rater r = store.raters(id).getFirst();
      Item item = store.items(id).getFirst();
      assertThat(RaterOrder.explanations(r, item)).isEqualTo(RaterOrder.explanations(r, store.items(id).getFirst()));
      assertThat(RaterOrder.items(r, store.items(id))).containsExactlyInAnyOrderElementsOf(store.items(id));
    }
  }
}
