#!/usr/bin/env python3
"""Writes what Python's Jinja prints for NeuronScribe's test chat templates (src/test/resources/dev/neuronscribe/local/).

For each NAME.jinja below, NAME.expected.txt is the template rendered by transformers' own chat-template environment
(transformers.utils.chat_template_utils._compile_jinja_template: jinja2's ImmutableSandboxedEnvironment with
trim_blocks and lstrip_blocks, transformers' tojson, raise_exception and strftime_now) for the conversation listed
here, add_generation_prompt=True and empty bos/eos tokens, exactly as ChatTemplateTest renders it with Jinjava.
The test asserts byte equality, so any value Jinjava prints its own way (true, null, [a]) shows up as a difference.

  python-methods  Python's str and dict methods (strip, split, startswith, join, get, items, ...)
  python-values   booleans, None, numbers, strings, lists and dictionaries printed, and tojson's options

Usage: /work/venv/bin/python tools/make_chat_template_fixtures.py   (jinja2 3.1.6 and transformers)
"""
import os

import jinja2
from transformers.utils.chat_template_utils import _compile_jinja_template

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "dev", "neuronscribe", "local")

# The conversations ChatTemplateTest passes for each template (keep the two in step).
CONVERSATIONS = {
    "python-methods": [
        {"role": "system", "content": "  You explain  neurons (briefly)!  "},
        {"role": "assistant", "content": "CALL: lookup(layer=3, unit=7, k=5)"},
        {"role": "user", "content": "<tool_response> top tokens: red, blue </tool_response>\n"},
        {"role": "user", "content": "thanks... what next?"},
    ],
    "python-values": [
        {"role": "system", "content": "You explain neurons."},
        {"role": "user", "content": "Which tokens? \"colours\" & it's"},
        {"role": "user", "content": "tab\tnew\nline\rdel\x7f ls\u2028 nbsp\xa0 bel\x07 zwj\u200d é 🍵"},
    ],
}


def main():
    assert jinja2.__version__ == "3.1.6", "the fixtures are jinja2 3.1.6's output; found " + jinja2.__version__
    for name, messages in CONVERSATIONS.items():
        with open(os.path.join(HERE, name + ".jinja"), encoding="utf-8") as f:
            template = _compile_jinja_template(f.read())
        text = template.render(messages=messages, add_generation_prompt=True, bos_token="", eos_token="")
        out = os.path.join(HERE, name + ".expected.txt")
        with open(out + ".tmp", "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(out + ".tmp", out)
        print("wrote", os.path.relpath(out), len(text.encode("utf-8")), "bytes")


if __name__ == "__main__":
    main()
