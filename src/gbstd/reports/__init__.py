"""Reports built from the catalog and the facts computed from it, in several formats.

Bulletin (通报): ``period`` parses report periods, ``figures`` computes the numbers (the ``Bulletin`` object),
``sources`` asks the modules that own review state, duplicates, plan progress and projects, ``compose`` merges
figures and human-written notes into a document, and ``docx_writer`` / the jinja2 templates write it; ``charts``
draws its charts. ``site`` builds the browsable catalog site; ``templating`` finds and sandboxes the templates.
``plan_status`` renders ``gbstd plan status``.
"""
