package dev.neuronscribe.cli;

import dev.neuronscribe.prompts.PromptFormat;
import picocli.CommandLine;

/** {@code --format summary}: the formats' own ids, with the list of valid ones on a typo. */
final class FormatConverter implements CommandLine.ITypeConverter<PromptFormat> {
  @Override
  public PromptFormat convert(String value) {
    try {
      return PromptFormat.parse(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }
}
