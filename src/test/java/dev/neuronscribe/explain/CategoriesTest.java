package dev.neuronscribe.explain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CategoriesTest {
  /** Tokens best first, with falling weights 1, 0.9, 0.8, … */
  static List<Categories.Found> ranked(String... tokens) {
    List<Categories.Found> out = new ArrayList<>();
    for (int i = 0; i < tokens.length; i++) out.add(new Categories.Found(tokens[i], 1 - 0.1 * i));
    return out;
  }

  @Test
  void namesAClassThatCoversTheTokensFoundWithItsMembers() {
    assertThat(Categories.describe(ranked("yellow", "red", "orange"))).isEqualTo("colour words: yellow, red, orange");
    assertThat(Categories.describe(ranked("0", "10", "2", "48"))).isEqualTo("numbers written with digits: 0, 10, 2");
    assertThat(Categories.describe(ranked("April", "August", "July"))).isEqualTo("month names: April, August, July");
    assertThat(Categories.describe(ranked("Friday", "Saturday", "Sunday"))).isEqualTo("weekday names: Friday, Saturday, Sunday");
    assertThat(Categories.describe(ranked(")", "]", "}"))).isEqualTo("closing brackets: ), ], }");
    assertThat(Categories.describe(ranked(")", "),", "]"))).isEqualTo("closing brackets: ), ),, ]");
    assertThat(Categories.describe(ranked(")"))).isEqualTo("closing brackets: )");
    assertThat(Categories.describe(ranked("Where", "Who", "Why"))).isEqualTo("question words: Where, Who, Why");
  }

  @Test
  void theMostSpecificClassWinsOnEqualCoverAndAWiderOneWhenItCoversMore() {
    // ")" and "]" are both closing brackets and punctuation: the specific name.
    assertThat(Categories.describe(ranked(")", "]"))).startsWith("closing brackets");
    // ")", "," and ".": only punctuation covers them all.
    assertThat(Categories.describe(ranked(")", ",", "."))).isEqualTo("punctuation: ), ,, .");
  }

  @Test
  void aClassMustCoverMostOfTheWeightAndTheStrongestToken() {
    // Random tokens: no class, so the tokens are listed as before.
    assertThat(Categories.describe(ranked("the", "file", "f"))).isEqualTo("\"the\", \"file\" and \"f\"");
    assertThat(Categories.describe(ranked("path"))).isEqualTo("\"path\"");
    // One colour among unrelated words is not "colour words".
    assertThat(Categories.describe(ranked("red", "moving", "crowded", "wind"))).isEqualTo("\"red\", \"moving\" and \"crowded\"");
    // Most of the weight in digits, but the strongest token is not one: not named after the digits.
    assertThat(Categories.describe(ranked("wind", "1", "2", "3", "4"))).doesNotStartWith("numbers");
    // A class that covers most but not all of the named tokens says what else was there.
    assertThat(Categories.describe(ranked("000", "18", "$", "320"))).isEqualTo("numbers written with digits: 000, 18, 320; also \"$\"");
  }

  @Test
  void theShareIsWeighedNotCounted() {
    List<Categories.Found> heavyColour = List.of(new Categories.Found("red", 1), new Categories.Found("blue", 1),
        new Categories.Found("path", 0.3), new Categories.Found("file", 0.3));
    assertThat(Categories.describe(heavyColour)).isEqualTo("colour words: red, blue; also \"path\"");
    List<Categories.Found> lightColour = List.of(new Categories.Found("red", 1), new Categories.Found("path", 0.9),
        new Categories.Found("file", 0.9), new Categories.Found("blue", 0.2));
    assertThat(Categories.describe(lightColour)).isEqualTo("\"red\", \"path\" and \"file\"");
  }

  @Test
  void descriptionsOfTokensAreNeitherQuotedNorClassified() {
    List<Categories.Found> breaks = List.of(new Categories.Found("line breaks", 1, false), new Categories.Found(".", 0.5));
    assertThat(Categories.describe(breaks)).isEqualTo("line breaks and \".\"");
  }
}
