"""The package's import structure, read from the source with ``ast`` (nothing is imported).

Kept: no import circle among workbench's modules (counting imports inside functions too),
no internal import hidden inside a function to dodge one, and ``workbench.analysis`` and
``workbench.nlp`` stay leaves that import nothing else of workbench.
"""
from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "workbench"

# Internal modules that exist to wrap a heavy third-party library and so may be imported where
# it is first needed. None is left: the spaCy component imports spaCy lazily itself, and the
# charts module (which needs matplotlib's Figure) is what the analysis package loads lazily.
LAZY_WRAPPERS: set[tuple[str, str]] = set()
# The CLI imports a command's heavy machinery when that command runs, so ``workbench --help``
# and a typo answer at once: the workspace (spaCy's wrapper, the store, ingest, the report),
# the demo (the same) and the notebook runner and exporter (nbconvert, seconds to import).
CLI_LAZY = {"workbench.workspace", "workbench.demo", "workbench.notebook_run", "workbench.render.notebook_export"}
CLI_PACKAGE = "workbench.cli"
LEAVES = ("workbench.analysis", "workbench.nlp")


def _in_cli(module: str) -> bool:
    """Whether ``module`` is the CLI package or one of its command modules."""
    return module == CLI_PACKAGE or module.startswith(CLI_PACKAGE + ".")


def _modules(root: Path = PACKAGE) -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package (bundled data aside)."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        if {"_bundled", "data"} & set(path.relative_to(root).parts):
            continue
        parts = path.relative_to(root.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _type_checking_only(tree: ast.Module) -> set[int]:
    """Ids of the import nodes under a module-level ``if TYPE_CHECKING:`` (never run)."""
    skip: set[int] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    return skip


def _module_level(tree: ast.Module) -> set[int]:
    """Ids of the nodes that run when the module is imported (not inside a def or a class body's methods)."""
    found: set[int] = set()

    def visit(node: ast.AST) -> None:
        found.add(id(node))
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                visit(child)

    visit(tree)
    return found


def _targets(name: str, is_package: bool, node: ast.Import | ast.ImportFrom, modules: dict[str, Path]) -> set[str]:
    """The workbench modules one import statement loads (the nearest module for a name)."""
    if isinstance(node, ast.Import):
        wanted = [alias.name for alias in node.names]
    else:
        if node.level:
            package = name if is_package else name.rpartition(".")[0]
            base_parts = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join(base_parts + ([node.module] if node.module else []))
        else:
            base = node.module or ""
        wanted = [f"{base}.{alias.name}" for alias in node.names]
    found = set()
    for target in wanted:
        while target and target not in modules:
            target = target.rpartition(".")[0]
        if target.startswith("workbench") and target != name:
            found.add(target)
    return found


def import_graph(root: Path = PACKAGE) -> tuple[dict[str, set[str]], list[tuple[str, str, int]]]:
    """The internal import graph and the internal imports made inside functions.

    Returns:
        (module -> modules it imports at run time, [(module, imported module, line)] for
        imports inside a function). Imports under ``if TYPE_CHECKING:`` are left out: they
        never run, so they cannot close a circle.
    """
    modules = _modules(root)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    hidden: list[tuple[str, str, int]] = []
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        skip = _type_checking_only(tree)
        top = _module_level(tree)
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)) or id(node) in skip:
                continue
            for target in _targets(name, path.name == "__init__.py", node, modules):
                # a package's own submodule imported by its __init__ is not an edge back to it
                if name.startswith(target + "."):
                    continue
                graph[name].add(target)
                if id(node) not in top:
                    hidden.append((name, target, node.lineno))
    return graph, hidden


def _all_imports(root: Path = PACKAGE) -> list[tuple[str, str, int]]:
    """Every internal import, TYPE_CHECKING ones included: (module, imported module, line)."""
    modules = _modules(root)
    out = []
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                out += [(name, t, node.lineno) for t in _targets(name, path.name == "__init__.py", node, modules)]
    return out


def _circle(graph: dict[str, set[str]]) -> list[str] | None:
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as err:
        return list(err.args[1])
    return None


def test_the_reader_sees_the_whole_package():
    """A test that reads nothing proves nothing: the graph holds the modules and edges we know."""
    graph, _ = import_graph()
    assert len(graph) > 50
    assert "workbench.workspace.interchange" in graph["workbench.workspace._ach_read"]
    assert "workbench.workspace.ach" in graph["workbench.workspace.core"]
    assert "workbench.nlp._russian" in graph["workbench.nlp._pipeline"]


