package dev.neuronscribe.activations;

import dev.neuronscribe.files.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Where NeuronRecords are read from: a folder of OpenAI's JSON ({@link NeuronRecordDirectory}) or an
 * {@link ActivationStore}. Every command that reads records takes either through {@link #open}.
 */
public sealed interface NeuronRecords permits NeuronRecordDirectory, ActivationStore {

  /** The folder or store at {@code path}, whichever it is. */
  static NeuronRecords open(Path path) {
    if (StoreFiles.isStore(path)) return ActivationStore.open(path);
    if (Files.isRegularFile(path)) {
      throw new InvalidInputException(path.toString(), "is a file; give the folder of NeuronRecords (DIR/<layer>/<neuron>.json) or of a store (scribe record's output)");
    }
    return new NeuronRecordDirectory(path);
  }

  /** Where the records are, for messages. */
  Path root();

  /** Every unit with a record here, in (layer, index) order. */
  List<NeuronId> list();

  boolean contains(NeuronId id);

  /** Where a unit's record is, or would be (a JSON file, or the store), for messages. */
  String where(NeuronId id);

  NeuronRecord read(NeuronId id);

  /** How the records were made (unit kind, model, precision, ...); empty for a JSON folder, which does not say. */
  Map<String, String> metadata();
}
