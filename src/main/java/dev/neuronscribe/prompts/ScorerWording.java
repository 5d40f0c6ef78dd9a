package dev.neuronscribe.prompts;

/**
 * The wording of the scorers other than simulation (see {@code docs/scorers.md}): one instruction each for
 * detection, fuzzing and intruder, and the text that introduces an explanation before an excerpt for
 * surprisal ({@code {explanation}} marks where it goes). The simulate package adds the excerpts and the
 * answer rules it parses (those are structure, not wording); this package only carries the text.
 */
public record ScorerWording(String detection, String fuzzing, String intruder, String surprisalPrefix) {
  public static final String EXPLANATION = "{explanation}";

  public ScorerWording {
    PackRules.require(PackRules.notBlank(detection), "scorers.detection");
    PackRules.require(PackRules.notBlank(fuzzing), "scorers.fuzzing");
    PackRules.require(PackRules.notBlank(intruder), "scorers.intruder");
    PackRules.require(PackRules.surprisalPrefix(surprisalPrefix), "scorers.surprisal_prefix");
  }

  /** The surprisal prefix with the explanation filled in. */
  public String surprisalPrefix(String explanation) {
    return surprisalPrefix.replace(EXPLANATION, explanation.strip());
  }
}
