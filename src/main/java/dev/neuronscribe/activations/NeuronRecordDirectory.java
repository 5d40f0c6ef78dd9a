package dev.neuronscribe.activations;

import dev.neuronscribe.files.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A directory of NeuronRecords in OpenAI's layout, {@code DIR/<layer>/<neuron>.json} (the layout of
 * their {@code collated-activations} bucket, and what {@code scribe record} writes).
 */
public record NeuronRecordDirectory(Path root) implements NeuronRecords {

  /** The record files named: files as they are, directories (DIR/&lt;layer&gt;/&lt;neuron&gt;.json) as every record in them. */
  public static List<Path> files(List<Path> filesOrDirectories) {
    List<Path> files = new ArrayList<>();
    for (Path p : filesOrDirectories) {
      if (Files.isDirectory(p)) {
        NeuronRecordDirectory dir = new NeuronRecordDirectory(p);
        List<NeuronId> ids = dir.list();
        if (ids.isEmpty()) throw new InvalidInputException(p.toString(), "holds no NeuronRecords (expected DIR/<layer>/<neuron>.json)");
        ids.forEach(id -> files.add(dir.pathOf(id)));
      } else {
        files.add(p);
      }
    }
    return files;
  }

  public Path pathOf(NeuronId id) {
    return root.resolve(Integer.toString(id.layer())).resolve(id.neuron() + ".json");
  }

  @Override
  public String where(NeuronId id) {
    return pathOf(id).toString();
  }

  @Override
  public java.util.Map<String, String> metadata() {
    return java.util.Map.of();
  }

  @Override
  public boolean contains(NeuronId id) {
    return Files.isRegularFile(pathOf(id));
  }

  @Override
  public NeuronRecord read(NeuronId id) {
    NeuronRecord r = NeuronRecordJson.read(pathOf(id));
    if (!r.id().equals(id)) {
      throw new InvalidInputException(pathOf(id).toString(), "field 'neuron_id' says " + r.id() + " but the file is stored as neuron " + id);
    }
    return r;
  }

  public void write(NeuronRecord record) {
    NeuronRecordJson.write(pathOf(record.id()), record);
  }

  /** Every neuron with a record here, in (layer, neuron) order. */
  @Override
  public List<NeuronId> list() {
    if (!Files.isDirectory(root)) {
      throw new InvalidInputException(root.toString(), "is not a directory of NeuronRecords (expected DIR/<layer>/<neuron>.json)");
    }
    List<NeuronId> ids = new ArrayList<>();
    try (Stream<Path> layers = Files.list(root)) {
      for (Path layerDir : layers.filter(Files::isDirectory).toList()) {
        Integer layer = parseIndex(layerDir.getFileName().toString());
        if (layer == null) continue;
        try (Stream<Path> files = Files.list(layerDir)) {
          for (Path f : files.toList()) {
            String name = f.getFileName().toString();
            if (!name.endsWith(".json")) continue;
            Integer neuron = parseIndex(name.substring(0, name.length() - ".json".length()));
            if (neuron != null) ids.add(new NeuronId(layer, neuron));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage(), e);
    }
    ids.sort(null);
    return List.copyOf(ids);
  }

  private static Integer parseIndex(String s) {
    if (s.isEmpty() || s.length() > 9 || !s.chars().allMatch(Character::isDigit)) return null;
    return Integer.parseInt(s);
  }
}
