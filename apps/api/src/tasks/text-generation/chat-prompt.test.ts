import { describe, expect, it } from "vitest";
import { chatPrompt } from "./chat-prompt";
import type { GenerationSettings } from "./generation-settings";

// A ChatML template as Qwen's and many others' tokenizer_config.json carry it.
const CHATML =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
// Llama-2's, with the BOS token and the system message folded into the first user turn.
const LLAMA2 =
  "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}{% set system_message = false %}{% endif %}{% for message in loop_messages %}{% if loop.index0 == 0 and system_message != false %}{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}{% else %}{% set content = message['content'] %}{% endif %}{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}";

const settings = (chatTemplate: string | null): GenerationSettings =>
  ({ chatTemplate, bosToken: "<s>", eosToken: "</s>" }) as GenerationSettings;

describe("chat prompts", () => {
  it("happy: a ChatML template renders the messages and opens the assistant's turn", () => {
    expect(
      chatPrompt(settings(CHATML), [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi" },
      ]),
    ).toBe("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
  });

  it("happy: Llama-2's template gets the BOS and EOS tokens of the tokenizer_config", () => {
    expect(
      chatPrompt(settings(LLAMA2), [
        { role: "system", content: "S" },
        { role: "user", content: "Q1" },
        { role: "assistant", content: "A1" },
        { role: "user", content: "Q2" },
      ]),
    ).toBe("<s>[INST] <<SYS>>\nS\n<</SYS>>\n\nQ1 [/INST] A1 </s><s>[INST] Q2 [/INST]");
  });

  it("happy: without a template, role: content lines and an open assistant turn", () => {
    expect(chatPrompt(settings(null), [{ role: "user", content: "Hi" }])).toBe("user: Hi\nassistant:");
  });

  it("error: no messages, or a template that fails on them, is BAD_USER_INPUT naming messages", () => {
    expect(() => chatPrompt(settings(CHATML), [])).toThrow(/at least one message/);
    const broken = "{{ raise_exception('Conversation roles must alternate') }}";
    expect(() => chatPrompt(settings(broken), [{ role: "user", content: "x" }])).toThrow(
      expect.objectContaining({ code: "BAD_USER_INPUT", extensions: expect.objectContaining({ field: "messages" }) }),
    );
  });
});
