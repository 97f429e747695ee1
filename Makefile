# The two commands a newcomer needs: `make run` and `make test`. Everything else is theirs.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
UV_VERSION := 0.13.8
UV := .tools/bin/uv

.PHONY: run test setup lint openapi clean

# Installs uv in a private folder (no system change) and the locked environment in .venv.
# Compiled once here: where PYTHONDONTWRITEBYTECODE is set (CI images often set it), every
# process the tests start compiled flask, werkzeug, jinja2... again, some 0.2 s of CPU each.
setup: $(UV)
	$(UV) sync --frozen --python python3.11 --compile-bytecode

$(UV):
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

run: setup
	.venv/bin/workbuddy-dev

# Starts RabbitMQ (with its management API) and Redis first when they are installed and stopped.
test: setup
	.venv/bin/python -m workbuddy_devstack.for_tests
	.venv/bin/pytest -n 2 --dist loadgroup

# The OpenAPI document in docs/ is generated from the code; a test fails when it is stale.
openapi: setup
	.venv/bin/python -m workbuddy_gateway.openapi docs/openapi.json

lint: setup
	.venv/bin/ruff check .

clean:
	rm -rf var test-artifacts
