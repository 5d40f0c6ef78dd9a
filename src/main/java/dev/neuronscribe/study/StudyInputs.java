package dev.neuronscribe.study;

import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.NeuronRecord;
import dev.neuronscribe.activations.NeuronRecords;
import dev.neuronscribe.files.InvalidInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Builds a {@link NewStudy} from an explanations table (a CSV or a run of {@code scribe explain}) and the NeuronRecords whose excerpts raters see. */
public final class StudyInputs {
  private StudyInputs() {}

  /** The instructions raters read above every item unless the organiser writes their own. */
  public static final String DEFAULT_INSTRUCTIONS =
      "Each item shows text excerpts on which one neuron of a language model fires; the stronger the green, "
          + "the higher the neuron's activation on that token (hover a token to see the value). Read the excerpts, "
          + "then rate how well each explanation describes what the neuron responds to, from 1 (not at all) to "
          + "5 (perfectly), and pick the one explanation you find best.";

  /**
   * How to build the study.
   *
   * @param explainer which explainer's rows to use; may be left empty when the table names a single one
   * @param formats the explanation columns to rate; empty means every explanation column
   * @param neurons the neurons to include, in this order; empty means every row
   * @param topExcerpts how many top-activating excerpts raters see per neuron
   * @param randomExcerpts how many random excerpts raters see in addition
   */
  public record Options(String name, Optional<String> explainer, List<String> formats, List<NeuronId> neurons,
      int topExcerpts, int randomExcerpts, String instructions) {
    public Options {
      formats = List.copyOf(formats);
      neurons = List.copyOf(neurons);
      if (topExcerpts < 0 || randomExcerpts < 0 || topExcerpts + randomExcerpts == 0) {
        throw new IllegalArgumentException("raters need at least one excerpt per neuron (got --top " + topExcerpts + " --random " + randomExcerpts + ")");
      }
    }
  }

  public static NewStudy fromTable(ExplanationTable table, NeuronRecords records, Options options) {
    String source = table.source();
    Set<String> explainers = new LinkedHashSet<>();
    for (ExplanationTable.Row row : table.rows()) row.explainer().ifPresent(explainers::add);
    String explainer;
    List<ExplanationTable.Row> rows = table.rows();
    if (options.explainer().isPresent()) {
      explainer = options.explainer().get().strip();
      if (!explainers.isEmpty()) {
        rows = rows.stream().filter(r -> r.explainer().map(explainer::equals).orElse(false)).toList();
        if (rows.isEmpty()) throw new InvalidInputException(source, "no row has explainer '" + explainer + "'; the file has " + explainers);
      }
    } else if (explainers.size() == 1) {
      explainer = explainers.iterator().next();
    } else if (explainers.isEmpty()) {
      throw new IllegalArgumentException(source + " does not say which model wrote the explanations: pass --explainer NAME (e.g. gpt-3.5-turbo); Table 5 is reported per explainer model");
    } else {
      throw new IllegalArgumentException(source + " has explanations from several explainers " + explainers + ": pick one with --explainer");
    }

    List<String> formats = options.formats().isEmpty() ? table.textColumns() : options.formats();
    for (String f : formats) {
      if (!table.textColumns().contains(f)) {
        throw new InvalidInputException(source, "has no explanation column '" + f + "'; its explanation columns are " + table.textColumns());
      }
    }
    if (formats.size() < 2) throw new InvalidInputException(source, "a study compares at least two formats; found explanation columns " + table.textColumns());

    Map<NeuronId, ExplanationTable.Row> byNeuron = new LinkedHashMap<>();
    for (ExplanationTable.Row row : rows) {
      ExplanationTable.Row before = byNeuron.putIfAbsent(row.neuron(), row);
      if (before != null) {
        throw new InvalidInputException(source, before.where() + " and " + row.where() + " are both neuron " + row.neuron() + " of explainer " + explainer);
      }
    }
    List<NeuronId> neurons = options.neurons().isEmpty() ? List.copyOf(byNeuron.keySet()) : options.neurons();

    List<NewStudy.Item> items = new ArrayList<>();
    for (NeuronId id : neurons) {
      ExplanationTable.Row row = byNeuron.get(id);
      if (row == null) throw new InvalidInputException(source, "has no explanations of neuron " + id + " (explainer " + explainer + ")");
      Map<String, String> explanations = new LinkedHashMap<>();
      for (String f : formats) {
        String text = row.cells().getOrDefault(f, "");
        if (text.isBlank()) {
          throw new InvalidInputException(source, neuronAt(row) + ": the " + f + " explanation is "
              + (row.cells().containsKey(f) ? "empty" : "missing (every sample failed)") + "; leave the neuron out with --neurons");
        }
        explanations.put(f, text);
      }
      if (!records.contains(id)) {
        throw new InvalidInputException(records.where(id),
            "no NeuronRecord for " + neuronAt(row) + " of " + source + "; record it first, or leave it out with --neurons");
      }
      NeuronRecord full = records.read(id);
      NeuronRecord shown = NeuronRecord.of(id,
          full.mostPositiveActivationRecords().subList(0, Math.min(options.topExcerpts(), full.mostPositiveActivationRecords().size())),
          full.randomSample().subList(0, Math.min(options.randomExcerpts(), full.randomSample().size())));
      items.add(new NewStudy.Item(id, shown, explanations));
    }
    return new NewStudy(options.name(), explainer, options.instructions(), items);
  }

  private static String neuronAt(ExplanationTable.Row row) {
    return "neuron " + row.neuron() + (row.where().isEmpty() ? "" : " (" + row.where() + ")");
  }
}
