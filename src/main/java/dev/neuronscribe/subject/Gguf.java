package dev.neuronscribe.subject;

import dev.neuronscribe.files.InvalidInputException;
import java.nio.file.Path;

/** GGUF model files (llama.cpp's format). */
final class Gguf {
  private Gguf() {}

  static LanguageModel open(Path file) {
    throw new InvalidInputException(file.toString(), "GGUF files are not read yet; give a Hugging Face model directory");
  }
}
