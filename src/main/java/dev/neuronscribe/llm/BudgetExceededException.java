package dev.neuronscribe.llm;

/**
 * Thrown before a request that would take the run past its budget; nothing was sent. The pipeline stops
 * starting new work, lets the requests in flight finish, saves, and exits; a rerun goes on from there.
 */
public final class BudgetExceededException extends RuntimeException {
  public BudgetExceededException(String message) {
    super(message);
  }
}
