"""The shape of the code, kept by tests: no import cycle in the package, and no module, test or
benchmark that reaches a private name of another module (a private name may change without notice;
what others need is given a public one)."""

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "extractor"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """The extractor modules a file imports, at any depth (imports inside functions count: they
    cycle at run time all the same)."""
    found = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):  # imports for type checkers only never run
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            node.body = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name.startswith("extractor")}


def with_packages(name: str, imported: set[str], modules: dict) -> set[str]:
    """What importing `imported` runs: a module of a package this module is not in also runs that
    package's __init__ (which may import this module back: the cycle Python reports as a partially
    initialised module)."""
    out = set(imported)
    for target in imported:
        parts = target.split(".")
        for k in range(2, len(parts)):
            package = ".".join(parts[:k])
            if package in modules and not name.startswith(package + "."):
                out.add(package)
    return out


def test_no_import_cycle():
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    # a module naming its own package (`from extractor.readers import docx_reader` inside readers) finds
    # it initialised or initialising: that edge never runs an __init__, so it is left out
    graph = {name: {m for m in with_packages(name, imports(path), modules)
                    if m in modules and m != name and not name.startswith(m + ".")}
             for name, path in modules.items()}
    cycles, state = [], {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def is_private(name: str) -> bool:
    """A leading underscore, except gettext's `_` and dunders such as `__version__`."""
    return name.startswith("_") and name != "_" and not name.startswith("__")


def private_uses(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases = {}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("extractor"):
            found += [f"{node.module}.{a.name}" for a in node.names if is_private(a.name)]
            aliases |= {a.asname or a.name: node.module for a in node.names}
        elif isinstance(node, ast.Import):
            aliases |= {(a.asname or a.name).split(".")[0]: a.name for a in node.names
                        if a.name.startswith("extractor")}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and is_private(node.attr)
                and isinstance(node.value, ast.Name) and node.value.id in aliases):
            found.append(f"{node.value.id}.{node.attr}")
    return found


def test_no_module_test_or_benchmark_uses_a_private_name_of_another_module():
    files = [*sorted(PACKAGE.rglob("*.py")), *sorted((ROOT / "tests").glob("*.py")),
             *sorted((ROOT / "benchmarks").glob("*.py"))]
    found = {path.name: uses for path in files if (uses := private_uses(path))}
    assert found == {}


def test_the_readme_map_names_every_module():
    """README's "What is where" is how a newcomer finds the code: every module must be on it (by
    its name in backticks, as `name.py`, `name` or `package/name.py`)."""
    import re

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## What is where")
    end = text.find("\n## ", start + 1)
    section = text[start:end if end > 0 else len(text)]
    named = set(re.findall(r"`(?:[\w./]*/)?(\w+)(?:\.py)?[`.(]", section))
    modules = {p.stem for p in PACKAGE.rglob("*.py") if p.stem not in ("__init__", "__main__")}
    assert sorted(modules - named) == []
