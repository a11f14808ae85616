"""The OpenAPI document, the docs page, and a schemathesis run generated from the
document: no request it makes may get a 5xx or an answer outside the schema."""

import json
import os
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from kinetic.extensions import db
from kinetic.models import User
from kinetic.services import accounts

THERAPIST_PATHS = ("/api/v1/patients", "/api/v1/assignments", "/api/v1/invites")
ROOT = Path(__file__).resolve().parents[1]
REDOCLY = ROOT / "frontend" / "node_modules" / ".bin" / "redocly"
METHODS = ("get", "put", "post", "delete", "patch")
OPERATION_ID = re.compile(r"^[a-z]+(_[a-z]+)+$")  # resource_verb
PUBLIC = {
    ("post", "/api/v1/auth/register"),
    ("post", "/api/v1/auth/login"),
    ("get", "/api/v1/calendar/{token}.ics"),
    ("get", "/healthz"),
}
BEARER = [{"bearerAuth": []}]
# No usage data sent, no look-up of a newer version (redocly.com/docs/cli/usage-data).
REDOCLY_QUIET = {"REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"}


def operations(document):
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield method, path, item[method]


def test_openapi_document_describes_the_api(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json
    assert document["info"]["title"] == "Kinetic Chain API"
    paths = document["paths"]
    for path in (
        "/api/v1/auth/register",
        "/api/v1/me/pain",
        "/api/v1/patients/{patient_id}/assignments",
        "/api/v1/me/trends",
        "/healthz",
    ):
        assert path in paths
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == (
        "bearer"
    )
    assert "401" in paths["/api/v1/me/today"]["get"]["responses"]


PRESCRIBING = [
    ("get", "/api/v1/assignments/{assignment_id}/prescription"),
    ("put", "/api/v1/assignments/{assignment_id}/prescription"),
    ("get", "/api/v1/assignments/{assignment_id}/prescription/history"),
    ("post", "/api/v1/assignments/{assignment_id}/save-as-program"),
    ("get", "/api/v1/patients/{patient_id}/exercise-adherence"),
    ("post", "/api/v1/exercises"),
    ("put", "/api/v1/exercises/{slug}"),
    ("delete", "/api/v1/exercises/{slug}"),
    ("post", "/api/v1/programs"),
    ("put", "/api/v1/programs/{slug}"),
    ("delete", "/api/v1/programs/{slug}"),
    ("get", "/api/v1/exercises/{slug}.yaml"),
    ("get", "/api/v1/programs/{slug}.yaml"),
    ("post", "/api/v1/exercises/import"),
    ("post", "/api/v1/programs/import"),
]


def test_the_prescribing_routes_are_documented(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]

    for method, path in PRESCRIBING:
        operation = paths[path][method]
        assert operation["summary"], (method, path)
        assert "401" in operation["responses"], (method, path)
    put = paths["/api/v1/assignments/{assignment_id}/prescription"]["put"]
    assert "application/json" in put["requestBody"]["content"]
    yaml_file = paths["/api/v1/programs/{slug}.yaml"]["get"]["responses"]["200"]
    assert "application/yaml" in yaml_file["content"]
    upload = paths["/api/v1/programs/import"]["post"]
    assert "application/yaml" in upload["requestBody"]["content"]
    assert "422" in upload["responses"]


def test_api_answers_are_gzipped_for_clients_that_accept_it(client):
    response = client.get("/api/v1/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.data[:2] == b"\x1f\x8b"


def test_docs_page_loads_its_assets_from_this_server(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert b"/api/docs/assets/swagger-ui-bundle.js" in page.data
    asset = client.get("/api/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200
    assert len(asset.data) > 100_000


@pytest.fixture
def fuzz_accounts(app, make_therapist, make_patient, make_assignment):
    therapist = make_therapist()
    patient = make_patient(therapist)
    make_assignment(patient, therapist)
    return {"therapist": therapist, "patient": patient}


def _fresh_token(app, account) -> str:
    with app.app_context():
        token = accounts.issue_token(db.session.get(User, account.id))
        db.session.commit()
        return token


def _operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def _fuzz(operation, token_for) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=30,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def call(case):
        case.call_and_validate(
            # The in-process transport does not undo gzip, as HTTP clients do.
            headers={
                "Authorization": f"Bearer {token_for(operation)}",
                "Accept-Encoding": "identity",
            },
            checks=[not_a_server_error, response_schema_conformance],
        )

    call()


def test_generated_requests_get_no_server_error(app, fuzz_accounts, make_patient):
    # Drives schemathesis' strategies with hypothesis directly: its pytest plugin
    # does not run under pytest 9 yet.
    def token_for(operation) -> str:
        role = "therapist" if operation.path.startswith(THERAPIST_PATHS) else "patient"
        account = fuzz_accounts[role]
        route = (operation.method.upper(), operation.path)
        # Ending the session or the account needs a token of its own each time.
        if route == ("POST", "/api/v1/auth/logout"):
            return _fresh_token(app, account)
        if route == ("DELETE", "/api/v1/me"):
            return make_patient(fuzz_accounts["therapist"]).token
        return account.token

    operations = _operations(app)
    assert len(operations) >= 20
    for operation in operations:
        _fuzz(operation, token_for)


@pytest.mark.parametrize("patient_id", ["9223372036854775808", "0", "-1", "abc"])
def test_an_impossible_id_is_simply_not_found(client, make_therapist, patient_id):
    therapist = make_therapist()
    response = client.get(f"/api/v1/patients/{patient_id}", headers=therapist.headers)
    assert response.status_code == 404
    assert response.json["code"] == 404


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").json


def test_every_operation_has_a_unique_resource_verb_operation_id(document):
    ids = {(m, p): op.get("operationId") for m, p, op in operations(document)}

    assert len(ids) >= 80
    assert [key for key, op_id in ids.items() if not op_id] == []
    assert [i for i in ids.values() if not OPERATION_ID.match(i)] == []
    assert [i for i, n in Counter(ids.values()).items() if n > 1] == []
    # Generated clients name their methods by these: they stay as they are.
    assert ids["get", "/api/v1/patients"] == "patients_list"
    assert ids["get", "/api/v1/patients/{patient_id}"] == "patient_get"
    assert ids["get", "/api/v1/patients/{patient_id}/fhir"] == "patient_fhir_get"
    assert ids["post", "/api/v1/sessions/{session_id}/complete"] == "session_complete"


def test_only_the_public_operations_go_without_the_token(client, document):
    assert document["security"] == BEARER
    assert document["servers"] == [{"url": "/"}]
    public = set()
    for method, path, operation in operations(document):
        assert operation["security"] in ([], BEARER), (method, path)
        url = re.sub(r"\{\w+\}", "1", path)
        status = client.open(url, method=method.upper()).status_code
        if operation["security"] == []:
            public.add((method, path))
            assert status != 401, (method, path)
        else:
            assert status == 401, (method, path)
            assert "401" in operation["responses"], (method, path)
    assert public == PUBLIC


def test_every_operation_but_the_health_probe_documents_a_client_error(document):
    # redocly's operation-4xx-response, which redocly.yaml switches off for
    # GET /healthz alone.
    without = [
        (method, path)
        for method, path, operation in operations(document)
        if not any(code.startswith("4") for code in operation["responses"])
    ]
    assert without == [("get", "/healthz")]


FHIR_BUNDLE = {"$ref": "#/components/schemas/FhirBundle"}
EXPORTS = [
    ("/api/v1/patients/{patient_id}/fhir", "application/fhir+json", FHIR_BUNDLE),
    ("/api/v1/me/fhir", "application/fhir+json", FHIR_BUNDLE),
    (
        "/api/v1/patients/{patient_id}/report.pdf",
        "application/pdf",
        {"type": "string", "format": "binary"},
    ),
    ("/api/v1/calendar/{token}.ics", "text/calendar", {"type": "string"}),
    (
        "/api/v1/exercises/{slug}.yaml",
        "application/yaml",
        {"$ref": "#/components/schemas/OwnExerciseFile"},
    ),
    (
        "/api/v1/programs/{slug}.yaml",
        "application/yaml",
        {"$ref": "#/components/schemas/OwnProgramFile"},
    ),
    ("/api/v1/me/export", "application/json", {"$ref": "#/components/schemas/Export"}),
    ("/healthz", "application/json", {"$ref": "#/components/schemas/Health"}),
]


@pytest.mark.parametrize(("path", "media_type", "schema"), EXPORTS)
def test_each_export_documents_its_media_type_and_schema(
    document, path, media_type, schema
):
    content = document["paths"][path]["get"]["responses"]["200"]["content"]
    assert content == {media_type: {"schema": schema}}


def test_a_fhir_bundle_is_documented_with_its_frame(document):
    bundle = document["components"]["schemas"]["FhirBundle"]
    assert bundle["type"] == "object"
    assert bundle["required"] == ["resourceType", "type", "entry"]
    assert bundle["properties"]["resourceType"]["enum"] == ["Bundle"]
    assert bundle["properties"]["entry"]["type"] == "array"


@pytest.mark.parametrize("kind", ["exercise", "program"])
def test_a_yaml_file_has_the_schema_of_its_json_body(document, kind):
    """The JSON body is the file's fields and `owner` (me or clinic: whose it is),
    which the upload takes as ?owner=."""
    paths = document["paths"]
    schemas = document["components"]["schemas"]
    schema = {"$ref": f"#/components/schemas/Own{kind.title()}File"}
    upload = paths[f"/api/v1/{kind}s/import"]["post"]
    json_body = paths[f"/api/v1/{kind}s"]["post"]["requestBody"]["content"]
    assert upload["requestBody"]["content"] == {"application/yaml": {"schema": schema}}
    assert [p["name"] for p in upload["parameters"] if p["in"] == "query"] == ["owner"]
    create = f"{kind.title()}Create"
    assert json_body == {
        "application/json": {"schema": {"$ref": f"#/components/schemas/{create}"}}
    }
    file = schemas[f"Own{kind.title()}File"]
    body = schemas[create]
    assert body["properties"].pop("owner")["enum"] == ["me", "clinic"]
    assert body == file


def test_no_schema_states_a_keyword_its_type_does_not_have(document):
    def walk(node, where):
        if isinstance(node, dict):
            if "nullable" in node:
                assert "type" in node, where
            if node.get("type") == "object":
                assert not {"minLength", "maxLength"} & set(node), where
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{where}/{index}")

    walk(document, "#")
    answers = document["components"]["schemas"]["ResponseCreate"]["properties"]
    assert answers["answers"]["maxProperties"] == 30
    assert answers["answers"]["additionalProperties"] == {"type": "integer"}


def test_the_document_passes_redocly_lint(db_kind, document, tmp_path):
    # `make lint` lints the document a `make run` server serves the same way.
    if db_kind != "sqlite":
        pytest.skip("the document is the same on PostgreSQL: linted in the SQLite pass")
    if not os.access(REDOCLY, os.X_OK):
        pytest.skip("redocly is not installed: `make install` puts it in frontend/")
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(document))
    config = ROOT / "redocly.yaml"
    result = subprocess.run(
        [REDOCLY, "lint", "--config", config, "--format", "json", spec],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, **REDOCLY_QUIET},
        timeout=120,
    )
    report = json.loads(result.stdout)
    problems = [(p["ruleId"], p["location"][0]["pointer"]) for p in report["problems"]]
    assert report["totals"] == {"errors": 0, "warnings": 0, "ignored": 0}, problems
    assert result.returncode == 0, result.stderr
