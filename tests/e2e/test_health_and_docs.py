def test_the_gateway_is_ready_when_it_reaches_the_broker(gateway):
    response = gateway.request("GET", "/readyz")
    assert (response.status_code, response.json()) == (200, {"status": "ok", "broker": "ok"})


def test_the_systems_health_reports_every_service(gateway):
    response = gateway.request("GET", "/health/system")
    assert response.status_code == 200
    services = {s["service"]: s for s in response.json()["services"]}
    assert set(services) == {"profiles", "matching", "notifications"}
    assert all(s["status"] == "ok" and s["store"] == "ok" for s in services.values())


def test_liveness(gateway):
    assert gateway.request("GET", "/healthz").json() == {"status": "ok"}


def test_openapi_document_and_docs_page(gateway):
    spec = gateway.request("GET", "/openapi.json").json()
    assert spec["openapi"] == "3.1.0"
    assert "/v1/me/moments" in spec["paths"]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    docs = gateway.request("GET", "/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
