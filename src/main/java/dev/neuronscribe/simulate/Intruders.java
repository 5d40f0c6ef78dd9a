package dev.neuronscribe.simulate;

import dev.neuronscribe.activations.ActivationRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The intruder groups of a scoring set: activating excerpts of one quantile, {@code members} at a time,
 * with one non-activating excerpt put at a random place among them. Non-activating excerpts are used in
 * turn (and again when there are fewer of them than groups). No non-activating excerpts, no groups.
 */
final class Intruders {
  static final int MEMBERS = 3;

  record Group(List<ActivationRecord> excerpts, int intruder, int quantile) {}

  private Intruders() {}

  static List<Group> groups(ScoringSet set) {
    List<Group> out = new ArrayList<>();
    if (set.nonActivating().isEmpty()) return out;
    Random random = new Random(set.seed() ^ 0x1e7_7de2L);
    int next = 0;
    for (int q = 1; q <= set.quantiles(); q++) {
      final int quantile = q;
      List<ActivationRecord> inQ = set.activating().stream().filter(e -> e.quantile() == quantile).map(ScoringSet.Excerpt::record).toList();
      for (List<ActivationRecord> members : Batches.chunks(inQ, MEMBERS)) {
        List<ActivationRecord> group = new ArrayList<>(members);
        int at = random.nextInt(group.size() + 1);
        group.add(at, set.nonActivating().get(next++ % set.nonActivating().size()).record());
        out.add(new Group(group, at, quantile));
      }
    }
    return out;
  }
}
