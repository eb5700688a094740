"""``python -m mandaat``: the same as the ``mandaat`` command."""

from .cli import console

if __name__ == "__main__":
    console()
