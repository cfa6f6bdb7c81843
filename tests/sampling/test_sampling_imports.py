"""The sampling package stays a pure library: no Flask, SQLAlchemy or the app's ``survey``."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import sampling

FORBIDDEN = ("flask", "sqlalchemy", "survey")
PACKAGE = Path(sampling.__file__).parent


def is_forbidden(name: str) -> bool:
    return any(name == root or name.startswith(root + ".") for root in FORBIDDEN)


def test_source_imports_nothing_forbidden():
    for path in sorted(PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            assert not any(is_forbidden(name) for name in names), (path.name, names)


def test_importing_every_module_loads_nothing_forbidden():
    code = (
        "import sys\n"
        "import sampling, sampling.coordination, sampling.designs, sampling.estimate\n"
        "import sampling.rates, sampling.size\n"
        "print('\\n'.join(sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PACKAGE.parent
    )
    loaded = result.stdout.split()
    assert "sampling.estimate" in loaded
    assert not [name for name in loaded if is_forbidden(name)]


def test_importing_the_package_is_light():
    code = "import sys, sampling; print(sampling.__version__, 'numpy' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PACKAGE.parent
    )
    version, numpy_loaded = result.stdout.split()
    assert version == sampling.__version__ and numpy_loaded == "False"
    assert isinstance(sampling.__version__, str) and sampling.__version__.count(".") == 2
