package dev.neuronscribe.study;

import dev.neuronscribe.files.CsvWriter;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What a study's answers add up to, read from its store: Table 5 and the export of every rating. Kept
 * apart from {@link StudyStore}, which only stores studies and answers.
 */
public final class StudyResults {
  private final StudyStore store;

  public StudyResults(StudyStore store) {
    this.store = store;
  }

  /** Table 5 for one study, or (empty id) for all studies grouped by explainer model. */
  public Table5 table5(OptionalLong studyId) {
    return store.query(db -> {
      String where = studyId.isPresent() ? "WHERE s.id = ?" : "";
      Map<List<String>, int[]> best = new HashMap<>();
      try (PreparedStatement ps = db.prepareStatement("""
          SELECT s.explainer_model, e.format, count(*)
          FROM answer a JOIN explanation e ON e.id = a.best_explanation_id
               JOIN item i ON i.id = a.item_id JOIN study s ON s.id = i.study_id
          %s GROUP BY s.explainer_model, e.format""".formatted(where))) {
        if (studyId.isPresent()) ps.setLong(1, studyId.getAsLong());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) best.put(List.of(rs.getString(1), rs.getString(2)), new int[] {rs.getInt(3)});
        }
      }
      Map<String, Integer> answers = new HashMap<>();
      try (PreparedStatement ps = db.prepareStatement("""
          SELECT s.explainer_model, count(*)
          FROM answer a JOIN item i ON i.id = a.item_id JOIN study s ON s.id = i.study_id
          %s GROUP BY s.explainer_model""".formatted(where))) {
        if (studyId.isPresent()) ps.setLong(1, studyId.getAsLong());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) answers.put(rs.getString(1), rs.getInt(2));
        }
      }
      // Every format of the studies gets a row, rated or not, so an empty table still shows its shape.
      List<Table5.Row> rows = new ArrayList<>();
      try (PreparedStatement ps = db.prepareStatement("""
          SELECT s.explainer_model, e.format, count(r.rating), coalesce(sum(r.rating), 0), coalesce(sum(r.rating * r.rating), 0)
          FROM explanation e JOIN item i ON i.id = e.item_id JOIN study s ON s.id = i.study_id
               LEFT JOIN rating r ON r.explanation_id = e.id
          %s GROUP BY s.explainer_model, e.format ORDER BY s.explainer_model, min(e.id)""".formatted(where))) {
        if (studyId.isPresent()) ps.setLong(1, studyId.getAsLong());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String model = rs.getString(1);
            String format = rs.getString(2);
            int chosen = best.getOrDefault(List.of(model, format), new int[] {0})[0];
            rows.add(Table5.row(model, format, rs.getInt(3), rs.getLong(4), rs.getLong(5), answers.getOrDefault(model, 0), chosen));
          }
        }
      }
      return new Table5(rows);
    });
  }

  /**
   * Every rating of a study as CSV, one row per (rater, item, explanation), with the format unblinded,
   * for analyses beyond Table 5 (inter-rater agreement, per-neuron effects). Raters appear by label.
   */
  public String answersCsv(long studyId) {
    return store.query(db -> {
      CsvWriter out = CsvWriter.forSpreadsheets(List.of("study_id", "explainer_model", "rater_id", "rater_label", "layer", "neuron",
          "format", "explanation", "rating", "chosen_best", "answered_at"));
      try (PreparedStatement ps = db.prepareStatement("""
          SELECT s.id, s.explainer_model, rt.id, rt.label, i.layer, i.neuron, e.format, e.text, r.rating,
                 a.best_explanation_id = e.id, a.answered_at
          FROM rating r JOIN answer a ON a.rater_id = r.rater_id AND a.item_id = r.item_id
               JOIN rater rt ON rt.id = r.rater_id JOIN explanation e ON e.id = r.explanation_id
               JOIN item i ON i.id = r.item_id JOIN study s ON s.id = i.study_id
          WHERE s.id = ? ORDER BY rt.id, i.position, e.id""")) {
        ps.setLong(1, studyId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.row(Long.toString(rs.getLong(1)), rs.getString(2), Long.toString(rs.getLong(3)), rs.getString(4),
                Integer.toString(rs.getInt(5)), Integer.toString(rs.getInt(6)), rs.getString(7), rs.getString(8),
                Integer.toString(rs.getInt(9)), rs.getInt(10) == 1 ? "1" : "0", rs.getString(11));
          }
        }
      }
      return out.text();
    });
  }
}
