package dev.neuronscribe.prompts;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The five ways of showing a neuron's activations to the explainer model (Lee et al. 2023). The exact
 * layout of each is in {@code docs/prompt-formats.md}.
 */
public enum PromptFormat {
  /** Every token with its activation on the 0–10 scale, one per line (Bills et al. 2023). */
  ORIGINAL("original", false),
  /** Each excerpt's text, then the list of its hot tokens. */
  SUMMARY("summary", true),
  /** Each excerpt's text with its hot tokens in square brackets. */
  HIGHLIGHT("highlight", true),
  /** Highlight followed by the list of hot tokens: the paper's "HS". */
  HIGHLIGHT_SUMMARY("highlight-summary", true),
  /** Highlight-summary where every token with a non-zero 0–10 activation is hot and listed with it. */
  AVHS("avhs", false);

  private final String id;
  private final boolean usesCutoff;

  PromptFormat(String id, boolean usesCutoff) {
    this.id = id;
    this.usesCutoff = usesCutoff;
  }

  /** The name users write on the command line and in prompt packs. */
  public String id() {
    return id;
  }

  /**
   * Whether a token is "hot" by comparing its raw activation with a cutoff. Original and AVHS instead
   * scale activations by the block's maximum and need no cutoff.
   */
  public boolean usesCutoff() {
    return usesCutoff;
  }

  /**
   * The format with this id ({@code "highlight-summary"}); case and {@code _} vs {@code -} do not matter,
   * and the paper's names for highlight-summary are accepted too: {@code "hs"} and its CSV column
   * {@code "HighlightSummary"}.
   */
  public static PromptFormat parse(String id) {
    String wanted = id.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    if (wanted.equals("hs") || wanted.equals("highlightsummary")) return HIGHLIGHT_SUMMARY;
    for (PromptFormat f : values()) {
      if (f.id.equals(wanted)) return f;
    }
    throw new IllegalArgumentException("unknown prompt format '" + id + "'; the formats are: " + validIds());
  }

  /** {@code "original, summary, …"}, for messages. */
  public static String validIds() {
    return Arrays.stream(values()).map(PromptFormat::id).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return id;
  }
}
