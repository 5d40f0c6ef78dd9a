package dev.neuronscribe.llm;

/** A request that did not yield a usable reply, after any retries; {@link #kind()} says why. */
public final class LlmException extends RuntimeException {

  /** Why a request failed. The first five are retried; the last two are not (retrying cannot help). */
  public enum Kind {
    RATE_LIMITED, SERVER_ERROR, TIMEOUT, CONNECTION, MALFORMED_REPLY, REJECTED, UNSUPPORTED;

    boolean retryable() {
      return this != REJECTED && this != UNSUPPORTED;
    }
  }

  private final Kind kind;

  public LlmException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public LlmException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
