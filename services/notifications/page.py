"""The staff page's files (plain HTML, CSS and JavaScript, no build step)."""
from importlib import resources

from werkzeug.wrappers import Response

from coord.errors import NotFound

MEDIA_TYPES = {"index.html": "text/html", "staff.css": "text/css",
               "staff.js": "text/javascript"}


def static_file(name):
    """One of the page's files; 404 for anything else (no paths, no guessing)."""
    if name not in MEDIA_TYPES:
        raise NotFound(f"The staff page has no file {name!r}.")
    content = resources.files(__package__).joinpath("static", name).read_bytes()
    return Response(content, mimetype=MEDIA_TYPES[name],
                    headers={"Cache-Control": "no-cache"})
