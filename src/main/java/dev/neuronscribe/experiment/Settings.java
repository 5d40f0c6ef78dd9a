package dev.neuronscribe.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuronscribe.prompts.PromptPack;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The settings that change what a unit produces without changing its key: the prompt pack and the
 * number of samples. A store remembers them; a run file that changes them is refused instead of mixing
 * results made two ways in one table.
 */
final class Settings {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Settings() {}

  static String of(RunSpec spec, PromptPack pack) {
    ObjectNode o = JSON.createObjectNode();
    o.put("pack_sha256", sha256(pack.toJson()));
    o.put("samples", spec.samples());
    o.put("puzzle_runs", spec.puzzleRuns());
    return o.toString();
  }

  static void check(RunSpec spec, PromptPack pack, ExperimentStore store) {
    String now = of(spec, pack);
    Optional<String> before = store.meta("settings");
    if (before.isEmpty()) {
      store.putMeta("settings", now);
      store.putMeta("created_by", spec.source());
      return;
    }
    if (!before.get().equals(now)) {
      throw new IllegalArgumentException("the store " + store.file() + " holds results made with other settings (" + before.get() + "; this run file gives "
          + now + "): the prompt pack, samples and puzzle_runs must stay the same within a store. Give the run another 'store', or delete " + store.file());
    }
  }

  static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
