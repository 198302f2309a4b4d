"""`GET /docs`: the service's OpenAPI as Swagger UI, from files the service serves itself.

Secretariat networks are often closed to CDNs, so the Swagger UI distribution comes from
the pinned `swagger-ui-bundle` package (installed with the services) and is served under
`/docs/<file>`; the page reads this service's own `/openapi.json`.
"""
import mimetypes
import os

from swagger_ui_bundle import swagger_ui_path
from werkzeug.wrappers import Response

from coord.errors import NotFound

FILES = ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js",
         "favicon-32x32.png", "favicon-16x16.png")

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{title} API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/swagger-ui-standalone-preset.js"></script>
  <script>
    window.ui = SwaggerUIBundle({{
      url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true,
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: "StandaloneLayout", persistAuthorization: true
    }});
  </script>
</body>
</html>
"""


def page(service_name):
    return Response(PAGE.format(title=service_name.title()), mimetype="text/html")


def file(name):
    """One file of the Swagger UI distribution; only the ones the page uses."""
    if name not in FILES:
        raise NotFound(f"No documentation file {name!r}.")
    with open(os.path.join(swagger_ui_path, name), "rb") as handle:
        content = handle.read()
    response = Response(content, mimetype=mimetypes.guess_type(name)[0])
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
