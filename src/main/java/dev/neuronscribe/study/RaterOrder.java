package dev.neuronscribe.study;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The order in which one rater sees a study's items and each item's explanations: random per rater (to
 * spread order effects over the formats) and fixed by the rater's stored seed, so a reload or a return a
 * week later shows exactly the same order.
 */
final class RaterOrder {
  private RaterOrder() {}

  static List<Item> items(Rater rater, List<Item> items) {
    List<Item> order = new ArrayList<>(items);
    order.sort(Comparator.comparingLong(Item::id));
    Collections.shuffle(order, new SplittableRandom(rater.seed()));
    return order;
  }

  static List<Item.Explanation> explanations(Rater rater, Item item) {
    List<Item.Explanation> order = new ArrayList<>(item.explanations());
    order.sort(Comparator.comparingLong(Item.Explanation::id));
    Collections.shuffle(order, new SplittableRandom(rater.seed() ^ (0x9E3779B97F4A7C15L * (item.id() + 1))));
    return order;
  }
}
