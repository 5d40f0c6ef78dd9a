package dev.neuronscribe.study;

import java.util.Map;

/** A rater's answer to one item: a rating 1–5 per explanation (by explanation id) and the best one. */
record Answer(Map<Long, Integer> ratings, long bestExplanationId) {
  Answer {
    ratings = Map.copyOf(ratings);
    for (var e : ratings.entrySet()) {
      if (e.getValue() < 1 || e.getValue() > 5) throw new IllegalArgumentException("a rating is from 1 to 5, got " + e.getValue());
    }
    if (!ratings.containsKey(bestExplanationId)) throw new IllegalArgumentException("the best explanation must be one of the rated ones");
  }
}
