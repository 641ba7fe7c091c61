"""Issue 2 §1: environment.yml (conda-forge) names the same packages, with the same lower bounds,
as pyproject.toml's dependencies and `test` extra — so conda users get what pip/uv users get."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]

# conda-forge names that differ from the PyPI ones.
CONDA_TO_PYPI = {"matplotlib-base": "matplotlib", "playwright-python": "playwright"}
# Not dependencies of partnerkit: the interpreter and the installer.
NOT_PACKAGES = {"python", "pip"}
_SPEC = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(.*?)\s*$")


def normalise(name: str) -> str:
    """PEP 503 name: lower case, runs of -_. become one dash."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_spec(spec: str) -> tuple[str, str]:
    """'psycopg[binary]>=3.2' or 'psycopg >=3.2' -> ('psycopg', '>=3.2'); extras are dropped."""
    m = _SPEC.match(spec.split(";")[0])
    if not m:
        raise ValueError(f"cannot read the requirement {spec!r}")
    name = normalise(m.group(1))
    return normalise(CONDA_TO_PYPI.get(name, name)), m.group(2).replace(" ", "")


def pyproject_requirements(pyproject: dict) -> dict[str, str]:
    project = pyproject["project"]
    specs = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    return dict(parse_spec(s) for s in specs)


def conda_requirements(env: dict) -> dict[str, str]:
    reqs: dict[str, str] = {}
    for entry in env["dependencies"]:
        specs = entry["pip"] if isinstance(entry, dict) else [entry]
        for spec in specs:
            if spec.startswith(("-", ".")):  # pip options and the project itself
                continue
            name, bound = parse_spec(spec)
            if name not in NOT_PACKAGES:
                reqs[name] = bound
    return reqs


def differences(pyproject: dict[str, str], conda: dict[str, str]) -> list[str]:
    """Human-readable differences between two {name: bound} maps (empty when in step)."""
    problems = [
        f"{n}{pyproject[n]} is in pyproject.toml but not in environment.yml"
        for n in sorted(pyproject.keys() - conda.keys())
    ]
    problems += [
        f"{n}{conda[n]} is in environment.yml but not in pyproject.toml"
        for n in sorted(conda.keys() - pyproject.keys())
    ]
    problems += [
        f"{n}: pyproject.toml says {pyproject[n] or '(any)'}, "
        f"environment.yml says {conda[n] or '(any)'}"
        for n in sorted(pyproject.keys() & conda.keys())
        if pyproject[n] != conda[n]
    ]
    return problems


def _load() -> tuple[dict[str, str], dict[str, str]]:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    return pyproject_requirements(pyproject), conda_requirements(env)


def test_environment_yml_names_the_same_packages_and_bounds_as_pyproject() -> None:
    pyproject, conda = _load()
    assert differences(pyproject, conda) == [], (
        "keep environment.yml in step with pyproject.toml (conda-forge names: see CONDA_TO_PYPI)"
    )


def test_environment_yml_uses_conda_forge_and_python_3_11() -> None:
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    assert "python =3.11" in env["dependencies"]


def test_a_package_missing_from_environment_yml_is_reported() -> None:
    pyproject = {"pandas": ">=2.2", "voila": ">=0.5.7"}
    conda = conda_requirements({"dependencies": ["python =3.11", "pip", "pandas >=2.2"]})
    assert differences(pyproject, conda) == [
        "voila>=0.5.7 is in pyproject.toml but not in environment.yml"
    ]


def test_an_extra_package_or_another_bound_in_environment_yml_is_reported() -> None:
    pyproject = {"matplotlib": ">=3.8"}
    conda = conda_requirements(
        {"dependencies": ["matplotlib-base >=3.9", {"pip": ["-e .", "left-over>=1"]}]}
    )
    assert differences(pyproject, conda) == [
        "left-over>=1 is in environment.yml but not in pyproject.toml",
        "matplotlib: pyproject.toml says >=3.8, environment.yml says >=3.9",
    ]


def test_names_are_compared_normalised_and_without_extras() -> None:
    assert parse_spec("psycopg[binary]>=3.2") == ("psycopg", ">=3.2")
    assert parse_spec("Dask[distributed] >=2024.8") == ("dask", ">=2024.8")
    assert parse_spec("pytest_timeout>=2.3") == ("pytest-timeout", ">=2.3")
    assert parse_spec("playwright-python >=1.45") == ("playwright", ">=1.45")
