package dev.neuronscribe.cli;

import dev.neuronscribe.prompts.PromptPack;
import java.nio.file.Path;

/** The {@code --pack FILE} option shared by the prompt commands: the built-in pack unless a file is given. */
final class Packs {
  private Packs() {}

  static PromptPack active(Path file) {
    return file == null ? PromptPack.builtIn() : PromptPack.load(file);
  }
}
