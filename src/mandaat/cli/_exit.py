"""The exit statuses of ``mandaat`` (``docs/cli.md``): scripts act on them."""

#: No violations; at least one violation (or lint findings); bad input or bad rules.
EXIT_OK, EXIT_VIOLATIONS, EXIT_BAD_INPUT = 0, 1, 2
#: Ctrl-C, as a shell gives it (``docs/trainers.md``).
EXIT_INTERRUPTED = 130
