package dev.neuronscribe.report;

import dev.neuronscribe.evaluate.ScoreTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Formats that gave identical explanations, shown once. When two formats' explanations are the same for
 * every item, their scores are the same too (with a deterministic scorer), and listing both gives rows of
 * "+0.000" that say nothing; a report folds them into one condition named {@code "Original = AVHS"},
 * and says so. A fold is made only where the scores agree as well, so that a stochastic scorer's
 * differences are never hidden.
 */
final class FormatGroups {
  private FormatGroups() {}

  /** A table with identical formats folded, and the groups that were folded (two or more formats each). */
  record Folded(ScoreTable table, List<List<String>> folds) {}

  /**
   * Groups of formats (in the given order) whose explanations are the same for every item: equal lists of
   * samples where both have them, and no item explained in one but not the other.
   *
   * @param formats display name → the key of {@code explanations}' inner maps, in report order
   */
  static <F> List<List<String>> identical(List<Map.Entry<String, F>> formats, Map<?, ? extends Map<F, List<String>>> explanations) {
    List<List<String>> groups = new ArrayList<>();
    boolean[] used = new boolean[formats.size()];
    for (int i = 0; i < formats.size(); i++) {
      if (used[i]) continue;
      List<String> group = new ArrayList<>(List.of(formats.get(i).getKey()));
      for (int j = i + 1; j < formats.size(); j++) {
        if (!used[j] && same(explanations, formats.get(i).getValue(), formats.get(j).getValue())) {
          group.add(formats.get(j).getKey());
          used[j] = true;
        }
      }
      groups.add(List.copyOf(group));
    }
    return List.copyOf(groups);
  }

  private static <F> boolean same(Map<?, ? extends Map<F, List<String>>> explanations, F a, F b) {
    int both = 0;
    for (Map<F, List<String>> byFormat : explanations.values()) {
      List<String> x = byFormat.get(a), y = byFormat.get(b);
      if (x == null && y == null) continue;
      if (!Objects.equals(x, y)) return false;
      both++;
    }
    return both > 0;
  }

  /** Folds each group whose columns in {@code t} are equal, item by item, into its first format's column. */
  static Folded fold(ScoreTable t, List<List<String>> groups) {
    List<String> conditions = new ArrayList<>();
    List<Integer> columns = new ArrayList<>();
    List<List<String>> folds = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    for (List<String> g : groups) {
      List<String> present = g.stream().filter(t.conditions()::contains).toList();
      if (present.isEmpty()) continue;
      seen.addAll(present);
      if (present.size() > 1 && equalColumns(t, present)) {
        conditions.add(String.join(" = ", present));
        columns.add(t.indexOf(present.getFirst()));
        folds.add(present);
      } else {
        for (String f : present) {
          conditions.add(f);
          columns.add(t.indexOf(f));
        }
      }
    }
    for (String c : t.conditions()) {
      if (!seen.contains(c)) {
        conditions.add(c);
        columns.add(t.indexOf(c));
      }
    }
    if (folds.isEmpty()) return new Folded(t, List.of());
    List<ScoreTable.Row> rows = new ArrayList<>();
    for (ScoreTable.Row r : t.rows()) {
      double[] all = r.values();
      double[] kept = new double[columns.size()];
      for (int k = 0; k < kept.length; k++) kept[k] = all[columns.get(k)];
      rows.add(new ScoreTable.Row(r.item(), r.layer(), kept));
    }
    return new Folded(new ScoreTable(t.metric(), t.itemKind(), conditions, rows), List.copyOf(folds));
  }

  private static boolean equalColumns(ScoreTable t, List<String> formats) {
    double[] first = t.column(formats.getFirst());
    for (String f : formats.subList(1, formats.size())) {
      double[] other = t.column(f);
      for (int i = 0; i < first.length; i++) {
        if (Double.compare(first[i], other[i]) != 0) return false;
      }
    }
    return true;
  }

  /** The sentence a section says about its folds, if it has any. */
  static Optional<String> note(List<List<String>> folds, String itemKind) {
    if (folds.isEmpty()) return Optional.empty();
    List<String> named = folds.stream().map(FormatGroups::and).toList();
    return Optional.of(String.join("; ", named) + (folds.size() == 1 ? " gave" : " each gave") + " the same explanation of every " + itemKind
        + " and so the same scores: each such group is one row below (\"" + String.join(" = ", folds.getFirst())
        + "\"), and no paired comparison sets a format against its twin.");
  }

  static String and(List<String> names) {
    if (names.size() == 1) return names.getFirst();
    return String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.getLast();
  }
}
