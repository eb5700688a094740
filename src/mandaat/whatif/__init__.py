"""What if: compare two divisions (:mod:`~mandaat.whatif.diff`), and fixes that are
proposed only once they have been checked (:mod:`~mandaat.whatif.fix`).

The layer above the evaluation: it checks schools as :func:`mandaat.check` does and
compares the reports; edits of a school are in ``_edits``, the re-checks in ``_evaluate``.
"""
