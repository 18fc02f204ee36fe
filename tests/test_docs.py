"""What we document exists, and what exists is documented."""

import re
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

ROOT = Path(__file__).resolve().parent.parent
PROJECT_APPS = (
    "atlas.accounts",
    "atlas.places",
    "atlas.practices",
    "atlas.entitlements",
    "atlas.diagnostics",
    "atlas.plans",
    "atlas.directory",
    "atlas.finder",
    "atlas.leaflets",
    "atlas.pages",
    "atlas.stats",
)


def settings_variables() -> set[str]:
    text = (ROOT / "atlas" / "settings.py").read_text()
    text += (ROOT / "atlas" / "pages" / "management" / "commands" / "serve.py").read_text()
    return set(re.findall(r"(?:env_\w+\(|environ\.get\()\"([A-Z_]+)\"", text))


def test_every_setting_is_in_env_example_and_deploy_docs() -> None:
    variables = settings_variables()
    assert "DATABASE_URL" in variables
    example = (ROOT / ".env.example").read_text()
    deploy = (ROOT / "docs" / "deploy.md").read_text()
    missing = sorted(v for v in variables if f"{v}=" not in example or f"`{v}`" not in deploy)
    assert missing == []


def project_commands() -> dict[str, str]:
    return {name: app for name, app in get_commands().items() if app in PROJECT_APPS}


def test_every_project_command_has_help_and_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    commands = project_commands()
    assert {"setup", "serve", "import_practices", "export_practices"} <= set(commands)
    for name, app in commands.items():
        command = load_command_class(app, name)
        assert command.help.strip(), name
        assert f"atlas {name.replace('_', '-')}" in readme, name


@pytest.mark.django_db
def test_every_api_endpoint_is_in_the_api_docs(client) -> None:  # type: ignore[no-untyped-def]
    docs = (ROOT / "docs" / "api.md").read_text()
    schema = client.get("/api/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method in operations:
            assert f"`{method.upper()} {path}" in docs, f"{method} {path}"
        for operation in operations.values():
            assert operation.get("summary"), path


def test_the_atlas_command_lists_the_project_commands(capsys) -> None:  # type: ignore[no-untyped-def]
    from atlas.cli import PROJECT_COMMANDS, main

    main(["atlas", "--help"])
    out = capsys.readouterr().out
    for name in PROJECT_COMMANDS:
        assert name in out


def test_architecture_names_every_app() -> None:
    text = (ROOT / "ARCHITECTURE.md").read_text()
    for app in PROJECT_APPS:
        assert f"`{app.split('.')[-1]}`" in text, app
