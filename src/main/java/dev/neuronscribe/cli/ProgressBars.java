package dev.neuronscribe.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The one output convention for progress: a bar on stderr, with rate and ETA, only when stderr is a
 * terminal. stdout stays clean for results and JSON, and a redirected log (`2> log`, a CI job) gets no
 * bar frames, carriage returns or colour codes: the bar draws into nothing there, and the command prints
 * its summary lines as usual. Results go to picocli's writers ({@code spec.commandLine().getOut()}).
 */
final class ProgressBars {
  private ProgressBars() {}

  /** A bar of {@code max} {@code unit}s; silent unless stderr is a terminal. */
  static ProgressBar start(String task, long max, String unit) {
    return builder(task, max, unit).showSpeed().build();
  }

  /** The house settings (stderr, ASCII, no colour, 250 ms), for callers that add their own extras. */
  static ProgressBarBuilder builder(String task, long max, String unit) {
    return new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(max)
        .setStyle(ProgressBarStyle.ASCII)
        .setConsumer(STDERR_IS_TERMINAL ? new ConsoleProgressBarConsumer(System.err) : new DelegatingProgressBarConsumer(line -> {}))
        .setUpdateIntervalMillis(250)
        .setUnit(" " + unit, 1);
  }

  static final boolean STDERR_IS_TERMINAL = stderrIsTerminal();

  /**
   * Java has no isatty for stderr. On Linux, /proc/self/fd/2 names the terminal device when stderr is one;
   * elsewhere we take the console's word (a terminal on stdin and stdout). TERM=dumb (Emacs shells, some CI
   * runners) means no bar either.
   */
  private static boolean stderrIsTerminal() {
    if ("dumb".equals(System.getenv("TERM"))) return false;
    Path fd2 = Path.of("/proc/self/fd/2");
    try {
      if (Files.exists(fd2, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        String target = Files.readSymbolicLink(fd2).toString();
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
      }
    } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
      // fall through to the console's answer
    }
    java.io.Console console = System.console();
    return console != null && console.isTerminal();
  }
}
