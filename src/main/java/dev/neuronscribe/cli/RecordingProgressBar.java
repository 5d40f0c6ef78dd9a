package dev.neuronscribe.cli;

import dev.neuronscribe.subject.RecordingProgress;
import java.io.PrintWriter;
import java.time.Duration;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/** A recording's progress as a bar on stderr, with the rate and the time left. */
final class RecordingProgressBar implements RecordingProgress {
  private final PrintWriter err;
  private ProgressBar bar;

  RecordingProgressBar(PrintWriter err) {
    this.err = err;
  }

  @Override
  public void start(String phase, long total, long done, String unit) {
    end();
    ProgressBarBuilder b = ProgressBars.builder(phase, total, unit).setUpdateIntervalMillis(500).showSpeed();
    if (unit.equals("B")) b.setUnit(" KB", 1 << 10);
    if (done > 0) b.startsFrom(done, Duration.ZERO);
    bar = b.build();
  }

  @Override
  public void advance(long units) {
    if (bar != null) bar.stepBy(units);
  }

  @Override
  public void end() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }

  @Override
  public void note(String message) {
    err.println(message);
    err.flush();
  }
}
