package dev.neuronscribe.cli;

import dev.neuronscribe.simulate.Pipeline;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "explain", mixinStandardHelpOptions = true,
    description = "Explain neurons (or puzzles) in one or more prompt formats; resumable. Writes OUT/<format>/explanations.jsonl.")
final class ExplainCommand implements Callable<Integer> {
  @Mixin InputOptions in;
  @Mixin LlmOptions llm;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return PipelineRunner.run(Pipeline.Stages.EXPLAIN, in, llm, spec.commandLine().getOut(), spec.commandLine().getErr());
  }
}