def test_no_import_circle():
    graph, _ = import_graph()
    circle = _circle(graph)
    assert circle is None, "import circle: " + " -> ".join(circle)


def test_no_internal_import_hidden_in_a_function():
    _, hidden = import_graph()
    bad = [f"{module}:{line} imports {target}" for module, target, line in hidden
           if (module, target) not in LAZY_WRAPPERS and not (_in_cli(module) and target in CLI_LAZY)]
    assert not bad, "move these imports to the top of the module (a circle? move the shared part down):\n" + \
        "\n".join(bad)


def test_the_allowed_lazy_imports_are_still_needed():
    """The allow-list shrinks with the code: an entry no longer used must go."""
    _, hidden = import_graph()
    found = {(module, target) for module, target, _ in hidden}
    assert LAZY_WRAPPERS <= found
    assert CLI_LAZY == {target for module, target in found if _in_cli(module)}


@pytest.mark.parametrize("leaf", LEAVES)
def test_leaves_import_nothing_else_of_workbench(leaf):
    wrong = [f"{module}:{line} imports {target}" for module, target, line in _all_imports()
             if (module == leaf or module.startswith(leaf + "."))
             and not (target == leaf or target.startswith(leaf + "."))]
    assert not wrong, f"{leaf} is a leaf:\n" + "\n".join(wrong)


