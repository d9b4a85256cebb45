"""The API's documentation page, rendered by the portal from the generated OpenAPI schema.

django-ninja's own pages load Swagger UI or Redoc from a CDN, which the portal's strict CSP (and its rule of no
CDN) forbid: this page lists every endpoint, its parameters and its fields as plain HTML instead.
"""

from django.shortcuts import render
from ninja.openapi.docs import DocsBase


def _type(schema: dict, components: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        kinds = [_type(option, components) for option in schema["anyOf"]]
        return " or ".join(kind for kind in kinds if kind != "null") + (" or null" if "null" in kinds else "")
    if "enum" in schema:
        return "one of " + ", ".join(str(value) for value in schema["enum"])
    if schema.get("type") == "array":
        return f"list of {_type(schema.get('items', {}), components)}"
    kind = schema.get("type", "object")
    return f"{kind} ({schema['format']})" if "format" in schema else kind


def _fields(name: str, components: dict) -> list[dict]:
    schema = components.get(name, {})
    required = set(schema.get("required", []))
    return [
        {
            "name": field,
            "type": _type(spec, components),
            "required": field in required,
            "description": spec.get("description", ""),
        }
        for field, spec in schema.get("properties", {}).items()
    ]


def endpoints(schema: dict) -> list[dict]:
    """Each operation of the schema with its parameters and the fields of what it answers."""
    components = schema.get("components", {}).get("schemas", {})
    found = []
    for path, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            answers = []
            for status, response in operation.get("responses", {}).items():
                body = response.get("content", {}).get("application/json", {}).get("schema", {})
                answers.append({"status": status, "type": _type(body, components) if body else ""})
            ok = operation.get("responses", {}).get("200", {}).get("content", {}).get("application/json", {})
            body = ok.get("schema", {})
            shape = body.get("items", body)
            found.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        {
                            "name": parameter["name"],
                            "where": parameter["in"],
                            "required": parameter.get("required", False),
                            "type": _type(parameter.get("schema", {}), components),
                            "default": parameter.get("schema", {}).get("default"),
                            "description": parameter.get("description")
                            or parameter.get("schema", {}).get("description", ""),
                        }
                        for parameter in operation.get("parameters", [])
                    ],
                    "answers": answers,
                    "result": _type(body, components) if body else "",
                    "fields": _fields(shape["$ref"].rsplit("/", 1)[-1], components) if "$ref" in shape else [],
                }
            )
    return found


def schemas(schema: dict) -> list[dict]:
    """Every named object the API answers with, and its fields (the nested ones too: a figure in an edition, …).

    The query schemas (FigureQuery, ProjectQuery) are left out: their fields are the endpoints' parameters.
    """
    components = schema.get("components", {}).get("schemas", {})
    return [
        {"name": name, "fields": _fields(name, components)} for name in sorted(components) if not name.endswith("Query")
    ]


class PortalDocs(DocsBase):
    template = "portal/api/docs.html"

    def render_page(self, request, api, **kwargs):
        schema = api.get_openapi_schema(path_params=kwargs)
        context = {
            "api": api,
            "schema": schema,
            "endpoints": endpoints(schema),
            "schemas": schemas(schema),
            "openapi_url": self.get_openapi_url(api, kwargs),
        }
        return render(request, self.template, context)
