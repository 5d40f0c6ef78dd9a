package dev.neuronscribe.subject;

import dev.neuronscribe.files.InvalidInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The dictionaries of one recording, at most one per layer, each checked against the model before anything
 * runs: a layer's units are then its dictionary's latents. Close it to unmap their weights.
 */
public final class Dictionaries implements AutoCloseable {
  private final TreeMap<Integer, Dictionary> byLayer;

  private Dictionaries(TreeMap<Integer, Dictionary> byLayer) {
    this.byLayer = byLayer;
  }

  /**
   * Opens every dictionary at {@code paths} (see {@link Dictionary#open}) for {@code model}. {@code hook} names the
   * hook point for a single dictionary whose files do not (Gemma Scope) or overrides its own.
   */
  public static Dictionaries open(List<Path> paths, Optional<String> hook, Model model) {
    if (hook.isPresent() && paths.size() != 1) {
      throw new IllegalArgumentException("--hook names the hook point of one dictionary; give one --dictionary with it");
    }
    List<Dictionary> all = new ArrayList<>();
    try {
      for (Path p : paths) all.addAll(Dictionary.open(p, hook));
      TreeMap<Integer, Dictionary> byLayer = new TreeMap<>();
      for (Dictionary d : all) {
        d.checkFits(model);
        Dictionary other = byLayer.put(d.hook().layer(), d);
        if (other != null) {
          throw new InvalidInputException(d.info().path().toString(), "reads layer " + d.hook().layer() + " (" + d.hook().name() + "), as "
              + other.info().path() + " (" + other.hook().name() + ") does; a recording holds one dictionary per layer, so record them into separate folders");
        }
      }
      return new Dictionaries(byLayer);
    } catch (RuntimeException e) {
      all.forEach(Dictionary::close);
      throw e;
    }
  }

  /** The layers that have a dictionary, ascending. */
  public List<Integer> layers() {
    return List.copyOf(byLayer.keySet());
  }

  public Optional<Dictionary> at(int layer) {
    return Optional.ofNullable(byLayer.get(layer));
  }

  public List<Dictionary.Info> infos() {
    return byLayer.values().stream().map(Dictionary::info).toList();
  }

  /** The recorder's units of {@code layer}; a layer without a dictionary is a usage error. */
  public LayerUnits units(int layer) {
    Dictionary d = byLayer.get(layer);
    if (d == null) throw new IllegalArgumentException("layer " + layer + " has no dictionary; the dictionaries read layers " + layers());
    return d.units();
  }

  @Override
  public void close() {
    byLayer.values().forEach(Dictionary::close);
  }
}
