package dev.neuronscribe.prompts;

import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.NeuronRecord;
import dev.neuronscribe.activations.NeuronRecordJson;
import dev.neuronscribe.files.InvalidInputException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The paper's Table 1: the explainer's prompt tokens per format for a set of neurons, counted as the chat
 * API bills them, and how much cheaper each format is than Original.
 */
public record PromptTokens(String encoding, String pack, List<Neuron> neurons) {

  /** One neuron's prompt tokens in every format; {@code source} names where its record came from (a file, a store's unit). */
  public record Neuron(String source, NeuronId id, Map<PromptFormat, Integer> tokens) {
    public Neuron {
      tokens = Map.copyOf(tokens);
    }
  }

  public PromptTokens {
    neurons = List.copyOf(neurons);
    if (neurons.isEmpty()) throw new IllegalArgumentException("Table 1 needs at least one neuron");
  }

  /** Counts one record file's prompts in every format; a record a format cannot render is an error naming the file. */
  public static Neuron count(Path file, PromptPack pack, TokenCounter counter) {
    return count(file.toString(), NeuronRecordJson.read(file), pack, counter);
  }

  /** Counts a record's prompts in every format; a record a format cannot render is an error naming {@code source}. */
  public static Neuron count(String source, NeuronRecord record, PromptPack pack, TokenCounter counter) {
    Map<PromptFormat, Integer> tokens = new EnumMap<>(PromptFormat.class);
    for (PromptFormat f : PromptFormat.values()) {
      try {
        tokens.put(f, counter.countChat(ExplanationPrompts.forNeuron(f, pack, record)));
      } catch (InvalidInputException e) {
        throw new InvalidInputException(source, e.getMessage(), e);
      }
    }
    return new Neuron(source, record.id(), tokens);
  }

  public double mean(PromptFormat f) {
    return neurons.stream().mapToInt(n -> n.tokens().get(f)).average().orElseThrow();
  }

  /** Original's mean over this format's: 2.0 means half the tokens. */
  public double timesCheaperThanOriginal(PromptFormat f) {
    return mean(PromptFormat.ORIGINAL) / mean(f);
  }

  /** The share of Original's tokens this format saves. */
  public double savingVsOriginal(PromptFormat f) {
    return 1 - mean(f) / mean(PromptFormat.ORIGINAL);
  }
}
