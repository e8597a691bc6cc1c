"""The bundled notebooks for JupyterLab in a reader's language: ``kam notebooks DIR --lang ru``.

``kam render`` translates a notebook's markdown as it runs it; an analyst who works in
JupyterLab gets the same translation written into copies of the bundled notebooks
(:func:`write_notebooks`): each markdown cell in the language
(:func:`kamlib.run.execute.translated_notebook`), and the default of the ``lang`` parameter set
to it, so that kamlib's sentences, labels and number formats follow when the notebook runs.
The bundled notebooks themselves stay English, one per analysis; the copies are the user's.
"""

from __future__ import annotations

import re
from pathlib import Path

from kamlib.bundled import notebooks_folder
from kamlib.errors import ArgumentError
from kamlib.language import LANGUAGES
from kamlib.run.execute import translated_notebook

__all__ = ["set_language_parameter", "write_notebooks"]

_LANG_LINE = re.compile(r"^lang\s*(?::\s*str\s*)?=\s*(['\"])[^'\"\n]*\1", re.MULTILINE)


def set_language_parameter(nb, lang: str):
    """`nb` with ``lang`` as the default of its ``lang`` parameter (changed in place, returned).

    The line ``lang: str = "en"`` of the cell tagged ``parameters`` gets the new default (its
    comment kept). A notebook without a ``lang`` parameter gets one in that cell, and its
    setup cell (the first code cell after it) a call of :func:`kamlib.use_language`, unless a
    cell calls it already.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_code_cell('months: int = 12\\nlang: str = "en"  # language',
    ...                               metadata={"tags": ["parameters"]}),
    ...     nbformat.v4.new_code_cell("import kamlib\\nkamlib.use_language(lang)")])
    >>> print(set_language_parameter(nb, "ru").cells[0].source)
    months: int = 12
    lang: str = "ru"  # language
    """
    cells = nb.cells
    found = [
        i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])
    ]
    if not found:
        raise ArgumentError("the notebook has no cell tagged `parameters`")
    index = found[0]
    cell = cells[index]
    if _LANG_LINE.search(cell.source):
        cell.source = _LANG_LINE.sub(lambda _m: f'lang: str = "{lang}"', cell.source, count=1)
        return nb
    line = f'lang: str = "{lang}"  # the language of the text: en, fr, ru or af'
    cell.source = cell.source.rstrip("\n") + "\n" + line
    if not any("use_language(" in c.source for c in cells if c.cell_type == "code"):
        setup = next((c for c in cells[index + 1 :] if c.cell_type == "code"), None)
        if setup is not None:
            setup.source = (
                setup.source.rstrip("\n")
                + "\n\nfrom kamlib.language import use_language\n\nuse_language(lang)"
            )
    return nb


def write_notebooks(
    folder: str | Path,
    *,
    lang: str = "en",
    force: bool = False,
    source: str | Path | None = None,
) -> list[Path]:
    """Write the bundled notebooks into `folder`, their markdown and ``lang`` default in `lang`.

    Parameters
    ----------
    folder : str or Path
        Where to write them (created when missing).
    lang : {"en", "fr", "ru", "af"}, default "en"
        The language (:data:`kamlib.language.LANGUAGES`).
    force : bool, default False
        Overwrite notebooks already in `folder`; without it, an existing file is refused and
        nothing is written.
    source : str or Path, optional
        The folder of the notebooks to copy; default the bundled ones
        (:func:`kamlib.bundled.notebooks_folder`).

    Returns
    -------
    list of Path
        The notebooks written, by name.

    Raises
    ------
    ArgumentError
        For an unknown language, a `folder` that is a file, or notebooks already there
        (without `force`), naming them.

    Examples
    --------
    >>> import tempfile
    >>> written = write_notebooks(Path(tempfile.mkdtemp()) / "ru", lang="ru")
    >>> sorted(p.name for p in written)[:2]
    ['abc_xyz.ipynb', 'annual_meeting.ipynb']
    """
    import nbformat

    if lang not in LANGUAGES:
        raise ArgumentError(
            f"--lang: {lang!r} is not a report language; choose one of {', '.join(LANGUAGES)}"
        )
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ArgumentError(f"{folder} is not a folder")
    paths = sorted(Path(source or notebooks_folder()).glob("*.ipynb"))
    if not paths:
        raise ArgumentError(f"no notebooks in {source or notebooks_folder()}")
    taken = [folder / p.name for p in paths if (folder / p.name).exists()]
    if taken and not force:
        names = ", ".join(p.name for p in taken)
        raise ArgumentError(
            f"{folder} already holds {names}; pass --force to overwrite, or choose another folder"
        )
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        nb = set_language_parameter(translated_notebook(nb, lang), lang)
        target = folder / path.name
        nbformat.write(nb, target)
        written.append(target)
    return written
