package dev.neuronscribe.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronscribe.prompts.Message;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatTemplateTest {
  static String resource(String name) {
    try (InputStream in = ChatTemplateTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final List<Message> CONVERSATION = List.of(
      Message.system("You explain neurons."), Message.user("  Which tokens?  "), Message.assistant("Colours."), Message.user("And then?"));

  @Test
  void chatmlAddsADefaultSystemTurnAndOpensTheAssistantTurn() {
    ChatTemplate t = new ChatTemplate(resource("chatml.jinja"), "", "<|im_end|>");
    assertThat(t.render(List.of(Message.user("Hi")), true)).isEqualTo(
        "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
    assertThat(t.render(CONVERSATION, false)).isEqualTo(
        "<|im_start|>system\nYou explain neurons.<|im_end|>\n<|im_start|>user\n  Which tokens?  <|im_end|>\n"
            + "<|im_start|>assistant\nColours.<|im_end|>\n<|im_start|>user\nAnd then?<|im_end|>\n");
    assertThat(t.foldsSystem()).isFalse();
  }

  @Test
  void llama3TrimsContentsAndPutsBosOnceWithFiltersBindingTighterThanPlus() {
    ChatTemplate t = new ChatTemplate(resource("llama3.jinja"), "<|begin_of_text|>", "<|eot_id|>");
    assertThat(t.render(CONVERSATION, true)).isEqualTo("<|begin_of_text|>"
        + "<|start_header_id|>system<|end_header_id|>\n\nYou explain neurons.<|eot_id|>"
        + "<|start_header_id|>user<|end_header_id|>\n\nWhich tokens?<|eot_id|>"
        + "<|start_header_id|>assistant<|end_header_id|>\n\nColours.<|eot_id|>"
        + "<|start_header_id|>user<|end_header_id|>\n\nAnd then?<|eot_id|>"
        + "<|start_header_id|>assistant<|end_header_id|>\n\n");
  }

  @Test
  void gemmaRefusesASystemTurnSoItIsFoldedIntoTheFirstUserTurn() {
    ChatTemplate t = new ChatTemplate(resource("gemma.jinja"), "<bos>", "<eos>");
    assertThat(t.foldsSystem()).isTrue();
    assertThat(t.render(CONVERSATION, true)).isEqualTo("<bos>"
        + "<start_of_turn>user\nYou explain neurons.\n\n  Which tokens?<end_of_turn>\n"
        + "<start_of_turn>model\nColours.<end_of_turn>\n"
        + "<start_of_turn>user\nAnd then?<end_of_turn>\n"
        + "<start_of_turn>model\n");
  }

  @Test
  void raiseExceptionReportsTheTemplatesOwnMessage() {
    ChatTemplate t = new ChatTemplate(resource("gemma.jinja"), "<bos>", "<eos>");
    assertThatThrownBy(() -> t.render(List.of(Message.user("a"), Message.user("b")), true))
        .isInstanceOf(ChatTemplate.TemplateException.class)
        .hasMessage("the chat template refused the conversation: turns must go user, assistant, user, ...");
  }

  @Test
  void tojsonAndLoopVariablesWork() {
    ChatTemplate t = new ChatTemplate("{% for m in messages %}{{ loop.index }}/{{ loop.length }}{% if loop.last %}!{% endif %} {% endfor %}"
        + "{{ messages[0] | tojson }}", "", "");
    assertThat(t.render(List.of(Message.user("a \"q\""), Message.assistant("b")), false))
        .isEqualTo("1/2 2/2! {\"role\": \"user\", \"content\": \"a \\\"q\\\"\"}"); // json.dumps' separators, as transformers' tojson
  }

  @Test
  void whitespaceControlIsJinjasTrimAndLstripBlocks() {
    // What jinja2 gives with trim_blocks and lstrip_blocks (transformers' settings): only a tag alone on its line is left-stripped.
    ChatTemplate t = new ChatTemplate("A {% if messages %}B {% endif %} C\n  {% if messages %}\nD\n{% endif %}\nE", "", "");
    assertThat(t.render(List.of(Message.user("a")), false)).isEqualTo("A B  C\nD\nE");
  }

  @Test
  void aBrokenTemplateIsOneClearLine() {
    ChatTemplate t = new ChatTemplate("{% for m in messages %}{{ m.content }", "", "");
    assertThatThrownBy(() -> t.render(List.of(Message.user("a")), true))
        .isInstanceOf(ChatTemplate.TemplateException.class).hasMessageStartingWith("the chat template cannot be rendered");
  }
  // The expected files are jinja2 3.1.6's output in transformers' environment (tools/make_chat_template_fixtures.py,
  // which passes the same conversations); a byte of difference fails.
  @Test
  void pythonStringAndDictMethodsRenderAsPythonsJinjaRendersThem() {
    ChatTemplate t = new ChatTemplate(resource("python-methods.jinja"), "", "");
    List<Message> messages = List.of(
        Message.system("  You explain  neurons (briefly)!  "),
        Message.assistant("CALL: lookup(layer=3, unit=7, k=5)"),
        Message.user("<tool_response> top tokens: red, blue </tool_response>\n"),
        Message.user("thanks... what next?"));
    assertThat(t.render(messages, true)).isEqualTo(resource("python-methods.expected.txt"));
  }

  @Test
  void booleansNoneListsDictionariesAndTojsonPrintAsPythonsJinjaPrintsThem() {
    ChatTemplate t = new ChatTemplate(resource("python-values.jinja"), "", "");
    List<Message> messages = List.of(
        Message.system("You explain neurons."),
        Message.user("Which tokens? \"colours\" & it's"),
        Message.user("tab\tnew\nline\rdel\u007f ls\u2028 nbsp\u00a0 bel\u0007 zwj\u200d é 🍵"));
    String expected = resource("python-values.expected.txt");
    assertThat(expected).contains("literals: True False None", "tojson indent: {\n    \"type\"");
    String rendered = t.render(messages, true);
    assertThat(rendered).isEqualTo(expected);
    assertThat(rendered.getBytes(StandardCharsets.UTF_8)).isEqualTo(expected.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void floatsPrintAsPythonsRepr() {
    // Python's repr(float) for each (shortest round-trip digits, exponent form outside 1e-4 .. 1e16).
    String[][] cases = {{"1.0", "1.0"}, {"0.1", "0.1"}, {"1e16", "1e+16"}, {"1.5e-5", "1.5e-05"}, {"0.0001", "0.0001"},
        {"123456789012345.6", "123456789012345.6"}, {"1e22", "1e+22"}, {"-2.5e-300", "-2.5e-300"}, {"9999999999999998.0", "9999999999999998.0"},
        {"-0.0", "-0.0"}, {"5e-324", "5e-324"}, {"1.7976931348623157e308", "1.7976931348623157e+308"}};
    for (String[] c : cases) assertThat(PythonValues.floatRepr(Double.parseDouble(c[0]))).as(c[0]).isEqualTo(c[1]);
    assertThat(PythonValues.floatRepr(Double.NaN)).isEqualTo("nan");
    assertThat(PythonValues.floatRepr(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
  }

  @Test
  void pythonStringMethodsKeepPythonsEdgeCases() {
    // Each expected value is jinja2 3.1.6's output for the same expression.
    String[][] cases = {
        {"'  a  b c  '.split()", "['a', 'b', 'c']"},
        {"'  a  b c  '.split(None, 1)", "['a', 'b c  ']"},
        {"'  a  b c  '.rsplit(None, 1)", "['  a  b', 'c']"},
        {"'a,b,,c,'.split(',')", "['a', 'b', '', 'c', '']"},
        {"'a.b.c'.split('.')", "['a', 'b', 'c']"},
        {"'a,b,,c,'.rsplit(',', 2)", "['a,b,', 'c', '']"},
        {"'banana'.replace('a', 'o', 2)", "bonona"},
        {"'ab'.replace('', '-')", "-a-b-"},
        {"\"they're bill's 1st\".title()", "They'Re Bill'S 1St"},
        {"'xxhixx'.strip('x')", "hi"},
        {"'banana'.count('')", "7"},
        {"'banana'.count('an', 2)", "1"},
        {"'banana'.find('an', 2)", "3"},
        {"'banana'.rfind('an')", "3"},
        {"'banana'.index('n')", "2"},
        {"'\u00a0hi\u3000'.strip()|length", "2"},
        {"'-'.join('abc')", "a-b-c"},
        {"'Hi There'.capitalize()", "Hi there"},
        {"'banana'.startswith(('x', 'ba'))", "True"},
        {"'banana'.endswith('an', 0, -1)", "True"},
        {"'banana'.endswith('an')", "False"},
        {"'  '.isspace()", "True"},
    };
    for (String[] c : cases) {
      ChatTemplate t = new ChatTemplate("{{ " + c[0] + " }}", "", "");
      assertThat(t.render(List.of(Message.user("u")), false)).as(c[0]).isEqualTo(c[1]);
    }
  }

  @Test
  void aPythonMethodCalledWrongSaysWhatIsWrongInALine() {
    ChatTemplate t = new ChatTemplate("{{ ', '.join([1, 2]) }}", "", "");
    assertThatThrownBy(() -> t.render(List.of(Message.user("u")), false))
        .isInstanceOf(ChatTemplate.TemplateException.class).hasMessageContaining("str.join: item 0 is a number, not a string");
    ChatTemplate count = new ChatTemplate("{{ 'a b'.split(' ', 'x') }}", "", "");
    assertThatThrownBy(() -> count.render(List.of(Message.user("u")), false))
        .isInstanceOf(ChatTemplate.TemplateException.class).hasMessageContaining("str.split: expected a number, got a string");
  }
}
