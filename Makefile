# The production shape runs in containers (docker compose); `npm start` runs everything in one process.
# build, test, lint and migrate need no Docker; up, down, image, logs and shell do.
COMPOSE ?= docker compose

.PHONY: up down build image migrate test lint logs shell docker

up: docker     ## KurrentDB, PostgreSQL, Redis and the API
	$(COMPOSE) up -d --build

down: docker
	$(COMPOSE) down

build:         ## the compiled app in dist/
	npm run build

image: docker  ## the API's container image
	$(COMPOSE) build

migrate:       ## migrations also run at every start; this runs them alone (DATABASE_URL, else the embedded PostgreSQL in LEDGER_DATA_DIR)
	node scripts/build-if-stale.mjs && node dist/scripts/migrate.js

test:
	npm test

lint:
	npm run lint
	npm run typecheck

logs: docker
	$(COMPOSE) logs -f api

shell: docker  ## psql into the compose PostgreSQL
	$(COMPOSE) exec postgres psql -U postgres ledger

# The Docker targets say what is missing instead of failing inside the command.
docker:
	@$(COMPOSE) version >/dev/null 2>&1 || { \
	  echo "make: this target needs Docker with Compose ('$(COMPOSE)'), which is not installed here."; \
	  echo "      Without Docker: npm start runs the whole ledger in one process (embedded PostgreSQL)."; \
	  exit 1; }
