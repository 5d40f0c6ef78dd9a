package dev.neuronscribe.prompts;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.List;

/**
 * Counts tokens the way OpenAI's API bills them. Text is encoded as ordinary text: a message that
 * happens to contain {@code <|endoftext|>} is billed as the characters it is, not as a special token.
 */
public final class TokenCounter {
  /** The encoding of gpt-3.5-turbo and gpt-4, which the paper's Table 1 counted with. */
  public static final String DEFAULT_ENCODING = "cl100k_base";

  /** The encodings a user may choose: r50k_base is GPT-2's own, o200k_base that of gpt-4o and later. */
  public static final List<String> ENCODINGS = List.of("cl100k_base", "o200k_base", "r50k_base");

  /** Per message the chat format adds three tokens around the content; the reply is primed with three more. */
  private static final int TOKENS_PER_MESSAGE = 3;
  private static final int REPLY_PRIMING = 3;

  private final Encoding encoding;

  private TokenCounter(Encoding encoding) {
    this.encoding = encoding;
  }

  public static TokenCounter of(String encodingName) {
    if (!ENCODINGS.contains(encodingName)) {
      throw new IllegalArgumentException("unknown token encoding '" + encodingName + "'; choose one of: " + String.join(", ", ENCODINGS));
    }
    return new TokenCounter(switch (encodingName) {
      case "cl100k_base" -> Loaded.Cl100k.ENCODING;
      case "o200k_base" -> Loaded.O200k.ENCODING;
      default -> Loaded.R50k.ENCODING;
    });
  }

  public static TokenCounter cl100k() {
    return of(DEFAULT_ENCODING);
  }

  /**
   * Each encoding's merge table takes about a second to load, so it is loaded once per process, on first
   * use; jtokkit's encodings are immutable and safe to share between threads.
   */
  private static final class Loaded {
    private static Encoding load(EncodingType type) {
      return Encodings.newLazyEncodingRegistry().getEncoding(type);
    }

    static final class Cl100k {
      static final Encoding ENCODING = load(EncodingType.CL100K_BASE);
    }

    static final class O200k {
      static final Encoding ENCODING = load(EncodingType.O200K_BASE);
    }

    static final class R50k {
      static final Encoding ENCODING = load(EncodingType.R50K_BASE);
    }
  }

  public String encodingName() {
    return encoding.getName();
  }

  public int count(String text) {
    return encoding.countTokensOrdinary(text);
  }

  /** Prompt tokens of a chat request: the sum over messages of (3 + tokens of the content), plus 3. */
  public int countChat(List<Message> messages) {
    int total = REPLY_PRIMING;
    for (Message m : messages) total += TOKENS_PER_MESSAGE + count(m.content());
    return total;
  }
}
