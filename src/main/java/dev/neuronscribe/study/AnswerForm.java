package dev.neuronscribe.study;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a rater's posted form ({@code rating_A}…, {@code best}) into an {@link Answer}, mapping slot
 * letters back to explanations through this rater's order. Anything off is refused with a message that
 * says which explanation and what is expected.
 */
final class AnswerForm {
  private AnswerForm() {}

  static Answer parse(Map<String, List<String>> form, List<Item.Explanation> order) {
    Map<Long, Integer> ratings = new HashMap<>();
    for (int i = 0; i < order.size(); i++) {
      String slot = RaterPages.slot(i);
      String value = single(form, "rating_" + slot);
      if (value == null || value.isBlank()) {
        throw HttpProblem.badRequest("Explanation " + slot + " has no rating. Give every explanation a rating from 1 to 5.");
      }
      int rating;
      try {
        rating = Integer.parseInt(value.strip());
      } catch (NumberFormatException e) {
        rating = 0;
      }
      if (rating < 1 || rating > 5) {
        throw HttpProblem.badRequest("The rating of explanation " + slot + " must be a whole number from 1 to 5; got '" + abbreviate(value) + "'.");
      }
      ratings.put(order.get(i).id(), rating);
    }
    String best = single(form, "best");
    if (best == null || best.isBlank()) throw HttpProblem.badRequest("Pick the explanation you find best.");
    int index = best.strip().length() == 1 ? best.strip().charAt(0) - 'A' : -1;
    if (index < 0 || index >= order.size()) {
      throw HttpProblem.badRequest("The best explanation must be one of A to " + RaterPages.slot(order.size() - 1) + "; got '" + abbreviate(best) + "'.");
    }
    return new Answer(ratings, order.get(index).id());
  }

  private static String single(Map<String, List<String>> form, String name) {
    List<String> values = form.get(name);
    if (values == null || values.isEmpty()) return null;
    if (values.size() > 1 && !values.stream().allMatch(values.getFirst()::equals)) {
      throw HttpProblem.badRequest("The form sent '" + name + "' " + values.size() + " times with different values.");
    }
    return values.getFirst();
  }

  private static String abbreviate(String s) {
    return s.length() <= 20 ? s : s.substring(0, 20) + "…";
  }
}
