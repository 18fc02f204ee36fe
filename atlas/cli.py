"""The `atlas` command: a thin layer over the Django management commands.

`atlas import-practices FILE` runs the `import_practices` command; every
Django command is reachable the same way (`atlas migrate`, `atlas shell`).
"""

import os
import sys

# The commands this project adds, in the order `atlas` lists them.
PROJECT_COMMANDS = (
    "setup",
    "serve",
    "import-practices",
    "export-practices",
    "reindex-practices",
    "import-entitlements",
    "export-entitlements",
    "import-directory",
    "export-directory",
    "export-finder",
    "stats",
)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atlas.settings")
    from django.core.management import execute_from_command_line

    if len(argv) < 2 or argv[1] in {"-h", "--help"}:
        print(usage())
        return 0
    command = argv[1]
    if not command.startswith("-"):
        argv[1] = command.replace("-", "_")
    argv[0] = "atlas"
    execute_from_command_line(argv)
    return 0


def usage() -> str:
    lines = [
        "usage: atlas COMMAND [options]",
        "",
        "Access Atlas commands (atlas COMMAND --help for each):",
    ]
    lines += [f"  {name}" for name in PROJECT_COMMANDS]
    lines += ["", "Every Django management command works too: atlas help --commands"]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
