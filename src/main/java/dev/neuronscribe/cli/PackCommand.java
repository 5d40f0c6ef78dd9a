package dev.neuronscribe.cli;

import dev.neuronscribe.files.AtomicFiles;
import dev.neuronscribe.prompts.PromptPack;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "pack",
    mixinStandardHelpOptions = true,
    description = {
      "Prompt packs: the wording and few-shot examples of the explainer prompts.",
      "A pack is a JSON file with one instruction per format, the explanation stem, the zeros-filtered header,"
          + " the few-shot examples and their cutoff (see docs/prompt-packs.md)."
    },
    subcommands = {PackCommand.Export.class})
final class PackCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "say what to do with packs: export");
  }

  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description = "Prints the active prompt pack as JSON (the built-in pack, or the --pack file after checking it).",
      footer = {
        "",
        "Examples:",
        "  scribe pack export > my-pack.json      # a complete pack to edit",
        "  scribe pack export --pack my-pack.json # check a pack; prints it back"
      })
  static final class Export implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--pack", paramLabel = "FILE", description = "The pack to export (default: the built-in pack).")
    Path pack;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the JSON to FILE instead of standard output.")
    Path output;

    @Override
    public Integer call() {
      String json = Packs.active(pack).toJson();
      if (output != null) {
        AtomicFiles.writeString(output, json);
        spec.commandLine().getErr().println("wrote " + output);
        spec.commandLine().getErr().flush();
      } else {
        PrintWriter out = spec.commandLine().getOut();
        out.print(json);
        out.flush();
      }
      return Cli.OK;
    }
  }
}
