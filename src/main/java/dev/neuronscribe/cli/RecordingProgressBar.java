package dev.neuronscribe.cli;

import dev.neuronscribe.subject.RecordingProgress;
import java.io.PrintStream;
import java.time.Duration;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A recording's progress as a bar on stderr, with the rate and the time left. */
final class RecordingProgressBar implements RecordingProgress {
  private final PrintStream err;
  private ProgressBar bar;

  RecordingProgressBar(PrintStream err) {
    this.err = err;
  }

  @Override
  public void start(String phase, long total, long done, String unit) {
    end();
    ProgressBarBuilder b = new ProgressBarBuilder()
        .setTaskName(phase)
        .setInitialMax(total)
        .setStyle(ProgressBarStyle.ASCII)
        .setConsumer(new ConsoleProgressBarConsumer(err))
        .setUpdateIntervalMillis(500)
        .showSpeed()
        .setUnit(" " + unit, 1);
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
  }
}
