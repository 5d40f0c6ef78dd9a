package dev.neuronscribe.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.files.InvalidInputException;
import dev.neuronscribe.llm.Preset;
import dev.neuronscribe.prompts.PromptFormat;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunSpecTest {
  @TempDir Path dir;

  RunSpec parse(String text) {
    return RunSpec.parse(text, "run.yaml", dir, dir.resolve("default-store"));
  }

  @Test
  void aFullYamlFileReadsEveryField() {
    RunSpec s = parse("""
        name: paper-gpt2xl
        description: the paper's setup
        store: out/store
        neuron_sets:
          - name: random
            records: data/collated-activations
            neurons: ["0:286", "1:1,2:3"]
            subset: subsets/r.csv
            references: subsets/r.csv
          - {name: puzzles, puzzles: builtin}
          - {name: openai-puzzles, puzzles: puzzles.json}
        formats: [summary, hs, AVHS]
        explainers: [baseline, "openai:gpt-4o-mini", {llm: "vllm:meta-llama/Llama-3.1-8B", base_url: "http://gpu:8000/v1"}]
        simulators:
          - baseline
          - {llm: "vllm:meta-llama/Llama-3.1-8B", method: all-at-once, base_url: "http://gpu:8000/v1/"}
          - openai:gpt-4o-mini
        evaluations: [simulate-score, similarity, puzzles]
        samples: 2
        puzzle_runs: 5
        embeddings: openai:text-embedding-ada-002
        embedding_cache: cache/emb.sqlite
        seed: 7
        bootstrap: 2000
        budget_usd: 12.5
        parallel: 8
        llm: {rpm: 500, tpm: 200000, concurrency: 4, timeout_s: 30, attempts: 3, cache: c.sqlite, ledger: l.sqlite}
        """);
    assertThat(s.name()).isEqualTo("paper-gpt2xl");
    assertThat(s.store()).isEqualTo(dir.resolve("out/store"));
    RunSpec.RecordSet r = (RunSpec.RecordSet) s.sets().get(0);
    assertThat(r.records()).isEqualTo(dir.resolve("data/collated-activations"));
    assertThat(r.neurons()).containsExactly(new NeuronId(0, 286), new NeuronId(1, 1), new NeuronId(2, 3));
    assertThat(r.subset()).contains(dir.resolve("subsets/r.csv"));
    assertThat(((RunSpec.PuzzleSet) s.sets().get(1)).file()).isEmpty();
    assertThat(((RunSpec.PuzzleSet) s.sets().get(2)).file()).contains(dir.resolve("puzzles.json"));
    assertThat(s.formats()).containsExactly(PromptFormat.SUMMARY, PromptFormat.HIGHLIGHT_SUMMARY, PromptFormat.AVHS);
    assertThat(s.explainers()).extracting(Backend::label).containsExactly("baseline-prompt-reader", "openai:gpt-4o-mini", "vllm:meta-llama/Llama-3.1-8B");
    assertThat(s.explainers().get(2).baseUrl()).contains(URI.create("http://gpu:8000/v1"));
    assertThat(s.simulators()).extracting(RunSpec.SimulatorChoice::label)
        .containsExactly("baseline", "all-at-once:vllm:meta-llama/Llama-3.1-8B", "chat-logprobs:openai:gpt-4o-mini");
    assertThat(s.evaluations()).containsExactlyInAnyOrder(RunSpec.Evaluation.SIMULATE_SCORE, RunSpec.Evaluation.SIMILARITY, RunSpec.Evaluation.PUZZLES);
    assertThat(s.samples()).isEqualTo(2);
    assertThat(s.puzzleRuns()).isEqualTo(5);
    assertThat(s.embeddings().endpoint().flatMap(Backend::preset)).contains(Preset.OPENAI);
    assertThat(s.embeddings().cache()).isEqualTo(dir.resolve("cache/emb.sqlite"));
    assertThat(s.seed()).isEqualTo(7);
    assertThat(s.bootstrap()).isEqualTo(2000);
    assertThat(s.budgetUsd()).hasValue(12.5);
    assertThat(s.llm().rpm()).isEqualTo(500);
    assertThat(s.llm().cache()).contains(dir.resolve("c.sqlite"));
    assertThat(s.usesLlm()).isTrue();
  }

  @Test
  void defaultsMakeAnOfflineRunOfEveryFormat() throws Exception {
    Path file = dir.resolve("mini.yaml");
    Files.writeString(file, "name: mini\nneuron_sets: [{name: p, puzzles: builtin}]\n");
    RunSpec s = RunSpec.read(file);
    assertThat(s.store()).isEqualTo(dir.resolve("mini"));
    assertThat(s.formats()).containsExactly(PromptFormat.values());
    assertThat(s.explainers()).extracting(Backend::label).as("baseline is the default offline explainer").containsExactly("baseline-prompt-reader");
    assertThat(s.simulators()).extracting(RunSpec.SimulatorChoice::label).containsExactly("baseline");
    // No evaluations named: what the sets allow.
    assertThat(s.evaluations()).containsExactlyInAnyOrder(RunSpec.Evaluation.SIMULATE_SCORE, RunSpec.Evaluation.PUZZLES);
    assertThat(s.puzzleRuns()).isEqualTo(3);
    assertThat(s.embeddings().label()).isEqualTo("minilm");
    assertThat(s.embeddings().cache()).isEqualTo(dir.resolve("mini").resolve("embeddings.sqlite"));
    assertThat(s.usesLlm()).isFalse();
  }

  @Test
  void jsonReadsTheSameAsYaml() {
    RunSpec s = parse("{\"name\": \"j\", \"neuron_sets\": [{\"name\": \"p\", \"puzzles\": \"builtin\"}], \"formats\": \"original,summary\"}");
    assertThat(s.formats()).containsExactly(PromptFormat.ORIGINAL, PromptFormat.SUMMARY);
  }

  @Test
  void mistakesNameTheFileTheFieldAndWhatToDo() {
    String sets = "neuron_sets: [{name: p, puzzles: builtin}]\n";
    assertThatThrownBy(() -> parse("name: x\n" + sets + "fromats: all\n")).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("run.yaml").hasMessageContaining("'fromats'").hasMessageContaining("formats");
    assertThatThrownBy(() -> parse(sets)).hasMessageContaining("'name' is missing");
    assertThatThrownBy(() -> parse("name: x\n" + sets + "formats: [summary, bold]\n")).hasMessageContaining("'formats'").hasMessageContaining("bold");
    assertThatThrownBy(() -> parse("name: x\n" + sets + "explainers: [gpt4]\n")).hasMessageContaining("'explainers[0]'").hasMessageContaining("PRESET:MODEL");
    assertThatThrownBy(() -> parse("name: x\n" + sets + "explainers: [acme:model]\n")).hasMessageContaining("unknown backend preset 'acme'");
    assertThatThrownBy(() -> parse("name: x\n" + sets + "explainers: [baseline, baseline-prompt-reader]\n")).hasMessageContaining("lists a backend twice");
    assertThatThrownBy(() -> parse("name: x\n" + sets + "simulators: [baseline-explainer]\n")).hasMessageContaining("the offline simulator is 'baseline'");
    assertThatThrownBy(() -> parse("name: x\n" + sets + "simulators: [{method: chat-logprobs}]\n")).hasMessageContaining("needs a model");
    assertThatThrownBy(() -> parse("name: x\n" + sets + "simulators: [{llm: 'vllm:m', method: guess}]\n")).hasMessageContaining("'simulators[0].method'");
    assertThatThrownBy(() -> parse("name: x\n" + sets + "evaluations: [similarity]\n")).hasMessageContaining("no neuron set has 'references'");
    assertThatThrownBy(() -> parse("name: x\nneuron_sets: [{name: r, records: recs}]\nevaluations: [puzzles]\n")).hasMessageContaining("no neuron set is a puzzle set");
    assertThatThrownBy(() -> parse("name: x\nneuron_sets: [{name: r, records: recs, puzzles: builtin}]\n")).hasMessageContaining("exactly one of 'records'");
    assertThatThrownBy(() -> parse("name: x\nneuron_sets: [{name: r, records: recs, neurons: [5-131]}]\n")).hasMessageContaining("LAYER:NEURON");
    assertThatThrownBy(() -> parse("name: x\nneuron_sets: [{name: a, puzzles: builtin}, {name: a, puzzles: builtin}]\n")).hasMessageContaining("used by two sets");
    assertThatThrownBy(() -> parse("name: x\n" + sets + "samples: 0\n")).hasMessageContaining("'samples'");
    assertThatThrownBy(() -> parse("name: x\n" + sets + "budget_usd: -1\n")).hasMessageContaining("'budget_usd'");
    assertThatThrownBy(() -> parse("name: x\n" + sets + "embeddings: baseline\n")).hasMessageContaining("minilm or PRESET:MODEL");
    assertThatThrownBy(() -> parse("name: [x\n")).hasMessageContaining("not valid YAML or JSON");
  }

  @Test
  void theShippedExampleRunFilesAreValid() {
    RunSpec offline = RunSpec.read(Path.of("docs/examples/offline.yaml"));
    assertThat(offline.usesLlm()).isFalse();
    assertThat(offline.sets()).hasSize(2);
    RunSpec paper = RunSpec.read(Path.of("docs/examples/paper-gpt2xl.yaml"));
    assertThat(paper.explainers()).extracting(Backend::label).containsExactly("openai:gpt-3.5-turbo");
    assertThat(paper.simulators()).extracting(RunSpec.SimulatorChoice::label).containsExactly("all-at-once:vllm:meta-llama/Llama-3.1-8B");
    assertThat(paper.embeddings().label()).isEqualTo("openai:text-embedding-ada-002");
    assertThat(paper.evaluations()).containsExactlyInAnyOrder(RunSpec.Evaluation.SIMULATE_SCORE, RunSpec.Evaluation.SIMILARITY, RunSpec.Evaluation.PUZZLES);
  }

  @Test
  void theDemoRunFileIsValid() {
    String text = Demo.runFile("demo", List.of("0:37", "1:18"), List.of("1:37", "0:18"), Optional.empty(), Optional.empty());
    RunSpec s = RunSpec.parse(text, "demo.yaml", dir, dir.resolve("x"));
    assertThat(s.store()).isEqualTo(dir.resolve("demo"));
    assertThat(s.sets()).extracting(RunSpec.NeuronSet::name).containsExactly("planted", "controls", "puzzles");
    assertThat(((RunSpec.RecordSet) s.sets().get(0)).references()).contains(dir.resolve("model/planted.json"));
    assertThat(s.usesLlm()).isFalse();
    RunSpec llm = RunSpec.parse(Demo.runFile("demo-llm", List.of("0:37"), List.of(), Optional.of(Backend.parse("openai:gpt-4o-mini")), Optional.of(2.5)),
        "demo-llm.yaml", dir, dir);
    assertThat(llm.simulators()).extracting(RunSpec.SimulatorChoice::label).containsExactly("chat-logprobs:openai:gpt-4o-mini");
    assertThat(llm.budgetUsd()).hasValue(2.5);
  }

  @Test
  void overridesKeepEverythingElse() {
    RunSpec s = parse("name: x\nneuron_sets: [{name: p, puzzles: builtin}]\n");
    RunSpec t = s.withStore(dir.resolve("elsewhere")).withBudget(java.util.OptionalDouble.of(3));
    assertThat(t.store()).isEqualTo(dir.resolve("elsewhere"));
    assertThat(t.embeddings().cache()).isEqualTo(dir.resolve("elsewhere").resolve("embeddings.sqlite"));
    assertThat(t.budgetUsd()).hasValue(3);
    assertThat(t.sets()).isEqualTo(s.sets());
    assertThat(Backend.parse("baseline-explainer").label()).isEqualTo("baseline-explainer");
    assertThat(Backend.parse("Baseline").baseline()).isTrue();
    assertThat(Backend.parse("ollama:llama3.1:8b")).isEqualTo(new Backend(Optional.of(Preset.OLLAMA), "llama3.1:8b", Optional.empty(), Optional.empty()));
    assertThat(List.of(Backend.defaultMethod(Backend.parse("ollama:m")), Backend.defaultMethod(Backend.parse("llamacpp:m"))))
        .containsExactly("logprob-free", "all-at-once");
  }

  @Test
  void chatTemplateIsForLocalModelsAndResolvedBesideTheRunFile() throws Exception {
    Files.writeString(dir.resolve("t.jinja"), "{{ messages[0].content }}");
    String sets = "neuron_sets: [{name: p, puzzles: builtin}]\n";
    RunSpec s = parse("name: x\n" + sets + "explainers: [{llm: 'local:models/m.gguf', chat_template: t.jinja}]\n"
        + "simulators: [{llm: 'local:models/m.gguf', method: chat-logprobs, chat_template: t.jinja}]\n");
    assertThat(s.explainers().getFirst().chatTemplate()).contains(dir.resolve("t.jinja"));
    assertThat(s.simulators().getFirst().backend().chatTemplate()).contains(dir.resolve("t.jinja"));
    assertThat(parse("name: x\n" + sets + "explainers: ['local:m']\n").explainers().getFirst().chatTemplate()).isEmpty();
    assertThatThrownBy(() -> parse("name: x\n" + sets + "explainers: [{llm: 'vllm:m', chat_template: t.jinja}]\n"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("'explainers[0].chat_template'").hasMessageContaining("only for local:PATH");
    assertThatThrownBy(() -> parse("name: x\n" + sets + "explainers: [{llm: 'local:m', chat_template: missing.jinja}]\n"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("missing.jinja").hasMessageContaining("not a file");
  }
}
