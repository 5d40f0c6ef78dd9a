package dev.neuronscribe.simulate;

import dev.neuronscribe.activations.ActivationRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The fuzzing items of a scoring set: every activating excerpt twice, once with its activating tokens
 * marked and once with as many tokens marked at random among the others. An excerpt whose tokens are
 * nearly all activating cannot be marked wrongly and is left out (both copies, to keep the classes even).
 */
final class Fuzz {
  record Item(ActivationRecord record, boolean[] marks, int quantile, boolean correct) {}

  private Fuzz() {}

  static List<Item> items(ScoringSet set) {
    Random random = new Random(set.seed() ^ 0x5eed_f022L);
    List<Item> out = new ArrayList<>();
    for (ScoringSet.Excerpt e : set.activating()) {
      ActivationRecord r = e.record();
      boolean[] right = new boolean[r.size()];
      List<Integer> others = new ArrayList<>();
      int hot = 0;
      for (int t = 0; t < r.size(); t++) {
        right[t] = set.hot(r, t);
        if (right[t]) hot++;
        else others.add(t);
      }
      if (hot == 0 || others.size() < hot) continue;
      Collections.shuffle(others, random);
      boolean[] wrong = new boolean[r.size()];
      for (int i = 0; i < hot; i++) wrong[others.get(i)] = true;
      out.add(new Item(r, right, e.quantile(), true));
      out.add(new Item(r, wrong, e.quantile(), false));
    }
    return out;
  }
}
