package dev.neuronscribe.subject;

/** Hears how a recording is getting on (e.g. to draw a progress bar); called from the recording thread. */
public interface RecordingProgress {
  /** A phase begins: {@code total} units of {@code unit}, {@code done} of them finished already (resumed). */
  void start(String phase, long total, long done, String unit);

  void advance(long units);

  void end();

  /** A line worth telling the user (e.g. that a run resumes). */
  void note(String message);

  static RecordingProgress silent() {
    return new RecordingProgress() {
      @Override
      public void start(String phase, long total, long done, String unit) {}

      @Override
      public void advance(long units) {}

      @Override
      public void end() {}

      @Override
      public void note(String message) {}
    };
  }
}
