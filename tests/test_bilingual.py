"""Every response exists in French and in English; the domain's slots are the rules core's facts."""
import yaml

from actions.messages import messages
from actions.slots import FACT_SLOTS

DOMAIN = yaml.safe_load(open("domain.yml", encoding="utf-8"))


def test_every_domain_response_has_a_french_and_an_english_variation():
    for name, variations in DOMAIN["responses"].items():
        languages = sorted(c["value"] for v in variations for c in v.get("condition", []) if c["name"] == "language")
        assert languages == ["en", "fr"], name
        assert all(v.get("text") for v in variations), name


def test_every_action_message_has_a_french_and_an_english_text_with_the_same_placeholders():
    import re

    for key, entry in messages().items():
        assert entry.get("fr") and entry.get("en"), key
        assert set(re.findall(r"{(\w+)}", entry["fr"])) == set(re.findall(r"{(\w+)}", entry["en"])), key
        if "buttons" in entry:
            assert set(entry["buttons"]) == {"fr", "en"}, key


def test_the_domain_has_one_slot_per_rules_core_fact():
    assert set(FACT_SLOTS) <= set(DOMAIN["slots"])
    conversation_slots = set(DOMAIN["slots"]) - set(FACT_SLOTS)
    assert conversation_slots == {"language", "question", "requested_fact", "input_problems", "handoff_offered",
                                  "handoff_reason", "failures", "last_decision", "fact_not_known", "unknown_facts"}


def test_the_intent_catalogue_is_in_the_domain_under_its_fixed_names():
    catalogue = {"ask_obligation", "ask_exemption", "ask_departure_semester", "ask_application", "ask_funding",
                 "ask_learning_agreement", "ask_credit_conversion", "ask_validation", "ask_interruption",
                 "ask_extension", "ask_cancellation", "ask_fees", "ask_language_test", "ask_mobility_count",
                 "ask_visa", "ask_deadlines", "faq", "greet", "goodbye", "thank", "affirm", "deny", "bot_challenge",
                 "help", "inform", "request_human", "out_of_scope"}
    assert catalogue <= set(DOMAIN["intents"])
    assert set(DOMAIN["entities"]) >= {"level", "semester", "mobility_type", "location", "date", "number"}


def test_every_text_of_the_adapter_and_the_desk_has_french_and_english_with_the_same_placeholders():
    import re

    from bot.texts import TEXTS_FILE

    def leaves(tree, path=()):
        if isinstance(tree, dict) and not {"fr", "en"} & set(tree):
            for key, sub in tree.items():
                yield from leaves(sub, path + (key,))
        else:
            yield ".".join(path), tree

    entries = list(leaves(yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))))
    assert len(entries) > 40
    for key, entry in entries:
        assert isinstance(entry, dict) and set(entry) == {"fr", "en"}, key
        assert entry["fr"] and entry["en"], key
        assert set(re.findall(r"{(\w+)}", entry["fr"])) == set(re.findall(r"{(\w+)}", entry["en"])), key
