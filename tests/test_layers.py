"""The apps' layers, bottom to top, and a check that no import points up:

    ground        registry (divisions, organisations, users, scoping, auth, history, generations,
                  periods, uploads, the Excel framework)
    deliverables  registry/deliverables (the 成果台账 records)
    cases         the assign–track–close workflow and its ledger
    projects      major projects and their monthly reports (a lagging report opens a case)
    pairing       the "1+3" pairing's loop: task lists, enclaves, visits, quarterly results, evaluation
    rollups       the board, roll-ups, snapshots and bulletins
    monitoring    outcome monitoring: the 城乡一体融合高质量发展指数, quarterly key indicators, annual evaluation
                  (reads the roll-ups for the evaluation's closure rate and project completion)
    config, bench wiring and measurement, on top

A module may import its own layer and those below. Every import counts — at module level or inside a
function, absolute or relative — and so do dotted paths written as strings (import_string, settings
names) and apps.get_model() with another app's label, the usual ways round the rule. The exceptions
are registration hooks, each listed in ALLOWED with its reason.
"""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LAYERS = ["ground", "deliverables", "cases", "projects", "pairing", "rollups", "monitoring", "top"]
# The top-level package of each app, which is also its app label.
APP_LABEL_LAYER = {
    "registry": "ground", "cases": "cases", "projects": "projects", "pairing": "pairing", "rollups": "rollups",
    "monitoring": "monitoring",
}
PACKAGES = ["registry", "cases", "projects", "pairing", "rollups", "monitoring", "config", "bench"]

# (importing module, imported module prefix): why the lower layer may name the higher one.
ALLOWED = {
    # The registry app (one label, two layers) registers its deliverables package's models under the
    # label `registry` (Django imports `registry.models` only) and starts it from its AppConfig.
    ("registry.models", "registry.deliverables.models"): "model registration for the shared app label",
    ("registry.apps", "registry.deliverables"): "the registry app's start-up calls deliverables.ready()",
}


def _deliverable_models() -> set[str]:
    """The deliverables' model names re-exported by registry.models (lower-cased): importing them from
    there, or naming them as "registry.<Model>", is reaching the deliverables layer all the same."""
    tree = ast.parse((ROOT / "registry" / "models" / "__init__.py").read_text(encoding="utf-8"))
    return {
        alias.name.lower()
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module == "registry.deliverables.models"
        for alias in node.names
    }


DELIVERABLE_MODELS = _deliverable_models()


def layer_of(module: str) -> str | None:
    """The layer a dotted module name belongs to, or None for anything outside the project."""
    parts = module.split(".")
    top = parts[0]
    if top in ("config", "bench"):
        return "top"
    if module == "registry.deliverables" or module.startswith("registry.deliverables."):
        return "deliverables"
    if parts[:-1] in (["registry", "models"], ["registry"]) and parts[-1].lower() in DELIVERABLE_MODELS:
        return "deliverables"
    if module.startswith("registry.migrations."):
        return "deliverables"  # the registry label's history covers both of its packages
    return APP_LABEL_LAYER.get(top)


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def references(module: str, source: str, is_package: bool = False):
    """(line, referenced module) for every import and import-like string in a module's source."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, is_package, node)
            # `from registry import uploads` names the submodule registry.uploads
            for alias in node.names:
                yield node.lineno, f"{target}.{alias.name}" if alias.name != "*" else target
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and layer_of(node.value):
            if "." in node.value and " " not in node.value and node.value.split(".")[0] in PACKAGES:
                yield node.lineno, node.value
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "get_model":
            label = node.args[0].value if node.args and isinstance(node.args[0], ast.Constant) else None
            if isinstance(label, str) and label.split(".")[0] in APP_LABEL_LAYER:
                yield node.lineno, label.split(".")[0]


def violations(module: str, source: str, is_package: bool = False) -> list[str]:
    """The references of a module that point to a higher layer and are not ALLOWED."""
    own = layer_of(module)
    found = []
    for line, target in sorted(references(module, source, is_package)):
        layer = layer_of(target)
        if own is None or layer is None or LAYERS.index(layer) <= LAYERS.index(own):
            continue
        if any(module == m and (target == p or target.startswith(p + ".")) for m, p in ALLOWED):
            continue
        found.append(f"{module}:{line} ({own}) -> {target} ({layer})")
    return found


def project_modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            is_package = parts[-1] == "__init__"
            yield ".".join(parts[:-1] if is_package else parts), path, is_package


def test_no_import_points_up_a_layer():
    found = []
    for module, path, is_package in project_modules():
        found += violations(module, path.read_text(encoding="utf-8"), is_package)
    assert found == [], "imports against the layers:\n" + "\n".join(found)


def test_every_project_package_has_a_layer():
    for module, _, _ in project_modules():
        assert layer_of(module) is not None, module


# --- the checker itself, on tiny synthetic modules -------------------------------------------------


def test_an_upward_import_inside_a_function_is_caught():
    source = "def export():\n    from projects.models import Project\n    return Project\n"
    assert violations("cases.excel", source) == ["cases.excel:2 (cases) -> projects.models.Project (projects)"]


def test_upward_imports_of_every_form_are_caught():
    source = (
        "import rollups.cache\n"
        "from ..deliverables import services\n"
        "from django.utils.module_loading import import_string\n"
        "seed = import_string('cases.demo.seed')\n"
        "from django.apps import apps\n"
        "Case = apps.get_model('cases', 'Case')\n"
    )
    found = violations("registry.excel.views", source)
    assert [f.split(" -> ")[1] for f in found] == [
        "rollups.cache (rollups)",
        "registry.deliverables.services (deliverables)",
        "cases.demo.seed (cases)",
        "cases (cases)",
    ]


def test_downward_and_sideways_imports_pass():
    source = (
        "from registry.models import Division\n"
        "from registry.deliverables.models import Workshop\n"
        "from . import services\n"
        "from cases.services import case_create\n"
        "import django.db\n"
    )
    assert violations("projects.services", source) == []


def test_the_allowed_registration_hooks_are_only_allowed_where_listed():
    source = "from registry.deliverables.models import Workshop\n"
    assert violations("registry.models", source, is_package=True) == []
    assert violations("registry.scoping", source) != []


def test_a_deliverable_model_reached_through_registry_models_is_caught():
    source = "from registry.models import Division, Workshop\nx = models.ForeignKey('registry.VillageCluster')\n"
    found = violations("registry.views", source)
    assert [f.split(" -> ")[1] for f in found] == [
        "registry.models.Workshop (deliverables)",
        "registry.VillageCluster (deliverables)",
    ]


def test_the_pairing_layer_sits_between_projects_and_the_board():
    assert violations("pairing.services", "from projects.models import Project\nfrom cases.services import case_create\n") == []
    assert violations("rollups.pairing_section", "from pairing.selectors import board_rows\n") == []
    found = violations("projects.views", "from pairing.models import PairingTask\n")
    assert found == ["projects.views:1 (projects) -> pairing.models.PairingTask (pairing)"]
    assert violations("pairing.views", "from rollups.selectors import jurisdiction\n") != []
