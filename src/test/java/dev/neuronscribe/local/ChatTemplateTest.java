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
        .isEqualTo("1/2 2/2! {\"role\":\"user\",\"content\":\"a \\\"q\\\"\"}");
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
  @Test
  void pythonStringAndDictMethodsRenderAsPythonsJinjaRendersThem() {
    // Expected text is what jinja2 3.1.6 (trim_blocks, lstrip_blocks, as transformers renders) gives for the same template and messages.
    ChatTemplate t = new ChatTemplate(resource("python-methods.jinja"), "", "");
    List<Message> messages = List.of(
        Message.system("  You explain  neurons (briefly)!  "),
        Message.assistant("CALL: lookup(layer=3, unit=7, k=5)"),
        Message.user("<tool_response> top tokens: red, blue </tool_response>\n"),
        Message.user("thanks... what next?"));
    assertThat(t.render(messages, true)).isEqualTo("roles: system, user, assistant, tool = Setup/Asker/Helper/Tool Output\n"
        + "[Setup] You explain neurons (briefly) | 4 words, last Briefly)!\n"
        + "[HELPER] lookup(layer=3, unit=7, k=5) (3 args, first comma at 20, no 'zz' at -1)\n"
        + "[Tool Output] top tokens: red, blue\n"
        + "[Asker] thanks... what next? | 3 words, last Next?\n"
        + "legend: SYSTEM=setup USER=asker ASSISTANT=helper TOOL=tool output[Helper]");
  }

  @Test
  void pythonStringMethodsKeepPythonsEdgeCases() {
    // Each expected value is jinja2 3.1.6's output for the same expression (booleans tested through if, as Jinjava prints them in lower case).
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
        {"'yes' if 'banana'.startswith(('x', 'ba')) else 'no'", "yes"},
        {"'yes' if 'banana'.endswith('an', 0, -1) else 'no'", "yes"},
        {"'yes' if 'banana'.endswith('an') else 'no'", "no"},
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
