package dev.neuronscribe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What a newcomer reads first: every command's help, and the list of commands. */
class HelpTextTest {

  private static List<CommandLine> allCommands(CommandLine c) {
    List<CommandLine> out = new ArrayList<>();
    for (CommandLine sub : c.getSubcommands().values()) {
      if (sub.getCommandName().equals("help")) continue;
      out.add(sub);
      out.addAll(allCommands(sub));
    }
    return out;
  }

  @Test
  void everyCommandsHelpPrintsCleanlyAndExitsZero() {
    for (CommandLine c : allCommands(new CommandLine(new Main()))) {
      List<String> args = new ArrayList<>(List.of(c.getCommandSpec().qualifiedName(" ").split(" ")));
      args.removeFirst(); // "scribe"
      args.add("--help");
      MainTest.Result r = MainTest.scribe(args.toArray(String[]::new));
      assertThat(r.exitCode()).as(String.join(" ", args)).isZero();
      assertThat(r.out()).as(String.join(" ", args)).contains("Usage: scribe");
      assertThat(r.err()).as(String.join(" ", args) + " prints nothing on stderr (e.g. a picocli warning)").isEmpty();
    }
  }

  @Test
  void theListOfCommandsShowsEachOneAsAWholeSentence() {
    // picocli lists a subcommand with the first line of its description: that line must be a sentence.
    for (CommandLine c : allCommands(new CommandLine(new Main()))) {
      String[] d = c.getCommandSpec().usageMessage().description();
      assertThat(d).as(c.getCommandSpec().qualifiedName()).isNotEmpty();
      assertThat(d[0].strip()).as(c.getCommandSpec().qualifiedName() + ": " + d[0]).endsWith(".");
    }
  }
}
