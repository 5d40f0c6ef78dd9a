package dev.neuronscribe.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HtmlTest {
  @Test
  void escapesEveryCharacterThatMattersInTextAndAttributes() {
    assertThat(Html.escape("<img src=x onerror=alert(1)>")).isEqualTo("&lt;img src=x onerror=alert(1)&gt;");
    assertThat(Html.escape("\" onmouseover='x' & more")).isEqualTo("&quot; onmouseover=&#39;x&#39; &amp; more");
    assertThat(Html.escape("plain text")).isEqualTo("plain text");
    assertThat(Html.escape("")).isEmpty();
  }

  @Test
  void templatesEscapeTheirArgumentsButNotOtherMarkup() {
    Html inner = Html.html("<b>{}</b>", "<i>");
    assertThat(inner.markup()).isEqualTo("<b>&lt;i&gt;</b>");
    assertThat(Html.html("<p title=\"{}\">{}</p>", "a\"b", inner).markup()).isEqualTo("<p title=\"a&quot;b\"><b>&lt;i&gt;</b></p>");
    assertThat(Html.html("{} and {}", 3, 4L).markup()).isEqualTo("3 and 4");
  }

  @Test
  void aTemplateMustGetExactlyItsArguments() {
    assertThatThrownBy(() -> Html.html("{} {}", "one")).hasMessageContaining("more {} than arguments");
    assertThatThrownBy(() -> Html.html("{}", "one", "two")).hasMessageContaining("fewer {} than arguments");
    assertThatThrownBy(() -> Html.html("{}", (Object) null)).hasMessageContaining("null");
  }

  @Test
  void shadesFollowActivationOverMaximumAndIgnoreNegatives() {
    assertThat(Excerpts.step(3.0, 3.0)).isEqualTo(20);
    assertThat(Excerpts.step(1.5, 3.0)).isEqualTo(10);
    assertThat(Excerpts.step(-2.0, 3.0)).isZero();
    assertThat(Excerpts.step(5.0, 3.0)).isEqualTo(20);
    assertThat(Excerpts.step(1.0, 0.0)).isZero();
    var record = new dev.neuronscribe.activations.ActivationRecord(java.util.List.of(" a", "<b>", "\n"), new double[] {0.0, 2.0, -1.0});
    assertThat(Excerpts.excerpt(record, 2.0).markup())
        .isEqualTo("<span class=\"tok s0\" title=\"0.000\"> a</span><span class=\"tok s20\" title=\"2.000\">&lt;b&gt;</span>"
            + "<span class=\"tok s0 nl\" title=\"-1.000\">↵</span><br>");
  }
}
