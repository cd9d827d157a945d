"""The dependency rule of the house style: the domain imports nothing from projections or
gateways, and projections import nothing from gateways. Checked on the source, so a violation
fails here before it shows up as a tangle."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FORBIDDEN = {
    # The domain is the regulation and its use cases: threads, databases and serialisation
    # are the store adapter's (gateways/persistence), never the domain's.
    "domain": ("projections", "gateways", "threading", "psycopg", "sqlite3", "pickle"),
    "projections": ("gateways",),
}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_imports_nothing_from_the_layers_outside_it(layer: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) & set(FORBIDDEN[layer]))
        for path in sorted((ROOT / layer).rglob("*.py"))
    }
    assert {k: v for k, v in offenders.items() if v} == {}


# ``xinfang bench`` is a tool beside the product: it imports the product, never the reverse
# (the CLI finds it through the ``xinfang.tools`` entry point, without naming it).
BENCH = "gateways.bench"
MODULE_PATH = re.compile(r"gateways\.bench(?:\.\w+)*")


def bench_references(path: Path, package: str | None = None) -> set[str]:
    """The imports of the bench in ``path`` (a module of ``package``), static ones and module
    names in strings (``importlib.import_module``, ``python -c "from gateways.bench …"``)."""
    if package is None:
        package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([base] if base else [])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value.strip()
            if MODULE_PATH.fullmatch(text.partition(":")[0]):
                found.add(text.partition(":")[0])
            found.update(re.findall(rf"(?:from|import) ({MODULE_PATH.pattern})", text))
    return {name for name in found if name == BENCH or name.startswith(f"{BENCH}.")}


def test_nothing_of_the_product_imports_the_bench() -> None:
    bench = ROOT / "gateways" / "bench"
    product = [
        path
        for layer in ("domain", "projections", "gateways")
        for path in sorted((ROOT / layer).rglob("*.py"))
        if bench not in path.parents
    ]
    offenders = {str(p.relative_to(ROOT)): sorted(bench_references(p)) for p in product}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_check_sees_an_import_of_the_bench(tmp_path: Path) -> None:
    module = tmp_path / "probe.py"
    sources = [
        "from gateways.bench.report import Block",
        "import gateways.bench.command",
        "from gateways import bench",
        "from .. import bench",
        "importlib.import_module('gateways.bench.command')",
        "run(['python', '-c', 'from gateways.bench.relay import load_main'])",
    ]
    for source in sources:
        module.write_text(source + "\n", encoding="utf-8")
        assert bench_references(module, package="gateways.commands"), source
    module.write_text('"""Its figures: gateways.bench.relay."""\nimport gateways.benches\n')
    assert not bench_references(module, package="gateways.commands")
