package dev.neuronscribe.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarStyle;

/** Progress bars on stderr, with rate and ETA, so that stdout stays clean for results and JSON. */
final class ProgressBars {
  private ProgressBars() {}

  static ProgressBar start(String task, long max, String unit) {
    return ProgressBar.builder()
        .setTaskName(task)
        .setInitialMax(max)
        .setStyle(ProgressBarStyle.ASCII)
        .setConsumer(new ConsoleProgressBarConsumer(System.err))
        .setUpdateIntervalMillis(250)
        .setUnit(" " + unit, 1)
        .showSpeed()
        .build();
  }
}
