package dev.neuronscribe.prompts;

import java.util.Objects;

/** One message of a chat conversation, as sent to an OpenAI-compatible chat endpoint. */
public record Message(Role role, String content) {

  /** Who speaks. */
  public enum Role {
    SYSTEM("system"),
    USER("user"),
    ASSISTANT("assistant");

    private final String wireName;

    Role(String wireName) {
      this.wireName = wireName;
    }

    /** The role as the chat API spells it. */
    public String wireName() {
      return wireName;
    }
  }

  public Message {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(content, "content");
  }

  public static Message system(String content) {
    return new Message(Role.SYSTEM, content);
  }

  public static Message user(String content) {
    return new Message(Role.USER, content);
  }

  public static Message assistant(String content) {
    return new Message(Role.ASSISTANT, content);
  }
}
