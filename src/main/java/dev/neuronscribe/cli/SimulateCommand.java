package dev.neuronscribe.cli;

import dev.neuronscribe.simulate.Pipeline;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "simulate", mixinStandardHelpOptions = true,
    description = "Simulate each explanation in OUT on the neuron's scoring excerpts and score it; resumable. Writes OUT/<format>/simulations.jsonl (OpenAI's NeuronSimulationResults) and failures.jsonl.")
final class SimulateCommand implements Callable<Integer> {
  @Mixin InputOptions in;
  @Mixin LlmOptions llm;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return PipelineRunner.run(Pipeline.Stages.SIMULATE, in, llm, spec.commandLine().getOut(), spec.commandLine().getErr());
  }
}