def _write(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / "workbench" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "workbench"


def test_the_checks_catch_a_circle_a_hidden_import_and_a_leaf_that_reaches_up(tmp_path):
    """The same reader on a small package with each fault: each is found."""
    package = _write(tmp_path, {
        "__init__.py": "",
        "a.py": "from .b import x\n",
        "b.py": "def f():\n    from .a import y\n",                       # a circle, hidden in a function
        "c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .a import y\n",
        "analysis/__init__.py": "from ..c import z\n",                   # a leaf reaching up
    })
    graph, hidden = import_graph(package)
    assert sorted(_circle(graph)[:-1]) == ["workbench.a", "workbench.b"]
    assert hidden == [("workbench.b", "workbench.a", 2)]
    assert graph["workbench.c"] == set()                                  # TYPE_CHECKING never runs
    assert ("workbench.analysis", "workbench.c", 1) in _all_imports(package)


# -- render/ writes HTML from plain data only -------------------------------------------------
RENDER = "workbench.render"
# what render/ must never load, itself or through a workbench module it imports: the store and
# its SQL, the workspace (live objects), the widgets, and anywidget
RENDER_FORBIDDEN_INTERNAL = ("workbench.store", "workbench.workspace", "workbench.widgets")
RENDER_FORBIDDEN_EXTERNAL = ("sqlalchemy", "anywidget", "ipywidgets")


def _external_imports(path: Path) -> set[str]:
    """Top-level names of the non-workbench modules a file imports (TYPE_CHECKING ones aside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    skip = _type_checking_only(tree)
    found = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.add(node.module.split(".")[0])
    return found - {"workbench"}


def render_reaches(root: Path = PACKAGE) -> list[str]:
    """Each forbidden module a render module loads, directly or through other workbench modules.

    Returns:
        "render module -> … -> forbidden" lines (empty when render/ keeps to plain data).
    """
    modules = _modules(root)
    graph, _ = import_graph(root)
    wrong = []
    for start in sorted(m for m in graph if m == RENDER or m.startswith(RENDER + ".")):
        path_to = {start: [start]}
        queue = [start]
        while queue:
            module = queue.pop(0)
            for external in sorted(_external_imports(modules[module]) & set(RENDER_FORBIDDEN_EXTERNAL)):
                wrong.append(" -> ".join([*path_to[module], external]))
            for target in sorted(graph[module]):
                if target in path_to:
                    continue
                path_to[target] = [*path_to[module], target]
                if target.startswith(RENDER_FORBIDDEN_INTERNAL):
                    wrong.append(" -> ".join(path_to[target]))
                    continue
                queue.append(target)
    return wrong


def test_render_never_sees_the_store_the_workspace_or_a_widget():
    """render/ turns plain dicts into HTML: it imports no store, SQL, workspace, widget or anywidget."""
    wrong = render_reaches()
    assert not wrong, "render/ must work from plain data (gather in workspace/, build views in render/views.py):\n" + \
        "\n".join(wrong)


def test_the_render_check_catches_a_render_module_reaching_the_store(tmp_path):
    """The same check on a small package: SQL reached directly and through a helper are both found."""
    package = _write(tmp_path, {
        "__init__.py": "",
        "store/__init__.py": "import sqlalchemy\n",
        "helper.py": "from sqlalchemy import select\n",
        "render/__init__.py": "",
        "render/ok.py": "from html import escape\nfrom ..nlp import x\n",
        "render/direct.py": "from ..store import y\n",
        "render/sql.py": "import sqlalchemy.orm\n",
        "render/indirect.py": "from ..helper import z\n",
        "render/widget.py": "import anywidget\n",
        "nlp/__init__.py": "",
    })
    wrong = render_reaches(package)
    assert wrong == ["workbench.render.direct -> workbench.store",
                     "workbench.render.indirect -> workbench.helper -> sqlalchemy",
                     "workbench.render.sql -> sqlalchemy",
                     "workbench.render.widget -> anywidget"]


# -- SQL lives in store/ ------------------------------------------------------------------------
STORE = "workbench.store"
# Modules outside store/ that still import SQLAlchemy (TYPE_CHECKING imports aside). The list
# only shrinks: a new entry fails ``test_sql_stays_in_the_store``, a stale one fails
# ``test_the_sql_allow_list_is_still_needed``.
SQL_OUTSIDE_STORE: set[str] = {
    "workbench.cli._errors",   # tells a database error from others (DBAPIError) to print one line
}
# Outside store/, only these modules may hold the tables themselves (the rest name them).
SCHEMA_OUTSIDE_STORE: set[str] = {
    "workbench.check",         # walks every foreign key of the schema to check it by query
}


def sql_outside_store(root: Path = PACKAGE) -> dict[str, set[str]]:
    """Each module outside store/ that imports SQLAlchemy or the store's schema at run time.

    Returns:
        module -> {"sqlalchemy", "workbench.store.schema"} (the ones it imports).
    """
    modules = _modules(root)
    schema = STORE + ".schema"
    found: dict[str, set[str]] = {}
    for name, path in modules.items():
        if name == STORE or name.startswith(STORE + "."):
            continue
        reached = _external_imports(path) & {"sqlalchemy"}
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        skip = _type_checking_only(tree)
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)) and id(node) not in skip:
                if schema in _targets(name, path.name == "__init__.py", node, modules):
                    reached.add(schema)
        if reached:
            found[name] = reached
    return found


def test_sql_stays_in_the_store():
    """Every SQL query is a store repository function: no other module imports SQLAlchemy or
    holds the tables, except the allow-listed ones."""
    found = sql_outside_store()
    wrong = sorted(f"{module} imports {', '.join(sorted(what))}" for module, what in found.items()
                   if ("sqlalchemy" in what and module not in SQL_OUTSIDE_STORE)
                   or (STORE + ".schema" in what and module not in SCHEMA_OUTSIDE_STORE))
    assert not wrong, "move the query into a repository module of workbench/store/:\n" + "\n".join(wrong)


def test_the_sql_allow_list_is_still_needed():
    """The allow-lists shrink with the code: an entry that no longer imports what it is listed for must go."""
    found = sql_outside_store()
    assert SQL_OUTSIDE_STORE == {m for m, what in found.items() if "sqlalchemy" in what}
    assert SCHEMA_OUTSIDE_STORE == {m for m, what in found.items() if STORE + ".schema" in what}


def test_the_sql_check_catches_a_query_outside_the_store(tmp_path):
    """The same check on a small package: SQLAlchemy and the schema imported outside store/ are
    found, inside store/ or under TYPE_CHECKING they are not."""
    package = _write(tmp_path, {
        "__init__.py": "",
        "store/__init__.py": "import sqlalchemy\n",
        "store/schema.py": "from sqlalchemy import Table\n",
        "store/articles.py": "from sqlalchemy import select\nfrom . import schema as s\n",
        "workspace/__init__.py": "",
        "workspace/typed.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from sqlalchemy import Connection\n",
        "workspace/sql.py": "from sqlalchemy import select\n",
        "workspace/tables.py": "from ..store import schema as s\n",
        "workspace/clean.py": "from ..store.articles import x\n",
    })
    assert sql_outside_store(package) == {"workbench.workspace.sql": {"sqlalchemy"},
                                          "workbench.workspace.tables": {"workbench.store.schema"}}
