package dev.neuronscribe.study;

/** A request that cannot be served, with what to tell the person who sent it (shown escaped). */
final class HttpProblem extends RuntimeException {
  private final int status;
  private final String title;

  HttpProblem(int status, String title, String message) {
    super(message);
    this.status = status;
    this.title = title;
  }

  int status() {
    return status;
  }

  String title() {
    return title;
  }

  static HttpProblem notFound(String message) {
    return new HttpProblem(404, "Not found", message);
  }

  static HttpProblem badRequest(String message) {
    return new HttpProblem(400, "Please check your answer", message);
  }
}
