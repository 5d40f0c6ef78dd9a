package dev.neuronscribe.prompts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PromptFormatTest {
  @Test
  void idsAreThoseUsersWrite() {
    assertThat(Arrays.stream(PromptFormat.values()).map(PromptFormat::id))
        .containsExactly("original", "summary", "highlight", "highlight-summary", "avhs");
    for (PromptFormat f : PromptFormat.values()) assertThat(PromptFormat.parse(f.id())).isEqualTo(f);
    assertThat(PromptFormat.parse("HIGHLIGHT_SUMMARY")).isEqualTo(PromptFormat.HIGHLIGHT_SUMMARY);
    assertThat(PromptFormat.parse("hs")).isEqualTo(PromptFormat.HIGHLIGHT_SUMMARY);
    assertThat(PromptFormat.parse("HighlightSummary")).isEqualTo(PromptFormat.HIGHLIGHT_SUMMARY);
    assertThat(PromptFormat.parse(" AVHS ")).isEqualTo(PromptFormat.AVHS);
  }

  @Test
  void onlyTheCutoffFormatsUseACutoff() {
    assertThat(Arrays.stream(PromptFormat.values()).filter(PromptFormat::usesCutoff))
        .containsExactly(PromptFormat.SUMMARY, PromptFormat.HIGHLIGHT, PromptFormat.HIGHLIGHT_SUMMARY);
  }

  @Test
  void unknownIdsListTheValidOnes() {
    assertThatThrownBy(() -> PromptFormat.parse("sumary"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown prompt format 'sumary'; the formats are: original, summary, highlight, highlight-summary, avhs");
  }

  @Test
  void rolesUseTheApisNames() {
    assertThat(Arrays.stream(Message.Role.values()).map(Message.Role::wireName)).containsExactly("system", "user", "assistant");
  }
}
