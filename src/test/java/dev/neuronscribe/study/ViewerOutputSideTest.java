package dev.neuronscribe.study;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronscribe.activations.ActivationRecord;
import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.NeuronRecord;
import dev.neuronscribe.subject.OutputTokens;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The neuron page shows the output side (logit lens) beside the excerpts when the server knows the model, escaped like all text. */
class ViewerOutputSideTest {
  private static final NeuronRecord RECORD = NeuronRecord.of(new NeuronId(0, 5), List.of(new ActivationRecord(List.of(" red"), new double[] {3})), List.of());

  @Test
  void theOutputSideCardListsPromotedAndSuppressedTokensWithTheirLogits() {
    OutputTokens.Neuron n = new OutputTokens.Neuron(0, 5,
        List.of(new OutputTokens.Token(2266, " red", 4.25), new OutputTokens.Token(1, "<b>", 1.5)),
        List.of(new OutputTokens.Token(4171, " blue", -3.0)));
    String page = ViewerPages.neuron(RECORD, List.of(), Optional.empty(), Optional.empty(), "neuron", Optional.of(n)).toString();
    assertThat(page).contains("Output side (logit lens)").contains("<code> red</code>").contains("+4.250").contains("-3.000")
        .contains("&lt;b&gt;").doesNotContain("<code><b></code>");
  }

  @Test
  void withoutAModelThereIsNoCard() {
    assertThat(ViewerPages.neuron(RECORD, List.of(), Optional.empty(), Optional.empty(), "neuron").toString()).doesNotContain("Output side");
  }
}
