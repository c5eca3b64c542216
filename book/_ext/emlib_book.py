"""Build fixes for the EM book, loaded as a local Sphinx extension."""


def _drop_duplicate_scripts(app, pagename, templatename, context, doctree):
    """Keep one copy of each script tag on a page.

    sphinx-thebe and sphinx-togglebutton each register their inline
    configuration script twice (once with ``filename=None``, once with
    ``""``), and a page that declares the same ``const`` twice logs a
    JavaScript error.
    """
    scripts, seen = [], set()
    for script in context.get("script_files", []):
        key = (script.filename or "", tuple(sorted(script.attributes.items())))
        if key not in seen:
            seen.add(key)
            scripts.append(script)
    context["script_files"] = scripts


def setup(app):
    # run after the extensions that add scripts to the page
    app.connect("html-page-context", _drop_duplicate_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
