"""With `enable_selective_domain`, Rasa sends the domain only to the actions that ask for it
(domain.yml: `send_domain: true`): an action that utters a domain response must ask for it, or it
finds no responses in production while a unit test handing it the whole domain passes."""
import inspect

import yaml

import actions.answer  # noqa: F401 - registers the actions
import actions.conversation  # noqa: F401
import actions.explain  # noqa: F401
import actions.handoff  # noqa: F401
import actions.session  # noqa: F401
from rasa_sdk import Action


def _all_actions(cls=Action):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_actions(sub)


def test_every_action_that_utters_a_domain_response_is_sent_the_domain():
    domain = yaml.safe_load(open("domain.yml", encoding="utf-8"))
    sent = {next(iter(a)) for a in domain["actions"] if isinstance(a, dict) and next(iter(a.values())).get("send_domain")}
    missing = []
    for action in _all_actions():
        if inspect.isabstract(action):
            continue
        source = inspect.getsource(action)
        if "utter(dispatcher, domain" in source and action().name() not in sent:
            missing.append(action().name())
    assert not missing, missing
