"""Every public function has a numpy-style docstring with an example; every public class and
public method has a docstring.

"Public" means listed in the ``__all__`` of a public module (no leading underscore anywhere in
its dotted path) and defined there. The examples themselves run as doctests with the suite.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import jnrisk


def _public_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(jnrisk.__path__, "jnrisk."):
        if any(part.startswith("_") for part in info.name.split(".")[1:]):
            continue
        names.append(info.name)
    return sorted(names)


def _public_objects() -> list[tuple[str, object]]:
    found = []
    for name in _public_modules():
        module = importlib.import_module(name)
        for attr in getattr(module, "__all__", []):
            obj = getattr(module, attr)
            if getattr(obj, "__module__", None) != name:
                continue  # re-exported; checked where it is defined
            if inspect.isfunction(obj) or inspect.isclass(obj):
                found.append((f"{name}.{attr}", obj))
    return found


def _public_methods(cls: type) -> list[tuple[str, object]]:
    methods = []
    for attr, member in vars(cls).items():
        if attr.startswith("_"):
            continue
        func = member.fget if isinstance(member, property) else getattr(member, "__func__", member)
        if inspect.isfunction(func):
            methods.append((attr, func))
    return methods


PUBLIC = _public_objects()


def test_public_api_is_found() -> None:
    assert len(PUBLIC) > 100


@pytest.mark.parametrize(
    ("qualname", "obj"), [p for p in PUBLIC if inspect.isfunction(p[1])], ids=lambda v: v if isinstance(v, str) else ""
)
def test_public_function_has_docstring_with_example(qualname: str, obj: object) -> None:
    doc = inspect.getdoc(obj) or ""
    assert doc, f"{qualname} has no docstring"
    assert "Examples\n--------" in doc and ">>>" in doc, (
        f"{qualname}: the docstring needs an 'Examples' section with a runnable '>>>' line"
    )


@pytest.mark.parametrize(
    ("qualname", "cls"), [p for p in PUBLIC if inspect.isclass(p[1])], ids=lambda v: v if isinstance(v, str) else ""
)
def test_public_class_and_methods_have_docstrings(qualname: str, cls: type) -> None:
    assert inspect.getdoc(cls), f"{qualname} has no docstring"
    undocumented = [m for m, f in _public_methods(cls) if not (f.__doc__ or "").strip()]
    assert not undocumented, f"{qualname}: public methods without a docstring: {undocumented}"
