package dev.neuronscribe.cli;

import dev.neuronscribe.simulate.Pipeline;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "pipeline", mixinStandardHelpOptions = true,
    description = "Explain, simulate and score in one go (scribe explain + simulate + score); resumable.")
final class PipelineCommand implements Callable<Integer> {
  @Mixin InputOptions in;
  @Mixin LlmOptions llm;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    int code = PipelineRunner.run(Pipeline.Stages.BOTH, in, llm, spec.commandLine().getOut(), spec.commandLine().getErr());
    if (llm.dryRun) return code;
    int scored = ScoreCommand.scoreRun(in.out, in.formats(), spec.commandLine().getOut());
    return code != Cli.OK ? code : scored;
  }
}
