# The two commands a newcomer needs: `make run` and `make test`. Everything else is theirs.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
UV_VERSION := 0.13.8
UV := .tools/bin/uv

.PHONY: run demo demo-remove test setup lint openapi clean

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

# `make run` with a demo community living beside the system (docs in README, "Try it alone").
demo: setup
	WB_DEMO=1 .venv/bin/workbuddy-dev

# Has every demo member leave, through the API, while `make demo` (or `make run`) runs.
demo-remove: setup
	.venv/bin/python -m workbuddy_devstack.demo remove --gateway http://127.0.0.1:$${GATEWAY_PORT:-8080} \
	  --inbox http://127.0.0.1:$${INBOX_PORT:-8025} --secret-file $${WB_VAR_DIR:-var}/demo-secret

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
