"""Rasa checks every answer of the action server against its JSON schema
(`RemoteAction._validate_action_result` → `jsonschema.validate`). `jsonschema.validate` first checks
the *schema itself* against the JSON-schema metaschema, then builds a validator, on every call: on
this machine ~15 ms per answer, a quarter of a turn, for a schema that is a constant of Rasa's code.

Rasa 3.6 has no setting or hook for this (its pluggy hooks are loaded only from the enterprise
`rasa_plus` package), so `install()` replaces that one method with one that does exactly what
`jsonschema.validate` does — same schema (Rasa's `action_response_format_spec()`), same validator
class (`validator_for` the schema), same first-best error (`best_match`), the same message Rasa
adds — with the schema checked and the validator built once per process. Every answer is still
validated. `deploy/rasa_run.py`, the one launcher of every Rasa server, calls it.
"""
from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
from typing import Any, Dict, Optional

_validator: Optional[Any] = None


def action_response_validator() -> Any:
    """The validator of Rasa's action-response schema, its schema checked once against the metaschema."""
    global _validator
    if _validator is None:
        from jsonschema.validators import validator_for
        from rasa.core.actions.action import RemoteAction

        schema = RemoteAction.action_response_format_spec()
        cls = validator_for(schema)
        cls.check_schema(schema)  # what jsonschema.validate does first, on every call
        _validator = cls(schema)
    return _validator


def validate_action_result(self: Any, result: Dict[str, Any]) -> bool:
    """`RemoteAction._validate_action_result` of Rasa 3.6.21 with the validator built once."""
    from jsonschema import exceptions

    from rasa.shared.constants import DOCS_BASE_URL

    error = exceptions.best_match(action_response_validator().iter_errors(result))
    if error is not None:
        error.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


def install() -> None:
    """Makes every `RemoteAction` of this process check answers with the validator built once."""
    from rasa.core.actions.action import RemoteAction

    RemoteAction._validate_action_result = validate_action_result


_TARGET = "rasa.core.actions.action"


class _InstallAfterImport(importlib.abc.MetaPathFinder):
    """Installs the check when Rasa imports its actions module. Importing that module here, before
    `rasa` has set up logging and TensorFlow's environment, would import TensorFlow before them."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Optional[importlib.machinery.ModuleSpec]:
        if name != _TARGET:
            return None
        sys.meta_path.remove(self)  # once, and without finding itself again
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        run_module = spec.loader.exec_module

        def exec_then_install(module: Any) -> None:
            run_module(module)
            install()

        spec.loader.exec_module = exec_then_install  # type: ignore[method-assign]
        return spec


def install_when_imported() -> None:
    """`install()` now if Rasa's actions module is loaded, else right after Rasa imports it."""
    if _TARGET in sys.modules:
        install()
    elif not any(isinstance(finder, _InstallAfterImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _InstallAfterImport())
