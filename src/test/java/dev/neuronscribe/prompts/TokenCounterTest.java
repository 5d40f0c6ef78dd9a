package dev.neuronscribe.prompts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokenCounterTest {
  @Test
  void countsTextWithTheChosenEncoding() {
    TokenCounter cl100k = TokenCounter.of("cl100k_base");
    assertThat(cl100k.encodingName()).isEqualTo("cl100k_base");
    // tiktoken: cl100k_base encodes "Hello world" as [9906, 1917] and "\tsummary" as two tokens.
    assertThat(cl100k.count("Hello world")).isEqualTo(2);
    assertThat(cl100k.count("")).isZero();
    assertThat(TokenCounter.of("r50k_base").count(" metres")).isEqualTo(1);
    assertThat(TokenCounter.of("o200k_base").encodingName()).isEqualTo("o200k_base");
    // Text that looks like a special token is billed as the characters it is.
    assertThat(cl100k.count("<|endoftext|>")).isGreaterThan(1);
  }

  @Test
  void chatPromptsAddThreeTokensPerMessageAndThreeForTheReply() {
    TokenCounter counter = TokenCounter.cl100k();
    List<Message> messages = List.of(Message.system("Hello world"), Message.user("Hello world"), Message.assistant(""));
    assertThat(counter.countChat(messages)).isEqualTo((3 + 2) + (3 + 2) + (3 + 0) + 3);
    assertThat(counter.countChat(List.of())).isEqualTo(3);
  }

  @Test
  void unknownEncodingsAreRejectedWithTheChoices() {
    assertThatThrownBy(() -> TokenCounter.of("gpt2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown token encoding 'gpt2'; choose one of: cl100k_base, o200k_base, r50k_base");
  }
}
